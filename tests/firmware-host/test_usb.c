/* firmware-host USB layer (firmware-host/src/usb.c) against devices
 * emulated in-process with libumockdev (../shared/notes/usb-peripherals.md
 * section 5.3, approach B): the real libusb code runs, the kernel's usbdevfs
 * is a fake written here.
 *
 * Each fake device is a sysfs entry (descriptors in hex) plus a
 * UMockdevIoctlBase "handle-ioctl" handler on its /dev/bus/usb node that
 * plays the usbdevfs ioctls: capabilities, the kernel driver (GETDRIVER,
 * DISCONNECT_CLAIM, CLAIM with EBUSY while bound, CONNECT on release),
 * SUBMITURB (IN queued, OUT captured, control requests answered), REAPURB
 * from per-endpoint report queues, DISCARDURB and an unplug switch (ENODEV
 * everywhere).  umockdev runs the handlers on its own thread, so a fake's
 * state is behind a mutex and the handler never calls cmocka.
 *
 * Only the public API is used (fh/ctx.h, fh/dev.h, fh/printer.h).  There are
 * no sleeps: waits are poll loops with deadlines of a few hundred ms
 * (libusb busy-polls the emulated node, so short is also cheap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <glib.h>
#include <umockdev.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"
#include "fh/printer.h"

#define WAIT_MS 500

/* ---- descriptors ---------------------------------------------------------- */

/* The HID POS report descriptor of the notes (section 1.2): report 2, byte
 * count, AIM 3 bytes, 56 data bytes, vendor code id + reserved, continued. */
static const uint8_t pos_desc[] = {
	0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x12, 0xa1, 0x02, 0x85, 0x02, 0x15, 0x00,
	0x26, 0xff, 0x00, 0x75, 0x08, 0x05, 0x01, 0x09, 0x3b, 0x95, 0x01, 0x81, 0x02, 0x05,
	0x8c, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x95, 0x03, 0x81, 0x02, 0x09, 0xfe, 0x95,
	0x38, 0x82, 0x02, 0x01, 0x06, 0x66, 0xff, 0x09, 0x01, 0x95, 0x02, 0x81, 0x02, 0x05,
	0x8c, 0x09, 0xff, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x75, 0x07, 0x81,
	0x03, 0xc0, 0xc0,
};

/* Honeywell's second collection: vendor page 0xFF8C, 64-byte reports. */
static const uint8_t vendor_desc[] = {
	0x06, 0x8c, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x85, 0xfd, 0x15, 0x00, 0x26, 0xff, 0x00,
	0x75, 0x08, 0x95, 0x3f, 0x09, 0x01, 0x81, 0x02, 0xc0,
};

/* The boot keyboard of the HID spec, appendix B.1. */
static const uint8_t kbd_desc[] = {
	0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00,
	0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01,
	0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01,
	0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07,
	0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
};

/* The scale of tests/firmware-host/test_scale.c: report 3, status, unit,
 * Data Scaling, Data Weight. */
static const uint8_t scale_desc[] = {
	0x05, 0x8d, 0x09, 0x01, 0xa1, 0x01, 0x09, 0x32, 0xa1, 0x02, 0x85, 0x03, 0x75, 0x08, 0x95,
	0x01, 0x09, 0x70, 0xa1, 0x02, 0x15, 0x01, 0x25, 0x08, 0x19, 0x71, 0x29, 0x78, 0x81, 0x00,
	0xc0, 0x09, 0x50, 0xa1, 0x02, 0x15, 0x01, 0x25, 0x0c, 0x19, 0x51, 0x29, 0x5c, 0x81, 0x00,
	0xc0, 0x09, 0x41, 0x15, 0x80, 0x25, 0x7f, 0x81, 0x02, 0x09, 0x40, 0x15, 0x00, 0x27, 0xff,
	0xff, 0x00, 0x00, 0x75, 0x10, 0x81, 0x02, 0xc0, 0xc0,
};

struct fiface {
	uint8_t cls, sub, proto;
	const uint8_t *rdesc; /* HID only */
	size_t rdesc_len;
	uint8_t ep_in, ep_out; /* 0 = none */
	bool bulk;             /* bulk endpoints, else interrupt */
	uint16_t max;          /* wMaxPacketSize */
};

struct fspec {
	uint16_t vid, pid;
	const char *serial; /* NULL = no serial string */
	const char *driver; /* kernel driver bound at start ("usbhid"), or NULL */
	const char *devid;  /* IEEE 1284 device ID, printers */
	bool stall_idle;    /* STALL SET_IDLE, as many scanners do */
	unsigned n_if;
	struct fiface ifs[2];
};

