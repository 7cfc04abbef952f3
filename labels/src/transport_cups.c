/* labels: printing through a CUPS queue (cups:QUEUE), with libcups.
 *
 * ZPL goes to the queue raw (a raw queue, or LPrint's ZPL driver that
 * passes it through); PDF and PNG go as documents the queue's filters
 * rasterise (an office printer, or LPrint turning PDF into ZPL).  The
 * queue is looked up at each job, so a cupsd that starts later is found;
 * a missing cupsd or queue is LB_ERR_NODEV with a message that says
 * which.  libcups talks HTTP and blocks while it does; CUPS keeps the job
 * once it has accepted it (its own queue then retries the printer).  No
 * status (CUPS reports the queue's state, not the printer's ~HS).
 */
#include <stdio.h>
#include <string.h>

#include <cups/cups.h>

#include "transport-int.h"

int tp_cups_open(struct lb_transport *t, const char *rest, char *err, size_t errlen)
{
	size_t n = strlen(rest);

	if (n < 1 || n >= 128) {
		snprintf(err, errlen, "cups:%s: needs a queue name (cups:QUEUE, 1 to 127 bytes)",
			 rest);
		return LB_ERR_ARG;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)rest[i];

		/* CUPS queue names: printable, no space, '/', '#' (lpadmin(8)). */
		if (c <= ' ' || c == 0x7f || c == '/' || c == '#' || c == '\\' || c == '\'' ||
		    c == '"') {
			snprintf(err, errlen, "cups:%s: a queue name has no spaces, '/', '#' or"
					      " quotes", rest);
			return LB_ERR_ARG;
		}
	}
	snprintf(t->path, sizeof(t->path), "%s", rest);
	return LB_OK;
}

static const char *mime(enum lb_format fmt)
{
	switch (fmt) {
	case LB_FMT_ZPL:
		return CUPS_FORMAT_RAW;
	case LB_FMT_PDF:
		return CUPS_FORMAT_PDF;
	case LB_FMT_PNG:
		return "image/png";
	}
	return CUPS_FORMAT_AUTO;
}

static int cups_step(struct lb_transport *t)
{
	cups_dest_t *dest;
	cups_option_t *options = NULL;
	int num_options = 0, job_id, rc = LB_OK;
	http_status_t hs;

	t->started = true;
	dest = cupsGetNamedDest(CUPS_HTTP_DEFAULT, t->path, NULL);
	if (!dest)
		return tp_fail(t, LB_ERR_NODEV,
			       "CUPS queue '%s' not found (%s); is cupsd running and the queue "
			       "added? (lpstat -p)", t->path, cupsLastErrorString());
	cupsFreeDests(1, dest);
	if (t->fmt == LB_FMT_ZPL)
		num_options = cupsAddOption("raw", "true", num_options, &options);
	job_id = cupsCreateJob(CUPS_HTTP_DEFAULT, t->path, t->name, num_options, options);
	if (job_id <= 0) {
		rc = tp_fail(t, LB_ERR_REFUSED, "CUPS queue '%s' refused the job: %s", t->path,
			     cupsLastErrorString());
		goto out;
	}
	hs = cupsStartDocument(CUPS_HTTP_DEFAULT, t->path, job_id, t->name, mime(t->fmt), 1);
	if (hs != HTTP_STATUS_CONTINUE) {
		rc = tp_fail(t, LB_ERR_REFUSED, "CUPS queue '%s': %s", t->path,
			     cupsLastErrorString());
		goto out;
	}
	t->sent = 1; /* bytes may reach the spooler from here on */
	hs = cupsWriteRequestData(CUPS_HTTP_DEFAULT, (const char *)t->job, t->len);
	if (hs != HTTP_STATUS_CONTINUE) {
		cupsFinishDocument(CUPS_HTTP_DEFAULT, t->path);
		rc = tp_fail(t, LB_ERR_IO, "CUPS queue '%s': writing the job: %s", t->path,
			     cupsLastErrorString());
		goto out;
	}
	if (cupsFinishDocument(CUPS_HTTP_DEFAULT, t->path) != IPP_STATUS_OK) {
		rc = tp_fail(t, LB_ERR_IO, "CUPS queue '%s': %s", t->path, cupsLastErrorString());
		goto out;
	}
	t->sent = t->len;
out:
	cupsFreeOptions(num_options, options);
	return rc;
}

static bool cups_accepts(enum lb_format fmt)
{
	return fmt == LB_FMT_ZPL || fmt == LB_FMT_PNG || fmt == LB_FMT_PDF;
}

const struct tp_ops tp_cups_ops = {
	.accepts = cups_accepts,
	.has_status = false,
	.step = cups_step,
};
