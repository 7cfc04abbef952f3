/* firmware-host: the USB layer (libusb).  The only file that includes
 * <libusb.h> (STYLE.md section 1).
 *
 * What it does: enumerates USB devices and matches each interface to a
 * driver (VID:PID first, then class triplet and HID usage read from the
 * report descriptor), claims the interface with automatic kernel-driver
 * detach, implements struct fh_transport over interrupt IN (two or more
 * asynchronous transfers always in flight, feeding a small report queue)
 * and bulk/interrupt OUT, follows hot-plug (libusb hot-plug where the
 * platform has it, fh_usb_rescan() otherwise) and turns all of it into
 * struct fh_event values for a poll loop (fh_usb_pollfds(),
 * fh_usb_dispatch()).  How it fits together: docs/DRIVERS.md, "How the USB
 * layer works".
 *
 * Not for: decoding reports (the drivers), roles (the station).
 *
 * Threading: one thread owns the struct fh_usb, its devices and the
 * libusb context.  libusb calls our transfer and hot-plug callbacks only
 * from inside libusb_handle_events*() on that thread; the callbacks only
 * queue data and set flags, the work happens in fh_usb_dispatch().
 */
#define LOG_PREFIX "usb"
#include "fh-int.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

#include <libusb.h>

#include "drivers/hid-report/hidrd.h"
#include "drivers/usb-printer/protocol.h"

#define USB_XFERS 2          /* interrupt IN transfers in flight per endpoint */
#define USB_QUEUE 32         /* reports queued per device before the oldest is dropped */
#define USB_REPORT_MAX 1024  /* the longest interrupt IN report kept */
#define USB_EVENTS 16        /* ATTACHED / DETACHED events waiting for dispatch */
#define USB_CTRL_TIMEOUT_MS 1000
#define USB_CLOSE_WAIT_MS 1000
#define USB_DEVID_MAX 1024

/* ---- the transport of one claimed interface -------------------------------- */

struct usb_tp {
	struct fh_transport t; /* first: the core sees only this */
	struct fh_usb *usb;
	libusb_device_handle *h;
	int iface;
	bool claimed;
	uint8_t ep_in, ep_out;
	bool out_bulk;
	size_t in_max;
	bool gone; /* LIBUSB_ERROR_NO_DEVICE seen or hot-plug left */
	bool wedged; /* the IN endpoint kept stalling: given up until replugged */
	struct libusb_transfer *xfer[USB_XFERS];
	bool active[USB_XFERS];
	bool halted[USB_XFERS]; /* completed with STALL: clear the halt, resubmit */
	unsigned stalls;        /* halt clears since the last report */
	/* The report queue: ring of USB_QUEUE slots of in_max bytes. */
	uint8_t *q;
	size_t qlen[USB_QUEUE];
	unsigned qhead, qcount;
};

/* One opened interface and its device. */
struct usb_entry {
	struct fh_dev *dev;
	struct usb_tp *tp; /* owned by dev */
	libusb_device *ldev; /* a reference of ours */
	struct fh_identity id;
};

/* A libusb device we have looked at (opened or found nothing to drive). */
struct usb_seen {
	libusb_device *ldev; /* a reference of ours */
};

struct fh_usb {
	struct fh_ctx *ctx;
	libusb_context *lctx;
	bool hotplug;
	libusb_hotplug_callback_handle hp;
	unsigned pollfd_gen, pollfd_seen_gen;

	struct usb_entry *ent;
	size_t n_ent, cap_ent;
	unsigned rr; /* round-robin start for fairness between devices */

	struct usb_seen *seen;
	size_t n_seen, cap_seen;

	libusb_device **arrived; /* hot-plug arrivals, each with a reference */
	size_t n_arrived, cap_arrived;

	struct fh_event *ev; /* ring of USB_EVENTS */
	unsigned ev_head, ev_count;
};

/* Map a libusb error to FH_ERR_*, once, here; the libusb name is logged
 * (at DEBUG: the caller decides what is worth a warning). */
