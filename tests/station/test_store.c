/* The station store against real SQLite files in a temporary folder (or
 * ":memory:" where a file is not the point).  A raw sqlite3 connection plays
 * "another process" and inspects what the store wrote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "st/err.h"
#include "st/store.h"
#include "st/store_sync.h"
#include "common/testutil.h"

/* ---- fixtures ------------------------------------------------------------ */

static char tmpdir[64];
static unsigned file_no;

static int group_setup(void **state)
{
	(void)state;
	return qc_tmpdir_make(tmpdir, sizeof(tmpdir), "store");
}

static int group_teardown(void **state)
{
	(void)state;
	return qc_tmpdir_remove(tmpdir);
}

/* A fresh file name in the test folder. */
static void new_path(char *p, size_t cap, const char *stem)
{
	snprintf(p, cap, "%s/%s-%u.db", tmpdir, stem, ++file_no);
}

static struct st_store *open_new(const char *path)
{
	struct st_store_opts o = { .create = true };
	struct st_store *s = NULL;
	char err[512];

	if (st_store_open(path, &o, &s, err, sizeof(err)) != ST_OK)
		fail_msg("%s", err);
	assert_non_null(s);
	return s;
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
					 NULL),
			 SQLITE_OK);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

static long long raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

static long long path_int(const char *path, const char *sql)
{
	sqlite3 *db = raw_open(path);
	long long v = raw_int(db, sql);

	sqlite3_close(db);
	return v;
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static void spit(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* A station, a product, an operator: what most tests need first. */
static int64_t seed_station(struct st_store *s)
{
	int64_t id = 0;

	assert_int_equal(st_store_station_ensure(s, "ST-01", "Bench 1", &id), ST_OK);
	return id;
}

static void seed_product(struct st_store *s, const char *sku, const char *gtin,
			 const char *category)
{
	struct st_product p = { 0 };

	snprintf(p.sku, sizeof(p.sku), "%s", sku);
	snprintf(p.gtin, sizeof(p.gtin), "%s", gtin);
	snprintf(p.name, sizeof(p.name), "Product %s", sku);
	snprintf(p.category, sizeof(p.category), "%s", category);
	assert_int_equal(st_store_product_upsert(s, &p, NULL), ST_OK);
}

static int64_t add_scan(struct st_store *s, int64_t station, const char *code)
{
	struct st_scan_rec r = {
		.station_id = station,
		.source = "stdin",
		.raw = (const uint8_t *)code,
		.raw_len = strlen(code),
		.ts_ms = 1700000000000,
	};
	int64_t id = 0;

	assert_int_equal(st_store_scan_add(s, &r, &id), ST_OK);
	return id;
}

/* ---- open and migrations ------------------------------------------------- */

static void store_open__creates_and_migrates(void **state)
{
	char path[256];
	struct st_store *s;
	int v = -1;
	sqlite3 *db;
	struct st_scan_rec r = { .station_id = 999, .source = "stdin", .raw = (const uint8_t *)"x",
				 .raw_len = 1 };

	(void)state;
	new_path(path, sizeof(path), "create");
	s = open_new(path);
	assert_int_equal(st_store_schema_version(s, &v), ST_OK);
	assert_int_equal(v, ST_STORE_SCHEMA_VERSION);
	/* foreign_keys is per connection: see it work on ours. */
	assert_int_equal(st_store_scan_add(s, &r, NULL), ST_ERR_CONSTRAINT);
	assert_non_null(strstr(st_store_errmsg(s), "FOREIGN KEY"));

	db = raw_open(path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), ST_STORE_SCHEMA_VERSION);
	{
		sqlite3_stmt *q = NULL;

		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
		sqlite3_finalize(q);
	}
	/* The six QC-02 categories come with migration 1. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM category WHERE code IN ('ring',"
				     " 'necklace', 'earrings', 'bracelet', 'pendant', 'custom')"),
			 6);
	sqlite3_close(db);
	st_store_close(s);
}

static void store_open__reopen_is_idempotent(void **state)
{
	char path[256];
	struct st_store *s;
	int64_t st, n = 0;
	int v = 0;

	(void)state;
	new_path(path, sizeof(path), "reopen");
	s = open_new(path);
	st = seed_station(s);
	add_scan(s, st, "SN00001001");
	st_store_close(s);

	for (int i = 0; i < 3; i++) {
		s = open_new(path);
		assert_int_equal(st_store_schema_version(s, &v), ST_OK);
		assert_int_equal(v, ST_STORE_SCHEMA_VERSION);
		assert_int_equal(st_store_scan_count(s, &n), ST_OK);
		assert_int_equal(n, 1);
		st_store_close(s);
	}
	assert_int_equal(path_int(path, "SELECT count(*) FROM category"), 6);
	assert_int_equal(path_int(path, "SELECT count(*) FROM station"), 1);
}

static void store_open__newer_schema_refused_and_unchanged(void **state)
{
	/* WAL, rollback journal, and WAL with frames a crashed newer
	 * qcstation left behind (its version is only in the WAL). */
	static const char *const modes[] = { "PRAGMA journal_mode = WAL",
					     "PRAGMA journal_mode = DELETE",
					     "PRAGMA journal_mode = WAL" };
	struct st_store_opts rw = { .create = true }, ro = { .readonly = true };
	const struct st_store_opts *opts[] = { &rw, &ro };
	char path[256], sql[64], err[512];

	(void)state;
	for (size_t m = 0; m < 3; m++) {
		for (size_t o = 0; o < 2; o++) {
			unsigned char *before, *after, *wal_before = NULL, *wal_after;
			size_t n_before, n_after, n_wal = 0, n_wal_after;
			char wal[300];
			struct st_store *s = NULL;
			sqlite3 *db;

			new_path(path, sizeof(path), "newer");
			db = raw_open(path);
			raw_exec(db, modes[m]);
			raw_exec(db, "CREATE TABLE future(x); INSERT INTO future VALUES (42)");
			if (m == 2) {
				raw_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
				sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
						  (int *)NULL);
			}
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
				 ST_STORE_SCHEMA_VERSION + 6);
			raw_exec(db, sql);
			sqlite3_close(db);
			before = slurp(path, &n_before);
			snprintf(wal, sizeof(wal), "%s-wal", path);
			if (m == 2) {
				wal_before = slurp(wal, &n_wal);
				assert_true(n_wal > 32);
			}

			assert_int_equal(st_store_open(path, opts[o], &s, err, sizeof(err)),
					 ST_ERR_SCHEMA_NEWER);
			assert_null(s);
			assert_non_null(strstr(err, path));
			assert_non_null(strstr(err, "newer"));
			assert_non_null(strstr(err, "nothing was changed"));

			after = slurp(path, &n_after);
			assert_int_equal(n_before, n_after);
			assert_memory_equal(before, after, n_before);
			if (m == 2) {
				wal_after = slurp(wal, &n_wal_after);
				assert_int_equal(n_wal, n_wal_after);
				assert_memory_equal(wal_before, wal_after, n_wal);
				free(wal_before);
				free(wal_after);
			} else if (o == 0 && access(wal, F_OK) == 0) {
				/* (A read-only connection always leaves an empty
				 * -wal and -shm behind: SQLite's rule, not ours.) */
				fail_msg("mode %zu: %s left over", m, wal);
			}
			free(before);
			free(after);
		}
	}
}

