/* End to end: the real qcstation binary in headless mode against a real
 * SQLite file, driven by scans on stdin, checked by the JSON events it
 * prints and by reading the database independently (sqlite3). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "common/testdb.h"
#include "proc.h"

#define WAIT_MS 10000

struct fx {
	char *dir;
	char db[512];
	json_t *demo;   /* data/demo/orders.json */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[1024];
	json_error_t e;

	f->dir = tmpdir_new();
	snprintf(f->db, sizeof(f->db), "%s/data/station.db", f->dir);
	snprintf(path, sizeof(path), "%s/data/demo/orders.json", qc_src());
	f->demo = json_load_file(path, 0, &e);
	if (!f->demo)
		fail_msg("%s: %s", path, e.text);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_rf(f->dir);
	free(f->dir);
	json_decref(f->demo);
	free(f);
	return 0;
}

/* Next event named name, skipping others; fails on timeout. */
static json_t *expect_event(struct proc *p, const char *name)
{
	for (;;) {
		json_t *ev = proc_event(p, WAIT_MS);

		if (!ev)
			fail_msg("no '%s' event before end of output / timeout", name);
		assert_non_null(json_object_get(ev, "ts"));
		if (!strcmp(json_string_value(json_object_get(ev, "event")), name))
			return ev;
		json_decref(ev);
	}
}

static const char *jstr(json_t *o, const char *path)
{
	/* "a.b.c" */
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return json_string_value(json_object_get(o, path));
}

static void scan(struct proc *p, const char *code)
{
	proc_write(p, code, strlen(code));
	proc_write(p, "\n", 1);
}

/* The raw bytes stored for scan id (malloc'd, *n set). */
static void *db_raw(const char *db, int64_t id, size_t *n)
{
	sqlite3 *h;
	sqlite3_stmt *q;
	void *b = NULL;

	*n = 0;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT raw FROM scan WHERE id = ?1", -1, &q, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) == SQLITE_ROW) {
		*n = (size_t)sqlite3_column_bytes(q, 0);
		b = malloc(*n + 1);
		memcpy(b, sqlite3_column_blob(q, 0), *n);
	}
	sqlite3_finalize(q);
	sqlite3_close(h);
	return b;
}

/* From the demo data: an order line with an engraving, and its item. */
static void demo_pick(struct fx *f, const char **order, const char **engraving,
		      const char **serial, const char **badge, const char **gtin)
{
	json_t *o, *l, *it, *p;
	size_t i, j;

	*order = *engraving = *serial = NULL;
	json_array_foreach(json_object_get(f->demo, "orders"), i, o)
		json_array_foreach(json_object_get(o, "lines"), j, l)
			if (!*order && jstr(l, "options.engraving")) {
				*order = jstr(o, "number");
				*engraving = jstr(l, "options.engraving");
			}
	json_array_foreach(json_object_get(f->demo, "items"), i, it)
		if (*order && jstr(it, "order") && !strcmp(jstr(it, "order"), *order) && !*serial)
			*serial = jstr(it, "serial");
	*badge = jstr(json_array_get(json_object_get(f->demo, "operators"), 0), "badge");
	*gtin = NULL;
	json_array_foreach(json_object_get(f->demo, "products"), i, p)
		if (!*gtin && jstr(p, "gtin"))
			*gtin = jstr(p, "gtin");
	assert_non_null(*order);
	assert_non_null(*serial);
	assert_non_null(*badge);
	assert_non_null(*gtin);
}

