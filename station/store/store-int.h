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

#include <sqlite3.h>

#include "st/err.h"
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
	Q__COUNT
};

#define STORE_ERRMSG_LEN 256

struct st_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[Q__COUNT];
	bool readonly;
	int busy_timeout_ms;
	char errmsg[STORE_ERRMSG_LEN]; /* detail of the last failure, "" when none */
	struct st_order *order_tmp;    /* order_by_number's scratch (300 KiB), made once */
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
