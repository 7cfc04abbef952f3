/* bench: what the benchmarks share: clocks, figures (rate and nearest-rank
 * percentiles), and the raw SQLite baseline every storage benchmark prints
 * beside its own figure.  Benchmarks only; not part of any library. */
#ifndef QC_BENCH_COMMON_H
#define QC_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

/* CLOCK_MONOTONIC in ns; CLOCK_REALTIME in Unix ms. */
uint64_t bench_now_ns(void);
int64_t bench_utc_ms(void);

struct bench_figures {
	size_t n;
	double rate;                  /* operations per second of summed latency */
	double p50_ms, p99_ms, max_ms;
};

/* A count given on the command line ("--n 2000"): 1..max (0 = no max);
 * 0, or -1 when s is not such a number. */
int bench_parse_count(const char *s, uint64_t max, uint64_t *out);

/* The options of a benchmark that takes only these: --n N (1..max, 0 = no
 * max), --quick (n = quick_n), --json, --help.  -1 to run; else the exit
 * status (0 after --help, 2 after a bad option, with usage printed). */
int bench_args(int argc, char **argv, const char *prog, uint64_t max, uint64_t quick_n,
	       uint64_t *n, bool *json, void (*usage)(FILE *f));

/* Operations per second for n operations taking ns in all. */
double bench_per_s(size_t n, uint64_t ns);

/* The figures of lat_ns[0..n) (sorts it); all zero when n is 0. */
void bench_figures_of(uint64_t *lat_ns, size_t n, struct bench_figures *f);

/* The raw baseline: one-row transactions BEGIN IMMEDIATE; INSERT; COMMIT
 * with prepared statements on a fresh file, with the store's settings (WAL,
 * synchronous=FULL, foreign_keys=ON, station/store/store.c). */
struct bench_raw_db {
	const char *prog;   /* names messages */
	const char *path;
	sqlite3 *db;
	sqlite3_stmt *q[3]; /* BEGIN IMMEDIATE, INSERT, COMMIT */
};

/* Create it at path; 0, or -1 after printing why (r is then closed). */
int bench_raw_open(struct bench_raw_db *r, const char *prog, const char *path);
/* One transaction inserting b[0..n); 0 or -1 after printing why. */
int bench_raw_txn(struct bench_raw_db *r, const void *b, size_t n);
void bench_raw_close(struct bench_raw_db *r);

#endif
