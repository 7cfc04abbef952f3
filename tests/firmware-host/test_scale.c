/* HID scale protocol (firmware-host/drivers/hid-scale/protocol.c): the 6-byte
 * report of ../shared/notes/usb-peripherals.md section 3.2, every status
 * and unit, the signed exponent, rounding, and the tracker (stale first
 * report, unit changes, auto-off, reconnection).
 *
 * Every expected milligram value was computed independently of the code's
 * constant table, with exact fractions derived from other definitions
 * (ounce = pound / 16, pennyweight = 24 grains, tael = catty / 16 with the
 * catty 604789.82 mg, short ton = 2000 lb, pound 453592.37 mg), rounded
 * half away from zero; the exact value is in each row's comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/hid-scale/protocol.h"
#include "fakes/fake_transport.h"
#include "fh-int.h"
#include "fh/err.h"
#include "fh/scale.h"

static void parse__table(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		int rc;
		int64_t mg;
	} t[] = {
		/* the notes' example: 300 x 10^-1 oz = 30.0 oz, stable */
		{ "\x03\x04\x0b\xff\x2c\x01", 6, FH_OK, 850486 },       /* 850485.69375 */
		{ "\x03\x03\x0b\xff\x2c\x01", 6, FH_ERR_AGAIN, 850486 }, /* in motion: live value */
		{ "\x03\x04", 2, FH_ERR_PROTO, -1 },                   /* short: r untouched */
		{ "", 0, FH_ERR_PROTO, -1 },
		/* every unit, stable */
		{ "\x03\x04\x01\x00\xff\xff", 6, FH_OK, 65535 },         /* 65535 mg */
		{ "\x03\x04\x02\x00\xe8\x03", 6, FH_OK, 1000000 },       /* 1000 g */
		{ "\x03\x04\x03\xfe\x7b\x00", 6, FH_OK, 1230000 },       /* 1.23 kg */
		{ "\x03\x04\x04\x00\x05\x00", 6, FH_OK, 1000 },          /* 5 ct */
		{ "\x03\x04\x05\xff\x0a\x00", 6, FH_OK, 37799 },         /* 1.0 tael: 37799.36375 */
		{ "\x03\x04\x06\x00\x64\x00", 6, FH_OK, 6480 },          /* 100 gr: 6479.891 */
		{ "\x03\x04\x07\x00\x0a\x00", 6, FH_OK, 15552 },         /* 10 dwt: 15551.7384 */
		{ "\x03\x04\x08\xfd\x01\x00", 6, FH_OK, 1000000 },       /* 0.001 t */
		{ "\x03\x04\x09\xfd\x02\x00", 6, FH_OK, 1814369 },       /* 0.002 short ton: 1814369.48 */
		{ "\x03\x04\x0a\xff\x0a\x00", 6, FH_OK, 31103 },         /* 1.0 ozt: 31103.4768 */
		{ "\x03\x04\x0b\x00\x01\x00", 6, FH_OK, 28350 },         /* 1 oz: 28349.523125 */
		{ "\x03\x04\x0c\xfe\x64\x00", 6, FH_OK, 453592 },        /* 1.00 lb: 453592.37 */
		/* exponent: positive, very negative, rounding half away from zero */
		{ "\x03\x04\x02\x02\x0c\x00", 6, FH_OK, 1200000 },       /* 12 x 10^2 g */
		{ "\x03\x04\x01\x80\xff\xff", 6, FH_OK, 0 },             /* 65535 x 10^-128 mg */
		{ "\x03\x04\x01\xff\x05\x00", 6, FH_OK, 1 },             /* 0.5 mg */
		{ "\x03\x04\x01\xff\x04\x00", 6, FH_OK, 0 },             /* 0.4 mg */
		{ "\x03\x04\x08\x00\xff\xff", 6, FH_OK, 65535000000000 }, /* 65535 t */
		{ "\x03\x04\x08\x7f\xff\xff", 6, FH_ERR_PROTO, -1 },     /* 65535 x 10^127 t */
		{ "\x03\x04\x08\x05\xff\xff", 6, FH_OK, 6553500000000000000 }, /* < 2^63 */
		{ "\x03\x04\x08\x06\xff\xff", 6, FH_ERR_PROTO, -1 },     /* 6.5e19 mg > int64 */
		/* every status */
		{ "\x03\x01\x02\x00\x0a\x00", 6, FH_ERR_AGAIN, 10000 },  /* fault */
		{ "\x03\x02\x02\x00\x00\x00", 6, FH_OK, 0 },             /* stable at zero */
		{ "\x03\x02\x02\x00\x05\x00", 6, FH_ERR_AGAIN, 5000 },   /* "zero" but 5 g */
		{ "\x03\x05\x02\x00\x0a\x00", 6, FH_ERR_AGAIN, -10000 }, /* under zero: negative */
		{ "\x03\x05\x01\xff\x05\x00", 6, FH_ERR_AGAIN, -1 },     /* -0.5 mg */
		{ "\x03\x06\x03\x00\x0b\x00", 6, FH_ERR_AGAIN, 11000000 }, /* over the limit */
		{ "\x03\x07\x02\x00\x00\x00", 6, FH_ERR_AGAIN, 0 },      /* requires calibration */
		{ "\x03\x08\x02\x00\x00\x00", 6, FH_ERR_AGAIN, 0 },      /* requires re-zeroing */
		/* malformed */
		{ "\x03\x00\x02\x00\x00\x00", 6, FH_ERR_PROTO, -1 },     /* status 0 */
		{ "\x03\x09\x02\x00\x00\x00", 6, FH_ERR_PROTO, -1 },     /* status 9 */
		{ "\x03\x04\x00\x00\x00\x00", 6, FH_ERR_PROTO, -1 },     /* unit 0 */
		{ "\x03\x04\x0d\x00\x00\x00", 6, FH_ERR_PROTO, -1 },     /* unit 13 */
		{ "\x02\x04\x02\x00\x01\x00", 6, FH_ERR_PROTO, -1 },     /* report 2 */
		{ "\x04\x04\x02\x00\x01\x00", 6, FH_OK, 1000 },          /* report 4 (usbscale) */
		{ "\x03\x04\x02\x00\x01\x00\x00\x00", 8, FH_OK, 1000 },  /* longer read */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fh_scale_reading r;

		memset(&r, 0, sizeof(r));
		r.weight_mg = -1;
		print_message("row %zu\n", i);
		assert_int_equal(fh_scale_parse((const uint8_t *)t[i].in, t[i].n, &r), t[i].rc);
		assert_int_equal(r.weight_mg, t[i].mg);
		assert_int_equal(r.stable, t[i].rc == FH_OK);
	}
}

