/* The sync client's decisions: response classification, full-jitter backoff
 * with Retry-After, 413 halving, no retry on 401/403/400, malformed and
 * truncated replies retried, and the token kept out of every message.  The
 * transport is a scripted fake (the boundary); the clock is fake too, so
 * backoff is checked without any real waiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sy/client.h"
#include "sy/err.h"
#include "sy/proto.h"

#define TOKEN "qcs_secret-token-value-1234"
#define MAX_STEPS 32

/* ---- a scripted transport -------------------------------------------------------- */

enum step_kind {
	STEP_ANSWER,     /* answer the push properly (all applied) */
	STEP_STATUS,     /* status + body as given */
	STEP_TRANSPORT,  /* a transport error */
	STEP_TRUNCATE,   /* a proper answer cut in half */
	STEP_WRONG_UUID, /* a proper-looking answer for other events */
	STEP_413_ABOVE,  /* 413 when the batch has more than arg events, else answer */
};

struct step {
	enum step_kind kind;
	int status;            /* STEP_STATUS */
	const char *body;      /* STEP_STATUS */
	int retry_after_s;     /* STEP_STATUS; -1 none */
	int rc;                /* STEP_TRANSPORT */
	size_t arg;            /* STEP_413_ABOVE */
};

struct fake {
	struct sy_http base;
	struct step steps[MAX_STEPS];
	size_t n_steps, at;    /* the last step repeats */
	size_t calls;
	size_t batch_sizes[MAX_STEPS]; /* events per push request seen */
	char last_url[512];
	char last_auth[128];
	char *body;            /* the last answer */
	int64_t clock_ms;      /* advanced by fake_sleep */
	unsigned sleeps;
	uint64_t rnd;          /* what fake_random returns */
	char log[8192];
};

static int answer_push(struct fake *f, const struct sy_http_req *req, struct sy_http_resp *resp,
		       enum step_kind kind, size_t above)
{
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_err err;
	struct sy_proto_result *r;
	size_t len = 0;

	assert_int_equal(sy_proto_batch_decode(req->body, req->body_len, &b, &err), SY_OK);
	if (f->calls <= MAX_STEPS)
		f->batch_sizes[f->calls - 1] = b.n;
	if (kind == STEP_413_ABOVE && b.n > above) {
		sy_proto_batch_fini(&b);
		resp->status = 413;
		free(f->body);
		f->body = strdup("{\"error\":\"too_large\",\"detail\":\"batch too large\"}");
		resp->body = f->body;
		resp->len = strlen(f->body);
		return SY_OK;
	}
	r = calloc(b.n, sizeof(*r));
	assert_non_null(r);
	for (size_t i = 0; i < b.n; i++) {
		memcpy(r[i].uuid, b.ev[i].uuid, sizeof(r[i].uuid));
		if (kind == STEP_WRONG_UUID)
			r[i].uuid[0] = r[i].uuid[0] == 'a' ? 'b' : 'a';
		r[i].status = SY_PROTO_APPLIED;
		r[i].server_seq = 100 + (int64_t)b.ev[i].seq;
	}
	free(f->body);
	f->body = NULL;
	assert_int_equal(sy_proto_results_encode(r, b.n, &f->body, &len), SY_OK);
	free(r);
	sy_proto_batch_fini(&b);
	resp->status = 200;
	resp->body = f->body;
	resp->len = kind == STEP_TRUNCATE ? len / 2 : len;
	return SY_OK;
}

static int fake_perform(struct sy_http *h, const struct sy_http_req *req, struct sy_http_resp *resp)
{
	struct fake *f = (struct fake *)h;
	const struct step *s = &f->steps[f->at < f->n_steps ? f->at : f->n_steps - 1];

	f->at++;
	f->calls++;
	memset(resp, 0, sizeof(*resp));
	resp->retry_after_s = -1;
	snprintf(f->last_url, sizeof(f->last_url), "%s", req->url);
	f->last_auth[0] = '\0';
	for (size_t i = 0; req->headers && req->headers[i]; i++)
		if (!strncmp(req->headers[i], "Authorization:", 14))
			snprintf(f->last_auth, sizeof(f->last_auth), "%s", req->headers[i]);
	switch (s->kind) {
	case STEP_TRANSPORT:
		return s->rc;
	case STEP_STATUS:
		resp->status = s->status;
		resp->retry_after_s = s->retry_after_s;
		free(f->body);
		f->body = strdup(s->body ? s->body : "");
		resp->body = f->body;
		resp->len = strlen(f->body);
		return SY_OK;
	default:
		if (!strcmp(req->method, "POST"))
			return answer_push(f, req, resp, s->kind, s->arg);
		fail_msg("unexpected %s %s", req->method, req->url);
		return SY_ERR_BUG;
	}
}

