/* qcstation-central against a real store: a SQLite file, or (argument "pg")
 * the throwaway PostgreSQL server of the "pg" CTest fixture
 * (tests/sync/pg-fixture.sh; its URL is in the file $QC_PG_URL_FILE).
 *
 * The server runs in this process on 127.0.0.1 and a port it picked; the
 * test talks to it over real sockets with libcurl.  The rate limiter reads
 * a clock the test advances, so nothing sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <zlib.h>

#include "sy/central.h"
#include "sy/err.h"
#include "sy/proto.h"
#include "common/testutil.h"

static int use_pg;      /* main(): argv[1] == "pg" */
static int db_counter;  /* one fresh PostgreSQL database per test */

struct fix {
	char dir[256];
	char db[512];
	struct sy_central *c;
	struct sy_central_server *srv;
	unsigned port;
	char tok1[SY_CENTRAL_TOKEN_CAP], tok2[SY_CENTRAL_TOKEN_CAP];
	_Atomic int64_t now_ms;
	char log[1 << 16]; /* every line the server logged (read after stop) */
	size_t log_len;
};

static void log_keep(int level, const char *msg, void *ud)
{
	struct fix *f = ud;
	int n;

	(void)level;
	n = snprintf(f->log + f->log_len, sizeof(f->log) - f->log_len, "%s\n", msg);
	if (n > 0 && (size_t)n < sizeof(f->log) - f->log_len)
		f->log_len += (size_t)n;
}

static int64_t fake_clock(void *ud)
{
	struct fix *f = ud;

	return atomic_load(&f->now_ms);
}

static void pg_base(char *out, size_t cap)
{
	const char *path = getenv("QC_PG_URL_FILE");
	FILE *fp = path ? fopen(path, "r") : NULL;
	char *slash;

	if (!fp)
		fail_msg("QC_PG_URL_FILE (%s) unreadable: is the pg fixture running?",
			 path ? path : "unset");
	if (!fgets(out, (int)cap, fp))
		out[0] = '\0';
	fclose(fp);
	out[strcspn(out, "\r\n")] = '\0';
	slash = strrchr(out, '/');
	assert_non_null(slash);
	slash[1] = '\0'; /* "postgresql://qc@127.0.0.1:PORT/" */
}

/* A fresh database on the fixture's server, so tests start empty. */
static void pg_fresh_db(char *url, size_t cap)
{
	char base[400], admin[512], sql[128];
	PGconn *h;
	PGresult *r;

	pg_base(base, sizeof(base));
	snprintf(admin, sizeof(admin), "%spostgres", base);
	h = PQconnectdb(admin);
	assert_int_equal(PQstatus(h), CONNECTION_OK);
	snprintf(sql, sizeof(sql), "CREATE DATABASE qc_%ld_%d", (long)getpid(), ++db_counter);
	r = PQexec(h, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(h));
	PQclear(r);
	PQfinish(h);
	snprintf(url, cap, "%sqc_%ld_%d", base, (long)getpid(), db_counter);
}

static void fix_open(struct fix *f, int rate_per_s, int burst)
{
	struct sy_central_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.db = f->db;
	cfg.rate_per_s = rate_per_s;
	cfg.rate_burst = burst;
	cfg.max_connections = 128;
	cfg.now_ms = fake_clock;
	cfg.clock_ud = f;
	cfg.log = log_keep;
	cfg.log_ud = f;
	assert_int_equal(sy_central_open(&cfg, &f->c), SY_OK);
}

static struct fix *fix_new(int rate_per_s, int burst)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	atomic_store(&f->now_ms, 1000000);
	assert_int_equal(qc_tmpdir_make(f->dir, sizeof(f->dir), "central"), 0);
	if (use_pg)
		pg_fresh_db(f->db, sizeof(f->db));
	else
		snprintf(f->db, sizeof(f->db), "%s/central.db", f->dir);
	fix_open(f, rate_per_s, burst);
	assert_int_equal(sy_central_station_add(f->c, "ST-1", f->tok1, sizeof(f->tok1)), SY_OK);
	assert_int_equal(sy_central_station_add(f->c, "ST-2", f->tok2, sizeof(f->tok2)), SY_OK);
	assert_int_equal(strncmp(f->tok1, "qcs_", 4), 0);
	assert_string_not_equal(f->tok1, f->tok2);
	return f;
}

static void fix_serve(struct fix *f)
{
	assert_int_equal(sy_central_serve_start(f->c, "127.0.0.1:0", &f->port, &f->srv), SY_OK);
	assert_true(f->port > 0);
}

static void fix_stop(struct fix *f)
{
	sy_central_serve_stop(f->srv);
	f->srv = NULL;
}

static void fix_free(struct fix *f)
{
	char path[600];

	fix_stop(f);
	sy_central_close(f->c);
	if (!use_pg) {
		snprintf(path, sizeof(path), "%s/central.db-wal", f->dir);
		remove(path);
		snprintf(path, sizeof(path), "%s/central.db-shm", f->dir);
		remove(path);
	}
	qc_tmpdir_remove(f->dir);
	free(f);
}

/* ---- HTTP with libcurl --------------------------------------------------- */

struct resp {
	long status;
	char *body;
	size_t len;
	long retry_after;
	int gzipped;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct resp *r = ud;
	char *b = realloc(r->body, r->len + sz * n + 1);

	if (!b)
		return 0;
	memcpy(b + r->len, p, sz * n);
	r->body = b;
	r->len += sz * n;
	b[r->len] = '\0';
	return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct resp *r = ud;