static void parse__fields(void **state)
{
	struct fh_scale_reading r;

	(void)state;
	assert_int_equal(fh_scale_parse((const uint8_t *)"\x03\x04\x0b\xff\x2c\x01", 6, &r), FH_OK);
	assert_int_equal(r.status, FH_SCALE_STABLE);
	assert_int_equal(r.unit, FH_SCALE_OZ);
	assert_int_equal(r.exponent, -1);
	assert_int_equal(r.raw, 300);
	assert_true(r.stable);
	assert_int_equal(fh_scale_parse(NULL, 6, &r), FH_ERR_ARG);
}

static void to_mg__edges(void **state)
{
	int64_t mg = 7;

	(void)state;
	assert_int_equal(fh_scale_to_mg(FH_SCALE_OZ, 0, 127, &mg), FH_OK);
	assert_int_equal(mg, 0);
	assert_int_equal(fh_scale_to_mg(FH_SCALE_MG, 1, 18, &mg), FH_OK);
	assert_int_equal(mg, 1000000000000000000);
	assert_int_equal(fh_scale_to_mg(FH_SCALE_MG, 10, 18, &mg), FH_ERR_PROTO);
	assert_int_equal(fh_scale_to_mg(FH_SCALE_LB, 65535, -2, &mg), FH_OK);
	assert_int_equal(mg, 297261760);  /* 655.35 lb = 297261759.6795 mg */
	assert_int_equal(fh_scale_to_mg(FH_SCALE_OZ, 65535, -16, &mg), FH_OK);
	assert_int_equal(mg, 0);          /* 1.86e-1 mg: rounds to 0 */
	assert_int_equal(fh_scale_to_mg(FH_SCALE_OZ, 65535, -7, &mg), FH_OK);
	assert_int_equal(mg, 186);        /* 185.7885997996875 mg */
	assert_int_equal(fh_scale_to_mg(13, 1, 0, &mg), FH_ERR_PROTO);
	assert_int_equal(fh_scale_to_mg(0, 1, 0, &mg), FH_ERR_PROTO);
}

