/* bench: scan-to-feedback latency of QC inspection steps, against raw SQLite.
 *
 * What the bench does with each scan of an inspection (docs/internals/
 * qc-workflow.md): st_app_scan() classifies it, hands it to the QC
 * workflow, stores the raw scan and its outbox event and applies the
 * workflow's effects in one transaction committed with synchronous=FULL; a
 * step that completes an inspection also writes the inspection, its check
 * results and defects, its audit-chain link (a SHA-256), the item's status
 * and the "inspection" outbox event in that transaction.  Only after the
 * commit are the step's events handed to the UI: the feedback ("check",
 * "notice", "error", "inspection", "checklist") and, always last, the
 * "prompt" saying what to scan next.  A step's latency is taken from just
 * before st_app_scan() to the moment the emit callback receives that prompt:
 * what the inspector waits for, commit included.  The events are rendered
 * as JSON lines to /dev/null (st_headless_emit), as bench_ingest does.
 *
 * The inspections are scripted, realistic and fixed (same sequence on every
 * run and machine): items from a seeded import (rings with a size, engraved
 * rings, necklaces with a chain length, earrings), passed with PASS-ALL in
 * two to four scans, check by check with PASS, failed with FAIL and a
 * defect code or by a wrong size or engraving, ended with REWORK, HOLD,
 * SCRAP or DONE, reworked and re-inspected, corrected, cancelled, undone,
 * PASS-ALL refused while a value is missing.  Each step's outcome (an
 * inspection written, a refusal) is checked against the script, so a
 * changed checklist cannot silently turn the mix into something else.
 * Photos are not in the mix: attaching one is st_app_photo(), not a scan,
 * and its cost is decoding (docs/internals/evidence.md).
 *
 * The baseline, in the same run and the same folder, interleaved in blocks
 * (see main()), is the fastest a station could commit on this disk: one-row
 * transactions on a bare table with the store's settings (WAL,
 * synchronous=FULL, foreign_keys=ON), BEGIN IMMEDIATE; INSERT; COMMIT with
 * prepared statements, the steps' codes as payload.  Like bench_ingest, this
 * file includes <sqlite3.h> only for that baseline.
 *
 * Target (docs/performance.md): p99 < 5 ms.  A measurement, not a test:
 * exits 0 whether or not it is met, non-zero only when something could not
 * run or the app did not do what the script says.
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

#define DEFAULT_N 2000
#define QUICK_N 60
#define MAX_N 200000
#define TARGET_P99_MS 5.0
#define BLOCK 50 /* steps per block of the interleaved runs: see main() */

#define CODE_MAX 48    /* longest step code, NUL included */
#define SCRIPT_MAX 12  /* steps of the longest scenario */
#define PENDING_MAX 16 /* re-inspections waiting for their turn */
#define BADGE "BADGE-1001"

/* ---- the items ------------------------------------------------------------ */

/* What a seeded order line holds; each kind is one product. */
enum kind {
	K_EARRINGS, /* no options: nothing to measure */
	K_RING,     /* size 6.5, metal, stone */
	K_ENGRAVED, /* size 6.5, metal, engraving (not personalized: no photo) */
	K_NECKLACE, /* chain length 450 mm, metal */
	K__COUNT
};

static const struct {
	const char *sku, *category, *name;
} kinds[K__COUNT] = {
	[K_EARRINGS] = { "BN-EAR-STUD", "earrings", "Bench stud earrings" },
	[K_RING] = { "BN-RING-SOL", "ring", "Bench solitaire ring" },
	[K_ENGRAVED] = { "BN-RING-ENG", "ring", "Bench engraved band" },
	[K_NECKLACE] = { "BN-NECK-CHN", "necklace", "Bench cable chain" },
};

#define ENGRAVING "Forever & Always"

static void item_serial(unsigned k, char out[32])
{
	snprintf(out, 32, "SN2%07u", k + 1);
}

/* Item k sits alone on line 1 of order k. */
static void order_number(unsigned k, char out[32])
{
	snprintf(out, 32, "ORD-2%05u", k + 1);
}

/* ---- the scripts ---------------------------------------------------------- */

enum expect {
	E_NONE = 0,
	E_DONE = 1,    /* the step completes an inspection */
	E_REFUSED = 2, /* the step is refused (an "error" event, not inspection_failed) */
};

