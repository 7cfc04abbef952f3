/* sync/client: the libcurl transport behind <sy/http.h>.
 *
 * The only file of the project that includes <curl/curl.h>; CURLcode becomes
 * SY_ERR_* here and nowhere else.  One easy handle lives as long as the
 * transport, so the connection to the central store is reused from one
 * request to the next (libcurl keeps it in the handle's cache).
 *
 * Practice (../shared/notes/labels-and-sync.md, B3): no CURLOPT_FAILONERROR
 * (it loses the body and Retry-After of an error), CURLOPT_NOSIGNAL, connect
 * / total / low-speed timeouts, TLS verification always on and at least
 * TLS 1.2, https (and http for loopback) as the only protocols, no
 * redirects, CURLINFO_RETRY_AFTER clamped (7.88 can report a negative value
 * for a date in the past).
 *
 * Not for: deciding what a status means or retrying (client.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <curl/curl.h>
#include <zlib.h>

#include "sy/err.h"
#include "sy/http.h"
#include "sy/proto.h"
#include "client-int.h"

#define LOG_PREFIX "sync/http"
#define RETRY_AFTER_MAX_S 86400 /* what we report at most; the client clamps further */
#define HEADERS_MAX 16

struct http_curl {
	struct sy_http base;    /* first: the vtable */
	CURL *h;
	struct sy_http_config cfg;
	char *ca_file;          /* cfg.ca_file, copied */
	char errbuf[CURL_ERROR_SIZE];
	char errmsg[CURL_ERROR_SIZE + 64];
	struct sy_buf body;     /* the response being received */
	struct sy_buf gz;       /* the gzip'd request body */
	bool too_large;         /* the response passed max_response */
};

static void hlog(struct http_curl *c, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void hlog(struct http_curl *c, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sy_client_logv(c->cfg.log, c->cfg.log_ud, level, LOG_PREFIX, fmt, ap);
	va_end(ap);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct http_curl *c = ud;
	size_t n = size * nmemb;

	if (c->body.len + n > c->cfg.max_response) {
		c->too_large = true;
		return 0; /* CURLE_WRITE_ERROR */
	}
	if (sy_buf_add(&c->body, ptr, n) < 0)
		return 0;
	return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct http_curl *c = ud;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->cfg.stop && *c->cfg.stop ? 1 : 0;
}

/* CURLcode to SY_ERR_*, the one place it happens. */
static int map_curl(struct http_curl *c, CURLcode cc)
{
	switch (cc) {
	case CURLE_OK:
		return SY_OK;
	case CURLE_OUT_OF_MEMORY:
		return SY_ERR_NOMEM;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return SY_ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return SY_ERR_TIMEOUT;
	case CURLE_ABORTED_BY_CALLBACK:
		return SY_ERR_CANCELLED;
	case CURLE_WRITE_ERROR:
		return c->too_large ? SY_ERR_PROTO : SY_ERR_NOMEM;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return SY_ERR_ARG;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED:
		return SY_ERR_TLS;
	default:
		/* reset, nothing received, truncated, a broken reply or gzip */
		return SY_ERR_IO;
	}
}

/* Options that stay for the life of the handle. */
static CURLcode setup(struct http_curl *c)
{
	CURLcode cc = CURLE_OK;
	long low_s = (c->cfg.low_speed_time_ms + 999) / 1000;

#define SET(opt, val)                                       \
	do {                                                \
		if (cc == CURLE_OK)                         \
			cc = curl_easy_setopt(c->h, opt, val); \
	} while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_ERRORBUFFER, c->errbuf);
	SET(CURLOPT_PROTOCOLS_STR, "https,http");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (c->ca_file)
		SET(CURLOPT_CAINFO, c->ca_file);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)c->cfg.connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, (long)c->cfg.timeout_ms);
	SET(CURLOPT_LOW_SPEED_LIMIT, (long)c->cfg.low_speed_bytes);
	SET(CURLOPT_LOW_SPEED_TIME, low_s < 1 ? 1L : low_s);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, c);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, c);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_USERAGENT, "qcstation-sync/1");
	/* A push is a body of up to ~250 KB and an answer of ~90 KB: sent and
	 * read in 256 KiB pieces, not libcurl's 64 and 16 KiB. */
	SET(CURLOPT_UPLOAD_BUFFERSIZE, 256L * 1024L);
	SET(CURLOPT_BUFFERSIZE, 256L * 1024L);
