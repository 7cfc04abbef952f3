/* st_app with USB devices (issue 4, end to end in-process): a HID POS
 * scanner and a game pad emulated with libumockdev (tests/fakes), the real
 * libusb path of firmware-host, the station's app on a real SQLite file
 * with the demo data.  The qcstation binary cannot host fake devices (the
 * preload library must be in the process), hence in-process.
 *
 * The loop here is the UI loops' own: st_app_pollfds(), poll(),
 * st_app_dispatch().  Waits are bounded poll loops, no sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <poll.h>
#include <sqlite3.h>

#include "fh/scanner.h"
#include "st/app.h"
#include "st/err.h"
#include "st/import.h"
#include "st/ui.h"

#include "common/testdb.h"
#include "common/testutil.h"
#include "fakes/umockdev_devices.h"

#define WAIT_MS 2000

static const char ini[] = "[devices]\n"
			  "usb = on\n"
			  "qa-bench-scanner = 0c2e:0b61:SN00042\n"
			  "pack-scale = 0922:8003@1-3\n"
			  "kbd-scanner = 05e0:1200:KBD1\n"
			  "[buttons]\n"
			  "button1 = PASS\n";

struct fx {
	char dir[64], db[128];
	struct st_config cfg;
	struct st_store *store;
	struct st_app *app;
	json_t *events; /* every event emitted, in order */
	struct umd_bed *bed;
	struct umd_dev *scanner, *pad, *scale, *kbd;
};

static void capture(json_t *ev, void *ud)
{
	json_array_append(((struct fx *)ud)->events, ev);
}

static int fx_setup(void **state, bool with_scale, bool with_kbd)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct st_store_opts so = { .create = true };
	struct st_import_stats stats;
	char err[512], path[600];
	const char *src = getenv("QC_SRC");

	assert_non_null(f);
	assert_non_null(src);
	f->bed = umd_bed_new();
	f->scanner = umd_add(f->bed, &umd_pos_scanner);
	f->pad = umd_add(f->bed, &umd_gamepad);
	if (with_scale)
		f->scale = umd_add(f->bed, &umd_scale); /* port 1-3 */
	if (with_kbd)
		f->kbd = umd_add(f->bed, &umd_kbd_scanner);
	assert_int_equal(qc_tmpdir_make(f->dir, sizeof(f->dir), "appusb"), 0);
	snprintf(f->db, sizeof(f->db), "%s/s.db", f->dir);
	assert_int_equal(st_config_parse(&f->cfg, ini, "t.ini", err, sizeof(err)), ST_OK);
	assert_int_equal(st_store_open(f->db, &so, &f->store, err, sizeof(err)), ST_OK);
	snprintf(path, sizeof(path), "%s/data/demo/orders.json", src);
	assert_int_equal(st_import_file(f->store, path, &stats, err, sizeof(err)), ST_OK);
	f->events = json_array();
	{
		struct st_app_opts o = { .cfg = &f->cfg, .store = f->store, .emit = capture,
					 .emit_ud = f };

		assert_int_equal(st_app_new(&o, &f->app), ST_OK);
	}
	assert_true(st_app_usb(f->app));
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return fx_setup(state, false, false);
}

static int setup_kbd(void **state)
{
	return fx_setup(state, false, true);
}

