/* bench: pushing a station's backlog to the central store over loopback.
 *
 * A station database with N outbox events (default 1,000,000) is pushed by
 * the real `qcstation sync` (a child process, so its peak RSS is its own,
 * from wait4()) to qcstation-central's HTTP server running in this
 * process (sy_central_serve_start(), SQLite file).  Beside it, in the same
 * run and folder, the baseline: the server's own ingest of the same events
 * without HTTP, in the same batches, into a fresh central database: each
 * batch's body decoded (sy_proto_batch_decode()) and stored
 * (sy_central_ingest()), what the server does between reading a request
 * and answering it; storing alone is reported beside it.  Then S stations (default 50) push M events each, all at once,
 * against one server.
 *
 * Targets (docs/performance.md, 2-core machine): >= 50,000 events/s,
 * >= 70 % of the no-HTTP ingest rate, client peak RSS < 32 MiB.  A
 * measurement, not a test: exits 0 whether or not they are met, non-zero
 * only when something could not run (or events went missing).
 */
#define _DEFAULT_SOURCE /* wait4() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "st/store.h"
#include "st/store_sync.h"
#include "sy/central.h"
#include "sy/err.h"
#include "sy/proto.h"

#include "bench_common.h"

#define DEFAULT_N 1000000
#define QUICK_N 3000
#define DEFAULT_STATIONS 50
#define DEFAULT_PER_STATION 2000
#define QUICK_STATIONS 4
#define QUICK_PER_STATION 300
#define BATCH_MAX SY_PROTO_MAX_EVENTS
#define DEFAULT_BATCH 1000
#define TARGET_RATE 50000.0
#define TARGET_RATIO_PCT 70.0
#define TARGET_RSS_KIB (32 * 1024)

#ifndef QC_BENCH_QCSTATION
#define QC_BENCH_QCSTATION "qcstation"
#endif

struct opts {
	uint64_t n, stations, per_station, batch;
	const char *base;
	const char *qcstation;
	bool json;
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_sync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void quiet(int level, const char *msg, void *ud)
{
	(void)ud;
	if (level <= 3) /* LOG_ERR */
		fprintf(stderr, "central: %s\n", msg);
}

/* ---- the station side -------------------------------------------------------------- */

/* A station database with n outbox events like a busy bench writes them
 * (payloads of about 150 bytes). */
static void make_station(const char *path, uint64_t n, unsigned tag)
{
	struct st_store_opts o = { .create = true };
	struct st_store *s = NULL;
	char err[300], entity[64], payload[256];

	if (st_store_open(path, &o, &s, err, sizeof(err)) < 0)
		die("%s", err);
	for (uint64_t i = 0; i < n; i++) {
		struct st_outbox_rec r = { .type = "inspection", .entity = entity,
					   .payload = payload, .ts_ms = 1764180000000 + (int64_t)i };

		if (i % 20000 == 0 && st_store_begin(s) < 0)
			die("begin: %s", st_store_errmsg(s));
		snprintf(entity, sizeof(entity), "item:SN%02u%08llu", tag, (unsigned long long)i);
		snprintf(payload, sizeof(payload),
			 "{\"item\":\"SN%02u%08llu\",\"result\":\"pass\",\"checklist\":\"ring-v3\","
			 "\"operator\":\"BADGE-0001\",\"station\":\"BENCH\",\"checks\":12,"
			 "\"duration_ms\":%llu}",
			 tag, (unsigned long long)i, (unsigned long long)(40000 + i % 20000));
		if (st_store_outbox_add(s, &r, NULL, NULL) < 0)
			die("outbox: %s", st_store_errmsg(s));
		if ((i % 20000 == 19999 || i + 1 == n) && st_store_commit(s) < 0)
			die("commit: %s", st_store_errmsg(s));
	}
	st_store_close(s);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || chmod(path, mode) != 0)
		die("%s: %s", path, strerror(errno));
}

struct child {
	pid_t pid;
	uint64_t t0_ns;
	int status;
	long maxrss_kib;
	double secs;
	double cpu_secs;    /* user + system time of the client */
};

