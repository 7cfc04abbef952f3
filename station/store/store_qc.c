/* station/store: QC inspections and photo evidence (issue 3).
 *
 * Writing an inspection or an evidence record appends a link to the audit
 * chain: the store takes the chain's head, chooses the record's id, hashes
 * the record (store_audit.c) and inserts it, all inside one write
 * transaction (the caller's, as a savepoint, or its own), so the head
 * cannot move in between.  Reading returns plain structs.
 *
 * Not for: SQL text (store.c's q_sql[]), the serialisation and verify
 * (store_audit.c), deciding results or dispositions (the QC workflow).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

/* ---- reading -------------------------------------------------------------- */

static int read_checks(struct st_store *s, struct st_inspection_rec *r)
{
	sqlite3_stmt *q = s->stmt[Q_CHECKS_BY_INSPECTION];
	bool ok = true;
	int rc, step;

	r->n_check = 0;
	sqlite3_bind_int64(q, 1, r->id);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct st_check_result *c;

		if (r->n_check == ST_CHECK_MAX) {
			store_q_end(q);
			return store_set_err(s, ST_ERR_RANGE,
					     "inspection %lld: more than %d check results",
					     (long long)r->id, ST_CHECK_MAX);
		}
		c = &r->check[r->n_check++];
		ok = ok && COL_COPY(q, 0, c->check_id) && COL_COPY(q, 1, c->outcome) &&
		     COL_COPY(q, 2, c->expected) && COL_COPY(q, 3, c->found) &&
		     COL_COPY(q, 5, c->unit);
		c->has_measured = sqlite3_column_type(q, 4) != SQLITE_NULL;
		c->measured_milli = sqlite3_column_int64(q, 4);
	}
	rc = step == SQLITE_DONE ? ST_OK : store_fail(s, "read check results");
	store_q_end(q);
	if (rc == ST_OK && !ok)
		rc = store_set_err(s, ST_ERR_RANGE, "inspection %lld: a check result is too long",
				   (long long)r->id);
	return rc;
}

static int read_defects(struct st_store *s, struct st_inspection_rec *r)
{
	sqlite3_stmt *q = s->stmt[Q_DEFECTS_BY_INSPECTION];
	bool ok = true;
	int rc, step;

	r->n_defect = 0;
	sqlite3_bind_int64(q, 1, r->id);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		struct st_defect_rec *d;

		if (r->n_defect == ST_DEFECT_MAX) {
			store_q_end(q);
			return store_set_err(s, ST_ERR_RANGE, "inspection %lld: more than %d defects",
					     (long long)r->id, ST_DEFECT_MAX);
		}
		d = &r->defect[r->n_defect++];
		ok = ok && COL_COPY(q, 0, d->code) && COL_COPY(q, 1, d->severity) &&
		     COL_COPY(q, 2, d->check_id) && COL_COPY(q, 3, d->note);
	}
	rc = step == SQLITE_DONE ? ST_OK : store_fail(s, "read defects");
	store_q_end(q);
	if (rc == ST_OK && !ok)
		rc = store_set_err(s, ST_ERR_RANGE, "inspection %lld: a defect is too long",
				   (long long)r->id);
	return rc;
}

int store_inspection_read(struct st_store *s, sqlite3_stmt *q, struct st_inspection_rec *r)
{
	bool ok;
	int rc;

	/* Only the header: the arrays are filled up to n_check / n_defect. */
	memset(r, 0, offsetof(struct st_inspection_rec, check));
	r->id = sqlite3_column_int64(q, 0);
	r->chain_seq = sqlite3_column_int64(q, 1);
	r->item_id = sqlite3_column_int64(q, 2);
	r->operator_id = sqlite3_column_int64(q, 3);
	r->station_id = sqlite3_column_int64(q, 4);
	ok = COL_COPY(q, 5, r->category) && COL_COPY(q, 6, r->checklist_version) &&
	     COL_COPY(q, 7, r->result) && COL_COPY(q, 8, r->disposition);
	r->rework_count = sqlite3_column_int(q, 9);
	r->supersedes = sqlite3_column_int64(q, 10);
	r->started_ms = sqlite3_column_int64(q, 11);
	r->completed_ms = sqlite3_column_int64(q, 12);
	ok = ok && COL_COPY(q, 13, r->prev_hash) && COL_COPY(q, 14, r->hash) &&
	     COL_COPY(q, 15, r->item_serial) && COL_COPY(q, 16, r->item_sku) &&
	     COL_COPY(q, 17, r->operator_badge) && COL_COPY(q, 18, r->station_code);
	r->superseded_by = sqlite3_column_int64(q, 19);
	r->n_check = r->n_defect = 0;
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "inspection %lld: a stored value is too long",
				     (long long)r->id);
	rc = read_checks(s, r);
	if (rc == ST_OK)
		rc = read_defects(s, r);
	return rc;
}

