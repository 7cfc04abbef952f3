/* HID POS scanner protocol (firmware-host/drivers/hid-pos-scanner/protocol.c):
 * layouts from the notes' 73-byte descriptor and the Honeywell two-collection
 * case, and reassembly of the real reports cited in
 * ../shared/notes/usb-peripherals.md (sections 1.2 and 5.2).
 *
 * The notes quote the reports as "head … tail": the bytes they show are
 * used exactly (id, length, AIM, the first data bytes, the vendor code id,
 * the reserved byte, the continued flag); the elided data bytes in between
 * are filled with plausible content of the stated length, so the lengths,
 * AIM ids, GS bytes and flags are real and only the filler is ours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/hid-pos-scanner/protocol.h"
#include "fakes/fake_transport.h"
#include "fh-int.h"
#include "fh/err.h"

static const uint8_t pos_desc[] = {
	0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,
	0x09, 0x12, 0xA1, 0x02, 0x85, 0x02,
	0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08,
	0x05, 0x01, 0x09, 0x3B, 0x95, 0x01, 0x81, 0x02,
	0x05, 0x8C, 0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD, 0x95, 0x03, 0x81, 0x02,
	0x09, 0xFE, 0x95, 0x38, 0x82, 0x02, 0x01,
	0x06, 0x66, 0xFF, 0x09, 0x01, 0x95, 0x02, 0x81, 0x02,
	0x05, 0x8C, 0x09, 0xFF, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03,
	0xC0, 0xC0,
};

/* Vendor collection (0xFF8C) first, reusing 0x8C usages in report 3; then
 * the real scanner collection: report 2 = [02][byte count][56 data], no
 * AIM, no continued flag. */
static const uint8_t two_apps_desc[] = {
	0x06, 0x8C, 0xFF, 0x09, 0x01, 0xA1, 0x01,
	0x85, 0x03, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08,
	0x05, 0x8C, 0x09, 0xFE, 0x95, 0x20, 0x82, 0x02, 0x01,
	0x06, 0x8C, 0xFF, 0x85, 0xFD, 0x09, 0x02, 0x95, 0x3F, 0x91, 0x02,
	0xC0,
	0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,
	0x85, 0x02, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08,
	0x05, 0x01, 0x09, 0x3B, 0x95, 0x01, 0x81, 0x02,
	0x05, 0x8C, 0x09, 0xFE, 0x95, 0x38, 0x82, 0x02, 0x01,
	0xC0,
};

/* The driver's private state starts with its assembler (white-box). */
struct pos_priv_view {
	struct fh_pos_asm a;
};

static struct fh_hidrd d;
static struct fh_pos_asm a;
static struct fh_pos_scan out;

/* A 64-byte common-layout report: `head` (hex, from byte 0), then `data`
 * (nd bytes), zeros, and `tail` (hex, bytes 61..63). */
static void mkrep(uint8_t r[64], const char *head, const char *data, size_t nd, const char *tail)
{
	size_t o = 0;

	memset(r, 0, 64);
	for (const char *p = head; *p;) {
		unsigned v;
		int used;

		if (sscanf(p, " %2x%n", &v, &used) != 1)
			break;
		r[o++] = (uint8_t)v;
		p += used;
	}
	assert_true(o + nd <= 61);
	memcpy(r + o, data, nd);
	sscanf(tail, "%2hhx %2hhx %2hhx", &r[61], &r[62], &r[63]);
}

struct rep {
	const char *head, *data, *tail;
};

