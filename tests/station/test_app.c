/* st_app, the shell that applies a scan: with a real SQLite file, a fake
 * clock and the events captured.  The end-to-end tests drive the binary;
 * these reach what a binary cannot be made to do on demand (a failing
 * business write). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "st/app.h"
#include "st/err.h"
#include "st/import.h"
#include "common/testdb.h"
#include "common/testutil.h"

struct fx {
	char dir[64], db[128];
	struct st_config cfg;
	struct st_store *store;
	struct st_app *app;
	int64_t now;
	json_t *events;   /* every event emitted, in order */
	struct st_log log;
	char logged[1024];  /* log lines, newline-separated */
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

static int setup(void **state)
{
	static const char doc[] =
		"{\"format\": \"qcstation-import\", \"version\": 1,"
		" \"operators\": [{\"badge\": \"BADGE-0001\", \"name\": \"Ana Ruiz\", \"role\": \"inspector\"}]}";
	struct fx *f = calloc(1, sizeof(*f));
	struct st_store_opts so = { .create = true };
	struct st_import_stats stats;
	char err[512];

	assert_int_equal(qc_tmpdir_make(f->dir, sizeof(f->dir), "app"), 0);
	snprintf(f->db, sizeof(f->db), "%s/s.db", f->dir);
	st_config_defaults(&f->cfg);
	assert_int_equal(st_store_open(f->db, &so, &f->store, err, sizeof(err)), ST_OK);
	assert_int_equal(st_import_json(f->store, doc, sizeof(doc) - 1, "t", &stats, err, sizeof(err)),
			 ST_OK);
	f->events = json_array();
	f->now = 1764183600000; /* 2025-11-26T19:00:00Z */
	{
		struct st_app_opts o = { .cfg = &f->cfg, .store = f->store, .now_ms = fake_now,
					 .clock_ud = f, .emit = capture, .emit_ud = f, .log = &f->log };

		f->log = (struct st_log){ .level = LOG_INFO, .fn = log_sink, .ud = f };

		assert_int_equal(st_app_new(&o, &f->app), ST_OK);
	}
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

static void scan(struct fx *f, const char *code)
{
	json_array_clear(f->events);
	st_app_scan(f->app, (const uint8_t *)code, strlen(code), false, "test");
}

static const char *ev_name(struct fx *f, size_t i)
{
	return json_string_value(json_object_get(json_array_get(f->events, i), "event"));
}

static void app__events_carry_the_injected_clock(void **state)
{
	struct fx *f = *state;

	scan(f, "BADGE-0001");
	assert_string_equal(ev_name(f, 0), "scan");
	assert_string_equal(ev_name(f, 1), "login");
	assert_string_equal(json_string_value(json_object_get(json_array_get(f->events, 0), "ts")),
			    "2025-11-26T19:00:00.000Z");
	assert_int_equal(qc_db_int(f->db, "SELECT ts_ms FROM scan"), f->now);
	assert_int_equal(st_app_scans(f->app), 1);
}

/* When the action's writes fail, the step is undone but the raw scan is
 * still stored, with an error saying so (nothing a scanner sent is lost). */
static void app__failed_step_still_stores_the_raw_scan(void **state)
{
	struct fx *f = *state;
	json_t *err;

	/* Make every login's session write fail, as a broken disk sector or a
	 * constraint would: the step (session + login outbox) must roll back. */
	qc_db_exec(f->db, "CREATE TRIGGER no_sessions BEFORE INSERT ON operator_session "
		    "BEGIN SELECT RAISE(ABORT, 'sessions refused by the test'); END;");
	scan(f, "BADGE-0001");
	assert_int_equal(json_array_size(f->events), 2);
	assert_string_equal(ev_name(f, 0), "scan");
	assert_string_equal(ev_name(f, 1), "error");
	err = json_array_get(f->events, 1);
	assert_string_equal(json_string_value(json_object_get(err, "code")), "store_failed");
	assert_non_null(strstr(json_string_value(json_object_get(err, "message")), "sessions refused"));
	assert_non_null(strstr(f->logged, "error: could not store the scan's result"));
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan WHERE raw = CAST('BADGE-0001' AS BLOB)"), 1);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM outbox WHERE type = 'login'"), 0);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM operator_session"), 0);

	/* Nobody was logged in by the failed step. */
	scan(f, "ORD-100231");
	assert_string_equal(json_string_value(json_object_get(json_array_get(f->events, 1), "code")),
			    "login_required");
}

/* When even the raw scan cannot be stored, the error says so plainly and
 * the station goes on. */
static void app__unstorable_scan_is_reported_not_hidden(void **state)
{
	struct fx *f = *state;
	json_t *err;

	scan(f, "BADGE-0001");
	qc_db_exec(f->db, "CREATE TRIGGER no_scans BEFORE INSERT ON scan "
		    "BEGIN SELECT RAISE(ABORT, 'scans refused by the test'); END;");
	scan(f, "ORD-100231");
	assert_int_equal(json_array_size(f->events), 1);
	err = json_array_get(f->events, 0);
	assert_string_equal(json_string_value(json_object_get(err, "code")), "store_failed");
	assert_non_null(strstr(json_string_value(json_object_get(err, "message")), "NOT stored"));
	/* What was stored before is still there. */
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 1);
	qc_db_exec(f->db, "DROP TRIGGER no_scans");
	scan(f, "ORD-100231");
	assert_string_equal(ev_name(f, 0), "scan");
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 2);
}

static void app__logs_at_the_configured_level(void **state)
{
	struct fx *f = *state;

	scan(f, "BADGE-0001");
	assert_non_null(strstr(f->logged, "info: operator BADGE-0001 logged in at STATION-1"));
	/* Refused scans are debug detail: not at info. */
	scan(f, "nonsense");
	assert_null(strstr(f->logged, "refused"));
	f->log.level = LOG_DEBUG;
	scan(f, "nonsense");
	assert_non_null(strstr(f->logged, "debug: scan refused: bad_barcode"));
	f->log.level = LOG_WARNING;
	f->logged[0] = '\0';
	scan(f, "CMD-LOGOUT");
	assert_string_equal(f->logged, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(app__events_carry_the_injected_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(app__failed_step_still_stores_the_raw_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(app__unstorable_scan_is_reported_not_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(app__logs_at_the_configured_level, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