static const struct fspec pos_a = {
	0x0c2e, 0x0b61, "POSA", NULL, NULL, false, 1,
	{ { 3, 0, 0, pos_desc, sizeof(pos_desc), 0x81, 0, false, 64 } },
};
static const struct fspec pos_b = {
	0x0c2e, 0x0b61, NULL, NULL, NULL, true, 1,
	{ { 3, 0, 0, pos_desc, sizeof(pos_desc), 0x81, 0, false, 64 } },
};
/* Honeywell: the vendor collection first, the scanner second. */
static const struct fspec honeywell = {
	0x0c2e, 0x0b87, "HON1", NULL, NULL, false, 2,
	{ { 3, 0, 0, vendor_desc, sizeof(vendor_desc), 0x81, 0, false, 64 },
	  { 3, 0, 0, pos_desc, sizeof(pos_desc), 0x82, 0, false, 64 } },
};
static const struct fspec kbd = {
	0x05e0, 0x1200, "KBD1", "usbhid", NULL, false, 1,
	{ { 3, 1, 1, kbd_desc, sizeof(kbd_desc), 0x81, 0, false, 8 } },
};
static const struct fspec scale = {
	0x0922, 0x8003, NULL, NULL, NULL, false, 1,
	{ { 3, 0, 0, scale_desc, sizeof(scale_desc), 0x81, 0, false, 8 } },
};
static const struct fspec printer = {
	0x0a5f, 0x0164, "ZD1", NULL, "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;", false, 1,
	{ { 7, 1, 2, NULL, 0, 0x82, 0x01, true, 64 } },
};

/* ---- a fake device ---------------------------------------------------------- */

struct report {
	uint8_t ep;
	size_t n;
	uint8_t b[64];
};

struct fdev {
	const struct fspec *spec;
	unsigned devnum;
	char devnode[64];
	char syspath[128];
	char *sysfs; /* the umockdev text that adds it */
	UMockdevIoctlBase *handler;

	GMutex lock; /* everything below: the handler runs on umockdev's thread */
	bool unplugged;
	bool bound;         /* the kernel driver holds the interfaces */
	unsigned claimed;   /* bit per interface */
	GQueue reports;     /* struct report *, in arrival order */
	GQueue pending;     /* UMockdevIoctlData * of IN URBs waiting for a report */
	GQueue done;        /* UMockdevIoctlData * of URBs ready to reap */
	GByteArray *out;    /* bytes accepted on OUT endpoints */
	size_t out_short;   /* accept only this much of the next OUT URB (0 = all) */
	int set_protocol;   /* last SET_PROTOCOL value, -1 = none */
	unsigned devid_reqs;
	unsigned stalls;
};

struct bed {
	UMockdevTestbed *tb;
	struct fdev *dev[6];
	unsigned n;
	struct fh_ctx *ctx;
	struct fh_usb *usb;
};

static void urb_set(UMockdevIoctlData *urb, int status, int actual)
{
	umockdev_ioctl_data_update(urb, offsetof(struct usbdevfs_urb, status), (guint8 *)&status,
				   sizeof(status));
	umockdev_ioctl_data_update(urb, offsetof(struct usbdevfs_urb, actual_length),
				   (guint8 *)&actual, sizeof(actual));
}

/* The URB's buffer, resolved in the client (a child of urb). */
static UMockdevIoctlData *urb_buffer(UMockdevIoctlData *urb)
{
	const struct usbdevfs_urb *u = (const void *)urb->data;
	GError *err = NULL;
	UMockdevIoctlData *b;

	b = umockdev_ioctl_data_resolve(urb, offsetof(struct usbdevfs_urb, buffer),
					(gsize)u->buffer_length, &err);
	g_clear_error(&err);
	return b;
}

static size_t string_desc(const struct fdev *f, unsigned idx, uint8_t *out)
{
	const char *s = idx == 1 ? "qcstation tests" : idx == 2 ? "fake device" : f->spec->serial;
	size_t n = 0;

	if (idx == 0) {
		static const uint8_t langs[] = { 4, 3, 0x09, 0x04 };

		memcpy(out, langs, sizeof(langs));
		return sizeof(langs);
	}
	if (idx > 3 || !s)
		return 0;
	out[1] = 3;
	for (n = 0; s[n] && n < 60; n++) {
		out[2 + 2 * n] = (uint8_t)s[n];
		out[3 + 2 * n] = 0;
	}
	out[0] = (uint8_t)(2 + 2 * n);
	return out[0];
}

/* Answer a control URB: returns the reply length, or -1 to STALL. */
static int control(struct fdev *f, const uint8_t *setup, uint8_t *reply)
{
	unsigned type = setup[0], req = setup[1];
	unsigned val = setup[2] | setup[3] << 8, idx = setup[4] | setup[5] << 8;

	if (type == 0x80 && req == 6 && (val >> 8) == 3) { /* GET_DESCRIPTOR string */
		size_t n = string_desc(f, val & 0xff, reply);

		return n ? (int)n : -1;
	}
	if (type == 0x81 && req == 6 && val == 0x2200 && idx < f->spec->n_if &&
	    f->spec->ifs[idx].rdesc) {
		memcpy(reply, f->spec->ifs[idx].rdesc, f->spec->ifs[idx].rdesc_len);
		return (int)f->spec->ifs[idx].rdesc_len;
	}
	if (type == 0x21 && req == 0x0a && !f->spec->stall_idle) /* SET_IDLE */
		return 0;
	if (type == 0x21 && req == 0x0b) { /* SET_PROTOCOL */
		f->set_protocol = (int)val;
		return 0;
	}
	if (type == 0xa1 && req == 0 && f->spec->devid) { /* GET_DEVICE_ID */
		size_t n = strlen(f->spec->devid) + 2;

		f->devid_reqs++;
		reply[0] = (uint8_t)(n >> 8);
		reply[1] = (uint8_t)n;
		memcpy(reply + 2, f->spec->devid, n - 2);
		return (int)n;
	}
	f->stalls++;
	return -1;
}

