/* hid-buttons: the driver around protocol.c.
 *
 * Reads reports through the transport and hands out one FH_EV_BUTTON event
 * per press or release.  A device on a boot keyboard interface (most foot
 * pedals) starts in KEYBOARD mode, anything else in BITS mode; the station
 * config can override both (FH_KEY_BUTTONS_*).  Which command a button
 * means is the station's business (fh_buttons_map in fh/io.h).
 */
#define LOG_PREFIX "hid-buttons"
#include "fh-int.h"

#include "protocol.h"

struct buttons_priv {
	struct hid_buttons b;
	struct fh_button q[HID_BUTTONS_EVENTS_MAX]; /* changes not yet polled */
	int64_t q_ts_ms;                            /* when they arrived */
	size_t q_head, q_len;
};

/* Bit-per-button devices: HID joysticks and game pads (foot switches and
 * button boxes often are).  Keyboard-usage pedals look like any keyboard:
 * they are bound to this driver by VID:PID in the station config. */
static const struct fh_usb_class buttons_classes[] = {
	{ 3, -1, -1, 0x01, 0x04 }, /* Generic Desktop, Joystick */
	{ 3, -1, -1, 0x01, 0x05 }, /* Generic Desktop, Game Pad */
	{ 0, 0, 0, 0, 0 },
};

static int buttons_open(struct fh_dev *dev)
{
	struct buttons_priv *p = dev->priv;
	bool boot_kbd = dev->info.if_class == 3 && dev->info.if_subclass == 1 &&
			dev->info.if_protocol == 1;

	hid_buttons_init(&p->b, boot_kbd ? FH_BUTTONS_KEYBOARD : FH_BUTTONS_BITS);
	return FH_OK;
}

static int buttons_poll(struct fh_dev *dev, struct fh_event *ev, int timeout_ms)
{
	struct buttons_priv *p = dev->priv;
	struct fh_std_deadline dl;
	bool drained = false;
	uint8_t r[64];

	fh_std_deadline_init(&dl, dev, timeout_ms);
	for (;;) {
		int64_t now;
		int left, n;

		if (p->q_len > 0) {
			fh_std_event_init(dev, ev, FH_EV_BUTTON);
			ev->ts_ms = p->q_ts_ms;
			ev->button = p->q[p->q_head++];
			p->q_len--;
			return FH_OK;
		}
		left = fh_std_deadline_left(&dl, dev, &now);
		if (left == 0 && (timeout_ms != 0 || drained))
			return FH_ERR_TIMEOUT;
		n = fh_dev_read(dev, r, sizeof(r), left);
		if (n == FH_ERR_TIMEOUT) {
			fh_std_deadline_waited(&dl, left);
			drained = left == 0;
			continue;
		}
		if (n < 0) {
			fh_dbg(dev->ctx, "read: %s", fh_strerror(n));
			return n;
		}
		n = hid_buttons_feed(&p->b, r, (size_t)n, p->q);
		if (n < 0) {
			fh_dbg(dev->ctx, "skipped a report: %s", fh_strerror(n));
			continue;
		}
		p->q_head = 0;
		p->q_len = (size_t)n;
		p->q_ts_ms = fh_dev_now_ms(dev);
	}
}

static int buttons_config_set(struct fh_dev *dev, enum fh_key key, int64_t val)
{
	struct buttons_priv *p = dev->priv;

	int rc = hid_buttons_set(&p->b, key, val);

	if (rc == 0)
		p->q_len = 0; /* changes decoded under the old layout mean nothing */
	return rc;
}

const struct fh_driver fh_drv_hid_buttons = {
	.name = "hid-buttons",
	.longname = "USB HID buttons and foot pedals",
	.cls = FH_CLASS_IO,
	.api_version = FH_DRIVER_API,
	.ids = NULL,
	.classes = buttons_classes,
	.priv_size = sizeof(struct buttons_priv),
	.open = buttons_open,
	.poll = buttons_poll,
	.config_set = buttons_config_set,
};