#undef SET
	return cc;
}

/* Gzip body[0..len) into c->gz. */
static int gzip_body(struct http_curl *c, const void *body, size_t len)
{
	z_stream z;
	int zrc;
	size_t cap = compressBound((uLong)len) + 64;

	c->gz.len = 0;
	if (sy_buf_reserve(&c->gz, cap) < 0)
		return SY_ERR_NOMEM;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return SY_ERR_NOMEM;
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)c->gz.data;
	z.avail_out = (uInt)cap;
	zrc = deflate(&z, Z_FINISH);
	c->gz.len = cap - z.avail_out;
	deflateEnd(&z);
	return zrc == Z_STREAM_END ? SY_OK : SY_ERR_BUG;
}

static int hc_perform(struct sy_http *base, const struct sy_http_req *req,
		      struct sy_http_resp *resp)
{
	struct http_curl *c = (struct http_curl *)base;
	struct curl_slist *hdr = NULL, *tmp;
	const void *body = req->body;
	size_t body_len = req->body_len;
	bool post = strcmp(req->method, "POST") == 0;
	CURLcode cc = CURLE_OK;
	curl_off_t ra = 0;
	long status = 0;
	int rc = SY_OK;

	c->errbuf[0] = '\0';
	c->errmsg[0] = '\0';
	c->body.len = 0;
	c->too_large = false;
	memset(resp, 0, sizeof(*resp));
	resp->retry_after_s = -1;
	if (!sy_http_url_allowed(req->url)) {
		snprintf(c->errmsg, sizeof(c->errmsg),
			 "URL refused: only https://, or http:// to 127.0.0.1, [::1] or localhost");
		return SY_ERR_ARG;
	}
	if (c->cfg.stop && *c->cfg.stop)
		return SY_ERR_CANCELLED;
	if (post && c->cfg.gzip_requests && body_len > 0) {
		rc = gzip_body(c, body, body_len);
		if (rc < 0)
			goto out;
		body = c->gz.data;
		body_len = c->gz.len;
	}
	for (size_t i = 0; req->headers && req->headers[i]; i++) {
		tmp = curl_slist_append(hdr, req->headers[i]);
		if (!tmp) {
			rc = SY_ERR_NOMEM;
			goto out;
		}
		hdr = tmp;
	}
	if (post) {
		static const char *const extra[] = { "Content-Type: application/json", "Expect:",
						     NULL };
		for (size_t i = 0; extra[i]; i++) {
			tmp = curl_slist_append(hdr, extra[i]);
			if (!tmp) {
				rc = SY_ERR_NOMEM;
				goto out;
			}
			hdr = tmp;
		}
		if (c->cfg.gzip_requests && body_len > 0) {
			tmp = curl_slist_append(hdr, "Content-Encoding: gzip");
			if (!tmp) {
				rc = SY_ERR_NOMEM;
				goto out;
			}
			hdr = tmp;
		}
	}
	cc = curl_easy_setopt(c->h, CURLOPT_URL, req->url);
	/* Answers gzip'd over https; not over http, which only reaches this
	 * machine (sy_http_url_allowed()): compressing and inflating a
	 * results document there costs both ends CPU on the path of every
	 * push and saves no time on the wire. */
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c->h, CURLOPT_ACCEPT_ENCODING,
				      strncasecmp(req->url, "http://", 7) == 0 ? NULL : "gzip");
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdr);
	if (cc == CURLE_OK && post) {
		cc = curl_easy_setopt(c->h, CURLOPT_POST, 1L);
		if (cc == CURLE_OK)
			cc = curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE,
					      (curl_off_t)body_len);
		if (cc == CURLE_OK)
			cc = curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body ? body : "");
	} else if (cc == CURLE_OK) {
		cc = curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	}
	if (cc == CURLE_OK)
		cc = curl_easy_perform(c->h);
	/* Detach the list before it is freed: the handle outlives it. */
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	if (cc != CURLE_OK) {
		rc = map_curl(c, cc);
		snprintf(c->errmsg, sizeof(c->errmsg), "%s%s%s",
			 c->too_large ? "response too large" : curl_easy_strerror(cc),
			 c->errbuf[0] ? ": " : "", c->errbuf);
		hlog(c, LOG_DEBUG, "%s %s: %s", req->method, req->url, c->errmsg);
		goto out;
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
	if (curl_easy_getinfo(c->h, CURLINFO_RETRY_AFTER, &ra) != CURLE_OK)
		ra = 0;
	/* 0 means "absent"; 7.88 can give a negative value for a past date. */
	if (ra > RETRY_AFTER_MAX_S)
		ra = RETRY_AFTER_MAX_S;
	if (sy_buf_add(&c->body, "", 1) < 0) { /* NUL-terminate */
		rc = SY_ERR_NOMEM;
		goto out;
	}
	c->body.len--;
	resp->status = (int)status;
	resp->retry_after_s = ra > 0 ? (int)ra : -1;
	resp->body = c->body.data;
	resp->len = c->body.len;
	resp->bytes_up = body_len;
	hlog(c, LOG_DEBUG, "%s %s: %ld, %zu bytes", req->method, req->url, status, resp->len);
out:
	curl_slist_free_all(hdr);
	return rc;
}

