/* bench: scan ingest through the headless pipeline, against raw SQLite.
 *
 * What a station does with each scan, end to end: st_app_scan() classifies
 * it, routes it, stores the raw scan, performs the action (lookups, session
 * writes) and appends the outbox event in one transaction committed with
 * synchronous=FULL, then renders the events as JSON lines (st_headless_emit
 * to /dev/null, so the rendering and the write(2) per event are paid, a
 * terminal is not).  The latency of one scan is taken from just before
 * st_app_scan() to its return, which is scan-to-commit since the commit
 * happens inside.
 *
 * The baseline, in the same run and the same folder, is the fastest a
 * station could go on this disk: one-row transactions on a bare table with
 * the same settings (WAL, synchronous=FULL, foreign_keys=ON), BEGIN
 * IMMEDIATE; INSERT; COMMIT with prepared statements.  Both pay one WAL
 * fsync per commit, so their ratio says how much of a scan's cost is the
 * station's own work.  This file is the one place outside the store that
 * includes <sqlite3.h>: the baseline must not go through the store.
 *
 * Targets (docs/performance.md): ingest >= 70 % of the raw rate, p99 < 2 ms.
 * A measurement, not a test: exits 0 whether or not they are met, non-zero
 * only when something could not run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_STATFS
#include <sys/vfs.h>
#endif

#include <jansson.h>
#include <sqlite3.h>

#include "st/app.h"
#include "st/config.h"
#include "st/err.h"
#include "st/store.h"
#include "st/ui.h"

#include "bench_common.h"

#define GS "\x1d"

#define DEFAULT_N 2000
#define QUICK_N 50
#define TARGET_RATIO_PCT 70.0
#define TARGET_P99_MS 2.0
#define BLOCK 50 /* scans per block of the interleaved runs: see main() */

#define N_PRODUCTS 16
#define N_ORDERS 16
#define LINES_PER_ORDER 2
#define N_ITEMS (N_ORDERS * LINES_PER_ORDER) /* one item per order line */

#define CODE_MAX 96  /* longest code in the pool, NUL included */
#define POOL_MAX 160 /* distinct codes in the pool */

/* ---- the scans ------------------------------------------------------------ */

/* What a station scans, by share of a shift (percent).  Lookups of known
 * orders, items and products dominate; some codes are unknown here, some do
 * not parse at all, and once in a while another operator badges in. */
enum sk {
	S_ORDER,
	S_ORDER_UNKNOWN,
	S_SERIAL,
	S_SERIAL_UNKNOWN,
	S_GTIN,
	S_GTIN_UNKNOWN,
	S_GS1_ITEM,    /* GS1-128: (01) (17) (10) GS (21) of a known item */
	S_GS1_PRODUCT, /* GS1-128 without a serial: shows the product */
	S_COMMAND,     /* no task is open: refused */
	S_TRACKING,    /* a parcel label scanned at the QC bench */
	S_INVALID,
	S_BADGE,
	S__COUNT
};

static const unsigned sk_weight[S__COUNT] = {
	[S_ORDER] = 17,   [S_ORDER_UNKNOWN] = 3, [S_SERIAL] = 22,     [S_SERIAL_UNKNOWN] = 3,
	[S_GTIN] = 10,    [S_GTIN_UNKNOWN] = 2,  [S_GS1_ITEM] = 22,   [S_GS1_PRODUCT] = 6,
	[S_COMMAND] = 4,  [S_TRACKING] = 3,      [S_INVALID] = 7,     [S_BADGE] = 1,
};

struct code {
	uint8_t b[CODE_MAX];
	size_t n;
};

/* The distinct codes, kind by kind; a run is a list of indexes into it,
 * drawn before the clock starts. */
struct pool {
	struct code code[POOL_MAX];
	size_t n;
	size_t first[S__COUNT], count[S__COUNT];
};

