/* station/report: the QC report's renderers (st/report.h): aligned text
 * tables, one RFC 4180 CSV document, a jansson object.
 *
 * They read only st_report_view(); figures are integers (counts, basis
 * points, rates times 100) printed with two decimals, never floats.
 *
 * Not for: the figures themselves (report.c), choosing a format (the CLI).
 */
#include "st/report.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "st/err.h"

#define CELL_MAX 256
#define COLS_MAX 8

/* "12.34" from hundredths; "%" appended when pct. */
static void fmt_x100(char *buf, size_t cap, int64_t v, bool pct)
{
	snprintf(buf, cap, "%" PRId64 ".%02" PRId64 "%s", v / 100, v % 100, pct ? "%" : "");
}

/* Basis points as a percentage with two decimals ("87.50"). */
static void fmt_bp(char *buf, size_t cap, int64_t bp, bool pct)
{
	fmt_x100(buf, cap, bp, pct);
}

/* "2026-03-14 09:05:00" (UTC), or "-" for 0 (unknown). */
static void fmt_time_text(char *buf, size_t cap, int64_t ms)
{
	char t[32];

	if (!ms) {
		snprintf(buf, cap, "-");
		return;
	}
	st_report_format_time(ms, t, sizeof(t));
	t[10] = ' ';
	t[19] = '\0';
	snprintf(buf, cap, "%s", t);
}

static void join_codes(char *buf, size_t cap, const struct st_report_hold *h, const char *none)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < h->n_code && len < cap; i++) {
		int n = snprintf(buf + len, cap - len, "%s%s", i ? " " : "", h->code[i]);

		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (!h->n_code)
		snprintf(buf, cap, "%s", none);
}

/* ---- text ------------------------------------------------------------------------ */

struct col {
	const char *head;
	bool right;           /* numbers align right */
};

/* Cell (row, col) of a table into buf; row n is a table's total row when it has one. */
typedef void cell_fn(const struct st_report_view *v, size_t row, int col, char *buf, size_t cap);

/* Terminal cells: control bytes (from the database) become '?'. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Columns on a terminal: UTF-8 continuation bytes take none. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Print a table of nrow rows, two spaces in front and between columns, each
 * column as wide as its widest cell. */
static void table(FILE *f, const struct st_report_view *v, const struct col *cols, int ncol,
		  size_t nrow, cell_fn *cell)
{
	size_t w[COLS_MAX];
	char buf[CELL_MAX];

	assert(ncol <= COLS_MAX);
	if (!nrow) {
		fputs("  (none)\n", f);
		return;
	}
	for (int c = 0; c < ncol; c++)
		w[c] = width(cols[c].head);
	for (size_t r = 0; r < nrow; r++)
		for (int c = 0; c < ncol; c++) {
			cell(v, r, c, buf, sizeof(buf));
			sanitize(buf);
			if (width(buf) > w[c])
				w[c] = width(buf);
		}
	for (size_t r = 0; r <= nrow; r++) {
		char line[COLS_MAX * (CELL_MAX + 4) + 4];
		size_t len = 1;

		line[0] = ' ';
		for (int c = 0; c < ncol; c++) {
			const char *s = buf;
			int pad, n;

			if (r == 0) {
				s = cols[c].head;
			} else {
				cell(v, r - 1, c, buf, sizeof(buf));
				sanitize(buf);
			}
			pad = (int)(w[c] - width(s));
			if (cols[c].right)
				n = snprintf(line + len, sizeof(line) - len, " %*s%s ", pad, "", s);
			else
				n = snprintf(line + len, sizeof(line) - len, " %s%*s ", s, pad, "");
			if (n < 0 || (size_t)n >= sizeof(line) - len)
				break;
			len += (size_t)n;
		}
		while (len > 0 && line[len - 1] == ' ')
			len--;
		line[len] = '\0';
		fprintf(f, "%s\n", line);
	}
}

static const struct st_report_yield *yield_row(const struct st_report_view *v, size_t row,
					       bool by_sku)
{
	if (by_sku)
		return &v->sku[row];
	return row < v->n_category ? &v->category[row] : &v->all;
}