struct step {
	char b[CODE_MAX];
	uint8_t n;
	uint8_t expect;   /* enum expect bits */
	uint8_t scenario; /* enum scen, for messages */
};

/* The ways an inspection goes, by share of the inspections started. */
enum scen {
	SC_GOOD_SIMPLE,    /* earrings: item, PASS-ALL */
	SC_GOOD_RING,      /* item, size, PASS-ALL */
	SC_GOOD_ENGRAVED,  /* item, size, engraving, PASS-ALL */
	SC_GOOD_NECKLACE,  /* item, chain length, PASS-ALL */
	SC_CHECK_BY_CHECK, /* earrings: item, PASS x 8 */
	SC_BLOCKED,        /* item, PASS-ALL (refused: the size), size, PASS-ALL */
	SC_FAIL_REWORK,    /* item, size, FAIL, DEF, REWORK; later re-inspected */
	SC_WRONG_SIZE,     /* item, 7 (out of tolerance), DEF-WRONG-SIZE, DONE */
	SC_ENGRAVING,      /* item, size, misspelt engraving, DEF, HOLD */
	SC_MULTI_DEFECT,   /* necklace: PASS, FAIL, DEF, FAIL, DEF, DONE */
	SC_SCRAP,          /* item, FAIL, DEF-CRACKED-BAND, SCRAP */
	SC_UNDO,           /* earrings: item, FAIL, UNDO, PASS-ALL */
	SC_CANCEL,         /* earrings: item, CANCEL */
	SC_CORRECT,        /* earrings passed, then CORRECT, item, FAIL, DEF, REWORK */
	SC_REINSPECT,      /* drawn only after SC_FAIL_REWORK: item, size, PASS-ALL */
	SC__COUNT
};

static const char *const scen_name[SC__COUNT] = {
	[SC_GOOD_SIMPLE] = "good item, PASS-ALL",
	[SC_GOOD_RING] = "ring: size, PASS-ALL",
	[SC_GOOD_ENGRAVED] = "engraved ring: size, engraving, PASS-ALL",
	[SC_GOOD_NECKLACE] = "necklace: length, PASS-ALL",
	[SC_CHECK_BY_CHECK] = "earrings check by check",
	[SC_BLOCKED] = "PASS-ALL refused, size, PASS-ALL",
	[SC_FAIL_REWORK] = "FAIL, defect, REWORK",
	[SC_WRONG_SIZE] = "wrong size, defect, DONE",
	[SC_ENGRAVING] = "misspelt engraving, defect, HOLD",
	[SC_MULTI_DEFECT] = "necklace: two defects, DONE",
	[SC_SCRAP] = "FAIL, critical defect, SCRAP",
	[SC_UNDO] = "FAIL, UNDO, PASS-ALL",
	[SC_CANCEL] = "CANCEL",
	[SC_CORRECT] = "pass, then CORRECT to a failure",
	[SC_REINSPECT] = "re-inspection after rework",
};

/* Shares in percent; SC_REINSPECT follows each SC_FAIL_REWORK. */
static const unsigned scen_weight[SC__COUNT] = {
	[SC_GOOD_SIMPLE] = 24,   [SC_GOOD_RING] = 14,   [SC_GOOD_ENGRAVED] = 10,
	[SC_GOOD_NECKLACE] = 8,  [SC_CHECK_BY_CHECK] = 6, [SC_BLOCKED] = 5,
	[SC_FAIL_REWORK] = 9,    [SC_WRONG_SIZE] = 6,   [SC_ENGRAVING] = 5,
	[SC_MULTI_DEFECT] = 3,   [SC_SCRAP] = 2,        [SC_UNDO] = 3,
	[SC_CANCEL] = 3,         [SC_CORRECT] = 2,      [SC_REINSPECT] = 0,
};

static const enum kind scen_kind[SC__COUNT] = {
	[SC_GOOD_SIMPLE] = K_EARRINGS, [SC_GOOD_RING] = K_RING,      [SC_GOOD_ENGRAVED] = K_ENGRAVED,
	[SC_GOOD_NECKLACE] = K_NECKLACE, [SC_CHECK_BY_CHECK] = K_EARRINGS, [SC_BLOCKED] = K_RING,
	[SC_FAIL_REWORK] = K_RING,     [SC_WRONG_SIZE] = K_RING,     [SC_ENGRAVING] = K_ENGRAVED,
	[SC_MULTI_DEFECT] = K_NECKLACE, [SC_SCRAP] = K_RING,         [SC_UNDO] = K_EARRINGS,
	[SC_CANCEL] = K_EARRINGS,      [SC_CORRECT] = K_EARRINGS,    [SC_REINSPECT] = K_RING,
};