static void store_open__not_a_database_refused(void **state)
{
	static const char junk[] = "order,sku,qty\nORD-1001,RG-001,1\n";
	struct st_store_opts o = { .create = true };
	struct st_store *s = NULL;
	char path[256], err[512];
	unsigned char *after;
	size_t n;

	(void)state;
	new_path(path, sizeof(path), "junk");
	spit(path, junk, sizeof(junk) - 1);
	assert_int_equal(st_store_open(path, &o, &s, err, sizeof(err)), ST_ERR_CORRUPT);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a"));
	after = slurp(path, &n);
	assert_int_equal(n, sizeof(junk) - 1);
	assert_memory_equal(after, junk, n);
	free(after);
}

static void store_open__missing_file_and_folder(void **state)
{
	struct st_store_opts keep = { .create = false }, create = { .create = true };
	struct st_store *s = NULL;
	char path[256], err[512];

	(void)state;
	new_path(path, sizeof(path), "missing");
	assert_int_equal(st_store_open(path, &keep, &s, err, sizeof(err)), ST_ERR_NOTFOUND);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_int_equal(access(path, F_OK), -1); /* not created */
	assert_int_equal(st_store_open(path, NULL, &s, err, sizeof(err)), ST_ERR_NOTFOUND);

	snprintf(path, sizeof(path), "%s/no/such/folder/station.db", tmpdir);
	assert_int_equal(st_store_open(path, &create, &s, err, sizeof(err)), ST_ERR_NOTFOUND);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "folder"));

	/* A folder where the file should be. */
	assert_int_equal(st_store_open(tmpdir, &keep, &s, err, sizeof(err)), ST_ERR_IO);
	assert_non_null(strstr(err, "folder"));
}

/* Every schema version a station may still have on disk, with the SQL that
 * builds it and a query (returning 1) that proves its rows survived the
 * migration.  When migration N+1 lands, add a row for version N built from
 * a frozen copy of that schema (tests/data/store/vN.sql) with a few rows. */
static const struct {
	int version;
	const char *build_sql;  /* NULL: a zero-byte file, or build_file */
	const char *build_file; /* under $QC_TEST_DATA */
	const char *extra_sql;  /* run after build_file: a variant of that version */
	const char *survivor_sql;
} earlier[] = {
	{ 0, NULL, NULL, NULL, NULL },
	{ 0, "PRAGMA user_version = 0; CREATE TABLE unrelated(x); DROP TABLE unrelated;", NULL,
	  NULL, NULL },
	/* Version 1 with an item on hold, a scan, an order with options and an
	 * unsent event; version 2 adds the QC tables, empty. */
	{ 1, NULL, "store/v1.sql", NULL,
	  "SELECT (SELECT status FROM item WHERE serial = 'SN-0001') = 'hold'"
	  " AND (SELECT raw FROM scan WHERE id = 1)"
	  "  = X'3031303935303131303130323039313721534E2D30303031'"
	  " AND (SELECT value FROM order_line_option WHERE name = 'engraving') = 'Love, A.'"
	  " AND (SELECT count(*) FROM outbox_unsent) = 1"
	  " AND (SELECT end_ms IS NULL FROM operator_session WHERE id = 1)"
	  " AND (SELECT count(*) FROM inspection) + (SELECT count(*) FROM evidence) = 0" },
	/* Version 2 with the demo data, a login and one passed inspection with
	 * its twelve check results and five unsent events; versions 3 and 4
	 * add the print queue and the sync state, empty. */
	{ 2, NULL, "store/v2.sql", NULL,
	  "SELECT (SELECT status FROM item WHERE serial = 'SN00001011') = 'passed'"
	  " AND (SELECT result FROM inspection WHERE id = 1) = 'pass'"
	  " AND (SELECT count(*) FROM check_result) = 12"
	  " AND (SELECT count(*) FROM outbox_unsent) = 5"
	  " AND (SELECT count(*) FROM label_job) = 0"
	  " AND (SELECT count(*) FROM sync_result) = 0" },
	/* Version 4 after a sync: five duplicates, one applied, one rejected
	 * (the dead-letter list), one event still pending.  Version 5 keeps
	 * every result and only the pending event is left to send. */
	{ 4, NULL, "store/v4.sql", NULL,
	  "SELECT (SELECT group_concat(id) FROM outbox_unsent) = '8'"
	  " AND (SELECT count(*) FROM sync_result WHERE result = 'duplicate') = 5"
	  " AND (SELECT server_seq FROM sync_result WHERE outbox_id = 6 AND result = 'applied')"
	  "  = 11"
	  " AND (SELECT reason LIKE '%type%' FROM sync_result WHERE outbox_id = 7"
	  "  AND result = 'rejected')"
	  " AND (SELECT count(*) FROM outbox) = 8"
	  " AND (SELECT cursor FROM sync_cursor WHERE feed = 'feed') = 'czow'" },
	/* The same with an event marked sent by hand and no result (no build
	 * wrote one; the migration still keeps what it says): it stays
	 * acknowledged, as applied, at the time it was marked. */
	{ 4, NULL, "store/v4.sql",
	  "INSERT INTO outbox(uuid, type, entity, payload, created_ms, sent_ms) VALUES"
	  " ('0190f0a2-7c1e-7d4a-9b1e-3f2a5c6d7e83', 'scan', 'scan:5', '{}', 1796536900300,"
	  " 1796536900400);",
	  "SELECT (SELECT group_concat(id) FROM outbox_unsent) = '8'"
	  " AND (SELECT result = 'applied' AND server_seq IS NULL AND ts_ms = 1796536900400"
	  "  FROM sync_result WHERE outbox_id = 9)" },
};

