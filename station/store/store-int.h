/* station/store: declarations shared by store.c and store_schema.c only.
 *
 * The SQLite handle and the prepared statements of one open store, the
 * migrations, and store_fail() (the one place SQLite result codes become
 * ST_ERR_* codes).  Never include this from outside station/store.
 */
#ifndef QC_STATION_STORE_INT_H
#define QC_STATION_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "st/err.h"
#include "st/sha256.h"
#include "st/store.h"

#if defined(__GNUC__)
#define STORE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define STORE_PRINTF(f, a)
#endif

/* The prepared statements (SQL in store.c's q_sql[]). */
enum q {
	Q_BEGIN,
	Q_BEGIN_READ,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_SAVEPOINT,
	Q_RELEASE,
	Q_ROLLBACK_TO,
	Q_USER_VERSION,
	Q_INTEGRITY,
	Q_FK_CHECK,
	Q_STATION_ENSURE,
	Q_OPERATOR_UPSERT,
	Q_OPERATOR_BY_BADGE,
	Q_SESSION_CLOSE_OPEN,
	Q_SESSION_START,
	Q_SESSION_END,
	Q_SCAN_ADD,
	Q_SCAN_COUNT,
	Q_OUTBOX_ADD,
	Q_OUTBOX_COUNT,
	Q_CATEGORY_ENSURE,
	Q_CATEGORY_ID,
	Q_PRODUCT_UPSERT,
	Q_PRODUCT_ID,
	Q_PRODUCT_BY_SKU,
	Q_PRODUCT_BY_GTIN,
	Q_ORDER_UPSERT,
	Q_LINE_UPSERT,
	Q_LINE_OPT_CLEAR,
	Q_LINE_OPT_ADD,
	Q_ORDER_BY_NUMBER,
	Q_LINES_BY_ORDER,
	Q_OPTS_BY_LINE,
	Q_LINE_ID,
	Q_ITEM_UPSERT,
	Q_ITEM_BY_SERIAL,
	Q_ITEM_BY_ID,
	Q_ITEM_BY_ORDER_LINE,
	Q_ITEM_SET_STATUS,
	/* inspections, evidence, the audit chain (store_qc.c, store_audit.c) */
	Q_CHAIN_NAMES,
	Q_CHAIN_HEAD,
	Q_INSPECTION_NEXT_ID,
	Q_INSPECTION_ADD,
	Q_CHECK_ADD,
	Q_DEFECT_ADD,
	Q_INSPECTION_BY_ID,
	Q_INSPECTION_LAST,
	Q_INSPECTIONS_SINCE,
	Q_CHECKS_BY_INSPECTION,
	Q_DEFECTS_BY_INSPECTION,
	Q_EVIDENCE_NEXT_ID,
	Q_EVIDENCE_ADD,
	Q_EVIDENCE_BY_ITEM,
	Q_AUDIT_INSPECTIONS,
	Q_AUDIT_EVIDENCE,
	/* reports (store.c) */
	Q_INSPECTIONS_BY_ITEM,
	Q_ITEMS_BY_STATUS,
	/* ---- the print queue (store_print.c, st/store_print.h; issue 5) ---- */
	Q_LJ_ADD,
	Q_LJ_GET,
	Q_LJ_PAYLOAD,
	Q_LJ_NEXT,
	Q_LJ_SET_STATE,
	Q_LJ_RECOVER,
	Q_LJ_COPY,
	Q_LJ_ACTION_ADD,
	Q_LJ_COUNTS,
	Q_LJ_EACH,
	Q_PRINTER_SET,
	Q_PRINTER_GET,
	Q_PRINTER_EACH,
	/* ---- end of the print queue ---- */
	/* the sync state (store_sync.c; SQL in store.c, "sync" block) */
	Q_SYNC_PENDING,
	Q_SYNC_UNSENT_DEL_MANY,
	Q_SYNC_OUTBOX_EXISTS,
	Q_SYNC_RESULT_ADD,
	Q_SYNC_CURSOR_GET,
	Q_SYNC_CURSOR_SET,
	Q_SYNC_INBOX_PUT,
	Q_SYNC_INBOX_GET,
	Q_SYNC_ORDER_CANCEL,
	Q_SYNC_ORDER_PAYMENT,
	Q_SYNC_ORDER_CONFIRM,
	Q_SYNC_ITEM_SAVEPOINT,
	Q_SYNC_ITEM_RELEASE,
	Q_SYNC_ITEM_ROLLBACK_TO,
	Q_SYNC_STATUS_SET,
	Q_SYNC_STATUS_GET,
	Q_SYNC_DEAD_LIST,
	Q_SYNC_INBOX_FAILED,
	Q__COUNT
};

#define STORE_ERRMSG_LEN 256

struct st_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[Q__COUNT];
	bool readonly;
	int busy_timeout_ms;
	char errmsg[STORE_ERRMSG_LEN]; /* detail of the last failure, "" when none */
	uint64_t uuid_ms;              /* last outbox id's millisecond ... */
	unsigned uuid_seq;             /* ... and counter (uuid_v7) */
	struct st_order *order_tmp;    /* order_by_number's scratch (300 KiB), made once */
	struct st_inspection_rec *insp_tmp; /* inspection_get/_last's scratch, made once */
	struct st_sha256 *sha;         /* the audit chain's digest, made once */
};

/* Record the failure of the operation what from the connection's last
 * result code: s->errmsg becomes "what: <sqlite3_errmsg>", and the code is
 * mapped to ST_ERR_BUSY, ST_ERR_FULL, ST_ERR_CORRUPT, ST_ERR_READONLY,
 * ST_ERR_CONSTRAINT, ST_ERR_NOMEM or ST_ERR_DB (returned). */
