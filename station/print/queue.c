/* station/print: the print queue engine (see st/printq.h and
 * docs/internals/print-queue.md).
 *
 * A small state machine over one transport:
 *
 *   IDLE --job due--> QUERY (status, where the transport has it)
 *        \                 | ready        | not ready / no answer / error
 *         \--------------> SEND           +--> IDLE, retry after backoff
 *                          | done: next job at once
 *                          | failed: queued again (nothing left) or
 *                          |         uncertain (bytes left), backoff
 *
 * Every store write is its own committed statement; the claim (queued ->
 * sending) is written before the first byte, which is what makes a crash
 * mid-send show up as 'sending' (then 'uncertain') and never as a job
 * that silently prints again.
 */
/* F_OFD_SETLK: a lock that belongs to an open file, not to the process
 * (Linux 3.15+), so two queues of one process exclude each other too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lb/err.h"
#include "lb/status.h"
#include "lb/transport.h"
#include "st/err.h"
#include "st/printq.h"
#include "st/store_print.h"

#define IDLE_POLL_MS 1000 /* look for jobs other processes queued this often */

enum pq_phase { PQ_IDLE = 0, PQ_QUERY, PQ_SEND };

struct st_printq {
	struct st_printq_opts o;
	const struct st_config_printer *pc;
	char name[64];
	char uri[1100];
	struct lb_transport *t;
	int lock_fd;
	int timer_fd;
	int bell_fd;               /* inotify on the lock file: st_printq_ring() */

	enum pq_phase phase;
	int64_t next_at;           /* clock ms: IDLE looks again then */
	bool kicked;
	struct st_label_job job;   /* the job being queried for or sent */
	uint8_t *payload;
	size_t len;
	enum lb_format fmt;

	/* the printer */
	const char *state;         /* unknown, ready, not_ready, offline */
	char reason[160];
	unsigned flags;
	unsigned failures;
	int64_t retry_at;
	int64_t printed;
	bool not_ready_seen;       /* since the last drain started */
};

static int64_t system_now(void *ud)
{
	struct timespec ts;

	(void)ud;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now(const struct st_printq *q)
{
	return q->o.now_ms(q->o.clock_ud);
}

static void emit(struct st_printq *q, const char *name, json_t *fields)
{
	if (q->o.event && fields)
		q->o.event(name, fields, q->o.event_ud);
	else
		json_decref(fields);
}

/* usb:ROLE becomes usb:KEY when [devices] binds ROLE. */
static void resolve_uri(struct st_printq *q)
{
	char raw[1100];

	st_config_printer_uri(q->o.cfg, raw, sizeof(raw));
	if (!strncmp(raw, "usb:", 4)) {
		for (unsigned i = 0; i < q->o.cfg->n_roles; i++)
			if (!strcmp(q->o.cfg->roles[i].role, raw + 4)) {
				snprintf(q->uri, sizeof(q->uri), "usb:%s", q->o.cfg->roles[i].key);
				return;
			}
	}
	snprintf(q->uri, sizeof(q->uri), "%s", raw);
}

/* The drain lock is an open-file-description record lock (fcntl), not
 * flock(): another process can ask whether it is held (F_OFD_GETLK,
 * st_printq_holder()) without taking it, so "qcstation printers" never
 * keeps a starting station from printing. */
static int take_lock(struct st_printq *q, char *err, size_t errlen)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (!q->o.lock_path)
		return ST_OK;
	q->lock_fd = open(q->o.lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (q->lock_fd < 0) {
		snprintf(err, errlen, "%s: %s", q->o.lock_path, strerror(errno));
		return ST_ERR_IO;
	}
	if (fcntl(q->lock_fd, F_OFD_SETLK, &fl) < 0) {
		int e = errno;
		bool held = e == EACCES || e == EAGAIN;

		snprintf(err, errlen, "%s: %s", q->o.lock_path,
			 held ? "another qcstation prints from this database" : strerror(e));
		return held ? ST_ERR_BUSY : ST_ERR_IO;
	}
	return ST_OK;
}

int st_printq_holder(const char *lock_path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(lock_path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return 0; /* no lock file: no station ever printed from here */
	rc = fcntl(fd, F_OFD_GETLK, &fl);
	close(fd);
	return rc == 0 && fl.l_type != F_UNLCK;
}

/* Record the printer's state; an event when it changed. */
static void set_printer(struct st_printq *q, const char *state, const char *reason,
			unsigned flags, const char *error)
{
	struct st_printer_rec r;
	struct st_label_counts c = { 0 };
	json_t *fl;
	bool changed = strcmp(q->state, state) || strcmp(q->reason, reason) || q->flags != flags;

	q->state = state;
	snprintf(q->reason, sizeof(q->reason), "%s", reason);
	q->flags = flags;
	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", q->name);
	snprintf(r.uri, sizeof(r.uri), "%.255s", q->uri);
	snprintf(r.state, sizeof(r.state), "%s", state);
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	fl = json_array();
	for (unsigned b = 0; b < LB_ST_FLAG_COUNT; b++) {
		size_t n = strlen(r.flags);

		if (!(flags & (1u << b)))
			continue;
		snprintf(r.flags + n, sizeof(r.flags) - n, "%s%s", n ? "," : "",
			 lb_status_flag_name(1u << b));
		json_array_append_new(fl, json_string(lb_status_flag_name(1u << b)));
	}
	if (error)
		snprintf(r.last_error, sizeof(r.last_error), "%s", error);
	r.updated_ms = now(q);
	if (changed || error) {
		if (st_store_printer_set(q->o.store, &r) < 0)
			st_log(q->o.log, LOG_WARNING, "printer %s: cannot record its state: %s",
			       q->name, st_store_errmsg(q->o.store));
	}
	if (!changed) {
		json_decref(fl);
		return;
	}
	st_store_label_counts(q->o.store, q->name, &c);
	st_log(q->o.log, strcmp(state, "ready") ? LOG_WARNING : LOG_INFO,
	       "printer %s: %s%s%s (%lld waiting)", q->name, state, reason[0] ? ": " : "", reason,
	       (long long)c.queued);
	emit(q, "printer",
	     json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:I}", "printer", q->name, "uri", q->uri,
		       "state", state, "reason", reason, "flags", fl, "waiting",
		       (json_int_t)c.queued, "uncertain", (json_int_t)c.uncertain));
}

