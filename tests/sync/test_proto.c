/* The protocol documents (<sy/proto.h>, docs/sync-protocol.md): what the
 * client encodes the server decodes unchanged, and every document a peer
 * could send wrong is refused with a message naming the field and index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sy/err.h"
#include "sy/proto.h"
#include "common/testutil.h"

/* Allocation failures (STYLE.md section 10): test_proto.cmake links this
 * test with --wrap for malloc, calloc and realloc, so the decoders' calls
 * come here; alloc_fail_in > 0 fails the allocation that many calls from
 * now (once), 0 fails none. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long alloc_fail_in;
static int alloc_failed;

static int alloc_fails(void)
{
	if (alloc_fail_in == 0 || --alloc_fail_in > 0)
		return 0;
	alloc_failed = 1;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return alloc_fails() ? NULL : __real_realloc(p, n);
}

#define U1 "0193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e0f"
#define U2 "0193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e10"

static struct sy_proto_event ev_make(const char *uuid, int64_t seq, const char *payload)
{
	struct sy_proto_event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.uuid, sizeof(e.uuid), "%s", uuid);
	e.seq = seq;
	e.ts_ms = 1764180000000;
	e.type = "inspection";
	e.entity = "item:SN00001001 \"ring\"\n";
	e.payload = payload;
	e.payload_len = strlen(payload);
	return e;
}

static int decode_str(const char *s, struct sy_proto_batch *b, struct sy_proto_err *err)
{
	return sy_proto_batch_decode(s, strlen(s), b, err);
}

static void uuid__table(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} t[] = {
		{ U1, 1 },
		{ "123e4567-e89b-42d3-a456-426614174000", 1 }, /* v4 */
		{ "0193B2C4-8A3E-7C1D-9F00-5A6B7C8D9E0F", 0 }, /* upper case */
		{ "0193b2c4-8a3e-0c1d-9f00-5a6b7c8d9e0f", 0 }, /* version 0 */
		{ "0193b2c4-8a3e-7c1d-cf00-5a6b7c8d9e0f", 0 }, /* variant 110x */
		{ "0193b2c48a3e-7c1d-9f00-5a6b7c8d9e0f0", 0 }, /* dash moved */
		{ "0193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e0", 0 },  /* short */
		{ "0193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e0g", 0 }, /* not hex */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(sy_proto_uuid_valid(t[i].s, strlen(t[i].s)), t[i].ok);
}

static void batch__round_trip(void **state)
{
	struct sy_proto_event ev[2];
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_err err;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	ev[0] = ev_make(U1, 41, "{\"result\":\"pass\",\"checks\":[1,2]}");
	ev[1] = ev_make(U2, 42, "{\"note\":\"Te amo \\u2665\"}");
	ev[1].entity = NULL;
	assert_int_equal(sy_proto_batch_encode("STATION-1", ev, 2, &text, &len, &err), SY_OK);
	assert_int_equal(strlen(text), len);
	assert_int_equal(sy_proto_batch_decode(text, len, &b, &err), SY_OK);
	assert_string_equal(b.station, "STATION-1");
	assert_int_equal(b.n, 2);
	assert_string_equal(b.ev[0].uuid, U1);
	assert_int_equal(b.ev[0].seq, 41);
	assert_int_equal(b.ev[0].ts_ms, 1764180000000);
	assert_string_equal(b.ev[0].type, "inspection");
	assert_string_equal(b.ev[0].entity, "item:SN00001001 \"ring\"\n");
	assert_string_equal(b.ev[0].payload, "{\"result\":\"pass\",\"checks\":[1,2]}");
	assert_string_equal(b.ev[0].reject, "");
	assert_string_equal(b.ev[1].entity, "");
	/* The payload is stored as the exact bytes it was sent as. */
	assert_string_equal(b.ev[1].payload, "{\"note\":\"Te amo \\u2665\"}");
	sy_proto_batch_fini(&b);
	sy_proto_batch_fini(&b); /* a second fini is a no-op */
	free(text);
}

static void batch_encode__refuses_bad_event_naming_index(void **state)
{
	struct sy_proto_event ev[3];
	struct sy_proto_err err;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	ev[0] = ev_make(U1, 1, "{}");
	ev[1] = ev_make(U2, 2, "{}");
	ev[2] = ev_make(U2, 3, "[1]");
	assert_int_equal(sy_proto_batch_encode("S1", ev, 3, &text, &len, &err), SY_ERR_ARG);
	assert_null(text);
	assert_int_equal(err.index, 2);
	assert_string_equal(err.detail, "events[2].payload: not a JSON object");
	ev[2] = ev_make("not-a-uuid", 3, "{}");
	assert_int_equal(sy_proto_batch_encode("S1", ev, 3, &text, &len, &err), SY_ERR_ARG);
	assert_string_equal(err.detail, "events[2].uuid: not a lowercase RFC 9562 UUID");
	ev[2] = ev_make(U2, 0, "{}");
	assert_int_equal(sy_proto_batch_encode("S1", ev, 3, &text, &len, &err), SY_ERR_ARG);
	assert_int_equal(err.index, 2);
	assert_int_equal(sy_proto_batch_encode("", ev, 1, &text, &len, &err), SY_ERR_ARG);
	assert_string_equal(err.detail, "station: not 1..63 bytes of text");
	assert_int_equal(sy_proto_batch_encode("S1", ev, 0, &text, &len, &err), SY_ERR_ARG);
	assert_null(text);
}

