/* station/store: the station's SQLite database behind <st/store.h>.
 *
 * Every query is one row of q_sql[], prepared once at open with
 * SQLITE_PREPARE_PERSISTENT and reset + cleared after each use, so that
 * SQLITE_STATIC binds never dangle.  SQLite result codes become ST_ERR_*
 * codes in one place, store_fail().  Functions that touch several rows run
 * in one transaction: their own BEGIN IMMEDIATE when the caller has none,
 * else a SAVEPOINT inside the caller's, so each is all-or-nothing.
 *
 * q_sql[] also holds the queries of store_qc.c (inspections, evidence) and
 * store_audit.c (the audit chain), which share the helpers declared in
 * store-int.h: all of the station's SQL text is in this table.
 *
 * Not for: the schema (store_schema.c), deciding anything (workflows).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-int.h"

/* Current UTC time in Unix milliseconds, for updated_ms / created_ms
 * bookkeeping columns (stable within one statement). */
#define NOW_MS "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"

/* The columns read_product() expects, from "product p JOIN category c". */
#define PRODUCT_COLS "p.id, p.sku, coalesce(p.gtin, ''), p.name, c.code, p.final_sale"
#define PRODUCT_JOIN "product p JOIN category c ON c.id = p.category_id"

/* The columns store_inspection_read() expects, from INSPECTION_JOIN.  LEFT
 * JOINs: audit verify must see an inspection whose item row is gone. */
#define INSPECTION_COLS                                                                       \
	"i.id, i.chain_seq, i.item_id, i.operator_id, i.station_id, i.category,"              \
	" i.checklist_version, i.result, i.disposition, i.rework_count, i.supersedes,"        \
	" i.started_ms, i.completed_ms, i.prev_hash, i.hash, it.serial, p.sku, op.badge,"     \
	" sn.code, (SELECT c.id FROM inspection c WHERE c.supersedes = i.id)"
#define INSPECTION_JOIN                                                                       \
	"inspection i LEFT JOIN item it ON it.id = i.item_id"                                 \
	" LEFT JOIN product p ON p.id = it.product_id"                                        \
	" LEFT JOIN operator op ON op.id = i.operator_id"                                     \
	" LEFT JOIN station sn ON sn.id = i.station_id"
#define NOT_SUPERSEDED "NOT EXISTS (SELECT 1 FROM inspection c WHERE c.supersedes = i.id)"

/* The columns store_evidence_read() expects, from EVIDENCE_JOIN. */
#define EVIDENCE_COLS                                                                         \
	"e.id, e.chain_seq, e.item_id, e.inspection_id, e.operator_id, e.station_id, e.path," \
	" e.size_bytes, e.sha256, e.mime, e.barcode, e.created_ms, e.prev_hash, e.hash,"      \
	" it.serial, op.badge, sn.code"
#define EVIDENCE_JOIN                                                                         \
	"evidence e LEFT JOIN item it ON it.id = e.item_id"                                   \
	" LEFT JOIN operator op ON op.id = e.operator_id"                                     \
	" LEFT JOIN station sn ON sn.id = e.station_id"

#define BACKUP_STEP_PAGES 32 /* pages copied per sqlite3_backup_step() */

