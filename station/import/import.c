/* station/import: a "qcstation-import" JSON document into the store.
 *
 * The document is parsed whole with jansson, then walked kind by kind
 * (categories, operators, products, orders, items: each may refer to the
 * ones before) inside one store transaction.  Every value is checked for
 * type and size before it reaches a struct: nothing is truncated silently,
 * and the first problem ends the import with a message naming its JSON
 * path.  The format is documented in docs/data-formats.md; keep the two in
 * step.
 *
 * Not for: fetching documents, or any rule about what an order means.
 */
#include "st/import.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "st/err.h"
#include "st/jdoc.h"
#include "st/store.h"

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#if defined(__GNUC__)
#define IMP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define IMP_PRINTF(f, a)
#endif

#define FORMAT_NAME "qcstation-import"
#define FORMAT_VERSION 1
#define NAME_MAX_BYTES 127    /* category names (no struct field bounds them) */
#define QUANTITY_MAX 10000
#define LINE_NO_MAX 9999

struct imp {
	struct st_store *s;
	struct st_jdoc doc;  /* name, error buffer, JSON path being read */
	struct st_import_stats stats;
	struct st_order *order; /* scratch: large, allocated once */
};

/* ---- messages and the JSON path ------------------------------------------ */

static int fail(struct imp *im, int rc, const char *fmt, ...) IMP_PRINTF(3, 4);

static int fail(struct imp *im, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = st_jdoc_vfail(&im->doc, rc, fmt, ap);
	va_end(ap);
	return rc;
}

/* A store call failed: its code, with the store's detail.  A constraint
 * the schema enforces (a status it does not know, a GTIN another sku
 * already has) means the document is wrong, not the database. */
static int fail_store(struct imp *im, int rc)
{
	if (rc == ST_ERR_CONSTRAINT)
		return fail(im, ST_ERR_PARSE, "rejected by the store (%s)", st_store_errmsg(im->s));
	return fail(im, rc, "%s (%s)", st_strerror(rc), st_store_errmsg(im->s));
}

/* Append ".key" (or "key" at the top) to the path; returns the length to
 * restore with path_pop().  A path too long for the buffer is cut short:
 * it only names a place in a message. */
static size_t path_key(struct imp *im, const char *key)
{
	return st_jdoc_key(&im->doc, key);
}

static size_t path_index(struct imp *im, size_t i)
{
	return st_jdoc_index(&im->doc, i);
}

static void path_pop(struct imp *im, size_t old)
{
	st_jdoc_pop(&im->doc, old);
}


/* ---- typed field readers ----------------------------------------------------
 * Each reads obj[key] with the path pointing at it.  Absent and null are the
 * same: an error when required, else the default stays. */

static int check_keys(struct imp *im, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t i, old;

		for (i = 0; allowed[i]; i++) {
			if (strcmp(key, allowed[i]) == 0)
				break;
		}
		if (!allowed[i]) {
			old = path_key(im, key);
			fail(im, ST_ERR_PARSE, "unknown key");
			path_pop(im, old);
			return ST_ERR_PARSE;
		}
	}
	return ST_OK;
}

/* Expect obj (at the current path) to be an object with only these keys. */
static int want_object(struct imp *im, json_t *obj, const char *const *allowed)
{
	if (!json_is_object(obj))
		return fail(im, ST_ERR_PARSE, "expected an object, got %s", st_jdoc_type_name(obj));
	return check_keys(im, obj, allowed);
}

static int get_str(struct imp *im, json_t *obj, const char *key, bool required, char *dst,
		   size_t cap)
{
	json_t *j = json_object_get(obj, key);
	size_t old = path_key(im, key), n;
	int rc = ST_OK;

	if (!j || json_is_null(j)) {
		if (required)
			rc = fail(im, ST_ERR_PARSE, "missing");
		goto out;
	}
	if (!json_is_string(j)) {
		rc = fail(im, ST_ERR_PARSE, "expected a string, got %s", st_jdoc_type_name(j));
		goto out;
	}
	n = json_string_length(j);
	if (n >= cap) {
		rc = fail(im, ST_ERR_RANGE, "too long (%zu bytes, at most %zu)", n, cap - 1);
		goto out;
	}
	if (n == 0 && required) {
		rc = fail(im, ST_ERR_PARSE, "empty");
		goto out;
	}
	memcpy(dst, json_string_value(j), n);
	dst[n] = '\0';
out:
	path_pop(im, old);
	return rc;
}