/* A scenario's steps; "@" stands for the item's serial. */
struct line {
	const char *code;
	uint8_t expect;
};

static const struct line script[SC__COUNT][SCRIPT_MAX] = {
	[SC_GOOD_SIMPLE] = { { "@", 0 }, { "CMD-PASS-ALL", E_DONE } },
	[SC_GOOD_RING] = { { "@", 0 }, { "6.5", 0 }, { "CMD-PASS-ALL", E_DONE } },
	[SC_GOOD_ENGRAVED] = { { "@", 0 }, { "6 1/2", 0 }, { ENGRAVING, 0 },
			       { "CMD-PASS-ALL", E_DONE } },
	[SC_GOOD_NECKLACE] = { { "@", 0 }, { "450 mm", 0 }, { "CMD-PASS-ALL", E_DONE } },
	[SC_CHECK_BY_CHECK] = { { "@", 0 }, { "CMD-PASS", 0 }, { "CMD-PASS", 0 },
				{ "CMD-PASS", 0 }, { "CMD-PASS", 0 }, { "CMD-PASS", 0 },
				{ "CMD-PASS", 0 }, { "CMD-PASS", 0 }, { "CMD-PASS", E_DONE } },
	[SC_BLOCKED] = { { "@", 0 }, { "CMD-PASS-ALL", E_REFUSED }, { "6.5", 0 },
			 { "CMD-PASS-ALL", E_DONE } },
	[SC_FAIL_REWORK] = { { "@", 0 }, { "6.5", 0 }, { "CMD-FAIL", 0 },
			     { "DEF-LOOSE-STONE", 0 }, { "CMD-REWORK", E_DONE } },
	[SC_WRONG_SIZE] = { { "@", 0 }, { "7", 0 }, { "DEF-WRONG-SIZE", 0 },
			    { "CMD-DONE", E_DONE } },
	[SC_ENGRAVING] = { { "@", 0 }, { "6.5", 0 }, { "Forever & Alwyas", 0 },
			   { "DEF-ENGRAVING-MISMATCH", 0 }, { "CMD-HOLD", E_DONE } },
	[SC_MULTI_DEFECT] = { { "@", 0 }, { "CMD-PASS", 0 }, { "CMD-FAIL", 0 },
			      { "DEF-KINKED-CHAIN", 0 }, { "CMD-FAIL", 0 },
			      { "DEF-BROKEN-CLASP", 0 }, { "CMD-DONE", E_DONE } },
	[SC_SCRAP] = { { "@", 0 }, { "CMD-FAIL", 0 }, { "DEF-CRACKED-BAND", 0 },
		       { "CMD-SCRAP", E_DONE } },
	[SC_UNDO] = { { "@", 0 }, { "CMD-FAIL", 0 }, { "CMD-UNDO", 0 },
		      { "CMD-PASS-ALL", E_DONE } },
	[SC_CANCEL] = { { "@", 0 }, { "CMD-CANCEL", 0 } },
	[SC_CORRECT] = { { "@", 0 }, { "CMD-PASS-ALL", E_DONE }, { "CMD-CORRECT", 0 },
			 { "@", 0 }, { "CMD-FAIL", 0 }, { "DEF-POOR-FINISH", 0 },
			 { "CMD-REWORK", E_DONE } },
	[SC_REINSPECT] = { { "@", 0 }, { "6.5", 0 }, { "CMD-PASS-ALL", E_DONE } },
};

struct plan {
	struct step *step;
	size_t n_step;
	enum kind *item_kind; /* per item */
	unsigned n_item;
	unsigned inspections; /* expected */
};

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void plan_free(struct plan *p)
{
	free(p->step);
	free(p->item_kind);
	memset(p, 0, sizeof(*p));
}

/* Append scenario sc on item k; the caller has made room. */
static void plan_add(struct plan *p, enum scen sc, unsigned k)
{
	char serial[32];

	item_serial(k, serial);
	for (unsigned i = 0; i < SCRIPT_MAX && script[sc][i].code; i++) {
		struct step *s = &p->step[p->n_step++];
		const char *c = script[sc][i].code;

		if (!strcmp(c, "@"))
			c = serial;
		s->n = (uint8_t)snprintf(s->b, sizeof(s->b), "%s", c);
		s->expect = script[sc][i].expect;
		s->scenario = (uint8_t)sc;
		if (s->expect & E_DONE)
			p->inspections++;
	}
}

