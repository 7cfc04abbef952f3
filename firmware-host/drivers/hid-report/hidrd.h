/* firmware-host: HID report-descriptor parser, shared by the HID POS
 * scanner, scale and buttons drivers.
 *
 * Pure: bytes in, a plain struct out (no I/O, no allocation, no globals).
 * It turns a report descriptor into a flat list of report fields (where
 * each field sits in which report, its usages, its flags and the
 * application collection around it) so that drivers find their data by
 * usage instead of hard-coding byte offsets.  Not a full HID stack: no
 * units, no physical ranges, no value extraction beyond fh_hidrd_bits().
 * Limits and the exact rules are in docs/internals/hid-report.md.
 */
#ifndef QC_FIRMWARE_HOST_HIDRD_H
#define QC_FIRMWARE_HOST_HIDRD_H

#include <stddef.h>
#include <stdint.h>

/* Bounds.  A descriptor that needs more gives FH_ERR_PROTO. */
#define FH_HIDRD_MAX_FIELDS 128      /* fields in the output */
#define FH_HIDRD_MAX_COLLECTIONS 64  /* collections in the output */
#define FH_HIDRD_MAX_DEPTH 16        /* collection nesting */
#define FH_HIDRD_MAX_PUSH 8          /* Push nesting */
#define FH_HIDRD_MAX_USAGES 64       /* Usage / range items before one main item */
#define FH_HIDRD_MAX_ITEMS 4096      /* items (short and long) in a descriptor */
#define FH_HIDRD_MAX_REPORT_SIZE 256 /* bits per report element */
#define FH_HIDRD_MAX_REPORT_BYTES 4096 /* one report's data, report ID excluded */

/* Main item kinds. */
enum fh_hidrd_kind {
	FH_HIDRD_INPUT = 0,
	FH_HIDRD_OUTPUT = 1,
	FH_HIDRD_FEATURE = 2,
};

/* Field flags: the Input/Output/Feature item's data bits, as in the HID
 * spec (bit set = the second meaning). */
#define FH_HIDRD_F_CONSTANT 0x001 /* Constant (padding), else Data */
#define FH_HIDRD_F_VARIABLE 0x002 /* Variable, else Array */
#define FH_HIDRD_F_RELATIVE 0x004
#define FH_HIDRD_F_WRAP 0x008
#define FH_HIDRD_F_NONLINEAR 0x010
#define FH_HIDRD_F_NO_PREFERRED 0x020
#define FH_HIDRD_F_NULL_STATE 0x040
#define FH_HIDRD_F_VOLATILE 0x080
#define FH_HIDRD_F_BUFFERED 0x100 /* Buffered Bytes: count bytes form one value */

/* Collection types (the Collection item's data). */
#define FH_HIDRD_COLL_PHYSICAL 0x00
#define FH_HIDRD_COLL_APPLICATION 0x01
#define FH_HIDRD_COLL_LOGICAL 0x02

/* Index value meaning "none" in parent/app fields. */
#define FH_HIDRD_NONE 0xFF

struct fh_hidrd_collection {
	uint8_t type;       /* FH_HIDRD_COLL_* or any other value the device used */
	uint8_t parent;     /* index into collections[], or FH_HIDRD_NONE */
	uint8_t depth;      /* 0 = top level */
	uint16_t usage_page, usage; /* the collection's usage (0/0 if none) */
};

/* One field: `count` report elements of `bit_size` bits each, starting at
 * `bit_offset` in report `report_id` of kind `kind`.  bit_offset counts
 * from the first data bit, after the report ID byte: in a raw report whose
 * first byte is the ID (report_id != 0) the field starts at bit
 * 8 + bit_offset.  Usages:
 *  - Variable, usage == usage_max: every element has that usage (a
 *    Buffered Bytes string is one such field);
 *  - Variable, usage < usage_max: element i has usage + i
 *    (usage_max - usage + 1 == count);
 *  - Array: each element holds a selector; value v means usage
 *    usage + (v - logical_min) when inside usage..usage_max.
 *  - No usage at all (padding): usage_page = usage = usage_max = 0. */
struct fh_hidrd_field {
	uint8_t kind;         /* enum fh_hidrd_kind */
	uint8_t report_id;    /* 0 when the device uses no report IDs */
	uint16_t flags;       /* FH_HIDRD_F_* */
	uint32_t bit_offset;  /* see above */
	uint16_t bit_size;    /* Report Size, 1..FH_HIDRD_MAX_REPORT_SIZE */
	uint16_t count;       /* elements in this field, >= 1 */
	uint16_t usage_page;
	uint16_t usage, usage_max;
	int64_t logical_min, logical_max; /* unsigned when logical_min >= 0 */
	uint8_t collection;   /* innermost collection, or FH_HIDRD_NONE */
	uint8_t app;          /* enclosing application collection, or FH_HIDRD_NONE */
	uint16_t app_page, app_usage; /* that collection's usage (0/0 if none) */
};

struct fh_hidrd {
	unsigned n_fields, n_collections;
	unsigned uses_report_ids; /* 1 if any Report ID item was seen */
	struct fh_hidrd_field fields[FH_HIDRD_MAX_FIELDS];
	struct fh_hidrd_collection collections[FH_HIDRD_MAX_COLLECTIONS];
};

/* Parse the report descriptor desc[0..len) into *out (OUT; written only on
 * success).  Returns FH_OK, FH_ERR_ARG (NULL pointers), or FH_ERR_PROTO for
 * any malformed or over-limit descriptor: truncated item, unbalanced
 * collections, Pop without Push, Report ID 0, huge Report Size/Count, a
 * report longer than FH_HIDRD_MAX_REPORT_BYTES, more than the limits above.
 * Unknown items are skipped, long items too.  Reads no byte outside desc. */
int fh_hidrd_parse(const uint8_t *desc, size_t len, struct fh_hidrd *out);

/* Index of the first application collection with usage (page, usage), or
 * FH_ERR_NA when there is none. */
int fh_hidrd_find_app(const struct fh_hidrd *d, uint16_t page, uint16_t usage);

/* Index of the first field of `kind` inside application collection `app`
 * (an index from fh_hidrd_find_app(), or FH_HIDRD_NONE for any) that
 * carries usage (page, usage), starting at field index `from` (0 for the
 * first; pass a previous result + 1 to continue).  FH_ERR_NA when none.
 * For variable ranges and arrays a usage inside usage..usage_max matches. */
int fh_hidrd_find_field(const struct fh_hidrd *d, unsigned from, unsigned app, unsigned kind,
			uint16_t page, uint16_t usage);

/* Length in bytes of report `report_id` of `kind`, report ID byte included
 * when the device uses report IDs; 0 when no field belongs to it. */
size_t fh_hidrd_report_len(const struct fh_hidrd *d, unsigned kind, uint8_t report_id);

/* Read `bits` (1..32) bits starting at bit `bit_off` of buf[0..len), least
 * significant bit first as HID packs them.  FH_OK and *val (OUT), or
 * FH_ERR_PROTO when the bits run past len. */
int fh_hidrd_bits(const uint8_t *buf, size_t len, uint32_t bit_off, unsigned bits, uint32_t *val);

#endif
