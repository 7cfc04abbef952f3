/* labels: USB printer-class printing through firmware-host (usb:KEY).
 *
 * The device is looked up at each job among the USB layer's opened
 * printers (it may have been unplugged and plugged back in since), by its
 * identity key, or the first printer when KEY is empty.  firmware-host's
 * fh_printer_print() writes the whole job and blocks while it does
 * (chunks with a 2 s timeout; a printer that takes nothing five times in a
 * row fails the job): the station's loop stalls that long only when the
 * printer stops taking bytes mid-job.  No status: firmware-host reads no
 * replies from printers yet.
 */
#include <stdio.h>
#include <string.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"
#include "fh/printer.h"

#include "transport-int.h"

#define USB_DEVS_MAX 32

static int usb_step(struct lb_transport *t)
{
	struct fh_usb_device list[USB_DEVS_MAX];
	struct fh_dev *dev = NULL;
	int n, rc;

	t->started = true;
	n = fh_usb_devices(t->o.usb, list, USB_DEVS_MAX);
	if (n < 0)
		return tp_fail(t, LB_ERR_IO, "USB: cannot list devices");
	if (n > USB_DEVS_MAX)
		n = USB_DEVS_MAX;
	for (int i = 0; i < n && !dev; i++) {
		char key[FH_SERIAL_MAX + 32];

		if (list[i].cls != FH_CLASS_PRINTER)
			continue;
		if (!t->path[0] || (fh_identity_key(&list[i].id, key, sizeof(key)) > 0 &&
				    !strcmp(key, t->path)))
			dev = list[i].dev;
	}
	if (!dev)
		return tp_fail(t, LB_ERR_NODEV, "USB printer %s is not attached",
			       t->path[0] ? t->path : "(any)");
	rc = fh_printer_print(dev, t->job, t->len);
	if (rc == FH_OK) {
		t->sent = t->len;
		return LB_OK;
	}
	/* firmware-host does not say how much went out before a failure:
	 * count it as some, so the job is never retried blindly. */
	t->sent = 1;
	switch (rc) {
	case FH_ERR_TIMEOUT:
		return tp_fail(t, LB_ERR_TIMEOUT, "USB printer %s stopped taking data (paused or"
						  " out of labels?)", t->path[0] ? t->path : "");
	case FH_ERR_NODEV:
		return tp_fail(t, LB_ERR_NODEV, "USB printer %s went away during the job",
			       t->path[0] ? t->path : "");
	default:
		return tp_fail(t, LB_ERR_IO, "USB printer %s: %s", t->path[0] ? t->path : "",
			       fh_strerror(rc));
	}
}

static bool usb_accepts(enum lb_format fmt)
{
	return fmt == LB_FMT_ZPL;
}

const struct tp_ops tp_usb_ops = {
	.accepts = usb_accepts,
	.has_status = false,
	.step = usb_step,
};