/* The steps of a run: whole inspections drawn by scen_weight[] with a fixed
 * seed until there are at least n steps.  A reworked item comes back two
 * inspections later (a rework takes a while), as its re-inspection.  The
 * login is not a step: it is done before the clock starts. */
static int plan_draw(struct plan *p, size_t n)
{
	struct {
		unsigned item, due;
	} pending[PENDING_MAX];
	size_t cap = n + (size_t)SCRIPT_MAX * (PENDING_MAX + 1);
	unsigned n_pending = 0, drawn = 0, total = 0;
	uint64_t x = 0x9e3779b97f4a7c15u;

	memset(p, 0, sizeof(*p));
	p->step = calloc(cap, sizeof(*p->step));
	p->item_kind = calloc(cap, sizeof(*p->item_kind)); /* items <= steps */
	if (!p->step || !p->item_kind) {
		plan_free(p);
		return -1;
	}
	for (int k = 0; k < SC__COUNT; k++)
		total += scen_weight[k];
	while (p->n_step < n || n_pending) {
		unsigned k;
		enum scen sc;

		if (n_pending && (pending[0].due <= drawn || p->n_step >= n ||
				  n_pending == PENDING_MAX)) {
			plan_add(p, SC_REINSPECT, pending[0].item);
			memmove(&pending[0], &pending[1], --n_pending * sizeof(pending[0]));
			continue;
		}
		k = (unsigned)(xorshift(&x) % total);
		sc = 0;
		while (k >= scen_weight[sc])
			k -= scen_weight[sc++];
		p->item_kind[p->n_item] = scen_kind[sc];
		plan_add(p, sc, p->n_item);
		if (sc == SC_FAIL_REWORK) {
			pending[n_pending].item = p->n_item;
			pending[n_pending++].due = drawn + 3;
		}
		p->n_item++;
		drawn++;
	}
	return 0;
}

/* ---- the station ---------------------------------------------------------- */

/* Where the events go: timed on arrival, then st_headless_emit() on
 * /dev/null.  Per step: when the prompt came, whether an inspection was
 * written or the step refused (and why). */
struct sink {
	FILE *out;
	uint64_t t_prompt; /* ns; 0 = no prompt yet this step */
	bool done, refused, login;
	char why[256];     /* the refusal's message */
	uint64_t events, inspections, refusals, store_failed;
};

static void sink_reset_step(struct sink *s)
{
	s->t_prompt = 0;
	s->done = s->refused = false;
	s->why[0] = '\0';
}

static void emit(json_t *ev, void *ud)
{
	uint64_t t = bench_now_ns();
	struct sink *s = ud;
	const char *name = json_string_value(json_object_get(ev, "event"));
	const char *code = json_string_value(json_object_get(ev, "code"));
	const char *msg = json_string_value(json_object_get(ev, "message"));

	s->events++;
	if (!name)
		name = "";
	if (!strcmp(name, "prompt")) {
		if (!s->t_prompt)
			s->t_prompt = t;
	} else if (!strcmp(name, "inspection")) {
		s->done = true;
		s->inspections++;
	} else if (!strcmp(name, "error") && !(code && !strcmp(code, "inspection_failed"))) {
		/* A failed inspection is said as an error too; that is a
		 * result, not a refusal. */
		s->refused = true;
		s->refusals++;
		snprintf(s->why, sizeof(s->why), "%s: %s", code ? code : "?", msg ? msg : "");
		if (code && !strcmp(code, "store_failed"))
			s->store_failed++;
	} else if (!strcmp(name, "login")) {
		s->login = true;
	}
	st_headless_emit(ev, s->out);
}

static int seed_fail(struct st_store *s, int rc, const char *what)
{
	fprintf(stderr, "bench_inspect: seeding %s: %s (%s)\n", what, st_strerror(rc),
		st_store_errmsg(s));
	return rc;
}

