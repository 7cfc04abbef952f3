/* The store's QC records and the audit chain (issue 3; QC-03, QC-05):
 * inspections, evidence, corrections, transactions, and audit verify
 * against an attacker who edits the file with the triggers dropped.  Also
 * the SHA-256 helper against the FIPS 180-2 vectors.  Real SQLite files in
 * a temporary folder; a raw sqlite3 connection plays the attacker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "st/err.h"
#include "st/sha256.h"
#include "st/store.h"
#include "common/testutil.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"
#define T0 1700000000000LL

/* ---- fixtures ------------------------------------------------------------ */

static char tmpdir[64];
static char seed_path[128];
static unsigned file_no;

/* One database per test, with a station, an inspector and two items. */
struct fx {
	char path[256];
	struct st_store *s;
	int64_t station, op, item, item2;
	struct st_inspection_rec r; /* scratch for the test (25 KiB) */
};

static struct st_store *open_path(const char *path)
{
	struct st_store_opts o = { .create = true };
	struct st_store *s = NULL;
	char err[512];

	if (st_store_open(path, &o, &s, err, sizeof(err)) != ST_OK)
		fail_msg("%s", err);
	return s;
}

static void copy_file(const char *from, const char *to)
{
	char buf[8192];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* The seeded database every test starts from, made once: each commit is
 * an fsync (synchronous=FULL), and ctest gives a test 10 s. */
static int group_setup(void **state)
{
	struct st_operator op = { .badge = "B-100", .name = "Ada", .role = "inspector",
				  .active = true };
	struct st_product p = { .sku = "RING-001", .name = "Solitaire", .category = "ring" };
	struct st_item it = { .serial = "SN-0001", .product.sku = "RING-001" };
	struct st_store *s;

	(void)state;
	if (qc_tmpdir_make(tmpdir, sizeof(tmpdir), "audit") != 0)
		return -1;
	snprintf(seed_path, sizeof(seed_path), "%s/seed.db", tmpdir);
	s = open_path(seed_path);
	assert_int_equal(st_store_begin(s), ST_OK);
	assert_int_equal(st_store_station_ensure(s, "ST-01", "Bench 1", NULL), ST_OK);
	assert_int_equal(st_store_operator_upsert(s, &op, NULL), ST_OK);
	assert_int_equal(st_store_product_upsert(s, &p, NULL), ST_OK);
	assert_int_equal(st_store_item_upsert(s, &it, NULL), ST_OK);     /* id 1 */
	snprintf(it.serial, sizeof(it.serial), "SN-0002");
	assert_int_equal(st_store_item_upsert(s, &it, NULL), ST_OK);     /* id 2 */
	assert_int_equal(st_store_commit(s), ST_OK);
	st_store_close(s); /* checkpoints: the file alone is the database */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return qc_tmpdir_remove(tmpdir);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->path, sizeof(f->path), "%s/audit-%u.db", tmpdir, ++file_no);
	copy_file(seed_path, f->path);
	f->s = open_path(f->path);
	f->station = f->op = f->item = 1;
	f->item2 = 2;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	st_store_close(f->s);
	remove(f->path);
	free(f);
	return 0;
}

/* A passing ring inspection of item, no checks. */
static void pass_rec(struct fx *f, int64_t item, int64_t t)
{
	struct st_inspection_rec *r = &f->r;

	memset(r, 0, sizeof(*r));
	r->item_id = item;
	r->operator_id = f->op;
	r->station_id = f->station;
	snprintf(r->category, sizeof(r->category), "ring");
	snprintf(r->checklist_version, sizeof(r->checklist_version), "3");
	snprintf(r->result, sizeof(r->result), "pass");
	r->started_ms = t;
	r->completed_ms = t + 60000;
}

/* A failed one with a measured check, a text check and a defect. */
static void fail_rec(struct fx *f, int64_t item, int64_t t, const char *disposition)
{
	struct st_inspection_rec *r = &f->r;
	struct st_check_result *c;

	pass_rec(f, item, t);
	snprintf(r->result, sizeof(r->result), "fail");
	snprintf(r->disposition, sizeof(r->disposition), "%s", disposition);
	c = &r->check[r->n_check++];
	snprintf(c->check_id, sizeof(c->check_id), "ring_size");
	snprintf(c->outcome, sizeof(c->outcome), "pass");
	snprintf(c->expected, sizeof(c->expected), "6.5");
	c->has_measured = true;
	c->measured_milli = 6500;
	snprintf(c->unit, sizeof(c->unit), "us_size");
	c = &r->check[r->n_check++];
	snprintf(c->check_id, sizeof(c->check_id), "engraving");
	snprintf(c->outcome, sizeof(c->outcome), "fail");
	snprintf(c->expected, sizeof(c->expected), "Love, A.");
	snprintf(c->found, sizeof(c->found), "Love, A");
	snprintf(r->defect[0].code, sizeof(r->defect[0].code), "ENGRAVING_TEXT");
	snprintf(r->defect[0].severity, sizeof(r->defect[0].severity), "major");
	snprintf(r->defect[0].check_id, sizeof(r->defect[0].check_id), "engraving");
	snprintf(r->defect[0].note, sizeof(r->defect[0].note), "final stop missing");
	r->n_defect = 1;
}

