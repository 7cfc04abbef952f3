/* sync: a strict JSON scanner for the hot path (folder-private to sync/).
 *
 * The push request is the server's busiest input: up to 1000 events whose
 * payloads the server stores as text.  Building a jansson tree and dumping
 * each payload again cost more than storing it, so the batch decoder walks
 * the text once with this scanner, validates every value (RFC 8259 grammar,
 * UTF-8, escapes and surrogate pairs, no NUL, bounded depth) and keeps each
 * payload as the exact bytes it arrived as.  Not a general parser: it
 * builds nothing. */
#ifndef QC_SYNC_PROTO_JSCAN_H
#define QC_SYNC_PROTO_JSCAN_H

#include <stddef.h>
#include <stdint.h>

#define SY_JSCAN_MAX_DEPTH 128

struct sy_jscan {
	const char *s;
	size_t n, pos;
	const char *why; /* on error: what is wrong at pos */
};

/* Skip spaces, tabs, CR and LF. */
void sy_jscan_ws(struct sy_jscan *j);
/* Validate one value at pos (after spaces) and move past it.  0 or -1 (why,
 * pos at the fault). */
int sy_jscan_value(struct sy_jscan *j, int depth);
/* Decode the string at pos (which must be '"') into out (room for the raw
 * length + 1 bytes: a decoded string is never longer), NUL-terminated.
 * 0 and *len, or -1. */
int sy_jscan_string(struct sy_jscan *j, char *out, size_t *len);
/* An integer value at pos: 1 and *v when it is one (no fraction, no
 * exponent, fits int64), 0 when it is another valid number, -1 when it is
 * not a number at all (pos unchanged then). */
int sy_jscan_int(struct sy_jscan *j, int64_t *v);

#endif