/* The text of a test data file (caller frees). */
static char *data_file(const char *rel)
{
	const char *dir = getenv("QC_TEST_DATA");
	char path[512];
	unsigned char *b;
	size_t n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	b = slurp(path, &n);
	b[n] = '\0';
	return (char *)b;
}

static void store_open__migrates_from_every_earlier_version(void **state)
{
	char path[256];

	(void)state;
	for (size_t i = 0; i < sizeof(earlier) / sizeof(earlier[0]); i++) {
		struct st_store *s;
		int v = -1;

		new_path(path, sizeof(path), "earlier");
		if (earlier[i].build_sql || earlier[i].build_file) {
			sqlite3 *db = raw_open(path);
			char *sql = earlier[i].build_file ? data_file(earlier[i].build_file) : NULL;

			raw_exec(db, sql ? sql : earlier[i].build_sql);
			free(sql);
			if (earlier[i].extra_sql)
				raw_exec(db, earlier[i].extra_sql);
			assert_int_equal(raw_int(db, "PRAGMA user_version"), earlier[i].version);
			sqlite3_close(db);
		} else {
			spit(path, "", 0);
		}
		s = open_new(path);
		assert_int_equal(st_store_schema_version(s, &v), ST_OK);
		assert_int_equal(v, ST_STORE_SCHEMA_VERSION);
		if (earlier[i].version >= 2) {
			/* QC-05: the audit chain written before the upgrade still holds. */
			struct st_audit_report rep;

			assert_int_equal(st_store_audit_verify(s, &rep), ST_OK);
			assert_int_equal(rep.inspections, 1);
			assert_int_equal(rep.problems, 0);
		}
		st_store_close(s);
		if (earlier[i].survivor_sql)
			assert_int_equal(path_int(path, earlier[i].survivor_sql), 1);
		assert_int_equal(path_int(path, "SELECT count(*) FROM category"), 6);
	}
}

static void store_open__readonly_reads_and_refuses_writes(void **state)
{
	struct st_store_opts ro = { .readonly = true };
	struct st_store *s, *r = NULL;
	char path[256], err[256];
	struct st_product p;
	int64_t st;

	(void)state;
	new_path(path, sizeof(path), "ro");
	s = open_new(path);
	st = seed_station(s);
	seed_product(s, "RG-1", "", "ring");
	st_store_close(s);

	assert_int_equal(st_store_open(path, &ro, &r, err, sizeof(err)), ST_OK);
	assert_int_equal(st_store_product_by_sku(r, "RG-1", &p), ST_OK);
	assert_string_equal(p.category, "ring");
	{
		struct st_scan_rec rec = { .station_id = st, .source = "stdin",
					   .raw = (const uint8_t *)"x", .raw_len = 1 };

		assert_int_equal(st_store_scan_add(r, &rec, NULL), ST_ERR_READONLY);
	}
	st_store_close(r);

	/* A version-0 file cannot be read without migrating it. */
	new_path(path, sizeof(path), "ro-old");
	spit(path, "", 0);
	r = NULL;
	assert_int_equal(st_store_open(path, &ro, &r, err, sizeof(err)), ST_ERR_READONLY);
	assert_null(r);
	assert_non_null(strstr(err, path));
}

static void store_open__busy_when_another_connection_locks(void **state)
{
	struct st_store_opts o = { .create = true, .busy_timeout_ms = 50 };
	struct st_store *s = NULL;
	char path[256], err[512];
	sqlite3 *db;

	(void)state;
	new_path(path, sizeof(path), "busy");
	s = open_new(path);
	st_store_close(s);
	s = NULL;

	/* Another process holds an exclusive lock: the open cannot even read. */
	db = raw_open(path);
	raw_exec(db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
		     " INSERT INTO station(code) VALUES ('other')");
	assert_int_equal(st_store_open(path, &o, &s, err, sizeof(err)), ST_ERR_BUSY);
	assert_null(s);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "locked"));
	raw_exec(db, "ROLLBACK");
	sqlite3_close(db);

	/* An open store meets another writer: begin waits, then says busy. */
	assert_int_equal(st_store_open(path, &o, &s, err, sizeof(err)), ST_OK);
	db = raw_open(path);
	raw_exec(db, "BEGIN IMMEDIATE; INSERT INTO station(code) VALUES ('other')");
	assert_int_equal(st_store_begin(s), ST_ERR_BUSY);
	assert_non_null(strstr(st_store_errmsg(s), "locked"));
	raw_exec(db, "COMMIT");
	sqlite3_close(db);
	assert_int_equal(st_store_begin(s), ST_OK);
	assert_int_equal(st_store_commit(s), ST_OK);
	st_store_close(s);
}

/* ---- scans, transactions, outbox ------------------------------------------ */

