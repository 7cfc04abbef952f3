/* sync/central: the SQLite backend (the default).  One file in WAL mode with
 * synchronous=FULL: a batch answered 200 is on disk.  Every statement is
 * prepared once at open.  Deduplication is the UNIQUE (station_id, uuid)
 * constraint: INSERT ... ON CONFLICT DO NOTHING RETURNING gives the new
 * server_seq, and a replay reads back the original one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "central/central-int.h"

static const char *const schema[] = {
	"CREATE TABLE IF NOT EXISTS station ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),"
	" token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),"
	" created_ms INTEGER NOT NULL)",
	"CREATE TABLE IF NOT EXISTS event ("
	" server_seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" station_id INTEGER NOT NULL REFERENCES station(id),"
	" uuid TEXT NOT NULL CHECK (length(uuid) = 36),"
	" seq INTEGER NOT NULL,"
	" type TEXT NOT NULL,"
	" entity TEXT NOT NULL,"
	" ts_ms INTEGER NOT NULL,"
	" payload TEXT NOT NULL,"
	" received_ms INTEGER NOT NULL,"
	" UNIQUE (station_id, uuid))",
	"CREATE TABLE IF NOT EXISTS feed ("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" data TEXT NOT NULL,"
	" imported_ms INTEGER NOT NULL)",
	NULL,
};

enum q {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_STATION_ADD,
	Q_STATION_TOKEN,
	Q_STATION_BY_HASH,
	Q_STATION_BY_NAME,
	Q_STATION_LIST,
	Q_EVENT_ADD,
	Q_EVENT_SEQ,
	Q_FEED_PAGE,
	Q_FEED_ADD,
	Q_EVENTS,
	Q_PING,
	Q__COUNT
};

static const char *const q_sql[Q__COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_STATION_ADD] = "INSERT INTO station(name, token_sha256, created_ms) VALUES (?1, ?2, ?3)",
	[Q_STATION_TOKEN] = "UPDATE station SET token_sha256 = ?2 WHERE name = ?1",
	[Q_STATION_BY_HASH] = "SELECT id, name FROM station WHERE token_sha256 = ?1",
	[Q_STATION_BY_NAME] = "SELECT id FROM station WHERE name = ?1",
	[Q_STATION_LIST] = "SELECT s.name, s.created_ms, count(e.server_seq),"
			   " coalesce(max(e.seq), 0)"
			   " FROM station s LEFT JOIN event e ON e.station_id = s.id"
			   " GROUP BY s.id ORDER BY s.name",
	[Q_EVENT_ADD] = "INSERT INTO event(station_id, uuid, seq, type, entity, ts_ms, payload,"
			" received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			" ON CONFLICT (station_id, uuid) DO NOTHING RETURNING server_seq",
	[Q_EVENT_SEQ] = "SELECT server_seq FROM event WHERE station_id = ?1 AND uuid = ?2",
	[Q_FEED_PAGE] = "SELECT seq, kind, key, data FROM feed"
			" WHERE seq > ?1 ORDER BY seq LIMIT ?2",
	[Q_FEED_ADD] = "INSERT INTO feed(kind, key, data, imported_ms) VALUES (?1, ?2, ?3, ?4)",
	[Q_EVENTS] = "SELECT e.server_seq, s.name, e.uuid, e.seq, e.type, e.entity, e.ts_ms,"
		     " e.received_ms, e.payload FROM event e JOIN station s ON s.id = e.station_id"
		     " WHERE e.server_seq > ?1 ORDER BY e.server_seq LIMIT ?2",
	[Q_PING] = "SELECT 1",
};

struct db_sqlite {
	struct cs_db base; /* first: a struct cs_db * is a struct db_sqlite * */
	sqlite3 *h;
	sqlite3_stmt *stmt[Q__COUNT];
};

static struct db_sqlite *S(struct cs_db *db)
{
	return (struct db_sqlite *)db;
}

/* Log the database's message once and map the code. */
static int fail(struct db_sqlite *s, const char *what)
{
	cs_err(s->base.c, "sqlite: %s: %s", what, sqlite3_errmsg(s->h));
	return SY_ERR_IO;
}

static void done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

static int exec1(struct db_sqlite *s, enum q which)
{
	sqlite3_stmt *q = s->stmt[which];
	int rc = sqlite3_step(q) == SQLITE_DONE ? SY_OK : fail(s, q_sql[which]);

	done(q);
	return rc;
}

static int station_add(struct cs_db *db, const char *name, const uint8_t hash[32], int64_t now_ms)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_STATION_ADD];
	int rc = SY_OK;

	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now_ms);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = fail(s, "station add");
	done(q);
	return rc;
}

