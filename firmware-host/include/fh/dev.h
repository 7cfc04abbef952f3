/* firmware-host: devices and the events they produce.
 *
 * A struct fh_dev is one opened USB interface driven by one driver (see
 * docs/DRIVERS.md).  The station does not create devices itself: the USB
 * layer opens them on enumeration and hot-plug.  What it sees is
 * fh_dev_poll(), which turns the device's reports into struct fh_event
 * values, and the class-specific calls in scanner.h, scale.h, printer.h and
 * io.h.  A call a device's class does not support returns FH_ERR_NA.
 *
 * struct fh_event is a plain value: it owns its bytes and may be copied,
 * stored or queued freely.
 */
#ifndef QC_FIRMWARE_HOST_DEV_H
#define QC_FIRMWARE_HOST_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fh_dev; /* opaque */

/* What a device is for.  Append only. */
enum fh_class {
	FH_CLASS_NONE = 0,
	FH_CLASS_SCANNER = 1, /* barcode scanner: SCAN events */
	FH_CLASS_SCALE = 2,   /* scale: WEIGHT events */
	FH_CLASS_PRINTER = 3, /* label printer: print jobs */
	FH_CLASS_IO = 4,      /* buttons, foot pedals, lamps: BUTTON events */
};

#define FH_SERIAL_MAX 128 /* with the NUL */
#define FH_PORT_MAX 32    /* with the NUL: "1-2.4" = bus 1, ports 2 then 4 */

/* Which device: VID:PID plus the serial number when it has one, else the
 * port path (the physical socket), so a role bound in the station config
 * survives re-plugging (into the same socket, for devices without a
 * serial).  Strings are NUL-terminated, "" when unknown. */
struct fh_identity {
	uint16_t vid, pid;
	char serial[FH_SERIAL_MAX];
	char port[FH_PORT_MAX];
	enum fh_class cls;
};

/* The identity as a stable key for the station config: "0c2e:0b61:SN123"
 * with a serial, "0c2e:0b61@1-2.4" without.  Writes at most cap bytes with
 * the NUL; returns the length, or FH_ERR_ARG when it does not fit (buf then
 * holds "" if cap > 0). */
int fh_identity_key(const struct fh_identity *id, char *buf, size_t cap);

#define FH_SCAN_MAX 4096 /* longest scan kept; more is cut and flagged */

/* A decoded barcode.  data[0..len) holds the bytes the scanner sent,
 * without the AIM identifier and without the suffix; GS (0x1D) separators
 * are kept.  data[len] is 0 for convenience, but data may contain NULs:
 * len is authoritative. */
struct fh_scan {
	uint8_t data[FH_SCAN_MAX + 1];
	size_t len;
	char aim[4];    /* "]C1", or "" when the scanner sent none */
	bool truncated; /* the scanner sent more than FH_SCAN_MAX bytes */
	bool idle_end;  /* keyboard mode: ended by the idle timeout, not a suffix */
};

/* Units a scale displays (the HID POS Weight Unit selectors 1..12, in that
 * order).  weight_mg is always in milligrams; the unit says what the scale
 * showed, for the operator. */
enum fh_unit {
	FH_UNIT_NONE = 0,
	FH_UNIT_MG = 1,
	FH_UNIT_G = 2,
	FH_UNIT_KG = 3,
	FH_UNIT_CARAT = 4,
	FH_UNIT_TAEL = 5,
	FH_UNIT_GRAIN = 6,
	FH_UNIT_PENNYWEIGHT = 7,
	FH_UNIT_METRIC_TON = 8,
	FH_UNIT_AVOIR_TON = 9,
	FH_UNIT_TROY_OZ = 10,
	FH_UNIT_OZ = 11,
	FH_UNIT_LB = 12,
};