	if (sz * n >= 22 && strncasecmp(p, "Content-Encoding: gzip", 22) == 0)
		r->gzipped = 1;
	return sz * n;
}

/* One request; body NULL = GET.  extra: headers. */
static void http(const struct fix *f, CURL *h, const char *path, const char *token,
		 const char *body, size_t len, const char *const *extra, struct resp *r)
{
	struct curl_slist *hl = NULL;
	char url[256], auth[128];
	curl_off_t ra = -1;
	int expect = 0;

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", f->port, path);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 20000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hl = curl_slist_append(hl, auth);
	}
	for (; extra && *extra; extra++) {
		hl = curl_slist_append(hl, *extra);
		expect |= strncasecmp(*extra, "Expect:", 7) == 0;
	}
	if (body) {
		hl = curl_slist_append(hl, "Content-Type: application/json");
		if (!expect)
			hl = curl_slist_append(hl, "Expect:");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	if (curl_easy_perform(h) != CURLE_OK)
		r->status = -1;
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK)
		r->retry_after = (long)ra;
	curl_slist_free_all(hl);
}

static void resp_fini(struct resp *r)
{
	free(r->body);
	r->body = NULL;
}

static void uuid_make(char *out, int station, int n)
{
	snprintf(out, SY_PROTO_UUID_LEN + 1, "0193b2c4-%04x-7c1d-9f00-%012x", station & 0xffff,
		 (unsigned)n);
}

/* A push body of n events from station, uuids numbered from first. */
static char *batch_body(const char *station, int sidx, int first, int n, size_t *len)
{
	struct sy_proto_event *ev = calloc((size_t)n, sizeof(*ev));
	struct sy_proto_err err;
	char *out = NULL;

	assert_non_null(ev);
	for (int i = 0; i < n; i++) {
		uuid_make(ev[i].uuid, sidx, first + i);
		ev[i].seq = first + i + 1;
		ev[i].ts_ms = 1764180000000 + i;
		ev[i].type = "inspection";
		ev[i].entity = "item:SN00001001";
		ev[i].payload = "{\"result\":\"pass\"}";
		ev[i].payload_len = strlen(ev[i].payload);
	}
	assert_int_equal(sy_proto_batch_encode(station, ev, (size_t)n, &out, len, &err), SY_OK);
	free(ev);
	return out;
}

/* A push body written by hand, for counts the encoder refuses. */
static char *raw_body(const char *station, int n, size_t *len)
{
	size_t cap = (size_t)n * 128 + 128, o;
	char *b = malloc(cap);

	assert_non_null(b);
	o = (size_t)snprintf(b, cap, "{\"station\":\"%s\",\"events\":[", station);
	for (int i = 0; i < n; i++) {
		char u[SY_PROTO_UUID_LEN + 1];

		uuid_make(u, 1, i);
		o += (size_t)snprintf(
			b + o, cap - o,
			"%s{\"uuid\":\"%s\",\"seq\":%d,\"type\":\"t\",\"payload\":{}}",
			i ? "," : "", u, i + 1);
	}
	o += (size_t)snprintf(b + o, cap - o, "]}");
	*len = o;
	return b;
}

static struct sy_proto_result *results_of(const struct resp *r, size_t *n)
{
	struct sy_proto_result *res = NULL;
	struct sy_proto_err err;

	if (sy_proto_results_decode(r->body, r->len, &res, n, &err) != SY_OK)
		fail_msg("results: %s in %s", err.detail, r->body ? r->body : "(none)");
	return res;
}

static void expect_error(const struct resp *r, long status, const char *code)
{
	struct sy_proto_error e;
	struct sy_proto_err err;

	if (r->status != status)
		fail_msg("status %ld, want %ld (%s)", r->status, status, r->body ? r->body : "");
	assert_int_equal(sy_proto_error_decode(r->body, r->len, &e, &err), SY_OK);
	assert_string_equal(e.error, code);
	assert_true(e.detail[0] != '\0');
}

static int count_line(const char *line, size_t len, void *ud)
{
	(void)line;
	(void)len;
	(*(long *)ud)++;
	return 0;
}

static long count_events(struct fix *f)
{
	char next[SY_PROTO_MAX_CURSOR + 1];
	long n = 0;

	assert_true(sy_central_export(f->c, NULL, 0, count_line, &n, next, sizeof(next)) >= 0);
	return n;
}

/* ---- Tests ----------------------------------------------------------------- */

static void health__ok_names_the_database(void **state)
{
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	struct sy_proto_health hh;
	struct sy_proto_err err;
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/health", NULL, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(sy_proto_health_decode(r.body, r.len, &hh, &err), SY_OK);
	assert_string_equal(hh.status, "ok");
	assert_string_equal(hh.db, use_pg ? "postgresql" : "sqlite");
	resp_fini(&r);
	http(f, h, "/v2/nothing", NULL, NULL, 0, NULL, &r);
	expect_error(&r, 404, "not_found");
	resp_fini(&r);
	http(f, h, "/v1/events", f->tok1, NULL, 0, NULL, &r);
	expect_error(&r, 405, "malformed");
	resp_fini(&r);
	curl_easy_cleanup(h);
	fix_free(f);
}

/* At-least-once delivery, exactly-once effect: a replayed batch answers
 * duplicate with the server_seq of the first time, and stores nothing new. */
