/* station/store: the persistent print queue (see st/store_print.h).
 *
 * Every state change is a compare-and-set on the job's current state
 * (Q_LJ_SET_STATE ... WHERE state = ?7), so two senders, or a sender and
 * an operator voiding the job, can never both win; the schema's
 * label_job_state_forward trigger refuses any other move.  The SQL is in
 * store.c's q_sql[] (the print queue block).
 *
 * Not for: deciding when to send or retry (station/print/queue.c).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "st/store_print.h"
#include "store-int.h"

static bool job_read(sqlite3_stmt *q, struct st_label_job *j)
{
	memset(j, 0, sizeof(*j));
	j->id = sqlite3_column_int64(q, 0);
	j->attempts = sqlite3_column_int(q, 7);
	j->reprint_of = sqlite3_column_int64(q, 9);
	j->created_ms = sqlite3_column_int64(q, 10);
	j->sent_ms = sqlite3_column_int64(q, 11);
	j->done_ms = sqlite3_column_int64(q, 12);
	j->payload_len = (size_t)sqlite3_column_int64(q, 13);
	/* last_error is for people: a long one is cut, not refused. */
	if (!store_col_copy(q, 8, j->last_error, sizeof(j->last_error))) {
		const unsigned char *t = sqlite3_column_text(q, 8);

		memcpy(j->last_error, t, sizeof(j->last_error) - 1);
		j->last_error[sizeof(j->last_error) - 1] = '\0';
	}
	return COL_COPY(q, 1, j->uuid) && COL_COPY(q, 2, j->printer) &&
	       COL_COPY(q, 3, j->template_name) && COL_COPY(q, 4, j->entity) &&
	       COL_COPY(q, 5, j->format) && COL_COPY(q, 6, j->state);
}

static int job_one(struct st_store *s, enum q which, const char *what, struct st_label_job *out)
{
	sqlite3_stmt *q = s->stmt[which];
	struct st_label_job j;
	bool ok;
	int rc = store_q_row(s, q, what);

	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "%s: no such label job", what);
	if (rc < 0)
		return rc;
	ok = job_read(q, &j);
	store_q_end(q);
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "label job %lld: a stored value is too long",
				     (long long)j.id);
	*out = j;
	return ST_OK;
}

int st_store_label_job_add(struct st_store *s, const struct st_label_job_new *j, int64_t *id,
			   char uuid_out[37])
{
	sqlite3_stmt *q;
	char uuid[37];
	int rc;

	assert(s && j && j->printer && j->format);
	if (!j->payload || j->len == 0 || j->len > ST_LABEL_PAYLOAD_MAX)
		return store_set_err(s, ST_ERR_ARG, "label job: %zu bytes (1 to %u allowed)", j->len,
				     ST_LABEL_PAYLOAD_MAX);
	rc = store_uuid(s, j->ts_ms, uuid);
	if (rc < 0)
		return rc;
	q = s->stmt[Q_LJ_ADD];
	sqlite3_bind_text(q, 1, uuid, 36, SQLITE_STATIC);
	store_bind_str(q, 2, j->printer);
	store_bind_str(q, 3, j->template_name);
	store_bind_str(q, 4, j->entity);
	store_bind_str(q, 5, j->format);
	sqlite3_bind_blob64(q, 6, j->payload, j->len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, j->ts_ms);
	rc = store_q_returning_id(s, q, "label_job_add", id);
	if (rc == ST_OK && uuid_out)
		memcpy(uuid_out, uuid, sizeof(uuid));
	return rc;
}

int st_store_label_job_get(struct st_store *s, int64_t id, struct st_label_job *out)
{
	assert(s && out);
	sqlite3_bind_int64(s->stmt[Q_LJ_GET], 1, id);
	return job_one(s, Q_LJ_GET, "label_job_get", out);
}