static const struct {
	const char *what;
	struct rep r[3];
	const char *aim;
	uint8_t code;
	const char *want;
	size_t want_len;
} scans[] = {
	/* notes 5.2: a single EAN-13 report, code id 'd'. */
	{ "ean13",
	  { { "02 0d 5d 45 30 34 30 30 36 33 38 31 33 33 33 39 33 31", "", "64 00 00" } },
	  "]E0", 'd', "4006381333931", 13 },
	/* notes 5.2: the GS1 QR in two reports, 56 + 18 = 74 bytes, GS kept. */
	{ "gs1 qr, two reports",
	  { { "02 38 5d 51 33",
	      "0109501101020917172612313103001250" "10B2025-07\x1d" "21SN1234567", "73 00 01" },
	    { "02 12 5d 51 33 39 1d 37 30", "20RF-2025-0042", "73 00 00" } },
	  "]Q3", 's',
	  "0109501101020917172612313103001250" "10B2025-07\x1d" "21SN1234567" "9\x1d"
	  "7020RF-2025-0042", 74 },
	/* Access-IS manual: 02 38 5D 51 30 ... 73 00 01, then ... 00. */
	{ "access-is qr",
	  { { "02 38 5d 51 30", "https://example.com/qc/parcel/00000000000000000000000000", "73 00 01" },
	    { "02 07 5d 51 30", "0042BBB", "73 00 00" } },
	  "]Q0", 's', "https://example.com/qc/parcel/00000000000000000000000000" "0042BBB", 63 },
	/* Honeywell Voyager 1602g (python_hon_usbhid): [2, 56, 93, 88, 48, ...,
	 * 63, 0, 1] ... [2, 9, 93, 88, 48, ..., 63, 0, 0]: a menu reply, ]X0. */
	{ "honeywell voyager 1602g",
	  { { "02 38 5d 58 30", "Product Name: Voyager 1602g\r\nBoot Revision: 1602-BOOT2\r\n", "3f 00 01" },
	    { "02 09 5d 58 30", "Ser 421\r\n", "3f 00 00" } },
	  "]X0", '?', "Product Name: Voyager 1602g\r\nBoot Revision: 1602-BOOT2\r\nSer 421\r\n", 65 },
};

static void feed_scans(const struct fh_pos_layout *l)
{
	for (size_t i = 0; i < sizeof(scans) / sizeof(scans[0]); i++) {
		uint8_t r[64];
		int rc = FH_ERR_AGAIN;
		int64_t t = 1000;

		print_message("scan: %s\n", scans[i].what);
		fh_pos_asm_init(&a, l, 0, false);
		memset(&out, 0, sizeof(out));
		for (size_t k = 0; k < 3 && scans[i].r[k].head; k++) {
			const struct rep *p = &scans[i].r[k];

			mkrep(r, p->head, p->data, strlen(p->data), p->tail);
			assert_int_equal(rc, FH_ERR_AGAIN);
			rc = fh_pos_asm_feed(&a, r, sizeof(r), t, &out);
			t += 8;
		}
		assert_int_equal(rc, FH_OK);
		assert_string_equal(out.aim, scans[i].aim);
		assert_int_equal(out.code_id, scans[i].code);
		assert_int_equal(out.len, scans[i].want_len);
		assert_memory_equal(out.data, scans[i].want, scans[i].want_len);
		assert_false(out.truncated);
		assert_int_equal(a.dropped, 0);
	}
}

static void scan__real_reports_default_layout(void **state)
{
	struct fh_pos_layout l;

	(void)state;
	fh_pos_layout_default(&l);
	feed_scans(&l);
}

static void scan__real_reports_descriptor_layout(void **state)
{
	struct fh_pos_layout l;

	(void)state;
	assert_int_equal(fh_hidrd_parse(pos_desc, sizeof(pos_desc), &d), FH_OK);
	assert_int_equal(fh_pos_layout_from_desc(&d, &l), FH_OK);
	l.has_code = true; /* the descriptor only says "vendor"; the test knows */
	l.code_off = 61;
	feed_scans(&l);
}

static void layout__descriptor_matches_common_layout(void **state)
{
	struct fh_pos_layout l, def;

	(void)state;
	fh_pos_layout_default(&def);
	assert_int_equal(fh_hidrd_parse(pos_desc, sizeof(pos_desc), &d), FH_OK);
	assert_int_equal(fh_pos_layout_from_desc(&d, &l), FH_OK);
	assert_int_equal(l.report_id, def.report_id);
	assert_int_equal(l.report_len, def.report_len);
	assert_int_equal(l.count_bit, def.count_bit);
	assert_int_equal(l.count_bits, def.count_bits);
	assert_true(l.has_aim);
	assert_int_equal(l.aim_off, def.aim_off);
	assert_int_equal(l.data_off, def.data_off);
	assert_int_equal(l.data_cap, def.data_cap);
	assert_int_equal(l.cont_bit, def.cont_bit);
	assert_int_equal(l.cont_bits, def.cont_bits);
	assert_false(l.has_code);
}