bool store_evidence_read(sqlite3_stmt *q, struct st_evidence_rec *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(q, 0);
	e->chain_seq = sqlite3_column_int64(q, 1);
	e->item_id = sqlite3_column_int64(q, 2);
	e->inspection_id = sqlite3_column_int64(q, 3);
	e->operator_id = sqlite3_column_int64(q, 4);
	e->station_id = sqlite3_column_int64(q, 5);
	/* Negative sizes are refused by a CHECK; an edited file may have one. */
	e->size_bytes = (uint64_t)sqlite3_column_int64(q, 7);
	e->created_ms = sqlite3_column_int64(q, 11);
	return COL_COPY(q, 6, e->path) && COL_COPY(q, 8, e->sha256) && COL_COPY(q, 9, e->mime) &&
	       COL_COPY(q, 10, e->barcode) && COL_COPY(q, 12, e->prev_hash) &&
	       COL_COPY(q, 13, e->hash) && COL_COPY(q, 14, e->item_serial) &&
	       COL_COPY(q, 15, e->operator_badge) && COL_COPY(q, 16, e->station_code);
}

/* ---- writing ----------------------------------------------------------------- */

/* The natural keys a record's hash covers; ST_ERR_CONSTRAINT when the item
 * or station (or a given operator) does not exist. */
static int chain_names(struct st_store *s, const char *what, int64_t item_id, int64_t operator_id,
		       int64_t station_id, char serial[64], char badge[64], char code[64])
{
	sqlite3_stmt *q = s->stmt[Q_CHAIN_NAMES];
	const char *missing = NULL;
	bool ok;
	int rc;

	sqlite3_bind_int64(q, 1, item_id);
	if (operator_id)
		sqlite3_bind_int64(q, 2, operator_id);
	sqlite3_bind_int64(q, 3, station_id);
	rc = store_q_row(s, q, what);
	if (rc == 0)
		return store_set_err(s, ST_ERR_DB, "%s: no row", what);
	if (rc < 0)
		return rc;
	if (sqlite3_column_type(q, 0) == SQLITE_NULL)
		missing = "item";
	else if (operator_id && sqlite3_column_type(q, 1) == SQLITE_NULL)
		missing = "operator";
	else if (sqlite3_column_type(q, 2) == SQLITE_NULL)
		missing = "station";
	ok = store_col_copy(q, 0, serial, 64) && store_col_copy(q, 1, badge, 64) &&
	     store_col_copy(q, 2, code, 64);
	store_q_end(q);
	if (missing)
		return store_set_err(s, ST_ERR_CONSTRAINT, "%s: no such %s", what, missing);
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "%s: a stored value is too long", what);
	return ST_OK;
}

static int next_id(struct st_store *s, enum q which, const char *what, int64_t *id)
{
	sqlite3_stmt *q = s->stmt[which];
	int rc = store_q_row(s, q, what);

	if (rc == 0)
		return store_set_err(s, ST_ERR_DB, "%s: no row", what);
	if (rc < 0)
		return rc;
	*id = sqlite3_column_int64(q, 0);
	store_q_end(q);
	return ST_OK;
}

static int step_done(struct st_store *s, sqlite3_stmt *q, const char *what)
{
	int rc = ST_OK;

	if (sqlite3_step(q) != SQLITE_DONE)
		rc = store_fail(s, what);
	store_q_end(q);
	return rc;
}

