/* firmware-host: declarations shared by the core (src/) and the drivers
 * (drivers/<name>/api.c) only.  Never include this from outside
 * firmware-host/ -- except the white-box tests and tests/fakes/, which
 * stand in for the transport.  See docs/DRIVERS.md for the driver contract.
 */
#ifndef QC_FIRMWARE_HOST_FH_INT_H
#define QC_FIRMWARE_HOST_FH_INT_H

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"

#if defined(__GNUC__)
#define FH_PRINTF(f, a) __attribute__((format(printf, f, a)))
/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok
#else
#define FH_PRINTF(f, a)
#endif

/* "Can't happen" checks that stay cheap in release builds (SQLite NEVER()):
 *   if (FH_NEVER(n > cap)) return FH_ERR_BUG; */
#ifdef NDEBUG
#define FH_NEVER(x) (x)
#else
#define FH_NEVER(x) ((x) ? (assert(0), 1) : 0)
#endif

#define FH_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- context and logging ------------------------------------------------ */

struct fh_ctx {
	fh_log_fn *log;
	void *log_ud;
	fh_clock_fn *now_ms;
	void *clock_ud;
	fh_claim_fn *claim_keyboard;
	void *claim_ud;
};

/* Format and hand one line to ctx's sink (nothing when there is none, or
 * ctx is NULL).  Use the macros, which add LOG_PREFIX (define it before
 * including this header). */
void fh_log(const struct fh_ctx *ctx, int level, const char *fmt, ...) FH_PRINTF(3, 4);

#define fh_err(c, ...) fh_log((c), LOG_ERR, LOG_PREFIX ": " __VA_ARGS__)
#define fh_warn(c, ...) fh_log((c), LOG_WARNING, LOG_PREFIX ": " __VA_ARGS__)
#define fh_info(c, ...) fh_log((c), LOG_INFO, LOG_PREFIX ": " __VA_ARGS__)
#define fh_dbg(c, ...) fh_log((c), LOG_DEBUG, LOG_PREFIX ": " __VA_ARGS__)

/* ---- transports ---------------------------------------------------------- */

/* How a driver reaches its device: the real one is libusb (src/usb*.c,
 * interrupt IN / bulk OUT on the claimed interface), tests use
 * tests/fakes/fake_transport.c.  A concrete transport embeds struct
 * fh_transport as its first member.
 *
 * timeout_ms: < 0 waits forever, 0 does not wait, > 0 waits that long.
 * write: returns the bytes accepted (possibly fewer than n: a short write
 *        is not an error; the caller resumes from there), or FH_ERR_TIMEOUT
 *        (nothing accepted), FH_ERR_NODEV, FH_ERR_IO.
 * read:  one report or bulk chunk into b[0..cap); returns its length
 *        (0 is a valid empty packet), or FH_ERR_TIMEOUT, FH_ERR_NODEV,
 *        FH_ERR_IO.
 * close: releases the transport and everything it owns; cannot fail. */
struct fh_transport;
struct fh_transport_ops {
	int (*write)(struct fh_transport *t, const uint8_t *b, size_t n, int timeout_ms);
	int (*read)(struct fh_transport *t, uint8_t *b, size_t cap, int timeout_ms);
	void (*close)(struct fh_transport *t);
};
struct fh_transport {
	const struct fh_transport_ops *ops;
};

/* ---- drivers ------------------------------------------------------------- */

#define FH_DRIVER_API 1

/* A device a driver knows by VID:PID; lists end with {0, 0}. */
struct fh_usb_id {
	uint16_t vid, pid;
};

/* An interface a driver can drive whatever its VID:PID: class triplet
 * (-1 = any) and, for HID, the usage page and usage of the top-level
 * collection (0 = any).  Lists end with if_class 0.  A VID:PID match wins
 * over a class match. */
struct fh_usb_class {
	int16_t if_class, if_subclass, if_protocol;
	uint16_t usage_page, usage;
};

/* What the USB layer learnt about the interface before open, for the
 * driver's open() (e.g. the boot keyboard protocol, the report descriptor
 * to walk). */
#define FH_REPORT_DESC_MAX 4096
struct fh_dev_info {
	int16_t if_class, if_subclass, if_protocol; /* -1 when unknown */
	uint16_t usage_page, usage;                 /* 0 when unknown */
	uint8_t report_desc[FH_REPORT_DESC_MAX];    /* HID report descriptor */
	size_t report_desc_len;                     /* 0 when unknown */
	size_t in_max, out_max;                     /* endpoint packet sizes, 0 = unknown */
};

/* One device driver (libsigrok's struct sr_dev_driver): static facts, then
 * ops.  Ops a class has no use for are NULL and the core's wrapper returns
 * FH_ERR_NA.  Shared default ops live in std.c. */
struct fh_driver {
	const char *name, *longname; /* "hid-scale", "USB HID POS scale (page 0x8D)" */
	enum fh_class cls;
	unsigned api_version;             /* must equal FH_DRIVER_API */
	const struct fh_usb_id *ids;      /* known models, or NULL */
	const struct fh_usb_class *classes; /* interfaces driven by class, or NULL */
	size_t priv_size;                 /* the core allocates (zeroed) dev->priv */