static int64_t add_insp(struct fx *f)
{
	int64_t id = 0;

	assert_int_equal(st_store_inspection_add(f->s, &f->r, &id), ST_OK);
	assert_true(id > 0);
	return id;
}

static int64_t add_evidence(struct fx *f, int64_t item, int64_t inspection, const char *name)
{
	struct st_evidence_rec e = { 0 };
	int64_t id = 0;

	e.item_id = item;
	e.inspection_id = inspection;
	e.operator_id = f->op;
	e.station_id = f->station;
	snprintf(e.path, sizeof(e.path), "/var/lib/qcstation/photos/%s", name);
	e.size_bytes = 123456;
	assert_int_equal(st_sha256_hex(name, strlen(name), e.sha256), ST_OK);
	snprintf(e.mime, sizeof(e.mime), "image/jpeg");
	snprintf(e.barcode, sizeof(e.barcode), "SN-0001");
	e.created_ms = T0 + 90000;
	assert_int_equal(st_store_evidence_add(f->s, &e, &id), ST_OK);
	return id;
}

static struct st_audit_report verify(struct fx *f, int want_rc)
{
	struct st_audit_report a;

	assert_int_equal(st_store_audit_verify(f->s, &a), want_rc);
	return a;
}

/* The attacker: a raw connection with the append-only triggers dropped. */
static void attack(struct fx *f, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	st_store_close(f->s);
	f->s = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db,
			 "PRAGMA synchronous = OFF; BEGIN;" /* no fsync: a test, not a bench */
			 "DROP TRIGGER inspection_no_update; DROP TRIGGER inspection_no_delete;"
			 "DROP TRIGGER check_result_no_update; DROP TRIGGER check_result_no_delete;"
			 "DROP TRIGGER defect_no_update; DROP TRIGGER defect_no_delete;"
			 "DROP TRIGGER evidence_no_update; DROP TRIGGER evidence_no_delete;",
			 NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(db);
	f->s = open_path(f->path);
}

/* Four records: inspection 1, evidence 1, inspection 2 (failed, with
 * children), evidence 2 at chain positions 1 to 4. */
static void four_records(struct fx *f)
{
	int64_t i1, i2;

	assert_int_equal(st_store_begin(f->s), ST_OK);
	pass_rec(f, f->item, T0);
	i1 = add_insp(f);
	add_evidence(f, f->item, i1, "a.jpg");
	fail_rec(f, f->item2, T0 + 100000, "rework");
	i2 = add_insp(f);
	add_evidence(f, f->item2, i2, "b.jpg");
	assert_int_equal(st_store_commit(f->s), ST_OK);
}

/* ---- SHA-256 ------------------------------------------------------------- */

static void sha256__fips_180_2_vectors(void **state)
{
	static const struct {
		const char *in, *hex;
	} t[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	struct st_sha256 *h = NULL;
	char out[ST_SHA256_HEX_LEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(st_sha256_hex(t[i].in, strlen(t[i].in), out), ST_OK);
		assert_string_equal(out, t[i].hex);
	}
	/* Incremental, in pieces, and reusable after final. */
	assert_int_equal(st_sha256_new(&h), ST_OK);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(st_sha256_update(h, "a", 1), ST_OK);
		assert_int_equal(st_sha256_update(h, NULL, 0), ST_OK);
		assert_int_equal(st_sha256_update(h, "bc", 2), ST_OK);
		assert_int_equal(st_sha256_final_hex(h, out), ST_OK);
		assert_string_equal(out, t[0].hex);
	}
	assert_int_equal(st_sha256_update(h, "junk", 4), ST_OK);
	assert_int_equal(st_sha256_restart(h), ST_OK);
	assert_int_equal(st_sha256_final_hex(h, out), ST_OK);
	assert_string_equal(out, t[1].hex);
	st_sha256_free(h);
	st_sha256_free(NULL);
}

