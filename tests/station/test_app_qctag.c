/* The item QC tag the station queues itself ([printer] qc_tag): st_app
 * with a real SQLite file, a fake clock and the events captured.  The tag's
 * label job belongs to the inspection's transaction: a job the store
 * refuses rolls the inspection back (and says so); data the template
 * refuses leaves the inspection recorded with a "print" event saying no
 * tag was queued.  docs/printing.md; rules QC-02, QC-05. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "st/app.h"
#include "st/err.h"
#include "st/import.h"
#include "st/store_print.h"
#include "common/testdb.h"
#include "common/testutil.h"

#define LONG_SKU "ER-STUD-DIA-0.25CT-WHITE-GOLD-14K" /* 33: the tag takes 24 */

struct fx {
	char dir[64], db[128];
	struct st_config cfg;
	struct st_store *store;
	struct st_app *app;
	int64_t now;
	json_t *events; /* the events of the last scan */
	struct st_log log;
	char logged[4096];
};

static void log_sink(int level, const char *msg, void *ud)
{
	struct fx *f = ud;
	size_t n = strlen(f->logged);

	snprintf(f->logged + n, sizeof(f->logged) - n, "%s: %s\n", st_log_level_name(level), msg);
}

static int64_t fake_now(void *ud)
{
	return ((struct fx *)ud)->now;
}

static void capture(json_t *ev, void *ud)
{
	json_array_append(((struct fx *)ud)->events, ev);
}

static void start(struct fx *f, enum st_qc_tag tag)
{
	struct st_app_opts o = { .cfg = &f->cfg, .store = f->store, .now_ms = fake_now,
				 .clock_ud = f, .emit = capture, .emit_ud = f, .log = &f->log };

	f->cfg.printer.qc_tag = tag;
	assert_int_equal(st_app_new(&o, &f->app), ST_OK);
}

static int setup(void **state)
{
	static const char doc[] =
		"{\"format\": \"qcstation-import\", \"version\": 1,"
		" \"operators\": [{\"badge\": \"BADGE-0001\", \"name\": \"Ana Ruiz\","
		" \"role\": \"inspector\"}],"
		" \"products\": [{\"sku\": \"ER-STUD-DIA\", \"name\": \"Diamond studs\","
		" \"category\": \"earrings\"}, {\"sku\": \"" LONG_SKU "\","
		" \"name\": \"Diamond studs, long SKU\", \"category\": \"earrings\"}],"
		" \"orders\": [{\"number\": \"ORD-7\", \"customer\": {\"name\": \"M L\","
		" \"email\": \"m@example.com\"}, \"placed_at\": \"2025-11-20T14:03:00Z\","
		" \"ship_country\": \"US\", \"lines\": [{\"line_no\": 1, \"sku\": \"ER-STUD-DIA\","
		" \"quantity\": 1, \"options\": {\"size\": \"7\"}}]}],"
		" \"items\": [{\"serial\": \"SN00000001\", \"sku\": \"ER-STUD-DIA\","
		" \"order\": \"ORD-7\", \"line_no\": 1},"
		" {\"serial\": \"SN00000002\", \"sku\": \"ER-STUD-DIA\"},"
		" {\"serial\": \"SN00000003\", \"sku\": \"" LONG_SKU "\"}]}";
	struct fx *f = calloc(1, sizeof(*f));
	struct st_store_opts so = { .create = true };
	struct st_import_stats stats;
	char err[512];

	assert_int_equal(qc_tmpdir_make(f->dir, sizeof(f->dir), "qctag"), 0);
	snprintf(f->db, sizeof(f->db), "%s/s.db", f->dir);
	st_config_defaults(&f->cfg);
	snprintf(f->cfg.data_dir, sizeof(f->cfg.data_dir), "%s", f->dir);
	assert_int_equal(st_store_open(f->db, &so, &f->store, err, sizeof(err)), ST_OK);
	if (st_import_json(f->store, doc, sizeof(doc) - 1, "t", &stats, err, sizeof(err)) != ST_OK)
		fail_msg("import: %s", err);
	f->events = json_array();
	f->now = 1764183600000; /* 2025-11-26T19:00:00Z */
	f->log = (struct st_log){ .level = LOG_INFO, .fn = log_sink, .ud = f };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	st_app_free(f->app);
	st_store_close(f->store);
	json_decref(f->events);
	qc_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Scan each line of codes in turn; f->events keeps the last scan's. */
static void scans(struct fx *f, const char *codes)
{
	char buf[256];
	char *line, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", codes);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_array_clear(f->events);
		f->now += 1000;
		st_app_scan(f->app, (const uint8_t *)line, strlen(line), false, "test");
	}
}

