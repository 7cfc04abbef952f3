/* station/cli: "qcstation sync [--follow] [--json]" and "qcstation sync
 * status [--json]" (docs/sync.md).
 *
 * A run pushes the outbox (in id order, a batch at a time, each batch
 * acknowledged in one transaction once the server answered it), then pulls
 * the feed page by page (each page applied together with its cursor).
 * Killed at any instant, the next run resumes: an event whose answer was
 * lost is sent again and the server says "duplicate".  --follow keeps
 * going: it pushes within follow_poll_ms of a new outbox row (SHP-02: a
 * tracking number reaches the store the same day) and pulls every
 * pull_interval_s, until SIGTERM or SIGINT.
 *
 * Exit status: 0 done, 75 the server could not be reached or kept failing
 * (try later), 76 the server refused a request as malformed, 77 the token
 * was refused, 78 configuration (no server, no token, TLS), others as every
 * command (qcstation(1)).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "st/err.h"
#include "st/import.h"
#include "st/store_sync.h"
#include "sy/client.h"
#include "sy/err.h"
#include "cli-int.h"

#define TOKEN_MAX 4096

/* One batch of events, its strings in one block (arena), the results the
 * server gave and the acknowledgements made of them. */
struct batch {
	struct sy_proto_event *ev;
	struct sy_proto_result *res;
	struct st_sync_ack *acks;
	size_t *offs;            /* 3 per event: type, entity, payload in arena */
	char *arena;             /* the batch's strings, NUL-terminated, one block */
	size_t arena_len, arena_cap;
	bool arena_full;         /* out of memory while collecting */
	size_t n;
	char *body;              /* the request, encoded while the previous one is on the wire */
	size_t body_len;
	/* the push, run on its own thread */
	struct sy_client *cl;
	size_t done;
	int prc;
};

struct sync_run {
	struct qc_cli *c;
	struct st_store *s;
	struct sy_client *cl;
	bool json, follow, bar;
	unsigned batch;
	const char *station;     /* the client's station, to encode batches */
	/* this run */
	uint64_t pushed, applied, duplicate, rejected;
	uint64_t pages, items;
	struct st_sync_page_stats pulled;
	int64_t total;           /* events pending at the start (the bar's 100 %) */
	int64_t start_ms, bar_ms;
	char error[600];
	/* two batches: one on the wire while the other is read or acknowledged */
	struct batch *slot[2];
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool stopped(const struct sync_run *r)
{
	return r->c->stop && *r->c->stop;
}

/* The client's log lines, to stderr, as the config's [log] level says. */
static void log_sink(int level, const char *msg, void *ud)
{
	struct sync_run *r = ud;

	if (level > r->c->cfg.log_level)
		return;
	if (r->bar)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "qcstation: %s\n", msg);
}

/* ---- the token ---------------------------------------------------------------- */

/* Read the token file: one line, surrounding white space removed. */
static int read_token(const char *path, char *tok, size_t cap)
{
	struct stat st;
	ssize_t n;
	size_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qc_err("sync: token file %s: %s", path, strerror(errno));
		return QC_EXIT_CONFIG;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		qc_err("sync: token file %s: not a regular file", path);
		return QC_EXIT_CONFIG;
	}
	if (st.st_mode & 0077)
		qc_err("sync: warning: token file %s can be read by others (chmod 600 it)", path);
	n = read(fd, tok, cap - 1);
	close(fd);
	if (n < 0) {
		qc_err("sync: token file %s: %s", path, strerror(errno));
		return QC_EXIT_CONFIG;
	}
	len = (size_t)n;
	tok[len] = '\0';
	while (len && (tok[len - 1] == '\n' || tok[len - 1] == '\r' || tok[len - 1] == ' ' ||
		       tok[len - 1] == '\t'))
		tok[--len] = '\0';
	if (!len || len == cap - 1 || strpbrk(tok, " \t\r\n")) {
		qc_err("sync: token file %s: expected the token on one line", path);
		return QC_EXIT_CONFIG;
	}
	return QC_EXIT_OK;
}

/* ---- progress ------------------------------------------------------------------- */