static void push__applied_then_replay_is_duplicate_with_same_seq(void **state)
{
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	struct sy_proto_result *a, *b;
	size_t na = 0, nb = 0, len = 0;
	char *body = batch_body("ST-1", 1, 0, 5, &len);
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/events", f->tok1, body, len, NULL, &r);
	assert_int_equal(r.status, 200);
	a = results_of(&r, &na);
	resp_fini(&r);
	assert_int_equal(na, 5);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].status, SY_PROTO_APPLIED);
		assert_true(a[i].server_seq >= 1);
		if (i)
			assert_true(a[i].server_seq > a[i - 1].server_seq);
	}
	http(f, h, "/v1/events", f->tok1, body, len, NULL, &r);
	assert_int_equal(r.status, 200);
	b = results_of(&r, &nb);
	resp_fini(&r);
	assert_int_equal(nb, 5);
	for (size_t i = 0; i < nb; i++) {
		assert_int_equal(b[i].status, SY_PROTO_DUPLICATE);
		assert_int_equal(b[i].server_seq, a[i].server_seq);
		assert_string_equal(b[i].uuid, a[i].uuid);
	}
	fix_stop(f);
	assert_int_equal(count_events(f), 5);
	free(a);
	free(b);
	free(body);
	curl_easy_cleanup(h);
	fix_free(f);
}

/* The logs name method, path, status and station: never a token (right
 * or wrong) nor anything of a body. */
static void log__never_holds_tokens_or_bodies(void **state)
{
	static const char wrong[] = "qcs_wrongwrongwrongwrongwrongwrongwrongwrongw";
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	size_t len = 0;
	char *body = batch_body("ST-1", 8, 0, 2, &len);
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/events", f->tok1, body, len, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_fini(&r);
	http(f, h, "/v1/events", wrong, body, len, NULL, &r);
	assert_int_equal(r.status, 401);
	resp_fini(&r);
	http(f, h, "/v1/events", f->tok2, body, len, NULL, &r);
	assert_int_equal(r.status, 403);
	resp_fini(&r);
	fix_stop(f);
	f->log[f->log_len] = '\0';
	assert_non_null(strstr(f->log, "POST /v1/events 200 station=ST-1"));
	assert_non_null(strstr(f->log, "POST /v1/events 401"));
	assert_null(strstr(f->log, f->tok1));
	assert_null(strstr(f->log, f->tok2));
	assert_null(strstr(f->log, wrong));
	assert_null(strstr(f->log, "qcs_"));
	assert_null(strstr(f->log, "pass"));        /* the payload */
	assert_null(strstr(f->log, "0193b2c4"));    /* the uuids */
	free(body);
	curl_easy_cleanup(h);
	fix_free(f);
}

/* The same uuid from another station is a different event. */
static void push__same_uuid_other_station_is_applied(void **state)
{
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	size_t len1 = 0, len2 = 0, n = 0;
	char *b1 = batch_body("ST-1", 7, 0, 1, &len1), *b2 = batch_body("ST-2", 7, 0, 1, &len2);
	struct sy_proto_result *res;
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/events", f->tok1, b1, len1, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_fini(&r);
	http(f, h, "/v1/events", f->tok2, b2, len2, NULL, &r);
	assert_int_equal(r.status, 200);
	res = results_of(&r, &n);
	assert_int_equal(res[0].status, SY_PROTO_APPLIED);
	free(res);
	resp_fini(&r);
	free(b1);
	free(b2);
	curl_easy_cleanup(h);
	fix_free(f);
}

static void push__rejected_event_has_reason_rest_applied(void **state)
{
	static const char body[] =
		"{\"station\":\"ST-1\",\"events\":["
		"{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e0f\",\"seq\":1,\"type\":"
		"\"shipment\","
		"\"entity\":\"parcel:1\",\"ts_ms\":1,\"payload\":{\"tracking\":"
		"\"1Z999AA10123456784\"}},"
		"{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e10\",\"seq\":2,\"type\":"
		"\"shipment\","
		"\"payload\":\"not an object\"},"
		"{\"uuid\":\"NOT-A-UUID\",\"seq\":3,\"type\":\"shipment\",\"payload\":{}}]}";
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	struct sy_proto_result *res;
	size_t n = 0;
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/events", f->tok1, body, sizeof(body) - 1, NULL, &r);
	assert_int_equal(r.status, 200);
	res = results_of(&r, &n);
	assert_int_equal(n, 3);
	assert_int_equal(res[0].status, SY_PROTO_APPLIED);
	assert_int_equal(res[1].status, SY_PROTO_REJECTED);
	assert_string_equal(res[1].uuid, "0193b2c4-8a3e-7c1d-9f00-5a6b7c8d9e10");
	assert_string_equal(res[1].reason, "events[1].payload: not an object");
	assert_int_equal(res[2].status, SY_PROTO_REJECTED);
	assert_string_equal(res[2].uuid, "");
	assert_string_equal(res[2].reason, "events[2].uuid: not a lowercase RFC 9562 UUID");
	free(res);
	resp_fini(&r);
	fix_stop(f);
	assert_int_equal(count_events(f), 1);
	curl_easy_cleanup(h);
	fix_free(f);
}

