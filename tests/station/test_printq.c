/* The print queue (station/print/queue.c, st/store_print.h) against a
 * real TCP printer on loopback (tests/fakes/fake_zebra.c) and a real
 * SQLite file: jobs print in order byte for byte; while the printer is out
 * of paper, has its head open or does not answer, jobs wait (the "printer"
 * event and the job's last_error say why) and retry with backoff on an
 * injected clock; a job claimed when the station stopped is never sent
 * again by itself; reprint and void need an operator and a reason.
 * Waiting is poll() with deadlines on the queue's own descriptors. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "fakes/fake_zebra.h"
#include "lb/status.h"
#include "st/err.h"
#include "st/printq.h"
#include "st/store_print.h"

struct fx {
	char dir[64], db[128], lock[160];
	struct st_config cfg;
	struct st_store *store;
	struct st_printq *q;
	struct fake_zebra *z;
	int64_t now;
	json_t *events;
};

static int64_t fake_now(void *ud)
{
	return ((struct fx *)ud)->now;
}

static void on_event(const char *name, json_t *fields, void *ud)
{
	struct fx *f = ud;

	json_object_set_new(fields, "event", json_string(name));
	json_array_append_new(f->events, fields);
}

static int64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void store_open(struct fx *f)
{
	struct st_store_opts so = { .create = true };
	char err[512];

	assert_int_equal(st_store_open(f->db, &so, &f->store, err, sizeof(err)), ST_OK);
}

static void q_open(struct fx *f)
{
	struct st_printq_opts o = {
		.cfg = &f->cfg,
		.store = f->store,
		.lock_path = f->lock,
		.now_ms = fake_now,
		.clock_ud = f,
		.event = on_event,
		.event_ud = f,
	};
	char err[512];

	assert_int_equal(st_printq_new(&o, &f->q, err, sizeof(err)), ST_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct st_operator op = { .active = true };

	assert_non_null(f);
	assert_int_equal(qc_tmpdir_make(f->dir, sizeof(f->dir), "printq"), 0);
	snprintf(f->db, sizeof(f->db), "%s/station.db", f->dir);
	snprintf(f->lock, sizeof(f->lock), "%s/station.db-print.lock", f->dir);
	f->z = fake_zebra_start();
	st_config_defaults(&f->cfg);
	snprintf(f->cfg.printer.uri, sizeof(f->cfg.printer.uri), "tcp://127.0.0.1:%d",
		 fake_zebra_port(f->z));
	f->cfg.printer.status_timeout_ms = 300;
	f->cfg.printer.io_timeout_ms = 2000;
	f->cfg.printer.retry_min_ms = 1000;
	f->cfg.printer.retry_max_ms = 8000;
	f->now = 1765000000000;
	f->events = json_array();
	store_open(f);
	snprintf(op.badge, sizeof(op.badge), "BADGE-0001");
	snprintf(op.name, sizeof(op.name), "Ana Ruiz");
	snprintf(op.role, sizeof(op.role), "lead");
	assert_int_equal(st_store_operator_upsert(f->store, &op, NULL), ST_OK);
	q_open(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	st_printq_free(f->q);
	st_store_close(f->store);
	fake_zebra_stop(f->z);
	json_decref(f->events);
	unlink(f->lock);
	{
		char p[200];

		snprintf(p, sizeof(p), "%s-wal", f->db);
		unlink(p);
		snprintf(p, sizeof(p), "%s-shm", f->db);
		unlink(p);
	}
	assert_int_equal(qc_tmpdir_remove(f->dir), 0);
	free(f);
	return 0;
}

static int64_t add_job(struct fx *f, const char *zpl, const char *format)
{
	struct st_label_job_new j = {
		.printer = f->cfg.printer.name,
		.template_name = "item-tag",
		.entity = "item:SN1",
		.format = format,
		.payload = (const uint8_t *)zpl,
		.len = strlen(zpl),
		.ts_ms = f->now,
	};
	int64_t id = 0;

	assert_int_equal(st_store_label_job_add(f->store, &j, &id, NULL), ST_OK);
	st_printq_kick(f->q);
	return id;
}

typedef bool cond_fn(struct fx *f, const void *arg);

struct want {
	int64_t id;
	const char *state;
};

/* Run the queue as the station loop does until cond holds (true) or
 * timeout_ms of real time passed (false). */
