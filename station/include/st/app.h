/* station: the station's shell around the pure parts.
 *
 * st_app owns what one station process knows between scans (who is logged
 * in) and applies a scan: store it raw, classify it, route it, perform the
 * action, and commit all of it with its outbox event in one transaction;
 * only then are the resulting events handed to the UI.  Headless mode prints
 * them as JSON lines, the terminal UI as text.
 */
#ifndef QC_STATION_APP_H
#define QC_STATION_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <poll.h>

#include <jansson.h>

#include "st/config.h"
#include "st/log.h"
#include "st/store.h"

struct st_app; /* opaque */

typedef int64_t st_clock_fn(void *ud);          /* UTC Unix ms */
typedef void st_event_fn(json_t *ev, void *ud); /* ev is borrowed */

struct st_app_opts {
	const struct st_config *cfg;  /* borrowed; must outlive the app */
	struct st_store *store;       /* borrowed; must outlive the app */
	st_clock_fn *now_ms;          /* NULL = the system clock */
	void *clock_ud;
	st_event_fn *emit;            /* where events go */
	void *emit_ud;
	const struct st_log *log;     /* borrowed, may be NULL (silent) */
};

/* Create the app (and the station's row in the store).  On success *out owns
 * it; free with st_app_free().  Errors: store errors, ST_ERR_NOMEM. */
int st_app_new(const struct st_app_opts *opts, struct st_app **out);
void st_app_free(struct st_app *app);

/* One scan as it arrived: raw[0..n) (n already capped by the reader, which
 * sets truncated when the scanner sent more), from source ("stdin", ...).
 * Emits the events it causes.  Returns 0 when the scan is stored (whether or
 * not it was a valid code), or the store's error when even the raw scan
 * could not be stored (an "error" event with code "store_failed" says so). */
int st_app_scan(struct st_app *app, const uint8_t *raw, size_t n, bool truncated,
		const char *source);

/* The same, from a device with a role ([devices] ROLE = KEY; role may be
 * NULL).  A source "usb:<identity key>" also puts "device": key in the scan
 * event; role goes in the scan event and the outbox payload as "role". */
int st_app_scan_from(struct st_app *app, const uint8_t *raw, size_t n, bool truncated,
		     const char *source, const char *role);

/* A photo or video of an item (QC-04) at path: hashed, its barcodes read,
 * linked to the item being inspected or to the item its barcode shows, and
 * refused when it shows another item than the one being inspected.  Emits
 * "evidence" or an "error" event.  Returns 0 unless the store failed. */
int st_app_photo(struct st_app *app, const char *path);

/* The station's own input besides the scanner line or terminal: the
 * watched evidence folder ([qc] watch_folder) and the USB devices
 * ([devices]).  A UI loop polls these next to its own fd:
 *
 *	n = st_app_pollfds(app, fds + 1, cap - 1);
 *	poll(fds, n + 1, min(own timeout, st_app_timeout_ms(app)));
 *	st_app_dispatch(app);   (whatever poll() said)
 *
 * st_app_pollfds() writes up to cap descriptors to fds (OUT, with .events
 * set) and returns how many it wrote.  The set can change after each
 * st_app_dispatch() (devices come and go): ask again every loop. */
int st_app_pollfds(struct st_app *app, struct pollfd *fds, size_t cap);

/* The longest the loop may sleep before calling st_app_dispatch() again
 * (USB timeouts, the bus rescan without hot-plug); -1 = no limit. */
int st_app_timeout_ms(const struct st_app *app);

/* Handle whatever is ready now and never wait: photos of the watched
 * folder, USB events (scans, button presses, weights, attach and detach,
 * each emitted as its event).  Returns 0, or the first store error. */
int st_app_dispatch(struct st_app *app);

/* The station's print queue (st/printq.h), or NULL when it is not
 * printing (another process holds the queue, or the printer's address is
 * wrong: a "printer" event said why). */
struct st_printq;
struct st_printq *st_app_printq(struct st_app *app);

/* Whether the USB layer runs ([devices] usb, and libusb started). */
bool st_app_usb(const struct st_app *app);

/* Emit an event {"event": name, "ts": now, ...fields} (fields stolen). */
void st_app_emit(struct st_app *app, const char *name, json_t *fields);

/* Scans stored by this app since it started. */
uint64_t st_app_scans(const struct st_app *app);

int64_t st_app_now(const struct st_app *app);

/* The configured scan cap ([scan] max_bytes). */
size_t st_app_cfg_scan_max(const struct st_app *app);

#endif
