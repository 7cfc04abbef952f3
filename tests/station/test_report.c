/* The QC report's aggregation and renderers (st/report.h), with hand-built
 * inspection records: no store, no files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "st/err.h"
#include "st/report.h"

#define H INT64_C(3600000) /* an hour in ms */
#define T0 INT64_C(1773446400000) /* 2026-03-14T00:00:00Z */

/* One inspection as a table row.  defects: "CODE:severity CODE:severity". */
struct in {
	int64_t id, item;
	const char *sku, *cat, *badge, *result, *disp;
	int64_t t;                 /* completed_ms */
	int64_t supersedes, superseded_by;
	const char *defects;
};

static struct st_inspection_rec *rec_of(const struct in *i)
{
	static struct st_inspection_rec r;
	char buf[256], *save = NULL;

	memset(&r, 0, sizeof(r));
	r.id = i->id;
	r.item_id = i->item;
	r.operator_id = 1;
	r.station_id = 1;
	snprintf(r.item_sku, sizeof(r.item_sku), "%s", i->sku);
	snprintf(r.category, sizeof(r.category), "%s", i->cat);
	snprintf(r.operator_badge, sizeof(r.operator_badge), "%s", i->badge ? i->badge : "B-1");
	snprintf(r.result, sizeof(r.result), "%s", i->result);
	snprintf(r.disposition, sizeof(r.disposition), "%s", i->disp ? i->disp : "");
	r.started_ms = i->t - 60000;
	r.completed_ms = i->t;
	r.supersedes = i->supersedes;
	r.superseded_by = i->superseded_by;
	snprintf(buf, sizeof(buf), "%s", i->defects ? i->defects : "");
	for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		struct st_defect_rec *d = &r.defect[r.n_defect++];
		char *colon = strchr(tok, ':');

		assert_non_null(colon);
		*colon = '\0';
		snprintf(d->code, sizeof(d->code), "%s", tok);
		snprintf(d->severity, sizeof(d->severity), "%s", colon + 1);
	}
	return &r;
}

static struct st_report *build(int64_t since, int64_t until, const struct in *t, size_t n)
{
	struct st_report *r = NULL;

	assert_int_equal(st_report_new(since, until, &r), ST_OK);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(st_report_add_inspection(r, rec_of(&t[i])), ST_OK);
	return r;
}

static const struct st_report_yield *find_yield(const struct st_report_yield *y, size_t n,
						const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(y[i].key, key))
			return &y[i];
	fail_msg("no row %s", key);
	return NULL;
}

static void check_yield(const struct st_report_yield *y, int64_t first, int64_t passed,
			int64_t corrected)
{
	assert_int_equal(y->first, first);
	assert_int_equal(y->passed, passed);
	assert_int_equal(y->corrected, corrected);
}

/* ---- first-pass yield ------------------------------------------------------- */

