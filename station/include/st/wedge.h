/* station: telling a keyboard-wedge scanner from a person at the keyboard.
 *
 * A scanner in keyboard mode "types" a whole code in a burst (a few ms
 * between characters) and ends it with a terminator (Enter or Tab, as the
 * scanner is configured); a person types slower.  st_wedge sees each byte
 * with the time it arrived and decides:
 *
 *   - a burst (every byte within gap_ms of the one before) ended by the
 *     terminator is a SCAN: the bytes without the terminator, capped at cap
 *     (longer bursts are cut there and flagged truncated);
 *   - bytes that were not followed by more within gap_ms are TEXT for the
 *     input line (a person typing, or a burst that never got its
 *     terminator);
 *   - a control byte (Enter, Tab, Backspace, Esc, Ctrl-D, ...) that is not
 *     part of a burst, and every key code >= 256 (function keys; the caller
 *     passes its own codes through), is a KEY.
 *
 * Inside a burst, control bytes other than the terminators are data (GS,
 * 0x1D, separates GS1 fields).  The first byte of a possible burst is held
 * until gap_ms has passed or the burst goes on, so a scan never leaks into
 * the input line.
 *
 * Pure: no I/O, no clock, no allocation.  The caller passes times (ms, from
 * any monotonic clock) and polls st_wedge_tick() when st_wedge_wait_ms()
 * says a held run may have timed out.
 */
#ifndef QC_STATION_WEDGE_H
#define QC_STATION_WEDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_WEDGE_CAP_MAX 4096    /* the largest cap (= ST_BC_INPUT_MAX) */
#define ST_WEDGE_GAP_MS_DEFAULT 30
#define ST_WEDGE_KEY_MIN 256     /* inputs >= this are opaque keys */

enum st_wedge_term {
	ST_WEDGE_TERM_ENTER = 0, /* CR or LF ends a scan */
	ST_WEDGE_TERM_TAB = 1,   /* HT ends a scan */
};

enum st_wedge_kind {
	ST_WEDGE_SCAN = 1, /* data[0..len): a complete scan */
	ST_WEDGE_TEXT,     /* data[0..len): typed text for the input line */
	ST_WEDGE_KEY,      /* key: a control byte, or a caller's key code */
};

struct st_wedge_out {
	enum st_wedge_kind kind;
	const char *data;  /* SCAN, TEXT: into the wedge, valid until the next call */
	size_t len;
	bool truncated;    /* SCAN, TEXT: the burst was longer than cap */
	int key;           /* KEY */
};

struct st_wedge {
	int gap_ms;
	enum st_wedge_term term;
	size_t cap;            /* 1..ST_WEDGE_CAP_MAX */
	/* The held run: bytes that may still turn out to be a scan. */
	size_t len;
	bool truncated;
	bool pending;          /* a run is held */
	int64_t last_ms;       /* arrival of the run's last byte */
	char buf[ST_WEDGE_CAP_MAX];
	char out[ST_WEDGE_CAP_MAX]; /* what the last outcome's data points to */
};

/* Set up w (caller's storage).  gap_ms < 1 means the default; cap is clamped
 * to 1..ST_WEDGE_CAP_MAX. */
void st_wedge_init(struct st_wedge *w, int gap_ms, enum st_wedge_term term, size_t cap);

/* One input at now_ms: a byte (0..255) or a key code >= ST_WEDGE_KEY_MIN.
 * Writes up to two outcomes to out[0..2) (a held run that timed out comes
 * before what the new input makes); returns how many (0..2).  Times must not
 * go backwards (a time before the last one counts as "at once"). */
int st_wedge_feed(struct st_wedge *w, int c, int64_t now_ms, struct st_wedge_out out[2]);

/* Release a held run whose gap has passed at now_ms as TEXT.  Returns 1 with
 * out filled, else 0. */
int st_wedge_tick(struct st_wedge *w, int64_t now_ms, struct st_wedge_out *out);

/* How long the caller may wait for input before st_wedge_tick() has work:
 * -1 when nothing is held, else ms (0 = now). */
int st_wedge_wait_ms(const struct st_wedge *w, int64_t now_ms);

/* True when a byte is a terminator under term. */
bool st_wedge_is_term(const struct st_wedge *w, int c);

#endif
