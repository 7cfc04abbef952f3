/* station/report: the QC report's aggregation (st/report.h).
 *
 * Pure: records in, figures out.  No I/O, no SQL, no clock; one allocation
 * (st_report_new()).  Keyed tables are fixed arrays with an open-addressing
 * index (FNV-1a over the key); a key beyond a table's cap goes to that
 * table's "(other)" row.
 *
 * First inspections are found in one pass because the records arrive
 * grouped by item, in the order written: an item's first record is its
 * original first inspection (a correction always comes after what it
 * corrects); when a correction superseded it, the record named by
 * superseded_by replaces it, and so on down the chain.  Only the current
 * item's state is kept.
 *
 * Not for: reading the store (cli/cmd_report.c), rendering (report_out.c).
 */
#include "st/report.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "st/err.h"

/* Index slots: powers of two, at least twice the cap (load <= 1/2). */
#define CATEGORY_SLOTS 64
#define SKU_SLOTS 2048
#define CODE_SLOTS 256
#define INSPECTOR_SLOTS 256
#define HOUR_SLOTS 32768

#define MS_PER_HOUR INT64_C(3600000)
#define MS_PER_DAY INT64_C(86400000)
#define OTHER_KEY "(other)"

/* A keyed table: entries [0, n) plus the other row, and the index. */
struct keyed {
	size_t n;
	bool other_used;
	size_t cap;      /* distinct keys kept */
	size_t nslot;    /* index size, a power of two */
	int32_t *slot;   /* entry + 1, 0 = empty */
};

/* The item whose records are arriving (the records come grouped by item). */
struct item_state {
	bool have;             /* an item is open */
	int64_t item_id;
	bool settled;          /* its first inspection's verdict is known */
	bool in_window;        /* its first inspection completed in the window */
	bool corrected;        /* the first record was superseded */
	int64_t want_id;       /* the correction awaited (superseded_by of the chain's tail) */
	bool passed;           /* the verdict of the chain's latest record */
	char category[32];
	char sku[64];
};

struct st_report {
	int64_t since_ms, until_ms;
	bool finished;
	struct item_state cur;

	struct st_report_yield all;
	struct keyed category_ix, sku_ix, code_ix, inspector_ix;
	struct st_report_yield category[ST_REPORT_CATEGORY_MAX + 1];
	struct st_report_yield sku[ST_REPORT_SKU_MAX + 1];
	struct st_report_defect defect[ST_REPORT_CODE_MAX + 1];
	struct st_report_inspector inspector[ST_REPORT_INSPECTOR_MAX + 1];
	int64_t defects_total;

	/* (inspector index, UTC hour) pairs seen: hour * 256 + index + 1, 0 = empty. */
	uint64_t hour[HOUR_SLOTS];
	size_t n_hour;
	bool hours_complete;

	struct st_report_hold hold[ST_REPORT_HOLD_MAX];
	size_t n_hold;
	int64_t holds_total;

	int32_t category_slot[CATEGORY_SLOTS];
	int32_t sku_slot[SKU_SLOTS];
	int32_t code_slot[CODE_SLOTS];
	int32_t inspector_slot[INSPECTOR_SLOTS];
};

/* The inspector index must fit the 8 bits the hour keys give it. */
_Static_assert(ST_REPORT_INSPECTOR_MAX < 255, "inspector index in an hour key");
_Static_assert(HOUR_SLOTS >= 2 * ST_REPORT_HOUR_MAX, "hour index load");
_Static_assert(SKU_SLOTS >= 2 * ST_REPORT_SKU_MAX, "sku index load");
_Static_assert(CATEGORY_SLOTS >= 2 * ST_REPORT_CATEGORY_MAX, "category index load");
_Static_assert(CODE_SLOTS >= 2 * ST_REPORT_CODE_MAX, "code index load");
_Static_assert(INSPECTOR_SLOTS >= 2 * ST_REPORT_INSPECTOR_MAX, "inspector index load");

