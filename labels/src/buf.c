/* labels: the growable byte buffer of <lb/buf.h>. */
#include "lb/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lb/err.h"
#include "lb-int.h"

static int grow(struct lb_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (need > LB_BUF_MAX - b->len - 1)
		return LB_ERR_RANGE;
	while (cap < b->len + need + 1)
		cap *= 2;
	if (cap == b->cap)
		return LB_OK;
	p = realloc(b->data, cap);
	if (!p)
		return LB_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return LB_OK;
}

int lb_buf_add(struct lb_buf *b, const void *p, size_t n)
{
	int rc = grow(b, n);

	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return LB_OK;
}

int lb_buf_printf(struct lb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	/* Usually it fits what is left: one formatting pass. */
	if (b->cap > b->len) {
		va_start(ap, fmt);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return LB_OK;
		}
		b->data[b->len] = '\0';
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return LB_ERR_ARG;
	rc = grow(b, (size_t)n);
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return LB_OK;
}

void lb_buf_fini(struct lb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void lb_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