struct fh_weight {
	int32_t weight_mg;  /* signed: under zero is negative */
	bool stable;        /* the scale reports a settled weight */
	enum fh_unit unit;  /* what the scale displays */
	uint8_t status;     /* the HID scale status 1..8, 0 when unknown */
};

/* A button or pedal changed state.  index names the button (io.h:
 * bit buttons are 0.., keyboard-usage pedals FH_BUTTON_KEY_BASE + usage). */
struct fh_button {
	unsigned index;
	bool pressed; /* true = went down, false = came up */
};

enum fh_event_kind {
	FH_EV_NONE = 0,
	FH_EV_SCAN = 1,     /* .scan */
	FH_EV_WEIGHT = 2,   /* .weight */
	FH_EV_BUTTON = 3,   /* .button */
	FH_EV_ATTACHED = 4, /* .dev only: a device appeared and was opened */
	FH_EV_DETACHED = 5, /* .dev only: a device went away */
};

struct fh_event {
	enum fh_event_kind kind;
	int64_t ts_ms;           /* the context clock when the event completed */
	struct fh_identity dev;  /* which device (every kind) */
	union {
		struct fh_scan scan;
		struct fh_weight weight;
		struct fh_button button;
	};
};

/* Configuration keys for fh_dev_config_set().  Each driver takes the keys
 * of its class and returns FH_ERR_NA for the others.  Numbers are grouped
 * by driver; append only, never renumber. */
enum fh_key {
	/* hid-kbd-scanner (values: scanner.h) */
	FH_KEY_KBD_LAYOUT = 0x100,        /* enum fh_kbd_layout */
	FH_KEY_KBD_SUFFIX = 0x101,        /* enum fh_kbd_suffix */
	FH_KEY_KBD_IDLE_MS = 0x102,       /* 0..60000; 0 = suffix only */
	FH_KEY_KBD_GS_SUBSTITUTE = 0x103, /* 0 = none, else a byte 0x01..0x7e */
	FH_KEY_KBD_AIM_PREFIX = 0x104,    /* 1 = move a leading "]Xm" to aim */
	/* 0x200.. hid-pos-scanner, 0x300.. hid-scale, 0x400.. usb-printer */
	/* hid-buttons (values: io.h) */
	FH_KEY_BUTTONS_MODE = 0x500,      /* enum fh_buttons_mode */
	FH_KEY_BUTTONS_REPORT_ID = 0x501, /* bits mode: 0 = none, else 1..255 */
	FH_KEY_BUTTONS_OFFSET = 0x502,    /* bits mode: first byte after the id */
	FH_KEY_BUTTONS_COUNT = 0x503,     /* bits mode: 1..FH_BUTTONS_BITS_MAX */
};

/* Wait up to timeout_ms (< 0 = forever, 0 = only what is ready) for the
 * next event and write it to *ev (OUT, written only on success).
 * Returns 0, FH_ERR_TIMEOUT when nothing completed in time, FH_ERR_NODEV
 * when the device is gone (free it; it comes back through hot-plug),
 * FH_ERR_IO, or FH_ERR_NA for a class that produces no events. */
int fh_dev_poll(struct fh_dev *dev, struct fh_event *ev, int timeout_ms);

/* Set one configuration key.  Returns 0, FH_ERR_NA (not a key of this
 * device's driver) or FH_ERR_ARG (a value out of range; nothing changed). */
int fh_dev_config_set(struct fh_dev *dev, enum fh_key key, int64_t val);

/* The device's identity (valid as long as the device). */
const struct fh_identity *fh_dev_identity(const struct fh_dev *dev);

/* The name of the device's driver ("hid-kbd-scanner"); static. */
const char *fh_dev_driver_name(const struct fh_dev *dev);

/* Close the device (the driver's close, then the transport's) and free it.
 * NULL is a no-op. */
void fh_dev_free(struct fh_dev *dev);

/* Static English names ("scanner", "scale", ...; "none" for unknown). */
const char *fh_class_name(enum fh_class cls);

#endif