/* Start `qcstation --config cfg sync --json` with its output to log. */
static void start_sync(const struct opts *o, const char *cfg, const char *log, struct child *ch)
{
	ch->t0_ns = bench_now_ns();
	ch->pid = fork();
	if (ch->pid < 0)
		die("fork: %s", strerror(errno));
	if (ch->pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(o->qcstation, o->qcstation, "--config", cfg, "sync", "--json", (char *)NULL);
		_exit(127);
	}
}

static void wait_sync(struct child *ch)
{
	struct rusage ru;
	int st;

	if (wait4(ch->pid, &st, 0, &ru) != ch->pid)
		die("wait4: %s", strerror(errno));
	ch->secs = (double)(bench_now_ns() - ch->t0_ns) / 1e9;
	ch->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	ch->maxrss_kib = ru.ru_maxrss;
	ch->cpu_secs = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Register station name and write its token file and config. */
static void station_files(struct sy_central *c, const char *dir, const char *name, unsigned port,
			  unsigned batch, char *cfg, size_t cap)
{
	char token[SY_CENTRAL_TOKEN_CAP], tpath[600], db[600], text[2048];

	if (sy_central_station_add(c, name, token, sizeof(token)) < 0)
		die("station add %s failed", name);
	snprintf(tpath, sizeof(tpath), "%s/%s.token", dir, name);
	snprintf(db, sizeof(db), "%s/%s.db", dir, name);
	snprintf(text, sizeof(text), "%s\n", token);
	write_text(tpath, text, 0600);
	snprintf(cfg, cap, "%s/%s.ini", dir, name);
	snprintf(text, sizeof(text),
		 "[station]\ncode = %s\ndatabase = %s\n[sync]\nserver = http://127.0.0.1:%u\n"
		 "token_file = %s\nbatch_size = %d\n[log]\nlevel = error\n",
		 name, db, port, tpath, batch);
	write_text(cfg, text, 0644);
}

/* ---- the baseline: ingest without HTTP ------------------------------------------ */

struct base_acc {
	struct sy_proto_event ev[BATCH_MAX];
	char *str[BATCH_MAX][3];
	size_t n;
};

static int base_collect(const struct st_sync_event *e, void *ud)
{
	struct base_acc *a = ud;
	struct sy_proto_event *p = &a->ev[a->n];

	memset(p, 0, sizeof(*p));
	a->str[a->n][0] = strdup(e->type);
	a->str[a->n][1] = strdup(e->entity);
	a->str[a->n][2] = strdup(e->payload);
	if (!a->str[a->n][0] || !a->str[a->n][1] || !a->str[a->n][2])
		die("out of memory");
	snprintf(p->uuid, sizeof(p->uuid), "%s", e->uuid);
	p->seq = e->id;
	p->ts_ms = e->created_ms;
	p->type = a->str[a->n][0];
	p->entity = a->str[a->n][1];
	p->payload = a->str[a->n][2];
	p->payload_len = e->payload_len;
	a->n++;
	return 0;
}

/* The baseline's two figures, events per second. */
struct base_rate {
	double full;  /* decoding each batch's body, then storing it */
	double store; /* storing alone (events handed over decoded) */
};

/* The same events, the same batches, through the server's own ingest
 * without HTTP: each batch's body (as a station sends it, encoded here and
 * not timed: that is the client's work) decoded by sy_proto_batch_decode()
 * and stored by sy_central_ingest(), the two calls the server makes for a
 * POST /v1/events between reading the body and answering.  Both are timed,
 * apart, so storing alone is reported as well. */
static struct base_rate baseline(const char *dir, const char *name, const char *station_db,
				 uint64_t n, unsigned batch)
{
	struct sy_central_config cc = { .log = quiet };
	struct st_store_opts so = { .readonly = true };
	struct sy_central *c = NULL;
	struct st_store *s = NULL;
	struct base_acc *a = calloc(1, sizeof(*a));
	struct sy_proto_result *res = calloc(BATCH_MAX, sizeof(*res));
	char path[600], token[SY_CENTRAL_TOKEN_CAP], err[300];
	uint64_t ns_dec = 0, ns_store = 0, done = 0;
	struct base_rate out;
	int64_t after = 0;

	if (!a || !res)
		die("out of memory");
	snprintf(path, sizeof(path), "%s/%s-central.db", dir, name);
	cc.db = path;
	if (sy_central_open(&cc, &c) < 0)
		die("cannot open %s", path);
	if (sy_central_station_add(c, "BASELINE", token, sizeof(token)) < 0)
		die("station add");
	if (st_store_open(station_db, &so, &s, err, sizeof(err)) < 0)
		die("%s", err);
	while (done < n) {
		struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
		struct sy_proto_err perr;
		char *body = NULL;
		size_t body_len = 0;
		uint64_t t0, t1;
		int rc;

		a->n = 0;
		rc = st_store_sync_pending(s, after, n - done < batch ? (unsigned)(n - done) : batch,
					   base_collect, a);
		if (rc < 0)
			die("outbox: %s", st_store_errmsg(s));
		if (a->n == 0)
			break;
		after = a->ev[a->n - 1].seq;
		if (sy_proto_batch_encode("BASELINE", a->ev, a->n, &body, &body_len, &perr) < 0)
			die("encode: %s", perr.detail);
		t0 = bench_now_ns();
		if (sy_proto_batch_decode(body, body_len, &b, &perr) < 0)
			die("decode: %s", perr.detail);
		t1 = bench_now_ns();
		if (sy_central_ingest(c, "BASELINE", &b, res) < 0)
			die("ingest failed");
		ns_store += bench_now_ns() - t1;
		ns_dec += t1 - t0;
		for (size_t i = 0; i < a->n; i++) {
			if (res[i].status != SY_PROTO_APPLIED)
				die("baseline: event %s not applied", a->ev[i].uuid);
			free(a->str[i][0]);
			free(a->str[i][1]);
			free(a->str[i][2]);
		}
		sy_proto_batch_fini(&b);
		free(body);
		done += a->n;
	}
	if (done != n)
		die("baseline ingested %llu of %llu", (unsigned long long)done, (unsigned long long)n);
	st_store_close(s);
	sy_central_close(c);
	free(a);
	free(res);
	out.full = bench_per_s((size_t)n, ns_dec + ns_store);
	out.store = bench_per_s((size_t)n, ns_store);
	return out;
}

/* ---- the runs -------------------------------------------------------------------- */

struct station_count {
	const char *name;
	int64_t events;
};

static int count_events(const struct sy_central_station *st, void *ud)
{
	struct station_count *sc = ud;

	if (!strcmp(st->name, sc->name))
		sc->events = st->events;
	return 0;
}

struct result {
	double http_rate, base_rate, base_before, base_after, ratio_pct, secs, client_cpu_s;
	double store_rate, store_ratio_pct; /* the baseline's storing alone */
	long rss_kib;
	double multi_rate, multi_secs;
	long multi_rss_max_kib;
	uint64_t multi_events;
};

static void run(const struct opts *o, const char *dir, struct result *r)
{
	struct sy_central_config cc = { .log = quiet };
	struct sy_central *c = NULL;
	struct sy_central_server *srv = NULL;
	struct child one, *many = NULL;
	struct base_rate before, after;
	char path[600], db[600], db2[600], cfg[600], log[600], name[64];
	unsigned port = 0;
	uint64_t t0;

	/* The backlog, and the baseline on it (a second copy for the baseline
	 * after the push: the pushed one has nothing pending any more). */
	snprintf(db, sizeof(db), "%s/BENCH-1.db", dir);
	snprintf(db2, sizeof(db2), "%s/BENCH-2.db", dir);
	fprintf(stderr, "bench_sync: writing %llu outbox events...\n", (unsigned long long)o->n);
	make_station(db, o->n, 1);
	make_station(db2, o->n, 1);
	/* Let the disk write back the hundreds of MiB just made, or the first
	 * measurement pays for it (the baseline once read 9,600/s before and
	 * 80,000/s after the push on the same disk). */
	sync();
	/* A warm-up the figures do not include: the first ingest run of a
	 * process measured 5 to 8 times slower than the next ones on the same
	 * files (the disk still settling after the files were made). */
	fprintf(stderr, "bench_sync: warming up...\n");
	baseline(dir, "warmup", db2, o->n < 100000 ? o->n : 100000, (unsigned)o->batch);
	fprintf(stderr, "bench_sync: baseline (decode + sy_central_ingest, no HTTP)...\n");
	before = baseline(dir, "before", db, o->n, (unsigned)o->batch);

	/* One station over HTTP. */
	snprintf(path, sizeof(path), "%s/central.db", dir);
	cc.db = path;
	if (sy_central_open(&cc, &c) < 0)
		die("cannot open %s", path);
	station_files(c, dir, "BENCH-1", 0, (unsigned)o->batch, cfg, sizeof(cfg));
	for (uint64_t i = 0; i < o->stations; i++) {
		snprintf(name, sizeof(name), "MULTI-%02llu", (unsigned long long)i);
		station_files(c, dir, name, 0, (unsigned)o->batch, cfg, sizeof(cfg));
	}
	if (sy_central_serve_start(c, "127.0.0.1:0", &port, &srv) < 0)
		die("cannot serve");
	/* Now that the port is known, the configs again (same tokens). */
	{
		char text[2048], tpath[600];

		snprintf(tpath, sizeof(tpath), "%s/BENCH-1.token", dir);
		snprintf(cfg, sizeof(cfg), "%s/BENCH-1.ini", dir);
		snprintf(text, sizeof(text),
			 "[station]\ncode = BENCH-1\ndatabase = %s\n[sync]\nserver = "
			 "http://127.0.0.1:%u\ntoken_file = %s\nbatch_size = %d\n[log]\nlevel = "
			 "error\n",
			 db, port, tpath, (int)o->batch);
		write_text(cfg, text, 0644);
		for (uint64_t i = 0; i < o->stations; i++) {
			snprintf(name, sizeof(name), "MULTI-%02llu", (unsigned long long)i);
			snprintf(tpath, sizeof(tpath), "%s/%s.token", dir, name);
			snprintf(path, sizeof(path), "%s/%s.db", dir, name);
			snprintf(cfg, sizeof(cfg), "%s/%s.ini", dir, name);
			snprintf(text, sizeof(text),
				 "[station]\ncode = %s\ndatabase = %s\n[sync]\nserver = "
				 "http://127.0.0.1:%u\ntoken_file = %s\nbatch_size = %d\n[log]\n"
				 "level = error\n",
				 name, path, port, tpath, (int)o->batch);
			write_text(cfg, text, 0644);
		}
	}
	fprintf(stderr, "bench_sync: pushing over HTTP...\n");
	snprintf(cfg, sizeof(cfg), "%s/BENCH-1.ini", dir);
	snprintf(log, sizeof(log), "%s/BENCH-1.log", dir);
	start_sync(o, cfg, log, &one);
	wait_sync(&one);
	if (one.status != 0)
		die("qcstation sync exited %d (see %s)", one.status, log);
	r->secs = one.secs;
	r->http_rate = (double)o->n / one.secs;
	r->rss_kib = one.maxrss_kib;
	r->client_cpu_s = one.cpu_secs;
	/* The baseline again, after: on a shared machine the disk's speed
	 * drifts; the ratio is against the mean of the two. */
	fprintf(stderr, "bench_sync: baseline again...\n");
	after = baseline(dir, "after", db2, o->n, (unsigned)o->batch);
	r->base_before = before.full;
	r->base_after = after.full;
	r->base_rate = (before.full + after.full) / 2.0;
	r->ratio_pct = r->base_rate > 0 ? 100.0 * r->http_rate / r->base_rate : 0.0;
	r->store_rate = (before.store + after.store) / 2.0;
	r->store_ratio_pct = r->store_rate > 0 ? 100.0 * r->http_rate / r->store_rate : 0.0;

	/* Many stations at once. */
	many = calloc(o->stations, sizeof(*many));
	if (!many)
		die("out of memory");
	for (uint64_t i = 0; i < o->stations; i++) {
		snprintf(path, sizeof(path), "%s/MULTI-%02llu.db", dir, (unsigned long long)i);
		make_station(path, o->per_station, (unsigned)(i + 2) % 100);
	}
	sync();
	fprintf(stderr, "bench_sync: %llu stations at once...\n", (unsigned long long)o->stations);
	t0 = bench_now_ns();
	for (uint64_t i = 0; i < o->stations; i++) {
		snprintf(cfg, sizeof(cfg), "%s/MULTI-%02llu.ini", dir, (unsigned long long)i);
		snprintf(log, sizeof(log), "%s/MULTI-%02llu.log", dir, (unsigned long long)i);
		start_sync(o, cfg, log, &many[i]);
	}
	r->multi_rss_max_kib = 0;
	for (uint64_t i = 0; i < o->stations; i++) {
		wait_sync(&many[i]);
		if (many[i].status != 0)
			die("station %llu: qcstation sync exited %d", (unsigned long long)i,
			    many[i].status);
		if (many[i].maxrss_kib > r->multi_rss_max_kib)
			r->multi_rss_max_kib = many[i].maxrss_kib;
	}
	r->multi_secs = (double)(bench_now_ns() - t0) / 1e9;
	r->multi_events = o->stations * o->per_station;
	r->multi_rate = (double)r->multi_events / r->multi_secs;
	sy_central_serve_stop(srv);

	/* Every event arrived, once (the server counts stored events). */
	{
		struct station_count sc = { "BENCH-1", 0 };

		sy_central_station_list(c, count_events, &sc);
		if ((uint64_t)sc.events != o->n)
			die("the server holds %lld events of BENCH-1, not %llu", (long long)sc.events,
			    (unsigned long long)o->n);
		for (uint64_t i = 0; i < o->stations; i++) {
			snprintf(name, sizeof(name), "MULTI-%02llu", (unsigned long long)i);
			sc.name = name;
			sc.events = 0;
			sy_central_station_list(c, count_events, &sc);
			if ((uint64_t)sc.events != o->per_station)
				die("the server holds %lld events of %s", (long long)sc.events, name);
		}
	}
	sy_central_close(c);
	free(many);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_sync [--n N] [--stations S] [--per-station M] [--batch B]\n"
		"                  [--dir DIR] [--qcstation PATH] [--quick] [--json]\n"
		"  --n N            outbox events pushed by one station, default %d\n"
		"  --stations S     stations pushing at once, default %d\n"
		"  --per-station M  events each of them pushes, default %d\n"
		"  --batch B        [sync] batch_size of the stations (1..1000), default %d\n"
		"  --quick          N = %d, %d stations of %d: to check that it runs\n"
		"  --json           one JSON object instead of the report\n",
		DEFAULT_N, DEFAULT_STATIONS, DEFAULT_PER_STATION, DEFAULT_BATCH, QUICK_N, QUICK_STATIONS,
		QUICK_PER_STATION);
}

