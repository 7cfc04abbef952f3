/* End to end: "qcstation report qc" on a database the real binary built in
 * headless mode with the demo data (issue 3, "Reports"): the figures in
 * JSON, CSV that parses, a window that excludes everything, bad flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proc.h"

struct fx {
	char *dir;
	char db[512];
	char *out, *err;
};

/* The shift: a good item in two scans; an item reworked, then failing its
 * re-inspection (escalated to hold); an item failed then corrected to a
 * pass.  Five inspection records, one superseded. */
static const char shift[] = "BADGE-0001\n"
			    "SN00001011\nCMD-PASS-ALL\n"
			    "SN00001099\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-REWORK\n"
			    "SN00001099\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-FAIL\nDEF-BENT-PRONG\n"
			    "CMD-DONE\n"
			    "SN00001006\nCMD-FAIL\nDEF-POOR-FINISH\nCMD-REWORK\n"
			    "CMD-CORRECT\nSN00001006\nCMD-PASS-ALL\n";

static int group_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *argv[] = { "qcstation", "run", "--headless", "--demo", "--db", NULL, NULL };
	char *out = NULL, *err = NULL;
	int rc;

	if (!f)
		return -1;
	f->dir = tmpdir_new();
	snprintf(f->db, sizeof(f->db), "%s/station.db", f->dir);
	argv[5] = f->db;
	rc = run(argv, shift, strlen(shift), &out, &err);
	/* Five inspections were stored. */
	if (rc != 0 || !strstr(out, "\"inspection_id\":5"))
		fprintf(stderr, "the shift failed (%d): %s\n", rc, err);
	free(out);
	free(err);
	*state = f;
	return rc;
}

static int group_teardown(void **state)
{
	struct fx *f = *state;

	free(f->out);
	free(f->err);
	rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Run "qcstation report qc ARGS... --db DB"; returns the exit status. */
static int report(struct fx *f, const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *argv[] = { "qcstation", "report", "qc", "--db", f->db, a1, a2, a3, a4, NULL };

	free(f->out);
	free(f->err);
	f->out = f->err = NULL;
	return run(argv, "", 0, &f->out, &f->err);
}

static json_t *report_json(struct fx *f, const char *a1, const char *a2)
{
	json_error_t e;
	json_t *o;

	assert_int_equal(report(f, "--format", "json", a1, a2), 0);
	o = json_loads(f->out, 0, &e);
	if (!o)
		fail_msg("not JSON (%s): %s", e.text, f->out);
	return o;
}

static json_int_t geti(json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	o = json_object_get(o, path);
	if (!json_is_integer(o))
		fail_msg("%s is not an integer", path);
	return json_integer_value(o);
}

static const char *gets_(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static void report__json_figures(void **state)
{
	struct fx *f = *state;
	json_t *o = report_json(f, NULL, NULL), *y, *row, *d, *in, *h;
	json_int_t hours;

	y = json_object_get(o, "first_pass_yield");
	/* 3 items: SN00001011 passed; SN00001099 reworked (a first-pass
	 * failure); SN00001006 failed, corrected to a pass. */
	assert_int_equal(geti(y, "all.first"), 3);
	assert_int_equal(geti(y, "all.passed"), 2);
	assert_int_equal(geti(y, "all.failed"), 1);
	assert_int_equal(geti(y, "all.corrected"), 1);
	assert_int_equal(geti(y, "all.yield_bp"), 6667);
	assert_int_equal(json_array_size(json_object_get(y, "by_category")), 1);
	row = json_array_get(json_object_get(y, "by_category"), 0);
	assert_string_equal(gets_(row, "category"), "earrings");
	assert_int_equal(geti(row, "first"), 3);
	assert_int_equal(json_array_size(json_object_get(y, "by_sku")), 2);
	row = json_array_get(json_object_get(y, "by_sku"), 0);
	assert_string_equal(gets_(row, "sku"), "ER-HOOP-GLD");
	assert_int_equal(geti(row, "passed"), 1);
	assert_int_equal(geti(row, "corrected"), 1);
	row = json_array_get(json_object_get(y, "by_sku"), 1);
	assert_string_equal(gets_(row, "sku"), "ER-STUD-DIA");
	assert_int_equal(geti(row, "first"), 2);
	assert_int_equal(geti(row, "yield_bp"), 5000);

	/* Pareto: the superseded POOR-FINISH does not count. */
	d = json_object_get(o, "defects");
	assert_int_equal(geti(d, "total"), 3);
	assert_int_equal(json_array_size(json_object_get(d, "codes")), 2);
	row = json_array_get(json_object_get(d, "codes"), 0);
	assert_string_equal(gets_(row, "code"), "LOOSE-STONE");
	assert_string_equal(gets_(row, "severity"), "major");
	assert_int_equal(geti(row, "count"), 2);
	assert_int_equal(geti(row, "share_bp"), 6667);
	assert_int_equal(geti(row, "cumulative_bp"), 6667);
	row = json_array_get(json_object_get(d, "codes"), 1);
	assert_string_equal(gets_(row, "code"), "BENT-PRONG");
	assert_int_equal(geti(row, "cumulative_bp"), 10000);

	/* Every record is work at the bench, the superseded one too. */
	in = json_object_get(o, "inspectors");
	assert_true(json_is_true(json_object_get(in, "hours_complete")));
	assert_int_equal(json_array_size(json_object_get(in, "by_badge")), 1);
	row = json_array_get(json_object_get(in, "by_badge"), 0);
	assert_string_equal(gets_(row, "badge"), "BADGE-0001");
	assert_int_equal(geti(row, "inspections"), 5);
	hours = geti(row, "active_hours"); /* 2 when the shift crossed an hour */
	assert_true(hours == 1 || hours == 2);
	assert_int_equal(geti(row, "per_hour_x100"), hours == 1 ? 500 : 250);

	h = json_object_get(o, "holds");
	assert_int_equal(geti(h, "total"), 1);
	row = json_array_get(json_object_get(h, "items"), 0);
	assert_string_equal(gets_(row, "serial"), "SN00001099");
	assert_string_equal(gets_(row, "sku"), "ER-STUD-DIA");
	assert_true(json_is_string(json_object_get(row, "since")));
	assert_int_equal(json_array_size(json_object_get(row, "defects")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(row, "defects"), 0)),
			    "LOOSE-STONE");
	assert_string_equal(json_string_value(json_array_get(json_object_get(row, "defects"), 1)),
			    "BENT-PRONG");
	json_decref(o);
}

/* Fields of one CSV record (no quoted fields in this data); NULL at the end. */
static int csv_fields(char *line, char **field, int max)
{
	int n = 0;

	field[n++] = line;
	for (char *p = line; *p; p++)
		if (*p == ',') {
			*p = '\0';
			if (n < max)
				field[n++] = p + 1;
		}
	return n;
}

static void report__csv_parses(void **state)
{
	struct fx *f = *state;
	char *field[32], *line, *next;
	int cols = 0, rows = 0, holds = 0, defects = 0;

	assert_int_equal(report(f, "--format=csv", NULL, NULL, NULL), 0);
	assert_null(strchr(f->out, '"')); /* nothing here needs quoting */
	for (line = f->out; *line; line = next) {
		char *crlf = strstr(line, "\r\n");
		int n;

		assert_non_null(crlf); /* every record ends with CRLF */
		*crlf = '\0';
		next = crlf + 2;
		n = csv_fields(line, field, 32);
		if (!cols) {
			cols = n;
			assert_string_equal(field[0], "section");
			continue;
		}
		assert_int_equal(n, cols);
		rows++;
		if (!strcmp(field[0], "hold")) {
			holds++;
			assert_string_equal(field[6], "SN00001099");
			assert_string_equal(field[cols - 1], "LOOSE-STONE BENT-PRONG");
		}
		if (!strcmp(field[0], "defect"))
			defects++;
	}
	/* yield_all, 1 category, 2 SKUs, 2 codes, 1 inspector, 1 hold */
	assert_int_equal(rows, 8);
	assert_int_equal(holds, 1);
	assert_int_equal(defects, 2);
}

static void report__window_excluding_everything_is_empty(void **state)
{
	struct fx *f = *state;
	json_t *o = report_json(f, "--since", "2999-01-01"), *y;

	assert_string_equal(gets_(o, "since"), "2999-01-01T00:00:00.000Z");
	y = json_object_get(o, "first_pass_yield");
	assert_int_equal(geti(y, "all.first"), 0);
	assert_int_equal(geti(y, "all.yield_bp"), 0);
	assert_int_equal(json_array_size(json_object_get(y, "by_category")), 0);
	assert_int_equal(json_array_size(json_object_get(y, "by_sku")), 0);
	assert_int_equal(geti(o, "defects.total"), 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "defects"), "codes")), 0);
	assert_int_equal(
		json_array_size(json_object_get(json_object_get(o, "inspectors"), "by_badge")), 0);
	assert_int_equal(geti(o, "holds.total"), 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(o, "holds"), "items")), 0);
	json_decref(o);

	/* And before the shift, with an RFC 3339 end. */
	o = report_json(f, "--until", "2000-01-01T00:00:00+01:00");
	assert_string_equal(gets_(o, "until"), "1999-12-31T23:00:00.000Z");
	assert_int_equal(geti(o, "first_pass_yield.all.first"), 0);
	assert_int_equal(geti(o, "holds.total"), 0);
	json_decref(o);

	/* Text says so too. */
	assert_int_equal(report(f, "--since", "2999-01-01", NULL, NULL), 0);
	assert_non_null(strstr(f->out, "Items on hold: 0\n  (none)\n"));
}