static void job_event(struct st_printq *q, const char *state, const char *error)
{
	json_t *f = json_pack("{s:I, s:s, s:s, s:s, s:i}", "job", (json_int_t)q->job.id, "uuid",
			      q->job.uuid, "printer", q->name, "state", state, "attempts",
			      q->job.attempts + 1);

	if (error && *error)
		json_object_set_new(f, "error", json_string(error));
	emit(q, "print", f);
}

/* The printer failed us: wait retry_min * 2^(failures-1), capped. */
static void backoff(struct st_printq *q)
{
	int64_t d = q->pc->retry_min_ms;

	q->failures++;
	for (unsigned i = 1; i < q->failures && d < q->pc->retry_max_ms; i++)
		d *= 2;
	if (d > q->pc->retry_max_ms)
		d = q->pc->retry_max_ms;
	q->retry_at = now(q) + d;
	q->next_at = q->retry_at;
	q->not_ready_seen = true;
}

static void drop_job(struct st_printq *q)
{
	free(q->payload);
	q->payload = NULL;
	q->len = 0;
	q->phase = PQ_IDLE;
}

int st_printq_new(const struct st_printq_opts *o, struct st_printq **out, char *err,
		  size_t errlen)
{
	struct st_printq *q = calloc(1, sizeof(*q));
	struct lb_transport_opts to = { 0 };
	char lerr[400];
	int64_t n = 0;
	int rc, lrc;

	if (!q) {
		snprintf(err, errlen, "out of memory");
		return ST_ERR_NOMEM;
	}
	q->o = *o;
	if (!q->o.now_ms)
		q->o.now_ms = system_now;
	q->pc = &o->cfg->printer;
	q->lock_fd = -1;
	q->timer_fd = -1;
	q->bell_fd = -1;
	q->state = "unknown";
	snprintf(q->name, sizeof(q->name), "%s", q->pc->name);
	resolve_uri(q);
	to.connect_timeout_ms = q->pc->io_timeout_ms;
	to.io_timeout_ms = q->pc->io_timeout_ms;
	to.status_timeout_ms = q->pc->status_timeout_ms;
	to.usb = o->usb;
	lrc = lb_transport_open(q->uri, &to, &q->t, lerr, sizeof(lerr));
	if (lrc < 0) {
		snprintf(err, errlen, "[printer] uri: %s", lerr);
		rc = lrc == LB_ERR_NOMEM ? ST_ERR_NOMEM : ST_ERR_CONFIG;
		goto fail;
	}
	rc = take_lock(q, err, errlen);
	if (rc < 0)
		goto fail;
	q->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (q->timer_fd < 0) {
		snprintf(err, errlen, "timerfd: %s", strerror(errno));
		rc = ST_ERR_IO;
		goto fail;
	}
	if (o->lock_path) {
		q->bell_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (q->bell_fd < 0 ||
		    inotify_add_watch(q->bell_fd, o->lock_path, IN_ATTRIB | IN_MODIFY) < 0) {
			snprintf(err, errlen, "%s: inotify: %s", o->lock_path, strerror(errno));
			rc = ST_ERR_IO;
			goto fail;
		}
	}
	q->kicked = true; /* look at the queue at the first dispatch */
	rc = st_store_label_jobs_recover(o->store, q->name, &n);
	if (rc < 0) {
		snprintf(err, errlen, "print queue: %s", st_store_errmsg(o->store));
		goto fail;
	}
	if (n > 0)
		st_log(o->log, LOG_WARNING,
		       "printer %s: %lld job(s) were being sent when the station stopped: they are "
		       "'uncertain' until an operator reprints or voids them (qcstation printers)",
		       q->name, (long long)n);
	*out = q;
	return ST_OK;
fail:
	st_printq_free(q);
	return rc;
}