static void layout__honeywell_vendor_collection_skipped(void **state)
{
	struct fh_pos_layout l;
	uint8_t r[58] = { 0x02, 0x03, 'A', 'B', 'C' };
	uint8_t decoy[33] = { 0x03, 'X' };

	(void)state;
	assert_int_equal(fh_hidrd_parse(two_apps_desc, sizeof(two_apps_desc), &d), FH_OK);
	assert_int_equal(fh_pos_layout_from_desc(&d, &l), FH_OK);
	assert_int_equal(l.report_id, 2);
	assert_int_equal(l.report_len, 58);
	assert_int_equal(l.count_bit, 8);
	assert_int_equal(l.data_off, 2);
	assert_int_equal(l.data_cap, 56);
	assert_false(l.has_aim);
	assert_int_equal(l.cont_bits, 0);

	fh_pos_asm_init(&a, &l, 0, false);
	assert_int_equal(fh_pos_asm_feed(&a, decoy, sizeof(decoy), 0, &out), FH_ERR_AGAIN);
	assert_int_equal(fh_pos_asm_feed(&a, r, sizeof(r), 0, &out), FH_OK);
	assert_string_equal(out.aim, "");
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.data, "ABC", 3);
}

static void layout__descriptor_table(void **state)
{
	static const struct {
		const char *what;
		const char *in;
		size_t n;
		int rc;
	} t[] = {
		{ "no 0x8C app (keyboard)", "\x05\x01\x09\x06\xa1\x01\xc0", 7, FH_ERR_NA },
		{ "0x8C app, no decoded data", "\x05\x8c\x09\x02\xa1\x01\x75\x08\x95\x01\x81\x02\xc0",
		  13, FH_ERR_PROTO },
		{ "decoded data of 16-bit elements",
		  "\x05\x8c\x09\x02\xa1\x01\x09\xfe\x75\x10\x95\x08\x81\x02\xc0", 15, FH_ERR_PROTO },
		{ "decoded data not byte aligned",
		  "\x05\x8c\x09\x02\xa1\x01\x75\x01\x95\x01\x81\x03\x09\xfe\x75\x08\x95\x08\x81\x02\xc0",
		  21, FH_ERR_PROTO },
		{ "decoded data, no report id",
		  "\x05\x8c\x09\x02\xa1\x01\x09\xfe\x75\x08\x95\x08\x81\x02\xc0", 15, FH_OK },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fh_pos_layout l;

		print_message("layout: %s\n", t[i].what);
		assert_int_equal(fh_hidrd_parse((const uint8_t *)t[i].in, t[i].n, &d), FH_OK);
		assert_int_equal(fh_pos_layout_from_desc(&d, &l), t[i].rc);
	}
}

/* No report ID, no Byte Count, no Continued: zero padding ends the data and
 * every report is a whole scan. */
static void scan__minimal_layout(void **state)
{
	static const uint8_t desc[] = { 0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x09, 0xfe,
					0x75, 0x08, 0x95, 0x08, 0x81, 0x02, 0xc0 };
	struct fh_pos_layout l;
	uint8_t r[8] = { '1', '2', 0x1d, '3' };

	(void)state;
	assert_int_equal(fh_hidrd_parse(desc, sizeof(desc), &d), FH_OK);
	assert_int_equal(fh_pos_layout_from_desc(&d, &l), FH_OK);
	assert_int_equal(l.report_id, 0);
	assert_int_equal(l.report_len, 8);
	fh_pos_asm_init(&a, &l, 0, false);
	assert_int_equal(fh_pos_asm_feed(&a, r, sizeof(r), 0, &out), FH_OK);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "12\x1d" "3", 4);
	memset(r, 0, sizeof(r));
	assert_int_equal(fh_pos_asm_feed(&a, r, sizeof(r), 0, &out), FH_ERR_AGAIN); /* empty */
}