static void keyed_init(struct keyed *k, size_t cap, int32_t *slot, size_t nslot)
{
	k->n = 0;
	k->other_used = false;
	k->cap = cap;
	k->slot = slot;
	k->nslot = nslot;
}

static uint32_t fnv1a(const char *key, size_t cap)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < cap && key[i]; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return h;
}

/* The row of key in a table whose entries (stride bytes apart, from base)
 * start with a char[keycap] key: found, added (zeroed, key copied), or the
 * other row (index cap) once the table is full.  *added says whether the
 * row is new (its other fields need their first values). */
static size_t keyed_row(struct keyed *k, void *base, size_t stride, size_t keycap, const char *key,
			bool *added)
{
	size_t mask = k->nslot - 1, i = fnv1a(key, keycap) & mask;
	char *row;

	*added = false;
	while (k->slot[i]) {
		row = (char *)base + (size_t)(k->slot[i] - 1) * stride;
		if (!strncmp(row, key, keycap))
			return (size_t)(k->slot[i] - 1);
		i = (i + 1) & mask;
	}
	if (k->n == k->cap) {
		row = (char *)base + k->cap * stride;
		if (!k->other_used) {
			k->other_used = true;
			memset(row, 0, stride);
			memcpy(row, OTHER_KEY, sizeof(OTHER_KEY));
			*added = true;
		}
		return k->cap;
	}
	row = (char *)base + k->n * stride;
	memset(row, 0, stride);
	memcpy(row, key, strnlen(key, keycap - 1));
	k->slot[i] = (int32_t)(k->n + 1);
	*added = true;
	return k->n++;
}

int st_report_new(int64_t since_ms, int64_t until_ms, struct st_report **out)
{
	struct st_report *r;

	assert(out);
	if (since_ms < 0 || until_ms < 0 || (since_ms && until_ms && since_ms >= until_ms))
		return ST_ERR_ARG;
	r = calloc(1, sizeof(*r));
	if (!r)
		return ST_ERR_NOMEM;
	r->since_ms = since_ms;
	r->until_ms = until_ms;
	r->hours_complete = true;
	memcpy(r->all.key, "all", 4);
	keyed_init(&r->category_ix, ST_REPORT_CATEGORY_MAX, r->category_slot, CATEGORY_SLOTS);
	keyed_init(&r->sku_ix, ST_REPORT_SKU_MAX, r->sku_slot, SKU_SLOTS);
	keyed_init(&r->code_ix, ST_REPORT_CODE_MAX, r->code_slot, CODE_SLOTS);
	keyed_init(&r->inspector_ix, ST_REPORT_INSPECTOR_MAX, r->inspector_slot, INSPECTOR_SLOTS);
	*out = r;
	return ST_OK;
}

void st_report_free(struct st_report *r)
{
	free(r);
}

static bool in_window(const struct st_report *r, int64_t ms)
{
	return (!r->since_ms || ms >= r->since_ms) && (!r->until_ms || ms < r->until_ms);
}

static bool window_open(const struct st_report *r)
{
	return !r->since_ms && !r->until_ms;
}

/* ---- first-pass yield ------------------------------------------------------- */

static void yield_count(struct st_report_yield *y, const struct item_state *c)
{
	y->first++;
	y->passed += c->passed;
	y->corrected += c->corrected;
}

/* The current item's first inspection is decided: count it. */
static void item_settle(struct st_report *r)
{
	struct item_state *c = &r->cur;
	struct st_report_yield *y;
	bool added;
	size_t i;

	if (c->settled)
		return;
	c->settled = true;
	if (!c->in_window)
		return;
	yield_count(&r->all, c);
	i = keyed_row(&r->category_ix, r->category, sizeof(r->category[0]), sizeof(c->category),
		      c->category, &added);
	y = &r->category[i];
	y->other = i == ST_REPORT_CATEGORY_MAX;
	yield_count(y, c);
	i = keyed_row(&r->sku_ix, r->sku, sizeof(r->sku[0]), sizeof(r->sku[0].key), c->sku, &added);
	y = &r->sku[i];
	y->other = i == ST_REPORT_SKU_MAX;
	if (added && !y->other)
		memcpy(y->category, c->category, sizeof(y->category));
	yield_count(y, c);
}

