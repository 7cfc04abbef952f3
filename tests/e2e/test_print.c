/* End to end: the real qcstation printing to a fake Zebra on loopback
 * (tests/fakes/fake_zebra.c) from a real database file.
 *
 *  - jobs queued with "label print --queue-only" while no station runs,
 *    then a headless station: paper out, a "printer" event says so and
 *    nothing prints; the printer is ready, each job prints once, in order;
 *  - a job queued while the station runs is printed by the station (the
 *    CLI rings it);
 *  - while the printer holds a job and reads nothing, a scan is still
 *    answered at once (scanning never waits for printing);
 *  - the station is killed (SIGKILL) while a job is being sent (the printer
 *    stopped reading mid-job): after the restart the job is 'uncertain'
 *    and never sent again by itself; other jobs queued meanwhile print
 *    once; an operator's reprint prints it once more, audited;
 *  - qcstation printers --json reports all of it.
 * Waits poll with deadlines (proc_event, fake_zebra_wait_jobs). */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>

#include "fakes/fake_zebra.h"
#include "lb/status.h"
#include "proc.h"

struct fx {
	char *dir;
	char ini[300], db[300];
	struct fake_zebra *z;
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char text[1024], path[400];
	char *out = NULL, *err = NULL;
	const char *imp[] = { "qcstation", "--config", f->ini, "--db", f->db, "import", "orders",
			      path, NULL };

	f->dir = tmpdir_new();
	f->z = fake_zebra_start();
	snprintf(f->ini, sizeof(f->ini), "%s/station.ini", f->dir);
	snprintf(f->db, sizeof(f->db), "%s/station.db", f->dir);
	snprintf(text, sizeof(text),
		 "[station]\ndata_dir = %s\n[devices]\nusb = off\n"
		 "[printer]\nname = zebra\nuri = tcp://127.0.0.1:%d\ndpi = 203\n"
		 "label_width = 4in\nstatus_timeout_ms = 300\nio_timeout_ms = 30000\n"
		 "retry_min_ms = 100\nretry_max_ms = 400\n",
		 f->dir, fake_zebra_port(f->z));
	write_file(f->ini, text);
	snprintf(path, sizeof(path), "%s/data/demo/orders.json", qc_src());
	assert_int_equal(run(imp, NULL, 0, &out, &err), 0);
	free(out);
	free(err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fake_zebra_stop(f->z);
	rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* A label document in the folder; returns its path (static buffer). */
static const char *doc(struct fx *f, const char *name, const char *zpl)
{
	static char path[400];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	write_file(path, zpl);
	return path;
}

static int label_print(struct fx *f, const char *file, bool queue_only, char **out)
{
	const char *argv[] = { "qcstation", "--config", f->ini, "--db", f->db, "label", "print",
			       "--file", file, "--json", queue_only ? "--queue-only" : NULL, NULL };
	char *err = NULL;
	int rc = run(argv, NULL, 0, out, &err);

	if (rc)
		fprintf(stderr, "label print: %s", err);
	free(err);
	return rc;
}

static void start_station(struct fx *f, struct proc *p)
{
	const char *argv[] = { "qcstation", "--config", f->ini, "--db", f->db, "run", "--headless",
			       NULL };
	json_t *ev;

	proc_start(p, argv);
	ev = proc_event(p, 10000);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "event")), "ready");
	json_decref(ev);
}

/* The next "printer" event whose reason is reason (others skipped). */
static bool printer_event(struct proc *p, const char *state, const char *reason, int timeout_ms)
{
	long long end = mono_ms() + timeout_ms;

	while (mono_ms() < end) {
		json_t *ev = proc_event(p, (int)(end - mono_ms()));
		bool hit;

		if (!ev)
			return false;
		hit = !strcmp(json_string_value(json_object_get(ev, "event")), "printer") &&
		      !strcmp(json_string_value(json_object_get(ev, "state")), state) &&
		      !strcmp(json_string_value(json_object_get(ev, "reason")), reason);
		json_decref(ev);
		if (hit)
			return true;
	}
	return false;
}