static bool pump(struct fx *f, cond_fn *cond, const void *arg, int timeout_ms)
{
	int64_t end = mono() + timeout_ms;

	for (;;) {
		struct pollfd p[8];
		int n, ms;

		assert_int_equal(st_printq_dispatch(f->q), ST_OK);
		if (cond(f, arg))
			return true;
		if (mono() >= end)
			return false;
		n = st_printq_pollfds(f->q, p, 8);
		ms = st_printq_timeout_ms(f->q);
		if (ms < 0 || ms > end - mono())
			ms = (int)(end - mono());
		if (ms > 50)
			ms = 50; /* the fake clock does not move by itself */
		poll(p, (nfds_t)n, ms);
	}
}

static bool jobs_recorded(struct fx *f, const void *arg)
{
	return fake_zebra_jobs(f->z) >= *(const size_t *)arg;
}

static bool job_in_state(struct fx *f, const void *arg)
{
	const struct want *w = arg;
	struct st_label_job j;

	return st_store_label_job_get(f->store, w->id, &j) == ST_OK && !strcmp(j.state, w->state);
}

/* The last "printer" event's reason, or NULL. */
static const char *printer_reason(struct fx *f)
{
	const char *r = NULL;
	size_t i;
	json_t *ev;

	json_array_foreach(f->events, i, ev)
		if (!strcmp(json_string_value(json_object_get(ev, "event")), "printer"))
			r = json_string_value(json_object_get(ev, "reason"));
	return r;
}

static bool reason_is(struct fx *f, const void *arg)
{
	const char *r = printer_reason(f);

	return r && !strcmp(r, arg);
}

static bool idle_waiting(struct fx *f, const void *arg)
{
	struct st_printq_info info;

	(void)arg;
	st_printq_info(f->q, &info);
	return info.retry_at_ms > 0; /* backing off after a failure */
}

static void printq__prints_in_order_byte_for_byte(void **state)
{
	struct fx *f = *state;
	static const char *const zpl[] = {
		"^XA^CI28^FO40,40^A0N,40,40^FH^FDZo_C3_AB _C3_85ngstr_C3_B6m^FS^XZ",
		"^XA^FO40,40^BY2^BCN,80,Y,N,N^FDSN-000002^FS^XZ",
		"^XA^FO40,40^FDthird^FS^XZ",
	};
	size_t three = 3, n;
	struct st_label_job j;
	struct st_printer_rec pr;
	int64_t ids[3];

	for (int i = 0; i < 3; i++)
		ids[i] = add_job(f, zpl[i], "zpl");
	assert_true(pump(f, jobs_recorded, &three, 5000));
	for (size_t i = 0; i < 3; i++) {
		uint8_t *got = fake_zebra_job(f->z, i, &n);

		assert_non_null(got);
		assert_int_equal(n, strlen(zpl[i]));
		assert_memory_equal(got, zpl[i], n); /* in the order queued */
		free(got);
		assert_int_equal(st_store_label_job_get(f->store, ids[i], &j), ST_OK);
		assert_string_equal(j.state, "done");
		assert_int_equal(j.attempts, 1);
		assert_true(j.done_ms > 0);
	}
	assert_int_equal(st_store_printer_get(f->store, "label", &pr), ST_OK);
	assert_string_equal(pr.state, "ready");
	/* Nothing more goes out. */
	assert_false(pump(f, jobs_recorded, &(size_t){ 4 }, 300));
	assert_int_equal(fake_zebra_jobs(f->z), 3);
}