static void sha256__file_of_a_million_a(void **state)
{
	char path[256], out[ST_SHA256_HEX_LEN + 1] = "untouched", a[1000];
	uint64_t size = 0;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/million-a.bin", tmpdir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	memset(a, 'a', sizeof(a));
	for (int i = 0; i < 1000; i++) /* more than one 64 KiB read */
		assert_int_equal(fwrite(a, 1, sizeof(a), fp), sizeof(a));
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(st_sha256_file(path, out, &size), ST_OK);
	/* FIPS 180-2 appendix B.3 */
	assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	assert_int_equal(size, 1000000);
	remove(path);

	snprintf(out, sizeof(out), "untouched");
	assert_int_equal(st_sha256_file(path, out, &size), ST_ERR_NOTFOUND);
	assert_int_equal(st_sha256_file(tmpdir, out, &size), ST_ERR_ARG); /* a folder */
	assert_string_equal(out, "untouched");

	snprintf(path, sizeof(path), "%s/empty.bin", tmpdir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(st_sha256_file(path, out, NULL), ST_OK);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	remove(path);
}

/* ---- records ------------------------------------------------------------- */

static void inspection__round_trip_with_checks_and_defects(void **state)
{
	struct fx *f = *state;
	struct st_inspection_rec *got = malloc(sizeof(*got));
	int64_t id;

	assert_non_null(got);
	fail_rec(f, f->item, T0, "rework");
	f->r.rework_count = 1;
	id = add_insp(f);
	assert_int_equal(st_store_inspection_get(f->s, id, got), ST_OK);
	assert_int_equal(got->id, id);
	assert_int_equal(got->item_id, f->item);
	assert_string_equal(got->item_serial, "SN-0001");
	assert_string_equal(got->item_sku, "RING-001");
	assert_string_equal(got->operator_badge, "B-100");
	assert_string_equal(got->station_code, "ST-01");
	assert_string_equal(got->category, "ring");
	assert_string_equal(got->checklist_version, "3");
	assert_string_equal(got->result, "fail");
	assert_string_equal(got->disposition, "rework");
	assert_int_equal(got->rework_count, 1);
	assert_int_equal(got->supersedes, 0);
	assert_int_equal(got->superseded_by, 0);
	assert_int_equal(got->started_ms, T0);
	assert_int_equal(got->completed_ms, T0 + 60000);
	assert_int_equal(got->n_check, 2);
	assert_string_equal(got->check[0].check_id, "ring_size");
	assert_true(got->check[0].has_measured);
	assert_int_equal(got->check[0].measured_milli, 6500);
	assert_string_equal(got->check[0].unit, "us_size");
	assert_string_equal(got->check[0].found, "");
	assert_string_equal(got->check[1].expected, "Love, A.");
	assert_string_equal(got->check[1].found, "Love, A");
	assert_false(got->check[1].has_measured);
	assert_int_equal(got->n_defect, 1);
	assert_string_equal(got->defect[0].code, "ENGRAVING_TEXT");
	assert_string_equal(got->defect[0].severity, "major");
	assert_string_equal(got->defect[0].check_id, "engraving");
	assert_string_equal(got->defect[0].note, "final stop missing");
	assert_int_equal(got->chain_seq, 1);
	assert_string_equal(got->prev_hash, ZEROS);
	assert_int_equal(strlen(got->hash), 64);

	assert_int_equal(st_store_inspection_get(f->s, id + 1, got), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_inspection_last(f->s, f->item2, got), ST_ERR_NOTFOUND);
	free(got);
}

static void inspection__refuses_what_qc_rules_forbid(void **state)
{
	struct fx *f = *state;
	int64_t n = -1;

	/* QC-03: a pass has no disposition, a fail has one. */
	pass_rec(f, f->item, T0);
	snprintf(f->r.disposition, sizeof(f->r.disposition), "hold");
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	fail_rec(f, f->item, T0, "");
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	fail_rec(f, f->item, T0, "recycle");
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	/* QC-05: the inspector is named. */
	pass_rec(f, f->item, T0);
	f->r.operator_id = 0;
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	pass_rec(f, 999, T0);
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	assert_non_null(strstr(st_store_errmsg(f->s), "no such item"));
	pass_rec(f, f->item, T0);
	f->r.n_check = ST_CHECK_MAX + 1;
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_ARG);
	pass_rec(f, f->item, T0);
	snprintf(f->r.result, sizeof(f->r.result), "maybe");
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	/* A bad child row undoes the inspection row too. */
	fail_rec(f, f->item, T0, "hold");
	snprintf(f->r.defect[0].severity, sizeof(f->r.defect[0].severity), "cosmetic");
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);

	/* Nothing was written and the chain is empty and sound. */
	{
		struct st_audit_report a = verify(f, ST_OK);

		assert_int_equal(a.records, 0);
		assert_int_equal(a.head_seq, 0);
		assert_string_equal(a.head_hash, ZEROS);
	}
	assert_int_equal(st_store_audit_head(f->s, &n, NULL), ST_OK);
	assert_int_equal(n, 0);
}

