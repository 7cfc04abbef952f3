/* HID report-descriptor parser (firmware-host/drivers/hid-report/hidrd.c):
 * the 73-byte HID POS scanner descriptor of the USB notes field by field,
 * the Honeywell two-collection case, usage ranges, arrays, push/pop, and a
 * table of hostile descriptors that must give FH_ERR_PROTO. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/hid-report/hidrd.h"
#include "fh/err.h"

/* ../shared/notes/usb-peripherals.md section 1.2: the HID POS scanner
 * descriptor (report 2, 64 bytes with the ID). */
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

/* A vendor application collection (page 0xFF8C, as Honeywell exposes next
 * to the real one) that even reuses page 0x8C usages in report 3, then the
 * real bar code scanner collection with report 2. */
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

static struct fh_hidrd d; /* 5 KiB: not on the test's stack */

static void parse_ok(const uint8_t *b, size_t n)
{
	assert_int_equal(fh_hidrd_parse(b, n, &d), FH_OK);
}

static void check_field(unsigned i, uint8_t id, uint32_t off, uint16_t size, uint16_t count,
			uint16_t page, uint16_t usage, uint16_t usage_max, uint16_t flags)
{
	const struct fh_hidrd_field *f = &d.fields[i];

	assert_true(i < d.n_fields);
	assert_int_equal(f->report_id, id);
	assert_int_equal(f->bit_offset, off);
	assert_int_equal(f->bit_size, size);
	assert_int_equal(f->count, count);
	assert_int_equal(f->usage_page, page);
	assert_int_equal(f->usage, usage);
	assert_int_equal(f->usage_max, usage_max);
	assert_int_equal(f->flags, flags);
}

static void parse__pos_scanner_descriptor(void **state)
{
	(void)state;
	assert_int_equal(sizeof(pos_desc), 73);
	parse_ok(pos_desc, sizeof(pos_desc));
	assert_int_equal(d.uses_report_ids, 1);
	assert_int_equal(d.n_collections, 2);
	assert_int_equal(d.collections[0].type, FH_HIDRD_COLL_APPLICATION);
	assert_int_equal(d.collections[0].usage_page, 0x8C);
	assert_int_equal(d.collections[0].usage, 0x02);
	assert_int_equal(d.collections[1].type, FH_HIDRD_COLL_LOGICAL);
	assert_int_equal(d.collections[1].usage, 0x12);
	assert_int_equal(d.collections[1].parent, 0);
	assert_int_equal(d.collections[1].depth, 1);

	assert_int_equal(d.n_fields, 8);
	check_field(0, 2, 0, 8, 1, 0x01, 0x3B, 0x3B, FH_HIDRD_F_VARIABLE);
	check_field(1, 2, 8, 8, 1, 0x8C, 0xFB, 0xFB, FH_HIDRD_F_VARIABLE);
	check_field(2, 2, 16, 8, 1, 0x8C, 0xFC, 0xFC, FH_HIDRD_F_VARIABLE);
	check_field(3, 2, 24, 8, 1, 0x8C, 0xFD, 0xFD, FH_HIDRD_F_VARIABLE);
	check_field(4, 2, 32, 8, 56, 0x8C, 0xFE, 0xFE, FH_HIDRD_F_VARIABLE | FH_HIDRD_F_BUFFERED);
	check_field(5, 2, 480, 8, 2, 0xFF66, 0x01, 0x01, FH_HIDRD_F_VARIABLE);
	check_field(6, 2, 496, 1, 1, 0x8C, 0xFF, 0xFF, FH_HIDRD_F_VARIABLE);
	check_field(7, 2, 497, 7, 1, 0, 0, 0, FH_HIDRD_F_CONSTANT | FH_HIDRD_F_VARIABLE);
	for (unsigned i = 0; i < d.n_fields; i++) {
		assert_int_equal(d.fields[i].kind, FH_HIDRD_INPUT);
		assert_int_equal(d.fields[i].app, 0);
		assert_int_equal(d.fields[i].app_page, 0x8C);
		assert_int_equal(d.fields[i].app_usage, 0x02);
		assert_int_equal(d.fields[i].collection, 1);
	}
	assert_int_equal(d.fields[0].logical_max, 255); /* 26 FF 00 */
	assert_int_equal(d.fields[6].logical_max, 1);   /* 25 01 */
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_INPUT, 2), 64);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_INPUT, 1), 0);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_OUTPUT, 2), 0);

	assert_int_equal(fh_hidrd_find_app(&d, 0x8C, 0x02), 0);
	assert_int_equal(fh_hidrd_find_app(&d, 0x8C, 0x12), FH_ERR_NA); /* logical, not app */
	assert_int_equal(fh_hidrd_find_app(&d, 0x8D, 0x01), FH_ERR_NA);
	assert_int_equal(fh_hidrd_find_field(&d, 0, 0, FH_HIDRD_INPUT, 0x8C, 0xFE), 4);
	assert_int_equal(fh_hidrd_find_field(&d, 5, 0, FH_HIDRD_INPUT, 0x8C, 0xFE), FH_ERR_NA);
	assert_int_equal(fh_hidrd_find_field(&d, 0, 0, FH_HIDRD_INPUT, 0x01, 0x3B), 0);
	assert_int_equal(fh_hidrd_find_field(&d, 0, 0, FH_HIDRD_OUTPUT, 0x8C, 0xFE), FH_ERR_NA);
}