static void scan__errors_and_foreign_reports(void **state)
{
	struct fh_pos_layout l;
	uint8_t r[64], first[64];

	(void)state;
	fh_pos_layout_default(&l);
	fh_pos_asm_init(&a, &l, 0, false);
	mkrep(first, "02 38 5d 43 30", "", 0, "6a 00 01");

	/* Wrong report id: ignored, half scan kept. */
	assert_int_equal(fh_pos_asm_feed(&a, first, 64, 0, &out), FH_ERR_AGAIN);
	mkrep(r, "04 01 02", "", 0, "00 00 00");
	assert_int_equal(fh_pos_asm_feed(&a, r, 64, 1, &out), FH_ERR_AGAIN);
	assert_true(a.active);

	/* Short report: dropped with the half scan. */
	mkrep(r, "02 02 5d 43 30 41 42", "", 0, "6a 00 00");
	assert_int_equal(fh_pos_asm_feed(&a, r, 63, 2, &out), FH_ERR_PROTO);
	assert_false(a.active);
	assert_int_equal(a.dropped, 1);
	assert_int_equal(fh_pos_asm_feed(&a, r, 0, 2, &out), FH_ERR_PROTO);

	/* Byte Count above the 56-byte capacity. */
	assert_int_equal(fh_pos_asm_feed(&a, first, 64, 3, &out), FH_ERR_AGAIN);
	mkrep(r, "02 39 5d 43 30", "", 0, "6a 00 00");
	assert_int_equal(fh_pos_asm_feed(&a, r, 64, 4, &out), FH_ERR_PROTO);
	assert_int_equal(a.dropped, 2);

	/* After that, a clean single report scans normally (out untouched
	 * before). */
	memset(&out, 0xAA, offsetof(struct fh_pos_scan, data));
	mkrep(r, "02 02 5d 43 30 41 42", "", 0, "6a 00 00");
	assert_int_equal(fh_pos_asm_feed(&a, r, 64, 5, &out), FH_OK);
	assert_string_equal(out.aim, "]C0");
	assert_int_equal(out.len, 2);
	assert_int_equal(out.reports, 1);

	/* Longer reads than the layout are accepted (the extra is ignored). */
	{
		uint8_t big[70] = { 0 };

		memcpy(big, r, 64);
		assert_int_equal(fh_pos_asm_feed(&a, big, sizeof(big), 6, &out), FH_OK);
	}
}

static void scan__timeout_drops_half_scan(void **state)
{
	struct fh_pos_layout l;
	uint8_t r1[64], r2[64];

	(void)state;
	fh_pos_layout_default(&l);
	mkrep(r1, "02 04 5d 43 31", "0109", 4, "6a 00 01");
	mkrep(r2, "02 04 5d 43 31", "5011", 4, "6a 00 00");

	/* Within the timeout (200 ms gap allowed): joined. */
	fh_pos_asm_init(&a, &l, 0, false);
	assert_int_equal(a.timeout_ms, FH_POS_TIMEOUT_MS);
	assert_int_equal(fh_pos_asm_feed(&a, r1, 64, 1000, &out), FH_ERR_AGAIN);
	assert_int_equal(fh_pos_asm_expire(&a, 1200), 0);
	assert_int_equal(fh_pos_asm_feed(&a, r2, 64, 1200, &out), FH_OK);
	assert_int_equal(out.len, 8);

	/* Past it: the first half is gone, the late report stands alone. */
	assert_int_equal(fh_pos_asm_feed(&a, r1, 64, 2000, &out), FH_ERR_AGAIN);
	assert_int_equal(fh_pos_asm_feed(&a, r2, 64, 2201, &out), FH_OK);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "5011", 4);
	assert_int_equal(a.dropped, 1);

	/* expire() from the poll loop, and a clock going backwards. */
	assert_int_equal(fh_pos_asm_feed(&a, r1, 64, 3000, &out), FH_ERR_AGAIN);
	assert_int_equal(fh_pos_asm_expire(&a, 2000), 0);
	assert_int_equal(fh_pos_asm_expire(&a, 3201), 1);
	assert_int_equal(fh_pos_asm_expire(&a, 9999), 0);
	assert_int_equal(a.dropped, 2);

	/* A custom timeout. */
	fh_pos_asm_init(&a, &l, 50, false);
	assert_int_equal(fh_pos_asm_feed(&a, r1, 64, 0, &out), FH_ERR_AGAIN);
	assert_int_equal(fh_pos_asm_expire(&a, 51), 1);
}