static void scan_add__raw_bytes_stored_exactly(void **state)
{
	/* A GS1-128 scan with GS separators, then bytes that are not UTF-8
	 * (and a NUL): the store keeps what the scanner sent, byte for byte. */
	static const uint8_t raw1[] = "]C101095011010209171\x1d" "10ABC\x1d" "21SN1";
	static const uint8_t raw2[] = { 0xff, 0xfe, 0x00, 'A', 0xc3, 0x28, 0x1d, 0x80 };
	struct { const uint8_t *raw; size_t n; } t[] = {
		{ raw1, sizeof(raw1) - 1 },
		{ raw2, sizeof(raw2) },
		{ (const uint8_t *)"", 0 },
	};
	struct st_store *s;
	char path[256];
	int64_t st, op_id = 0, n = 0;
	struct st_operator op = { .badge = "BADGE-0001", .name = "Ana Ruiz", .role = "inspector",
				  .active = true };
	sqlite3 *db;

	(void)state;
	new_path(path, sizeof(path), "raw");
	s = open_new(path);
	st = seed_station(s);
	assert_int_equal(st_store_operator_upsert(s, &op, &op_id), ST_OK);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_scan_rec r = {
			.station_id = st,
			.operator_id = i == 0 ? op_id : 0,
			.source = "usb:1-4:1.0",
			.symbology = i == 0 ? "]C1" : NULL,
			.raw = t[i].raw,
			.raw_len = t[i].n,
			.truncated = i == 1,
			.kind = i == 0 ? "gs1" : NULL,
			.valid = i == 0,
			.ts_ms = 1764000000000 + (int64_t)i,
		};
		int64_t id = 0;

		assert_int_equal(st_store_scan_add(s, &r, &id), ST_OK);
		assert_true(id > 0);
	}
	assert_int_equal(st_store_scan_count(s, &n), ST_OK);
	assert_int_equal(n, 3);
	st_store_close(s);

	db = raw_open(path);
	{
		sqlite3_stmt *q = NULL;
		size_t i = 0;

		assert_int_equal(sqlite3_prepare_v2(db, "SELECT raw, typeof(raw), truncated,"
							" operator_id IS NULL, symbology IS NULL,"
							" ts_ms FROM scan ORDER BY id",
						    -1, &q, NULL),
				 SQLITE_OK);
		while (sqlite3_step(q) == SQLITE_ROW) {
			assert_true(i < 3);
			assert_string_equal((const char *)sqlite3_column_text(q, 1), "blob");
			assert_int_equal(sqlite3_column_bytes(q, 0), (int)t[i].n);
			if (t[i].n)
				assert_memory_equal(sqlite3_column_blob(q, 0), t[i].raw, t[i].n);
			assert_int_equal(sqlite3_column_int(q, 2), i == 1);
			assert_int_equal(sqlite3_column_int(q, 3), i != 0);
			assert_int_equal(sqlite3_column_int(q, 4), i != 0);
			assert_int_equal(sqlite3_column_int64(q, 5), 1764000000000 + (int64_t)i);
			i++;
		}
		assert_int_equal(i, 3);
		sqlite3_finalize(q);
	}
	/* Raw scans are never changed or deleted. */
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM scan", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE scan SET raw = x'00'", NULL, NULL, NULL),
			     SQLITE_OK);
	sqlite3_close(db);
}

/* An event is pending until acknowledged, and never changes: acknowledging
 * it takes it out of outbox_unsent and writes its result (schema 5). */
static void outbox__pending_until_acked_and_never_changed(void **state)
{
	struct st_outbox_rec ev = { .type = "scan", .entity = "scan:1", .payload = "{\"n\":1}",
				    .ts_ms = 1764000000000 };
	struct st_sync_ack ack = { .result = ST_SYNC_APPLIED, .server_seq = 7 };
	int64_t id1 = 0, id2 = 0, pending = -1, total = -1;
	struct st_store *s;
	char path[256];
	sqlite3 *db;
	char *msg = NULL;

	(void)state;
	new_path(path, sizeof(path), "outbox");
	s = open_new(path);
	assert_int_equal(st_store_outbox_add(s, &ev, &id1, NULL), ST_OK);
	assert_int_equal(st_store_outbox_add(s, &ev, &id2, NULL), ST_OK);
	ack.outbox_id = id1;
	assert_int_equal(st_store_sync_ack(s, &ack, 1, 1764000000500), ST_OK);
	/* A resend the server calls a duplicate keeps the first result. */
	ack.result = ST_SYNC_DUPLICATE;
	assert_int_equal(st_store_sync_ack(s, &ack, 1, 1764000000900), ST_OK);
	assert_int_equal(st_store_outbox_count(s, &pending, &total), ST_OK);
	assert_int_equal(pending, 1);
	assert_int_equal(total, 2);
	/* No such event: nothing of the batch is kept. */
	{
		struct st_sync_ack two[2] = { { id2, ST_SYNC_APPLIED, 8, NULL },
					      { 99, ST_SYNC_APPLIED, 9, NULL } };

		assert_int_equal(st_store_sync_ack(s, two, 2, 1764000001000), ST_ERR_NOTFOUND);
	}
	st_store_close(s);

	assert_int_equal(path_int(path, "SELECT group_concat(id) FROM outbox_unsent"), id2);
	assert_int_equal(path_int(path, "SELECT result = 'applied' AND server_seq = 7"
					" AND ts_ms = 1764000000500 FROM sync_result"
					" WHERE outbox_id = 1"),
			 1);
	db = raw_open(path);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE outbox SET payload = '{}'", NULL, NULL, &msg),
			     SQLITE_OK);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "never changed"));
	sqlite3_free(msg);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM outbox", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void store_tx__rollback_leaves_no_scan_and_no_outbox(void **state)
{
	struct st_store *s;
	struct st_outbox_rec ev = { .type = "scan", .entity = "scan:1", .payload = "{}",
				    .ts_ms = 1764000000000 };
	int64_t st, scans = -1, pending = -1, total = -1;

	(void)state;
	s = open_new(":memory:");
	st = seed_station(s);

	assert_int_equal(st_store_begin(s), ST_OK);
	add_scan(s, st, "SN00001001");
	assert_int_equal(st_store_outbox_add(s, &ev, NULL, NULL), ST_OK);
	st_store_rollback(s);
	st_store_rollback(s); /* twice: still quiet */
	assert_int_equal(st_store_scan_count(s, &scans), ST_OK);
	assert_int_equal(st_store_outbox_count(s, &pending, &total), ST_OK);
	assert_int_equal(scans, 0);
	assert_int_equal(total, 0);

	assert_int_equal(st_store_begin(s), ST_OK);
	add_scan(s, st, "SN00001001");
	assert_int_equal(st_store_outbox_add(s, &ev, NULL, NULL), ST_OK);
	assert_int_equal(st_store_commit(s), ST_OK);
	assert_int_equal(st_store_scan_count(s, &scans), ST_OK);
	assert_int_equal(st_store_outbox_count(s, &pending, &total), ST_OK);
	assert_int_equal(scans, 1);
	assert_int_equal(pending, 1);
	assert_int_equal(total, 1);
	st_store_close(s);
}