/* Fill line's options for an item of kind k. */
static void line_options(struct st_line *ln, enum kind k)
{
	static const struct {
		enum kind k;
		const char *name, *value;
	} opt[] = {
		{ K_RING, "size", "6.5" },          { K_RING, "metal", "14k gold" },
		{ K_RING, "stone", "diamond" },     { K_ENGRAVED, "size", "6.5" },
		{ K_ENGRAVED, "metal", "14k gold" }, { K_ENGRAVED, "engraving", ENGRAVING },
		{ K_NECKLACE, "chain_length_mm", "450" }, { K_NECKLACE, "metal", "gold plated" },
	};

	ln->n_opt = 0;
	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		if (opt[i].k != k)
			continue;
		snprintf(ln->opt[ln->n_opt].name, sizeof(ln->opt[0].name), "%s", opt[i].name);
		snprintf(ln->opt[ln->n_opt].value, sizeof(ln->opt[0].value), "%s", opt[i].value);
		ln->n_opt++;
	}
}

/* What an import would have put there: the inspector, one product per kind,
 * and an order of one line with its item for every item of the plan; one
 * transaction. */
static int seed(struct st_store *s, const struct plan *p)
{
	static const struct st_operator op = { .badge = BADGE, .name = "Bench Inspector",
					       .role = "inspector", .active = true };
	struct st_order *o = NULL;
	struct st_product pr;
	struct st_item it;
	int64_t id;
	unsigned k;
	int rc;

	o = malloc(sizeof(*o)); /* large: fixed arrays of lines and options */
	if (!o) {
		fprintf(stderr, "bench_inspect: out of memory\n");
		return ST_ERR_NOMEM;
	}
	rc = st_store_begin(s);
	if (rc < 0) {
		seed_fail(s, rc, "begin");
		goto out;
	}
	rc = st_store_operator_upsert(s, &op, &id);
	if (rc < 0) {
		seed_fail(s, rc, "operators");
		goto out;
	}
	for (k = 0; k < K__COUNT; k++) {
		memset(&pr, 0, sizeof(pr));
		snprintf(pr.sku, sizeof(pr.sku), "%s", kinds[k].sku);
		snprintf(pr.name, sizeof(pr.name), "%s", kinds[k].name);
		snprintf(pr.category, sizeof(pr.category), "%s", kinds[k].category);
		rc = st_store_product_upsert(s, &pr, &id);
		if (rc < 0) {
			seed_fail(s, rc, "products");
			goto out;
		}
	}
	for (k = 0; k < p->n_item; k++) {
		struct st_line *ln = &o->line[0];

		memset(o, 0, sizeof(*o));
		order_number(k, o->number);
		snprintf(o->customer_name, sizeof(o->customer_name), "Customer %u", k);
		snprintf(o->status, sizeof(o->status), "in_production");
		snprintf(o->ship_country, sizeof(o->ship_country), "US");
		o->placed_ms = bench_utc_ms() - 86400000;
		o->n_line = 1;
		ln->line_no = 1;
		snprintf(ln->product.sku, sizeof(ln->product.sku), "%s",
			 kinds[p->item_kind[k]].sku);
		ln->quantity = 1;
		line_options(ln, p->item_kind[k]);
		rc = st_store_order_upsert(s, o, &id);
		if (rc < 0) {
			seed_fail(s, rc, "orders");
			goto out;
		}
		memset(&it, 0, sizeof(it));
		item_serial(k, it.serial);
		snprintf(it.product.sku, sizeof(it.product.sku), "%s", kinds[p->item_kind[k]].sku);
		snprintf(it.order_number, sizeof(it.order_number), "%s", o->number);
		it.line_no = 1;
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

struct station {
	struct st_config cfg; /* the app keeps a pointer: the struct must not move */
	struct st_store *store;
	struct st_app *app;
};

static void station_close(struct station *g)
{
	st_app_free(g->app);
	st_store_close(g->store);
	g->app = NULL;
	g->store = NULL;
}

/* A fresh store at path, seeded for the plan, an app on it emitting into
 * sink, and the inspector logged in.  On failure *g is closed. */
static int station_open(struct station *g, const char *path, const struct plan *p,
			struct sink *sink)
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
		fprintf(stderr, "bench_inspect: %s\n", err);
		goto out;
	}
	rc = seed(g->store, p);
	if (rc < 0)
		goto out;
	ao.cfg = &g->cfg;
	ao.store = g->store;
	ao.emit = emit;
	ao.emit_ud = sink;
	rc = st_app_new(&ao, &g->app);
	if (rc < 0) {
		fprintf(stderr, "bench_inspect: %s: cannot start the app: %s (%s)\n", path,
			st_strerror(rc), st_store_errmsg(g->store));
		goto out;
	}
	rc = st_app_scan(g->app, (const uint8_t *)BADGE, strlen(BADGE), false, "bench");
	if (rc == 0 && !sink->login) {
		fprintf(stderr, "bench_inspect: %s did not log in\n", BADGE);
		rc = ST_ERR_BUG;
	}
out:
	if (rc < 0)
		station_close(g);
	return rc;
}

