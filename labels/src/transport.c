/* labels: transports, the part every kind shares (see lb/transport.h):
 * parsing the spec, the operation's bookkeeping, the blocking wait. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transport-int.h"

static int64_t mono_ms(void *ud)
{
	struct timespec ts;

	(void)ud;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t tp_now(const struct lb_transport *t)
{
	return t->o.now_ms(t->o.clock_ud);
}

int tp_fail(struct lb_transport *t, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->errmsg, sizeof(t->errmsg), fmt, ap);
	va_end(ap);
	return rc;
}

const char *lb_format_name(enum lb_format fmt)
{
	switch (fmt) {
	case LB_FMT_ZPL:
		return "zpl";
	case LB_FMT_PNG:
		return "png";
	case LB_FMT_PDF:
		return "pdf";
	}
	return "unknown";
}

int lb_format_parse(const char *name, enum lb_format *out)
{
	if (!name || !out)
		return LB_ERR_ARG;
	if (!strcmp(name, "zpl"))
		*out = LB_FMT_ZPL;
	else if (!strcmp(name, "png"))
		*out = LB_FMT_PNG;
	else if (!strcmp(name, "pdf"))
		*out = LB_FMT_PDF;
	else
		return LB_ERR_ARG;
	return LB_OK;
}

int lb_transport_open(const char *spec, const struct lb_transport_opts *opts,
		      struct lb_transport **out, char *err, size_t errlen)
{
	struct lb_transport *t;
	int rc = LB_OK;

	if (!spec || !out || !err || !errlen)
		return LB_ERR_ARG;
	err[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return LB_ERR_NOMEM;
	}
	if (opts)
		t->o = *opts;
	if (!t->o.connect_timeout_ms)
		t->o.connect_timeout_ms = 5000;
	if (!t->o.io_timeout_ms)
		t->o.io_timeout_ms = 10000;
	if (!t->o.status_timeout_ms)
		t->o.status_timeout_ms = 3000;
	if (!t->o.now_ms)
		t->o.now_ms = mono_ms;
	t->fd = -1;
	if (!strncmp(spec, "tcp://", 6)) {
		t->kind = LB_TRANSPORT_TCP;
		t->ops = &tp_tcp_ops;
		rc = tp_tcp_open(t, spec + 6, err, errlen);
	} else if (!strncmp(spec, "dir:", 4)) {
		t->kind = LB_TRANSPORT_DIR;
		t->ops = &tp_dir_ops;
		if (!spec[4] || strlen(spec + 4) >= sizeof(t->path) - TP_NAME_MAX - 16) {
			snprintf(err, errlen, "'%s': dir: needs a folder (at most %zu bytes)", spec,
				 sizeof(t->path) - TP_NAME_MAX - 17);
			rc = LB_ERR_ARG;
		} else {
			snprintf(t->path, sizeof(t->path), "%s", spec + 4);
		}
	} else if (!strncmp(spec, "usb:", 4)) {
		t->kind = LB_TRANSPORT_USB;
		t->ops = &tp_usb_ops;
		if (strlen(spec + 4) >= sizeof(t->path)) {
			snprintf(err, errlen, "'%s': device key too long", spec);
			rc = LB_ERR_ARG;
		} else if (!t->o.usb) {
			snprintf(err, errlen, "'%s': USB is not running here ([devices] usb = off, "
					      "or libusb would not start)", spec);
			rc = LB_ERR_ARG;
		} else {
			snprintf(t->path, sizeof(t->path), "%s", spec + 4);
		}
	} else if (!strncmp(spec, "cups:", 5)) {
		t->kind = LB_TRANSPORT_CUPS;
		t->ops = &tp_cups_ops;
		rc = tp_cups_open(t, spec + 5, err, errlen);
	} else {
		snprintf(err, errlen,
			 "'%s' is no printer address (tcp://HOST:9100, usb:KEY, cups:QUEUE or "
			 "dir:FOLDER)", spec);
		rc = LB_ERR_ARG;
	}
	if (rc < 0) {
		free(t);
		return rc;
	}
	*out = t;
	return LB_OK;
}

void lb_transport_free(struct lb_transport *t)
{
	if (!t)
		return;
	lb_transport_disconnect(t);
	free(t);
}

enum lb_transport_kind lb_transport_kind(const struct lb_transport *t)
{
	return t->kind;
}

bool lb_transport_accepts(const struct lb_transport *t, enum lb_format fmt)
{
	return t && t->ops->accepts(fmt);
}

bool lb_transport_has_status(const struct lb_transport *t)
{
	return t && t->ops->has_status;
}

static bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n < 1 || n > TP_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void op_begin(struct lb_transport *t, enum tp_op op)
{
	t->op = op;
	t->started = false;
	t->writing = false;
	t->sent = 0;
	t->errmsg[0] = '\0';
	t->deadline = 0;
	t->op_deadline = 0;
}

int lb_transport_send(struct lb_transport *t, const uint8_t *job, size_t len,
		      enum lb_format fmt, const char *name)
{
	if (!t || !job || !len || !name_ok(name))
		return t ? tp_fail(t, LB_ERR_ARG, "empty job, or a job name that is not "
						  "[A-Za-z0-9._-]{1,64}") : LB_ERR_ARG;
	if (t->op != TP_OP_NONE)
		return tp_fail(t, LB_ERR_AGAIN, "an operation is in progress");
	if (!t->ops->accepts(fmt))
		return tp_fail(t, LB_ERR_NA, "this printer does not print %s", lb_format_name(fmt));
	op_begin(t, TP_OP_SEND);
	t->job = job;
	t->len = len;
	t->fmt = fmt;
	snprintf(t->name, sizeof(t->name), "%s", name);
	return LB_OK;
}

int lb_transport_query(struct lb_transport *t)
{
	if (!t)
		return LB_ERR_ARG;
	if (!t->ops->has_status)
		return tp_fail(t, LB_ERR_NA, "this transport cannot ask the printer's status");
	if (t->op != TP_OP_NONE)
		return tp_fail(t, LB_ERR_AGAIN, "an operation is in progress");
	op_begin(t, TP_OP_QUERY);
	memset(&t->status, 0, sizeof(t->status));
	return LB_OK;
}

int lb_transport_step(struct lb_transport *t)
{
	int rc;

	if (!t)
		return LB_ERR_ARG;
	if (t->op == TP_OP_NONE)
		return tp_fail(t, LB_ERR_ARG, "no operation started");
	rc = t->ops->step(t);
	if (rc != LB_ERR_AGAIN) {
		t->op = TP_OP_NONE;
		t->job = NULL;
	}
	return rc;
}

int lb_transport_pollfd(const struct lb_transport *t, struct pollfd *pfd)
{
	if (!t || !pfd || t->op == TP_OP_NONE || !t->ops->pollfd)
		return 0;
	return t->ops->pollfd(t, pfd);
}

int lb_transport_timeout_ms(const struct lb_transport *t)
{
	int64_t left;

	if (!t || t->op == TP_OP_NONE)
		return -1;
	if (!t->started)
		return 0;
	left = t->deadline - tp_now(t);
	if (left < 0)
		return 0;
	return left > 3600000 ? 3600000 : (int)left;
}

size_t lb_transport_sent(const struct lb_transport *t)
{
	return t ? t->sent : 0;
}

const struct lb_status *lb_transport_status(const struct lb_transport *t)
{
	return t ? &t->status : NULL;
}

void lb_transport_disconnect(struct lb_transport *t)
{
	if (t && t->ops->disconnect)
		t->ops->disconnect(t);
}

const char *lb_transport_errmsg(const struct lb_transport *t)
{
	return t ? t->errmsg : "no transport";
}

int lb_transport_wait(struct lb_transport *t)
{
	int rc;

	while ((rc = lb_transport_step(t)) == LB_ERR_AGAIN) {
		struct pollfd p = { .fd = -1 };
		int n = lb_transport_pollfd(t, &p);

		if (poll(&p, (nfds_t)n, lb_transport_timeout_ms(t)) < 0 && errno != EINTR)
			return tp_fail(t, LB_ERR_IO, "poll: %s", strerror(errno));
	}
	return rc;
}
