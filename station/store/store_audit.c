/* station/store: the audit chain over inspections and evidence (issue 3).
 *
 * Each chain record's hash is SHA-256 over a canonical serialisation of the
 * record: a version line, then one "name=value\n" field per line, values
 * typed and length-prefixed so that no two records serialise alike.  The
 * format is specified in docs/internals/audit-chain.md; a change to it is a
 * new version line, never an edit of this one (stored hashes would break).
 *
 * Not for: SQL text (store.c), writing the records (store_qc.c).
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-int.h"

#define SER_VERSION "qcstation-audit-1\n"

/* ---- the serialisation ------------------------------------------------------- */

/* A serialisation in progress, fed straight into the digest. */
struct ser {
	struct st_sha256 *h;
	int rc; /* the first error; later calls do nothing */
};

static void ser_raw(struct ser *z, const void *p, size_t n)
{
	if (z->rc == ST_OK)
		z->rc = st_sha256_update(z->h, p, n);
}

/* name=i:<decimal>\n */
static void ser_int(struct ser *z, const char *name, int64_t v)
{
	char b[96];
	int n = snprintf(b, sizeof(b), "%s=i:%" PRId64 "\n", name, v);

	assert(n > 0 && (size_t)n < sizeof(b));
	ser_raw(z, b, (size_t)n);
}

/* name=n\n: a NULL. */
static void ser_null(struct ser *z, const char *name)
{
	char b[64];
	int n = snprintf(b, sizeof(b), "%s=n\n", name);

	assert(n > 0 && (size_t)n < sizeof(b));
	ser_raw(z, b, (size_t)n);
}

/* name=s:<byte length>:<bytes>\n, for the field f[cap] as the store binds
 * it (up to its NUL, within cap). */
static void ser_text(struct ser *z, const char *name, const char *f, size_t cap)
{
	char b[96];
	size_t len = strnlen(f, cap);
	int n = snprintf(b, sizeof(b), "%s=s:%zu:", name, len);

	assert(n > 0 && (size_t)n < sizeof(b));
	ser_raw(z, b, (size_t)n);
	ser_raw(z, f, len);
	ser_raw(z, "\n", 1);
}

/* A text field that is NULL in the table when empty. */
static void ser_text_or_null(struct ser *z, const char *name, const char *f, size_t cap)
{
	if (f[0])
		ser_text(z, name, f, cap);
	else
		ser_null(z, name);
}

/* An id column that is NULL in the table when 0. */
static void ser_id_or_null(struct ser *z, const char *name, int64_t id)
{
	if (id)
		ser_int(z, name, id);
	else
		ser_null(z, name);
}

#define SER_TEXT(z, name, arr) ser_text((z), (name), (arr), sizeof(arr))
#define SER_TEXT_OR_NULL(z, name, arr) ser_text_or_null((z), (name), (arr), sizeof(arr))

static int ser_begin(struct st_store *s, struct ser *z, const char *record)
{
	int rc;

	z->h = NULL;
	z->rc = ST_OK;
	if (!s->sha) {
		rc = st_sha256_new(&s->sha);
		if (rc < 0)
			return store_set_err(s, rc, "audit: no SHA-256 digest (%s)", st_strerror(rc));
	}
	z->h = s->sha;
	z->rc = st_sha256_restart(z->h);
	ser_raw(z, SER_VERSION, sizeof(SER_VERSION) - 1);
	ser_text(z, "record", record, SIZE_MAX);
	return ST_OK;
}

static int ser_end(struct st_store *s, struct ser *z, char out[ST_AUDIT_HASH_LEN + 1])
{
	char hex[ST_AUDIT_HASH_LEN + 1];

	if (z->rc == ST_OK)
		z->rc = st_sha256_final_hex(z->h, hex);
	if (z->rc < 0) {
		st_sha256_restart(z->h);
		return store_set_err(s, z->rc, "audit: hashing failed (%s)", st_strerror(z->rc));
	}
	memcpy(out, hex, sizeof(hex));
	return ST_OK;
}

