/* bench: barcode classification speed, st_bc_parse() on a realistic mix.
 *
 * Parses a fixed set of codes of every kind the station sees (GTIN-13,
 * GS1-128 with GS separators, the bracketed and Digital Link forms, the
 * brand's orders, serials, badges and commands, carrier tracking numbers and
 * codes that do not parse) with one reused struct st_bc, and prints parses
 * per second and nanoseconds per parse, per kind and for the whole mix.
 *
 * In the same run it times a trivial pass over the same inputs (strlen plus
 * memchr for GS: "the cost of touching the bytes"), so the figure can be
 * read against what merely reading the scans costs on this machine.
 *
 * Target (docs/performance.md): >= 2,000,000 parses/s over the mix.  This
 * is a measurement, not a test: it exits 0 whether or not the target is
 * met, and non-zero only when it could not run.
 *
 * Not for: correctness (tests/station/), the database (bench_ingest).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "st/barcode.h"
#include "st/err.h"

#include "bench_common.h"

#define GS "\x1d"

#define TARGET_PARSES_PER_S 2000000.0
#define QUICK_N 2000           /* --quick: enough to run every path */
#define CALIBRATE_NS 200000000 /* 0.2 s to estimate the cost of a parse */
#define MIX_NS 1000000000      /* default N: about 1 s of the mix */
#define KIND_SHARE 8           /* each kind runs N / KIND_SHARE parses */

#ifndef QC_BENCH_BUILD_TYPE
#define QC_BENCH_BUILD_TYPE "?"
#endif

/* The input classes reported, each with the kind st_bc_parse() must give
 * (checked before timing: timing the wrong path would mislead). */
enum cls {
	C_GTIN13,
	C_GS1_128,
	C_GS1_BRACKET,
	C_GS1_DL,
	C_ORDER,
	C_SERIAL,
	C_BADGE,
	C_COMMAND,
	C_UPS,
	C_FEDEX,
	C_USPS,
	C_INVALID,
	C__COUNT
};

static const struct {
	const char *name;
	enum st_bc_kind kind;
	bool valid;
	unsigned weight; /* share of the mix, in percent */
} cls_info[C__COUNT] = {
	[C_GTIN13] = { "gtin-13", ST_BC_GTIN, true, 14 },
	[C_GS1_128] = { "gs1-128", ST_BC_GS1, true, 20 },
	[C_GS1_BRACKET] = { "gs1-bracketed", ST_BC_GS1, true, 4 },
	[C_GS1_DL] = { "gs1-digital-link", ST_BC_GS1, true, 4 },
	[C_ORDER] = { "order", ST_BC_ORDER, true, 14 },
	[C_SERIAL] = { "serial", ST_BC_SERIAL, true, 16 },
	[C_BADGE] = { "badge", ST_BC_BADGE, true, 2 },
	[C_COMMAND] = { "command", ST_BC_COMMAND, true, 8 },
	[C_UPS] = { "ups", ST_BC_TRACKING, true, 5 },
	[C_FEDEX] = { "fedex", ST_BC_TRACKING, true, 5 },
	[C_USPS] = { "usps", ST_BC_TRACKING, true, 2 },
	[C_INVALID] = { "invalid", ST_BC__COUNT, false, 6 }, /* any kind, not valid */
};

struct input {
	enum cls cls;
	const char *text; /* may hold GS; never NUL */
};