/* One step through the app; its latency to the prompt in *lat_ns.  The
 * step must do what the script says. */
static int station_step(struct station *g, struct sink *sink, const struct step *s, size_t i,
			uint64_t *lat_ns)
{
	uint64_t t0;
	int rc;

	sink_reset_step(sink);
	t0 = bench_now_ns();
	rc = st_app_scan(g->app, (const uint8_t *)s->b, s->n, false, "bench");
	if (rc < 0) {
		fprintf(stderr, "bench_inspect: step %zu (%s) was not stored: %s (%s)\n", i, s->b,
			st_strerror(rc), st_store_errmsg(g->store));
		return rc;
	}
	if (!sink->t_prompt) {
		fprintf(stderr, "bench_inspect: step %zu (%s) emitted no prompt\n", i, s->b);
		return ST_ERR_BUG;
	}
	if (sink->done != !!(s->expect & E_DONE) || sink->refused != !!(s->expect & E_REFUSED)) {
		fprintf(stderr,
			"bench_inspect: step %zu (%s, in \"%s\"): %s inspection, %s%s;"
			" the script expects %s inspection, %s (did a checklist change?)\n",
			i, s->b, scen_name[s->scenario], sink->done ? "an" : "no",
			sink->refused ? "refused: " : "taken", sink->why,
			s->expect & E_DONE ? "an" : "no",
			s->expect & E_REFUSED ? "refused" : "taken");
		return ST_ERR_BUG;
	}
	*lat_ns = sink->t_prompt - t0;
	return 0;
}

/* After the run: every step stored, every inspection in an intact chain. */
static int station_check(struct station *g, const struct plan *p)
{
	struct st_audit_report *ar = calloc(1, sizeof(*ar));
	int64_t stored = 0;
	int rc = ar ? st_store_scan_count(g->store, &stored) : ST_ERR_NOMEM;

	if (rc == 0 && (uint64_t)stored != p->n_step + 1) { /* + the badge */
		fprintf(stderr, "bench_inspect: %zu steps sent, %lld scans stored\n",
			p->n_step + 1, (long long)stored);
		rc = ST_ERR_BUG;
	}
	if (rc == 0)
		rc = st_store_audit_verify(g->store, ar);
	if (rc == 0 && ar->inspections != (int64_t)p->inspections) {
		fprintf(stderr, "bench_inspect: %u inspections expected, %lld in the audit chain\n",
			p->inspections, (long long)ar->inspections);
		rc = ST_ERR_BUG;
	} else if (rc < 0 && rc != ST_ERR_BUG) {
		fprintf(stderr, "bench_inspect: checking the store: %s (%s)\n", st_strerror(rc),
			ar && ar->message[0] ? ar->message : st_store_errmsg(g->store));
	}
	free(ar);
	return rc;
}

/* ---- the run -------------------------------------------------------------- */

struct opts {
	size_t n;
	const char *base; /* the folder to make the run's folder in */
	bool json;
};

struct run {
	struct bench_raw_db raw;
	struct station st;
	struct sink sink;
	uint64_t *raw_lat, *lat;   /* ns per transaction / per step */
	uint64_t *done_lat, *other_lat; /* steps that completed an inspection, the rest */
	size_t n_done, n_other;
	uint64_t half_ns[2];       /* raw time in the first and second half */
	size_t half_n[2];          /* raw transactions in each */
};

/* Run steps [from, to) through the raw baseline or the app, timing each. */
static int run_block(struct run *r, const struct plan *p, size_t from, size_t to, bool raw)
{
	uint64_t t0, dt;
	int rc;

	for (size_t i = from; i < to; i++) {
		const struct step *s = &p->step[i];

		if (raw) {
			t0 = bench_now_ns();
			rc = bench_raw_txn(&r->raw, s->b, s->n);
			dt = bench_now_ns() - t0;
			if (rc < 0)
				return rc;
			r->raw_lat[i] = dt;
			continue;
		}
		rc = station_step(&r->st, &r->sink, s, i, &dt);
		if (rc < 0)
			return rc;
		r->lat[i] = dt;
		if (s->expect & E_DONE)
			r->done_lat[r->n_done++] = dt;
		else
			r->other_lat[r->n_other++] = dt;
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
			fprintf(stderr, "bench_inspect: cannot remove %s: %s\n", f, strerror(errno));
	}
}