	/* The transport is open and dev->priv zeroed; set defaults, talk to the
	 * device if needed.  On failure the core frees priv and closes the
	 * transport; open must not leave anything else behind. */
	int (*open)(struct fh_dev *dev);
	/* Release what open acquired beyond priv; cannot fail. */
	void (*close)(struct fh_dev *dev);
	/* fh_dev_poll(): one event within timeout_ms, FH_ERR_TIMEOUT otherwise. */
	int (*poll)(struct fh_dev *dev, struct fh_event *ev, int timeout_ms);
	int (*config_set)(struct fh_dev *dev, enum fh_key key, int64_t val);
	int (*print)(struct fh_dev *dev, const uint8_t *job, size_t len);
	int (*tare)(struct fh_dev *dev);
	int (*set_output)(struct fh_dev *dev, unsigned line, bool on);
};

/* The registered drivers (drivers.c), in match order, NULL-terminated. */
extern const struct fh_driver *const fh_drivers[];

/* The registered driver called name, or NULL. */
const struct fh_driver *fh_driver_find(const char *name);

/* ---- devices ------------------------------------------------------------- */

struct fh_dev {
	struct fh_ctx *ctx;            /* borrowed */
	const struct fh_driver *drv;
	struct fh_transport *t;        /* owned */
	struct fh_identity id;
	struct fh_dev_info info;
	void *priv;                    /* drv->priv_size bytes, owned */
};

/* Create a device driven by drv over transport t: allocate it and its
 * priv, call drv->open.  Takes ownership of t on every path (closed on
 * failure).  id and info are copied; info may be NULL (all unknown).
 * On success *out owns the device (fh_dev_free()).  Errors: FH_ERR_ARG
 * (NULL argument, drv->api_version mismatch), FH_ERR_NOMEM, or open's. */
int fh_dev_new(struct fh_ctx *ctx, const struct fh_driver *drv, struct fh_transport *t,
	       const struct fh_identity *id, const struct fh_dev_info *info,
	       struct fh_dev **out);

/* The context's clock, for drivers. */
int64_t fh_dev_now_ms(const struct fh_dev *dev);

/* The transport, through the device; see struct fh_transport_ops. */
int fh_dev_write(struct fh_dev *dev, const uint8_t *b, size_t n, int timeout_ms);
int fh_dev_read(struct fh_dev *dev, uint8_t *b, size_t cap, int timeout_ms);

/* ---- shared driver helpers (std.c) --------------------------------------- */

/* Start an event of kind from dev: zeroed, identity and ts_ms filled. */
void fh_std_event_init(const struct fh_dev *dev, struct fh_event *ev, enum fh_event_kind kind);

/* Write all of b[0..n) with fh_dev_write(), resuming short writes from
 * where they stopped and never sending a zero-length write; each call gets
 * timeout_ms.  Returns 0 or the first error (FH_ERR_TIMEOUT when a write
 * accepted nothing). */
int fh_std_write_all(struct fh_dev *dev, const uint8_t *b, size_t n, int timeout_ms);

/* A deadline for a poll of timeout_ms that may be split into several
 * reads: how long the next read may wait, and accounting that also
 * advances on a clock that stands still (a read that timed out did wait). */
struct fh_std_deadline {
	int64_t start_ms, elapsed_ms;
	int timeout_ms; /* < 0 = forever */
};
void fh_std_deadline_init(struct fh_std_deadline *d, const struct fh_dev *dev, int timeout_ms);
/* The wait left (< 0 forever, 0 = expired) and the current time (OUT). */
int fh_std_deadline_left(struct fh_std_deadline *d, const struct fh_dev *dev, int64_t *now_ms);
/* A read of wait_ms timed out: count it as waited. */
void fh_std_deadline_waited(struct fh_std_deadline *d, int wait_ms);

/* HID boot keyboard report helpers (pure; used by hid-kbd-scanner and
 * hid-buttons).  A report is [modifiers][reserved][up to 6 key usages]. */
#define FH_BOOT_KEYS 6
/* Whether r[0..n) reports a phantom state (ErrorRollOver 0x01, POSTFail
 * 0x02, ErrorUndefined 0x03 in a key slot): such a report says nothing
 * about which keys are down and must be skipped whole. */
bool fh_std_boot_phantom(const uint8_t *r, size_t n);
/* The keys of r[0..n) (n >= 2) that are not in prev[0..FH_BOOT_KEYS):
 * written to pressed in report order, count returned.  Usage 0 is no key. */
size_t fh_std_boot_new_keys(const uint8_t prev[FH_BOOT_KEYS], const uint8_t *r, size_t n,
			    uint8_t pressed[FH_BOOT_KEYS]);
/* Copy the key slots of r[0..n) to keys (missing slots = 0). */
void fh_std_boot_keys(const uint8_t *r, size_t n, uint8_t keys[FH_BOOT_KEYS]);

#endif