static void bar_draw(struct sync_run *r, bool last)
{
	int64_t now = mono_ms(), el = now - r->start_ms;
	int width = 30, fill;
	double rate;
	int64_t left;

	if (!r->bar || (!last && now - r->bar_ms < 100))
		return;
	r->bar_ms = now;
	fill = r->total > 0 ? (int)((int64_t)r->pushed * width / r->total) : width;
	if (fill > width)
		fill = width;
	rate = el > 0 ? (double)r->pushed * 1000.0 / (double)el : 0.0;
	left = rate > 0 && r->total > (int64_t)r->pushed
		       ? (int64_t)((double)(r->total - (int64_t)r->pushed) / rate)
		       : 0;
	fprintf(stderr, "\rpush [%.*s%*s] %" PRIu64 "/%" PRId64 " events  %.0f/s  %d:%02d left ",
		fill, "##############################", width - fill, "", r->pushed, r->total,
		rate, (int)(left / 60), (int)(left % 60));
	if (last)
		fputc('\n', stderr);
}

/* ---- push ------------------------------------------------------------------------ */

static void batch_clear(struct batch *b)
{
	b->n = 0;
	b->arena_len = 0;
	b->arena_full = false;
	free(b->body);
	b->body = NULL;
	b->body_len = 0;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	free(b->ev);
	free(b->res);
	free(b->acks);
	free(b->offs);
	free(b->arena);
	free(b->body);
	free(b);
}

static struct batch *batch_new(unsigned cap)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->ev = calloc(cap, sizeof(*b->ev));
	b->res = calloc(cap, sizeof(*b->res));
	b->acks = calloc(cap, sizeof(*b->acks));
	b->offs = calloc((size_t)cap * 3, sizeof(*b->offs));
	if (!b->ev || !b->res || !b->acks || !b->offs) {
		batch_free(b);
		return NULL;
	}
	return b;
}

/* Append s[0..n) and a NUL to the arena; its offset, or SIZE_MAX. */
static size_t arena_add(struct batch *b, const char *s, size_t n)
{
	size_t at = b->arena_len;

	if (b->arena_len + n + 1 > b->arena_cap) {
		size_t cap = b->arena_cap ? b->arena_cap : 65536;
		char *a;

		while (cap < b->arena_len + n + 1)
			cap *= 2;
		a = realloc(b->arena, cap);
		if (!a) {
			b->arena_full = true;
			return SIZE_MAX;
		}
		b->arena = a;
		b->arena_cap = cap;
	}
	memcpy(b->arena + at, s, n);
	b->arena[at + n] = '\0';
	b->arena_len += n + 1;
	return at;
}

/* Collect one pending event; its strings go to the arena, the pointers
 * are set by batch_fix() once the arena stops moving. */
static int collect(const struct st_sync_event *e, void *ud)
{
	struct batch *b = ud;
	struct sy_proto_event *p = &b->ev[b->n];
	size_t *off = &b->offs[b->n * 3];

	memset(p, 0, sizeof(*p));
	off[0] = arena_add(b, e->type, strlen(e->type));
	off[1] = arena_add(b, e->entity, strlen(e->entity));
	off[2] = arena_add(b, e->payload, e->payload_len);
	if (b->arena_full)
		return ST_ERR_NOMEM;
	snprintf(p->uuid, sizeof(p->uuid), "%s", e->uuid);
	p->seq = e->id;
	p->ts_ms = e->created_ms;
	p->payload_len = e->payload_len;
	b->n++;
	return 0;
}

static void batch_fix(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		b->ev[i].type = b->arena + b->offs[i * 3];
		b->ev[i].entity = b->arena + b->offs[i * 3 + 1];
		b->ev[i].payload = b->arena + b->offs[i * 3 + 2];
	}
}

static void push_one(struct batch *b)
{
	b->done = 0;
	if (b->body)
		b->prc = sy_client_push_encoded(b->cl, b->body, b->body_len, b->ev, b->n, b->res,
						&b->done);
	else
		b->prc = sy_client_push(b->cl, b->ev, b->n, b->res, &b->done);
}