static int insert_children(struct st_store *s, const struct st_inspection_rec *r)
{
	sqlite3_stmt *q;
	int rc = ST_OK;

	for (unsigned i = 0; rc == ST_OK && i < r->n_check; i++) {
		const struct st_check_result *c = &r->check[i];

		q = s->stmt[Q_CHECK_ADD];
		sqlite3_bind_int64(q, 1, r->id);
		sqlite3_bind_int(q, 2, (int)i);
		BIND_FIELD(q, 3, c->check_id);
		BIND_FIELD(q, 4, c->outcome);
		BIND_FIELD_OR_NULL(q, 5, c->expected);
		BIND_FIELD_OR_NULL(q, 6, c->found);
		if (c->has_measured)
			sqlite3_bind_int64(q, 7, c->measured_milli);
		BIND_FIELD_OR_NULL(q, 8, c->unit);
		rc = step_done(s, q, "inspection_add: check result");
	}
	for (unsigned i = 0; rc == ST_OK && i < r->n_defect; i++) {
		const struct st_defect_rec *d = &r->defect[i];

		q = s->stmt[Q_DEFECT_ADD];
		sqlite3_bind_int64(q, 1, r->id);
		sqlite3_bind_int(q, 2, (int)i);
		BIND_FIELD(q, 3, d->code);
		BIND_FIELD(q, 4, d->severity);
		BIND_FIELD_OR_NULL(q, 5, d->check_id);
		BIND_FIELD_OR_NULL(q, 6, d->note);
		rc = step_done(s, q, "inspection_add: defect");
	}
	return rc;
}

/* Copy an inspection without the unused part of its check array (18 KiB
 * when full).  src->n_check is within its cap. */
static void rec_copy(struct st_inspection_rec *dst, const struct st_inspection_rec *src)
{
	const size_t tail = offsetof(struct st_inspection_rec, n_defect);

	memcpy(dst, src, offsetof(struct st_inspection_rec, check));
	memcpy(dst->check, src->check, src->n_check * sizeof(src->check[0]));
	memcpy((char *)dst + tail, (const char *)src + tail, sizeof(*src) - tail);
}

/* The scratch record of inspection_add/_get/_last, made once per store. */
static struct st_inspection_rec *scratch(struct st_store *s, const char *what)
{
	if (!s->insp_tmp) {
		s->insp_tmp = malloc(sizeof(*s->insp_tmp));
		if (!s->insp_tmp)
			store_set_err(s, ST_ERR_NOMEM, "%s: out of memory", what);
	}
	return s->insp_tmp;
}

/* Fill the chain's fields of w, the record about to be written: its id,
 * the natural keys, its chain position, prev_hash and hash. */
static int inspection_link(struct st_store *s, struct st_inspection_rec *w)
{
	int rc;

	rc = chain_names(s, "inspection_add", w->item_id, w->operator_id, w->station_id,
			 w->item_serial, w->operator_badge, w->station_code);
	if (rc == ST_OK)
		rc = next_id(s, Q_INSPECTION_NEXT_ID, "inspection_add", &w->id);
	if (rc == ST_OK)
		rc = store_chain_next(s, &w->chain_seq, w->prev_hash);
	if (rc == ST_OK)
		rc = store_hash_inspection(s, w, w->hash);
	return rc;
}

