/* firmware-host USB layer (firmware-host/src/usb.c) against devices
 * emulated in-process with libumockdev (../shared/notes/usb-peripherals.md
 * section 5.3, approach B): the real libusb code runs, the kernel's usbdevfs
 * is the shared fake of tests/fakes/umockdev_devices.c.
 *
 * Each fake device is a sysfs entry (descriptors in hex) plus a
 * UMockdevIoctlBase "handle-ioctl" handler on its /dev/bus/usb node that
 * plays the usbdevfs ioctls: capabilities, the kernel driver (GETDRIVER,
 * DISCONNECT_CLAIM, CLAIM with EBUSY while bound, CONNECT on release),
 * SUBMITURB (IN queued, OUT captured, control requests answered), REAPURB
 * from per-endpoint report queues, DISCARDURB and an unplug switch (ENODEV
 * everywhere).  umockdev runs the handlers on its own thread, so a fake's
 * state is behind its lock, taken here to read it.
 *
 * Only the public API is used (fh/ctx.h, fh/dev.h, fh/printer.h).  There are
 * no sleeps: waits are poll loops with deadlines of a few hundred ms
 * (libusb busy-polls the emulated node, so short is also cheap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"
#include "fh/printer.h"

#include "fakes/umockdev_devices.h"

#define WAIT_MS 500

/* ---- devices ---------------------------------------------------------------- */

/* Honeywell's second collection: vendor page 0xFF8C, 64-byte reports. */
static const uint8_t vendor_desc[] = {
	0x06, 0x8c, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x85, 0xfd, 0x15, 0x00, 0x26, 0xff, 0x00,
	0x75, 0x08, 0x95, 0x3f, 0x09, 0x01, 0x81, 0x02, 0xc0,
};

/* The boot keyboard of the HID spec, appendix B.1. */
static const uint8_t kbd_desc[] = {
	0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00,
	0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01,
	0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01,
	0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07,
	0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
};

static const struct umd_spec pos_a = {
	0x0c2e, 0x0b61, "POSA", NULL, NULL, false, 1,
	{ { 3, 0, 0, umd_pos_desc, sizeof(umd_pos_desc), 0x81, 0, false, 64 } },
};
static const struct umd_spec pos_b = {
	0x0c2e, 0x0b61, NULL, NULL, NULL, true, 1,
	{ { 3, 0, 0, umd_pos_desc, sizeof(umd_pos_desc), 0x81, 0, false, 64 } },
};
/* Honeywell: the vendor collection first, the scanner second. */
static const struct umd_spec honeywell = {
	0x0c2e, 0x0b87, "HON1", NULL, NULL, false, 2,
	{ { 3, 0, 0, vendor_desc, sizeof(vendor_desc), 0x81, 0, false, 64 },
	  { 3, 0, 0, umd_pos_desc, sizeof(umd_pos_desc), 0x82, 0, false, 64 } },
};
static const struct umd_spec kbd = {
	0x05e0, 0x1200, "KBD1", "usbhid", NULL, false, 1,
	{ { 3, 1, 1, kbd_desc, sizeof(kbd_desc), 0x81, 0, false, 8 } },
};
static const struct umd_spec printer = {
	0x0a5f, 0x0164, "ZD1", NULL, "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;", false, 1,
	{ { 7, 1, 2, NULL, 0, 0x82, 0x01, true, 64 } },
};

/* ---- the test bed ----------------------------------------------------------- */

struct bed {
	struct umd_bed *umd;
	struct fh_ctx *ctx;
	struct fh_usb *usb;
};

static int bed_setup(void **state)
{
	struct bed *b = g_new0(struct bed, 1);

	b->umd = umd_bed_new();
	*state = b;
	return 0;
}

static int bed_teardown(void **state)
{
	struct bed *b = *state;

	fh_usb_free(b->usb);
	fh_ctx_free(b->ctx);
	umd_bed_free(b->umd);
	g_free(b);
	return 0;
}

static void bed_start(struct bed *b)
{
	assert_int_equal(fh_ctx_new(NULL, &b->ctx), FH_OK);
	assert_int_equal(fh_usb_new(b->ctx, &b->usb), FH_OK);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next event within timeout_ms, as a poll loop would get it: 1 with
 * *ev, 0 when none came. */
static int next_event(struct bed *b, struct fh_event *ev, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd fds[16];
		int n, rc = fh_usb_dispatch(b->usb, ev);

		assert_true(rc >= 0);
		if (rc == 1)
			return 1;
		if (now_ms() >= end)
			return 0;
		n = fh_usb_pollfds(b->usb, fds, G_N_ELEMENTS(fds));
		assert_true(n >= 0 && n <= (int)G_N_ELEMENTS(fds));
		poll(fds, (nfds_t)n, 5);
	}
}