/* The scale descriptor (tests/fuzz/corpus/hid_descriptor/scale-synthetic.bin):
 * report 3 with status and unit as NAry arrays, Data Scaling, Data Weight. */
static const uint8_t scale_desc[] = {
	0x05, 0x8d, 0x09, 0x01, 0xa1, 0x01, 0x09, 0x32, 0xa1, 0x02, 0x85, 0x03, 0x75, 0x08, 0x95,
	0x01, 0x09, 0x70, 0xa1, 0x02, 0x15, 0x01, 0x25, 0x08, 0x19, 0x71, 0x29, 0x78, 0x81, 0x00,
	0xc0, 0x09, 0x50, 0xa1, 0x02, 0x15, 0x01, 0x25, 0x0c, 0x19, 0x51, 0x29, 0x5c, 0x81, 0x00,
	0xc0, 0x09, 0x41, 0x15, 0x80, 0x25, 0x7f, 0x81, 0x02, 0x09, 0x40, 0x15, 0x00, 0x27, 0xff,
	0xff, 0x00, 0x00, 0x75, 0x10, 0x81, 0x02, 0xc0, 0xc0,
};

static void desc__check(void **state)
{
	static struct fh_hidrd d;
	uint8_t b[sizeof(scale_desc)];
	uint8_t id = 0;

	(void)state;
	assert_int_equal(fh_hidrd_parse(scale_desc, sizeof(scale_desc), &d), FH_OK);
	assert_int_equal(fh_scale_check_desc(&d, &id), FH_OK);
	assert_int_equal(id, 3);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_INPUT, 3), FH_SCALE_REPORT_LEN);

	/* Data Weight of 8 bits: not the report we parse. */
	memcpy(b, scale_desc, sizeof(b));
	assert_int_equal(b[63], 0x75);
	b[64] = 0x08;
	assert_int_equal(fh_hidrd_parse(b, sizeof(b), &d), FH_OK);
	assert_int_equal(fh_scale_check_desc(&d, &id), FH_ERR_PROTO);

	/* A POS scanner is not a scale. */
	assert_int_equal(fh_hidrd_parse((const uint8_t *)"\x05\x8c\x09\x02\xa1\x01\xc0", 7, &d),
			 FH_OK);
	assert_int_equal(fh_scale_check_desc(&d, &id), FH_ERR_NA);
}

#define REP(s) ((const uint8_t *)(s)), 6