static const char *fake_errmsg(struct sy_http *h)
{
	(void)h;
	return "scripted failure";
}

static void fake_free(struct sy_http *h)
{
	(void)h;
}

static const struct sy_http_ops fake_ops = { fake_perform, fake_errmsg, fake_free };

static void fake_sleep(int64_t ms, void *ud)
{
	struct fake *f = ud;

	assert_true(ms >= 0);
	f->clock_ms += ms;
	f->sleeps++;
}

static uint64_t fake_random(void *ud)
{
	return ((struct fake *)ud)->rnd;
}

static void fake_log(int level, const char *msg, void *ud)
{
	struct fake *f = ud;
	size_t n = strlen(f->log);

	(void)level;
	snprintf(f->log + n, sizeof(f->log) - n, "%s\n", msg);
}

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->base.ops = &fake_ops;
	f->rnd = UINT64_MAX; /* the top of each jitter window */
	return f;
}

static void fake_free_all(struct fake *f)
{
	free(f->body);
	free(f);
}

static void script(struct fake *f, const struct step *s, size_t n)
{
	assert_true(n <= MAX_STEPS);
	memcpy(f->steps, s, n * sizeof(*s));
	f->n_steps = n;
}

static struct sy_client *client_for(struct fake *f, unsigned batch, unsigned attempts)
{
	struct sy_config cfg = {
		.base_url = "https://central.example/",
		.token = TOKEN,
		.station = "STATION-1",
		.batch_max = batch,
		.max_attempts = attempts,
		.sleep_ms = fake_sleep,
		.random = fake_random,
		.clock_ud = f,
		.log = fake_log,
		.log_ud = f,
	};
	struct sy_client *c = NULL;

	assert_int_equal(sy_client_new(&cfg, &f->base, &c), SY_OK);
	return c;
}

/* n events with distinct UUIDv7-shaped ids and seq 1..n. */
static struct sy_proto_event *events(size_t n)
{
	struct sy_proto_event *ev = calloc(n, sizeof(*ev));

	assert_non_null(ev);
	for (size_t i = 0; i < n; i++) {
		snprintf(ev[i].uuid, sizeof(ev[i].uuid), "0193b2c4-8a3e-7c1d-9f00-%012zx", i + 1);
		ev[i].seq = (int64_t)i + 1;
		ev[i].ts_ms = 1764180000000;
		ev[i].type = "scan";
		ev[i].entity = "scan:1";
		ev[i].payload = "{\"code\":\"ORD-1\"}";
		ev[i].payload_len = strlen(ev[i].payload);
	}
	return ev;
}

/* ---- the pure parts ------------------------------------------------------------- */

