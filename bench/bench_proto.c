/* bench: the server's decoding of a push batch, sy_proto_batch_decode().
 *
 * A batch of 1,000 events like those bench_sync pushes (inspection-like
 * payloads of about 150 bytes, UUIDv7 keys), encoded by the client's
 * sy_proto_batch_encode(), is decoded many times; the figure is ms per
 * batch and MB/s of request body.  In the same run, interleaved with it,
 * the baseline: one validating pass of the JSON scanner over the same body
 * (sy_jscan_value(), which the decoder is built on), that is, what merely
 * checking the text costs.  Decode / baseline says how close the decoder
 * is to a single pass: it also copies every payload and string out and
 * checks each event's fields.
 *
 * Then the same for the client's side of the same push: the answer of
 * 1,000 results, sy_proto_results_decode(), beside one pass over it.
 *
 * A measurement, not a test: exits 0 whatever the figures, non-zero only
 * when it could not run (or a decode did not give back what was encoded).
 *
 * Not for: HTTP or the database (bench_sync), correctness (test_sy_proto).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto/jscan.h" /* private to sync/: the baseline (see CMakeLists.txt) */
#include "sy/err.h"
#include "sy/proto.h"

#include "bench_common.h"

#define EVENTS SY_PROTO_MAX_EVENTS /* a full batch, as bench_sync sends */
#define ROUNDS 15                  /* rounds of decode then baseline */
#define ROUND_NS 100000000         /* default: about 0.1 s of decoding a round */
#define QUICK_N 30                 /* --quick: decodes in all */

#ifndef QC_BENCH_BUILD_TYPE
#define QC_BENCH_BUILD_TYPE "?"
#endif

struct doc {
	char *text;
	size_t len;
};

/* One side's figures: ns per document, median and best of the rounds. */
struct fig {
	double med_ns, best_ns;
};

/* The events of bench_sync's station (make_station()), with UUIDv7-shaped
 * keys from a fixed sequence: the same body on every run. */
static int make_batch(struct doc *d)
{
	struct sy_proto_event *ev = calloc(EVENTS, sizeof(*ev));
	char(*text)[2][256] = calloc(EVENTS, sizeof(*text));
	struct sy_proto_err err;
	uint64_t x = 0x9e3779b97f4a7c15u;
	int rc = -1;

	if (!ev || !text)
		goto out;
	for (size_t i = 0; i < EVENTS; i++) {
		struct sy_proto_event *e = &ev[i];

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		snprintf(e->uuid, sizeof(e->uuid), "0193b2c4-%04x-7%03x-%x%03x-%012llx",
			 (unsigned)(0x8a3e + i / 4096), (unsigned)(i % 4096),
			 (unsigned)(8 + (x >> 62)), (unsigned)((x >> 40) & 0xfff),
			 (unsigned long long)(x & 0xffffffffffffu));
		snprintf(text[i][0], sizeof(text[i][0]), "item:SN%02u%08zu", 1u, i);
		snprintf(text[i][1], sizeof(text[i][1]),
			 "{\"item\":\"SN%02u%08zu\",\"result\":\"pass\",\"checklist\":\"ring-v3\","
			 "\"operator\":\"BADGE-0001\",\"station\":\"BENCH\",\"checks\":12,"
			 "\"duration_ms\":%zu}",
			 1u, i, (size_t)40000 + i % 20000);
		e->seq = (int64_t)i + 1;
		e->ts_ms = 1764180000000 + (int64_t)i;
		e->type = "inspection";
		e->entity = text[i][0];
		e->payload = text[i][1];
		e->payload_len = strlen(text[i][1]);
	}
	if (sy_proto_batch_encode("BENCH-01", ev, EVENTS, &d->text, &d->len, &err) < 0) {
		fprintf(stderr, "bench_proto: encode: %s\n", err.detail);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0 && (!ev || !text))
		fprintf(stderr, "bench_proto: out of memory\n");
	free(text);
	free(ev);
	return rc;
}