static char *db_text(struct fx *f, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char *v = NULL;

	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		v = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* Wait until sql answers want (poll the file with a deadline). */
static bool db_becomes(struct fx *f, const char *sql, const char *want, int timeout_ms)
{
	long long end = mono_ms() + timeout_ms;

	for (;;) {
		char *v = db_text(f, sql);
		bool ok = v && !strcmp(v, want);

		free(v);
		if (ok)
			return true;
		if (mono_ms() >= end)
			return false;
		poll(NULL, 0, 20); /* the poll interval of the check, not a wait for it */
	}
}

/* How many recorded jobs are exactly zpl. */
static size_t copies_of(struct fx *f, const char *zpl)
{
	size_t n = 0, len;

	for (size_t i = 0; i < fake_zebra_jobs(f->z); i++) {
		uint8_t *j = fake_zebra_job(f->z, i, &len);

		if (len == strlen(zpl) && !memcmp(j, zpl, len))
			n++;
		free(j);
	}
	return n;
}

static const char *const ZPL[] = {
	"^XA^PW812^LL1218^FO50,50^A0N,50,50^FDUPS 1Z999AA10123456784^FS^XZ",
	"^XA^PW812^LL1218^FO50,50^A0N,50,50^FDUPS 1Z999AA10123456785^FS^XZ",
	"^XA^PW812^LL1218^FO50,50^A0N,50,50^FDUPS 1Z999AA10123456786^FS^XZ",
	"^XA^PW812^LL1218^FO50,50^A0N,50,50^FDstalled mid-job^FS^XZ",
	"^XA^PW812^LL1218^FO50,50^A0N,50,50^FDqueued while down^FS^XZ",
};

static void print__waits_for_paper_then_each_job_once_across_restart(void **state)
{
	struct fx *f = *state;
	struct fake_zebra_state st = { .flags = LB_ST_PAPER_OUT };
	struct proc p;
	char *out = NULL;
	char name[32];

	/* Three carrier labels queued while no station runs. */
	fake_zebra_set(f->z, &st);
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "ups%d.zpl", i);
		assert_int_equal(label_print(f, doc(f, name, ZPL[i]), true, &out), 0);
		assert_non_null(strstr(out, "\"state\":\"queued\""));
		free(out);
	}
	assert_int_equal(fake_zebra_jobs(f->z), 0);

	/* The station: paper out, the UI says so, nothing prints. */
	start_station(f, &p);
	assert_true(printer_event(&p, "not_ready", "paper out", 10000));
	assert_int_equal(fake_zebra_jobs(f->z), 0);
	assert_true(db_becomes(f, "SELECT last_error FROM label_job WHERE id = 1", "paper out",
			       5000));

	/* Paper loaded: each prints once, in order. */
	st.flags = 0;
	fake_zebra_set(f->z, &st);
	assert_true(fake_zebra_wait_jobs(f->z, 3, 10000));
	assert_true(db_becomes(f, "SELECT group_concat(state) FROM label_job", "done,done,done",
			       5000));
	for (int i = 0; i < 3; i++) {
		size_t len;
		uint8_t *j = fake_zebra_job(f->z, (size_t)i, &len);

		assert_int_equal(len, strlen(ZPL[i]));
		assert_memory_equal(j, ZPL[i], len);
		free(j);
	}

	/* The printer stops taking data mid-job; the station is killed. */
	st.stall = true;
	fake_zebra_set(f->z, &st);
	assert_int_equal(label_print(f, doc(f, "stall.zpl", ZPL[3]), false, &out), 0);
	assert_non_null(strstr(out, "\"by\":\"station\""));
	free(out);
	assert_true(db_becomes(f, "SELECT state FROM label_job WHERE id = 4", "sending", 10000));
	/* Scanning never waits for printing: the printer holds a job and
	 * reads nothing, and a badge scanned now logs in at once. */
	{
		long long t0 = mono_ms();
		json_t *ev;
		bool login = false;

		proc_write(&p, "BADGE-0001\n", 11);
		while (!login && (ev = proc_event(&p, 2000)) != NULL) {
			login = !strcmp(json_string_value(json_object_get(ev, "event")), "login");
			json_decref(ev);
		}
		assert_true(login);
		assert_true(mono_ms() - t0 < 2000);
		assert_true(db_becomes(f, "SELECT state FROM label_job WHERE id = 4", "sending",
				       100)); /* still held */
	}
	kill(p.pid, SIGKILL);
	assert_int_equal(proc_wait(&p), 128 + SIGKILL);

	/* While it is down, another label is queued (no station: the CLI
	 * would print it itself; --queue-only keeps it for the station). */
	assert_int_equal(label_print(f, doc(f, "down.zpl", ZPL[4]), true, &out), 0);
	free(out);
	st.stall = false;
	fake_zebra_set(f->z, &st);

	/* Restart: the job cut off is uncertain, the queued one prints. */
	start_station(f, &p);
	assert_true(db_becomes(f, "SELECT state FROM label_job WHERE id = 5", "done", 10000));
	assert_true(db_becomes(f, "SELECT state FROM label_job WHERE id = 4", "uncertain", 5000));
	assert_int_equal(copies_of(f, ZPL[4]), 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(copies_of(f, ZPL[i]), 1);
	/* What reached the printer of job 4 before the kill is there at most
	 * once: no retry sent it again. */
	assert_true(copies_of(f, ZPL[3]) <= 1);

	/* qcstation printers shows the decision to take. */
	{
		const char *argv[] = { "qcstation", "--config", f->ini, "--db", f->db, "printers",
				       "--json", NULL };
		char *err = NULL;
		json_t *o, *pr;

		assert_int_equal(run(argv, NULL, 0, &out, &err), 0);
		o = json_loads(out, 0, NULL);
		assert_non_null(o);
		pr = json_array_get(json_object_get(o, "printers"), 0);
		assert_string_equal(json_string_value(json_object_get(pr, "name")), "zebra");
		assert_int_equal(json_integer_value(json_object_get(pr, "uncertain")), 1);
		assert_int_equal(json_integer_value(json_object_get(pr, "printed")), 4);
		assert_true(json_is_true(json_object_get(pr, "station_printing")));
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(pr, "jobs"), 0), "state")),
				    "uncertain");
		json_decref(o);
		free(out);
		free(err);
	}

	/* The operator decides: reprint, audited; the station prints it. */
	{
		size_t before = copies_of(f, ZPL[3]);
		const char *argv[] = { "qcstation", "--config", f->ini, "--db", f->db, "label",
				       "reprint", "4", "--operator", "BADGE-0001", "--reason",
				       "printer jammed, no label came out", NULL };
		char *err = NULL;

		assert_int_equal(run(argv, NULL, 0, &out, &err), 0);
		free(out);
		free(err);
		assert_true(db_becomes(f, "SELECT state FROM label_job WHERE reprint_of = 4", "done",
				       10000));
		assert_int_equal(copies_of(f, ZPL[3]), before + 1);
		assert_true(db_becomes(f, "SELECT state FROM label_job WHERE id = 4", "reprinted",
				       1000));
		assert_true(db_becomes(f,
				       "SELECT json_extract(payload, '$.reason') FROM outbox WHERE"
				       " type = 'label_reprint'",
				       "printer jammed, no label came out", 1000));
	}
	proc_close_in(&p);
	assert_int_equal(proc_wait(&p), 0);
}