static const char *const q_sql[Q__COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_BEGIN_READ] = "BEGIN",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT st_op",
	[Q_RELEASE] = "RELEASE st_op",
	[Q_ROLLBACK_TO] = "ROLLBACK TO st_op",
	[Q_USER_VERSION] = "PRAGMA user_version",
	[Q_INTEGRITY] = "PRAGMA integrity_check",
	[Q_FK_CHECK] = "PRAGMA foreign_key_check",

	[Q_STATION_ENSURE] = "INSERT INTO station(code, name) VALUES (?1, coalesce(?2, ''))"
			     " ON CONFLICT(code) DO UPDATE SET name = coalesce(?2, station.name)"
			     " RETURNING id",
	[Q_OPERATOR_UPSERT] = "INSERT INTO operator(badge, name, role, active)"
			      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(badge) DO UPDATE SET"
			      " name = excluded.name, role = excluded.role,"
			      " active = excluded.active RETURNING id",
	[Q_OPERATOR_BY_BADGE] = "SELECT id, badge, name, role, active FROM operator"
				" WHERE badge = ?1",
	[Q_SESSION_CLOSE_OPEN] = "UPDATE operator_session SET end_ms = ?2"
				 " WHERE station_id = ?1 AND end_ms IS NULL",
	[Q_SESSION_START] = "INSERT INTO operator_session(operator_id, station_id, start_ms)"
			    " VALUES (?1, ?2, ?3) RETURNING id",
	[Q_SESSION_END] = "UPDATE operator_session SET end_ms = ?2"
			  " WHERE id = ?1 AND end_ms IS NULL",

	[Q_SCAN_ADD] = "INSERT INTO scan(station_id, operator_id, source, symbology, raw,"
		       " truncated, kind, valid, ts_ms)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
	[Q_SCAN_COUNT] = "SELECT count(*) FROM scan",
	[Q_OUTBOX_ADD] = "INSERT INTO outbox(uuid, type, entity, payload, created_ms)"
			 " VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[Q_OUTBOX_COUNT] = "SELECT (SELECT count(*) FROM outbox_unsent), count(*) FROM outbox",

	[Q_CATEGORY_ENSURE] = "INSERT INTO category(code, name) VALUES (?1, coalesce(?2, ?1))"
			      " ON CONFLICT(code) DO UPDATE SET"
			      " name = coalesce(?2, category.name) RETURNING id",
	[Q_CATEGORY_ID] = "SELECT id FROM category WHERE code = ?1",
	[Q_PRODUCT_UPSERT] = "INSERT INTO product(sku, gtin, name, category_id, final_sale)"
			     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(sku) DO UPDATE SET"
			     " gtin = excluded.gtin, name = excluded.name,"
			     " category_id = excluded.category_id,"
			     " final_sale = excluded.final_sale RETURNING id",
	[Q_PRODUCT_ID] = "SELECT id FROM product WHERE sku = ?1",
	[Q_PRODUCT_BY_SKU] = "SELECT " PRODUCT_COLS " FROM " PRODUCT_JOIN " WHERE p.sku = ?1",
	[Q_PRODUCT_BY_GTIN] = "SELECT " PRODUCT_COLS " FROM " PRODUCT_JOIN " WHERE p.gtin = ?1",

	[Q_ORDER_UPSERT] = "INSERT INTO orders(number, customer_name, customer_email, status,"
			   " ship_country, cancelled, custom, gift_box, deposit_paid,"
			   " balance_paid, customer_confirmed, placed_ms, delivered_ms,"
			   " updated_ms) VALUES (?1, ?2, ?3, coalesce(?4, 'open'), ?5, ?6, ?7,"
			   " ?8, ?9, ?10, ?11, ?12, ?13, " NOW_MS ")"
			   " ON CONFLICT(number) DO UPDATE SET"
			   " customer_name = excluded.customer_name,"
			   " customer_email = excluded.customer_email,"
			   " status = coalesce(?4, orders.status),"
			   " ship_country = excluded.ship_country,"
			   " cancelled = excluded.cancelled, custom = excluded.custom,"
			   " gift_box = excluded.gift_box,"
			   " deposit_paid = excluded.deposit_paid,"
			   " balance_paid = excluded.balance_paid,"
			   " customer_confirmed = excluded.customer_confirmed,"
			   " placed_ms = excluded.placed_ms,"
			   " delivered_ms = excluded.delivered_ms,"
			   " updated_ms = excluded.updated_ms RETURNING id",
	[Q_LINE_UPSERT] = "INSERT INTO order_line(order_id, line_no, product_id, quantity,"
			  " final_sale, custom, design_your_own, special_order, personalized,"
			  " custom_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
			  " ON CONFLICT(order_id, line_no) DO UPDATE SET"
			  " product_id = excluded.product_id, quantity = excluded.quantity,"
			  " final_sale = excluded.final_sale, custom = excluded.custom,"
			  " design_your_own = excluded.design_your_own,"
			  " special_order = excluded.special_order,"
			  " personalized = excluded.personalized,"
			  " custom_size = excluded.custom_size RETURNING id",
	[Q_LINE_OPT_CLEAR] = "DELETE FROM order_line_option WHERE line_id = ?1",
	[Q_LINE_OPT_ADD] = "INSERT INTO order_line_option(line_id, name, value)"
			   " VALUES (?1, ?2, ?3)",
	[Q_ORDER_BY_NUMBER] = "SELECT id, number, customer_name, customer_email, status,"
			      " ship_country, cancelled, custom, gift_box, deposit_paid,"
			      " balance_paid, customer_confirmed, coalesce(placed_ms, 0),"
			      " coalesce(delivered_ms, 0) FROM orders WHERE number = ?1",
	[Q_LINES_BY_ORDER] = "SELECT l.id, l.line_no, l.quantity, l.final_sale, l.custom,"
			     " l.design_your_own, l.special_order, l.personalized,"
			     " l.custom_size, " PRODUCT_COLS " FROM order_line l"
			     " JOIN product p ON p.id = l.product_id"
			     " JOIN category c ON c.id = p.category_id"
			     " WHERE l.order_id = ?1 ORDER BY l.line_no",
	[Q_OPTS_BY_LINE] = "SELECT name, value FROM order_line_option WHERE line_id = ?1"
			   " ORDER BY rowid",
	[Q_LINE_ID] = "SELECT l.id FROM order_line l JOIN orders o ON o.id = l.order_id"
		      " WHERE o.number = ?1 AND l.line_no = ?2",
	[Q_ITEM_UPSERT] = "INSERT INTO item(serial, product_id, order_line_id, status,"
			  " created_ms, updated_ms) VALUES (?1, ?2, ?3,"
			  " coalesce(?4, 'received'), " NOW_MS ", " NOW_MS ")"
			  " ON CONFLICT(serial) DO UPDATE SET product_id = excluded.product_id,"
			  " order_line_id = excluded.order_line_id,"
			  " status = coalesce(?4, item.status),"
			  " updated_ms = excluded.updated_ms RETURNING id",
	[Q_ITEM_BY_SERIAL] = "SELECT i.id, i.serial, i.status, coalesce(o.number, ''),"
			     " coalesce(l.line_no, 0), " PRODUCT_COLS " FROM item i"
			     " JOIN product p ON p.id = i.product_id"
			     " JOIN category c ON c.id = p.category_id"
			     " LEFT JOIN order_line l ON l.id = i.order_line_id"
			     " LEFT JOIN orders o ON o.id = l.order_id WHERE i.serial = ?1",
	[Q_ITEM_BY_ID] = "SELECT i.id, i.serial, i.status, coalesce(o.number, ''),"
			 " coalesce(l.line_no, 0), " PRODUCT_COLS " FROM item i"
			 " JOIN product p ON p.id = i.product_id"
			 " JOIN category c ON c.id = p.category_id"
			 " LEFT JOIN order_line l ON l.id = i.order_line_id"
			 " LEFT JOIN orders o ON o.id = l.order_id WHERE i.id = ?1",
	/* The first item assigned to an order line (a line of quantity 1 has
	 * one): what an order-line label scanned at the bench means. */
	[Q_ITEM_BY_ORDER_LINE] = "SELECT i.id, i.serial, i.status, o.number, l.line_no, "
				 PRODUCT_COLS " FROM item i"
				 " JOIN product p ON p.id = i.product_id"
				 " JOIN category c ON c.id = p.category_id"
				 " JOIN order_line l ON l.id = i.order_line_id"
				 " JOIN orders o ON o.id = l.order_id"
				 " WHERE o.number = ?1 AND l.line_no = ?2 ORDER BY i.id LIMIT 1",
	[Q_ITEM_SET_STATUS] = "UPDATE item SET status = ?2, updated_ms = " NOW_MS " WHERE id = ?1",

	/* The natural keys a chain record's hash covers (NULL: no such row). */
	[Q_CHAIN_NAMES] = "SELECT (SELECT serial FROM item WHERE id = ?1),"
			  " (SELECT badge FROM operator WHERE id = ?2),"
			  " (SELECT code FROM station WHERE id = ?3)",
	/* The last record of the chain: each table's by its chain_seq index. */
	[Q_CHAIN_HEAD] = "SELECT seq, hash FROM ("
			 " SELECT * FROM (SELECT chain_seq AS seq, hash FROM inspection"
			 "  ORDER BY chain_seq DESC LIMIT 1)"
			 " UNION ALL SELECT * FROM (SELECT chain_seq, hash FROM evidence"
			 "  ORDER BY chain_seq DESC LIMIT 1)"
			 ") ORDER BY seq DESC LIMIT 1",
	/* Ids are chosen before the insert: a record's hash covers its id. */
	[Q_INSPECTION_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM inspection",
	[Q_INSPECTION_ADD] = "INSERT INTO inspection(id, chain_seq, item_id, operator_id,"
			     " station_id, category, checklist_version, result, disposition,"
			     " rework_count, supersedes, started_ms, completed_ms, prev_hash, hash)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
			     " ?15)",
	[Q_CHECK_ADD] = "INSERT INTO check_result(inspection_id, position, check_id, outcome,"
			" expected, found, measured_milli, unit)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_DEFECT_ADD] = "INSERT INTO defect(inspection_id, position, code, severity, check_id,"
			 " note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_INSPECTION_BY_ID] = "SELECT " INSPECTION_COLS " FROM " INSPECTION_JOIN
			       " WHERE i.id = ?1",
	[Q_INSPECTION_LAST] = "SELECT " INSPECTION_COLS " FROM " INSPECTION_JOIN
			      " WHERE i.item_id = ?1 AND " NOT_SUPERSEDED
			      " ORDER BY i.chain_seq DESC LIMIT 1",
	[Q_INSPECTIONS_SINCE] = "SELECT " INSPECTION_COLS " FROM " INSPECTION_JOIN
				" WHERE i.completed_ms >= ?1 AND (?2 OR " NOT_SUPERSEDED ")"
				" ORDER BY i.chain_seq",
	[Q_CHECKS_BY_INSPECTION] = "SELECT check_id, outcome, expected, found, measured_milli,"
				   " unit FROM check_result WHERE inspection_id = ?1"
				   " ORDER BY position",
	[Q_DEFECTS_BY_INSPECTION] = "SELECT code, severity, check_id, note FROM defect"
				    " WHERE inspection_id = ?1 ORDER BY position",
	[Q_EVIDENCE_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM evidence",
	[Q_EVIDENCE_ADD] = "INSERT INTO evidence(id, chain_seq, item_id, inspection_id,"
			   " operator_id, station_id, path, size_bytes, sha256, mime, barcode,"
			   " created_ms, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
			   " ?9, ?10, ?11, ?12, ?13, ?14)",
	[Q_EVIDENCE_BY_ITEM] = "SELECT " EVIDENCE_COLS " FROM " EVIDENCE_JOIN
			       " WHERE e.item_id = ?1 ORDER BY e.chain_seq",
	/* Audit verify walks both tables in chain order and merges them. */
	[Q_AUDIT_INSPECTIONS] = "SELECT " INSPECTION_COLS " FROM " INSPECTION_JOIN
				" ORDER BY i.chain_seq",
	[Q_AUDIT_EVIDENCE] = "SELECT " EVIDENCE_COLS " FROM " EVIDENCE_JOIN " ORDER BY e.chain_seq",

	/* Reports: every inspection grouped by item, in the order written. */
	[Q_INSPECTIONS_BY_ITEM] = "SELECT " INSPECTION_COLS " FROM " INSPECTION_JOIN
				  " ORDER BY i.item_id, i.chain_seq",
	[Q_ITEMS_BY_STATUS] = "SELECT i.id, i.serial, i.status, coalesce(o.number, ''),"
			      " coalesce(l.line_no, 0), " PRODUCT_COLS " FROM item i"
			      " JOIN product p ON p.id = i.product_id"
			      " JOIN category c ON c.id = p.category_id"
			      " LEFT JOIN order_line l ON l.id = i.order_line_id"
			      " LEFT JOIN orders o ON o.id = l.order_id WHERE i.status = ?1"
			      " ORDER BY i.id",

	/* ---- the print queue (store_print.c, st/store_print.h; issue 5) ---- */
	[Q_LJ_ADD] = "INSERT INTO label_job(uuid, printer, template, entity, format, payload,"
		     " created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
	[Q_LJ_GET] = "SELECT " STORE_LJ_COLS " FROM label_job WHERE id = ?1",
	[Q_LJ_PAYLOAD] = "SELECT payload FROM label_job WHERE id = ?1",
	[Q_LJ_NEXT] = "SELECT " STORE_LJ_COLS " FROM label_job"
		      " WHERE printer = ?1 AND state = 'queued' ORDER BY id LIMIT 1",
	/* A compare-and-set: changes only a job still in state ?7. */
	[Q_LJ_SET_STATE] = "UPDATE label_job SET state = ?2, last_error = ?3,"
			   " attempts = attempts + ?4, sent_ms = coalesce(?5, sent_ms),"
			   " done_ms = coalesce(?6, done_ms) WHERE id = ?1 AND state = ?7",
	[Q_LJ_RECOVER] = "UPDATE label_job SET state = 'uncertain', last_error = ?2"
			 " WHERE state = 'sending' AND (?1 IS NULL OR printer = ?1)",
	[Q_LJ_COPY] = "INSERT INTO label_job(uuid, printer, template, entity, format, payload,"
		      " reprint_of, created_ms) SELECT ?1, coalesce(?2, printer), template,"
		      " entity, format, payload, id, ?3 FROM label_job WHERE id = ?4 RETURNING id",
	[Q_LJ_ACTION_ADD] = "INSERT INTO label_job_action(job_id, action, operator_id, reason,"
			    " new_job_id, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_LJ_COUNTS] = "SELECT coalesce(sum(state = 'queued'), 0),"
			" coalesce(sum(state = 'sending'), 0), coalesce(sum(state = 'uncertain'), 0),"
			" coalesce(sum(state = 'failed'), 0), coalesce(sum(state = 'done'), 0),"
			" coalesce(sum(state = 'void'), 0), coalesce(sum(state = 'reprinted'), 0)"
			" FROM label_job WHERE printer = ?1",
	[Q_LJ_EACH] = "SELECT " STORE_LJ_COLS " FROM label_job WHERE (?1 IS NULL OR printer = ?1)"
		      " AND (?2 = 0 OR state IN ('queued', 'sending', 'uncertain', 'failed'))"
		      " ORDER BY id",
	[Q_PRINTER_SET] = "INSERT INTO printer_state(name, uri, state, reason, flags, last_error,"
			  " updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(name) DO"
			  " UPDATE SET uri = excluded.uri, state = excluded.state,"
			  " reason = excluded.reason, flags = excluded.flags,"
			  " last_error = coalesce(excluded.last_error, printer_state.last_error),"
			  " updated_ms = excluded.updated_ms",
	[Q_PRINTER_GET] = "SELECT name, uri, state, reason, flags, coalesce(last_error, ''),"
			  " updated_ms FROM printer_state WHERE name = ?1",
	[Q_PRINTER_EACH] = "SELECT name, uri, state, reason, flags, coalesce(last_error, ''),"
			   " updated_ms FROM printer_state UNION ALL SELECT DISTINCT printer, '',"
			   " 'unknown', '', '', '', 0 FROM label_job"
			   " WHERE printer NOT IN (SELECT name FROM printer_state) ORDER BY 1",
	/* ---- end of the print queue ---- */
	/* ---- the sync state (store_sync.c, qcstation sync) ----------------
	 * Pending events are the rows of outbox_unsent (schema version 5),
	 * walked in id order, each event read by its rowid. */
	[Q_SYNC_PENDING] = "SELECT o.id, o.uuid, o.type, o.entity, o.payload, o.created_ms"
			   " FROM outbox_unsent u CROSS JOIN outbox o ON o.id = u.id"
			   " WHERE u.id > ?1 ORDER BY u.id LIMIT ?2",
	/* A batch's acknowledgement (store_sync.c): ?1 is a JSON array of
	 * outbox ids. */
	[Q_SYNC_UNSENT_DEL_MANY] = "DELETE FROM outbox_unsent"
				   " WHERE id IN (SELECT value FROM json_each(?1))",
	[Q_SYNC_OUTBOX_EXISTS] = "SELECT 1 FROM outbox WHERE id = ?1",
	[Q_SYNC_RESULT_ADD] = "INSERT INTO sync_result(outbox_id, result, server_seq, reason, ts_ms)"
			      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(outbox_id) DO NOTHING",
	[Q_SYNC_CURSOR_GET] = "SELECT cursor FROM sync_cursor WHERE feed = ?1",
	[Q_SYNC_CURSOR_SET] = "INSERT INTO sync_cursor(feed, cursor, ts_ms) VALUES (?1, ?2, ?3)"
			      " ON CONFLICT(feed) DO UPDATE SET cursor = excluded.cursor,"
			      " ts_ms = excluded.ts_ms",
	[Q_SYNC_INBOX_PUT] = "INSERT INTO sync_inbox(kind, key, seq, data, state, error,"
			     " received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
			     " ON CONFLICT(kind, key) DO UPDATE SET seq = excluded.seq,"
			     " data = excluded.data, state = excluded.state,"
			     " error = excluded.error, received_ms = excluded.received_ms",
	[Q_SYNC_INBOX_GET] = "SELECT data FROM sync_inbox WHERE kind = ?1 AND key = ?2",
	/* What the store sends about an order's state (SHP-03, CUS-01,
	 * CUS-02), onto the order row when there is one.  A value of the
	 * wrong type breaks the columns' CHECK: the item is then refused. */
	[Q_SYNC_ORDER_CANCEL] = "UPDATE orders SET cancelled = 1, updated_ms = " NOW_MS
				" WHERE number = ?1",
	[Q_SYNC_ORDER_PAYMENT] = "UPDATE orders SET"
				 " deposit_paid = coalesce(json_extract(?2, '$.deposit_paid'),"
				 "  deposit_paid),"
				 " balance_paid = coalesce(json_extract(?2, '$.balance_paid'),"
				 "  balance_paid), updated_ms = " NOW_MS " WHERE number = ?1",
	[Q_SYNC_ORDER_CONFIRM] = "UPDATE orders SET customer_confirmed ="
				 " coalesce(json_extract(?2, '$.confirmed'), customer_confirmed),"
				 " updated_ms = " NOW_MS " WHERE number = ?1",
	[Q_SYNC_ITEM_SAVEPOINT] = "SAVEPOINT st_sync_item",
	[Q_SYNC_ITEM_RELEASE] = "RELEASE st_sync_item",
	[Q_SYNC_ITEM_ROLLBACK_TO] = "ROLLBACK TO st_sync_item",
	[Q_SYNC_STATUS_SET] = "INSERT INTO sync_status(id, last_attempt_ms, last_success_ms,"
			      " last_error) VALUES (1, ?1, ?2, ?3) ON CONFLICT(id) DO UPDATE SET"
			      " last_attempt_ms = ?1,"
			      " last_success_ms = coalesce(?2, sync_status.last_success_ms),"
			      " last_error = ?3",
	[Q_SYNC_STATUS_GET] = "SELECT (SELECT count(*) FROM outbox_unsent),"
			      " (SELECT count(*) FROM sync_result WHERE result <> 'rejected'),"
			      " (SELECT count(*) FROM sync_result WHERE result = 'rejected'),"
			      " (SELECT count(*) FROM sync_inbox WHERE state = 'failed'),"
			      " (SELECT coalesce(last_attempt_ms, 0) FROM sync_status),"
			      " (SELECT coalesce(last_success_ms, 0) FROM sync_status),"
			      " (SELECT last_error FROM sync_status),"
			      " (SELECT cursor FROM sync_cursor WHERE feed = ?1)",
	[Q_SYNC_DEAD_LIST] = "SELECT o.id, o.uuid, o.type, o.entity, r.reason, r.ts_ms"
			     " FROM sync_result r JOIN outbox o ON o.id = r.outbox_id"
			     " WHERE r.result = 'rejected' ORDER BY o.id",
	[Q_SYNC_INBOX_FAILED] = "SELECT kind, key, seq, error, received_ms FROM sync_inbox"
				" WHERE state = 'failed' ORDER BY seq",
};

/* ---- errors ----------------------------------------------------------------- */

int store_map_rc(int sqlite_rc)
{
	switch (sqlite_rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ST_OK;
	case SQLITE_NOMEM:
		return ST_ERR_NOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ST_ERR_BUSY;
	case SQLITE_FULL:
		return ST_ERR_FULL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return ST_ERR_CORRUPT;
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return ST_ERR_READONLY;
	case SQLITE_CANTOPEN:
		return ST_ERR_NOTFOUND;
	case SQLITE_CONSTRAINT:
		return ST_ERR_CONSTRAINT;
	case SQLITE_IOERR:
		return ST_ERR_IO;
	default:
		return ST_ERR_DB;
	}
}

int store_set_err(struct st_store *s, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
	va_end(ap);
	return rc;
}

static int fail_conn(struct st_store *s, sqlite3 *db, const char *what)
{
	int code = sqlite3_extended_errcode(db);
	int rc = store_map_rc(code);

	if (rc == ST_OK) /* a caller's logic error reported as a failure */
		rc = ST_ERR_DB;
	/* SQLITE_IOERR_NOMEM and the like are no I/O errors. */
	if (code == SQLITE_IOERR_NOMEM)
		rc = ST_ERR_NOMEM;
	return store_set_err(s, rc, "%s: %s", what, sqlite3_errmsg(db));
}

int store_fail(struct st_store *s, const char *what)
{
	return fail_conn(s, s->db, what);
}

const char *st_store_errmsg(const struct st_store *s)
{
	if (!s)
		return "no store";
	return s->errmsg[0] ? s->errmsg : "no error";
}

/* ---- statement helpers -------------------------------------------------- */

void store_q_end(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

/* Bind a fixed-size char field (NUL-terminated within cap). */
void store_bind_field(sqlite3_stmt *q, int i, const char *f, size_t cap)
{
	sqlite3_bind_text(q, i, f, (int)strnlen(f, cap), SQLITE_STATIC);
}

/* Same, but "" binds NULL ("none"). */
void store_bind_field_or_null(sqlite3_stmt *q, int i, const char *f, size_t cap)
{
	if (f[0])
		store_bind_field(q, i, f, cap);
	else
		sqlite3_bind_null(q, i);
}

/* A NUL-terminated string or NULL (binds NULL). */
void store_bind_str(sqlite3_stmt *q, int i, const char *str)
{
	if (str)
		sqlite3_bind_text(q, i, str, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, i);
}

/* Copy column i into dst[cap].  False when it does not fit: data from the
 * file is never truncated silently. */
bool store_col_copy(sqlite3_stmt *q, int i, char *dst, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	size_t n = (size_t)sqlite3_column_bytes(q, i);

	if (!t)
		n = 0;
	if (n >= cap)
		return false;
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
	return true;
}

/* Step a statement that returns no row; reset it. */
int store_q_exec(struct st_store *s, enum q which, const char *what)
{
	sqlite3_stmt *q = s->stmt[which];
	int rc = ST_OK;

	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_fail(s, what);
	store_q_end(q);
	return rc;
}

/* Same, for the failure paths: errors are ignored and s->errmsg (the
 * failure being handled) is kept. */
static void q_exec_quiet(struct st_store *s, enum q which)
{
	sqlite3_step(s->stmt[which]);
	store_q_end(s->stmt[which]);
}

/* Step a bound INSERT/UPSERT ... RETURNING id to its end; reset it. */
int store_q_returning_id(struct st_store *s, sqlite3_stmt *q, const char *what, int64_t *id)
{
	int rc = ST_OK;
	int64_t v = 0;

	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = store_fail(s, what);
		goto out;
	}
	v = sqlite3_column_int64(q, 0);
	/* Step to the end: under autocommit this is where the change commits. */
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = store_fail(s, what);
		goto out;
	}
	if (id)
		*id = v;
out:
	store_q_end(q);
	return rc;
}

/* Step a bound SELECT expected to return one row: 1 when it did (the caller
 * reads the columns and calls store_q_end()), 0 when there is none, or a negative
 * ST_ERR_* (the statement is reset in both of these cases). */
int store_q_row(struct st_store *s, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		store_q_end(q);
		return 0;
	}
	rc = store_fail(s, what);
	store_q_end(q);
	return rc;
}

