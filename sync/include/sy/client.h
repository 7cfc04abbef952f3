/* sync: the station's client of the central store (docs/sync-protocol.md).
 *
 * Pushes batches of outbox events and pulls feed pages, over a transport
 * (sy/http.h; libcurl unless a test gives its own).  Every request is
 * classified (docs/sync-protocol.md "Errors"): 2xx done; 401/403 stop at
 * once (no retry storm); 413 halves a push batch; 408, 409, 425, 429, 5xx,
 * transport errors, timeouts and truncated or malformed JSON are retried
 * with full-jitter exponential backoff, Retry-After a floor (clamped); 400
 * and other 4xx stop.  Time, sleeping and randomness come from the config,
 * so tests drive the backoff with a fake clock and no real waiting.
 *
 * The client knows nothing of the station's database: the caller reads the
 * outbox, hands events in, and stores what comes back.
 *
 * Threading: one thread per struct sy_client.
 */
#ifndef QC_SYNC_CLIENT_H
#define QC_SYNC_CLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sy/http.h"
#include "sy/proto.h"

struct sy_client; /* opaque */

/* Wait ms milliseconds (may return early once *stop is raised). */
typedef void sy_sleep_fn(int64_t ms, void *ud);
/* 64 random bits (need not be cryptographic). */
typedef uint64_t sy_random_fn(void *ud);

#define SY_CLIENT_BATCH_DEFAULT 500
#define SY_CLIENT_ATTEMPTS_DEFAULT 8
#define SY_CLIENT_BACKOFF_BASE_MS 500
#define SY_CLIENT_BACKOFF_CAP_MS 60000
#define SY_CLIENT_RETRY_AFTER_MAX_S 300

struct sy_config {
	const char *base_url;   /* "https://central.example" (copied); /v1/... is appended */
	const char *token;      /* the station's bearer token (copied; never logged) */
	const char *station;    /* the station's name at the central store (copied) */
	unsigned batch_max;     /* events per push request, 1..SY_PROTO_MAX_EVENTS; 0 = 500 */
	unsigned page_limit;    /* items per pull page, 1..SY_PROTO_MAX_FEED_LIMIT; 0 = 500 */
	unsigned max_attempts;  /* tries of one request before giving up; 0 = 8 */
	int backoff_base_ms;    /* 0 = 500 */
	int backoff_cap_ms;     /* 0 = 60000 */
	int retry_after_max_s;  /* Retry-After is clamped to 1..this; 0 = 300 */
	struct sy_http_config http; /* for the libcurl transport sy_client_new() makes */
	sy_sleep_fn *sleep_ms;  /* NULL = nanosleep in slices, watching stop */
	sy_random_fn *random;   /* NULL = a generator seeded from getrandom() */
	void *clock_ud;         /* for sleep_ms and random */
	const volatile sig_atomic_t *stop; /* raised: give up at the next chance */
	sy_log_fn *log;         /* NULL = silent */
	void *log_ud;
};

/* What a client did so far (for summaries and benchmarks). */
struct sy_client_stats {
	uint64_t requests;      /* HTTP requests attempted */
	uint64_t retries;       /* of which were retries after a failure */
	uint64_t bytes_up;      /* request bodies sent */
	uint64_t bytes_down;    /* response bodies received (decompressed) */
	int64_t waited_ms;      /* time spent backing off */
};

/* Create a client.  http is borrowed and must outlive the client; NULL
 * makes a libcurl transport from cfg->http (owned by the client).
 * SY_ERR_ARG: no base_url, token or station, or a URL that is neither
 * https nor http to a loopback host ("token" is never in a message).
 * SY_ERR_NOMEM, SY_ERR_BUG (libcurl).  On success *out owns the client. */
int sy_client_new(const struct sy_config *cfg, struct sy_http *http, struct sy_client **out);
void sy_client_free(struct sy_client *c); /* NULL is a no-op */

/* Push ev[0..n) in order, in requests of at most batch_max events (halved
 * on 413, down to 1), retrying what is worth retrying.  res[0..n) receives
 * one result per event, in ev's order; *done (never NULL) is how many of
 * them are filled, also on failure (acknowledge those, then stop).  An
 * event the encoder refuses (bad uuid, type, payload too large) or that the
 * server refuses alone with 413 is answered locally as rejected, with the
 * reason, without being sent.  Returns SY_OK when all n are done; else
 * SY_ERR_AUTH, SY_ERR_REJECTED, SY_ERR_TLS, SY_ERR_ARG (no retry);
 * SY_ERR_CONNECT, SY_ERR_TIMEOUT, SY_ERR_IO, SY_ERR_HTTP, SY_ERR_PROTO
 * (retries exhausted); SY_ERR_CANCELLED; SY_ERR_NOMEM.  sy_client_errmsg()
 * then says what happened. */
int sy_client_push(struct sy_client *c, const struct sy_proto_event *ev, size_t n,
		   struct sy_proto_result *res, size_t *done);

/* sy_client_push() of ev[0..n) that the caller has encoded already as one
 * request, body[0..len) (sy_proto_batch_encode() with this client's
 * station, n <= batch_max): so that the encoding can be done on another
 * thread while the previous request is on the wire.  Same results, errors
 * and retries; on a 413 it falls back to sy_client_push(), which encodes
 * again in smaller requests. */
int sy_client_push_encoded(struct sy_client *c, const char *body, size_t len,
			   const struct sy_proto_event *ev, size_t n, struct sy_proto_result *res,
			   size_t *done);

/* Pull one feed page after cursor (NULL or "" = from the beginning) into
 * *page (zeroed or SY_PROTO_FEED_INIT; release with sy_proto_feed_fini()).
 * Retries as sy_client_push() does; same errors.  *page is filled only on
 * success. */
int sy_client_pull(struct sy_client *c, const char *cursor, struct sy_proto_feed *page);

/* GET /v1/health once, no retry (to tell "unreachable" from "refused").
 * SY_OK when the server answered 200. */
int sy_client_health(struct sy_client *c, struct sy_proto_health *out);

/* Detail of the last failure, "" when none; never holds the token. */
const char *sy_client_errmsg(const struct sy_client *c);
/* HTTP status of the last response, 0 when none came. */
int sy_client_http_status(const struct sy_client *c);
void sy_client_stats(const struct sy_client *c, struct sy_client_stats *out);

/* ---- pure parts, for tests ------------------------------------------------- */

/* What to do after one attempt: transport_rc is what the transport returned
 * (SY_OK when a response came), status its HTTP status. */
enum sy_verdict {
	SY_VERDICT_DONE = 0,    /* 2xx: decode the body */
	SY_VERDICT_RETRY,       /* back off and try again */
	SY_VERDICT_AUTH,        /* 401, 403: stop at once */
	SY_VERDICT_SHRINK,      /* 413: send fewer events */
	SY_VERDICT_FAIL,        /* 400, other 4xx, TLS, refused URL: stop */
	SY_VERDICT_STOP,        /* cancelled */
};
enum sy_verdict sy_client_classify(int transport_rc, int status);

/* The wait before retry number attempt (0 for the first retry): full
 * jitter, rnd % (min(cap_ms, base_ms * 2^attempt) + 1), and at least
 * retry_after_s seconds when that is >= 0 (clamped to 1..retry_after_max_s).
 * Never negative, never above max(cap_ms, retry_after_max_s * 1000). */
int64_t sy_client_backoff_ms(unsigned attempt, int base_ms, int cap_ms, uint64_t rnd,
			     int retry_after_s, int retry_after_max_s);

#endif
