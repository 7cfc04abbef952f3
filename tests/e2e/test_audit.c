/* End to end: "qcstation audit verify" on a real database file.  The
 * records are written with the store API (the QC workflow that writes them
 * at the bench is tested elsewhere), then the binary checks the chain,
 * before and after an attacker edits the file with the triggers dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>

#include "st/err.h"
#include "st/sha256.h"
#include "st/store.h"
#include "proc.h"

struct fx {
	char *dir;
	char db[512];
	char *out, *err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tmpdir_new();
	snprintf(f->db, sizeof(f->db), "%s/station.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_rf(f->dir);
	free(f->dir);
	free(f->out);
	free(f->err);
	free(f);
	return 0;
}

static int qc(struct fx *f, const char *const argv[])
{
	free(f->out);
	free(f->err);
	f->out = f->err = NULL;
	return run(argv, NULL, 0, &f->out, &f->err);
}

/* A ring that failed its engraving check, was reworked and passed, with a
 * photo: inspection 1, evidence 1, inspection 2 (chain positions 1-3). */
static void build_db(struct fx *f)
{
	struct st_store_opts o = { .create = true };
	struct st_operator op = { .badge = "B-100", .name = "Ada", .role = "inspector",
				  .active = true };
	struct st_product p = { .sku = "RING-001", .name = "Solitaire", .category = "ring" };
	struct st_item it = { .serial = "SN-0001", .product.sku = "RING-001" };
	struct st_inspection_rec *r = calloc(1, sizeof(*r));
	struct st_evidence_rec e = { 0 };
	struct st_store *s = NULL;
	char err[512];
	int64_t station = 0, opid = 0, item = 0, insp = 0;

	assert_non_null(r);
	if (st_store_open(f->db, &o, &s, err, sizeof(err)) != ST_OK)
		fail_msg("%s", err);
	assert_int_equal(st_store_station_ensure(s, "ST-01", "Bench 1", &station), ST_OK);
	assert_int_equal(st_store_operator_upsert(s, &op, &opid), ST_OK);
	assert_int_equal(st_store_product_upsert(s, &p, NULL), ST_OK);
	assert_int_equal(st_store_item_upsert(s, &it, &item), ST_OK);

	r->item_id = item;
	r->operator_id = opid;
	r->station_id = station;
	snprintf(r->category, sizeof(r->category), "ring");
	snprintf(r->checklist_version, sizeof(r->checklist_version), "3");
	snprintf(r->result, sizeof(r->result), "fail");
	snprintf(r->disposition, sizeof(r->disposition), "rework");
	r->started_ms = 1700000000000;
	r->completed_ms = 1700000060000;
	r->n_check = 1;
	snprintf(r->check[0].check_id, sizeof(r->check[0].check_id), "engraving");
	snprintf(r->check[0].outcome, sizeof(r->check[0].outcome), "fail");
	snprintf(r->check[0].expected, sizeof(r->check[0].expected), "Love, A.");
	snprintf(r->check[0].found, sizeof(r->check[0].found), "Love, A");
	r->n_defect = 1;
	snprintf(r->defect[0].code, sizeof(r->defect[0].code), "ENGRAVING_TEXT");
	snprintf(r->defect[0].severity, sizeof(r->defect[0].severity), "major");
	assert_int_equal(st_store_begin(s), ST_OK);
	assert_int_equal(st_store_inspection_add(s, r, &insp), ST_OK);
	assert_int_equal(st_store_item_set_status(s, item, "rework"), ST_OK);
	assert_int_equal(st_store_commit(s), ST_OK);

	e.item_id = item;
	e.inspection_id = insp;
	e.operator_id = opid;
	e.station_id = station;
	snprintf(e.path, sizeof(e.path), "%s/photo-1.jpg", f->dir);
	assert_int_equal(st_sha256_hex("jpeg bytes", 10, e.sha256), ST_OK);
	e.size_bytes = 10;
	snprintf(e.mime, sizeof(e.mime), "image/jpeg");
	e.created_ms = 1700000070000;
	assert_int_equal(st_store_evidence_add(s, &e, NULL), ST_OK);

	snprintf(r->result, sizeof(r->result), "pass");
	r->disposition[0] = '\0';
	r->rework_count = 1;
	r->n_defect = 0;
	snprintf(r->check[0].outcome, sizeof(r->check[0].outcome), "pass");
	snprintf(r->check[0].found, sizeof(r->check[0].found), "Love, A.");
	assert_int_equal(st_store_inspection_add(s, r, NULL), ST_OK);
	st_store_close(s);
	free(r);
}

