/* station/store: the schema, as numbered migrations.
 *
 * Migration N turns a database at user_version N-1 into one at N.  Each runs
 * in its own BEGIN IMMEDIATE ... COMMIT, and PRAGMA user_version = N is set
 * inside that same transaction, so a crash or a full disk leaves the file at
 * a whole version and the next open carries on from there.  The version is
 * read again after BEGIN IMMEDIATE: another process (the sync client) may
 * have migrated the file while this one waited for the lock.
 *
 * Rules for a new migration: append it, never edit a shipped one; bump
 * ST_STORE_SCHEMA_VERSION in <st/store.h>; add its row to the "from every
 * earlier version" test in tests/station/test_store.c.  Times are UTC Unix
 * milliseconds (INTEGER).  Booleans are INTEGER 0/1 with a CHECK.
 *
 * Not for: queries (store.c).
 */
#include <stdio.h>
#include <string.h>

#include "store-int.h"

/* Schema version 1: stations, operators, devices, the catalogue, orders
 * from the store, items, raw scans and the outbox.  One string per
 * statement (ISO C caps a literal at 4095 bytes), NULL-terminated. */
static const char *const migration_1[] = {
	"CREATE TABLE station ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 63),"
	" name TEXT NOT NULL DEFAULT ''"
	");",

	"CREATE TABLE operator ("
	" id INTEGER PRIMARY KEY,"
	" badge TEXT NOT NULL UNIQUE CHECK (length(badge) BETWEEN 1 AND 63),"
	" name TEXT NOT NULL,"
	" role TEXT NOT NULL,"
	" active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))"
	");",

	/* An operator's shift at a station; end_ms NULL while it lasts. */
	"CREATE TABLE operator_session ("
	" id INTEGER PRIMARY KEY,"
	" operator_id INTEGER NOT NULL REFERENCES operator(id),"
	" station_id INTEGER NOT NULL REFERENCES station(id),"
	" start_ms INTEGER NOT NULL,"
	" end_ms INTEGER"
	");",
	"CREATE INDEX operator_session_open ON operator_session(station_id) WHERE end_ms IS NULL;",

	/* A USB device in a role at a station (config decides which). */
	"CREATE TABLE device ("
	" id INTEGER PRIMARY KEY,"
	" station_id INTEGER NOT NULL REFERENCES station(id),"
	" role TEXT NOT NULL,"
	" vid INTEGER CHECK (vid BETWEEN 0 AND 65535),"
	" pid INTEGER CHECK (pid BETWEEN 0 AND 65535),"
	" serial TEXT,"
	" port_path TEXT,"
	" name TEXT"
	");",
	"CREATE INDEX device_station ON device(station_id);",

	/* Product categories; each selects a QC checklist (QC-02). */
	"CREATE TABLE category ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 31),"
	" name TEXT NOT NULL"
	");",
	"INSERT INTO category(code, name) VALUES"
	" ('ring', 'Ring'), ('necklace', 'Necklace'), ('earrings', 'Earrings'),"
	" ('bracelet', 'Bracelet'), ('pendant', 'Pendant'), ('custom', 'Custom piece');",

	"CREATE TABLE product ("
	" id INTEGER PRIMARY KEY,"
	" sku TEXT NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 63),"
	" gtin TEXT CONSTRAINT product_gtin_14_digits"
	"  CHECK (gtin IS NULL OR (length(gtin) = 14 AND gtin NOT GLOB '*[^0-9]*')),"
	" name TEXT NOT NULL,"
	" category_id INTEGER NOT NULL REFERENCES category(id),"
	" final_sale INTEGER NOT NULL DEFAULT 0 CHECK (final_sale IN (0, 1))"
	");",
	"CREATE UNIQUE INDEX product_gtin ON product(gtin) WHERE gtin IS NOT NULL;",
	"CREATE INDEX product_category ON product(category_id);",

	/* Orders as the store sends them (RULES.md "From the store"). */
	"CREATE TABLE orders ("
	" id INTEGER PRIMARY KEY,"
	" number TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 63),"
	" customer_name TEXT NOT NULL DEFAULT '',"
	" customer_email TEXT NOT NULL DEFAULT '',"
	" status TEXT NOT NULL DEFAULT 'open' CONSTRAINT order_status CHECK (status IN"
	"  ('open', 'in_production', 'ready', 'packed', 'shipped', 'left_warehouse',"
	"   'delivered', 'returned', 'closed')),"
	" ship_country TEXT NOT NULL DEFAULT '' CONSTRAINT order_ship_country"
	"  CHECK (ship_country = '' OR ship_country GLOB '[A-Z][A-Z]'),"
	" cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),"
	" custom INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)),"
	" gift_box INTEGER NOT NULL DEFAULT 0 CHECK (gift_box IN (0, 1)),"
	" deposit_paid INTEGER NOT NULL DEFAULT 0 CHECK (deposit_paid IN (0, 1)),"
	" balance_paid INTEGER NOT NULL DEFAULT 0 CHECK (balance_paid IN (0, 1)),"
	" customer_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (customer_confirmed IN (0, 1)),"
	" placed_ms INTEGER,"
	" delivered_ms INTEGER,"
	" updated_ms INTEGER NOT NULL"
	");",

	"CREATE TABLE order_line ("
	" id INTEGER PRIMARY KEY,"
	" order_id INTEGER NOT NULL REFERENCES orders(id),"
	" line_no INTEGER NOT NULL CHECK (line_no >= 1),"
	" product_id INTEGER NOT NULL REFERENCES product(id),"
	" quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 1),"
	" final_sale INTEGER NOT NULL DEFAULT 0 CHECK (final_sale IN (0, 1)),"
	" custom INTEGER NOT NULL DEFAULT 0 CHECK (custom IN (0, 1)),"
	" design_your_own INTEGER NOT NULL DEFAULT 0 CHECK (design_your_own IN (0, 1)),"
	" special_order INTEGER NOT NULL DEFAULT 0 CHECK (special_order IN (0, 1)),"
	" personalized INTEGER NOT NULL DEFAULT 0 CHECK (personalized IN (0, 1)),"
	" custom_size INTEGER NOT NULL DEFAULT 0 CHECK (custom_size IN (0, 1)),"
	" UNIQUE (order_id, line_no)"
	");",
	"CREATE INDEX order_line_product ON order_line(product_id);",

	/* size, metal, stone, engraving, photo_text, chain_length_mm, ... */
	"CREATE TABLE order_line_option ("
	" line_id INTEGER NOT NULL REFERENCES order_line(id),"
	" name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 31),"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (line_id, name)"
	");",

	"CREATE TABLE item ("
	" id INTEGER PRIMARY KEY,"
	" serial TEXT NOT NULL UNIQUE CHECK (length(serial) BETWEEN 1 AND 63),"
	" product_id INTEGER NOT NULL REFERENCES product(id),"
	" order_line_id INTEGER REFERENCES order_line(id),"
	" status TEXT NOT NULL DEFAULT 'received' CONSTRAINT item_status CHECK (status IN"
	"  ('received', 'in_qc', 'passed', 'failed', 'rework', 'hold', 'scrap', 'packed',"
	"   'shipped', 'returned', 'in_service')),"
	" created_ms INTEGER NOT NULL,"
	" updated_ms INTEGER NOT NULL"
	");",
	"CREATE INDEX item_product ON item(product_id);",
	"CREATE INDEX item_order_line ON item(order_line_id);",

	/* Every raw scan, stored before it is interpreted: the bytes exactly as
	 * the scanner sent them (GS, non-UTF-8 and all), so never TEXT. */
	"CREATE TABLE scan ("
	" id INTEGER PRIMARY KEY,"
	" station_id INTEGER NOT NULL REFERENCES station(id),"
	" operator_id INTEGER REFERENCES operator(id),"
	" source TEXT NOT NULL,"
	" symbology TEXT,"
	" raw BLOB NOT NULL,"
	" truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),"
	" kind TEXT,"
	" valid INTEGER NOT NULL DEFAULT 0 CHECK (valid IN (0, 1)),"
	" ts_ms INTEGER NOT NULL"
	");",
	"CREATE TRIGGER scan_no_update BEFORE UPDATE ON scan"
	" BEGIN SELECT RAISE(ABORT, 'scan rows are never changed'); END;",
	"CREATE TRIGGER scan_no_delete BEFORE DELETE ON scan"
	" BEGIN SELECT RAISE(ABORT, 'scan rows are never deleted'); END;",

	/* Events for the central store.  Append-only: only sent_ms is ever set,
	 * once.  The uuid is the idempotency key. */
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),"
	" type TEXT NOT NULL,"
	" entity TEXT NOT NULL,"
	" payload TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL,"
	" sent_ms INTEGER"
	");",
	"CREATE INDEX outbox_pending ON outbox(id) WHERE sent_ms IS NULL;",
	"CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox"
	" BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;",
	"CREATE TRIGGER outbox_append_only BEFORE UPDATE ON outbox"
	" WHEN OLD.sent_ms IS NOT NULL OR NEW.uuid IS NOT OLD.uuid OR NEW.type IS NOT OLD.type"
	"  OR NEW.entity IS NOT OLD.entity OR NEW.payload IS NOT OLD.payload"
	"  OR NEW.created_ms IS NOT OLD.created_ms OR NEW.id IS NOT OLD.id"
	" BEGIN SELECT RAISE(ABORT, 'outbox rows are append-only'); END;",
	NULL,
};