static void track__stale_first_then_stable_once(void **state)
{
	struct fh_scale_track t;
	struct fh_scale_reading r;

	(void)state;
	fh_scale_track_init(&t, 0);
	assert_int_equal(t.auto_off_ms, FH_SCALE_AUTO_OFF_MS);
	assert_int_equal(t.link, FH_SCALE_LINK_ABSENT);
	fh_scale_track_attach(&t, 0);
	assert_int_equal(t.link, FH_SCALE_LINK_WARMUP);

	/* The first report (from the previous weighing) is discarded. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\xe8\x03"), 100, &r),
			 FH_SCALE_EV_STALE);
	assert_int_equal(r.weight_mg, 0);
	assert_int_equal(t.link, FH_SCALE_LINK_READY);

	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x03\x02\x00\x10\x00"), 200, &r),
			 FH_SCALE_EV_READING);
	assert_false(r.stable);
	/* The same unstable reading again: nothing new. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x03\x02\x00\x10\x00"), 300, &r), 0);
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\x20\x00"), 400, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE);
	assert_int_equal(r.weight_mg, 32000);
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\x20\x00"), 500, &r), 0);
	/* Nudged and settled at the same weight: a reading, not a new weight. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x03\x02\x00\x21\x00"), 600, &r),
			 FH_SCALE_EV_READING);
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\x20\x00"), 700, &r),
			 FH_SCALE_EV_READING);
	/* Removed: stable zero is a new weight. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x02\x02\x00\x00\x00"), 800, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE);
	assert_int_equal(r.weight_mg, 0);
	/* Malformed: refused, state unchanged. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x09\x02\x00\x00\x00"), 900, &r),
			 FH_ERR_PROTO);
	assert_int_equal(t.link, FH_SCALE_LINK_READY);
}

static void track__unit_change(void **state)
{
	struct fh_scale_track t;
	struct fh_scale_reading r;

	(void)state;
	fh_scale_track_init(&t, 0);
	/* No attach: the first report counts as the attach and is stale. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x0b\xff\x2c\x01"), 0, &r),
			 FH_SCALE_EV_STALE);
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x0b\xff\x2c\x01"), 10, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE);
	assert_int_equal(r.weight_mg, 850486);
	/* The front-panel button switches to grams: 850 g. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\x52\x03"), 20, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE | FH_SCALE_EV_UNIT);
	assert_int_equal(r.unit, FH_SCALE_G);
	assert_int_equal(r.weight_mg, 850000);
	/* and to pounds while the load moves */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x03\x0c\xfe\xbb\x00"), 30, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_UNIT);
	assert_int_equal(r.weight_mg, 848218); /* 1.87 lb = 848217.7319 mg */
}

static void track__auto_off_and_reconnect(void **state)
{
	struct fh_scale_track t;
	struct fh_scale_reading r;

	(void)state;
	fh_scale_track_init(&t, 0);
	fh_scale_track_attach(&t, 0);
	fh_scale_track_feed(&t, REP("\x03\x02\x02\x00\x00\x00"), 0, &r);
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\xf4\x01"), 1000, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE);
	/* 500 g sits unchanged (same report repeated) for the auto-off time. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\xf4\x01"), 100000, &r), 0);
	fh_scale_track_detach(&t, 1000 + FH_SCALE_AUTO_OFF_MS);
	assert_int_equal(t.link, FH_SCALE_LINK_AUTO_OFF);
	assert_int_equal(t.since_ms, 1000 + FH_SCALE_AUTO_OFF_MS);
	fh_scale_track_detach(&t, 999999); /* twice: no change */
	assert_int_equal(t.since_ms, 1000 + FH_SCALE_AUTO_OFF_MS);

	/* Power key pressed: it re-zeroes with the 500 g still on it. */
	fh_scale_track_attach(&t, 400000);
	assert_int_equal(t.link, FH_SCALE_LINK_WARMUP);
	assert_int_equal(t.reconnects, 1);
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\xf4\x01"), 400100, &r),
			 FH_SCALE_EV_STALE);
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x02\x02\x00\x00\x00"), 400200, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE | FH_SCALE_EV_RECONNECTED |
				 FH_SCALE_EV_REZERO_RISK);

	/* Unplugged while in use: UNPLUGGED; back with its load showing. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\x64\x00"), 401000, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE);
	fh_scale_track_detach(&t, 402000);
	assert_int_equal(t.link, FH_SCALE_LINK_UNPLUGGED);
	/* A report without attach() (hot-plug missed) counts as one. */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\x64\x00"), 403000, &r),
			 FH_SCALE_EV_STALE);
	assert_int_equal(t.reconnects, 2);
	/* The same weight after a reconnection is news (a new session). */
	assert_int_equal(fh_scale_track_feed(&t, REP("\x03\x04\x02\x00\x64\x00"), 403100, &r),
			 FH_SCALE_EV_READING | FH_SCALE_EV_STABLE | FH_SCALE_EV_RECONNECTED);
}