static int map_err(const struct fh_usb *usb, int lrc, const char *what)
{
	int rc;

	switch (lrc) {
	case LIBUSB_SUCCESS:
		return FH_OK;
	case LIBUSB_ERROR_NO_DEVICE:
		rc = FH_ERR_NODEV;
		break;
	case LIBUSB_ERROR_TIMEOUT:
		rc = FH_ERR_TIMEOUT;
		break;
	case LIBUSB_ERROR_NO_MEM:
		rc = FH_ERR_NOMEM;
		break;
	case LIBUSB_ERROR_INVALID_PARAM:
		rc = FH_ERR_ARG;
		break;
	case LIBUSB_ERROR_NOT_SUPPORTED:
	case LIBUSB_ERROR_NOT_FOUND:
		rc = FH_ERR_NA;
		break;
	case LIBUSB_ERROR_OVERFLOW:
	case LIBUSB_ERROR_PIPE:
		rc = FH_ERR_PROTO;
		break;
	default: /* IO, ACCESS, BUSY, INTERRUPTED, OTHER */
		rc = FH_ERR_IO;
		break;
	}
	fh_dbg(usb->ctx, "%s: %s", what, libusb_error_name(lrc));
	return rc;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Let libusb run callbacks for up to wait_ms (0 = only what is ready). */
static void handle_events(struct fh_usb *usb, int wait_ms)
{
	struct timeval tv = { wait_ms / 1000, (wait_ms % 1000) * 1000 };
	int lrc = libusb_handle_events_timeout_completed(usb->lctx, &tv, NULL);

	if (lrc < 0 && lrc != LIBUSB_ERROR_INTERRUPTED)
		map_err(usb, lrc, "handle events");
}

/* ---- interrupt IN ---------------------------------------------------------- */

static void queue_report(struct usb_tp *tp, const uint8_t *b, size_t n)
{
	unsigned slot;

	if (n > tp->in_max)
		n = tp->in_max;
	if (tp->qcount == USB_QUEUE) { /* the driver is not reading: drop the oldest */
		fh_dbg(tp->usb->ctx, "interface %d: report queue full, oldest dropped", tp->iface);
		tp->qhead = (tp->qhead + 1) % USB_QUEUE;
		tp->qcount--;
	}
	slot = (tp->qhead + tp->qcount) % USB_QUEUE;
	memcpy(tp->q + (size_t)slot * tp->in_max, b, n);
	tp->qlen[slot] = n;
	tp->qcount++;
}

static void LIBUSB_CALL in_done(struct libusb_transfer *x)
{
	struct usb_tp *tp = x->user_data;
	unsigned i;
	int lrc;

	for (i = 0; i < USB_XFERS; i++)
		if (tp->xfer[i] == x)
			break;
	if (FH_NEVER(i == USB_XFERS))
		return;
	switch (x->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		tp->stalls = 0;
		queue_report(tp, x->buffer, (size_t)x->actual_length);
		break;
	case LIBUSB_TRANSFER_STALL:
		/* The endpoint is halted: resubmitting alone would stall again.
		 * libusb_clear_halt() blocks, so not in here: clear_halts(),
		 * from the next read, does it and resubmits. */
		fh_dbg(tp->usb->ctx, "interface %d: IN endpoint 0x%02x stalled", tp->iface,
		       tp->ep_in);
		tp->active[i] = false;
		tp->halted[i] = !tp->gone;
		return;
	case LIBUSB_TRANSFER_NO_DEVICE:
		tp->gone = true;
		break;
	case LIBUSB_TRANSFER_CANCELLED:
		tp->active[i] = false;
		return;
	default: /* TIMED_OUT, ERROR, OVERFLOW: try again */
		fh_dbg(tp->usb->ctx, "interface %d: IN transfer status %d", tp->iface, x->status);
		break;
	}
	if (tp->gone) {
		tp->active[i] = false;
		return;
	}
	lrc = libusb_submit_transfer(x);
	if (lrc < 0) {
		tp->active[i] = false;
		if (map_err(tp->usb, lrc, "resubmit IN") == FH_ERR_NODEV)
			tp->gone = true;
	}
}

/* After a STALL: whether to clear the halt and resubmit again, given the
 * halt clears since the last report that came through.  A device that
 * stalls every transfer gets FH_USB_STALL_RETRIES clears, then is given up
 * (it reads as unplugged until it is replugged): never a busy loop. */
static bool stall_retry(unsigned clears_so_far)
{
	return clears_so_far < FH_USB_STALL_RETRIES;
}

/* Clear a halted IN endpoint and resubmit the transfers it stalled. */
static void clear_halts(struct usb_tp *tp)
{
	bool any = false;
	int lrc;

	for (unsigned i = 0; i < USB_XFERS; i++)
		any = any || tp->halted[i];
	if (!any || tp->gone)
		return;
	if (!stall_retry(tp->stalls)) {
		fh_warn(tp->usb->ctx, "interface %d: IN endpoint 0x%02x still stalls after %u "
			"clears; device given up until it is replugged", tp->iface, tp->ep_in,
			tp->stalls);
		for (unsigned i = 0; i < USB_XFERS; i++)
			tp->halted[i] = false;
		tp->wedged = true;
		tp->gone = true;
		return;
	}
	tp->stalls++;
	lrc = libusb_clear_halt(tp->h, tp->ep_in);
	if (lrc < 0 && map_err(tp->usb, lrc, "clear halt") == FH_ERR_NODEV) {
		tp->gone = true;
		return;
	}
	for (unsigned i = 0; i < USB_XFERS; i++) {
		if (!tp->halted[i])
			continue;
		tp->halted[i] = false;
		lrc = libusb_submit_transfer(tp->xfer[i]);
		if (lrc < 0) {
			if (map_err(tp->usb, lrc, "resubmit IN after clear halt") == FH_ERR_NODEV)
				tp->gone = true;
			continue;
		}
		tp->active[i] = true;
	}
}

static int start_in(struct usb_tp *tp)
{
	for (unsigned i = 0; i < USB_XFERS; i++) {
		uint8_t *buf = malloc(tp->in_max);
		int lrc;

		tp->xfer[i] = libusb_alloc_transfer(0);
		if (!tp->xfer[i] || !buf) {
			free(buf);
			return FH_ERR_NOMEM;
		}
		/* The transfer owns buf from here (LIBUSB_TRANSFER_FREE_BUFFER). */
		libusb_fill_interrupt_transfer(tp->xfer[i], tp->h, tp->ep_in, buf, (int)tp->in_max,
					       in_done, tp, 0);
		tp->xfer[i]->flags = LIBUSB_TRANSFER_FREE_BUFFER;
		lrc = libusb_submit_transfer(tp->xfer[i]);
		if (lrc < 0)
			return map_err(tp->usb, lrc, "submit IN");
		tp->active[i] = true;
	}
	return FH_OK;
}

/* ---- the transport ops ------------------------------------------------------ */

static int tp_read(struct fh_transport *t, uint8_t *b, size_t cap, int timeout_ms)
{
	struct usb_tp *tp = (struct usb_tp *)t;
	int64_t end = timeout_ms > 0 ? mono_ms() + timeout_ms : 0;

	for (;;) {
		clear_halts(tp);
		if (tp->qcount > 0) {
			size_t n = tp->qlen[tp->qhead];

			if (n > cap)
				n = cap;
			memcpy(b, tp->q + (size_t)tp->qhead * tp->in_max, n);
			tp->qhead = (tp->qhead + 1) % USB_QUEUE;
			tp->qcount--;
			return (int)n;
		}
		if (tp->gone)
			return FH_ERR_NODEV;
		if (!tp->xfer[0])
			return FH_ERR_NA; /* no IN endpoint */
		if (timeout_ms == 0) {
			handle_events(tp->usb, 0);
			if (tp->qcount == 0 && !tp->gone)
				return FH_ERR_TIMEOUT;
			continue;
		}
		if (timeout_ms > 0) {
			int64_t left = end - mono_ms();

			if (left <= 0) {
				handle_events(tp->usb, 0);
				if (tp->qcount == 0 && !tp->gone)
					return FH_ERR_TIMEOUT;
				continue;
			}
			handle_events(tp->usb, left > 100 ? 100 : (int)left);
		} else {
			handle_events(tp->usb, 100);
		}
	}
}

static int tp_write(struct fh_transport *t, const uint8_t *b, size_t n, int timeout_ms)
{
	struct usb_tp *tp = (struct usb_tp *)t;
	unsigned to = timeout_ms < 0 ? 0 : timeout_ms == 0 ? 1 : (unsigned)timeout_ms;
	int done = 0, lrc, rc;

	if (tp->gone)
		return FH_ERR_NODEV;
	if (!tp->ep_out)
		return FH_ERR_NA;
	if (n == 0 || n > INT32_MAX)
		return FH_ERR_ARG; /* never a zero-length packet */
	if (tp->out_bulk)
		lrc = libusb_bulk_transfer(tp->h, tp->ep_out, (uint8_t *)b, (int)n, &done, to);
	else
		lrc = libusb_interrupt_transfer(tp->h, tp->ep_out, (uint8_t *)b, (int)n, &done, to);
	if (lrc == 0 || (lrc == LIBUSB_ERROR_TIMEOUT && done > 0))
		return done; /* a short write: the caller resumes from there */
	rc = map_err(tp->usb, lrc, "write");
	if (rc == FH_ERR_NODEV)
		tp->gone = true;
	return rc;
}

static void tp_close(struct fh_transport *t)
{
	struct usb_tp *tp = (struct usb_tp *)t;
	int64_t end = mono_ms() + USB_CLOSE_WAIT_MS;
	bool busy;

	for (unsigned i = 0; i < USB_XFERS; i++)
		if (tp->active[i])
			libusb_cancel_transfer(tp->xfer[i]); /* NOT_FOUND: its callback is due */
	/* Wait for the cancellations to come back: a transfer in flight must
	 * not be freed. */
	for (;;) {
		busy = false;
		for (unsigned i = 0; i < USB_XFERS; i++)
			busy = busy || tp->active[i];
		if (!busy || mono_ms() >= end)
			break;
		handle_events(tp->usb, 50);
	}
	for (unsigned i = 0; i < USB_XFERS; i++) {
		if (tp->active[i])
			fh_warn(tp->usb->ctx, "interface %d: transfer still in flight, leaked",
				tp->iface);
		else
			libusb_free_transfer(tp->xfer[i]);
	}
	if (tp->h) {
		/* With auto-detach on, release re-attaches the kernel driver. */
		if (tp->claimed && !tp->gone)
			libusb_release_interface(tp->h, tp->iface);
		libusb_close(tp->h);
	}
	free(tp->q);
	free(tp);
}

static const struct fh_transport_ops usb_tp_ops = {
	.write = tp_write,
	.read = tp_read,
	.close = tp_close,
};

/* ---- events ------------------------------------------------------------------ */

static void push_event(struct fh_usb *usb, enum fh_event_kind kind, const struct fh_identity *id)
{
	struct fh_event *ev;

	if (usb->ev_count == USB_EVENTS) {
		fh_warn(usb->ctx, "event queue full, oldest dropped");
		usb->ev_head = (usb->ev_head + 1) % USB_EVENTS;
		usb->ev_count--;
	}
	ev = &usb->ev[(usb->ev_head + usb->ev_count) % USB_EVENTS];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->ts_ms = fh_ctx_now_ms(usb->ctx);
	ev->dev = *id;
	usb->ev_count++;
}

/* ---- enumeration and matching ------------------------------------------------ */

static bool id_match(const struct fh_driver *drv, uint16_t vid, uint16_t pid)
{
	for (const struct fh_usb_id *u = drv->ids; u && (u->vid || u->pid); u++)
		if (u->vid == vid && u->pid == pid)
			return true;
	return false;
}

static bool triplet_match(const struct fh_usb_class *c, const struct libusb_interface_descriptor *a)
{
	return c->if_class == a->bInterfaceClass &&
	       (c->if_subclass < 0 || c->if_subclass == a->bInterfaceSubClass) &&
	       (c->if_protocol < 0 || c->if_protocol == a->bInterfaceProtocol);
}

/* Whether some driver could take interface a by class (usage aside). */
static bool any_class_match(const struct libusb_interface_descriptor *a)
{
	for (size_t i = 0; fh_drivers[i]; i++)
		for (const struct fh_usb_class *c = fh_drivers[i]->classes; c && c->if_class; c++)
			if (triplet_match(c, a))
				return true;
	return false;
}

/* The driver for an interface: a VID:PID match (on an interface its class
 * list accepts, or any interface if it has none) beats a class match; a
 * class entry with a usage needs that application collection in the
 * report descriptor d (NULL when there is none). */
static const struct fh_driver *pick_driver(uint16_t vid, uint16_t pid,
					   const struct libusb_interface_descriptor *a,
					   const struct fh_hidrd *d, struct fh_dev_info *info)
{
	for (size_t i = 0; fh_drivers[i]; i++) {
		const struct fh_driver *drv = fh_drivers[i];
		bool ok = !drv->classes;

		if (!id_match(drv, vid, pid))
			continue;
		for (const struct fh_usb_class *c = drv->classes; c && c->if_class && !ok; c++)
			ok = triplet_match(c, a);
		if (ok)
			return drv;
	}
	for (size_t i = 0; fh_drivers[i]; i++) {
		const struct fh_driver *drv = fh_drivers[i];

		for (const struct fh_usb_class *c = drv->classes; c && c->if_class; c++) {
			if (!triplet_match(c, a))
				continue;
			if (c->usage_page == 0) /* class alone */
				return drv;
			if (d && fh_hidrd_find_app(d, c->usage_page, c->usage) >= 0) {
				info->usage_page = c->usage_page;
				info->usage = c->usage;
				return drv;
			}
		}
	}
	return NULL;
}

/* The HID report descriptor length from the HID class descriptor (0x21)
 * in the interface's extra bytes; 0 when absent. */
static size_t hid_desc_len(const struct libusb_interface_descriptor *a)
{
	const uint8_t *p = a->extra;
	int left = a->extra_length;

	while (left >= 2 && p[0] >= 2 && p[0] <= left) {
		if (p[1] == 0x21 && p[0] >= 9) {
			/* bNumDescriptors at 5; then (type, length) pairs */
			for (unsigned k = 0; k < p[5] && 6u + 3u * k + 2u < p[0]; k++)
				if (p[6 + 3 * k] == 0x22)
					return (size_t)(p[7 + 3 * k] | p[8 + 3 * k] << 8);
		}
		left -= p[0];
		p += p[0];
	}
	return 0;
}

static void read_report_desc(struct fh_usb *usb, libusb_device_handle *h,
			     const struct libusb_interface_descriptor *a, struct fh_dev_info *info)
{
	size_t want = hid_desc_len(a);
	int lrc;

	if (want == 0 || want > FH_REPORT_DESC_MAX)
		want = FH_REPORT_DESC_MAX;
	lrc = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN | LIBUSB_RECIPIENT_INTERFACE,
				      LIBUSB_REQUEST_GET_DESCRIPTOR, 0x2200, a->bInterfaceNumber,
				      info->report_desc, (uint16_t)want, USB_CTRL_TIMEOUT_MS);
	if (lrc < 0) {
		map_err(usb, lrc, "GET_DESCRIPTOR(report)");
		return;
	}
	info->report_desc_len = (size_t)lrc;
}