/* The push thread: it owns the client while a batch is on the wire
 * (STYLE.md 7: one thread per context); the main thread meanwhile uses
 * the store only.  One thread for the whole push, handed each batch in
 * turn: a thread made for each batch started up to 3.5 ms late on a busy
 * machine (the scheduler queues a new thread behind the running ones; a
 * woken one runs at once), and every batch waited for it. */
struct pusher {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *job; /* handed over, not yet taken */
	bool busy;         /* a batch is being pushed */
	bool quit;
	bool threaded;     /* else each batch is pushed in turn, on this thread */
	pthread_t th;
};

static void *pusher_main(void *ud)
{
	struct pusher *p = ud;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b;

		while (!p->job && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->job)
			break;
		b = p->job;
		p->job = NULL;
		pthread_mutex_unlock(&p->mu);
		push_one(b);
		pthread_mutex_lock(&p->mu);
		p->busy = false;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void pusher_start(struct pusher *p)
{
	memset(p, 0, sizeof(*p));
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		return;
	}
	p->threaded = pthread_create(&p->th, NULL, pusher_main, p) == 0;
	if (!p->threaded) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
}

/* Start pushing b (on the push thread, or here and now without one). */
static void pusher_submit(struct pusher *p, struct batch *b)
{
	if (!p->threaded) {
		push_one(b);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->job = b;
	p->busy = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Wait until the batch submitted last is answered (or failed). */
static void pusher_wait(struct pusher *p)
{
	if (!p->threaded)
		return;
	pthread_mutex_lock(&p->mu);
	while (p->busy)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void pusher_stop(struct pusher *p)
{
	if (!p->threaded)
		return;
	pusher_wait(p);
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
}

/* Map a client error to an exit status and keep its message. */
static int sy_fail(struct sync_run *r, int rc)
{
	const char *m = sy_client_errmsg(r->cl);

	if (rc == SY_ERR_CANCELLED)
		m = "stopped by a signal before the end";
	snprintf(r->error, sizeof(r->error), "%s", m && *m ? m : sy_strerror(rc));
	switch (rc) {
	case SY_ERR_AUTH:
		return QC_EXIT_NOPERM;
	case SY_ERR_TLS:
	case SY_ERR_ARG:
		return QC_EXIT_CONFIG;
	case SY_ERR_REJECTED:
		return QC_EXIT_PROTOCOL;
	case SY_ERR_NOMEM:
		return QC_EXIT_OSERR;
	default: /* unreachable, timed out, kept failing, stopped */
		return QC_EXIT_TEMPFAIL;
	}
}

static int st_fail(struct sync_run *r, int rc, const char *what)
{
	snprintf(r->error, sizeof(r->error), "%s: %s (%s)", what, st_strerror(rc),
		 st_store_errmsg(r->s));
	return qc_exit_for(rc);
}

/* Read the next batch after *after into b; 0 or an exit status. */
static int read_batch(struct sync_run *r, struct batch *b, int64_t *after)
{
	int rc;

	batch_clear(b);
	rc = st_store_sync_pending(r->s, *after, r->batch, collect, b);
	if (rc < 0) {
		batch_clear(b);
		return st_fail(r, rc, "reading the outbox");
	}
	if (b->n) {
		struct sy_proto_err perr;

		batch_fix(b);
		*after = b->ev[b->n - 1].seq;
		/* Encoded here, off the push's path; one the encoder refuses
		 * (an event it rejects, out of memory) goes the slow way,
		 * sy_client_push(), which answers bad events locally. */
		if (sy_proto_batch_encode(r->station, b->ev, b->n, &b->body, &b->body_len,
					  &perr) < 0) {
			b->body = NULL;
			b->body_len = 0;
		}
	}
	return QC_EXIT_OK;
}

/* Acknowledge what the server answered for b (its first b->done events). */
static int ack_batch(struct sync_run *r, struct batch *b)
{
	size_t nack = 0;
	int rc;

	for (size_t i = 0; i < b->done; i++) {
		struct st_sync_ack *a = &b->acks[nack++];
		const struct sy_proto_result *x = &b->res[i];

		a->outbox_id = b->ev[i].seq;
		a->server_seq = x->server_seq;
		a->reason = NULL;
		if (x->status == SY_PROTO_APPLIED) {
			a->result = ST_SYNC_APPLIED;
			r->applied++;
		} else if (x->status == SY_PROTO_DUPLICATE) {
			a->result = ST_SYNC_DUPLICATE;
			r->duplicate++;
		} else {
			a->result = ST_SYNC_REJECTED;
			a->server_seq = 0;
			a->reason = x->reason[0] ? x->reason : "rejected";
			r->rejected++;
		}
	}
	rc = st_store_sync_ack(r->s, b->acks, nack, wall_ms());
	if (rc < 0)
		return st_fail(r, rc, "acknowledging a batch");
	r->pushed += b->done;
	bar_draw(r, false);
	return QC_EXIT_OK;
}

/* Push every pending event; 0 or an exit status with r->error set.
 *
 * A pipeline: while batch k is on the wire (the push thread), this thread
 * acknowledges batch k-1 and then reads batch k+1 into its slot.
 * Requests still go one at a time and in order, and nothing is
 * acknowledged before the server answered it, so a kill at any instant
 * leaves at most the batch on the wire, and the one answered just
 * before it, to be sent again (the server says "duplicate"). */
static int push_all(struct sync_run *r)
{
	struct batch *cur = r->slot[0], *prev = NULL, *next;
	struct pusher p = { .threaded = false };
	int64_t after = 0;
	int rc, arc;

	rc = read_batch(r, cur, &after);
	if (rc == QC_EXIT_OK && cur->n > 0) /* a thread only when there is work */
		pusher_start(&p);
	while (rc == QC_EXIT_OK && cur->n > 0) {
		if (stopped(r)) {
			arc = prev ? ack_batch(r, prev) : QC_EXIT_OK;
			rc = arc ? arc : sy_fail(r, SY_ERR_CANCELLED);
			prev = NULL;
			break;
		}
		cur->cl = r->cl;
		pusher_submit(&p, cur);
		next = cur == r->slot[0] ? r->slot[1] : r->slot[0];
		arc = prev ? ack_batch(r, prev) : QC_EXIT_OK;
		if (arc == QC_EXIT_OK)
			rc = read_batch(r, next, &after);
		pusher_wait(&p);
		prev = NULL;
		if (arc) { /* cur was answered but not acknowledged: resent */
			rc = arc;
			break;
		}
		if (cur->prc < 0) {
			arc = ack_batch(r, cur); /* what was answered */
			rc = arc ? arc : sy_fail(r, cur->prc);
			break;
		}
		if (rc) {
			arc = ack_batch(r, cur);
			rc = arc ? arc : rc;
			break;
		}
		prev = cur;
		cur = next;
		if (cur->n == 0) { /* the read ran with the push: look again */
			arc = ack_batch(r, prev);
			prev = NULL;
			if (arc) {
				rc = arc;
				break;
			}
			rc = read_batch(r, cur, &after);
		}
	}
	if (prev) {
		arc = ack_batch(r, prev);
		if (arc)
			rc = arc;
	}
	pusher_stop(&p);
	return rc;
}

/* ---- pull ------------------------------------------------------------------------ */

/* order, product, operator, item: through the importer, in the page's
 * transaction, as a one-record import document. */
static int import_item(struct st_store *s, const struct st_sync_item *it, char *err,
		       size_t errlen, void *ud)
{
	static const char head[] = "{\"format\":\"qcstation-import\",\"version\":1,\"";
	size_t klen = strlen(it->kind), n = sizeof(head) - 1 + klen + 4 + it->data_len + 2;
	char name[300];
	char *doc = malloc(n + 1);
	size_t at = 0;
	int rc;

	(void)ud;
	if (!doc)
		return ST_ERR_NOMEM;
	memcpy(doc + at, head, sizeof(head) - 1);
	at += sizeof(head) - 1;
	memcpy(doc + at, it->kind, klen);
	at += klen;
	memcpy(doc + at, "s\":[", 4);
	at += 4;
	memcpy(doc + at, it->data, it->data_len);
	at += it->data_len;
	memcpy(doc + at, "]}", 2);
	at += 2;
	doc[at] = '\0';
	snprintf(name, sizeof(name), "feed %s %s", it->kind, it->key);
	rc = st_import_json_in_tx(s, doc, at, name, NULL, err, errlen);
	free(doc);
	return rc;
}

static int pull_all(struct sync_run *r)
{
	char cursor[SY_PROTO_MAX_CURSOR + 1];
	struct st_sync_item *items = NULL;
	int rc;

	rc = st_store_sync_cursor_get(r->s, ST_SYNC_FEED, cursor, sizeof(cursor));
	if (rc < 0)
		return st_fail(r, rc, "reading the pull cursor");
	for (;;) {
		struct sy_proto_feed page = SY_PROTO_FEED_INIT;
		struct st_sync_page_stats ps = { 0 };
		struct st_sync_item *tmp;
		bool more;

		if (stopped(r)) {
			rc = sy_fail(r, SY_ERR_CANCELLED);
			break;
		}
		rc = sy_client_pull(r->cl, cursor, &page);
		if (rc < 0) {
			rc = sy_fail(r, rc);
			break;
		}
		tmp = realloc(items, (page.n ? page.n : 1) * sizeof(*items));
		if (!tmp) {
			sy_proto_feed_fini(&page);
			rc = st_fail(r, ST_ERR_NOMEM, "pulling");
			break;
		}
		items = tmp;
		for (size_t i = 0; i < page.n; i++) {
			items[i].kind = page.items[i].kind;
			items[i].key = page.items[i].key;
			items[i].seq = page.items[i].seq;
			items[i].data = page.items[i].data;
			items[i].data_len = page.items[i].data_len;
		}
		rc = st_store_sync_apply_page(r->s, ST_SYNC_FEED, items, page.n, page.next_cursor,
					      wall_ms(), import_item, NULL, &ps);
		if (rc < 0) {
			sy_proto_feed_fini(&page);
			rc = st_fail(r, rc, "applying a pulled page");
			break;
		}
		snprintf(cursor, sizeof(cursor), "%s", page.next_cursor);
		r->pages++;
		r->items += page.n;
		r->pulled.imported += ps.imported;
		r->pulled.applied += ps.applied;
		r->pulled.stored += ps.stored;
		r->pulled.failed += ps.failed;
		/* An empty page that claims more would loop for ever. */
		more = page.more && page.n > 0;
		sy_proto_feed_fini(&page);
		if (!more) {
			rc = QC_EXIT_OK;
			break;
		}
	}
	free(items);
	return rc;
}

/* ---- reporting -------------------------------------------------------------------- */

static void summary(struct sync_run *r, int rc)
{
	struct st_sync_status st = { 0 };
	struct sy_client_stats cs = { 0 };
	int64_t el = mono_ms() - r->start_ms;

	if (r->cl)
		sy_client_stats(r->cl, &cs);
	if (st_store_sync_status(r->s, &st) < 0)
		st.pending = -1;
	if (r->json) {
		json_t *o = json_pack(
			"{s:b, s:i, s:{s:I, s:I, s:I, s:I}, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I},"
			" s:I, s:I, s:I}",
			"ok", rc == 0, "exit", rc, "pushed", "events", (json_int_t)r->pushed,
			"applied", (json_int_t)r->applied, "duplicate", (json_int_t)r->duplicate,
			"rejected", (json_int_t)r->rejected, "pending", (json_int_t)st.pending,
			"dead_letters", (json_int_t)st.rejected, "pulled", "pages",
			(json_int_t)r->pages, "items", (json_int_t)r->items, "imported",
			(json_int_t)r->pulled.imported, "applied", (json_int_t)r->pulled.applied,
			"stored", (json_int_t)r->pulled.stored, "failed",
			(json_int_t)r->pulled.failed, "requests", (json_int_t)cs.requests,
			"retries", (json_int_t)cs.retries, "elapsed_ms", (json_int_t)el);

		json_object_set_new(o, "error", r->error[0] ? json_string(r->error) : json_null());
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
		fflush(stdout);
		return;
	}
	printf("pushed %" PRIu64 " events (%" PRIu64 " applied, %" PRIu64 " duplicate, %" PRIu64
	       " rejected) in %.1f s; %" PRId64 " pending\n",
	       r->pushed, r->applied, r->duplicate, r->rejected, (double)el / 1000.0, st.pending);
	printf("pulled %" PRIu64 " items in %" PRIu64 " pages (%u imported, %u applied, %u stored, "
	       "%u failed)\n",
	       r->items, r->pages, r->pulled.imported, r->pulled.applied, r->pulled.stored,
	       r->pulled.failed);
	if (st.rejected)
		printf("%" PRId64 " events on the dead-letter list: see 'qcstation sync status'\n",
		       st.rejected);
	fflush(stdout);
}

/* ---- the run ---------------------------------------------------------------------- */

static int wait_stop(struct sync_run *r, int64_t ms)
{
	int64_t end = mono_ms() + ms;

	while (!stopped(r)) {
		int64_t left = end - mono_ms();
		struct timespec ts;

		if (left <= 0)
			return 0;
		if (left > 50)
			left = 50;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
	return 1;
}

static int has_pending(const struct st_sync_event *e, void *ud)
{
	(void)e;
	(void)ud;
	return 1;
}

static int once(struct sync_run *r)
{
	int rc;

	r->error[0] = '\0';
	rc = push_all(r);
	if (rc == QC_EXIT_OK)
		rc = pull_all(r);
	bar_draw(r, true);
	st_store_sync_note_run(r->s, wall_ms(), rc ? r->error : NULL);
	return rc;
}

/* --follow: push soon after each new event, pull every pull_interval_s. */
static int follow(struct sync_run *r)
{
	const struct st_config_sync *y = &r->c->cfg.sync;
	int64_t next_pull = 0, retry_ms = y->backoff_base_ms;
	int rc = QC_EXIT_OK;

	while (!stopped(r)) {
		bool pull = mono_ms() >= next_pull;
		int p = pull ? 1 : st_store_sync_pending(r->s, 0, 1, has_pending, NULL);

		if (p < 0) {
			rc = st_fail(r, p, "reading the outbox");
			qc_err("sync: %s", r->error);
			if (p != ST_ERR_BUSY)
				return rc;
		} else if (p > 0) {
			r->error[0] = '\0';
			rc = push_all(r);
			if (rc == QC_EXIT_OK && pull) {
				rc = pull_all(r);
				next_pull = mono_ms() + (int64_t)y->pull_interval_s * 1000;
			}
			if (stopped(r))
				break;
			st_store_sync_note_run(r->s, wall_ms(), rc ? r->error : NULL);
			if (r->json && (rc || r->pushed || r->items)) {
				summary(r, rc);
				r->pushed = r->applied = r->duplicate = r->rejected = 0;
				r->items = r->pages = 0;
				memset(&r->pulled, 0, sizeof(r->pulled));
			}
			if (rc == QC_EXIT_NOPERM || rc == QC_EXIT_CONFIG || rc == QC_EXIT_PROTOCOL) {
				qc_err("sync: %s", r->error);
				return rc;
			}
			if (rc) {
				/* The client gave up for now: wait, longer each time. */
				if (!r->json)
					qc_err("sync: %s; trying again in %lld s", r->error,
					       (long long)(retry_ms / 1000));
				if (wait_stop(r, retry_ms))
					break;
				retry_ms = retry_ms * 2 > y->backoff_cap_ms ? y->backoff_cap_ms
									    : retry_ms * 2;
				continue;
			}
			retry_ms = y->backoff_base_ms;
		}
		if (wait_stop(r, y->poll_ms))
			break;
	}
	return QC_EXIT_OK; /* stopped on request */
}

static int do_sync(struct qc_cli *c, bool json, bool follow_mode, const char *server,
		   const char *token_file)
{
	const struct st_config_sync *y = &c->cfg.sync;
	struct sync_run *r = NULL;
	struct sy_config sc = { 0 };
	char *token = NULL;
	bool curl_up = false;
	int rc;

	if (!server || !*server) {
		qc_err("sync: no server: set [sync] server in %s, or give --server URL",
		       c->cfg.source[0] ? c->cfg.source : "the configuration");
		return QC_EXIT_CONFIG;
	}
	if (!sy_http_url_allowed(server)) {
		qc_err("sync: server %s: only https:// URLs (plain http:// only to 127.0.0.1, "
		       "[::1] or localhost)", server);
		return QC_EXIT_CONFIG;
	}
	if (!token_file || !*token_file) {
		qc_err("sync: no token: set [sync] token_file, or give --token-file FILE");
		return QC_EXIT_CONFIG;
	}
	r = calloc(1, sizeof(*r));
	token = malloc(TOKEN_MAX);
	if (!r || !token) {
		qc_err("out of memory");
		rc = QC_EXIT_OSERR;
		goto out;
	}
	rc = read_token(token_file, token, TOKEN_MAX);
	if (rc)
		goto out;
	r->c = c;
	r->json = json;
	r->follow = follow_mode;
	r->bar = !json && !follow_mode && isatty(STDERR_FILENO);
	r->batch = (unsigned)y->batch_size;
	r->slot[0] = batch_new(r->batch);
	r->slot[1] = batch_new(r->batch);
	if (!r->slot[0] || !r->slot[1]) {
		qc_err("out of memory");
		rc = QC_EXIT_OSERR;
		goto out;
	}
	rc = qc_open_store(c, false, false, &r->s);
	if (rc)
		goto out;
	/* This process writes nothing but sync state: what a power cut could
	 * lose of it, the next run redoes. */
	if (st_store_sync_connection(r->s) < 0) {
		qc_err("sync: %s", st_store_errmsg(r->s));
		rc = QC_EXIT_SOFTWARE;
		goto out;
	}
	if (sy_http_curl_global_init() < 0) {
		qc_err("sync: libcurl would not start");
		rc = QC_EXIT_SOFTWARE;
		goto out;
	}
	curl_up = true;
	sc.base_url = server;
	sc.token = token;
	sc.station = y->station[0] ? y->station : c->cfg.station_code;
	r->station = sc.station;
	sc.batch_max = (unsigned)y->batch_size;
	sc.page_limit = (unsigned)y->page_size;
	sc.max_attempts = (unsigned)y->attempts;
	sc.backoff_base_ms = y->backoff_base_ms;
	sc.backoff_cap_ms = y->backoff_cap_ms;
	sc.http.connect_timeout_ms = y->connect_timeout_ms;
	sc.http.timeout_ms = y->timeout_ms;
	sc.http.low_speed_time_ms = y->stall_timeout_ms;
	sc.http.ca_file = y->ca_file[0] ? y->ca_file : NULL;
	sc.http.gzip_requests = y->gzip;
	sc.stop = c->stop;
	sc.log = log_sink;
	sc.log_ud = r;
	rc = sy_client_new(&sc, NULL, &r->cl);
	memset(token, 0, TOKEN_MAX);
	if (rc < 0) {
		qc_err("sync: %s", rc == SY_ERR_ARG ? "the server URL, station name or token is "
						      "not usable"
						    : sy_strerror(rc));
		rc = rc == SY_ERR_ARG ? QC_EXIT_CONFIG : QC_EXIT_SOFTWARE;
		goto out;
	}
	r->start_ms = mono_ms();
	if (r->bar) {
		struct st_sync_status st;

		if (st_store_sync_status(r->s, &st) == 0)
			r->total = st.pending;
	}
	if (follow_mode) {
		rc = follow(r);
	} else {
		rc = once(r);
		summary(r, rc);
		if (rc)
			qc_err("sync: %s", r->error);
	}
out:
	if (r) {
		sy_client_free(r->cl);
		st_store_close(r->s);
		batch_free(r->slot[0]);
		batch_free(r->slot[1]);
	}
	free(r);
	free(token);
	if (curl_up)
		sy_http_curl_global_cleanup();
	return rc;
}

/* ---- sync status ------------------------------------------------------------------ */

static void fmt_time(int64_t ms, char *buf, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!ms) {
		snprintf(buf, cap, "never");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int dead_text(const struct st_sync_dead *d, void *ud)
{
	char t[32];

	(void)ud;
	fmt_time(d->ts_ms, t, sizeof(t));
	printf("  #%" PRId64 " %s %s (%s) rejected %s: %s\n", d->outbox_id, d->type, d->entity,
	       d->uuid, t, d->reason);
	return 0;
}

static int dead_json(const struct st_sync_dead *d, void *ud)
{
	char t[32];

	fmt_time(d->ts_ms, t, sizeof(t));
	json_array_append_new(ud, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "outbox_id",
					    (json_int_t)d->outbox_id, "uuid", d->uuid, "type",
					    d->type, "entity", d->entity, "reason", d->reason,
					    "rejected_at", t));
	return 0;
}

static int failed_text(const struct st_sync_failed *f, void *ud)
{
	(void)ud;
	printf("  %s %s (seq %" PRId64 "): %s\n", f->kind, f->key, f->seq, f->error);
	return 0;
}

static int failed_json(const struct st_sync_failed *f, void *ud)
{
	json_array_append_new(ud, json_pack("{s:s, s:s, s:I, s:s}", "kind", f->kind, "key", f->key,
					    "seq", (json_int_t)f->seq, "error", f->error));
	return 0;
}

static int status(struct qc_cli *c, bool json)
{
	struct st_sync_status st;
	struct st_store *s = NULL;
	char la[32], ls[32];
	int rc;

	rc = qc_open_store(c, false, false, &s);
	if (rc)
		return rc;
	rc = st_store_sync_status(s, &st);
	if (rc < 0) {
		qc_err("sync status: %s", st_store_errmsg(s));
		st_store_close(s);
		return qc_exit_for(rc);
	}
	fmt_time(st.last_attempt_ms, la, sizeof(la));
	fmt_time(st.last_success_ms, ls, sizeof(ls));
	if (json) {
		json_t *dead = json_array(), *failed = json_array();
		json_t *o;

		st_store_sync_dead_each(s, dead_json, dead);
		st_store_sync_inbox_failed(s, failed_json, failed);
		o = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "server",
			      c->cfg.sync.server, "pending", (json_int_t)st.pending, "sent",
			      (json_int_t)st.sent, "rejected", (json_int_t)st.rejected,
			      "last_attempt", la, "last_success", ls, "last_error",
			      st.last_error[0] ? json_string(st.last_error) : json_null(), "cursor",
			      st.cursor[0] ? json_string(st.cursor) : json_null(), "dead_letters",
			      dead, "failed_items", failed);
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		printf("server:        %s\n", c->cfg.sync.server[0] ? c->cfg.sync.server
							      : "(not configured)");
		printf("pending:       %" PRId64 " events\n", st.pending);
		printf("sent:          %" PRId64 " events\n", st.sent);
		printf("dead letters:  %" PRId64 " events\n", st.rejected);
		printf("last attempt:  %s%s%s\n", la, st.last_error[0] ? ": " : "", st.last_error);
		printf("last success:  %s\n", ls);
		printf("pull cursor:   %s\n", st.cursor[0] ? st.cursor : "(none yet)");
		if (st.rejected) {
			printf("dead-letter list (rejected by the central store):\n");
			st_store_sync_dead_each(s, dead_text, NULL);
		}
		if (st.pull_failed) {
			printf("pulled items that could not be applied:\n");
			st_store_sync_inbox_failed(s, failed_text, NULL);
		}
	}
	st_store_close(s);
	return QC_EXIT_OK;
}

int qc_cmd_sync(struct qc_cli *c, int argc, char **argv)
{
	const char *server = NULL, *token_file = NULL;
	bool json = false, follow_mode = false, stat = false;
	int rc, i = 1;

	if (argc > 1 && !strcmp(argv[1], "status")) {
		stat = true;
		i = 2;
	}
	for (; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!stat && !strcmp(argv[i], "--follow")) {
			follow_mode = true;
		} else if (!stat && (!strcmp(argv[i], "--server") ||
				     !strcmp(argv[i], "--token-file"))) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				qc_err("sync: %s needs a value", argv[i]);
				return QC_EXIT_USAGE;
			}
			if (argv[i][2] == 's')
				server = argv[++i];
			else
				token_file = argv[++i];
		} else {
			qc_err("sync: unexpected argument '%s'; see 'qcstation help sync'", argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	if (stat)
		return status(c, json);
	return do_sync(c, json, follow_mode, server ? server : c->cfg.sync.server,
		       token_file ? token_file : c->cfg.sync.token_file);
}
