/* firmware-host: the library context.
 *
 * One struct fh_ctx holds what the whole library shares: where log messages
 * go and which clock it reads.  There are no globals; every device belongs
 * to a context, and one thread owns a context and its devices (no locks).
 *
 * The USB layer (enumeration, hot-plug, the poll loop) is struct fh_usb,
 * below: it takes a context and lives beside it.
 */
#ifndef QC_FIRMWARE_HOST_CTX_H
#define QC_FIRMWARE_HOST_CTX_H

#include <stdbool.h>
#include <stdint.h>

struct fh_ctx; /* opaque */

/* A log sink: level is a <syslog.h> level (LOG_ERR .. LOG_DEBUG); msg is
 * one line without a newline, valid for the call only. */
typedef void fh_log_fn(int level, const char *msg, void *ud);

/* A clock in milliseconds; only differences are used, so any monotonic
 * origin will do. */
typedef int64_t fh_clock_fn(void *ud);

struct fh_identity;

/* May the USB layer take this interface?  Asked before an interface of a
 * boot keyboard is claimed (claiming detaches it from the console): a
 * keyboard-mode scanner and the operator's own keyboard look the same on
 * the bus, so only the caller's configuration can tell them apart.  id has
 * VID, PID, serial and port; driver is the driver that would take it.
 * Return true to take it.  NULL = take every keyboard. */
typedef bool fh_claim_fn(const struct fh_identity *id, const char *driver, void *ud);

struct fh_config {
	fh_log_fn *log;          /* NULL = silent */
	void *log_ud;
	fh_clock_fn *now_ms;     /* NULL = CLOCK_MONOTONIC */
	void *clock_ud;
	fh_claim_fn *claim_keyboard; /* NULL = every boot keyboard is a scanner */
	void *claim_ud;
};

/* Create a context.  cfg is copied and may be NULL (silent, monotonic
 * clock).  On success *out owns the context; free it with fh_ctx_free()
 * after every device of it.  Errors: FH_ERR_ARG (out NULL), FH_ERR_NOMEM. */
int fh_ctx_new(const struct fh_config *cfg, struct fh_ctx **out);

/* Free ctx; NULL is a no-op. */
void fh_ctx_free(struct fh_ctx *ctx);

/* The context's clock, in ms. */
int64_t fh_ctx_now_ms(const struct fh_ctx *ctx);

/* ---- the USB layer -------------------------------------------------------
 *
 * struct fh_usb finds and opens the USB devices some driver can drive and
 * turns them into events for the caller's poll loop (docs/DRIVERS.md, "How
 * the USB layer works").  It lives beside the context rather than inside
 * it, so a program without USB (tests, tools) never starts libusb.  One
 * thread owns it, its devices and its context.
 *
 * A poll loop:
 *
 *	n = fh_usb_pollfds(usb, fds, cap);
 *	poll(fds, n, fh_usb_timeout_ms(usb) or the caller's own timeout);
 *	while (fh_usb_dispatch(usb, &ev) == 1)
 *		handle ev;
 *
 * and, where hot-plug is missing (fh_usb_hotplug() false), fh_usb_rescan()
 * every second or so.
 */
#include <stdbool.h>
#include <stddef.h>

#include "fh/dev.h"

struct fh_usb; /* opaque */

/* An interrupt IN endpoint that STALLs has its halt cleared and its
 * transfers resubmitted; after this many clears with no report between
 * them the device is given up (FH_EV_DETACHED, a warning in the log) until
 * it is unplugged and plugged in again. */
#define FH_USB_STALL_RETRIES 3
struct pollfd;

/* Start libusb for ctx (borrowed; it must outlive usb), register for
 * hot-plug where the platform has it, and open every device a driver
 * matches: their FH_EV_ATTACHED events wait for fh_usb_dispatch().
 * On success *out owns the layer; free it with fh_usb_free() before ctx.
 * Errors: FH_ERR_ARG, FH_ERR_NOMEM, FH_ERR_IO (libusb would not start). */
int fh_usb_new(struct fh_ctx *ctx, struct fh_usb **out);

/* Close every device (kernel drivers are re-attached), stop libusb and
 * free usb.  NULL is a no-op. */
void fh_usb_free(struct fh_usb *usb);

/* Whether libusb reports hot-plug itself; when false, call
 * fh_usb_rescan() periodically. */
bool fh_usb_hotplug(const struct fh_usb *usb);

/* List the bus again: devices not seen before are probed and opened
 * (FH_EV_ATTACHED), devices no longer listed are closed on the next
 * dispatch (FH_EV_DETACHED).  Cheap for devices already known.  Returns 0
 * or FH_ERR_IO / FH_ERR_NOMEM. */
int fh_usb_rescan(struct fh_usb *usb);

/* The file descriptors to poll() for USB activity, written to fds[0..cap)
 * (OUT).  Returns how many there are (possibly more than cap: call again
 * with more room), or FH_ERR_ARG, FH_ERR_NA (the platform cannot give
 * them).  The set changes when devices come and go: see
 * fh_usb_pollfds_changed(). */
int fh_usb_pollfds(struct fh_usb *usb, struct pollfd *fds, size_t cap);

/* true when the descriptor set changed since the last fh_usb_pollfds(). */
bool fh_usb_pollfds_changed(const struct fh_usb *usb);

/* The longest the caller may wait in poll() before calling
 * fh_usb_dispatch() again because libusb has a timeout due; -1 when
 * libusb needs no wake-up.  Drivers with timers of their own (a half
 * scan, the keyboard idle timeout) also want a dispatch every ~50 ms
 * while a scan is being assembled. */
int fh_usb_timeout_ms(struct fh_usb *usb);

/* Handle what is ready now (never waits): completed USB transfers,
 * hot-plug, then one event into *ev (OUT: SCAN, WEIGHT, BUTTON, ATTACHED,
 * DETACHED).  Returns 1 with an event, 0 when there is none (poll again),
 * or FH_ERR_ARG.  A device that went away yields FH_EV_DETACHED and is
 * freed: a struct fh_dev pointer from fh_usb_devices() is then invalid. */
int fh_usb_dispatch(struct fh_usb *usb, struct fh_event *ev);

/* One opened device, for listings ("qcstation devices"). */
struct fh_usb_device {
	struct fh_identity id; /* with .cls; fh_identity_key() gives the config key */
	const char *driver;    /* "hid-pos-scanner" (static) */
	enum fh_class cls;
	struct fh_dev *dev;    /* borrowed: valid until its FH_EV_DETACHED */
};

/* Write up to cap opened devices to out[0..cap) (OUT) and return how many
 * are open (possibly more than cap), or FH_ERR_ARG. */
int fh_usb_devices(const struct fh_usb *usb, struct fh_usb_device *out, size_t cap);

/* The opened device with identity id (id->cls FH_CLASS_NONE = any class),
 * or NULL.  Borrowed, as above. */
struct fh_dev *fh_usb_dev_find(const struct fh_usb *usb, const struct fh_identity *id);

#endif
