/* firmware-host core: the driver table, the device object and its class
 * calls (FH_ERR_NA for missing ops), the context, the shared helpers and
 * the fake transport the driver tests stand on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fh-int.h"

#include "fh/io.h"
#include "fh/printer.h"
#include "fh/scale.h"
#include "fh/scanner.h"
#include "fakes/fake_transport.h"

static int64_t test_clock(void *ud)
{
	return *(int64_t *)ud;
}

struct log_rec {
	int n, level;
	char msg[256];
};

static void test_log(int level, const char *msg, void *ud)
{
	struct log_rec *r = ud;

	r->n++;
	r->level = level;
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
}

/* ---- a driver with no ops, and one recording its calls ------------------- */

static const struct fh_driver null_drv = {
	.name = "null",
	.longname = "no ops at all",
	.cls = FH_CLASS_SCANNER,
	.api_version = FH_DRIVER_API,
};

struct rec_priv {
	int opened, polls, configs, prints, tares, outputs;
	int64_t last_val;
	size_t last_len;
};

static int rec_closed; /* close runs after priv is gone from the test's view */

static int rec_open(struct fh_dev *dev)
{
	struct rec_priv *p = dev->priv;

	assert_int_equal(p->opened, 0); /* priv arrives zeroed */
	p->opened = 1;
	return FH_OK;
}

static void rec_close(struct fh_dev *dev)
{
	(void)dev;
	rec_closed++;
}

static int rec_poll(struct fh_dev *dev, struct fh_event *ev, int timeout_ms)
{
	struct rec_priv *p = dev->priv;

	(void)timeout_ms;
	p->polls++;
	fh_std_event_init(dev, ev, FH_EV_BUTTON);
	ev->button.index = 7;
	ev->button.pressed = true;
	return FH_OK;
}

static int rec_config_set(struct fh_dev *dev, enum fh_key key, int64_t val)
{
	struct rec_priv *p = dev->priv;

	(void)key;
	p->configs++;
	p->last_val = val;
	return FH_OK;
}

static int rec_print(struct fh_dev *dev, const uint8_t *job, size_t len)
{
	struct rec_priv *p = dev->priv;

	p->prints++;
	p->last_len = len;
	return fh_std_write_all(dev, job, len, 100);
}

static int rec_tare(struct fh_dev *dev)
{
	((struct rec_priv *)dev->priv)->tares++;
	return FH_OK;
}

static int rec_set_output(struct fh_dev *dev, unsigned line, bool on)
{
	struct rec_priv *p = dev->priv;

	p->outputs++;
	p->last_val = (int64_t)line * 10 + on;
	return FH_OK;
}

static const struct fh_driver rec_drv = {
	.name = "rec",
	.longname = "records its calls",
	.cls = FH_CLASS_PRINTER,
	.api_version = FH_DRIVER_API,
	.priv_size = sizeof(struct rec_priv),
	.open = rec_open,
	.close = rec_close,
	.poll = rec_poll,
	.config_set = rec_config_set,
	.print = rec_print,
	.tare = rec_tare,
	.set_output = rec_set_output,
};

static int fail_open(struct fh_dev *dev)
{
	(void)dev;
	return FH_ERR_IO;
}

static const struct fh_driver fail_drv = {
	.name = "fail",
	.longname = "open fails",
	.cls = FH_CLASS_SCALE,
	.api_version = FH_DRIVER_API,
	.priv_size = 16,
	.open = fail_open,
};

static struct fh_identity ident(void)
{
	struct fh_identity id = { .vid = 0x0c2e, .pid = 0x0b61 };

	snprintf(id.port, sizeof(id.port), "1-2.4");
	return id;
}

/* ---- tests ---------------------------------------------------------------- */

