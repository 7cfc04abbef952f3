/* sync/client: push and pull with classification, retries and backoff.
 *
 * One request is one call of request(): perform, classify
 * (sy_client_classify()), decode the body of a 2xx, and on a retryable
 * failure wait sy_client_backoff_ms() and go again, up to max_attempts.  A
 * 2xx whose body does not decode counts as a retryable failure: a reply
 * truncated by a proxy or a dying server must not be taken for an answer.
 *
 * Not for: the station's database (station/store/store_sync.c), deciding
 * when to sync (station/cli/cmd_sync.c), libcurl (http_curl.c).
 */
#include "sy/client.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>

#include "sy/err.h"
#include "client-int.h"

#define LOG_PREFIX "sync"
#define URL_MAX 2048
#define SLEEP_SLICE_MS 50

struct sy_client {
	struct sy_config cfg;       /* strings below, not the caller's */
	char *base_url, *station;
	char *auth;                 /* "Authorization: Bearer <token>": never logged */
	struct sy_http *http;
	bool own_http;
	uint64_t rnd_state;         /* the default random source */
	int last_status;
	bool shrink;                /* the last request ended in 413 */
	struct sy_client_stats stats;
	char errmsg[512];
	char url[URL_MAX];
};

/* ---- logging, errors ------------------------------------------------------ */

