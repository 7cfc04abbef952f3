/* End to end: QC inspection at the bench (issue 3), through the real
 * qcstation binary in headless mode on a real database with the demo data:
 * the paths an inspector takes, photo evidence, and the audit chain.
 * Rules: QC-01..QC-05. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <zint.h>

#include "common/testdb.h"
#include "proc.h"

struct fx {
	char *dir;
	char db[512];
	json_t *events;   /* every event of the last session, in order */
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

	json_decref(f->events);
	free(f->out);
	free(f->err);
	rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Run one headless session with the demo data; the lines are scans (and
 * "!photo PATH" directives).  Keeps every event in f->events. */
static void session(struct fx *f, const char *lines)
{
	const char *argv[] = { "qcstation", "run", "--headless", "--demo", "--db", f->db, NULL };
	char *line, *save = NULL;

	free(f->out);
	free(f->err);
	assert_int_equal(run(argv, lines, strlen(lines), &f->out, &f->err), 0);
	json_decref(f->events);
	f->events = json_array();
	for (line = strtok_r(f->out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		json_t *ev = json_loads(line, 0, &e);

		if (!ev)
			fail_msg("not JSON: %s", line);
		json_array_append_new(f->events, ev);
	}
}

static const char *s(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* The n-th (0-based) event named name, or NULL. */
static json_t *nth(struct fx *f, const char *name, int n)
{
	size_t i;
	json_t *ev;

	json_array_foreach(f->events, i, ev)
		if (!strcmp(s(ev, "event"), name) && n-- == 0)
			return ev;
	return NULL;
}

static int count(struct fx *f, const char *name)
{
	int n = 0;

	while (nth(f, name, n))
		n++;
	return n;
}

/* A PNG of a Code 128 barcode, as a phone photo of the item's label
 * would show it (libzint). */
static void barcode_png(const char *text, const char *path)
{
	struct zint_symbol *z = ZBarcode_Create();

	assert_non_null(z);
	z->symbology = BARCODE_CODE128;
	z->scale = 2;
	snprintf(z->outfile, sizeof(z->outfile), "%s", path);
	assert_true(ZBarcode_Encode_and_Print(z, (const unsigned char *)text, (int)strlen(text), 0) <
		    ZINT_ERROR);
	ZBarcode_Delete(z);
}

/* QC-02: an item with nothing to measure passes in two scans. */
static void qc__good_item_in_two_scans(void **state)
{
	struct fx *f = *state;
	json_t *in;

	session(f, "BADGE-0001\nSN00001011\nCMD-PASS-ALL\n");
	in = nth(f, "inspection", 0);
	assert_non_null(in);
	assert_string_equal(s(in, "result"), "pass");
	assert_true(json_is_null(json_object_get(in, "disposition")));
	assert_string_equal(s(json_object_get(in, "item"), "serial"), "SN00001011");
	assert_string_equal(s(in, "category"), "earrings");
	assert_int_equal(json_integer_value(json_object_get(in, "checklist_version")), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection WHERE result = 'pass'"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM item WHERE serial = 'SN00001011' AND "
				   "status = 'passed'"), 1);
	/* QC-05: named inspector; an outbox event in the same transaction. */
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection i JOIN operator o ON "
				   "o.id = i.operator_id WHERE o.badge = 'BADGE-0001'"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM outbox WHERE type = 'inspection'"), 1);
}

/* The item may be scanned by its order-line label, "ORD-100231/2". */
static void qc__order_line_label_opens_the_inspection(void **state)
{
	struct fx *f = *state;
	json_t *ev;

	session(f, "BADGE-0001\nORD-100237/3\nCMD-PASS-ALL\nORD-100231/9\n");
	ev = nth(f, "inspection", 0);
	assert_non_null(ev);
	assert_string_equal(s(json_object_get(ev, "item"), "serial"), "SN00001011");
	ev = nth(f, "error", 0);
	assert_non_null(ev);
	assert_string_equal(s(ev, "code"), "unknown_item");
	assert_non_null(strstr(s(ev, "message"), "ORD-100231 line 9"));
}

/* QC-02: engraving against the order, exactly; the failure shows both. */
static void qc__failed_engraving_shows_ordered_and_found(void **state)
{
	struct fx *f = *state;
	json_t *chk = NULL, *in, *c;
	size_t i;
	int k = 0;

	session(f, "BADGE-0001\nSN00001001\n6.5\nForever & Alwys\nDEF-ENGRAVING-MISMATCH\n"
		   "CMD-REWORK\n");
	while ((c = nth(f, "check", k++)))
		if (!strcmp(s(c, "check"), "engraving") && !strcmp(s(c, "code"), "text_mismatch"))
			chk = c;
	assert_non_null(chk);
	assert_string_equal(s(chk, "result"), "fail");
	assert_non_null(strstr(s(chk, "message"), "ordered \"Forever & Always\""));
	assert_non_null(strstr(s(chk, "message"), "found \"Forever & Alwys\""));
	assert_non_null(strstr(s(chk, "message"), "character 14"));

	in = nth(f, "inspection", 0);
	assert_string_equal(s(in, "result"), "fail");
	assert_string_equal(s(in, "disposition"), "rework");
	assert_string_equal(s(json_array_get(json_object_get(in, "defects"), 0), "code"),
			    "ENGRAVING-MISMATCH");
	json_array_foreach(json_object_get(in, "checks"), i, c)
		if (!strcmp(s(c, "id"), "engraving")) {
			assert_string_equal(s(c, "expected"), "Forever & Always");
			assert_string_equal(s(c, "found"), "Forever & Alwys");
		}
	/* Stored as found, for the audit trail. */
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM check_result WHERE check_id = 'engraving' "
				   "AND outcome = 'fail' AND expected = 'Forever & Always' AND "
				   "found = 'Forever & Alwys'"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM item WHERE serial = 'SN00001001' AND "
				   "status = 'rework'"), 1);
}