/* The chain guard of a table: a new record must take the next chain
 * position across both chained tables and hold the hash of the record at
 * the position before it (docs/internals/audit-chain.md).  The store
 * computes both; this refuses a bug or a stray writer at insert time, while
 * audit verify is what catches later edits (which drop the triggers). */
#define CHAIN_GUARD(table)                                                                    \
	"CREATE TRIGGER " table "_chain_append BEFORE INSERT ON " table                       \
	" WHEN NEW.chain_seq IS NOT 1 + max(coalesce((SELECT max(chain_seq) FROM inspection), 0)," \
	"  coalesce((SELECT max(chain_seq) FROM evidence), 0))"                               \
	" OR NEW.prev_hash IS NOT coalesce("                                                  \
	"  (SELECT hash FROM inspection WHERE chain_seq = NEW.chain_seq - 1),"                \
	"  (SELECT hash FROM evidence WHERE chain_seq = NEW.chain_seq - 1),"                  \
	"  '" STORE_ZERO_HASH "')"                                                            \
	" BEGIN SELECT RAISE(ABORT, '" table " is not the next link of the audit chain'); END;"

#define APPEND_ONLY(table, rows)                                                              \
	"CREATE TRIGGER " table "_no_update BEFORE UPDATE ON " table                          \
	" BEGIN SELECT RAISE(ABORT, '" rows " are never changed'); END;",                     \
	"CREATE TRIGGER " table "_no_delete BEFORE DELETE ON " table                          \
	" BEGIN SELECT RAISE(ABORT, '" rows " are never deleted'); END;"

