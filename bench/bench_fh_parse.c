/* bench: throughput of firmware-host's pure decoders (the drivers'
 * protocol.c and the report-descriptor parser), fed the bytes a device
 * would send:
 *
 *   hid-pos      64-byte HID POS reports through the reassembler: a mix of
 *                one-report scans (EAN-13, GS1-128, UPS, GS1 DataMatrix) and
 *                multi-report ones (a 74-byte GS1 QR in 2 reports, a
 *                150-byte Digital Link URL in 3), layout from the 73-byte
 *                descriptor of the notes;
 *   hid-kbd      8-byte boot reports of a keyboard-mode scanner typing a
 *                30-character code with Shift, a doubled character and an
 *                Enter suffix (press and release per key: 62 reports);
 *   hid-scale    6-byte scale reports through the tracker: in motion,
 *                stable, repeats, back to zero, a unit change;
 *   ieee1284     GET_DEVICE_ID replies (big- and little-endian length, long
 *                and short key names): one parse per reply;
 *   hidrd        the 73-byte HID POS report descriptor: one parse per
 *                descriptor;
 *   hid-buttons  boot reports of a foot pedal typing F13/F14.
 *
 * Each decoder's reports/s and ns/report are printed beside a baseline
 * timed in the same run over the same bytes: copy each report out of the
 * stream (memcpy) and checksum it (a 64-bit additive sum), the least any
 * reader of the reports does.  Each workload is checked before it is
 * timed (the decoder must give the expected scans, weights, IDs, fields or
 * button changes): timing a wrong path would mislead.
 *
 * For scale: a full-speed USB interrupt endpoint delivers at most 1000
 * reports/s (1 ms interval); "headroom" is the decoder's rate over that.
 * This is a measurement, not a test: it exits 0 whatever the figures, and
 * non-zero only when it could not run.
 *
 * Not for: correctness (tests/firmware-host/), the libusb path.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fh/err.h"
#include "fh/io.h"
#include "fh/scanner.h"

#include "drivers/hid-buttons/protocol.h"
#include "drivers/hid-kbd-scanner/protocol.h"
#include "drivers/hid-pos-scanner/protocol.h"
#include "drivers/hid-report/hidrd.h"
#include "drivers/hid-scale/protocol.h"
#include "drivers/usb-printer/protocol.h"

#include "bench_common.h"

#define GS "\x1d"

#define QUICK_N 2000           /* --quick: reports per decoder, to check it runs */
#define CALIBRATE_NS 50000000  /* 50 ms to estimate the cost of a report */
#define RUN_NS 300000000       /* default N: about 0.3 s per decoder */
#define USB_FS_REPORTS_PER_S 1000.0 /* one report per 1 ms full-speed frame */
#define REPORT_MAX 512         /* the largest "report" (a device ID reply) */

#ifndef QC_BENCH_BUILD_TYPE
#define QC_BENCH_BUILD_TYPE "?"
#endif

/* One report of a stream, pointing into the workload's buffer. */
struct rep {
	size_t off; /* into the stream's buffer, while it is built */
	const uint8_t *p;
	size_t n;
};

/* A stream of reports, built once, replayed cyclically. */
struct stream {
	uint8_t *buf;
	size_t used, cap;
	struct rep *rep;
	size_t n_rep, cap_rep;
};

/* The decoders' state: large (a scan buffer each), so on the heap. */
struct ctx {
	struct fh_hidrd desc;        /* the parsed 73-byte descriptor */
	struct fh_hidrd scratch;     /* hidrd workload output */
	struct fh_pos_layout layout;
	struct fh_pos_asm pos;
	struct fh_pos_scan scan;
	struct hid_kbd kbd;
	struct fh_scale_track track;
	struct fh_scale_reading reading;
	struct fh_ieee1284_id id;
	struct hid_buttons buttons;
	struct fh_button pressed[HID_BUTTONS_EVENTS_MAX];
	uint8_t copy[REPORT_MAX];    /* baseline destination */
	int64_t now_ms;
	uint64_t events;             /* what the decoder produced */
	uint8_t last_kbd[FH_SCAN_MAX]; /* hid-kbd check: the last scan */
	size_t last_kbd_len;
};

enum wl { W_POS, W_KBD, W_SCALE, W_IEEE1284, W_HIDRD, W_BUTTONS, W__COUNT };

