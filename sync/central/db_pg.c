/* sync/central: the PostgreSQL backend (libpq), for many stations and
 * warehouses sharing one store.  Statements are prepared once per
 * connection (again after a reconnect).  Deduplication is the UNIQUE
 * (station_id, uuid) constraint with INSERT ... ON CONFLICT DO NOTHING
 * RETURNING, a batch in one transaction, the inserts pipelined (libpq
 * pipeline mode) and the duplicates' original server_seq read in one
 * query.  Writers to event and feed take a table lock that only other
 * writers wait for, so sequence numbers become
 * visible in order and a reader paging by seq never skips a row committed
 * late (several qcstation-central processes may share the database). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "central/central-int.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS station ("
	" id BIGSERIAL PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),"
	" token_sha256 BYTEA NOT NULL UNIQUE CHECK (length(token_sha256) = 32),"
	" created_ms BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS event ("
	" server_seq BIGSERIAL PRIMARY KEY,"
	" station_id BIGINT NOT NULL REFERENCES station(id),"
	" uuid UUID NOT NULL,"
	" seq BIGINT NOT NULL,"
	" type TEXT NOT NULL,"
	" entity TEXT NOT NULL,"
	" ts_ms BIGINT NOT NULL,"
	" payload JSON NOT NULL,"
	" received_ms BIGINT NOT NULL,"
	" UNIQUE (station_id, uuid));"
	"CREATE TABLE IF NOT EXISTS feed ("
	" seq BIGSERIAL PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" key TEXT NOT NULL,"
	" data JSON NOT NULL,"
	" imported_ms BIGINT NOT NULL);";

enum q {
	Q_STATION_ADD,
	Q_STATION_TOKEN,
	Q_STATION_BY_HASH,
	Q_STATION_BY_NAME,
	Q_STATION_LIST,
	Q_EVENT_ADD,
	Q_EVENT_SEQS,
	Q_FEED_PAGE,
	Q_FEED_ADD,
	Q_EVENTS,
	Q__COUNT
};

static const struct {
	const char *name, *sql;
	int nparams;
} q_def[Q__COUNT] = {
	[Q_STATION_ADD] = { "station_add",
			    "INSERT INTO station(name, token_sha256, created_ms)"
			    " VALUES ($1, $2, $3)",
			    3 },
	[Q_STATION_TOKEN] = { "station_token",
			      "UPDATE station SET token_sha256 = $2 WHERE name = $1", 2 },
	[Q_STATION_BY_HASH] = { "station_by_hash",
				"SELECT id, name FROM station WHERE token_sha256 = $1", 1 },
	[Q_STATION_BY_NAME] = { "station_by_name", "SELECT id FROM station WHERE name = $1", 1 },
	[Q_STATION_LIST] = { "station_list",
			     "SELECT s.name, s.created_ms, count(e.server_seq),"
			     " coalesce(max(e.seq), 0) FROM station s"
			     " LEFT JOIN event e ON e.station_id = s.id"
			     " GROUP BY s.id ORDER BY s.name",
			     0 },
	[Q_EVENT_ADD] = { "event_add",
			  "INSERT INTO event(station_id, uuid, seq, type, entity, ts_ms, payload,"
			  " received_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
			  " ON CONFLICT (station_id, uuid) DO NOTHING RETURNING server_seq",
			  8 },
	[Q_EVENT_SEQS] = { "event_seqs",
			   "SELECT uuid::text, server_seq FROM event"
			   " WHERE station_id = $1 AND uuid = ANY ($2::uuid[])",
			   2 },
	[Q_FEED_PAGE] = { "feed_page",
			  "SELECT seq, kind, key, data FROM feed"
			  " WHERE seq > $1 ORDER BY seq LIMIT $2",
			  2 },
	[Q_FEED_ADD] = { "feed_add",
			 "INSERT INTO feed(kind, key, data, imported_ms)"
			 " VALUES ($1, $2, $3, $4)",
			 4 },
	[Q_EVENTS] = { "events",
		       "SELECT e.server_seq, s.name, e.uuid::text, e.seq, e.type, e.entity,"
		       " e.ts_ms, e.received_ms, e.payload::text FROM event e"
		       " JOIN station s ON s.id = e.station_id"
		       " WHERE e.server_seq > $1 ORDER BY e.server_seq LIMIT $2",
		       2 },
};

struct db_pg {
	struct cs_db base; /* first */
	PGconn *h;
};