/* The next event that is not ATTACHED. */
static int next_data_event(struct bed *b, struct fh_event *ev, int timeout_ms)
{
	int rc;

	do
		rc = next_event(b, ev, timeout_ms);
	while (rc == 1 && ev->kind == FH_EV_ATTACHED);
	return rc;
}

/* Drain the ATTACHED events of the start; returns how many. */
static int attached(struct bed *b)
{
	static struct fh_event ev;
	int n = 0;

	while (next_event(b, &ev, 50) == 1) {
		assert_int_equal(ev.kind, FH_EV_ATTACHED);
		n++;
	}
	return n;
}

static const struct fh_usb_device *find_dev(struct fh_usb_device *list, int n, uint16_t vid,
					    const char *driver)
{
	for (int i = 0; i < n; i++)
		if (list[i].id.vid == vid && strcmp(list[i].driver, driver) == 0)
			return &list[i];
	return NULL;
}

/* ---- tests ------------------------------------------------------------------ */

static void enumerate__drivers_by_id_class_and_usage(void **state)
{
	struct bed *b = *state;
	struct fh_usb_device list[8];
	const struct fh_usb_device *d;
	char key[64];
	int n;

	umd_add(b->umd, &pos_a);
	umd_add(b->umd, &kbd);
	umd_add(b->umd, &umd_scale);
	umd_add(b->umd, &printer);
	bed_start(b);
	assert_int_equal(attached(b), 4);
	n = fh_usb_devices(b->usb, list, G_N_ELEMENTS(list));
	assert_int_equal(n, 4);
	d = find_dev(list, n, 0x0c2e, "hid-pos-scanner");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_SCANNER);
	assert_int_equal(fh_identity_key(&d->id, key, sizeof(key)) > 0, 1);
	assert_string_equal(key, "0c2e:0b61:POSA");
	d = find_dev(list, n, 0x05e0, "hid-kbd-scanner");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_SCANNER);
	d = find_dev(list, n, 0x0922, "hid-scale");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_SCALE);
	assert_string_equal(d->id.serial, "");
	assert_string_equal(d->id.port, "1-3"); /* no serial: the port path */
	d = find_dev(list, n, 0x0a5f, "usb-printer");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_PRINTER);
	assert_true(b->umd->dev[3]->devid_reqs >= 1); /* GET_DEVICE_ID read */
	/* Nothing else was asked of the devices that they had to STALL. */
	for (unsigned i = 0; i < b->umd->n; i++)
		assert_int_equal(b->umd->dev[i]->stalls, 0);
}

static void enumerate__vendor_collection_skipped(void **state)
{
	struct bed *b = *state;
	struct fh_usb_device list[4];
	static struct fh_event ev;
	uint8_t r[64];
	int n;

	umd_add(b->umd, &honeywell);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	n = fh_usb_devices(b->usb, list, G_N_ELEMENTS(list));
	assert_int_equal(n, 1);
	assert_string_equal(list[0].driver, "hid-pos-scanner");
	/* The vendor interface was let go again; the scanner one is held. */
	assert_int_equal(b->umd->dev[0]->claimed, 2);
	umd_pos_report(r, "]E0", "4006381333931", 13, false);
	umd_push(b->umd->dev[0], 0x82, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "4006381333931");
}

static void claim__kernel_driver_detached_and_reattached(void **state)
{
	struct bed *b = *state;
	struct umd_dev *f;

	f = umd_add(b->umd, &kbd);
	assert_true(f->bound);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_false(f->bound);                /* usbhid detached ... */
	assert_int_equal(f->claimed, 1);        /* ... and the interface ours */
	assert_int_equal(f->set_protocol, 0);   /* boot protocol for the decoder */
	fh_usb_free(b->usb);
	b->usb = NULL;
	assert_int_equal(f->claimed, 0);
	assert_true(f->bound); /* usbhid back on release */
}