static void drivers__table_is_consistent(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; fh_drivers[i]; i++, n++) {
		const struct fh_driver *d = fh_drivers[i];

		assert_non_null(d->name);
		assert_non_null(d->longname);
		assert_int_equal(d->api_version, FH_DRIVER_API);
		assert_true(d->cls != FH_CLASS_NONE);
		assert_ptr_equal(fh_driver_find(d->name), d);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(fh_drivers[j]->name, d->name);
		/* Both match lists end within a sane length. */
		if (d->ids) {
			size_t k = 0;

			while (d->ids[k].vid || d->ids[k].pid)
				assert_true(++k < 1000);
		}
		if (d->classes) {
			size_t k = 0;

			while (d->classes[k].if_class)
				assert_true(++k < 100);
		}
		assert_true(d->ids || d->classes); /* the USB layer can match it */
	}
	(void)n; /* any number: every driver can be switched off */
	assert_null(fh_driver_find("no-such-driver"));
	assert_null(fh_driver_find(NULL));
#ifdef FH_HAVE_HID_KBD_SCANNER
	assert_non_null(fh_driver_find("hid-kbd-scanner"));
#endif
#ifdef FH_HAVE_HID_BUTTONS
	assert_non_null(fh_driver_find("hid-buttons"));
#endif
}

static void dev__missing_ops_are_na(void **state)
{
	struct fh_ctx *ctx = NULL;
	struct fake_transport *f = fake_transport_new(NULL);
	struct fh_identity id = ident();
	struct fh_dev *dev = NULL;
	struct fh_event ev;
	const uint8_t job[] = "^XA^XZ";

	(void)state;
	assert_int_equal(fh_ctx_new(NULL, &ctx), FH_OK);
	assert_int_equal(fh_dev_new(ctx, &null_drv, fake_transport_base(f), &id, NULL, &dev),
			 FH_OK);
	assert_int_equal(fh_dev_poll(dev, &ev, 0), FH_ERR_NA);
	assert_int_equal(fh_dev_config_set(dev, FH_KEY_KBD_LAYOUT, 1), FH_ERR_NA);
	assert_int_equal(fh_printer_print(dev, job, 6), FH_ERR_NA);
	assert_int_equal(fh_scale_tare(dev), FH_ERR_NA);
	assert_int_equal(fh_io_set_output(dev, 0, true), FH_ERR_NA);
	struct fh_kbd_config kc;
	fh_kbd_config_init(&kc);
	assert_int_equal(fh_kbd_config_apply(dev, &kc), FH_ERR_NA);
	assert_string_equal(fh_dev_driver_name(dev), "null");
	/* The identity's class defaults to the driver's. */
	assert_int_equal(fh_dev_identity(dev)->cls, FH_CLASS_SCANNER);
	assert_int_equal(fake_transport_reads(f) + fake_transport_writes(f), 0);
	fh_dev_free(dev);
	assert_true(fake_transport_closed(f));
	fh_dev_free(NULL);
	fake_transport_free(f);
	fh_ctx_free(ctx);
}

