/* firmware-host: HID scale protocol (usage page 0x8D; Dymo M5/M10/M25,
 * Stamps.com, USPS, Pitney Bowes and others).
 *
 * Pure: no I/O, no clock (the caller passes the time), no allocation.
 *  - fh_scale_parse(): the 6-byte data report
 *    [03][status][unit][int8 exponent][weight LSB][weight MSB]
 *    into a weight in integer milligrams;
 *  - fh_scale_check_desc(): checks a report descriptor describes that report;
 *  - struct fh_scale_track: what a driver needs around it: the stale first
 *    report after attach discarded, unit changes noticed, a stable weight
 *    reported once, auto power-off and reconnection reported as state.
 * Background: ../shared/notes/usb-peripherals.md section 3.
 */
#ifndef QC_FIRMWARE_HOST_HID_SCALE_PROTOCOL_H
#define QC_FIRMWARE_HOST_HID_SCALE_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hid-report/hidrd.h"

#define FH_SCALE_REPORT_ID 0x03     /* data report; 0x04 is accepted too */
#define FH_SCALE_REPORT_LEN 6

/* Scale Status (selectors 0x71..0x78 of page 0x8D), as the report's byte 1. */
enum fh_scale_status {
	FH_SCALE_FAULT = 1,
	FH_SCALE_STABLE_ZERO = 2,      /* stable at centre of zero */
	FH_SCALE_IN_MOTION = 3,
	FH_SCALE_STABLE = 4,           /* weight stable */
	FH_SCALE_UNDER_ZERO = 5,
	FH_SCALE_OVER_WEIGHT = 6,      /* over the weight limit */
	FH_SCALE_NEEDS_CALIBRATION = 7,
	FH_SCALE_NEEDS_REZERO = 8,
};

/* Weight Unit (selectors 0x51..0x5C), as the report's byte 2.  The values
 * equal enum fh_unit of <fh/dev.h>. */
enum fh_scale_unit {
	FH_SCALE_MG = 1,
	FH_SCALE_G = 2,
	FH_SCALE_KG = 3,
	FH_SCALE_CARAT = 4,       /* metric carat, 200 mg */
	FH_SCALE_TAEL = 5,        /* Hong Kong tael, 37.79936375 g (see below) */
	FH_SCALE_GRAIN = 6,       /* 64.79891 mg */
	FH_SCALE_PENNYWEIGHT = 7, /* 24 grains, 1555.17384 mg */
	FH_SCALE_METRIC_TON = 8,  /* 1000 kg */
	FH_SCALE_AVOIR_TON = 9,   /* short ton, 2000 lb = 907.18474 kg */
	FH_SCALE_TROY_OZ = 10,    /* 31.1034768 g */
	FH_SCALE_OZ = 11,         /* avoirdupois ounce, 28.349523125 g */
	FH_SCALE_LB = 12,         /* avoirdupois pound, 453.59237 g */
};

struct fh_scale_reading {
	uint8_t status;       /* enum fh_scale_status */
	uint8_t unit;         /* enum fh_scale_unit */
	int8_t exponent;      /* Data Scaling: the raw value times 10^exponent */
	uint16_t raw;         /* the weight field as sent */
	int64_t weight_mg;    /* raw * 10^exponent units, in mg; negative under zero */
	bool stable;          /* the weight counts (see fh_scale_parse) */
};

/* Convert raw * 10^exponent of `unit` to milligrams: exact rational
 * arithmetic, one rounding at the end, half away from zero (30.0 oz =
 * 850485.69375 mg -> 850486).  Units defined in whole milligrams (mg, g,
 * kg, carat, tons) are exact for exponents >= 0.  FH_OK and *mg (OUT), or
 * FH_ERR_PROTO for an unknown unit or a result beyond int64. */
int fh_scale_to_mg(unsigned unit, uint16_t raw, int exponent, int64_t *mg);

