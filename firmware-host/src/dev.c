/* firmware-host: the device object and the class calls that dispatch to
 * its driver (a NULL op means FH_ERR_NA). */
#define LOG_PREFIX "dev"
#include "fh-int.h"

#include "fh/io.h"
#include "fh/printer.h"
#include "fh/scale.h"

int fh_dev_new(struct fh_ctx *ctx, const struct fh_driver *drv, struct fh_transport *t,
	       const struct fh_identity *id, const struct fh_dev_info *info,
	       struct fh_dev **out)
{
	struct fh_dev *dev = NULL;
	int rc;

	if (!ctx || !drv || !t || !id || !out) {
		rc = FH_ERR_ARG;
		goto fail;
	}
	if (drv->api_version != FH_DRIVER_API) {
		fh_err(ctx, "driver %s: api version %u, want %u", drv->name, drv->api_version,
		       FH_DRIVER_API);
		rc = FH_ERR_ARG;
		goto fail;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		rc = FH_ERR_NOMEM;
		goto fail;
	}
	dev->ctx = ctx;
	dev->drv = drv;
	dev->t = t;
	dev->id = *id;
	dev->id.serial[FH_SERIAL_MAX - 1] = '\0';
	dev->id.port[FH_PORT_MAX - 1] = '\0';
	if (dev->id.cls == FH_CLASS_NONE)
		dev->id.cls = drv->cls;
	if (info) {
		dev->info = *info;
		if (FH_NEVER(dev->info.report_desc_len > FH_REPORT_DESC_MAX))
			dev->info.report_desc_len = FH_REPORT_DESC_MAX;
	} else {
		dev->info.if_class = dev->info.if_subclass = dev->info.if_protocol = -1;
	}
	if (drv->priv_size) {
		dev->priv = calloc(1, drv->priv_size);
		if (!dev->priv) {
			rc = FH_ERR_NOMEM;
			goto fail;
		}
	}
	if (drv->open) {
		rc = drv->open(dev);
		if (rc < 0) {
			fh_dbg(ctx, "%s: open: %s", drv->name, fh_strerror(rc));
			goto fail;
		}
	}
	*out = dev;
	return FH_OK;
fail:
	if (dev)
		free(dev->priv);
	free(dev);
	if (t && t->ops && t->ops->close)
		t->ops->close(t);
	return rc;
}

void fh_dev_free(struct fh_dev *dev)
{
	if (!dev)
		return;
	if (dev->drv->close)
		dev->drv->close(dev);
	if (dev->t->ops->close)
		dev->t->ops->close(dev->t);
	free(dev->priv);
	free(dev);
}

int64_t fh_dev_now_ms(const struct fh_dev *dev)
{
	return fh_ctx_now_ms(dev->ctx);
}

int fh_dev_write(struct fh_dev *dev, const uint8_t *b, size_t n, int timeout_ms)
{
	if (!dev->t->ops->write)
		return FH_ERR_NA;
	return dev->t->ops->write(dev->t, b, n, timeout_ms);
}

int fh_dev_read(struct fh_dev *dev, uint8_t *b, size_t cap, int timeout_ms)
{
	if (!dev->t->ops->read)
		return FH_ERR_NA;
	return dev->t->ops->read(dev->t, b, cap, timeout_ms);
}

const struct fh_identity *fh_dev_identity(const struct fh_dev *dev)
{
	return &dev->id;
}

const char *fh_dev_driver_name(const struct fh_dev *dev)
{
	return dev->drv->name;
}

int fh_dev_poll(struct fh_dev *dev, struct fh_event *ev, int timeout_ms)
{
	if (!dev || !ev)
		return FH_ERR_ARG;
	if (!dev->drv->poll)
		return FH_ERR_NA;
	return dev->drv->poll(dev, ev, timeout_ms);
}

int fh_dev_config_set(struct fh_dev *dev, enum fh_key key, int64_t val)
{
	if (!dev)
		return FH_ERR_ARG;
	if (!dev->drv->config_set)
		return FH_ERR_NA;
	return dev->drv->config_set(dev, key, val);
}

int fh_printer_print(struct fh_dev *dev, const uint8_t *job, size_t len)
{
	if (!dev || (!job && len))
		return FH_ERR_ARG;
	if (!dev->drv->print)
		return FH_ERR_NA;
	if (len == 0)
		return FH_ERR_ARG;
	return dev->drv->print(dev, job, len);
}

int fh_scale_tare(struct fh_dev *dev)
{
	if (!dev)
		return FH_ERR_ARG;
	if (!dev->drv->tare)
		return FH_ERR_NA;
	return dev->drv->tare(dev);
}

int fh_io_set_output(struct fh_dev *dev, unsigned line, bool on)
{
	if (!dev)
		return FH_ERR_ARG;
	if (!dev->drv->set_output)
		return FH_ERR_NA;
	return dev->drv->set_output(dev, line, on);
}

int fh_identity_key(const struct fh_identity *id, char *buf, size_t cap)
{
	int n;

	if (!id || !buf || cap == 0)
		return FH_ERR_ARG;
	if (id->serial[0])
		n = snprintf(buf, cap, "%04x:%04x:%s", id->vid, id->pid, id->serial);
	else
		n = snprintf(buf, cap, "%04x:%04x@%s", id->vid, id->pid, id->port);
	if (n < 0 || (size_t)n >= cap) {
		buf[0] = '\0';
		return FH_ERR_ARG;
	}
	return n;
}
