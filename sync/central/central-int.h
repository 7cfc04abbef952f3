/* sync/central: declarations shared by the server's files only (never
 * included from outside sync/central/).
 *
 * The store sits behind struct cs_db_ops, with two implementations:
 * db_sqlite.c (a file, the default) and db_pg.c (libpq).  Every SQL
 * statement of the server lives in those two files, prepared once at open. */
#ifndef QC_SYNC_CENTRAL_INT_H
#define QC_SYNC_CENTRAL_INT_H

#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#include "sy/central.h"
#include "sy/err.h"
#include "sy/proto.h"

#ifndef LOG_PREFIX
#define LOG_PREFIX "central"
#endif

#if defined(__GNUC__)
#define CS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CS_PRINTF(a, b)
#endif

struct cs_db;

/* One export row, strings borrowed for the callback's duration. */
struct cs_event_row {
	int64_t server_seq;
	const char *station, *uuid, *type, *entity, *payload;
	int64_t seq, ts_ms, received_ms;
};

/* One row to add to the feed. */
struct cs_feed_row {
	const char *kind, *key, *data; /* data: compact JSON text */
};

typedef int cs_feed_fn(const struct sy_proto_feed_item *it, void *ud);
typedef int cs_event_fn(const struct cs_event_row *r, void *ud);

/* Every op returns SY_OK or a negative code; "not found" is a count (0). */
struct cs_db_ops {
	const char *kind; /* "sqlite", "postgresql" */
	int (*station_add)(struct cs_db *db, const char *name, const uint8_t hash[32],
			   int64_t now_ms);
	/* Replace a station's token hash: 1 when the station exists, else 0. */
	int (*station_token)(struct cs_db *db, const char *name, const uint8_t hash[32]);
	/* 1 and *id, name (cap 64) when found, 0 when not. */
	int (*station_by_hash)(struct cs_db *db, const uint8_t hash[32], int64_t *id, char *name);
	int (*station_by_name)(struct cs_db *db, const char *name, int64_t *id);
	int (*station_list)(struct cs_db *db, sy_central_station_fn *fn, void *ud);
	/* One transaction; res[i] for each event (rejected ones pre-filled). */
	int (*ingest)(struct cs_db *db, int64_t station_id, const struct sy_proto_batch *b,
		      struct sy_proto_result *res, int64_t now_ms);
	/* Rows with seq > after, at most limit; returns the count, and *more. */
	int (*feed)(struct cs_db *db, int64_t after, int limit, cs_feed_fn *fn, void *ud,
		    int *more);
	int (*feed_add)(struct cs_db *db, const struct cs_feed_row *rows, size_t n, int64_t now_ms);
	/* Events with server_seq > after, at most limit (<= 0: all): the count. */
	long (*events)(struct cs_db *db, int64_t after, long limit, cs_event_fn *fn, void *ud);
	int (*ping)(struct cs_db *db);
	void (*close)(struct cs_db *db);
};

struct cs_db {
	const struct cs_db_ops *ops;
	struct sy_central *c; /* for logging */
};

/* Open each backend: SY_OK and *out, or SY_ERR_IO (logged). */
int cs_db_sqlite_open(struct sy_central *c, const char *path, struct cs_db **out);
int cs_db_pg_open(struct sy_central *c, const char *url, struct cs_db **out);

/* central.c */
void cs_log(struct sy_central *c, int level, const char *fmt, ...) CS_PRINTF(3, 4);
#define cs_err(c, ...) cs_log((c), LOG_ERR, LOG_PREFIX ": " __VA_ARGS__)
#define cs_warn(c, ...) cs_log((c), LOG_WARNING, LOG_PREFIX ": " __VA_ARGS__)
#define cs_info(c, ...) cs_log((c), LOG_INFO, LOG_PREFIX ": " __VA_ARGS__)
#define cs_dbg(c, ...) cs_log((c), LOG_DEBUG, LOG_PREFIX ": " __VA_ARGS__)
int64_t cs_now_ms(struct sy_central *c);    /* the configured monotonic clock */
int64_t cs_wall_ms(void);                   /* Unix ms, data only */
struct cs_db *cs_central_db(struct sy_central *c);
const struct sy_central_config *cs_central_cfg(struct sy_central *c);
/* Authenticate a bearer token: 1 and *id, name (cap 64), 0 unknown, <0 error. */
int cs_auth(struct sy_central *c, const char *token, size_t len, int64_t *id, char *name);
/* Rate limit: 0 allowed, else the seconds to wait (>= 1). */
int cs_rate_take(struct sy_central *c, int64_t station_id);

/* cursor.c: "s:<seq>" (feed) and "e:<server_seq>" (export) as base64url. */
void cs_cursor_make(char tag, int64_t v, char *out, size_t cap);
/* 0 and *v; -1 for anything this server did not make. */
int cs_cursor_parse(char tag, const char *s, int64_t *v);

/* token.c: SHA-256 and new tokens (libcrypto). */
void cs_token_hash(const char *token, size_t len, uint8_t out[32]);
int cs_token_new(char *out, size_t cap);

/* ratelimit.c: token buckets per station. */
struct cs_rate;
int cs_rate_new(int per_s, int burst, struct cs_rate **out);
void cs_rate_free(struct cs_rate *r);
int cs_rate_check(struct cs_rate *r, int64_t station_id, int64_t now_ms);

/* Banned functions (STYLE.md section 4). */
#if defined(__GNUC__)
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok
#endif

#endif