int st_store_inspection_add(struct st_store *s, const struct st_inspection_rec *r, int64_t *id)
{
	struct st_inspection_rec *w;
	sqlite3_stmt *q;
	enum store_tx tx;
	int rc;

	assert(s && r);
	assert(r != s->insp_tmp);
	if (r->n_check > ST_CHECK_MAX || r->n_defect > ST_DEFECT_MAX)
		return store_set_err(s, ST_ERR_ARG, "inspection_add: more than %d checks or %d "
						    "defects",
				     ST_CHECK_MAX, ST_DEFECT_MAX);
	if (r->operator_id == 0)
		return store_set_err(s, ST_ERR_CONSTRAINT,
				     "inspection_add: an inspection names its inspector (QC-05)");
	/* The record as it will be stored, with the chain's fields filled. */
	w = scratch(s, "inspection_add");
	if (!w)
		return ST_ERR_NOMEM;
	rec_copy(w, r);
	w->item_sku[0] = '\0';
	w->superseded_by = 0;

	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	rc = inspection_link(s, w);
	if (rc == ST_OK) {
		q = s->stmt[Q_INSPECTION_ADD];
		sqlite3_bind_int64(q, 1, w->id);
		sqlite3_bind_int64(q, 2, w->chain_seq);
		sqlite3_bind_int64(q, 3, w->item_id);
		sqlite3_bind_int64(q, 4, w->operator_id);
		sqlite3_bind_int64(q, 5, w->station_id);
		BIND_FIELD(q, 6, w->category);
		BIND_FIELD(q, 7, w->checklist_version);
		BIND_FIELD(q, 8, w->result);
		BIND_FIELD_OR_NULL(q, 9, w->disposition);
		sqlite3_bind_int(q, 10, w->rework_count);
		if (w->supersedes)
			sqlite3_bind_int64(q, 11, w->supersedes);
		sqlite3_bind_int64(q, 12, w->started_ms);
		sqlite3_bind_int64(q, 13, w->completed_ms);
		sqlite3_bind_text(q, 14, w->prev_hash, ST_AUDIT_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_text(q, 15, w->hash, ST_AUDIT_HASH_LEN, SQLITE_STATIC);
		rc = step_done(s, q, "inspection_add");
	}
	if (rc == ST_OK)
		rc = insert_children(s, w);
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK && id)
		*id = w->id;
	return rc;
}

/* Read the one inspection q (bound) finds into *out via s->insp_tmp. */
static int inspection_one(struct st_store *s, sqlite3_stmt *q, const char *what,
			  struct st_inspection_rec *out)
{
	struct st_inspection_rec *r;
	enum store_tx tx;
	int rc, rc2;

	r = scratch(s, what);
	if (!r) {
		store_q_end(q);
		return ST_ERR_NOMEM;
	}
	/* One snapshot for the row and its children. */
	rc = store_tx_enter(s, false, &tx);
	if (rc < 0) {
		store_q_end(q);
		return rc;
	}
	rc = store_q_row(s, q, what);
	if (rc == 0)
		rc = store_set_err(s, ST_ERR_NOTFOUND, "%s: no such inspection", what);
	if (rc == 1) {
		rc = store_inspection_read(s, q, r);
		store_q_end(q);
	}
	rc2 = store_tx_leave(s, tx, rc < 0 ? rc : ST_OK);
	if (rc == ST_OK)
		rc = rc2;
	if (rc == ST_OK)
		rec_copy(out, r);
	return rc;
}

int st_store_inspection_get(struct st_store *s, int64_t id, struct st_inspection_rec *out)
{
	sqlite3_stmt *q;

	assert(s && out);
	q = s->stmt[Q_INSPECTION_BY_ID];
	sqlite3_bind_int64(q, 1, id);
	return inspection_one(s, q, "inspection_get", out);
}

int st_store_inspection_last(struct st_store *s, int64_t item_id, struct st_inspection_rec *out)
{
	sqlite3_stmt *q;

	assert(s && out);
	q = s->stmt[Q_INSPECTION_LAST];
	sqlite3_bind_int64(q, 1, item_id);
	return inspection_one(s, q, "inspection_last", out);
}

int store_inspection_walk(struct st_store *s, sqlite3_stmt *q, const char *what,
			  st_store_inspection_fn *fn, void *ud)
{
	struct st_inspection_rec *r = NULL;
	enum store_tx tx;
	int rc, step, stop = 0;

	/* Its own record: fn may call st_store_inspection_get() or _last()
	 * (which use s->insp_tmp). */
	r = malloc(sizeof(*r));
	if (!r) {
		store_q_end(q);
		return store_set_err(s, ST_ERR_NOMEM, "%s: out of memory", what);
	}
	rc = store_tx_enter(s, false, &tx);
	if (rc < 0) {
		store_q_end(q);
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		rc = store_inspection_read(s, q, r);
		if (rc < 0)
			break;
		stop = fn(r, ud);
		if (stop)
			break;
	}
	if (rc == ST_OK && !stop && step != SQLITE_DONE)
		rc = store_fail(s, what);
	store_q_end(q);
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK)
		rc = stop;
out:
	free(r);
	return rc;
}

