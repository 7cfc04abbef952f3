/* station: the QC report ("qcstation report qc"), aggregation and rendering.
 *
 * What a QC lead reads at the end of a shift, from the inspection history:
 *
 *  - first-pass yield by category and by SKU: each item counts once, by its
 *    first inspection, in the window that inspection was completed in.  A
 *    correction replaces the record it corrects (QC-05), so when an item's
 *    first inspection was corrected, the correction's verdict counts (and
 *    the item is counted as corrected).  A reworked item that passed its
 *    re-inspection is a first-pass failure.
 *  - defects by code (Pareto): the defects of the inspections completed in
 *    the window that no correction superseded; count, share and cumulative
 *    share, by count (then code), with the worst severity recorded.
 *  - inspections per inspector: every inspection record an operator badge
 *    completed in the window (corrections, and records later superseded,
 *    included: each was work at the bench), over the inspector's *active
 *    hours*: the number of distinct UTC clock hours (13:00-13:59, ...) in
 *    which the inspector completed at least one of them.  An inspector who
 *    works 13:40-14:10 has 2 active hours; idle hours between shifts do not
 *    dilute the rate.
 *  - items on hold: items whose status is "hold", since the completion of
 *    their current inspection when that inspection's disposition is hold
 *    (else the time is unknown, 0), with that inspection's defect codes.
 *    With a window, only the holds that began in it (unknown times only
 *    without a window).
 *
 * The window is [since_ms, until_ms) in UTC Unix milliseconds; 0 leaves a
 * side open.
 *
 * The aggregation is pure: no I/O, no SQL, no clock.  The caller feeds
 * records (struct st_inspection_rec, struct st_item from st/store.h) one by
 * one.  Memory is bounded: one allocation at st_report_new() (about 1 MiB),
 * nothing after.  Each table keeps at most its ST_REPORT_*_MAX distinct
 * keys; records with a key beyond that are counted in one "(other)" row of
 * that table (flag other), so totals stay exact.  Held items beyond
 * ST_REPORT_HOLD_MAX are counted in holds_total but not listed.  Distinct
 * (inspector, hour) pairs beyond ST_REPORT_HOUR_MAX are not counted, and
 * hours_complete turns false (rates then read high; narrow the window).
 *
 * Renderers: aligned text tables for a terminal, one RFC 4180 CSV document
 * (a "section" column, docs/operator-guide.md), and a jansson object.
 *
 * Threading: one thread per struct st_report.
 */
#ifndef QC_STATION_REPORT_H
#define QC_STATION_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "st/store.h"

#define ST_REPORT_CATEGORY_MAX 32   /* distinct categories kept */
#define ST_REPORT_SKU_MAX 1024      /* distinct SKUs kept */
#define ST_REPORT_CODE_MAX 128      /* distinct defect codes kept */
#define ST_REPORT_INSPECTOR_MAX 128 /* distinct operator badges kept */
#define ST_REPORT_HOLD_MAX 500      /* held items listed */
#define ST_REPORT_HOUR_MAX 16384    /* distinct (inspector, clock hour) pairs counted */
#define ST_REPORT_HOLD_CODES 8      /* defect codes kept per held item */

struct st_report; /* opaque */

/* One row of first-pass yield.  failed = first - passed. */
struct st_report_yield {
	char key[64];          /* the category or the SKU; "(other)" when other */
	char category[32];     /* by SKU: the SKU's category (the first seen) */
	int64_t first;         /* items whose first inspection is in the window */
	int64_t passed;        /* of those, first inspections that passed */
	int64_t corrected;     /* of those, first inspections replaced by a correction */
	bool other;            /* the row of keys beyond the table's cap */
};

struct st_report_defect {
	char code[32];         /* "LOOSE-STONE"; "(other)" when other */
	char severity[16];     /* the worst recorded: critical > major > minor */
	int64_t count;         /* defect records with this code */
	int64_t cumulative;    /* count of this row and every row before it */
	bool other;
};

struct st_report_inspector {
	char badge[64];        /* "BADGE-0001"; "(other)" when other */
	int64_t inspections;   /* inspection records completed in the window */
	int64_t active_hours;  /* distinct UTC clock hours with one or more of them */
	int64_t first_ms, last_ms; /* the first and last completion */
	bool other;
};

struct st_report_hold {
	char serial[64];
	char sku[64];
	int64_t since_ms;      /* 0 = unknown */
	unsigned n_code;       /* <= ST_REPORT_HOLD_CODES, distinct, in recorded order */
	char code[ST_REPORT_HOLD_CODES][32];
};