static void yield__first_inspections_and_corrections(void **state)
{
	static const struct in t[] = {
		/* 1: passes the first time. */
		{ 1, 1, "R-1", "ring", NULL, "pass", NULL, T0 + 1 * H, 0, 0, NULL },
		/* 2: rework, then passes: a first-pass failure. */
		{ 2, 2, "R-1", "ring", NULL, "fail", "rework", T0 + 1 * H, 0, 0, "BENT-PRONG:major" },
		{ 8, 2, "R-1", "ring", NULL, "pass", NULL, T0 + 3 * H, 0, 0, NULL },
		/* 3: failed, corrected to pass: the correction's verdict, corrected. */
		{ 3, 3, "N-1", "necklace", NULL, "fail", "hold", T0 + 1 * H, 0, 9, "OTHER:major" },
		{ 9, 3, "N-1", "necklace", NULL, "pass", NULL, T0 + 4 * H, 3, 0, NULL },
		/* 4: passed, then failed a later inspection: still a first pass. */
		{ 4, 4, "N-1", "necklace", NULL, "pass", NULL, T0 + 2 * H, 0, 0, NULL },
		{ 7, 4, "N-1", "necklace", NULL, "fail", "scrap", T0 + 3 * H, 0, 0, "OTHER:major" },
		/* 5: corrected twice (fail, fail, pass): the end of the chain. */
		{ 5, 5, "R-2", "ring", NULL, "fail", "rework", T0 + 2 * H, 0, 10, NULL },
		{ 10, 5, "R-2", "ring", NULL, "fail", "rework", T0 + 5 * H, 5, 11, NULL },
		{ 11, 5, "R-2", "ring", NULL, "pass", NULL, T0 + 6 * H, 10, 0, NULL },
		/* 6: a later inspection was corrected, not the first one. */
		{ 6, 6, "E-1", "earrings", NULL, "fail", "rework", T0 + 2 * H, 0, 0, NULL },
		{ 12, 6, "E-1", "earrings", NULL, "pass", NULL, T0 + 3 * H, 0, 13, NULL },
		{ 13, 6, "E-1", "earrings", NULL, "fail", "hold", T0 + 4 * H, 12, 0, NULL },
	};
	struct st_report *r = build(0, 0, t, sizeof(t) / sizeof(t[0]));
	struct st_report_view v;

	(void)state;
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	assert_true(v.finished);
	check_yield(&v.all, 6, 4, 2);
	assert_int_equal(st_report_bp(v.all.passed, v.all.first), 6667);
	assert_int_equal(v.n_category, 3);
	/* By key. */
	assert_string_equal(v.category[0].key, "earrings");
	assert_string_equal(v.category[1].key, "necklace");
	assert_string_equal(v.category[2].key, "ring");
	check_yield(&v.category[0], 1, 0, 0);
	check_yield(&v.category[1], 2, 2, 1);
	check_yield(&v.category[2], 3, 2, 1);
	assert_int_equal(v.n_sku, 4);
	check_yield(find_yield(v.sku, v.n_sku, "R-1"), 2, 1, 0);
	check_yield(find_yield(v.sku, v.n_sku, "R-2"), 1, 1, 1);
	check_yield(find_yield(v.sku, v.n_sku, "N-1"), 2, 2, 1);
	assert_string_equal(find_yield(v.sku, v.n_sku, "N-1")->category, "necklace");
	check_yield(find_yield(v.sku, v.n_sku, "E-1"), 1, 0, 0);
	st_report_free(r);
}

/* An item counts in the window of its first inspection, with the verdict
 * that stands (even when the correction came after the window). */
static void yield__window_follows_the_first_inspection(void **state)
{
	static const struct in t[] = {
		/* first inspected before the window, re-inspected inside it */
		{ 1, 1, "R-1", "ring", NULL, "fail", "rework", T0 - 2 * H, 0, 0, NULL },
		{ 4, 1, "R-1", "ring", NULL, "pass", NULL, T0 + 1 * H, 0, 0, NULL },
		/* first inspected inside, corrected after the window */
		{ 2, 2, "R-1", "ring", NULL, "fail", "hold", T0 + 2 * H, 0, 5, NULL },
		{ 5, 2, "R-1", "ring", NULL, "pass", NULL, T0 + 30 * H, 2, 0, NULL },
		/* first inspected at the window's end: excluded */
		{ 3, 3, "R-1", "ring", NULL, "pass", NULL, T0 + 24 * H, 0, 0, NULL },
	};
	struct st_report *r = build(T0, T0 + 24 * H, t, sizeof(t) / sizeof(t[0]));
	struct st_report_view v;

	(void)state;
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	check_yield(&v.all, 1, 1, 1);
	/* Inspectors: the three records completed inside the window. */
	assert_int_equal(v.n_inspector, 1);
	assert_int_equal(v.inspector[0].inspections, 2);
	st_report_free(r);
}

/* A correction that never arrives (an inconsistent feed): the latest
 * verdict of the chain counts, once. */
static void yield__missing_correction_counts_once(void **state)
{
	static const struct in t[] = {
		{ 1, 1, "R-1", "ring", NULL, "fail", "hold", T0, 0, 99, NULL },
		{ 2, 2, "R-1", "ring", NULL, "pass", NULL, T0, 0, 0, NULL },
		{ 3, 3, "R-1", "ring", NULL, "pass", NULL, T0, 0, 98, NULL },
	};
	struct st_report *r = build(0, 0, t, sizeof(t) / sizeof(t[0]));
	struct st_report_view v;

	(void)state;
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	check_yield(&v.all, 3, 2, 2);
	st_report_free(r);
}