int st_store_label_job_payload(struct st_store *s, int64_t id, uint8_t **out, size_t *len)
{
	sqlite3_stmt *q = s->stmt[Q_LJ_PAYLOAD];
	const void *b;
	uint8_t *copy;
	size_t n;
	int rc;

	assert(s && out && len);
	sqlite3_bind_int64(q, 1, id);
	rc = store_q_row(s, q, "label_job_payload");
	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "label job %lld: no such job",
				     (long long)id);
	if (rc < 0)
		return rc;
	b = sqlite3_column_blob(q, 0);
	n = (size_t)sqlite3_column_bytes(q, 0);
	if (!b || n == 0 || n > ST_LABEL_PAYLOAD_MAX) {
		store_q_end(q);
		return store_set_err(s, ST_ERR_RANGE, "label job %lld: payload of %zu bytes",
				     (long long)id, n);
	}
	copy = malloc(n);
	if (!copy) {
		store_q_end(q);
		return store_set_err(s, ST_ERR_NOMEM, "label job %lld: out of memory",
				     (long long)id);
	}
	memcpy(copy, b, n);
	store_q_end(q);
	*out = copy;
	*len = n;
	return ST_OK;
}

int st_store_label_job_next(struct st_store *s, const char *printer, struct st_label_job *out)
{
	assert(s && printer && out);
	store_bind_str(s->stmt[Q_LJ_NEXT], 1, printer);
	return job_one(s, Q_LJ_NEXT, "label_job_next", out);
}

/* id: from -> to, with error, attempts + add; sent_ms / done_ms set when
 * not 0.  ST_ERR_CONSTRAINT when the job is not in from. */
static int set_state(struct st_store *s, int64_t id, const char *from, const char *to,
		     const char *error, int add, int64_t sent_ms, int64_t done_ms)
{
	sqlite3_stmt *q = s->stmt[Q_LJ_SET_STATE];
	int rc;

	sqlite3_bind_int64(q, 1, id);
	store_bind_str(q, 2, to);
	store_bind_str(q, 3, error && *error ? error : NULL);
	sqlite3_bind_int(q, 4, add);
	if (sent_ms)
		sqlite3_bind_int64(q, 5, sent_ms);
	if (done_ms)
		sqlite3_bind_int64(q, 6, done_ms);
	store_bind_str(q, 7, from);
	rc = store_q_exec(s, Q_LJ_SET_STATE, "label_job_state");
	if (rc < 0)
		return rc;
	if (sqlite3_changes(s->db) != 1)
		return store_set_err(s, ST_ERR_CONSTRAINT, "label job %lld is not %s",
				     (long long)id, from);
	return ST_OK;
}

int st_store_label_job_claim(struct st_store *s, int64_t id, int64_t ts_ms)
{
	assert(s);
	return set_state(s, id, "queued", "sending", NULL, 1, ts_ms, 0);
}

int st_store_label_job_settle(struct st_store *s, int64_t id, const char *state, const char *error,
			      int64_t ts_ms)
{
	bool end;

	assert(s && state);
	if (strcmp(state, "done") && strcmp(state, "uncertain") && strcmp(state, "failed") &&
	    strcmp(state, "queued"))
		return store_set_err(s, ST_ERR_ARG, "a send ends done, uncertain, failed or queued,"
						    " not %s", state);
	end = !strcmp(state, "done") || !strcmp(state, "failed");
	return set_state(s, id, "sending", state, error, 0, 0, end ? ts_ms : 0);
}

int st_store_label_job_wait(struct st_store *s, int64_t id, const char *why, bool fail,
			    int64_t ts_ms)
{
	assert(s);
	return set_state(s, id, "queued", fail ? "failed" : "queued", why, 0, 0,
			 fail ? ts_ms : 0);
}

int st_store_label_jobs_recover(struct st_store *s, const char *printer, int64_t *n)
{
	sqlite3_stmt *q = s->stmt[Q_LJ_RECOVER];
	int rc;

	assert(s);
	store_bind_str(q, 1, printer);
	store_bind_str(q, 2, "the station stopped while sending it: it may or may not have "
			     "printed (reprint or void it)");
	rc = store_q_exec(s, Q_LJ_RECOVER, "label_jobs_recover");
	if (rc == ST_OK && n)
		*n = sqlite3_changes(s->db);
	return rc;
}

static int check_reason(struct st_store *s, int64_t operator_id, const char *reason)
{
	size_t n = reason ? strlen(reason) : 0;

	if (operator_id <= 0)
		return store_set_err(s, ST_ERR_ARG, "an operator must decide");
	if (n == 0 || n > ST_LABEL_REASON_MAX)
		return store_set_err(s, ST_ERR_ARG, "a reason of 1 to %d bytes is required",
				     ST_LABEL_REASON_MAX);
	return ST_OK;
}

