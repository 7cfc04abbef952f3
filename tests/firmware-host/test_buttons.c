/* hid-buttons: bit and keyboard-usage reports to press/release events, the
 * button names, the button -> command map, and the driver over the fake
 * transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fh-int.h"

#include "drivers/hid-buttons/protocol.h"
#include "fakes/fake_transport.h"
#include "fh/io.h"

#define KEY(u) (FH_BUTTON_KEY_BASE + (u))
#define DOWN true
#define UP false

struct want {
	unsigned index;
	bool pressed;
};

static void expect(const struct fh_button *got, int n, const struct want *w, int nw)
{
	assert_int_equal(n, nw);
	for (int i = 0; i < nw; i++) {
		assert_int_equal(got[i].index, w[i].index);
		assert_int_equal(got[i].pressed, w[i].pressed);
	}
}

static void bits__transitions_table(void **state)
{
	/* One 16-button device: each row is a report and the changes it means. */
	static const struct {
		uint8_t r[2];
		int n;
		struct want w[4];
	} t[] = {
		{ { 0x00, 0x00 }, 0, { { 0 } } },
		{ { 0x01, 0x00 }, 1, { { 0, DOWN } } },
		{ { 0x01, 0x00 }, 0, { { 0 } } },                      /* held: nothing */
		{ { 0x03, 0x80 }, 2, { { 1, DOWN }, { 15, DOWN } } },
		{ { 0x02, 0x00 }, 2, { { 0, UP }, { 15, UP } } },
		{ { 0x01, 0x01 }, 3, { { 1, UP }, { 0, DOWN }, { 8, DOWN } } }, /* ups first */
		{ { 0x00, 0x00 }, 2, { { 0, UP }, { 8, UP } } },
	};
	struct hid_buttons b;
	struct fh_button out[HID_BUTTONS_EVENTS_MAX];

	(void)state;
	hid_buttons_init(&b, FH_BUTTONS_BITS);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect(out, hid_buttons_feed(&b, t[i].r, 2, out), t[i].w, t[i].n);
}

static void bits__report_id_offset_count(void **state)
{
	/* Report id 3, a status byte to skip, then 3 buttons; bits past the
	 * count are padding. */
	static const uint8_t r1[] = { 3, 0xff, 0xfd };
	static const uint8_t other[] = { 4, 0x00, 0x07 };
	static const uint8_t r2[] = { 3, 0x00, 0x00 };
	static const uint8_t shortr[] = { 3, 0x00 };
	static const struct want w1[] = { { 0, DOWN }, { 2, DOWN } };
	static const struct want w2[] = { { 0, UP }, { 2, UP } };
	struct hid_buttons b;
	struct fh_button out[HID_BUTTONS_EVENTS_MAX];

	(void)state;
	hid_buttons_init(&b, FH_BUTTONS_KEYBOARD);
	assert_int_equal(hid_buttons_set(&b, FH_KEY_BUTTONS_MODE, FH_BUTTONS_BITS), FH_OK);
	assert_int_equal(hid_buttons_set(&b, FH_KEY_BUTTONS_REPORT_ID, 3), FH_OK);
	assert_int_equal(hid_buttons_set(&b, FH_KEY_BUTTONS_OFFSET, 1), FH_OK);
	assert_int_equal(hid_buttons_set(&b, FH_KEY_BUTTONS_COUNT, 3), FH_OK);
	expect(out, hid_buttons_feed(&b, r1, sizeof(r1), out), w1, 2);
	assert_int_equal(hid_buttons_feed(&b, other, sizeof(other), out), 0);
	assert_int_equal(hid_buttons_feed(&b, shortr, sizeof(shortr), out), FH_ERR_PROTO);
	assert_int_equal(hid_buttons_feed(&b, r1, 0, out), FH_ERR_PROTO);
	expect(out, hid_buttons_feed(&b, r2, sizeof(r2), out), w2, 2);
	/* Out of range: refused, unchanged. */
	assert_int_equal(hid_buttons_set(&b, FH_KEY_BUTTONS_COUNT, FH_BUTTONS_BITS_MAX + 1),
			 FH_ERR_ARG);
	assert_int_equal(hid_buttons_set(&b, FH_KEY_BUTTONS_REPORT_ID, 256), FH_ERR_ARG);
	assert_int_equal(hid_buttons_set(&b, FH_KEY_BUTTONS_MODE, 7), FH_ERR_ARG);
	assert_int_equal(hid_buttons_set(&b, FH_KEY_KBD_LAYOUT, 0), FH_ERR_NA);
	assert_int_equal(b.count, 3);
	assert_int_equal(b.report_id, 3);
}