/* Class request without data (SET_PROTOCOL, SET_IDLE); failures only
 * logged: many devices ignore them. */
static void hid_request(struct fh_usb *usb, libusb_device_handle *h, int iface, uint8_t req,
			uint16_t val, const char *what)
{
	int lrc = libusb_control_transfer(h,
					  LIBUSB_ENDPOINT_OUT | LIBUSB_REQUEST_TYPE_CLASS |
						  LIBUSB_RECIPIENT_INTERFACE,
					  req, val, (uint16_t)iface, NULL, 0, USB_CTRL_TIMEOUT_MS);

	if (lrc < 0)
		map_err(usb, lrc, what);
}

static void log_device_id(struct fh_usb *usb, libusb_device_handle *h,
			  const struct libusb_interface_descriptor *a)
{
	uint8_t *buf = malloc(USB_DEVID_MAX);
	struct fh_ieee1284_id *id = malloc(sizeof(*id));
	int lrc;

	if (!buf || !id)
		goto out;
	lrc = libusb_control_transfer(h,
				      LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_CLASS |
					      LIBUSB_RECIPIENT_INTERFACE,
				      0 /* GET_DEVICE_ID */, 0,
				      (uint16_t)(a->bInterfaceNumber << 8 | a->bAlternateSetting),
				      buf, USB_DEVID_MAX, USB_CTRL_TIMEOUT_MS);
	if (lrc < 0) {
		map_err(usb, lrc, "GET_DEVICE_ID");
		goto out;
	}
	if (fh_ieee1284_parse(buf, (size_t)lrc, id) == FH_OK)
		fh_dbg(usb->ctx, "printer: MFG %s, MDL %s, CMD %s", id->mfg, id->mdl, id->cmd);
out:
	free(id);
	free(buf);
}