static void scan__cap_and_truncated_flag(void **state)
{
	struct fh_pos_layout l;
	uint8_t r[64];
	char chunk[57];
	int rc;
	unsigned k;

	(void)state;
	fh_pos_layout_default(&l);
	fh_pos_asm_init(&a, &l, 0, true);
	memset(chunk, 'x', 56);
	chunk[56] = '\0';
	/* 74 full reports = 4144 bytes > 4096, then "\r\n" at the end. */
	for (k = 0; k < 74; k++) {
		chunk[0] = (char)('A' + k % 26);
		mkrep(r, "02 38 5d 51 31", chunk, 56, "73 00 01");
		assert_int_equal(fh_pos_asm_feed(&a, r, 64, k, &out), FH_ERR_AGAIN);
	}
	mkrep(r, "02 03 5d 51 31", "Z\r\n", 3, "73 00 00");
	rc = fh_pos_asm_feed(&a, r, 64, k, &out);
	assert_int_equal(rc, FH_OK);
	assert_true(out.truncated);
	assert_int_equal(out.len, FH_POS_SCAN_MAX);
	assert_int_equal(out.reports, 75);
	assert_int_equal(out.data[0], 'A');
	assert_int_equal(out.data[56], 'B');
	assert_int_equal(out.data[FH_POS_SCAN_MAX - 1], 'x'); /* 4096 = 73*56 + 8 */

	/* Exactly the cap: not truncated. */
	fh_pos_asm_init(&a, &l, 0, false);
	for (k = 0; k < 73; k++) {
		mkrep(r, "02 38 5d 51 31", chunk, 56, "73 00 01");
		assert_int_equal(fh_pos_asm_feed(&a, r, 64, 0, &out), FH_ERR_AGAIN);
	}
	mkrep(r, "02 08 5d 51 31", "12345678", 8, "73 00 00");
	assert_int_equal(fh_pos_asm_feed(&a, r, 64, 0, &out), FH_OK);
	assert_false(out.truncated);
	assert_int_equal(out.len, FH_POS_SCAN_MAX);
}

/* A device that never clears Continued: refused after FH_POS_MAX_REPORTS. */
static void scan__endless_continuation(void **state)
{
	struct fh_pos_layout l;
	uint8_t r[64];
	int rc = FH_ERR_AGAIN;
	unsigned k;

	(void)state;
	fh_pos_layout_default(&l);
	fh_pos_asm_init(&a, &l, 0, false);
	mkrep(r, "02 00 5d 51 31", "", 0, "73 00 01");
	for (k = 0; k < FH_POS_MAX_REPORTS + 1 && rc == FH_ERR_AGAIN; k++)
		rc = fh_pos_asm_feed(&a, r, 64, 0, &out);
	assert_int_equal(rc, FH_ERR_PROTO);
	assert_int_equal(k, FH_POS_MAX_REPORTS + 1);
	assert_false(a.active);
}