int store_hash_inspection(struct st_store *s, const struct st_inspection_rec *r,
			  char out[ST_AUDIT_HASH_LEN + 1])
{
	struct ser z;
	int rc;

	assert(r->n_check <= ST_CHECK_MAX && r->n_defect <= ST_DEFECT_MAX);
	rc = ser_begin(s, &z, "inspection");
	if (rc < 0)
		return rc;
	ser_int(&z, "seq", r->chain_seq);
	ser_int(&z, "id", r->id);
	SER_TEXT(&z, "prev_hash", r->prev_hash);
	SER_TEXT(&z, "item", r->item_serial);
	SER_TEXT(&z, "operator", r->operator_badge);
	SER_TEXT(&z, "station", r->station_code);
	SER_TEXT(&z, "category", r->category);
	SER_TEXT(&z, "checklist_version", r->checklist_version);
	SER_TEXT(&z, "result", r->result);
	SER_TEXT_OR_NULL(&z, "disposition", r->disposition);
	ser_int(&z, "rework_count", r->rework_count);
	ser_id_or_null(&z, "supersedes", r->supersedes);
	ser_int(&z, "started_ms", r->started_ms);
	ser_int(&z, "completed_ms", r->completed_ms);
	ser_int(&z, "checks", r->n_check);
	for (unsigned i = 0; i < r->n_check; i++) {
		const struct st_check_result *c = &r->check[i];

		SER_TEXT(&z, "check.id", c->check_id);
		SER_TEXT(&z, "check.outcome", c->outcome);
		SER_TEXT_OR_NULL(&z, "check.expected", c->expected);
		SER_TEXT_OR_NULL(&z, "check.found", c->found);
		if (c->has_measured)
			ser_int(&z, "check.measured_milli", c->measured_milli);
		else
			ser_null(&z, "check.measured_milli");
		SER_TEXT_OR_NULL(&z, "check.unit", c->unit);
	}
	ser_int(&z, "defects", r->n_defect);
	for (unsigned i = 0; i < r->n_defect; i++) {
		const struct st_defect_rec *d = &r->defect[i];

		SER_TEXT(&z, "defect.code", d->code);
		SER_TEXT(&z, "defect.severity", d->severity);
		SER_TEXT_OR_NULL(&z, "defect.check_id", d->check_id);
		SER_TEXT_OR_NULL(&z, "defect.note", d->note);
	}
	return ser_end(s, &z, out);
}

int store_hash_evidence(struct st_store *s, const struct st_evidence_rec *e,
			char out[ST_AUDIT_HASH_LEN + 1])
{
	struct ser z;
	int rc;

	rc = ser_begin(s, &z, "evidence");
	if (rc < 0)
		return rc;
	ser_int(&z, "seq", e->chain_seq);
	ser_int(&z, "id", e->id);
	SER_TEXT(&z, "prev_hash", e->prev_hash);
	SER_TEXT(&z, "item", e->item_serial);
	ser_id_or_null(&z, "inspection", e->inspection_id);
	SER_TEXT_OR_NULL(&z, "operator", e->operator_badge);
	SER_TEXT(&z, "station", e->station_code);
	SER_TEXT(&z, "path", e->path);
	/* Stored as a SQLite integer; add refuses sizes above INT64_MAX. */
	ser_int(&z, "size_bytes", (int64_t)e->size_bytes);
	SER_TEXT(&z, "sha256", e->sha256);
	SER_TEXT(&z, "mime", e->mime);
	SER_TEXT_OR_NULL(&z, "barcode", e->barcode);
	ser_int(&z, "created_ms", e->created_ms);
	return ser_end(s, &z, out);
}

/* ---- the head ---------------------------------------------------------------- */

int st_store_audit_head(struct st_store *s, int64_t *seq, char hash[ST_AUDIT_HASH_LEN + 1])
{
	sqlite3_stmt *q;
	char h[ST_AUDIT_HASH_LEN + 1] = STORE_ZERO_HASH;
	int64_t n = 0;
	bool ok = true;
	int rc;

	assert(s);
	q = s->stmt[Q_CHAIN_HEAD];
	rc = store_q_row(s, q, "audit_head");
	if (rc < 0)
		return rc;
	if (rc == 1) {
		n = sqlite3_column_int64(q, 0);
		ok = COL_COPY(q, 1, h);
		store_q_end(q);
	}
	if (!ok)
		return store_set_err(s, ST_ERR_RANGE, "audit_head: the last hash is too long");
	if (seq)
		*seq = n;
	if (hash)
		memcpy(hash, h, sizeof(h));
	return ST_OK;
}

int store_chain_next(struct st_store *s, int64_t *seq, char prev_hash[ST_AUDIT_HASH_LEN + 1])
{
	int64_t n = 0;
	int rc;

	rc = st_store_audit_head(s, &n, prev_hash);
	if (rc == ST_OK)
		*seq = n + 1;
	return rc;
}

/* ---- verify ------------------------------------------------------------------ */