struct result {
	uint64_t reports, ns, events;
};

typedef void run_fn(struct ctx *c, const struct rep *r);

static const struct {
	const char *name, *json;
	const char *unit; /* what one "report" is */
} wl_info[W__COUNT] = {
	[W_POS] = { "hid-pos", "hid_pos", "64-byte input report" },
	[W_KBD] = { "hid-kbd", "hid_kbd", "8-byte boot report" },
	[W_SCALE] = { "hid-scale", "hid_scale", "6-byte data report" },
	[W_IEEE1284] = { "ieee1284", "ieee1284", "GET_DEVICE_ID reply" },
	[W_HIDRD] = { "hidrd", "hidrd", "73-byte report descriptor" },
	[W_BUTTONS] = { "hid-buttons", "hid_buttons", "8-byte boot report" },
};

/* The HID POS report descriptor of the notes (section 1.2), 73 bytes:
 * report 2 = [Byte Count][AIM x3][56 data][vendor x2][Continued bit]. */
static const uint8_t pos_desc[] = {
	0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,                         /* scanner app */
	0x09, 0x12, 0xA1, 0x02, 0x85, 0x02,                         /* scanned data, id 2 */
	0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08,
	0x05, 0x01, 0x09, 0x3B, 0x95, 0x01, 0x81, 0x02,             /* byte count */
	0x05, 0x8C, 0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD, 0x95, 0x03, 0x81, 0x02, /* AIM */
	0x09, 0xFE, 0x95, 0x38, 0x82, 0x02, 0x01,                   /* decoded data */
	0x06, 0x66, 0xFF, 0x09, 0x01, 0x95, 0x02, 0x81, 0x02,       /* vendor */
	0x05, 0x8C, 0x09, 0xFF, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, /* continued */
	0x75, 0x07, 0x81, 0x03,                                     /* padding */
	0xC0, 0xC0,
};

/* The HID POS mix: AIM id, data, and how many times it occurs. */
static const struct {
	const char *aim, *data;
	uint8_t code_id;
	unsigned times;
} pos_scans[] = {
	{ "]E0", "4006381333931", 'd', 4 },
	{ "]E0", "5901234123457", 'd', 2 },
	{ "]C1", "0109501101020917" "10ABC-12" GS "21XYZ", 'j', 3 },
	{ "]C0", "1Z999AA10123456784", 'j', 2 },
	{ "]d2", "0109506000134352" "17261231" "10ABC123" GS "21SN10000001", 'w', 2 },
	{ "]Q3", "0109506000134352" "10LOT-2026-11-26-A" GS "21SERIAL-0000000042" GS
		 "7003261231235959", 's', 1 },
	{ "]Q1", "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN10000004"
		 "?17=261231&3103=001250&linkType=gs1:pip&context=warehouse-qc-station-7", 's', 1 },
};

/* The keyboard-mode scan: 30 characters with capitals, a doubled "11",
 * symbols that need Shift (_ + :), then Enter. */
static const char kbd_code[] = "SN-4711/AbC_2026.Lot+X9y:Z7QC0";

/* Scale reports: [03][status][unit][exponent][LSB][MSB]. */
static const uint8_t scale_reports[][6] = {
	{ 0x03, 0x03, 0x0B, 0xFF, 0x64, 0x00 }, /* in motion, 10.0 oz */
	{ 0x03, 0x03, 0x0B, 0xFF, 0xC8, 0x00 }, /* in motion, 20.0 oz */
	{ 0x03, 0x04, 0x0B, 0xFF, 0x2C, 0x01 }, /* stable 30.0 oz */
	{ 0x03, 0x04, 0x0B, 0xFF, 0x2C, 0x01 }, /* the same again */
	{ 0x03, 0x04, 0x0B, 0xFF, 0x2C, 0x01 },
	{ 0x03, 0x02, 0x0B, 0xFF, 0x00, 0x00 }, /* removed: stable zero */
	{ 0x03, 0x04, 0x02, 0x00, 0xF4, 0x01 }, /* unit changed: 500 g */
	{ 0x03, 0x02, 0x02, 0x00, 0x00, 0x00 }, /* zero */
};