/* Take rec as the chain's latest record of the current item's first
 * inspection; settle when no correction supersedes it. */
static void item_chain(struct st_report *r, const struct st_inspection_rec *rec)
{
	struct item_state *c = &r->cur;

	c->passed = !strcmp(rec->result, "pass");
	/* The correction's category: the record that stands. */
	memcpy(c->category, rec->category, sizeof(c->category));
	c->category[sizeof(c->category) - 1] = '\0';
	if (rec->superseded_by) {
		c->corrected = true;
		c->want_id = rec->superseded_by;
	} else {
		item_settle(r);
	}
}

static void item_first(struct st_report *r, const struct st_inspection_rec *rec)
{
	struct item_state *c = &r->cur;

	memset(c, 0, sizeof(*c));
	c->have = true;
	c->item_id = rec->item_id;
	c->in_window = in_window(r, rec->completed_ms);
	memcpy(c->sku, rec->item_sku, sizeof(c->sku));
	c->sku[sizeof(c->sku) - 1] = '\0';
	item_chain(r, rec);
}

/* ---- defects and inspectors -------------------------------------------------- */

static int severity_rank(const char *sev)
{
	if (!strcmp(sev, "critical"))
		return 3;
	if (!strcmp(sev, "major"))
		return 2;
	if (!strcmp(sev, "minor"))
		return 1;
	return 0;
}

static void defects_count(struct st_report *r, const struct st_inspection_rec *rec)
{
	for (unsigned i = 0; i < rec->n_defect && i < ST_DEFECT_MAX; i++) {
		const struct st_defect_rec *d = &rec->defect[i];
		struct st_report_defect *row;
		bool added;
		size_t k = keyed_row(&r->code_ix, r->defect, sizeof(r->defect[0]),
				     sizeof(r->defect[0].code), d->code, &added);

		row = &r->defect[k];
		row->other = k == ST_REPORT_CODE_MAX;
		if (added || severity_rank(d->severity) > severity_rank(row->severity)) {
			memcpy(row->severity, d->severity, sizeof(row->severity));
			row->severity[sizeof(row->severity) - 1] = '\0';
		}
		row->count++;
		r->defects_total++;
	}
}

/* Add the pair (inspector k, hour) to the set; true when it is new. */
static bool hour_add(struct st_report *r, size_t k, int64_t hour)
{
	uint64_t key = (uint64_t)hour * 256u + k + 1, h = key * UINT64_C(0x9E3779B97F4A7C15);
	size_t i = (size_t)(h >> 49) & (HOUR_SLOTS - 1);

	while (r->hour[i]) {
		if (r->hour[i] == key)
			return false;
		i = (i + 1) & (HOUR_SLOTS - 1);
	}
	if (r->n_hour == ST_REPORT_HOUR_MAX) {
		r->hours_complete = false;
		return false;
	}
	r->hour[i] = key;
	r->n_hour++;
	return true;
}

static void inspector_count(struct st_report *r, const struct st_inspection_rec *rec)
{
	struct st_report_inspector *in;
	int64_t hour;
	bool added;
	size_t k = keyed_row(&r->inspector_ix, r->inspector, sizeof(r->inspector[0]),
			     sizeof(r->inspector[0].badge), rec->operator_badge, &added);

	in = &r->inspector[k];
	in->other = k == ST_REPORT_INSPECTOR_MAX;
	if (added || rec->completed_ms < in->first_ms)
		in->first_ms = rec->completed_ms;
	if (added || rec->completed_ms > in->last_ms)
		in->last_ms = rec->completed_ms;
	in->inspections++;
	hour = rec->completed_ms / MS_PER_HOUR;
	if (rec->completed_ms % MS_PER_HOUR < 0)
		hour--; /* floor, for a time before 1970 in an edited file */
	if (hour_add(r, k, hour))
		in->active_hours++;
}