/* Look up one id column with a single text parameter.  ST_ERR_NOTFOUND
 * (message "what: none") when there is no row. */
static int q_id_by_text(struct st_store *s, enum q which, const char *key, size_t cap,
			const char *what, int64_t *id)
{
	sqlite3_stmt *q = s->stmt[which];
	int rc;

	store_bind_field(q, 1, key, cap);
	rc = store_q_row(s, q, what);
	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "%s: not found", what);
	if (rc < 0)
		return rc;
	*id = sqlite3_column_int64(q, 0);
	store_q_end(q);
	return ST_OK;
}

/* ---- transactions ---------------------------------------------------------- */

/* Make the next changes one unit: BEGIN (IMMEDIATE when write) when the
 * caller has no transaction open, else a savepoint in the caller's. */
int store_tx_enter(struct st_store *s, bool write, enum store_tx *tx)
{
	if (sqlite3_get_autocommit(s->db)) {
		*tx = STORE_TX_OWN;
		return store_q_exec(s, write ? Q_BEGIN : Q_BEGIN_READ, "begin");
	}
	*tx = STORE_TX_SAVEPOINT;
	return store_q_exec(s, Q_SAVEPOINT, "savepoint");
}

/* Close what store_tx_enter() opened: commit when rc is 0, else undo.  Returns
 * rc, or the commit's error. */