static int action_add(struct st_store *s, int64_t id, const char *action, int64_t operator_id,
		      const char *reason, int64_t new_id, int64_t ts_ms)
{
	sqlite3_stmt *q = s->stmt[Q_LJ_ACTION_ADD];

	sqlite3_bind_int64(q, 1, id);
	store_bind_str(q, 2, action);
	sqlite3_bind_int64(q, 3, operator_id);
	store_bind_str(q, 4, reason);
	if (new_id)
		sqlite3_bind_int64(q, 5, new_id);
	sqlite3_bind_int64(q, 6, ts_ms);
	return store_q_exec(s, Q_LJ_ACTION_ADD, "label_job_action");
}

int st_store_label_job_reprint(struct st_store *s, int64_t id, const char *printer,
			       int64_t operator_id, const char *reason, int64_t ts_ms,
			       int64_t *new_id, char uuid_out[37])
{
	struct st_label_job j;
	enum store_tx tx;
	sqlite3_stmt *q;
	char uuid[37];
	int64_t nid = 0;
	int rc;

	assert(s);
	rc = check_reason(s, operator_id, reason);
	if (rc < 0)
		return rc;
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	rc = st_store_label_job_get(s, id, &j);
	if (rc == ST_OK && (!strcmp(j.state, "queued") || !strcmp(j.state, "sending")))
		rc = store_set_err(s, ST_ERR_CONSTRAINT,
				   "label job %lld is %s: it will print (void it first to cancel)",
				   (long long)id, j.state);
	if (rc == ST_OK && !strcmp(j.state, "reprinted"))
		rc = store_set_err(s, ST_ERR_CONSTRAINT,
				   "label job %lld was reprinted already: reprint its reprint",
				   (long long)id);
	if (rc == ST_OK)
		rc = store_uuid(s, ts_ms, uuid);
	if (rc == ST_OK) {
		q = s->stmt[Q_LJ_COPY];
		sqlite3_bind_text(q, 1, uuid, 36, SQLITE_STATIC);
		store_bind_str(q, 2, printer);
		sqlite3_bind_int64(q, 3, ts_ms);
		sqlite3_bind_int64(q, 4, id);
		rc = store_q_returning_id(s, q, "label_job_reprint", &nid);
	}
	if (rc == ST_OK && (!strcmp(j.state, "uncertain") || !strcmp(j.state, "failed")))
		rc = set_state(s, id, j.state, "reprinted", j.last_error, 0, 0, ts_ms);
	if (rc == ST_OK)
		rc = action_add(s, id, "reprint", operator_id, reason, nid, ts_ms);
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK) {
		if (new_id)
			*new_id = nid;
		if (uuid_out)
			memcpy(uuid_out, uuid, sizeof(uuid));
	}
	return rc;
}

int st_store_label_job_void(struct st_store *s, int64_t id, int64_t operator_id,
			    const char *reason, int64_t ts_ms)
{
	struct st_label_job j;
	enum store_tx tx;
	int rc;

	assert(s);
	rc = check_reason(s, operator_id, reason);
	if (rc < 0)
		return rc;
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	rc = st_store_label_job_get(s, id, &j);
	if (rc == ST_OK && (!strcmp(j.state, "sending") || !strcmp(j.state, "void") ||
			    !strcmp(j.state, "reprinted")))
		rc = store_set_err(s, ST_ERR_CONSTRAINT, "label job %lld is %s: %s", (long long)id,
				   j.state, !strcmp(j.state, "sending")
						    ? "it is being sent now; try again in a moment"
						    : "nothing left to void");
	if (rc == ST_OK)
		rc = set_state(s, id, j.state, "void", j.last_error, 0, 0, ts_ms);
	if (rc == ST_OK)
		rc = action_add(s, id, "void", operator_id, reason, 0, ts_ms);
	return store_tx_leave(s, tx, rc);
}