/* The finished report, borrowed from it (valid until st_report_free()). */
struct st_report_view {
	bool finished;                               /* false: st_report_finish() not called */
	int64_t since_ms, until_ms;                  /* 0 = open */
	struct st_report_yield all;                  /* every category together */
	const struct st_report_yield *category;      /* by key; other last */
	size_t n_category;
	const struct st_report_yield *sku;           /* by key; other last */
	size_t n_sku;
	const struct st_report_defect *defect;       /* by count, then code; other last */
	size_t n_defect;
	int64_t defects_total;
	const struct st_report_inspector *inspector; /* by badge; other last */
	size_t n_inspector;
	bool hours_complete;                         /* false: ST_REPORT_HOUR_MAX was hit */
	const struct st_report_hold *hold;           /* oldest hold first, then serial */
	size_t n_hold;
	int64_t holds_total;                         /* >= n_hold */
};

/* A report over [since_ms, until_ms) (0 = open side).  On success *out owns
 * it; release it with st_report_free().  ST_ERR_ARG when both are set and
 * since_ms >= until_ms, ST_ERR_NOMEM. */
int st_report_new(int64_t since_ms, int64_t until_ms, struct st_report **out);
void st_report_free(struct st_report *r); /* NULL is a no-op */

/* Feed an inspection.  Every inspection must be fed, superseded ones and
 * corrections included, from all of history (an item's first inspection
 * may predate the window), grouped by item: all of an item's records one
 * after the other, in the order written, items in ascending item_id (what
 * st_store_inspection_each_by_item() gives).  rec is borrowed for the call.
 * ST_ERR_ARG when item_id goes backwards or after st_report_finish(). */
int st_report_add_inspection(struct st_report *r, const struct st_inspection_rec *rec);

/* Feed an item on hold with its current inspection (st_store_inspection_last(),
 * NULL when it has none).  Both borrowed.  ST_ERR_ARG after st_report_finish(). */
int st_report_add_hold(struct st_report *r, const struct st_item *it,
		       const struct st_inspection_rec *current);

/* Close the last item and sort the tables.  Call once, after the last add;
 * the renderers and st_report_view() need it (ST_ERR_ARG before). */
int st_report_finish(struct st_report *r);

/* The finished report's figures (zeroed, empty tables before finish). */
void st_report_view(const struct st_report *r, struct st_report_view *out);

/* part/whole in basis points (10000 = 100%), rounded half up; 0 when whole
 * is 0 or less. */
int64_t st_report_bp(int64_t part, int64_t whole);

/* Inspections per active hour, times 100, rounded half up (1250 = 12.50
 * an hour); 0 without active hours. */
int64_t st_report_per_hour_x100(const struct st_report_inspector *in);

/* Parse a --since / --until value: "YYYY-MM-DD" (a UTC day: its start, or
 * with end_of_day the next day's start, so that "--until 2026-03-14"
 * includes that day), or RFC 3339 "YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|
 * -HH:MM)" ('t', 'z' and a space for 'T' accepted; fractions beyond
 * milliseconds are dropped).  *ms (UTC Unix milliseconds) is written only
 * on success.  ST_ERR_PARSE for anything else, including impossible dates
 * and times before 1970. */
int st_report_parse_time(const char *s, bool end_of_day, int64_t *ms);

/* Format UTC Unix milliseconds as RFC 3339 "2026-03-14T09:05:00.000Z" into
 * buf (at least 25 bytes); returns buf. */
char *st_report_format_time(int64_t ms, char *buf, size_t cap);

/* ---- renderers (report_out.c) --------------------------------------------- */

/* Aligned tables for a terminal, one per section.  ST_ERR_ARG before
 * st_report_finish(), ST_ERR_IO when writing fails. */
int st_report_write_text(const struct st_report *r, FILE *f);

/* One RFC 4180 document (CRLF, fields quoted when they hold a comma, a
 * quote, CR or LF), a header then one row per table row; the first column,
 * "section", says which table: yield_all, yield_category, yield_sku,
 * defect, inspector, hold.  Columns a section does not use are empty.
 * Errors as st_report_write_text(). */
int st_report_write_csv(const struct st_report *r, FILE *f);

/* The report as one object with the four sections first_pass_yield,
 * defects, inspectors and holds (docs/operator-guide.md); the caller owns
 * it.  NULL before st_report_finish() or when out of memory. */
json_t *st_report_to_json(const struct st_report *r);

#endif