static void dev__ops_dispatch_to_the_driver(void **state)
{
	int64_t now = 5000;
	struct fh_config cfg = { .now_ms = test_clock, .clock_ud = &now };
	struct fh_ctx *ctx = NULL;
	struct fake_transport *f = fake_transport_new(&now);
	struct fh_identity id = ident();
	struct fh_dev *dev = NULL;
	struct fh_event ev;
	struct rec_priv *p;
	const uint8_t job[] = "^XA^FDhello^FS^XZ";
	const uint8_t *out;
	size_t len;

	(void)state;
	rec_closed = 0;
	assert_int_equal(fh_ctx_new(&cfg, &ctx), FH_OK);
	assert_int_equal(fh_dev_new(ctx, &rec_drv, fake_transport_base(f), &id, NULL, &dev),
			 FH_OK);
	p = dev->priv;
	assert_int_equal(p->opened, 1);

	assert_int_equal(fh_dev_poll(dev, &ev, 10), FH_OK);
	assert_int_equal(ev.kind, FH_EV_BUTTON);
	assert_int_equal(ev.button.index, 7);
	assert_int_equal(ev.ts_ms, 5000);
	assert_int_equal(ev.dev.vid, 0x0c2e);
	assert_string_equal(ev.dev.port, "1-2.4");

	assert_int_equal(fh_dev_config_set(dev, FH_KEY_BUTTONS_COUNT, 42), FH_OK);
	assert_int_equal(p->last_val, 42);
	assert_int_equal(fh_scale_tare(dev), FH_OK);
	assert_int_equal(fh_io_set_output(dev, 3, true), FH_OK);
	assert_int_equal(p->last_val, 31);

	/* A print job goes out whole even when the device takes 4 bytes at a time. */
	fake_transport_short_writes(f, 4);
	assert_int_equal(fh_printer_print(dev, job, sizeof(job) - 1), FH_OK);
	out = fake_transport_written(f, &len);
	assert_int_equal(len, sizeof(job) - 1);
	assert_memory_equal(out, job, len);
	assert_int_equal(fake_transport_writes(f), (sizeof(job) - 1 + 3) / 4);
	/* No empty jobs, and no NULL job. */
	assert_int_equal(fh_printer_print(dev, job, 0), FH_ERR_ARG);
	assert_int_equal(fh_printer_print(dev, NULL, 3), FH_ERR_ARG);
	assert_int_equal(p->prints, 1);

	fh_dev_free(dev);
	assert_int_equal(rec_closed, 1);
	assert_true(fake_transport_closed(f));
	fake_transport_free(f);
	fh_ctx_free(ctx);
}

static void dev__new_owns_the_transport_on_failure(void **state)
{
	struct fh_ctx *ctx = NULL;
	struct fh_identity id = ident();
	struct fh_dev *dev = NULL;
	struct fh_driver old = null_drv;
	struct fake_transport *f;

	(void)state;
	assert_int_equal(fh_ctx_new(NULL, &ctx), FH_OK);

	f = fake_transport_new(NULL);
	assert_int_equal(fh_dev_new(ctx, &fail_drv, fake_transport_base(f), &id, NULL, &dev),
			 FH_ERR_IO);
	assert_null(dev);
	assert_true(fake_transport_closed(f));
	fake_transport_free(f);

	old.api_version = FH_DRIVER_API + 1;
	f = fake_transport_new(NULL);
	assert_int_equal(fh_dev_new(ctx, &old, fake_transport_base(f), &id, NULL, &dev),
			 FH_ERR_ARG);
	assert_null(dev);
	assert_true(fake_transport_closed(f));
	fake_transport_free(f);

	f = fake_transport_new(NULL);
	assert_int_equal(fh_dev_new(ctx, NULL, fake_transport_base(f), &id, NULL, &dev),
			 FH_ERR_ARG);
	assert_true(fake_transport_closed(f));
	fake_transport_free(f);
	fh_ctx_free(ctx);
}

static void dev__info_defaults_to_unknown(void **state)
{
	struct fh_ctx *ctx = NULL;
	struct fake_transport *f = fake_transport_new(NULL);
	struct fh_identity id = ident();
	struct fh_dev *dev = NULL;

	(void)state;
	assert_int_equal(fh_ctx_new(NULL, &ctx), FH_OK);
	assert_int_equal(fh_dev_new(ctx, &null_drv, fake_transport_base(f), &id, NULL, &dev),
			 FH_OK);
	assert_int_equal(dev->info.if_class, -1);
	assert_int_equal(dev->info.if_protocol, -1);
	assert_int_equal(dev->info.report_desc_len, 0);
	fh_dev_free(dev);
	fake_transport_free(f);
	fh_ctx_free(ctx);
}

