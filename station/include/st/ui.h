/* station: the front ends that feed scans into an st_app.
 *
 * Headless: scans as lines on an fd, one JSON object per event on a FILE
 * (docs/data-formats.md).  Terminal: the same lines typed or sent by a
 * keyboard-wedge scanner, events shown as text.  Both stop at end of input
 * or when *stop becomes non-zero (a signal).
 */
#ifndef QC_STATION_UI_H
#define QC_STATION_UI_H

#include <signal.h>
#include <stdio.h>

#include <jansson.h>

#include "st/app.h"

/* Events as JSON lines on out, flushed one by one (st_event_fn). */
void st_headless_emit(json_t *ev, void *out_file);

/* Events as text for a person at the bench (st_event_fn). */
void st_term_emit(json_t *ev, void *out_file);

/* Read scans from fd until end of input or *stop; returns 0, or the first
 * error that kept a scan from being stored. */
int st_ui_run(struct st_app *app, int fd, const char *source, const volatile sig_atomic_t *stop,
	      const char *prompt, FILE *prompt_out);

#endif