static void classify__table(void **state)
{
	static const struct {
		int rc, status;
		enum sy_verdict v;
	} t[] = {
		{ SY_OK, 200, SY_VERDICT_DONE },          { SY_OK, 204, SY_VERDICT_DONE },
		{ SY_OK, 401, SY_VERDICT_AUTH },          { SY_OK, 403, SY_VERDICT_AUTH },
		{ SY_OK, 413, SY_VERDICT_SHRINK },        { SY_OK, 429, SY_VERDICT_RETRY },
		{ SY_OK, 408, SY_VERDICT_RETRY },         { SY_OK, 409, SY_VERDICT_RETRY },
		{ SY_OK, 500, SY_VERDICT_RETRY },         { SY_OK, 502, SY_VERDICT_RETRY },
		{ SY_OK, 503, SY_VERDICT_RETRY },         { SY_OK, 504, SY_VERDICT_RETRY },
		{ SY_OK, 400, SY_VERDICT_FAIL },          { SY_OK, 404, SY_VERDICT_FAIL },
		{ SY_OK, 422, SY_VERDICT_FAIL },          { SY_OK, 301, SY_VERDICT_FAIL },
		{ SY_ERR_CONNECT, 0, SY_VERDICT_RETRY },  { SY_ERR_TIMEOUT, 0, SY_VERDICT_RETRY },
		{ SY_ERR_IO, 0, SY_VERDICT_RETRY },       { SY_ERR_TLS, 0, SY_VERDICT_FAIL },
		{ SY_ERR_ARG, 0, SY_VERDICT_FAIL },       { SY_ERR_CANCELLED, 0, SY_VERDICT_STOP },
		{ SY_ERR_PROTO, 0, SY_VERDICT_FAIL },     { SY_ERR_NOMEM, 0, SY_VERDICT_FAIL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (sy_client_classify(t[i].rc, t[i].status) != t[i].v)
			fail_msg("row %zu: rc %d status %d", i, t[i].rc, t[i].status);
	}
}

static void backoff__full_jitter_doubles_to_the_cap(void **state)
{
	(void)state;
	/* The top of the window: base * 2^attempt, capped. */
	assert_int_equal(sy_client_backoff_ms(0, 500, 60000, UINT64_MAX, -1, 300),
			 (int64_t)(UINT64_MAX % 501));
	for (unsigned a = 0; a < 12; a++) {
		int64_t window = 500LL << a;

		if (window > 60000)
			window = 60000;
		/* rnd = window gives the window itself, rnd = window + 1 gives 0 */
		assert_int_equal(sy_client_backoff_ms(a, 500, 60000, (uint64_t)window, -1, 300),
				 window);
		assert_int_equal(sy_client_backoff_ms(a, 500, 60000, (uint64_t)window + 1, -1, 300),
				 0);
	}
	/* Huge attempt counts do not overflow. */
	assert_int_equal(sy_client_backoff_ms(1000, 500, 60000, 60000, -1, 300), 60000);
}

static void backoff__retry_after_is_a_clamped_floor(void **state)
{
	(void)state;
	/* The jitter is below the floor: the floor wins. */
	assert_int_equal(sy_client_backoff_ms(0, 500, 60000, 0, 7, 300), 7000);
	/* The jitter above it stays. */
	assert_int_equal(sy_client_backoff_ms(10, 500, 60000, 60000, 7, 300), 60000);
	/* Clamped to 1..max. */
	assert_int_equal(sy_client_backoff_ms(0, 500, 60000, 0, 100000, 300), 300000);
	assert_int_equal(sy_client_backoff_ms(0, 500, 60000, 0, 0, 300), 1000);
}

static void url__only_https_or_loopback_http(void **state)
{
	static const struct {
		const char *url;
		bool ok;
	} t[] = {
		{ "https://central.example", true },     { "HTTPS://central.example/x", true },
		{ "http://127.0.0.1:8080", true },       { "http://[::1]:9/", true },
		{ "http://localhost", true },            { "http://central.example", false },
		{ "http://127.0.0.1.evil.example", false }, { "http://localhost.evil:80", false },
		{ "ftp://127.0.0.1", false },            { "https://", false },
		{ "", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (sy_http_url_allowed(t[i].url) != t[i].ok)
			fail_msg("%s", t[i].url);
	assert_false(sy_http_url_allowed(NULL));
}

static void new__refuses_plain_http_and_bad_tokens(void **state)
{
	struct fake *f = fake_new();
	struct sy_config cfg = { .base_url = "http://central.example", .token = TOKEN,
				 .station = "S" };
	struct sy_client *c = NULL;

	(void)state;
	assert_int_equal(sy_client_new(&cfg, &f->base, &c), SY_ERR_ARG);
	cfg.base_url = "https://central.example";
	cfg.token = "two\r\nX-Injected: yes";
	assert_int_equal(sy_client_new(&cfg, &f->base, &c), SY_ERR_ARG);
	cfg.token = "";
	assert_int_equal(sy_client_new(&cfg, &f->base, &c), SY_ERR_ARG);
	assert_null(c);
	fake_free_all(f);
}

/* ---- push ----------------------------------------------------------------------- */

static void push__all_applied_with_the_bearer_token(void **state)
{
	static const struct step s[] = { { .kind = STEP_ANSWER } };
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_event *ev = events(3);
	struct sy_proto_result res[3];
	size_t done = 99;

	(void)state;
	script(f, s, 1);
	assert_int_equal(sy_client_push(c, ev, 3, res, &done), SY_OK);
	assert_int_equal(done, 3);
	assert_int_equal(f->calls, 1);
	assert_string_equal(f->last_url, "https://central.example/v1/events");
	assert_string_equal(f->last_auth, "Authorization: Bearer " TOKEN);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(res[i].status, SY_PROTO_APPLIED);
		assert_int_equal(res[i].server_seq, 101 + (int64_t)i);
		assert_string_equal(res[i].uuid, ev[i].uuid);
	}
	assert_int_equal(f->sleeps, 0);
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__503_then_200_backs_off_once(void **state)
{
	static const struct step s[] = {
		{ .kind = STEP_STATUS, .status = 503, .retry_after_s = -1,
		  .body = "{\"error\":\"unavailable\",\"detail\":\"database busy\"}" },
		{ .kind = STEP_ANSWER },
	};
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_event *ev = events(2);
	struct sy_proto_result res[2];
	struct sy_client_stats st;
	size_t done = 0;

	(void)state;
	f->rnd = 500; /* the top of the first window */
	script(f, s, 2);
	assert_int_equal(sy_client_push(c, ev, 2, res, &done), SY_OK);
	assert_int_equal(done, 2);
	assert_int_equal(f->calls, 2);
	assert_int_equal(f->sleeps, 1);
	assert_int_equal(f->clock_ms, 500);
	sy_client_stats(c, &st);
	assert_int_equal(st.retries, 1);
	assert_int_equal(st.waited_ms, 500);
	assert_non_null(strstr(f->log, "database busy"));
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__429_waits_retry_after(void **state)
{
	static const struct step s[] = {
		{ .kind = STEP_STATUS, .status = 429, .retry_after_s = 7,
		  .body = "{\"error\":\"rate_limited\",\"detail\":\"slow down\"}" },
		{ .kind = STEP_STATUS, .status = 503, .retry_after_s = 100000, .body = "" },
		{ .kind = STEP_ANSWER },
	};
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_event *ev = events(1);
	struct sy_proto_result res[1];
	size_t done = 0;

	(void)state;
	f->rnd = 0; /* jitter 0: only Retry-After counts */
	script(f, s, 3);
	assert_int_equal(sy_client_push(c, ev, 1, res, &done), SY_OK);
	assert_int_equal(f->calls, 3);
	/* 7 s, then a day clamped to 300 s */
	assert_int_equal(f->clock_ms, 7000 + 300000);
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__401_stops_at_once_without_the_token(void **state)
{
	static const struct step s[] = {
		{ .kind = STEP_STATUS, .status = 401, .retry_after_s = -1,
		  .body = "{\"error\":\"unauthorized\",\"detail\":\"unknown token\"}" },
	};
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_event *ev = events(2);
	struct sy_proto_result res[2];
	size_t done = 99;

	(void)state;
	script(f, s, 1);
	assert_int_equal(sy_client_push(c, ev, 2, res, &done), SY_ERR_AUTH);
	assert_int_equal(done, 0);
	assert_int_equal(f->calls, 1); /* no retry storm */
	assert_int_equal(f->sleeps, 0);
	assert_int_equal(sy_client_http_status(c), 401);
	assert_non_null(strstr(sy_client_errmsg(c), "refused this station's token"));
	assert_non_null(strstr(sy_client_errmsg(c), "unknown token"));
	assert_null(strstr(sy_client_errmsg(c), TOKEN));
	assert_null(strstr(f->log, TOKEN));
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__403_and_400_stop_at_once(void **state)
{
	static const struct step s403[] = { { .kind = STEP_STATUS, .status = 403,
					      .retry_after_s = -1, .body = "" } };
	static const struct step s400[] = { { .kind = STEP_STATUS, .status = 400,
					      .retry_after_s = -1,
					      .body = "{\"error\":\"malformed\",\"detail\":\"x\"}" } };
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_event *ev = events(1);
	struct sy_proto_result res[1];
	size_t done = 0;

	(void)state;
	script(f, s403, 1);
	assert_int_equal(sy_client_push(c, ev, 1, res, &done), SY_ERR_AUTH);
	assert_int_equal(f->calls, 1);
	script(f, s400, 1);
	f->at = 0;
	assert_int_equal(sy_client_push(c, ev, 1, res, &done), SY_ERR_REJECTED);
	assert_int_equal(f->calls, 2);
	assert_int_equal(f->sleeps, 0);
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__413_halves_the_batch(void **state)
{
	static const struct step s[] = { { .kind = STEP_413_ABOVE, .arg = 2 } };
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 8, 8);
	struct sy_proto_event *ev = events(5);
	struct sy_proto_result res[5];
	size_t done = 0;

	(void)state;
	script(f, s, 1);
	assert_int_equal(sy_client_push(c, ev, 5, res, &done), SY_OK);
	assert_int_equal(done, 5);
	/* 5 (413), 2, 2, 1: halving, then the rest */
	assert_int_equal(f->batch_sizes[0], 5);
	assert_int_equal(f->batch_sizes[1], 2);
	assert_int_equal(f->batch_sizes[2], 2);
	assert_int_equal(f->batch_sizes[3], 1);
	assert_int_equal(f->calls, 4);
	assert_int_equal(f->sleeps, 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(res[i].status, SY_PROTO_APPLIED);
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__413_for_one_event_rejects_it_locally(void **state)
{
	static const struct step s[] = { { .kind = STEP_413_ABOVE, .arg = 0 } };
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 2, 8);
	struct sy_proto_event *ev = events(1);
	struct sy_proto_result res[1];
	size_t done = 0;

	(void)state;
	script(f, s, 1);
	assert_int_equal(sy_client_push(c, ev, 1, res, &done), SY_OK);
	assert_int_equal(done, 1);
	assert_int_equal(res[0].status, SY_PROTO_REJECTED);
	assert_non_null(strstr(res[0].reason, "too large"));
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__malformed_truncated_and_mismatched_replies_are_retried(void **state)
{
	static const struct step s[] = {
		{ .kind = STEP_STATUS, .status = 200, .retry_after_s = -1, .body = "<html>oops" },
		{ .kind = STEP_TRUNCATE },
		{ .kind = STEP_WRONG_UUID },
		{ .kind = STEP_STATUS, .status = 200, .retry_after_s = -1, .body = "" },
		{ .kind = STEP_ANSWER },
	};
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_event *ev = events(3);
	struct sy_proto_result res[3];
	size_t done = 0;

	(void)state;
	script(f, s, 5);
	assert_int_equal(sy_client_push(c, ev, 3, res, &done), SY_OK);
	assert_int_equal(done, 3);
	assert_int_equal(f->calls, 5);
	assert_int_equal(f->sleeps, 4);
	assert_non_null(strstr(f->log, "malformed reply"));
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__transport_errors_give_up_after_max_attempts(void **state)
{
	static const struct step s[] = {
		{ .kind = STEP_TRANSPORT, .rc = SY_ERR_CONNECT },
		{ .kind = STEP_TRANSPORT, .rc = SY_ERR_TIMEOUT },
		{ .kind = STEP_TRANSPORT, .rc = SY_ERR_IO },
	};
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 4);
	struct sy_proto_event *ev = events(2);
	struct sy_proto_result res[2];
	size_t done = 99;
	int64_t max_wait = 500 + 1000 + 2000; /* three windows, at their top */

	(void)state;
	f->rnd = UINT64_MAX;
	script(f, s, 3);
	assert_int_equal(sy_client_push(c, ev, 2, res, &done), SY_ERR_IO);
	assert_int_equal(done, 0);
	assert_int_equal(f->calls, 4);
	assert_int_equal(f->sleeps, 3);
	assert_true(f->clock_ms <= max_wait);
	assert_non_null(strstr(sy_client_errmsg(c), "giving up after 4 attempts"));
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__an_unsendable_event_is_rejected_locally(void **state)
{
	static const struct step s[] = { { .kind = STEP_ANSWER } };
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_event *ev = events(3);
	struct sy_proto_result res[3];
	size_t done = 0;

	(void)state;
	ev[1].type = "Not A Type!";
	script(f, s, 1);
	assert_int_equal(sy_client_push(c, ev, 3, res, &done), SY_OK);
	assert_int_equal(done, 3);
	assert_int_equal(res[0].status, SY_PROTO_APPLIED);
	assert_int_equal(res[1].status, SY_PROTO_REJECTED);
	assert_non_null(strstr(res[1].reason, "not sent"));
	assert_int_equal(res[2].status, SY_PROTO_APPLIED);
	assert_int_equal(f->calls, 2); /* [0], then [2] */
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

static void push__a_raised_stop_flag_ends_it(void **state)
{
	static const struct step s[] = { { .kind = STEP_TRANSPORT, .rc = SY_ERR_IO } };
	static volatile sig_atomic_t stop = 1;
	struct fake *f = fake_new();
	struct sy_config cfg = { .base_url = "https://c.example", .token = TOKEN, .station = "S",
				 .sleep_ms = fake_sleep, .random = fake_random, .clock_ud = f,
				 .stop = &stop };
	struct sy_client *c = NULL;
	struct sy_proto_event *ev = events(1);
	struct sy_proto_result res[1];
	size_t done = 0;

	(void)state;
	script(f, s, 1);
	assert_int_equal(sy_client_new(&cfg, &f->base, &c), SY_OK);
	assert_int_equal(sy_client_push(c, ev, 1, res, &done), SY_ERR_CANCELLED);
	assert_int_equal(f->calls, 0);
	free(ev);
	sy_client_free(c);
	fake_free_all(f);
}

/* ---- pull ---------------------------------------------------------------------- */

static void pull__cursor_in_the_url_and_page_decoded(void **state)
{
	static const struct step s[] = {
		{ .kind = STEP_STATUS, .status = 502, .retry_after_s = -1, .body = "bad gateway" },
		{ .kind = STEP_STATUS, .status = 200, .retry_after_s = -1,
		  .body = "{\"items\":[{\"kind\":\"cancellation\",\"key\":\"ORD-1\",\"seq\":18,"
			  "\"data\":{\"order\":\"ORD-1\"}}],\"next_cursor\":\"czoxOA\","
			  "\"more\":false}" },
	};
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_feed page = SY_PROTO_FEED_INIT;

	(void)state;
	script(f, s, 2);
	assert_int_equal(sy_client_pull(c, "czoxNw", &page), SY_OK);
	assert_string_equal(f->last_url, "https://central.example/v1/feed?limit=500&cursor=czoxNw");
	assert_int_equal(page.n, 1);
	assert_string_equal(page.items[0].kind, "cancellation");
	assert_string_equal(page.next_cursor, "czoxOA");
	assert_false(page.more);
	assert_int_equal(f->sleeps, 1);
	sy_proto_feed_fini(&page);
	/* A stored cursor that is not one is refused before any request. */
	assert_int_equal(sy_client_pull(c, "a b&c", &page), SY_ERR_ARG);
	assert_int_equal(f->calls, 2);
	sy_client_free(c);
	fake_free_all(f);
}

static void health__one_try_without_the_token(void **state)
{
	static const struct step ok[] = {
		{ .kind = STEP_STATUS, .status = 200, .retry_after_s = -1,
		  .body = "{\"status\":\"ok\",\"version\":\"0.1.0\",\"db\":\"sqlite\"}" },
	};
	static const struct step down[] = {
		{ .kind = STEP_TRANSPORT, .rc = SY_ERR_CONNECT },
	};
	struct fake *f = fake_new();
	struct sy_client *c = client_for(f, 500, 8);
	struct sy_proto_health h;

	(void)state;
	script(f, ok, 1);
	assert_int_equal(sy_client_health(c, &h), SY_OK);
	assert_string_equal(h.status, "ok");
	assert_string_equal(h.db, "sqlite");
	assert_string_equal(f->last_url, "https://central.example/v1/health");
	assert_string_equal(f->last_auth, ""); /* health needs no token */
	script(f, down, 1);
	f->at = 0;
	assert_int_equal(sy_client_health(c, &h), SY_ERR_CONNECT);
	assert_int_equal(f->calls, 2); /* no retry */
	assert_int_equal(f->sleeps, 0);
	sy_client_free(c);
	fake_free_all(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify__table),
		cmocka_unit_test(backoff__full_jitter_doubles_to_the_cap),
		cmocka_unit_test(backoff__retry_after_is_a_clamped_floor),
		cmocka_unit_test(url__only_https_or_loopback_http),
		cmocka_unit_test(new__refuses_plain_http_and_bad_tokens),
		cmocka_unit_test(push__all_applied_with_the_bearer_token),
		cmocka_unit_test(push__503_then_200_backs_off_once),
		cmocka_unit_test(push__429_waits_retry_after),
		cmocka_unit_test(push__401_stops_at_once_without_the_token),
		cmocka_unit_test(push__403_and_400_stop_at_once),
		cmocka_unit_test(push__413_halves_the_batch),
		cmocka_unit_test(push__413_for_one_event_rejects_it_locally),
		cmocka_unit_test(push__malformed_truncated_and_mismatched_replies_are_retried),
		cmocka_unit_test(push__transport_errors_give_up_after_max_attempts),
		cmocka_unit_test(push__an_unsendable_event_is_rejected_locally),
		cmocka_unit_test(push__a_raised_stop_flag_ends_it),
		cmocka_unit_test(pull__cursor_in_the_url_and_page_decoded),
		cmocka_unit_test(health__one_try_without_the_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