static int get_bool(struct imp *im, json_t *obj, const char *key, bool *dst)
{
	json_t *j = json_object_get(obj, key);
	size_t old;
	int rc;

	if (!j || json_is_null(j))
		return ST_OK;
	if (json_is_boolean(j)) {
		*dst = json_is_true(j);
		return ST_OK;
	}
	old = path_key(im, key);
	rc = fail(im, ST_ERR_PARSE, "expected true or false, got %s", st_jdoc_type_name(j));
	path_pop(im, old);
	return rc;
}

static int get_int(struct imp *im, json_t *obj, const char *key, bool required, int min, int max,
		   int *dst)
{
	json_t *j = json_object_get(obj, key);
	size_t old = path_key(im, key);
	json_int_t v;
	int rc = ST_OK;

	if (!j || json_is_null(j)) {
		if (required)
			rc = fail(im, ST_ERR_PARSE, "missing");
		goto out;
	}
	if (!json_is_integer(j)) {
		rc = fail(im, ST_ERR_PARSE, "expected an integer, got %s", st_jdoc_type_name(j));
		goto out;
	}
	v = json_integer_value(j);
	if (v < min || v > max) {
		rc = fail(im, ST_ERR_RANGE, "%lld is out of range (%d to %d)", (long long)v, min,
			  max);
		goto out;
	}
	*dst = (int)v;
out:
	path_pop(im, old);
	return rc;
}

/* obj[key] as an array (NULL when absent); the path is left alone. */
static int get_array(struct imp *im, json_t *obj, const char *key, json_t **out)
{
	json_t *j = json_object_get(obj, key);
	size_t old;
	int rc;

	*out = NULL;
	if (!j || json_is_null(j))
		return ST_OK;
	if (json_is_array(j)) {
		*out = j;
		return ST_OK;
	}
	old = path_key(im, key);
	rc = fail(im, ST_ERR_PARSE, "expected an array, got %s", st_jdoc_type_name(j));
	path_pop(im, old);
	return rc;
}

/* ---- GTIN and time ------------------------------------------------------------ */

/* The GS1 mod-10 check digit of the n digits d (weights 3, 1, 3, ... from
 * the right). */
static int gs1_check_digit(const char *d, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int w = (n - i) % 2 ? 3 : 1;

		sum += (d[i] - '0') * w;
	}
	return (10 - sum % 10) % 10;
}

static int get_gtin(struct imp *im, json_t *obj, char out[15])
{
	char g[15] = "";
	size_t n, old;
	int rc, want;

	rc = get_str(im, obj, "gtin", false, g, sizeof(g));
	if (rc < 0 || !g[0])
		return rc;
	old = path_key(im, "gtin");
	n = strlen(g);
	if (strspn(g, "0123456789") != n || (n != 8 && n != 12 && n != 13 && n != 14)) {
		rc = fail(im, ST_ERR_PARSE, "expected 8, 12, 13 or 14 digits");
		goto out;
	}
	want = gs1_check_digit(g, n - 1);
	if (g[n - 1] - '0' != want) {
		rc = fail(im, ST_ERR_PARSE, "check digit should be %d, not %c", want, g[n - 1]);
		goto out;
	}
	/* Stored as GTIN-14: the same number, zero-padded. */
	memset(out, '0', 14 - n);
	memcpy(out + 14 - n, g, n + 1);
out:
	path_pop(im, old);
	return rc;
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* An RFC 3339 date-time ("2026-11-20T14:03:00Z", "...:00.250+01:00") as
 * UTC Unix milliseconds.  Fractions below a millisecond are dropped. */
static bool parse_rfc3339(const char *s, int64_t *ms)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, frac = 0, off = 0, oh, om, dim;
	size_t n = strlen(s), i = 19;

	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
		return false;
	if (s[i] == '.') {
		size_t k = 0;

		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++) {
			if (k < 3)
				frac = frac * 10 + (s[i] - '0');
		}
		if (k == 0 || k > 9)
			return false;
		for (; k < 3; k++)
			frac *= 10;
	}
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		off = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':' &&
		   digits(s + i + 1, 2, &oh) && digits(s + i + 4, 2, &om) && oh <= 23 && om <= 59) {
		off = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
	} else {
		return false;
	}
	if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59)
		return false;
	dim = mdays[mo - 1] + (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	if (d < 1 || d > dim)
		return false;
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - off * 60) * 1000 +
	      frac;
	return true;
}