static void auth__wrong_or_missing_token_401_station_mismatch_403(void **state)
{
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	size_t len = 0;
	char *body = batch_body("ST-2", 2, 0, 3, &len);
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/events", "qcs_wrongwrongwrongwrongwrongwrongwrongwrongw", body, len, NULL,
	     &r);
	expect_error(&r, 401, "unauthorized");
	resp_fini(&r);
	http(f, h, "/v1/events", NULL, body, len, NULL, &r);
	expect_error(&r, 401, "unauthorized");
	resp_fini(&r);
	http(f, h, "/v1/feed", "short", NULL, 0, NULL, &r);
	expect_error(&r, 401, "unauthorized");
	resp_fini(&r);
	/* A large body with a wrong token: the answer is the 401, read after
	 * the body, never a connection reset the client would retry. */
	{
		static const char *const expect[] = { "Expect: 100-continue", NULL };
		size_t blen = 0;
		char *big = batch_body("ST-2", 5, 0, 1000, &blen);

		for (int i = 0; i < 5; i++) {
			http(f, h, "/v1/events", "qcs_wrongwrongwrongwrongwrongwrongwrongwrongw",
			     big, blen, NULL, &r);
			expect_error(&r, 401, "unauthorized");
			resp_fini(&r);
		}
		/* A client waiting for 100 Continue gets the 401 without sending. */
		http(f, h, "/v1/events", "qcs_wrongwrongwrongwrongwrongwrongwrongwrongw", big, blen,
		     expect, &r);
		expect_error(&r, 401, "unauthorized");
		resp_fini(&r);
		free(big);
	}
	/* ST-1's token, ST-2's batch: a station cannot push as another. */
	http(f, h, "/v1/events", f->tok1, body, len, NULL, &r);
	expect_error(&r, 403, "forbidden");
	resp_fini(&r);
	fix_stop(f);
	assert_int_equal(count_events(f), 0);
	free(body);
	curl_easy_cleanup(h);
	fix_free(f);
}

static char *gzip_of(const char *in, size_t len, size_t *olen)
{
	z_stream z;
	uLong cap;
	char *out;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, (uLong)len);
	out = malloc(cap);
	assert_non_null(out);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*olen = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static void push__oversize_is_413(void **state)
{
	static const char *const gz[] = { "Content-Encoding: gzip", NULL };
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	size_t len = 0, zlen = 0, big = (size_t)SY_PROTO_MAX_BODY + 1024;
	char *body = raw_body("ST-1", 1001, &len), *huge, *bomb;
	struct resp r;

	(void)state;
	fix_serve(f);
	/* 1001 events */
	http(f, h, "/v1/events", f->tok1, body, len, NULL, &r);
	expect_error(&r, 413, "too_large");
	resp_fini(&r);
	free(body);
	/* A body over 8 MiB, refused on its Content-Length. */
	huge = malloc(big);
	assert_non_null(huge);
	memset(huge, ' ', big);
	http(f, h, "/v1/events", f->tok1, huge, big, NULL, &r);
	expect_error(&r, 413, "too_large");
	resp_fini(&r);
	/* A gzip bomb: small on the wire, over 8 MiB once inflated. */
	huge[0] = '{';
	bomb = gzip_of(huge, big, &zlen);
	assert_true(zlen < 64 * 1024);
	http(f, h, "/v1/events", f->tok1, bomb, zlen, gz, &r);
	expect_error(&r, 413, "too_large");
	resp_fini(&r);
	free(bomb);
	free(huge);
	fix_stop(f);
	assert_int_equal(count_events(f), 0);
	curl_easy_cleanup(h);
	fix_free(f);
}

static void push__gzip_request_and_response(void **state)
{
	static const char *const gz[] = { "Content-Encoding: gzip", "Accept-Encoding: gzip", NULL };
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	size_t len = 0, zlen = 0, n = 0;
	char *body = batch_body("ST-1", 3, 0, 200, &len);
	char *z = gzip_of(body, len, &zlen);
	struct sy_proto_result *res;
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/events", f->tok1, z, zlen, gz, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.gzipped);
	/* The header was set by hand, so libcurl leaves the body compressed:
	 * inflate it here. */
	{
		z_stream zs;
		char *plain = malloc(1 << 20);

		assert_non_null(plain);
		memset(&zs, 0, sizeof(zs));
		assert_int_equal(inflateInit2(&zs, 31), Z_OK);
		zs.next_in = (Bytef *)r.body;
		zs.avail_in = (uInt)r.len;
		zs.next_out = (Bytef *)plain;
		zs.avail_out = 1 << 20;
		assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
		free(r.body);
		r.len = (1 << 20) - zs.avail_out;
		r.body = plain;
		inflateEnd(&zs);
	}
	res = results_of(&r, &n);
	assert_int_equal(n, 200);
	assert_int_equal(res[199].status, SY_PROTO_APPLIED);
	free(res);
	resp_fini(&r);
	/* A broken gzip stream is 400, nothing stored from it. */
	z[zlen / 2] ^= 0x55;
	http(f, h, "/v1/events", f->tok1, z, zlen / 2 + 1, gz, &r);
	expect_error(&r, 400, "malformed");
	resp_fini(&r);
	free(z);
	free(body);
	fix_stop(f);
	assert_int_equal(count_events(f), 200);
	curl_easy_cleanup(h);
	fix_free(f);
}

static void push__malformed_is_400(void **state)
{
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	struct sy_proto_error e;
	struct sy_proto_err err;
	struct resp r;

	(void)state;
	fix_serve(f);
	http(f, h, "/v1/events", f->tok1, "{\"station\":\"ST-1\",\"events\":[", 28, NULL, &r);
	expect_error(&r, 400, "malformed");
	resp_fini(&r);
	http(f, h, "/v1/events", f->tok1, "{\"station\":\"ST-1\"}", 18, NULL, &r);
	expect_error(&r, 400, "malformed");
	assert_int_equal(sy_proto_error_decode(r.body, r.len, &e, &err), SY_OK);
	assert_string_equal(e.detail, "events: missing");
	resp_fini(&r);
	curl_easy_cleanup(h);
	fix_free(f);
}

/* Rate 2/s, burst 2: the third request in the same instant is 429 with
 * Retry-After; half a second later one more is allowed. Per token: the
 * other station is not affected. */
