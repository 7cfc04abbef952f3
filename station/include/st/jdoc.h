/* station: reading a JSON document a person or another system wrote (the
 * import, the checklist templates), with errors that name the document and
 * the place in it: "ring.json: checks[3].tolerance: must be a number".
 *
 * A struct st_jdoc carries the document's name, the caller's error buffer
 * and the path of the value being read; the readers push a key or an index
 * before reading a value and pop it after.
 */
#ifndef QC_STATION_JDOC_H
#define QC_STATION_JDOC_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

struct st_jdoc {
	const char *name;   /* "orders.json" */
	char *err;          /* the caller's buffer, may be NULL */
	size_t errlen;
	char path[256];     /* "orders[3].lines[0].sku"; cut short when longer */
	size_t plen;
};

/* Start reading name; err[errlen] gets the first message. */
void st_jdoc_init(struct st_jdoc *d, const char *name, char *err, size_t errlen);

/* Append ".key" ("key" at the top) or "[i]"; return the length to give
 * st_jdoc_pop() to restore the path. */
size_t st_jdoc_key(struct st_jdoc *d, const char *key);
size_t st_jdoc_index(struct st_jdoc *d, size_t i);
void st_jdoc_pop(struct st_jdoc *d, size_t old);

/* Write "name: path: message" (or "name: message" at the top) into the
 * error buffer; returns rc, so a reader can "return st_jdoc_fail(...)". */
int st_jdoc_fail(struct st_jdoc *d, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int st_jdoc_vfail(struct st_jdoc *d, int rc, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* "an object", "a string", "a number with a fraction", ... for messages. */
const char *st_jdoc_type_name(const json_t *j);

#endif