static void pool_add(struct pool *p, enum sk k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Codes of one kind must be added one after the other. */
static void pool_add(struct pool *p, enum sk k, const char *fmt, ...)
{
	struct code *c;
	va_list ap;
	int len;

	if (p->n == POOL_MAX)
		abort(); /* raise POOL_MAX */
	if (p->count[k] && p->first[k] + p->count[k] != p->n)
		abort(); /* kinds interleaved */
	c = &p->code[p->n];
	va_start(ap, fmt);
	len = vsnprintf((char *)c->b, sizeof(c->b), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(c->b))
		abort(); /* raise CODE_MAX */
	c->n = (size_t)len;
	if (!p->count[k])
		p->first[k] = p->n;
	p->count[k]++;
	p->n++;
}

/* The GS1 check digit of the digits s[0..n). */
static char gs1_check(const char *s, size_t n)
{
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (unsigned)(s[n - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
	return (char)('0' + (10 - sum % 10) % 10);
}

/* The GTIN-14 of seeded product k: 0 950600013 kkk c. */
static void product_gtin14(unsigned k, char out[15])
{
	snprintf(out, 15, "0950600013%03u", k % 1000);
	out[13] = gs1_check(out, 13);
	out[14] = '\0';
}

static void product_sku(unsigned k, char out[32])
{
	snprintf(out, 32, "SKU-%04u", k);
}

static void order_number(unsigned k, char out[32])
{
	snprintf(out, 32, "ORD-1%05u", k + 1);
}

static void item_serial(unsigned k, char out[32])
{
	snprintf(out, 32, "SN1%07u", k + 1);
}

/* Item k sits on line k % LINES_PER_ORDER + 1 of order k / LINES_PER_ORDER
 * and is of product k % N_PRODUCTS (so is that line). */
static unsigned item_product(unsigned k)
{
	return k % N_PRODUCTS;
}

static void pool_fill(struct pool *p)
{
	char g[15], s[32];
	unsigned k;

	memset(p, 0, sizeof(*p));
	for (k = 0; k < N_ORDERS; k++) {
		order_number(k, s);
		pool_add(p, S_ORDER, "%s", s);
	}
	pool_add(p, S_ORDER_UNKNOWN, "ORD-999001");
	pool_add(p, S_ORDER_UNKNOWN, "ord-999002"); /* a wedge with Caps Lock on */
	for (k = 0; k < N_ITEMS; k++) {
		item_serial(k, s);
		pool_add(p, S_SERIAL, "%s", s);
	}
	pool_add(p, S_SERIAL_UNKNOWN, "SN99999901");
	pool_add(p, S_SERIAL_UNKNOWN, "SN99999902");
	for (k = 0; k < N_PRODUCTS; k++) {
		product_gtin14(k, g);
		pool_add(p, S_GTIN, "%s", g + 1); /* as GTIN-13 */
	}
	pool_add(p, S_GTIN_UNKNOWN, "4006381333931");
	for (k = 0; k < N_ITEMS; k++) {
		product_gtin14(item_product(k), g);
		item_serial(k, s);
		pool_add(p, S_GS1_ITEM, "]C101%s17271231" "10L%04u" GS "21%s", g, k, s);
	}
	for (k = 0; k < N_PRODUCTS; k++) {
		product_gtin14(k, g);
		pool_add(p, S_GS1_PRODUCT, "]C101%s17271231" "10L%04u", g, k);
	}
	pool_add(p, S_COMMAND, "CMD-PASS");
	pool_add(p, S_COMMAND, "CMD-FAIL");
	pool_add(p, S_TRACKING, "1Z999AA10123456784");
	pool_add(p, S_TRACKING, "986578788855");
	pool_add(p, S_INVALID, "4006381333932");            /* bad check digit */
	pool_add(p, S_INVALID, "hello world");
	pool_add(p, S_INVALID, "ORD-12");                   /* too short */
	pool_add(p, S_INVALID, "%s", "\xff\xfe" "A");       /* not UTF-8 */
	pool_add(p, S_INVALID, "]C10109506000134353");      /* GS1 with a bad GTIN */
	pool_add(p, S_BADGE, "BADGE-1001");
	pool_add(p, S_BADGE, "BADGE-1002");
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The scans of a run: a badge first (nothing else is taken before a
 * login), then codes drawn by sk_weight[] with a fixed seed, so every run
 * and every machine sees the same sequence. */
static void draw(const struct pool *p, uint32_t *pick, size_t n)
{
	uint64_t x = 0x2545f4914f6cdd1du;
	unsigned total = 0;

	for (int k = 0; k < S__COUNT; k++)
		total += sk_weight[k];
	pick[0] = (uint32_t)p->first[S_BADGE]; /* n >= 1 */
	for (size_t i = 1; i < n; i++) {
		unsigned r = (unsigned)(xorshift(&x) % total);
		int k = 0;

		while (r >= sk_weight[k])
			r -= sk_weight[k++];
		pick[i] = (uint32_t)(p->first[k] + xorshift(&x) % p->count[k]);
	}
}

/* ---- the headless pipeline ------------------------------------------------ */

/* Where the events go: st_headless_emit() on /dev/null, counted on the way
 * (a strcmp per event) so that a mix that silently never logged in, or
 * failed to store, is reported instead of measured. */
struct sink {
	FILE *out;
	uint64_t events, logins, store_failed;
};

static void emit(json_t *ev, void *ud)
{
	struct sink *s = ud;
	const char *name = json_string_value(json_object_get(ev, "event"));
	const char *code = json_string_value(json_object_get(ev, "code"));

	s->events++;
	if (name && !strcmp(name, "login"))
		s->logins++;
	if (code && !strcmp(code, "store_failed"))
		s->store_failed++;
	st_headless_emit(ev, s->out);
}

static int seed_fail(struct st_store *s, int rc, const char *what)
{
	fprintf(stderr, "bench_ingest: seeding %s: %s (%s)\n", what, st_strerror(rc),
		st_store_errmsg(s));
	return rc;
}

/* What an import would have put there: two operators, products, orders
 * with their lines and an item on each line; one transaction. */
static int seed(struct st_store *s)
{
	static const char *const cat[] = { "ring", "necklace", "earrings", "bracelet", "pendant" };
	static const struct st_operator ops[] = {
		{ .badge = "BADGE-1001", .name = "Bench Operator", .role = "operator",
		  .active = true },
		{ .badge = "BADGE-1002", .name = "Bench Lead", .role = "lead", .active = true },
	};
	struct st_order *o = NULL;
	struct st_product pr;
	struct st_item it;
	int64_t id;
	unsigned k;
	int rc;

	o = malloc(sizeof(*o)); /* large: fixed arrays of lines and options */
	if (!o) {
		fprintf(stderr, "bench_ingest: out of memory\n");
		return ST_ERR_NOMEM;
	}
	rc = st_store_begin(s);
	if (rc < 0) {
		seed_fail(s, rc, "begin");
		goto out;
	}
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		rc = st_store_operator_upsert(s, &ops[k], &id);
		if (rc < 0) {
			seed_fail(s, rc, "operators");
			goto out;
		}
	}
	for (k = 0; k < N_PRODUCTS; k++) {
		memset(&pr, 0, sizeof(pr));
		product_sku(k, pr.sku);
		product_gtin14(k, pr.gtin);
		snprintf(pr.name, sizeof(pr.name), "Bench piece %u", k);
		snprintf(pr.category, sizeof(pr.category), "%s", cat[k % 5]);
		rc = st_store_product_upsert(s, &pr, &id);
		if (rc < 0) {
			seed_fail(s, rc, "products");
			goto out;
		}
	}
	for (k = 0; k < N_ORDERS; k++) {
		memset(o, 0, sizeof(*o));
		order_number(k, o->number);
		snprintf(o->customer_name, sizeof(o->customer_name), "Customer %u", k);
		snprintf(o->customer_email, sizeof(o->customer_email), "c%u@example.com", k);
		snprintf(o->ship_country, sizeof(o->ship_country), "DE");
		o->placed_ms = bench_utc_ms() - 86400000;
		o->n_line = LINES_PER_ORDER;
		for (unsigned l = 0; l < LINES_PER_ORDER; l++) {
			struct st_line *ln = &o->line[l];

			ln->line_no = (int)l + 1;
			product_sku(item_product(k * LINES_PER_ORDER + l), ln->product.sku);
			ln->quantity = 1;
			ln->n_opt = 2;
			snprintf(ln->opt[0].name, sizeof(ln->opt[0].name), "size");
			snprintf(ln->opt[0].value, sizeof(ln->opt[0].value), "%u", 5 + l);
			snprintf(ln->opt[1].name, sizeof(ln->opt[1].name), "metal");
			snprintf(ln->opt[1].value, sizeof(ln->opt[1].value), "14k gold");
		}
		rc = st_store_order_upsert(s, o, &id);
		if (rc < 0) {
			seed_fail(s, rc, "orders");
			goto out;
		}
	}
	for (k = 0; k < N_ITEMS; k++) {
		memset(&it, 0, sizeof(it));
		item_serial(k, it.serial);
		product_sku(item_product(k), it.product.sku);
		order_number(k / LINES_PER_ORDER, it.order_number);
		it.line_no = (int)(k % LINES_PER_ORDER) + 1;
		rc = st_store_item_upsert(s, &it, &id);
		if (rc < 0) {
			seed_fail(s, rc, "items");
			goto out;
		}
	}
	rc = st_store_commit(s);
	if (rc < 0)
		seed_fail(s, rc, "commit");
out:
	if (rc < 0)
		st_store_rollback(s);
	free(o);
	return rc;
}

struct ingest {
	struct st_config cfg; /* the app keeps a pointer: the struct must not move */
	struct st_store *store;
	struct st_app *app;
};

static void ingest_close(struct ingest *g)
{
	st_app_free(g->app);
	st_store_close(g->store);
	g->app = NULL;
	g->store = NULL;
}

/* A fresh store at path, seeded, and an app on it emitting into sink.  On
 * failure *g is closed. */
static int ingest_open(struct ingest *g, const char *path, struct sink *sink)
{
	struct st_store_opts so = { .create = true };
	struct st_app_opts ao = { 0 };
	char err[512];
	int rc;

	memset(g, 0, sizeof(*g));
	st_config_defaults(&g->cfg);
	so.busy_timeout_ms = g->cfg.busy_timeout_ms;
	rc = st_store_open(path, &so, &g->store, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "bench_ingest: %s\n", err);
		goto out;
	}
	rc = seed(g->store);
	if (rc < 0)
		goto out;
	ao.cfg = &g->cfg;
	ao.store = g->store;
	ao.emit = emit;
	ao.emit_ud = sink;
	rc = st_app_new(&ao, &g->app);
	if (rc < 0)
		fprintf(stderr, "bench_ingest: %s: cannot start the app: %s (%s)\n", path,
			st_strerror(rc), st_store_errmsg(g->store));
out:
	if (rc < 0)
		ingest_close(g);
	return rc;
}

static int ingest_scan(struct ingest *g, const struct code *c)
{
	int rc = st_app_scan(g->app, c->b, c->n, false, "bench");

	if (rc < 0)
		fprintf(stderr, "bench_ingest: a scan was not stored: %s (%s)\n", st_strerror(rc),
			st_store_errmsg(g->store));
	return rc;
}

/* After the run: every scan is in the scan table. */
static int ingest_check(struct ingest *g, size_t n)
{
	int64_t stored = 0;
	int rc = st_store_scan_count(g->store, &stored);

	if (rc < 0) {
		fprintf(stderr, "bench_ingest: counting scans: %s\n", st_strerror(rc));
		return rc;
	}
	if ((uint64_t)stored != n || st_app_scans(g->app) != n) {
		fprintf(stderr, "bench_ingest: %zu scans sent, %lld stored\n", n,
			(long long)stored);
		return ST_ERR_BUG;
	}
	return 0;
}

/* ---- the run -------------------------------------------------------------- */

struct opts {
	size_t n;
	const char *base; /* the folder to make the run's folder in */
	bool json;
};

struct run {
	struct bench_raw_db raw;
	struct ingest ing;
	struct sink sink;
	uint64_t *raw_lat, *ing_lat; /* ns per transaction / per scan */
	uint64_t raw_ns, ing_ns;     /* sums of the above */
	uint64_t half_ns[2];         /* raw time in the first and second half */
	size_t half_n[2];            /* raw transactions in each */
};

/* Run scans [from, to) through the raw baseline or the app, timing each. */
static int run_block(struct run *r, const struct pool *p, const uint32_t *pick, size_t from,
		     size_t to, bool raw)
{
	uint64_t t0, dt;
	int rc;

	for (size_t i = from; i < to; i++) {
		const struct code *c = &p->code[pick[i]];

		t0 = bench_now_ns();
		rc = raw ? bench_raw_txn(&r->raw, c->b, c->n) : ingest_scan(&r->ing, c);
		dt = bench_now_ns() - t0;
		if (rc < 0)
			return rc;
		if (raw) {
			r->raw_lat[i] = dt;
			r->raw_ns += dt;
		} else {
			r->ing_lat[i] = dt;
			r->ing_ns += dt;
		}
	}
	return 0;
}

/* The file system of path, by statfs(2) magic; "?" when unknown. */
static const char *fs_name(const char *path)
{
#ifdef HAVE_STATFS
	static const struct {
		unsigned long magic;
		const char *name;
	} fs[] = {
		{ 0xef53, "ext2/3/4" },      { 0x01021994, "tmpfs" },   { 0x58465342, "xfs" },
		{ 0x9123683e, "btrfs" },     { 0x794c7630, "overlayfs" }, { 0x2fc12fc1, "zfs" },
		{ 0xf2f52010, "f2fs" },      { 0x6969, "nfs" },         { 0x65735546, "fuse" },
		{ 0x858458f6, "ramfs" },     { 0x4d44, "vfat" },
	};
	struct statfs st;

	if (statfs(path, &st) != 0)
		return "?";
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (((unsigned long)st.f_type & 0xffffffffu) == fs[i].magic)
			return fs[i].name;
#else
	(void)path;
#endif
	return "?";
}

/* Remove a database file and its WAL, shared-memory and print-queue lock
 * files, if any. */
static void remove_db(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal", "-print.lock" };
	char f[600];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(f, sizeof(f), "%s%s", path, suffix[i]);
		if (unlink(f) != 0 && errno != ENOENT)
			fprintf(stderr, "bench_ingest: cannot remove %s: %s\n", f, strerror(errno));
	}
}

static void print_text(const struct opts *o, const char *dir, const char *fs,
		       const struct bench_figures *raw, const struct bench_figures *ing, const struct run *r)
{
	double ratio = raw->rate > 0 ? 100.0 * ing->rate / raw->rate : 0.0;

	printf("bench_ingest: %zu scans, %s (%s), synchronous=FULL, SQLite %s\n", o->n, dir, fs,
	       sqlite3_libversion());
	printf("  raw sqlite  one-row txn : %8.1f txn/s   p50 %5.2f ms  p99 %5.2f ms"
	       "  max %6.2f ms\n",
	       raw->rate, raw->p50_ms, raw->p99_ms, raw->max_ms);
	printf("  headless ingest         : %8.1f scans/s p50 %5.2f ms  p99 %5.2f ms"
	       "  max %6.2f ms\n",
	       ing->rate, ing->p50_ms, ing->p99_ms, ing->max_ms);
	printf("  ingest / raw            : %.1f %%  (target >= %.0f %%: %s)"
	       "   p99 target < %.0f ms: %s\n",
	       ratio, TARGET_RATIO_PCT, ratio >= TARGET_RATIO_PCT ? "met" : "NOT met",
	       TARGET_P99_MS, ing->p99_ms < TARGET_P99_MS ? "met" : "NOT met");
	if (r->half_n[1]) /* more than one block */
		printf("  disk drift              : raw %.1f txn/s in the first half, %.1f in"
		       " the second\n",
		       bench_per_s(r->half_n[0], r->half_ns[0]), bench_per_s(r->half_n[1], r->half_ns[1]));
	if (!strcmp(fs, "tmpfs") || !strcmp(fs, "ramfs"))
		printf("  note: %s has no disk behind it: fsync is free, so these figures"
		       " measure CPU only\n",
		       fs);
}

static int print_json(const struct opts *o, const char *dir, const char *fs,
		      const struct bench_figures *raw, const struct bench_figures *ing, const struct run *r)
{
	double ratio = raw->rate > 0 ? 100.0 * ing->rate / raw->rate : 0.0;
	json_t *root;
	int rc = 1;

	root = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s,"
			 " s:{s:f, s:f, s:f, s:f, s:[f, f]},"
			 " s:{s:f, s:f, s:f, s:f, s:I},"
			 " s:f, s:f, s:f, s:b, s:b}",
			 "bench", "ingest", "n", (json_int_t)o->n, "block", (json_int_t)BLOCK,
			 "dir", dir, "fs", fs, "synchronous", "FULL", "sqlite",
			 sqlite3_libversion(), "raw", "txn_per_s", raw->rate, "p50_ms",
			 raw->p50_ms, "p99_ms", raw->p99_ms, "max_ms", raw->max_ms, "halves",
			 bench_per_s(r->half_n[0], r->half_ns[0]), bench_per_s(r->half_n[1], r->half_ns[1]),
			 "ingest", "scans_per_s",
			 ing->rate, "p50_ms", ing->p50_ms, "p99_ms", ing->p99_ms, "max_ms",
			 ing->max_ms, "events", (json_int_t)r->sink.events, "ratio_pct", ratio,
			 "target_ratio_pct", TARGET_RATIO_PCT, "target_p99_ms", TARGET_P99_MS,
			 "ratio_met", ratio >= TARGET_RATIO_PCT, "p99_met",
			 ing->p99_ms < TARGET_P99_MS);
	if (root && json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = 0;
	if (rc)
		fprintf(stderr, "bench_ingest: cannot write the JSON report\n");
	json_decref(root);
	return rc;
}

static int parse_count(const char *s, size_t *out)
{
	uint64_t v;

	if (bench_parse_count(s, UINT32_MAX, &v) < 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_ingest [--n N] [--dir DIR] [--quick] [--json]\n"
		   "  --n N      scans (and raw transactions per run), default %d\n"
		   "  --dir DIR  make the run's folder in DIR (default /tmp); it is removed\n"
		   "  --quick    N = %d, to check that it runs\n"
		   "  --json     one JSON object instead of the report\n",
		DEFAULT_N, QUICK_N);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc) {
			if (parse_count(argv[++i], &o->n) < 0) {
				fprintf(stderr, "bench_ingest: --n wants a count from 1 to %u\n",
					UINT32_MAX);
				return 2;
			}
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			o->base = argv[++i];
		} else if (!strcmp(argv[i], "--quick")) {
			o->n = QUICK_N;
		} else if (!strcmp(argv[i], "--json")) {
			o->json = true;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 1;
		} else {
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .n = DEFAULT_N, .base = "/tmp", .json = false };
	struct pool *pool = NULL;
	uint32_t *pick = NULL;
	struct run *r = NULL;
	struct bench_figures raw, ing;
	char dir[512], ingest_db[600], raw_db[600];
	bool made_dir = false;
	const char *fs;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	rc = 1;

	pool = malloc(sizeof(*pool));
	pick = malloc(o.n * sizeof(*pick));
	r = calloc(1, sizeof(*r));
	if (r) {
		r->raw_lat = malloc(o.n * sizeof(*r->raw_lat));
		r->ing_lat = malloc(o.n * sizeof(*r->ing_lat));
	}
	if (!pool || !pick || !r || !r->raw_lat || !r->ing_lat) {
		fprintf(stderr, "bench_ingest: out of memory\n");
		goto out;
	}
	pool_fill(pool);
	draw(pool, pick, o.n);

	if ((size_t)snprintf(dir, sizeof(dir), "%s/qcbench-XXXXXX", o.base) >= sizeof(dir)) {
		fprintf(stderr, "bench_ingest: --dir is too long\n");
		goto out;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench_ingest: cannot make a folder in %s: %s\n", o.base,
			strerror(errno));
		goto out;
	}
	made_dir = true;
	fs = fs_name(dir);
	snprintf(ingest_db, sizeof(ingest_db), "%s/ingest.db", dir);
	snprintf(raw_db, sizeof(raw_db), "%s/raw.db", dir);
	r->sink.out = fopen("/dev/null", "w");
	if (!r->sink.out) {
		fprintf(stderr, "bench_ingest: /dev/null: %s\n", strerror(errno));
		goto out;
	}
	if (bench_raw_open(&r->raw, "bench_ingest", raw_db) < 0 || ingest_open(&r->ing, ingest_db, &r->sink) < 0)
		goto out;

	/* The two runs are interleaved in blocks of BLOCK scans, raw first in
	 * even blocks and ingest first in odd ones (ABBA).  fsync latency on
	 * the machines this runs on drifts by a factor of several within
	 * seconds (the device's or the VM host's write cache fills and
	 * drains, neighbours get busy), so a whole raw run followed by a whole
	 * ingest run compares two different disks; measured this way both see
	 * the same disk, block by block, and the order inside a pair cannot
	 * favour either.  The same scans go to both, in the same order. */
	for (size_t from = 0; from < o.n; from += BLOCK) {
		size_t to = from + BLOCK < o.n ? from + BLOCK : o.n;
		bool raw_first = (from / BLOCK) % 2 == 0;
		uint64_t before = r->raw_ns;

		if (run_block(r, pool, pick, from, to, raw_first) < 0 ||
		    run_block(r, pool, pick, from, to, !raw_first) < 0)
			goto out;
		r->half_ns[from >= o.n / 2] += r->raw_ns - before;
		r->half_n[from >= o.n / 2] += to - from;
	}
	if (ingest_check(&r->ing, o.n) < 0)
		goto out;

	bench_figures_of(r->raw_lat, o.n, &raw);
	bench_figures_of(r->ing_lat, o.n, &ing);
	if (!r->sink.logins)
		fprintf(stderr, "bench_ingest: warning: the badge did not log in; the figures"
				" are those of refused scans\n");
	if (r->sink.store_failed)
		fprintf(stderr,
			"bench_ingest: warning: %llu scans stored only raw (store_failed)\n",
			(unsigned long long)r->sink.store_failed);

	if (o.json) {
		rc = print_json(&o, dir, fs, &raw, &ing, r);
	} else {
		print_text(&o, dir, fs, &raw, &ing, r);
		rc = 0;
	}
out:
	if (r) {
		ingest_close(&r->ing);
		bench_raw_close(&r->raw);
		if (r->sink.out)
			fclose(r->sink.out);
		free(r->ing_lat);
		free(r->raw_lat);
	}
	if (made_dir) {
		remove_db(ingest_db);
		remove_db(raw_db);
		if (rmdir(dir) != 0)
			fprintf(stderr, "bench_ingest: cannot remove %s: %s\n", dir,
				strerror(errno));
	}
	free(r);
	free(pick);
	free(pool);
	return rc;
}
