/* firmware-host: HID POS bar code scanner protocol (usage page 0x8C).
 *
 * Pure: reports in, scans out; no I/O, no clock (the caller passes the time),
 * no allocation.  Two parts:
 *  - a layout: where Byte Count, the three AIM symbology identifier bytes,
 *    Decoded Data and Decoded Data Continued sit in the scanned-data report,
 *    found by walking the report descriptor or, when the descriptor cannot
 *    be read, the common 64-byte layout of Honeywell and Access-IS;
 *  - an assembler that joins multi-report scans, keeps the AIM id of the
 *    first report and every data byte (GS 0x1D included), drops a half
 *    scan after a timeout and caps a scan at FH_POS_SCAN_MAX bytes.
 * Background: ../shared/notes/usb-peripherals.md section 1.
 */
#ifndef QC_FIRMWARE_HOST_HID_POS_SCANNER_PROTOCOL_H
#define QC_FIRMWARE_HOST_HID_POS_SCANNER_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hid-report/hidrd.h"

#define FH_POS_SCAN_MAX 4096         /* bytes kept of one scan */
#define FH_POS_TIMEOUT_MS 200        /* default gap that drops a half scan */
#define FH_POS_MAX_REPORTS 4096      /* reports in one scan before FH_ERR_PROTO */

/* HID usages (page 0x8C unless noted). */
#define FH_POS_PAGE 0x8C
#define FH_POS_USAGE_SCANNER 0x02    /* the application collection */
#define FH_POS_USAGE_SCANNED_DATA 0x12
#define FH_POS_USAGE_SYM_ID1 0xFB    /* ..0xFD: the three AIM bytes */
#define FH_POS_USAGE_DATA 0xFE
#define FH_POS_USAGE_CONTINUED 0xFF
#define FH_POS_PAGE_GD 0x01          /* Generic Desktop: Byte Count 0x3B */
#define FH_POS_USAGE_BYTE_COUNT 0x3B

/* Where the fields are.  Offsets count from the first byte of the report
 * as read from the device (the report ID byte, when there is one). */
struct fh_pos_layout {
	uint8_t report_id;      /* 0 = the device sends no report IDs */
	uint16_t report_len;    /* bytes of one report, ID included */
	uint32_t count_bit;     /* Byte Count: first bit ... */
	uint8_t count_bits;     /* ... and width (1..16); 0 = no Byte Count field */
	uint16_t aim_off;       /* first of the three AIM bytes ... */
	bool has_aim;           /* ... if the report has them */
	uint16_t data_off;      /* Decoded Data: first byte ... */
	uint16_t data_cap;      /* ... and capacity in bytes (1..) */
	uint32_t cont_bit;      /* Decoded Data Continued: first bit ... */
	uint8_t cont_bits;      /* ... and width (1..32); 0 = every report is a whole scan */
	uint16_t code_off;      /* vendor code id byte (Honeywell "further
				 * symbology identifier") ... */
	bool has_code;          /* ... known only in the common layout */
};

/* The common layout (notes 1.2): report ID 2, 64 bytes: [02][len][AIM x3]
 * [56 data][vendor code id][reserved][bit0 = continued]. */
void fh_pos_layout_default(struct fh_pos_layout *l);

/* Layout from a parsed report descriptor: the input report that carries
 * Decoded Data (0x8C:0xFE, 8-bit elements, byte aligned) inside the first
 * bar code scanner application collection (0x8C:0x02), preferring one inside
 * a Scanned Data Report collection (0x12).  Vendor collections such as
 * Honeywell's 0xFF8C are never used.  Byte Count (GD 0x3B), the AIM bytes
 * (0xFB..0xFD, 8 bits each, consecutive) and Continued (0xFF) are taken
 * from the same report when present.
 * Returns FH_OK and *l (OUT, written only on success); FH_ERR_NA when the
 * descriptor has no 0x8C:0x02 application collection (not a HID POS
 * scanner: use fh_pos_layout_default() only if the descriptor could not be
 * read at all); FH_ERR_PROTO when the collection has no usable Decoded Data. */
int fh_pos_layout_from_desc(const struct fh_hidrd *d, struct fh_pos_layout *l);

/* One complete scan. */
struct fh_pos_scan {
	char aim[4];         /* "]Q3" from the first report, or "" when the bytes
			      * are not ']' + two printable characters */
	uint8_t code_id;     /* vendor code id of the first report; 0 = none */
	bool truncated;      /* more than FH_POS_SCAN_MAX bytes arrived */
	unsigned reports;    /* reports this scan came in */
	size_t len;          /* bytes in data, <= FH_POS_SCAN_MAX */
	uint8_t data[FH_POS_SCAN_MAX]; /* raw bytes, GS kept; not NUL-terminated */
};

/* Reassembly state.  Initialise with fh_pos_asm_init(); one per device; the
 * struct is large (two scans' worth is on the caller when it also holds an
 * fh_pos_scan), keep it in the driver's private state. */
struct fh_pos_asm {
	struct fh_pos_layout layout;
	int timeout_ms;
	bool strip_crlf;
	bool active;          /* a scan is half assembled */
	int64_t last_ms;      /* time of its last report */
	unsigned dropped;     /* half scans dropped so far (timeout or bad report) */
	struct fh_pos_scan cur;
};

/* timeout_ms <= 0 selects FH_POS_TIMEOUT_MS.  strip_crlf: drop one trailing
 * "\r\n", "\r" or "\n" of each scan (a configured suffix). */
void fh_pos_asm_init(struct fh_pos_asm *a, const struct fh_pos_layout *l, int timeout_ms,
		     bool strip_crlf);

/* Feed one input report rep[0..len) received at now_ms.  Returns:
 *  FH_OK         a scan is complete: *out (OUT) holds it;
 *  FH_ERR_AGAIN  nothing to deliver yet: more reports of this scan follow,
 *                the report belongs to another report ID (ignored, state
 *                unchanged), or the scan was empty;
 *  FH_ERR_PROTO  malformed report (shorter than the layout, Byte Count
 *                above the capacity, too many reports): the half scan, if
 *                any, is dropped (counted in a->dropped).
 * *out is written only on FH_OK.  A half scan older than the timeout is
 * dropped first, so a report arriving after it starts a new scan. */
int fh_pos_asm_feed(struct fh_pos_asm *a, const uint8_t *rep, size_t len, int64_t now_ms,
		    struct fh_pos_scan *out);

/* Drop a half scan whose last report is more than the timeout before
 * now_ms.  Returns 1 if one was dropped, else 0.  Call it from the poll
 * loop when no report came. */
int fh_pos_asm_expire(struct fh_pos_asm *a, int64_t now_ms);

#endif
