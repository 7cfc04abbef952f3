/* station/config: the JSON document reader's path and messages (st/jdoc.h). */
#include <stdio.h>
#include <string.h>

#include "st/jdoc.h"

void st_jdoc_init(struct st_jdoc *d, const char *name, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->err = err;
	d->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
}

static size_t grew(struct st_jdoc *d, size_t old, int n)
{
	if (n > 0)
		d->plen = old + (size_t)n < sizeof(d->path) ? old + (size_t)n : sizeof(d->path) - 1;
	return old;
}

size_t st_jdoc_key(struct st_jdoc *d, const char *key)
{
	size_t old = d->plen;

	return grew(d, old, snprintf(d->path + old, sizeof(d->path) - old, "%s%s", old ? "." : "",
				     key));
}

size_t st_jdoc_index(struct st_jdoc *d, size_t i)
{
	size_t old = d->plen;

	return grew(d, old, snprintf(d->path + old, sizeof(d->path) - old, "[%zu]", i));
}

void st_jdoc_pop(struct st_jdoc *d, size_t old)
{
	d->plen = old;
	d->path[old] = '\0';
}

int st_jdoc_vfail(struct st_jdoc *d, int rc, const char *fmt, va_list ap)
{
	int n;

	if (!d->err || !d->errlen)
		return rc;
	if (d->plen)
		n = snprintf(d->err, d->errlen, "%s: %s: ", d->name, d->path);
	else
		n = snprintf(d->err, d->errlen, "%s: ", d->name);
	if (n < 0 || (size_t)n >= d->errlen)
		return rc;
	vsnprintf(d->err + n, d->errlen - (size_t)n, fmt, ap);
	return rc;
}

int st_jdoc_fail(struct st_jdoc *d, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = st_jdoc_vfail(d, rc, fmt, ap);
	va_end(ap);
	return rc;
}

const char *st_jdoc_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}