int main(int argc, char **argv)
{
	struct opts o = { .n = DEFAULT_N, .stations = DEFAULT_STATIONS,
			  .per_station = DEFAULT_PER_STATION, .batch = DEFAULT_BATCH, .base = "/tmp",
			  .qcstation = QC_BENCH_QCSTATION };
	struct result r = { 0 };
	char dir[256];
	const char *rm[] = { "rm", "-rf", dir, NULL };

	/* As qcstation-central does, for the server and the baseline alike
	 * (both run in this process). */
	sy_central_process_init();
	for (int i = 1; i < argc; i++) {
		uint64_t *dst = NULL;

		if (!strcmp(argv[i], "--n"))
			dst = &o.n;
		else if (!strcmp(argv[i], "--stations"))
			dst = &o.stations;
		else if (!strcmp(argv[i], "--per-station"))
			dst = &o.per_station;
		else if (!strcmp(argv[i], "--batch"))
			dst = &o.batch;
		if (dst && i + 1 < argc) {
			if (bench_parse_count(argv[++i], 100000000, dst) < 0 ||
			    (dst == &o.stations && *dst > 99) ||
			    (dst == &o.batch && *dst > BATCH_MAX))
				die("%s wants a count", argv[i - 1]);
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			o.base = argv[++i];
		} else if (!strcmp(argv[i], "--qcstation") && i + 1 < argc) {
			o.qcstation = argv[++i];
		} else if (!strcmp(argv[i], "--quick")) {
			o.n = QUICK_N;
			o.stations = QUICK_STATIONS;
			o.per_station = QUICK_PER_STATION;
		} else if (!strcmp(argv[i], "--json")) {
			o.json = true;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 64;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s/qc-bench-sync-XXXXXX", o.base);
	if (!mkdtemp(dir))
		die("%s: %s", dir, strerror(errno));
	run(&o, dir, &r);

	if (o.json) {
		json_t *j = json_pack(
			"{s:s, s:I, s:{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:f},"
			" s:{s:I, s:I, s:f, s:f, s:I},"
			" s:{s:f, s:f, s:I}}",
			"bench", "sync", "batch", (json_int_t)o.batch, "push", "events",
			(json_int_t)o.n, "seconds", r.secs, "events_per_s", r.http_rate,
			"baseline_events_per_s", r.base_rate, "baseline_before", r.base_before,
			"baseline_after", r.base_after,
			"ratio_pct", r.ratio_pct, "store_only_events_per_s", r.store_rate,
			"store_only_ratio_pct", r.store_ratio_pct,
			"client_peak_rss_kib", (json_int_t)r.rss_kib,
			"client_cpu_s", r.client_cpu_s, "stations", "count", (json_int_t)o.stations, "events",
			(json_int_t)r.multi_events, "seconds", r.multi_secs, "events_per_s",
			r.multi_rate, "client_peak_rss_kib", (json_int_t)r.multi_rss_max_kib,
			"targets", "events_per_s", TARGET_RATE, "ratio_pct", TARGET_RATIO_PCT,
			"client_rss_kib", (json_int_t)TARGET_RSS_KIB);

		if (!j || json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0)
			die("cannot print JSON");
		putchar('\n');
		json_decref(j);
	} else {
		printf("sync push, %llu events over loopback HTTP (batches of %llu):\n",
		       (unsigned long long)o.n, (unsigned long long)o.batch);
		printf("  qcstation sync        : %10.0f events/s  (%.1f s)  target >= %.0f\n",
		       r.http_rate, r.secs, TARGET_RATE);
		printf("  server ingest, no HTTP: %10.0f events/s  (%.0f before, %.0f after;"
		       " decode + store)\n",
		       r.base_rate, r.base_before, r.base_after);
		printf("  ratio                 : %10.1f %%          target >= %.0f %%\n",
		       r.ratio_pct, TARGET_RATIO_PCT);
		printf("  storing alone, no HTTP: %10.0f events/s  (push: %.1f %% of it)\n",
		       r.store_rate, r.store_ratio_pct);
		printf("  client peak RSS       : %10.1f MiB         target < %d MiB\n",
		       (double)r.rss_kib / 1024.0, TARGET_RSS_KIB / 1024);
		printf("  client CPU            : %10.1f s (%.0f events per CPU second)\n",
		       r.client_cpu_s, r.client_cpu_s > 0 ? (double)o.n / r.client_cpu_s : 0.0);
		printf("%llu stations at once, %llu events each:\n", (unsigned long long)o.stations,
		       (unsigned long long)o.per_station);
		printf("  all stations          : %10.0f events/s  (%.1f s), largest client RSS "
		       "%.1f MiB\n",
		       r.multi_rate, r.multi_secs, (double)r.multi_rss_max_kib / 1024.0);
	}
	{
		pid_t pid = fork();

		if (pid == 0) {
			execvp("rm", (char *const *)rm);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	return 0;
}