static int station_token(struct cs_db *db, const char *name, const uint8_t hash[32])
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_STATION_TOKEN];
	int rc;

	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(q, 2, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = fail(s, "station token");
	else
		rc = sqlite3_changes(s->h) > 0;
	done(q);
	return rc;
}

static int station_by_hash(struct cs_db *db, const uint8_t hash[32], int64_t *id, char *name)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_STATION_BY_HASH];
	int rc, found = 0;

	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(q, 1);

		*id = sqlite3_column_int64(q, 0);
		snprintf(name, 64, "%s", n ? n : "");
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = fail(s, "station by token");
	}
	done(q);
	return found;
}

static int station_by_name(struct cs_db *db, const char *name, int64_t *id)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_STATION_BY_NAME];
	int rc, found = 0;

	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = fail(s, "station by name");
	}
	done(q);
	return found;
}

static int station_list(struct cs_db *db, sy_central_station_fn *fn, void *ud)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_STATION_LIST];
	int rc, ret = SY_OK;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct sy_central_station st;

		st.name = (const char *)sqlite3_column_text(q, 0);
		st.created_ms = sqlite3_column_int64(q, 1);
		st.events = sqlite3_column_int64(q, 2);
		st.last_seq = sqlite3_column_int64(q, 3);
		ret = fn(&st, ud);
		if (ret != 0)
			break;
	}
	if (ret == SY_OK && rc != SQLITE_DONE)
		ret = fail(s, "station list");
	done(q);
	return ret;
}

static int ingest(struct cs_db *db, int64_t station_id, const struct sy_proto_batch *b,
		  struct sy_proto_result *res, int64_t now_ms)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *add = s->stmt[Q_EVENT_ADD], *get = s->stmt[Q_EVENT_SEQ];
	int rc;

	rc = exec1(s, Q_BEGIN);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < b->n; i++) {
		const struct sy_proto_event *e = &b->ev[i];
		int r;

		if (e->reject[0])
			continue;
		sqlite3_bind_int64(add, 1, station_id);
		sqlite3_bind_text(add, 2, e->uuid, SY_PROTO_UUID_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(add, 3, e->seq);
		sqlite3_bind_text(add, 4, e->type, -1, SQLITE_STATIC);
		sqlite3_bind_text(add, 5, e->entity, -1, SQLITE_STATIC);
		sqlite3_bind_int64(add, 6, e->ts_ms);
		sqlite3_bind_text(add, 7, e->payload, (int)e->payload_len, SQLITE_STATIC);
		sqlite3_bind_int64(add, 8, now_ms);
		r = sqlite3_step(add);
		if (r == SQLITE_ROW) {
			res[i].status = SY_PROTO_APPLIED;
			res[i].server_seq = sqlite3_column_int64(add, 0);
			r = sqlite3_step(add);
		} else if (r == SQLITE_DONE) {
			res[i].status = SY_PROTO_DUPLICATE;
		}
		if (r != SQLITE_DONE) {
			rc = fail(s, "event add");
			done(add);
			goto rollback;
		}
		done(add);
		if (res[i].status != SY_PROTO_DUPLICATE)
			continue;
		sqlite3_bind_int64(get, 1, station_id);
		sqlite3_bind_text(get, 2, e->uuid, SY_PROTO_UUID_LEN, SQLITE_STATIC);
		r = sqlite3_step(get);
		if (r == SQLITE_ROW)
			res[i].server_seq = sqlite3_column_int64(get, 0);
		else
			rc = fail(s, "event seq");
		done(get);
		if (rc < 0)
			goto rollback;
	}
	rc = exec1(s, Q_COMMIT);
	if (rc == SY_OK)
		return SY_OK;
rollback:
	exec1(s, Q_ROLLBACK);
	return rc;
}

static int feed(struct cs_db *db, int64_t after, int limit, cs_feed_fn *fn, void *ud, int *more)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_FEED_PAGE];
	int rc, n = 0, ret = SY_OK;

	*more = 0;
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, (int64_t)limit + 1); /* one more tells "more" */
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct sy_proto_feed_item it;

		if (n == limit) {
			*more = 1;
			rc = SQLITE_DONE;
			break;
		}
		it.seq = sqlite3_column_int64(q, 0);
		it.kind = (const char *)sqlite3_column_text(q, 1);
		it.key = (const char *)sqlite3_column_text(q, 2);
		it.data = (const char *)sqlite3_column_text(q, 3);
		it.data_len = (size_t)sqlite3_column_bytes(q, 3);
		ret = fn(&it, ud);
		if (ret != 0)
			break;
		n++;
	}
	if (ret == SY_OK && rc != SQLITE_DONE)
		ret = fail(s, "feed page");
	done(q);
	return ret < 0 ? ret : n;
}