/* The memory the ioctl argument points to, len bytes (a new reference). */
static UMockdevIoctlData *deref(UMockdevIoctlData *arg, size_t len)
{
	GError *err = NULL;
	UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, len, &err);

	g_clear_error(&err);
	return d;
}

/* SUBMITURB: arg points to the URB; keeps a reference to it until reaped. */
static void submit(struct fdev *f, UMockdevIoctlData *ptr)
{
	UMockdevIoctlData *arg = deref(ptr, sizeof(struct usbdevfs_urb));
	const struct usbdevfs_urb *u = (const void *)arg->data;
	UMockdevIoctlData *buf;

	if (u->type == USBDEVFS_URB_TYPE_CONTROL) {
		uint8_t reply[1024];
		unsigned want;
		int n;

		buf = urb_buffer(arg);
		want = buf->data[6] | buf->data[7] << 8;
		n = control(f, buf->data, reply);
		if (n < 0) {
			urb_set(arg, -EPIPE, 0);
		} else {
			if ((unsigned)n > want)
				n = (int)want;
			if ((buf->data[0] & 0x80) && n > 0)
				umockdev_ioctl_data_update(buf, 8, reply, n);
			urb_set(arg, 0, n);
		}
		umockdev_ioctl_data_unref(buf);
		g_queue_push_tail(&f->done, arg);
	} else if (u->endpoint & 0x80) {
		g_queue_push_tail(&f->pending, arg);
	} else {
		size_t n = (size_t)u->buffer_length;

		buf = urb_buffer(arg);
		if (f->out_short && f->out_short < n) {
			n = f->out_short;
			f->out_short = 0;
		}
		g_byte_array_append(f->out, buf->data, (guint)n);
		urb_set(arg, 0, (int)n);
		umockdev_ioctl_data_unref(buf);
		g_queue_push_tail(&f->done, arg);
	}
}

/* A URB to reap: a finished one, else a pending IN URB with a report. */
static UMockdevIoctlData *reap(struct fdev *f)
{
	UMockdevIoctlData *urb = g_queue_pop_head(&f->done);

	if (urb)
		return urb;
	for (GList *l = f->pending.head; l; l = l->next) {
		const struct usbdevfs_urb *u = (const void *)((UMockdevIoctlData *)l->data)->data;

		for (GList *r = f->reports.head; r; r = r->next) {
			struct report *rep = r->data;
			UMockdevIoctlData *buf;
			size_t n;

			if (rep->ep != u->endpoint)
				continue;
			urb = l->data;
			g_queue_delete_link(&f->pending, l);
			g_queue_delete_link(&f->reports, r);
			n = rep->n < (size_t)u->buffer_length ? rep->n : (size_t)u->buffer_length;
			buf = urb_buffer(urb);
			umockdev_ioctl_data_update(buf, 0, rep->b, (gint)n);
			umockdev_ioctl_data_unref(buf);
			urb_set(urb, 0, (int)n);
			g_free(rep);
			return urb;
		}
	}
	return NULL;
}

static bool discard(struct fdev *f, UMockdevIoctlData *arg)
{
	gulong want = 0;

	if (arg->data_len >= (gint)sizeof(gulong))
		memcpy(&want, arg->data, sizeof(want));
	for (GList *l = f->pending.head; l; l = l->next) {
		UMockdevIoctlData *urb = l->data;

		if (urb->client_addr == want) {
			g_queue_delete_link(&f->pending, l);
			urb_set(urb, -ENOENT, 0);
			g_queue_push_tail(&f->done, urb);
			return true;
		}
	}
	return false;
}