static int cmp_uuid(const void *a, const void *b)
{
	return memcmp(a, b, 37);
}

static void outbox_add__uuids_unique_time_ordered(void **state)
{
	enum { N = 500 };
	struct outbox_uuid { char u[37]; } *u;
	struct st_outbox_rec ev = { .type = "login", .entity = "operator:BADGE-0001",
				    .payload = "{\"badge\":\"BADGE-0001\"}", .ts_ms = 1 };
	struct st_store *s;
	int64_t pending = 0, total = 0;

	(void)state;
	u = calloc(N, sizeof(*u));
	assert_non_null(u);
	s = open_new(":memory:");
	assert_int_equal(st_store_begin(s), ST_OK);
	for (int i = 0; i < N; i++) {
		int64_t id = 0;
		const char *x = u[i].u;

		ev.ts_ms = 1764183600000 + i / 100; /* 100 events per millisecond */
		assert_int_equal(st_store_outbox_add(s, &ev, &id, u[i].u), ST_OK);
		assert_int_equal(id, i + 1);
		assert_int_equal(strlen(x), 36);
		for (int k = 0; k < 36; k++) {
			if (k == 8 || k == 13 || k == 18 || k == 23)
				assert_int_equal(x[k], '-');
			else
				assert_non_null(strchr("0123456789abcdef", x[k]));
		}
		assert_int_equal(x[14], '7');                 /* version 7 */
		assert_non_null(strchr("89ab", x[19]));       /* RFC 9562 variant */
		/* The first 48 bits are the event's time in Unix ms. */
		assert_int_equal(strtoull((char[13]){ x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7],
						      x[9], x[10], x[11], x[12], 0 },
					  NULL, 16),
				 (unsigned long long)ev.ts_ms);
		/* Made later, sorts later: even within one millisecond. */
		if (i > 0)
			assert_true(memcmp(u[i - 1].u, x, 36) < 0);
	}
	assert_int_equal(st_store_commit(s), ST_OK);
	qsort(u, N, sizeof(*u), cmp_uuid);
	for (int i = 1; i < N; i++)
		assert_int_not_equal(memcmp(u[i - 1].u, u[i].u, 37), 0);
	assert_int_equal(st_store_outbox_count(s, &pending, &total), ST_OK);
	assert_int_equal(pending, N);
	assert_int_equal(total, N);
	st_store_close(s);
	free(u);
}

/* ---- check and backup ---------------------------------------------------- */

struct lines {
	unsigned n;
	char last[512];
};

static void collect(const char *line, void *ud)
{
	struct lines *l = ud;

	l->n++;
	snprintf(l->last, sizeof(l->last), "%s", line);
}

static void store_check__passes_good_and_reports_broken_fk(void **state)
{
	struct lines got = { 0 };
	struct st_store *s;
	char path[256];
	sqlite3 *db;

	(void)state;
	new_path(path, sizeof(path), "check");
	s = open_new(path);
	add_scan(s, seed_station(s), "ORD-100231");
	assert_int_equal(st_store_check(s, collect, &got), ST_OK);
	assert_int_equal(got.n, 0);

	/* Another program, with foreign keys off, leaves a dangling row. */
	db = raw_open(path);
	raw_exec(db, "PRAGMA foreign_keys = OFF; INSERT INTO scan(station_id, source, raw, ts_ms)"
		     " VALUES (999, 'stdin', x'41', 1)");
	sqlite3_close(db);

	assert_int_equal(st_store_check(s, collect, &got), ST_ERR_CORRUPT);
	assert_int_equal(got.n, 1);
	assert_non_null(strstr(got.last, "scan"));
	assert_non_null(strstr(got.last, "station"));
	assert_non_null(strstr(st_store_errmsg(s), "1 problem"));
	assert_int_equal(st_store_check(s, NULL, NULL), ST_ERR_CORRUPT);
	st_store_close(s);
}

struct writer {
	struct st_store *other;
	int64_t station;
	int writes, calls, last_done, last_total;
};

/* Between backup steps, another connection (the sync process, say) writes. */
static void progress_and_write(int done, int total, void *ud)
{
	struct writer *w = ud;

	w->calls++;
	w->last_done = done;
	w->last_total = total;
	assert_true(done <= total);
	if (w->writes < 3 && done < total) {
		add_scan(w->other, w->station, "SN00009999");
		w->writes++;
	}
}

static void store_backup__consistent_while_another_connection_writes(void **state)
{
	enum { N = 1500 };
	char path[256], dest[300], bad[300];
	struct writer w = { 0 };
	struct st_store *s, *b;
	struct lines got = { 0 };
	int64_t n = 0;
	uint8_t raw[200];
	DIR *d;
	struct dirent *e;

	(void)state;
	new_path(path, sizeof(path), "live");
	snprintf(dest, sizeof(dest), "%s.backup", path);
	s = open_new(path);
	w.station = seed_station(s);
	memset(raw, 'x', sizeof(raw));
	assert_int_equal(st_store_begin(s), ST_OK);
	for (int i = 0; i < N; i++) {
		struct st_scan_rec r = { .station_id = w.station, .source = "stdin", .raw = raw,
					 .raw_len = sizeof(raw), .ts_ms = i };

		assert_int_equal(st_store_scan_add(s, &r, NULL), ST_OK);
	}
	assert_int_equal(st_store_commit(s), ST_OK);
	spit(dest, "old backup", 10); /* replaced whole, never half-written */

	w.other = open_new(path);
	assert_int_equal(st_store_backup(s, dest, progress_and_write, &w), ST_OK);
	assert_int_equal(w.writes, 3);
	assert_true(w.calls > 3);
	assert_int_equal(w.last_done, w.last_total);
	st_store_close(w.other);

	b = open_new(dest);
	assert_int_equal(st_store_check(b, collect, &got), ST_OK);
	assert_int_equal(got.n, 0);
	assert_int_equal(st_store_scan_count(b, &n), ST_OK);
	assert_int_equal(n, N + 3); /* the backup restarted after each write */
	st_store_close(b);

	/* A backup that cannot be made leaves nothing under the name. */
	snprintf(bad, sizeof(bad), "%s/no-such-folder/x.db", tmpdir);
	assert_int_equal(st_store_backup(s, bad, NULL, NULL), ST_ERR_NOTFOUND);
	assert_int_equal(access(bad, F_OK), -1);
	st_store_close(s);

	/* No temporary file left beside the backup. */
	d = opendir(tmpdir);
	assert_non_null(d);
	while ((e = readdir(d)))
		assert_null(strstr(e->d_name, ".tmp-"));
	closedir(d);
}