static void rate__limit_429_with_retry_after(void **state)
{
	struct fix *f = fix_new(2, 2);
	CURL *h = curl_easy_init();
	struct resp r;

	(void)state;
	fix_serve(f);
	for (int i = 0; i < 2; i++) {
		http(f, h, "/v1/feed", f->tok1, NULL, 0, NULL, &r);
		assert_int_equal(r.status, 200);
		resp_fini(&r);
	}
	http(f, h, "/v1/feed", f->tok1, NULL, 0, NULL, &r);
	expect_error(&r, 429, "rate_limited");
	assert_int_equal(r.retry_after, 1);
	resp_fini(&r);
	http(f, h, "/v1/feed", f->tok2, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_fini(&r);
	atomic_fetch_add(&f->now_ms, 500);
	http(f, h, "/v1/feed", f->tok1, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_fini(&r);
	http(f, h, "/v1/feed", f->tok1, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 429);
	resp_fini(&r);
	curl_easy_cleanup(h);
	fix_free(f);
}

static const char import_doc[] =
	"{\"format\":\"qcstation-import\",\"version\":1,"
	"\"orders\":[{\"number\":\"ORD-1\",\"lines\":[{\"line_no\":1,\"sku\":\"RG\"}]},"
	"{\"number\":\"ORD-2\"}],"
	"\"operators\":[{\"badge\":\"BADGE-0001\",\"name\":\"Ana Ruiz\",\"role\":\"inspector\"}],"
	"\"cancellations\":[{\"order\":\"ORD-2\",\"ts\":\"2026-11-26T10:00:00Z\"}],"
	"\"payments\":[{\"order\":\"ORD-1\",\"deposit_paid\":true,\"balance_paid\":false}],"
	"\"confirmations\":[{\"order\":\"ORD-1\",\"confirmed\":true,\"ts\":\"2026-11-26T11:00:"
	"00Z\"}],"
	"\"rmas\":[{\"rma\":\"RMA-7\",\"order\":\"ORD-1\",\"reason\":\"size\"}],"
	"\"service_requests\":[{\"ticket\":\"T-9\",\"serial\":\"SN1\",\"service\":\"resize\"}],"
	"\"checklists\":[{\"category\":\"ring\",\"checks\":[]}]}";

static void import__then_feed_pages_with_cursors(void **state)
{
	static const char *const want[][2] = {
		{ "operator", "BADGE-0001" }, { "order", "ORD-1" },
		{ "order", "ORD-2" },	      { "cancellation", "ORD-2" },
		{ "payment", "ORD-1" },	      { "confirmation", "ORD-1" },
		{ "rma", "RMA-7" },	      { "service_request", "T-9" },
		{ "checklist", "ring" },
	};
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	struct sy_central_import_stats st;
	char detail[256], path[256], cursor[SY_PROTO_MAX_CURSOR + 1] = "";
	size_t got = 0;
	int pages = 0;
	struct resp r;

	(void)state;
	assert_int_equal(sy_central_import(f->c, import_doc, sizeof(import_doc) - 1, &st, detail,
					   sizeof(detail)),
			 SY_OK);
	assert_int_equal(st.items, 9);
	fix_serve(f);
	for (;;) {
		struct sy_proto_feed page = SY_PROTO_FEED_INIT;
		struct sy_proto_err err;

		snprintf(path, sizeof(path), "/v1/feed?limit=4%s%s", cursor[0] ? "&cursor=" : "",
			 cursor);
		http(f, h, path, f->tok2, NULL, 0, NULL, &r);
		assert_int_equal(r.status, 200);
		assert_int_equal(sy_proto_feed_decode(r.body, r.len, &page, &err), SY_OK);
		pages++;
		for (size_t i = 0; i < page.n; i++, got++) {
			assert_true(got < 9);
			assert_string_equal(page.items[i].kind, want[got][0]);
			assert_string_equal(page.items[i].key, want[got][1]);
		}
		if (got == 4) /* the first page carries the order's lines as sent */
			assert_non_null(strstr(page.items[1].data, "\"line_no\":1"));
		snprintf(cursor, sizeof(cursor), "%s", page.next_cursor);
		resp_fini(&r);
		if (!page.more) {
			sy_proto_feed_fini(&page);
			break;
		}
		sy_proto_feed_fini(&page);
	}
	assert_int_equal(got, 9);
	assert_int_equal(pages, 3);
	/* The last cursor answers an empty page until something new arrives. */
	snprintf(path, sizeof(path), "/v1/feed?cursor=%s", cursor);
	http(f, h, path, f->tok1, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"items\":[]"));
	resp_fini(&r);
	http(f, h, "/v1/feed?cursor=bogus!", f->tok1, NULL, 0, NULL, &r);
	expect_error(&r, 400, "malformed");
	resp_fini(&r);
	http(f, h, "/v1/feed?limit=1001", f->tok1, NULL, 0, NULL, &r);
	expect_error(&r, 400, "malformed");
	resp_fini(&r);
	curl_easy_cleanup(h);
	fix_free(f);
}

/* A bad document names the path of its first problem and stores nothing. */
static void import__bad_document_is_all_or_nothing(void **state)
{
	static const struct {
		const char *doc, *detail;
	} t[] = {
		{ "{\"orders\":[{\"number\":\"A\"}],\"rmas\":[{\"rma\":\"R1\"},{\"order\":\"A\"}]}",
		  "rmas[1].rma: missing, or not a string of 1..255 bytes" },
		{ "{\"refunds\":[]}", "refunds: not a section this server knows" },
		{ "{\"format\":\"other\"}", "format: not \"qcstation-import\"" },
		{ "{\"orders\":{}}", "orders: not an array" },
		{ "{\"orders\":[5]}", "orders[0]: not an object" },
	};
	struct fix *f = fix_new(0, 0);
	struct sy_central_import_stats st;
	char detail[256], *page = NULL;
	size_t len = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(sy_central_import(f->c, t[i].doc, strlen(t[i].doc), &st, detail,
						   sizeof(detail)),
				 SY_ERR_PROTO);
		assert_string_equal(detail, t[i].detail);
		assert_int_equal(st.items, 0);
	}
	assert_int_equal(sy_central_feed(f->c, NULL, 10, &page, &len), SY_OK);
	assert_non_null(strstr(page, "\"items\":[]"));
	free(page);
	fix_free(f);
}