static int get_time(struct imp *im, json_t *obj, const char *key, int64_t *ms)
{
	char t[40] = "";
	size_t old;
	int rc;

	rc = get_str(im, obj, key, false, t, sizeof(t));
	if (rc == ST_ERR_RANGE)
		rc = ST_ERR_PARSE; /* too long to be a time: say what is expected */
	if (rc < 0 || !t[0]) {
		if (rc < 0) {
			old = path_key(im, key);
			fail(im, rc, "expected an RFC 3339 time like \"2026-11-20T14:03:00Z\"");
			path_pop(im, old);
		}
		return rc;
	}
	if (parse_rfc3339(t, ms))
		return ST_OK;
	old = path_key(im, key);
	rc = fail(im, ST_ERR_PARSE, "\"%s\" is not an RFC 3339 time like \"2026-11-20T14:03:00Z\"",
		  t);
	path_pop(im, old);
	return rc;
}

/* ---- the kinds of records ------------------------------------------------------ */

static int import_category(struct imp *im, json_t *j)
{
	static const char *const keys[] = { "code", "name", NULL };
	char code[32] = "", name[NAME_MAX_BYTES + 1] = "";
	int rc;

	rc = want_object(im, j, keys);
	if (rc == ST_OK)
		rc = get_str(im, j, "code", true, code, sizeof(code));
	if (rc == ST_OK)
		rc = get_str(im, j, "name", false, name, sizeof(name));
	if (rc < 0)
		return rc;
	rc = st_store_category_ensure(im->s, code, name[0] ? name : NULL, NULL);
	if (rc < 0)
		return fail_store(im, rc);
	im->stats.categories++;
	return ST_OK;
}

static int import_operator(struct imp *im, json_t *j)
{
	static const char *const keys[] = { "badge", "name", "role", "active", NULL };
	struct st_operator op = { .active = true };
	int rc;

	rc = want_object(im, j, keys);
	if (rc == ST_OK)
		rc = get_str(im, j, "badge", true, op.badge, sizeof(op.badge));
	if (rc == ST_OK)
		rc = get_str(im, j, "name", true, op.name, sizeof(op.name));
	if (rc == ST_OK)
		rc = get_str(im, j, "role", true, op.role, sizeof(op.role));
	if (rc == ST_OK)
		rc = get_bool(im, j, "active", &op.active);
	if (rc < 0)
		return rc;
	rc = st_store_operator_upsert(im->s, &op, NULL);
	if (rc < 0)
		return fail_store(im, rc);
	im->stats.operators++;
	return ST_OK;
}