/* Device IDs (without their 2-byte length) and the length's byte order. */
static const struct {
	const char *id;
	bool little_endian;
} ieee_ids[] = {
	{ "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;CLS:PRINTER;", false },
	{ "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD220;CLS:PRINTER;DES:Zebra ZD220 203 dpi;",
	  true },
	{ "MANUFACTURER:Zebra Technologies;COMMAND SET:ZPL,EPL2;MODEL:ZT410;"
	  "SERIALNUMBER:18J123456789;CLASS:PRINTER;DESCRIPTION:Zebra ZT410 300 dpi industrial;",
	  false },
	{ "MFG:Zebra Technologies;CMD:ZPL,EPL,CPCL;MDL:ZD421-203dpi ZPL;SN:D4J212345678;"
	  "CLS:PRINTER;DES:ZD421 Direct Thermal;OPTS:CUTTER,PEELER,RFID;FWVER:V93.21.26Z;"
	  "PRINTHEAD:203DPI;MEDIA:LABEL;LINK:USB,BT,WLAN;",
	  false },
};

/* ---- building the streams -------------------------------------------------- */

static int stream_add(struct stream *s, const uint8_t *b, size_t n)
{
	if (s->used + n > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		uint8_t *nb;

		while (cap < s->used + n)
			cap *= 2;
		nb = realloc(s->buf, cap);
		if (!nb)
			return -1;
		s->buf = nb;
		s->cap = cap;
	}
	if (s->n_rep == s->cap_rep) {
		size_t cap = s->cap_rep ? 2 * s->cap_rep : 64;
		struct rep *nr = realloc(s->rep, cap * sizeof(*nr));

		if (!nr)
			return -1;
		s->rep = nr;
		s->cap_rep = cap;
	}
	memcpy(s->buf + s->used, b, n);
	s->rep[s->n_rep].off = s->used;
	s->rep[s->n_rep].p = NULL; /* set by stream_finish(): buf may move */
	s->rep[s->n_rep].n = n;
	s->n_rep++;
	s->used += n;
	return 0;
}

/* The stream is complete: point the reports into its buffer. */
static void stream_finish(struct stream *s)
{
	for (size_t i = 0; i < s->n_rep; i++)
		s->rep[i].p = s->buf + s->rep[i].off;
}

static void stream_free(struct stream *s)
{
	free(s->buf);
	free(s->rep);
	memset(s, 0, sizeof(*s));
}

/* One scan as 64-byte reports in layout l (byte count, AIM, data,
 * code id, continued bit). */
static int build_pos_scan(struct stream *s, const struct fh_pos_layout *l, const char *aim,
			  const char *data, uint8_t code_id)
{
	size_t len = strlen(data), off = 0;

	do {
		uint8_t r[64] = { 0 };
		size_t k = len - off < l->data_cap ? len - off : l->data_cap;

		r[0] = l->report_id;
		r[l->count_bit / 8] = (uint8_t)k;
		memcpy(r + l->aim_off, aim, 3);
		memcpy(r + l->data_off, data + off, k);
		r[l->code_off] = code_id;
		off += k;
		if (off < len)
			r[l->cont_bit / 8] |= (uint8_t)(1u << (l->cont_bit % 8));
		if (stream_add(s, r, l->report_len) < 0)
			return -1;
	} while (off < len);
	return 0;
}

static int build_pos(struct stream *s, const struct fh_pos_layout *l)
{
	for (size_t i = 0; i < sizeof(pos_scans) / sizeof(pos_scans[0]); i++)
		for (unsigned t = 0; t < pos_scans[i].times; t++)
			if (build_pos_scan(s, l, pos_scans[i].aim, pos_scans[i].data,
					   pos_scans[i].code_id) < 0)
				return -1;
	return 0;
}

/* US layout: the usage and whether Shift is needed; 0 when not covered. */
static uint8_t us_usage(char ch, bool *shift)
{
	static const char shifted[] = "_+:";
	static const uint8_t shifted_usage[] = { 0x2D, 0x2E, 0x33 };
	const char *p;

	*shift = false;
	if (ch >= 'a' && ch <= 'z')
		return (uint8_t)(0x04 + (ch - 'a'));
	if (ch >= 'A' && ch <= 'Z') {
		*shift = true;
		return (uint8_t)(0x04 + (ch - 'A'));
	}
	if (ch >= '1' && ch <= '9')
		return (uint8_t)(0x1E + (ch - '1'));
	if (ch == '0')
		return 0x27;
	if (ch == '-')
		return 0x2D;
	if (ch == '/')
		return 0x38;
	if (ch == '.')
		return 0x37;
	p = strchr(shifted, ch);
	if (p && *p) {
		*shift = true;
		return shifted_usage[p - shifted];
	}
	return 0;
}