struct report {
	const char *dir, *fs;
	const struct plan *plan;
	struct bench_figures raw, step, done, other;
	double drift[2]; /* raw txn/s in each half */
};

static void print_text(const struct report *t)
{
	const struct bench_figures *f[3] = { &t->step, &t->done, &t->other };
	static const char *const label[3] = { "all steps", "completing", "other steps" };

	printf("bench_inspect: %zu steps of %u items (%u inspections written), %s (%s),"
	       " synchronous=FULL, SQLite %s\n",
	       t->plan->n_step, t->plan->n_item, t->plan->inspections, t->dir, t->fs,
	       sqlite3_libversion());
	printf("  raw sqlite one-row txn      : %6zu  p50 %5.2f ms  p99 %5.2f ms  max %6.2f ms"
	       "  %8.1f txn/s\n",
	       t->raw.n, t->raw.p50_ms, t->raw.p99_ms, t->raw.max_ms, t->raw.rate);
	for (int i = 0; i < 3; i++)
		printf("  scan to prompt, %-11s : %6zu  p50 %5.2f ms  p99 %5.2f ms  max %6.2f ms\n",
		       label[i], f[i]->n, f[i]->p50_ms, f[i]->p99_ms, f[i]->max_ms);
	printf("  p99 target < %.0f ms           : %s  (p99 / raw p99: %.1fx)\n", TARGET_P99_MS,
	       t->step.p99_ms < TARGET_P99_MS ? "met" : "NOT met",
	       t->raw.p99_ms > 0 ? t->step.p99_ms / t->raw.p99_ms : 0.0);
	if (t->drift[1] > 0)
		printf("  disk drift                  : raw %.1f txn/s in the first half, %.1f in"
		       " the second\n",
		       t->drift[0], t->drift[1]);
	if (!strcmp(t->fs, "tmpfs") || !strcmp(t->fs, "ramfs"))
		printf("  note: %s has no disk behind it: fsync is free, so these figures"
		       " measure CPU only\n",
		       t->fs);
}

static json_t *figures_json(const struct bench_figures *f)
{
	return json_pack("{s:I, s:f, s:f, s:f}", "n", (json_int_t)f->n, "p50_ms", f->p50_ms,
			 "p99_ms", f->p99_ms, "max_ms", f->max_ms);
}

