/* End to end: the item QC tag comes out of the bench printer when the
 * inspector finishes ([printer] qc_tag), through the real qcstation binary
 * in headless mode with the demo data and the demo printer, the folder
 * dir:<data_dir>/labels.  The tag is the same ZPL "qcstation label render
 * item-qc-tag" makes for the same data; pass / all / no decide which
 * inspections get one (QC-02, QC-03).  Waits poll with deadlines. */
#include <dirent.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>

#include "common/testdb.h"
#include "proc.h"

#define WAIT_MS 15000

struct fx {
	char *dir;
	char ini[512], db[512], labels[512];
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tmpdir_new();
	snprintf(f->ini, sizeof(f->ini), "%s/station.ini", f->dir);
	snprintf(f->db, sizeof(f->db), "%s/station.db", f->dir);
	snprintf(f->labels, sizeof(f->labels), "%s/labels", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void configure(struct fx *f, const char *qc_tag)
{
	FILE *o = fopen(f->ini, "w");

	assert_non_null(o);
	fprintf(o, "[station]\ndata_dir = %s\n[devices]\nusb = off\n[printer]\nqc_tag = %s\n",
		f->dir, qc_tag);
	fclose(o);
}

static const char *s(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* The .zpl files in the labels folder: how many; the last one's path in
 * path[cap] (when any). */
static int zpl_files(struct fx *f, char *path, size_t cap)
{
	DIR *d = opendir(f->labels);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".zpl")) {
			n++;
			if (path)
				snprintf(path, cap, "%s/%s", f->labels, e->d_name);
		}
	}
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	FILE *in = fopen(path, "rb");
	char *b;
	size_t n;

	assert_non_null(in);
	b = calloc(1, 1 << 16);
	assert_non_null(b);
	n = fread(b, 1, (1 << 16) - 1, in);
	fclose(in);
	b[n] = '\0';
	return b;
}

/* One headless station: the scans, then wait for n_insp "inspection"
 * events; with want_print, also for the queue's "print" event with state
 * done (the tag went to the printer while the station runs).  Returns the
 * "print" event the app emitted when it queued the tag (or NULL);
 * the caller decrefs it. */
static json_t *station(struct fx *f, const char *scans, int n_insp, bool want_print)
{
	const char *argv[] = { "qcstation", "--config", f->ini, "run", "--headless", "--demo",
			       "--db", f->db, NULL };
	struct proc *p = calloc(1, sizeof(*p));
	json_t *queued = NULL, *ev;
	long long end = mono_ms() + WAIT_MS;
	bool done = false;
	int insp = 0;

	assert_non_null(p);
	proc_start(p, argv);
	proc_write(p, scans, strlen(scans));
	while ((insp < n_insp || (want_print && !done)) && mono_ms() < end) {
		ev = proc_event(p, (int)(end - mono_ms()));
		if (!ev)
			break;
		if (!strcmp(s(ev, "event"), "inspection"))
			insp++;
		if (!strcmp(s(ev, "event"), "print") && !strcmp(s(ev, "state"), "queued")) {
			json_decref(queued);
			queued = json_incref(ev);
		}
		if (!strcmp(s(ev, "event"), "print") && !strcmp(s(ev, "state"), "done"))
			done = true;
		json_decref(ev);
	}
	proc_close_in(p);
	while ((ev = proc_event(p, WAIT_MS)) != NULL) {
		if (!strcmp(s(ev, "event"), "print") && !strcmp(s(ev, "state"), "queued")) {
			json_decref(queued);
			queued = json_incref(ev);
		}
		json_decref(ev);
	}
	assert_int_equal(proc_wait(p), 0);
	free(p);
	assert_int_equal(insp, n_insp);
	if (want_print)
		assert_true(done);
	return queued;
}

/* What "qcstation label render item-qc-tag" makes of data (the caller
 * frees). */