/* Press and release per character, then Enter: 2 * (30 + 1) reports. */
static int build_kbd(struct stream *s)
{
	static const uint8_t up[8] = { 0 };
	size_t n = strlen(kbd_code);

	for (size_t i = 0; i <= n; i++) {
		uint8_t down[8] = { 0 };
		bool shift = false;

		down[2] = i < n ? us_usage(kbd_code[i], &shift) : 0x28; /* Enter */
		if (!down[2])
			return -1;
		down[0] = shift ? 0x02 : 0x00; /* Left Shift */
		if (stream_add(s, down, sizeof(down)) < 0 || stream_add(s, up, sizeof(up)) < 0)
			return -1;
	}
	return 0;
}

static int build_scale(struct stream *s)
{
	for (size_t i = 0; i < sizeof(scale_reports) / sizeof(scale_reports[0]); i++)
		if (stream_add(s, scale_reports[i], sizeof(scale_reports[i])) < 0)
			return -1;
	return 0;
}

static int build_ieee1284(struct stream *s)
{
	for (size_t i = 0; i < sizeof(ieee_ids) / sizeof(ieee_ids[0]); i++) {
		uint8_t b[REPORT_MAX];
		size_t n = strlen(ieee_ids[i].id) + 2;

		if (n > sizeof(b))
			return -1;
		b[0] = (uint8_t)(ieee_ids[i].little_endian ? n & 0xFF : n >> 8);
		b[1] = (uint8_t)(ieee_ids[i].little_endian ? n >> 8 : n & 0xFF);
		memcpy(b + 2, ieee_ids[i].id, n - 2);
		if (stream_add(s, b, n) < 0)
			return -1;
	}
	return 0;
}

static int build_hidrd(struct stream *s)
{
	return stream_add(s, pos_desc, sizeof(pos_desc));
}

/* A pedal typing F13, release, F14, release. */
static int build_buttons(struct stream *s)
{
	static const uint8_t r[4][8] = {
		{ 0, 0, 0x68 }, { 0 }, { 0, 0, 0x69 }, { 0 },
	};

	for (size_t i = 0; i < 4; i++)
		if (stream_add(s, r[i], sizeof(r[i])) < 0)
			return -1;
	return 0;
}

/* ---- the decoders, one report at a time ------------------------------------ */

static void run_pos(struct ctx *c, const struct rep *r)
{
	if (fh_pos_asm_feed(&c->pos, r->p, r->n, c->now_ms++, &c->scan) == FH_OK)
		c->events++;
}

static void kbd_emit(void *ud, const struct hid_kbd_scan *scan)
{
	struct ctx *c = ud;

	c->events++;
	c->last_kbd_len = scan->len;
	memcpy(c->last_kbd, scan->data, scan->len);
}

static void run_kbd(struct ctx *c, const struct rep *r)
{
	c->now_ms += 4; /* a scanner's keystroke pace, well below idle_ms */
	hid_kbd_feed(&c->kbd, r->p, r->n, c->now_ms, kbd_emit, c);
}

static void run_scale(struct ctx *c, const struct rep *r)
{
	int ev;

	c->now_ms += 100;
	ev = fh_scale_track_feed(&c->track, r->p, r->n, c->now_ms, &c->reading);
	if (ev > 0 && (ev & FH_SCALE_EV_STABLE))
		c->events++;
}

static void run_ieee1284(struct ctx *c, const struct rep *r)
{
	if (fh_ieee1284_parse(r->p, r->n, &c->id) == FH_OK)
		c->events += c->id.mdl[0] != '\0';
}

static void run_hidrd(struct ctx *c, const struct rep *r)
{
	if (fh_hidrd_parse(r->p, r->n, &c->scratch) == FH_OK)
		c->events += c->scratch.n_fields;
}

static void run_buttons(struct ctx *c, const struct rep *r)
{
	int n = hid_buttons_feed(&c->buttons, r->p, r->n, c->pressed);

	if (n > 0)
		c->events += (unsigned)n;
}