#define HEX64(col) "CHECK (length(" col ") = 64 AND " col " NOT GLOB '*[^0-9a-f]*')"

/* Schema version 2: QC inspections with their check results and defects,
 * photo evidence, and the audit chain over inspections and evidence (issue
 * 3; QC-02 to QC-05).  The item status set of version 1 already has every
 * QC state (passed, failed, rework, hold, scrap): no rebuild of item. */
static const char *const migration_2[] = {
	/* A completed inspection (QC-05: who, where, when).  Never changed: a
	 * correction is a new row whose supersedes names the old one, and a
	 * row is superseded at most once (UNIQUE), so corrections form a line.
	 * Ids are chosen by the store (a record's hash covers its id). */
	"CREATE TABLE inspection ("
	" id INTEGER PRIMARY KEY,"
	" chain_seq INTEGER NOT NULL UNIQUE CHECK (chain_seq >= 1),"
	" item_id INTEGER NOT NULL REFERENCES item(id),"
	" operator_id INTEGER NOT NULL REFERENCES operator(id),"
	" station_id INTEGER NOT NULL REFERENCES station(id),"
	" category TEXT NOT NULL CHECK (length(category) BETWEEN 1 AND 31),"
	" checklist_version TEXT NOT NULL CHECK (length(checklist_version) BETWEEN 1 AND 31),"
	" result TEXT NOT NULL CHECK (result IN ('pass', 'fail')),"
	" disposition TEXT CHECK (disposition IN ('rework', 'hold', 'scrap')),"
	" rework_count INTEGER NOT NULL DEFAULT 0 CHECK (rework_count >= 0),"
	" supersedes INTEGER UNIQUE REFERENCES inspection(id),"
	" started_ms INTEGER NOT NULL,"
	" completed_ms INTEGER NOT NULL,"
	" prev_hash TEXT NOT NULL " HEX64("prev_hash") ","
	" hash TEXT NOT NULL " HEX64("hash") ","
	/* QC-03: a failure gets a disposition, a pass none. */
	" CONSTRAINT inspection_disposition CHECK ((result = 'fail') = (disposition IS NOT NULL)),"
	" CONSTRAINT inspection_times CHECK (completed_ms >= started_ms)"
	");",
	"CREATE INDEX inspection_item ON inspection(item_id);",
	"CREATE INDEX inspection_completed ON inspection(completed_ms);",
	"CREATE TRIGGER inspection_supersedes_same_item BEFORE INSERT ON inspection"
	" WHEN NEW.supersedes IS NOT NULL"
	"  AND NEW.item_id IS NOT (SELECT item_id FROM inspection WHERE id = NEW.supersedes)"
	" BEGIN SELECT RAISE(ABORT, 'a correction supersedes an inspection of the same item');"
	" END;",

	/* The answered checks of an inspection, in checklist order. */
	"CREATE TABLE check_result ("
	" inspection_id INTEGER NOT NULL REFERENCES inspection(id),"
	" position INTEGER NOT NULL CHECK (position >= 0),"
	" check_id TEXT NOT NULL CHECK (length(check_id) BETWEEN 1 AND 31),"
	" outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'skipped', 'na')),"
	" expected TEXT,"
	" found TEXT,"
	" measured_milli INTEGER," /* thousandths of unit: no floats in the data path */
	" unit TEXT,"
	" PRIMARY KEY (inspection_id, position)"
	");",

	/* Defects a failed inspection recorded (QC-03). */
	"CREATE TABLE defect ("
	" inspection_id INTEGER NOT NULL REFERENCES inspection(id),"
	" position INTEGER NOT NULL CHECK (position >= 0),"
	" code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 31),"
	" severity TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'critical')),"
	" check_id TEXT,"
	" note TEXT,"
	" PRIMARY KEY (inspection_id, position)"
	");",
	"CREATE INDEX defect_code ON defect(code);",

	/* Photos and videos of an item (QC-04), by path, size and SHA-256. */
	"CREATE TABLE evidence ("
	" id INTEGER PRIMARY KEY,"
	" chain_seq INTEGER NOT NULL UNIQUE CHECK (chain_seq >= 1),"
	" item_id INTEGER NOT NULL REFERENCES item(id),"
	" inspection_id INTEGER REFERENCES inspection(id),"
	" operator_id INTEGER REFERENCES operator(id),"
	" station_id INTEGER NOT NULL REFERENCES station(id),"
	" path TEXT NOT NULL CHECK (length(path) >= 1),"
	" size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),"
	" sha256 TEXT NOT NULL " HEX64("sha256") ","
	" mime TEXT NOT NULL,"
	" barcode TEXT,"
	" created_ms INTEGER NOT NULL,"
	" prev_hash TEXT NOT NULL " HEX64("prev_hash") ","
	" hash TEXT NOT NULL " HEX64("hash")
	");",
	"CREATE INDEX evidence_item ON evidence(item_id);",
	"CREATE TRIGGER evidence_inspection_same_item BEFORE INSERT ON evidence"
	" WHEN NEW.inspection_id IS NOT NULL"
	"  AND NEW.item_id IS NOT (SELECT item_id FROM inspection WHERE id = NEW.inspection_id)"
	" BEGIN SELECT RAISE(ABORT, 'evidence belongs to an inspection of the same item'); END;",

	/* History: append-only, and one chain across both record tables. */
	APPEND_ONLY("inspection", "inspection rows"),
	APPEND_ONLY("check_result", "check results"),
	APPEND_ONLY("defect", "defect rows"),
	APPEND_ONLY("evidence", "evidence rows"),
	CHAIN_GUARD("inspection"),
	CHAIN_GUARD("evidence"),
	NULL,
};