void st_printq_free(struct st_printq *q)
{
	if (!q)
		return;
	lb_transport_free(q->t);
	free(q->payload);
	if (q->timer_fd >= 0)
		close(q->timer_fd);
	if (q->bell_fd >= 0)
		close(q->bell_fd);
	if (q->lock_fd >= 0)
		close(q->lock_fd); /* releases the lock */
	free(q);
}

void st_printq_kick(struct st_printq *q)
{
	if (q)
		q->kicked = true;
}

void st_printq_info(const struct st_printq *q, struct st_printq_info *out)
{
	memset(out, 0, sizeof(*out));
	out->name = q->name;
	out->uri = q->uri;
	out->state = q->state;
	snprintf(out->reason, sizeof(out->reason), "%s", q->reason);
	out->flags = q->flags;
	out->retry_at_ms = q->retry_at;
	out->failures = q->failures;
	out->printed = q->printed;
}

int st_printq_timeout_ms(const struct st_printq *q)
{
	int64_t left;

	if (q->phase != PQ_IDLE)
		return lb_transport_timeout_ms(q->t);
	if (q->retry_at) {
		left = q->retry_at - now(q);
		return left < 0 ? 0 : left > 3600000 ? 3600000 : (int)left;
	}
	/* Idle: woken by a kick (a job queued here) or the bell (queued by
	 * another process), not by a clock: no wake-ups while nothing waits. */
	return q->kicked ? 0 : -1;
}