static void scan__strip_one_terminator(void **state)
{
	static const struct {
		const char *in;
		bool strip;
		const char *want;
	} t[] = {
		{ "ABC\r\n", true, "ABC" },  { "ABC\r", true, "ABC" },   { "ABC\n", true, "ABC" },
		{ "ABC\n\n", true, "ABC\n" }, { "ABC\r\r", true, "ABC\r" }, { "ABC\n\r", true, "ABC\n" },
		{ "ABC\r\n", false, "ABC\r\n" }, { "\x1d" "ABC\x1d", true, "\x1d" "ABC\x1d" },
		{ "\r\n", true, NULL },     /* nothing left: no scan */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fh_pos_layout l;
		uint8_t r[64];
		char head[32];

		fh_pos_layout_default(&l);
		fh_pos_asm_init(&a, &l, 0, t[i].strip);
		snprintf(head, sizeof(head), "02 %02zx 5d 43 30", strlen(t[i].in));
		mkrep(r, head, t[i].in, strlen(t[i].in), "6a 00 00");
		if (!t[i].want) {
			assert_int_equal(fh_pos_asm_feed(&a, r, 64, 0, &out), FH_ERR_AGAIN);
			continue;
		}
		assert_int_equal(fh_pos_asm_feed(&a, r, 64, 0, &out), FH_OK);
		assert_int_equal(out.len, strlen(t[i].want));
		assert_memory_equal(out.data, t[i].want, out.len);
	}
}

/* The AIM id of the first report wins; invalid AIM bytes give "". */
static void scan__aim_rules(void **state)
{
	static const struct {
		const char *head;
		const char *aim;
	} t[] = {
		{ "02 01 5d 64 32", "]d2" }, { "02 01 00 00 00", "" },  { "02 01 5b 43 30", "" },
		{ "02 01 5d 20 30", "" },   { "02 01 5d 43 7f", "" },  { "02 01 5d 59 7e", "]Y~" },
	};
	struct fh_pos_layout l;
	uint8_t r[64];

	(void)state;
	fh_pos_layout_default(&l);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fh_pos_asm_init(&a, &l, 0, false);
		mkrep(r, t[i].head, "1", 1, "00 00 00");
		assert_int_equal(fh_pos_asm_feed(&a, r, 64, 0, &out), FH_OK);
		assert_string_equal(out.aim, t[i].aim);
	}
	fh_pos_asm_init(&a, &l, 0, false);
	mkrep(r, "02 01 5d 51 33", "1", 1, "73 00 01");
	assert_int_equal(fh_pos_asm_feed(&a, r, 64, 0, &out), FH_ERR_AGAIN);
	mkrep(r, "02 01 5d 43 30", "2", 1, "6a 00 00");
	assert_int_equal(fh_pos_asm_feed(&a, r, 64, 0, &out), FH_OK);
	assert_string_equal(out.aim, "]Q3");
	assert_int_equal(out.code_id, 's');
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

static int rig_open(struct rig *r, const uint8_t *desc, size_t n)
{
	struct fh_config cfg = { .now_ms = fake_clock, .clock_ud = &r->now };
	struct fh_identity id = { .vid = 0x0c2e, .pid = 0x0b61, .cls = FH_CLASS_SCANNER };
	static struct fh_dev_info info;
	const struct fh_driver *drv = fh_driver_find("hid-pos-scanner");
	int rc;

	assert_non_null(drv);
	memset(&info, 0, sizeof(info));
	memcpy(info.report_desc, desc, n);
	info.report_desc_len = n;
	r->now = 10000;
	assert_int_equal(fh_ctx_new(&cfg, &r->ctx), FH_OK);
	r->f = fake_transport_new(&r->now);
	rc = fh_dev_new(r->ctx, drv, fake_transport_base(r->f), &id, &info, &r->dev);
	if (rc < 0) {
		fake_transport_free(r->f);
		fh_ctx_free(r->ctx);
	}
	return rc;
}

static void rig_close(struct rig *r)
{
	fh_dev_free(r->dev);
	fake_transport_free(r->f);
	fh_ctx_free(r->ctx);
}