static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer ud)
{
	struct fdev *f = ud;
	gulong req = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	long res = 0;
	int err = 0;
	UMockdevIoctlData *urb, *d = NULL;

	(void)handler;
	g_mutex_lock(&f->lock);
	/* Unplugged: as the kernel does, URBs that were in flight can still be
	 * reaped (failed with -ESHUTDOWN), everything else is ENODEV. */
	if (f->unplugged && ((req != USBDEVFS_REAPURB && req != USBDEVFS_REAPURBNDELAY) ||
			     g_queue_is_empty(&f->done))) {
		res = -1;
		err = ENODEV;
		goto out;
	}
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES: {
		guint32 caps = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM;

		d = deref(arg, sizeof(caps));
		umockdev_ioctl_data_update(d, 0, (guint8 *)&caps, sizeof(caps));
		break;
	}
	case USBDEVFS_GETDRIVER:
		d = deref(arg, sizeof(struct usbdevfs_getdriver));
		if (f->bound && f->spec->driver)
			umockdev_ioctl_data_update(d, offsetof(struct usbdevfs_getdriver, driver),
						   (guint8 *)f->spec->driver,
						   (gint)strlen(f->spec->driver) + 1);
		else
			res = -1, err = ENODATA;
		break;
	case USBDEVFS_DISCONNECT_CLAIM: {
		const struct usbdevfs_disconnect_claim *dc;

		d = deref(arg, sizeof(*dc));
		dc = (const void *)d->data;
		f->bound = false;
		f->claimed |= 1u << dc->interface;
		break;
	}
	case USBDEVFS_IOCTL: {
		const struct usbdevfs_ioctl *io;

		d = deref(arg, sizeof(*io));
		io = (const void *)d->data;

		if (io->ioctl_code == (int)USBDEVFS_DISCONNECT) {
			if (f->bound)
				f->bound = false;
			else
				res = -1, err = ENODATA;
		} else if (io->ioctl_code == (int)USBDEVFS_CONNECT) {
			f->bound = f->spec->driver != NULL;
		} else {
			res = -1, err = ENOTTY;
		}
		break;
	}
	case USBDEVFS_CLAIMINTERFACE:
		d = deref(arg, sizeof(unsigned));
		if (f->bound)
			res = -1, err = EBUSY;
		else
			f->claimed |= 1u << *(const unsigned *)d->data;
		break;
	case USBDEVFS_RELEASEINTERFACE:
		d = deref(arg, sizeof(unsigned));
		f->claimed &= ~(1u << *(const unsigned *)d->data);
		break;
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESET:
		break;
	case USBDEVFS_SUBMITURB:
		submit(f, arg);
		break;
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		urb = reap(f);
		if (urb) {
			/* arg points to the caller's URB pointer: aim it at the URB. */
			d = deref(arg, sizeof(void *));
			umockdev_ioctl_data_set_ptr(d, 0, urb);
			umockdev_ioctl_data_unref(urb);
		} else {
			res = -1, err = EAGAIN;
		}
		break;
	case USBDEVFS_DISCARDURB:
		if (!discard(f, arg))
			res = -1, err = EINVAL;
		break;
	default:
		res = -1, err = ENOTTY;
		break;
	}
out:
	g_mutex_unlock(&f->lock);
	umockdev_ioctl_client_complete(client, res, err);
	if (d)
		umockdev_ioctl_data_unref(d);
	return TRUE;
}

/* ---- the test bed ----------------------------------------------------------- */

static size_t put(uint8_t *d, size_t n, const uint8_t *s, size_t k)
{
	memcpy(d + n, s, k);
	return n + k;
}

/* Device + configuration descriptors, as sysfs "descriptors" holds them. */
static size_t descriptors(const struct fspec *s, uint8_t *d)
{
	uint8_t dd[18] = { 18, 1, 0x00, 0x02, 0, 0, 0, 64, (uint8_t)s->vid, (uint8_t)(s->vid >> 8),
			   (uint8_t)s->pid, (uint8_t)(s->pid >> 8), 0x00, 0x01, 1, 2,
			   (uint8_t)(s->serial ? 3 : 0), 1 };
	size_t n = put(d, 0, dd, sizeof(dd)), cfg = n;
	uint8_t cd[9] = { 9, 2, 0, 0, (uint8_t)s->n_if, 1, 0, 0x80, 50 };

	n = put(d, n, cd, sizeof(cd));
	for (unsigned i = 0; i < s->n_if; i++) {
		const struct fiface *f = &s->ifs[i];
		uint8_t id[9] = { 9, 4, (uint8_t)i, 0, (uint8_t)(!!f->ep_in + !!f->ep_out),
				  f->cls, f->sub, f->proto, 0 };
		uint8_t type = f->bulk ? 2 : 3;

		n = put(d, n, id, sizeof(id));
		if (f->rdesc) {
			uint8_t hd[9] = { 9, 0x21, 0x11, 0x01, 0, 1, 0x22, (uint8_t)f->rdesc_len,
					  (uint8_t)(f->rdesc_len >> 8) };

			n = put(d, n, hd, sizeof(hd));
		}
		if (f->ep_in) {
			uint8_t ed[7] = { 7, 5, f->ep_in, type, (uint8_t)f->max,
					  (uint8_t)(f->max >> 8), 1 };

			n = put(d, n, ed, sizeof(ed));
		}
		if (f->ep_out) {
			uint8_t ed[7] = { 7, 5, f->ep_out, type, (uint8_t)f->max,
					  (uint8_t)(f->max >> 8), 1 };

			n = put(d, n, ed, sizeof(ed));
		}
	}
	d[cfg + 2] = (uint8_t)(n - cfg);
	d[cfg + 3] = (uint8_t)((n - cfg) >> 8);
	return n;
}

static struct fdev *bed_add(struct bed *b, const struct fspec *s)
{
	struct fdev *f = g_new0(struct fdev, 1);
	uint8_t d[512];
	char hex[1100];
	size_t n = descriptors(s, d);
	GError *err = NULL;
	char *text;