/* Parse one data report buf[0..len) (len >= 6; extra bytes are ignored).
 * Returns:
 *  FH_OK         a weight that counts: status "weight stable", or "stable
 *                at zero" with a zero weight; r->stable is true;
 *  FH_ERR_AGAIN  a well-formed report without a weight that counts (in
 *                motion, under zero, over weight, fault, needs calibration
 *                or re-zeroing, or "zero" with a non-zero weight): *r is
 *                filled for display (live weight, negative under zero),
 *                r->stable is false;
 *  FH_ERR_PROTO  short report, other report id, unknown status or unit,
 *                weight beyond int64: *r untouched. */
int fh_scale_parse(const uint8_t *buf, size_t len, struct fh_scale_reading *r);

/* Check that descriptor d has a scales application collection (0x8D:0x01)
 * whose data report is the 6-byte one fh_scale_parse() reads: status, unit,
 * Data Scaling and Data Weight (16 bits) at bytes 1, 2, 3 and 4..5.
 * FH_OK and *report_id (OUT), FH_ERR_NA without a scales collection, or
 * FH_ERR_PROTO when the report differs. */
int fh_scale_check_desc(const struct fh_hidrd *d, uint8_t *report_id);

/* ---- tracker ----------------------------------------------------------- */

#define FH_SCALE_AUTO_OFF_MS 150000 /* idle this long, then gone = auto-off
				     * (the Dymo M10 switches off after ~3 min) */

enum fh_scale_link {
	FH_SCALE_LINK_ABSENT = 0,    /* never attached */
	FH_SCALE_LINK_WARMUP = 1,    /* attached; the stale first report is due */
	FH_SCALE_LINK_READY = 2,     /* reporting */
	FH_SCALE_LINK_AUTO_OFF = 3,  /* gone after auto_off_ms without change:
				      * it switched itself off, press its power key */
	FH_SCALE_LINK_UNPLUGGED = 4, /* gone while in use */
};

/* Events of fh_scale_track_feed(), a bit set. */
#define FH_SCALE_EV_STALE 0x01       /* the report was the first after attach: discarded */
#define FH_SCALE_EV_READING 0x02     /* *r holds a fresh reading (stable or not) */
#define FH_SCALE_EV_STABLE 0x04      /* ... and it is a stable weight not reported yet */
#define FH_SCALE_EV_UNIT 0x08        /* the unit differs from the previous reading */
#define FH_SCALE_EV_RECONNECTED 0x10 /* first reading after the scale came back */
#define FH_SCALE_EV_REZERO_RISK 0x20 /* came back at zero although it carried a load
				      * when it went: it may have re-zeroed with the
				      * load on, so later weights lack it */

struct fh_scale_track {
	enum fh_scale_link link;
	int64_t since_ms;          /* time of the last link change */
	int64_t last_change_ms;    /* time the reading last changed */
	int auto_off_ms;
	unsigned reconnects;       /* times it came back after going */
	bool have_last, have_stable, back, load_when_gone;
	struct fh_scale_reading last;        /* previous fresh reading */
	struct fh_scale_reading last_stable; /* last FH_SCALE_EV_STABLE weight */
};

/* auto_off_ms <= 0 selects FH_SCALE_AUTO_OFF_MS. */
void fh_scale_track_init(struct fh_scale_track *t, int auto_off_ms);

/* The scale (re)appeared at now_ms: the next report is discarded as stale. */
void fh_scale_track_attach(struct fh_scale_track *t, int64_t now_ms);

/* The scale went away at now_ms (unplug, or FH_ERR_NODEV from a read):
 * link becomes AUTO_OFF when nothing changed for auto_off_ms, else
 * UNPLUGGED. */
void fh_scale_track_detach(struct fh_scale_track *t, int64_t now_ms);

/* Feed one report received at now_ms.  Returns the FH_SCALE_EV_* bits (0:
 * nothing new, e.g. the same unstable reading again) or FH_ERR_PROTO for a
 * malformed report (state unchanged).  *r (OUT) is written when
 * FH_SCALE_EV_READING is set.  A report while ABSENT or gone counts as an
 * attach at now_ms (so it is itself the stale one). */
int fh_scale_track_feed(struct fh_scale_track *t, const uint8_t *buf, size_t len, int64_t now_ms,
			struct fh_scale_reading *r);

#endif
