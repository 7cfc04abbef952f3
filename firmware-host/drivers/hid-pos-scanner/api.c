/* hid-pos-scanner: the driver around protocol.c.
 *
 * At open, finds the report layout by walking the report descriptor the
 * USB layer read (dev->info); without one it takes the common 64-byte
 * layout.  poll reads reports through the transport, joins multi-report
 * scans and hands out each as an FH_EV_SCAN event.  A half scan is dropped
 * after FH_POS_TIMEOUT_MS without its next report, so poll never waits
 * longer than that while one is pending.  One trailing CR/LF (a suffix
 * the scanner was told to add) is stripped: fh_scan data carries none.
 */
#define LOG_PREFIX "hid-pos-scanner"
#include "fh-int.h"

#include "protocol.h"

struct pos_priv {
	struct fh_pos_asm a;
	struct fh_pos_scan scan;
	struct fh_hidrd desc;
	uint8_t r[FH_HIDRD_MAX_REPORT_BYTES + 1];
};

static const struct fh_usb_class pos_classes[] = {
	{ 3, -1, -1, FH_POS_PAGE, FH_POS_USAGE_SCANNER }, /* HID, Bar Code Scanner */
	{ 0, 0, 0, 0, 0 },
};

static int pos_open(struct fh_dev *dev)
{
	struct pos_priv *p = dev->priv;
	struct fh_pos_layout l;
	int rc;

	fh_pos_layout_default(&l);
	if (dev->info.report_desc_len > 0) {
		rc = fh_hidrd_parse(dev->info.report_desc, dev->info.report_desc_len, &p->desc);
		if (rc == FH_OK)
			rc = fh_pos_layout_from_desc(&p->desc, &l);
		if (rc == FH_ERR_NA) {
			fh_dbg(dev->ctx, "no bar code scanner collection (0x8C:0x02)");
			return FH_ERR_NA;
		}
		if (rc < 0) {
			fh_warn(dev->ctx, "report descriptor unusable (%s): common layout",
				fh_strerror(rc));
			fh_pos_layout_default(&l);
		}
	}
	fh_dbg(dev->ctx, "report %u, %u bytes, data at %u (%u bytes)", l.report_id, l.report_len,
	       l.data_off, l.data_cap);
	fh_pos_asm_init(&p->a, &l, FH_POS_TIMEOUT_MS, true);
	return FH_OK;
}

static void to_event(struct fh_dev *dev, const struct fh_pos_scan *s, struct fh_event *ev)
{
	size_t n = s->len <= FH_SCAN_MAX ? s->len : FH_SCAN_MAX;

	fh_std_event_init(dev, ev, FH_EV_SCAN);
	memcpy(ev->scan.data, s->data, n);
	ev->scan.data[n] = '\0';
	ev->scan.len = n;
	memcpy(ev->scan.aim, s->aim, sizeof(ev->scan.aim));
	ev->scan.truncated = s->truncated || n < s->len;
}

static int pos_poll(struct fh_dev *dev, struct fh_event *ev, int timeout_ms)
{
	struct pos_priv *p = dev->priv;
	struct fh_std_deadline dl;
	bool drained = false;

	fh_std_deadline_init(&dl, dev, timeout_ms);
	for (;;) {
		int64_t now;
		int left, wait, n, rc;

		left = fh_std_deadline_left(&dl, dev, &now);
		if (fh_pos_asm_expire(&p->a, now))
			fh_dbg(dev->ctx, "half scan dropped after %d ms", p->a.timeout_ms);
		if (left == 0 && (timeout_ms != 0 || drained))
			return FH_ERR_TIMEOUT;
		wait = left;
		if (p->a.active) {
			int64_t due = p->a.last_ms + p->a.timeout_ms + 1 - now;

			if (due < 0)
				due = 0;
			if (wait < 0 || due < wait)
				wait = (int)due;
		}
		n = fh_dev_read(dev, p->r, sizeof(p->r), wait);
		if (n == FH_ERR_TIMEOUT) {
			fh_std_deadline_waited(&dl, wait);
			drained = wait == 0;
			continue;
		}
		if (n < 0) {
			fh_dbg(dev->ctx, "read: %s", fh_strerror(n));
			return n;
		}
		fh_std_deadline_left(&dl, dev, &now);
		rc = fh_pos_asm_feed(&p->a, p->r, (size_t)n, now, &p->scan);
		if (rc == FH_OK) {
			to_event(dev, &p->scan, ev);
			return FH_OK;
		}
		if (rc == FH_ERR_PROTO)
			fh_dbg(dev->ctx, "skipped a malformed %d-byte report", n);
	}
}

const struct fh_driver fh_drv_hid_pos_scanner = {
	.name = "hid-pos-scanner",
	.longname = "USB HID POS barcode scanner (page 0x8C)",
	.cls = FH_CLASS_SCANNER,
	.api_version = FH_DRIVER_API,
	.ids = NULL,
	.classes = pos_classes,
	.priv_size = sizeof(struct pos_priv),
	.open = pos_open,
	.poll = pos_poll,
};
