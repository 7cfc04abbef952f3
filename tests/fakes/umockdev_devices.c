/* tests/fakes: USB devices emulated with libumockdev (see the header). */
#include "fakes/umockdev_devices.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <sys/ioctl.h>

/* The HID POS report descriptor of the notes (section 1.2): report 2, byte
 * count, AIM 3 bytes, 56 data bytes, vendor code id + reserved, continued. */
const uint8_t umd_pos_desc[] = {
	0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x12, 0xa1, 0x02, 0x85, 0x02, 0x15, 0x00,
	0x26, 0xff, 0x00, 0x75, 0x08, 0x05, 0x01, 0x09, 0x3b, 0x95, 0x01, 0x81, 0x02, 0x05,
	0x8c, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x95, 0x03, 0x81, 0x02, 0x09, 0xfe, 0x95,
	0x38, 0x82, 0x02, 0x01, 0x06, 0x66, 0xff, 0x09, 0x01, 0x95, 0x02, 0x81, 0x02, 0x05,
	0x8c, 0x09, 0xff, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x75, 0x07, 0x81,
	0x03, 0xc0, 0xc0,
};

/* Generic Desktop, Game Pad: buttons 1..8, one bit each, no report id. */
const uint8_t umd_pad_desc[] = {
	0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0x05, 0x09, 0x19, 0x01, 0x29, 0x08, 0x15, 0x00,
	0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xc0,
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

static size_t string_desc(const struct umd_dev *f, unsigned idx, uint8_t *out)
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
static int control(struct umd_dev *f, const uint8_t *setup, uint8_t *reply)
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
static void submit(struct umd_dev *f, UMockdevIoctlData *ptr)
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
static UMockdevIoctlData *reap(struct umd_dev *f)
{
	UMockdevIoctlData *urb = g_queue_pop_head(&f->done);

	if (urb)
		return urb;
	for (GList *l = f->pending.head; l; l = l->next) {
		const struct usbdevfs_urb *u = (const void *)((UMockdevIoctlData *)l->data)->data;

		for (GList *r = f->reports.head; r; r = r->next) {
			struct umd_report *rep = r->data;
			UMockdevIoctlData *buf;
			size_t n;

			if (rep->ep != u->endpoint)
				continue;
			urb = l->data;
			g_queue_delete_link(&f->pending, l);
			g_queue_delete_link(&f->reports, r);
			if (rep->stall) {
				urb_set(urb, -EPIPE, 0);
				g_free(rep);
				return urb;
			}
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

static bool discard(struct umd_dev *f, UMockdevIoctlData *arg)
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
	struct umd_dev *f = ud;
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
	case USBDEVFS_CLEAR_HALT:
		d = deref(arg, sizeof(unsigned));
		f->clear_halts++;
		f->halt_ep = *(const unsigned *)d->data;
		break;
	case USBDEVFS_SETINTERFACE:
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
static size_t descriptors(const struct umd_spec *s, uint8_t *d)
{
	uint8_t dd[18] = { 18, 1, 0x00, 0x02, 0, 0, 0, 64, (uint8_t)s->vid, (uint8_t)(s->vid >> 8),
			   (uint8_t)s->pid, (uint8_t)(s->pid >> 8), 0x00, 0x01, 1, 2,
			   (uint8_t)(s->serial ? 3 : 0), 1 };
	size_t n = put(d, 0, dd, sizeof(dd)), cfg = n;
	uint8_t cd[9] = { 9, 2, 0, 0, (uint8_t)s->n_if, 1, 0, 0x80, 50 };

	n = put(d, n, cd, sizeof(cd));
	for (unsigned i = 0; i < s->n_if; i++) {
		const struct umd_iface *f = &s->ifs[i];
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

struct umd_dev *umd_add(struct umd_bed *b, const struct umd_spec *s)
{
	struct umd_dev *f = g_new0(struct umd_dev, 1);
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

static void dev_free(struct umd_dev *f)
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

void umd_push(struct umd_dev *f, uint8_t ep, const void *b, size_t n)
{
	struct umd_report *r = g_new0(struct umd_report, 1);

	assert_true(n <= sizeof(r->b));
	r->ep = ep;
	r->n = n;
	memcpy(r->b, b, n);
	g_mutex_lock(&f->lock);
	g_queue_push_tail(&f->reports, r);
	g_mutex_unlock(&f->lock);
}

void umd_stall(struct umd_dev *f, uint8_t ep)
{
	struct umd_report *r = g_new0(struct umd_report, 1);

	r->ep = ep;
	r->stall = true;
	g_mutex_lock(&f->lock);
	g_queue_push_tail(&f->reports, r);
	g_mutex_unlock(&f->lock);
}

static void set_unplugged(struct umd_dev *f, bool unplugged)
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
void umd_unplug(struct umd_bed *b, struct umd_dev *f)
{
	set_unplugged(f, true);
	umockdev_testbed_uevent(b->tb, f->syspath, "remove");
	umockdev_testbed_remove_device(b->tb, f->syspath);
}

/* Plug it back in: a fresh device at the same place ("add" uevent). */
void umd_replug(struct umd_bed *b, struct umd_dev *f)
{
	GError *err = NULL;

	set_unplugged(f, false);
	assert_true(umockdev_testbed_add_from_string(b->tb, f->sysfs, &err));
	umockdev_testbed_uevent(b->tb, f->syspath, "add");
}
/* A HID POS report: report 2, len, AIM, data, vendor code, more flag. */
void umd_pos_report(uint8_t r[64], const char *aim, const void *data, size_t n, bool more)
{
	memset(r, 0, 64);
	r[0] = 2;
	r[1] = (uint8_t)n;
	memcpy(r + 2, aim, 3);
	memcpy(r + 5, data, n);
	r[61] = 'w';
	r[63] = more ? 1 : 0;
}
struct umd_bed *umd_bed_new(void)
{
	struct umd_bed *b = g_new0(struct umd_bed, 1);

	b->tb = umockdev_testbed_new();
	/* True once a testbed exists, with the preload library linked in. */
	assert_true(umockdev_in_mock_environment());
	return b;
}

void umd_bed_free(struct umd_bed *b)
{
	if (!b)
		return;
	g_object_unref(b->tb);
	for (unsigned i = 0; i < b->n; i++)
		dev_free(b->dev[i]);
	g_free(b);
}

const struct umd_spec umd_pos_scanner = {
	.vid = 0x0c2e, .pid = 0x0b61, .serial = "SN00042", .n_if = 1,
	.ifs = { { 3, 0, 0, umd_pos_desc, sizeof(umd_pos_desc), 0x81, 0, false, 64 } },
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

const struct umd_spec umd_scale = {
	.vid = 0x0922, .pid = 0x8003, .n_if = 1,
	.ifs = { { 3, 0, 0, scale_desc, sizeof(scale_desc), 0x81, 0, false, 8 } },
};

/* The boot keyboard of the HID spec, appendix B.1. */
static const uint8_t kbd_desc[] = {
	0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00,
	0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01,
	0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01,
	0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07,
	0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
};

const struct umd_spec umd_kbd_scanner = {
	.vid = 0x05e0, .pid = 0x1200, .serial = "KBD1", .driver = "usbhid", .n_if = 1,
	.ifs = { { 3, 1, 1, kbd_desc, sizeof(kbd_desc), 0x81, 0, false, 8 } },
};

const struct umd_spec umd_gamepad = {
	.vid = 0x1209, .pid = 0x0001, .serial = "PAD1", .n_if = 1,
	.ifs = { { 3, 0, 0, umd_pad_desc, sizeof(umd_pad_desc), 0x81, 0, false, 8 } },
};