int st_report_add_inspection(struct st_report *r, const struct st_inspection_rec *rec)
{
	struct item_state *c;

	assert(r && rec);
	c = &r->cur;
	/* Only the caller's order is checked: values from the file (odd times,
	 * unknown results) are counted as they are, never refused. */
	if (r->finished || (c->have && rec->item_id < c->item_id))
		return ST_ERR_ARG;
	if (!c->have || rec->item_id != c->item_id) {
		item_settle(r);  /* a correction that never came: the latest verdict */
		item_first(r, rec);
	} else if (!c->settled && rec->id == c->want_id) {
		item_chain(r, rec);
	}
	if (!in_window(r, rec->completed_ms))
		return ST_OK;
	inspector_count(r, rec);
	if (!rec->superseded_by)
		defects_count(r, rec);
	return ST_OK;
}

/* ---- holds ----------------------------------------------------------------------- */

int st_report_add_hold(struct st_report *r, const struct st_item *it,
		       const struct st_inspection_rec *cur)
{
	struct st_report_hold *h;
	int64_t since = 0;

	assert(r && it);
	if (r->finished)
		return ST_ERR_ARG;
	if (cur && !strcmp(cur->disposition, "hold"))
		since = cur->completed_ms;
	if (since ? !in_window(r, since) : !window_open(r))
		return ST_OK;
	r->holds_total++;
	if (r->n_hold == ST_REPORT_HOLD_MAX)
		return ST_OK;
	h = &r->hold[r->n_hold++];
	memset(h, 0, sizeof(*h));
	memcpy(h->serial, it->serial, sizeof(h->serial));
	h->serial[sizeof(h->serial) - 1] = '\0';
	memcpy(h->sku, it->product.sku, sizeof(h->sku));
	h->sku[sizeof(h->sku) - 1] = '\0';
	h->since_ms = since;
	for (unsigned i = 0; cur && i < cur->n_defect && i < ST_DEFECT_MAX; i++) {
		const char *code = cur->defect[i].code;
		bool seen = false;

		for (unsigned j = 0; j < h->n_code && !seen; j++)
			seen = !strncmp(h->code[j], code, sizeof(h->code[j]));
		if (seen || h->n_code == ST_REPORT_HOLD_CODES)
			continue;
		memcpy(h->code[h->n_code], code, sizeof(h->code[0]));
		h->code[h->n_code][sizeof(h->code[0]) - 1] = '\0';
		h->n_code++;
	}
	return ST_OK;
}

/* ---- finishing --------------------------------------------------------------------- */