static int feed_add(struct cs_db *db, const struct cs_feed_row *rows, size_t n, int64_t now_ms)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_FEED_ADD];
	int rc;

	rc = exec1(s, Q_BEGIN);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(q, 1, rows[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, rows[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, rows[i].data, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, now_ms);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = fail(s, "feed add");
		done(q);
		if (rc < 0) {
			exec1(s, Q_ROLLBACK);
			return rc;
		}
	}
	rc = exec1(s, Q_COMMIT);
	if (rc < 0)
		exec1(s, Q_ROLLBACK);
	return rc;
}

static long events(struct cs_db *db, int64_t after, long limit, cs_event_fn *fn, void *ud)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_EVENTS];
	long n = 0;
	int rc, ret = SY_OK;

	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct cs_event_row r;

		r.server_seq = sqlite3_column_int64(q, 0);
		r.station = (const char *)sqlite3_column_text(q, 1);
		r.uuid = (const char *)sqlite3_column_text(q, 2);
		r.seq = sqlite3_column_int64(q, 3);
		r.type = (const char *)sqlite3_column_text(q, 4);
		r.entity = (const char *)sqlite3_column_text(q, 5);
		r.ts_ms = sqlite3_column_int64(q, 6);
		r.received_ms = sqlite3_column_int64(q, 7);
		r.payload = (const char *)sqlite3_column_text(q, 8);
		if (!r.station || !r.uuid || !r.type || !r.entity || !r.payload) {
			ret = SY_ERR_NOMEM;
			break;
		}
		ret = fn(&r, ud);
		if (ret != 0)
			break;
		n++;
	}
	if (ret == SY_OK && rc != SQLITE_DONE)
		ret = fail(s, "events");
	done(q);
	return ret < 0 ? ret : n;
}

static int ping(struct cs_db *db)
{
	struct db_sqlite *s = S(db);
	sqlite3_stmt *q = s->stmt[Q_PING];
	int rc = sqlite3_step(q) == SQLITE_ROW ? SY_OK : fail(s, "ping");

	done(q);
	return rc;
}

static void db_close(struct cs_db *db)
{
	struct db_sqlite *s = S(db);

	for (int i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->h);
	free(s);
}

static const struct cs_db_ops sqlite_ops = {
	.kind = "sqlite",
	.station_add = station_add,
	.station_token = station_token,
	.station_by_hash = station_by_hash,
	.station_by_name = station_by_name,
	.station_list = station_list,
	.ingest = ingest,
	.feed = feed,
	.feed_add = feed_add,
	.events = events,
	.ping = ping,
	.close = db_close,
};

void sy_central_process_init(void)
{
	/* SQLITE_MISUSE once SQLite has started: then it is too late, and
	 * harmless. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int cs_db_sqlite_open(struct sy_central *c, const char *path, struct cs_db **out)
{
	struct db_sqlite *s = calloc(1, sizeof(*s));
	char *msg = NULL;

	if (!s)
		return SY_ERR_NOMEM;
	s->base.ops = &sqlite_ops;
	s->base.c = c;
	/* NOMUTEX: one thread owns the connection (sy/central.h). */
	if (sqlite3_open_v2(path, &s->h,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		cs_err(c, "sqlite: cannot open %s: %s", path,
		       s->h ? sqlite3_errmsg(s->h) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->h, 5000);
	if (sqlite3_exec(
		    s->h,
		    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
		    NULL, NULL, &msg) != SQLITE_OK)
		goto fail_msg;
	for (int i = 0; schema[i]; i++)
		if (sqlite3_exec(s->h, schema[i], NULL, NULL, &msg) != SQLITE_OK)
			goto fail_msg;
	for (int i = 0; i < Q__COUNT; i++) {
		if (sqlite3_prepare_v3(s->h, q_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
				       NULL) != SQLITE_OK) {
			cs_err(c, "sqlite: prepare \"%s\": %s", q_sql[i], sqlite3_errmsg(s->h));
			goto fail;
		}
	}
	*out = &s->base;
	return SY_OK;
fail_msg:
	cs_err(c, "sqlite: %s: %s", path, msg ? msg : "error");
	sqlite3_free(msg);
fail:
	db_close(&s->base);
	return SY_ERR_IO;
}