/* The server's answer to that batch: every event applied. */
static int make_results(const struct doc *batch, struct doc *d)
{
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_result *r = NULL;
	struct sy_proto_err err;
	int rc = -1;

	if (sy_proto_batch_decode(batch->text, batch->len, &b, &err) < 0) {
		fprintf(stderr, "bench_proto: decode: %s\n", err.detail);
		return -1;
	}
	r = calloc(b.n, sizeof(*r));
	if (!r)
		goto out;
	for (size_t i = 0; i < b.n; i++) {
		memcpy(r[i].uuid, b.ev[i].uuid, sizeof(r[i].uuid));
		r[i].status = SY_PROTO_APPLIED;
		r[i].server_seq = 5000000 + (int64_t)i;
	}
	if (sy_proto_results_encode(r, b.n, &d->text, &d->len) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "bench_proto: cannot make the answer\n");
	free(r);
	sy_proto_batch_fini(&b);
	return rc;
}

/* Decode each document once and compare with what was encoded: timing a
 * decoder that refuses the input would mislead. */
static int check(const struct doc *batch, const struct doc *answer)
{
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_result *r = NULL;
	struct sy_proto_err err;
	size_t n = 0;
	int bad = 0;

	if (sy_proto_batch_decode(batch->text, batch->len, &b, &err) < 0 || b.n != EVENTS ||
	    strcmp(b.station, "BENCH-01") != 0)
		bad = 1;
	for (size_t i = 0; !bad && i < b.n; i++) {
		const struct sy_proto_event *e = &b.ev[i];

		if (e->reject[0] || e->seq != (int64_t)i + 1 ||
		    strcmp(e->type, "inspection") != 0 || e->payload_len < 100 ||
		    e->payload_len != strlen(e->payload) || !strstr(batch->text, e->payload))
			bad = 1;
	}
	sy_proto_batch_fini(&b);
	if (sy_proto_results_decode(answer->text, answer->len, &r, &n, &err) < 0 || n != EVENTS ||
	    r[EVENTS - 1].server_seq != 5000000 + EVENTS - 1)
		bad = 1;
	free(r);
	if (bad)
		fprintf(stderr, "bench_proto: a decode did not give back what was encoded\n");
	return bad ? -1 : 0;
}

enum what { W_BATCH, W_RESULTS, W_SCAN };

/* Run one operation iters times on d; ns for all of them. */
static uint64_t run(enum what w, const struct doc *d, uint64_t iters, volatile size_t *sink)
{
	size_t acc = 0;
	uint64_t t0 = bench_now_ns();

	for (uint64_t k = 0; k < iters; k++) {
		if (w == W_BATCH) {
			struct sy_proto_batch b = SY_PROTO_BATCH_INIT;

			if (sy_proto_batch_decode(d->text, d->len, &b, NULL) == SY_OK)
				acc += b.n;
			sy_proto_batch_fini(&b);
		} else if (w == W_RESULTS) {
			struct sy_proto_result *r = NULL;
			size_t n = 0;

			if (sy_proto_results_decode(d->text, d->len, &r, &n, NULL) == SY_OK)
				acc += n;
			free(r);
		} else {
			struct sy_jscan j = { d->text, d->len, 0, NULL };

			if (sy_jscan_value(&j, 0) == 0) {
				sy_jscan_ws(&j);
				acc += j.pos == j.n;
			}
		}
	}
	*sink += acc;
	return bench_now_ns() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* rounds of iters runs of op and of the baseline, interleaved (op first in
 * even rounds, the baseline in odd ones), so both see the same machine. */
static void measure(enum what op, const struct doc *d, uint64_t iters, int rounds, struct fig *f,
		    struct fig *base, volatile size_t *sink)
{
	double t[2][ROUNDS];

	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < 2; k++) {
			int side = (r + k) % 2; /* 0: op, 1: baseline */

			uint64_t ns = run(side ? W_SCAN : op, d, iters, sink);

			t[side][r] = (double)ns / (double)iters;
		}
	}
	for (int side = 0; side < 2; side++) {
		struct fig *o = side ? base : f;

		qsort(t[side], (size_t)rounds, sizeof(double), cmp_double);
		o->med_ns = t[side][rounds / 2];
		o->best_ns = t[side][0];
	}
}

static double mb_per_s(size_t len, double ns)
{
	return ns > 0 ? (double)len / ns * 1e9 / 1e6 : 0.0;
}

static void print_line(const char *what, const struct doc *d, const struct fig *f)
{
	printf("  %-34s %9.3f %9.3f %9.1f\n", what, f->med_ns / 1e6, f->best_ns / 1e6,
	       mb_per_s(d->len, f->med_ns));
}