static void headless__badge_then_order_item_product(void **state)
{
	struct fx *f = *state;
	const char *argv[] = { "qcstation", "run", "--headless", "--demo", "--db", f->db, NULL };
	const char *order, *engr, *serial, *badge, *gtin;
	struct proc p;
	json_t *ev;

	demo_pick(f, &order, &engr, &serial, &badge, &gtin);
	proc_start(&p, argv);
	json_decref(expect_event(&p, "ready"));

	/* QC-05: nothing but a badge before someone logs in. */
	scan(&p, order);
	ev = expect_event(&p, "error");
	assert_string_equal(jstr(ev, "code"), "login_required");
	json_decref(ev);

	scan(&p, badge);
	ev = expect_event(&p, "scan");
	assert_string_equal(jstr(ev, "kind"), "badge");
	json_decref(ev);
	ev = expect_event(&p, "login");
	assert_string_equal(jstr(ev, "operator.badge"), badge);
	json_decref(ev);

	/* An order shows its lines with their options, engraving exact. */
	scan(&p, order);
	ev = expect_event(&p, "order");
	assert_string_equal(jstr(ev, "order.number"), order);
	{
		json_t *l;
		size_t i;
		int found = 0;

		json_array_foreach(json_object_get(json_object_get(ev, "order"), "lines"), i, l)
			if (jstr(l, "options.engraving") && !strcmp(jstr(l, "options.engraving"), engr))
				found = 1;
		assert_true(found);
	}
	json_decref(ev);

	/* An item serial shows the item, its order and its line. */
	scan(&p, serial);
	ev = expect_event(&p, "item");
	assert_string_equal(jstr(ev, "item.serial"), serial);
	assert_string_equal(jstr(ev, "order.number"), order);
	assert_non_null(json_object_get(ev, "line"));
	json_decref(ev);

	/* A GTIN shows the product. */
	scan(&p, gtin);
	ev = expect_event(&p, "product");
	assert_non_null(jstr(ev, "product.sku"));
	json_decref(ev);

	/* A wrong check digit is refused with the parser's reason. */
	scan(&p, "09501101020916");
	ev = expect_event(&p, "scan");
	assert_false(json_is_true(json_object_get(ev, "valid")));
	json_decref(ev);
	ev = expect_event(&p, "error");
	assert_string_equal(jstr(ev, "code"), "bad_barcode");
	assert_non_null(strstr(jstr(ev, "message"), "check digit"));
	json_decref(ev);

	scan(&p, "ORD-99999999");
	ev = expect_event(&p, "error");
	assert_string_equal(jstr(ev, "code"), "unknown_order");
	json_decref(ev);

	/* The item scan opened an inspection (QC bench); logging out is
	 * refused until it is finished or cancelled. */
	scan(&p, "CMD-LOGOUT");
	ev = expect_event(&p, "error");
	assert_string_equal(jstr(ev, "code"), "busy");
	json_decref(ev);
	scan(&p, "CMD-CANCEL");
	json_decref(expect_event(&p, "cancelled"));
	scan(&p, "CMD-LOGOUT");
	json_decref(expect_event(&p, "logout"));
	proc_close_in(&p);
	ev = expect_event(&p, "shutdown");
	assert_int_equal(json_integer_value(json_object_get(ev, "scans")), 10);
	json_decref(ev);
	assert_int_equal(proc_wait(&p), 0);

	/* Every scan stored, each with an outbox event in the same step. */
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), 10);
	assert_true(qc_db_int(f->db, "SELECT count(*) FROM outbox WHERE type = 'scan'") == 10);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM outbox WHERE type = 'login'"), 1);
}

static void headless__bad_input_is_stored_and_refused(void **state)
{
	struct fx *f = *state;
	const char *argv[] = { "qcstation", "run", "--headless", "--db", f->db, NULL };
	static char big[5001];
	struct proc p;
	json_t *ev;
	int64_t id_big, id_bin;
	size_t n;
	char *raw;

	proc_start(&p, argv);
	json_decref(expect_event(&p, "ready"));

	/* Over the 4 KiB cap: the first 4096 bytes kept, flagged, refused. */
	memset(big, 'Z', 5000);
	scan(&p, big);
	ev = expect_event(&p, "scan");
	assert_false(json_is_true(json_object_get(ev, "valid")));
	id_big = json_integer_value(json_object_get(ev, "scan_id"));
	json_decref(ev);
	ev = expect_event(&p, "error");
	assert_string_equal(jstr(ev, "code"), "scan_too_long");
	json_decref(ev);

	/* Not UTF-8 (a scanner on the wrong code page). */
	scan(&p, "ORD-10\xe9\xff" "01");
	ev = expect_event(&p, "scan");
	id_bin = json_integer_value(json_object_get(ev, "scan_id"));
	json_decref(ev);
	ev = expect_event(&p, "error");
	assert_string_equal(jstr(ev, "code"), "invalid_bytes");
	json_decref(ev);

	/* GS bytes arrive and are kept as they are. */
	scan(&p, "]C1010950110102091710ABC\x1d" "21XYZ");
	ev = expect_event(&p, "scan");
	assert_true(json_is_true(json_object_get(ev, "valid")));
	assert_string_equal(jstr(ev, "symbology"), "]C1");
	json_decref(ev);
	assert_int_equal(proc_wait(&p), 0);

	raw = db_raw(f->db, id_big, &n);
	assert_int_equal(n, 4096);
	free(raw);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan WHERE truncated = 1"), 1);
	raw = db_raw(f->db, id_bin, &n);
	assert_int_equal(n, 10);
	assert_memory_equal(raw, "ORD-10\xe9\xff" "01", 10);
	free(raw);
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan WHERE instr(raw, x'1d') > 0"), 1);
}

/* The durability promise: SIGKILL the station while it ingests; every scan
 * whose event was printed is in the database, and the database is sound. */