/* ---- catalogue, orders, items --------------------------------------------- */

static void fill_order(struct st_order *o, const char *status, const char *engraving)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->number, sizeof(o->number), "ORD-100231");
	snprintf(o->customer_name, sizeof(o->customer_name), "Maya Lindqvist");
	snprintf(o->customer_email, sizeof(o->customer_email), "maya@example.com");
	snprintf(o->status, sizeof(o->status), "%s", status);
	snprintf(o->ship_country, sizeof(o->ship_country), "US");
	o->gift_box = true;
	o->placed_ms = 1763647380000;
	o->n_line = 2;
	o->line[0].line_no = 1;
	o->line[0].quantity = 1;
	o->line[0].personalized = true;
	snprintf(o->line[0].product.sku, sizeof(o->line[0].product.sku), "RG-SOL-14K");
	o->line[0].n_opt = 2;
	snprintf(o->line[0].opt[0].name, sizeof(o->line[0].opt[0].name), "size");
	snprintf(o->line[0].opt[0].value, sizeof(o->line[0].opt[0].value), "6.5");
	snprintf(o->line[0].opt[1].name, sizeof(o->line[0].opt[1].name), "engraving");
	snprintf(o->line[0].opt[1].value, sizeof(o->line[0].opt[1].value), "%s", engraving);
	o->line[1].line_no = 2;
	o->line[1].quantity = 2;
	snprintf(o->line[1].product.sku, sizeof(o->line[1].product.sku), "NK-CHAIN-45");
	o->line[1].n_opt = 1;
	snprintf(o->line[1].opt[0].name, sizeof(o->line[1].opt[0].name), "chain_length_mm");
	snprintf(o->line[1].opt[0].value, sizeof(o->line[1].opt[0].value), "450");
}

static void order_upsert__twice_updates_not_duplicates(void **state)
{
	struct st_order *o = malloc(sizeof(*o)), *got = malloc(sizeof(*got));
	struct st_store *s;
	char path[256];
	int64_t id1 = 0, id2 = 0;

	(void)state;
	assert_non_null(o);
	assert_non_null(got);
	new_path(path, sizeof(path), "order");
	s = open_new(path);
	seed_product(s, "RG-SOL-14K", "09501101020917", "ring");
	seed_product(s, "NK-CHAIN-45", "", "necklace");

	fill_order(o, "open", "Forever & Always");
	assert_int_equal(st_store_order_upsert(s, o, &id1), ST_OK);
	fill_order(o, "", "Te amo \xe2\x99\xa5");   /* "" keeps the status */
	o->line[0].n_opt = 1;                        /* options are replaced */
	snprintf(o->line[0].opt[0].name, sizeof(o->line[0].opt[0].name), "engraving");
	snprintf(o->line[0].opt[0].value, sizeof(o->line[0].opt[0].value), "Te amo \xe2\x99\xa5");
	o->cancelled = true;
	assert_int_equal(st_store_begin(s), ST_OK);   /* inside a caller's transaction too */
	assert_int_equal(st_store_order_upsert(s, o, &id2), ST_OK);
	assert_int_equal(st_store_commit(s), ST_OK);
	assert_int_equal(id1, id2);

	assert_int_equal(st_store_order_by_number(s, "ORD-100231", got), ST_OK);
	assert_int_equal(got->id, id1);
	assert_string_equal(got->status, "open");
	assert_true(got->cancelled);
	assert_true(got->gift_box);
	assert_string_equal(got->customer_name, "Maya Lindqvist");
	assert_int_equal(got->placed_ms, 1763647380000);
	assert_int_equal(got->delivered_ms, 0);
	assert_int_equal(got->n_line, 2);
	assert_int_equal(got->line[0].line_no, 1);
	assert_string_equal(got->line[0].product.sku, "RG-SOL-14K");
	assert_string_equal(got->line[0].product.category, "ring");
	assert_true(got->line[0].personalized);
	assert_int_equal(got->line[0].n_opt, 1);
	assert_string_equal(got->line[0].opt[0].value, "Te amo \xe2\x99\xa5");
	assert_int_equal(got->line[1].quantity, 2);
	assert_string_equal(got->line[1].opt[0].value, "450");

	assert_int_equal(path_int(path, "SELECT count(*) FROM orders"), 1);
	assert_int_equal(path_int(path, "SELECT count(*) FROM order_line"), 2);
	assert_int_equal(path_int(path, "SELECT count(*) FROM order_line_option"), 2);

	/* A line naming an unknown product: nothing of the order changes. */
	fill_order(o, "packed", "x");
	snprintf(o->line[1].product.sku, sizeof(o->line[1].product.sku), "NO-SUCH-SKU");
	assert_int_equal(st_store_order_upsert(s, o, NULL), ST_ERR_CONSTRAINT);
	assert_int_equal(st_store_order_by_number(s, "ORD-100231", got), ST_OK);
	assert_string_equal(got->status, "open");
	assert_string_equal(got->line[0].opt[0].value, "Te amo \xe2\x99\xa5");

	/* A status the schema does not know. */
	fill_order(o, "teleported", "x");
	assert_int_equal(st_store_order_upsert(s, o, NULL), ST_ERR_CONSTRAINT);
	assert_non_null(strstr(st_store_errmsg(s), "order_status"));
	st_store_close(s);
	free(o);
	free(got);
}