static void pos__multi_report_gs1_scan(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	static const char part1[] = "0109501101020917" "10ABC123" "\x1d" "21"
				    "SERIAL00000000000000000000000";
	static const char part2[] = "XYZ\x1d" "3103000150";
	uint8_t r[64];
	char want[128];

	assert_int_equal(sizeof(part1) - 1, 56);
	umd_add(b->umd, &pos_a);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	umd_pos_report(r, "]d2", part1, 56, true);
	umd_push(b->umd->dev[0], 0x81, r, sizeof(r));
	umd_pos_report(r, "]d2", part2, sizeof(part2) - 1, false);
	umd_push(b->umd->dev[0], 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	snprintf(want, sizeof(want), "%s%s", part1, part2);
	assert_int_equal(ev.scan.len, strlen(want));
	assert_memory_equal(ev.scan.data, want, ev.scan.len);
	assert_string_equal(ev.scan.aim, "]d2");
	assert_string_equal(ev.dev.serial, "POSA");
	assert_int_equal(ev.dev.cls, FH_CLASS_SCANNER);
}

static void kbd__shift_doubles_and_ctrl_bracket(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	/* "Ab11" Ctrl+] "Z" Enter, as boot reports: each key down then up. */
	static const uint8_t keys[][2] = {
		{ 0x02, 0x04 }, { 0x00, 0x05 }, { 0x00, 0x1e }, { 0x00, 0x1e },
		{ 0x01, 0x30 }, { 0x02, 0x1d }, { 0x00, 0x28 },
	};
	static const uint8_t up[8] = { 0 };

	umd_add(b->umd, &kbd);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		uint8_t r[8] = { keys[i][0], 0, keys[i][1], 0, 0, 0, 0, 0 };

		umd_push(b->umd->dev[0], 0x81, r, sizeof(r));
		umd_push(b->umd->dev[0], 0x81, up, sizeof(up));
	}
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_int_equal(ev.scan.len, 6);
	assert_memory_equal(ev.scan.data, "Ab11\x1dZ", 6);
	assert_false(ev.scan.idle_end);
	assert_string_equal(ev.dev.serial, "KBD1");
}

/* The claim policy: a boot keyboard the caller does not bind is left to
 * the console (never claimed, never detached); a bound one is a scanner. */
static bool claim_only_kbd2(const struct fh_identity *id, const char *driver, void *ud)
{
	unsigned *asked = ud;

	(*asked)++;
	assert_string_equal(driver, "hid-kbd-scanner");
	return strcmp(id->serial, "KBD2") == 0;
}

static void kbd__left_to_the_console_unless_bound(void **state)
{
	struct bed *b = *state;
	unsigned asked = 0;
	struct fh_config cfg = { .claim_keyboard = claim_only_kbd2, .claim_ud = &asked };
	struct fh_usb_device list[4];
	int n;

	umd_add(b->umd, &kbd);
	assert_int_equal(fh_ctx_new(&cfg, &b->ctx), FH_OK);
	assert_int_equal(fh_usb_new(b->ctx, &b->usb), FH_OK);
	assert_int_equal(attached(b), 0);
	assert_true(asked >= 1);
	n = fh_usb_devices(b->usb, list, G_N_ELEMENTS(list));
	assert_int_equal(n, 0);
	/* usbhid keeps it: the operator's keyboard still types. */
	assert_true(b->umd->dev[0]->bound);
	assert_int_equal(b->umd->dev[0]->claimed, 0);
}

static void scan__two_scanners_at_once(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	uint8_t r[64];
	bool got_a = false, got_b = false;

	umd_add(b->umd, &pos_a);
	umd_add(b->umd, &pos_b);
	bed_start(b);
	assert_int_equal(attached(b), 2);
	/* Interleaved halves: A1 B1 A2 B2. */
	umd_pos_report(r, "]C1", "AAAA", 4, true);
	umd_push(b->umd->dev[0], 0x81, r, sizeof(r));
	umd_pos_report(r, "]C0", "BBBB", 4, true);
	umd_push(b->umd->dev[1], 0x81, r, sizeof(r));
	umd_pos_report(r, "]C1", "aa", 2, false);
	umd_push(b->umd->dev[0], 0x81, r, sizeof(r));
	umd_pos_report(r, "]C0", "bb", 2, false);
	umd_push(b->umd->dev[1], 0x81, r, sizeof(r));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
		assert_int_equal(ev.kind, FH_EV_SCAN);
		if (strcmp(ev.dev.serial, "POSA") == 0) {
			assert_string_equal((const char *)ev.scan.data, "AAAAaa");
			assert_string_equal(ev.scan.aim, "]C1");
			got_a = true;
		} else {
			assert_string_equal(ev.dev.serial, "");
			assert_string_equal(ev.dev.port, "1-2");
			assert_string_equal((const char *)ev.scan.data, "BBBBbb");
			assert_string_equal(ev.scan.aim, "]C0");
			got_b = true;
		}
	}
	assert_true(got_a && got_b);
}