int store_tx_leave(struct st_store *s, enum store_tx tx, int rc)
{
	if (rc == ST_OK) {
		rc = store_q_exec(s, tx == STORE_TX_OWN ? Q_COMMIT : Q_RELEASE, "commit");
		if (rc == ST_OK)
			return rc;
	}
	if (tx == STORE_TX_OWN) {
		/* Some errors (FULL, IOERR, NOMEM) already rolled back. */
		if (!sqlite3_get_autocommit(s->db))
			q_exec_quiet(s, Q_ROLLBACK);
	} else {
		q_exec_quiet(s, Q_ROLLBACK_TO);
		q_exec_quiet(s, Q_RELEASE);
	}
	return rc;
}

int st_store_begin(struct st_store *s)
{
	assert(s);
	return store_q_exec(s, Q_BEGIN, "begin");
}

int st_store_commit(struct st_store *s)
{
	assert(s);
	return store_q_exec(s, Q_COMMIT, "commit");
}

void st_store_rollback(struct st_store *s)
{
	assert(s);
	if (!sqlite3_get_autocommit(s->db))
		q_exec_quiet(s, Q_ROLLBACK);
}

/* ---- open and close -------------------------------------------------------- */

/* Run a one-off statement at open (pragmas that are not worth keeping
 * prepared) and copy the first column of its first row, if any, to
 * val[cap]. */
static int exec_once(struct st_store *s, const char *sql, char *val, size_t cap)
{
	sqlite3_stmt *q = NULL;
	int rc = ST_OK, step;

	if (val && cap)
		val[0] = '\0';
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, sql);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (val && cap && !val[0] && !store_col_copy(q, 0, val, cap))
			val[0] = '?';
	}
	if (step != SQLITE_DONE)
		rc = store_fail(s, sql);
	sqlite3_finalize(q);
	return rc;
}

/* The file's schema version, read without writing anything (a SELECT of
 * the header field; no journal mode change, no lock beyond a read). */
static int read_version(struct st_store *s, int *v)
{
	char buf[16];
	char *end;
	long n;
	int rc;

	rc = exec_once(s, "PRAGMA user_version", buf, sizeof(buf));
	if (rc < 0)
		return rc;
	errno = 0;
	n = strtol(buf, &end, 10);
	if (errno || end == buf || *end || n < INT32_MIN || n > INT32_MAX)
		return store_set_err(s, ST_ERR_CORRUPT, "schema version is not a number");
	*v = (int)n;
	return ST_OK;
}

static int prepare_all(struct st_store *s)
{
	for (int i = 0; i < Q__COUNT; i++) {
		assert(q_sql[i]);
		if (sqlite3_prepare_v3(s->db, q_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
				       NULL) != SQLITE_OK) {
			char what[32];

			snprintf(what, sizeof(what), "prepare query %d", i);
			return store_fail(s, what);
		}
	}
	return ST_OK;
}

/* Pragmas and migrations of a writable connection. */
static int setup_writable(struct st_store *s, bool mem)
{
	char mode[16];
	int rc;

	/* Setting WAL writes the header of a new file: only after the version
	 * check, so that a newer file is left exactly as it was. */
	rc = exec_once(s, "PRAGMA journal_mode = WAL", mode, sizeof(mode));
	if (rc < 0)
		return rc;
	if (strcmp(mode, "wal") != 0 && !(mem && strcmp(mode, "memory") == 0))
		return store_set_err(s, ST_ERR_DB,
				     "journal mode stays \"%s\" (WAL needs a local file system)",
				     mode);
	rc = exec_once(s, "PRAGMA synchronous = FULL", NULL, 0);
	if (rc < 0)
		return rc;
	return store_schema_migrate(s);
}

static int setup_foreign_keys(struct st_store *s)
{
	char on[8];
	int rc;

	rc = exec_once(s, "PRAGMA foreign_keys = ON", NULL, 0);
	if (rc < 0)
		return rc;
	rc = exec_once(s, "PRAGMA foreign_keys", on, sizeof(on));
	if (rc < 0)
		return rc;
	if (strcmp(on, "1") != 0)
		return store_set_err(s, ST_ERR_DB, "foreign keys cannot be enabled");
	return ST_OK;
}