static void store_lookup__by_number_serial_gtin_badge(void **state)
{
	struct st_order *o = malloc(sizeof(*o));
	struct st_operator op = { .badge = "BADGE-0002", .name = "Ben Okafor", .role = "packer",
				  .active = true }, gop;
	struct st_item it = { .serial = "SN00001001", .order_number = "ORD-100231", .line_no = 1 },
		       free_it = { .serial = "SN00001099" }, git;
	struct st_product p;
	struct st_store *s;
	int64_t id = 0, cat = 0;

	(void)state;
	assert_non_null(o);
	s = open_new(":memory:");
	seed_product(s, "RG-SOL-14K", "09501101020917", "ring");
	seed_product(s, "NK-CHAIN-45", "", "necklace");
	fill_order(o, "open", "Forever & Always");
	assert_int_equal(st_store_order_upsert(s, o, NULL), ST_OK);
	assert_int_equal(st_store_operator_upsert(s, &op, &id), ST_OK);
	op.active = false;
	assert_int_equal(st_store_operator_upsert(s, &op, NULL), ST_OK);
	snprintf(it.product.sku, sizeof(it.product.sku), "RG-SOL-14K");
	snprintf(free_it.product.sku, sizeof(free_it.product.sku), "NK-CHAIN-45");
	assert_int_equal(st_store_item_upsert(s, &it, NULL), ST_OK);
	assert_int_equal(st_store_item_upsert(s, &free_it, NULL), ST_OK);

	/* GTIN: 14 digits, or the same number written as GTIN-13. */
	assert_int_equal(st_store_product_by_gtin(s, "09501101020917", &p), ST_OK);
	assert_string_equal(p.sku, "RG-SOL-14K");
	assert_int_equal(st_store_product_by_gtin(s, "9501101020917", &p), ST_OK);
	assert_string_equal(p.gtin, "09501101020917");
	assert_int_equal(st_store_product_by_gtin(s, "09501101020924", &p), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_product_by_gtin(s, "95011O1020917", &p), ST_ERR_ARG);
	assert_int_equal(st_store_product_by_sku(s, "NK-CHAIN-45", &p), ST_OK);
	assert_string_equal(p.gtin, "");
	assert_int_equal(st_store_product_by_sku(s, "nope", &p), ST_ERR_NOTFOUND);

	assert_int_equal(st_store_operator_by_badge(s, "BADGE-0002", &gop), ST_OK);
	assert_int_equal(gop.id, id);
	assert_string_equal(gop.name, "Ben Okafor");
	assert_string_equal(gop.role, "packer");
	assert_false(gop.active);
	assert_int_equal(st_store_operator_by_badge(s, "BADGE-9999", &gop), ST_ERR_NOTFOUND);

	assert_int_equal(st_store_item_by_serial(s, "SN00001001", &git), ST_OK);
	assert_string_equal(git.status, "received");
	assert_string_equal(git.order_number, "ORD-100231");
	assert_int_equal(git.line_no, 1);
	assert_string_equal(git.product.category, "ring");
	assert_int_equal(st_store_item_by_serial(s, "SN00001099", &git), ST_OK);
	assert_string_equal(git.order_number, "");
	assert_int_equal(git.line_no, 0);
	assert_int_equal(st_store_item_by_serial(s, "SN00000000", &git), ST_ERR_NOTFOUND);

	assert_int_equal(st_store_order_by_number(s, "ORD-999999", o), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_category_by_code(s, "pendant", &cat), ST_OK);
	assert_true(cat > 0);
	assert_int_equal(st_store_category_by_code(s, "hat", &cat), ST_ERR_NOTFOUND);

	/* References that do not exist. */
	it.line_no = 7;
	assert_int_equal(st_store_item_upsert(s, &it, NULL), ST_ERR_CONSTRAINT);
	assert_non_null(strstr(st_store_errmsg(s), "order line"));
	snprintf(p.sku, sizeof(p.sku), "HAT-1");
	snprintf(p.category, sizeof(p.category), "hat");
	p.gtin[0] = '\0';
	assert_int_equal(st_store_product_upsert(s, &p, NULL), ST_ERR_CONSTRAINT);
	assert_int_equal(st_store_product_by_sku(s, "HAT-1", &p), ST_ERR_NOTFOUND);
	st_store_close(s);
	free(o);
}

static void session__start_closes_previous_and_end_once(void **state)
{
	struct st_operator a = { .badge = "BADGE-0001", .name = "Ana", .role = "inspector",
				 .active = true },
			   b = { .badge = "BADGE-0002", .name = "Ben", .role = "packer",
				 .active = true };
	struct st_store *s;
	char path[256];
	int64_t st, ia = 0, ib = 0, sa = 0, sb = 0;

	(void)state;
	new_path(path, sizeof(path), "session");
	s = open_new(path);
	st = seed_station(s);
	assert_int_equal(st_store_operator_upsert(s, &a, &ia), ST_OK);
	assert_int_equal(st_store_operator_upsert(s, &b, &ib), ST_OK);
	assert_int_equal(st_store_session_start(s, ia, st, 1000, &sa), ST_OK);
	assert_int_equal(st_store_session_start(s, ib, st, 2000, &sb), ST_OK);
	assert_int_not_equal(sa, sb);
	assert_int_equal(st_store_session_end(s, sa, 3000), ST_ERR_NOTFOUND); /* ended by b */
	assert_int_equal(st_store_session_end(s, sb, 3000), ST_OK);
	assert_int_equal(st_store_session_end(s, sb, 4000), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_session_end(s, 12345, 4000), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_session_start(s, 999, st, 5000, NULL), ST_ERR_CONSTRAINT);
	st_store_close(s);
	assert_int_equal(path_int(path, "SELECT end_ms FROM operator_session WHERE id = 1"), 2000);
	assert_int_equal(path_int(path, "SELECT count(*) FROM operator_session"), 2);
}

/* ---- reports (qcstation report qc) ------------------------------------------ */

struct walk {
	int64_t id[16], item[16], superseded_by[16];
	char serial[16][64];
	int n, stop_at;
};