/* Schema version 3: the persistent print queue (labels/, station/print/;
 * docs/internals/print-queue.md).  A job is the rendered bytes and their
 * format, never re-rendered: what was queued is what prints, after a
 * restart too.  Its state moves only forward:
 *   queued -> sending -> done | uncertain | failed | queued (nothing sent)
 *   queued -> failed (the printer cannot print its format)
 *   queued | uncertain | failed | done -> void       (an operator, a reason)
 *   uncertain | failed -> reprinted                   (an operator, a reason)
 * 'sending' is committed before the first byte leaves, so a crash mid-send
 * leaves 'sending', which the next start turns into 'uncertain': only an
 * operator decides whether that label is printed again. */
static const char *const migration_3[] = {
	"CREATE TABLE label_job ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),"
	" printer TEXT NOT NULL CHECK (length(printer) BETWEEN 1 AND 63),"
	" template TEXT," /* the template it was rendered from; NULL = a document as it came */
	" entity TEXT,"   /* what it labels: 'item:SN1', 'file:ups.zpl'; NULL = none */
	" format TEXT NOT NULL CHECK (format IN ('zpl', 'png', 'pdf')),"
	" payload BLOB NOT NULL CHECK (length(payload) BETWEEN 1 AND 16777216),"
	" state TEXT NOT NULL DEFAULT 'queued' CONSTRAINT label_job_state CHECK (state IN"
	"  ('queued', 'sending', 'done', 'uncertain', 'failed', 'void', 'reprinted')),"
	" attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
	" last_error TEXT,"
	" reprint_of INTEGER REFERENCES label_job(id),"
	" created_ms INTEGER NOT NULL,"
	" sent_ms INTEGER,"  /* when the last send began */
	" done_ms INTEGER"   /* when it reached done, void, reprinted or failed */
	");",
	"CREATE INDEX label_job_open ON label_job(printer, id)"
	" WHERE state IN ('queued', 'sending', 'uncertain', 'failed');",
	"CREATE INDEX label_job_reprint ON label_job(reprint_of) WHERE reprint_of IS NOT NULL;",
	"CREATE TRIGGER label_job_no_delete BEFORE DELETE ON label_job"
	" BEGIN SELECT RAISE(ABORT, 'label jobs are never deleted (void them)'); END;",
	"CREATE TRIGGER label_job_fixed BEFORE UPDATE ON label_job"
	" WHEN NEW.id IS NOT OLD.id OR NEW.uuid IS NOT OLD.uuid OR NEW.printer IS NOT OLD.printer"
	"  OR NEW.format IS NOT OLD.format OR NEW.payload IS NOT OLD.payload"
	"  OR NEW.created_ms IS NOT OLD.created_ms OR NEW.reprint_of IS NOT OLD.reprint_of"
	" BEGIN SELECT RAISE(ABORT, 'a label job prints what was queued: only its state changes');"
	" END;",
	/* The forward-only state machine above, enforced for any writer. */
	"CREATE TRIGGER label_job_state_forward BEFORE UPDATE OF state ON label_job"
	" WHEN NEW.state IS NOT OLD.state AND NOT ("
	"  (OLD.state = 'queued' AND NEW.state IN ('sending', 'failed', 'void'))"
	"  OR (OLD.state = 'sending' AND NEW.state IN ('done', 'uncertain', 'failed', 'queued'))"
	"  OR (OLD.state IN ('uncertain', 'failed') AND NEW.state IN ('void', 'reprinted'))"
	"  OR (OLD.state = 'done' AND NEW.state = 'void'))"
	" BEGIN SELECT RAISE(ABORT, 'label job state may not go back'); END;",

	/* Operator decisions on jobs (reprint, void): who, why, when. */
	"CREATE TABLE label_job_action ("
	" id INTEGER PRIMARY KEY,"
	" job_id INTEGER NOT NULL REFERENCES label_job(id),"
	" action TEXT NOT NULL CHECK (action IN ('reprint', 'void')),"
	" operator_id INTEGER NOT NULL REFERENCES operator(id),"
	" reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),"
	" new_job_id INTEGER REFERENCES label_job(id)," /* the reprint's job */
	" ts_ms INTEGER NOT NULL"
	");",
	"CREATE INDEX label_job_action_job ON label_job_action(job_id);",
	APPEND_ONLY("label_job_action", "label job actions"),

	/* What the station last knew of each printer (qcstation printers). */
	"CREATE TABLE printer_state ("
	" name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),"
	" uri TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('unknown', 'ready', 'not_ready', 'offline')),"
	" reason TEXT NOT NULL DEFAULT '',"
	" flags TEXT NOT NULL DEFAULT '',"  /* 'paper_out,head_open' */
	" last_error TEXT,"
	" updated_ms INTEGER NOT NULL"
	");",
	NULL,
};