static void correction__supersedes_and_the_old_record_stays(void **state)
{
	struct fx *f = *state;
	struct st_inspection_rec *got = malloc(sizeof(*got));
	int64_t first, fix, other;
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_non_null(got);
	fail_rec(f, f->item, T0, "rework");
	first = add_insp(f);
	pass_rec(f, f->item2, T0);
	other = add_insp(f);
	/* QC-05: the result was wrong; a correction names what it replaces. */
	pass_rec(f, f->item, T0 + 5000);
	f->r.supersedes = first;
	fix = add_insp(f);

	assert_int_equal(st_store_inspection_last(f->s, f->item, got), ST_OK);
	assert_int_equal(got->id, fix);
	assert_int_equal(got->supersedes, first);
	assert_int_equal(st_store_inspection_get(f->s, first, got), ST_OK);
	assert_string_equal(got->result, "fail"); /* kept as it was */
	assert_int_equal(got->superseded_by, fix);

	/* Superseded once only, and only by a record of the same item. */
	pass_rec(f, f->item, T0 + 6000);
	f->r.supersedes = first;
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	pass_rec(f, f->item, T0 + 6000);
	f->r.supersedes = other;
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);

	/* Nothing is changed in place, even by hand. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE inspection SET result = 'pass'", NULL, NULL,
					  &msg),
			     SQLITE_OK);
	assert_non_null(strstr(msg, "never changed"));
	sqlite3_free(msg);
	msg = NULL;
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM check_result", NULL, NULL, &msg),
			     SQLITE_OK);
	sqlite3_free(msg);
	sqlite3_close(db);

	verify(f, ST_OK);
	free(got);
}

struct seen {
	int n;
	int64_t id[8];
};

static int collect_insp(const struct st_inspection_rec *r, void *ud)
{
	struct seen *s = ud;

	if (s->n < 8)
		s->id[s->n] = r->id;
	s->n++;
	return 0;
}

static int stop_at_first(const struct st_inspection_rec *r, void *ud)
{
	(void)r;
	(void)ud;
	return 7;
}

static void inspection_each__since_and_superseded(void **state)
{
	struct fx *f = *state;
	struct seen s = { 0 };
	int64_t a, b, c;

	fail_rec(f, f->item, T0, "rework");
	a = add_insp(f);
	pass_rec(f, f->item2, T0 + 3600000);
	b = add_insp(f);
	pass_rec(f, f->item, T0 + 7200000);
	f->r.supersedes = a;
	c = add_insp(f);

	assert_int_equal(st_store_inspection_each(f->s, 0, true, collect_insp, &s), ST_OK);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.id[0], a);
	assert_int_equal(s.id[2], c);
	memset(&s, 0, sizeof(s));
	assert_int_equal(st_store_inspection_each(f->s, 0, false, collect_insp, &s), ST_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.id[0], b);
	assert_int_equal(s.id[1], c);
	memset(&s, 0, sizeof(s));
	assert_int_equal(st_store_inspection_each(f->s, T0 + 7200000, true, collect_insp, &s),
			 ST_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(st_store_inspection_each(f->s, 0, true, stop_at_first, NULL), 7);
}

static int collect_ev(const struct st_evidence_rec *e, void *ud)
{
	struct st_evidence_rec *out = ud;

	if (out[0].id == 0)
		out[0] = *e;
	else
		out[1] = *e;
	return 0;
}

static void evidence__by_item_and_refusals(void **state)
{
	struct fx *f = *state;
	struct st_evidence_rec *got = calloc(2, sizeof(*got));
	struct st_evidence_rec e = { 0 };
	int64_t insp, e1, e2;

	assert_non_null(got);
	pass_rec(f, f->item, T0);
	insp = add_insp(f);
	e1 = add_evidence(f, f->item, insp, "front.jpg");
	add_evidence(f, f->item2, 0, "other.jpg");
	e2 = add_evidence(f, f->item, 0, "back.jpg");
	assert_int_equal(st_store_evidence_by_item(f->s, f->item, collect_ev, got), ST_OK);
	assert_int_equal(got[0].id, e1);
	assert_int_equal(got[1].id, e2);
	assert_int_equal(got[0].inspection_id, insp);
	assert_int_equal(got[1].inspection_id, 0);
	assert_string_equal(got[0].path, "/var/lib/qcstation/photos/front.jpg");
	assert_int_equal(got[0].size_bytes, 123456);
	assert_string_equal(got[0].mime, "image/jpeg");
	assert_string_equal(got[0].barcode, "SN-0001");
	assert_string_equal(got[0].item_serial, "SN-0001");
	assert_string_equal(got[0].operator_badge, "B-100");
	assert_int_equal(got[0].chain_seq, 2);
	assert_int_equal(got[1].chain_seq, 4);

	e = got[0];
	e.sha256[5] = 'G';
	assert_int_equal(st_store_evidence_add(f->s, &e, NULL), ST_ERR_ARG);
	e = got[0];
	e.inspection_id = insp;
	e.item_id = f->item2; /* a photo linked to another item's inspection */
	assert_int_equal(st_store_evidence_add(f->s, &e, NULL), ST_ERR_CONSTRAINT);
	e = got[0];
	e.operator_id = 0; /* nobody logged in is allowed */
	assert_int_equal(st_store_evidence_add(f->s, &e, NULL), ST_OK);
	verify(f, ST_OK);
	free(got);
}