	assert_true(b->n < G_N_ELEMENTS(b->dev));
	f->spec = s;
	f->devnum = b->n + 2;
	f->bound = s->driver != NULL;
	f->set_protocol = -1;
	f->out = g_byte_array_new();
	g_mutex_init(&f->lock);
	g_queue_init(&f->reports);
	g_queue_init(&f->pending);
	g_queue_init(&f->done);
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02X", d[i]);
	snprintf(f->devnode, sizeof(f->devnode), "/dev/bus/usb/001/%03u", f->devnum);
	snprintf(f->syspath, sizeof(f->syspath), "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%u",
		 f->devnum - 1);
	f->handler = umockdev_ioctl_base_new();
	g_signal_connect(f->handler, "handle-ioctl", G_CALLBACK(on_ioctl), f);
	assert_true(umockdev_testbed_attach_ioctl(b->tb, f->devnode, f->handler, &err));
	text = g_strdup_printf("P: /devices/pci0000:00/0000:00:14.0/usb1/1-%u\n"
			       "N: bus/usb/001/%03u=%s\n"
			       "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\nE: DRIVER=usb\n"
			       "E: BUSNUM=001\nE: DEVNUM=%03u\nE: DEVNAME=%s\n"
			       "A: busnum=1\\n\nA: devnum=%u\\n\nA: bConfigurationValue=1\\n\n"
			       "A: speed=12\\n\nH: descriptors=%s\n",
			       f->devnum - 1, f->devnum, hex, f->devnum, f->devnode, f->devnum, hex);
	assert_true(umockdev_testbed_add_from_string(b->tb, text, &err));
	f->sysfs = text;
	b->dev[b->n++] = f;
	return f;
}

static void fdev_free(struct fdev *f)
{
	UMockdevIoctlData *urb;

	while ((urb = g_queue_pop_head(&f->pending)))
		umockdev_ioctl_data_unref(urb);
	while ((urb = g_queue_pop_head(&f->done)))
		umockdev_ioctl_data_unref(urb);
	g_queue_clear_full(&f->reports, g_free);
	g_byte_array_unref(f->out);
	g_free(f->sysfs);
	g_object_unref(f->handler);
	g_mutex_clear(&f->lock);
	g_free(f);
}

static void push(struct fdev *f, uint8_t ep, const void *b, size_t n)
{
	struct report *r = g_new0(struct report, 1);

	assert_true(n <= sizeof(r->b));
	r->ep = ep;
	r->n = n;
	memcpy(r->b, b, n);
	g_mutex_lock(&f->lock);
	g_queue_push_tail(&f->reports, r);
	g_mutex_unlock(&f->lock);
}

static void set_unplugged(struct fdev *f, bool unplugged)
{
	UMockdevIoctlData *urb;

	g_mutex_lock(&f->lock);
	f->unplugged = unplugged;
	while (unplugged && (urb = g_queue_pop_head(&f->pending))) {
		urb_set(urb, -ESHUTDOWN, 0);
		g_queue_push_tail(&f->done, urb);
	}
	if (!unplugged) { /* a fresh device: nothing of the old connection */
		while ((urb = g_queue_pop_head(&f->pending)))
			umockdev_ioctl_data_unref(urb);
		while ((urb = g_queue_pop_head(&f->done)))
			umockdev_ioctl_data_unref(urb);
		g_queue_clear_full(&f->reports, g_free);
		g_queue_init(&f->reports);
		f->claimed = 0;
	}
	g_mutex_unlock(&f->lock);
}

/* Pull the plug: every ioctl fails with ENODEV and the device leaves
 * sysfs (a "remove" uevent), as on a real unplug. */
static void unplug(struct bed *b, struct fdev *f)
{
	set_unplugged(f, true);
	umockdev_testbed_uevent(b->tb, f->syspath, "remove");
	umockdev_testbed_remove_device(b->tb, f->syspath);
}

/* Plug it back in: a fresh device at the same place ("add" uevent). */
static void replug(struct bed *b, struct fdev *f)
{
	GError *err = NULL;

	set_unplugged(f, false);
	assert_true(umockdev_testbed_add_from_string(b->tb, f->sysfs, &err));
	umockdev_testbed_uevent(b->tb, f->syspath, "add");
}

static int bed_setup(void **state)
{
	struct bed *b = g_new0(struct bed, 1);

	b->tb = umockdev_testbed_new();
	/* True once a testbed exists, with the preload library linked in. */
	assert_true(umockdev_in_mock_environment());
	*state = b;
	return 0;
}

static int bed_teardown(void **state)
{
	struct bed *b = *state;

	fh_usb_free(b->usb);
	fh_ctx_free(b->ctx);
	g_object_unref(b->tb);
	for (unsigned i = 0; i < b->n; i++)
		fdev_free(b->dev[i]);
	g_free(b);
	return 0;
}

static void bed_start(struct bed *b)
{
	assert_int_equal(fh_ctx_new(NULL, &b->ctx), FH_OK);
	assert_int_equal(fh_usb_new(b->ctx, &b->usb), FH_OK);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next event within timeout_ms, as a poll loop would get it: 1 with
 * *ev, 0 when none came. */
static int next_event(struct bed *b, struct fh_event *ev, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd fds[16];
		int n, rc = fh_usb_dispatch(b->usb, ev);

		assert_true(rc >= 0);
		if (rc == 1)
			return 1;
		if (now_ms() >= end)
			return 0;
		n = fh_usb_pollfds(b->usb, fds, G_N_ELEMENTS(fds));
		assert_true(n >= 0 && n <= (int)G_N_ELEMENTS(fds));
		poll(fds, (nfds_t)n, 5);
	}
}