/* category / sku, category, first, passed, failed, corrected, yield */
static void yield_cell(const struct st_report_yield *y, int col, char *buf, size_t cap)
{
	switch (col) {
	case 0:
		snprintf(buf, cap, "%s", y->key);
		break;
	case 1:
		snprintf(buf, cap, "%" PRId64, y->first);
		break;
	case 2:
		snprintf(buf, cap, "%" PRId64, y->passed);
		break;
	case 3:
		snprintf(buf, cap, "%" PRId64, y->first - y->passed);
		break;
	case 4:
		snprintf(buf, cap, "%" PRId64, y->corrected);
		break;
	default:
		fmt_bp(buf, cap, st_report_bp(y->passed, y->first), true);
		break;
	}
}

static void category_cell(const struct st_report_view *v, size_t row, int col, char *buf,
			  size_t cap)
{
	yield_cell(yield_row(v, row, false), col, buf, cap);
}

static void sku_cell(const struct st_report_view *v, size_t row, int col, char *buf, size_t cap)
{
	const struct st_report_yield *y = yield_row(v, row, true);

	if (col == 1)
		snprintf(buf, cap, "%s", y->other ? "" : y->category);
	else
		yield_cell(y, col ? col - 1 : 0, buf, cap);
}

static void defect_cell(const struct st_report_view *v, size_t row, int col, char *buf,
			size_t cap)
{
	const struct st_report_defect *d = row < v->n_defect ? &v->defect[row] : NULL;

	switch (col) {
	case 0:
		snprintf(buf, cap, "%s", d ? d->code : "total");
		break;
	case 1:
		snprintf(buf, cap, "%s", d ? d->severity : "");
		break;
	case 2:
		snprintf(buf, cap, "%" PRId64, d ? d->count : v->defects_total);
		break;
	case 3:
		if (d)
			fmt_bp(buf, cap, st_report_bp(d->count, v->defects_total), true);
		else
			buf[0] = '\0';
		break;
	default:
		if (d)
			fmt_bp(buf, cap, st_report_bp(d->cumulative, v->defects_total), true);
		else
			buf[0] = '\0';
		break;
	}
}

static void inspector_cell(const struct st_report_view *v, size_t row, int col, char *buf,
			   size_t cap)
{
	const struct st_report_inspector *in = &v->inspector[row];

	switch (col) {
	case 0:
		snprintf(buf, cap, "%s", in->badge[0] ? in->badge : "-");
		break;
	case 1:
		snprintf(buf, cap, "%" PRId64, in->inspections);
		break;
	case 2:
		snprintf(buf, cap, "%" PRId64, in->active_hours);
		break;
	case 3:
		fmt_x100(buf, cap, st_report_per_hour_x100(in), false);
		break;
	case 4:
		fmt_time_text(buf, cap, in->first_ms);
		break;
	default:
		fmt_time_text(buf, cap, in->last_ms);
		break;
	}
}

static void hold_cell(const struct st_report_view *v, size_t row, int col, char *buf, size_t cap)
{
	const struct st_report_hold *h = &v->hold[row];

	switch (col) {
	case 0:
		snprintf(buf, cap, "%s", h->serial);
		break;
	case 1:
		snprintf(buf, cap, "%s", h->sku);
		break;
	case 2:
		fmt_time_text(buf, cap, h->since_ms);
		break;
	default:
		join_codes(buf, cap, h, "-");
		break;
	}
}