static int setup_scale(void **state)
{
	return fx_setup(state, true, false);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	st_app_free(f->app); /* the USB layer first, then the fake devices */
	umd_bed_free(f->bed);
	st_store_close(f->store);
	json_decref(f->events);
	qc_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The first event called name (and, when action is set, with that
 * "action"), or NULL. */
static json_t *find(struct fx *f, const char *name, const char *action)
{
	size_t i;
	json_t *ev;

	json_array_foreach(f->events, i, ev)
		if (!strcmp(str(ev, "event"), name) &&
		    (!action || (str(ev, "action") && !strcmp(str(ev, "action"), action))))
			return ev;
	return NULL;
}

/* Run the app's loop as the UIs do until an event called name (with
 * action) has come, or WAIT_MS passed. */
static json_t *wait_for(struct fx *f, const char *name, const char *action)
{
	int64_t end = mono_ms() + WAIT_MS;
	json_t *ev;

	while (!(ev = find(f, name, action)) && mono_ms() < end) {
		struct pollfd fds[32];
		int n = st_app_pollfds(f->app, fds, 32), t = st_app_timeout_ms(f->app);

		assert_true(n >= 1); /* libusb has fds to watch */
		poll(fds, (nfds_t)n, t < 0 || t > 5 ? 5 : t);
		assert_int_equal(st_app_dispatch(f->app), ST_OK);
	}
	return ev;
}

static void scan(struct fx *f, const char *aim, const char *code)
{
	uint8_t r[64];

	umd_pos_report(r, aim, code, strlen(code), false);
	umd_push(f->scanner, 0x81, r, sizeof(r));
}

static void usb__attached_at_start_with_role(void **state)
{
	struct fx *f = *state;
	json_t *ev;

	ev = wait_for(f, "device", "attached");
	assert_non_null(ev);
	while (json_array_size(f->events) < 2 && wait_for(f, "nothing", NULL))
		;
	/* Both devices; the scanner with its role. */
	for (size_t i = 0; i < json_array_size(f->events); i++) {
		ev = json_array_get(f->events, i);
		assert_string_equal(str(ev, "event"), "device");
		if (!strcmp(str(ev, "device"), "0c2e:0b61:SN00042")) {
			assert_string_equal(str(ev, "driver"), "hid-pos-scanner");
			assert_string_equal(str(ev, "class"), "scanner");
			assert_string_equal(str(ev, "role"), "qa-bench-scanner");
		} else {
			assert_string_equal(str(ev, "device"), "1209:0001:PAD1");
			assert_string_equal(str(ev, "driver"), "hid-buttons");
			assert_null(json_object_get(ev, "role"));
		}
	}
	assert_int_equal(json_array_size(f->events), 2);
}

/* Issue 4, "Must show": an emulated HID POS scanner's scans go through the
 * station to a stored inspection. */
static void usb__scanner_scans_to_a_stored_inspection(void **state)
{
	struct fx *f = *state;
	json_t *ev, *in;

	assert_non_null(wait_for(f, "device", "attached"));
	scan(f, "]C0", "BADGE-0001");
	assert_non_null(wait_for(f, "login", NULL));
	scan(f, "]C0", "SN00001011");
	assert_non_null(wait_for(f, "item", NULL));
	json_array_clear(f->events);
	scan(f, "]C0", "CMD-PASS-ALL");
	in = wait_for(f, "inspection", NULL);
	assert_non_null(in);
	assert_string_equal(str(in, "result"), "pass");
	assert_string_equal(str(json_object_get(in, "item"), "serial"), "SN00001011");
	ev = find(f, "scan", NULL);
	assert_non_null(ev);
	assert_string_equal(str(ev, "source"), "usb:0c2e:0b61:SN00042");
	assert_string_equal(str(ev, "device"), "0c2e:0b61:SN00042");
	assert_string_equal(str(ev, "role"), "qa-bench-scanner");
	assert_string_equal(str(ev, "kind"), "command");
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection WHERE result = 'pass'"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM item WHERE serial = 'SN00001011' AND "
				   "status = 'passed'"), 1);
	/* The raw scans keep the AIM id and the device as their source. */
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan WHERE source = "
				   "'usb:0c2e:0b61:SN00042'"), 3);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM outbox WHERE type = 'scan' AND "
				   "payload LIKE '%\"role\":\"qa-bench-scanner\"%'"), 3);
}