static void printq__waits_while_paper_out_then_prints_once(void **state)
{
	struct fx *f = *state;
	struct fake_zebra_state st = { .flags = LB_ST_PAPER_OUT };
	struct st_printq_info info;
	struct st_label_job j;
	struct st_printer_rec pr;
	size_t one = 1;
	unsigned queries;
	int64_t id;

	fake_zebra_set(f->z, &st);
	id = add_job(f, "^XA^FDpaper^FS^XZ", "zpl");
	assert_true(pump(f, reason_is, "paper out", 3000));
	assert_true(pump(f, idle_waiting, NULL, 3000));
	assert_int_equal(fake_zebra_jobs(f->z), 0);
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_string_equal(j.state, "queued");
	assert_string_equal(j.last_error, "paper out"); /* the UI says why */
	assert_int_equal(j.attempts, 0);                /* never claimed */
	assert_int_equal(st_store_printer_get(f->store, "label", &pr), ST_OK);
	assert_string_equal(pr.state, "not_ready");
	assert_string_equal(pr.flags, "paper_out");
	st_printq_info(f->q, &info);
	assert_int_equal(info.retry_at_ms, f->now + 1000);

	/* Before the backoff is over nothing is asked again. */
	queries = fake_zebra_queries(f->z);
	f->now += 999;
	assert_false(pump(f, jobs_recorded, &one, 200));
	assert_int_equal(fake_zebra_queries(f->z), queries);

	/* Then the head is open: asked again, and the wait doubles. */
	st.flags = LB_ST_HEAD_OPEN;
	fake_zebra_set(f->z, &st);
	f->now += 1;
	assert_true(pump(f, reason_is, "head open", 3000));
	assert_true(pump(f, idle_waiting, NULL, 3000));
	st_printq_info(f->q, &info);
	assert_int_equal(info.retry_at_ms, f->now + 2000);
	assert_int_equal(fake_zebra_jobs(f->z), 0);

	/* The clock set back an hour: the wait does not become an hour. */
	queries = fake_zebra_queries(f->z);
	f->now -= 3600000;
	assert_true(pump(f, reason_is, "head open", 3000));
	assert_true(pump(f, idle_waiting, NULL, 3000));
	assert_true(fake_zebra_queries(f->z) > queries);
	f->now += 3600000;

	/* No answer at all counts as not ready. */
	st.flags = 0;
	st.silent = true;
	fake_zebra_set(f->z, &st);
	f->now += 2000;
	assert_true(pump(f, reason_is, "no answer", 3000));
	assert_true(pump(f, idle_waiting, NULL, 3000));
	assert_int_equal(fake_zebra_jobs(f->z), 0);

	/* Ready: it prints, once. */
	st.silent = false;
	fake_zebra_set(f->z, &st);
	f->now += 8000; /* four failures in a row: the cap */
	assert_true(pump(f, jobs_recorded, &one, 3000));
	assert_true(pump(f, job_in_state, &(struct want){ id, "done" },
			 3000));
	assert_false(pump(f, jobs_recorded, &(size_t){ 2 }, 300));
	assert_int_equal(fake_zebra_jobs(f->z), 1);
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_int_equal(j.attempts, 1);
	assert_string_equal(printer_reason(f), "");
}

static void printq__stopped_mid_send_is_uncertain_never_resent(void **state)
{
	struct fx *f = *state;
	struct st_label_job j;
	struct st_operator op;
	size_t one = 1;
	int64_t id, id2, nid = 0;

	id = add_job(f, "^XA^FDcrash^FS^XZ", "zpl");
	id2 = add_job(f, "^XA^FDvoid me^FS^XZ", "zpl");
	/* A job queued is not reprinted: it will print. */
	assert_int_equal(st_store_operator_by_badge(f->store, "BADGE-0001", &op), ST_OK);
	assert_int_equal(st_store_label_job_reprint(f->store, id, NULL, op.id, "x", f->now, NULL,
						    NULL),
			 ST_ERR_CONSTRAINT);
	/* The station claimed the first job, then died before it finished. */
	st_printq_free(f->q);
	assert_int_equal(st_store_label_job_claim(f->store, id, f->now), ST_OK);
	st_store_close(f->store);
	store_open(f);
	q_open(f); /* the restart */
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_string_equal(j.state, "uncertain");
	assert_non_null(strstr(j.last_error, "may or may not have printed"));

	/* The second still prints; the first is not sent by any retry. */
	assert_true(pump(f, jobs_recorded, &one, 3000));
	assert_false(pump(f, jobs_recorded, &(size_t){ 2 }, 300));
	{
		size_t n;
		uint8_t *got = fake_zebra_job(f->z, 0, &n);

		assert_memory_equal(got, "^XA^FDvoid me^FS^XZ", n);
		free(got);
	}
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_string_equal(j.state, "uncertain");

	/* An operator decides: reprint needs a reason. */
	assert_int_equal(st_store_operator_by_badge(f->store, "BADGE-0001", &op), ST_OK);
	assert_int_equal(st_store_label_job_reprint(f->store, id, NULL, op.id, "", f->now, &nid, NULL),
			 ST_ERR_ARG);
	assert_int_equal(st_store_label_job_reprint(f->store, id, NULL, 0, "jammed", f->now, &nid,
						    NULL),
			 ST_ERR_ARG);
	assert_int_equal(st_store_label_job_reprint(f->store, id, NULL, op.id, "label jammed",
						    f->now, &nid, NULL),
			 ST_OK);
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_string_equal(j.state, "reprinted");
	st_printq_kick(f->q);
	assert_true(pump(f, jobs_recorded, &(size_t){ 2 }, 3000));
	assert_int_equal(st_store_label_job_get(f->store, nid, &j), ST_OK);
	assert_int_equal(j.reprint_of, id);
	assert_true(pump(f, job_in_state, &(struct want){ nid, "done" },
			 3000));
	/* Reprinted already: the reprint is the job to reprint now. */
	assert_int_equal(st_store_label_job_reprint(f->store, id, NULL, op.id, "again", f->now, NULL,
						    NULL),
			 ST_ERR_CONSTRAINT);
	assert_non_null(strstr(st_store_errmsg(f->store), "reprinted"));
	/* Void: a printed label declared void, audited; twice is refused. */
	assert_int_equal(st_store_label_job_void(f->store, id2, op.id, "wrong order", f->now), ST_OK);
	assert_int_equal(st_store_label_job_void(f->store, id2, op.id, "again", f->now),
			 ST_ERR_CONSTRAINT);
	assert_int_equal(st_store_label_job_get(f->store, id2, &j), ST_OK);
	assert_string_equal(j.state, "void");
	assert_int_equal(fake_zebra_jobs(f->z), 2);
}