/* QC-03: a reworked item is re-inspected and passes. */
static void qc__rework_then_pass(void **state)
{
	struct fx *f = *state;
	json_t *second;

	session(f, "BADGE-0001\nSN00001099\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-REWORK\n"
		   "SN00001099\nCMD-PASS-ALL\n");
	assert_int_equal(count(f, "inspection"), 2);
	assert_string_equal(s(nth(f, "inspection", 0), "disposition"), "rework");
	second = nth(f, "inspection", 1);
	assert_string_equal(s(second, "result"), "pass");
	assert_true(json_is_true(json_object_get(second, "reinspection")));
	assert_int_equal(json_integer_value(json_object_get(second, "rework_count")), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT status = 'passed' FROM item WHERE serial = 'SN00001099'"),
			 1);
}

/* QC-03: failing the re-inspection escalates to hold, whatever was asked. */
static void qc__rework_then_fail_is_hold(void **state)
{
	struct fx *f = *state;
	json_t *second;

	session(f, "BADGE-0001\nSN00001099\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-REWORK\n"
		   "SN00001099\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-REWORK\nCMD-DONE\n");
	second = nth(f, "inspection", 1);
	assert_non_null(second);
	assert_string_equal(s(second, "result"), "fail");
	assert_string_equal(s(second, "disposition"), "hold");
	assert_true(json_is_true(json_object_get(second, "escalated")));
	/* REWORK was refused on the failed re-inspection. */
	assert_non_null(nth(f, "error", 0));
	assert_int_equal(qc_db_int(f->db, "SELECT status = 'hold' FROM item WHERE serial = 'SN00001099'"), 1);
}

/* QC-05: a correction is a new record that supersedes; the old one stays. */
static void qc__correction_supersedes(void **state)
{
	struct fx *f = *state;
	json_t *corr;

	session(f, "BADGE-0001\nSN00001011\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-HOLD\n"
		   "CMD-CORRECT\nSN00001011\nCMD-PASS-ALL\n");
	assert_int_equal(count(f, "inspection"), 2);
	corr = nth(f, "inspection", 1);
	assert_string_equal(s(corr, "result"), "pass");
	assert_int_equal(json_integer_value(json_object_get(corr, "supersedes")),
			 json_integer_value(json_object_get(nth(f, "inspection", 0), "inspection_id")));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection"), 2);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection WHERE result = 'fail' AND "
				   "disposition = 'hold'"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT status = 'passed' FROM item WHERE serial = 'SN00001011'"),
			 1);
}