static void report__refuses_misuse(void **state)
{
	static const struct in t[] = {
		{ 1, 5, "R-1", "ring", NULL, "pass", NULL, T0, 0, 0, NULL },
		{ 2, 4, "R-1", "ring", NULL, "pass", NULL, T0, 0, 0, NULL },
		/* data from an edited file is counted, not refused */
		{ 3, 6, "R-1", "ring", NULL, "???", NULL, -1, 0, 0, NULL },
	};
	struct st_report *r = NULL;
	struct st_item it = { .id = 1, .serial = "SN1" };
	struct st_report_view v;

	(void)state;
	assert_int_equal(st_report_new(10, 10, &r), ST_ERR_ARG);
	assert_null(r);
	assert_int_equal(st_report_new(-1, 0, &r), ST_ERR_ARG);
	assert_int_equal(st_report_new(0, 0, &r), ST_OK);
	/* Not finished: nothing to render. */
	st_report_view(r, &v);
	assert_false(v.finished);
	assert_int_equal(st_report_write_text(r, stderr), ST_ERR_ARG);
	assert_null(st_report_to_json(r));
	assert_int_equal(st_report_add_inspection(r, rec_of(&t[0])), ST_OK);
	/* Item ids going backwards: not grouped by item. */
	assert_int_equal(st_report_add_inspection(r, rec_of(&t[1])), ST_ERR_ARG);
	assert_int_equal(st_report_add_inspection(r, rec_of(&t[2])), ST_OK);
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	check_yield(&v.all, 2, 1, 0);
	assert_int_equal(v.inspector[0].active_hours, 2);
	assert_int_equal(st_report_finish(r), ST_ERR_ARG);
	assert_int_equal(st_report_add_inspection(r, rec_of(&t[0])), ST_ERR_ARG);
	assert_int_equal(st_report_add_hold(r, &it, NULL), ST_ERR_ARG);
	st_report_free(r);
	st_report_free(NULL);
}

/* ---- defects -------------------------------------------------------------------- */

static void defects__pareto_order_and_cumulative_share(void **state)
{
	static const struct in t[] = {
		{ 1, 1, "R-1", "ring", NULL, "fail", "rework", T0, 0, 0,
		  "LOOSE-STONE:major LOOSE-STONE:major POOR-FINISH:minor" },
		{ 2, 2, "R-1", "ring", NULL, "fail", "rework", T0, 0, 0,
		  "LOOSE-STONE:critical MISSING-TAG:minor" },
		{ 3, 3, "R-1", "ring", NULL, "fail", "rework", T0, 0, 0,
		  "LOOSE-STONE:major POOR-FINISH:minor BENT-PRONG:major" },
		/* superseded: its defects were replaced by the correction's */
		{ 4, 4, "R-1", "ring", NULL, "fail", "rework", T0, 0, 5, "WRONG-SIZE:major" },
		{ 5, 4, "R-1", "ring", NULL, "fail", "rework", T0, 4, 0, "POOR-FINISH:minor" },
		/* outside the window */
		{ 6, 6, "R-1", "ring", NULL, "fail", "rework", T0 - H, 0, 0, "WRONG-SIZE:major" },
	};
	static const struct {
		const char *code, *severity;
		int64_t count, share_bp, cumulative_bp;
	} want[] = {
		{ "LOOSE-STONE", "critical", 4, 4444, 4444 }, /* the worst severity */
		{ "POOR-FINISH", "minor", 3, 3333, 7778 },
		{ "BENT-PRONG", "major", 1, 1111, 8889 }, /* ties: by code */
		{ "MISSING-TAG", "minor", 1, 1111, 10000 },
	};
	struct st_report *r = build(T0, 0, t, sizeof(t) / sizeof(t[0]));
	struct st_report_view v;

	(void)state;
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	assert_int_equal(v.defects_total, 9);
	assert_int_equal(v.n_defect, 4);
	for (size_t i = 0; i < v.n_defect; i++) {
		const struct st_report_defect *d = &v.defect[i];

		assert_string_equal(d->code, want[i].code);
		assert_string_equal(d->severity, want[i].severity);
		assert_int_equal(d->count, want[i].count);
		assert_int_equal(st_report_bp(d->count, v.defects_total), want[i].share_bp);
		assert_int_equal(st_report_bp(d->cumulative, v.defects_total), want[i].cumulative_bp);
	}
	/* The cumulative share ends at 100% whatever the rounding of shares
	 * (4444 + 3333 + 1111 + 1111 = 9999). */
	assert_int_equal(v.defect[v.n_defect - 1].cumulative, 9);
	st_report_free(r);
}