static run_fn *const runs[W__COUNT] = {
	[W_POS] = run_pos,
	[W_KBD] = run_kbd,
	[W_SCALE] = run_scale,
	[W_IEEE1284] = run_ieee1284,
	[W_HIDRD] = run_hidrd,
	[W_BUTTONS] = run_buttons,
};

/* Start a decoder afresh (so the check and each timed run see the same
 * stream from its start). */
static void reset(struct ctx *c, enum wl w)
{
	c->now_ms = 1000;
	c->events = 0;
	switch (w) {
	case W_POS:
		fh_pos_asm_init(&c->pos, &c->layout, 0, false);
		break;
	case W_KBD:
		hid_kbd_init(&c->kbd, NULL);
		c->last_kbd_len = 0;
		break;
	case W_SCALE:
		fh_scale_track_init(&c->track, 0);
		fh_scale_track_attach(&c->track, c->now_ms);
		break;
	case W_BUTTONS:
		hid_buttons_init(&c->buttons, FH_BUTTONS_KEYBOARD);
		break;
	default:
		break;
	}
}

static struct result run_decoder(struct ctx *c, enum wl w, const struct stream *s, uint64_t n)
{
	struct result r = { .reports = n };
	run_fn *fn = runs[w];
	uint64_t t0, i;
	size_t k = 0;

	reset(c, w);
	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		fn(c, &s->rep[k]);
		if (++k == s->n_rep)
			k = 0;
	}
	r.ns = bench_now_ns() - t0;
	r.events = c->events;
	return r;
}

/* The baseline: copy each report out and checksum the copy, 8 bytes at a
 * time (a 64-bit additive sum, as a real checksum loop would read it). */
static struct result run_baseline(struct ctx *c, const struct stream *s, uint64_t n,
				  volatile uint64_t *sink)
{
	struct result r = { .reports = n };
	uint64_t sum = 0, t0, i;
	size_t k = 0;

	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		const struct rep *rp = &s->rep[k];
		size_t j = 0;

		memcpy(c->copy, rp->p, rp->n);
		for (; j + 8 <= rp->n; j += 8) {
			uint64_t w;

			memcpy(&w, c->copy + j, 8);
			sum += w;
		}
		for (; j < rp->n; j++)
			sum += c->copy[j];
		if (++k == s->n_rep)
			k = 0;
	}
	r.ns = bench_now_ns() - t0;
	*sink += sum;
	return r;
}

/* ---- checks before timing ---------------------------------------------------- */

/* Which entry of pos_scans the k-th scan of the stream is; -1 past the end. */
static int pos_scan_at(size_t k)
{
	for (size_t i = 0; i < sizeof(pos_scans) / sizeof(pos_scans[0]); i++) {
		if (k < pos_scans[i].times)
			return (int)i;
		k -= pos_scans[i].times;
	}
	return -1;
}

static bool check_pos(struct ctx *c, const struct stream *s)
{
	size_t got = 0;

	reset(c, W_POS);
	for (size_t i = 0; i < s->n_rep; i++) {
		int k;

		if (fh_pos_asm_feed(&c->pos, s->rep[i].p, s->rep[i].n, c->now_ms++, &c->scan) !=
		    FH_OK)
			continue;
		k = pos_scan_at(got++);
		if (k < 0 || c->scan.len != strlen(pos_scans[k].data) ||
		    memcmp(c->scan.data, pos_scans[k].data, c->scan.len) != 0 ||
		    strcmp(c->scan.aim, pos_scans[k].aim) != 0)
			return false;
	}
	return got > 0 && pos_scan_at(got) < 0 && pos_scan_at(got - 1) >= 0;
}

static bool check_kbd(struct ctx *c, const struct stream *s)
{
	reset(c, W_KBD);
	for (size_t i = 0; i < s->n_rep; i++)
		run_kbd(c, &s->rep[i]);
	return c->events == 1 && c->last_kbd_len == strlen(kbd_code) &&
	       memcmp(c->last_kbd, kbd_code, c->last_kbd_len) == 0;
}

static bool check_scale(struct ctx *c, const struct stream *s)
{
	/* The first report is stale; stable 30.0 oz, zero, 500 g, zero. */
	reset(c, W_SCALE);
	for (size_t i = 0; i < s->n_rep; i++)
		run_scale(c, &s->rep[i]);
	return c->events == 4 && c->reading.weight_mg == 0 && c->reading.unit == FH_SCALE_G;
}