static void usb__mapped_button_is_its_command(void **state)
{
	struct fx *f = *state;
	const uint8_t down = 0x01, up = 0x00, other = 0x02;
	json_t *ev;

	assert_non_null(wait_for(f, "device", "attached"));
	json_array_clear(f->events);
	umd_push(f->pad, 0x81, &other, 1); /* button2: not mapped, ignored */
	umd_push(f->pad, 0x81, &up, 1);
	umd_push(f->pad, 0x81, &down, 1);
	umd_push(f->pad, 0x81, &up, 1);
	ev = wait_for(f, "scan", NULL);
	assert_non_null(ev);
	assert_string_equal(str(ev, "input"), "CMD-PASS");
	assert_string_equal(str(ev, "kind"), "command");
	assert_string_equal(str(ev, "source"), "usb:1209:0001:PAD1");
	assert_string_equal(str(ev, "device"), "1209:0001:PAD1");
	assert_null(json_object_get(ev, "role"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 1);
}

static void usb__unplug_detached_and_the_station_goes_on(void **state)
{
	struct fx *f = *state;
	json_t *ev;

	assert_non_null(wait_for(f, "device", "attached"));
	json_array_clear(f->events);
	umd_unplug(f->bed, f->scanner);
	ev = wait_for(f, "device", "detached");
	assert_non_null(ev);
	assert_string_equal(str(ev, "device"), "0c2e:0b61:SN00042");
	assert_string_equal(str(ev, "driver"), "hid-pos-scanner");
	assert_string_equal(str(ev, "role"), "qa-bench-scanner");
	/* The other device still works. */
	{
		const uint8_t down = 0x01;

		umd_push(f->pad, 0x81, &down, 1);
	}
	assert_non_null(wait_for(f, "scan", NULL));
}

/* A scale's readings are "weight" events, in mg, with device and role. */
static void usb__scale_weight_events(void **state)
{
	struct fx *f = *state;
	static const uint8_t stale[6] = { 3, 4, 11, 0xff, 0x10, 0x00 };  /* last weighing */
	static const uint8_t motion[6] = { 3, 3, 11, 0xff, 0x20, 0x01 }; /* 28.8 oz moving */
	static const uint8_t stable[6] = { 3, 4, 11, 0xff, 0x2c, 0x01 }; /* 30.0 oz */
	json_t *ev;
	size_t i;

	assert_non_null(wait_for(f, "device", "attached"));
	umd_push(f->scale, 0x81, stale, 6);
	umd_push(f->scale, 0x81, motion, 6);
	umd_push(f->scale, 0x81, stable, 6);
	/* Wait for the stable reading; the one in motion comes first. */
	for (int64_t end = mono_ms() + WAIT_MS; mono_ms() < end;) {
		json_t *last = NULL;

		if (wait_for(f, "weight", NULL))
			json_array_foreach(f->events, i, ev)
				if (!strcmp(str(ev, "event"), "weight"))
					last = ev;
		if (last && json_is_true(json_object_get(last, "stable")))
			break;
		wait_for(f, "never", NULL); /* more dispatches */
	}
	ev = find(f, "weight", NULL);
	assert_non_null(ev);
	assert_false(json_is_true(json_object_get(ev, "stable")));
	assert_int_equal(json_integer_value(json_object_get(ev, "weight_mg")), 816466);
	assert_string_equal(str(ev, "device"), "0922:8003@1-3");
	assert_string_equal(str(ev, "role"), "pack-scale");
	ev = json_array_get(f->events, json_array_size(f->events) - 1);
	assert_string_equal(str(ev, "event"), "weight");
	assert_true(json_is_true(json_object_get(ev, "stable")));
	assert_int_equal(json_integer_value(json_object_get(ev, "weight_mg")), 850486);
	json_array_foreach(f->events, i, ev)
		assert_string_not_equal(str(ev, "event"), "scan"); /* nothing stored */
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 0);
}

/* The self-test barcode from a HID POS scanner: a selftest event, all
 * good, and nothing stored. */
static void selftest__hid_pos_scanner_all_good(void **state)
{
	struct fx *f = *state;
	static const char st[] = FH_SCANNER_SELFTEST;
	json_t *ev;

	assert_non_null(wait_for(f, "device", "attached"));
	json_array_clear(f->events);
	scan(f, "]C0", st);
	ev = wait_for(f, "selftest", NULL);
	assert_non_null(ev);
	assert_true(json_is_true(json_object_get(ev, "ok")));
	assert_string_equal(str(ev, "via"), "usb-hid-pos");
	assert_string_equal(str(ev, "device"), "0c2e:0b61:SN00042");
	assert_string_equal(str(ev, "role"), "qa-bench-scanner");
	assert_string_equal(str(json_array_get(json_object_get(ev, "findings"), 0), "code"), "ok");
	assert_null(find(f, "scan", NULL));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 0);
}

/* Issue 4: a keyboard-mode scanner set to a German keyboard types the
 * self-test; the station reads its keys as US.  The boot reports are made
 * from the German keymap (fh_kbd_encode()); the finding names the layout. */