/* The next event that is not ATTACHED. */
static int next_data_event(struct bed *b, struct fh_event *ev, int timeout_ms)
{
	int rc;

	do
		rc = next_event(b, ev, timeout_ms);
	while (rc == 1 && ev->kind == FH_EV_ATTACHED);
	return rc;
}

/* Drain the ATTACHED events of the start; returns how many. */
static int attached(struct bed *b)
{
	static struct fh_event ev;
	int n = 0;

	while (next_event(b, &ev, 50) == 1) {
		assert_int_equal(ev.kind, FH_EV_ATTACHED);
		n++;
	}
	return n;
}

static const struct fh_usb_device *find_dev(struct fh_usb_device *list, int n, uint16_t vid,
					    const char *driver)
{
	for (int i = 0; i < n; i++)
		if (list[i].id.vid == vid && strcmp(list[i].driver, driver) == 0)
			return &list[i];
	return NULL;
}

/* A HID POS report: report 2, len, AIM, data, vendor code, more flag. */
static void pos_report(uint8_t r[64], const char *aim, const void *data, size_t n, bool more)
{
	memset(r, 0, 64);
	r[0] = 2;
	r[1] = (uint8_t)n;
	memcpy(r + 2, aim, 3);
	memcpy(r + 5, data, n);
	r[61] = 'w';
	r[63] = more ? 1 : 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void enumerate__drivers_by_id_class_and_usage(void **state)
{
	struct bed *b = *state;
	struct fh_usb_device list[8];
	const struct fh_usb_device *d;
	char key[64];
	int n;

	bed_add(b, &pos_a);
	bed_add(b, &kbd);
	bed_add(b, &scale);
	bed_add(b, &printer);
	bed_start(b);
	assert_int_equal(attached(b), 4);
	n = fh_usb_devices(b->usb, list, G_N_ELEMENTS(list));
	assert_int_equal(n, 4);
	d = find_dev(list, n, 0x0c2e, "hid-pos-scanner");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_SCANNER);
	assert_int_equal(fh_identity_key(&d->id, key, sizeof(key)) > 0, 1);
	assert_string_equal(key, "0c2e:0b61:POSA");
	d = find_dev(list, n, 0x05e0, "hid-kbd-scanner");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_SCANNER);
	d = find_dev(list, n, 0x0922, "hid-scale");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_SCALE);
	assert_string_equal(d->id.serial, "");
	assert_string_equal(d->id.port, "1-3"); /* no serial: the port path */
	d = find_dev(list, n, 0x0a5f, "usb-printer");
	assert_non_null(d);
	assert_int_equal(d->cls, FH_CLASS_PRINTER);
	assert_true(b->dev[3]->devid_reqs >= 1); /* GET_DEVICE_ID read */
	/* Nothing else was asked of the devices that they had to STALL. */
	for (unsigned i = 0; i < b->n; i++)
		assert_int_equal(b->dev[i]->stalls, 0);
}

static void enumerate__vendor_collection_skipped(void **state)
{
	struct bed *b = *state;
	struct fh_usb_device list[4];
	static struct fh_event ev;
	uint8_t r[64];
	int n;

	bed_add(b, &honeywell);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	n = fh_usb_devices(b->usb, list, G_N_ELEMENTS(list));
	assert_int_equal(n, 1);
	assert_string_equal(list[0].driver, "hid-pos-scanner");
	/* The vendor interface was let go again; the scanner one is held. */
	assert_int_equal(b->dev[0]->claimed, 2);
	pos_report(r, "]E0", "4006381333931", 13, false);
	push(b->dev[0], 0x82, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "4006381333931");
}

static void claim__kernel_driver_detached_and_reattached(void **state)
{
	struct bed *b = *state;
	struct fdev *f;

	f = bed_add(b, &kbd);
	assert_true(f->bound);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_false(f->bound);                /* usbhid detached ... */
	assert_int_equal(f->claimed, 1);        /* ... and the interface ours */
	assert_int_equal(f->set_protocol, 0);   /* boot protocol for the decoder */
	fh_usb_free(b->usb);
	b->usb = NULL;
	assert_int_equal(f->claimed, 0);
	assert_true(f->bound); /* usbhid back on release */
}

static void pos__multi_report_gs1_scan(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	static const char part1[] = "0109501101020917" "10ABC123" "\x1d" "21"
				    "SERIAL00000000000000000000000";
	static const char part2[] = "XYZ\x1d" "3103000150";
	uint8_t r[64];
	char want[128];

	assert_int_equal(sizeof(part1) - 1, 56);
	bed_add(b, &pos_a);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	pos_report(r, "]d2", part1, 56, true);
	push(b->dev[0], 0x81, r, sizeof(r));
	pos_report(r, "]d2", part2, sizeof(part2) - 1, false);
	push(b->dev[0], 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	snprintf(want, sizeof(want), "%s%s", part1, part2);
	assert_int_equal(ev.scan.len, strlen(want));
	assert_memory_equal(ev.scan.data, want, ev.scan.len);
	assert_string_equal(ev.scan.aim, "]d2");
	assert_string_equal(ev.dev.serial, "POSA");
	assert_int_equal(ev.dev.cls, FH_CLASS_SCANNER);
}

static void kbd__shift_doubles_and_ctrl_bracket(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	/* "Ab11" Ctrl+] "Z" Enter, as boot reports: each key down then up. */
	static const uint8_t keys[][2] = {
		{ 0x02, 0x04 }, { 0x00, 0x05 }, { 0x00, 0x1e }, { 0x00, 0x1e },
		{ 0x01, 0x30 }, { 0x02, 0x1d }, { 0x00, 0x28 },
	};
	static const uint8_t up[8] = { 0 };

	bed_add(b, &kbd);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		uint8_t r[8] = { keys[i][0], 0, keys[i][1], 0, 0, 0, 0, 0 };

		push(b->dev[0], 0x81, r, sizeof(r));
		push(b->dev[0], 0x81, up, sizeof(up));
	}
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_int_equal(ev.scan.len, 6);
	assert_memory_equal(ev.scan.data, "Ab11\x1dZ", 6);
	assert_false(ev.scan.idle_end);
	assert_string_equal(ev.dev.serial, "KBD1");
}