/* Check digits computed, tracking numbers from tests/station/test_tracking.c. */
static const struct input inputs[] = {
	{ C_GTIN13, "4006381333931" },
	{ C_GTIN13, "5901234123457" },
	{ C_GTIN13, "9780201379624" },
	{ C_GTIN13, "]E08711253001202" },
	{ C_GS1_128, "]C10109506000134352172612311" "0ABC123" GS "21SN10000001" },
	{ C_GS1_128, "]C10105012345678900" "1726063010LOT-42" GS "2112345678" },
	{ C_GS1_128, "]d20100012345600012" "10B7" GS "21A1B2C3" GS "17270101" },
	{ C_GS1_128, "0109506000134352" "17261231" "10ABC123" GS "21SN10000002" },
	{ C_GS1_BRACKET, "(01)09506000134352(17)261231(10)ABC123(21)SN10000003" },
	{ C_GS1_BRACKET, "(01)05012345678900(10)LOT-42" },
	{ C_GS1_DL, "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN10000004?17=261231" },
	{ C_GS1_DL, "https://example.com/01/05012345678900/21/12345678" },
	{ C_ORDER, "ORD-100234" },
	{ C_ORDER, "ORD-1001" },
	{ C_ORDER, "ord-100235" },
	{ C_SERIAL, "SN10000001" },
	{ C_SERIAL, "SN20480007" },
	{ C_BADGE, "BADGE-1001" },
	{ C_COMMAND, "CMD-PASS" },
	{ C_COMMAND, "CMD-FAIL" },
	{ C_COMMAND, "CMD-PASS-ALL" },
	{ C_UPS, "1Z999AA10123456784" },
	{ C_UPS, "1Z5R89390357567127" },
	{ C_FEDEX, "986578788855" },
	{ C_FEDEX, "449044304137821" },
	{ C_FEDEX, "9611020987654312345672" },
	{ C_USPS, "9400111201080805483016" },
	{ C_USPS, "9361289878700317633795" },
	{ C_INVALID, "4006381333932" },                 /* bad check digit */
	{ C_INVALID, "]C10109506000134353" },           /* GS1 with a bad GTIN */
	{ C_INVALID, "(01)09506000134352(17)261341" },  /* month 13 */
	{ C_INVALID, "ORD-12" },                        /* too short for an order */
	{ C_INVALID, "hello world" },
	{ C_INVALID, "CMD-FROB" },                      /* no such command */
};

#define N_INPUTS (sizeof(inputs) / sizeof(inputs[0]))

/* One scan as the reader hands it over: a heap copy, so the compiler cannot
 * fold the baseline's strlen() of a string literal. */
struct code {
	enum cls cls;
	char *buf; /* NUL-terminated copy */
	size_t len;
};

struct result {
	uint64_t parses;
	uint64_t ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double per_s(const struct result *r)
{
	return r->ns ? (double)r->parses * 1e9 / (double)r->ns : 0.0;
}

static double ns_per(const struct result *r)
{
	return r->parses ? (double)r->ns / (double)r->parses : 0.0;
}

/* Parse n codes, cycling through set[0..len).  The sink keeps the loop's
 * results alive (st_bc_parse() lives in another object file, but the
 * baseline below is inline and would otherwise vanish). */
static struct result run_parse(const struct code *const *set, size_t len, uint64_t n,
			       struct st_bc *bc, volatile unsigned *sink)
{
	struct result r = { .parses = n };
	unsigned acc = 0;
	uint64_t t0, i;
	size_t k = 0;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		st_bc_parse(set[k]->buf, set[k]->len, NULL, bc);
		acc += (unsigned)bc->kind + bc->valid;
		if (++k == len)
			k = 0;
	}
	r.ns = now_ns() - t0;
	*sink += acc;
	return r;
}

/* The baseline: read every byte once (strlen) and look for GS (memchr),
 * which any parser must at least do. */
static struct result run_touch(const struct code *const *set, size_t len, uint64_t n,
			       volatile unsigned *sink)
{
	struct result r = { .parses = n };
	size_t acc = 0, k = 0;
	uint64_t t0, i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		acc += strlen(set[k]->buf);
		acc += memchr(set[k]->buf, ST_BC_GS, set[k]->len) != NULL;
		if (++k == len)
			k = 0;
	}
	r.ns = now_ns() - t0;
	*sink += (unsigned)acc;
	return r;
}