/* Pages stop early past 4 MiB of data, with "more", so large items never
 * make an answer a client refuses; every item still comes, in order. */
static void feed__large_items_split_pages(void **state)
{
	struct fix *f = fix_new(0, 0);
	size_t big = (size_t)3 * 1024 * 1024, len = 0, cap = 4 * big;
	char *doc = malloc(cap), *page = NULL, cursor[SY_PROTO_MAX_CURSOR + 1] = "";
	struct sy_central_import_stats st;
	char detail[256];
	size_t o = 0, got = 0;
	int pages = 0;

	(void)state;
	assert_non_null(doc);
	o = (size_t)snprintf(doc, cap, "{\"orders\":[");
	for (int i = 0; i < 3; i++) {
		o += (size_t)snprintf(doc + o, cap - o, "%s{\"number\":\"ORD-%d\",\"notes\":\"",
				      i ? "," : "", i);
		memset(doc + o, 'x', big);
		o += big;
		o += (size_t)snprintf(doc + o, cap - o, "\"}");
	}
	o += (size_t)snprintf(doc + o, cap - o, "]}");
	assert_int_equal(sy_central_import(f->c, doc, o, &st, detail, sizeof(detail)), SY_OK);
	assert_int_equal(st.items, 3);
	for (;;) {
		struct sy_proto_feed pg = SY_PROTO_FEED_INIT;
		struct sy_proto_err err;

		assert_int_equal(sy_central_feed(f->c, cursor, 10, &page, &len), SY_OK);
		assert_true(len < 5 * 1024 * 1024);
		assert_int_equal(sy_proto_feed_decode(page, len, &pg, &err), SY_OK);
		assert_int_equal(pg.n, 1);
		assert_string_equal(pg.items[0].key, got == 0 ? "ORD-0" : got == 1 ? "ORD-1" : "ORD-2");
		got += pg.n;
		pages++;
		snprintf(cursor, sizeof(cursor), "%s", pg.next_cursor);
		free(page);
		if (!pg.more) {
			sy_proto_feed_fini(&pg);
			break;
		}
		sy_proto_feed_fini(&pg);
		assert_true(pages < 5);
	}
	assert_int_equal(got, 3);
	free(doc);
	fix_free(f);
}

struct lines {
	char cursor[8][SY_PROTO_MAX_CURSOR + 1];
	char uuid[8][SY_PROTO_UUID_LEN + 1];
	int n;
};

static int keep_line(const char *line, size_t len, void *ud)
{
	struct lines *l = ud;
	json_t *j = json_loadb(line, len, 0, NULL);

	assert_non_null(j);
	assert_true(l->n < 8);
	snprintf(l->cursor[l->n], sizeof(l->cursor[0]), "%s",
		 json_string_value(json_object_get(j, "cursor")));
	snprintf(l->uuid[l->n], sizeof(l->uuid[0]), "%s",
		 json_string_value(json_object_get(j, "uuid")));
	assert_string_equal(json_string_value(json_object_get(j, "station")), "ST-1");
	assert_string_equal(json_string_value(json_object_get(j, "type")), "inspection");
	assert_true(json_is_object(json_object_get(j, "payload")));
	assert_true(json_integer_value(json_object_get(j, "server_seq")) >= 1);
	json_decref(j);
	l->n++;
	return 0;
}

static void export__resumes_from_cursor(void **state)
{
	struct fix *f = fix_new(0, 0);
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_result res[5];
	struct sy_proto_err err;
	struct lines l1, l2;
	char next[SY_PROTO_MAX_CURSOR + 1], next2[SY_PROTO_MAX_CURSOR + 1];
	size_t len = 0;
	char *body = batch_body("ST-1", 1, 0, 5, &len);

	(void)state;
	memset(&l1, 0, sizeof(l1));
	memset(&l2, 0, sizeof(l2));
	assert_int_equal(sy_proto_batch_decode(body, len, &b, &err), SY_OK);
	assert_int_equal(sy_central_ingest(f->c, "ST-1", &b, res), SY_OK);
	assert_int_equal(sy_central_export(f->c, NULL, 2, keep_line, &l1, next, sizeof(next)), 2);
	assert_string_equal(next, l1.cursor[1]);
	assert_int_equal(sy_central_export(f->c, next, 0, keep_line, &l2, next2, sizeof(next2)), 3);
	assert_string_equal(l1.uuid[0], b.ev[0].uuid);
	assert_string_equal(l2.uuid[0], b.ev[2].uuid);
	assert_string_equal(l2.uuid[2], b.ev[4].uuid);
	/* Nothing new: the same cursor comes back, no lines. */
	l2.n = 0;
	assert_int_equal(sy_central_export(f->c, next2, 0, keep_line, &l2, next, sizeof(next)), 0);
	assert_string_equal(next, next2);
	assert_int_equal(sy_central_export(f->c, "czox", 0, keep_line, &l2, next, sizeof(next)),
			 SY_ERR_ARG); /* a feed cursor is not an export cursor */
	sy_proto_batch_fini(&b);
	free(body);
	fix_free(f);
}