static void scale__motion_then_stable_then_unit_change(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	static const uint8_t stale[6] = { 3, 4, 11, 0xff, 0x10, 0x00 };  /* last weighing */
	static const uint8_t motion[6] = { 3, 3, 11, 0xff, 0x20, 0x01 }; /* 28.8 oz moving */
	static const uint8_t stable[6] = { 3, 4, 11, 0xff, 0x2c, 0x01 }; /* 30.0 oz */
	static const uint8_t grams[6] = { 3, 4, 2, 0x00, 0x50, 0x03 };   /* 848 g */

	umd_add(b->umd, &umd_scale);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	umd_push(b->umd->dev[0], 0x81, stale, 6);
	umd_push(b->umd->dev[0], 0x81, motion, 6);
	umd_push(b->umd->dev[0], 0x81, stable, 6);
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_WEIGHT);
	assert_false(ev.weight.stable);
	assert_int_equal(ev.weight.status, 3);
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_WEIGHT);
	assert_true(ev.weight.stable);
	assert_int_equal(ev.weight.unit, FH_UNIT_OZ);
	assert_int_equal(ev.weight.weight_mg, 850486); /* 30.0 oz */
	umd_push(b->umd->dev[0], 0x81, grams, 6);
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_WEIGHT);
	assert_true(ev.weight.stable);
	assert_int_equal(ev.weight.unit, FH_UNIT_G);
	assert_int_equal(ev.weight.weight_mg, 848000);
	assert_int_equal(ev.dev.vid, 0x0922);
}

static void unplug__mid_scan_detached_then_replugged(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct umd_dev *f;
	uint8_t r[64];

	f = umd_add(b->umd, &pos_a);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	umd_pos_report(r, "]C1", "HALF", 4, true);
	umd_push(f, 0x81, r, sizeof(r));
	assert_int_equal(next_event(b, &ev, 100), 0); /* half a scan: no event */
	umd_unplug(b->umd, f);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_DETACHED);
	assert_string_equal(ev.dev.serial, "POSA");
	assert_int_equal(fh_usb_devices(b->usb, NULL, 0), 0);
	assert_int_equal(next_event(b, &ev, 50), 0);

	umd_replug(b->umd, f);
	assert_int_equal(fh_usb_rescan(b->usb), FH_OK);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_ATTACHED);
	assert_string_equal(ev.dev.serial, "POSA");
	umd_pos_report(r, "]C1", "WHOLE", 5, false);
	umd_push(f, 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "WHOLE"); /* the half is gone */
}

static void claim__set_idle_stall_tolerated(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	uint8_t r[64];

	umd_add(b->umd, &pos_b); /* STALLs SET_IDLE */
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_int_equal(b->umd->dev[0]->stalls, 1);
	umd_pos_report(r, "]E0", "96385074", 8, false);
	umd_push(b->umd->dev[0], 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "96385074");
}

/* Issue 4: a halted interrupt IN endpoint is cleared (CLEAR_HALT on that
 * endpoint) and read again; the scan after the STALL arrives. */
static void stall__halt_cleared_and_scan_read(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct umd_dev *f;
	uint8_t r[64];

	f = umd_add(b->umd, &pos_a);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	umd_stall(f, 0x81);
	umd_pos_report(r, "]C0", "AFTER-STALL", 11, false);
	umd_push(f, 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "AFTER-STALL");
	g_mutex_lock(&f->lock);
	assert_int_equal(f->clear_halts, 1);
	assert_int_equal(f->halt_ep, 0x81);
	g_mutex_unlock(&f->lock);
	/* A later STALL gets its own clear: the count starts again after a
	 * report came through. */
	umd_stall(f, 0x81);
	umd_pos_report(r, "]C0", "AGAIN", 5, false);
	umd_push(f, 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_string_equal((const char *)ev.scan.data, "AGAIN");
	g_mutex_lock(&f->lock);
	assert_int_equal(f->clear_halts, 2);
	g_mutex_unlock(&f->lock);
}

/* An endpoint that stalls every transfer: FH_USB_STALL_RETRIES clears,
 * then the device is given up (DETACHED), and a rescan does not take it
 * back while it stays plugged in; the other scanner goes on. */
static void stall__endless_bounded_then_given_up(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct umd_dev *f, *g;
	uint8_t r[64];

	f = umd_add(b->umd, &pos_a);
	g = umd_add(b->umd, &honeywell);
	bed_start(b);
	assert_int_equal(attached(b), 2);
	for (int i = 0; i < 2 * (FH_USB_STALL_RETRIES + 2); i++)
		umd_stall(f, 0x81);
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_DETACHED);
	assert_string_equal(ev.dev.serial, "POSA");
	g_mutex_lock(&f->lock);
	assert_int_equal(f->clear_halts, FH_USB_STALL_RETRIES);
	g_mutex_unlock(&f->lock);
	assert_int_equal(fh_usb_rescan(b->usb), FH_OK);
	umd_pos_report(r, "]C0", "OTHER", 5, false);
	umd_push(g, 0x82, r, sizeof(r));
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN); /* no ATTACHED of the given-up one */
	assert_string_equal(ev.dev.serial, "HON1");
	assert_int_equal(next_event(b, &ev, 100), 0);
}