/* Schema version 4: the sync client's state (sync/, qcstation sync,
 * station/store/store_sync.c): what the central store answered for each
 * outbox event (the rejected ones are the dead-letter list), the pull
 * cursors, what the store sent that no table of this version holds, and
 * the outcome of the last runs.  Owned by the sync work; see docs/sync.md
 * and docs/sync-protocol.md. */
static const char *const migration_4[] = {
	/* One row per acknowledged outbox event, written in the transaction
	 * that sets its outbox.sent_ms. */
	"CREATE TABLE sync_result ("
	" outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id),"
	" result TEXT NOT NULL CHECK (result IN ('applied', 'duplicate', 'rejected')),"
	" server_seq INTEGER CHECK (server_seq IS NULL OR server_seq >= 1),"
	" reason TEXT,"
	" ts_ms INTEGER NOT NULL,"
	" CONSTRAINT sync_result_reason CHECK ((result = 'rejected') = (reason IS NOT NULL))"
	");",
	"CREATE INDEX sync_result_rejected ON sync_result(outbox_id) WHERE result = 'rejected';",
	/* Where each feed's pull continues; written in the transaction that
	 * stores the page it came with. */
	"CREATE TABLE sync_cursor ("
	" feed TEXT PRIMARY KEY,"
	" cursor TEXT NOT NULL CHECK (length(cursor) BETWEEN 1 AND 128),"
	" ts_ms INTEGER NOT NULL"
	");",
	/* Feed items as they came (cancellations, payments, confirmations,
	 * RMAs, service requests, checklists, kinds this build does not know),
	 * the latest per kind and key; and imports that failed (state
	 * 'failed', error says why), for qcstation sync status. */
	"CREATE TABLE sync_inbox ("
	" kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 31),"
	" key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),"
	" seq INTEGER NOT NULL,"
	" data TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('stored', 'applied', 'failed')),"
	" error TEXT,"
	" received_ms INTEGER NOT NULL,"
	" PRIMARY KEY (kind, key)"
	");",
	"CREATE INDEX sync_inbox_failed ON sync_inbox(seq) WHERE state = 'failed';",
	/* The last run: one row. */
	"CREATE TABLE sync_status ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" last_attempt_ms INTEGER,"
	" last_success_ms INTEGER,"
	" last_error TEXT"
	");",
	NULL,
};