static void parse__vendor_collection_first(void **state)
{
	int app, f;

	(void)state;
	parse_ok(two_apps_desc, sizeof(two_apps_desc));
	assert_int_equal(fh_hidrd_find_app(&d, 0xFF8C, 0x01), 0);
	app = fh_hidrd_find_app(&d, 0x8C, 0x02);
	assert_int_equal(app, 1);
	/* Without the collection filter the decoy in report 3 comes first. */
	f = fh_hidrd_find_field(&d, 0, FH_HIDRD_NONE, FH_HIDRD_INPUT, 0x8C, 0xFE);
	assert_true(f >= 0);
	assert_int_equal(d.fields[f].report_id, 3);
	f = fh_hidrd_find_field(&d, 0, (unsigned)app, FH_HIDRD_INPUT, 0x8C, 0xFE);
	assert_true(f >= 0);
	assert_int_equal(d.fields[f].report_id, 2);
	assert_int_equal(d.fields[f].bit_offset, 8);
	/* The vendor output report 0xFD is an output field of the vendor app. */
	f = fh_hidrd_find_field(&d, 0, 0, FH_HIDRD_OUTPUT, 0xFF8C, 0x02);
	assert_true(f >= 0);
	assert_int_equal(d.fields[f].report_id, 0xFD);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_OUTPUT, 0xFD), 64);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_INPUT, 3), 33);
}

static void parse__usages(void **state)
{
	static const uint8_t buttons8[] = { 0x05, 0x09, 0x19, 0x01, 0x29, 0x08, 0x15, 0x00, 0x25,
					    0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02 };
	static const uint8_t buttons10[] = { 0x05, 0x09, 0x19, 0x01, 0x29, 0x08, 0x15, 0x00, 0x25,
					     0x01, 0x75, 0x01, 0x95, 0x0A, 0x81, 0x02 };
	static const uint8_t kbd_array[] = { 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x15, 0x00, 0x25,
					     0x65, 0x75, 0x08, 0x95, 0x06, 0x81, 0x00 };
	static const uint8_t ext_usage[] = { 0x0B, 0xFE, 0x00, 0x8C, 0x00, 0x75, 0x08, 0x95, 0x04,
					     0x81, 0x02 };
	static const uint8_t push_pop[] = { 0x05, 0x01, 0xA4, 0x05, 0x09, 0xB4, 0x09, 0x30, 0x75,
					    0x08, 0x95, 0x01, 0x81, 0x02 };
	static const uint8_t three_one[] = { 0x05, 0x8C, 0x09, 0xFB, 0x09, 0xFC, 0x75, 0x08, 0x95,
					     0x04, 0x81, 0x02 };
	static const uint8_t delim[] = { 0x05, 0x01, 0xA9, 0x01, 0x09, 0x30, 0x09, 0x31, 0xA9, 0x00,
					 0x75, 0x08, 0x95, 0x01, 0x81, 0x02 };

	(void)state;
	parse_ok(buttons8, sizeof(buttons8));
	assert_int_equal(d.n_fields, 1);
	check_field(0, 0, 0, 1, 8, 0x09, 1, 8, FH_HIDRD_F_VARIABLE);
	assert_int_equal(d.fields[0].app, FH_HIDRD_NONE);
	assert_int_equal(fh_hidrd_find_field(&d, 0, FH_HIDRD_NONE, FH_HIDRD_INPUT, 0x09, 5), 0);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_INPUT, 0), 1);

	/* More elements than usages: the last usage repeats. */
	parse_ok(buttons10, sizeof(buttons10));
	assert_int_equal(d.n_fields, 2);
	check_field(0, 0, 0, 1, 8, 0x09, 1, 8, FH_HIDRD_F_VARIABLE);
	check_field(1, 0, 8, 1, 2, 0x09, 8, 8, FH_HIDRD_F_VARIABLE);

	parse_ok(kbd_array, sizeof(kbd_array));
	assert_int_equal(d.n_fields, 1);
	check_field(0, 0, 0, 8, 6, 0x07, 0x00, 0x65, 0);

	parse_ok(ext_usage, sizeof(ext_usage)); /* 4-byte usage carries its page */
	check_field(0, 0, 0, 8, 4, 0x8C, 0xFE, 0xFE, FH_HIDRD_F_VARIABLE);

	parse_ok(push_pop, sizeof(push_pop));
	check_field(0, 0, 0, 8, 1, 0x01, 0x30, 0x30, FH_HIDRD_F_VARIABLE);

	parse_ok(three_one, sizeof(three_one));
	assert_int_equal(d.n_fields, 2);
	check_field(0, 0, 0, 8, 1, 0x8C, 0xFB, 0xFB, FH_HIDRD_F_VARIABLE);
	check_field(1, 0, 8, 8, 3, 0x8C, 0xFC, 0xFC, FH_HIDRD_F_VARIABLE);

	parse_ok(delim, sizeof(delim)); /* only the first usage of a set */
	assert_int_equal(d.n_fields, 1);
	check_field(0, 0, 0, 8, 1, 0x01, 0x30, 0x30, FH_HIDRD_F_VARIABLE);
}