static int cmp_yield(const void *a, const void *b)
{
	const struct st_report_yield *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static int cmp_defect(const void *a, const void *b)
{
	const struct st_report_defect *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int cmp_inspector(const void *a, const void *b)
{
	const struct st_report_inspector *x = a, *y = b;

	return strcmp(x->badge, y->badge);
}

static int cmp_hold(const void *a, const void *b)
{
	const struct st_report_hold *x = a, *y = b;

	if (x->since_ms != y->since_ms)
		return x->since_ms < y->since_ms ? -1 : 1;
	return strcmp(x->serial, y->serial);
}

/* Sort rows [0, n) and move the other row (at index cap) to the end. */
static size_t table_close(struct keyed *k, void *base, size_t stride,
			  int (*cmp)(const void *, const void *))
{
	size_t n = k->n;

	/* The index is not used after finish: its slots would be stale. */
	qsort(base, n, stride, cmp);
	if (k->other_used) {
		if (n != k->cap)
			memcpy((char *)base + n * stride, (char *)base + k->cap * stride, stride);
		n++;
	}
	k->n = n;
	k->other_used = false;
	return n;
}

int st_report_finish(struct st_report *r)
{
	int64_t cum = 0;
	size_t n;

	assert(r);
	if (r->finished)
		return ST_ERR_ARG;
	item_settle(r);
	r->finished = true;
	table_close(&r->category_ix, r->category, sizeof(r->category[0]), cmp_yield);
	table_close(&r->sku_ix, r->sku, sizeof(r->sku[0]), cmp_yield);
	n = table_close(&r->code_ix, r->defect, sizeof(r->defect[0]), cmp_defect);
	for (size_t i = 0; i < n; i++) {
		cum += r->defect[i].count;
		r->defect[i].cumulative = cum;
	}
	table_close(&r->inspector_ix, r->inspector, sizeof(r->inspector[0]), cmp_inspector);
	qsort(r->hold, r->n_hold, sizeof(r->hold[0]), cmp_hold);
	return ST_OK;
}

void st_report_view(const struct st_report *r, struct st_report_view *v)
{
	assert(r && v);
	memset(v, 0, sizeof(*v));
	v->since_ms = r->since_ms;
	v->until_ms = r->until_ms;
	v->hours_complete = r->hours_complete;
	memcpy(v->all.key, "all", 4);
	if (!r->finished)
		return;
	v->finished = true;
	v->all = r->all;
	v->category = r->category;
	v->n_category = r->category_ix.n;
	v->sku = r->sku;
	v->n_sku = r->sku_ix.n;
	v->defect = r->defect;
	v->n_defect = r->code_ix.n;
	v->defects_total = r->defects_total;
	v->inspector = r->inspector;
	v->n_inspector = r->inspector_ix.n;
	v->hold = r->hold;
	v->n_hold = r->n_hold;
	v->holds_total = r->holds_total;
}

/* ---- figures ------------------------------------------------------------------------ */

int64_t st_report_bp(int64_t part, int64_t whole)
{
	if (whole <= 0 || part < 0)
		return 0;
	return (part * 10000 + whole / 2) / whole;
}

int64_t st_report_per_hour_x100(const struct st_report_inspector *in)
{
	assert(in);
	if (in->active_hours <= 0)
		return 0;
	return (in->inspections * 100 + in->active_hours / 2) / in->active_hours;
}

/* ---- time ---------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

/* n decimal digits at s into *v; false when one is not a digit. */
static bool digits(const char *s, int n, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return true;
}

int st_report_parse_time(const char *s, bool end_of_day, int64_t *ms)
{
	unsigned y, mo, d, h, mi, sec, oh, om, frac = 0;
	int64_t t, off = 0;
	const char *p;

	assert(s && ms);
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return ST_ERR_PARSE;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return ST_ERR_PARSE;
	t = days_from_civil(y, mo, d) * MS_PER_DAY;
	if (!s[10]) {
		*ms = end_of_day ? t + MS_PER_DAY : t;
		return ST_OK;
	}
	if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return ST_ERR_PARSE;
	if (h > 23 || mi > 59 || sec > 60)
		return ST_ERR_PARSE;
	p = s + 19;
	if (*p == '.') {
		int n = 0;

		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 3)
				frac = frac * 10 + (unsigned)(*p - '0');
		if (n == 0)
			return ST_ERR_PARSE;
		for (; n < 3; n++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return ST_ERR_PARSE;
		off = ((int64_t)oh * 60 + om) * 60000;
		if (*p == '-')
			off = -off;
		p += 6;
	} else {
		return ST_ERR_PARSE;
	}
	if (*p)
		return ST_ERR_PARSE;
	t += (((int64_t)h * 60 + mi) * 60 + sec) * 1000 + frac - off;
	if (t < 0)
		return ST_ERR_PARSE;
	*ms = t;
	return ST_OK;
}

char *st_report_format_time(int64_t ms, char *buf, size_t cap)
{
	int64_t days, rem, y;
	unsigned m, d;

	assert(buf && cap > 0);
	if (ms < 0)
		ms = 0;
	days = ms / MS_PER_DAY;
	rem = ms % MS_PER_DAY;
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, cap, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)y, m, d,
		 (unsigned)(rem / MS_PER_HOUR), (unsigned)(rem / 60000 % 60),
		 (unsigned)(rem / 1000 % 60), (unsigned)(rem % 1000));
	return buf;
}