static void report__bad_flags_exit_64(void **state)
{
	static const struct {
		const char *a1, *a2, *msg;
	} t[] = {
		{ "--since", "yesterday", "--since: 'yesterday' is not a date" },
		{ "--until", "2026-02-30", "--until: '2026-02-30' is not a date" },
		{ "--format", "xml", "--format: 'xml' is not text, csv or json" },
		{ "--since", NULL, "option '--since' needs a value" },
		{ "--bogus", NULL, "unexpected argument '--bogus'" },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(report(f, t[i].a1, t[i].a2, NULL, NULL), 64);
		if (!strstr(f->err, t[i].msg))
			fail_msg("%s %s: %s", t[i].a1, t[i].a2 ? t[i].a2 : "", f->err);
		assert_string_equal(f->out, "");
	}
	assert_int_equal(report(f, "--since", "2026-03-15", "--until", "2026-03-14"), 64);
	assert_non_null(strstr(f->err, "--since must be before --until"));
}

static void report__missing_database_exit_66(void **state)
{
	struct fx *f = *state;
	const char *argv[] = { "qcstation", "report", "qc", "--db", NULL, NULL };
	char path[600];

	snprintf(path, sizeof(path), "%s/nothing-here.db", f->dir);
	argv[4] = path;
	free(f->out);
	free(f->err);
	assert_int_equal(run(argv, "", 0, &f->out, &f->err), 66);
	assert_non_null(strstr(f->err, "nothing-here.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report__json_figures),
		cmocka_unit_test(report__csv_parses),
		cmocka_unit_test(report__window_excluding_everything_is_empty),
		cmocka_unit_test(report__bad_flags_exit_64),
		cmocka_unit_test(report__missing_database_exit_66),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