static struct db_pg *P(struct cs_db *db)
{
	return (struct db_pg *)db;
}

static int fail(struct db_pg *p, const char *what, const PGresult *r)
{
	const char *m = r ? PQresultErrorMessage(r) : "";

	if (!m || !m[0])
		m = PQerrorMessage(p->h);
	cs_err(p->base.c, "postgresql: %s: %.300s", what, m);
	return SY_ERR_IO;
}

static int prepare_all(struct db_pg *p)
{
	for (int i = 0; i < Q__COUNT; i++) {
		PGresult *r = PQprepare(p->h, q_def[i].name, q_def[i].sql, q_def[i].nparams, NULL);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

		if (!ok)
			fail(p, q_def[i].name, r);
		PQclear(r);
		if (!ok)
			return SY_ERR_IO;
	}
	return SY_OK;
}

/* Per session: a lock held elsewhere (an operator's psql, a migration)
 * or a stuck statement fails the request with 503 after a while, instead
 * of holding the server's only thread. */
static int session_setup(struct db_pg *p)
{
	PGresult *r = PQexec(p->h, "SET client_min_messages = warning;"
				   " SET lock_timeout = '5s'; SET statement_timeout = '30s'");
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? SY_OK : fail(p, "session settings", r);

	PQclear(r);
	return rc;
}

/* Reconnect once when the connection dropped (server restarted). */
static int ensure(struct db_pg *p)
{
	if (PQstatus(p->h) == CONNECTION_OK)
		return SY_OK;
	cs_warn(p->base.c, "postgresql: connection lost, reconnecting");
	PQreset(p->h);
	if (PQstatus(p->h) != CONNECTION_OK)
		return fail(p, "reconnect", NULL);
	if (session_setup(p) < 0)
		return SY_ERR_IO;
	return prepare_all(p);
}

static PGresult *run(struct db_pg *p, enum q which, const char *const *v, const int *lens,
		     const int *fmts)
{
	return PQexecPrepared(p->h, q_def[which].name, q_def[which].nparams, v, lens, fmts, 0);
}

static int cmd(struct db_pg *p, const char *sql)
{
	PGresult *r = PQexec(p->h, sql);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? SY_OK : fail(p, sql, r);

	PQclear(r);
	return rc;
}

static int station_add(struct cs_db *db, const char *name, const uint8_t hash[32], int64_t now_ms)
{
	struct db_pg *p = P(db);
	char now[24];
	const char *v[3] = { name, (const char *)hash, now };
	int lens[3] = { 0, 32, 0 }, fmts[3] = { 0, 1, 0 };
	PGresult *r;
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	snprintf(now, sizeof(now), "%" PRId64, now_ms);
	r = run(p, Q_STATION_ADD, v, lens, fmts);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ? SY_OK : fail(p, "station add", r);
	PQclear(r);
	return rc;
}

static int station_token(struct cs_db *db, const char *name, const uint8_t hash[32])
{
	struct db_pg *p = P(db);
	const char *v[2] = { name, (const char *)hash };
	int lens[2] = { 0, 32 }, fmts[2] = { 0, 1 };
	PGresult *r;
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	r = run(p, Q_STATION_TOKEN, v, lens, fmts);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = fail(p, "station token", r);
	else
		rc = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	return rc;
}

static int station_by_hash(struct cs_db *db, const uint8_t hash[32], int64_t *id, char *name)
{
	struct db_pg *p = P(db);
	const char *v[1] = { (const char *)hash };
	int lens[1] = { 32 }, fmts[1] = { 1 };
	PGresult *r;
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	r = run(p, Q_STATION_BY_HASH, v, lens, fmts);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = fail(p, "station by token", r);
	} else if (PQntuples(r) == 1) {
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		snprintf(name, 64, "%s", PQgetvalue(r, 0, 1));
		rc = 1;
	} else {
		rc = 0;
	}
	PQclear(r);
	return rc;
}

