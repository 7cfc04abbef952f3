/* hid-kbd-scanner: the driver around protocol.c.
 *
 * Reads boot keyboard reports through the device's transport, feeds them
 * to the decoder with the context's time, and hands out each completed
 * scan as an FH_EV_SCAN event.  A scan that stopped without its suffix is
 * completed by the idle timeout: poll waits no longer than that.
 *
 * The USB layer puts the interface in boot protocol (SET_PROTOCOL 0), so
 * every report is the 8-byte boot report without a report id.
 */
#define LOG_PREFIX "hid-kbd-scanner"
#include "fh-int.h"

#include "protocol.h"

struct kbd_priv {
	struct hid_kbd k;
	struct fh_event q[HID_KBD_EMIT_MAX]; /* scans completed, not yet polled */
	size_t q_head, q_len;
	struct fh_dev *dev;
};

static const struct fh_usb_class kbd_classes[] = {
	{ 3, 1, 1, 0, 0 }, /* HID, boot interface, keyboard */
	{ 0, 0, 0, 0, 0 },
};

static int kbd_open(struct fh_dev *dev)
{
	struct kbd_priv *p = dev->priv;

	hid_kbd_init(&p->k, NULL);
	p->dev = dev;
	return FH_OK;
}

static void emit_scan(void *ud, const struct hid_kbd_scan *s)
{
	struct kbd_priv *p = ud;
	struct fh_event *ev;
	size_t skip = 0;

	if (FH_NEVER(p->q_len >= HID_KBD_EMIT_MAX))
		return;
	ev = &p->q[(p->q_head + p->q_len) % HID_KBD_EMIT_MAX];
	fh_std_event_init(p->dev, ev, FH_EV_SCAN);
	if (p->k.cfg.aim_prefix)
		skip = hid_kbd_aim_split(s->data, s->len, ev->scan.aim);
	if (FH_NEVER(s->len > FH_SCAN_MAX))
		return;
	memcpy(ev->scan.data, s->data + skip, s->len - skip);
	ev->scan.len = s->len - skip;
	ev->scan.data[ev->scan.len] = '\0';
	ev->scan.truncated = s->truncated;
	ev->scan.idle_end = s->idle_end;
	p->q_len++;
}

static int kbd_poll(struct fh_dev *dev, struct fh_event *ev, int timeout_ms)
{
	struct kbd_priv *p = dev->priv;
	struct fh_std_deadline dl;
	bool drained = false; /* a read that did not wait found nothing */
	uint8_t r[64];

	fh_std_deadline_init(&dl, dev, timeout_ms);
	for (;;) {
		int64_t now;
		int left, idle, wait, n, rc;

		if (p->q_len > 0) {
			*ev = p->q[p->q_head];
			p->q_head = (p->q_head + 1) % HID_KBD_EMIT_MAX;
			p->q_len--;
			return FH_OK;
		}
		left = fh_std_deadline_left(&dl, dev, &now);
		if (hid_kbd_tick(&p->k, now, emit_scan, p) > 0)
			continue;
		if (left == 0 && (timeout_ms != 0 || drained))
			return FH_ERR_TIMEOUT;
		/* Wake up for the idle timeout of a scan without its suffix. */
		idle = hid_kbd_wait_ms(&p->k, now);
		wait = left;
		if (idle >= 0 && (wait < 0 || idle < wait))
			wait = idle;
		n = fh_dev_read(dev, r, sizeof(r), wait);
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
		rc = hid_kbd_feed(&p->k, r, (size_t)n, now, emit_scan, p);
		if (rc == FH_ERR_PROTO)
			fh_dbg(dev->ctx, "skipped a %d-byte report (not a boot report)", n);
	}
}

static int kbd_config_set(struct fh_dev *dev, enum fh_key key, int64_t val)
{
	struct kbd_priv *p = dev->priv;

	return hid_kbd_set(&p->k, key, val);
}

const struct fh_driver fh_drv_hid_kbd_scanner = {
	.name = "hid-kbd-scanner",
	.longname = "USB HID barcode scanner in keyboard mode (boot protocol)",
	.cls = FH_CLASS_SCANNER,
	.api_version = FH_DRIVER_API,
	.ids = NULL,
	.classes = kbd_classes,
	.priv_size = sizeof(struct kbd_priv),
	.open = kbd_open,
	.poll = kbd_poll,
	.config_set = kbd_config_set,
};
