/* station: the bench UI, a full-screen terminal front end (ncursesw).
 *
 * What an inspector sees from a metre away: a big coloured banner (LOGIN,
 * READY, INSPECT, PASS, FAIL, ERROR), the operator, the current item or
 * order with its options, the checklist, and the last results.  It renders
 * the station's events (st_tui_emit is an st_event_fn), so it never shows
 * something the headless JSON would not say.  Input: scans from a
 * keyboard-wedge scanner (told from typing by st_wedge, [input] in the
 * config), typing into an input line, and keys that send the same command
 * codes a command barcode would.  docs/operator-guide.md describes the
 * screen and the keys.
 *
 * One thread; the UI owns the terminal between st_tui_new() and
 * st_tui_free().
 */
#ifndef QC_STATION_TUI_H
#define QC_STATION_TUI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "st/app.h"
#include "st/config.h"

struct st_tui; /* opaque */

/* Open the UI on the process's terminal (stdin, stdout, $TERM) and draw the
 * empty screen.  On success *out owns it; release with st_tui_free().
 * Returns ST_ERR_IO when the terminal cannot show it (TERM unset or unknown,
 * no cursor addressing): the caller then uses the line-mode front end.
 * ST_ERR_NOMEM. */
int st_tui_new(const struct st_config *cfg, struct st_tui **out);

/* The same on a given terminal: term NULL = $TERM; out and in are borrowed
 * and must outlive the UI (tests use /dev/null and a pipe). */
int st_tui_open(const struct st_config *cfg, const char *term, FILE *out, FILE *in,
		struct st_tui **outp);

/* st_event_fn: take in an event (borrowed; what the UI keeps it copies) and
 * redraw.  Events it does not know are ignored. */
void st_tui_emit(json_t *ev, void *tui);

/* Run until the quit key, end of input or *stop: read keys and scans
 * without ever blocking on anything but the terminal (poll with a timeout),
 * and feed scans and key commands to app with st_app_scan() (sources
 * "wedge" and "keyboard").  Returns 0, or the first error that kept a scan
 * from being stored. */
int st_tui_run(struct st_tui *t, struct st_app *app, const volatile sig_atomic_t *stop);

/* An st_log_fn (st/log.h) for while the UI owns the terminal that stderr
 * also writes to: warnings and errors go to the results pane, lower levels
 * are dropped (the events on the screen say the same).  ud is the UI. */
void st_tui_log(int level, const char *msg, void *tui);

/* The screen as text, one line per row ending in '\n' (UTF-8; trailing
 * blanks kept), into buf[cap] (NUL-terminated, cut at cap).  For tests and
 * screenshots.  Returns the number of bytes written. */
size_t st_tui_screen_text(struct st_tui *t, char *buf, size_t cap);

/* Give the terminal back (and, after a "shutdown" event, print its summary
 * line on the terminal's normal screen).  NULL is a no-op. */
void st_tui_free(struct st_tui *t);

#endif
