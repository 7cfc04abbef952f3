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

/* Walking an object or array one item at a time, for a decoder that looks
 * at the values it needs as it validates the rest (proto.c).  These are
 * the steps of sy_jscan_value()'s own loop, with its checks and messages,
 * so a walk stops at the same byte with the same why as sy_jscan_value()
 * would on the whole text; depth is what sy_jscan_value() would have at
 * that value (0 for the document, 1 for its members, ...).
 *
 *	if (sy_jscan_enter(j, depth) == 0)      (-1: error; 1: empty)
 *		do {
 *			sy_jscan_key(j, key, sizeof(key));  (objects only)
 *			c = sy_jscan_peek(j);
 *			... a value at depth + 1 ...
 *		} while ((r = sy_jscan_next(j, '}')) == 1);   (-1: error)
 */

/* At '{' or '[' (pos on it): move past it and the spaces after it.  1 when
 * the container is empty (pos past its close), 0 when an item follows, -1
 * when nested too deeply. */
int sy_jscan_enter(struct sy_jscan *j, int depth);
/* At a member of an object: its key (a string) and the ':' after it (the
 * value follows: sy_jscan_peek()).  key (cap bytes, at most INT_MAX) gets
 * the decoded key when its quoted text is at most cap bytes long, else ""
 * (the keys a decoder knows are short).  The length of key, or -1. */
int sy_jscan_key(struct sy_jscan *j, char *key, size_t cap);
/* Spaces, then the first byte of the value there (0..255), or -1 at the
 * end of the text. */
int sy_jscan_peek(struct sy_jscan *j);
/* After an item of the container that close ('}' or ']') ends: 1 past a
 * ',' and the spaces after it (another item follows), 0 past the close,
 * -1 for anything else. */
int sy_jscan_next(struct sy_jscan *j, char close);

#endif