void st_store_process_init(void)
{
	/* SQLITE_MISUSE once SQLite has started: then it is too late, and
	 * harmless. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The message of a failed sqlite3_open_v2(): CANTOPEN says little, errno
 * says whether the folder is missing or not writable. */
static int open_error(struct st_store *s, bool create)
{
	int code = sqlite3_errcode(s->db);
	int e = sqlite3_system_errno(s->db);

	if ((code & 0xff) != SQLITE_CANTOPEN)
		return store_fail(s, "open");
	if (e == EACCES || e == EPERM || e == EROFS)
		return store_set_err(s, ST_ERR_READONLY, "cannot %s the file (%s)",
				     create ? "create" : "open", strerror(e));
	if (e == ENOENT)
		return store_set_err(s, ST_ERR_NOTFOUND, "the folder does not exist");
	if (e == EISDIR)
		return store_set_err(s, ST_ERR_IO, "is a folder, not a database file");
	if (e == ENOSPC)
		return store_set_err(s, ST_ERR_FULL, "cannot create the file (%s)", strerror(e));
	return store_set_err(s, ST_ERR_IO, "cannot open the file (%s)",
			     e ? strerror(e) : sqlite3_errmsg(s->db));
}

/* True when path's write-ahead log holds frames not yet in the file. */
static bool wal_has_frames(const char *path)
{
	struct stat st;
	size_t n = strlen(path) + sizeof("-wal");
	char *wal = malloc(n);
	bool frames;

	if (!wal)
		return true; /* when in doubt, leave it alone */
	snprintf(wal, n, "%s-wal", path);
	frames = stat(wal, &st) == 0 && st.st_size > 32; /* more than the WAL header */
	free(wal);
	return frames;
}

int st_store_open(const char *path, const struct st_store_opts *opts, struct st_store **out,
		  char *err, size_t errlen)
{
	struct st_store_opts o = { 0 };
	struct st_store *s = NULL;
	struct stat st;
	bool mem;
	int rc, flags, v = 0;

	assert(path && out);
	if (opts)
		o = *opts;
	if (err && errlen)
		err[0] = '\0';

	s = calloc(1, sizeof(*s));
	if (!s) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return ST_ERR_NOMEM;
	}
	s->readonly = o.readonly;
	mem = path[0] == '\0' || strcmp(path, ":memory:") == 0;

	if (!mem && (o.readonly || !o.create)) {
		if (stat(path, &st) != 0) {
			if (errno == ENOENT)
				rc = store_set_err(s, ST_ERR_NOTFOUND, "no such database file");
			else
				rc = store_set_err(s, ST_ERR_IO, "%s", strerror(errno));
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = store_set_err(s, ST_ERR_IO, "is a folder, not a database file");
			goto out;
		}
	}

	/* NOMUTEX: one thread owns a store at a time (STYLE.md 7), so
	 * SQLite's per-call connection mutex only costs (8 % of `qcstation
	 * sync`'s profile, docs/performance.md). */
	flags = SQLITE_OPEN_NOMUTEX |
		(o.readonly ? SQLITE_OPEN_READONLY
			    : SQLITE_OPEN_READWRITE | (o.create ? SQLITE_OPEN_CREATE : 0));
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = s->db ? open_error(s, o.create)
			   : store_set_err(s, ST_ERR_NOMEM, "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	s->busy_timeout_ms = o.busy_timeout_ms > 0 ? o.busy_timeout_ms : 5000;
	sqlite3_busy_timeout(s->db, s->busy_timeout_ms);

	rc = read_version(s, &v);
	if (rc < 0)
		goto out;
	if (v > ST_STORE_SCHEMA_VERSION) {
		rc = ST_ERR_SCHEMA_NEWER;
		goto out;
	}
	if (v < 0) {
		rc = store_set_err(s, ST_ERR_CORRUPT, "schema version %d is not valid", v);
		goto out;
	}
	rc = setup_foreign_keys(s);
	if (rc < 0)
		goto out;
	if (o.readonly) {
		if (v < ST_STORE_SCHEMA_VERSION) {
			rc = store_set_err(s, ST_ERR_READONLY,
					   "schema %d is older than this build's %d; open it "
					   "writable once to upgrade it",
					   v, ST_STORE_SCHEMA_VERSION);
			goto out;
		}
	} else {
		rc = setup_writable(s, mem);
		if (rc < 0)
			goto out;
	}
	rc = prepare_all(s);
	if (rc < 0)
		goto out;
	s->errmsg[0] = '\0';
	*out = s;
	return ST_OK;

out:
	/* A newer qcstation's unfinished WAL is its business: do not
	 * checkpoint it into the file on close (the one write a refused open
	 * could still do).  An empty one is removed as usual. */
	if (rc == ST_ERR_SCHEMA_NEWER && wal_has_frames(path))
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	if (err && errlen) {
		switch (rc) {
		case ST_ERR_SCHEMA_NEWER:
			snprintf(err, errlen,
				 "%s: made by a newer qcstation (schema %d, this build knows %d); "
				 "nothing was changed",
				 path, v, ST_STORE_SCHEMA_VERSION);
			break;
		case ST_ERR_CORRUPT:
			snprintf(err, errlen, "%s: not a qcstation database, or damaged (%s)", path,
				 s->errmsg);
			break;
		case ST_ERR_BUSY:
			snprintf(err, errlen, "%s: locked by another process (%s); try again later",
				 path, s->errmsg);
			break;
		default:
			snprintf(err, errlen, "%s: %s", path, s->errmsg);
			break;
		}
	}
	st_store_close(s);
	return rc;
}

void st_store_close(struct st_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* _v2: never leaves the handle open, even if something was missed. */
	sqlite3_close_v2(s->db);
	free(s->order_tmp);
	free(s->insp_tmp);
	st_sha256_free(s->sha);
	free(s);
}

int st_store_schema_version(struct st_store *s, int *out)
{
	sqlite3_stmt *q;
	int rc;

	assert(s && out);
	q = s->stmt[Q_USER_VERSION];
	rc = store_q_row(s, q, "schema_version");
	if (rc == 0)
		return store_set_err(s, ST_ERR_DB, "schema_version: no row");
	if (rc < 0)
		return rc;
	*out = sqlite3_column_int(q, 0);
	store_q_end(q);
	return ST_OK;
}

/* ---- integrity and backup -------------------------------------------------- */

int st_store_check(struct st_store *s, st_store_report_fn *report, void *ud)
{
	sqlite3_stmt *q;
	char line[512];
	unsigned problems = 0;
	int rc;

	assert(s);
	q = s->stmt[Q_INTEGRITY];
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);

		if (t && strcmp(t, "ok") == 0)
			continue;
		problems++;
		snprintf(line, sizeof(line), "integrity: %s", t ? t : "(no detail)");
		if (report)
			report(line, ud);
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, "integrity_check");
		store_q_end(q);
		return rc;
	}
	store_q_end(q);

	/* Rows: table, rowid, parent table, foreign key index. */
	q = s->stmt[Q_FK_CHECK];
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(q, 0);
		const char *parent = (const char *)sqlite3_column_text(q, 2);

		problems++;
		snprintf(line, sizeof(line), "foreign key: %s row %lld refers to a missing %s row",
			 table ? table : "?", (long long)sqlite3_column_int64(q, 1),
			 parent ? parent : "?");
		if (report)
			report(line, ud);
	}
	if (rc != SQLITE_DONE) {
		rc = store_fail(s, "foreign_key_check");
		store_q_end(q);
		return rc;
	}
	store_q_end(q);
	if (problems)
		return store_set_err(s, ST_ERR_CORRUPT, "check: %u problem%s found", problems,
				     problems == 1 ? "" : "s");
	return ST_OK;
}

static int errno_to_st(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case EROFS:
		return ST_ERR_READONLY;
	case ENOENT:
	case ENOTDIR:
		return ST_ERR_NOTFOUND;
	case ENOSPC:
	case EDQUOT:
		return ST_ERR_FULL;
	case ENOMEM:
		return ST_ERR_NOMEM;
	default:
		return ST_ERR_IO;
	}
}

