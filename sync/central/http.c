/* sync/central: the HTTP front (libmicrohttpd) of docs/sync-protocol.md:
 * GET /v1/health, POST /v1/events, GET /v1/feed.
 *
 * One internal polling thread runs every request, so the store's connection
 * has one owner and needs no lock; the connection count is bounded, a body
 * is read incrementally into a buffer capped at SY_PROTO_MAX_BODY (after
 * gzip decompression), and a request is authenticated and rate limited on
 * its headers, before any body is read.  Logs name the method, path, status
 * and station: never a token or a body. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>
#include <zlib.h>

#include "central/central-int.h"

#define GZIP_MIN 1024 /* smaller answers are sent as they are */
#define GZIP_LEVEL 1
/* Per connection: libmicrohttpd reads a request body in pieces of at most
 * about this (its default, 32 KiB, hands a 250 KB batch over in some 16
 * calls).  At the default 64 connections: 16 MiB at most. */
#define CONN_MEMORY (256u * 1024u)

struct sy_central_server {
	struct sy_central *c;
	struct MHD_Daemon *d;
};

enum route { R_NONE, R_EVENTS };

struct req {
	enum route route;
	int64_t station_id;
	char station[64];
	int gzip;           /* the body is Content-Encoding: gzip */
	int z_init, z_end;  /* inflate started, stream ended */
	z_stream z;
	char *body;
	size_t len, cap;
	size_t raw;          /* bytes received, before decompression */
	/* A refusal decided before the end of the body (on the headers, or
	 * mid-upload): the body is read and dropped, then this is the answer.
	 * Answering before the body is read would have the connection reset
	 * under a client still sending, which then sees a transport error
	 * instead of the 401 or 413 that tells it to stop. */
	int answered; /* the refusal went out on the headers alone */
	int fail_status;
	const char *fail_code;
	int fail_retry;
	char fail_detail[128];
};

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->z_init)
		inflateEnd(&r->z);
	free(r->body);
	free(r);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	req_free(*con_cls);
	*con_cls = NULL;
}

static int wants_gzip(struct MHD_Connection *conn)
{
	const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding");
	const char *g;

	if (!ae)
		return 0;
	g = strstr(ae, "gzip");
	if (!g)
		return 0;
	/* "gzip;q=0" refuses it. */
	g += 4;
	while (*g == ' ')
		g++;
	return !(strncmp(g, ";q=0", 4) == 0 && (g[4] == '\0' || g[4] == ',' || g[4] == ' ' ||
						  strncmp(g + 4, ".0", 2) == 0));
}

/* gzip text into *out; 0 or -1. */
static int gzip_buf(const char *in, size_t len, char **out, size_t *olen)
{
	z_stream z;
	uLong cap;
	char *buf;
	int rc;

	memset(&z, 0, sizeof(z));
	/* Level 1: the answers are repetitive JSON (a results document is
	 * the same few words for every event), which the fastest level
	 * already shrinks about tenfold; level 6 took some 15 % more CPU
	 * for 3 % less (a 1,000-result document: 87 KB to 5.5 KB, 0.74
	 * against 0.85 ms), on the path of every push. */
	if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	cap = deflateBound(&z, (uLong)len);
	buf = malloc(cap);
	if (!buf) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*olen = cap - z.avail_out;
	return 0;
}

/* Queue an answer; takes ownership of body (malloc'd). */
static enum MHD_Result respond(struct sy_central_server *s, struct MHD_Connection *conn,
			       const char *method, const char *url, int status, char *body,
			       size_t len, int retry_after_s, const char *station)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	int gz = 0;

	if (len >= GZIP_MIN && wants_gzip(conn)) {
		char *z = NULL;
		size_t zl = 0;

		if (gzip_buf(body, len, &z, &zl) == 0) {
			free(body);
			body = z;
			len = zl;
			gz = 1;
		}
	}
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (len >= GZIP_MIN || gz)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate",
					"Bearer realm=\"qcstation-central\"");
	if (status == 405)
		MHD_add_response_header(resp, "Allow",
					strcmp(url, "/v1/events") == 0 ? "POST" : "GET");
	if (retry_after_s > 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%d", retry_after_s);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	cs_log(s->c, status >= 500 ? LOG_WARNING : LOG_INFO, "http: %s %s %d%s%s", method, url,
	       status, station && station[0] ? " station=" : "", station ? station : "");
	return ret;
}

static enum MHD_Result respond_error(struct sy_central_server *s, struct MHD_Connection *conn,
				     const char *method, const char *url, int status,
				     const char *code, const char *detail, int retry_after_s,
				     const char *station)
{
	char *body = NULL;
	size_t len = 0;

	if (sy_proto_error_encode(code, detail, &body, &len) < 0)
		return MHD_NO;
	return respond(s, conn, method, url, status, body, len, retry_after_s, station);
}

