/* bench: shared clocks, figures and the raw SQLite baseline (bench_common.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int64_t bench_utc_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int bench_parse_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v == 0 || s[0] == '-' || (max && v > max))
		return -1;
	*out = v;
	return 0;
}

int bench_args(int argc, char **argv, const char *prog, uint64_t max, uint64_t quick_n,
	       uint64_t *n, bool *json, void (*usage)(FILE *f))
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], max, n) < 0) {
				fprintf(stderr, "%s: --n wants a positive count\n", prog);
				return 2;
			}
		} else if (!strcmp(argv[i], "--quick")) {
			*n = quick_n;
		} else if (!strcmp(argv[i], "--json")) {
			*json = true;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	return -1;
}

double bench_per_s(size_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n), n >= 1. */
static double pct_ms(const uint64_t *v, size_t n, unsigned pct)
{
	size_t rank = (size_t)(((uint64_t)n * pct + 99) / 100);

	if (rank == 0)
		rank = 1;
	return (double)v[rank - 1] / 1e6;
}

void bench_figures_of(uint64_t *lat_ns, size_t n, struct bench_figures *f)
{
	uint64_t sum = 0;

	memset(f, 0, sizeof(*f));
	f->n = n;
	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		sum += lat_ns[i];
	f->rate = bench_per_s(n, sum);
	qsort(lat_ns, n, sizeof(*lat_ns), cmp_u64);
	f->p50_ms = pct_ms(lat_ns, n, 50);
	f->p99_ms = pct_ms(lat_ns, n, 99);
	f->max_ms = (double)lat_ns[n - 1] / 1e6;
}

static int raw_fail(const struct bench_raw_db *r, const char *what)
{
	fprintf(stderr, "%s: %s: %s: %s\n", r->prog, r->path, what,
		r->db ? sqlite3_errmsg(r->db) : "out of memory");
	return -1;
}

static int raw_exec(struct bench_raw_db *r, const char *sql)
{
	if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return raw_fail(r, sql);
	return 0;
}

void bench_raw_close(struct bench_raw_db *r)
{
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(r->q[i]);
	if (r->db && sqlite3_close(r->db) != SQLITE_OK)
		raw_fail(r, "close");
	memset(r, 0, sizeof(*r));
}

int bench_raw_open(struct bench_raw_db *r, const char *prog, const char *path)
{
	static const char *const sql[3] = { "BEGIN IMMEDIATE",
					    "INSERT INTO t(raw, ts) VALUES (?1, ?2)", "COMMIT" };
	sqlite3_stmt *jm = NULL;
	const unsigned char *mode;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->prog = prog;
	r->path = path;
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		raw_fail(r, "open");
		goto out;
	}
	sqlite3_busy_timeout(r->db, 5000);
	if (sqlite3_prepare_v2(r->db, "PRAGMA journal_mode = WAL", -1, &jm, NULL) != SQLITE_OK ||
	    sqlite3_step(jm) != SQLITE_ROW) {
		raw_fail(r, "journal_mode = WAL");
		goto out;
	}
	mode = sqlite3_column_text(jm, 0);
	if (!mode || strcmp((const char *)mode, "wal") != 0) {
		fprintf(stderr, "%s: %s: journal mode stays %s\n", prog, path,
			mode ? (const char *)mode : "?");
		goto out;
	}
	if (raw_exec(r, "PRAGMA synchronous = FULL") < 0 ||
	    raw_exec(r, "PRAGMA foreign_keys = ON") < 0 ||
	    raw_exec(r, "CREATE TABLE t(id INTEGER PRIMARY KEY, raw BLOB NOT NULL,"
			" ts INTEGER NOT NULL)") < 0)
		goto out;
	for (int i = 0; i < 3; i++) {
		if (sqlite3_prepare_v3(r->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->q[i],
				       NULL) != SQLITE_OK) {
			raw_fail(r, sql[i]);
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(jm);
	if (rc < 0)
		bench_raw_close(r);
	return rc;
}

/* Step a statement that returns no row, and reset it. */
static bool raw_step(sqlite3_stmt *q)
{
	bool ok = sqlite3_step(q) == SQLITE_DONE;

	sqlite3_reset(q);
	return ok;
}

int bench_raw_txn(struct bench_raw_db *r, const void *b, size_t n)
{
	bool ok;

	if (!raw_step(r->q[0]))
		return raw_fail(r, "BEGIN IMMEDIATE");
	sqlite3_bind_blob(r->q[1], 1, b, (int)n, SQLITE_STATIC);
	sqlite3_bind_int64(r->q[1], 2, bench_utc_ms());
	ok = raw_step(r->q[1]);
	sqlite3_clear_bindings(r->q[1]);
	if (ok && raw_step(r->q[2]))
		return 0;
	raw_fail(r, "INSERT and COMMIT");
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}