/* Make the rename of the finished backup durable: fsync its folder. */
static void sync_dir_of(const char *path)
{
	char *dir = strdup(path);
	char *slash;
	int fd;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (!slash)
		memcpy(dir, ".", 2);
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int st_store_backup(struct st_store *s, const char *dest_path, st_store_progress_fn *progress,
		    void *ud)
{
	sqlite3 *d = NULL;
	sqlite3_backup *b = NULL;
	char *tmp = NULL;
	size_t n;
	int fd, rc = ST_OK, step, waited_ms = 0;
	bool tmp_made = false;

	assert(s && dest_path);
	n = strlen(dest_path) + sizeof(".tmp-XXXXXX");
	tmp = malloc(n);
	if (!tmp)
		return store_set_err(s, ST_ERR_NOMEM, "backup: out of memory");
	snprintf(tmp, n, "%s.tmp-XXXXXX", dest_path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = store_set_err(s, errno_to_st(errno),
				   "backup: cannot create a file beside the destination (%s)",
				   strerror(errno));
		goto out;
	}
	tmp_made = true;
	close(fd);

	if (sqlite3_open_v2(tmp, &d, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = d ? fail_conn(s, d, "backup: open destination")
		       : store_set_err(s, ST_ERR_NOMEM, "backup: out of memory");
		goto out;
	}
	b = sqlite3_backup_init(d, "main", s->db, "main");
	if (!b) {
		rc = fail_conn(s, d, "backup");
		goto out;
	}
	for (;;) {
		step = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		if (step == SQLITE_OK || step == SQLITE_DONE) {
			int total = sqlite3_backup_pagecount(b);

			waited_ms = 0;
			if (progress)
				progress(total - sqlite3_backup_remaining(b), total, ud);
			if (step == SQLITE_DONE)
				break;
			continue;
		}
		/* The source is briefly locked (another process checkpoints, or
		 * this connection is mid-statement): wait, within the same
		 * budget as the busy timeout. */
		if ((step == SQLITE_BUSY || step == SQLITE_LOCKED) &&
		    waited_ms < s->busy_timeout_ms) {
			sqlite3_sleep(10);
			waited_ms += 10;
			continue;
		}
		break;
	}
	if (step != SQLITE_DONE) {
		rc = store_map_rc(step);
		rc = store_set_err(s, rc < 0 ? rc : ST_ERR_DB, "backup: %s", sqlite3_errstr(step));
		goto out;
	}
	step = sqlite3_backup_finish(b);
	b = NULL;
	if (step != SQLITE_OK) {
		rc = fail_conn(s, d, "backup");
		goto out;
	}
	if (sqlite3_close(d) != SQLITE_OK) {
		rc = fail_conn(s, d, "backup: close destination");
		goto out;
	}
	d = NULL;
	if (rename(tmp, dest_path) != 0) {
		rc = store_set_err(s, errno_to_st(errno), "backup: cannot rename into place (%s)",
				   strerror(errno));
		goto out;
	}
	tmp_made = false;
	sync_dir_of(dest_path);
out:
	if (b)
		sqlite3_backup_finish(b);
	if (d)
		sqlite3_close_v2(d);
	if (tmp_made)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ---- stations, operators, sessions ----------------------------------------- */

int st_store_station_ensure(struct st_store *s, const char *code, const char *name, int64_t *id)
{
	sqlite3_stmt *q;

	assert(s && code);
	q = s->stmt[Q_STATION_ENSURE];
	store_bind_str(q, 1, code);
	store_bind_str(q, 2, name);
	return store_q_returning_id(s, q, "station_ensure", id);
}

int st_store_operator_upsert(struct st_store *s, const struct st_operator *op, int64_t *id)
{
	sqlite3_stmt *q;

	assert(s && op);
	q = s->stmt[Q_OPERATOR_UPSERT];
	BIND_FIELD(q, 1, op->badge);
	BIND_FIELD(q, 2, op->name);
	BIND_FIELD(q, 3, op->role);
	sqlite3_bind_int(q, 4, op->active);
	return store_q_returning_id(s, q, "operator_upsert", id);
}

int st_store_operator_by_badge(struct st_store *s, const char *badge, struct st_operator *out)
{
	struct st_operator op = { 0 };
	sqlite3_stmt *q;
	bool ok;
	int rc;

	assert(s && badge && out);
	q = s->stmt[Q_OPERATOR_BY_BADGE];
	store_bind_str(q, 1, badge);
	rc = store_q_row(s, q, "operator_by_badge");
	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "operator_by_badge: no such operator");
	if (rc < 0)
		return rc;
	op.id = sqlite3_column_int64(q, 0);
	ok = COL_COPY(q, 1, op.badge) && COL_COPY(q, 2, op.name) && COL_COPY(q, 3, op.role);
	op.active = sqlite3_column_int(q, 4) != 0;
	store_q_end(q);
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "operator_by_badge: a stored value is too long");
	*out = op;
	return ST_OK;
}

int st_store_session_start(struct st_store *s, int64_t operator_id, int64_t station_id,
			   int64_t ts_ms, int64_t *id)
{
	sqlite3_stmt *q;
	enum store_tx tx;
	int rc;

	assert(s);
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	/* One shift per station at a time: a new badge ends the last one. */
	q = s->stmt[Q_SESSION_CLOSE_OPEN];
	sqlite3_bind_int64(q, 1, station_id);
	sqlite3_bind_int64(q, 2, ts_ms);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_fail(s, "session_start");
	store_q_end(q);
	if (rc == ST_OK) {
		q = s->stmt[Q_SESSION_START];
		sqlite3_bind_int64(q, 1, operator_id);
		sqlite3_bind_int64(q, 2, station_id);
		sqlite3_bind_int64(q, 3, ts_ms);
		rc = store_q_returning_id(s, q, "session_start", id);
	}
	return store_tx_leave(s, tx, rc);
}

int st_store_session_end(struct st_store *s, int64_t session_id, int64_t ts_ms)
{
	sqlite3_stmt *q;
	int rc = ST_OK;

	assert(s);
	q = s->stmt[Q_SESSION_END];
	sqlite3_bind_int64(q, 1, session_id);
	sqlite3_bind_int64(q, 2, ts_ms);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_fail(s, "session_end");
	else if (sqlite3_changes(s->db) == 0)
		rc = store_set_err(s, ST_ERR_NOTFOUND, "session_end: no such open session");
	store_q_end(q);
	return rc;
}

/* ---- raw scans and the outbox ----------------------------------------------- */

int st_store_scan_add(struct st_store *s, const struct st_scan_rec *rec, int64_t *id)
{
	sqlite3_stmt *q;

	assert(s && rec && rec->source);
	assert(rec->raw || rec->raw_len == 0);
	q = s->stmt[Q_SCAN_ADD];
	sqlite3_bind_int64(q, 1, rec->station_id);
	if (rec->operator_id)
		sqlite3_bind_int64(q, 2, rec->operator_id);
	else
		sqlite3_bind_null(q, 2);
	store_bind_str(q, 3, rec->source);
	store_bind_str(q, 4, rec->symbology);
	/* A NULL pointer would bind NULL: an empty scan is a zero-length blob. */
	if (rec->raw_len)
		sqlite3_bind_blob64(q, 5, rec->raw, rec->raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(q, 5, 0);
	sqlite3_bind_int(q, 6, rec->truncated);
	store_bind_str(q, 7, rec->kind);
	sqlite3_bind_int(q, 8, rec->valid);
	sqlite3_bind_int64(q, 9, rec->ts_ms);
	return store_q_returning_id(s, q, "scan_add", id);
}

static int count_one(struct st_store *s, enum q which, const char *what, int64_t *a,
		     int64_t *b)
{
	sqlite3_stmt *q = s->stmt[which];
	int rc;

	rc = store_q_row(s, q, what);
	if (rc == 0)
		return store_set_err(s, ST_ERR_DB, "%s: no row", what);
	if (rc < 0)
		return rc;
	if (a)
		*a = sqlite3_column_int64(q, 0);
	if (b)
		*b = sqlite3_column_int64(q, 1);
	store_q_end(q);
	return ST_OK;
}

int st_store_scan_count(struct st_store *s, int64_t *out)
{
	assert(s && out);
	return count_one(s, Q_SCAN_COUNT, "scan_count", out, NULL);
}

/* A time-ordered (version 7, RFC 9562) UUID in its 36-character text form:
 * 48 bits of Unix milliseconds, then a 12-bit counter that starts at a
 * random value in the lower half each millisecond (so up to 2048 ids of one
 * millisecond still sort in the order they were made), then 62 random bits.
 * Time order keeps inserts at the end of the outbox's UNIQUE index (a v4 id
 * dirtied a random index page per event: bench/bench_ingest.c) and lets the
 * central store see roughly when an event was made from its id alone. */
static int uuid_v7(struct st_store *s, int64_t ts_ms, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t ms = ts_ms > 0 ? (uint64_t)ts_ms : 0;
	uint8_t b[16];
	ssize_t n;
	size_t o = 0;

	do
		n = getrandom(b, sizeof(b), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(b))
		return store_set_err(s, ST_ERR_IO, "outbox_add: no random bytes for the event id (%s)",
				     n < 0 ? strerror(errno) : "short read");
	if (ms != s->uuid_ms || s->uuid_seq >= 0xfff) {
		s->uuid_ms = ms;
		s->uuid_seq = (unsigned)((b[6] << 8 | b[7]) & 0x7ff);
	} else {
		s->uuid_seq++;
	}
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(ms >> (40 - 8 * i));
	b[6] = (uint8_t)(0x70 | ((s->uuid_seq >> 8) & 0x0f)); /* version 7 */
	b[7] = (uint8_t)(s->uuid_seq & 0xff);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant 10xx */
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
	return ST_OK;
}

int store_uuid(struct st_store *s, int64_t ts_ms, char out[37])
{
	return uuid_v7(s, ts_ms, out);
}

int st_store_outbox_add(struct st_store *s, const struct st_outbox_rec *rec, int64_t *id,
			char uuid_out[37])
{
	sqlite3_stmt *q;
	char uuid[37];
	int rc;

	assert(s && rec && rec->type && rec->entity && rec->payload);
	rc = uuid_v7(s, rec->ts_ms, uuid);
	if (rc < 0)
		return rc;
	q = s->stmt[Q_OUTBOX_ADD];
	sqlite3_bind_text(q, 1, uuid, 36, SQLITE_STATIC);
	store_bind_str(q, 2, rec->type);
	store_bind_str(q, 3, rec->entity);
	store_bind_str(q, 4, rec->payload);
	sqlite3_bind_int64(q, 5, rec->ts_ms);
	rc = store_q_returning_id(s, q, "outbox_add", id);
	if (rc == ST_OK && uuid_out)
		memcpy(uuid_out, uuid, sizeof(uuid));
	return rc;
}

int st_store_outbox_count(struct st_store *s, int64_t *pending, int64_t *total)
{
	assert(s);
	return count_one(s, Q_OUTBOX_COUNT, "outbox_count", pending, total);
}

/* ---- catalogue ------------------------------------------------------------- */

int st_store_category_ensure(struct st_store *s, const char *code, const char *name, int64_t *id)
{
	sqlite3_stmt *q;

	assert(s && code);
	q = s->stmt[Q_CATEGORY_ENSURE];
	store_bind_str(q, 1, code);
	store_bind_str(q, 2, name);
	return store_q_returning_id(s, q, "category_ensure", id);
}

int st_store_category_by_code(struct st_store *s, const char *code, int64_t *id)
{
	int64_t v = 0;
	int rc;

	assert(s && code);
	rc = q_id_by_text(s, Q_CATEGORY_ID, code, SIZE_MAX, "category_by_code", &v);
	if (rc == ST_OK && id)
		*id = v;
	return rc;
}

int st_store_product_upsert(struct st_store *s, const struct st_product *p, int64_t *id)
{
	sqlite3_stmt *q;
	int64_t cat = 0;
	enum store_tx tx;
	int rc;

	assert(s && p);
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	rc = q_id_by_text(s, Q_CATEGORY_ID, p->category, sizeof(p->category), "product_upsert",
			  &cat);
	if (rc == ST_ERR_NOTFOUND)
		rc = store_set_err(s, ST_ERR_CONSTRAINT, "product_upsert: no such category");
	if (rc == ST_OK) {
		q = s->stmt[Q_PRODUCT_UPSERT];
		BIND_FIELD(q, 1, p->sku);
		BIND_FIELD_OR_NULL(q, 2, p->gtin);
		BIND_FIELD(q, 3, p->name);
		sqlite3_bind_int64(q, 4, cat);
		sqlite3_bind_int(q, 5, p->final_sale);
		rc = store_q_returning_id(s, q, "product_upsert", id);
	}
	return store_tx_leave(s, tx, rc);
}

/* Read PRODUCT_COLS starting at column c. */
static bool read_product(sqlite3_stmt *q, int c, struct st_product *p)
{
	p->id = sqlite3_column_int64(q, c);
	p->final_sale = sqlite3_column_int(q, c + 5) != 0;
	return COL_COPY(q, c + 1, p->sku) && COL_COPY(q, c + 2, p->gtin) &&
	       COL_COPY(q, c + 3, p->name) && COL_COPY(q, c + 4, p->category);
}

static int product_by(struct st_store *s, enum q which, const char *key, const char *what,
		      struct st_product *out)
{
	struct st_product p = { 0 };
	sqlite3_stmt *q = s->stmt[which];
	bool ok;
	int rc;

	store_bind_str(q, 1, key);
	rc = store_q_row(s, q, what);
	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "%s: no such product", what);
	if (rc < 0)
		return rc;
	ok = read_product(q, 0, &p);
	store_q_end(q);
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "%s: a stored value is too long", what);
	*out = p;
	return ST_OK;
}