static int station_by_name(struct cs_db *db, const char *name, int64_t *id)
{
	struct db_pg *p = P(db);
	const char *v[1] = { name };
	PGresult *r;
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	r = run(p, Q_STATION_BY_NAME, v, NULL, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = fail(p, "station by name", r);
	} else if (PQntuples(r) == 1) {
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		rc = 1;
	} else {
		rc = 0;
	}
	PQclear(r);
	return rc;
}

static int station_list(struct cs_db *db, sy_central_station_fn *fn, void *ud)
{
	struct db_pg *p = P(db);
	PGresult *r;
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	r = run(p, Q_STATION_LIST, NULL, NULL, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = fail(p, "station list", r);
	} else {
		for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
			struct sy_central_station st;

			st.name = PQgetvalue(r, i, 0);
			st.created_ms = strtoll(PQgetvalue(r, i, 1), NULL, 10);
			st.events = strtoll(PQgetvalue(r, i, 2), NULL, 10);
			st.last_seq = strtoll(PQgetvalue(r, i, 3), NULL, 10);
			rc = fn(&st, ud);
		}
	}
	PQclear(r);
	return rc;
}

/* Events are sent in pipelines of this many statements (libpq pipeline
 * mode): one round trip per chunk instead of one per event, while the
 * socket buffers stay small in both directions. */
#define PIPE_CHUNK 128

/* Read the rest of a pipeline segment up to its sync point. */
static void pipe_drain(struct db_pg *p)
{
	for (;;) {
		PGresult *r = PQgetResult(p->h);

		if (!r) {
			if (PQstatus(p->h) != CONNECTION_OK)
				return;
			continue; /* the end of one statement's results */
		}
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			return;
		}
		PQclear(r);
	}
}

/* Insert events idx[0..m) of b, pipelined: applied ones get their
 * server_seq, the others are marked duplicate (server_seq read after). */
static int insert_pipelined(struct db_pg *p, const char *sid, const char *now,
			    const struct sy_proto_batch *b, struct sy_proto_result *res,
			    const size_t *idx, size_t m)
{
	int rc = SY_OK;

	if (PQenterPipelineMode(p->h) != 1)
		return fail(p, "pipeline mode", NULL);
	for (size_t start = 0; start < m && rc == SY_OK; start += PIPE_CHUNK) {
		size_t k = m - start < PIPE_CHUNK ? m - start : PIPE_CHUNK, sent = 0;

		for (; sent < k; sent++) {
			const struct sy_proto_event *e = &b->ev[idx[start + sent]];
			char seq[24], ts[24];
			const char *v[8] = { sid,	e->uuid, seq,	     e->type,
					     e->entity, ts,	 e->payload, now };

			snprintf(seq, sizeof(seq), "%" PRId64, e->seq);
			snprintf(ts, sizeof(ts), "%" PRId64, e->ts_ms);
			if (PQsendQueryPrepared(p->h, q_def[Q_EVENT_ADD].name, 8, v, NULL, NULL,
						0) != 1) {
				rc = fail(p, "event add (send)", NULL);
				break;
			}
		}
		if (PQpipelineSync(p->h) != 1) {
			rc = fail(p, "event add (sync)", NULL);
			break;
		}
		for (size_t j = 0; j < sent && rc == SY_OK; j++) {
			struct sy_proto_result *out = &res[idx[start + j]];
			PGresult *r = PQgetResult(p->h);

			if (PQresultStatus(r) != PGRES_TUPLES_OK) {
				rc = fail(p, "event add", r);
			} else if (PQntuples(r) == 1) {
				out->status = SY_PROTO_APPLIED;
				out->server_seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			} else {
				out->status = SY_PROTO_DUPLICATE;
			}
			PQclear(r);
			r = PQgetResult(p->h); /* NULL: the end of this statement */
			if (r) {
				PQclear(r);
				if (rc == SY_OK)
					rc = fail(p, "event add (results)", NULL);
			}
		}
		pipe_drain(p);
	}
	if (PQexitPipelineMode(p->h) != 1 && rc == SY_OK)
		rc = fail(p, "pipeline mode (exit)", NULL);
	return rc;
}

/* The original server_seq of the duplicates, in one query. */
static int read_duplicates(struct db_pg *p, const char *sid, const struct sy_proto_batch *b,
			   struct sy_proto_result *res)
{
	const char *v[2];
	PGresult *r;
	char *arr;
	size_t nd = 0, o = 0;
	int rc = SY_OK;