static void parse__logical_range_sign(void **state)
{
	static const struct {
		uint8_t in[8];
		size_t n;
		int64_t min, max;
	} t[] = {
		{ { 0x15, 0x00, 0x25, 0xFF, 0x75, 0x08, 0x81, 0x02 }, 8, 0, 255 },
		{ { 0x15, 0xFF, 0x25, 0x01, 0x75, 0x08, 0x81, 0x02 }, 8, -1, 1 },
		{ { 0x15, 0x80, 0x25, 0x7F, 0x75, 0x08, 0x81, 0x02 }, 8, -128, 127 },
		{ { 0x15, 0x01, 0x25, 0x08, 0x75, 0x08, 0x81, 0x02 }, 8, 1, 8 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t b[12];

		/* Prefix Report Count(1). */
		b[0] = 0x95;
		b[1] = 0x01;
		memcpy(b + 2, t[i].in, t[i].n);
		parse_ok(b, t[i].n + 2);
		assert_int_equal(d.n_fields, 1);
		assert_int_equal(d.fields[0].logical_min, t[i].min);
		assert_int_equal(d.fields[0].logical_max, t[i].max);
	}
}

static void parse__report_ids_have_own_offsets(void **state)
{
	static const uint8_t b[] = {
		0x75, 0x08, 0x95, 0x02, 0x85, 0x01, 0x81, 0x02, 0x85, 0x02,
		0x81, 0x02, 0x85, 0x01, 0x95, 0x01, 0x81, 0x02, 0x91, 0x02,
	};

	(void)state;
	parse_ok(b, sizeof(b));
	assert_int_equal(d.n_fields, 4);
	assert_int_equal(d.fields[0].report_id, 1);
	assert_int_equal(d.fields[0].bit_offset, 0);
	assert_int_equal(d.fields[1].report_id, 2);
	assert_int_equal(d.fields[1].bit_offset, 0);
	assert_int_equal(d.fields[2].report_id, 1);
	assert_int_equal(d.fields[2].bit_offset, 16);
	assert_int_equal(d.fields[3].kind, FH_HIDRD_OUTPUT);
	assert_int_equal(d.fields[3].bit_offset, 0);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_INPUT, 1), 4);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_INPUT, 2), 3);
	assert_int_equal(fh_hidrd_report_len(&d, FH_HIDRD_OUTPUT, 1), 2);
}

/* Builds n copies of an item pattern (for the count limits). */
static uint8_t *repeat(const uint8_t *head, size_t nh, const uint8_t *pat, size_t np,
		       unsigned times, const uint8_t *tail, size_t nt, size_t *n)
{
	uint8_t *b = malloc(nh + np * times + nt + 1);
	size_t o = 0;

	assert_non_null(b);
	if (nh)
		memcpy(b, head, nh);
	o = nh;
	for (unsigned i = 0; i < times; i++, o += np)
		memcpy(b + o, pat, np);
	if (nt)
		memcpy(b + o, tail, nt);
	*n = o + nt;
	return b;
}