static void bits__all_64_at_once(void **state)
{
	uint8_t all[9] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t none[9] = { 0 };
	struct hid_buttons b;
	struct fh_button out[HID_BUTTONS_EVENTS_MAX];

	(void)state;
	hid_buttons_init(&b, FH_BUTTONS_BITS);
	/* count 0 = every bit, capped at FH_BUTTONS_BITS_MAX. */
	assert_int_equal(hid_buttons_feed(&b, all, sizeof(all), out), FH_BUTTONS_BITS_MAX);
	assert_int_equal(out[63].index, 63);
	assert_int_equal(hid_buttons_feed(&b, none, sizeof(none), out), FH_BUTTONS_BITS_MAX);
	assert_false(out[0].pressed);
}

static void keyboard__pedal_keys_table(void **state)
{
	/* A three-pedal foot switch typing F13, F14, F15 (usages 0x68..0x6a),
	 * one with a modifier, and a rollover report in between. */
	static const struct {
		uint8_t r[8];
		int n;
		struct want w[4];
	} t[] = {
		{ { 0, 0, 0x68 }, 1, { { KEY(0x68), DOWN } } },
		{ { 0, 0, 0x68 }, 0, { { 0 } } },
		{ { 0, 0, 1, 1, 1, 1, 1, 1 }, 0, { { 0 } } },         /* rollover: skipped */
		{ { 0, 0, 0x68, 0x69 }, 1, { { KEY(0x69), DOWN } } },
		{ { 0, 0, 0x69 }, 1, { { KEY(0x68), UP } } },
		{ { 0x01, 0, 0x69, 0x6a }, 2, { { KEY(0xe0), DOWN }, { KEY(0x6a), DOWN } } },
		{ { 0 }, 3, { { KEY(0xe0), UP }, { KEY(0x69), UP }, { KEY(0x6a), UP } } },
		{ { 0, 0, 0x68 }, 1, { { KEY(0x68), DOWN } } },         /* pressed again */
		/* Right Shift as a bit and as a slot usage is one button (fuzzer). */
		{ { 0x20, 0, 0x68, 0xe5 }, 1, { { KEY(0xe5), DOWN } } },
		{ { 0x00, 0, 0x68, 0xe5 }, 1, { { KEY(0xe5), UP } } },
	};
	struct hid_buttons b;
	struct fh_button out[HID_BUTTONS_EVENTS_MAX];
	static const uint8_t nine[9] = { 0 };

	(void)state;
	hid_buttons_init(&b, FH_BUTTONS_KEYBOARD);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect(out, hid_buttons_feed(&b, t[i].r, 8, out), t[i].w, t[i].n);
	assert_int_equal(hid_buttons_feed(&b, nine, 9, out), FH_ERR_PROTO);
	assert_int_equal(hid_buttons_feed(&b, nine, 2, out), FH_ERR_PROTO);
}