int store_fail(struct st_store *s, const char *what);

/* Map a SQLite result code (primary or extended) to an ST_ERR_* code. */
int store_map_rc(int sqlite_rc);

/* Set s->errmsg from a format; returns rc (for "return store_set_err(...)"). */
int store_set_err(struct st_store *s, int rc, const char *fmt, ...) STORE_PRINTF(3, 4);

/* ---- statement helpers (store.c) ------------------------------------------- */

/* Reset a statement and clear its bindings, after every use. */
void store_q_end(sqlite3_stmt *q);

/* Step a statement that returns no row; reset it. */
int store_q_exec(struct st_store *s, enum q which, const char *what);

/* Step a bound INSERT/UPSERT ... RETURNING id to its end; reset it. */
int store_q_returning_id(struct st_store *s, sqlite3_stmt *q, const char *what, int64_t *id);

/* Step a bound SELECT expected to return one row: 1 when it did (the caller
 * reads the columns and calls store_q_end()), 0 when there is none, or a
 * negative ST_ERR_* (the statement is reset in both of these cases). */
int store_q_row(struct st_store *s, sqlite3_stmt *q, const char *what);

/* Bind a fixed-size char field (NUL-terminated within cap); the _or_null
 * variant binds "" as NULL ("none").  SQLITE_STATIC: keep f alive until
 * store_q_end(). */
void store_bind_field(sqlite3_stmt *q, int i, const char *f, size_t cap);
void store_bind_field_or_null(sqlite3_stmt *q, int i, const char *f, size_t cap);
#define BIND_FIELD(q, i, arr) store_bind_field((q), (i), (arr), sizeof(arr))
#define BIND_FIELD_OR_NULL(q, i, arr) store_bind_field_or_null((q), (i), (arr), sizeof(arr))

/* A NUL-terminated string or NULL (binds NULL). */
void store_bind_str(sqlite3_stmt *q, int i, const char *str);

/* Copy column i into dst[cap].  False when it does not fit: data from the
 * file is never truncated silently.  NULL reads as "". */
bool store_col_copy(sqlite3_stmt *q, int i, char *dst, size_t cap);
#define COL_COPY(q, i, arr) store_col_copy((q), (i), (arr), sizeof(arr))

/* Make the next changes one unit: BEGIN (IMMEDIATE when write) when the
 * caller has no transaction open, else a savepoint in the caller's.
 * store_tx_leave() commits when rc is 0, else undoes; returns rc, or the
 * commit's error. */
enum store_tx { STORE_TX_OWN, STORE_TX_SAVEPOINT };
int store_tx_enter(struct st_store *s, bool write, enum store_tx *tx);
int store_tx_leave(struct st_store *s, enum store_tx tx, int rc);

/* A time-ordered UUID (v7) for a new row's idempotency key (store.c). */
int store_uuid(struct st_store *s, int64_t ts_ms, char out[37]);

/* The SQL text of the print queue's columns (store.c, read by
 * store_print.c's job_read()). */
#define STORE_LJ_COLS                                                                         \
	"id, uuid, printer, coalesce(template, ''), coalesce(entity, ''), format, state,"     \
	" attempts, coalesce(last_error, ''), coalesce(reprint_of, 0), created_ms,"           \
	" coalesce(sent_ms, 0), coalesce(done_ms, 0), length(payload)"

/* ---- the audit chain (store_audit.c) ------------------------------------- */

/* prev_hash of the first record of the chain. */
#define STORE_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The next link: *seq is the chain position the next record takes and
 * prev_hash[65] the hash it must hold.  Call inside the write transaction
 * that inserts the record. */
int store_chain_next(struct st_store *s, int64_t *seq, char prev_hash[ST_AUDIT_HASH_LEN + 1]);

/* The hash of a record from its fields, OUT fields included (chain_seq, id,
 * prev_hash, item_serial, operator_badge, station_code; not item_sku),
 * serialised as docs/internals/audit-chain.md says. */
int store_hash_inspection(struct st_store *s, const struct st_inspection_rec *r,
			  char out[ST_AUDIT_HASH_LEN + 1]);
int store_hash_evidence(struct st_store *s, const struct st_evidence_rec *e,
			char out[ST_AUDIT_HASH_LEN + 1]);

/* ---- reading records (store_qc.c) ----------------------------------------- */

/* Read the row q is on (INSPECTION_COLS, see store.c) and its check
 * results and defects into *out.  ST_ERR_RANGE when a stored value does not
 * fit (s->errmsg says which); q itself is left for the caller to end. */
int store_inspection_read(struct st_store *s, sqlite3_stmt *q, struct st_inspection_rec *out);

/* Call fn for each row of the inspections query q (already bound; reset
 * and cleared here on every path) in one read snapshot; what names the
 * operation in errors.  Returns 0, fn's non-zero stop value, or an error. */
int store_inspection_walk(struct st_store *s, sqlite3_stmt *q, const char *what,
			  st_store_inspection_fn *fn, void *ud);

/* Read the row q is on (EVIDENCE_COLS) into *out; false when a stored value
 * does not fit. */
bool store_evidence_read(sqlite3_stmt *q, struct st_evidence_rec *out);

/* ---- store_schema.c ----------------------------------------------------- */

/* Bring the database from its PRAGMA user_version up to
 * ST_STORE_SCHEMA_VERSION, one BEGIN IMMEDIATE ... COMMIT per migration
 * (user_version is set inside the same transaction, so a crash leaves the
 * file at a whole version).  Returns 0 or an ST_ERR_* code with s->errmsg
 * set.  The caller has already refused versions newer than this build. */
int store_schema_migrate(struct st_store *s);

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