/* Without HTTP: the bench's path.  An unknown station is refused. */
static void ingest__direct_dedupes_and_checks_station(void **state)
{
	struct fix *f = fix_new(0, 0);
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_result r1[3], r2[3];
	struct sy_proto_err err;
	size_t len = 0;
	char *body = batch_body("ST-1", 9, 0, 3, &len);

	(void)state;
	assert_int_equal(sy_proto_batch_decode(body, len, &b, &err), SY_OK);
	assert_int_equal(sy_central_ingest(f->c, "ST-1", &b, r1), SY_OK);
	assert_int_equal(sy_central_ingest(f->c, "ST-1", &b, r2), SY_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r1[i].status, SY_PROTO_APPLIED);
		assert_int_equal(r2[i].status, SY_PROTO_DUPLICATE);
		assert_int_equal(r2[i].server_seq, r1[i].server_seq);
	}
	assert_int_equal(sy_central_ingest(f->c, "NOBODY", &b, r2), SY_ERR_ARG);
	sy_proto_batch_fini(&b);
	free(body);

	/* The same uuid twice in one batch: the second copy is a duplicate of
	 * the first, which the same transaction just stored. */
	{
		static const char twice[] = "{\"station\":\"ST-2\",\"events\":["
					    "{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-000000000abc\","
					    "\"seq\":1,\"type\":\"t\","
					    "\"payload\":{}},"
					    "{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-000000000abc\","
					    "\"seq\":2,\"type\":\"t\","
					    "\"payload\":{}}]}";

		assert_int_equal(sy_proto_batch_decode(twice, sizeof(twice) - 1, &b, &err), SY_OK);
		assert_int_equal(sy_central_ingest(f->c, "ST-2", &b, r1), SY_OK);
		assert_int_equal(r1[0].status, SY_PROTO_APPLIED);
		assert_int_equal(r1[1].status, SY_PROTO_DUPLICATE);
		assert_int_equal(r1[1].server_seq, r1[0].server_seq);
		sy_proto_batch_fini(&b);
	}
	fix_free(f);
}

struct worker {
	struct fix *f;
	char name[16];
	char token[SY_CENTRAL_TOKEN_CAP];
	int idx;
	int ok;
};

#define NSTATIONS 50
#define NBATCHES 4
#define NPERBATCH 25

static void *worker_run(void *ud)
{
	struct worker *w = ud;
	CURL *h = curl_easy_init();

	w->ok = 1;
	for (int bt = 0; bt < NBATCHES && h; bt++) {
		struct sy_proto_result *res = NULL;
		struct sy_proto_err err;
		size_t len = 0, n = 0;
		char *body = NULL;
		struct sy_proto_event ev[NPERBATCH];
		struct resp r;

		memset(ev, 0, sizeof(ev));
		for (int i = 0; i < NPERBATCH; i++) {
			uuid_make(ev[i].uuid, 100 + w->idx, bt * NPERBATCH + i);
			ev[i].seq = bt * NPERBATCH + i + 1;
			ev[i].type = "inspection";
			ev[i].entity = w->name;
			ev[i].payload = "{}";
			ev[i].payload_len = 2;
		}
		if (sy_proto_batch_encode(w->name, ev, NPERBATCH, &body, &len, &err) != SY_OK) {
			w->ok = 0;
			break;
		}
		http(w->f, h, "/v1/events", w->token, body, len, NULL, &r);
		if (r.status != 200 ||
		    sy_proto_results_decode(r.body, r.len, &res, &n, &err) != 0 || n != NPERBATCH)
			w->ok = 0;
		for (size_t i = 0; w->ok && i < n; i++)
			if (res[i].status != SY_PROTO_APPLIED)
				w->ok = 0;
		free(res);
		resp_fini(&r);
		free(body);
	}
	if (!h)
		w->ok = 0;
	curl_easy_cleanup(h);
	return NULL;
}

/* 50 stations push at once against one server: every event stored once. */
static void concurrent__fifty_stations(void **state)
{
	struct fix *f = fix_new(0, 0);
	struct worker *w = calloc(NSTATIONS, sizeof(*w));
	pthread_t th[NSTATIONS];

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < NSTATIONS; i++) {
		w[i].f = f;
		w[i].idx = i;
		snprintf(w[i].name, sizeof(w[i].name), "C-%02d", i);
		assert_int_equal(sy_central_station_add(f->c, w[i].name, w[i].token,
							sizeof(w[i].token)),
				 SY_OK);
	}
	fix_serve(f);
	for (int i = 0; i < NSTATIONS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	for (int i = 0; i < NSTATIONS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NSTATIONS; i++)
		if (!w[i].ok)
			fail_msg("station %s: a push failed", w[i].name);
	fix_stop(f);
	assert_int_equal(count_events(f), NSTATIONS * NBATCHES * NPERBATCH);
	free(w);
	fix_free(f);
}

/* The database is locked by someone else (an operator, a backup): the
 * push fails with 503 and Retry-After once the lock wait times out,
 * nothing of it is stored, and the same push applies once the lock is
 * gone. */
