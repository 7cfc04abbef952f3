/* tests/fakes: USB devices emulated in-process with libumockdev.
 *
 * The real libusb code runs; the kernel's usbdevfs is played here (see
 * docs/DRIVERS.md, "Testing without hardware", and
 * ../shared/notes/usb-peripherals.md, section 5.3).  Each fake device is a
 * sysfs entry plus a "handle-ioctl" handler on its /dev/bus/usb node that
 * answers the usbdevfs ioctls: capabilities, the kernel driver, claims,
 * URBs (IN reports queued per endpoint, OUT bytes captured, control
 * requests answered), discard, and an unplug switch.
 *
 * A test links PkgConfig::UMOCKDEV, PkgConfig::GLIB and the preload
 * library (tests/station/app_usb.cmake shows how).  umockdev runs the
 * handlers on its own thread, so a device's state is behind its lock.
 */
#ifndef QC_TESTS_FAKES_UMOCKDEV_DEVICES_H
#define QC_TESTS_FAKES_UMOCKDEV_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>
#include <umockdev.h>

/* The HID POS scanner report descriptor of the notes (section 1.2).  The
 * sizes are spelt out so that sizeof() works in a test's own static specs;
 * keep them equal to the byte counts in umockdev_devices.c (a longer list
 * there does not compile, a shorter one would be padded with zeros). */
extern const uint8_t umd_pos_desc[73];
/* A game pad with 8 buttons, one bit each (the hid-buttons driver). */
extern const uint8_t umd_pad_desc[23];

struct umd_iface {
	uint8_t cls, sub, proto;
	const uint8_t *rdesc; /* HID only */
	size_t rdesc_len;
	uint8_t ep_in, ep_out; /* 0 = none */
	bool bulk;             /* bulk endpoints, else interrupt */
	uint16_t max;          /* wMaxPacketSize */
};

struct umd_spec {
	uint16_t vid, pid;
	const char *serial; /* NULL = no serial string */
	const char *driver; /* kernel driver bound at start ("usbhid"), or NULL */
	const char *devid;  /* IEEE 1284 device ID, printers */
	bool stall_idle;    /* STALL SET_IDLE, as many scanners do */
	unsigned n_if;
	struct umd_iface ifs[2];
};
/* ---- a fake device ---------------------------------------------------------- */

struct umd_report {
	uint8_t ep;
	size_t n;
	uint8_t b[64];
	bool stall; /* complete the IN URB with a STALL (-EPIPE) instead */
};

struct umd_dev {
	const struct umd_spec *spec;
	unsigned devnum;
	char devnode[64];
	char syspath[128];
	char *sysfs; /* the umockdev text that adds it */
	UMockdevIoctlBase *handler;

	GMutex lock; /* everything below: the handler runs on umockdev's thread */
	bool unplugged;
	bool bound;         /* the kernel driver holds the interfaces */
	unsigned claimed;   /* bit per interface */
	GQueue reports;     /* struct umd_report *, in arrival order */
	GQueue pending;     /* UMockdevIoctlData * of IN URBs waiting for a report */
	GQueue done;        /* UMockdevIoctlData * of URBs ready to reap */
	GByteArray *out;    /* bytes accepted on OUT endpoints */
	size_t out_short;   /* accept only this much of the next OUT URB (0 = all) */
	int set_protocol;   /* last SET_PROTOCOL value, -1 = none */
	unsigned devid_reqs;
	unsigned stalls;
	unsigned clear_halts; /* USBDEVFS_CLEAR_HALT calls */
	unsigned halt_ep;     /* the endpoint of the last one */
};

/* A HID POS scanner (0c2e:0b61, serial SN00042, IN endpoint 0x81) and a
 * game pad (1209:0001, serial PAD1, IN 0x81, 1-byte reports: bit 0 is
 * "button1"). */
extern const struct umd_spec umd_pos_scanner;
extern const struct umd_spec umd_gamepad;
/* A Dymo-style HID scale (0922:8003, no serial, IN 0x81, 6-byte reports:
 * 3, status, unit, exponent, weight LE). */
extern const struct umd_spec umd_scale;
/* A keyboard-mode scanner (05e0:1200, serial KBD1, boot keyboard 03/01/01,
 * bound to "usbhid" at start, IN 0x81, 8-byte boot reports). */
extern const struct umd_spec umd_kbd_scanner;

#define UMD_DEVS_MAX 6

struct umd_bed {
	UMockdevTestbed *tb;
	struct umd_dev *dev[UMD_DEVS_MAX];
	unsigned n;
};

/* A testbed (fails the test unless the preload library is in). */
struct umd_bed *umd_bed_new(void);
/* Free the bed and its devices: after the USB layer using them. */
void umd_bed_free(struct umd_bed *b);

/* Add a device as spec says (spec borrowed: keep it static); it is on the
 * bus at the next enumeration, port "1-<n>" for the n-th device. */
struct umd_dev *umd_add(struct umd_bed *b, const struct umd_spec *s);

/* Queue an IN report of n (<= 64) bytes on endpoint ep. */
void umd_push(struct umd_dev *f, uint8_t ep, const void *b, size_t n);

/* Queue a STALL on IN endpoint ep: the URB that would take the next
 * report fails with -EPIPE (LIBUSB_TRANSFER_STALL), as a halted endpoint
 * does, in order with the reports. */
void umd_stall(struct umd_dev *f, uint8_t ep);

/* Pull the plug (ENODEV, "remove" uevent) / plug it back in ("add"). */
void umd_unplug(struct umd_bed *b, struct umd_dev *f);
void umd_replug(struct umd_bed *b, struct umd_dev *f);

/* A HID POS report (report 2): len, AIM, data, vendor code, more flag. */
void umd_pos_report(uint8_t r[64], const char *aim, const void *data, size_t n, bool more);

#endif