static void item__set_status_and_by_id(void **state)
{
	struct fx *f = *state;
	struct st_item it;

	assert_int_equal(st_store_item_set_status(f->s, f->item, "hold"), ST_OK);
	assert_int_equal(st_store_item_by_id(f->s, f->item, &it), ST_OK);
	assert_string_equal(it.serial, "SN-0001");
	assert_string_equal(it.status, "hold");
	assert_string_equal(it.product.sku, "RING-001");
	assert_int_equal(st_store_item_set_status(f->s, f->item, "lost"), ST_ERR_CONSTRAINT);
	assert_int_equal(st_store_item_set_status(f->s, 999, "hold"), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_item_by_id(f->s, 999, &it), ST_ERR_NOTFOUND);
}

/* ---- transactions --------------------------------------------------------- */

static void tx__rolled_back_inspection_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct st_audit_report a;
	struct st_outbox_rec ev = { .type = "inspection", .entity = "inspection:1",
				    .payload = "{}", .ts_ms = T0 };
	struct st_item it;
	int64_t id = 0, n = 0;

	/* The app shell's step: scan, inspection, status, event; then undone. */
	assert_int_equal(st_store_begin(f->s), ST_OK);
	pass_rec(f, f->item, T0);
	id = add_insp(f);
	add_evidence(f, f->item, id, "x.jpg");
	assert_int_equal(st_store_item_set_status(f->s, f->item, "passed"), ST_OK);
	assert_int_equal(st_store_outbox_add(f->s, &ev, NULL, NULL), ST_OK);
	st_store_rollback(f->s);

	assert_int_equal(st_store_inspection_last(f->s, f->item, &f->r), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_item_by_id(f->s, f->item, &it), ST_OK);
	assert_string_equal(it.status, "received");
	a = verify(f, ST_OK);
	assert_int_equal(a.records, 0);

	/* The same step committed: one unit, and the chain starts at 1. */
	assert_int_equal(st_store_begin(f->s), ST_OK);
	pass_rec(f, f->item, T0);
	id = add_insp(f);
	assert_int_equal(st_store_item_set_status(f->s, f->item, "passed"), ST_OK);
	assert_int_equal(st_store_outbox_add(f->s, &ev, NULL, NULL), ST_OK);
	/* A failed add inside the caller's transaction undoes only itself. */
	pass_rec(f, 999, T0);
	assert_int_equal(st_store_inspection_add(f->s, &f->r, NULL), ST_ERR_CONSTRAINT);
	assert_int_equal(st_store_commit(f->s), ST_OK);

	assert_int_equal(st_store_inspection_last(f->s, f->item, &f->r), ST_OK);
	assert_int_equal(f->r.id, id);
	assert_int_equal(f->r.chain_seq, 1);
	assert_string_equal(f->r.prev_hash, ZEROS);
	assert_int_equal(st_store_outbox_count(f->s, NULL, &n), ST_OK);
	assert_int_equal(n, 1);
	a = verify(f, ST_OK);
	assert_int_equal(a.records, 1);
}

/* ---- the chain -------------------------------------------------------------- */

static void chain__links_inspections_and_evidence_in_order(void **state)
{
	struct fx *f = *state;
	struct st_audit_report a;
	struct st_inspection_rec *i2 = malloc(sizeof(*i2));
	struct st_evidence_rec ev[2];
	char head[ST_AUDIT_HASH_LEN + 1];
	int64_t seq = 0;

	assert_non_null(i2);
	four_records(f);
	a = verify(f, ST_OK);
	assert_int_equal(a.records, 4);
	assert_int_equal(a.inspections, 2);
	assert_int_equal(a.evidence, 2);
	assert_int_equal(a.problems, 0);
	assert_int_equal(a.problem, ST_AUDIT_OK);
	assert_int_equal(a.head_seq, 4);

	memset(ev, 0, sizeof(ev));
	assert_int_equal(st_store_evidence_by_item(f->s, f->item, collect_ev, ev), ST_OK);
	assert_int_equal(st_store_inspection_get(f->s, 2, i2), ST_OK);
	/* inspection 2 (position 3) links to evidence 1 (position 2) */
	assert_int_equal(i2->chain_seq, 3);
	assert_string_equal(i2->prev_hash, ev[0].hash);
	memset(ev, 0, sizeof(ev));
	assert_int_equal(st_store_evidence_by_item(f->s, f->item2, collect_ev, ev), ST_OK);
	assert_string_equal(ev[0].prev_hash, i2->hash);
	assert_string_equal(a.head_hash, ev[0].hash);
	assert_int_equal(st_store_audit_head(f->s, &seq, head), ST_OK);
	assert_int_equal(seq, 4);
	assert_string_equal(head, ev[0].hash);
	free(i2);
}

