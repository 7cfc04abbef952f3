/* sync: encode and decode the protocol documents (<sy/proto.h>,
 * docs/sync-protocol.md).  Decoding goes through jansson with duplicate keys
 * refused, except the two hot documents (a push batch and its answer),
 * walked with the scanner of jscan.h; encoding writes the text directly
 * (jbuf.c) so payloads and feed data the caller already holds as JSON text
 * are copied, not parsed again.  Not for transport: no HTTP, no I/O, no
 * clock. */
#include "sy/proto.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto/jbuf.h"
#include "proto/jscan.h"
#include "sy/err.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))
#else
#define PRINTF_LIKE(a, b)
#endif

/* Memory a decoded batch or feed keeps: the parsed document (whose strings
 * the events point into) and the compact texts of payloads or data. */
struct owned {
	json_t *root;
	char **texts;
	size_t ntexts;
};

static void PRINTF_LIKE(4, 5) fail(struct sy_proto_err *err, int status, long index,
				   const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->http_status = status;
	err->index = index;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

static void err_clear(struct sy_proto_err *err)
{
	if (!err)
		return;
	err->http_status = 0;
	err->index = -1;
	err->detail[0] = '\0';
}

/* s[0..n) are all lowercase hex digits (branch-free: the server checks a
 * thousand uuids a batch, the client as many). */
static bool hex_run(const char *s, size_t n)
{
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];

		bad |= (c - '0' > 9) & (c - 'a' > 5);
	}
	return !bad;
}

bool sy_proto_uuid_valid(const char *s, size_t len)
{
	if (!s || len != SY_PROTO_UUID_LEN)
		return false;
	if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' || !hex_run(s, 8) ||
	    !hex_run(s + 9, 4) || !hex_run(s + 14, 4) || !hex_run(s + 19, 4) ||
	    !hex_run(s + 24, 12))
		return false;
	/* Version nibble 1..8, variant 10xx (RFC 9562 section 4). */
	if (s[14] < '1' || s[14] > '8')
		return false;
	return s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b';
}