/* Parse every input once and compare with the class it stands for. */
static unsigned check_inputs(const struct code *codes, struct st_bc *bc)
{
	unsigned bad = 0;

	for (size_t i = 0; i < N_INPUTS; i++) {
		const struct code *c = &codes[i];
		enum st_bc_kind want = cls_info[c->cls].kind;

		st_bc_parse(c->buf, c->len, NULL, bc);
		if (bc->valid == cls_info[c->cls].valid &&
		    (want == ST_BC__COUNT || bc->kind == want))
			continue;
		fprintf(stderr, "bench_parse: warning: input %zu (%s) parsed as %s, %s%s%s\n", i,
			cls_info[c->cls].name, st_bc_kind_name(bc->kind),
			bc->valid ? "valid" : "not valid", bc->err.n ? ": " : "",
			bc->err.n ? bc->err.msg[0] : "");
		bad++;
	}
	return bad;
}

/* The mix: each class's inputs repeated in proportion to its weight, in a
 * fixed shuffled order (the parser should not see the same kind in long
 * runs, as a real station would not). */
static size_t build_mix(const struct code *codes, const struct code **mix, size_t cap)
{
	size_t n = 0;
	uint64_t x = 0x9e3779b97f4a7c15u;

	for (int c = 0; c < C__COUNT; c++) {
		size_t first = n;

		for (size_t i = 0; n - first < cls_info[c].weight * 4 && n < cap; i++) {
			if (i == N_INPUTS)
				i = 0;
			if (codes[i].cls == (enum cls)c)
				mix[n++] = &codes[i];
		}
	}
	for (size_t i = n; i > 1; i--) { /* Fisher-Yates with xorshift64 */
		const struct code *t;
		size_t j;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (size_t)(x % i);
		t = mix[i - 1];
		mix[i - 1] = mix[j];
		mix[j] = t;
	}
	return n;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_parse [--n N] [--quick] [--json]\n"
		   "  --n N    parses of the whole mix (default: about 1 s worth);\n"
		   "           each kind alone runs N/%d\n"
		   "  --quick  N = %d, to check that it runs\n"
		   "  --json   one JSON object instead of the table\n",
		KIND_SHARE, QUICK_N);
}

static void print_text(const struct result *kind, const struct result *mix,
		       const struct result *touch, size_t mix_len, unsigned bad)
{
	double rate = per_s(mix);

	printf("bench_parse: mix of %zu codes (%zu distinct), %llu parses, build %s, %s\n", mix_len,
	       N_INPUTS, (unsigned long long)mix->parses, QC_BENCH_BUILD_TYPE, __VERSION__);
	printf("  %-26s %14s %10s\n", "kind", "parses/s", "ns/parse");
	for (int c = 0; c < C__COUNT; c++)
		printf("  %-26s %14.0f %10.1f\n", cls_info[c].name, per_s(&kind[c]),
		       ns_per(&kind[c]));
	printf("  %-26s %14.0f %10.1f\n", "overall mix", rate, ns_per(mix));
	printf("  %-26s %14.0f %10.1f\n", "baseline strlen+memchr", per_s(touch), ns_per(touch));
	printf("  parse / baseline cost     : %.1f x\n",
	       ns_per(touch) > 0 ? ns_per(mix) / ns_per(touch) : 0.0);
	printf("  target >= %.0f parses/s : %s\n", TARGET_PARSES_PER_S,
	       rate >= TARGET_PARSES_PER_S ? "met" : "NOT met");
	if (bad)
		printf("  warning: %u inputs did not parse as their class (see stderr)\n", bad);
}