static void fill_identity(struct fh_usb *usb, libusb_device *ldev, libusb_device_handle *h,
			  const struct libusb_device_descriptor *dd, struct fh_identity *id)
{
	uint8_t ports[8];
	int n, len;

	memset(id, 0, sizeof(*id));
	id->vid = dd->idVendor;
	id->pid = dd->idProduct;
	if (dd->iSerialNumber) {
		n = libusb_get_string_descriptor_ascii(h, dd->iSerialNumber,
						       (unsigned char *)id->serial,
						       FH_SERIAL_MAX);
		if (n < 0) {
			map_err(usb, n, "serial string");
			id->serial[0] = '\0';
		}
	}
	len = snprintf(id->port, FH_PORT_MAX, "%u", libusb_get_bus_number(ldev));
	n = libusb_get_port_numbers(ldev, ports, (int)sizeof(ports));
	for (int i = 0; i < n && len > 0 && len < FH_PORT_MAX; i++) {
		int w = snprintf(id->port + len, FH_PORT_MAX - (size_t)len, "%c%u",
				 i == 0 ? '-' : '.', ports[i]);

		if (w < 0)
			break;
		len += w;
	}
}

static void endpoints(const struct libusb_interface_descriptor *a, struct usb_tp *tp,
		      struct fh_dev_info *info)
{
	for (unsigned e = 0; e < a->bNumEndpoints; e++) {
		const struct libusb_endpoint_descriptor *ep = &a->endpoint[e];
		unsigned type = ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK;
		size_t max = ep->wMaxPacketSize & 0x7ff;

		if (type != LIBUSB_TRANSFER_TYPE_INTERRUPT && type != LIBUSB_TRANSFER_TYPE_BULK)
			continue;
		if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) && !tp->ep_in) {
			tp->ep_in = ep->bEndpointAddress;
			info->in_max = max;
		} else if (!(ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) && !tp->ep_out) {
			tp->ep_out = ep->bEndpointAddress;
			tp->out_bulk = type == LIBUSB_TRANSFER_TYPE_BULK;
			info->out_max = max;
		}
	}
}