static void headless__sigkill_loses_no_printed_scan(void **state)
{
	struct fx *f = *state;
	const char *argv[] = { "qcstation", "run", "--headless", "--demo", "--db", f->db, NULL };
	const char *check[] = { "qcstation", "db", "check", "--db", f->db, NULL };
	enum { N = 400, KILL_AFTER = 150 };
	int64_t printed[N];
	int n_printed = 0;
	struct proc p;
	json_t *ev;
	char code[64];
	char *out, *err;

	proc_start(&p, argv);
	json_decref(expect_event(&p, "ready"));
	scan(&p, "BADGE-0001");
	/* Queue a burst of scans, more than will be ingested before the kill. */
	for (int i = 0; i < N; i++) {
		snprintf(code, sizeof(code), "SN%08d", 1000 + i);
		scan(&p, code);
	}
	while (n_printed < KILL_AFTER && (ev = proc_event(&p, WAIT_MS))) {
		if (!strcmp(jstr(ev, "event"), "scan"))
			printed[n_printed++] = json_integer_value(json_object_get(ev, "scan_id"));
		json_decref(ev);
	}
	assert_int_equal(n_printed, KILL_AFTER);
	kill(p.pid, SIGKILL);
	/* Lines already written before the kill count as printed too. */
	while ((ev = proc_event(&p, 2000))) {
		if (!strcmp(jstr(ev, "event"), "scan") && n_printed < N)
			printed[n_printed++] = json_integer_value(json_object_get(ev, "scan_id"));
		json_decref(ev);
	}
	assert_int_equal(proc_wait(&p), 128 + SIGKILL);

	for (int i = 0; i < n_printed; i++) {
		size_t n;
		char *raw = db_raw(f->db, printed[i], &n);

		if (!raw)
			fail_msg("scan %lld was printed but is not in the database",
				 (long long)printed[i]);
		free(raw);
	}
	assert_int_equal(run(check, NULL, 0, &out, &err), 0);
	free(out);
	free(err);

	/* The station starts again on the same file and goes on counting. */
	proc_start(&p, argv);
	json_decref(expect_event(&p, "ready"));
	scan(&p, "BADGE-0001");
	ev = expect_event(&p, "scan");
	assert_true(json_integer_value(json_object_get(ev, "scan_id")) > printed[n_printed - 1]);
	json_decref(ev);
	assert_int_equal(proc_wait(&p), 0);
	assert_int_equal(run(check, NULL, 0, &out, &err), 0);
	free(out);
	free(err);
}

/* A disk that fills up mid-shift: the station says which scans it could not
 * store, goes on, loses nothing it had stored, and the file stays sound. */
static void headless__full_disk_loses_nothing_stored(void **state)
{
	struct fx *f = *state;
	const char *demo[] = { "qcstation", "run", "--headless", "--demo", "--db", f->db, NULL };
	const char *argv[] = { "qcstation", "run", "--headless", "--db", f->db, NULL };
	const char *check[] = { "qcstation", "db", "check", "--db", f->db, NULL };
	enum { N = 300 };
	int64_t last_id = 0;
	int stored = 0, refused = 0;
	struct proc p;
	json_t *ev;
	char code[32], *out, *err;

	/* Create and fill the database first, without a limit. */
	proc_start(&p, demo);
	assert_int_equal(proc_wait(&p), 0);

	/* Files may grow to 400 KiB: the WAL runs out of room after a few
	 * dozen scans, as a full disk would stop it. */
	proc_start_limited(&p, argv, 400 * 1024);
	json_decref(expect_event(&p, "ready"));
	scan(&p, "BADGE-0001");
	for (int i = 0; i < N; i++) {
		snprintf(code, sizeof(code), "SN%08d", 5000 + i);
		scan(&p, code);
	}
	proc_close_in(&p);
	while ((ev = proc_event(&p, WAIT_MS))) {
		const char *name = jstr(ev, "event");

		if (!strcmp(name, "scan")) {
			stored++;
			last_id = json_integer_value(json_object_get(ev, "scan_id"));
		} else if (!strcmp(name, "error") && !strcmp(jstr(ev, "code"), "store_failed") &&
			   strstr(jstr(ev, "message"), "NOT stored")) {
			refused++;
		}
		json_decref(ev);
	}
	/* Exit 74: an I/O error kept scans from being stored. */
	assert_int_equal(proc_wait(&p), 74);
	assert_true(stored > 0);
	assert_true(refused > 0);
	assert_int_equal(stored + refused, N + 1);

	/* Every scan reported stored is there; the file is sound. */
	assert_int_equal(qc_db_int(f->db, "SELECT count(*) FROM scan"), stored);
	assert_int_equal(qc_db_int(f->db, "SELECT max(id) FROM scan"), last_id);
	assert_int_equal(run(check, NULL, 0, &out, &err), 0);
	free(out);
	free(err);

	/* With room again, the station carries on. */
	proc_start(&p, argv);
	json_decref(expect_event(&p, "ready"));
	scan(&p, "BADGE-0001");
	ev = expect_event(&p, "login");
	json_decref(ev);
	assert_int_equal(proc_wait(&p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(headless__badge_then_order_item_product, setup,
						teardown),
		cmocka_unit_test_setup_teardown(headless__bad_input_is_stored_and_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(headless__sigkill_loses_no_printed_scan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(headless__full_disk_loses_nothing_stored, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