static int print_json(const struct result *kind, const struct result *mix,
		      const struct result *touch, size_t mix_len, unsigned bad)
{
	json_t *root, *kinds;
	int rc = 1;

	root = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:{s:f, s:f}, s:{s:f, s:f}, s:f, s:b,"
			 " s:i}",
			 "bench", "parse", "build", QC_BENCH_BUILD_TYPE, "compiler", __VERSION__,
			 "mix_len", (json_int_t)mix_len, "distinct", (json_int_t)N_INPUTS,
			 "parses", (json_int_t)mix->parses, "overall", "parses_per_s", per_s(mix),
			 "ns_per_parse", ns_per(mix), "baseline", "parses_per_s", per_s(touch),
			 "ns_per_parse", ns_per(touch), "target_parses_per_s", TARGET_PARSES_PER_S,
			 "target_met", per_s(mix) >= TARGET_PARSES_PER_S, "misclassified",
			 (int)bad);
	kinds = json_object();
	if (!root) {
		json_decref(kinds);
		goto out;
	}
	/* _set_new() takes kinds on every path, failure included. */
	if (json_object_set_new(root, "kinds", kinds) < 0)
		goto out;
	for (int c = 0; c < C__COUNT; c++) {
		if (json_object_set_new(kinds, cls_info[c].name,
					json_pack("{s:f, s:f, s:I}", "parses_per_s",
						  per_s(&kind[c]), "ns_per_parse",
						  ns_per(&kind[c]), "parses",
						  (json_int_t)kind[c].parses)) < 0)
			goto out;
	}
	if (json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = 0;
out:
	if (rc)
		fprintf(stderr, "bench_parse: cannot write the JSON report\n");
	json_decref(root);
	return rc;
}

int main(int argc, char **argv)
{
	struct code codes[N_INPUTS] = { { 0 } };
	const struct code *mix[400];
	const struct code *one[N_INPUTS];
	struct result kind[C__COUNT], mixr, touch, cal;
	struct st_bc *bc = NULL;
	volatile unsigned sink = 0;
	uint64_t n = 0;
	size_t mix_len;
	bool json = false;
	unsigned bad;
	int rc = 1;

	{
		int ex = bench_args(argc, argv, "bench_parse", 0, QUICK_N, &n, &json, usage);

		if (ex >= 0)
			return ex;
	}

	bc = malloc(sizeof(*bc)); /* ~12 KiB, reused for every parse */
	if (!bc) {
		fprintf(stderr, "bench_parse: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < N_INPUTS; i++) {
		codes[i].cls = inputs[i].cls;
		codes[i].len = strlen(inputs[i].text);
		codes[i].buf = malloc(codes[i].len + 1);
		if (!codes[i].buf) {
			fprintf(stderr, "bench_parse: out of memory\n");
			goto out;
		}
		memcpy(codes[i].buf, inputs[i].text, codes[i].len + 1);
	}
	bad = check_inputs(codes, bc);
	mix_len = build_mix(codes, mix, sizeof(mix) / sizeof(mix[0]));

	if (!n) {
		/* Calibrate: grow the run until it takes CALIBRATE_NS (which
		 * also warms the caches and the branch predictors). */
		uint64_t m = mix_len;

		do {
			m *= 2;
			cal = run_parse(mix, mix_len, m, bc, &sink);
		} while (cal.ns < CALIBRATE_NS);
		n = (uint64_t)((double)MIX_NS / ns_per(&cal));
		if (n < mix_len)
			n = mix_len;
	} else {
		run_parse(mix, mix_len, mix_len, bc, &sink); /* warm-up */
	}

	for (int c = 0; c < C__COUNT; c++) {
		size_t len = 0;
		uint64_t kn = n / KIND_SHARE;

		for (size_t i = 0; i < N_INPUTS; i++)
			if (codes[i].cls == (enum cls)c)
				one[len++] = &codes[i];
		if (kn < len)
			kn = len;
		kind[c] = run_parse(one, len, kn, bc, &sink);
	}
	mixr = run_parse(mix, mix_len, n, bc, &sink);
	touch = run_touch(mix, mix_len, n, &sink);

	if (json) {
		rc = print_json(kind, &mixr, &touch, mix_len, bad);
	} else {
		print_text(kind, &mixr, &touch, mix_len, bad);
		rc = 0;
	}
out:
	for (size_t i = 0; i < N_INPUTS; i++)
		free(codes[i].buf);
	free(bc);
	return rc;
}