static int import_product(struct imp *im, json_t *j)
{
	static const char *const keys[] = { "sku", "gtin", "name", "category", "final_sale", NULL };
	struct st_product p = { 0 };
	size_t old;
	int rc;

	rc = want_object(im, j, keys);
	if (rc == ST_OK)
		rc = get_str(im, j, "sku", true, p.sku, sizeof(p.sku));
	if (rc == ST_OK)
		rc = get_gtin(im, j, p.gtin);
	if (rc == ST_OK)
		rc = get_str(im, j, "name", true, p.name, sizeof(p.name));
	if (rc == ST_OK)
		rc = get_str(im, j, "category", true, p.category, sizeof(p.category));
	if (rc == ST_OK)
		rc = get_bool(im, j, "final_sale", &p.final_sale);
	if (rc < 0)
		return rc;

	rc = st_store_category_by_code(im->s, p.category, NULL);
	if (rc == ST_ERR_NOTFOUND) {
		old = path_key(im, "category");
		rc = fail(im, ST_ERR_PARSE, "unknown category \"%s\" (add it to \"categories\")",
			  p.category);
		path_pop(im, old);
		return rc;
	}
	if (rc < 0)
		return fail_store(im, rc);
	rc = st_store_product_upsert(im->s, &p, NULL);
	if (rc < 0)
		return fail_store(im, rc);
	im->stats.products++;
	return ST_OK;
}