static int add_entry(struct fh_usb *usb, struct fh_dev *dev, struct usb_tp *tp,
		     libusb_device *ldev)
{
	if (usb->n_ent == usb->cap_ent) {
		size_t cap = usb->cap_ent ? usb->cap_ent * 2 : 8;
		struct usb_entry *n = realloc(usb->ent, cap * sizeof(*n));

		if (!n)
			return FH_ERR_NOMEM;
		usb->ent = n;
		usb->cap_ent = cap;
	}
	usb->ent[usb->n_ent].dev = dev;
	usb->ent[usb->n_ent].tp = tp;
	usb->ent[usb->n_ent].ldev = libusb_ref_device(ldev);
	usb->ent[usb->n_ent].id = *fh_dev_identity(dev);
	usb->n_ent++;
	return FH_OK;
}

/* Probe one interface: open, claim (detaching a kernel driver), learn the
 * report descriptor, pick a driver, start its transport.  Returns 1 when
 * a device was opened, 0 when nothing drives the interface, or an error. */
static int probe_iface(struct fh_usb *usb, libusb_device *ldev,
		       const struct libusb_device_descriptor *dd,
		       const struct libusb_interface_descriptor *a)
{
	struct usb_tp *tp = NULL;
	struct fh_dev_info *info = NULL;
	struct fh_hidrd *d = NULL;
	struct fh_identity id;
	struct fh_dev *dev = NULL;
	const struct fh_driver *drv;
	int lrc, rc;

	info = calloc(1, sizeof(*info));
	tp = calloc(1, sizeof(*tp));
	if (!info || !tp) {
		rc = FH_ERR_NOMEM;
		goto out;
	}
	tp->t.ops = &usb_tp_ops;
	tp->usb = usb;
	tp->iface = a->bInterfaceNumber;
	info->if_class = a->bInterfaceClass;
	info->if_subclass = a->bInterfaceSubClass;
	info->if_protocol = a->bInterfaceProtocol;
	lrc = libusb_open(ldev, &tp->h);
	if (lrc < 0) {
		rc = map_err(usb, lrc, "open");
		if (lrc == LIBUSB_ERROR_ACCESS)
			fh_warn(usb->ctx, "%04x:%04x: no permission: install the qcstation udev "
				"rules (docs/devices.md)", dd->idVendor, dd->idProduct);
		goto out;
	}
	fill_identity(usb, ldev, tp->h, dd, &id);
	/* A boot keyboard is claimed only when the caller says it is a
	 * scanner (or a pedal): claiming would take the operator's own
	 * keyboard away from the console. */
	if (a->bInterfaceClass == LIBUSB_CLASS_HID && a->bInterfaceSubClass == 1 &&
	    a->bInterfaceProtocol == 1 && usb->ctx->claim_keyboard &&
	    !usb->ctx->claim_keyboard(&id, "hid-kbd-scanner", usb->ctx->claim_ud)) {
		fh_dbg(usb->ctx, "%04x:%04x if %d at %s: a keyboard not bound to the station; left alone",
		       dd->idVendor, dd->idProduct, tp->iface, id.port);
		rc = 0;
		goto out;
	}
	/* The kernel driver (usbhid, usblp) goes while we hold the interface
	 * and comes back on release. */
	libusb_set_auto_detach_kernel_driver(tp->h, 1);
	lrc = libusb_claim_interface(tp->h, tp->iface);
	if (lrc < 0) {
		rc = map_err(usb, lrc, "claim");
		goto out;
	}
	tp->claimed = true;
	if (a->bInterfaceClass == LIBUSB_CLASS_HID) {
		read_report_desc(usb, tp->h, a, info);
		if (info->report_desc_len > 0) {
			d = malloc(sizeof(*d));
			if (!d) {
				rc = FH_ERR_NOMEM;
				goto out;
			}
			if (fh_hidrd_parse(info->report_desc, info->report_desc_len, d) < 0) {
				fh_dbg(usb->ctx, "%04x:%04x if %d: report descriptor does not parse",
				       dd->idVendor, dd->idProduct, tp->iface);
				free(d);
				d = NULL;
			}
		}
	}
	drv = pick_driver(dd->idVendor, dd->idProduct, a, d, info);
	if (!drv) {
		rc = 0;
		goto out;
	}
	if (a->bInterfaceClass == LIBUSB_CLASS_HID) {
		hid_request(usb, tp->h, tp->iface, 0x0A, 0, "SET_IDLE");
		if (a->bInterfaceSubClass == 1) /* boot interface: the decoders want boot reports */
			hid_request(usb, tp->h, tp->iface, 0x0B, 0, "SET_PROTOCOL(boot)");
	}
	if (a->bInterfaceClass == LIBUSB_CLASS_PRINTER)
		log_device_id(usb, tp->h, a);
	endpoints(a, tp, info);
	if (drv->poll && tp->ep_in) {
		tp->in_max = info->in_max ? info->in_max : 64;
		if (tp->in_max > USB_REPORT_MAX)
			tp->in_max = USB_REPORT_MAX;
		tp->q = malloc(USB_QUEUE * tp->in_max);
		if (!tp->q) {
			rc = FH_ERR_NOMEM;
			goto out;
		}
		rc = start_in(tp);
		if (rc < 0)
			goto out;
	}
	id.cls = drv->cls;
	rc = fh_dev_new(usb->ctx, drv, &tp->t, &id, info, &dev);
	tp = NULL; /* fh_dev_new took it, on every path */
	if (rc < 0) {
		fh_dbg(usb->ctx, "%04x:%04x if %d: %s did not open: %s", dd->idVendor,
		       dd->idProduct, a->bInterfaceNumber, drv->name, fh_strerror(rc));
		rc = rc == FH_ERR_NA ? 0 : rc;
		goto out;
	}
	rc = add_entry(usb, dev, (struct usb_tp *)dev->t, ldev);
	if (rc < 0) {
		fh_dev_free(dev);
		goto out;
	}
	fh_dbg(usb->ctx, "%04x:%04x if %d at %s: %s", id.vid, id.pid, a->bInterfaceNumber,
		id.port, drv->name);
	push_event(usb, FH_EV_ATTACHED, &id);
	rc = 1;
out:
	if (tp)
		tp_close(&tp->t);
	free(d);
	free(info);
	return rc;
}

