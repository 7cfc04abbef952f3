/* labels: what a Zebra printer says about itself (~HS and ~HQES replies).
 *
 * Pure: bytes in, a struct out; no I/O, clock or allocation, so the tests
 * and the fuzzer (tests/fuzz/fuzz_zebra_status.c) drive it with byte
 * vectors.  The transports (lb/transport.h) send "~HS~HQES" and feed what
 * comes back here.
 *
 * ~HS answers three STX ... ETX CR LF strings with no length header
 * (ZPL II manual, "~HS"):
 *   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l   b paper out, c paused, dddd label
 *      length (dots), eee formats in the buffer, f buffer full, h partial
 *      format, j corrupt RAM, k under temperature, l over temperature;
 *   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www    o head up (open), p ribbon out,
 *      q thermal transfer, r print mode, uuuuuuuu labels left in the batch;
 *   3: xxxx,y                              password, static RAM.
 * ~HQES answers one STX ... ETX frame holding "PRINTER STATUS",
 * "ERRORS: f xxxxxxxx yyyyyyyy" and "WARNINGS: f xxxxxxxx yyyyyyyy"; the
 * low word's bits are in LB_HQES_* below.
 *
 * A printer in some error states answers nothing at all: the caller treats
 * a reply that never completes as "not ready" (docs/printing.md).
 */
#ifndef QC_LABELS_STATUS_H
#define QC_LABELS_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a printer is not ready (struct lb_status.flags).  Append only. */
enum lb_status_flag {
	LB_ST_PAPER_OUT = 1u << 0,      /* out of labels (media out) */
	LB_ST_PAUSED = 1u << 1,         /* paused (the pause key, or ~PP) */
	LB_ST_HEAD_OPEN = 1u << 2,      /* print head up / open */
	LB_ST_RIBBON_OUT = 1u << 3,     /* out of ribbon */
	LB_ST_BUFFER_FULL = 1u << 4,    /* receive buffer full */
	LB_ST_UNDER_TEMP = 1u << 5,     /* head under temperature */
	LB_ST_OVER_TEMP = 1u << 6,      /* head over temperature */
	LB_ST_CUTTER = 1u << 7,         /* cutter fault */
	LB_ST_MOTOR_TEMP = 1u << 8,     /* motor over temperature */
	LB_ST_HEAD_FAULT = 1u << 9,     /* bad head element, head not detected */
	LB_ST_RAM_CORRUPT = 1u << 10,   /* corrupt RAM (configuration lost) */
	LB_ST_OTHER_ERROR = 1u << 11,   /* ~HQES error bits not named above */
};
#define LB_ST_FLAG_COUNT 12

/* ~HQES error bits (low word) and warning bits. */
#define LB_HQES_MEDIA_OUT 0x00000001u
#define LB_HQES_RIBBON_OUT 0x00000002u
#define LB_HQES_HEAD_OPEN 0x00000004u
#define LB_HQES_CUTTER 0x00000008u
#define LB_HQES_HEAD_OVER_TEMP 0x00000010u
#define LB_HQES_MOTOR_OVER_TEMP 0x00000020u
#define LB_HQES_BAD_HEAD_ELEMENT 0x00000040u
#define LB_HQES_HEAD_DETECT 0x00000080u
#define LB_HQES_WARN_CALIBRATE 0x00000001u
#define LB_HQES_WARN_CLEAN_HEAD 0x00000002u
#define LB_HQES_WARN_REPLACE_HEAD 0x00000004u

#define LB_STATUS_FRAME_MAX 256 /* longest STX..ETX frame accepted */

struct lb_status {
	bool have_hs;          /* the three ~HS strings were complete */
	bool have_hqes;        /* the ~HQES frame was complete */
	unsigned flags;        /* enum lb_status_flag bits: 0 = nothing wrong */
	/* ~HS details */
	unsigned label_length_dots;
	unsigned formats_queued;   /* formats in the receive buffer */
	bool partial_format;       /* a format is being received */
	unsigned labels_remaining; /* in the batch being printed */
	bool thermal_transfer;
	/* ~HQES words, as sent (0 when absent) */
	uint32_t hqes_errors_hi, hqes_errors, hqes_warnings_hi, hqes_warnings;
};

/* Parse a printer's reply buf[0..n) to "~HS", "~HQES" or both in either
 * order.  Bytes outside frames (CR, LF, noise) are skipped; a frame that
 * has not ended yet is left for a later call with more bytes.  On LB_OK,
 * *st (OUT) holds what the complete frames said: check have_hs and
 * have_hqes to know whether the reply is whole.  Errors: LB_ERR_ARG,
 * LB_ERR_PROTO (a frame longer than LB_STATUS_FRAME_MAX, a ~HS string
 * without its fields, a non-digit where ~HS has a flag, more frames than
 * one ~HS and one ~HQES make); *st is then untouched. */
int lb_status_parse(const uint8_t *buf, size_t n, struct lb_status *st);

/* Whether a parsed status allows printing: a reply came (have_hs or
 * have_hqes) and no flag is set. */
bool lb_status_ready(const struct lb_status *st);

/* A static short name for one flag ("paper_out", "head_open", ...), for
 * JSON; "unknown" for anything else. */
const char *lb_status_flag_name(unsigned flag);

/* The same for people ("paper out", "head open"). */
const char *lb_status_flag_text(unsigned flag);

/* Why the printer is not ready, for people: "paper out, head open"; "ready"
 * when nothing is wrong, "no answer" when no reply completed.  Writes at
 * most cap bytes with the NUL (cut if need be) and returns buf. */
const char *lb_status_describe(const struct lb_status *st, char *buf, size_t cap);

#endif