static int print_json(const struct report *t, const struct sink *sink)
{
	json_t *root, *raw = figures_json(&t->raw);
	int rc = 1;

	if (raw)
		json_object_set_new(raw, "txn_per_s", json_real(t->raw.rate));
	root = json_pack("{s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s,"
			 " s:o, s:o, s:o, s:o, s:[f, f], s:I, s:f, s:b}",
			 "bench", "inspect", "steps", (json_int_t)t->plan->n_step, "items",
			 (json_int_t)t->plan->n_item, "inspections",
			 (json_int_t)t->plan->inspections, "block", (json_int_t)BLOCK, "dir",
			 t->dir, "fs", t->fs, "synchronous", "FULL", "sqlite",
			 sqlite3_libversion(), "raw", raw, "step", figures_json(&t->step),
			 "completing", figures_json(&t->done), "other", figures_json(&t->other),
			 "raw_halves", t->drift[0], t->drift[1], "events",
			 (json_int_t)sink->events, "target_p99_ms", TARGET_P99_MS, "p99_met",
			 t->step.p99_ms < TARGET_P99_MS);
	if (root && json_dumpf(root, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0 &&
	    fputc('\n', stdout) != EOF)
		rc = 0;
	if (rc)
		fprintf(stderr, "bench_inspect: cannot write the JSON report\n");
	json_decref(root);
	return rc;
}

static int parse_count(const char *s, size_t *out)
{
	uint64_t v;

	if (bench_parse_count(s, MAX_N, &v) < 0)
		return -1;
	*out = (size_t)v;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_inspect [--n N] [--dir DIR] [--quick] [--json]\n"
		   "  --n N      at least N inspection steps (whole inspections), default %d\n"
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
				fprintf(stderr, "bench_inspect: --n wants a count from 1 to %d\n",
					MAX_N);
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
	struct plan plan = { 0 };
	struct run *r = NULL;
	struct report t;
	char dir[512], station_db[600], raw_db[600];
	bool made_dir = false;
	size_t n;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	rc = 1;

	r = calloc(1, sizeof(*r));
	if (!r || plan_draw(&plan, o.n) < 0) {
		fprintf(stderr, "bench_inspect: out of memory\n");
		goto out;
	}
	n = plan.n_step;
	r->raw_lat = malloc(n * sizeof(*r->raw_lat));
	r->lat = malloc(n * sizeof(*r->lat));
	r->done_lat = malloc(n * sizeof(*r->done_lat));
	r->other_lat = malloc(n * sizeof(*r->other_lat));
	if (!r->raw_lat || !r->lat || !r->done_lat || !r->other_lat) {
		fprintf(stderr, "bench_inspect: out of memory\n");
		goto out;
	}

	if ((size_t)snprintf(dir, sizeof(dir), "%s/qcbench-XXXXXX", o.base) >= sizeof(dir)) {
		fprintf(stderr, "bench_inspect: --dir is too long\n");
		goto out;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench_inspect: cannot make a folder in %s: %s\n", o.base,
			strerror(errno));
		goto out;
	}
	made_dir = true;
	snprintf(station_db, sizeof(station_db), "%s/inspect.db", dir);
	snprintf(raw_db, sizeof(raw_db), "%s/raw.db", dir);
	r->sink.out = fopen("/dev/null", "w");
	if (!r->sink.out) {
		fprintf(stderr, "bench_inspect: /dev/null: %s\n", strerror(errno));
		goto out;
	}
	if (bench_raw_open(&r->raw, "bench_inspect", raw_db) < 0 || station_open(&r->st, station_db, &plan, &r->sink) < 0)
		goto out;

	/* Interleaved in blocks of BLOCK steps, raw first in even blocks and
	 * the station first in odd ones (ABBA), for bench_ingest's reason:
	 * fsync latency on these machines drifts by a factor of several within
	 * seconds, so two whole runs one after the other would compare two
	 * different disks.  The same codes go to both, in the same order. */
	for (size_t from = 0; from < n; from += BLOCK) {
		size_t to = from + BLOCK < n ? from + BLOCK : n;
		bool raw_first = (from / BLOCK) % 2 == 0;
		uint64_t raw_ns = 0;

		if (run_block(r, &plan, from, to, raw_first) < 0 ||
		    run_block(r, &plan, from, to, !raw_first) < 0)
			goto out;
		for (size_t i = from; i < to; i++)
			raw_ns += r->raw_lat[i];
		r->half_ns[from >= n / 2] += raw_ns;
		r->half_n[from >= n / 2] += to - from;
	}
	if (station_check(&r->st, &plan) < 0)
		goto out;
	if (r->sink.store_failed) /* cannot happen: a store_failed step fails the script */
		fprintf(stderr, "bench_inspect: warning: %llu steps stored only raw\n",
			(unsigned long long)r->sink.store_failed);

	memset(&t, 0, sizeof(t));
	t.dir = dir;
	t.fs = fs_name(dir);
	t.plan = &plan;
	bench_figures_of(r->raw_lat, n, &t.raw);
	bench_figures_of(r->lat, n, &t.step);
	bench_figures_of(r->done_lat, r->n_done, &t.done);
	bench_figures_of(r->other_lat, r->n_other, &t.other);
	t.drift[0] = bench_per_s(r->half_n[0], r->half_ns[0]);
	t.drift[1] = bench_per_s(r->half_n[1], r->half_ns[1]);
	if (o.json) {
		rc = print_json(&t, &r->sink);
	} else {
		print_text(&t);
		rc = 0;
	}
out:
	if (r) {
		station_close(&r->st);
		bench_raw_close(&r->raw);
		if (r->sink.out)
			fclose(r->sink.out);
		free(r->other_lat);
		free(r->done_lat);
		free(r->lat);
		free(r->raw_lat);
	}
	if (made_dir) {
		remove_db(station_db);
		remove_db(raw_db);
		if (rmdir(dir) != 0)
			fprintf(stderr, "bench_inspect: cannot remove %s: %s\n", dir,
				strerror(errno));
	}
	free(r);
	plan_free(&plan);
	return rc;
}