/* The claim policy: a boot keyboard the caller does not bind is left to
 * the console (never claimed, never detached); a bound one is a scanner. */
static bool claim_only_kbd2(const struct fh_identity *id, const char *driver, void *ud)
{
	unsigned *asked = ud;

	(*asked)++;
	assert_string_equal(driver, "hid-kbd-scanner");
	return strcmp(id->serial, "KBD2") == 0;
}

static void kbd__left_to_the_console_unless_bound(void **state)
{
	struct bed *b = *state;
	unsigned asked = 0;
	struct fh_config cfg = { .claim_keyboard = claim_only_kbd2, .claim_ud = &asked };
	struct fh_usb_device list[4];
	int n;

	bed_add(b, &kbd);
	assert_int_equal(fh_ctx_new(&cfg, &b->ctx), FH_OK);
	assert_int_equal(fh_usb_new(b->ctx, &b->usb), FH_OK);
	assert_int_equal(attached(b), 0);
	assert_true(asked >= 1);
	n = fh_usb_devices(b->usb, list, G_N_ELEMENTS(list));
	assert_int_equal(n, 0);
	/* usbhid keeps it: the operator's keyboard still types. */
	assert_true(b->dev[0]->bound);
	assert_int_equal(b->dev[0]->claimed, 0);
}

static void scan__two_scanners_at_once(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	uint8_t r[64];
	bool got_a = false, got_b = false;

	bed_add(b, &pos_a);
	bed_add(b, &pos_b);
	bed_start(b);
	assert_int_equal(attached(b), 2);
	/* Interleaved halves: A1 B1 A2 B2. */
	pos_report(r, "]C1", "AAAA", 4, true);
	push(b->dev[0], 0x81, r, sizeof(r));
	pos_report(r, "]C0", "BBBB", 4, true);
	push(b->dev[1], 0x81, r, sizeof(r));
	pos_report(r, "]C1", "aa", 2, false);
	push(b->dev[0], 0x81, r, sizeof(r));
	pos_report(r, "]C0", "bb", 2, false);
	push(b->dev[1], 0x81, r, sizeof(r));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
		assert_int_equal(ev.kind, FH_EV_SCAN);
		if (strcmp(ev.dev.serial, "POSA") == 0) {
			assert_string_equal((const char *)ev.scan.data, "AAAAaa");
			assert_string_equal(ev.scan.aim, "]C1");
			got_a = true;
		} else {
			assert_string_equal(ev.dev.serial, "");
			assert_string_equal(ev.dev.port, "1-2");
			assert_string_equal((const char *)ev.scan.data, "BBBBbb");
			assert_string_equal(ev.scan.aim, "]C0");
			got_b = true;
		}
	}
	assert_true(got_a && got_b);
}

static void scale__motion_then_stable_then_unit_change(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	static const uint8_t stale[6] = { 3, 4, 11, 0xff, 0x10, 0x00 };  /* last weighing */
	static const uint8_t motion[6] = { 3, 3, 11, 0xff, 0x20, 0x01 }; /* 28.8 oz moving */
	static const uint8_t stable[6] = { 3, 4, 11, 0xff, 0x2c, 0x01 }; /* 30.0 oz */
	static const uint8_t grams[6] = { 3, 4, 2, 0x00, 0x50, 0x03 };   /* 848 g */

	bed_add(b, &scale);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	push(b->dev[0], 0x81, stale, 6);
	push(b->dev[0], 0x81, motion, 6);
	push(b->dev[0], 0x81, stable, 6);
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_WEIGHT);
	assert_false(ev.weight.stable);
	assert_int_equal(ev.weight.status, 3);
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_WEIGHT);
	assert_true(ev.weight.stable);
	assert_int_equal(ev.weight.unit, FH_UNIT_OZ);
	assert_int_equal(ev.weight.weight_mg, 850486); /* 30.0 oz */
	push(b->dev[0], 0x81, grams, 6);
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_WEIGHT);
	assert_true(ev.weight.stable);
	assert_int_equal(ev.weight.unit, FH_UNIT_G);
	assert_int_equal(ev.weight.weight_mg, 848000);
	assert_int_equal(ev.dev.vid, 0x0922);
}