/* No station running: the command prints the queue itself, or leaves it
 * queued (exit 75) when the printer is not ready. */
static void print__without_a_station_prints_directly(void **state)
{
	struct fx *f = *state;
	struct fake_zebra_state st = { .flags = LB_ST_HEAD_OPEN };
	const char *file = doc(f, "direct.zpl", ZPL[0]);
	const char *argv[] = { "qcstation", "--config", f->ini, "--db", f->db, "label", "print",
			       "--file", file, NULL };
	char *out = NULL, *err = NULL;

	fake_zebra_set(f->z, &st);
	assert_int_equal(run(argv, NULL, 0, &out, &err), 75);
	assert_non_null(strstr(out, "waiting: head open"));
	assert_int_equal(fake_zebra_jobs(f->z), 0);
	free(out);
	free(err);

	st.flags = 0;
	fake_zebra_set(f->z, &st);
	assert_int_equal(label_print(f, file, false, &out), 0);
	assert_non_null(strstr(out, "\"by\":\"printed\""));
	free(out);
	/* Both jobs, the one that waited first, each once. */
	assert_int_equal(fake_zebra_jobs(f->z), 2);
	assert_int_equal(copies_of(f, ZPL[0]), 2);
	assert_true(db_becomes(f, "SELECT group_concat(state) FROM label_job", "done,done", 100));
}

/* Reprint and void: an operator of this store and a reason, or nothing
 * happens; each decision is one outbox event. */