bool sy_proto_cursor_valid(const char *s, size_t len)
{
	if (!s || len == 0 || len > SY_PROTO_MAX_CURSOR)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

static bool type_valid(const char *s, size_t len)
{
	if (len == 0 || len > SY_PROTO_MAX_TYPE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static bool kind_valid(const char *s, size_t len)
{
	if (len == 0 || len > SY_PROTO_MAX_KIND)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

/* A station name: 1..63 bytes of UTF-8 without control characters. */
static bool station_valid(const char *s, size_t len)
{
	if (len == 0 || len > SY_PROTO_MAX_STATION || !sy_utf8_valid(s, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

const char *sy_proto_status_name(enum sy_proto_status s)
{
	switch (s) {
	case SY_PROTO_APPLIED:
		return "applied";
	case SY_PROTO_DUPLICATE:
		return "duplicate";
	case SY_PROTO_REJECTED:
		return "rejected";
	default:
		return NULL;
	}
}

static int status_parse(const char *s, enum sy_proto_status *out)
{
	for (int i = SY_PROTO_APPLIED; i <= SY_PROTO_REJECTED; i++) {
		if (strcmp(s, sy_proto_status_name((enum sy_proto_status)i)) == 0) {
			*out = (enum sy_proto_status)i;
			return 0;
		}
	}
	return -1;
}

/* Parse a document: one JSON object, duplicate keys refused. */
static json_t *load_object(const char *buf, size_t len, size_t max, struct sy_proto_err *err)
{
	json_error_t je;
	json_t *root;

	if (len > max) {
		fail(err, 413, -1, "body: larger than %zu bytes", max);
		return NULL;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fail(err, 400, -1, "body: not JSON (line %d, column %d: %s)", je.line, je.column,
		     je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		fail(err, 400, -1, "body: not a JSON object");
		return NULL;
	}
	return root;
}

/* A string member as (s, len), with no NUL inside; 0 absent, 1 ok, -1 wrong type. */
static int get_str(json_t *obj, const char *key, const char **s, size_t *len)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*s = json_string_value(v);
	*len = json_string_length(v);
	if (strlen(*s) != *len)
		return -1;
	return 1;
}

static int owned_add(struct owned *o, char *text)
{
	char **t = realloc(o->texts, (o->ntexts + 1) * sizeof(*t));

	if (!t)
		return -1;
	o->texts = t;
	o->texts[o->ntexts++] = text;
	return 0;
}

static void owned_free(struct owned *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->ntexts; i++)
		free(o->texts[i]);
	free(o->texts);
	json_decref(o->root);
	free(o);
}

/* ---- Push ----------------------------------------------------------------- */

static void reject(struct sy_proto_event *e, size_t i, const char *what)
{
	snprintf(e->reject, sizeof(e->reject), "events[%zu].%s", i, what);
}

/* The two hot decoders (a push batch and its answer) walk the text once
 * with jscan.c (see jscan.h for why not jansson): every byte is validated
 * and what the document holds is kept in the same walk.  A syntax error
 * anywhere is a 400 whatever else is wrong, so a problem met on the way (a
 * duplicate key, too many entries, a wrong station, no memory) is only
 * noted and the walk goes on to the end; then the answer is chosen in a
 * fixed order, that of the multi-pass decoders these replaced.  The walk
 * stops early only on a syntax error (WALK_SYNTAX, j->why says what) or on
 * a broken invariant (WALK_BUG). */
enum { WALK_SYNTAX = -1, WALK_BUG = -2 };

/* Decoded strings and the payloads (their exact bytes) of a batch go to one
 * arena of len + 64 bytes.  Each kept string is no longer decoded (plus its
 * NUL) than its quoted form, a payload's NUL fits in the bytes of its key
 * (not kept), and the walk reads each byte of the text once: so used never
 * passes the walk's position, and each write is checked against that
 * before it is made.  p NULL: out of memory, nothing is kept. */
struct arena {
	char *p;
	size_t used, cap;
};

/* The string at j->pos, decoded into the arena; commit keeps it (else the
 * next string overwrites it).  Without an arena it is only validated. */
static int arena_string(struct sy_jscan *j, struct arena *a, int commit, const char **s,
			size_t *len)
{
	size_t n = 0;

	if (!a->p)
		return sy_jscan_string(j, NULL, NULL) < 0 ? WALK_SYNTAX : 0;
	/* The string is at most the rest of the text (see struct arena). */
	if (a->used + (j->n - j->pos) + 1 > a->cap)
		return WALK_BUG;
	if (sy_jscan_string(j, a->p + a->used, &n) < 0)
		return WALK_SYNTAX;
	*s = a->p + a->used;
	*len = n;
	if (commit)
		a->used += n + 1;
	return 0;
}

/* p (*cap elements of size bytes) with room for one more: first elements,
 * then twice as many each time, never more than max.  NULL when out of
 * memory (p and *cap unchanged). */
static void *grow(void *p, size_t *cap, size_t size, size_t first, size_t max)
{
	size_t c = *cap ? *cap * 2 : first;
	void *q;

	if (c > max)
		c = max;
	q = realloc(p, c * size);
	if (q)
		*cap = c;
	return q;
}

/* The document's first byte (after spaces) is '{': 0; else -1 with the
 * answer in err (413: too large; 400: not JSON, or JSON but not an object,
 * as a full validating pass gives it). */
static int doc_begin(struct sy_jscan *j, size_t max, struct sy_proto_err *err)
{
	if (j->n > max) {
		fail(err, 413, -1, "body: larger than %zu bytes", max);
		return -1;
	}
	if (sy_jscan_peek(j) == '{')
		return 0;
	j->pos = 0;
	if (sy_jscan_value(j, 0) < 0) {
		fail(err, 400, -1, "body: not JSON (byte %zu: %s)", j->pos, j->why);
		return -1;
	}
	sy_jscan_ws(j);
	if (j->pos != j->n)
		fail(err, 400, -1, "body: not JSON (byte %zu: text after the value)", j->pos);
	else
		fail(err, 400, -1, "body: not a JSON object");
	return -1;
}

/* After the document's object: only spaces. */
static int doc_end(struct sy_jscan *j)
{
	sy_jscan_ws(j);
	if (j->pos == j->n)
		return 0;
	j->why = "text after the value";
	return WALK_SYNTAX;
}

/* The state of one walk of a push batch. */
struct batch_walk {
	struct sy_jscan j;
	struct arena a;
	struct sy_proto_event *ev;
	size_t n, cap;        /* entries of "events" seen (all), room in ev */
	int ev_nomem;         /* ev could not grow: no more events kept */
	long dup_event;       /* the first event with a known key twice, or -1 */
	const char *dup_key;  /* the first of "station", "events" seen twice */
	const char *st;       /* "station" (kept when there is an arena) */
	size_t st_len;
	int st_kind, ev_kind; /* 0 absent, 1 a string / an array, 2 another type, 3 null */
};

enum { F_UUID = 1, F_SEQ = 2, F_TYPE = 4, F_ENTITY = 8, F_TS = 16, F_PAYLOAD = 32 };

/* The field an event's key names (len: its length), or 0. */
static int event_field(const char *key, int len)
{
	switch (len) {
	case 3:
		return memcmp(key, "seq", 3) == 0 ? F_SEQ : 0;
	case 4:
		if (memcmp(key, "uuid", 4) == 0)
			return F_UUID;
		return memcmp(key, "type", 4) == 0 ? F_TYPE : 0;
	case 5:
		return memcmp(key, "ts_ms", 5) == 0 ? F_TS : 0;
	case 6:
		return memcmp(key, "entity", 6) == 0 ? F_ENTITY : 0;
	case 7:
		return memcmp(key, "payload", 7) == 0 ? F_PAYLOAD : 0;
	default:
		return 0;
	}
}

/* One entry of "events" (c: its first byte), decoded into e as it is
 * validated.  Problems of the entry go to e->reject; a known key twice sets
 * *dup (the whole body is malformed then). */
static int event_walk(struct sy_jscan *j, int c, size_t i, struct sy_proto_event *e,
		      struct arena *a, int *dup)
{
	const char *uuid = NULL, *type = NULL, *entity = NULL;
	size_t uuid_n = 0, type_n = 0, entity_n = 0, pl_start = 0, pl_end = 0;
	int seen = 0, seq_kind = 0, ts_kind = 0, uuid_kind = 0, type_kind = 0, entity_kind = 0;
	int64_t seq = 0, ts = 0;
	char key[16];
	int r;

	memset(e, 0, sizeof(*e));
	e->type = e->entity = e->payload = "";
	if (c != '{') {
		if (sy_jscan_value(j, 2) < 0)
			return WALK_SYNTAX;
		snprintf(e->reject, sizeof(e->reject), "events[%zu]: not an object", i);
		return 0;
	}
	r = sy_jscan_enter(j, 2);
	if (r == 0) {
		do {
			int f, klen = sy_jscan_key(j, key, sizeof(key));

			if (klen < 0)
				return WALK_SYNTAX;
			c = sy_jscan_peek(j);
			if (c < 0)
				return WALK_SYNTAX;
			f = event_field(key, klen);
			if (f & seen) {
				*dup = 1;
				f = 0; /* skipped: the batch is refused */
			}
			seen |= f;
			r = 0;
			/* kind: 0 absent/null, 1 right type, 2 wrong type */
			if (f == F_UUID && c == '"') {
				r = arena_string(j, a, 0, &uuid, &uuid_n);
				uuid_kind = 1;
				if (r == 0 && uuid_n == SY_PROTO_UUID_LEN &&
				    sy_proto_uuid_valid(uuid, uuid_n))
					memcpy(e->uuid, uuid, SY_PROTO_UUID_LEN + 1);
			} else if (f == F_TYPE && c == '"') {
				r = arena_string(j, a, 1, &type, &type_n);
				type_kind = 1;
			} else if (f == F_ENTITY && c == '"') {
				r = arena_string(j, a, 1, &entity, &entity_n);
				entity_kind = 1;
			} else if ((f == F_SEQ || f == F_TS) && c != 'n') {
				int64_t v = 0;
				int k = sy_jscan_int(j, &v);

				if (k < 0 && sy_jscan_value(j, 3) < 0)
					return WALK_SYNTAX;
				if (f == F_SEQ) {
					seq = v;
					seq_kind = k == 1 ? 1 : 2;
				} else {
					ts = v;
					ts_kind = k == 1 ? 1 : 2;
				}
			} else if (f == F_PAYLOAD) {
				pl_start = j->pos;
				if (sy_jscan_value(j, 3) < 0)
					return WALK_SYNTAX;
				pl_end = j->pos;
			} else {
				if (c == 'n' && f == F_SEQ)
					seq_kind = 2; /* "seq": null is there but not an integer */
				else if (c != 'n' && f == F_UUID)
					uuid_kind = 2;
				else if (c != 'n' && f == F_TYPE)
					type_kind = 2;
				else if (c != 'n' && f == F_ENTITY)
					entity_kind = 2;
				if (sy_jscan_value(j, 3) < 0)
					return WALK_SYNTAX;
			}
			if (r < 0)
				return r;
		} while ((r = sy_jscan_next(j, '}')) == 1);
	}
	if (r < 0)
		return WALK_SYNTAX;
	if (!uuid_kind) {
		reject(e, i, "uuid: missing");
		return 0;
	}
	if (!e->uuid[0]) {
		reject(e, i, "uuid: not a lowercase RFC 9562 UUID");
		return 0;
	}
	if (!(seen & F_SEQ)) {
		reject(e, i, "seq: missing");
		return 0;
	}
	if (seq_kind != 1 || seq < 1) {
		reject(e, i, "seq: not an integer >= 1");
		return 0;
	}
	e->seq = seq;
	if (!type_kind) {
		reject(e, i, "type: missing");
		return 0;
	}
	if (type_kind != 1 || !type_valid(type, type_n)) {
		reject(e, i, "type: not 1..63 characters of [a-z0-9_.-]");
		return 0;
	}
	e->type = type;
	if (entity_kind == 2 || (entity_kind == 1 && entity_n > SY_PROTO_MAX_ENTITY)) {
		reject(e, i, "entity: not a string of at most 255 bytes");
		return 0;
	}
	e->entity = entity_kind ? entity : "";
	if (ts_kind == 2 || (ts_kind == 1 && ts < 0)) {
		reject(e, i, "ts_ms: not an integer >= 0");
		return 0;
	}
	e->ts_ms = ts;
	if (!(seen & F_PAYLOAD)) {
		reject(e, i, "payload: missing");
		return 0;
	}
	if (j->s[pl_start] != '{') {
		reject(e, i, "payload: not an object");
		return 0;
	}
	if (pl_end - pl_start > SY_PROTO_MAX_PAYLOAD) {
		snprintf(e->reject, sizeof(e->reject), "events[%zu].payload: larger than %d bytes",
			 i, SY_PROTO_MAX_PAYLOAD);
		return 0;
	}
	if (a->used + (pl_end - pl_start) + 1 > a->cap)
		return WALK_BUG; /* see struct arena */
	e->payload = a->p + a->used;
	e->payload_len = pl_end - pl_start;
	memcpy(a->p + a->used, j->s + pl_start, e->payload_len);
	a->p[a->used + e->payload_len] = '\0';
	a->used += e->payload_len + 1;
	return 0;
}

/* Where event i goes, or NULL when it is only validated: past the limit
 * (the batch is refused, 413), or out of memory (noted). */
static struct sy_proto_event *event_slot(struct batch_walk *w, size_t i)
{
	if (!w->a.p || w->ev_nomem || i >= SY_PROTO_MAX_EVENTS)
		return NULL;
	/* Start from one event per 128 bytes of body (bench_sync's events
	 * take 275), so that growing is rare, and no more than the limit. */
	if (i == w->cap) {
		void *p = grow(w->ev, &w->cap, sizeof(*w->ev), w->j.n / 128 + 16,
			       SY_PROTO_MAX_EVENTS);

		if (!p) {
			w->ev_nomem = 1;
			return NULL;
		}
		w->ev = p;
	}
	return &w->ev[i];
}

/* The "events" array at j->pos ('['), entry by entry. */
static int events_walk(struct batch_walk *w)
{
	struct sy_jscan *j = &w->j;
	int r = sy_jscan_enter(j, 1);

	if (r == 0) {
		do {
			size_t i = w->n++;
			struct sy_proto_event *e;
			int c = sy_jscan_peek(j), dup = 0;

			if (c < 0)
				return WALK_SYNTAX;
			e = event_slot(w, i);
			if (!e) {
				if (sy_jscan_value(j, 2) < 0)
					return WALK_SYNTAX;
				continue;
			}
			r = event_walk(j, c, i, e, &w->a, &dup);
			if (r < 0)
				return r;
			if (dup && w->dup_event < 0)
				w->dup_event = (long)i;
		} while ((r = sy_jscan_next(j, ']')) == 1);
	}
	return r < 0 ? WALK_SYNTAX : 0;
}

/* The document's object, member by member, then the end of the text. */
static int batch_walk(struct batch_walk *w)
{
	struct sy_jscan *j = &w->j;
	char key[16];
	int r = sy_jscan_enter(j, 0);

	if (r == 0) {
		do {
			int *kind = NULL, c, klen = sy_jscan_key(j, key, sizeof(key));

			if (klen < 0)
				return WALK_SYNTAX;
			c = sy_jscan_peek(j);
			if (c < 0)
				return WALK_SYNTAX;
			if (klen == 7 && memcmp(key, "station", 7) == 0)
				kind = &w->st_kind;
			else if (klen == 6 && memcmp(key, "events", 6) == 0)
				kind = &w->ev_kind;
			if (kind && *kind) {
				if (!w->dup_key)
					w->dup_key = kind == &w->st_kind ? "station" : "events";
				kind = NULL; /* skipped: the batch is refused */
			}
			if (kind == &w->st_kind && c == '"') {
				*kind = 1;
				r = arena_string(j, &w->a, 1, &w->st, &w->st_len);
				if (r < 0)
					return r;
			} else if (kind == &w->ev_kind && c == '[') {
				*kind = 1;
				r = events_walk(w);
				if (r < 0)
					return r;
			} else {
				if (kind)
					*kind = c == 'n' ? 3 : 2;
				if (sy_jscan_value(j, 1) < 0)
					return WALK_SYNTAX;
			}
		} while ((r = sy_jscan_next(j, '}')) == 1);
	}
	if (r < 0)
		return WALK_SYNTAX;
	return doc_end(j);
}

int sy_proto_batch_decode(const char *buf, size_t len, struct sy_proto_batch *b,
			  struct sy_proto_err *err)
{
	struct batch_walk w;
	int r;

	err_clear(err);
	memset(&w, 0, sizeof(w));
	w.j.s = buf;
	w.j.n = len;
	w.dup_event = -1;
	if (doc_begin(&w.j, SY_PROTO_MAX_BODY, err) < 0)
		return SY_ERR_PROTO;
	w.a.cap = len + 64;
	w.a.p = malloc(w.a.cap); /* NULL: the walk only validates (nomem below) */
	r = batch_walk(&w);
	/* The answer, in the order of the decoder this replaced: a syntax
	 * error first, then out of memory for the arena, a duplicate key in
	 * the document, station, events, out of memory for the events, a
	 * duplicate key in an event. */
	if (r == WALK_BUG) {
		fail(err, 500, -1, "internal error: the batch decoder's arena is full");
		free(w.ev);
		free(w.a.p);
		return SY_ERR_BUG;
	}
	if (r < 0) {
		fail(err, 400, -1, "body: not JSON (byte %zu: %s)", w.j.pos, w.j.why);
		goto out;
	}
	if (!w.a.p)
		goto nomem;
	if (w.dup_key) {
		fail(err, 400, -1, "body: not JSON (duplicate key \"%s\")", w.dup_key);
		goto out;
	}
	if (w.st_kind == 0 || w.st_kind == 3) {
		fail(err, 400, -1, "station: missing");
		goto out;
	}
	if (w.st_kind != 1 || !station_valid(w.st, w.st_len)) {
		fail(err, 400, -1, "station: not 1..63 bytes of text");
		goto out;
	}
	if (w.ev_kind == 0) {
		fail(err, 400, -1, "events: missing");
		goto out;
	}
	if (w.ev_kind != 1) {
		fail(err, 400, -1, "events: not an array");
		goto out;
	}
	if (w.n == 0) {
		fail(err, 400, -1, "events: empty");
		goto out;
	}
	if (w.n > SY_PROTO_MAX_EVENTS) {
		fail(err, 413, -1, "events: %zu entries, at most %d per batch", w.n,
		     SY_PROTO_MAX_EVENTS);
		goto out;
	}
	if (w.ev_nomem)
		goto nomem;
	if (w.dup_event >= 0) {
		fail(err, 400, w.dup_event, "events[%ld]: not JSON (a duplicate key)", w.dup_event);
		goto out;
	}
	b->station = w.st;
	b->ev = w.ev;
	b->n = w.n;
	b->priv = w.a.p;
	return SY_OK;
nomem:
	free(w.ev);
	free(w.a.p);
	fail(err, 500, -1, "out of memory");
	return SY_ERR_NOMEM;
out:
	free(w.ev);
	free(w.a.p);
	return SY_ERR_PROTO;
}

void sy_proto_batch_fini(struct sy_proto_batch *b)
{
	if (!b)
		return;
	free(b->priv);
	free(b->ev);
	b->station = NULL;
	b->ev = NULL;
	b->n = 0;
	b->priv = NULL;
}

/* The encoder's check of one event: the decoder's rules, so nothing the
 * client sends is rejected for its shape. */
static int event_check(const struct sy_proto_event *e, size_t i, struct sy_proto_err *err)
{
	int ok;

	if (!sy_proto_uuid_valid(e->uuid, strnlen(e->uuid, sizeof(e->uuid)))) {
		fail(err, 0, (long)i, "events[%zu].uuid: not a lowercase RFC 9562 UUID", i);
		return SY_ERR_ARG;
	}
	if (e->seq < 1) {
		fail(err, 0, (long)i, "events[%zu].seq: not >= 1", i);
		return SY_ERR_ARG;
	}
	if (!e->type || !type_valid(e->type, strlen(e->type))) {
		fail(err, 0, (long)i, "events[%zu].type: not 1..63 characters of [a-z0-9_.-]", i);
		return SY_ERR_ARG;
	}
	if (e->entity && (strlen(e->entity) > SY_PROTO_MAX_ENTITY ||
			  !sy_utf8_valid(e->entity, strlen(e->entity)))) {
		fail(err, 0, (long)i, "events[%zu].entity: not UTF-8 of at most 255 bytes", i);
		return SY_ERR_ARG;
	}
	if (e->ts_ms < 0) {
		fail(err, 0, (long)i, "events[%zu].ts_ms: negative", i);
		return SY_ERR_ARG;
	}
	if (!e->payload || e->payload_len > SY_PROTO_MAX_PAYLOAD) {
		fail(err, 0, (long)i, "events[%zu].payload: missing or larger than %d bytes", i,
		     SY_PROTO_MAX_PAYLOAD);
		return SY_ERR_ARG;
	}
	{
		struct sy_jscan j = { e->payload, e->payload_len, 0, NULL };

		sy_jscan_ws(&j);
		ok = j.pos < j.n && e->payload[j.pos] == '{' && sy_jscan_value(&j, 0) == 0;
		sy_jscan_ws(&j);
		ok = ok && j.pos == j.n;
	}
	if (!ok) {
		fail(err, 0, (long)i, "events[%zu].payload: not a JSON object", i);
		return SY_ERR_ARG;
	}
	return SY_OK;
}

int sy_proto_batch_encode(const char *station, const struct sy_proto_event *ev, size_t n,
			  char **out, size_t *len, struct sy_proto_err *err)
{
	struct sy_jbuf b = SY_JBUF_INIT;
	int rc;

	err_clear(err);
	if (!station || !station_valid(station, strlen(station))) {
		fail(err, 0, -1, "station: not 1..63 bytes of text");
		return SY_ERR_ARG;
	}
	if (n == 0 || n > SY_PROTO_MAX_EVENTS) {
		fail(err, 0, -1, "events: %zu, want 1..%d", n, SY_PROTO_MAX_EVENTS);
		return SY_ERR_ARG;
	}
	for (size_t i = 0; i < n; i++) {
		rc = event_check(&ev[i], i, err);
		if (rc < 0)
			return rc;
	}
	sy_jbuf_cstr(&b, "{\"station\":");
	sy_jbuf_str(&b, station, strlen(station));
	sy_jbuf_cstr(&b, ",\"events\":[");
	for (size_t i = 0; i < n; i++) {
		const struct sy_proto_event *e = &ev[i];
		const char *entity = e->entity ? e->entity : "";

		sy_jbuf_cstr(&b, i ? ",{\"uuid\":\"" : "{\"uuid\":\"");
		sy_jbuf_raw(&b, e->uuid, SY_PROTO_UUID_LEN);
		sy_jbuf_cstr(&b, "\",\"seq\":");
		sy_jbuf_int(&b, e->seq);
		sy_jbuf_cstr(&b, ",\"type\":");
		sy_jbuf_str(&b, e->type, strlen(e->type));
		sy_jbuf_cstr(&b, ",\"entity\":");
		sy_jbuf_str(&b, entity, strlen(entity));
		sy_jbuf_cstr(&b, ",\"ts_ms\":");
		sy_jbuf_int(&b, e->ts_ms);
		sy_jbuf_cstr(&b, ",\"payload\":");
		sy_jbuf_raw(&b, e->payload, e->payload_len);
		sy_jbuf_raw(&b, "}", 1);
	}
	sy_jbuf_cstr(&b, "]}");
	rc = sy_jbuf_take(&b, out, len);
	if (rc < 0)
		fail(err, 0, -1, "out of memory");
	return rc;
}

/* ---- Results --------------------------------------------------------------- */

int sy_proto_results_encode(const struct sy_proto_result *r, size_t n, char **out, size_t *len)
{
	struct sy_jbuf b = SY_JBUF_INIT;

	sy_jbuf_cstr(&b, "{\"results\":[");
	for (size_t i = 0; i < n; i++) {
		const char *name = sy_proto_status_name(r[i].status);

		if (!name) {
			sy_jbuf_fini(&b);
			return SY_ERR_ARG;
		}
		sy_jbuf_cstr(&b, i ? ",{\"uuid\":" : "{\"uuid\":");
		if (r[i].uuid[0])
			sy_jbuf_str(&b, r[i].uuid, strnlen(r[i].uuid, sizeof(r[i].uuid)));
		else
			sy_jbuf_cstr(&b, "null");
		sy_jbuf_cstr(&b, ",\"status\":\"");
		sy_jbuf_cstr(&b, name);
		if (r[i].status == SY_PROTO_REJECTED) {
			sy_jbuf_cstr(&b, "\",\"reason\":");
			sy_jbuf_str(&b, r[i].reason, strnlen(r[i].reason, sizeof(r[i].reason)));
		} else {
			sy_jbuf_cstr(&b, "\",\"server_seq\":");
			sy_jbuf_int(&b, r[i].server_seq);
		}
		sy_jbuf_raw(&b, "}", 1);
	}
	sy_jbuf_cstr(&b, "]}");
	return sy_jbuf_take(&b, out, len);
}

/* Copy a string into a fixed field, cut at a UTF-8 boundary. */
static void copy_cut(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A string member of a result (c: its first byte): *kind 0 absent (null),
 * 1 a string (decoded into scratch, *len), -1 another type. */
static int result_str(struct sy_jscan *j, int c, char *scratch, size_t *len, int *kind)
{
	if (c != '"') {
		*kind = c == 'n' ? 0 : -1;
		return sy_jscan_value(j, 3) < 0 ? WALK_SYNTAX : 0;
	}
	/* jscan refuses \u0000: no NUL inside. */
	*kind = 1;
	return sy_jscan_string(j, scratch, len) < 0 ? WALK_SYNTAX : 0;
}

enum { RK_STATUS, RK_UUID, RK_REASON, RK_SEQ, RK__N };

/* One entry of "results" (c: its first byte) into r.  0, or 1 when it is
 * wrong (err says why), or WALK_SYNTAX.  The checks and their order are
 * those of the jansson decoder this replaced (status, uuid, then reason or
 * server_seq); a known key twice is malformed JSON, as jansson with
 * JSON_REJECT_DUPLICATES had it. */
static int result_walk(struct sy_jscan *j, int c, size_t i, char *scratch,
		       struct sy_proto_result *r, struct sy_proto_err *err)
{
	static const struct {
		const char *s;
		int len;
	} keys[RK__N] = { { "status", 6 }, { "uuid", 4 }, { "reason", 6 }, { "server_seq", 10 } };
	int seen[RK__N] = { 0 }, st = 0, uu = 0, re = 0, sq = 0, dup = 0, w;
	int64_t seq = 0;
	size_t n = 0;
	char key[16];

	memset(r, 0, sizeof(*r));
	if (c != '{') {
		if (sy_jscan_value(j, 2) < 0)
			return WALK_SYNTAX;
		fail(err, 0, (long)i, "results[%zu]: not an object", i);
		return 1;
	}
	w = sy_jscan_enter(j, 2);
	if (w == 0) {
		do {
			int k, klen = sy_jscan_key(j, key, sizeof(key));

			if (klen < 0)
				return WALK_SYNTAX;
			c = sy_jscan_peek(j);
			if (c < 0)
				return WALK_SYNTAX;
			for (k = 0; k < RK__N; k++)
				if (klen == keys[k].len &&
				    memcmp(key, keys[k].s, (size_t)klen) == 0)
					break;
			if (k < RK__N && seen[k]++ && !dup) {
				fail(err, 0, -1, "body: not JSON (duplicate key \"%s\")",
				     keys[k].s);
				dup = 1;
			}
			if (dup)
				k = RK__N; /* only validated from here: the answer is refused */
			w = 0;
			switch (k) {
			case RK_STATUS:
				w = result_str(j, c, scratch, &n, &st);
				if (w == 0 && st > 0 && status_parse(scratch, &r->status) < 0)
					st = -1;
				break;
			case RK_UUID:
				w = result_str(j, c, scratch, &n, &uu);
				if (w == 0 && uu > 0 && !sy_proto_uuid_valid(scratch, n))
					uu = -2;
				if (w == 0 && uu > 0)
					memcpy(r->uuid, scratch, SY_PROTO_UUID_LEN + 1);
				break;
			case RK_REASON:
				w = result_str(j, c, scratch, &n, &re);
				if (w == 0 && re > 0)
					copy_cut(r->reason, sizeof(r->reason), scratch, n);
				break;
			case RK_SEQ: {
				/* 1: an int64 (pos past it); 0: another number (past
				 * it too); -1: not a number (pos unchanged). */
				int ki = sy_jscan_int(j, &seq);

				sq = ki == 1 && seq >= 1 ? 1 : -1;
				if (ki < 0 && sy_jscan_value(j, 3) < 0)
					w = WALK_SYNTAX;
				break;
			}
			default:
				if (sy_jscan_value(j, 3) < 0)
					w = WALK_SYNTAX;
				break;
			}
			if (w < 0)
				return w;
		} while ((w = sy_jscan_next(j, '}')) == 1);
	}
	if (w < 0)
		return WALK_SYNTAX;
	if (dup)
		return 1;
	if (st <= 0) {
		fail(err, 0, (long)i, "results[%zu].status: not applied, duplicate or rejected", i);
		return 1;
	}
	if (uu < 0 || (uu == 0 && r->status != SY_PROTO_REJECTED)) {
		fail(err, 0, (long)i, "results[%zu].uuid: not a lowercase RFC 9562 UUID", i);
		return 1;
	}
	if (r->status == SY_PROTO_REJECTED) {
		if (re < 0) {
			fail(err, 0, (long)i, "results[%zu].reason: not a string", i);
			return 1;
		}
		return 0;
	}
	r->reason[0] = '\0'; /* only a rejection keeps one */
	if (sq <= 0) {
		fail(err, 0, (long)i, "results[%zu].server_seq: not an integer >= 1", i);
		return 1;
	}
	r->server_seq = seq;
	return 0;
}

/* The state of one walk of a push answer. */
struct results_walk {
	struct sy_jscan j;
	char *scratch; /* a decoded string (never longer than the text); NULL: out of memory */
	struct sy_proto_result *r;
	size_t n, cap;          /* entries of "results" seen (all), room in r */
	int nomem;              /* r could not grow */
	int kind;               /* "results": 0 absent, 1 an array, 2 another value */
	int dup;                /* "results" twice */
	int bad;                /* an entry is wrong: the first one's error in first */
	struct sy_proto_err first;
};

/* Where result i goes, or NULL when it is only validated: past the limit
 * (the answer is refused), or out of memory (noted). */
static struct sy_proto_result *result_slot(struct results_walk *w, size_t i)
{
	if (!w->scratch || w->nomem || i >= SY_PROTO_MAX_EVENTS)
		return NULL;
	if (i == w->cap) {
		void *p = grow(w->r, &w->cap, sizeof(*w->r), 64, SY_PROTO_MAX_EVENTS);

		if (!p) {
			w->nomem = 1;
			return NULL;
		}
		w->r = p;
	}
	return &w->r[i];
}

/* The "results" array at j->pos ('['), entry by entry. */
static int results_entries(struct results_walk *w)
{
	struct sy_jscan *j = &w->j;
	int r = sy_jscan_enter(j, 1);

	if (r == 0) {
		do {
			size_t i = w->n++;
			struct sy_proto_result *res;
			int c = sy_jscan_peek(j);

			if (c < 0)
				return WALK_SYNTAX;
			res = result_slot(w, i);
			if (!res) {
				if (sy_jscan_value(j, 2) < 0)
					return WALK_SYNTAX;
				continue;
			}
			r = result_walk(j, c, i, w->scratch, res, w->bad ? NULL : &w->first);
			if (r < 0)
				return r;
			if (r > 0)
				w->bad = 1;
		} while ((r = sy_jscan_next(j, ']')) == 1);
	}
	return r < 0 ? WALK_SYNTAX : 0;
}

static int results_walk(struct results_walk *w)
{
	struct sy_jscan *j = &w->j;
	char key[16];
	int r = sy_jscan_enter(j, 0);

	if (r == 0) {
		do {
			int c, klen = sy_jscan_key(j, key, sizeof(key)), is_results;

			if (klen < 0)
				return WALK_SYNTAX;
			c = sy_jscan_peek(j);
			if (c < 0)
				return WALK_SYNTAX;
			is_results = klen == 7 && memcmp(key, "results", 7) == 0;
			r = 0;
			if (!is_results || w->kind) {
				w->dup = w->dup || is_results;
				if (sy_jscan_value(j, 1) < 0)
					return WALK_SYNTAX;
			} else if (c == '[') {
				w->kind = 1;
				r = results_entries(w);
			} else {
				w->kind = 2;
				if (sy_jscan_value(j, 1) < 0)
					return WALK_SYNTAX;
			}
			if (r < 0)
				return r;
		} while ((r = sy_jscan_next(j, '}')) == 1);
	}
	if (r < 0)
		return WALK_SYNTAX;
	return doc_end(j);
}

/* The push answer is decoded on the client's critical path, once per
 * batch of up to 1000: walked once with the scanner of the batch decoder
 * (jscan.h) instead of building a jansson tree of 4000 values. */
int sy_proto_results_decode(const char *buf, size_t len, struct sy_proto_result **out, size_t *n,
			    struct sy_proto_err *err)
{
	struct results_walk w;
	int r, rc = SY_ERR_PROTO;

	err_clear(err);
	memset(&w, 0, sizeof(w));
	w.j.s = buf;
	w.j.n = len;
	if (doc_begin(&w.j, SY_PROTO_MAX_RESPONSE, err) < 0)
		return SY_ERR_PROTO;
	w.scratch = malloc(len + 1); /* NULL: the walk only validates (nomem below) */
	r = results_walk(&w);
	/* The answer, in the order of the decoder this replaced: a syntax
	 * error, "results" twice, missing, too long, out of memory, then the
	 * first wrong entry. */
	if (r < 0) {
		fail(err, 400, -1, "body: not JSON (byte %zu: %s)", w.j.pos, w.j.why);
		goto out;
	}
	if (w.dup) {
		fail(err, 400, -1, "body: not JSON (duplicate key \"results\")");
		goto out;
	}
	if (w.kind != 1) {
		fail(err, 0, -1, "results: missing or not an array");
		goto out;
	}
	if (w.n > SY_PROTO_MAX_EVENTS) {
		fail(err, 0, -1, "results: more than %d entries", SY_PROTO_MAX_EVENTS);
		goto out;
	}
	if (!w.scratch || w.nomem || (!w.r && !(w.r = calloc(1, sizeof(*w.r))))) {
		rc = SY_ERR_NOMEM;
		goto out;
	}
	if (w.bad) {
		if (err)
			*err = w.first;
		goto out;
	}
	*out = w.r;
	*n = w.n;
	w.r = NULL;
	rc = SY_OK;
out:
	free(w.scratch);
	free(w.r);
	return rc;
}

int sy_proto_results_match(const struct sy_proto_result *r, size_t nr,
			   const struct sy_proto_event *ev, size_t ne, struct sy_proto_err *err)
{
	err_clear(err);
	if (nr != ne) {
		fail(err, 0, -1, "results: %zu for %zu events sent", nr, ne);
		return SY_ERR_PROTO;
	}
	for (size_t i = 0; i < nr; i++) {
		if (r[i].uuid[0] == '\0' && r[i].status == SY_PROTO_REJECTED)
			continue;
		if (strncmp(r[i].uuid, ev[i].uuid, sizeof(r[i].uuid)) != 0) {
			fail(err, 0, (long)i, "results[%zu].uuid: %s, but event %zu is %s", i,
			     r[i].uuid, i, ev[i].uuid);
			return SY_ERR_PROTO;
		}
	}
	return SY_OK;
}

/* ---- Feed ----------------------------------------------------------------- */

int sy_proto_feed_encode(const struct sy_proto_feed_item *items, size_t n, const char *next_cursor,
			 bool more, char **out, size_t *len)
{
	struct sy_jbuf b = SY_JBUF_INIT;

	if (!next_cursor || !sy_proto_cursor_valid(next_cursor, strlen(next_cursor)))
		return SY_ERR_ARG;
	sy_jbuf_cstr(&b, "{\"items\":[");
	for (size_t i = 0; i < n; i++) {
		sy_jbuf_cstr(&b, i ? ",{\"kind\":" : "{\"kind\":");
		sy_jbuf_str(&b, items[i].kind, strlen(items[i].kind));
		sy_jbuf_cstr(&b, ",\"key\":");
		sy_jbuf_str(&b, items[i].key, strlen(items[i].key));
		sy_jbuf_cstr(&b, ",\"seq\":");
		sy_jbuf_int(&b, items[i].seq);
		sy_jbuf_cstr(&b, ",\"data\":");
		sy_jbuf_raw(&b, items[i].data, items[i].data_len);
		sy_jbuf_raw(&b, "}", 1);
	}
	sy_jbuf_cstr(&b, "],\"next_cursor\":\"");
	sy_jbuf_cstr(&b, next_cursor);
	sy_jbuf_cstr(&b, more ? "\",\"more\":true}" : "\",\"more\":false}");
	return sy_jbuf_take(&b, out, len);
}

static int item_decode(json_t *v, size_t i, int64_t prev, struct sy_proto_feed_item *it,
		       struct owned *o, struct sy_proto_err *err)
{
	const char *s = NULL;
	size_t n = 0;
	json_t *x;
	char *text;

	if (!json_is_object(v)) {
		fail(err, 0, (long)i, "items[%zu]: not an object", i);
		return SY_ERR_PROTO;
	}
	if (get_str(v, "kind", &s, &n) <= 0 || !kind_valid(s, n)) {
		fail(err, 0, (long)i, "items[%zu].kind: not 1..31 characters of [a-z_]", i);
		return SY_ERR_PROTO;
	}
	it->kind = s;
	if (get_str(v, "key", &s, &n) <= 0 || n == 0 || n > SY_PROTO_MAX_KEY) {
		fail(err, 0, (long)i, "items[%zu].key: not a string of 1..255 bytes", i);
		return SY_ERR_PROTO;
	}
	it->key = s;
	x = json_object_get(v, "seq");
	if (!x || !json_is_integer(x) || json_integer_value(x) <= prev) {
		fail(err, 0, (long)i, "items[%zu].seq: not an integer above %" PRId64, i, prev);
		return SY_ERR_PROTO;
	}
	it->seq = json_integer_value(x);
	x = json_object_get(v, "data");
	if (!x || !json_is_object(x)) {
		fail(err, 0, (long)i, "items[%zu].data: not an object", i);
		return SY_ERR_PROTO;
	}
	text = json_dumps(x, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!text || owned_add(o, text) < 0) {
		free(text);
		fail(err, 0, (long)i, "out of memory");
		return SY_ERR_NOMEM;
	}
	it->data = text;
	it->data_len = strlen(text);
	return SY_OK;
}

int sy_proto_feed_decode(const char *buf, size_t len, struct sy_proto_feed *f,
			 struct sy_proto_err *err)
{
	struct sy_proto_feed_item *items = NULL;
	struct owned *o = NULL;
	const char *cur = NULL;
	size_t n = 0, cl = 0;
	json_t *arr, *more;
	int rc = SY_ERR_PROTO;
	int64_t prev = 0;

	err_clear(err);
	o = calloc(1, sizeof(*o));
	if (!o)
		return SY_ERR_NOMEM;
	o->root = load_object(buf, len, SY_PROTO_MAX_RESPONSE, err);
	if (!o->root)
		goto out;
	arr = json_object_get(o->root, "items");
	if (!arr || !json_is_array(arr)) {
		fail(err, 0, -1, "items: missing or not an array");
		goto out;
	}
	n = json_array_size(arr);
	if (n > SY_PROTO_MAX_FEED_LIMIT) {
		fail(err, 0, -1, "items: %zu entries, at most %d", n, SY_PROTO_MAX_FEED_LIMIT);
		goto out;
	}
	if (get_str(o->root, "next_cursor", &cur, &cl) <= 0 || !sy_proto_cursor_valid(cur, cl)) {
		fail(err, 0, -1, "next_cursor: not 1..128 characters of [A-Za-z0-9_-]");
		goto out;
	}
	more = json_object_get(o->root, "more");
	if (!more || !json_is_boolean(more)) {
		fail(err, 0, -1, "more: missing or not a boolean");
		goto out;
	}
	items = calloc(n ? n : 1, sizeof(*items));
	if (!items) {
		rc = SY_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		rc = item_decode(json_array_get(arr, i), i, prev, &items[i], o, err);
		if (rc < 0)
			goto out;
		prev = items[i].seq;
	}
	f->items = items;
	f->n = n;
	f->next_cursor = cur;
	f->more = json_is_true(more);
	f->priv = o;
	return SY_OK;
out:
	free(items);
	owned_free(o);
	return rc;
}

void sy_proto_feed_fini(struct sy_proto_feed *f)
{
	if (!f)
		return;
	owned_free(f->priv);
	free(f->items);
	f->items = NULL;
	f->n = 0;
	f->next_cursor = NULL;
	f->more = false;
	f->priv = NULL;
}

/* ---- Errors and health ------------------------------------------------------ */

int sy_proto_error_encode(const char *code, const char *detail, char **out, size_t *len)
{
	struct sy_jbuf b = SY_JBUF_INIT;

	sy_jbuf_cstr(&b, "{\"error\":");
	sy_jbuf_str(&b, code, strlen(code));
	sy_jbuf_cstr(&b, ",\"detail\":");
	sy_jbuf_str(&b, detail ? detail : "", detail ? strlen(detail) : 0);
	sy_jbuf_raw(&b, "}", 1);
	return sy_jbuf_take(&b, out, len);
}

int sy_proto_error_decode(const char *buf, size_t len, struct sy_proto_error *e,
			  struct sy_proto_err *err)
{
	const char *s = NULL, *d = NULL;
	size_t n = 0, dn = 0;
	json_t *root;
	int r;

	err_clear(err);
	root = load_object(buf, len, SY_PROTO_MAX_RESPONSE, err);
	if (!root)
		return SY_ERR_PROTO;
	if (get_str(root, "error", &s, &n) <= 0 || n == 0) {
		fail(err, 0, -1, "error: missing or not a string");
		json_decref(root);
		return SY_ERR_PROTO;
	}
	r = get_str(root, "detail", &d, &dn);
	if (r < 0) {
		fail(err, 0, -1, "detail: not a string");
		json_decref(root);
		return SY_ERR_PROTO;
	}
	copy_cut(e->error, sizeof(e->error), s, n);
	copy_cut(e->detail, sizeof(e->detail), r > 0 ? d : "", r > 0 ? dn : 0);
	json_decref(root);
	return SY_OK;
}

int sy_proto_health_encode(const struct sy_proto_health *h, char **out, size_t *len)
{
	struct sy_jbuf b = SY_JBUF_INIT;

	sy_jbuf_cstr(&b, "{\"status\":");
	sy_jbuf_str(&b, h->status, strnlen(h->status, sizeof(h->status)));
	sy_jbuf_cstr(&b, ",\"version\":");
	sy_jbuf_str(&b, h->version, strnlen(h->version, sizeof(h->version)));
	sy_jbuf_cstr(&b, ",\"db\":");
	sy_jbuf_str(&b, h->db, strnlen(h->db, sizeof(h->db)));
	sy_jbuf_raw(&b, "}", 1);
	return sy_jbuf_take(&b, out, len);
}

int sy_proto_health_decode(const char *buf, size_t len, struct sy_proto_health *h,
			   struct sy_proto_err *err)
{
	static const char *const keys[] = { "status", "version", "db" };
	char *dst[3];
	size_t cap[3];
	json_t *root;

	err_clear(err);
	dst[0] = h->status;
	cap[0] = sizeof(h->status);
	dst[1] = h->version;
	cap[1] = sizeof(h->version);
	dst[2] = h->db;
	cap[2] = sizeof(h->db);
	root = load_object(buf, len, SY_PROTO_MAX_RESPONSE, err);
	if (!root)
		return SY_ERR_PROTO;
	for (int i = 0; i < 3; i++) {
		const char *s = NULL;
		size_t n = 0;

		if (get_str(root, keys[i], &s, &n) <= 0) {
			fail(err, 0, -1, "%s: missing or not a string", keys[i]);
			json_decref(root);
			return SY_ERR_PROTO;
		}
		copy_cut(dst[i], cap[i], s, n);
	}
	json_decref(root);
	return SY_OK;
}