int st_store_label_counts(struct st_store *s, const char *printer, struct st_label_counts *out)
{
	sqlite3_stmt *q = s->stmt[Q_LJ_COUNTS];
	int rc;

	assert(s && printer && out);
	store_bind_str(q, 1, printer);
	rc = store_q_row(s, q, "label_counts");
	if (rc == 0)
		return store_set_err(s, ST_ERR_DB, "label_counts: no row");
	if (rc < 0)
		return rc;
	out->queued = sqlite3_column_int64(q, 0);
	out->sending = sqlite3_column_int64(q, 1);
	out->uncertain = sqlite3_column_int64(q, 2);
	out->failed = sqlite3_column_int64(q, 3);
	out->done = sqlite3_column_int64(q, 4);
	out->voided = sqlite3_column_int64(q, 5);
	out->reprinted = sqlite3_column_int64(q, 6);
	store_q_end(q);
	return ST_OK;
}

int st_store_label_job_each(struct st_store *s, const char *printer, bool open_only,
			    st_store_label_job_fn *fn, void *ud)
{
	sqlite3_stmt *q = s->stmt[Q_LJ_EACH];
	struct st_label_job j;
	int rc = ST_OK, step;

	assert(s && fn);
	store_bind_str(q, 1, printer);
	sqlite3_bind_int(q, 2, open_only);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (!job_read(q, &j)) {
			rc = store_set_err(s, ST_ERR_RANGE, "label job %lld: a stored value is too"
							    " long", (long long)j.id);
			break;
		}
		rc = fn(&j, ud);
		if (rc)
			break;
	}
	if (rc == ST_OK && step != SQLITE_DONE)
		rc = store_fail(s, "label_job_each");
	store_q_end(q);
	return rc;
}

static bool printer_read(sqlite3_stmt *q, struct st_printer_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->updated_ms = sqlite3_column_int64(q, 6);
	return COL_COPY(q, 0, r->name) && COL_COPY(q, 1, r->uri) && COL_COPY(q, 2, r->state) &&
	       COL_COPY(q, 3, r->reason) && COL_COPY(q, 4, r->flags) &&
	       COL_COPY(q, 5, r->last_error);
}

int st_store_printer_set(struct st_store *s, const struct st_printer_rec *r)
{
	sqlite3_stmt *q = s->stmt[Q_PRINTER_SET];

	assert(s && r);
	BIND_FIELD(q, 1, r->name);
	BIND_FIELD(q, 2, r->uri);
	BIND_FIELD(q, 3, r->state);
	BIND_FIELD(q, 4, r->reason);
	BIND_FIELD(q, 5, r->flags);
	BIND_FIELD_OR_NULL(q, 6, r->last_error);
	sqlite3_bind_int64(q, 7, r->updated_ms);
	return store_q_exec(s, Q_PRINTER_SET, "printer_set");
}

int st_store_printer_get(struct st_store *s, const char *name, struct st_printer_rec *out)
{
	sqlite3_stmt *q = s->stmt[Q_PRINTER_GET];
	struct st_printer_rec r;
	bool ok;
	int rc;

	assert(s && name && out);
	store_bind_str(q, 1, name);
	rc = store_q_row(s, q, "printer_get");
	if (rc == 0)
		return store_set_err(s, ST_ERR_NOTFOUND, "printer %s: no record", name);
	if (rc < 0)
		return rc;
	ok = printer_read(q, &r);
	store_q_end(q);
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "printer %s: a stored value is too long", name);
	*out = r;
	return ST_OK;
}

int st_store_printer_each(struct st_store *s, st_store_printer_fn *fn, void *ud)
{
	sqlite3_stmt *q = s->stmt[Q_PRINTER_EACH];
	struct st_printer_rec r;
	int rc = ST_OK, step;

	assert(s && fn);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (!printer_read(q, &r)) {
			rc = store_set_err(s, ST_ERR_RANGE, "printer: a stored value is too long");
			break;
		}
		rc = fn(&r, ud);
		if (rc)
			break;
	}
	if (rc == ST_OK && step != SQLITE_DONE)
		rc = store_fail(s, "printer_each");
	store_q_end(q);
	return rc;
}

const char *st_store_print_lock_path(struct st_store *s, char *buf, size_t cap)
{
	const char *f;
	int n;

	assert(s && buf && cap);
	f = sqlite3_db_filename(s->db, "main");
	if (!f || !*f)
		return NULL; /* in memory or temporary: no other process can see it */
	n = snprintf(buf, cap, "%s-print.lock", f);
	if (n < 0 || (size_t)n >= cap)
		return NULL;
	return buf;
}
