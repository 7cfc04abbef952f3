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

bool sy_proto_uuid_valid(const char *s, size_t len)
{
	if (!s || len != SY_PROTO_UUID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
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

/* The batch decoder walks the text with jscan.c (see jscan.h for why not
 * jansson).  Pass 1 validates the whole document, so any syntax error is a
 * 400 whatever else is wrong; pass 2 extracts.  Decoded strings and the
 * payloads (their exact bytes) go to one arena of len + 64 bytes: each
 * copied string is no longer decoded (plus its NUL) than its quoted form,
 * and a payload's NUL fits in its key's bytes, which are not copied. */
struct arena {
	char *p;
	size_t used, cap;
};

/* Decode the string at j->pos into the arena; commit keeps it. */
static char *arena_string(struct sy_jscan *j, struct arena *a, int commit, size_t *len)
{
	char *out = a->p + a->used;
	size_t n = 0;

	if (j->pos >= j->n || j->s[j->pos] != '"')
		return NULL;
	/* The room check of the comment above: can't fail. */
	if (sy_jscan_string(j, out, &n) < 0 || a->used + n + 1 > a->cap)
		return NULL;
	if (commit)
		a->used += n + 1;
	*len = n;
	return out;
}

/* A member key at pos into key (cap 16); longer keys come back as "" (none
 * we know is that long).  Moves past the ':'. */
static int member_key(struct sy_jscan *j, char *key)
{
	size_t start = j->pos, n = 0;
	char tmp[16];

	sy_jscan_ws(j);
	start = j->pos;
	if (sy_jscan_string(j, NULL, NULL) < 0)
		return -1;
	key[0] = '\0';
	if (j->pos - start <= sizeof(tmp)) {
		struct sy_jscan k = { j->s, j->pos, start, NULL };

		if (sy_jscan_string(&k, tmp, &n) == 0 && n < 16)
			memcpy(key, tmp, n + 1);
	}
	sy_jscan_ws(j);
	j->pos++; /* ':' (pass 1 checked) */
	sy_jscan_ws(j);
	return 0;
}

/* After a member: past ',' (1: another follows) or the closing bracket (0). */
static int member_next(struct sy_jscan *j)
{
	sy_jscan_ws(j);
	return j->s[j->pos++] == ',';
}

enum { F_UUID = 1, F_SEQ = 2, F_TYPE = 4, F_ENTITY = 8, F_TS = 16, F_PAYLOAD = 32 };

/* One entry of "events"; problems of the entry go to e->reject.  -1 for a
 * duplicate key (the whole body is malformed then). */
static int event_scan(struct sy_jscan *j, size_t i, struct sy_proto_event *e, struct arena *a)
{
	const char *uuid = NULL, *type = NULL, *entity = NULL;
	size_t uuid_n = 0, type_n = 0, entity_n = 0, pl_start = 0, pl_end = 0;
	int seen = 0, seq_kind = 0, ts_kind = 0, uuid_kind = 0, type_kind = 0, entity_kind = 0;
	int64_t seq = 0, ts = 0;
	char key[16];

	memset(e, 0, sizeof(*e));
	e->type = e->entity = e->payload = "";
	sy_jscan_ws(j);
	if (j->s[j->pos] != '{') {
		sy_jscan_value(j, 1);
		snprintf(e->reject, sizeof(e->reject), "events[%zu]: not an object", i);
		return 0;
	}
	j->pos++;
	sy_jscan_ws(j);
	if (j->s[j->pos] == '}') {
		j->pos++;
	} else {
		do {
			int f = 0;
			char c;

			member_key(j, key);
			c = j->s[j->pos];
			if (strcmp(key, "uuid") == 0)
				f = F_UUID;
			else if (strcmp(key, "seq") == 0)
				f = F_SEQ;
			else if (strcmp(key, "type") == 0)
				f = F_TYPE;
			else if (strcmp(key, "entity") == 0)
				f = F_ENTITY;
			else if (strcmp(key, "ts_ms") == 0)
				f = F_TS;
			else if (strcmp(key, "payload") == 0)
				f = F_PAYLOAD;
			if (f & seen)
				return -1;
			seen |= f;
			/* kind: 0 absent/null, 1 right type, 2 wrong type */
			if (f == F_UUID && c == '"') {
				uuid = arena_string(j, a, 0, &uuid_n);
				uuid_kind = 1;
				if (uuid_n == SY_PROTO_UUID_LEN &&
				    sy_proto_uuid_valid(uuid, uuid_n))
					memcpy(e->uuid, uuid, SY_PROTO_UUID_LEN + 1);
			} else if (f == F_TYPE && c == '"') {
				type = arena_string(j, a, 1, &type_n);
				type_kind = 1;
			} else if (f == F_ENTITY && c == '"') {
				entity = arena_string(j, a, 1, &entity_n);
				entity_kind = 1;
			} else if ((f == F_SEQ || f == F_TS) && c != 'n') {
				int64_t v = 0;
				int r = sy_jscan_int(j, &v);

				if (r < 0)
					sy_jscan_value(j, 1);
				if (f == F_SEQ) {
					seq = v;
					seq_kind = r == 1 ? 1 : 2;
				} else {
					ts = v;
					ts_kind = r == 1 ? 1 : 2;
				}
			} else if (f == F_PAYLOAD) {
				pl_start = j->pos;
				sy_jscan_value(j, 1);
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
				sy_jscan_value(j, 1);
			}
		} while (member_next(j));
	}
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
		return -1; /* can't happen (see struct arena) */
	e->payload = a->p + a->used;
	e->payload_len = pl_end - pl_start;
	memcpy(a->p + a->used, j->s + pl_start, e->payload_len);
	a->p[a->used + e->payload_len] = '\0';
	a->used += e->payload_len + 1;
	return 0;
}

/* Pass 1 of the scanner decoders: the body (at most max bytes) is one
 * valid JSON value and that value is an object; j is left on its '{'.
 * 0, or -1 with err set (413 or 400). */
static int scan_object(struct sy_jscan *j, size_t max, struct sy_proto_err *err)
{
	if (j->n > max) {
		fail(err, 413, -1, "body: larger than %zu bytes", max);
		return -1;
	}
	if (sy_jscan_value(j, 0) < 0) {
		fail(err, 400, -1, "body: not JSON (byte %zu: %s)", j->pos, j->why);
		return -1;
	}
	sy_jscan_ws(j);
	if (j->pos != j->n) {
		fail(err, 400, -1, "body: not JSON (byte %zu: text after the value)", j->pos);
		return -1;
	}
	j->pos = 0;
	sy_jscan_ws(j);
	if (j->s[j->pos] != '{') {
		fail(err, 400, -1, "body: not a JSON object");
		return -1;
	}
	return 0;
}

int sy_proto_batch_decode(const char *buf, size_t len, struct sy_proto_batch *b,
			  struct sy_proto_err *err)
{
	struct sy_jscan j = { buf, len, 0, NULL };
	struct arena a = { NULL, 0, 0 };
	struct sy_proto_event *ev = NULL;
	const char *st = NULL;
	size_t stlen = 0, n = 0, events_at = 0;
	int st_kind = 0, ev_kind = 0;
	char key[16];

	err_clear(err);
	if (scan_object(&j, SY_PROTO_MAX_BODY, err) < 0)
		return SY_ERR_PROTO;
	a.cap = len + 64;
	a.p = malloc(a.cap);
	if (!a.p)
		goto nomem;
	/* Pass 2: the members. */
	j.pos++;
	sy_jscan_ws(&j);
	if (buf[j.pos] == '}')
		j.pos++;
	else
		do {
			member_key(&j, key);
			if (strcmp(key, "station") == 0 || strcmp(key, "events") == 0) {
				int *kind = key[0] == 's' ? &st_kind : &ev_kind;

				if (*kind) {
					fail(err, 400, -1, "body: not JSON (duplicate key \"%s\")",
					     key);
					goto out;
				}
				*kind = 2;
				if (key[0] == 's' && buf[j.pos] == '"') {
					st = arena_string(&j, &a, 1, &stlen);
					*kind = 1;
					continue;
				}
				if (key[0] == 'e' && buf[j.pos] == '[') {
					events_at = j.pos;
					*kind = 1;
				} else if (buf[j.pos] == 'n') {
					*kind = 3; /* null: as absent for station */
				}
			}
			sy_jscan_value(&j, 1);
		} while (member_next(&j));
	if (st_kind == 0 || st_kind == 3) {
		fail(err, 400, -1, "station: missing");
		goto out;
	}
	if (st_kind != 1 || !station_valid(st, stlen)) {
		fail(err, 400, -1, "station: not 1..63 bytes of text");
		goto out;
	}
	if (ev_kind == 0) {
		fail(err, 400, -1, "events: missing");
		goto out;
	}
	if (ev_kind != 1) {
		fail(err, 400, -1, "events: not an array");
		goto out;
	}
	/* Count, then decode. */
	j.pos = events_at + 1;
	sy_jscan_ws(&j);
	if (buf[j.pos] != ']') {
		do {
			sy_jscan_value(&j, 1);
			n++;
		} while (member_next(&j));
	}
	if (n == 0) {
		fail(err, 400, -1, "events: empty");
		goto out;
	}
	if (n > SY_PROTO_MAX_EVENTS) {
		fail(err, 413, -1, "events: %zu entries, at most %d per batch", n,
		     SY_PROTO_MAX_EVENTS);
		goto out;
	}
	ev = calloc(n, sizeof(*ev));
	if (!ev)
		goto nomem;
	j.pos = events_at + 1;
	for (size_t i = 0; i < n; i++) {
		if (event_scan(&j, i, &ev[i], &a) < 0) {
			fail(err, 400, (long)i, "events[%zu]: not JSON (a duplicate key)", i);
			goto out;
		}
		member_next(&j);
	}
	b->station = st;
	b->ev = ev;
	b->n = n;
	b->priv = a.p;
	return SY_OK;
nomem:
	free(ev);
	free(a.p);
	fail(err, 500, -1, "out of memory");
	return SY_ERR_NOMEM;
out:
	free(ev);
	free(a.p);
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

/* A string member of a result: 0 absent (or null), 1 ok (decoded into
 * scratch, *len), -1 another type or a string with a NUL inside. */
static int result_str(struct sy_jscan *j, char *scratch, size_t *len)
{
	const char *v = j->s + j->pos;

	if (*v == 'n') {
		sy_jscan_value(j, 1);
		return 0;
	}
	if (*v != '"') {
		sy_jscan_value(j, 1);
		return -1;
	}
	/* Pass 1 validated it, and jscan refuses \u0000: no NUL inside. */
	if (sy_jscan_string(j, scratch, len) < 0)
		return -1;
	return 1;
}

enum { RK_STATUS, RK_UUID, RK_REASON, RK_SEQ, RK__N };

/* One entry of "results" at j->pos, into r.  The checks and their order
 * are those of the jansson decoder this replaced (status, uuid, then
 * reason or server_seq); a known key twice is malformed JSON, as jansson
 * with JSON_REJECT_DUPLICATES had it. */
static int result_scan(struct sy_jscan *j, size_t i, char *scratch, struct sy_proto_result *r,
		       struct sy_proto_err *err)
{
	static const char *const keys[RK__N] = { "status", "uuid", "reason", "server_seq" };
	int seen[RK__N] = { 0 }, st = 0, uu = 0, re = 0, sq = 0;
	int64_t seq = 0;
	size_t n = 0;
	char key[16];

	memset(r, 0, sizeof(*r));
	sy_jscan_ws(j);
	if (j->s[j->pos] != '{') {
		fail(err, 0, (long)i, "results[%zu]: not an object", i);
		return -1;
	}
	j->pos++;
	sy_jscan_ws(j);
	if (j->s[j->pos] == '}')
		j->pos++;
	else
		do {
			int k;

			member_key(j, key);
			for (k = 0; k < RK__N; k++)
				if (strcmp(key, keys[k]) == 0)
					break;
			if (k == RK__N) {
				sy_jscan_value(j, 1);
				continue;
			}
			if (seen[k]++) {
				fail(err, 0, -1, "body: not JSON (duplicate key \"%s\")", keys[k]);
				return -1;
			}
			switch (k) {
			case RK_STATUS:
				st = result_str(j, scratch, &n);
				if (st > 0 && status_parse(scratch, &r->status) < 0)
					st = -1;
				break;
			case RK_UUID:
				uu = result_str(j, scratch, &n);
				if (uu > 0 && !sy_proto_uuid_valid(scratch, n))
					uu = -2;
				if (uu > 0)
					memcpy(r->uuid, scratch, SY_PROTO_UUID_LEN + 1);
				break;
			case RK_REASON:
				re = result_str(j, scratch, &n);
				if (re > 0)
					copy_cut(r->reason, sizeof(r->reason), scratch, n);
				break;
			default: {
				/* 1: an int64 (pos past it); 0: another number (past
				 * it too); -1: not a number (pos unchanged). */
				int ki = sy_jscan_int(j, &seq);

				sq = ki == 1 && seq >= 1 ? 1 : -1;
				if (ki < 0)
					sy_jscan_value(j, 1);
				break;
			}
			}
		} while (member_next(j));
	if (st <= 0) {
		fail(err, 0, (long)i, "results[%zu].status: not applied, duplicate or rejected", i);
		return -1;
	}
	if (uu < 0 || (uu == 0 && r->status != SY_PROTO_REJECTED)) {
		fail(err, 0, (long)i, "results[%zu].uuid: not a lowercase RFC 9562 UUID", i);
		return -1;
	}
	if (r->status == SY_PROTO_REJECTED) {
		if (re < 0) {
			fail(err, 0, (long)i, "results[%zu].reason: not a string", i);
			return -1;
		}
		return 0;
	}
	r->reason[0] = '\0'; /* only a rejection keeps one */
	if (sq <= 0) {
		fail(err, 0, (long)i, "results[%zu].server_seq: not an integer >= 1", i);
		return -1;
	}
	r->server_seq = seq;
	return 0;
}

/* The push answer is decoded on the client's critical path, once per
 * batch of up to 1000: walked with the scanner of the batch decoder
 * (jscan.h) instead of building a jansson tree of 4000 values. */
int sy_proto_results_decode(const char *buf, size_t len, struct sy_proto_result **out, size_t *n,
			    struct sy_proto_err *err)
{
	struct sy_jscan j = { buf, len, 0, NULL };
	struct sy_proto_result *r = NULL;
	char *scratch = NULL;
	size_t cnt = 0, arr_at = 0;
	int kind = 0; /* "results": 0 absent, 1 an array, 2 another value */
	char key[16];
	int rc = SY_ERR_PROTO;

	err_clear(err);
	if (scan_object(&j, SY_PROTO_MAX_RESPONSE, err) < 0)
		return SY_ERR_PROTO;
	/* Pass 2: the members. */
	j.pos++;
	sy_jscan_ws(&j);
	if (buf[j.pos] == '}')
		j.pos++;
	else
		do {
			member_key(&j, key);
			if (strcmp(key, "results") == 0) {
				if (kind) {
					fail(err, 400, -1, "body: not JSON (duplicate key \"results\")");
					return SY_ERR_PROTO;
				}
				kind = buf[j.pos] == '[' ? 1 : 2;
				arr_at = j.pos;
			}
			sy_jscan_value(&j, 1);
		} while (member_next(&j));
	if (kind != 1) {
		fail(err, 0, -1, "results: missing or not an array");
		return SY_ERR_PROTO;
	}
	/* Count, then decode. */
	j.pos = arr_at + 1;
	sy_jscan_ws(&j);
	if (buf[j.pos] != ']')
		do {
			sy_jscan_value(&j, 1);
			cnt++;
		} while (member_next(&j) && cnt <= SY_PROTO_MAX_EVENTS);
	if (cnt > SY_PROTO_MAX_EVENTS) {
		fail(err, 0, -1, "results: more than %d entries", SY_PROTO_MAX_EVENTS);
		return SY_ERR_PROTO;
	}
	r = calloc(cnt ? cnt : 1, sizeof(*r));
	scratch = malloc(len + 1); /* a decoded string is never longer than the text */
	if (!r || !scratch) {
		rc = SY_ERR_NOMEM;
		goto out;
	}
	j.pos = arr_at + 1;
	for (size_t i = 0; i < cnt; i++) {
		if (result_scan(&j, i, scratch, &r[i], err) < 0)
			goto out;
		member_next(&j);
	}
	*out = r;
	*n = cnt;
	r = NULL;
	rc = SY_OK;
out:
	free(scratch);
	free(r);
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
