/* sync: the HTTP transport of the sync client, behind a small vtable.
 *
 * The client (sy/client.h) speaks to the central store only through struct
 * sy_http, so tests can put a fake in its place and the one file that knows
 * libcurl (sync/client/http_curl.c) stays small.  A transport performs one
 * request at a time and reports what happened at the HTTP level: it never
 * retries, never sleeps, and never judges a status code (that is the
 * client's job, docs/sync-protocol.md "Errors").
 *
 * Threading: one thread per struct sy_http.
 */
#ifndef QC_SYNC_HTTP_H
#define QC_SYNC_HTTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sy_http;

/* <syslog.h> level, one line without newline; never a token or a body. */
typedef void sy_log_fn(int level, const char *msg, void *ud);

/* One request.  All pointers are borrowed for the call. */
struct sy_http_req {
	const char *method;          /* "GET" or "POST" */
	const char *url;             /* absolute URL */
	const char *const *headers;  /* "Name: value" strings, NULL-terminated; may be NULL */
	const void *body;            /* POST body (may be NULL when body_len is 0) */
	size_t body_len;
};

/* What came back.  body is owned by the transport and valid until its next
 * perform or its free; it is NUL-terminated (len excludes the NUL) and
 * already decompressed when the server sent it gzip-encoded. */
struct sy_http_resp {
	int status;          /* HTTP status code */
	int retry_after_s;   /* Retry-After in seconds (an HTTP-date converted), -1 when absent */
	const char *body;
	size_t len;
	uint64_t bytes_up;   /* request bytes sent on the wire (body, after any gzip) */
};

struct sy_http_ops {
	/* Perform req.  SY_OK when a whole HTTP response arrived, whatever its
	 * status (*resp filled).  Else: SY_ERR_CONNECT (refused, unreachable,
	 * name not found), SY_ERR_TIMEOUT (connect or total timeout, or the
	 * transfer stalled below the low-speed limit), SY_ERR_IO (reset,
	 * truncated, a broken reply), SY_ERR_TLS, SY_ERR_PROTO (the body is
	 * larger than allowed), SY_ERR_CANCELLED (the stop flag was raised),
	 * SY_ERR_ARG (a URL the transport refuses), SY_ERR_NOMEM. */
	int (*perform)(struct sy_http *h, const struct sy_http_req *req, struct sy_http_resp *resp);
	/* Detail of the last failure ("" when none); static or owned by h. */
	const char *(*errmsg)(struct sy_http *h);
	/* Release h and everything it holds.  NULL-safe in sy_http_free(). */
	void (*free)(struct sy_http *h);
};

/* The base every transport begins with. */
struct sy_http {
	const struct sy_http_ops *ops;
};

static inline int sy_http_perform(struct sy_http *h, const struct sy_http_req *req,
				  struct sy_http_resp *resp)
{
	return h->ops->perform(h, req, resp);
}

static inline void sy_http_free(struct sy_http *h)
{
	if (h)
		h->ops->free(h);
}

/* Settings of the libcurl transport.  Zero values select the defaults of
 * docs/sync-protocol.md ("Client behaviour"). */
struct sy_http_config {
	int connect_timeout_ms;   /* 0 = 10000 */
	int timeout_ms;           /* per request, 0 = 60000 */
	int low_speed_time_ms;    /* abort below low_speed_bytes/s for this long; 0 = 30000 */
	int low_speed_bytes;      /* 0 = 1 */
	size_t max_response;      /* 0 = SY_PROTO_MAX_RESPONSE */
	const char *ca_file;      /* CA bundle (a private CA); NULL = the system's (copied) */
	bool gzip_requests;       /* send POST bodies Content-Encoding: gzip */
	const volatile sig_atomic_t *stop; /* non-NULL: a raised flag aborts the transfer */
	sy_log_fn *log;           /* NULL = silent */
	void *log_ud;
};

/* A transport over one libcurl easy handle, reused for every request so the
 * connection is kept alive.  TLS peer and host verification are always on;
 * only https URLs are accepted, and plain http only for a loopback host
 * (127.0.0.1, [::1], localhost).  Call curl_global_init() once before
 * threads (sy_http_curl_global_init()).  On success *out owns the transport;
 * release with sy_http_free().  SY_ERR_NOMEM, SY_ERR_BUG (libcurl lacks a
 * needed feature). */
int sy_http_curl_new(const struct sy_http_config *cfg, struct sy_http **out);

/* curl_global_init(CURL_GLOBAL_DEFAULT): once, before any thread starts.
 * SY_OK or SY_ERR_BUG. */
int sy_http_curl_global_init(void);
void sy_http_curl_global_cleanup(void);

/* True when url is https://..., or http:// to a loopback host (the only
 * plain-HTTP URLs the client accepts, docs/sync-protocol.md "Transport"). */
bool sy_http_url_allowed(const char *url);

#endif