static void db_locked__503_then_the_retry_applies(void **state)
{
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	struct sy_proto_result *res;
	size_t len = 0, n = 0;
	char *body = batch_body("ST-1", 6, 0, 3, &len);
	sqlite3 *lite = NULL;
	PGconn *pg = NULL;
	PGresult *pr;
	struct resp r;

	(void)state;
	fix_serve(f);
	if (use_pg) {
		pg = PQconnectdb(f->db);
		assert_int_equal(PQstatus(pg), CONNECTION_OK);
		pr = PQexec(pg, "BEGIN; LOCK TABLE event IN ACCESS EXCLUSIVE MODE");
		assert_int_equal(PQresultStatus(pr), PGRES_COMMAND_OK);
		PQclear(pr);
	} else {
		assert_int_equal(sqlite3_open(f->db, &lite), SQLITE_OK);
		assert_int_equal(sqlite3_exec(lite, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
				 SQLITE_OK);
	}
	http(f, h, "/v1/events", f->tok1, body, len, NULL, &r);
	expect_error(&r, 503, "unavailable");
	assert_int_equal(r.retry_after, 5);
	resp_fini(&r);
	if (use_pg) {
		pr = PQexec(pg, "ROLLBACK");
		PQclear(pr);
		PQfinish(pg);
	} else {
		assert_int_equal(sqlite3_exec(lite, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(lite);
	}
	http(f, h, "/v1/events", f->tok1, body, len, NULL, &r);
	assert_int_equal(r.status, 200);
	res = results_of(&r, &n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(res[i].status, SY_PROTO_APPLIED);
	free(res);
	resp_fini(&r);
	free(body);
	curl_easy_cleanup(h);
	fix_free(f);
}

/* A new token replaces the old one at once; an unknown station has none. */
static void station__new_token_retires_the_old_one(void **state)
{
	struct fix *f = fix_new(0, 0);
	CURL *h = curl_easy_init();
	char old[SY_CENTRAL_TOKEN_CAP], fresh[SY_CENTRAL_TOKEN_CAP];
	struct resp r;

	(void)state;
	memcpy(old, f->tok1, sizeof(old));
	assert_int_equal(sy_central_station_token(f->c, "ST-1", fresh, sizeof(fresh)), SY_OK);
	assert_string_not_equal(fresh, old);
	assert_int_equal(sy_central_station_token(f->c, "NOBODY", fresh + 0, sizeof(fresh)),
			 SY_ERR_ARG);
	assert_int_equal(sy_central_station_token(f->c, "ST-1", fresh, sizeof(fresh)), SY_OK);
	fix_serve(f);
	http(f, h, "/v1/feed", old, NULL, 0, NULL, &r);
	expect_error(&r, 401, "unauthorized");
	resp_fini(&r);
	http(f, h, "/v1/feed", fresh, NULL, 0, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_fini(&r);
	http(f, h, "/v1/feed", f->tok2, NULL, 0, NULL, &r); /* the other station's still works */
	assert_int_equal(r.status, 200);
	resp_fini(&r);
	curl_easy_cleanup(h);
	fix_free(f);
}

static int list_count(const struct sy_central_station *s, void *ud)
{
	if (strcmp(s->name, "ST-1") == 0) {
		assert_int_equal(s->events, 2);
		assert_int_equal(s->last_seq, 2);
	}
	(*(int *)ud)++;
	return 0;
}

static void station__add_refuses_bad_or_taken_names_and_lists(void **state)
{
	struct fix *f = fix_new(0, 0);
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_result res[2];
	struct sy_proto_err err;
	char tok[SY_CENTRAL_TOKEN_CAP];
	size_t len = 0;
	char *body = batch_body("ST-1", 4, 0, 2, &len);
	int n = 0;

	(void)state;
	assert_int_equal(sy_central_station_add(f->c, "ST-1", tok, sizeof(tok)), SY_ERR_ARG);
	assert_int_equal(sy_central_station_add(f->c, "bad name", tok, sizeof(tok)), SY_ERR_ARG);
	assert_int_equal(sy_central_station_add(f->c, "", tok, sizeof(tok)), SY_ERR_ARG);
	assert_int_equal(sy_proto_batch_decode(body, len, &b, &err), SY_OK);
	assert_int_equal(sy_central_ingest(f->c, "ST-1", &b, res), SY_OK);
	assert_int_equal(sy_central_station_list(f->c, list_count, &n), SY_OK);
	assert_int_equal(n, 2);
	sy_proto_batch_fini(&b);
	free(body);
	fix_free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(health__ok_names_the_database),
		cmocka_unit_test(push__applied_then_replay_is_duplicate_with_same_seq),
		cmocka_unit_test(push__same_uuid_other_station_is_applied),
		cmocka_unit_test(log__never_holds_tokens_or_bodies),
		cmocka_unit_test(push__rejected_event_has_reason_rest_applied),
		cmocka_unit_test(auth__wrong_or_missing_token_401_station_mismatch_403),
		cmocka_unit_test(push__oversize_is_413),
		cmocka_unit_test(push__gzip_request_and_response),
		cmocka_unit_test(push__malformed_is_400),
		cmocka_unit_test(rate__limit_429_with_retry_after),
		cmocka_unit_test(import__then_feed_pages_with_cursors),
		cmocka_unit_test(import__bad_document_is_all_or_nothing),
		cmocka_unit_test(feed__large_items_split_pages),
		cmocka_unit_test(export__resumes_from_cursor),
		cmocka_unit_test(ingest__direct_dedupes_and_checks_station),
		cmocka_unit_test(concurrent__fifty_stations),
		cmocka_unit_test(db_locked__503_then_the_retry_applies),
		cmocka_unit_test(station__add_refuses_bad_or_taken_names_and_lists),
		cmocka_unit_test(station__new_token_retires_the_old_one),
	};
	int rc;

	use_pg = argc > 1 && strcmp(argv[1], "pg") == 0;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests_name(use_pg ? "central_pg" : "central_sqlite", tests, NULL,
					 NULL);
	curl_global_cleanup();
	return rc;
}