static void print_text(const struct doc *batch, const struct doc *answer, const struct fig f[4],
		       uint64_t iters, int rounds)
{
	printf("bench_proto: %d events, body %zu bytes, answer %zu bytes; %d rounds x %llu, "
	       "build %s, %s\n",
	       EVENTS, batch->len, answer->len, rounds, (unsigned long long)iters,
	       QC_BENCH_BUILD_TYPE, __VERSION__);
	printf("  %-34s %9s %9s %9s\n", "", "ms (p50)", "ms (best)", "MB/s");
	print_line("batch decode", batch, &f[0]);
	print_line("baseline: one jscan pass (body)", batch, &f[1]);
	printf("  batch decode / one pass          : %.2f x\n",
	       f[1].med_ns > 0 ? f[0].med_ns / f[1].med_ns : 0.0);
	print_line("results decode", answer, &f[2]);
	print_line("baseline: one jscan pass (answer)", answer, &f[3]);
	printf("  results decode / one pass        : %.2f x\n",
	       f[3].med_ns > 0 ? f[2].med_ns / f[3].med_ns : 0.0);
}

static json_t *fig_json(const struct doc *d, const struct fig *f)
{
	return json_pack("{s:f, s:f, s:f}", "ms_per_batch", f->med_ns / 1e6, "best_ms",
			 f->best_ns / 1e6, "mb_per_s", mb_per_s(d->len, f->med_ns));
}

static int print_json(const struct doc *batch, const struct doc *answer, const struct fig f[4],
		      uint64_t iters, int rounds)
{
	json_t *root;
	int rc = 1;

	root = json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:i, s:I, s:o, s:o, s:f, s:o, s:o, s:f}",
			 "bench", "proto", "build", QC_BENCH_BUILD_TYPE, "compiler", __VERSION__,
			 "events", EVENTS, "body_bytes", (json_int_t)batch->len, "answer_bytes",
			 (json_int_t)answer->len, "rounds", rounds, "iterations",
			 (json_int_t)iters, "decode", fig_json(batch, &f[0]), "baseline",
			 fig_json(batch, &f[1]), "decode_per_pass",
			 f[1].med_ns > 0 ? f[0].med_ns / f[1].med_ns : 0.0, "results",
			 fig_json(answer, &f[2]), "results_baseline", fig_json(answer, &f[3]),
			 "results_per_pass", f[3].med_ns > 0 ? f[2].med_ns / f[3].med_ns : 0.0);
	if (root && json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = 0;
	if (rc)
		fprintf(stderr, "bench_proto: cannot write the JSON report\n");
	json_decref(root);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_proto [--n N] [--quick] [--json]\n"
		   "  --n N    decodes of each kind in all, over %d rounds (default:\n"
		   "           about 0.1 s of batch decoding a round)\n"
		   "  --quick  N = %d, to check that it runs\n"
		   "  --json   one JSON object instead of the table\n",
		ROUNDS, QUICK_N);
}

int main(int argc, char **argv)
{
	struct doc batch = { NULL, 0 }, answer = { NULL, 0 };
	struct fig f[4];
	volatile size_t sink = 0;
	uint64_t n = 0, iters;
	bool json = false;
	int rounds = ROUNDS, rc = 1;

	{
		int ex = bench_args(argc, argv, "bench_proto", 0, QUICK_N, &n, &json, usage);

		if (ex >= 0)
			return ex;
	}
	if (make_batch(&batch) < 0 || make_results(&batch, &answer) < 0 ||
	    check(&batch, &answer) < 0)
		goto out;
	if (n) {
		if (n < (uint64_t)rounds)
			rounds = (int)n;
		iters = n / (uint64_t)rounds;
		run(W_BATCH, &batch, 1, &sink); /* warm-up */
	} else {
		/* Calibrate on the batch decoder (which also warms the caches). */
		uint64_t ns = 0;

		iters = 1;
		while ((ns = run(W_BATCH, &batch, iters, &sink)) < ROUND_NS / 4)
			iters *= 2;
		iters = (uint64_t)((double)iters * ROUND_NS / (double)ns) + 1;
	}
	measure(W_BATCH, &batch, iters, rounds, &f[0], &f[1], &sink);
	measure(W_RESULTS, &answer, iters, rounds, &f[2], &f[3], &sink);
	if (json) {
		rc = print_json(&batch, &answer, f, iters, rounds);
	} else {
		print_text(&batch, &answer, f, iters, rounds);
		rc = 0;
	}
out:
	free(batch.text);
	free(answer.text);
	return rc;
}