/* The printer stops reading part-way through a job too big for the socket
 * buffers: the send times out with bytes gone, the job is uncertain, and
 * no retry sends it again. */
static void printq__cut_off_mid_job_is_uncertain(void **state)
{
	struct fx *f = *state;
	struct fake_zebra_state st = { .stall = true };
	size_t big = 12u << 20, n;
	char *zpl = malloc(big + 1);
	struct st_label_job j;
	int64_t id;
	bool seen = false;
	json_t *ev;
	size_t i;

	assert_non_null(zpl);
	memset(zpl, 'A', big);
	memcpy(zpl, "^XA^FD", 6);
	memcpy(zpl + big - 6, "^FS^XZ", 6);
	zpl[big] = '\0';
	st_printq_free(f->q);
	f->cfg.printer.io_timeout_ms = 300;
	q_open(f);
	fake_zebra_set(f->z, &st);
	id = add_job(f, zpl, "zpl");
	assert_true(pump(f, job_in_state, &(struct want){ id, "uncertain" }, 10000));
	json_array_foreach(f->events, i, ev)
		if (!strcmp(json_string_value(json_object_get(ev, "event")), "print") &&
		    !strcmp(json_string_value(json_object_get(ev, "state")), "uncertain"))
			seen = true;
	assert_true(seen);
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_non_null(strstr(j.last_error, "took nothing"));

	/* The printer reads again; time passes: nothing is sent again. */
	st.stall = false;
	fake_zebra_set(f->z, &st);
	f->now += 60000;
	assert_true(fake_zebra_wait_jobs(f->z, 1, 5000)); /* the part that got there */
	assert_false(pump(f, jobs_recorded, &(size_t){ 2 }, 500));
	free(fake_zebra_job(f->z, 0, &n));
	assert_true(n < big);
	free(zpl);
}

static void printq__void_queued_job_never_prints(void **state)
{
	struct fx *f = *state;
	struct fake_zebra_state st = { .flags = LB_ST_PAUSED };
	struct st_operator op;
	int64_t id;

	fake_zebra_set(f->z, &st);
	id = add_job(f, "^XA^FDcancel^FS^XZ", "zpl");
	assert_true(pump(f, reason_is, "paused", 3000));
	assert_int_equal(st_store_operator_by_badge(f->store, "BADGE-0001", &op), ST_OK);
	/* A job that will print anyway is not reprinted (void it first). */
	assert_int_equal(st_store_label_job_reprint(f->store, id, NULL, op.id, "again", f->now, NULL,
						    NULL),
			 ST_ERR_CONSTRAINT);
	assert_int_equal(st_store_label_job_void(f->store, id, op.id, "order cancelled", f->now),
			 ST_OK);
	st.flags = 0;
	fake_zebra_set(f->z, &st);
	f->now += 10000;
	assert_false(pump(f, jobs_recorded, &(size_t){ 1 }, 500));
	assert_int_equal(fake_zebra_jobs(f->z), 0);
}