static void probe_device(struct fh_usb *usb, libusb_device *ldev)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cfg = NULL;
	int lrc;

	lrc = libusb_get_device_descriptor(ldev, &dd);
	if (lrc < 0) {
		map_err(usb, lrc, "device descriptor");
		return;
	}
	if (dd.bDeviceClass == LIBUSB_CLASS_HUB)
		return;
	lrc = libusb_get_active_config_descriptor(ldev, &cfg);
	if (lrc < 0)
		lrc = libusb_get_config_descriptor(ldev, 0, &cfg);
	if (lrc < 0) {
		map_err(usb, lrc, "config descriptor");
		return;
	}
	for (unsigned i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *a;
		bool vidpid = false;

		if (cfg->interface[i].num_altsetting < 1)
			continue;
		a = &cfg->interface[i].altsetting[0];
		for (size_t k = 0; fh_drivers[k] && !vidpid; k++)
			vidpid = id_match(fh_drivers[k], dd.idVendor, dd.idProduct);
		/* Claim only what some driver might take. */
		if (!vidpid && !any_class_match(a))
			continue;
		probe_iface(usb, ldev, &dd, a);
	}
	libusb_free_config_descriptor(cfg);
}

static bool seen_has(const struct fh_usb *usb, const libusb_device *ldev)
{
	for (size_t i = 0; i < usb->n_seen; i++)
		if (usb->seen[i].ldev == ldev)
			return true;
	return false;
}

static void seen_remove(struct fh_usb *usb, const libusb_device *ldev)
{
	for (size_t i = 0; i < usb->n_seen; i++) {
		if (usb->seen[i].ldev == ldev) {
			libusb_unref_device(usb->seen[i].ldev);
			usb->seen[i] = usb->seen[--usb->n_seen];
			return;
		}
	}
}

static int seen_add(struct fh_usb *usb, libusb_device *ldev)
{
	if (usb->n_seen == usb->cap_seen) {
		size_t cap = usb->cap_seen ? usb->cap_seen * 2 : 16;
		struct usb_seen *n = realloc(usb->seen, cap * sizeof(*n));

		if (!n)
			return FH_ERR_NOMEM;
		usb->seen = n;
		usb->cap_seen = cap;
	}
	usb->seen[usb->n_seen++].ldev = libusb_ref_device(ldev);
	return FH_OK;
}

