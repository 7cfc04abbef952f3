/* sync: the central store, `qcstation-central`'s library (`sy_central`).
 *
 * Keeps what stations push (deduplicated by UNIQUE (station, uuid) in the
 * database) and serves what the e-commerce side imports, over the HTTP API
 * of docs/sync-protocol.md, in a SQLite file (default) or PostgreSQL.  The
 * same operations are callable without HTTP (sy_central_ingest() for the
 * benchmark, import/export for the command line).
 *
 * Threading: one thread owns a struct sy_central.  While a server started
 * by sy_central_serve_start() runs, its thread owns it: the caller must not
 * call other functions on it until sy_central_serve_stop() returned.
 * Not linked into the station: needs libmicrohttpd, sqlite3, libpq, zlib,
 * libcrypto.
 */
#ifndef QC_SYNC_CENTRAL_H
#define QC_SYNC_CENTRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sy/proto.h"

struct sy_central;
struct sy_central_server;

/* level is a <syslog.h> level; msg never holds a token or a body. */
typedef void sy_central_log_fn(int level, const char *msg, void *ud);
/* A monotonic clock in milliseconds, for the rate limiter. */
typedef int64_t sy_central_clock_fn(void *ud);

struct sy_central_config {
	const char *db;          /* a file path, or a postgresql:// URL (copied) */
	int rate_per_s;          /* requests per second per token; 0 = unlimited */
	int rate_burst;          /* bucket size; 0 = rate_per_s (at least 1) */
	int max_connections;     /* 0 = 64 */
	int timeout_s;           /* idle connection timeout; 0 = 30 */
	sy_central_log_fn *log;  /* NULL = silent */
	void *log_ud;
	sy_central_clock_fn *now_ms; /* NULL = CLOCK_MONOTONIC */
	void *clock_ud;
	/* HTTPS served directly (GnuTLS through libmicrohttpd): the PEM texts
	 * of the certificate chain and its private key, both or neither
	 * (copied).  NULL: plain HTTP, for loopback or behind a TLS proxy. */
	const char *tls_cert_pem, *tls_key_pem;
};

/* Once, first thing in a process that serves or ingests (before any
 * database is opened): turns off SQLite's memory statistics, whose global
 * mutex is taken on every allocation (8 % of the server's profile under
 * bench_sync).  Harmless when called late. */
void sy_central_process_init(void);

/* Open (and create or migrate) the store named by cfg->db.  SY_OK and *out,
 * or SY_ERR_IO (cannot open, schema refused; logged with the database's
 * message), SY_ERR_ARG, SY_ERR_NOMEM. */
int sy_central_open(const struct sy_central_config *cfg, struct sy_central **out);
void sy_central_close(struct sy_central *c);

/* "sqlite" or "postgresql". */
const char *sy_central_db_kind(const struct sy_central *c);

/* Register a station (name: 1..63 bytes, unique) and make its token: a new
 * random "qcs_..." string written to token (cap >= SY_CENTRAL_TOKEN_CAP).
 * Only its SHA-256 is stored; the token cannot be shown again.  SY_ERR_ARG
 * for a bad or taken name (detail in the log), SY_ERR_IO. */
#define SY_CENTRAL_TOKEN_CAP 64
int sy_central_station_add(struct sy_central *c, const char *name, char *token, size_t cap);

/* Give a registered station a new token (the old one stops working at
 * once), written to token as for sy_central_station_add().  For a lost or
 * leaked token.  SY_ERR_ARG when there is no such station, SY_ERR_IO. */
int sy_central_station_token(struct sy_central *c, const char *name, char *token, size_t cap);

struct sy_central_station {
	const char *name;
	int64_t created_ms;   /* wall clock, Unix ms */
	int64_t events;       /* events stored from it */
	int64_t last_seq;     /* highest station seq stored, 0 if none */
};
typedef int sy_central_station_fn(const struct sy_central_station *s, void *ud);
/* Call fn for every station by name; fn returning non-zero stops (that
 * value is returned).  SY_ERR_IO. */
int sy_central_station_list(struct sy_central *c, sy_central_station_fn *fn, void *ud);

/* Store a decoded batch from station (the token's station; no HTTP, no
 * authentication: the caller vouches).  Writes b->n results into res, in
 * order.  One database transaction: on SY_OK every result is durable; on
 * error nothing of the batch is stored.  SY_ERR_ARG if the station is not
 * registered, SY_ERR_IO when the database fails. */
int sy_central_ingest(struct sy_central *c, const char *station, const struct sy_proto_batch *b,
		      struct sy_proto_result *res);

/* One feed page after cursor (NULL or "" = from the start), at most limit
 * items (1..SY_PROTO_MAX_FEED_LIMIT), encoded as the GET /v1/feed answer in
 * *out (free()).  SY_ERR_ARG for a cursor this server did not make. */
int sy_central_feed(struct sy_central *c, const char *cursor, int limit, char **out, size_t *len);

struct sy_central_import_stats {
	long items;           /* feed items added */
	long by_kind[16];     /* per kind, in the order of sy_central_kinds */
};
/* The feed kinds, NULL-terminated, in the order import adds them. */
extern const char *const sy_central_kinds[];

/* Import what the e-commerce side sends (docs/central.md): one JSON object,
 * the qcstation import format plus cancellations, payments, confirmations,
 * rmas, service_requests and checklists.  Each entry becomes a feed item
 * with a new server seq; all or nothing, in one transaction.  SY_ERR_PROTO
 * with detail naming the path ("rmas[2].rma: missing"), SY_ERR_IO. */
int sy_central_import(struct sy_central *c, const char *buf, size_t len,
		      struct sy_central_import_stats *stats, char *detail, size_t detail_cap);

/* Write the stations' events after cursor (NULL = from the start) as JSON
 * lines, at most limit (<= 0: all), each line carrying the cursor that
 * resumes after it.  fn gets each line without its newline.  next_cursor
 * (cap >= SY_PROTO_MAX_CURSOR + 1) receives the cursor to resume with.
 * Returns the number of lines, SY_ERR_ARG for a bad cursor, SY_ERR_IO. */
typedef int sy_central_line_fn(const char *line, size_t len, void *ud);
long sy_central_export(struct sy_central *c, const char *cursor, long limit, sy_central_line_fn *fn,
		       void *ud, char *next_cursor, size_t cap);

/* Serve the HTTP API on listen ("127.0.0.1:8080", "[::1]:0", ":8080"; port 0
 * picks a free one, read it back from *port); HTTPS when the config has a
 * certificate and key (a bad pair is SY_ERR_ARG, logged).  From here until
 * sy_central_serve_stop() the server's thread owns c.  SY_ERR_ARG for a bad
 * address, SY_ERR_IO when it cannot listen. */
int sy_central_serve_start(struct sy_central *c, const char *listen, unsigned *port,
			   struct sy_central_server **out);
/* Stop: closes the listening socket and every connection, waits for the
 * thread.  NULL is a no-op. */
void sy_central_serve_stop(struct sy_central_server *s);

#endif