static void CS_PRINTF(3, 4) set_fail(struct req *r, int status, const char *fmt, ...)
{
	va_list ap;

	r->fail_status = status;
	r->fail_code = status == 413 ? "too_large" : status == 400 ? "malformed" : "unavailable";
	r->fail_retry = status == 503 ? 5 : 0;
	va_start(ap, fmt);
	vsnprintf(r->fail_detail, sizeof(r->fail_detail), fmt, ap);
	va_end(ap);
}

/* Authenticate and rate limit from the headers: 0 and *id, station, or 1
 * with the refusal in r (status, code, detail, Retry-After). */
static int check_auth(struct sy_central_server *s, struct MHD_Connection *conn, int64_t *id,
		      char *station, struct req *r)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	int rc, wait;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
		r->fail_status = 401;
		r->fail_code = "unauthorized";
		snprintf(r->fail_detail, sizeof(r->fail_detail),
			 "Authorization: Bearer <token> missing");
		return 1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	rc = cs_auth(s->c, h, strlen(h), id, station);
	if (rc < 0) {
		set_fail(r, 503, "the database cannot be reached");
		return 1;
	}
	if (rc == 0) {
		r->fail_status = 401;
		r->fail_code = "unauthorized";
		snprintf(r->fail_detail, sizeof(r->fail_detail), "token refused");
		return 1;
	}
	wait = cs_rate_take(s->c, *id);
	if (wait > 0) {
		r->fail_status = 429;
		r->fail_code = "rate_limited";
		r->fail_retry = wait;
		snprintf(r->fail_detail, sizeof(r->fail_detail),
			 "too many requests for this token");
		return 1;
	}
	return 0;
}

static enum MHD_Result respond_fail(struct sy_central_server *s, struct MHD_Connection *conn,
				    const char *method, const char *url, const struct req *r)
{
	return respond_error(s, conn, method, url, r->fail_status, r->fail_code, r->fail_detail,
			     r->fail_retry, r->station);
}

static enum MHD_Result health(struct sy_central_server *s, struct MHD_Connection *conn,
			      const char *method, const char *url)
{
	struct sy_proto_health h;
	struct cs_db *db = cs_central_db(s->c);
	int ok = db->ops->ping(db) == SY_OK;
	char *body = NULL;
	size_t len = 0;

	snprintf(h.status, sizeof(h.status), "%s", ok ? "ok" : "degraded");
	snprintf(h.version, sizeof(h.version), "%s", QC_VERSION);
	snprintf(h.db, sizeof(h.db), "%s", db->ops->kind);
	if (sy_proto_health_encode(&h, &body, &len) < 0)
		return MHD_NO;
	return respond(s, conn, method, url, ok ? 200 : 503, body, len, ok ? 0 : 5, NULL);
}

static enum MHD_Result feed(struct sy_central_server *s, struct MHD_Connection *conn,
			    const char *method, const char *url)
{
	const char *cursor = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "cursor");
	const char *lim = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
	char *station;
	struct req r;
	int64_t id = 0;
	long limit = SY_PROTO_DEFAULT_FEED_LIMIT;
	char *body = NULL;
	size_t len = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	station = r.station;
	if (check_auth(s, conn, &id, station, &r) != 0)
		return respond_fail(s, conn, method, url, &r);
	if (lim) {
		char *end = NULL;

		limit = strtol(lim, &end, 10);
		if (!lim[0] || *end || limit < 1 || limit > SY_PROTO_MAX_FEED_LIMIT)
			return respond_error(s, conn, method, url, 400, "malformed",
					     "limit: not an integer 1..1000", 0, station);
	}
	rc = sy_central_feed(s->c, cursor, (int)limit, &body, &len);
	if (rc == SY_ERR_ARG)
		return respond_error(s, conn, method, url, 400, "malformed",
				     "cursor: not one this server made", 0, station);
	if (rc < 0)
		return respond_error(s, conn, method, url, 503, "unavailable",
				     "the database cannot be reached", 5, station);
	return respond(s, conn, method, url, 200, body, len, 0, station);
}

/* Append received bytes to the body, inflating gzip; 0, or -1 with
 * r->fail_status set (413 too large, 400 bad gzip). */