static void selftest__keyboard_scanner_through_a_german_layout(void **state)
{
	struct fx *f = *state;
	static const char st[] = "]C0" FH_SCANNER_SELFTEST;
	static const uint8_t up[8] = { 0 };
	const char *p;
	json_t *ev, *fs, *layout;

	assert_non_null(wait_for(f, "device", "attached"));
	json_array_clear(f->events);
	for (p = st; *p; p++) {
		uint8_t r[8] = { 0 };

		assert_int_equal(fh_kbd_encode(FH_KBD_LAYOUT_DE, (uint8_t)*p, &r[2], &r[0]), 0);
		umd_push(f->kbd, 0x81, r, sizeof(r));
		umd_push(f->kbd, 0x81, up, sizeof(up));
	}
	{
		const uint8_t enter[8] = { 0, 0, 0x28 };

		umd_push(f->kbd, 0x81, enter, sizeof(enter));
		umd_push(f->kbd, 0x81, up, sizeof(up));
	}
	ev = wait_for(f, "selftest", NULL);
	assert_non_null(ev);
	assert_false(json_is_true(json_object_get(ev, "ok")));
	assert_string_equal(str(ev, "via"), "usb-keyboard");
	assert_string_equal(str(ev, "device"), "05e0:1200:KBD1");
	assert_string_equal(str(ev, "role"), "kbd-scanner");
	layout = json_object_get(ev, "layout");
	assert_string_equal(str(layout, "scanner"), "de");
	assert_string_equal(str(layout, "read"), "us");
	fs = json_object_get(ev, "findings");
	assert_int_equal(json_array_size(fs), 1); /* GS (Ctrl+]), Enter, AIM all came */
	assert_string_equal(str(json_array_get(fs, 0), "code"), "layout");
	assert_non_null(strstr(str(json_array_get(fs, 0), "message"), "QWERTZ: y and z swapped"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 0);
}

/* Typed in (the stdin wedge, or the terminal UIs): Caps Lock on turns the
 * self-test's case around; a selftest event names it, the line-mode UI
 * prints it with the fix, nothing is stored. */
static void selftest__typed_in_with_caps_lock(void **state)
{
	struct fx *f = *state;
	static const char st[] = FH_SCANNER_SELFTEST;
	uint8_t in[64];
	char *text = NULL;
	size_t n = 0, len;
	json_t *ev, *fs;
	FILE *out;

	/* Invert the case of the letters, as Caps Lock does on a US layout. */
	memcpy(in, "]c0", 3);
	for (len = 0; st[len]; len++) {
		char c = st[len];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		in[3 + len] = (uint8_t)c;
	}
	json_array_clear(f->events);
	assert_int_equal(st_app_scan(f->app, in, 3 + len, false, "stdin"), ST_OK);
	ev = find(f, "selftest", NULL);
	assert_non_null(ev);
	assert_int_equal(json_array_size(f->events), 1);
	assert_string_equal(str(ev, "via"), "wedge");
	assert_string_equal(str(ev, "source"), "stdin");
	assert_null(json_object_get(ev, "device"));
	fs = json_object_get(ev, "findings");
	assert_int_equal(json_array_size(fs), 1);
	assert_string_equal(str(json_array_get(fs, 0), "code"), "case");
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 0);

	out = open_memstream(&text, &n);
	assert_non_null(out);
	st_term_emit(ev, out);
	fclose(out);
	assert_non_null(strstr(text, "SCANNER SELF-TEST (stdin): needs fixing"));
	assert_non_null(strstr(text, "! case inverted"));
	assert_non_null(strstr(text, "    fix: turn Caps Lock off on this computer"));
	free(text);

	/* The same bytes, one letter off: an ordinary (stored) scan. */
	in[5] = 'x';
	json_array_clear(f->events);
	assert_int_equal(st_app_scan(f->app, in, 3 + len, false, "stdin"), ST_OK);
	assert_null(find(f, "selftest", NULL));
	assert_non_null(find(f, "scan", NULL));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(usb__attached_at_start_with_role, setup, teardown),
		cmocka_unit_test_setup_teardown(usb__scanner_scans_to_a_stored_inspection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(usb__mapped_button_is_its_command, setup, teardown),
		cmocka_unit_test_setup_teardown(usb__unplug_detached_and_the_station_goes_on, setup,
						teardown),
		cmocka_unit_test_setup_teardown(usb__scale_weight_events, setup_scale, teardown),
		cmocka_unit_test_setup_teardown(selftest__hid_pos_scanner_all_good, setup,
						teardown),
		cmocka_unit_test_setup_teardown(selftest__keyboard_scanner_through_a_german_layout,
						setup_kbd, teardown),
		cmocka_unit_test_setup_teardown(selftest__typed_in_with_caps_lock, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