int st_store_product_by_sku(struct st_store *s, const char *sku, struct st_product *out)
{
	assert(s && sku && out);
	return product_by(s, Q_PRODUCT_BY_SKU, sku, "product_by_sku", out);
}

int st_store_product_by_gtin(struct st_store *s, const char *gtin14, struct st_product *out)
{
	char key[15];
	size_t n;

	assert(s && gtin14 && out);
	/* GTIN-8/12/13 are the same numbers as their zero-padded GTIN-14. */
	n = strlen(gtin14);
	if (n == 0 || n > 14 || strspn(gtin14, "0123456789") != n)
		return store_set_err(s, ST_ERR_ARG, "product_by_gtin: not a GTIN");
	memset(key, '0', 14 - n);
	memcpy(key + 14 - n, gtin14, n + 1);
	return product_by(s, Q_PRODUCT_BY_GTIN, key, "product_by_gtin", out);
}

/* ---- orders ------------------------------------------------------------------ */

static void bind_ms_or_null(sqlite3_stmt *q, int i, int64_t ms)
{
	if (ms)
		sqlite3_bind_int64(q, i, ms);
	else
		sqlite3_bind_null(q, i);
}

static int line_upsert(struct st_store *s, int64_t order_id, const struct st_line *l)
{
	sqlite3_stmt *q;
	int64_t product_id = 0, line_id = 0;
	int rc;

	if (l->n_opt > ST_OPT_MAX)
		return store_set_err(s, ST_ERR_ARG, "order_upsert: too many options on a line");
	rc = q_id_by_text(s, Q_PRODUCT_ID, l->product.sku, sizeof(l->product.sku),
			  "order_upsert", &product_id);
	if (rc == ST_ERR_NOTFOUND)
		return store_set_err(s, ST_ERR_CONSTRAINT, "order_upsert: a line's product does "
							   "not exist");
	if (rc < 0)
		return rc;

	q = s->stmt[Q_LINE_UPSERT];
	sqlite3_bind_int64(q, 1, order_id);
	sqlite3_bind_int(q, 2, l->line_no);
	sqlite3_bind_int64(q, 3, product_id);
	sqlite3_bind_int(q, 4, l->quantity);
	sqlite3_bind_int(q, 5, l->final_sale);
	sqlite3_bind_int(q, 6, l->custom);
	sqlite3_bind_int(q, 7, l->design_your_own);
	sqlite3_bind_int(q, 8, l->special_order);
	sqlite3_bind_int(q, 9, l->personalized);
	sqlite3_bind_int(q, 10, l->custom_size);
	rc = store_q_returning_id(s, q, "order_upsert", &line_id);
	if (rc < 0)
		return rc;

	q = s->stmt[Q_LINE_OPT_CLEAR];
	sqlite3_bind_int64(q, 1, line_id);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_fail(s, "order_upsert");
	store_q_end(q);
	for (unsigned i = 0; rc == ST_OK && i < l->n_opt; i++) {
		q = s->stmt[Q_LINE_OPT_ADD];
		sqlite3_bind_int64(q, 1, line_id);
		BIND_FIELD(q, 2, l->opt[i].name);
		BIND_FIELD(q, 3, l->opt[i].value);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = store_fail(s, "order_upsert");
		store_q_end(q);
	}
	return rc;
}

int st_store_order_upsert(struct st_store *s, const struct st_order *o, int64_t *id)
{
	sqlite3_stmt *q;
	int64_t order_id = 0;
	enum store_tx tx;
	int rc;

	assert(s && o);
	if (o->n_line > ST_LINE_MAX)
		return store_set_err(s, ST_ERR_ARG, "order_upsert: too many lines");
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	q = s->stmt[Q_ORDER_UPSERT];
	BIND_FIELD(q, 1, o->number);
	BIND_FIELD(q, 2, o->customer_name);
	BIND_FIELD(q, 3, o->customer_email);
	BIND_FIELD_OR_NULL(q, 4, o->status);
	BIND_FIELD(q, 5, o->ship_country);
	sqlite3_bind_int(q, 6, o->cancelled);
	sqlite3_bind_int(q, 7, o->custom);
	sqlite3_bind_int(q, 8, o->gift_box);
	sqlite3_bind_int(q, 9, o->deposit_paid);
	sqlite3_bind_int(q, 10, o->balance_paid);
	sqlite3_bind_int(q, 11, o->customer_confirmed);
	bind_ms_or_null(q, 12, o->placed_ms);
	bind_ms_or_null(q, 13, o->delivered_ms);
	rc = store_q_returning_id(s, q, "order_upsert", &order_id);
	for (unsigned i = 0; rc == ST_OK && i < o->n_line; i++)
		rc = line_upsert(s, order_id, &o->line[i]);
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK && id)
		*id = order_id;
	return rc;
}

static int order_read_lines(struct st_store *s, struct st_order *o)
{
	sqlite3_stmt *q = s->stmt[Q_LINES_BY_ORDER];
	int rc, step;
	bool ok = true;

	sqlite3_bind_int64(q, 1, o->id);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct st_line *l;

		if (o->n_line == ST_LINE_MAX) {
			store_q_end(q);
			return store_set_err(s, ST_ERR_RANGE, "order_by_number: more than %d lines",
					     ST_LINE_MAX);
		}
		l = &o->line[o->n_line++];
		l->n_opt = 0;
		l->id = sqlite3_column_int64(q, 0);
		l->line_no = sqlite3_column_int(q, 1);
		l->quantity = sqlite3_column_int(q, 2);
		l->final_sale = sqlite3_column_int(q, 3) != 0;
		l->custom = sqlite3_column_int(q, 4) != 0;
		l->design_your_own = sqlite3_column_int(q, 5) != 0;
		l->special_order = sqlite3_column_int(q, 6) != 0;
		l->personalized = sqlite3_column_int(q, 7) != 0;
		l->custom_size = sqlite3_column_int(q, 8) != 0;
		ok = ok && read_product(q, 9, &l->product);
	}
	rc = step == SQLITE_DONE ? ST_OK : store_fail(s, "order_by_number");
	store_q_end(q);
	if (rc < 0)
		return rc;
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "order_by_number: a stored value is too long");

	for (unsigned i = 0; i < o->n_line; i++) {
		struct st_line *l = &o->line[i];

		q = s->stmt[Q_OPTS_BY_LINE];
		sqlite3_bind_int64(q, 1, l->id);
		while ((step = sqlite3_step(q)) == SQLITE_ROW) {
			struct st_option *opt;

			if (l->n_opt == ST_OPT_MAX) {
				store_q_end(q);
				return store_set_err(s, ST_ERR_RANGE,
						     "order_by_number: more than %d options on a line",
						     ST_OPT_MAX);
			}
			opt = &l->opt[l->n_opt++];
			ok = ok && COL_COPY(q, 0, opt->name) && COL_COPY(q, 1, opt->value);
		}
		rc = step == SQLITE_DONE ? ST_OK : store_fail(s, "order_by_number");
		store_q_end(q);
		if (rc < 0)
			return rc;
		if (!ok)
			return store_set_err(s, ST_ERR_RANGE,
					     "order_by_number: a stored option is too long");
	}
	return ST_OK;
}