static void parse__limits(void **state)
{
	static const uint8_t input[] = { 0x75, 0x01, 0x95, 0x01, 0x81, 0x02 };
	static const uint8_t open[] = { 0xA1, 0x00 }, close[] = { 0xC0 };
	static const uint8_t push[] = { 0xA4 }, usage[] = { 0x09, 0x01 };
	static const uint8_t coll[] = { 0xA1, 0x00, 0xC0 }, nop[] = { 0x00 };
	static const uint8_t in_tail[] = { 0x75, 0x08, 0x95, 0x01, 0x81, 0x02 };
	static const struct {
		const char *what;
		const uint8_t *pat;
		size_t np;
		unsigned ok, bad; /* the largest accepted count, the smallest refused */
		const uint8_t *tail;
		size_t nt;
	} t[] = {
		{ "fields", input, sizeof(input), FH_HIDRD_MAX_FIELDS, FH_HIDRD_MAX_FIELDS + 1, NULL, 0 },
		{ "pushes", push, 1, FH_HIDRD_MAX_PUSH, FH_HIDRD_MAX_PUSH + 1, NULL, 0 },
		{ "usages", usage, 2, FH_HIDRD_MAX_USAGES, FH_HIDRD_MAX_USAGES + 1, in_tail, 6 },
		{ "collections", coll, 3, FH_HIDRD_MAX_COLLECTIONS, FH_HIDRD_MAX_COLLECTIONS + 1,
		  NULL, 0 },
		{ "items", nop, 1, FH_HIDRD_MAX_ITEMS, FH_HIDRD_MAX_ITEMS + 1, NULL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n;
		uint8_t *b = repeat(NULL, 0, t[i].pat, t[i].np, t[i].ok, t[i].tail, t[i].nt, &n);

		print_message("limit: %s\n", t[i].what);
		assert_int_equal(fh_hidrd_parse(b, n, &d), FH_OK);
		free(b);
		b = repeat(NULL, 0, t[i].pat, t[i].np, t[i].bad, t[i].tail, t[i].nt, &n);
		assert_int_equal(fh_hidrd_parse(b, n, &d), FH_ERR_PROTO);
		free(b);
	}
	/* Nesting: MAX_DEPTH open collections are fine, one more is not. */
	for (unsigned depth = FH_HIDRD_MAX_DEPTH; depth <= FH_HIDRD_MAX_DEPTH + 1; depth++) {
		uint8_t b[3 * (FH_HIDRD_MAX_DEPTH + 1)];
		size_t n = 0;

		for (unsigned i = 0; i < depth; i++)
			memcpy(b + 2 * i, open, 2);
		n = 2 * depth;
		for (unsigned i = 0; i < depth; i++)
			b[n++] = close[0];
		assert_int_equal(fh_hidrd_parse(b, n, &d),
				 depth <= FH_HIDRD_MAX_DEPTH ? FH_OK : FH_ERR_PROTO);
	}
}

static void parse__hostile_table(void **state)
{
	static const struct {
		const char *what;
		const char *in;
		size_t n;
		int rc;
	} t[] = {
		{ "empty", "", 0, FH_OK },
		{ "long item skipped", "\xfe\x02\x00\xaa\xbb", 5, FH_OK },
		{ "unknown global tag", "\xf4", 1, FH_OK },
		{ "reserved type", "\x0c\x0d\x0e", 3, FH_OK },
		{ "push left open", "\xa4", 1, FH_OK },
		{ "truncated 1-byte item", "\x05", 1, FH_ERR_PROTO },
		{ "truncated 2-byte item", "\x26\xff", 2, FH_ERR_PROTO },
		{ "truncated 4-byte item", "\x27\xff\xff\xff", 4, FH_ERR_PROTO },
		{ "truncated long item header", "\xfe\x05", 2, FH_ERR_PROTO },
		{ "truncated long item data", "\xfe\x05\x00\x01", 4, FH_ERR_PROTO },
		{ "end collection underflow", "\xc0", 1, FH_ERR_PROTO },
		{ "collection left open", "\xa1\x01", 2, FH_ERR_PROTO },
		{ "pop underflow", "\xb4", 1, FH_ERR_PROTO },
		{ "push pop pop", "\xa4\xb4\xb4", 3, FH_ERR_PROTO },
		{ "report id 0", "\x85\x00", 2, FH_ERR_PROTO },
		{ "report id > 255", "\x86\x00\x01", 3, FH_ERR_PROTO },
		{ "report count 65535", "\x96\xff\xff", 3, FH_ERR_PROTO },
		{ "report count 2^32-1", "\x97\xff\xff\xff\xff", 5, FH_ERR_PROTO },
		{ "report size 257", "\x76\x01\x01", 3, FH_ERR_PROTO },
		{ "report of 4097 bytes", "\x75\x08\x96\x01\x10\x81\x02", 7, FH_ERR_PROTO },
		{ "report of 4096 bytes", "\x75\x08\x96\x00\x10\x81\x02", 7, FH_OK },
		{ "two inputs over 4096", "\x75\x08\x96\x00\x08\x81\x02\x96\x01\x08\x81\x02", 12,
		  FH_ERR_PROTO },
		{ "usage max < min", "\x19\x05\x29\x01", 4, FH_ERR_PROTO },
		{ "range across pages", "\x1b\x01\x00\x01\x00\x2b\x05\x00\x02\x00", 10, FH_ERR_PROTO },
		{ "nested delimiter", "\xa9\x01\xa9\x01", 4, FH_ERR_PROTO },
		{ "delimiter close alone", "\xa9\x00", 2, FH_ERR_PROTO },
		{ "delimiter left open", "\xa9\x01", 2, FH_ERR_PROTO },
		{ "delimiter across main", "\xa9\x01\x09\x01\x81\x02", 6, FH_ERR_PROTO },
		{ "delimiter value 2", "\xa9\x02", 2, FH_ERR_PROTO },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		print_message("hostile: %s\n", t[i].what);
		assert_int_equal(fh_hidrd_parse((const uint8_t *)t[i].in, t[i].n, &d), t[i].rc);
	}
	assert_int_equal(fh_hidrd_parse(NULL, 1, &d), FH_ERR_ARG);
	assert_int_equal(fh_hidrd_parse(pos_desc, sizeof(pos_desc), NULL), FH_ERR_ARG);
}

/* Every prefix of the real descriptor: no overread (ASan/valgrind), and
 * the result never claims a collection still open. */
static void parse__every_prefix(void **state)
{
	(void)state;
	for (size_t n = 0; n < sizeof(pos_desc); n++) {
		uint8_t *b = malloc(n ? n : 1);
		int rc;

		assert_non_null(b);
		memcpy(b, pos_desc, n);
		rc = fh_hidrd_parse(b, n, &d);
		/* Complete only before the first Collection (0, 2 or 4 bytes:
		 * Usage Page, Usage); every other prefix cuts an item or leaves
		 * a collection open. */
		assert_int_equal(rc, n == 0 || n == 2 || n == 4 ? FH_OK : FH_ERR_PROTO);
		free(b);
	}
}

/* Out is written only on success. */
static void parse__out_untouched_on_error(void **state)
{
	(void)state;
	parse_ok(pos_desc, sizeof(pos_desc));
	assert_int_equal(fh_hidrd_parse((const uint8_t *)"\xc0", 1, &d), FH_ERR_PROTO);
	assert_int_equal(d.n_fields, 8);
}

static void bits__table(void **state)
{
	static const uint8_t buf[] = { 0xA5, 0x3C, 0xFF, 0x01 };
	static const struct {
		uint32_t off;
		unsigned bits;
		int rc;
		uint32_t val;
	} t[] = {
		{ 0, 8, FH_OK, 0xA5 },
		{ 0, 1, FH_OK, 1 },
		{ 1, 1, FH_OK, 0 },
		{ 4, 8, FH_OK, 0xCA },          /* high nibble of A5, low of 3C */
		{ 8, 16, FH_OK, 0xFF3C },
		{ 0, 32, FH_OK, 0x01FF3CA5 },
		{ 24, 1, FH_OK, 1 },
		{ 25, 7, FH_OK, 0 },
		{ 25, 8, FH_ERR_PROTO, 0 },    /* one bit past the end */
		{ 32, 1, FH_ERR_PROTO, 0 },
		{ 0xFFFFFFFFu, 1, FH_ERR_PROTO, 0 },
		{ 0, 0, FH_ERR_ARG, 0 },
		{ 0, 33, FH_ERR_ARG, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t v = 0;

		assert_int_equal(fh_hidrd_bits(buf, sizeof(buf), t[i].off, t[i].bits, &v), t[i].rc);
		assert_int_equal(v, t[i].val);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse__pos_scanner_descriptor),
		cmocka_unit_test(parse__vendor_collection_first),
		cmocka_unit_test(parse__usages),
		cmocka_unit_test(parse__logical_range_sign),
		cmocka_unit_test(parse__report_ids_have_own_offsets),
		cmocka_unit_test(parse__limits),
		cmocka_unit_test(parse__hostile_table),
		cmocka_unit_test(parse__every_prefix),
		cmocka_unit_test(parse__out_untouched_on_error),
		cmocka_unit_test(bits__table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