int st_printq_pollfds(struct st_printq *q, struct pollfd *fds, size_t cap)
{
	size_t n = 0;
	int ms;

	if (cap > 0 && q->phase != PQ_IDLE && lb_transport_pollfd(q->t, &fds[n]) == 1)
		n++;
	if (n < cap && q->bell_fd >= 0) {
		fds[n].fd = q->bell_fd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	ms = st_printq_timeout_ms(q);
	if (n < cap && ms >= 0) {
		struct itimerspec its = { 0 };

		its.it_value.tv_sec = ms / 1000;
		its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
		if (ms == 0)
			its.it_value.tv_nsec = 1; /* 0 would disarm it */
		if (timerfd_settime(q->timer_fd, 0, &its, NULL) == 0) {
			fds[n].fd = q->timer_fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
	}
	return (int)n;
}

/* The job could not be sent and no byte of it left: it waits. */
static int wait_job(struct st_printq *q, const char *why)
{
	int rc = st_store_label_job_wait(q->o.store, q->job.id, why, false, now(q));

	drop_job(q);
	backoff(q);
	return rc == ST_ERR_CONSTRAINT ? ST_OK : rc; /* voided meanwhile: fine */
}

static int start_send(struct st_printq *q)
{
	int rc = st_store_label_job_claim(q->o.store, q->job.id, now(q));

	if (rc == ST_ERR_CONSTRAINT) { /* voided or taken meanwhile: not ours */
		drop_job(q);
		q->kicked = true;
		return ST_OK;
	}
	if (rc < 0) {
		drop_job(q);
		backoff(q);
		return rc;
	}
	if (lb_transport_send(q->t, q->payload, q->len, q->fmt, q->job.uuid) < 0) {
		/* Refused before a byte moved (checked at load): back to queued. */
		rc = st_store_label_job_settle(q->o.store, q->job.id, "queued",
					       lb_transport_errmsg(q->t), now(q));
		drop_job(q);
		backoff(q);
		return rc;
	}
	q->phase = PQ_SEND;
	return ST_OK;
}

/* IDLE: pick the next job and begin. */
static int begin_job(struct st_printq *q)
{
	char why[200];
	int rc;

	q->kicked = false;
	rc = st_store_label_job_next(q->o.store, q->name, &q->job);
	if (rc == ST_ERR_NOTFOUND) {
		q->next_at = now(q) + IDLE_POLL_MS;
		return ST_OK;
	}
	if (rc < 0) {
		q->next_at = now(q) + IDLE_POLL_MS;
		return rc;
	}
	if (lb_format_parse(q->job.format, &q->fmt) < 0 || !lb_transport_accepts(q->t, q->fmt)) {
		snprintf(why, sizeof(why), "printer %s (%.80s) cannot print %s", q->name, q->uri,
			 q->job.format);
		rc = st_store_label_job_wait(q->o.store, q->job.id, why, true, now(q));
		job_event(q, "failed", why);
		q->kicked = true;
		return rc == ST_ERR_CONSTRAINT ? ST_OK : rc;
	}
	rc = st_store_label_job_payload(q->o.store, q->job.id, &q->payload, &q->len);
	if (rc < 0) {
		q->next_at = now(q) + IDLE_POLL_MS;
		return rc;
	}
	if (q->pc->status && lb_transport_has_status(q->t)) {
		rc = lb_transport_query(q->t);
		if (rc == LB_OK) {
			q->phase = PQ_QUERY;
			return ST_OK;
		}
	}
	return start_send(q);
}

static int step_query(struct st_printq *q)
{
	const struct lb_status *st;
	char why[200];
	int rc = lb_transport_step(q->t);

	if (rc == LB_ERR_AGAIN)
		return ST_OK;
	st = lb_transport_status(q->t);
	if (rc == LB_OK && lb_status_ready(st)) {
		set_printer(q, "ready", "", 0, NULL);
		return start_send(q);
	}
	lb_transport_disconnect(q->t);
	if (rc == LB_OK) {
		lb_status_describe(st, why, sizeof(why));
		set_printer(q, "not_ready", why, st->flags, NULL);
	} else if (rc == LB_ERR_TIMEOUT) {
		snprintf(why, sizeof(why), "no answer");
		set_printer(q, "not_ready", why, 0, lb_transport_errmsg(q->t));
	} else {
		snprintf(why, sizeof(why), "%s", lb_transport_errmsg(q->t));
		set_printer(q, "offline", why, 0, why);
	}
	return wait_job(q, why);
}

static int step_send(struct st_printq *q)
{
	char why[400];
	int rc = lb_transport_step(q->t), src;

	if (rc == LB_ERR_AGAIN)
		return ST_OK;
	if (rc == LB_OK) {
		src = st_store_label_job_settle(q->o.store, q->job.id, "done", NULL, now(q));
		q->printed++;
		q->failures = 0;
		q->retry_at = 0;
		st_log(q->o.log, LOG_INFO, "printer %s: job %lld printed", q->name,
		       (long long)q->job.id);
		job_event(q, "done", NULL);
		if (strcmp(q->state, "ready"))
			set_printer(q, "ready", "", 0, NULL);
		drop_job(q);
		q->kicked = true; /* the next job at once */
		return src;
	}
	snprintf(why, sizeof(why), "%s", lb_transport_errmsg(q->t));
	lb_transport_disconnect(q->t);
	if (lb_transport_sent(q->t) == 0) {
		/* Nothing reached the printer: safe to try again later. */
		src = st_store_label_job_settle(q->o.store, q->job.id, "queued", why, now(q));
		set_printer(q, "offline", why, 0, why);
		drop_job(q);
		backoff(q);
		return src;
	}
	/* Some bytes left: the label may or may not have printed. */
	src = st_store_label_job_settle(q->o.store, q->job.id, "uncertain", why, now(q));
	st_log(q->o.log, LOG_WARNING,
	       "printer %s: job %lld stopped part-way (%s); it may have printed: reprint or void"
	       " it (qcstation label reprint|void)", q->name, (long long)q->job.id, why);
	job_event(q, "uncertain", why);
	set_printer(q, "offline", why, 0, why);
	drop_job(q);
	backoff(q);
	return src;
}

int st_printq_dispatch(struct st_printq *q)
{
	uint64_t ticks;
	int rc = ST_OK, saved_errno = errno;

	/* Clear the timer (it is re-armed by st_printq_pollfds()), and the
	 * bell: another process queued a job. */
	while (read(q->timer_fd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		;
	if (q->bell_fd >= 0) {
		char ev[512];

		while (read(q->bell_fd, ev, sizeof(ev)) > 0)
			q->kicked = true;
	}
	for (int guard = 0; guard < 16 && rc == ST_OK; guard++) {
		enum pq_phase before = q->phase;

		switch (q->phase) {
		case PQ_IDLE:
			/* Due, or the clock was set back past the whole wait. */
			if (q->retry_at && (now(q) >= q->retry_at ||
					    q->retry_at - now(q) > q->pc->retry_max_ms)) {
				q->retry_at = 0;
				q->kicked = true; /* the job that waited */
			}
			if (q->retry_at || (!q->kicked && now(q) < q->next_at)) {
				errno = saved_errno;
				return ST_OK;
			}
			rc = begin_job(q);
			break;
		case PQ_QUERY:
			rc = step_query(q);
			break;
		case PQ_SEND:
			rc = step_send(q);
			break;
		}
		/* Stop when nothing moved (waiting on the printer or time). */
		if (q->phase == before && q->phase != PQ_IDLE)
			break;
		if (q->phase == PQ_IDLE && (q->retry_at || (!q->kicked && now(q) < q->next_at)))
			break;
	}
	if (rc < 0)
		st_log(q->o.log, LOG_ERR, "print queue: %s", st_store_errmsg(q->o.store));
	/* The UI loops read errno after poll() and this call (EINTR from a
	 * resize): the EAGAIN of the reads above must not reach them. */
	errno = saved_errno;
	return rc;
}

int st_printq_ring(const char *lock_path)
{
	/* The station watches its lock file's attributes (IN_ATTRIB). */
	if (utimensat(AT_FDCWD, lock_path, NULL, 0) < 0)
		return errno == ENOENT ? ST_ERR_NOTFOUND : ST_ERR_IO;
	return ST_OK;
}

int st_printq_drain(struct st_printq *q, int timeout_ms, const volatile sig_atomic_t *stop)
{
	struct timespec ts;
	int64_t end;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + timeout_ms;
	q->not_ready_seen = false;
	q->kicked = true;
	q->next_at = 0;
	q->retry_at = 0;
	for (;;) {
		struct st_label_counts c = { 0 };
		struct pollfd p[4];
		int n, rc, ms;
		int64_t mono;

		rc = st_printq_dispatch(q);
		if (rc < 0)
			return rc;
		if (q->phase == PQ_IDLE) {
			rc = st_store_label_counts(q->o.store, q->name, &c);
			if (rc < 0)
				return rc;
			if (c.queued == 0)
				return ST_OK;
			if (q->not_ready_seen)
				return ST_ERR_TIMEOUT;
		}
		if (stop && *stop)
			return ST_ERR_TIMEOUT;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		mono = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		if (mono >= end)
			return ST_ERR_TIMEOUT;
		n = st_printq_pollfds(q, p, 4);
		ms = st_printq_timeout_ms(q);
		if (ms < 0 || ms > end - mono)
			ms = (int)(end - mono);
		if (poll(p, (nfds_t)n, ms) < 0 && errno != EINTR)
			return ST_ERR_IO;
	}
}