static void unplug__mid_scan_detached_then_replugged(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct fdev *f;
	uint8_t r[64];

	f = bed_add(b, &pos_a);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	pos_report(r, "]C1", "HALF", 4, true);
	push(f, 0x81, r, sizeof(r));
	assert_int_equal(next_event(b, &ev, 100), 0); /* half a scan: no event */
	unplug(b, f);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_DETACHED);
	assert_string_equal(ev.dev.serial, "POSA");
	assert_int_equal(fh_usb_devices(b->usb, NULL, 0), 0);
	assert_int_equal(next_event(b, &ev, 50), 0);

	replug(b, f);
	assert_int_equal(fh_usb_rescan(b->usb), FH_OK);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_ATTACHED);
	assert_string_equal(ev.dev.serial, "POSA");
	pos_report(r, "]C1", "WHOLE", 5, false);
	push(f, 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "WHOLE"); /* the half is gone */
}

static void claim__set_idle_stall_tolerated(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	uint8_t r[64];

	bed_add(b, &pos_b); /* STALLs SET_IDLE */
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_int_equal(b->dev[0]->stalls, 1);
	pos_report(r, "]E0", "96385074", 8, false);
	push(b->dev[0], 0x81, r, sizeof(r));
	assert_int_equal(next_data_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "96385074");
}

static void transport__blocking_poll_times_out_then_reads(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct fh_usb_device list[2];
	uint8_t r[64];
	int64_t t0, dt;

	bed_add(b, &pos_a);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_int_equal(fh_usb_devices(b->usb, list, 2), 1);
	/* The driver's own wait, through the transport's read with a timeout. */
	t0 = now_ms();
	assert_int_equal(fh_dev_poll(list[0].dev, &ev, 150), FH_ERR_TIMEOUT);
	dt = now_ms() - t0;
	assert_true(dt >= 150 && dt < 1000);
	pos_report(r, "]C1", "LATE", 4, false);
	push(b->dev[0], 0x81, r, sizeof(r));
	assert_int_equal(fh_dev_poll(list[0].dev, &ev, WAIT_MS), FH_OK);
	assert_int_equal(ev.kind, FH_EV_SCAN);
	assert_string_equal((const char *)ev.scan.data, "LATE");
	/* Both IN transfers stayed in flight: the fake holds two pending URBs. */
	g_mutex_lock(&b->dev[0]->lock);
	assert_int_equal(g_queue_get_length(&b->dev[0]->pending), 2);
	g_mutex_unlock(&b->dev[0]->lock);
}

static void hotplug__replug_seen_without_rescan(void **state)
{
	struct bed *b = *state;
	static struct fh_event ev;
	struct fdev *f;

	f = bed_add(b, &scale);
	bed_start(b);
	if (!fh_usb_hotplug(b->usb))
		skip(); /* libusb without hot-plug: fh_usb_rescan() covers it */
	assert_int_equal(attached(b), 1);
	unplug(b, f);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_DETACHED);
	replug(b, f);
	assert_int_equal(next_event(b, &ev, WAIT_MS), 1);
	assert_int_equal(ev.kind, FH_EV_ATTACHED);
	assert_int_equal(ev.dev.vid, 0x0922);
	assert_string_equal(ev.dev.port, "1-1");
	assert_int_equal(fh_usb_devices(b->usb, NULL, 0), 1);
}

static void printer__job_byte_for_byte_with_partial_write(void **state)
{
	struct bed *b = *state;
	struct fh_usb_device list[2];
	struct fdev *f;
	uint8_t job[300];
	size_t n = 0;

	n += (size_t)snprintf((char *)job, sizeof(job), "^XA^CI28^FO50,50^A0N,40,40^FD");
	for (; n < 280; n++)
		job[n] = (uint8_t)('A' + n % 26);
	memcpy(job + n, "^FS^XZ", 6);
	n += 6;
	f = bed_add(b, &printer);
	bed_start(b);
	assert_int_equal(attached(b), 1);
	assert_int_equal(fh_usb_devices(b->usb, list, 2), 1);
	g_mutex_lock(&f->lock);
	f->out_short = 10; /* the printer takes only 10 bytes of the first write */
	g_mutex_unlock(&f->lock);
	assert_int_equal(fh_printer_print(list[0].dev, job, n), FH_OK);
	g_mutex_lock(&f->lock);
	assert_int_equal(f->out->len, n);
	assert_memory_equal(f->out->data, job, n);
	g_mutex_unlock(&f->lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(enumerate__drivers_by_id_class_and_usage,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(enumerate__vendor_collection_skipped, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(claim__kernel_driver_detached_and_reattached,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(pos__multi_report_gs1_scan, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(kbd__left_to_the_console_unless_bound, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(kbd__shift_doubles_and_ctrl_bracket, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(scan__two_scanners_at_once, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(scale__motion_then_stable_then_unit_change,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(unplug__mid_scan_detached_then_replugged,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(claim__set_idle_stall_tolerated, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(transport__blocking_poll_times_out_then_reads,
						bed_setup, bed_teardown),
		cmocka_unit_test_setup_teardown(hotplug__replug_seen_without_rescan, bed_setup,
						bed_teardown),
		cmocka_unit_test_setup_teardown(printer__job_byte_for_byte_with_partial_write,
						bed_setup, bed_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
