/* station: the print queue engine (station/print/queue.c).
 *
 * It drains the store's label jobs (st/store_print.h) to the configured
 * printer ([printer], lb/transport.h) from inside the station's one poll
 * loop, never waiting: the station asks st_printq_pollfds() /
 * st_printq_timeout_ms() what to poll and calls st_printq_dispatch() after
 * each wake-up, as it does for USB (st/app.h).  Per job:
 *
 *   1. the oldest queued job of this printer (labels print in order);
 *   2. the printer's status where the transport has one (~HS/~HQES): not
 *      ready, or no answer, and the job waits (retry with backoff, a
 *      "printer" event says why);
 *   3. the job is claimed (queued -> sending, committed) right before its
 *      first byte leaves;
 *   4. sent: done.  Failed with no byte gone: queued again (backoff).
 *      Failed after bytes left: uncertain, and an operator decides
 *      (reprint or void): a retry never prints a label twice.
 *
 * Only one process drains a database's queue: st_printq_new() takes an
 * exclusive lock (fcntl) on a file beside the database (lock_path); a
 * second taker gets ST_ERR_BUSY.  Jobs left 'sending' by a crash become
 * 'uncertain' when the lock holder starts.  docs/internals/print-queue.md.
 */
#ifndef QC_STATION_PRINTQ_H
#define QC_STATION_PRINTQ_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <poll.h>

#include <jansson.h>

#include "st/config.h"
#include "st/log.h"
#include "st/store.h"

struct st_printq; /* opaque */
struct fh_usb;

/* An event for the UI: name ("printer", "print"), fields stolen. */
typedef void st_printq_event_fn(const char *name, json_t *fields, void *ud);
typedef int64_t st_printq_clock_fn(void *ud); /* UTC Unix ms */

struct st_printq_opts {
	const struct st_config *cfg;  /* [printer] and roles; borrowed, outlives q */
	struct st_store *store;       /* borrowed */
	const char *lock_path;        /* the drain lock; NULL = none (tests, :memory:) */
	struct fh_usb *usb;           /* for usb: printers; NULL = none */
	st_printq_clock_fn *now_ms;   /* NULL = the system clock; backoff runs on it */
	void *clock_ud;
	st_printq_event_fn *event;    /* NULL = none */
	void *event_ud;
	const struct st_log *log;     /* may be NULL */
};

/* Open the printer's transport and take the drain lock; turn jobs a crash
 * left 'sending' into 'uncertain'.  On success *out owns the queue.
 * Errors: ST_ERR_CONFIG ([printer] uri is wrong: err says how),
 * ST_ERR_BUSY (another process drains this database), ST_ERR_IO (the lock
 * file), store errors, ST_ERR_NOMEM. */
int st_printq_new(const struct st_printq_opts *o, struct st_printq **out, char *err,
		  size_t errlen);
void st_printq_free(struct st_printq *q); /* NULL is a no-op; releases the lock */

/* The descriptors to poll (the printer connection, a timer for the next
 * retry), written to fds[0..cap) (OUT); returns how many. */
int st_printq_pollfds(struct st_printq *q, struct pollfd *fds, size_t cap);

/* The longest the loop may sleep before st_printq_dispatch() is due; -1 =
 * no limit. */
int st_printq_timeout_ms(const struct st_printq *q);

/* Advance the queue without waiting.  Returns 0, or a store error (the
 * queue carries on at the next call). */
int st_printq_dispatch(struct st_printq *q);

/* A job was queued: an idle queue looks for it at the next dispatch (a
 * queue waiting out a printer that is not ready keeps waiting). */
void st_printq_kick(struct st_printq *q);

/* What the queue knows of its printer. */
struct st_printq_info {
	const char *name, *uri;
	const char *state;       /* unknown, ready, not_ready, offline */
	char reason[160];        /* "paper out", "no answer", "connect: refused" */
	unsigned flags;          /* LB_ST_* of the last status */
	int64_t retry_at_ms;     /* when it tries again (clock), 0 = not waiting */
	unsigned failures;       /* in a row */
	int64_t printed;         /* jobs this queue sent */
};
void st_printq_info(const struct st_printq *q, struct st_printq_info *out);

/* Ring the bell of the process that holds the drain lock at lock_path (a
 * job was queued by another process): it looks at the queue at once.
 * Returns 0, ST_ERR_NOTFOUND (no lock file: no station ever ran) or
 * ST_ERR_IO. */
int st_printq_ring(const char *lock_path);

/* Whether a queue (a running station) holds the drain lock at lock_path:
 * 1 or 0.  Asks without taking it. */
int st_printq_holder(const char *lock_path);

/* For the CLI: dispatch and poll until no job of this printer is queued
 * (0), the printer proved not ready or unreachable once the jobs were
 * tried (ST_ERR_TIMEOUT: they stay queued), timeout_ms passed
 * (ST_ERR_TIMEOUT), or *stop. */
int st_printq_drain(struct st_printq *q, int timeout_ms, const volatile sig_atomic_t *stop);

#endif