static bool check_ieee1284(struct ctx *c, const struct stream *s)
{
	for (size_t i = 0; i < s->n_rep; i++) {
		if (fh_ieee1284_parse(s->rep[i].p, s->rep[i].n, &c->id) != FH_OK ||
		    strcmp(c->id.mfg, "Zebra Technologies") != 0 ||
		    !fh_ieee1284_cmd_has(&c->id, "ZPL") || c->id.truncated ||
		    c->id.swapped != ieee_ids[i].little_endian)
			return false;
	}
	return true;
}

static bool check_buttons(struct ctx *c, const struct stream *s)
{
	reset(c, W_BUTTONS);
	for (size_t i = 0; i < s->n_rep; i++)
		run_buttons(c, &s->rep[i]);
	return c->events == 4; /* two presses, two releases */
}

/* ---- report ------------------------------------------------------------------- */

static double per_s(const struct result *r)
{
	return bench_per_s((size_t)r->reports, r->ns);
}

static double ns_per(const struct result *r)
{
	return r->reports ? (double)r->ns / (double)r->reports : 0.0;
}

static double ratio(const struct result *dec, const struct result *base)
{
	return ns_per(base) > 0 ? ns_per(dec) / ns_per(base) : 0.0;
}

static void print_text(const struct result *dec, const struct result *base,
		       const size_t *set_len, unsigned bad)
{
	printf("bench_fh_parse: pure decoders, build %s, %s\n", QC_BENCH_BUILD_TYPE, __VERSION__);
	printf("  %-12s %13s %10s %12s %8s %11s\n", "decoder", "reports/s", "ns/report",
	       "base ns/rep", "x base", "headroom");
	for (int w = 0; w < W__COUNT; w++)
		printf("  %-12s %13.0f %10.1f %12.1f %8.1f %10.0fx\n", wl_info[w].name,
		       per_s(&dec[w]), ns_per(&dec[w]), ns_per(&base[w]), ratio(&dec[w], &base[w]),
		       per_s(&dec[w]) / USB_FS_REPORTS_PER_S);
	printf("  base = memcpy + checksum of the same reports in the same run;"
	       " headroom = reports/s over %.0f/s\n", USB_FS_REPORTS_PER_S);
	printf("  (the most a full-speed interrupt endpoint delivers)\n");
	for (int w = 0; w < W__COUNT; w++)
		printf("  %-12s %llu x %s, a stream of %zu cycled\n", wl_info[w].name,
		       (unsigned long long)dec[w].reports, wl_info[w].unit, set_len[w]);
	if (bad)
		printf("  warning: %u workloads did not decode as expected (see stderr)\n", bad);
}

static int print_json(const struct result *dec, const struct result *base, unsigned bad)
{
	json_t *root;
	int rc = 1;

	root = json_pack("{s:s, s:s, s:s, s:f, s:i}", "bench", "fh_parse", "build",
			 QC_BENCH_BUILD_TYPE, "compiler", __VERSION__, "usb_fs_reports_per_s",
			 USB_FS_REPORTS_PER_S, "mismatched", (int)bad);
	if (!root)
		goto out;
	for (int w = 0; w < W__COUNT; w++) {
		json_t *o = json_pack("{s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:I}", "unit",
				      wl_info[w].unit, "reports", (json_int_t)dec[w].reports,
				      "reports_per_s", per_s(&dec[w]), "ns_per_report",
				      ns_per(&dec[w]), "baseline_reports_per_s", per_s(&base[w]),
				      "baseline_ns_per_report", ns_per(&base[w]), "x_baseline",
				      ratio(&dec[w], &base[w]), "events",
				      (json_int_t)dec[w].events);

		/* _set_new() takes o on every path, NULL included (-1). */
		if (json_object_set_new(root, wl_info[w].json, o) < 0)
			goto out;
	}
	if (json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = 0;
out:
	if (rc)
		fprintf(stderr, "bench_fh_parse: cannot write the JSON report\n");
	json_decref(root);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_fh_parse [--n N] [--quick] [--json]\n"
		   "  --n N    reports per decoder (default: about %d ms worth each)\n"
		   "  --quick  N = %d, to check that it runs\n"
		   "  --json   one JSON object instead of the table\n",
		RUN_NS / 1000000, QUICK_N);
}