static void driver__gs1_scan_as_event(void **state)
{
	struct fh_event *ev = malloc(sizeof(*ev));
	struct rig r;
	uint8_t r1[64], r2[64];

	(void)state;
	assert_non_null(ev);
	assert_int_equal(rig_open(&r, pos_desc, sizeof(pos_desc)), FH_OK);
	mkrep(r1, scans[1].r[0].head, scans[1].r[0].data, strlen(scans[1].r[0].data),
	      scans[1].r[0].tail);
	mkrep(r2, scans[1].r[1].head, scans[1].r[1].data, strlen(scans[1].r[1].data),
	      scans[1].r[1].tail);
	fake_transport_push_after(r.f, 5, r1, 64);
	fake_transport_push_after(r.f, 8, r2, 64);
	assert_int_equal(fh_dev_poll(r.dev, ev, 1000), FH_OK);
	assert_int_equal(ev->kind, FH_EV_SCAN);
	assert_string_equal(ev->scan.aim, "]Q3");
	assert_int_equal(ev->scan.len, 74);
	assert_memory_equal(ev->scan.data, scans[1].want, 74);
	assert_int_equal(ev->scan.data[74], 0);
	assert_int_equal(ev->dev.vid, 0x0c2e);
	assert_int_equal(ev->ts_ms, 10013);

	/* A half scan whose second report never comes: dropped, then a new
	 * scan goes through. */
	fake_transport_push(r.f, r1, 64);
	assert_int_equal(fh_dev_poll(r.dev, ev, 1000), FH_ERR_TIMEOUT);
	assert_int_equal(((struct pos_priv_view *)r.dev->priv)->a.dropped, 1);
	fake_transport_push(r.f, r2, 64);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_int_equal(ev->scan.len, 18);

	/* Unplugged. */
	fake_transport_push_error(r.f, FH_ERR_NODEV);
	assert_int_equal(fh_dev_poll(r.dev, ev, 100), FH_ERR_NODEV);
	rig_close(&r);
	free(ev);
}

static void driver__open_needs_the_scanner_collection(void **state)
{
	static const uint8_t vendor_only[] = { 0x06, 0x8C, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x85,
					       0x03, 0x75, 0x08, 0x95, 0x08, 0x81, 0x02, 0xC0 };
	static const uint8_t broken[] = { 0xA1, 0x01 };
	struct fh_event *ev = malloc(sizeof(*ev));
	struct rig r;
	uint8_t rep[64];

	(void)state;
	assert_non_null(ev);
	assert_int_equal(rig_open(&r, vendor_only, sizeof(vendor_only)), FH_ERR_NA);
	/* A broken descriptor: the common layout. */
	assert_int_equal(rig_open(&r, broken, sizeof(broken)), FH_OK);
	mkrep(rep, "02 03 5d 43 30 41 42 43", "", 0, "6a 00 00");
	fake_transport_push(r.f, rep, 64);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_int_equal(ev->scan.len, 3);
	rig_close(&r);
	/* The Honeywell pair: the 0x8C collection's report 2. */
	assert_int_equal(rig_open(&r, two_apps_desc, sizeof(two_apps_desc)), FH_OK);
	fake_transport_push(r.f, "\x03XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", 33);
	memset(rep, 0, sizeof(rep));
	memcpy(rep, "\x02\x02OK", 4);
	fake_transport_push(r.f, rep, 58);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_int_equal(ev->scan.len, 2);
	assert_memory_equal(ev->scan.data, "OK", 2);
	rig_close(&r);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan__real_reports_default_layout),
		cmocka_unit_test(scan__real_reports_descriptor_layout),
		cmocka_unit_test(layout__descriptor_matches_common_layout),
		cmocka_unit_test(layout__honeywell_vendor_collection_skipped),
		cmocka_unit_test(layout__descriptor_table),
		cmocka_unit_test(scan__minimal_layout),
		cmocka_unit_test(scan__errors_and_foreign_reports),
		cmocka_unit_test(scan__timeout_drops_half_scan),
		cmocka_unit_test(scan__cap_and_truncated_flag),
		cmocka_unit_test(scan__endless_continuation),
		cmocka_unit_test(scan__strip_one_terminator),
		cmocka_unit_test(scan__aim_rules),
		cmocka_unit_test(driver__gs1_scan_as_event),
		cmocka_unit_test(driver__open_needs_the_scanner_collection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