/* Whole-document problems: 400 or 413 and the field named. */
static void batch_decode__whole_document_table(void **state)
{
	static const struct {
		const char *in;
		int status;
		const char *detail;
	} t[] = {
		{ "", 400, "body: not JSON" },
		{ "[]", 400, "body: not a JSON object" },
		{ "{\"events\":[]}", 400, "station: missing" },
		{ "{\"station\":7,\"events\":[{}]}", 400, "station: not 1..63 bytes of text" },
		{ "{\"station\":\"S\"}", 400, "events: missing" },
		{ "{\"station\":\"S\",\"events\":{}}", 400, "events: not an array" },
		{ "{\"station\":\"S\",\"events\":[]}", 400, "events: empty" },
		{ "{\"station\":\"S\",\"station\":\"T\",\"events\":[{}]}", 400, "body: not JSON" },
		{ "{\"station\":\"S\\u0000X\",\"events\":[{}]}", 400, "body: not JSON" }, /* NUL */
		{ "{\"station\":\"S\\u0001X\",\"events\":[{}]}", 400, "station: not 1..63" },
		{ "{\"station\":\"S\",\"events\":[{\"payload\":{\"a\":\"\xc3\"}}]}", 400,
		  "body: not JSON (byte 42: invalid UTF-8" },
		{ "{\"station\":\"S\",\"events\":[{\"payload\":{\"a\":\"\\udc00\"}}]}", 400,
		  "body: not JSON (byte 42: lone low surrogate" },
		{ "{\"station\":\"S\",\"events\":[{\"payload\":{\"a\":01}}]}", 400,
		  "body: not JSON" },
		{ "{\"station\":\"S\",\"events\":[{}]} x", 400,
		  "body: not JSON (byte 30: text after the value)" },
		{ "{\"station\":\"S\",\"events\":[{\"seq\":1,\"seq\":2}]}", 400,
		  "events[0]: not JSON (a duplicate key)" },
		{ "{\"station\":null,\"events\":[{}]}", 400, "station: missing" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
		struct sy_proto_err err;

		assert_int_equal(decode_str(t[i].in, &b, &err), SY_ERR_PROTO);
		assert_int_equal(err.http_status, t[i].status);
		if (strncmp(err.detail, t[i].detail, strlen(t[i].detail)) != 0)
			fail_msg("case %zu: detail \"%s\", want \"%s...\"", i, err.detail,
				 t[i].detail);
		assert_null(b.ev);
		assert_null(b.priv);
	}
}

/* Nesting deeper than the scanner's limit is refused, not recursed into. */
static void batch_decode__deep_nesting_refused(void **state)
{
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_err err;
	char body[4096];
	size_t n;

	(void)state;
	n = (size_t)snprintf(body, sizeof(body), "{\"station\":\"S\",\"events\":[{\"payload\":");
	for (int i = 0; i < 200; i++)
		body[n++] = '[';
	for (int i = 0; i < 200; i++)
		body[n++] = ']';
	n += (size_t)snprintf(body + n, sizeof(body) - n, "}]}");
	assert_int_equal(sy_proto_batch_decode(body, n, &b, &err), SY_ERR_PROTO);
	assert_int_equal(err.http_status, 400);
	assert_non_null(strstr(err.detail, "nested too deeply"));
}

/* Entries wrong by themselves are decoded as rejected, the rest kept. */
static void batch_decode__per_event_rejects_table(void **state)
{
	static const struct {
		const char *ev;
		const char *reject;
	} t[] = {
		{ "7", "events[1]: not an object" },
		{ "{\"seq\":1,\"type\":\"t\",\"payload\":{}}", "events[1].uuid: missing" },
		{ "{\"uuid\":\"" U2 "X\",\"seq\":1,\"type\":\"t\",\"payload\":{}}",
		  "events[1].uuid: not a lowercase RFC 9562 UUID" },
		{ "{\"uuid\":\"" U2 "\",\"type\":\"t\",\"payload\":{}}", "events[1].seq: missing" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":1.5,\"type\":\"t\",\"payload\":{}}",
		  "events[1].seq: not an integer >= 1" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":0,\"type\":\"t\",\"payload\":{}}",
		  "events[1].seq: not an integer >= 1" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":1,\"payload\":{}}", "events[1].type: missing" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":1,\"type\":\"Bad Type\",\"payload\":{}}",
		  "events[1].type: not 1..63 characters of [a-z0-9_.-]" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":1,\"type\":\"t\",\"entity\":5,\"payload\":{}}",
		  "events[1].entity: not a string of at most 255 bytes" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":1,\"type\":\"t\",\"ts_ms\":-1,\"payload\":{}}",
		  "events[1].ts_ms: not an integer >= 0" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":1,\"type\":\"t\"}", "events[1].payload: missing" },
		{ "{\"uuid\":\"" U2 "\",\"seq\":1,\"type\":\"t\",\"payload\":\"x\"}",
		  "events[1].payload: not an object" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
		struct sy_proto_err err;
		char body[1024];

		snprintf(body, sizeof(body),
			 "{\"station\":\"S\",\"events\":[{\"uuid\":\"" U1
			 "\",\"seq\":1,\"type\":\"t\",\"payload\":{\"a\":1},\"future\":true},%s]}",
			 t[i].ev);
		assert_int_equal(decode_str(body, &b, &err), SY_OK);
		assert_int_equal(b.n, 2);
		assert_string_equal(b.ev[0].reject, "");
		assert_string_equal(b.ev[0].payload, "{\"a\":1}");
		if (strcmp(b.ev[1].reject, t[i].reject) != 0)
			fail_msg("case %zu: reject \"%s\", want \"%s\"", i, b.ev[1].reject,
				 t[i].reject);
		sy_proto_batch_fini(&b);
	}
}

/* Sizes: 1000 events pass, 1001 are 413; a payload over 64 KiB is rejected
 * alone; a body over 8 MiB is 413 before it is parsed. */
static void batch_decode__limits(void **state)
{
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_err err;
	size_t cap = 2 * 1024 * 1024, n = 0;
	char *body = malloc(cap);

	(void)state;
	assert_non_null(body);
	for (int count = 1000; count <= 1001; count++) {
		n = (size_t)snprintf(body, cap, "{\"station\":\"S\",\"events\":[");
		for (int i = 0; i < count; i++)
			n += (size_t)snprintf(body + n, cap - n,
					      "%s{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-%012d\","
					      "\"seq\":%d,\"type\":\"t\",\"payload\":{}}",
					      i ? "," : "", i, i + 1);
		n += (size_t)snprintf(body + n, cap - n, "]}");
		if (count == 1000) {
			assert_int_equal(sy_proto_batch_decode(body, n, &b, &err), SY_OK);
			assert_int_equal(b.n, 1000);
			assert_string_equal(b.ev[999].reject, "");
			sy_proto_batch_fini(&b);
		} else {
			assert_int_equal(sy_proto_batch_decode(body, n, &b, &err), SY_ERR_PROTO);
			assert_int_equal(err.http_status, 413);
			assert_string_equal(err.detail,
					    "events: 1001 entries, at most 1000 per batch");
		}
	}
	/* One payload of 64 KiB + 1 byte compact: {"x":"aaa..."} */
	n = (size_t)snprintf(body, cap, "{\"station\":\"S\",\"events\":[{\"uuid\":\"" U1
				       "\",\"seq\":1,\"type\":\"t\",\"payload\":{\"x\":\"");
	memset(body + n, 'a', SY_PROTO_MAX_PAYLOAD - 7);
	n += SY_PROTO_MAX_PAYLOAD - 7;
	n += (size_t)snprintf(body + n, cap - n, "\"}}]}");
	assert_int_equal(sy_proto_batch_decode(body, n, &b, &err), SY_OK);
	assert_string_equal(b.ev[0].reject, "events[0].payload: larger than 65536 bytes");
	sy_proto_batch_fini(&b);
	free(body);
	/* Over 8 MiB: refused on its length alone. */
	body = calloc(1, (size_t)SY_PROTO_MAX_BODY + 1);
	assert_non_null(body);
	assert_int_equal(sy_proto_batch_decode(body, (size_t)SY_PROTO_MAX_BODY + 1, &b, &err),
			 SY_ERR_PROTO);
	assert_int_equal(err.http_status, 413);
	free(body);
}

/* A body of pre, then n events that are fine by themselves, then post. */
static char *events_body(const char *pre, int n, const char *post, size_t *len)
{
	size_t cap = strlen(pre) + strlen(post) + (size_t)n * 100 + 1, o;
	char *body = malloc(cap);

	assert_non_null(body);
	o = (size_t)snprintf(body, cap, "%s", pre);
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(body + o, cap - o,
				      "%s{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-%012d\",\"seq\":%d,"
				      "\"type\":\"t\",\"payload\":{}}",
				      i ? "," : "", i, i + 1);
	o += (size_t)snprintf(body + o, cap - o, "%s", post);
	*len = o;
	return body;
}

#define NO_SYNTAX SIZE_MAX

/* A syntax error anywhere is a 400, whatever else is wrong; other problems
 * of the whole document are answered in a fixed order (station, then
 * events, then a duplicate key in an event), wherever they are in the
 * text.  The decoder finds them all in one walk, so this order is its
 * choice at the end, not the order of the text. */
static void batch_decode__precedence_table(void **state)
{
	static const struct {
		const char *pre;
		int n; /* events between pre and post */
		const char *post;
		int status; /* 0: decoded */
		long index;
		const char *detail; /* its start; for a syntax error, why */
		size_t back;	    /* syntax error: at the body's length - back */
	} t[] = {
		/* Syntax errors win. */
		{ "{\"station\":\"S\",\"events\":[", 1001, "],}", 400, -1, "expected a string", 1 },
		{ "{\"station\":\"S\",\"events\":[", 1001, "] x", 400, -1, "expected ',' or '}'",
		  1 },
		{ "{\"events\":[", 1001, "]}x", 400, -1, "text after the value", 1 },
		{ "{\"station\":\"S\",\"station\":\"T\",\"events\":[", 1, "]", 400, -1,
		  "unexpected end of text", 0 },
		{ "{\"station\":\"S\",\"events\":[{\"seq\":1,\"seq\":2},", 1, ",01]}", 400, -1,
		  "expected ',' or ']'", 3 },
		{ "{\"events\":[1,]}", 0, "", 400, -1, "bad number", 2 },
		/* Then a duplicate key in the document (the first one). */
		{ "{\"station\":\"S\",\"events\":[", 1001, "],\"station\":\"T\"}", 400, -1,
		  "body: not JSON (duplicate key \"station\")", NO_SYNTAX },
		{ "{\"events\":[],\"station\":\"S\",\"station\":\"T\",\"events\":[]}", 0, "", 400,
		  -1, "body: not JSON (duplicate key \"station\")", NO_SYNTAX },
		{ "{\"station\":null,\"events\":[{}],\"station\":\"S\"}", 0, "", 400, -1,
		  "body: not JSON (duplicate key \"station\")", NO_SYNTAX },
		{ "{\"events\":[{\"seq\":1,\"seq\":2}],\"events\":[],\"station\":7}", 0, "", 400,
		  -1, "body: not JSON (duplicate key \"events\")", NO_SYNTAX },
		/* Then station, wherever it is. */
		{ "{\"events\":[", 1001, "]}", 400, -1, "station: missing", NO_SYNTAX },
		{ "{\"events\":[{\"seq\":1,\"seq\":2}],\"station\":\"\"}", 0, "", 400, -1,
		  "station: not 1..63 bytes of text", NO_SYNTAX },
		{ "{\"station\":5}", 0, "", 400, -1, "station: not 1..63 bytes of text",
		  NO_SYNTAX },
		{ "{\"events\":\"x\"}", 0, "", 400, -1, "station: missing", NO_SYNTAX },
		/* Then events: missing, not an array, empty, too many. */
		{ "{\"events\":{\"a\":1},\"station\":\"S\"}", 0, "", 400, -1,
		  "events: not an array", NO_SYNTAX },
		{ "{\"events\":null,\"station\":\"S\"}", 0, "", 400, -1, "events: not an array",
		  NO_SYNTAX },
		{ "{\"events\":[],\"station\":\"S\"}", 0, "", 400, -1, "events: empty", NO_SYNTAX },
		{ "{\"station\":\"S\",\"events\":[{\"seq\":1,\"seq\":2},", 1000, "]}", 413, -1,
		  "events: 1001 entries, at most 1000 per batch", NO_SYNTAX },
		{ "{\"station\":\"S\",\"events\":[", 2500, "]}", 413, -1,
		  "events: 2500 entries, at most 1000 per batch", NO_SYNTAX },
		/* Then the first event with a key twice. */
		{ "{\"station\":\"S\",\"events\":[", 2,
		  ",{\"type\":\"a\",\"type\":\"b\"},{\"uuid\":1,\"uuid\":2}]}", 400, 2,
		  "events[2]: not JSON (a duplicate key)", NO_SYNTAX },
		/* Fine: events before station, keys written with escapes. */
		{ "{\"events\":[", 3, "],\"station\":\"S\"}", 0, -1, "", NO_SYNTAX },
		{ "{\"future\":[{\"station\":1}],\"st\\u0061tion\":\"S\",\"events\":[", 1000, "]}",
		  0, -1, "", NO_SYNTAX },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
		struct sy_proto_err err;
		size_t len = 0;
		char *body = events_body(t[i].pre, t[i].n, t[i].post, &len);
		int rc = sy_proto_batch_decode(body, len, &b, &err);
		char want[256];

		if (t[i].back != NO_SYNTAX)
			snprintf(want, sizeof(want), "body: not JSON (byte %zu: %s)",
				 len - t[i].back, t[i].detail);
		else
			snprintf(want, sizeof(want), "%s", t[i].detail);
		if (strncmp(err.detail, want, strlen(want)) != 0 ||
		    (t[i].status == 0 && err.detail[0]))
			fail_msg("case %zu: detail \"%s\", want \"%s\"", i, err.detail, want);
		assert_int_equal(rc, t[i].status ? SY_ERR_PROTO : SY_OK);
		assert_int_equal(err.http_status, t[i].status);
		assert_int_equal(err.index, t[i].index);
		if (t[i].status) {
			assert_null(b.ev);
			assert_null(b.priv);
		} else {
			assert_string_equal(b.station, "S");
			assert_int_equal(b.n, (size_t)t[i].n);
			assert_string_equal(b.ev[t[i].n - 1].reject, "");
			assert_int_equal(b.ev[t[i].n - 1].seq, t[i].n);
		}
		sy_proto_batch_fini(&b);
		free(body);
	}
	/* Nesting too deep in the 1002nd event: a syntax error too, at the
	 * bracket at depth 128 (the payload's value is at depth 3). */
	{
		struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
		struct sy_proto_err err;
		size_t len = 0, at;
		char *body = events_body("{\"station\":\"S\",\"events\":[", 1001,
					 ",{\"payload\":", &len);
		char want[96];

		body = realloc(body, len + 400 + 4);
		assert_non_null(body);
		at = len + 125;
		memset(body + len, '[', 200);
		memset(body + len + 200, ']', 200);
		memcpy(body + len + 400, "}]}", 3);
		assert_int_equal(sy_proto_batch_decode(body, len + 403, &b, &err), SY_ERR_PROTO);
		assert_int_equal(err.http_status, 400);
		snprintf(want, sizeof(want), "body: not JSON (byte %zu: nested too deeply)", at);
		assert_string_equal(err.detail, want);
		free(body);
	}
}

/* Out of memory at each allocation in turn: SY_ERR_NOMEM (500, "out of
 * memory") with the batch left empty and nothing leaked, or the same
 * decode as without the failure.  A syntax error or a refusal of the
 * document is still answered as such when memory runs out. */
static void batch_decode__out_of_memory(void **state)
{
	struct sy_proto_batch ref = SY_PROTO_BATCH_INIT;
	struct sy_proto_err err;
	size_t len = 0;
	char *body = events_body("{\"station\":\"S\",\"events\":[", 1000, "]}", &len);
	int done = 0;

	(void)state;
	assert_int_equal(sy_proto_batch_decode(body, len, &ref, &err), SY_OK);
	for (long k = 1; !done; k++) {
		struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
		int rc;

		alloc_failed = 0;
		alloc_fail_in = k;
		rc = sy_proto_batch_decode(body, len, &b, &err);
		alloc_fail_in = 0;
		done = !alloc_failed;
		if (rc == SY_ERR_NOMEM) {
			assert_true(alloc_failed);
			assert_int_equal(err.http_status, 500);
			assert_string_equal(err.detail, "out of memory");
			assert_null(b.ev);
			assert_null(b.priv);
			continue;
		}
		assert_int_equal(rc, SY_OK);
		assert_int_equal(b.n, ref.n);
		assert_string_equal(b.ev[999].payload, ref.ev[999].payload);
		assert_string_equal(b.ev[999].uuid, ref.ev[999].uuid);
		sy_proto_batch_fini(&b);
	}
	sy_proto_batch_fini(&ref);
	free(body);
	/* A first failure (the arena) under a syntax error, and a second
	 * (the events) under too many events: the document's answers. */
	body = events_body("{\"station\":\"S\",\"events\":[", 1, "]", &len);
	alloc_fail_in = 1;
	assert_int_equal(sy_proto_batch_decode(body, len, &ref, &err), SY_ERR_PROTO);
	alloc_fail_in = 0;
	assert_int_equal(err.http_status, 400);
	free(body);
	body = events_body("{\"station\":\"S\",\"events\":[", 1001, "]}", &len);
	alloc_fail_in = 2;
	assert_int_equal(sy_proto_batch_decode(body, len, &ref, &err), SY_ERR_PROTO);
	assert_int_equal(err.http_status, 413);
	alloc_fail_in = 0;
	free(body);
}

static void results__round_trip_and_match(void **state)
{
	struct sy_proto_result r[3], *back = NULL;
	struct sy_proto_event ev[3];
	struct sy_proto_err err;
	char *text = NULL;
	size_t len = 0, n = 0;

	(void)state;
	memset(r, 0, sizeof(r));
	memcpy(r[0].uuid, U1, sizeof(r[0].uuid));
	r[0].status = SY_PROTO_APPLIED;
	r[0].server_seq = 9001;
	memcpy(r[1].uuid, U2, sizeof(r[1].uuid));
	r[1].status = SY_PROTO_DUPLICATE;
	r[1].server_seq = 8999;
	r[2].status = SY_PROTO_REJECTED;
	snprintf(r[2].reason, sizeof(r[2].reason), "events[2].uuid: missing \"quoted\"");
	assert_int_equal(sy_proto_results_encode(r, 3, &text, &len), SY_OK);
	assert_int_equal(sy_proto_results_decode(text, len, &back, &n, &err), SY_OK);
	assert_int_equal(n, 3);
	assert_int_equal(back[0].status, SY_PROTO_APPLIED);
	assert_int_equal(back[0].server_seq, 9001);
	assert_string_equal(back[1].uuid, U2);
	assert_int_equal(back[1].status, SY_PROTO_DUPLICATE);
	assert_int_equal(back[1].server_seq, 8999);
	assert_int_equal(back[2].status, SY_PROTO_REJECTED);
	assert_string_equal(back[2].uuid, "");
	assert_string_equal(back[2].reason, "events[2].uuid: missing \"quoted\"");

	ev[0] = ev_make(U1, 1, "{}");
	ev[1] = ev_make(U2, 2, "{}");
	ev[2] = ev_make(U1, 3, "{}");
	assert_int_equal(sy_proto_results_match(back, 3, ev, 3, &err), SY_OK);
	assert_int_equal(sy_proto_results_match(back, 3, ev, 2, &err), SY_ERR_PROTO);
	assert_string_equal(err.detail, "results: 3 for 2 events sent");
	ev[1] = ev_make(U1, 2, "{}");
	assert_int_equal(sy_proto_results_match(back, 3, ev, 3, &err), SY_ERR_PROTO);
	assert_int_equal(err.index, 1);
	free(back);
	free(text);
}

static void results_decode__table(void **state)
{
	static const struct {
		const char *in;
		const char *detail;
	} t[] = {
		{ "{\"results\":[{\"uuid\":\"" U1 "\",\"status\":\"applied\"}]}",
		  "results[0].server_seq: not an integer >= 1" },
		{ "{\"results\":[{\"uuid\":\"" U1 "\",\"status\":\"done\",\"server_seq\":1}]}",
		  "results[0].status: not applied, duplicate or rejected" },
		{ "{\"results\":[{\"status\":\"duplicate\",\"server_seq\":1}]}",
		  "results[0].uuid: not a lowercase RFC 9562 UUID" },
		{ "{\"results\":[{\"status\":\"rejected\",\"reason\":4}]}",
		  "results[0].reason: not a string" },
		{ "{\"results\":{}}", "results: missing or not an array" },
		{ "{\"results\":[1]}", "results[0]: not an object" },
		{ "{\"results\":[", "body: not JSON" },
		{ "{\"results\":[{\"uuid\":\"" U1 "\",\"status\":\"applied\",\"server_seq\":1.5}]}",
		  "results[0].server_seq: not an integer >= 1" },
		{ "{\"results\":[{\"server_seq\":\"7\",\"uuid\":\"" U1 "\",\"status\":\"applied\"}]}",
		  "results[0].server_seq: not an integer >= 1" },
		{ "{\"results\":[{\"uuid\":\"" U1 "\",\"status\":\"applied\",\"server_seq\":0}]}",
		  "results[0].server_seq: not an integer >= 1" },
		{ "{\"results\":[{\"status\":\"applied\",\"status\":\"applied\"}]}",
		  "body: not JSON (duplicate key \"status\")" },
		{ "{\"results\":[],\"results\":[]}", "body: not JSON (duplicate key \"results\")" },
		{ "{\"results\":[{\"uuid\":\"" U1 "\",\"status\":\"applied\",\"server_seq\":1}] x",
		  "body: not JSON" },
		{ "[]", "body: not a JSON object" },
		/* The order of the answers (the first wrong entry, after the
		 * whole document's problems, after any syntax error). */
		{ "{\"results\":[{\"status\":\"x\"}],\"results\":[]}",
		  "body: not JSON (duplicate key \"results\")" },
		{ "{\"results\":[],\"results\":[]} x", "body: not JSON (byte 28: text after" },
		{ "{\"results\":[{\"status\":\"x\"},{\"status\":\"applied\",\"status\":1}]}",
		  "results[0].status: not applied, duplicate or rejected" },
		{ "{\"results\":[{\"status\":\"rejected\",\"status\":1},{\"status\":\"x\"}]}",
		  "body: not JSON (duplicate key \"status\")" },
		{ "{\"results\":[{\"status\":\"x\"},1,]}", "body: not JSON (byte 29: bad number)" },
		{ "{\"x\":[{\"results\":1}]}", "results: missing or not an array" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sy_proto_result *r = NULL;
		struct sy_proto_err err;
		size_t n = 77;

		assert_int_equal(sy_proto_results_decode(t[i].in, strlen(t[i].in), &r, &n, &err),
				 SY_ERR_PROTO);
		assert_null(r);
		assert_int_equal(n, 77);
		if (strncmp(err.detail, t[i].detail, strlen(t[i].detail)) != 0)
			fail_msg("case %zu: detail \"%s\", want \"%s\"", i, err.detail,
				 t[i].detail);
	}
}

/* 1000 results decode, 1001 are refused whatever comes after; out of
 * memory at each allocation in turn is SY_ERR_NOMEM with *out untouched,
 * or the same decode. */
static void results_decode__too_many_and_out_of_memory(void **state)
{
	size_t cap = 128 * 1002, o = 0, n = 0;
	char *in = malloc(cap);
	struct sy_proto_result *r = NULL;
	struct sy_proto_err err;
	int done = 0;

	(void)state;
	assert_non_null(in);
	o = (size_t)snprintf(in, cap, "{\"results\":[");
	for (int i = 0; i < 1001; i++)
		o += (size_t)snprintf(in + o, cap - o,
				      "%s{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-%012d\","
				      "\"status\":\"applied\",\"server_seq\":%d}",
				      i ? "," : "", i, i + 1);
	o += (size_t)snprintf(in + o, cap - o, "],\"more\":{\"results\":0}}");
	assert_int_equal(sy_proto_results_decode(in, o, &r, &n, &err), SY_ERR_PROTO);
	assert_string_equal(err.detail, "results: more than 1000 entries");
	assert_null(r);
	/* Cut to 1000: the 1001st entry, then the comma before it. */
	o = (size_t)(strstr(in, "000000001000\"") - in);
	while (in[o] != '{')
		o--;
	o--;
	o += (size_t)snprintf(in + o, cap - o, "]}");
	assert_int_equal(sy_proto_results_decode(in, o, &r, &n, &err), SY_OK);
	assert_int_equal(n, 1000);
	assert_int_equal(r[999].server_seq, 1000);
	free(r);
	for (long k = 1; !done; k++) {
		struct sy_proto_result *r2 = NULL;
		size_t n2 = 77;
		int rc;

		alloc_failed = 0;
		alloc_fail_in = k;
		rc = sy_proto_results_decode(in, o, &r2, &n2, &err);
		alloc_fail_in = 0;
		done = !alloc_failed;
		if (rc == SY_ERR_NOMEM) {
			assert_null(r2);
			assert_int_equal(n2, 77);
			continue;
		}
		assert_int_equal(rc, SY_OK);
		assert_int_equal(n2, 1000);
		assert_int_equal(r2[999].server_seq, 1000);
		free(r2);
	}
	free(in);
}

/* What the decoder skips (unknown members at any depth) and what it
 * decodes (escapes in a uuid, a rejection without uuid) come out as a
 * tree-building parser would have them. */
static void results_decode__skips_unknown_and_decodes_escapes(void **state)
{
	static const char in[] =
		"{\"x\":{\"a\":[1,{\"b\":null}],\"c\":\"\\\"\"},\"results\":["
		"{\"extra\":[1,2.5e3,{\"d\":\"e\"}],\"server_seq\":7,\"status\":\"applied\","
		"\"uuid\":\"\\u0030193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e0f\"},"
		" { \"status\" : \"rejected\" , \"uuid\" : null , \"reason\" : \"caf\\u00e9\" } ,"
		"{\"uuid\":\"" U2 "\",\"status\":\"duplicate\",\"reason\":\"ignored\","
		"\"server_seq\":9223372036854775807}],\"y\":true}";
	struct sy_proto_result *r = NULL;
	struct sy_proto_err err;
	size_t n = 0;

	(void)state;
	assert_int_equal(sy_proto_results_decode(in, strlen(in), &r, &n, &err), SY_OK);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].uuid, U1);
	assert_int_equal(r[0].status, SY_PROTO_APPLIED);
	assert_int_equal(r[0].server_seq, 7);
	assert_string_equal(r[1].uuid, "");
	assert_int_equal(r[1].status, SY_PROTO_REJECTED);
	assert_string_equal(r[1].reason, "caf\xc3\xa9");
	assert_int_equal(r[1].server_seq, 0);
	assert_string_equal(r[2].uuid, U2);
	assert_int_equal(r[2].status, SY_PROTO_DUPLICATE);
	assert_string_equal(r[2].reason, "");
	assert_true(r[2].server_seq == INT64_MAX);
	free(r);
	assert_int_equal(sy_proto_results_decode("{\"results\":[]}", 14, &r, &n, &err), SY_OK);
	assert_int_equal(n, 0);
	free(r);
}

/* The scanner reads plain text eight bytes at a time: a special byte at
 * every offset of a long string (escape, UTF-8, control, bad UTF-8, the
 * closing quote) is still seen where it is. */
static void results_decode__special_byte_at_every_offset(void **state)
{
	static const char *const ins[] = { "\\n", "\xc3\xa9", "\x01", "\xff", "\"" };
	static const char *const want[] = { "\n", "\xc3\xa9", NULL, NULL, NULL };

	(void)state;
	for (size_t k = 0; k < 5; k++) {
		for (size_t at = 0; at <= 24; at++) {
			static const char plain[] = "abcdefghijklmnopqrstuvwx";
			char in[256], reason[64];
			struct sy_proto_result *r = NULL;
			struct sy_proto_err err;
			size_t n = 0;
			int rc;

			snprintf(in, sizeof(in),
				 "{\"results\":[{\"status\":\"rejected\",\"reason\":\"%.*s%s%s\"}]}",
				 (int)at, plain, ins[k], plain + at);
			rc = sy_proto_results_decode(in, strlen(in), &r, &n, &err);
			if (!want[k]) {
				if (rc != SY_ERR_PROTO)
					fail_msg("insert %zu at %zu: accepted", k, at);
				continue;
			}
			assert_int_equal(rc, SY_OK);
			snprintf(reason, sizeof(reason), "%.*s%s%s", (int)at, plain, want[k],
				 plain + at);
			assert_string_equal(r[0].reason, reason);
			free(r);
		}
	}
}

static void feed__round_trip(void **state)
{
	struct sy_proto_feed_item it[2] = {
		{ "order", "ORD-100231", 17, "{\"number\":\"ORD-100231\"}", 23 },
		{ "cancellation", "ORD-100245", 18, "{\"order\":\"ORD-100245\"}", 22 },
	};
	struct sy_proto_feed f = SY_PROTO_FEED_INIT;
	struct sy_proto_err err;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(sy_proto_feed_encode(it, 2, "czoxOA", true, &text, &len), SY_OK);
	assert_int_equal(sy_proto_feed_decode(text, len, &f, &err), SY_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.items[0].kind, "order");
	assert_string_equal(f.items[0].key, "ORD-100231");
	assert_int_equal(f.items[0].seq, 17);
	assert_string_equal(f.items[0].data, "{\"number\":\"ORD-100231\"}");
	assert_string_equal(f.items[1].kind, "cancellation");
	assert_int_equal(f.items[1].seq, 18);
	assert_string_equal(f.next_cursor, "czoxOA");
	assert_true(f.more);
	sy_proto_feed_fini(&f);
	free(text);
	assert_int_equal(sy_proto_feed_encode(NULL, 0, "a/b", false, &text, &len), SY_ERR_ARG);
	assert_int_equal(sy_proto_feed_encode(NULL, 0, "czow", false, &text, &len), SY_OK);
	assert_int_equal(sy_proto_feed_decode(text, len, &f, &err), SY_OK);
	assert_int_equal(f.n, 0);
	assert_false(f.more);
	sy_proto_feed_fini(&f);
	free(text);
}

static void feed_decode__table(void **state)
{
	static const struct {
		const char *in;
		const char *detail;
	} t[] = {
		{ "{\"items\":[],\"more\":false}", "next_cursor: not 1..128" },
		{ "{\"items\":[],\"next_cursor\":\"a b\",\"more\":false}",
		  "next_cursor: not 1..128" },
		{ "{\"items\":[],\"next_cursor\":\"a\"}", "more: missing or not a boolean" },
		{ "{\"next_cursor\":\"a\",\"more\":false}", "items: missing or not an array" },
		{ "{\"items\":[{\"kind\":\"Order\",\"key\":\"k\",\"seq\":1,\"data\":{}}],"
		  "\"next_cursor\":\"a\",\"more\":false}",
		  "items[0].kind: not 1..31 characters of [a-z_]" },
		{ "{\"items\":[{\"kind\":\"order\",\"key\":\"\",\"seq\":1,\"data\":{}}],"
		  "\"next_cursor\":\"a\",\"more\":false}",
		  "items[0].key: not a string of 1..255 bytes" },
		{ "{\"items\":[{\"kind\":\"order\",\"key\":\"k\",\"seq\":5,\"data\":{}},"
		  "{\"kind\":\"order\",\"key\":\"k\",\"seq\":5,\"data\":{}}],"
		  "\"next_cursor\":\"a\",\"more\":false}",
		  "items[1].seq: not an integer above 5" },
		{ "{\"items\":[{\"kind\":\"order\",\"key\":\"k\",\"seq\":1,\"data\":[]}],"
		  "\"next_cursor\":\"a\",\"more\":false}",
		  "items[0].data: not an object" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sy_proto_feed f = SY_PROTO_FEED_INIT;
		struct sy_proto_err err;

		assert_int_equal(sy_proto_feed_decode(t[i].in, strlen(t[i].in), &f, &err),
				 SY_ERR_PROTO);
		assert_null(f.items);
		if (strncmp(err.detail, t[i].detail, strlen(t[i].detail)) != 0)
			fail_msg("case %zu: detail \"%s\", want \"%s\"", i, err.detail,
				 t[i].detail);
	}
}

static void error_and_health__round_trip(void **state)
{
	struct sy_proto_health h = { "ok", "0.1.0", "sqlite" }, h2;
	struct sy_proto_error e;
	struct sy_proto_err err;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(sy_proto_error_encode("forbidden", "station \"A\" is not \"B\"", &text,
					       &len),
			 SY_OK);
	assert_int_equal(sy_proto_error_decode(text, len, &e, &err), SY_OK);
	assert_string_equal(e.error, "forbidden");
	assert_string_equal(e.detail, "station \"A\" is not \"B\"");
	free(text);
	assert_int_equal(sy_proto_error_decode("<html>", 6, &e, &err), SY_ERR_PROTO);
	assert_int_equal(sy_proto_error_decode("{\"detail\":\"x\"}", 14, &e, &err), SY_ERR_PROTO);
	assert_string_equal(err.detail, "error: missing or not a string");

	assert_int_equal(sy_proto_health_encode(&h, &text, &len), SY_OK);
	assert_string_equal(text, "{\"status\":\"ok\",\"version\":\"0.1.0\",\"db\":\"sqlite\"}");
	assert_int_equal(sy_proto_health_decode(text, len, &h2, &err), SY_OK);
	assert_string_equal(h2.db, "sqlite");
	free(text);
	assert_int_equal(sy_proto_health_decode("{\"status\":\"ok\"}", 15, &h2, &err),
			 SY_ERR_PROTO);
	assert_string_equal(err.detail, "version: missing or not a string");
}

static void cursor__table(void **state)
{
	(void)state;
	assert_true(sy_proto_cursor_valid("czoxOA", 6));
	assert_true(sy_proto_cursor_valid("a-_Z9", 5));
	assert_false(sy_proto_cursor_valid("", 0));
	assert_false(sy_proto_cursor_valid("a=", 2));
	assert_false(sy_proto_cursor_valid("a/b", 3));
	{
		char big[SY_PROTO_MAX_CURSOR + 1];

		memset(big, 'a', sizeof(big));
		assert_true(sy_proto_cursor_valid(big, SY_PROTO_MAX_CURSOR));
		assert_false(sy_proto_cursor_valid(big, sizeof(big)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid__table),
		cmocka_unit_test(batch__round_trip),
		cmocka_unit_test(batch_encode__refuses_bad_event_naming_index),
		cmocka_unit_test(batch_decode__whole_document_table),
		cmocka_unit_test(batch_decode__per_event_rejects_table),
		cmocka_unit_test(batch_decode__deep_nesting_refused),
		cmocka_unit_test(batch_decode__limits),
		cmocka_unit_test(batch_decode__precedence_table),
		cmocka_unit_test(batch_decode__out_of_memory),
		cmocka_unit_test(results_decode__too_many_and_out_of_memory),
		cmocka_unit_test(results__round_trip_and_match),
		cmocka_unit_test(results_decode__table),
		cmocka_unit_test(results_decode__skips_unknown_and_decodes_escapes),
		cmocka_unit_test(results_decode__special_byte_at_every_offset),
		cmocka_unit_test(feed__round_trip),
		cmocka_unit_test(feed_decode__table),
		cmocka_unit_test(error_and_health__round_trip),
		cmocka_unit_test(cursor__table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