int st_report_write_text(const struct st_report *r, FILE *f)
{
	static const struct col ycols[] = { { "category", false }, { "first", true },
					    { "passed", true },    { "failed", true },
					    { "corrected", true }, { "yield", true } };
	static const struct col scols[] = { { "sku", false },   { "category", false },
					    { "first", true },  { "passed", true },
					    { "failed", true }, { "corrected", true },
					    { "yield", true } };
	static const struct col dcols[] = { { "code", false },
					    { "severity", false },
					    { "count", true },
					    { "share", true },
					    { "cumulative", true } };
	static const struct col icols[] = { { "badge", false },       { "inspections", true },
					    { "active hours", true }, { "per hour", true },
					    { "first", false },       { "last", false } };
	static const struct col hcols[] = { { "serial", false },
					    { "sku", false },
					    { "on hold since", false },
					    { "last defects", false } };
	struct st_report_view v;
	char a[32], b[32];

	assert(r && f);
	st_report_view(r, &v);
	if (!v.finished)
		return ST_ERR_ARG;
	if (!v.since_ms && !v.until_ms)
		fputs("QC report: all records (times in UTC)\n", f);
	else
		fprintf(f, "QC report: from %s until %s (UTC, the end excluded)\n",
			v.since_ms ? st_report_format_time(v.since_ms, a, sizeof(a)) : "the start",
			v.until_ms ? st_report_format_time(v.until_ms, b, sizeof(b)) : "now");

	fputs("\nFirst-pass yield by category (items by their first inspection; a correction "
	      "replaces it)\n",
	      f);
	table(f, &v, ycols, 6, v.all.first ? v.n_category + 1 : 0, category_cell);
	fputs("\nFirst-pass yield by SKU\n", f);
	table(f, &v, scols, 7, v.n_sku, sku_cell);
	fputs("\nDefects by code (Pareto; inspections not superseded)\n", f);
	table(f, &v, dcols, 5, v.n_defect ? v.n_defect + 1 : 0, defect_cell);
	fputs("\nInspections per inspector (active hours: UTC clock hours with an inspection)\n",
	      f);
	table(f, &v, icols, 6, v.n_inspector, inspector_cell);
	if (!v.hours_complete)
		fprintf(f, "  (more than %d inspector-hours: some hours are not counted and the "
			   "rates read high; narrow the window)\n",
			ST_REPORT_HOUR_MAX);
	fprintf(f, "\nItems on hold: %" PRId64 "\n", v.holds_total);
	table(f, &v, hcols, 4, v.n_hold, hold_cell);
	if ((int64_t)v.n_hold < v.holds_total)
		fprintf(f, "  ... and %" PRId64 " more\n", v.holds_total - (int64_t)v.n_hold);
	return ferror(f) ? ST_ERR_IO : ST_OK;
}

/* ---- CSV ---------------------------------------------------------------------------- */

enum csv_col {
	C_SECTION,
	C_CATEGORY,
	C_SKU,
	C_CODE,
	C_SEVERITY,
	C_BADGE,
	C_SERIAL,
	C_FIRST,
	C_PASSED,
	C_FAILED,
	C_CORRECTED,
	C_YIELD,
	C_COUNT,
	C_SHARE,
	C_CUMULATIVE,
	C_INSPECTIONS,
	C_HOURS,
	C_PER_HOUR,
	C_FIRST_AT,
	C_LAST_AT,
	C_SINCE,
	C_DEFECTS,
	C__COUNT
};

static const char *const csv_head[C__COUNT] = {
	"section",  "category",    "sku",          "code",           "severity", "badge",
	"serial",   "first",       "passed",       "failed",         "corrected", "yield_pct",
	"count",    "share_pct",   "cumulative_pct", "inspections",  "active_hours", "per_hour",
	"first_at", "last_at",     "since",        "defects",
};

struct csv_row {
	char cell[C__COUNT][CELL_MAX];
};