/* Option names are identifiers: lower-case letters, digits and '_'. */
static bool option_name_ok(const char *k)
{
	size_t n = strlen(k);

	return n > 0 && strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static int import_options(struct imp *im, json_t *obj, struct st_line *l)
{
	json_t *opts = json_object_get(obj, "options");
	const char *key;
	json_t *v;
	size_t old = path_key(im, "options"), old2;
	int rc = ST_OK;

	if (!opts || json_is_null(opts))
		goto out;
	if (!json_is_object(opts)) {
		rc = fail(im, ST_ERR_PARSE, "expected an object, got %s", st_jdoc_type_name(opts));
		goto out;
	}
	if (json_object_size(opts) > ST_OPT_MAX) {
		rc = fail(im, ST_ERR_RANGE, "%zu options, at most %d", json_object_size(opts),
			  ST_OPT_MAX);
		goto out;
	}
	json_object_foreach(opts, key, v) {
		struct st_option *o = &l->opt[l->n_opt];

		old2 = path_key(im, key);
		if (!option_name_ok(key))
			rc = fail(im, ST_ERR_PARSE,
				  "option names are lower-case letters, digits and '_'");
		else if (strlen(key) >= sizeof(o->name))
			rc = fail(im, ST_ERR_RANGE, "name too long (at most %zu bytes)",
				  sizeof(o->name) - 1);
		else if (!json_is_string(v))
			rc = fail(im, ST_ERR_PARSE, "expected a string, got %s", st_jdoc_type_name(v));
		else if (json_string_length(v) >= sizeof(o->value))
			rc = fail(im, ST_ERR_RANGE, "too long (%zu bytes, at most %zu)",
				  json_string_length(v), sizeof(o->value) - 1);
		path_pop(im, old2);
		if (rc < 0)
			goto out;
		memcpy(o->name, key, strlen(key) + 1);
		memcpy(o->value, json_string_value(v), json_string_length(v) + 1);
		l->n_opt++;
	}
out:
	path_pop(im, old);
	return rc;
}

static int import_line(struct imp *im, json_t *j, struct st_order *o)
{
	static const char *const keys[] = { "line_no", "sku", "quantity", "final_sale",
					    "custom", "design_your_own", "special_order",
					    "personalized", "custom_size", "options", NULL };
	struct st_line *l = &o->line[o->n_line];
	char sku[sizeof(l->product.sku)] = "";
	size_t old;
	int rc;

	memset(l, 0, sizeof(*l));
	l->quantity = 1;
	rc = want_object(im, j, keys);
	if (rc == ST_OK)
		rc = get_int(im, j, "line_no", true, 1, LINE_NO_MAX, &l->line_no);
	if (rc == ST_OK)
		rc = get_str(im, j, "sku", true, sku, sizeof(sku));
	if (rc == ST_OK)
		rc = get_int(im, j, "quantity", false, 1, QUANTITY_MAX, &l->quantity);
	if (rc == ST_OK)
		rc = get_bool(im, j, "final_sale", &l->final_sale);
	if (rc == ST_OK)
		rc = get_bool(im, j, "custom", &l->custom);
	if (rc == ST_OK)
		rc = get_bool(im, j, "design_your_own", &l->design_your_own);
	if (rc == ST_OK)
		rc = get_bool(im, j, "special_order", &l->special_order);
	if (rc == ST_OK)
		rc = get_bool(im, j, "personalized", &l->personalized);
	if (rc == ST_OK)
		rc = get_bool(im, j, "custom_size", &l->custom_size);
	if (rc == ST_OK)
		rc = import_options(im, j, l);
	if (rc < 0)
		return rc;

	for (unsigned i = 0; i < o->n_line; i++) {
		if (o->line[i].line_no == l->line_no) {
			old = path_key(im, "line_no");
			rc = fail(im, ST_ERR_PARSE, "line %d appears twice in this order",
				  l->line_no);
			path_pop(im, old);
			return rc;
		}
	}
	rc = st_store_product_by_sku(im->s, sku, &l->product);
	if (rc == ST_ERR_NOTFOUND) {
		old = path_key(im, "sku");
		rc = fail(im, ST_ERR_PARSE, "unknown sku \"%s\" (add it to \"products\")", sku);
		path_pop(im, old);
		return rc;
	}
	if (rc < 0)
		return fail_store(im, rc);
	o->n_line++;
	return ST_OK;
}

static int import_order(struct imp *im, json_t *j)
{
	static const char *const keys[] = { "number", "customer", "placed_at", "delivered_at",
					    "status", "cancelled", "custom", "gift_box",
					    "ship_country", "payment", "customer_confirmed",
					    "lines", NULL };
	static const char *const customer_keys[] = { "name", "email", NULL };
	static const char *const payment_keys[] = { "deposit_paid", "balance_paid", NULL };
	struct st_order *o = im->order;
	json_t *sub, *lines;
	size_t old, old2, i;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = want_object(im, j, keys);
	if (rc == ST_OK)
		rc = get_str(im, j, "number", true, o->number, sizeof(o->number));
	if (rc == ST_OK && (sub = json_object_get(j, "customer")) && !json_is_null(sub)) {
		old = path_key(im, "customer");
		rc = want_object(im, sub, customer_keys);
		if (rc == ST_OK)
			rc = get_str(im, sub, "name", false, o->customer_name,
				     sizeof(o->customer_name));
		if (rc == ST_OK)
			rc = get_str(im, sub, "email", false, o->customer_email,
				     sizeof(o->customer_email));
		path_pop(im, old);
	}
	if (rc == ST_OK)
		rc = get_time(im, j, "placed_at", &o->placed_ms);
	if (rc == ST_OK)
		rc = get_time(im, j, "delivered_at", &o->delivered_ms);
	if (rc == ST_OK)
		rc = get_str(im, j, "status", false, o->status, sizeof(o->status));
	if (rc == ST_OK)
		rc = get_bool(im, j, "cancelled", &o->cancelled);
	if (rc == ST_OK)
		rc = get_bool(im, j, "custom", &o->custom);
	if (rc == ST_OK)
		rc = get_bool(im, j, "gift_box", &o->gift_box);
	if (rc == ST_OK)
		rc = get_str(im, j, "ship_country", false, o->ship_country,
			     sizeof(o->ship_country));
	if (rc == ST_OK && o->ship_country[0] &&
	    (strspn(o->ship_country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2)) {
		old = path_key(im, "ship_country");
		rc = fail(im, ST_ERR_PARSE, "expected an ISO 3166 alpha-2 code like \"GB\"");
		path_pop(im, old);
	}
	if (rc == ST_OK && (sub = json_object_get(j, "payment")) && !json_is_null(sub)) {
		old = path_key(im, "payment");
		rc = want_object(im, sub, payment_keys);
		if (rc == ST_OK)
			rc = get_bool(im, sub, "deposit_paid", &o->deposit_paid);
		if (rc == ST_OK)
			rc = get_bool(im, sub, "balance_paid", &o->balance_paid);
		path_pop(im, old);
	}
	if (rc == ST_OK)
		rc = get_bool(im, j, "customer_confirmed", &o->customer_confirmed);
	if (rc == ST_OK)
		rc = get_array(im, j, "lines", &lines);
	if (rc < 0)
		return rc;

	old = path_key(im, "lines");
	if (lines && json_array_size(lines) > ST_LINE_MAX) {
		rc = fail(im, ST_ERR_RANGE, "%zu lines, at most %d", json_array_size(lines),
			  ST_LINE_MAX);
		path_pop(im, old);
		return rc;
	}
	for (i = 0; lines && i < json_array_size(lines); i++) {
		old2 = path_index(im, i);
		rc = import_line(im, json_array_get(lines, i), o);
		path_pop(im, old2);
		if (rc < 0)
			break;
	}
	path_pop(im, old);
	if (rc < 0)
		return rc;

	rc = st_store_order_upsert(im->s, o, NULL);
	if (rc < 0)
		return fail_store(im, rc);
	im->stats.orders++;
	im->stats.lines += o->n_line;
	return ST_OK;
}

static int import_item(struct imp *im, json_t *j)
{
	static const char *const keys[] = { "serial", "sku", "order", "line_no", "status", NULL };
	struct st_item it = { 0 };
	struct st_product p;
	size_t old;
	int rc;

	rc = want_object(im, j, keys);
	if (rc == ST_OK)
		rc = get_str(im, j, "serial", true, it.serial, sizeof(it.serial));
	if (rc == ST_OK)
		rc = get_str(im, j, "sku", true, it.product.sku, sizeof(it.product.sku));
	if (rc == ST_OK)
		rc = get_str(im, j, "order", false, it.order_number, sizeof(it.order_number));
	if (rc == ST_OK)
		rc = get_int(im, j, "line_no", it.order_number[0] != '\0', 1, LINE_NO_MAX,
			     &it.line_no);
	if (rc == ST_OK && !it.order_number[0] && it.line_no) {
		old = path_key(im, "line_no");
		rc = fail(im, ST_ERR_PARSE, "given without \"order\"");
		path_pop(im, old);
	}
	if (rc == ST_OK)
		rc = get_str(im, j, "status", false, it.status, sizeof(it.status));
	if (rc < 0)
		return rc;

	rc = st_store_product_by_sku(im->s, it.product.sku, &p);
	if (rc == ST_ERR_NOTFOUND) {
		old = path_key(im, "sku");
		rc = fail(im, ST_ERR_PARSE, "unknown sku \"%s\" (add it to \"products\")",
			  it.product.sku);
		path_pop(im, old);
		return rc;
	}
	if (rc < 0)
		return fail_store(im, rc);
	rc = st_store_item_upsert(im->s, &it, NULL);
	if (rc == ST_ERR_CONSTRAINT && it.order_number[0])
		return fail(im, ST_ERR_PARSE, "order \"%s\" line %d: %s", it.order_number,
			    it.line_no, st_store_errmsg(im->s));
	if (rc < 0)
		return fail_store(im, rc);
	im->stats.items++;
	return ST_OK;
}

typedef int import_fn(struct imp *im, json_t *j);

static int import_each(struct imp *im, json_t *root, const char *key, import_fn *fn)
{
	json_t *arr;
	size_t old, old2;
	int rc;

	rc = get_array(im, root, key, &arr);
	if (rc < 0 || !arr)
		return rc;
	old = path_key(im, key);
	for (size_t i = 0; rc == ST_OK && i < json_array_size(arr); i++) {
		old2 = path_index(im, i);
		rc = fn(im, json_array_get(arr, i));
		path_pop(im, old2);
	}
	path_pop(im, old);
	return rc;
}

static int check_header(struct imp *im, json_t *root)
{
	static const char *const keys[] = { "format", "version", "categories", "operators",
					    "products", "orders", "items", NULL };
	char format[32] = "";
	size_t old;
	int rc, version = 0;

	rc = want_object(im, root, keys);
	if (rc == ST_OK)
		rc = get_str(im, root, "format", true, format, sizeof(format));
	if (rc == ST_ERR_RANGE || (rc == ST_OK && strcmp(format, FORMAT_NAME) != 0)) {
		old = path_key(im, "format");
		rc = fail(im, ST_ERR_PARSE, "expected \"%s\"", FORMAT_NAME);
		path_pop(im, old);
	}
	if (rc == ST_OK)
		rc = get_int(im, root, "version", true, 1, INT32_MAX, &version);
	if (rc == ST_OK && version != FORMAT_VERSION) {
		old = path_key(im, "version");
		rc = fail(im, ST_ERR_PARSE, "version %d is newer than this qcstation reads (%d)",
			  version, FORMAT_VERSION);
		path_pop(im, old);
	}
	return rc;
}

static int import_doc(struct st_store *s, const char *text, size_t len, const char *name,
		      struct st_import_stats *stats, char *err, size_t errlen, bool own_tx)
{
	struct imp im = { .s = s };
	json_error_t je;
	json_t *root = NULL;
	bool in_tx = false;
	int rc;

	st_jdoc_init(&im.doc, name ? name : "import", err, errlen);
	assert(s && (text || len == 0));
	if (err && errlen)
		err[0] = '\0';
	if (len > ST_IMPORT_MAX_BYTES)
		return fail(&im, ST_ERR_RANGE, "document is larger than %u MiB",
			    ST_IMPORT_MAX_BYTES >> 20);
	root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (err && errlen)
			snprintf(err, errlen, "%s:%d:%d: %s", im.doc.name, je.line, je.column,
				 je.text);
		return ST_ERR_PARSE;
	}
	rc = check_header(&im, root);
	if (rc < 0)
		goto out;
	im.order = malloc(sizeof(*im.order));
	if (!im.order) {
		rc = fail(&im, ST_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (own_tx) {
		rc = st_store_begin(s);
		if (rc < 0) {
			rc = fail_store(&im, rc);
			goto out;
		}
		in_tx = true;
	}
	/* In dependency order, whatever the order of the keys. */
	rc = import_each(&im, root, "categories", import_category);
	if (rc == ST_OK)
		rc = import_each(&im, root, "operators", import_operator);
	if (rc == ST_OK)
		rc = import_each(&im, root, "products", import_product);
	if (rc == ST_OK)
		rc = import_each(&im, root, "orders", import_order);
	if (rc == ST_OK)
		rc = import_each(&im, root, "items", import_item);
	if (rc < 0)
		goto out;
	if (own_tx) {
		rc = st_store_commit(s);
		if (rc < 0) {
			rc = fail_store(&im, rc);
			goto out;
		}
		in_tx = false;
	}
	if (stats)
		*stats = im.stats;
out:
	if (in_tx)
		st_store_rollback(s);
	free(im.order);
	json_decref(root);
	return rc;
}

int st_import_json(struct st_store *s, const char *text, size_t len, const char *name,
		   struct st_import_stats *stats, char *err, size_t errlen)
{
	return import_doc(s, text, len, name, stats, err, errlen, true);
}

int st_import_json_in_tx(struct st_store *s, const char *text, size_t len, const char *name,
			 struct st_import_stats *stats, char *err, size_t errlen)
{
	return import_doc(s, text, len, name, stats, err, errlen, false);
}

int st_import_file(struct st_store *s, const char *path, struct st_import_stats *stats,
		   char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = -1, rc = ST_OK, e;

	assert(s && path);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		e = errno;
		rc = e == ENOENT ? ST_ERR_NOTFOUND : ST_ERR_IO;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = ST_ERR_IO;
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((uintmax_t)st.st_size > ST_IMPORT_MAX_BYTES) {
		rc = ST_ERR_RANGE;
		if (err && errlen)
			snprintf(err, errlen, "%s: larger than %u MiB; refused", path,
				 ST_IMPORT_MAX_BYTES >> 20);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		rc = ST_ERR_NOMEM;
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = ST_ERR_IO;
			if (err && errlen)
				snprintf(err, errlen, "%s: %s", path,
					 n < 0 ? strerror(errno) : "file shrank while reading");
			goto out;
		}
		got += (size_t)n;
	}
	rc = st_import_json(s, buf, got, path, stats, err, errlen);
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}