static void consider(struct fh_usb *usb, libusb_device *ldev)
{
	if (seen_has(usb, ldev))
		return;
	if (seen_add(usb, ldev) < 0)
		return;
	probe_device(usb, ldev);
}

/* ---- hot-plug ------------------------------------------------------------------ */

static int LIBUSB_CALL hotplug_cb(libusb_context *lctx, libusb_device *ldev,
				  libusb_hotplug_event event, void *ud)
{
	struct fh_usb *usb = ud;

	(void)lctx;
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
		/* No I/O in here (it would re-enter the event loop): note it,
		 * fh_usb_dispatch() probes it. */
		if (usb->n_arrived == usb->cap_arrived) {
			size_t cap = usb->cap_arrived ? usb->cap_arrived * 2 : 8;
			libusb_device **n = realloc(usb->arrived, cap * sizeof(*n));

			if (!n)
				return 0; /* the next rescan finds it */
			usb->arrived = n;
			usb->cap_arrived = cap;
		}
		usb->arrived[usb->n_arrived++] = libusb_ref_device(ldev);
	} else if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT) {
		for (size_t i = 0; i < usb->n_ent; i++)
			if (usb->ent[i].ldev == ldev)
				usb->ent[i].tp->gone = true;
		/* Devices nothing drives are forgotten here (no rescan runs
		 * with hot-plug), the others when their DETACHED is made. */
		seen_remove(usb, ldev);
		for (size_t i = 0; i < usb->n_arrived; i++) {
			if (usb->arrived[i] == ldev) {
				libusb_unref_device(ldev);
				usb->arrived[i] = usb->arrived[--usb->n_arrived];
				break;
			}
		}
	}
	return 0;
}

static void LIBUSB_CALL pollfd_added(int fd, short events, void *ud)
{
	struct fh_usb *usb = ud;

	(void)fd;
	(void)events;
	usb->pollfd_gen++;
}

static void LIBUSB_CALL pollfd_removed(int fd, void *ud)
{
	struct fh_usb *usb = ud;

	(void)fd;
	usb->pollfd_gen++;
}

/* ---- public API ----------------------------------------------------------------- */

int fh_usb_new(struct fh_ctx *ctx, struct fh_usb **out)
{
	struct fh_usb *usb;
	int lrc, rc;

	if (!ctx || !out)
		return FH_ERR_ARG;
	usb = calloc(1, sizeof(*usb));
	if (!usb)
		return FH_ERR_NOMEM;
	usb->ctx = ctx;
	usb->ev = calloc(USB_EVENTS, sizeof(*usb->ev));
	if (!usb->ev) {
		free(usb);
		return FH_ERR_NOMEM;
	}
	lrc = libusb_init(&usb->lctx);
	if (lrc < 0) {
		rc = map_err(usb, lrc, "init");
		fh_err(ctx, "libusb_init: %s", libusb_error_name(lrc));
		free(usb->ev);
		free(usb);
		return rc;
	}
	libusb_set_pollfd_notifiers(usb->lctx, pollfd_added, pollfd_removed, usb);
	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		lrc = libusb_hotplug_register_callback(
			usb->lctx,
			LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, 0,
			LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
			LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, usb, &usb->hp);
		usb->hotplug = lrc == LIBUSB_SUCCESS;
		if (!usb->hotplug)
			map_err(usb, lrc, "hot-plug register (rescan instead)");
	}
	rc = fh_usb_rescan(usb);
	if (rc < 0) {
		fh_usb_free(usb);
		return rc;
	}
	*out = usb;
	return FH_OK;
}

void fh_usb_free(struct fh_usb *usb)
{
	if (!usb)
		return;
	for (size_t i = 0; i < usb->n_ent; i++) {
		fh_dev_free(usb->ent[i].dev);
		libusb_unref_device(usb->ent[i].ldev);
	}
	for (size_t i = 0; i < usb->n_seen; i++)
		libusb_unref_device(usb->seen[i].ldev);
	for (size_t i = 0; i < usb->n_arrived; i++)
		libusb_unref_device(usb->arrived[i]);
	if (usb->hotplug)
		libusb_hotplug_deregister_callback(usb->lctx, usb->hp);
	libusb_set_pollfd_notifiers(usb->lctx, NULL, NULL, NULL);
	libusb_exit(usb->lctx);
	free(usb->ent);
	free(usb->seen);
	free(usb->arrived);
	free(usb->ev);
	free(usb);
}

int fh_usb_rescan(struct fh_usb *usb)
{
	libusb_device **list = NULL;
	ssize_t n;

	if (!usb)
		return FH_ERR_ARG;
	n = libusb_get_device_list(usb->lctx, &list);
	if (n < 0)
		return map_err(usb, (int)n, "device list");
	/* Forget devices that are no longer listed, so a new one at the same
	 * address is probed. */
	for (size_t i = 0; i < usb->n_seen;) {
		bool listed = false;

		for (ssize_t k = 0; k < n && !listed; k++)
			listed = list[k] == usb->seen[i].ldev;
		if (listed) {
			i++;
			continue;
		}
		for (size_t e = 0; e < usb->n_ent; e++)
			if (usb->ent[e].ldev == usb->seen[i].ldev)
				usb->ent[e].tp->gone = true;
		libusb_unref_device(usb->seen[i].ldev);
		usb->seen[i] = usb->seen[--usb->n_seen];
	}
	for (ssize_t k = 0; k < n; k++)
		consider(usb, list[k]);
	libusb_free_device_list(list, 1);
	return FH_OK;
}

