/* labels: getting a rendered job to a printer.
 *
 * A transport is opened from a spec:
 *   tcp://HOST[:PORT]   raw TCP ("JetDirect", port 9100 by default), with
 *                       status: "~HS~HQES" on the same connection;
 *   usb:[KEY]           a USB printer-class device through firmware-host
 *                       (KEY = its identity key as "qcstation devices"
 *                       shows it; empty = the first printer); the station
 *                       resolves a role name to its key first;
 *   cups:QUEUE          a CUPS queue through libcups: ZPL goes raw, PDF
 *                       and PNG are handed to the queue's filters;
 *   dir:PATH            a folder: each job becomes one file, written
 *                       atomically (temporary name, fsync, rename).
 * Jobs are bytes plus a format (ZPL, PNG, PDF); nothing here renders.
 *
 * The station's loop must never wait on a printer, so an operation (send a
 * job, ask the status) is started, then advanced whenever the caller's
 * poll() says so:
 *
 *	lb_transport_send(t, job, len, LB_FMT_ZPL, "job-17");
 *	while ((rc = lb_transport_step(t)) == LB_ERR_AGAIN) {
 *		n = lb_transport_pollfd(t, &pfd);
 *		poll(&pfd, n, lb_transport_timeout_ms(t));
 *	}
 *
 * TCP is non-blocking throughout (connect, write, read, each with its
 * deadline).  dir, usb and cups finish inside the first step: dir is a
 * local file; firmware-host's USB write and libcups block (a USB printer
 * that takes nothing times out after about 10 s, docs/printing.md).
 *
 * What a job sent means: every byte was accepted by the other side (the
 * printer's socket, the USB device, the spooler, the file system).  Where
 * a send fails, lb_transport_sent() says how many bytes left: 0 means the
 * printer cannot have printed it, so a retry cannot print it twice.
 *
 * One thread owns a transport.  Errors: LB_ERR_* codes; a message for
 * people is in lb_transport_errmsg().
 */
#ifndef QC_LABELS_TRANSPORT_H
#define QC_LABELS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lb/status.h"

struct lb_transport; /* opaque */
struct fh_usb;
struct pollfd;

enum lb_format {
	LB_FMT_ZPL = 0,
	LB_FMT_PNG = 1,
	LB_FMT_PDF = 2,
};

enum lb_transport_kind {
	LB_TRANSPORT_TCP = 0,
	LB_TRANSPORT_USB = 1,
	LB_TRANSPORT_CUPS = 2,
	LB_TRANSPORT_DIR = 3,
};

/* A monotonic clock in ms (only differences are used). */
typedef int64_t lb_clock_fn(void *ud);

struct lb_transport_opts {
	int connect_timeout_ms;  /* TCP connect; 0 = 5000 */
	int io_timeout_ms;       /* a send without progress for this long fails; 0 = 10000 */
	int status_timeout_ms;   /* a status reply must complete within; 0 = 3000 */
	struct fh_usb *usb;      /* usb: specs: the USB layer (borrowed, outlives t) */
	lb_clock_fn *now_ms;     /* NULL = CLOCK_MONOTONIC */
	void *clock_ud;
};

/* Parse spec and make a transport; nothing is connected yet (TCP resolves
 * HOST here: a name may wait on DNS, an address does not).  opts may be
 * NULL (defaults).  On success *out owns it; free with
 * lb_transport_free().  On failure err[errlen] says what is wrong with
 * spec.  Errors: LB_ERR_ARG (not a spec; usb: without opts->usb),
 * LB_ERR_NODEV (a host that does not resolve), LB_ERR_NA (cups: in a build
 * without libcups), LB_ERR_NOMEM. */
int lb_transport_open(const char *spec, const struct lb_transport_opts *opts,
		      struct lb_transport **out, char *err, size_t errlen);

/* Close the connection (an operation in progress is abandoned) and free t.
 * NULL is a no-op. */
void lb_transport_free(struct lb_transport *t);

enum lb_transport_kind lb_transport_kind(const struct lb_transport *t);

/* Whether t can print fmt (tcp and usb: ZPL only; cups: all; dir: all). */
bool lb_transport_accepts(const struct lb_transport *t, enum lb_format fmt);

/* Whether t can ask the printer for its status (tcp only). */
bool lb_transport_has_status(const struct lb_transport *t);

/* Start sending job[0..len) (borrowed: keep it unchanged until the
 * operation ends) in format fmt; name (borrowed, [A-Za-z0-9._-], at most
 * 64 bytes) names the file for dir: and the job for cups:.  Errors:
 * LB_ERR_ARG (empty job, bad name), LB_ERR_NA (a format t does not print),
 * LB_ERR_AGAIN (an operation is in progress). */
int lb_transport_send(struct lb_transport *t, const uint8_t *job, size_t len,
		      enum lb_format fmt, const char *name);

/* Start asking for the status ("~HS~HQES").  LB_ERR_NA where
 * lb_transport_has_status() is false. */
int lb_transport_query(struct lb_transport *t);

/* Advance the operation without waiting.  Returns LB_ERR_AGAIN while it
 * goes on, LB_OK when it is done, or the error that ended it:
 * LB_ERR_TIMEOUT (connect, write or reply too slow: for a status, "no
 * answer", which counts as not ready), LB_ERR_REFUSED (connection
 * refused, the spooler refused the job), LB_ERR_NODEV (USB printer or CUPS
 * queue missing), LB_ERR_PROTO (a reply that is no status), LB_ERR_IO.
 * LB_ERR_ARG when no operation was started. */
int lb_transport_step(struct lb_transport *t);

/* The descriptor the operation waits on, in *pfd (OUT: fd and events):
 * 1, or 0 when there is none (the step needs only time, or nothing). */
int lb_transport_pollfd(const struct lb_transport *t, struct pollfd *pfd);

/* Milliseconds until the operation's deadline (0 = step now), -1 when no
 * operation is running. */
int lb_transport_timeout_ms(const struct lb_transport *t);

/* Bytes of the current (or last) job the other side accepted. */
size_t lb_transport_sent(const struct lb_transport *t);

/* The last status read (after a query ended with LB_OK; for a query that
 * timed out: have_hs and have_hqes false, i.e. "no answer"). */
const struct lb_status *lb_transport_status(const struct lb_transport *t);

/* Close the connection, keeping t (the next operation reconnects). */
void lb_transport_disconnect(struct lb_transport *t);

/* A message for people about the last failure ("" when none); valid until
 * the next call on t. */
const char *lb_transport_errmsg(const struct lb_transport *t);

/* Run the started operation to its end, waiting in poll() (for the CLI
 * and tests, never the station loop).  Returns what lb_transport_step()
 * ended with. */
int lb_transport_wait(struct lb_transport *t);

/* "zpl", "png", "pdf"; and back (LB_ERR_ARG for another name). */
const char *lb_format_name(enum lb_format fmt);
int lb_format_parse(const char *name, enum lb_format *out);

#endif