static void cl_log(struct sy_client *c, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void sy_client_logv(sy_log_fn *log, void *ud, int level, const char *prefix, const char *fmt,
		    va_list ap)
{
	char line[640];
	int n;

	if (!log)
		return;
	n = snprintf(line, sizeof(line), "%s: ", prefix);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	log(level, line, ud);
}

static void cl_log(struct sy_client *c, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sy_client_logv(c->cfg.log, c->cfg.log_ud, level, LOG_PREFIX, fmt, ap);
	va_end(ap);
}

static int set_err(struct sy_client *c, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_err(struct sy_client *c, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- pure parts ------------------------------------------------------------- */

enum sy_verdict sy_client_classify(int transport_rc, int status)
{
	switch (transport_rc) {
	case SY_OK:
		break;
	case SY_ERR_CONNECT:
	case SY_ERR_TIMEOUT:
	case SY_ERR_IO:
		return SY_VERDICT_RETRY;
	case SY_ERR_CANCELLED:
		return SY_VERDICT_STOP;
	default: /* TLS, a refused URL, a reply too large, out of memory */
		return SY_VERDICT_FAIL;
	}
	if (status >= 200 && status <= 299)
		return SY_VERDICT_DONE;
	if (status == 401 || status == 403)
		return SY_VERDICT_AUTH;
	if (status == 413)
		return SY_VERDICT_SHRINK;
	/* 408 request timeout, 409 in flight, 425 too early, 429 rate limited */
	if (status == 408 || status == 409 || status == 425 || status == 429)
		return SY_VERDICT_RETRY;
	if (status >= 500 && status <= 599)
		return SY_VERDICT_RETRY;
	return SY_VERDICT_FAIL; /* 400, other 4xx, and 1xx/3xx we never asked for */
}

int64_t sy_client_backoff_ms(unsigned attempt, int base_ms, int cap_ms, uint64_t rnd,
			     int retry_after_s, int retry_after_max_s)
{
	int64_t window = base_ms > 0 ? base_ms : 1;
	int64_t cap = cap_ms > 0 ? cap_ms : 1;
	int64_t d, floor_ms;

	for (unsigned i = 0; i < attempt && window < cap; i++)
		window *= 2;
	if (window > cap)
		window = cap;
	d = (int64_t)(rnd % (uint64_t)(window + 1));
	if (retry_after_s >= 0) {
		int64_t ra = retry_after_s;

		if (ra < 1)
			ra = 1;
		if (retry_after_max_s > 0 && ra > retry_after_max_s)
			ra = retry_after_max_s;
		floor_ms = ra * 1000;
		if (d < floor_ms)
			d = floor_ms;
	}
	return d;
}

/* The host part after "http://" must be a loopback name, then ':', '/',
 * '?' or the end. */
static bool loopback_host(const char *h)
{
	static const char *const names[] = { "127.0.0.1", "[::1]", "localhost", NULL };

	for (size_t i = 0; names[i]; i++) {
		size_t n = strlen(names[i]);

		if (strncasecmp(h, names[i], n) == 0 &&
		    (h[n] == '\0' || h[n] == ':' || h[n] == '/' || h[n] == '?'))
			return true;
	}
	return false;
}

bool sy_http_url_allowed(const char *url)
{
	if (!url)
		return false;
	if (strncasecmp(url, "https://", 8) == 0)
		return url[8] != '\0' && url[8] != '/';
	if (strncasecmp(url, "http://", 7) == 0)
		return loopback_host(url + 7);
	return false;
}

/* ---- defaults for time and chance ----------------------------------------- */

static int64_t real_now_ms(void *ud)
{
	struct timespec ts;

	(void)ud;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: jitter needs spread, not secrecy. */
static uint64_t real_random(void *ud)
{
	struct sy_client *c = ud;
	uint64_t x = c->rnd_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rnd_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t rnd(struct sy_client *c)
{
	return c->cfg.random ? c->cfg.random(c->cfg.clock_ud) : real_random(c);
}

static bool stopped(const struct sy_client *c)
{
	return c->cfg.stop && *c->cfg.stop;
}

/* Wait ms, in slices so that a raised stop flag ends the wait soon. */
static void wait_ms(struct sy_client *c, int64_t ms)
{
	int64_t end;

	c->stats.waited_ms += ms;
	if (c->cfg.sleep_ms) {
		c->cfg.sleep_ms(ms, c->cfg.clock_ud);
		return;
	}
	end = real_now_ms(NULL) + ms;
	for (;;) {
		int64_t left = end - real_now_ms(NULL);
		struct timespec ts;

		if (left <= 0 || stopped(c))
			return;
		if (left > SLEEP_SLICE_MS)
			left = SLEEP_SLICE_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/* ---- one request, with retries -------------------------------------------- */

/* Decode a 2xx body; SY_ERR_PROTO (retry) or SY_ERR_NOMEM, with c->errmsg. */
typedef int decode_fn(struct sy_client *c, const struct sy_http_resp *resp, void *ud);

/* "HTTP 503 (unavailable: database busy)" from an error body, if it has one. */
static void describe_status(const struct sy_http_resp *resp, char *buf, size_t cap)
{
	struct sy_proto_error e;
	struct sy_proto_err perr;

	if (resp->len && sy_proto_error_decode(resp->body, resp->len, &e, &perr) == SY_OK)
		snprintf(buf, cap, "HTTP %d (%s: %s)", resp->status, e.error, e.detail);
	else
		snprintf(buf, cap, "HTTP %d", resp->status);
}

static int request(struct sy_client *c, const struct sy_http_req *req, decode_fn *decode,
		   void *ud)
{
	struct sy_http_resp resp;
	char what[400];
	int rc;

	c->shrink = false;
	for (unsigned attempt = 0;; attempt++) {
		enum sy_verdict v;
		int64_t delay;

		if (stopped(c))
			return set_err(c, SY_ERR_CANCELLED, "stopped");
		if (attempt)
			c->stats.retries++;
		c->stats.requests++;
		rc = sy_http_perform(c->http, req, &resp);
		c->last_status = rc == SY_OK ? resp.status : 0;
		if (rc == SY_OK) {
			c->stats.bytes_up += resp.bytes_up;
			c->stats.bytes_down += resp.len;
		}
		v = sy_client_classify(rc, c->last_status);
		/* An error body says why; a 2xx body is the answer itself (a
		 * results document of up to 1000 entries, on the path of every
		 * push): not parsed again as an error document. */
		if (rc == SY_OK && v == SY_VERDICT_DONE)
			snprintf(what, sizeof(what), "HTTP %d", resp.status);
		else if (rc == SY_OK)
			describe_status(&resp, what, sizeof(what));
		else
			snprintf(what, sizeof(what), "%s (%s)", sy_strerror(rc),
				 c->http->ops->errmsg(c->http));
		if (v == SY_VERDICT_DONE) {
			rc = decode(c, &resp, ud);
			if (rc == SY_OK) {
				c->errmsg[0] = '\0';
				return SY_OK;
			}
			if (rc != SY_ERR_PROTO)
				return rc;
			snprintf(what, sizeof(what), "malformed reply (%.300s)", c->errmsg);
			v = SY_VERDICT_RETRY;
		}
		switch (v) {
		case SY_VERDICT_AUTH:
			/* The caller reports the failure (once); here only a trace. */
			cl_log(c, LOG_DEBUG, "%s %s: token refused: %s", req->method, req->url, what);
			return set_err(c, SY_ERR_AUTH,
				       "the central store refused this station's token: %s", what);
		case SY_VERDICT_SHRINK:
			c->shrink = true;
			return set_err(c, SY_ERR_HTTP, "request too large: %s", what);
		case SY_VERDICT_FAIL:
			cl_log(c, LOG_DEBUG, "%s %s: %s", req->method, req->url, what);
			return set_err(c, rc < 0 ? rc : SY_ERR_REJECTED, "%s", what);
		case SY_VERDICT_STOP:
			return set_err(c, SY_ERR_CANCELLED, "stopped");
		default:
			break;
		}
		if (rc == SY_OK)
			rc = SY_ERR_HTTP; /* a status worth retrying */
		if (attempt + 1 >= c->cfg.max_attempts) {
			cl_log(c, LOG_DEBUG, "%s %s: giving up after %u attempts: %s", req->method,
			     req->url, attempt + 1, what);
			return set_err(c, rc, "giving up after %u attempts: %s", attempt + 1, what);
		}
		delay = sy_client_backoff_ms(attempt, c->cfg.backoff_base_ms, c->cfg.backoff_cap_ms,
					     rnd(c),
					     c->last_status ? resp.retry_after_s : -1,
					     c->cfg.retry_after_max_s);
		cl_log(c, LOG_WARNING, "%s %s: %s; retry %u in %lld ms", req->method, req->url, what,
		     attempt + 1, (long long)delay);
		wait_ms(c, delay);
	}
}

/* ---- push ---------------------------------------------------------------------- */

struct push_ctx {
	const struct sy_proto_event *ev;
	size_t n;
	struct sy_proto_result *res; /* n */
};

static int decode_results(struct sy_client *c, const struct sy_http_resp *resp, void *ud)
{
	struct push_ctx *p = ud;
	struct sy_proto_result *r = NULL;
	struct sy_proto_err perr = { 0 };
	size_t nr = 0;
	int rc;

	rc = sy_proto_results_decode(resp->body, resp->len, &r, &nr, &perr);
	if (rc == SY_OK)
		rc = sy_proto_results_match(r, nr, p->ev, p->n, &perr);
	if (rc == SY_OK) {
		memcpy(p->res, r, p->n * sizeof(*r));
	} else if (rc != SY_ERR_NOMEM) {
		set_err(c, SY_ERR_PROTO, "%s", perr.detail);
		rc = SY_ERR_PROTO;
	}
	free(r);
	return rc;
}

static void reject_locally(struct sy_proto_result *r, const struct sy_proto_event *ev,
			   const char *why)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->uuid, sizeof(r->uuid), "%s", ev->uuid);
	r->status = SY_PROTO_REJECTED;
	snprintf(r->reason, sizeof(r->reason), "not sent: %.140s", why);
}

int sy_client_push(struct sy_client *c, const struct sy_proto_event *ev, size_t n,
		   struct sy_proto_result *res, size_t *done)
{
	const char *headers[2] = { c->auth, NULL };
	struct sy_http_req req = { .method = "POST", .headers = headers };
	size_t at = 0, k = c->cfg.batch_max;
	int rc = SY_OK;

	assert(c && done && (ev || n == 0) && (res || n == 0));
	*done = 0;
	snprintf(c->url, sizeof(c->url), "%s/v1/events", c->base_url);
	req.url = c->url;
	while (at < n) {
		struct sy_proto_err perr = { 0 };
		struct push_ctx p;
		char *body = NULL;
		size_t len = 0;

		if (k > n - at)
			k = n - at;
		rc = sy_proto_batch_encode(c->station, ev + at, k, &body, &len, &perr);
		if (rc == SY_ERR_ARG && perr.index >= 0 && (size_t)perr.index < k) {
			if (perr.index == 0) { /* this one cannot be sent at all */
				cl_log(c, LOG_WARNING, "event %s: %s", ev[at].uuid, perr.detail);
				reject_locally(&res[at], &ev[at], perr.detail);
				*done = ++at;
				continue;
			}
			k = (size_t)perr.index; /* send the good ones before it */
			continue;
		}
		if (rc < 0)
			return set_err(c, rc, "encoding a batch: %s", perr.detail);
		req.body = body;
		req.body_len = len;
		p.ev = ev + at;
		p.n = k;
		p.res = res + at;
		rc = request(c, &req, decode_results, &p);
		free(body);
		if (rc == SY_ERR_HTTP && c->shrink) {
			if (k == 1) { /* the server takes no request this event is in */
				reject_locally(&res[at], &ev[at], "too large for the central store");
				*done = ++at;
				k = c->cfg.batch_max;
				continue;
			}
			k /= 2;
			cl_log(c, LOG_NOTICE, "batch too large; sending %zu events at a time", k);
			continue;
		}
		if (rc < 0)
			return rc;
		at += k;
		*done = at;
	}
	return SY_OK;
}

int sy_client_push_encoded(struct sy_client *c, const char *body, size_t len,
			   const struct sy_proto_event *ev, size_t n, struct sy_proto_result *res,
			   size_t *done)
{
	const char *headers[2] = { c->auth, NULL };
	struct sy_http_req req = { .method = "POST", .headers = headers };
	struct push_ctx p = { ev, n, res };
	int rc;

	assert(c && done && body && (ev || n == 0) && (res || n == 0));
	*done = 0;
	if (n == 0)
		return SY_OK;
	if (n > c->cfg.batch_max)
		return sy_client_push(c, ev, n, res, done);
	snprintf(c->url, sizeof(c->url), "%s/v1/events", c->base_url);
	req.url = c->url;
	req.body = body;
	req.body_len = len;
	rc = request(c, &req, decode_results, &p);
	if (rc == SY_ERR_HTTP && c->shrink)
		return sy_client_push(c, ev, n, res, done);
	if (rc < 0)
		return rc;
	*done = n;
	return SY_OK;
}

/* ---- pull ------------------------------------------------------------------------- */

static int decode_feed(struct sy_client *c, const struct sy_http_resp *resp, void *ud)
{
	struct sy_proto_feed *page = ud;
	struct sy_proto_err perr = { 0 };
	int rc;

	rc = sy_proto_feed_decode(resp->body, resp->len, page, &perr);
	if (rc < 0 && rc != SY_ERR_NOMEM) {
		set_err(c, SY_ERR_PROTO, "%s", perr.detail);
		rc = SY_ERR_PROTO;
	}
	return rc;
}

int sy_client_pull(struct sy_client *c, const char *cursor, struct sy_proto_feed *page)
{
	const char *headers[2] = { c->auth, NULL };
	struct sy_http_req req = { .method = "GET", .headers = headers };
	struct sy_proto_feed tmp = SY_PROTO_FEED_INIT;
	int rc;

	assert(c && page);
	if (cursor && *cursor && !sy_proto_cursor_valid(cursor, strlen(cursor)))
		return set_err(c, SY_ERR_ARG, "the stored pull cursor is not valid");
	snprintf(c->url, sizeof(c->url), "%s/v1/feed?limit=%u%s%s", c->base_url,
		 c->cfg.page_limit, cursor && *cursor ? "&cursor=" : "",
		 cursor && *cursor ? cursor : "");
	req.url = c->url;
	rc = request(c, &req, decode_feed, &tmp);
	if (rc == SY_OK)
		*page = tmp;
	return rc;
}

/* ---- health ------------------------------------------------------------------------- */

static int decode_health(struct sy_client *c, const struct sy_http_resp *resp, void *ud)
{
	struct sy_proto_err perr = { 0 };

	if (sy_proto_health_decode(resp->body, resp->len, ud, &perr) < 0)
		return set_err(c, SY_ERR_PROTO, "%s", perr.detail);
	return SY_OK;
}

int sy_client_health(struct sy_client *c, struct sy_proto_health *out)
{
	struct sy_http_req req = { .method = "GET" };
	unsigned attempts = c->cfg.max_attempts;
	int rc;

	snprintf(c->url, sizeof(c->url), "%s/v1/health", c->base_url);
	req.url = c->url;
	c->cfg.max_attempts = 1;
	rc = request(c, &req, decode_health, out);
	c->cfg.max_attempts = attempts;
	return rc;
}

/* ---- life ---------------------------------------------------------------------------- */

const char *sy_client_errmsg(const struct sy_client *c)
{
	return c ? c->errmsg : "no client";
}

int sy_client_http_status(const struct sy_client *c)
{
	return c ? c->last_status : 0;
}

void sy_client_stats(const struct sy_client *c, struct sy_client_stats *out)
{
	*out = c->stats;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

int sy_client_new(const struct sy_config *cfg, struct sy_http *http, struct sy_client **out)
{
	struct sy_client *c = NULL;
	size_t n;
	int rc = SY_OK;

	assert(cfg && out);
	if (!cfg->base_url || !*cfg->base_url)
		return SY_ERR_ARG;
	if (!cfg->token || !*cfg->token || !cfg->station || !*cfg->station)
		return SY_ERR_ARG;
	if (!sy_http_url_allowed(cfg->base_url) || strlen(cfg->base_url) > URL_MAX / 2)
		return SY_ERR_ARG;
	/* A token is one line of visible ASCII: anything else would let it
	 * reach the request as a second header. */
	for (const char *t = cfg->token; *t; t++)
		if (*t <= ' ' || *t > '~')
			return SY_ERR_ARG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return SY_ERR_NOMEM;
	c->cfg = *cfg;
	c->cfg.base_url = c->cfg.token = c->cfg.station = NULL;
	c->cfg.http.ca_file = NULL;
	if (!c->cfg.batch_max || c->cfg.batch_max > SY_PROTO_MAX_EVENTS)
		c->cfg.batch_max = SY_CLIENT_BATCH_DEFAULT;
	if (!c->cfg.page_limit || c->cfg.page_limit > SY_PROTO_MAX_FEED_LIMIT)
		c->cfg.page_limit = SY_PROTO_DEFAULT_FEED_LIMIT;
	if (!c->cfg.max_attempts)
		c->cfg.max_attempts = SY_CLIENT_ATTEMPTS_DEFAULT;
	if (c->cfg.backoff_base_ms <= 0)
		c->cfg.backoff_base_ms = SY_CLIENT_BACKOFF_BASE_MS;
	if (c->cfg.backoff_cap_ms <= 0)
		c->cfg.backoff_cap_ms = SY_CLIENT_BACKOFF_CAP_MS;
	if (c->cfg.retry_after_max_s <= 0)
		c->cfg.retry_after_max_s = SY_CLIENT_RETRY_AFTER_MAX_S;
	if (getrandom(&c->rnd_state, sizeof(c->rnd_state), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(c->rnd_state) ||
	    !c->rnd_state)
		c->rnd_state = (uint64_t)real_now_ms(NULL) | 1;

	c->base_url = dup_str(cfg->base_url);
	c->station = dup_str(cfg->station);
	n = strlen(cfg->token) + sizeof("Authorization: Bearer ");
	c->auth = malloc(n);
	if (!c->base_url || !c->station || !c->auth) {
		rc = SY_ERR_NOMEM;
		goto fail;
	}
	snprintf(c->auth, n, "Authorization: Bearer %s", cfg->token);
	n = strlen(c->base_url);
	while (n > 0 && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	if (http) {
		c->http = http;
	} else {
		struct sy_http_config hc = cfg->http;

		if (!hc.stop)
			hc.stop = cfg->stop;
		if (!hc.log) {
			hc.log = cfg->log;
			hc.log_ud = cfg->log_ud;
		}
		rc = sy_http_curl_new(&hc, &c->http);
		if (rc < 0)
			goto fail;
		c->own_http = true;
	}
	*out = c;
	return SY_OK;
fail:
	sy_client_free(c);
	return rc;
}

void sy_client_free(struct sy_client *c)
{
	if (!c)
		return;
	if (c->own_http)
		sy_http_free(c->http);
	if (c->auth) { /* the token does not outlive the client in the heap */
		volatile char *p = c->auth;

		for (size_t i = 0; p[i]; i++)
			p[i] = 0;
	}
	free(c->auth);
	free(c->station);
	free(c->base_url);
	free(c);
}