int fh_usb_pollfds(struct fh_usb *usb, struct pollfd *fds, size_t cap)
{
	const struct libusb_pollfd **p;
	size_t n = 0;

	if (!usb || (!fds && cap))
		return FH_ERR_ARG;
	p = libusb_get_pollfds(usb->lctx);
	if (!p)
		return FH_ERR_NA;
	for (; p[n]; n++) {
		if (n < cap) {
			fds[n].fd = p[n]->fd;
			fds[n].events = p[n]->events;
			fds[n].revents = 0;
		}
	}
	libusb_free_pollfds(p);
	usb->pollfd_seen_gen = usb->pollfd_gen;
	return n > INT32_MAX ? FH_ERR_BUG : (int)n;
}

bool fh_usb_pollfds_changed(const struct fh_usb *usb)
{
	return usb && usb->pollfd_gen != usb->pollfd_seen_gen;
}

int fh_usb_timeout_ms(struct fh_usb *usb)
{
	struct timeval tv;
	int rc;

	if (!usb)
		return FH_ERR_ARG;
	rc = libusb_get_next_timeout(usb->lctx, &tv);
	if (rc <= 0)
		return -1;
	return (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
}

/* Close and forget entry i (the device went away); a DETACHED event. */
static void detach(struct fh_usb *usb, size_t i, struct fh_event *ev)
{
	struct usb_entry e = usb->ent[i];
	bool wedged = e.tp->wedged;

	usb->ent[i] = usb->ent[--usb->n_ent];
	fh_dbg(usb->ctx, "%04x:%04x at %s: gone", e.id.vid, e.id.pid, e.id.port);
	fh_dev_free(e.dev);
	/* Probe it again if it comes back as the same libusb device (not one
	 * given up for stalling: only a replug, a new libusb device, brings
	 * that back). */
	if (!wedged)
		seen_remove(usb, e.ldev);
	libusb_unref_device(e.ldev);
	memset(ev, 0, sizeof(*ev));
	ev->kind = FH_EV_DETACHED;
	ev->ts_ms = fh_ctx_now_ms(usb->ctx);
	ev->dev = e.id;
}

int fh_usb_dispatch(struct fh_usb *usb, struct fh_event *ev)
{
	size_t n;

	if (!usb || !ev)
		return FH_ERR_ARG;
	handle_events(usb, 0);
	while (usb->n_arrived > 0) {
		libusb_device *ldev = usb->arrived[--usb->n_arrived];

		consider(usb, ldev);
		libusb_unref_device(ldev);
	}
	if (usb->ev_count > 0) {
		*ev = usb->ev[usb->ev_head];
		usb->ev_head = (usb->ev_head + 1) % USB_EVENTS;
		usb->ev_count--;
		return 1;
	}
	n = usb->n_ent;
	for (size_t k = 0; k < n; k++) {
		size_t i = (usb->rr + k) % n;
		struct usb_entry *e = &usb->ent[i];
		int rc = FH_ERR_NA;

		if (e->tp->xfer[0])
			rc = fh_dev_poll(e->dev, ev, 0);
		if (rc == FH_OK) {
			usb->rr = (unsigned)(i + 1);
			return 1;
		}
		if (rc == FH_ERR_NODEV || e->tp->gone) {
			detach(usb, i, ev);
			return 1;
		}
		if (rc != FH_ERR_TIMEOUT && rc != FH_ERR_NA)
			fh_dbg(usb->ctx, "%04x:%04x: poll: %s", e->id.vid, e->id.pid,
			       fh_strerror(rc));
	}
	return 0;
}

int fh_usb_devices(const struct fh_usb *usb, struct fh_usb_device *out, size_t cap)
{
	if (!usb || (!out && cap))
		return FH_ERR_ARG;
	for (size_t i = 0; i < usb->n_ent && i < cap; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].id = usb->ent[i].id;
		out[i].driver = fh_dev_driver_name(usb->ent[i].dev);
		out[i].cls = usb->ent[i].id.cls;
		out[i].dev = usb->ent[i].dev;
	}
	return usb->n_ent > INT32_MAX ? FH_ERR_BUG : (int)usb->n_ent;
}

struct fh_dev *fh_usb_dev_find(const struct fh_usb *usb, const struct fh_identity *id)
{
	if (!usb || !id)
		return NULL;
	for (size_t i = 0; i < usb->n_ent; i++) {
		const struct fh_identity *e = &usb->ent[i].id;

		if (e->vid == id->vid && e->pid == id->pid && strcmp(e->serial, id->serial) == 0 &&
		    strcmp(e->port, id->port) == 0 && (id->cls == FH_CLASS_NONE || id->cls == e->cls))
			return usb->ent[i].dev;
	}
	return NULL;
}

bool fh_usb_hotplug(const struct fh_usb *usb)
{
	return usb && usb->hotplug;
}
