/* sync: a growing buffer that writes JSON text (folder-private to sync/).
 *
 * For the encoders that copy JSON they already trust (payloads, feed data)
 * instead of parsing it again.  Errors are sticky: after a failed
 * allocation every append is a no-op and sy_jbuf_take() reports
 * SY_ERR_NOMEM, so callers check once at the end. */
#ifndef QC_SYNC_PROTO_JBUF_H
#define QC_SYNC_PROTO_JBUF_H

#include <stddef.h>
#include <stdint.h>

struct sy_jbuf {
	char *p;
	size_t len, cap;
	int failed;
};
#define SY_JBUF_INIT { NULL, 0, 0, 0 }

/* Append n bytes as they are. */
void sy_jbuf_raw(struct sy_jbuf *b, const char *s, size_t n);
/* Append a NUL-terminated string as it is. */
void sy_jbuf_cstr(struct sy_jbuf *b, const char *s);
/* Append s[0..n) as a quoted JSON string, escaping '"', '\\' and control
 * characters; bytes >= 0x80 are copied (the caller gives UTF-8). */
void sy_jbuf_str(struct sy_jbuf *b, const char *s, size_t n);
/* Append a decimal integer. */
void sy_jbuf_int(struct sy_jbuf *b, int64_t v);
/* NUL-terminate and hand the text over: *out (free()) and *len.  SY_OK, or
 * SY_ERR_NOMEM (then the buffer is released and *out untouched). */
int sy_jbuf_take(struct sy_jbuf *b, char **out, size_t *len);
/* Release; the buffer can be reused after. */
void sy_jbuf_fini(struct sy_jbuf *b);

/* 1 when s[0..n) is valid UTF-8 without NUL bytes, else 0. */
int sy_utf8_valid(const char *s, size_t n);

#endif