	for (size_t i = 0; i < b->n; i++)
		nd += res[i].status == SY_PROTO_DUPLICATE;
	if (nd == 0)
		return SY_OK;
	arr = malloc(nd * (SY_PROTO_UUID_LEN + 1) + 3);
	if (!arr)
		return SY_ERR_NOMEM;
	arr[o++] = '{';
	for (size_t i = 0; i < b->n; i++) {
		if (res[i].status != SY_PROTO_DUPLICATE)
			continue;
		if (o > 1)
			arr[o++] = ',';
		memcpy(arr + o, b->ev[i].uuid, SY_PROTO_UUID_LEN); /* [0-9a-f-]: no quoting */
		o += SY_PROTO_UUID_LEN;
	}
	arr[o++] = '}';
	arr[o] = '\0';
	v[0] = sid;
	v[1] = arr;
	r = run(p, Q_EVENT_SEQS, v, NULL, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = fail(p, "event seqs", r);
	} else {
		for (size_t i = 0; i < b->n; i++) {
			if (res[i].status != SY_PROTO_DUPLICATE)
				continue;
			for (int t = 0; t < PQntuples(r); t++) {
				if (strcmp(PQgetvalue(r, t, 0), b->ev[i].uuid) == 0) {
					res[i].server_seq = strtoll(PQgetvalue(r, t, 1), NULL, 10);
					break;
				}
			}
			if (res[i].server_seq < 1 && rc == SY_OK)
				rc = fail(p, "event seqs: a duplicate without its row", NULL);
		}
	}
	PQclear(r);
	free(arr);
	return rc;
}

static int ingest(struct cs_db *db, int64_t station_id, const struct sy_proto_batch *b,
		  struct sy_proto_result *res, int64_t now_ms)
{
	struct db_pg *p = P(db);
	char sid[24], now[24];
	size_t *idx, m = 0;
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	idx = malloc((b->n ? b->n : 1) * sizeof(*idx));
	if (!idx)
		return SY_ERR_NOMEM;
	for (size_t i = 0; i < b->n; i++)
		if (!b->ev[i].reject[0])
			idx[m++] = i;
	snprintf(sid, sizeof(sid), "%" PRId64, station_id);
	snprintf(now, sizeof(now), "%" PRId64, now_ms);
	rc = cmd(p, "BEGIN");
	if (rc < 0)
		goto out;
	rc = cmd(p, "LOCK TABLE event IN SHARE ROW EXCLUSIVE MODE");
	if (rc == SY_OK && m > 0)
		rc = insert_pipelined(p, sid, now, b, res, idx, m);
	if (rc == SY_OK)
		rc = read_duplicates(p, sid, b, res);
	if (rc == SY_OK)
		rc = cmd(p, "COMMIT");
	if (rc < 0 && PQstatus(p->h) == CONNECTION_OK)
		cmd(p, "ROLLBACK");
out:
	free(idx);
	return rc;
}

static int feed(struct cs_db *db, int64_t after, int limit, cs_feed_fn *fn, void *ud, int *more)
{
	struct db_pg *p = P(db);
	char a[24], l[24];
	const char *v[2] = { a, l };
	PGresult *r;
	int rc, n = 0;

	*more = 0;
	rc = ensure(p);
	if (rc < 0)
		return rc;
	snprintf(a, sizeof(a), "%" PRId64, after);
	snprintf(l, sizeof(l), "%d", limit + 1);
	r = run(p, Q_FEED_PAGE, v, NULL, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = fail(p, "feed page", r);
	} else {
		int rows = PQntuples(r);

		if (rows > limit) {
			*more = 1;
			rows = limit;
		}
		for (; n < rows && rc == 0; n++) {
			struct sy_proto_feed_item it;

			it.seq = strtoll(PQgetvalue(r, n, 0), NULL, 10);
			it.kind = PQgetvalue(r, n, 1);
			it.key = PQgetvalue(r, n, 2);
			it.data = PQgetvalue(r, n, 3);
			it.data_len = (size_t)PQgetlength(r, n, 3);
			rc = fn(&it, ud);
		}
	}
	PQclear(r);
	return rc < 0 ? rc : n;
}