/* The first event named name of the last scan, or NULL. */
static json_t *event(struct fx *f, const char *name)
{
	size_t i;
	json_t *ev;

	json_array_foreach(f->events, i, ev)
		if (!strcmp(json_string_value(json_object_get(ev, "event")), name))
			return ev;
	return NULL;
}

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* The payload of job id, NUL-terminated (the caller frees). */
static char *payload(struct fx *f, int64_t id)
{
	uint8_t *b = NULL;
	size_t n = 0;
	char *s;

	assert_int_equal(st_store_label_job_payload(f->store, id, &b, &n), ST_OK);
	s = malloc(n + 1);
	assert_non_null(s);
	memcpy(s, b, n);
	s[n] = '\0';
	free(b);
	return s;
}

/* QC-02 pass with qc_tag = pass: one ZPL job for the item, in the same
 * commit as the inspection, with serial, SKU, the order line's size, the
 * completion date (UTC) and PASS; a "print" event says it was queued. */
static void qctag__pass_queues_one_tag(void **state)
{
	struct fx *f = *state;
	struct st_label_job j;
	json_t *ev;
	char *zpl;

	start(f, ST_QC_TAG_PASS);
	scans(f, "BADGE-0001\nSN00000001\nCMD-PASS-ALL");
	assert_non_null(event(f, "inspection"));
	ev = event(f, "print");
	assert_non_null(ev);
	assert_string_equal(str(ev, "state"), "queued");
	assert_string_equal(str(ev, "template"), "item-qc-tag");
	assert_string_equal(str(ev, "entity"), "item:SN00000001");
	assert_string_equal(str(ev, "result"), "PASS");
	assert_int_equal(json_integer_value(json_object_get(ev, "inspection_id")),
			 qc_db_int(f->db, "SELECT id FROM inspection"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 1);
	assert_int_equal(st_store_label_job_get(f->store,
						json_integer_value(json_object_get(ev, "job")), &j),
			 ST_OK);
	assert_string_equal(j.template_name, "item-qc-tag");
	assert_string_equal(j.format, "zpl");
	assert_string_equal(j.printer, "label");
	zpl = payload(f, j.id);
	assert_non_null(strstr(zpl, "^FDSN00000001^FS"));
	assert_non_null(strstr(zpl, "^FDER-STUD-DIA^FS"));
	assert_non_null(strstr(zpl, "^FDSize 7^FS"));
	assert_non_null(strstr(zpl, "^FDQC 2025-11-26^FS"));
	assert_non_null(strstr(zpl, "^FDPASS^FS"));
	free(zpl);

	/* An item with no order line: the size stays empty. */
	scans(f, "SN00000002\nCMD-PASS-ALL");
	ev = event(f, "print");
	assert_non_null(ev);
	zpl = payload(f, json_integer_value(json_object_get(ev, "job")));
	assert_non_null(strstr(zpl, "^FDSN00000002^FS"));
	assert_null(strstr(zpl, "Size 7"));
	free(zpl);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 2);
}

/* qc_tag = pass: a failed inspection gets none; all: FAIL or HOLD. */
static void qctag__failed_inspections_by_setting(void **state)
{
	struct fx *f = *state;
	json_t *ev;
	char *zpl;

	start(f, ST_QC_TAG_PASS);
	scans(f, "BADGE-0001\nSN00000001\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-HOLD");
	assert_non_null(event(f, "inspection"));
	assert_null(event(f, "print"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 0);
	st_app_free(f->app);
	f->app = NULL;

	start(f, ST_QC_TAG_ALL);
	scans(f, "BADGE-0001\nSN00000002\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-HOLD");
	ev = event(f, "print");
	assert_non_null(ev);
	assert_string_equal(str(ev, "result"), "HOLD");
	zpl = payload(f, json_integer_value(json_object_get(ev, "job")));
	assert_non_null(strstr(zpl, "^FDHOLD^FS"));
	free(zpl);
	scans(f, "SN00000001\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-REWORK");
	ev = event(f, "print");
	assert_non_null(ev);
	assert_string_equal(str(ev, "result"), "FAIL");
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 2);
	st_app_free(f->app);
	f->app = NULL;

	start(f, ST_QC_TAG_NO);
	scans(f, "BADGE-0001\nSN00000001\nCMD-PASS-ALL");
	assert_non_null(event(f, "inspection"));
	assert_null(event(f, "print"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 2);
}

/* QC-05: a correction is a new inspection, and gets a new tag. */
static void qctag__correction_gets_a_new_tag(void **state)
{
	struct fx *f = *state;

	start(f, ST_QC_TAG_ALL);
	scans(f, "BADGE-0001\nSN00000001\nCMD-FAIL\nDEF-LOOSE-STONE\nCMD-HOLD\n"
		 "CMD-CORRECT\nSN00000001\nCMD-PASS-ALL");
	assert_non_null(event(f, "print"));
	assert_string_equal(str(event(f, "print"), "result"), "PASS");
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection"), 2);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job WHERE entity = 'item:SN00000001'"),
			 2);
}