/* The serialisation of docs/internals/audit-chain.md, byte for byte: a
 * change to the format breaks this test (and every stored hash). */
static void chain__hash_is_the_documented_serialisation(void **state)
{
	static const char insp[] = "qcstation-audit-1\n"
				   "record=s:10:inspection\n"
				   "seq=i:1\n"
				   "id=i:1\n"
				   "prev_hash=s:64:" ZEROS "\n"
				   "item=s:7:SN-0001\n"
				   "operator=s:5:B-100\n"
				   "station=s:5:ST-01\n"
				   "category=s:4:ring\n"
				   "checklist_version=s:1:3\n"
				   "result=s:4:fail\n"
				   "disposition=s:6:rework\n"
				   "rework_count=i:0\n"
				   "supersedes=n\n"
				   "started_ms=i:1700000000000\n"
				   "completed_ms=i:1700000060000\n"
				   "checks=i:2\n"
				   "check.id=s:9:ring_size\n"
				   "check.outcome=s:4:pass\n"
				   "check.expected=s:3:6.5\n"
				   "check.found=n\n"
				   "check.measured_milli=i:6500\n"
				   "check.unit=s:7:us_size\n"
				   "check.id=s:9:engraving\n"
				   "check.outcome=s:4:fail\n"
				   "check.expected=s:8:Love, A.\n"
				   "check.found=s:7:Love, A\n"
				   "check.measured_milli=n\n"
				   "check.unit=n\n"
				   "defects=i:1\n"
				   "defect.code=s:14:ENGRAVING_TEXT\n"
				   "defect.severity=s:5:major\n"
				   "defect.check_id=s:9:engraving\n"
				   "defect.note=s:18:final stop missing\n";
	struct fx *f = *state;
	struct st_evidence_rec ev[2];
	char want[ST_SHA256_HEX_LEN + 1], evs[1024];
	int n;

	fail_rec(f, f->item, T0, "rework");
	add_insp(f);
	assert_int_equal(st_store_inspection_get(f->s, 1, &f->r), ST_OK);
	assert_int_equal(st_sha256_hex(insp, sizeof(insp) - 1, want), ST_OK);
	assert_string_equal(f->r.hash, want);
	/* the worked example's hash in docs/internals/audit-chain.md */
	assert_string_equal(want, "f9d18b9400c627aa28a35ca2011c8876dd9566c74aad126e5446cea405f0a3d3");

	add_evidence(f, f->item, 1, "a.jpg");
	memset(ev, 0, sizeof(ev));
	assert_int_equal(st_store_evidence_by_item(f->s, f->item, collect_ev, ev), ST_OK);
	n = snprintf(evs, sizeof(evs),
		     "qcstation-audit-1\n"
		     "record=s:8:evidence\n"
		     "seq=i:2\n"
		     "id=i:1\n"
		     "prev_hash=s:64:%s\n"
		     "item=s:7:SN-0001\n"
		     "inspection=i:1\n"
		     "operator=s:5:B-100\n"
		     "station=s:5:ST-01\n"
		     "path=s:31:/var/lib/qcstation/photos/a.jpg\n"
		     "size_bytes=i:123456\n"
		     "sha256=s:64:%s\n"
		     "mime=s:10:image/jpeg\n"
		     "barcode=s:7:SN-0001\n"
		     "created_ms=i:1700000090000\n",
		     f->r.hash, ev[0].sha256);
	assert_true(n > 0 && (size_t)n < sizeof(evs));
	assert_int_equal(st_sha256_hex(evs, (size_t)n, want), ST_OK);
	assert_string_equal(ev[0].hash, want);
}