static void transport__blocking_poll_times_out_then_reads(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct fh_usb_device list[2];
	uint8_t r[64];
	int64_t t0, dt;

	umd_add(b->umd, &pos_a);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_int_equal(fh_usb_devices(b->usb, list, 2), 1);
	/* The driver's own wait, through the transport's read with a timeout. */
	t0 = now_ms();
	assert_int_equal(fh_dev_poll(list[0].dev, &ev, 150), FH_ERR_TIMEOUT);
	dt = now_ms() - t0;
	assert_true(dt >= 150 && dt < 1000);
	umd_pos_report(r, "]C1", "LATE", 4, false);
	umd_push(b->umd->dev[0], 0x81, r, sizeof(r));
	assert_int_equal(fh_dev_poll(list[0].dev, &ev, WAIT_MS), FH_OK);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "LATE");
	/* Both IN transfers stayed in flight: the fake holds two pending URBs. */
	g_mutex_lock(&b->umd->dev[0]->lock);
	assert_int_equal(g_queue_get_length(&b->umd->dev[0]->pending), 2);
	g_mutex_unlock(&b->umd->dev[0]->lock);
}

static void hotplug__replug_seen_without_rescan(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct umd_dev *f;

	f = umd_add(b->umd, &umd_scale);
	bed_start(b);
	if (!fh_usb_hotplug(b->usb))
		skip(); /* libusb without hot-plug: fh_usb_rescan() covers it */
	assert_int_equal(attached(b), 1);
	umd_unplug(b->umd, f);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_DETACHED);
	umd_replug(b->umd, f);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_ATTACHED);
	assert_int_equal(ev.dev.vid, 0x0922);
	assert_string_equal(ev.dev.port, "1-1");
	assert_int_equal(fh_usb_devices(b->usb, NULL, 0), 1);
}

static void printer__job_byte_for_byte_with_partial_write(void **state)
{
	struct bed *b = *state;
	struct fh_usb_device list[2];
	struct umd_dev *f;
	uint8_t job[300];
	size_t n = 0;

	n += (size_t)snprintf((char *)job, sizeof(job), "^XA^CI28^FO50,50^A0N,40,40^FD");
	for (; n < 280; n++)
		job[n] = (uint8_t)('A' + n % 26);
	memcpy(job + n, "^FS^XZ", 6);
	n += 6;
	f = umd_add(b->umd, &printer);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_int_equal(fh_usb_devices(b->usb, list, 2), 1);
	g_mutex_lock(&f->lock);
	f->out_short = 10; /* the printer takes only 10 bytes of the first write */
	g_mutex_unlock(&f->lock);
	assert_int_equal(fh_printer_print(list[0].dev, job, n), FH_OK);
	g_mutex_lock(&f->lock);
	assert_int_equal(f->out->len, n);
	assert_memory_equal(f->out->data, job, n);
	g_mutex_unlock(&f->lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(enumerate__drivers_by_id_class_and_usage,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(enumerate__vendor_collection_skipped, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(claim__kernel_driver_detached_and_reattached,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(pos__multi_report_gs1_scan, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(kbd__left_to_the_console_unless_bound, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(kbd__shift_doubles_and_ctrl_bracket, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(scan__two_scanners_at_once, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(scale__motion_then_stable_then_unit_change,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(unplug__mid_scan_detached_then_replugged,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(claim__set_idle_stall_tolerated, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(stall__halt_cleared_and_scan_read, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(stall__endless_bounded_then_given_up, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(transport__blocking_poll_times_out_then_reads,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(hotplug__replug_seen_without_rescan, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(printer__job_byte_for_byte_with_partial_write,
						bed_setup, bed_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