/* Schema version 5: acknowledging a pushed event no longer rewrites it.
 *
 * Version 4 set outbox.sent_ms, which rewrote each whole event row (its
 * payload with it) and its entry in the partial index outbox_pending: with
 * the result row, two thirds of the cost of acknowledging a batch of 1000,
 * and the longest part of `qcstation sync` (docs/performance.md,
 * bench_sync).  From version 5 the events not yet acknowledged are the rows
 * of the narrow table outbox_unsent, filled by a trigger as events are
 * written and emptied by the acknowledgement; when an event was
 * acknowledged is its sync_result.ts_ms.  The outbox itself becomes
 * immutable.
 *
 * sync_result is rebuilt only to spell its result CHECK with OR: SQLite
 * 3.40 evaluates "x IN ('a', 'b', 'c')" in a CHECK through a temporary
 * table built for each row, which made inserting a result four times as
 * slow as the insert itself (1.7 us a row). */
static const char *const migration_5[] = {
	"CREATE TABLE outbox_unsent ("
	" id INTEGER PRIMARY KEY REFERENCES outbox(id)"
	");",
	"INSERT INTO outbox_unsent(id) SELECT id FROM outbox WHERE sent_ms IS NULL;",
	"CREATE TABLE sync_result_v5 ("
	" outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id),"
	" result TEXT NOT NULL"
	"  CHECK (result = 'applied' OR result = 'duplicate' OR result = 'rejected'),"
	" server_seq INTEGER CHECK (server_seq IS NULL OR server_seq >= 1),"
	" reason TEXT,"
	" ts_ms INTEGER NOT NULL,"
	" CONSTRAINT sync_result_reason CHECK ((result = 'rejected') = (reason IS NOT NULL))"
	");",
	"INSERT INTO sync_result_v5(outbox_id, result, server_seq, reason, ts_ms)"
	" SELECT outbox_id, result, server_seq, reason, ts_ms FROM sync_result;",
	/* Sent before version 4 kept a result: none is known but that the
	 * server took it. */
	"INSERT INTO sync_result_v5(outbox_id, result, server_seq, reason, ts_ms)"
	" SELECT id, 'applied', NULL, NULL, sent_ms FROM outbox"
	" WHERE sent_ms IS NOT NULL AND id NOT IN (SELECT outbox_id FROM sync_result);",
	"DROP TABLE sync_result;",
	"ALTER TABLE sync_result_v5 RENAME TO sync_result;",
	"CREATE INDEX sync_result_rejected ON sync_result(outbox_id) WHERE result = 'rejected';",
	"DROP TRIGGER outbox_append_only;",
	"DROP INDEX outbox_pending;",
	"ALTER TABLE outbox DROP COLUMN sent_ms;",
	"CREATE TRIGGER outbox_no_update BEFORE UPDATE ON outbox"
	" BEGIN SELECT RAISE(ABORT, 'outbox rows are never changed'); END;",
	"CREATE TRIGGER outbox_unsent_add AFTER INSERT ON outbox"
	" BEGIN INSERT INTO outbox_unsent(id) VALUES (NEW.id); END;",
	NULL,
};