int st_store_order_by_number(struct st_store *s, const char *number, struct st_order *out)
{
	struct st_order *o = NULL;
	sqlite3_stmt *q;
	enum store_tx tx;
	bool ok;
	int rc;

	assert(s && number && out);
	/* *out is written only on success, so the order is read into a scratch
	 * copy first.  It is kept between calls: allocating and clearing 300 KiB
	 * per scan was a tenth of the ingest CPU (bench/bench_ingest.c). */
	if (!s->order_tmp) {
		s->order_tmp = malloc(sizeof(*s->order_tmp));
		if (!s->order_tmp)
			return store_set_err(s, ST_ERR_NOMEM, "order_by_number: out of memory");
	}
	o = s->order_tmp;
	memset(o, 0, offsetof(struct st_order, line));
	/* One read transaction: the order and its lines from one snapshot. */
	rc = store_tx_enter(s, false, &tx);
	if (rc < 0)
		return rc;
	q = s->stmt[Q_ORDER_BY_NUMBER];
	store_bind_str(q, 1, number);
	rc = store_q_row(s, q, "order_by_number");
	if (rc == 0)
		rc = store_set_err(s, ST_ERR_NOTFOUND, "order_by_number: no such order");
	if (rc == 1) {
		o->id = sqlite3_column_int64(q, 0);
		ok = COL_COPY(q, 1, o->number) && COL_COPY(q, 2, o->customer_name) &&
		     COL_COPY(q, 3, o->customer_email) && COL_COPY(q, 4, o->status) &&
		     COL_COPY(q, 5, o->ship_country);
		o->cancelled = sqlite3_column_int(q, 6) != 0;
		o->custom = sqlite3_column_int(q, 7) != 0;
		o->gift_box = sqlite3_column_int(q, 8) != 0;
		o->deposit_paid = sqlite3_column_int(q, 9) != 0;
		o->balance_paid = sqlite3_column_int(q, 10) != 0;
		o->customer_confirmed = sqlite3_column_int(q, 11) != 0;
		o->placed_ms = sqlite3_column_int64(q, 12);
		o->delivered_ms = sqlite3_column_int64(q, 13);
		store_q_end(q);
		rc = ok ? order_read_lines(s, o)
			: store_set_err(s, ST_ERR_RANGE, "order_by_number: a stored value is too long");
	}
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK)
		memcpy(out, o, offsetof(struct st_order, line) + o->n_line * sizeof(o->line[0]));
	return rc;
}

/* ---- items ------------------------------------------------------------------- */

int st_store_item_upsert(struct st_store *s, const struct st_item *it, int64_t *id)
{
	sqlite3_stmt *q;
	int64_t product_id = 0, line_id = 0;
	enum store_tx tx;
	int rc;

	assert(s && it);
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	rc = q_id_by_text(s, Q_PRODUCT_ID, it->product.sku, sizeof(it->product.sku), "item_upsert",
			  &product_id);
	if (rc == ST_ERR_NOTFOUND)
		rc = store_set_err(s, ST_ERR_CONSTRAINT, "item_upsert: no such product");
	if (rc == ST_OK && it->order_number[0]) {
		q = s->stmt[Q_LINE_ID];
		BIND_FIELD(q, 1, it->order_number);
		sqlite3_bind_int(q, 2, it->line_no);
		rc = store_q_row(s, q, "item_upsert");
		if (rc == 0) {
			rc = store_set_err(s, ST_ERR_CONSTRAINT, "item_upsert: no such order line");
		} else if (rc == 1) {
			line_id = sqlite3_column_int64(q, 0);
			store_q_end(q);
			rc = ST_OK;
		}
	}
	if (rc == ST_OK) {
		q = s->stmt[Q_ITEM_UPSERT];
		BIND_FIELD(q, 1, it->serial);
		sqlite3_bind_int64(q, 2, product_id);
		if (line_id)
			sqlite3_bind_int64(q, 3, line_id);
		else
			sqlite3_bind_null(q, 3);
		BIND_FIELD_OR_NULL(q, 4, it->status);
		rc = store_q_returning_id(s, q, "item_upsert", id);
	}
	return store_tx_leave(s, tx, rc);
}

/* Read an item looked up by q (bound to its key) into *out. */
static int item_by(struct st_store *s, sqlite3_stmt *q, const char *what, struct st_item *out)
{
	struct st_item it = { 0 };
	bool ok;
	int rc;

	rc = store_q_row(s, q, what);
	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "%s: no such item", what);
	if (rc < 0)
		return rc;
	it.id = sqlite3_column_int64(q, 0);
	ok = COL_COPY(q, 1, it.serial) && COL_COPY(q, 2, it.status) &&
	     COL_COPY(q, 3, it.order_number) && read_product(q, 5, &it.product);
	it.line_no = sqlite3_column_int(q, 4);
	store_q_end(q);
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "%s: a stored value is too long", what);
	*out = it;
	return ST_OK;
}

int st_store_item_by_serial(struct st_store *s, const char *serial, struct st_item *out)
{
	sqlite3_stmt *q;

	assert(s && serial && out);
	q = s->stmt[Q_ITEM_BY_SERIAL];
	store_bind_str(q, 1, serial);
	return item_by(s, q, "item_by_serial", out);
}

int st_store_item_by_id(struct st_store *s, int64_t item_id, struct st_item *out)
{
	sqlite3_stmt *q;

	assert(s && out);
	q = s->stmt[Q_ITEM_BY_ID];
	sqlite3_bind_int64(q, 1, item_id);
	return item_by(s, q, "item_by_id", out);
}

int st_store_item_by_order_line(struct st_store *s, const char *number, int line_no,
				struct st_item *out)
{
	sqlite3_stmt *q;

	assert(s && number && out);
	q = s->stmt[Q_ITEM_BY_ORDER_LINE];
	store_bind_str(q, 1, number);
	sqlite3_bind_int(q, 2, line_no);
	return item_by(s, q, "item_by_order_line", out);
}

int st_store_item_set_status(struct st_store *s, int64_t item_id, const char *status)
{
	sqlite3_stmt *q;
	int rc = ST_OK;

	assert(s && status);
	q = s->stmt[Q_ITEM_SET_STATUS];
	sqlite3_bind_int64(q, 1, item_id);
	store_bind_str(q, 2, status);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_fail(s, "item_set_status");
	else if (sqlite3_changes(s->db) == 0)
		rc = store_set_err(s, ST_ERR_NOTFOUND, "item_set_status: no such item");
	store_q_end(q);
	return rc;
}

/* ---- reports -------------------------------------------------------------------- */

int st_store_inspection_each_by_item(struct st_store *s, st_store_inspection_fn *fn, void *ud)
{
	assert(s && fn);
	return store_inspection_walk(s, s->stmt[Q_INSPECTIONS_BY_ITEM], "inspection_each_by_item",
				     fn, ud);
}

int st_store_item_each_by_status(struct st_store *s, const char *status, st_store_item_fn *fn,
				 void *ud)
{
	struct st_item it;
	sqlite3_stmt *q;
	enum store_tx tx;
	int rc, step, stop = 0;

	assert(s && status && fn);
	rc = store_tx_enter(s, false, &tx);
	if (rc < 0)
		return rc;
	q = s->stmt[Q_ITEMS_BY_STATUS];
	store_bind_str(q, 1, status);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		/* The columns of item_by(). */
		memset(&it, 0, sizeof(it));
		it.id = sqlite3_column_int64(q, 0);
		it.line_no = sqlite3_column_int(q, 4);
		if (!COL_COPY(q, 1, it.serial) || !COL_COPY(q, 2, it.status) ||
		    !COL_COPY(q, 3, it.order_number) || !read_product(q, 5, &it.product)) {
			rc = store_set_err(s, ST_ERR_RANGE, "item %lld: a stored value is too long",
					   (long long)it.id);
			break;
		}
		stop = fn(&it, ud);
		if (stop)
			break;
	}
	if (rc == ST_OK && !stop && step != SQLITE_DONE)
		rc = store_fail(s, "item_each_by_status");
	store_q_end(q);
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK)
		rc = stop;
	return rc;
}