static void names__round_trip(void **state)
{
	static const struct {
		const char *name;
		unsigned index;
	} t[] = {
		{ "button1", 0 },          { "button64", 63 },      { "f13", KEY(0x68) },
		{ "f24", KEY(0x73) },      { "f1", KEY(0x3a) },     { "a", KEY(0x04) },
		{ "z", KEY(0x1d) },        { "1", KEY(0x1e) },      { "0", KEY(0x27) },
		{ "enter", KEY(0x28) },    { "space", KEY(0x2c) },  { "kp-enter", KEY(0x58) },
		{ "kp0", KEY(0x62) },      { "lctrl", KEY(0xe0) },  { "rmeta", KEY(0xe7) },
		{ "key0x74", KEY(0x74) },  { "key0x00", KEY(0x00) },
	};
	char buf[32];
	unsigned idx;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(fh_buttons_parse(t[i].name, &idx), FH_OK);
		assert_int_equal(idx, t[i].index);
		assert_true(fh_buttons_name(t[i].index, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, t[i].name);
	}
	/* Every index has a name that parses back to it. */
	for (unsigned i = 0; i <= FH_BUTTON_INDEX_MAX; i++) {
		if (i >= FH_BUTTONS_BITS_MAX && i < FH_BUTTON_KEY_BASE) {
			assert_int_equal(fh_buttons_name(i, buf, sizeof(buf)), FH_ERR_ARG);
			continue;
		}
		assert_true(fh_buttons_name(i, buf, sizeof(buf)) > 0);
		assert_int_equal(fh_buttons_parse(buf, &idx), FH_OK);
		assert_int_equal(idx, i);
	}
	assert_int_equal(fh_buttons_parse("F13", &idx), FH_OK); /* any case */
	assert_int_equal(idx, KEY(0x68));
	static const char *const bad[] = { "button0", "button65", "button01", "button",
					   "key0x100", "key0x", "pedal", "", "f25" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fh_buttons_parse(bad[i], &idx), FH_ERR_ARG);
	assert_int_equal(fh_buttons_name(0, buf, 4), FH_ERR_ARG); /* "button1" won't fit */
	assert_string_equal(buf, "");
	assert_int_equal(fh_buttons_name(FH_BUTTON_INDEX_MAX + 1, buf, sizeof(buf)), FH_ERR_ARG);
}

static void map__add_lookup_replace(void **state)
{
	struct fh_buttons_map m;
	char cmd[FH_BUTTONS_CMD_MAX + 1];

	(void)state;
	fh_buttons_map_init(&m);
	assert_null(fh_buttons_map_lookup(&m, 0));
	assert_int_equal(fh_buttons_map_add(&m, "f13", "next"), FH_OK);
	assert_int_equal(fh_buttons_map_add(&m, "button2", "reject"), FH_OK);
	assert_string_equal(fh_buttons_map_lookup(&m, KEY(0x68)), "next");
	assert_string_equal(fh_buttons_map_lookup(&m, 1), "reject");
	assert_int_equal(fh_buttons_map_add(&m, "F13", "accept"), FH_OK); /* replaces */
	assert_string_equal(fh_buttons_map_lookup(&m, KEY(0x68)), "accept");
	assert_int_equal(m.n, 2);
	assert_int_equal(fh_buttons_map_add(&m, "pedal9", "x"), FH_ERR_ARG);
	assert_int_equal(fh_buttons_map_add(&m, "a", ""), FH_ERR_ARG);
	memset(cmd, 'c', FH_BUTTONS_CMD_MAX);
	cmd[FH_BUTTONS_CMD_MAX] = 0;
	assert_int_equal(fh_buttons_map_add(&m, "a", cmd), FH_ERR_ARG);
	cmd[FH_BUTTONS_CMD_MAX - 1] = 0; /* the longest that fits */
	assert_int_equal(fh_buttons_map_add(&m, "a", cmd), FH_OK);
	/* Full: refused, the map unchanged. */
	for (unsigned i = 0; m.n < FH_BUTTONS_MAP_MAX; i++) {
		char name[16];

		snprintf(name, sizeof(name), "button%u", 10 + i);
		assert_int_equal(fh_buttons_map_add(&m, name, "x"), FH_OK);
	}
	assert_int_equal(fh_buttons_map_add(&m, "f20", "x"), FH_ERR_ARG);
	assert_null(fh_buttons_map_lookup(&m, KEY(0x6f)));
	assert_int_equal(fh_buttons_map_add(&m, "f13", "still"), FH_OK); /* replacing works */
	assert_null(fh_buttons_map_lookup(NULL, 0));
}

static int64_t fake_clock(void *ud)
{
	return *(int64_t *)ud;
}