static void report__bp_rounding(void **state)
{
	static const struct {
		int64_t part, whole, bp;
	} t[] = {
		{ 1, 3, 3333 }, { 2, 3, 6667 }, { 1, 8, 1250 }, { 0, 5, 0 },
		{ 5, 5, 10000 }, { 1, 0, 0 }, { 1, 20000, 1 }, { 1, 20001, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(st_report_bp(t[i].part, t[i].whole), t[i].bp);
}

/* ---- inspectors ----------------------------------------------------------------------- */

static void inspectors__per_active_hour(void **state)
{
	static const struct in t[] = {
		/* A: 13:40, 13:50, 14:10, 16:05 -> 4 in 3 clock hours */
		{ 1, 1, "R-1", "ring", "BADGE-A", "pass", NULL, T0 + 13 * H + 40 * 60000, 0, 0, NULL },
		{ 2, 2, "R-1", "ring", "BADGE-A", "pass", NULL, T0 + 13 * H + 50 * 60000, 0, 5, NULL },
		{ 5, 2, "R-1", "ring", "BADGE-B", "fail", "hold", T0 + 33 * H - 1, 2, 0, NULL },
		{ 3, 3, "R-1", "ring", "BADGE-A", "pass", NULL, T0 + 14 * H + 10 * 60000, 0, 0, NULL },
		{ 4, 4, "R-1", "ring", "BADGE-A", "pass", NULL, T0 + 16 * H + 5 * 60000, 0, 0, NULL },
		/* B: a correction at 08:59 the day after (above), then, fed later,
		 * an inspection at 09:00 the first day */
		{ 6, 6, "R-1", "ring", "BADGE-B", "pass", NULL, T0 + 9 * H, 0, 0, NULL },
		/* outside the window */
		{ 7, 7, "R-1", "ring", "BADGE-C", "pass", NULL, T0 - 1, 0, 0, NULL },
	};
	struct st_report *r = build(T0, 0, t, sizeof(t) / sizeof(t[0]));
	struct st_report_view v;
	const struct st_report_inspector *a, *b;

	(void)state;
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	assert_true(v.hours_complete);
	assert_int_equal(v.n_inspector, 2);
	a = &v.inspector[0];
	b = &v.inspector[1];
	assert_string_equal(a->badge, "BADGE-A");
	assert_int_equal(a->inspections, 4); /* the superseded one was work too */
	assert_int_equal(a->active_hours, 3);
	assert_int_equal(st_report_per_hour_x100(a), 133);
	assert_int_equal(a->first_ms, T0 + 13 * H + 40 * 60000);
	assert_int_equal(a->last_ms, T0 + 16 * H + 5 * 60000);
	assert_string_equal(b->badge, "BADGE-B");
	assert_int_equal(b->inspections, 2);
	assert_int_equal(b->active_hours, 2);
	assert_int_equal(st_report_per_hour_x100(b), 100);
	assert_int_equal(b->first_ms, T0 + 9 * H); /* fed out of order: the minimum */
	assert_int_equal(b->last_ms, T0 + 33 * H - 1);
	st_report_free(r);
}

static void inspectors__hours_beyond_the_cap(void **state)
{
	struct in one = { 1, 1, "R-1", "ring", "BADGE-A", "pass", NULL, T0, 0, 0, NULL };
	struct st_report *r = NULL;
	struct st_report_view v;

	(void)state;
	assert_int_equal(st_report_new(0, 0, &r), ST_OK);
	for (int64_t i = 0; i <= ST_REPORT_HOUR_MAX; i++) {
		one.id = one.item = i + 1;
		one.t = T0 + i * H;
		assert_int_equal(st_report_add_inspection(r, rec_of(&one)), ST_OK);
	}
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	assert_false(v.hours_complete);
	assert_int_equal(v.inspector[0].inspections, ST_REPORT_HOUR_MAX + 1);
	assert_int_equal(v.inspector[0].active_hours, ST_REPORT_HOUR_MAX);
	st_report_free(r);
}

/* Past a table's cap, new keys share one "(other)" row: totals stay exact. */
static void report__caps_fold_into_other(void **state)
{
	struct in one = { 1, 1, "", "ring", "BADGE-A", "fail", "rework", T0, 0, 0, NULL };
	char sku[32], badge[32], defects[64];
	struct st_report *r = NULL;
	struct st_report_view v;

	(void)state;
	assert_int_equal(st_report_new(0, 0, &r), ST_OK);
	for (int i = 0; i < ST_REPORT_SKU_MAX + 2; i++) {
		snprintf(sku, sizeof(sku), "SKU-%05d", i);
		snprintf(badge, sizeof(badge), "B-%05d", i % (ST_REPORT_INSPECTOR_MAX + 3));
		snprintf(defects, sizeof(defects), "D-%05d:minor",
			 i % (ST_REPORT_CODE_MAX + 5));
		one.id = one.item = i + 1;
		one.sku = sku;
		one.badge = badge;
		one.defects = defects;
		assert_int_equal(st_report_add_inspection(r, rec_of(&one)), ST_OK);
	}
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	assert_int_equal(v.all.first, ST_REPORT_SKU_MAX + 2);
	assert_int_equal(v.n_sku, ST_REPORT_SKU_MAX + 1);
	assert_true(v.sku[ST_REPORT_SKU_MAX].other);
	assert_string_equal(v.sku[ST_REPORT_SKU_MAX].key, "(other)");
	assert_int_equal(v.sku[ST_REPORT_SKU_MAX].first, 2);
	assert_false(v.sku[ST_REPORT_SKU_MAX - 1].other);
	assert_int_equal(v.n_inspector, ST_REPORT_INSPECTOR_MAX + 1);
	assert_true(v.inspector[ST_REPORT_INSPECTOR_MAX].other);
	assert_int_equal(v.n_defect, ST_REPORT_CODE_MAX + 1);
	assert_true(v.defect[ST_REPORT_CODE_MAX].other); /* last, whatever its count */
	assert_int_equal(v.defect[ST_REPORT_CODE_MAX].cumulative, v.defects_total);
	st_report_free(r);
}

/* ---- holds ------------------------------------------------------------------------------- */

static void holds__since_codes_and_window(void **state)
{
	static const struct in held = { 7, 1, "R-1", "ring", NULL, "fail", "hold", T0 + 5 * H, 0, 0,
					"LOOSE-STONE:major BENT-PRONG:major LOOSE-STONE:major" };
	static const struct in older = { 3, 2, "R-1", "ring", NULL, "fail", "hold", T0 + H, 0, 0,
					 "OTHER:major" };
	struct st_item a = { .id = 1, .serial = "SN-A", .status = "hold",
			     .product = { .sku = "R-1" } },
		       b = { .id = 2, .serial = "SN-B", .status = "hold",
			     .product = { .sku = "R-1" } },
		       c = { .id = 3, .serial = "SN-C", .status = "hold",
			     .product = { .sku = "R-2" } };
	struct st_inspection_rec *rec = malloc(sizeof(*rec));
	struct st_report *r = NULL;
	struct st_report_view v;

	(void)state;
	assert_non_null(rec);
	/* No window: every held item, unknown times first. */
	assert_int_equal(st_report_new(0, 0, &r), ST_OK);
	*rec = *rec_of(&held);
	assert_int_equal(st_report_add_hold(r, &a, rec), ST_OK);
	*rec = *rec_of(&older);
	assert_int_equal(st_report_add_hold(r, &b, rec), ST_OK);
	assert_int_equal(st_report_add_hold(r, &c, NULL), ST_OK);
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	assert_int_equal(v.holds_total, 3);
	assert_int_equal(v.n_hold, 3);
	assert_string_equal(v.hold[0].serial, "SN-C");
	assert_int_equal(v.hold[0].since_ms, 0);
	assert_int_equal(v.hold[0].n_code, 0);
	assert_string_equal(v.hold[1].serial, "SN-B");
	assert_string_equal(v.hold[2].serial, "SN-A");
	assert_int_equal(v.hold[2].since_ms, T0 + 5 * H);
	assert_int_equal(v.hold[2].n_code, 2); /* distinct, in recorded order */
	assert_string_equal(v.hold[2].code[0], "LOOSE-STONE");
	assert_string_equal(v.hold[2].code[1], "BENT-PRONG");
	assert_string_equal(v.hold[2].sku, "R-1");
	st_report_free(r);

	/* A window: the holds that began in it. */
	assert_int_equal(st_report_new(T0 + 2 * H, 0, &r), ST_OK);
	*rec = *rec_of(&held);
	assert_int_equal(st_report_add_hold(r, &a, rec), ST_OK);
	*rec = *rec_of(&older);
	assert_int_equal(st_report_add_hold(r, &b, rec), ST_OK);
	assert_int_equal(st_report_add_hold(r, &c, NULL), ST_OK);
	assert_int_equal(st_report_finish(r), ST_OK);
	st_report_view(r, &v);
	assert_int_equal(v.holds_total, 1);
	assert_string_equal(v.hold[0].serial, "SN-A");
	st_report_free(r);
	free(rec);
}

/* ---- time --------------------------------------------------------------------------------- */

static void parse_time__table(void **state)
{
	static const struct {
		const char *in;
		bool end_of_day;
		int rc;
		int64_t ms;
	} t[] = {
		{ "2026-03-14", false, ST_OK, T0 },
		{ "2026-03-14", true, ST_OK, T0 + 24 * H },
		{ "1970-01-01", false, ST_OK, 0 },
		{ "2024-02-29", false, ST_OK, INT64_C(1709164800000) },
		{ "2026-03-14T09:05:00Z", false, ST_OK, T0 + 9 * H + 5 * 60000 },
		{ "2026-03-14T09:05:00Z", true, ST_OK, T0 + 9 * H + 5 * 60000 },
		{ "2026-03-14t09:05:00z", false, ST_OK, T0 + 9 * H + 5 * 60000 },
		{ "2026-03-14 09:05:00Z", false, ST_OK, T0 + 9 * H + 5 * 60000 },
		{ "2026-03-14T09:05:00.5Z", false, ST_OK, T0 + 9 * H + 5 * 60000 + 500 },
		{ "2026-03-14T09:05:00.123456Z", false, ST_OK, T0 + 9 * H + 5 * 60000 + 123 },
		{ "2026-03-14T10:05:00+01:00", false, ST_OK, T0 + 9 * H + 5 * 60000 },
		{ "2026-03-13T23:05:00-10:00", false, ST_OK, T0 + 9 * H + 5 * 60000 },
		{ "2026-02-29", false, ST_ERR_PARSE, 0 },
		{ "2026-13-01", false, ST_ERR_PARSE, 0 },
		{ "2026-00-10", false, ST_ERR_PARSE, 0 },
		{ "2026-04-31", false, ST_ERR_PARSE, 0 },
		{ "1969-12-31", false, ST_ERR_PARSE, 0 },
		{ "1970-01-01T00:30:00+01:00", false, ST_ERR_PARSE, 0 },
		{ "2026-3-14", false, ST_ERR_PARSE, 0 },
		{ "2026-03-14T09:05Z", false, ST_ERR_PARSE, 0 },
		{ "2026-03-14T24:00:00Z", false, ST_ERR_PARSE, 0 },
		{ "2026-03-14T09:05:00", false, ST_ERR_PARSE, 0 },
		{ "2026-03-14T09:05:00.Z", false, ST_ERR_PARSE, 0 },
		{ "2026-03-14T09:05:00+0100", false, ST_ERR_PARSE, 0 },
		{ "2026-03-14T09:05:00Z ", false, ST_ERR_PARSE, 0 },
		{ "2026-03-14x", false, ST_ERR_PARSE, 0 },
		{ "yesterday", false, ST_ERR_PARSE, 0 },
		{ "", false, ST_ERR_PARSE, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t ms = -7;
		int rc = st_report_parse_time(t[i].in, t[i].end_of_day, &ms);

		if (rc != t[i].rc)
			fail_msg("%s: rc %d, want %d", t[i].in, rc, t[i].rc);
		assert_int_equal(ms, rc == ST_OK ? t[i].ms : -7); /* untouched on failure */
	}
}

static void format_time__round_trips(void **state)
{
	static const int64_t t[] = { 0, T0, T0 + 9 * H + 5 * 60000 + 7, INT64_C(951782400000),
				     INT64_C(4102444799999) };
	char buf[32];

	(void)state;
	assert_string_equal(st_report_format_time(T0 + 9 * H + 7, buf, sizeof(buf)),
			    "2026-03-14T09:00:00.007Z");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t back = -1;

		st_report_format_time(t[i], buf, sizeof(buf));
		assert_int_equal(st_report_parse_time(buf, false, &back), ST_OK);
		assert_int_equal(back, t[i]);
	}
}

/* ---- renderers ----------------------------------------------------------------------------- */

/* A small finished report whose SKU holds a comma and a quote. */
static struct st_report *sample(void)
{
	static const struct in t[] = {
		{ 1, 1, "RING \"A\", 7", "ring", "BADGE-1", "fail", "rework", T0 + H, 0, 0,
		  "LOOSE-STONE:major" },
		{ 2, 2, "RING \"A\", 7", "ring", "BADGE-1", "pass", NULL, T0 + H, 0, 0, NULL },
		{ 3, 3, "N-1", "necklace", "BADGE-2", "fail", "hold", T0 + 2 * H, 0, 0,
		  "KINKED-CHAIN:minor" },
	};
	struct st_item it = { .id = 3, .serial = "SN\"3\"", .status = "hold",
			      .product = { .sku = "N-1" } };
	struct st_report *r = build(0, 0, t, sizeof(t) / sizeof(t[0]));

	assert_int_equal(st_report_add_hold(r, &it, rec_of(&t[2])), ST_OK);
	assert_int_equal(st_report_finish(r), ST_OK);
	return r;
}

static char *render(struct st_report *r, int (*fn)(const struct st_report *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(r, f), ST_OK);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Split one RFC 4180 record at *p (advanced past its CRLF) into fields. */
static int csv_record(const char **p, char fields[][64], int max)
{
	int n = 0;
	size_t len = 0;
	bool quoted = false;

	fields[0][0] = '\0';
	for (;;) {
		char ch = **p;

		assert_true(ch != '\0');
		(*p)++;
		if (quoted) {
			if (ch == '"' && **p == '"') {
				(*p)++;
			} else if (ch == '"') {
				quoted = false;
				continue;
			}
		} else if (ch == '"' && len == 0) {
			quoted = true;
			continue;
		} else if (ch == ',' || ch == '\r') {
			fields[n][len] = '\0';
			n++;
			len = 0;
			if (ch == '\r') {
				assert_int_equal(**p, '\n'); /* CRLF */
				(*p)++;
				return n;
			}
			assert_true(n < max);
			fields[n][0] = '\0';
			continue;
		} else {
			assert_true(ch != '\n'); /* a bare LF ends no record */
		}
		assert_true(len < 63);
		fields[n][len++] = ch;
	}
}

static void csv__one_document_with_quoting(void **state)
{
	struct st_report *r = sample();
	char *out = render(r, st_report_write_csv);
	char f[32][64];
	const char *p = out;
	int n, cols, rows = 0, sku_rows = 0;

	(void)state;
	assert_non_null(strstr(out, "\"RING \"\"A\"\", 7\""));
	assert_non_null(strstr(out, ",\"SN\"\"3\"\"\","));
	cols = csv_record(&p, f, 32);
	assert_string_equal(f[0], "section");
	assert_string_equal(f[2], "sku");
	while (*p) {
		n = csv_record(&p, f, 32);
		assert_int_equal(n, cols); /* every record has every column */
		rows++;
		if (!strcmp(f[0], "yield_sku") && !strcmp(f[2], "RING \"A\", 7")) {
			sku_rows++;
			assert_string_equal(f[1], "ring");
			assert_string_equal(f[7], "2");   /* first */
			assert_string_equal(f[8], "1");   /* passed */
			assert_string_equal(f[11], "50.00");
		}
		if (!strcmp(f[0], "hold"))
			assert_string_equal(f[6], "SN\"3\"");
	}
	/* yield_all, 2 categories, 2 SKUs, 2 codes, 2 inspectors, 1 hold */
	assert_int_equal(rows, 10);
	assert_int_equal(sku_rows, 1);
	free(out);
	st_report_free(r);
}

static void json__four_sections(void **state)
{
	struct st_report *r = sample();
	json_t *o = st_report_to_json(r), *y, *d, *in, *h, *row;

	(void)state;
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "report")), "qc");
	assert_true(json_is_null(json_object_get(o, "since")));
	y = json_object_get(o, "first_pass_yield");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(y, "all"), "first")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(y, "all"), "yield_bp")),
			 3333);
	assert_int_equal(json_array_size(json_object_get(y, "by_category")), 2);
	row = json_array_get(json_object_get(y, "by_sku"), 1);
	assert_string_equal(json_string_value(json_object_get(row, "sku")), "RING \"A\", 7");
	assert_int_equal(json_integer_value(json_object_get(row, "failed")), 1);
	d = json_object_get(o, "defects");
	assert_int_equal(json_integer_value(json_object_get(d, "total")), 2);
	row = json_array_get(json_object_get(d, "codes"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "code")), "KINKED-CHAIN");
	assert_int_equal(json_integer_value(json_object_get(row, "share_bp")), 5000);
	assert_int_equal(json_integer_value(json_object_get(row, "cumulative_bp")), 5000);
	assert_null(json_object_get(row, "other"));
	in = json_object_get(o, "inspectors");
	assert_true(json_is_true(json_object_get(in, "hours_complete")));
	row = json_array_get(json_object_get(in, "by_badge"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "badge")), "BADGE-1");
	assert_int_equal(json_integer_value(json_object_get(row, "per_hour_x100")), 200);
	assert_string_equal(json_string_value(json_object_get(row, "first")),
			    "2026-03-14T01:00:00.000Z");
	h = json_object_get(o, "holds");
	assert_int_equal(json_integer_value(json_object_get(h, "total")), 1);
	row = json_array_get(json_object_get(h, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "since")),
			    "2026-03-14T02:00:00.000Z");
	assert_string_equal(json_string_value(json_array_get(json_object_get(row, "defects"), 0)),
			    "KINKED-CHAIN");
	json_decref(o);
	st_report_free(r);
}