static int walk_insp(const struct st_inspection_rec *r, void *ud)
{
	struct walk *w = ud;

	assert_true(w->n < 16);
	w->id[w->n] = r->id;
	w->item[w->n] = r->item_id;
	w->superseded_by[w->n] = r->superseded_by;
	w->n++;
	return w->n == w->stop_at ? 42 : 0;
}

static int walk_item(const struct st_item *it, void *ud)
{
	struct walk *w = ud;

	assert_true(w->n < 16);
	w->id[w->n] = it->id;
	snprintf(w->serial[w->n], sizeof(w->serial[0]), "%s", it->serial);
	w->n++;
	return w->n == w->stop_at ? 42 : 0;
}

static void report_walks__by_item_and_by_status(void **state)
{
	struct st_operator op = { .badge = "BADGE-0001", .name = "Ana", .role = "inspector",
				  .active = true };
	struct st_inspection_rec *r = calloc(1, sizeof(*r)), *last = calloc(1, sizeof(*last));
	struct st_item it = { 0 };
	struct st_store *s;
	struct walk w;
	char path[256];
	int64_t st, opid = 0, item[3], id[5];
	/* written: item 2, item 1, item 2 (corrects the first), item 3, item 1 */
	static const struct {
		int k;
		const char *result, *disposition;
		int supersedes; /* index into id[] + 1, 0 = none */
	} seq[] = {
		{ 1, "fail", "hold", 0 }, { 0, "pass", "", 0 }, { 1, "pass", "", 1 },
		{ 2, "fail", "hold", 0 }, { 0, "fail", "rework", 0 },
	};

	(void)state;
	assert_non_null(r);
	assert_non_null(last);
	new_path(path, sizeof(path), "report");
	s = open_new(path);
	st = seed_station(s);
	assert_int_equal(st_store_category_ensure(s, "ring", "Rings", NULL), ST_OK);
	seed_product(s, "RING-1", "", "ring");
	assert_int_equal(st_store_operator_upsert(s, &op, &opid), ST_OK);
	for (int i = 0; i < 3; i++) {
		snprintf(it.serial, sizeof(it.serial), "SN-%d", i + 1);
		snprintf(it.product.sku, sizeof(it.product.sku), "RING-1");
		assert_int_equal(st_store_item_upsert(s, &it, &item[i]), ST_OK);
	}
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		memset(r, 0, sizeof(*r));
		r->item_id = item[seq[i].k];
		r->operator_id = opid;
		r->station_id = st;
		snprintf(r->category, sizeof(r->category), "ring");
		snprintf(r->checklist_version, sizeof(r->checklist_version), "1");
		snprintf(r->result, sizeof(r->result), "%s", seq[i].result);
		snprintf(r->disposition, sizeof(r->disposition), "%s", seq[i].disposition);
		r->supersedes = seq[i].supersedes ? id[seq[i].supersedes - 1] : 0;
		r->started_ms = 1000 * (int64_t)i;
		r->completed_ms = r->started_ms + 500;
		assert_int_equal(st_store_inspection_add(s, r, &id[i]), ST_OK);
	}
	assert_int_equal(st_store_item_set_status(s, item[1], "hold"), ST_OK);
	assert_int_equal(st_store_item_set_status(s, item[2], "hold"), ST_OK);
	assert_int_equal(st_store_item_set_status(s, item[0], "rework"), ST_OK);

	/* Grouped by item, each in write order, superseded ones included. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(st_store_inspection_each_by_item(s, walk_insp, &w), ST_OK);
	assert_int_equal(w.n, 5);
	assert_int_equal(w.id[0], id[1]);
	assert_int_equal(w.id[1], id[4]);
	assert_int_equal(w.id[2], id[0]);
	assert_int_equal(w.superseded_by[2], id[2]);
	assert_int_equal(w.id[3], id[2]);
	assert_int_equal(w.superseded_by[3], 0);
	assert_int_equal(w.id[4], id[3]);
	assert_int_equal(w.item[4], item[2]);
	/* A non-zero return stops the walk and is returned. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	assert_int_equal(st_store_inspection_each_by_item(s, walk_insp, &w), 42);
	assert_int_equal(w.n, 2);

	/* Items by status, by id; fn may read the item's current inspection. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(st_store_item_each_by_status(s, "hold", walk_item, &w), ST_OK);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.serial[0], "SN-2");
	assert_string_equal(w.serial[1], "SN-3");
	assert_int_equal(st_store_inspection_last(s, w.id[0], last), ST_OK);
	assert_int_equal(last->id, id[2]); /* the correction */
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	assert_int_equal(st_store_item_each_by_status(s, "hold", walk_item, &w), 42);
	memset(&w, 0, sizeof(w));
	assert_int_equal(st_store_item_each_by_status(s, "no-such-status", walk_item, &w), ST_OK);
	assert_int_equal(w.n, 0);
	st_store_close(s);
	free(last);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(store_open__creates_and_migrates),
		cmocka_unit_test(store_open__reopen_is_idempotent),
		cmocka_unit_test(store_open__newer_schema_refused_and_unchanged),
		cmocka_unit_test(store_open__not_a_database_refused),
		cmocka_unit_test(store_open__missing_file_and_folder),
		cmocka_unit_test(store_open__migrates_from_every_earlier_version),
		cmocka_unit_test(store_open__readonly_reads_and_refuses_writes),
		cmocka_unit_test(store_open__busy_when_another_connection_locks),
		cmocka_unit_test(scan_add__raw_bytes_stored_exactly),
		cmocka_unit_test(store_tx__rollback_leaves_no_scan_and_no_outbox),
		cmocka_unit_test(outbox_add__uuids_unique_time_ordered),
		cmocka_unit_test(outbox__pending_until_acked_and_never_changed),
		cmocka_unit_test(store_check__passes_good_and_reports_broken_fk),
		cmocka_unit_test(store_backup__consistent_while_another_connection_writes),
		cmocka_unit_test(order_upsert__twice_updates_not_duplicates),
		cmocka_unit_test(store_lookup__by_number_serial_gtin_badge),
		cmocka_unit_test(session__start_closes_previous_and_end_once),
		cmocka_unit_test(report_walks__by_item_and_by_status),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