int st_store_inspection_each(struct st_store *s, int64_t since_ms, bool with_superseded,
			     st_store_inspection_fn *fn, void *ud)
{
	sqlite3_stmt *q;

	assert(s && fn);
	q = s->stmt[Q_INSPECTIONS_SINCE];
	sqlite3_bind_int64(q, 1, since_ms);
	sqlite3_bind_int(q, 2, with_superseded);
	return store_inspection_walk(s, q, "inspection_each", fn, ud);
}

/* ---- evidence ------------------------------------------------------------------ */

static bool is_hex64(const char *h)
{
	return strnlen(h, ST_AUDIT_HASH_LEN + 1) == ST_AUDIT_HASH_LEN &&
	       strspn(h, "0123456789abcdef") == ST_AUDIT_HASH_LEN;
}

int st_store_evidence_add(struct st_store *s, const struct st_evidence_rec *e, int64_t *id)
{
	struct st_evidence_rec w;
	sqlite3_stmt *q;
	enum store_tx tx;
	int rc;

	assert(s && e);
	if (!is_hex64(e->sha256))
		return store_set_err(s, ST_ERR_ARG, "evidence_add: sha256 is not 64 lowercase hex "
						    "digits");
	if (!e->path[0] || e->size_bytes > INT64_MAX)
		return store_set_err(s, ST_ERR_ARG, "evidence_add: no path, or size out of range");
	w = *e;
	rc = store_tx_enter(s, true, &tx);
	if (rc < 0)
		return rc;
	rc = chain_names(s, "evidence_add", w.item_id, w.operator_id, w.station_id,
			 w.item_serial, w.operator_badge, w.station_code);
	if (rc == ST_OK)
		rc = next_id(s, Q_EVIDENCE_NEXT_ID, "evidence_add", &w.id);
	if (rc == ST_OK)
		rc = store_chain_next(s, &w.chain_seq, w.prev_hash);
	if (rc == ST_OK)
		rc = store_hash_evidence(s, &w, w.hash);
	if (rc == ST_OK) {
		q = s->stmt[Q_EVIDENCE_ADD];
		sqlite3_bind_int64(q, 1, w.id);
		sqlite3_bind_int64(q, 2, w.chain_seq);
		sqlite3_bind_int64(q, 3, w.item_id);
		if (w.inspection_id)
			sqlite3_bind_int64(q, 4, w.inspection_id);
		if (w.operator_id)
			sqlite3_bind_int64(q, 5, w.operator_id);
		sqlite3_bind_int64(q, 6, w.station_id);
		BIND_FIELD(q, 7, w.path);
		sqlite3_bind_int64(q, 8, (int64_t)w.size_bytes);
		sqlite3_bind_text(q, 9, w.sha256, ST_AUDIT_HASH_LEN, SQLITE_STATIC);
		BIND_FIELD(q, 10, w.mime);
		BIND_FIELD_OR_NULL(q, 11, w.barcode);
		sqlite3_bind_int64(q, 12, w.created_ms);
		sqlite3_bind_text(q, 13, w.prev_hash, ST_AUDIT_HASH_LEN, SQLITE_STATIC);
		sqlite3_bind_text(q, 14, w.hash, ST_AUDIT_HASH_LEN, SQLITE_STATIC);
		rc = step_done(s, q, "evidence_add");
	}
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK && id)
		*id = w.id;
	return rc;
}

int st_store_evidence_by_item(struct st_store *s, int64_t item_id, st_store_evidence_fn *fn,
			      void *ud)
{
	struct st_evidence_rec e;
	sqlite3_stmt *q;
	enum store_tx tx;
	int rc, step, stop = 0;

	assert(s && fn);
	rc = store_tx_enter(s, false, &tx);
	if (rc < 0)
		return rc;
	q = s->stmt[Q_EVIDENCE_BY_ITEM];
	sqlite3_bind_int64(q, 1, item_id);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if (!store_evidence_read(q, &e)) {
			rc = store_set_err(s, ST_ERR_RANGE, "evidence %lld: a stored value is too "
							    "long",
					   (long long)sqlite3_column_int64(q, 0));
			break;
		}
		stop = fn(&e, ud);
		if (stop)
			break;
	}
	if (rc == ST_OK && !stop && step != SQLITE_DONE)
		rc = store_fail(s, "evidence_by_item");
	store_q_end(q);
	rc = store_tx_leave(s, tx, rc);
	if (rc == ST_OK)
		rc = stop;
	return rc;
}