static void ctx__clock_and_log_sink(void **state)
{
	int64_t now = 123;
	struct log_rec rec = { 0 };
	struct fh_config cfg = {
		.log = test_log, .log_ud = &rec, .now_ms = test_clock, .clock_ud = &now,
	};
	struct fh_ctx *ctx = NULL, *quiet = NULL;

	(void)state;
	assert_int_equal(fh_ctx_new(&cfg, NULL), FH_ERR_ARG);
	assert_int_equal(fh_ctx_new(&cfg, &ctx), FH_OK);
	assert_int_equal(fh_ctx_now_ms(ctx), 123);
	now = 456;
	assert_int_equal(fh_ctx_now_ms(ctx), 456);
	fh_log(ctx, LOG_WARNING, "%s: %d", "scale", 42);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.level, LOG_WARNING);
	assert_string_equal(rec.msg, "scale: 42");

	/* No sink: silent; no clock: monotonic and moving forward. */
	assert_int_equal(fh_ctx_new(NULL, &quiet), FH_OK);
	fh_log(quiet, LOG_ERR, "nobody hears this");
	fh_log(NULL, LOG_ERR, "nor this");
	assert_int_equal(rec.n, 1);
	int64_t a = fh_ctx_now_ms(quiet), b = fh_ctx_now_ms(quiet);
	assert_true(a > 0 && b >= a);
	fh_ctx_free(quiet);
	fh_ctx_free(ctx);
	fh_ctx_free(NULL);
}