static int body_add(struct req *r, const char *data, size_t n)
{
	r->raw += n;
	if (r->raw > SY_PROTO_MAX_BODY) {
		set_fail(r, 413, "body: larger than %d bytes",
			 SY_PROTO_MAX_BODY);
		return -1;
	}
	if (!r->gzip) {
		if (r->len + n > r->cap) {
			size_t cap = r->cap ? r->cap : 64 * 1024;
			char *b;

			while (cap < r->len + n)
				cap *= 2;
			b = realloc(r->body, cap);
			if (!b) {
				set_fail(r, 503, "out of memory");
				return -1;
			}
			r->body = b;
			r->cap = cap;
		}
		memcpy(r->body + r->len, data, n);
		r->len += n;
		return 0;
	}
	if (r->z_end) {
		if (n > 0) {
			set_fail(r, 400, "body: data after the gzip stream");
			return -1;
		}
		return 0;
	}
	r->z.next_in = (Bytef *)(uintptr_t)data;
	r->z.avail_in = (uInt)n;
	while (r->z.avail_in > 0 && !r->z_end) {
		int zr;

		if (r->len == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 256 * 1024;
			char *b;

			if (cap > (size_t)SY_PROTO_MAX_BODY + 1)
				cap = (size_t)SY_PROTO_MAX_BODY + 1;
			if (r->len >= cap) {
				set_fail(r, 413, "body: larger than %d bytes once decompressed",
					 SY_PROTO_MAX_BODY);
				return -1;
			}
			b = realloc(r->body, cap);
			if (!b) {
				set_fail(r, 503, "out of memory");
				return -1;
			}
			r->body = b;
			r->cap = cap;
		}
		r->z.next_out = (Bytef *)r->body + r->len;
		r->z.avail_out = (uInt)(r->cap - r->len);
		zr = inflate(&r->z, Z_NO_FLUSH);
		r->len = r->cap - r->z.avail_out;
		if (zr == Z_STREAM_END) {
			r->z_end = 1;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			set_fail(r, 400, "body: not valid gzip");
			return -1;
		}
		if (r->len > SY_PROTO_MAX_BODY) {
			set_fail(r, 413, "body: larger than %d bytes once decompressed",
				 SY_PROTO_MAX_BODY);
			return -1;
		}
	}
	if (r->z_end && r->z.avail_in > 0) {
		set_fail(r, 400, "body: data after the gzip stream");
		return -1;
	}
	return 0;
}

static enum MHD_Result events_start(struct sy_central_server *s, struct MHD_Connection *conn,
				    const char *method, const char *url, void **con_cls)
{
	const char *ce = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Encoding");
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	const char *ex = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
	unsigned long long length = cl ? strtoull(cl, NULL, 10) : 0;
	struct req *r;

	r = calloc(1, sizeof(*r));
	if (!r)
		return MHD_NO;
	r->route = R_EVENTS;
	*con_cls = r;
	if (check_auth(s, conn, &r->station_id, r->station, r) != 0)
		goto refused;
	if (length > SY_PROTO_MAX_BODY) {
		set_fail(r, 413, "body: larger than %d bytes", SY_PROTO_MAX_BODY);
		goto refused;
	}
	if (ce && strcasecmp(ce, "identity") != 0) {
		if (strcasecmp(ce, "gzip") != 0) {
			r->fail_status = 415;
			r->fail_code = "malformed";
			snprintf(r->fail_detail, sizeof(r->fail_detail),
				 "Content-Encoding: only gzip or identity");
			goto refused;
		}
		r->gzip = 1;
		if (inflateInit2(&r->z, 15 + 16) != Z_OK)
			return MHD_NO;
		r->z_init = 1;
	}
	return MHD_YES;
refused:
	/* A client waiting for "100 Continue", or one with no body, can have
	 * the answer now; any other is sending its body: read it first. */
	if ((ex && strcasecmp(ex, "100-continue") == 0) || (cl && length == 0)) {
		r->answered = 1;
		return respond_fail(s, conn, method, url, r);
	}
	return MHD_YES;
}