static void driver__events_from_a_boot_keyboard_pedal(void **state)
{
	static const uint8_t down[8] = { 0, 0, 0x68 }, up[8] = { 0 };
	static const uint8_t both[8] = { 0, 0, 0x69, 0x6a };
	int64_t now = 500;
	struct fh_config cfg = { .now_ms = fake_clock, .clock_ud = &now };
	struct fh_ctx *ctx = NULL;
	struct fake_transport *f = fake_transport_new(&now);
	struct fh_identity id = { .vid = 0x0c45, .pid = 0x7403 };
	struct fh_dev_info info = { .if_class = 3, .if_subclass = 1, .if_protocol = 1 };
	struct fh_dev *dev = NULL;
	struct fh_event *ev = malloc(sizeof(*ev));
	const struct fh_driver *drv = fh_driver_find("hid-buttons");

	(void)state;
	assert_non_null(ev);
	assert_non_null(drv);
	assert_int_equal(fh_ctx_new(&cfg, &ctx), FH_OK);
	assert_int_equal(fh_dev_new(ctx, drv, fake_transport_base(f), &id, &info, &dev), FH_OK);
	fake_transport_push_after(f, 20, down, 8);
	fake_transport_push_after(f, 30, up, 8);
	fake_transport_push(f, both, 8);
	assert_int_equal(fh_dev_poll(dev, ev, 100), FH_OK);
	assert_int_equal(ev->kind, FH_EV_BUTTON);
	assert_int_equal(ev->button.index, KEY(0x68));
	assert_true(ev->button.pressed);
	assert_int_equal(ev->ts_ms, 520);
	assert_int_equal(ev->dev.cls, FH_CLASS_IO);
	assert_int_equal(fh_dev_poll(dev, ev, 100), FH_OK);
	assert_false(ev->button.pressed);
	assert_int_equal(fh_dev_poll(dev, ev, 100), FH_OK);
	assert_int_equal(ev->button.index, KEY(0x69));
	assert_int_equal(fh_dev_poll(dev, ev, 100), FH_OK); /* queued from the same report */
	assert_int_equal(ev->button.index, KEY(0x6a));
	assert_int_equal(ev->ts_ms, 550);
	assert_int_equal(fh_dev_poll(dev, ev, 40), FH_ERR_TIMEOUT);
	assert_int_equal(now, 590);
	fake_transport_push_error(f, FH_ERR_NODEV);
	assert_int_equal(fh_dev_poll(dev, ev, 40), FH_ERR_NODEV);
	fh_dev_free(dev);
	fake_transport_free(f);
	fh_ctx_free(ctx);
	free(ev);
}

static void driver__bits_device_by_default(void **state)
{
	static const uint8_t r[2] = { 0x04, 0x00 };
	struct fh_ctx *ctx = NULL;
	struct fake_transport *f = fake_transport_new(NULL);
	struct fh_identity id = { .vid = 0x1234, .pid = 0x0001 };
	struct fh_dev *dev = NULL;
	struct fh_event *ev = malloc(sizeof(*ev));

	(void)state;
	assert_non_null(ev);
	assert_int_equal(fh_ctx_new(NULL, &ctx), FH_OK);
	assert_int_equal(fh_dev_new(ctx, fh_driver_find("hid-buttons"), fake_transport_base(f),
				    &id, NULL, &dev),
			 FH_OK);
	fake_transport_push(f, r, 2);
	assert_int_equal(fh_dev_poll(dev, ev, 0), FH_OK);
	assert_int_equal(ev->button.index, 2);
	assert_true(ev->button.pressed);
	assert_int_equal(fh_dev_poll(dev, ev, 0), FH_ERR_TIMEOUT);
	assert_int_equal(fh_dev_config_set(dev, FH_KEY_BUTTONS_COUNT, 99), FH_ERR_ARG);
	assert_int_equal(fh_dev_config_set(dev, FH_KEY_BUTTONS_MODE, FH_BUTTONS_KEYBOARD),
			 FH_OK);
	fh_dev_free(dev);
	fake_transport_free(f);
	fh_ctx_free(ctx);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bits__transitions_table),
		cmocka_unit_test(bits__report_id_offset_count),
		cmocka_unit_test(bits__all_64_at_once),
		cmocka_unit_test(keyboard__pedal_keys_table),
		cmocka_unit_test(names__round_trip),
		cmocka_unit_test(map__add_lookup_replace),
		cmocka_unit_test(driver__events_from_a_boot_keyboard_pedal),
		cmocka_unit_test(driver__bits_device_by_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