/* ---- through the driver, with the fake transport ---------------------------------- */

static int64_t fake_clock(void *ud)
{
	return *(int64_t *)ud;
}

struct rig {
	int64_t now;
	struct fh_ctx *ctx;
	struct fake_transport *f;
	struct fh_dev *dev;
};

static void rig_open(struct rig *r, const char *driver, const struct fh_dev_info *info)
{
	struct fh_config cfg = { .now_ms = fake_clock, .clock_ud = &r->now };
	struct fh_identity id = { .vid = 0x0922, .pid = 0x8003 };
	const struct fh_driver *drv = fh_driver_find(driver);

	assert_non_null(drv);
	r->now = 10000;
	assert_int_equal(fh_ctx_new(&cfg, &r->ctx), FH_OK);
	r->f = fake_transport_new(&r->now);
	assert_int_equal(fh_dev_new(r->ctx, drv, fake_transport_base(r->f), &id, info, &r->dev),
			 FH_OK);
}

static void rig_close(struct rig *r)
{
	fh_dev_free(r->dev);
	fake_transport_free(r->f);
	fh_ctx_free(r->ctx);
}

static void driver__motion_then_stable_weight(void **state)
{
	static struct fh_dev_info info;
	struct fh_event *ev = malloc(sizeof(*ev));
	struct rig r;

	(void)state;
	assert_non_null(ev);
	memset(&info, 0, sizeof(info));
	memcpy(info.report_desc, scale_desc, sizeof(scale_desc));
	info.report_desc_len = sizeof(scale_desc);
	rig_open(&r, "hid-scale", &info);
	fake_transport_push(r.f, "\x03\x04\x02\x00\xe8\x03", 6);  /* stale: 1000 g */
	fake_transport_push_after(r.f, 100, "\x03\x03\x0b\xff\x20\x01", 6);
	fake_transport_push_after(r.f, 100, "\x03\x03\x0b\xff\x20\x01", 6); /* same */
	fake_transport_push_after(r.f, 100, "\x03\x04\x0b\xff\x2c\x01", 6);
	fake_transport_push_after(r.f, 100, "\x03\x04\x0b\xff\x2c\x01", 6); /* same */
	assert_int_equal(fh_dev_poll(r.dev, ev, 1000), FH_OK);
	assert_int_equal(ev->kind, FH_EV_WEIGHT);
	assert_false(ev->weight.stable);
	assert_int_equal(ev->weight.status, FH_SCALE_IN_MOTION);
	assert_int_equal(ev->weight.weight_mg, 816466); /* 28.8 oz = 816466.266 mg */
	assert_int_equal(fh_dev_poll(r.dev, ev, 1000), FH_OK);
	assert_true(ev->weight.stable);
	assert_int_equal(ev->weight.unit, FH_UNIT_OZ);
	assert_int_equal(ev->weight.weight_mg, 850486);
	assert_int_equal(ev->ts_ms, 10300);
	assert_int_equal(fh_dev_poll(r.dev, ev, 500), FH_ERR_TIMEOUT);
	assert_int_equal(fake_transport_pending(r.f), 0);

	/* Gone after sitting unchanged past the auto-off time. */
	r.now += FH_SCALE_AUTO_OFF_MS;
	fake_transport_push_error(r.f, FH_ERR_NODEV);
	assert_int_equal(fh_dev_poll(r.dev, ev, 100), FH_ERR_NODEV);
	assert_int_equal(((struct fh_scale_track *)r.dev->priv)->link, FH_SCALE_LINK_AUTO_OFF);
	assert_int_equal(fh_scale_tare(r.dev), FH_ERR_NA);
	rig_close(&r);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse__table),
		cmocka_unit_test(parse__fields),
		cmocka_unit_test(to_mg__edges),
		cmocka_unit_test(desc__check),
		cmocka_unit_test(track__stale_first_then_stable_once),
		cmocka_unit_test(track__unit_change),
		cmocka_unit_test(track__auto_off_and_reconnect),
		cmocka_unit_test(driver__motion_then_stable_weight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