static void text__aligned_tables(void **state)
{
	static const struct in t[] = {
		{ 1, 1, "R\x1b[2J", "ring", "BADGE-1", "pass", NULL, T0, 0, 0, NULL },
	};
	struct st_report *r = sample();
	char *out = render(r, st_report_write_text), *line, *save = NULL;
	const char *hdr;

	(void)state;
	assert_non_null(strstr(out, "QC report: all records"));
	assert_non_null(strstr(out, "  category  first  passed  failed  corrected   yield\n"));
	assert_non_null(strstr(out, "  ring          2       1       1          0  50.00%\n"));
	assert_non_null(strstr(out, "  all           3       1       2          0  33.33%\n"));
	assert_non_null(strstr(out, "  total                       2\n"));
	assert_non_null(strstr(out, "Items on hold: 1\n"));
	hdr = strstr(out, "  code ");
	assert_non_null(hdr);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(line[strlen(line) - 1] != ' '); /* no trailing blanks */
	free(out);
	st_report_free(r);

	/* Control bytes from the database never reach the terminal. */
	r = build(0, 0, t, 1);
	assert_int_equal(st_report_finish(r), ST_OK);
	out = render(r, st_report_write_text);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "R?[2J"));
	assert_non_null(strstr(out, "Defects by code (Pareto; inspections not superseded)\n"
				    "  (none)\n"));
	free(out);
	st_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(yield__first_inspections_and_corrections),
		cmocka_unit_test(yield__window_follows_the_first_inspection),
		cmocka_unit_test(yield__missing_correction_counts_once),
		cmocka_unit_test(report__refuses_misuse),
		cmocka_unit_test(defects__pareto_order_and_cumulative_share),
		cmocka_unit_test(report__bp_rounding),
		cmocka_unit_test(inspectors__per_active_hour),
		cmocka_unit_test(inspectors__hours_beyond_the_cap),
		cmocka_unit_test(report__caps_fold_into_other),
		cmocka_unit_test(holds__since_codes_and_window),
		cmocka_unit_test(parse_time__table),
		cmocka_unit_test(format_time__round_trips),
		cmocka_unit_test(csv__one_document_with_quoting),
		cmocka_unit_test(json__four_sections),
		cmocka_unit_test(text__aligned_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