static void chain__edit_is_found_at_the_edited_record(void **state)
{
	static const struct {
		const char *sql, *table, *what;
		int64_t id, seq;
	} t[] = {
		/* a passing inspection's time moved */
		{ "UPDATE inspection SET completed_ms = completed_ms + 1 WHERE id = 1",
		  "inspection", "inspection 1: hash does not match its contents", 1, 1 },
		/* the engraving found text corrected after the fact */
		{ "UPDATE check_result SET found = 'Love, A.' WHERE inspection_id = 2"
		  " AND check_id = 'engraving'",
		  "inspection", "inspection 2: hash does not match", 2, 3 },
		/* a defect removed */
		{ "DELETE FROM defect WHERE inspection_id = 2", "inspection",
		  "inspection 2: hash", 2, 3 },
		/* another photo's digest swapped in */
		{ "UPDATE evidence SET sha256 = '" ZEROS "' WHERE id = 2", "evidence",
		  "evidence 2: hash does not match", 2, 4 },
		/* the item's serial renamed: the inspection now names another item */
		{ "UPDATE item SET serial = 'SN-9999' WHERE id = 1", "inspection",
		  "inspection 1: hash", 1, 1 },
		/* a value the station never writes */
		{ "UPDATE check_result SET expected = hex(zeroblob(150)) WHERE inspection_id = 2",
		  "inspection", "inspection 2: holds values the station never writes", 2, 3 },
		/* an edit whose author also wrote a made-up hash */
		{ "UPDATE evidence SET path = '/tmp/other.jpg', hash = '" ZEROS "' WHERE id = 1",
		  "evidence", "evidence 1: hash does not match", 1, 2 },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_audit_report a;

		if (i > 0) { /* a fresh database for each edit */
			st_store_close(f->s);
			f->s = NULL;
			teardown(state);
			setup(state);
			f = *state;
		}
		four_records(f);
		verify(f, ST_OK);
		attack(f, t[i].sql);
		a = verify(f, ST_ERR_CORRUPT);
		assert_int_equal(a.problem, ST_AUDIT_EDITED);
		assert_string_equal(a.table, t[i].table);
		assert_int_equal(a.id, t[i].id);
		assert_int_equal(a.seq, t[i].seq);
		if (!strstr(a.message, t[i].what))
			fail_msg("edit %zu: \"%s\" has no \"%s\"", i, a.message, t[i].what);
		assert_int_equal(a.records, 4); /* the walk goes on to the end */
		assert_non_null(strstr(st_store_errmsg(f->s), "first:"));
	}
}

static void chain__rehashed_edit_breaks_the_next_link(void **state)
{
	struct fx *f = *state;
	struct st_audit_report a;
	char sql[512], h[ST_SHA256_HEX_LEN + 1];

	/* An attacker who knows the format rewrites record 1 consistently:
	 * its own hash then matches, but record 2 still holds the old one. */
	pass_rec(f, f->item, T0);
	add_insp(f);
	pass_rec(f, f->item2, T0);
	add_insp(f);
	{
		static const char edited[] = "qcstation-audit-1\n"
					     "record=s:10:inspection\n"
					     "seq=i:1\n"
					     "id=i:1\n"
					     "prev_hash=s:64:" ZEROS "\n"
					     "item=s:7:SN-0001\n"
					     "operator=s:5:B-100\n"
					     "station=s:5:ST-01\n"
					     "category=s:4:ring\n"
					     "checklist_version=s:1:3\n"
					     "result=s:4:pass\n"
					     "disposition=n\n"
					     "rework_count=i:0\n"
					     "supersedes=n\n"
					     "started_ms=i:1600000000000\n"
					     "completed_ms=i:1700000060000\n"
					     "checks=i:0\n"
					     "defects=i:0\n";

		assert_int_equal(st_sha256_hex(edited, sizeof(edited) - 1, h), ST_OK);
	}
	snprintf(sql, sizeof(sql),
		 "UPDATE inspection SET started_ms = 1600000000000, hash = '%s' WHERE id = 1", h);
	attack(f, sql);
	a = verify(f, ST_ERR_CORRUPT);
	assert_int_equal(a.problem, ST_AUDIT_LINK);
	assert_string_equal(a.table, "inspection");
	assert_int_equal(a.id, 2);
	assert_non_null(strstr(a.message, "inspection 2: prev_hash does not match"));
	assert_non_null(strstr(a.message, "(inspection 1)"));
	assert_int_equal(a.problems, 1);
}