static int feed_add(struct cs_db *db, const struct cs_feed_row *rows, size_t n, int64_t now_ms)
{
	struct db_pg *p = P(db);
	char now[24];
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	snprintf(now, sizeof(now), "%" PRId64, now_ms);
	rc = cmd(p, "BEGIN");
	if (rc < 0)
		return rc;
	rc = cmd(p, "LOCK TABLE feed IN SHARE ROW EXCLUSIVE MODE");
	for (size_t i = 0; i < n && rc == SY_OK; i++) {
		const char *v[4] = { rows[i].kind, rows[i].key, rows[i].data, now };
		PGresult *r = run(p, Q_FEED_ADD, v, NULL, NULL);

		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = fail(p, "feed add", r);
		PQclear(r);
	}
	if (rc == SY_OK)
		rc = cmd(p, "COMMIT");
	if (rc < 0 && PQstatus(p->h) == CONNECTION_OK)
		cmd(p, "ROLLBACK");
	return rc;
}

static long events(struct cs_db *db, int64_t after, long limit, cs_event_fn *fn, void *ud)
{
	struct db_pg *p = P(db);
	char a[24], l[24];
	int64_t last = after;
	long n = 0;
	int rc;

	rc = ensure(p);
	if (rc < 0)
		return rc;
	/* Pages of 1000, so a large export does not sit in memory at once. */
	for (;;) {
		long want = limit > 0 ? (limit - n < 1000 ? limit - n : 1000) : 1000;
		const char *v[2] = { a, l };
		PGresult *r;
		int rows;

		if (want <= 0)
			break;
		snprintf(a, sizeof(a), "%" PRId64, last);
		snprintf(l, sizeof(l), "%ld", want);
		r = run(p, Q_EVENTS, v, NULL, NULL);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			rc = fail(p, "events", r);
			PQclear(r);
			return rc;
		}
		rows = PQntuples(r);
		for (int i = 0; i < rows && rc == 0; i++) {
			struct cs_event_row e;

			e.server_seq = strtoll(PQgetvalue(r, i, 0), NULL, 10);
			e.station = PQgetvalue(r, i, 1);
			e.uuid = PQgetvalue(r, i, 2);
			e.seq = strtoll(PQgetvalue(r, i, 3), NULL, 10);
			e.type = PQgetvalue(r, i, 4);
			e.entity = PQgetvalue(r, i, 5);
			e.ts_ms = strtoll(PQgetvalue(r, i, 6), NULL, 10);
			e.received_ms = strtoll(PQgetvalue(r, i, 7), NULL, 10);
			e.payload = PQgetvalue(r, i, 8);
			rc = fn(&e, ud);
			if (rc == 0) {
				n++;
				last = e.server_seq;
			}
		}
		PQclear(r);
		if (rc != 0)
			return rc < 0 ? rc : SY_ERR_IO;
		if (rows < want)
			break;
	}
	return n;
}

static int ping(struct cs_db *db)
{
	struct db_pg *p = P(db);
	PGresult *r;
	int rc = ensure(p);

	if (rc < 0)
		return rc;
	r = PQexec(p->h, "SELECT 1");
	rc = PQresultStatus(r) == PGRES_TUPLES_OK ? SY_OK : fail(p, "ping", r);
	PQclear(r);
	return rc;
}

static void db_close(struct cs_db *db)
{
	struct db_pg *p = P(db);

	PQfinish(p->h);
	free(p);
}

static const struct cs_db_ops pg_ops = {
	.kind = "postgresql",
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

int cs_db_pg_open(struct sy_central *c, const char *url, struct cs_db **out)
{
	struct db_pg *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return SY_ERR_NOMEM;
	p->base.ops = &pg_ops;
	p->base.c = c;
	p->h = PQconnectdb(url);
	if (!p->h || PQstatus(p->h) != CONNECTION_OK) {
		/* The message names host and port, never the password. */
		cs_err(c, "postgresql: cannot connect: %.300s",
		       p->h ? PQerrorMessage(p->h) : "out of memory");
		db_close(&p->base);
		return SY_ERR_IO;
	}
	rc = session_setup(p);
	if (rc == SY_OK)
		rc = cmd(p, schema);
	if (rc == SY_OK)
		rc = prepare_all(p);
	if (rc < 0) {
		db_close(&p->base);
		return rc;
	}
	*out = &p->base;
	return SY_OK;
}
