/* hid-scale: the driver around protocol.c.
 *
 * At open, checks the report descriptor (when the USB layer read one)
 * describes the 6-byte data report, and starts the tracker: the first
 * report after attach is discarded as stale.  poll hands out FH_EV_WEIGHT
 * events: every new unstable reading (stable = false, for a live display)
 * and each stable weight once (stable = true).  When the transport reports
 * the device gone the tracker records it (auto-off or unplug) before the
 * error goes up.  Tare is not offered: the USB zero command works on some
 * models and breaks reading on others (usbscale #1, PR #21).
 */
#define LOG_PREFIX "hid-scale"
#include "fh-int.h"

#include "protocol.h"

struct scale_priv {
	struct fh_scale_track t;
	struct fh_hidrd desc;
	uint8_t r[64];
};

/* usbscale's scales.h; class matching catches the others. */
static const struct fh_usb_id scale_ids[] = {
	{ 0x0922, 0x8003 }, /* Dymo M10 */
	{ 0x0922, 0x8004 }, /* Dymo M25 */
	{ 0x0922, 0x8009 }, /* Dymo S180 / S250 */
	{ 0x1446, 0x6a73 }, { 0x1446, 0x6a79 },
	{ 0x2474, 0x0550 }, { 0x2474, 0x3550 }, /* Stamps.com */
	{ 0x0eb8, 0xf000 }, { 0x0eb8, 0xf001 },
	{ 0x6096, 0x0158 }, { 0x0b67, 0x555e }, { 0x0d8f, 0x0200 }, { 0x7b7c, 0x0100 },
	{ 0, 0 },
};

static const struct fh_usb_class scale_classes[] = {
	{ 3, -1, -1, 0x8D, 0x01 }, /* HID, Scales */
	{ 0, 0, 0, 0, 0 },
};

static int scale_open(struct fh_dev *dev)
{
	struct scale_priv *p = dev->priv;
	uint8_t id;
	int rc;

	if (dev->info.report_desc_len > 0) {
		rc = fh_hidrd_parse(dev->info.report_desc, dev->info.report_desc_len, &p->desc);
		if (rc == FH_OK)
			rc = fh_scale_check_desc(&p->desc, &id);
		if (rc < 0)
			fh_warn(dev->ctx, "report descriptor is not the 6-byte scale report (%s); "
					  "trying it anyway", fh_strerror(rc));
	}
	fh_scale_track_init(&p->t, 0);
	fh_scale_track_attach(&p->t, fh_dev_now_ms(dev));
	return FH_OK;
}

static void to_event(struct fh_dev *dev, const struct fh_scale_reading *r, struct fh_event *ev)
{
	int64_t mg = r->weight_mg;

	fh_std_event_init(dev, ev, FH_EV_WEIGHT);
	/* fh_weight holds int32 mg (+-2147 kg): beyond, saturate. */
	if (mg > INT32_MAX)
		mg = INT32_MAX;
	if (mg < -INT32_MAX)
		mg = -INT32_MAX;
	ev->weight.weight_mg = (int32_t)mg;
	ev->weight.stable = r->stable;
	ev->weight.unit = (enum fh_unit)r->unit;
	ev->weight.status = r->status;
}

static int scale_poll(struct fh_dev *dev, struct fh_event *ev, int timeout_ms)
{
	struct scale_priv *p = dev->priv;
	struct fh_std_deadline dl;
	bool drained = false;

	fh_std_deadline_init(&dl, dev, timeout_ms);
	for (;;) {
		struct fh_scale_reading r;
		int64_t now;
		int left, n, e;

		left = fh_std_deadline_left(&dl, dev, &now);
		if (left == 0 && (timeout_ms != 0 || drained))
			return FH_ERR_TIMEOUT;
		n = fh_dev_read(dev, p->r, sizeof(p->r), left);
		if (n == FH_ERR_TIMEOUT) {
			fh_std_deadline_waited(&dl, left);
			drained = left == 0;
			continue;
		}
		if (n < 0) {
			if (n == FH_ERR_NODEV) {
				fh_scale_track_detach(&p->t, now);
				fh_info(dev->ctx, "scale gone (%s)",
					p->t.link == FH_SCALE_LINK_AUTO_OFF ? "switched itself off"
									    : "unplugged");
			}
			return n;
		}
		fh_std_deadline_left(&dl, dev, &now);
		e = fh_scale_track_feed(&p->t, p->r, (size_t)n, now, &r);
		if (e == FH_ERR_PROTO) {
			fh_dbg(dev->ctx, "skipped a malformed %d-byte report", n);
			continue;
		}
		if (e & FH_SCALE_EV_REZERO_RISK)
			fh_warn(dev->ctx, "back at zero after carrying a load: it may have re-zeroed "
					  "with the load on");
		if ((e & FH_SCALE_EV_STABLE) || ((e & FH_SCALE_EV_READING) && !r.stable)) {
			to_event(dev, &r, ev);
			return FH_OK;
		}
	}
}

const struct fh_driver fh_drv_hid_scale = {
	.name = "hid-scale",
	.longname = "USB HID POS scale (page 0x8D)",
	.cls = FH_CLASS_SCALE,
	.api_version = FH_DRIVER_API,
	.ids = scale_ids,
	.classes = scale_classes,
	.priv_size = sizeof(struct scale_priv),
	.open = scale_open,
	.poll = scale_poll,
};