static void tamper(struct fx *f, const char *sql)
{
	sqlite3 *h = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
	sqlite3_close(h);
}

static void audit_verify__intact_then_edited(void **state)
{
	struct fx *f = *state;
	const char *json[] = { "qcstation", "audit", "verify", "--json", "--db", f->db, NULL };
	const char *text[] = { "qcstation", "--db", f->db, "audit", "verify", NULL };
	json_t *o, *first;

	build_db(f);
	assert_int_equal(qc(f, json), 0);
	o = json_loads(f->out, 0, NULL);
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "ok")));
	assert_int_equal(json_integer_value(json_object_get(o, "records")), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "inspections")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "evidence")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "head"), "seq")), 3);
	assert_null(json_object_get(o, "first"));
	json_decref(o);
	assert_int_equal(qc(f, text), 0);
	assert_non_null(strstr(f->out, "audit chain intact: 3 records"));

	/* The failed engraving check quietly turned into a pass. */
	tamper(f, "DROP TRIGGER check_result_no_update;"
		  "UPDATE check_result SET outcome = 'pass', found = 'Love, A.'"
		  " WHERE inspection_id = 1");
	assert_int_equal(qc(f, json), 1);
	o = json_loads(f->out, 0, NULL);
	assert_non_null(o);
	assert_true(json_is_false(json_object_get(o, "ok")));
	assert_int_equal(json_integer_value(json_object_get(o, "problems")), 1);
	first = json_object_get(o, "first");
	assert_string_equal(json_string_value(json_object_get(first, "problem")), "edited");
	assert_string_equal(json_string_value(json_object_get(first, "table")), "inspection");
	assert_int_equal(json_integer_value(json_object_get(first, "id")), 1);
	assert_int_equal(json_integer_value(json_object_get(first, "seq")), 1);
	json_decref(o);

	assert_int_equal(qc(f, text), 1);
	assert_non_null(strstr(f->out, "inspection 1: hash does not match its contents (edited after "
					"it was written)"));
	assert_non_null(strstr(f->out, "audit chain broken"));
}

static void audit_verify__deleted_photo_record(void **state)
{
	struct fx *f = *state;
	const char *text[] = { "qcstation", "audit", "verify", "--db", f->db, NULL };

	build_db(f);
	tamper(f, "DROP TRIGGER evidence_no_delete; DELETE FROM evidence WHERE id = 1");
	assert_int_equal(qc(f, text), 1);
	assert_non_null(strstr(f->out, "inspection 2: chain position 2 before it is missing"));
}

static void audit_verify__usage_and_missing_database(void **state)
{
	struct fx *f = *state;
	const char *bad_sub[] = { "qcstation", "audit", "fix", NULL };
	const char *bad_opt[] = { "qcstation", "audit", "verify", "--fast", NULL };
	const char *missing[] = { "qcstation", "audit", "verify", "--db", "/nonexistent/q.db",
				  NULL };
	const char *help[] = { "qcstation", "help", "audit", NULL };

	(void)f;
	assert_int_equal(qc(f, bad_sub), 64);
	assert_non_null(strstr(f->err, "usage: qcstation audit verify"));
	assert_int_equal(qc(f, bad_opt), 64);
	assert_int_equal(qc(f, missing), 66);
	assert_int_equal(qc(f, help), 0);
	assert_non_null(strstr(f->out, "audit verify [--json]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(audit_verify__intact_then_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_verify__deleted_photo_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(audit_verify__usage_and_missing_database, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