static const char *hc_errmsg(struct sy_http *base)
{
	return ((struct http_curl *)base)->errmsg;
}

static void hc_free(struct sy_http *base)
{
	struct http_curl *c = (struct http_curl *)base;

	curl_easy_cleanup(c->h);
	sy_buf_fini(&c->body);
	sy_buf_fini(&c->gz);
	free(c->ca_file);
	free(c);
}

static const struct sy_http_ops curl_ops = {
	.perform = hc_perform,
	.errmsg = hc_errmsg,
	.free = hc_free,
};

int sy_http_curl_new(const struct sy_http_config *cfg, struct sy_http **out)
{
	struct http_curl *c = NULL;
	int rc = SY_OK;

	c = calloc(1, sizeof(*c));
	if (!c)
		return SY_ERR_NOMEM;
	c->base.ops = &curl_ops;
	if (cfg)
		c->cfg = *cfg;
	c->cfg.ca_file = NULL;
	if (c->cfg.connect_timeout_ms <= 0)
		c->cfg.connect_timeout_ms = 10000;
	if (c->cfg.timeout_ms <= 0)
		c->cfg.timeout_ms = 60000;
	if (c->cfg.low_speed_time_ms <= 0)
		c->cfg.low_speed_time_ms = 30000;
	if (c->cfg.low_speed_bytes <= 0)
		c->cfg.low_speed_bytes = 1;
	if (!c->cfg.max_response)
		c->cfg.max_response = SY_PROTO_MAX_RESPONSE;
	if (cfg && cfg->ca_file) {
		c->ca_file = strdup(cfg->ca_file);
		if (!c->ca_file) {
			rc = SY_ERR_NOMEM;
			goto out;
		}
	}
	c->h = curl_easy_init();
	if (!c->h) {
		rc = SY_ERR_NOMEM;
		goto out;
	}
	if (setup(c) != CURLE_OK) {
		hlog(c, LOG_ERR, "libcurl lacks a required option (%s)", c->errbuf);
		rc = SY_ERR_BUG;
		goto out;
	}
	*out = &c->base;
	return SY_OK;
out:
	hc_free(&c->base);
	return rc;
}

int sy_http_curl_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? SY_OK : SY_ERR_BUG;
}

void sy_http_curl_global_cleanup(void)
{
	curl_global_cleanup();
}