/* QC-04: a photo attaches to the item whose barcode it shows; a photo of
 * another item is refused and not stored. */
static void qc__photos_linked_by_barcode(void **state)
{
	struct fx *f = *state;
	char good[600], wrong[600], lines[2048];
	json_t *ev, *in;

	snprintf(good, sizeof(good), "%s/IMG_0001.png", f->dir);
	snprintf(wrong, sizeof(wrong), "%s/IMG_0002.png", f->dir);
	barcode_png("SN00001001", good);
	barcode_png("SN00001002", wrong);
	snprintf(lines, sizeof(lines),
		 "BADGE-0001\nSN00001001\n6.5\nForever & Always\n!photo %s\n!photo %s\n"
		 "CMD-PASS-ALL\n",
		 wrong, good);
	session(f, lines);

	ev = nth(f, "error", 0);
	assert_non_null(ev);
	assert_string_equal(s(ev, "code"), "photo_wrong_item");
	assert_non_null(strstr(s(ev, "message"), "SN00001002"));
	assert_non_null(strstr(s(ev, "message"), "SN00001001"));

	ev = nth(f, "evidence", 0);
	assert_non_null(ev);
	assert_int_equal(count(f, "evidence"), 1);
	assert_string_equal(s(ev, "serial"), "SN00001001");
	assert_string_equal(s(ev, "path"), good);
	assert_int_equal(strlen(s(ev, "sha256")), 64);

	/* The photo answered the personalization photo check; the ring passed. */
	in = nth(f, "inspection", 0);
	assert_string_equal(s(in, "result"), "pass");
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM evidence e JOIN item i ON i.id = e.item_id "
				   "WHERE i.serial = 'SN00001001'"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM evidence WHERE path LIKE '%IMG_0002%'"), 0);
}

/* The audit chain: intact after real inspections and photos; an edited
 * row is found, named, and the exit status says so. */
static void qc__audit_verify_finds_an_edited_row(void **state)
{
	struct fx *f = *state;
	const char *verify[] = { "qcstation", "audit", "verify", "--json", "--db", f->db, NULL };
	char photo[600], lines[1024];
	json_error_t e;
	json_t *rep;
	sqlite3 *h;

	snprintf(photo, sizeof(photo), "%s/ring.png", f->dir);
	barcode_png("SN00001001", photo);
	snprintf(lines, sizeof(lines),
		 "BADGE-0001\nSN00001011\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-HOLD\nSN00001001\n6.5\n"
		 "Forever & Always\n!photo %s\nCMD-PASS-ALL\n",
		 photo);
	session(f, lines);
	free(f->out);
	free(f->err);
	assert_int_equal(run(verify, NULL, 0, &f->out, &f->err), 0);
	rep = json_loads(f->out, JSON_DISABLE_EOF_CHECK, &e);
	assert_non_null(rep);
	json_decref(rep);

	/* Someone with the file rewrites a failed check as passed. */
	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "DROP TRIGGER inspection_no_update; "
					 "UPDATE inspection SET result = 'pass', disposition = NULL "
					 "WHERE id = 1;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	free(f->out);
	free(f->err);
	assert_int_equal(run(verify, NULL, 0, &f->out, &f->err), 1);
	assert_non_null(strstr(f->out, "inspection"));
	assert_non_null(strstr(f->out, "edited"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(qc__good_item_in_two_scans, setup, teardown),
		cmocka_unit_test_setup_teardown(qc__order_line_label_opens_the_inspection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(qc__failed_engraving_shows_ordered_and_found, setup,
						teardown),
		cmocka_unit_test_setup_teardown(qc__rework_then_pass, setup, teardown),
		cmocka_unit_test_setup_teardown(qc__rework_then_fail_is_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(qc__correction_supersedes, setup, teardown),
		cmocka_unit_test_setup_teardown(qc__photos_linked_by_barcode, setup, teardown),
		cmocka_unit_test_setup_teardown(qc__audit_verify_finds_an_edited_row, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