static void csv_field(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_line(FILE *f, const char *const *cells)
{
	for (int c = 0; c < C__COUNT; c++) {
		if (c)
			fputc(',', f);
		csv_field(f, cells[c]);
	}
	fputs("\r\n", f);
}

static void csv_emit(FILE *f, struct csv_row *row)
{
	const char *cells[C__COUNT];

	for (int c = 0; c < C__COUNT; c++)
		cells[c] = row->cell[c];
	csv_line(f, cells);
	memset(row, 0, sizeof(*row));
}

#define CELL(row, c, ...) snprintf((row)->cell[c], CELL_MAX, __VA_ARGS__)

static void csv_yield(FILE *f, struct csv_row *row, const char *section,
		      const struct st_report_yield *y, bool by_sku)
{
	CELL(row, C_SECTION, "%s", section);
	if (by_sku) {
		CELL(row, C_SKU, "%s", y->key);
		CELL(row, C_CATEGORY, "%s", y->category);
	} else if (strcmp(section, "yield_all")) {
		CELL(row, C_CATEGORY, "%s", y->key);
	}
	CELL(row, C_FIRST, "%" PRId64, y->first);
	CELL(row, C_PASSED, "%" PRId64, y->passed);
	CELL(row, C_FAILED, "%" PRId64, y->first - y->passed);
	CELL(row, C_CORRECTED, "%" PRId64, y->corrected);
	fmt_bp(row->cell[C_YIELD], CELL_MAX, st_report_bp(y->passed, y->first), false);
	csv_emit(f, row);
}

int st_report_write_csv(const struct st_report *r, FILE *f)
{
	struct st_report_view v;
	struct csv_row *row;

	assert(r && f);
	st_report_view(r, &v);
	if (!v.finished)
		return ST_ERR_ARG;
	row = calloc(1, sizeof(*row));
	if (!row)
		return ST_ERR_NOMEM;
	csv_line(f, csv_head);
	if (v.all.first)
		csv_yield(f, row, "yield_all", &v.all, false);
	for (size_t i = 0; i < v.n_category; i++)
		csv_yield(f, row, "yield_category", &v.category[i], false);
	for (size_t i = 0; i < v.n_sku; i++)
		csv_yield(f, row, "yield_sku", &v.sku[i], true);
	for (size_t i = 0; i < v.n_defect; i++) {
		const struct st_report_defect *d = &v.defect[i];

		CELL(row, C_SECTION, "defect");
		CELL(row, C_CODE, "%s", d->code);
		CELL(row, C_SEVERITY, "%s", d->severity);
		CELL(row, C_COUNT, "%" PRId64, d->count);
		fmt_bp(row->cell[C_SHARE], CELL_MAX, st_report_bp(d->count, v.defects_total), false);
		fmt_bp(row->cell[C_CUMULATIVE], CELL_MAX,
		       st_report_bp(d->cumulative, v.defects_total), false);
		csv_emit(f, row);
	}
	for (size_t i = 0; i < v.n_inspector; i++) {
		const struct st_report_inspector *in = &v.inspector[i];

		CELL(row, C_SECTION, "inspector");
		CELL(row, C_BADGE, "%s", in->badge);
		CELL(row, C_INSPECTIONS, "%" PRId64, in->inspections);
		CELL(row, C_HOURS, "%" PRId64, in->active_hours);
		fmt_x100(row->cell[C_PER_HOUR], CELL_MAX, st_report_per_hour_x100(in), false);
		st_report_format_time(in->first_ms, row->cell[C_FIRST_AT], CELL_MAX);
		st_report_format_time(in->last_ms, row->cell[C_LAST_AT], CELL_MAX);
		csv_emit(f, row);
	}
	for (size_t i = 0; i < v.n_hold; i++) {
		const struct st_report_hold *h = &v.hold[i];

		CELL(row, C_SECTION, "hold");
		CELL(row, C_SERIAL, "%s", h->serial);
		CELL(row, C_SKU, "%s", h->sku);
		if (h->since_ms)
			st_report_format_time(h->since_ms, row->cell[C_SINCE], CELL_MAX);
		join_codes(row->cell[C_DEFECTS], CELL_MAX, h, "");
		csv_emit(f, row);
	}
	free(row);
	return ferror(f) ? ST_ERR_IO : ST_OK;
}

/* ---- JSON ------------------------------------------------------------------------- */

/* json_object_set_new() that remembers a failure in *ok (it releases val
 * when o is NULL: nothing leaks when an allocation failed). */
static void put(json_t *o, const char *key, json_t *val, bool *ok)
{
	if (!val || json_object_set_new(o, key, val))
		*ok = false;
}

static void append(json_t *a, json_t *val, bool *ok)
{
	if (!val || json_array_append_new(a, val))
		*ok = false;
}

static json_t *time_or_null(int64_t ms)
{
	char t[32];

	return ms ? json_string(st_report_format_time(ms, t, sizeof(t))) : json_null();
}

static json_t *yield_json(const struct st_report_yield *y, const char *key_name, bool by_sku,
			  bool *ok)
{
	json_t *o = json_object();

	if (key_name)
		put(o, key_name, json_string(y->key), ok);
	if (by_sku)
		put(o, "category", y->other ? json_null() : json_string(y->category), ok);
	put(o, "first", json_integer(y->first), ok);
	put(o, "passed", json_integer(y->passed), ok);
	put(o, "failed", json_integer(y->first - y->passed), ok);
	put(o, "corrected", json_integer(y->corrected), ok);
	put(o, "yield_bp", json_integer(st_report_bp(y->passed, y->first)), ok);
	if (y->other)
		put(o, "other", json_true(), ok);
	return o;
}

static json_t *yield_section(const struct st_report_view *v, bool *ok)
{
	json_t *o = json_object(), *cat = json_array(), *sku = json_array();

	for (size_t i = 0; i < v->n_category; i++)
		append(cat, yield_json(&v->category[i], "category", false, ok), ok);
	for (size_t i = 0; i < v->n_sku; i++)
		append(sku, yield_json(&v->sku[i], "sku", true, ok), ok);
	put(o, "all", yield_json(&v->all, NULL, false, ok), ok);
	put(o, "by_category", cat, ok);
	put(o, "by_sku", sku, ok);
	return o;
}

static json_t *defect_section(const struct st_report_view *v, bool *ok)
{
	json_t *o = json_object(), *codes = json_array();

	for (size_t i = 0; i < v->n_defect; i++) {
		const struct st_report_defect *d = &v->defect[i];
		json_t *c = json_object();

		put(c, "code", json_string(d->code), ok);
		put(c, "severity", json_string(d->severity), ok);
		put(c, "count", json_integer(d->count), ok);
		put(c, "share_bp", json_integer(st_report_bp(d->count, v->defects_total)), ok);
		put(c, "cumulative_bp", json_integer(st_report_bp(d->cumulative, v->defects_total)),
		    ok);
		if (d->other)
			put(c, "other", json_true(), ok);
		append(codes, c, ok);
	}
	put(o, "total", json_integer(v->defects_total), ok);
	put(o, "codes", codes, ok);
	return o;
}

static json_t *inspector_section(const struct st_report_view *v, bool *ok)
{
	json_t *o = json_object(), *rows = json_array();

	for (size_t i = 0; i < v->n_inspector; i++) {
		const struct st_report_inspector *in = &v->inspector[i];
		json_t *c = json_object();

		put(c, "badge", json_string(in->badge), ok);
		put(c, "inspections", json_integer(in->inspections), ok);
		put(c, "active_hours", json_integer(in->active_hours), ok);
		put(c, "per_hour_x100", json_integer(st_report_per_hour_x100(in)), ok);
		put(c, "first", time_or_null(in->first_ms), ok);
		put(c, "last", time_or_null(in->last_ms), ok);
		if (in->other)
			put(c, "other", json_true(), ok);
		append(rows, c, ok);
	}
	put(o, "hours_complete", json_boolean(v->hours_complete), ok);
	put(o, "by_badge", rows, ok);
	return o;
}

static json_t *hold_section(const struct st_report_view *v, bool *ok)
{
	json_t *o = json_object(), *items = json_array();

	for (size_t i = 0; i < v->n_hold; i++) {
		const struct st_report_hold *h = &v->hold[i];
		json_t *c = json_object(), *codes = json_array();

		for (unsigned k = 0; k < h->n_code; k++)
			append(codes, json_string(h->code[k]), ok);
		put(c, "serial", json_string(h->serial), ok);
		put(c, "sku", json_string(h->sku), ok);
		put(c, "since", time_or_null(h->since_ms), ok);
		put(c, "defects", codes, ok);
		append(items, c, ok);
	}
	put(o, "total", json_integer(v->holds_total), ok);
	put(o, "items", items, ok);
	return o;
}

json_t *st_report_to_json(const struct st_report *r)
{
	struct st_report_view v;
	json_t *o;
	bool ok = true;

	assert(r);
	st_report_view(r, &v);
	if (!v.finished)
		return NULL;
	o = json_object();
	put(o, "report", json_string("qc"), &ok);
	put(o, "since", time_or_null(v.since_ms), &ok);
	put(o, "until", time_or_null(v.until_ms), &ok);
	put(o, "first_pass_yield", yield_section(&v, &ok), &ok);
	put(o, "defects", defect_section(&v, &ok), &ok);
	put(o, "inspectors", inspector_section(&v, &ok), &ok);
	put(o, "holds", hold_section(&v, &ok), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}