static enum MHD_Result events_finish(struct sy_central_server *s, struct MHD_Connection *conn,
				     const char *method, const char *url, struct req *r)
{
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_result *res = NULL;
	struct sy_proto_err err;
	enum MHD_Result ret;
	char *body = NULL;
	size_t len = 0;
	int rc;

	if (r->fail_status)
		return respond_fail(s, conn, method, url, r);
	if (r->gzip && !r->z_end)
		return respond_error(s, conn, method, url, 400, "malformed",
				     "body: gzip stream cut short", 0, r->station);
	rc = sy_proto_batch_decode(r->body ? r->body : "", r->len, &b, &err);
	if (rc < 0) {
		/* Out of memory: try again later; a fault of the decoder
		 * itself (SY_ERR_BUG, 500): the protocol's 5xx code. */
		int st = rc == SY_ERR_NOMEM ? 503 : err.http_status;

		return respond_error(s, conn, method, url, st,
				     st >= 500	? "unavailable"
				     : st == 413 ? "too_large"
						 : "malformed",
				     err.detail, rc == SY_ERR_NOMEM ? 5 : 0, r->station);
	}
	if (strcmp(b.station, r->station) != 0) {
		ret = respond_error(s, conn, method, url, 403, "forbidden",
				    "station: the token belongs to another station", 0, r->station);
		goto out;
	}
	res = calloc(b.n, sizeof(*res));
	if (!res) {
		ret = respond_error(s, conn, method, url, 503, "unavailable", "out of memory", 5,
				    r->station);
		goto out;
	}
	rc = sy_central_ingest(s->c, r->station, &b, res);
	if (rc < 0) {
		ret = respond_error(s, conn, method, url, 503, "unavailable",
				    "the database cannot take the batch; nothing was stored", 5,
				    r->station);
		goto out;
	}
	rc = sy_proto_results_encode(res, b.n, &body, &len);
	if (rc < 0) {
		ret = MHD_NO;
		goto out;
	}
	ret = respond(s, conn, method, url, 200, body, len, 0, r->station);
out:
	free(res);
	sy_proto_batch_fini(&b);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
			       const char *method, const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	struct sy_central_server *s = cls;
	struct req *r = *con_cls;
	int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int is_post = strcmp(method, "POST") == 0;

	(void)version;
	if (r) {
		/* POST /v1/events, later calls: body chunks, then the end. */
		if (r->answered) {
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (*upload_data_size > 0) {
			if (!r->fail_status)
				body_add(r, upload_data, *upload_data_size);
			else if (r->raw > 2 * (size_t)SY_PROTO_MAX_BODY)
				return MHD_NO; /* still sending: cut the connection */
			else
				r->raw += *upload_data_size;
			*upload_data_size = 0;
			return MHD_YES;
		}
		return events_finish(s, conn, method, url, r);
	}
	if (strcmp(url, "/v1/events") == 0) {
		if (!is_post)
			return respond_error(s, conn, method, url, 405, "malformed",
					     "POST /v1/events only", 0, NULL);
		return events_start(s, conn, method, url, con_cls);

	}
	if (strcmp(url, "/v1/health") == 0 || strcmp(url, "/v1/feed") == 0) {
		if (!is_get)
			return respond_error(s, conn, method, url, 405, "malformed", "GET only", 0,
					     NULL);
		return url[4] == 'h' ? health(s, conn, method, url) : feed(s, conn, method, url);
	}
	return respond_error(s, conn, method, url, 404, "not_found",
			     "no such endpoint (GET /v1/health, POST /v1/events, GET /v1/feed)", 0,
			     NULL);
}

/* "host:port", "[v6]:port", ":port" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, int *v6)
{
	char host[64];
	const char *colon, *h = listen;
	size_t hl;
	char *end = NULL;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (!listen)
		return -1;
	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');

		if (!rb || rb[1] != ':')
			return -1;
		h = listen + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - listen);
	}
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return -1;
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		*v6 = 1;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (host[0] == '\0')
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (strcmp(host, "localhost") == 0)
			a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		*v6 = 0;
	}
	return 0;
}

int sy_central_serve_start(struct sy_central *c, const char *listen, unsigned *port,
			   struct sy_central_server **out)
{
	const struct sy_central_config *cfg = cs_central_cfg(c);
	struct sy_central_server *s;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	int v6 = 0;

	if (parse_listen(listen, &ss, &v6) < 0) {
		cs_err(c, "listen address \"%s\": want HOST:PORT, [V6]:PORT or :PORT",
		       listen ? listen : "");
		return SY_ERR_ARG;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return SY_ERR_NOMEM;
	s->c = c;
	if (v6)
		flags |= MHD_USE_IPv6;
	{
		struct MHD_OptionItem tls[3] = {
			{ MHD_OPTION_END, 0, NULL },
			{ MHD_OPTION_END, 0, NULL },
			{ MHD_OPTION_END, 0, NULL },
		};

		if (cfg->tls_cert_pem) {
			flags |= MHD_USE_TLS;
			tls[0].option = MHD_OPTION_HTTPS_MEM_CERT;
			tls[0].ptr_value = (void *)(uintptr_t)cfg->tls_cert_pem;
			tls[1].option = MHD_OPTION_HTTPS_MEM_KEY;
			tls[1].ptr_value = (void *)(uintptr_t)cfg->tls_key_pem;
		}
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR,
					(const struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
					(unsigned)cfg->max_connections,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
					MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
					MHD_OPTION_NOTIFY_COMPLETED, completed, s,
					MHD_OPTION_LISTEN_BACKLOG_SIZE, 128u, MHD_OPTION_ARRAY, tls,
					MHD_OPTION_END);
	}
	if (!s->d) {
		cs_err(c, "cannot listen on %s%s", listen,
		       cfg->tls_cert_pem ? " (or the TLS certificate and key do not match)" : "");
		free(s);
		return SY_ERR_IO;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	if (port)
		*port = info ? info->port : 0;
	*out = s;
	return SY_OK;
}

void sy_central_serve_stop(struct sy_central_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
