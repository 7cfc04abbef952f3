/* usb-printer: the driver around protocol.c.
 *
 * print sends a rendered job (ZPL, EPL, ...) on bulk OUT through the job
 * writer: chunks of whole max-packet multiples, short writes resumed from
 * their offset, never a zero-length write.  A printer that accepts nothing
 * PRINT_STALLS_MAX times in a row (paused, out of labels) fails the job
 * with FH_ERR_TIMEOUT; what it had accepted stays accepted.  The device ID
 * (GET_DEVICE_ID) is read by the USB layer before the claim, through
 * fh_ieee1284_parse().  No events: poll is not offered.
 */
#define LOG_PREFIX "usb-printer"
#include "fh-int.h"

#include "protocol.h"

#define PRINT_WRITE_TIMEOUT_MS 2000
#define PRINT_STALLS_MAX 5
#define PRINT_CHUNK_MAX 16384
#define PRINT_PACKET_DEFAULT 64 /* full speed; high speed reports 512 */

struct printer_priv {
	size_t max_packet;
};

static const struct fh_usb_class printer_classes[] = {
	{ 7, 1, 2, 0, 0 }, /* printer, bidirectional */
	{ 7, 1, 1, 0, 0 }, /* printer, unidirectional */
	{ 0, 0, 0, 0, 0 },
};

static int printer_open(struct fh_dev *dev)
{
	struct printer_priv *p = dev->priv;

	p->max_packet = dev->info.out_max ? dev->info.out_max : PRINT_PACKET_DEFAULT;
	return FH_OK;
}

static int printer_print(struct fh_dev *dev, const uint8_t *job, size_t len)
{
	struct printer_priv *p = dev->priv;
	struct fh_job_writer w;
	const uint8_t *b;
	size_t n;
	int rc;

	rc = fh_job_writer_init(&w, job, len, p->max_packet, PRINT_CHUNK_MAX);
	if (rc < 0)
		return rc;
	while (fh_job_writer_next(&w, &b, &n) == 1) {
		size_t moved = 0;

		rc = fh_dev_write(dev, b, n, PRINT_WRITE_TIMEOUT_MS);
		if (rc >= 0) {
			if (FH_NEVER((size_t)rc > n))
				return FH_ERR_BUG;
			moved = (size_t)rc;
		} else if (rc != FH_ERR_TIMEOUT) {
			fh_dbg(dev->ctx, "write at %zu of %zu: %s", w.off, len, fh_strerror(rc));
			return rc;
		}
		fh_job_writer_done(&w, moved);
		if (w.stalls >= PRINT_STALLS_MAX) {
			fh_dbg(dev->ctx, "printer took nothing %u times at %zu of %zu", w.stalls,
			       w.off, len);
			return FH_ERR_TIMEOUT;
		}
	}
	return FH_OK;
}

const struct fh_driver fh_drv_usb_printer = {
	.name = "usb-printer",
	.longname = "USB printer class label printer (ZPL, EPL)",
	.cls = FH_CLASS_PRINTER,
	.api_version = FH_DRIVER_API,
	.ids = NULL,
	.classes = printer_classes,
	.priv_size = sizeof(struct printer_priv),
	.open = printer_open,
	.print = printer_print,
};