static void printq__one_drainer_and_the_bell(void **state)
{
	struct fx *f = *state;
	struct st_printq *other = NULL;
	struct st_printq_opts o = { .cfg = &f->cfg, .store = f->store, .lock_path = f->lock };
	struct st_label_job_new j = {
		.printer = "label", .format = "zpl", .payload = (const uint8_t *)"^XA^XZ", .len = 6,
		.ts_ms = f->now,
	};
	struct pollfd p[8];
	size_t one = 1;
	char err[512];
	int n;

	assert_int_equal(st_printq_new(&o, &other, err, sizeof(err)), ST_ERR_BUSY);
	assert_null(other);
	assert_non_null(strstr(err, "another qcstation prints from this database"));

	/* Idle, the queue sleeps without a timer... */
	assert_int_equal(st_printq_dispatch(f->q), ST_OK);
	assert_int_equal(st_printq_timeout_ms(f->q), -1);
	/* ...until another process queues a job and rings. */
	assert_int_equal(st_store_label_job_add(f->store, &j, NULL, NULL), ST_OK);
	assert_int_equal(st_printq_ring(f->lock), ST_OK);
	n = st_printq_pollfds(f->q, p, 8);
	assert_true(poll(p, (nfds_t)n, 2000) > 0);
	assert_true(pump(f, jobs_recorded, &one, 3000));
}

static void printq__format_the_printer_cannot_take_fails(void **state)
{
	struct fx *f = *state;
	struct st_label_job j;
	size_t i;
	json_t *ev;
	bool seen = false;
	int64_t id = add_job(f, "\x89PNG\r\n\x1a\n", "png");

	assert_true(pump(f, job_in_state, &(struct want){ id, "failed" },
			 3000));
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_non_null(strstr(j.last_error, "cannot print png"));
	json_array_foreach(f->events, i, ev)
		if (!strcmp(json_string_value(json_object_get(ev, "event")), "print") &&
		    !strcmp(json_string_value(json_object_get(ev, "state")), "failed"))
			seen = true;
	assert_true(seen);
	assert_int_equal(fake_zebra_jobs(f->z), 0);
}

static void printq__printer_unreachable_keeps_jobs(void **state)
{
	struct fx *f = *state;
	struct st_label_job j;
	struct st_printer_rec pr;
	int64_t id;

	/* Another address: nothing listens on port 1 of loopback. */
	st_printq_free(f->q);
	snprintf(f->cfg.printer.uri, sizeof(f->cfg.printer.uri), "tcp://127.0.0.1:1");
	q_open(f);
	id = add_job(f, "^XA^FDkept^FS^XZ", "zpl");
	assert_true(pump(f, idle_waiting, NULL, 3000));
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	assert_string_equal(j.state, "queued");
	assert_int_equal(j.attempts, 0);
	assert_int_equal(st_store_printer_get(f->store, "label", &pr), ST_OK);
	assert_true(!strcmp(pr.state, "offline") || !strcmp(pr.state, "not_ready"));
	assert_true(pr.last_error[0] != '\0');
}

static void printq__folder_printer(void **state)
{
	struct fx *f = *state;
	struct st_label_job j;
	char path[300];
	int64_t id;

	st_printq_free(f->q);
	snprintf(f->cfg.printer.uri, sizeof(f->cfg.printer.uri), "dir:%s", f->dir);
	q_open(f);
	id = add_job(f, "%PDF-1.4 a carrier label", "pdf");
	assert_true(pump(f, job_in_state, &(struct want){ id, "done" },
			 3000));
	assert_int_equal(st_store_label_job_get(f->store, id, &j), ST_OK);
	snprintf(path, sizeof(path), "%s/%s.pdf", f->dir, j.uuid);
	assert_int_equal(access(path, R_OK), 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(printq__prints_in_order_byte_for_byte, setup,
						teardown),
		cmocka_unit_test_setup_teardown(printq__waits_while_paper_out_then_prints_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(printq__stopped_mid_send_is_uncertain_never_resent,
						setup, teardown),
		cmocka_unit_test_setup_teardown(printq__cut_off_mid_job_is_uncertain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(printq__void_queued_job_never_prints, setup,
						teardown),
		cmocka_unit_test_setup_teardown(printq__one_drainer_and_the_bell, setup, teardown),
		cmocka_unit_test_setup_teardown(printq__format_the_printer_cannot_take_fails, setup,
						teardown),
		cmocka_unit_test_setup_teardown(printq__printer_unreachable_keeps_jobs, setup,
						teardown),
		cmocka_unit_test_setup_teardown(printq__folder_printer, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