static void identity__key(void **state)
{
	struct fh_identity id = ident();
	char buf[64];

	(void)state;
	assert_int_equal(fh_identity_key(&id, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "0c2e:0b61@1-2.4");
	snprintf(id.serial, sizeof(id.serial), "SN123");
	assert_int_equal(fh_identity_key(&id, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "0c2e:0b61:SN123");
	assert_int_equal(fh_identity_key(&id, buf, 10), FH_ERR_ARG);
	assert_string_equal(buf, "");
}

static void names__round_trip(void **state)
{
	enum fh_kbd_layout l;
	enum fh_kbd_suffix s;

	(void)state;
	for (int i = 0; i < FH_KBD_LAYOUT__COUNT; i++) {
		assert_int_equal(fh_kbd_layout_parse(fh_kbd_layout_name((enum fh_kbd_layout)i), &l),
				 FH_OK);
		assert_int_equal(l, i);
	}
	assert_int_equal(fh_kbd_layout_parse("GB", &l), FH_OK);
	assert_int_equal(l, FH_KBD_LAYOUT_UK);
	assert_int_equal(fh_kbd_layout_parse("azerty", &l), FH_ERR_ARG);
	for (int i = 0; i < FH_KBD_SUFFIX__COUNT; i++) {
		assert_int_equal(fh_kbd_suffix_parse(fh_kbd_suffix_name((enum fh_kbd_suffix)i), &s),
				 FH_OK);
		assert_int_equal(s, i);
	}
	assert_int_equal(fh_kbd_suffix_parse("cr", &s), FH_ERR_ARG);
	assert_string_equal(fh_kbd_layout_name((enum fh_kbd_layout)99), "?");
	assert_string_equal(fh_unit_name(FH_UNIT_OZ), "oz");
	assert_string_equal(fh_unit_name(FH_UNIT_G), "g");
	assert_string_equal(fh_unit_name((enum fh_unit)13), "?");
	assert_string_equal(fh_class_name(FH_CLASS_SCALE), "scale");
	assert_string_equal(fh_class_name((enum fh_class)77), "none");
}

static void kbd_config__check(void **state)
{
	struct fh_kbd_config c;

	(void)state;
	fh_kbd_config_init(&c);
	assert_int_equal(fh_kbd_config_check(&c), FH_OK);
	assert_int_equal(c.layout, FH_KBD_LAYOUT_US);
	assert_int_equal(c.suffix, FH_KBD_SUFFIX_ENTER);
	assert_int_equal(c.idle_ms, FH_KBD_IDLE_MS_DEFAULT);
	c.suffix = FH_KBD_SUFFIX_NONE;
	c.idle_ms = 0; /* nothing would end a scan */
	assert_int_equal(fh_kbd_config_check(&c), FH_ERR_ARG);
	c.idle_ms = 50;
	assert_int_equal(fh_kbd_config_check(&c), FH_OK);
	c.gs_substitute = 0x7f;
	assert_int_equal(fh_kbd_config_check(&c), FH_ERR_ARG);
	c.gs_substitute = '~';
	c.layout = FH_KBD_LAYOUT__COUNT;
	assert_int_equal(fh_kbd_config_check(&c), FH_ERR_ARG);
	assert_int_equal(fh_kbd_config_check(NULL), FH_ERR_ARG);
}

static void std__write_all_never_spins(void **state)
{
	struct fh_ctx *ctx = NULL;
	struct fake_transport *f = fake_transport_new(NULL);
	struct fh_identity id = ident();
	struct fh_dev *dev = NULL;
	const uint8_t b[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	size_t len;

	(void)state;
	assert_int_equal(fh_ctx_new(NULL, &ctx), FH_OK);
	assert_int_equal(fh_dev_new(ctx, &null_drv, fake_transport_base(f), &id, NULL, &dev),
			 FH_OK);
	fake_transport_short_writes(f, 3);
	assert_int_equal(fh_std_write_all(dev, b, 10, 100), FH_OK);
	assert_int_equal(fake_transport_writes(f), 4);
	fake_transport_written(f, &len);
	assert_int_equal(len, 10);
	/* Nothing to send: no zero-length write at all. */
	assert_int_equal(fh_std_write_all(dev, b, 0, 100), FH_OK);
	assert_int_equal(fake_transport_writes(f), 4);
	fake_transport_fail_write(f, FH_ERR_TIMEOUT);
	assert_int_equal(fh_std_write_all(dev, b, 10, 100), FH_ERR_TIMEOUT);
	fake_transport_unplug(f);
	assert_int_equal(fh_std_write_all(dev, b, 10, 100), FH_ERR_NODEV);
	fh_dev_free(dev);
	fake_transport_free(f);
	fh_ctx_free(ctx);
}

static void std__deadline_counts_waits_on_a_frozen_clock(void **state)
{
	int64_t now = 1000;
	struct fh_config cfg = { .now_ms = test_clock, .clock_ud = &now };
	struct fh_ctx *ctx = NULL;
	struct fake_transport *f = fake_transport_new(NULL);
	struct fh_identity id = ident();
	struct fh_dev *dev = NULL;
	struct fh_std_deadline d;
	int64_t t;

	(void)state;
	assert_int_equal(fh_ctx_new(&cfg, &ctx), FH_OK);
	assert_int_equal(fh_dev_new(ctx, &null_drv, fake_transport_base(f), &id, NULL, &dev),
			 FH_OK);
	fh_std_deadline_init(&d, dev, 100);
	assert_int_equal(fh_std_deadline_left(&d, dev, &t), 100);
	assert_int_equal(t, 1000);
	fh_std_deadline_waited(&d, 60); /* the clock did not move, the read did wait */
	assert_int_equal(fh_std_deadline_left(&d, dev, &t), 40);
	assert_int_equal(t, 1060);
	now = 1090; /* the clock overtakes the count */
	assert_int_equal(fh_std_deadline_left(&d, dev, &t), 10);
	assert_int_equal(t, 1090);
	fh_std_deadline_waited(&d, 10);
	assert_int_equal(fh_std_deadline_left(&d, dev, &t), 0);
	fh_std_deadline_init(&d, dev, -1);
	assert_int_equal(fh_std_deadline_left(&d, dev, &t), -1);
	fh_dev_free(dev);
	fake_transport_free(f);
	fh_ctx_free(ctx);
}

static void std__boot_report_helpers(void **state)
{
	static const uint8_t prev[6] = { 0x1f, 0, 0, 0, 0, 0 };
	static const uint8_t r1[8] = { 0x02, 0, 0x1f, 0x20, 0x20, 0, 0, 0 };
	static const uint8_t roll[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	static const uint8_t short3[3] = { 0, 0, 0x04 };
	uint8_t out[6], keys[6];

	(void)state;
	/* 0x1f held, 0x20 new (listed twice: one key). */
	assert_int_equal(fh_std_boot_new_keys(prev, r1, 8, out), 1);
	assert_int_equal(out[0], 0x20);
	assert_true(fh_std_boot_phantom(roll, 8));
	assert_false(fh_std_boot_phantom(r1, 8));
	fh_std_boot_keys(short3, 3, keys);
	assert_int_equal(keys[0], 0x04);
	assert_int_equal(keys[1], 0);
	assert_int_equal(keys[5], 0);
}

static void fake__script_semantics(void **state)
{
	int64_t now = 0;
	struct fake_transport *f = fake_transport_new(&now);
	struct fh_transport *t = fake_transport_base(f);
	uint8_t b[16];

	(void)state;
	fake_transport_push(f, "abc", 3);
	fake_transport_push_after(f, 50, "de", 2);
	fake_transport_push_error(f, FH_ERR_IO);
	fake_transport_push_error(f, FH_ERR_NODEV);
	assert_int_equal(fake_transport_pending(f), 4);

	assert_int_equal(t->ops->read(t, b, sizeof(b), 10), 3);
	assert_memory_equal(b, "abc", 3);
	assert_int_equal(now, 0);
	/* Not ready within 30 ms: the read waits 30 ms and times out. */
	assert_int_equal(t->ops->read(t, b, sizeof(b), 30), FH_ERR_TIMEOUT);
	assert_int_equal(now, 30);
	assert_int_equal(fake_transport_last_timeout(f), 30);
	/* Ready 20 ms later. */
	assert_int_equal(t->ops->read(t, b, 1, 100), 1); /* cut at cap */
	assert_int_equal(now, 50);
	assert_int_equal(b[0], 'd');
	assert_int_equal(t->ops->read(t, b, sizeof(b), 0), FH_ERR_IO);
	assert_int_equal(t->ops->read(t, b, sizeof(b), 0), FH_ERR_NODEV);
	/* Unplugged for good: reads and writes. */
	assert_int_equal(t->ops->read(t, b, sizeof(b), 0), FH_ERR_NODEV);
	assert_int_equal(t->ops->write(t, b, 1, 0), FH_ERR_NODEV);
	assert_int_equal(fake_transport_pending(f), 0);
	assert_int_equal(fake_transport_reads(f), 6);
	fake_transport_free(f);

	/* An empty script times out (and time passes); waiting forever on it
	 * is an error, never a hang. */
	now = 0;
	f = fake_transport_new(&now);
	t = fake_transport_base(f);
	assert_int_equal(t->ops->read(t, b, sizeof(b), 25), FH_ERR_TIMEOUT);
	assert_int_equal(now, 25);
	assert_int_equal(t->ops->read(t, b, sizeof(b), -1), FH_ERR_IO);
	/* Writes: captured, short on request, failing once on request. */
	fake_transport_short_writes(f, 2);
	assert_int_equal(t->ops->write(t, (const uint8_t *)"xyz", 3, 0), 2);
	fake_transport_fail_write(f, FH_ERR_TIMEOUT);
	assert_int_equal(t->ops->write(t, (const uint8_t *)"z", 1, 0), FH_ERR_TIMEOUT);
	assert_int_equal(t->ops->write(t, (const uint8_t *)"z", 1, 0), 1);
	size_t len;
	const uint8_t *w = fake_transport_written(f, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(w, "xyz", 3);
	t->ops->close(t);
	assert_true(fake_transport_closed(f));
	assert_int_equal(t->ops->read(t, b, sizeof(b), 0), FH_ERR_IO);
	fake_transport_free(f);
	fake_transport_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drivers__table_is_consistent),
		cmocka_unit_test(dev__missing_ops_are_na),
		cmocka_unit_test(dev__ops_dispatch_to_the_driver),
		cmocka_unit_test(dev__new_owns_the_transport_on_failure),
		cmocka_unit_test(dev__info_defaults_to_unknown),
		cmocka_unit_test(ctx__clock_and_log_sink),
		cmocka_unit_test(identity__key),
		cmocka_unit_test(names__round_trip),
		cmocka_unit_test(kbd_config__check),
		cmocka_unit_test(std__write_all_never_spins),
		cmocka_unit_test(std__deadline_counts_waits_on_a_frozen_clock),
		cmocka_unit_test(std__boot_report_helpers),
		cmocka_unit_test(fake__script_semantics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
