/* station/store: the sync state behind <st/store_sync.h>.
 *
 * The two rules that make sync safe to kill at any instant live here:
 * an event is acknowledged (out of outbox_unsent, into sync_result) in one
 * transaction with the rest of its batch, after the server's 200; and a
 * pulled page is applied in one transaction together with its
 * next_cursor, so the checkpoint never runs ahead of the data (the PouchDB
 * #1240 failure, ../shared/notes/labels-and-sync.md B1).  Each item of a page gets a
 * savepoint of its own, so one item that is wrong by itself is recorded as
 * failed without losing the page or blocking the feed forever.
 *
 * SQL is in store.c's q_sql[] ("sync" block).  Not for: HTTP (sync/client),
 * parsing import documents (station/import), deciding when to sync.
 */
#include "st/store_sync.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

static const char *result_name(enum st_sync_result r)
{
	switch (r) {
	case ST_SYNC_APPLIED:
		return "applied";
	case ST_SYNC_DUPLICATE:
		return "duplicate";
	case ST_SYNC_REJECTED:
		return "rejected";
	default:
		return NULL;
	}
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return t ? (const char *)t : "";
}

int st_store_sync_connection(struct st_store *s)
{
	sqlite3_stmt *q = NULL;
	int rc = ST_OK;

	assert(s);
	if (sqlite3_prepare_v2(s->db, "PRAGMA synchronous = NORMAL", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, "sync connection");
	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_fail(s, "sync connection");
	sqlite3_finalize(q);
	return rc;
}

int st_store_sync_pending(struct st_store *s, int64_t after_id, unsigned limit,
			  st_sync_event_fn *fn, void *ud)
{
	sqlite3_stmt *q;
	enum store_tx tx;
	int rc, step, seen = 0;

	assert(s && fn);
	rc = store_tx_enter(s, false, &tx);
	if (rc < 0)
		return rc;
	q = s->stmt[Q_SYNC_PENDING];
	sqlite3_bind_int64(q, 1, after_id);
	sqlite3_bind_int64(q, 2, limit);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct st_sync_event ev = {
			.id = sqlite3_column_int64(q, 0),
			.uuid = col_text(q, 1),
			.type = col_text(q, 2),
			.entity = col_text(q, 3),
			.payload = col_text(q, 4),
			.payload_len = (size_t)sqlite3_column_bytes(q, 4),
			.created_ms = sqlite3_column_int64(q, 5),
		};

		seen++;
		rc = fn(&ev, ud);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(s, "sync pending");
	store_q_end(q);
	rc = store_tx_leave(s, tx, rc);
	return rc != 0 ? rc : seen;
}

/* The decimal text of v at p; the end. */
static char *put_i64(char *p, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t k = 0;

	do {
		tmp[k++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*p++ = '-';
	while (k)
		*p++ = tmp[--k];
	return p;
}

/* A batch is acknowledged with one DELETE from outbox_unsent, its ids
 * given as a JSON array, and one prepared INSERT per result; the event
 * rows are not touched (schema version 5).  A statement per event to
 * unmark it, or a rewrite of each event row, was most of `qcstation
 * sync`'s CPU and the longest part of each batch (docs/performance.md). */
int st_store_sync_ack(struct st_store *s, const struct st_sync_ack *acks, size_t n, int64_t ts_ms)
{
	enum store_tx tx;
	char *ids = NULL, *pi;
	int rc;

	assert(s && (acks || n == 0));
	for (size_t i = 0; i < n; i++) {
		if (!result_name(acks[i].result))
			return store_set_err(s, ST_ERR_ARG, "sync ack %zu: unknown result", i);
		if ((acks[i].result == ST_SYNC_REJECTED) != (acks[i].reason != NULL))
			return store_set_err(s, ST_ERR_ARG,
					     "sync ack %zu: a reason goes with a rejection only", i);
	}
	/* At most 21 bytes a number, a comma, and the brackets. */
	ids = malloc(n * 22 + 3);
	if (!ids)
		return store_set_err(s, ST_ERR_NOMEM, "sync ack: out of memory");
	pi = ids;
	*pi++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*pi++ = ',';
		pi = put_i64(pi, acks[i].outbox_id);
	}
	*pi++ = ']';
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		goto out;
	if (n > 0) {
		sqlite3_stmt *q = s->stmt[Q_SYNC_UNSENT_DEL_MANY];

		sqlite3_bind_text(q, 1, ids, (int)(pi - ids), SQLITE_STATIC);
		rc = store_q_exec(s, Q_SYNC_UNSENT_DEL_MANY, "sync ack");
	}
	/* Fewer rows removed than acknowledged: acknowledged before (a batch
	 * sent again after a kill), or no such event, which is an error. */
	if (rc == ST_OK && (size_t)sqlite3_changes(s->db) < n) {
		for (size_t i = 0; rc == ST_OK && i < n; i++) {
			sqlite3_stmt *q = s->stmt[Q_SYNC_OUTBOX_EXISTS];

			sqlite3_bind_int64(q, 1, acks[i].outbox_id);
			rc = store_q_row(s, q, "sync ack");
			if (rc == 0) {
				rc = store_set_err(s, ST_ERR_NOTFOUND, "sync ack: no outbox event %lld",
						   (long long)acks[i].outbox_id);
				break;
			}
			if (rc < 0)
				break;
			store_q_end(q);
			rc = ST_OK;
		}
	}
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		const struct st_sync_ack *a = &acks[i];
		sqlite3_stmt *q = s->stmt[Q_SYNC_RESULT_ADD];

		sqlite3_bind_int64(q, 1, a->outbox_id);
		sqlite3_bind_text(q, 2, result_name(a->result), -1, SQLITE_STATIC);
		if (a->result != ST_SYNC_REJECTED && a->server_seq > 0)
			sqlite3_bind_int64(q, 3, a->server_seq);
		else
			sqlite3_bind_null(q, 3);
		store_bind_str(q, 4, a->reason);
		sqlite3_bind_int64(q, 5, ts_ms);
		rc = store_q_exec(s, Q_SYNC_RESULT_ADD, "sync result");
	}
	rc = store_tx_leave(s, tx, rc);
out:
	free(ids);
	return rc;
}

int st_store_sync_cursor_get(struct st_store *s, const char *feed, char *buf, size_t cap)
{
	sqlite3_stmt *q;
	int rc;

	assert(s && feed && buf && cap);
	buf[0] = '\0';
	q = s->stmt[Q_SYNC_CURSOR_GET];
	sqlite3_bind_text(q, 1, feed, -1, SQLITE_STATIC);
	rc = store_q_row(s, q, "sync cursor");
	if (rc <= 0)
		return rc;
	if (!store_col_copy(q, 0, buf, cap)) {
		buf[0] = '\0';
		rc = store_set_err(s, ST_ERR_RANGE, "sync cursor: longer than %zu bytes", cap - 1);
	} else {
		rc = ST_OK;
	}
	store_q_end(q);
	return rc;
}

/* ---- applying a page -------------------------------------------------------- */

static bool is_import_kind(const char *k)
{
	return !strcmp(k, "order") || !strcmp(k, "product") || !strcmp(k, "operator") ||
	       !strcmp(k, "item");
}

static int inbox_put(struct st_store *s, const struct st_sync_item *it, const char *state,
		     const char *error, int64_t ts_ms)
{
	sqlite3_stmt *q = s->stmt[Q_SYNC_INBOX_PUT];

	sqlite3_bind_text(q, 1, it->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, it->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, it->seq);
	sqlite3_bind_text(q, 4, it->data ? it->data : "{}", it->data ? (int)it->data_len : 2,
			  SQLITE_STATIC);
	sqlite3_bind_text(q, 5, state, -1, SQLITE_STATIC);
	store_bind_str(q, 6, error);
	sqlite3_bind_int64(q, 7, ts_ms);
	return store_q_exec(s, Q_SYNC_INBOX_PUT, "sync inbox");
}

/* cancellation, payment, confirmation: onto the order row, if any.  1 when
 * a row changed, 0 when there is no such order, or an error. */
static int order_state(struct st_store *s, enum q which, const struct st_sync_item *it)
{
	sqlite3_stmt *q = s->stmt[which];
	int rc;

	sqlite3_bind_text(q, 1, it->key, -1, SQLITE_STATIC);
	if (which != Q_SYNC_ORDER_CANCEL)
		sqlite3_bind_text(q, 2, it->data, (int)it->data_len, SQLITE_STATIC);
	rc = store_q_exec(s, which, it->kind);
	if (rc < 0)
		return rc;
	return sqlite3_changes(s->db) > 0;
}

/* Apply one item inside its savepoint.  *failed[errlen] is set (and 0
 * returned) when the item itself is wrong. */
static int apply_item(struct st_store *s, const struct st_sync_item *it, int64_t ts_ms,
		      st_sync_import_fn *import, void *ud, struct st_sync_page_stats *st,
		      char *failed, size_t errlen)
{
	enum q which = Q__COUNT;
	int rc;

	failed[0] = '\0';
	if (!strcmp(it->kind, "cancellation"))
		which = Q_SYNC_ORDER_CANCEL;
	else if (!strcmp(it->kind, "payment"))
		which = Q_SYNC_ORDER_PAYMENT;
	else if (!strcmp(it->kind, "confirmation"))
		which = Q_SYNC_ORDER_CONFIRM;

	if (import && is_import_kind(it->kind)) {
		rc = import(s, it, failed, errlen, ud);
		if (rc == ST_ERR_PARSE || rc == ST_ERR_CONSTRAINT || rc == ST_ERR_RANGE) {
			if (!failed[0])
				snprintf(failed, errlen, "%s", st_store_errmsg(s));
			return ST_OK;
		}
		if (rc < 0)
			return rc;
		st->imported++;
		return ST_OK;
	}
	if (which != Q__COUNT) {
		rc = order_state(s, which, it);
		if (rc == ST_ERR_CONSTRAINT) {
			snprintf(failed, errlen, "%s", st_store_errmsg(s));
			return ST_OK;
		}
		if (rc < 0)
			return rc;
		return inbox_put(s, it, rc ? "applied" : "stored", NULL, ts_ms);
	}
	rc = inbox_put(s, it, "stored", NULL, ts_ms);
	if (rc == ST_OK)
		st->stored++;
	return rc;
}

int st_store_sync_apply_page(struct st_store *s, const char *feed, const struct st_sync_item *items,
			     size_t n, const char *next_cursor, int64_t ts_ms,
			     st_sync_import_fn *import, void *ud, struct st_sync_page_stats *stats)
{
	struct st_sync_page_stats st = { 0 };
	char failed[512];
	sqlite3_stmt *q;
	int rc;

	assert(s && feed && next_cursor && (items || n == 0));
	if (!*next_cursor || strlen(next_cursor) > 128)
		return store_set_err(s, ST_ERR_ARG, "sync page: cursor of %zu bytes",
				     strlen(next_cursor));
	/* Our own transaction: the page and its cursor commit together or not
	 * at all, whatever the caller had in mind. */
	if (!sqlite3_get_autocommit(s->db))
		return store_set_err(s, ST_ERR_BUG, "sync page: called inside a transaction");
	rc = store_q_exec(s, Q_BEGIN, "sync page");
	if (rc < 0)
		return rc;
	for (size_t i = 0; rc == ST_OK && i < n; i++) {
		const struct st_sync_item *it = &items[i];

		rc = store_q_exec(s, Q_SYNC_ITEM_SAVEPOINT, "sync item");
		if (rc < 0)
			break;
		rc = apply_item(s, it, ts_ms, import, ud, &st, failed, sizeof(failed));
		if (rc == ST_OK && failed[0]) {
			/* Undo what the item did, keep it as failed, go on. */
			rc = store_q_exec(s, Q_SYNC_ITEM_ROLLBACK_TO, "sync item");
			if (rc == ST_OK)
				rc = inbox_put(s, it, "failed", failed, ts_ms);
			st.failed++;
		} else if (rc == ST_OK && (!strcmp(it->kind, "cancellation") ||
					   !strcmp(it->kind, "payment") ||
					   !strcmp(it->kind, "confirmation"))) {
			st.applied++;
		}
		if (rc == ST_OK)
			rc = store_q_exec(s, Q_SYNC_ITEM_RELEASE, "sync item");
	}
	if (rc == ST_OK) {
		q = s->stmt[Q_SYNC_CURSOR_SET];
		sqlite3_bind_text(q, 1, feed, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, next_cursor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, ts_ms);
		rc = store_q_exec(s, Q_SYNC_CURSOR_SET, "sync cursor");
	}
	rc = store_tx_leave(s, STORE_TX_OWN, rc);
	if (rc == ST_OK && stats)
		*stats = st;
	return rc;
}

/* ---- status ---------------------------------------------------------------- */

int st_store_sync_note_run(struct st_store *s, int64_t ts_ms, const char *error)
{
	sqlite3_stmt *q = s->stmt[Q_SYNC_STATUS_SET];

	sqlite3_bind_int64(q, 1, ts_ms);
	if (!error)
		sqlite3_bind_int64(q, 2, ts_ms);
	store_bind_str(q, 3, error);
	return store_q_exec(s, Q_SYNC_STATUS_SET, "sync status");
}

int st_store_sync_status(struct st_store *s, struct st_sync_status *out)
{
	struct st_sync_status st = { 0 };
	sqlite3_stmt *q = s->stmt[Q_SYNC_STATUS_GET];
	int rc;

	sqlite3_bind_text(q, 1, ST_SYNC_FEED, -1, SQLITE_STATIC);
	rc = store_q_row(s, q, "sync status");
	if (rc == 0)
		return store_set_err(s, ST_ERR_DB, "sync status: no row");
	if (rc < 0)
		return rc;
	st.pending = sqlite3_column_int64(q, 0);
	st.sent = sqlite3_column_int64(q, 1);
	st.rejected = sqlite3_column_int64(q, 2);
	st.pull_failed = sqlite3_column_int64(q, 3);
	st.last_attempt_ms = sqlite3_column_int64(q, 4);
	st.last_success_ms = sqlite3_column_int64(q, 5);
	snprintf(st.last_error, sizeof(st.last_error), "%s", col_text(q, 6));
	if (!COL_COPY(q, 7, st.cursor))
		st.cursor[0] = '\0';
	store_q_end(q);
	*out = st;
	return ST_OK;
}

int st_store_sync_dead_each(struct st_store *s, st_sync_dead_fn *fn, void *ud)
{
	sqlite3_stmt *q = s->stmt[Q_SYNC_DEAD_LIST];
	int rc = 0, step;

	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct st_sync_dead d = {
			.outbox_id = sqlite3_column_int64(q, 0),
			.uuid = col_text(q, 1),
			.type = col_text(q, 2),
			.entity = col_text(q, 3),
			.reason = col_text(q, 4),
			.ts_ms = sqlite3_column_int64(q, 5),
		};

		rc = fn(&d, ud);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(s, "sync dead letters");
	store_q_end(q);
	return rc;
}

int st_store_sync_inbox_failed(struct st_store *s, st_sync_failed_fn *fn, void *ud)
{
	sqlite3_stmt *q = s->stmt[Q_SYNC_INBOX_FAILED];
	int rc = 0, step;

	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct st_sync_failed f = {
			.kind = col_text(q, 0),
			.key = col_text(q, 1),
			.seq = sqlite3_column_int64(q, 2),
			.error = col_text(q, 3),
			.received_ms = sqlite3_column_int64(q, 4),
		};

		rc = fn(&f, ud);
		if (rc != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = store_fail(s, "sync failed items");
	store_q_end(q);
	return rc;
}

int st_store_sync_inbox_get(struct st_store *s, const char *kind, const char *key, char **out)
{
	sqlite3_stmt *q = s->stmt[Q_SYNC_INBOX_GET];
	size_t n;
	char *d;
	int rc;

	sqlite3_bind_text(q, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
	rc = store_q_row(s, q, "sync inbox");
	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "sync inbox: no %s %s", kind, key);
	if (rc < 0)
		return rc;
	n = (size_t)sqlite3_column_bytes(q, 0);
	d = malloc(n + 1);
	if (!d) {
		store_q_end(q);
		return store_set_err(s, ST_ERR_NOMEM, "out of memory");
	}
	memcpy(d, col_text(q, 0), n);
	d[n] = '\0';
	store_q_end(q);
	*out = d;
	return ST_OK;
}