static void chain__deletion_and_reordering_are_found(void **state)
{
	struct fx *f = *state;
	struct st_audit_report a;

	/* inspection 2 (position 3) and its children deleted */
	four_records(f);
	attack(f, "DELETE FROM check_result WHERE inspection_id = 2;"
		  "DELETE FROM defect WHERE inspection_id = 2;"
		  "DELETE FROM evidence WHERE inspection_id = 2;"
		  "DELETE FROM inspection WHERE id = 2;");
	a = verify(f, ST_OK); /* the tail is gone: nothing after it to notice */
	assert_int_equal(a.records, 2);
	assert_int_equal(a.head_seq, 2);

	teardown(state);
	setup(state);
	f = *state;
	four_records(f);
	attack(f, "DELETE FROM evidence WHERE id = 1");
	a = verify(f, ST_ERR_CORRUPT);
	assert_int_equal(a.problem, ST_AUDIT_MISSING);
	assert_string_equal(a.table, "inspection");
	assert_int_equal(a.id, 2);
	assert_int_equal(a.seq, 3);
	assert_non_null(strstr(a.message, "inspection 2: chain position 2 before it is missing"));
	assert_int_equal(a.records, 3);

	/* the first record deleted */
	teardown(state);
	setup(state);
	f = *state;
	four_records(f);
	attack(f, "DELETE FROM inspection WHERE id = 1; UPDATE evidence SET inspection_id = NULL"
		  " WHERE id = 1");
	a = verify(f, ST_ERR_CORRUPT);
	assert_string_equal(a.table, "evidence");
	assert_int_equal(a.id, 1);
	assert_int_equal(a.problem, ST_AUDIT_MISSING);

	/* two records swapped: position 2 and 3 exchanged */
	teardown(state);
	setup(state);
	f = *state;
	four_records(f);
	attack(f, "UPDATE evidence SET chain_seq = 103 WHERE id = 1;"
		  "UPDATE inspection SET chain_seq = 2 WHERE id = 2;"
		  "UPDATE evidence SET chain_seq = 3 WHERE id = 1;");
	a = verify(f, ST_ERR_CORRUPT);
	assert_int_equal(a.problem, ST_AUDIT_LINK);
	assert_string_equal(a.table, "inspection");
	assert_int_equal(a.id, 2);

	/* a record inserted at a taken position */
	teardown(state);
	setup(state);
	f = *state;
	four_records(f);
	attack(f, "DROP TRIGGER evidence_chain_append;"
		  "INSERT INTO evidence(chain_seq, item_id, station_id, path, size_bytes, sha256,"
		  " mime, created_ms, prev_hash, hash) SELECT 3, 1, 1, '/x.jpg', 1, sha256, mime,"
		  " 1, prev_hash, hash FROM evidence WHERE id = 2");
	a = verify(f, ST_ERR_CORRUPT);
	assert_int_equal(a.problem, ST_AUDIT_DUPLICATE);
	assert_string_equal(a.table, "evidence");
	assert_int_equal(a.id, 3);
}

static void chain__guard_trigger_refuses_a_bad_link(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = NULL;
	char *msg = NULL;

	four_records(f);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	/* the right position but another prev_hash; then a gap */
	assert_int_not_equal(sqlite3_exec(db,
					  "INSERT INTO evidence(chain_seq, item_id, station_id, path,"
					  " size_bytes, sha256, mime, created_ms, prev_hash, hash)"
					  " VALUES (5, 1, 1, '/x', 1, '" ZEROS "', 'image/png', 1,"
					  " '" ZEROS "', '" ZEROS "')",
					  NULL, NULL, &msg),
			     SQLITE_OK);
	assert_non_null(strstr(msg, "not the next link"));
	sqlite3_free(msg);
	msg = NULL;
	assert_int_not_equal(sqlite3_exec(db,
					  "INSERT INTO evidence(chain_seq, item_id, station_id, path,"
					  " size_bytes, sha256, mime, created_ms, prev_hash, hash)"
					  " SELECT 6, 1, 1, '/x', 1, sha256, mime, 1, hash, hash"
					  " FROM evidence WHERE id = 2",
					  NULL, NULL, &msg),
			     SQLITE_OK);
	sqlite3_free(msg);
	sqlite3_close(db);
	verify(f, ST_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256__fips_180_2_vectors),
		cmocka_unit_test(sha256__file_of_a_million_a),
		cmocka_unit_test_setup_teardown(inspection__round_trip_with_checks_and_defects,
						setup, teardown),
		cmocka_unit_test_setup_teardown(inspection__refuses_what_qc_rules_forbid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(correction__supersedes_and_the_old_record_stays,
						setup, teardown),
		cmocka_unit_test_setup_teardown(inspection_each__since_and_superseded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(evidence__by_item_and_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(item__set_status_and_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(tx__rolled_back_inspection_leaves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(chain__links_inspections_and_evidence_in_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(chain__hash_is_the_documented_serialisation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(chain__edit_is_found_at_the_edited_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(chain__rehashed_edit_breaks_the_next_link, setup,
						teardown),
		cmocka_unit_test_setup_teardown(chain__deletion_and_reordering_are_found, setup,
						teardown),
		cmocka_unit_test_setup_teardown(chain__guard_trigger_refuses_a_bad_link, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