int main(int argc, char **argv)
{
	struct stream s[W__COUNT] = { { 0 } };
	struct result dec[W__COUNT], base[W__COUNT];
	size_t set_len[W__COUNT];
	struct fh_pos_layout def;
	struct ctx *c = NULL;
	volatile uint64_t sink = 0;
	uint64_t n = 0;
	bool json = false, ok[W__COUNT];
	unsigned bad = 0;
	int rc = 1;

	{
		int ex = bench_args(argc, argv, "bench_fh_parse", 0, QUICK_N, &n, &json, usage);

		if (ex >= 0)
			return ex;
	}

	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	/* The scanner's layout comes from its descriptor, as in the driver. */
	if (fh_hidrd_parse(pos_desc, sizeof(pos_desc), &c->desc) != FH_OK ||
	    fh_pos_layout_from_desc(&c->desc, &c->layout) != FH_OK) {
		fprintf(stderr, "bench_fh_parse: the 73-byte descriptor does not parse\n");
		goto out;
	}
	/* The reports are built in the common layout (with the vendor code
	 * id, which only it knows) and decoded in the descriptor's: the two
	 * must agree. */
	fh_pos_layout_default(&def);
	if (c->layout.report_len != def.report_len || c->layout.count_bit != def.count_bit ||
	    c->layout.aim_off != def.aim_off || c->layout.data_off != def.data_off ||
	    c->layout.data_cap != def.data_cap || c->layout.cont_bit != def.cont_bit) {
		fprintf(stderr, "bench_fh_parse: the descriptor's layout differs from the"
				" common one\n");
		goto out;
	}
	if (build_pos(&s[W_POS], &def) < 0 || build_kbd(&s[W_KBD]) < 0 ||
	    build_scale(&s[W_SCALE]) < 0 || build_ieee1284(&s[W_IEEE1284]) < 0 ||
	    build_hidrd(&s[W_HIDRD]) < 0 || build_buttons(&s[W_BUTTONS]) < 0)
		goto nomem;
	for (int w = 0; w < W__COUNT; w++)
		stream_finish(&s[w]);

	ok[W_POS] = check_pos(c, &s[W_POS]);
	ok[W_KBD] = check_kbd(c, &s[W_KBD]);
	ok[W_SCALE] = check_scale(c, &s[W_SCALE]);
	ok[W_IEEE1284] = check_ieee1284(c, &s[W_IEEE1284]);
	ok[W_HIDRD] = fh_hidrd_parse(pos_desc, sizeof(pos_desc), &c->scratch) == FH_OK &&
		      c->scratch.n_fields == c->desc.n_fields;
	ok[W_BUTTONS] = check_buttons(c, &s[W_BUTTONS]);
	for (int w = 0; w < W__COUNT; w++) {
		if (ok[w])
			continue;
		fprintf(stderr, "bench_fh_parse: warning: %s did not decode its stream as"
				" expected\n", wl_info[w].name);
		bad++;
	}

	for (int w = 0; w < W__COUNT; w++) {
		uint64_t wn = n;

		set_len[w] = s[w].n_rep;
		if (!wn) {
			/* Calibrate: grow the run until it takes CALIBRATE_NS (which
			 * also warms the caches and the branch predictors). */
			struct result cal;
			uint64_t m = s[w].n_rep;

			do {
				m *= 2;
				cal = run_decoder(c, (enum wl)w, &s[w], m);
			} while (cal.ns < CALIBRATE_NS);
			wn = (uint64_t)((double)RUN_NS / ns_per(&cal));
		} else {
			run_decoder(c, (enum wl)w, &s[w], s[w].n_rep); /* warm-up */
		}
		if (wn < s[w].n_rep)
			wn = s[w].n_rep;
		dec[w] = run_decoder(c, (enum wl)w, &s[w], wn);
		base[w] = run_baseline(c, &s[w], wn, &sink);
	}

	if (json) {
		rc = print_json(dec, base, bad);
	} else {
		print_text(dec, base, set_len, bad);
		rc = 0;
	}
	goto out;
nomem:
	fprintf(stderr, "bench_fh_parse: out of memory\n");
out:
	for (int w = 0; w < W__COUNT; w++)
		stream_free(&s[w]);
	free(c);
	return rc;
}