static const char *const *const migrations[] = {
	NULL,        /* version 0: the empty database */
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == ST_STORE_SCHEMA_VERSION + 1,
	       "one migration per schema version");

static int read_user_version(struct st_store *s, int *out)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, "read schema version");
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(q, 0);
		rc = ST_OK;
	} else {
		rc = store_fail(s, "read schema version");
	}
	sqlite3_finalize(q);
	return rc;
}

static int exec(struct st_store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, what);
	return ST_OK;
}

static int migrate_one(struct st_store *s, int to)
{
	char sql[64], what[32];
	int rc, v = 0;

	snprintf(what, sizeof(what), "migration %d", to);
	rc = exec(s, "BEGIN IMMEDIATE", what);
	if (rc < 0)
		return rc;
	rc = read_user_version(s, &v);
	if (rc < 0)
		goto out;
	if (v >= to)
		goto out; /* another connection got here first */
	if (v != to - 1) {
		rc = store_set_err(s, ST_ERR_BUG, "%s: database is at version %d", what, v);
		goto out;
	}
	for (const char *const *sql_step = migrations[to]; *sql_step; sql_step++) {
		rc = exec(s, *sql_step, what);
		if (rc < 0)
			goto out;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", to);
	rc = exec(s, sql, what);
	if (rc < 0)
		goto out;
	rc = exec(s, "COMMIT", what);
out:
	if (rc < 0 && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int store_schema_migrate(struct st_store *s)
{
	int rc, v = 0;

	rc = read_user_version(s, &v);
	if (rc < 0)
		return rc;
	if (v < 0) /* the file's header says so; not a version any build made */
		return store_set_err(s, ST_ERR_CORRUPT, "schema version %d is not valid", v);
	for (int to = v + 1; to <= ST_STORE_SCHEMA_VERSION; to++) {
		rc = migrate_one(s, to);
		if (rc < 0)
			return rc;
	}
	return ST_OK;
}