static char *render(struct fx *f, const char *data)
{
	char path[600];
	const char *argv[] = { "qcstation", "--config", f->ini, "label", "render", "item-qc-tag",
			       "--data", path, "--format", "zpl", "--dpi", "203", NULL };
	char *out = NULL, *err = NULL;
	FILE *o;

	snprintf(path, sizeof(path), "%s/tag.json", f->dir);
	o = fopen(path, "w");
	assert_non_null(o);
	fputs(data, o);
	fclose(o);
	assert_int_equal(run(argv, NULL, 0, &out, &err), 0);
	free(err);
	return out;
}

/* qc_tag = pass: badge, item, PASS-ALL: one ZPL file for the item in the
 * labels folder, the very bytes "label render" makes for its data. */
static void qctag__pass_prints_the_tag(void **state)
{
	struct fx *f = *state;
	char path[600], data[300], date[16];
	char *zpl, *want;
	const char *at;
	json_t *queued;

	configure(f, "pass");
	queued = station(f, "BADGE-0001\nSN00001011\nCMD-PASS-ALL\n", 1, true);
	assert_non_null(queued);
	assert_string_equal(s(queued, "entity"), "item:SN00001011");
	assert_string_equal(s(queued, "template"), "item-qc-tag");
	json_decref(queued);
	assert_int_equal(zpl_files(f, path, sizeof(path)), 1);
	zpl = slurp(path);
	assert_non_null(strstr(zpl, "^FDSN00001011^FS"));
	assert_non_null(strstr(zpl, "^FDER-STUD-DIA^FS"));
	assert_non_null(strstr(zpl, "^FDPASS^FS"));
	/* The date printed is the inspection's (UTC); the rest as rendered. */
	at = strstr(zpl, "^FDQC ");
	assert_non_null(at);
	snprintf(date, sizeof(date), "%.10s", at + 6);
	snprintf(data, sizeof(data),
		 "{\"serial\": \"SN00001011\", \"sku\": \"ER-STUD-DIA\", \"qc_date\": \"%s\","
		 " \"result\": \"PASS\"}", date);
	{
		char sql[200];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM inspection WHERE "
			 "date(completed_ms / 1000, 'unixepoch') = '%s'", date);
		assert_int_equal(qc_db_int(f->db, sql), 1);
	}
	want = render(f, data);
	assert_string_equal(zpl, want);
	free(want);
	free(zpl);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job WHERE state = 'done' AND "
				   "template = 'item-qc-tag' AND entity = 'item:SN00001011'"), 1);
}

/* qc_tag = pass: a failed inspection prints nothing; all: a HOLD tag. */
static void qctag__failed_by_setting(void **state)
{
	struct fx *f = *state;
	char path[600];
	json_t *queued;
	char *zpl;

	configure(f, "pass");
	queued = station(f, "BADGE-0001\nSN00001011\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-HOLD\n", 1,
			 false);
	assert_null(queued);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 0);
	assert_int_equal(zpl_files(f, NULL, 0), 0);

	configure(f, "all");
	queued = station(f, "BADGE-0001\nSN00001099\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-HOLD\n", 1,
			 true);
	assert_non_null(queued);
	assert_string_equal(s(queued, "result"), "HOLD");
	json_decref(queued);
	assert_int_equal(zpl_files(f, path, sizeof(path)), 1);
	zpl = slurp(path);
	assert_non_null(strstr(zpl, "^FDSN00001099^FS"));
	assert_non_null(strstr(zpl, "^FDHOLD^FS"));
	free(zpl);
}

/* qc_tag = no: nothing is queued, nothing printed. */
static void qctag__no_prints_nothing(void **state)
{
	struct fx *f = *state;

	configure(f, "no");
	assert_null(station(f, "BADGE-0001\nSN00001011\nCMD-PASS-ALL\n", 1, false));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 0);
	assert_int_equal(zpl_files(f, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(qctag__pass_prints_the_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(qctag__failed_by_setting, setup, teardown),
		cmocka_unit_test_setup_teardown(qctag__no_prints_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