/* The tag's job and the inspection are one transaction: when the store
 * refuses the job, the inspection is not recorded either, the item keeps
 * its status, and the error says why. */
static void qctag__refused_job_rolls_the_inspection_back(void **state)
{
	struct fx *f = *state;
	json_t *err;

	start(f, ST_QC_TAG_PASS);
	scans(f, "BADGE-0001\nSN00000001");
	qc_db_exec(f->db, "CREATE TRIGGER no_jobs BEFORE INSERT ON label_job "
		    "BEGIN SELECT RAISE(ABORT, 'label jobs refused by the test'); END;");
	scans(f, "CMD-PASS-ALL");
	assert_null(event(f, "inspection"));
	assert_null(event(f, "print"));
	err = event(f, "error");
	assert_non_null(err);
	assert_string_equal(str(err, "code"), "store_failed");
	assert_non_null(strstr(str(err, "message"), "label jobs refused by the test"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection"), 0);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM outbox WHERE type = 'inspection'"), 0);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM item WHERE serial = 'SN00000001' AND "
				  "status = 'passed'"), 0);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 0);

	/* The inspection is still open: once the store takes jobs, the same
	 * answer records both. */
	qc_db_exec(f->db, "DROP TRIGGER no_jobs");
	scans(f, "CMD-PASS-ALL");
	assert_non_null(event(f, "inspection"));
	assert_non_null(event(f, "print"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 1);
}

/* Data the template cannot take (a SKU longer than the tag's 24
 * characters) never blocks the inspection: it is recorded, no job is
 * queued, and a "print" event and a warning say why. */
static void qctag__unrenderable_tag_is_reported_not_blocking(void **state)
{
	struct fx *f = *state;
	json_t *ev;

	start(f, ST_QC_TAG_PASS);
	scans(f, "BADGE-0001\nSN00000003\nCMD-PASS-ALL");
	assert_non_null(event(f, "inspection"));
	ev = event(f, "print");
	assert_non_null(ev);
	assert_string_equal(str(ev, "state"), "not_queued");
	assert_true(json_is_null(json_object_get(ev, "job")));
	assert_non_null(strstr(str(ev, "error"), "sku"));
	assert_non_null(strstr(f->logged, "warning: inspection 1 of SN00000003: no QC tag queued"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 0);
}

/* A tag wider than the printer's labels ([printer] label_width 1in for
 * the 2 in tag) would come out cut off: not queued, and said so; the
 * inspection is recorded. */
static void qctag__too_wide_for_the_printer_is_not_queued(void **state)
{
	struct fx *f = *state;
	json_t *ev;

	f->cfg.printer.width_um = 25400;
	start(f, ST_QC_TAG_PASS);
	scans(f, "BADGE-0001\nSN00000001\nCMD-PASS-ALL");
	assert_non_null(event(f, "inspection"));
	ev = event(f, "print");
	assert_non_null(ev);
	assert_string_equal(str(ev, "state"), "not_queued");
	assert_non_null(strstr(str(ev, "error"), "item-qc-tag: ^PW406 is wider than the label"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM inspection"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM label_job"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(qctag__pass_queues_one_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(qctag__failed_inspections_by_setting, setup,
						teardown),
		cmocka_unit_test_setup_teardown(qctag__correction_gets_a_new_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(qctag__refused_job_rolls_the_inspection_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(qctag__unrenderable_tag_is_reported_not_blocking,
						setup, teardown),
		cmocka_unit_test_setup_teardown(qctag__too_wide_for_the_printer_is_not_queued,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