const char *st_store_audit_problem_name(enum st_audit_problem p)
{
	switch (p) {
	case ST_AUDIT_OK:
		return "ok";
	case ST_AUDIT_EDITED:
		return "edited";
	case ST_AUDIT_LINK:
		return "link";
	case ST_AUDIT_MISSING:
		return "missing";
	case ST_AUDIT_DUPLICATE:
		return "duplicate";
	default:
		return "unknown";
	}
}

/* The walk's state: the last record seen, for the next one's checks. */
struct walk {
	struct st_audit_report *out;
	int64_t prev_seq;
	char prev_hash[ST_AUDIT_HASH_LEN + 1];
	const char *prev_table;
	int64_t prev_id;
};

/* What one record read from the table holds, for the checks. */
struct link {
	const char *table;
	int64_t id, seq;
	const char *prev_hash, *hash;
	const char *recomputed; /* NULL: its values could not be read back */
};

static void problem(struct walk *w, const struct link *l, enum st_audit_problem p,
		    const char *fmt, ...) STORE_PRINTF(4, 5);

static void problem(struct walk *w, const struct link *l, enum st_audit_problem p,
		    const char *fmt, ...)
{
	struct st_audit_report *out = w->out;
	va_list ap;
	int n;

	out->problems++;
	if (out->problem != ST_AUDIT_OK)
		return; /* only the first is described */
	out->problem = p;
	snprintf(out->table, sizeof(out->table), "%s", l->table);
	out->id = l->id;
	out->seq = l->seq;
	n = snprintf(out->message, sizeof(out->message), "%s %" PRId64 ": ", l->table, l->id);
	if (n < 0 || (size_t)n >= sizeof(out->message))
		return;
	va_start(ap, fmt);
	vsnprintf(out->message + n, sizeof(out->message) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Check one record against the one before it, then against its contents;
 * at most one problem per record, the first that applies. */
static void check_link(struct walk *w, const struct link *l)
{
	if (l->seq == w->prev_seq && w->prev_table) {
		problem(w, l, ST_AUDIT_DUPLICATE,
			"chain position %" PRId64 " is also held by %s %" PRId64
			" (a record was inserted or renumbered)",
			l->seq, w->prev_table, w->prev_id);
	} else if (l->seq <= w->prev_seq) { /* only a first record at 0 or below */
		problem(w, l, ST_AUDIT_EDITED,
			"chain position %" PRId64 " is not valid (edited after it was written)",
			l->seq);
	} else if (l->seq != w->prev_seq + 1) {
		if (l->seq - w->prev_seq == 2)
			problem(w, l, ST_AUDIT_MISSING,
				"chain position %" PRId64 " before it is missing (a record was "
				"deleted)",
				w->prev_seq + 1);
		else
			problem(w, l, ST_AUDIT_MISSING,
				"chain positions %" PRId64 " to %" PRId64 " before it are missing "
				"(records were deleted)",
				w->prev_seq + 1, l->seq - 1);
	} else if (strcmp(l->prev_hash, w->prev_hash) != 0) {
		if (w->prev_table)
			problem(w, l, ST_AUDIT_LINK,
				"prev_hash does not match the hash of the record before it (%s "
				"%" PRId64 "): that record was replaced or re-hashed, or records "
				"were deleted or reordered",
				w->prev_table, w->prev_id);
		else
			problem(w, l, ST_AUDIT_LINK,
				"the first record's prev_hash is not zeros: records before it were "
				"deleted");
	} else if (!l->recomputed) {
		problem(w, l, ST_AUDIT_EDITED,
			"holds values the station never writes (edited after it was written)");
	} else if (strcmp(l->recomputed, l->hash) != 0) {
		problem(w, l, ST_AUDIT_EDITED,
			"hash does not match its contents (edited after it was written)");
	}
	w->out->records++;
	w->prev_seq = l->seq;
	snprintf(w->prev_hash, sizeof(w->prev_hash), "%s", l->hash);
	w->prev_table = l->table;
	w->prev_id = l->id;
}

/* Read and check the inspection qi is on.  Values too long for the struct
 * are an edit (the store never writes them), not an error. */
static int walk_inspection(struct st_store *s, struct walk *w, sqlite3_stmt *qi,
			   struct st_inspection_rec *r)
{
	char h[ST_AUDIT_HASH_LEN + 1];
	struct link l = { .table = "inspection" };
	int rc;

	rc = store_inspection_read(s, qi, r);
	if (rc < 0 && rc != ST_ERR_RANGE)
		return rc;
	l.id = sqlite3_column_int64(qi, 0);
	l.seq = sqlite3_column_int64(qi, 1);
	/* prev_hash and hash may be what did not fit: read them apart. */
	l.prev_hash = (const char *)sqlite3_column_text(qi, 13);
	l.prev_hash = l.prev_hash ? l.prev_hash : "";
	if (rc == ST_OK) {
		rc = store_hash_inspection(s, r, h);
		if (rc < 0)
			return rc;
		l.recomputed = h;
	}
	l.hash = (const char *)sqlite3_column_text(qi, 14);
	l.hash = l.hash ? l.hash : "";
	w->out->inspections++;
	check_link(w, &l);
	return ST_OK;
}

static int walk_evidence(struct st_store *s, struct walk *w, sqlite3_stmt *qe,
			 struct st_evidence_rec *e)
{
	char h[ST_AUDIT_HASH_LEN + 1];
	struct link l = { .table = "evidence" };
	int rc;

	l.id = sqlite3_column_int64(qe, 0);
	l.seq = sqlite3_column_int64(qe, 1);
	if (store_evidence_read(qe, e)) {
		rc = store_hash_evidence(s, e, h);
		if (rc < 0)
			return rc;
		l.recomputed = h;
	}
	l.prev_hash = (const char *)sqlite3_column_text(qe, 12);
	l.prev_hash = l.prev_hash ? l.prev_hash : "";
	l.hash = (const char *)sqlite3_column_text(qe, 13);
	l.hash = l.hash ? l.hash : "";
	w->out->evidence++;
	check_link(w, &l);
	return ST_OK;
}

/* Step q to its next row: 1 on a row, 0 at the end, or an error. */
static int next_row(struct st_store *s, sqlite3_stmt *q)
{
	int step = sqlite3_step(q);

	if (step == SQLITE_ROW)
		return 1;
	if (step == SQLITE_DONE)
		return 0;
	return store_fail(s, "audit_verify");
}

int st_store_audit_verify(struct st_store *s, struct st_audit_report *out)
{
	struct st_inspection_rec *r = NULL;
	struct st_evidence_rec *e = NULL;
	struct walk w = { .out = out, .prev_hash = STORE_ZERO_HASH };
	sqlite3_stmt *qi, *qe;
	enum store_tx tx;
	int rc, have_i = 0, have_e = 0;

	assert(s && out);
	memset(out, 0, sizeof(*out));
	memcpy(out->head_hash, STORE_ZERO_HASH, sizeof(out->head_hash));
	r = malloc(sizeof(*r));
	e = malloc(sizeof(*e));
	if (!r || !e) {
		rc = store_set_err(s, ST_ERR_NOMEM, "audit_verify: out of memory");
		goto out;
	}
	/* One snapshot: a record written meanwhile is not half seen. */
	rc = store_tx_enter(s, false, &tx);
	if (rc < 0)
		goto out;
	qi = s->stmt[Q_AUDIT_INSPECTIONS];
	qe = s->stmt[Q_AUDIT_EVIDENCE];
	have_i = next_row(s, qi);
	have_e = have_i < 0 ? 0 : next_row(s, qe);
	rc = have_i < 0 ? have_i : have_e < 0 ? have_e : ST_OK;
	/* Merge the two tables by chain position; on a tie the inspection
	 * comes first and the evidence record is the duplicate. */
	while (rc == ST_OK && (have_i > 0 || have_e > 0)) {
		if (have_i > 0 &&
		    (have_e <= 0 || sqlite3_column_int64(qi, 1) <= sqlite3_column_int64(qe, 1))) {
			rc = walk_inspection(s, &w, qi, r);
			if (rc == ST_OK)
				rc = have_i = next_row(s, qi);
		} else {
			rc = walk_evidence(s, &w, qe, e);
			if (rc == ST_OK)
				rc = have_e = next_row(s, qe);
		}
		if (rc > 0)
			rc = ST_OK;
	}
	store_q_end(qi);
	store_q_end(qe);
	rc = store_tx_leave(s, tx, rc);
	if (rc < 0)
		goto out;
	out->head_seq = w.prev_seq;
	memcpy(out->head_hash, w.prev_hash, sizeof(out->head_hash));
	if (out->problems)
		rc = store_set_err(s, ST_ERR_CORRUPT, "audit: %" PRId64 " of %" PRId64
						      " records fail verification; first: %s",
				   out->problems, out->records, out->message);
out:
	free(r);
	free(e);
	return rc;
}