static void print__decisions_need_operator_and_reason(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *verb, *job, *badge, *reason;
		int rc;
		const char *msg;
	} t[] = {
		{ "void", "1", "BADGE-0001", NULL, 64, "--reason TEXT are required" },
		{ "void", "1", NULL, "x", 64, "--operator BADGE" },
		{ "void", "1", "BADGE-0001", "", 64, "must say why" },
		{ "void", "1", "BADGE-0001", "bad \xff byte", 64, "UTF-8" },
		{ "void", "1", "BADGE-9999", "gone", 66, "belongs to no operator" },
		{ "void", "42", "BADGE-0001", "gone", 66, "no such job" },
		{ "reprint", "1", "BADGE-0001", "again", 65, "is queued: it will print" },
		{ "void", "1", "BADGE-0001", "customer cancelled", 0, "" },
		{ "void", "1", "BADGE-0001", "twice", 65, "nothing left to void" },
	};
	char *out = NULL;

	assert_int_equal(label_print(f, doc(f, "a.zpl", ZPL[0]), true, &out), 0);
	free(out);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *argv[16] = { "qcstation", "--config", f->ini, "--db", f->db, "label",
					 t[i].verb, t[i].job };
		int n = 8;
		char *err = NULL;

		if (t[i].badge) {
			argv[n++] = "--operator";
			argv[n++] = t[i].badge;
		}
		if (t[i].reason) {
			argv[n++] = "--reason";
			argv[n++] = t[i].reason;
		}
		print_message("label %s %s\n", t[i].verb, t[i].job);
		assert_int_equal(run(argv, NULL, 0, &out, &err), t[i].rc);
		assert_non_null(strstr(err, t[i].msg));
		free(out);
		free(err);
	}
	assert_true(db_becomes(f, "SELECT count(*) FROM outbox WHERE type = 'label_void'", "1",
			       100));
	assert_true(db_becomes(f, "SELECT reason FROM label_job_action", "customer cancelled",
			       100));
	assert_int_equal(fake_zebra_jobs(f->z), 0);
}

static void print__wrong_resolution_refused(void **state)
{
	struct fx *f = *state;
	const char *argv[] = { "qcstation", "--config", f->ini, "--db", f->db, "label", "print",
			       "--file", doc(f, "dhl300.zpl", "^XA^PW1218^LL1827^FDx^FS^XZ"), NULL };
	char *out = NULL, *err = NULL;

	assert_int_equal(run(argv, NULL, 0, &out, &err), 65);
	assert_non_null(strstr(err, "made for 300 dpi"));
	assert_int_equal(fake_zebra_jobs(f->z), 0);
	free(out);
	free(err);
	/* A PDF for a ZPL printer is refused before it is queued. */
	argv[8] = doc(f, "invoice.pdf", "%PDF-1.4\n");
	assert_int_equal(run(argv, NULL, 0, &out, &err), 65);
	assert_non_null(strstr(err, "prints ZPL only"));
	free(out);
	free(err);
	assert_true(db_becomes(f, "SELECT count(*) FROM label_job", "0", 100));
}

/* A label made here (issue 5): "label print TEMPLATE --data" renders the
 * template at the printer's resolution, checks every barcode (--verify),
 * and the printer receives exactly what "label render" shows. */
static void print__template_reaches_the_printer_as_rendered(void **state)
{
	struct fx *f = *state;
	char data[400];
	char *out = NULL, *err = NULL, *want = NULL, *got;
	size_t n;

	snprintf(data, sizeof(data), "%s/data/labels/samples/item-qc-tag.json", qc_src());
	{
		const char *render[] = { "qcstation", "--config", f->ini, "--db", f->db, "label",
					 "render", "item-qc-tag", "--data", data, "--format", "zpl",
					 "--dpi", "203", NULL };

		assert_int_equal(run(render, NULL, 0, &want, &err), 0);
		free(err);
	}
	{
		const char *print[] = { "qcstation", "--config", f->ini, "--db", f->db, "label",
					"print", "item-qc-tag", "--data", data, "--verify", "--json",
					NULL };

		assert_int_equal(run(print, NULL, 0, &out, &err), 0);
	}
	assert_non_null(strstr(out, "\"state\":\"done\""));
	assert_non_null(strstr(err, "0 mismatches"));
	assert_int_equal(fake_zebra_jobs(f->z), 1);
	got = (char *)fake_zebra_job(f->z, 0, &n);
	assert_non_null(got);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(got, want, n);
	assert_true(db_becomes(f, "SELECT entity FROM label_job", "label:item-qc-tag", 100));
	free(got);
	free(want);
	free(out);
	free(err);

	/* Data the template refuses never reaches the queue. */
	{
		const char *bad[] = { "qcstation", "--config", f->ini, "--db", f->db, "label",
				      "print", "item-qc-tag", "--data", doc(f, "bad.json", "{\"nope\": 1}"),
				      NULL };

		assert_int_equal(run(bad, NULL, 0, &out, &err), 65);
		free(out);
		free(err);
	}
	assert_true(db_becomes(f, "SELECT count(*) FROM label_job", "1", 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			print__waits_for_paper_then_each_job_once_across_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(print__without_a_station_prints_directly, setup,
						teardown),
		cmocka_unit_test_setup_teardown(print__decisions_need_operator_and_reason, setup,
						teardown),
		cmocka_unit_test_setup_teardown(print__wrong_resolution_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(print__template_reaches_the_printer_as_rendered,
						setup, teardown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
