/* station/workflow: QC checklist templates (st/checklist.h).
 *
 * A template is parsed whole with jansson and every field is checked for
 * type, size and meaning before it reaches the struct, so the QC workflow
 * never meets a half-valid check.  Keys are strict (an unknown key is an
 * error: a misspelt "tolerence" must not silently mean "no tolerance").
 * Messages name the file and the JSON path.  docs/checklists.md is the
 * reference of the format; keep the two in step.
 *
 * Numbers: JSON integers and decimal strings become thousandths with
 * integer arithmetic.  A JSON number with a fraction ("tolerance": 0.25)
 * arrives from jansson as a double; it is printed with six decimals and
 * parsed like a string, so no floating-point arithmetic touches the value
 * and a fraction finer than a thousandth is refused, not rounded.
 */
#include "st/checklist.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "st/err.h"
#include "st/jdoc.h"

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#if defined(__GNUC__)
#define CL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CL_PRINTF(f, a)
#endif

#define REAL_ABS_MAX 1e9 /* JSON reals accepted, in units (see the top) */

/* The flags a check's "when" may name; qc.c resolves them. */
static const char *const flag_names[] = {
	"gift_box", "custom", "personalized", "special_order", "design_your_own", "custom_size",
	NULL,
};

static const char *const type_names[ST_CHECK__COUNT] = {
	[ST_CHECK_PASS_FAIL] = "pass_fail",
	[ST_CHECK_MEASURE] = "measure",
	[ST_CHECK_TEXT_MATCH] = "text_match",
	[ST_CHECK_CHOICE] = "choice",
	[ST_CHECK_PHOTO] = "photo",
};

const char *st_check_type_name(enum st_check_type t)
{
	if ((unsigned)t >= ST_CHECK__COUNT)
		return NULL;
	return type_names[t];
}

/* ---- decimal numbers in thousandths ----------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix, size_t sn)
{
	if (sn == 0 || sn > n)
		return false;
	for (size_t i = 0; i < sn; i++)
		if (lower(s[n - sn + i]) != lower(suffix[i]))
			return false;
	return true;
}

/* Unicode vulgar fractions a US ring size may be typed with, in UTF-8. */
static const struct {
	const char *utf8;
	int milli;
} vulgar[] = {
	{ "\xc2\xbd", 500 },     { "\xc2\xbc", 250 },     { "\xc2\xbe", 750 },
	{ "\xe2\x85\x9b", 125 }, { "\xe2\x85\x9c", 375 }, { "\xe2\x85\x9d", 625 },
	{ "\xe2\x85\x9e", 875 },
};

/* Read digits at s[*i..n) into *v (no sign); false when there are none or
 * the number exceeds lim. */
static int read_uint(const char *s, size_t n, size_t *i, int64_t lim, int64_t *v)
{
	size_t j = *i;
	int64_t x = 0;

	if (j >= n || !is_digit(s[j]))
		return ST_ERR_PARSE;
	for (; j < n && is_digit(s[j]); j++) {
		x = x * 10 + (s[j] - '0');
		if (x > lim)
			return ST_ERR_RANGE;
	}
	*v = x;
	*i = j;
	return ST_OK;
}

/* "a/b" at s[*i..n) with b in {2, 4, 8} and 0 < a < b: *milli = 1000a/b. */
static int read_fraction(const char *s, size_t n, size_t *i, int64_t *milli)
{
	int64_t a, b;
	size_t j = *i;

	if (read_uint(s, n, &j, 100, &a) != ST_OK || j >= n || s[j] != '/')
		return ST_ERR_PARSE;
	j++;
	if (read_uint(s, n, &j, 100, &b) != ST_OK)
		return ST_ERR_PARSE;
	if ((b != 2 && b != 4 && b != 8) || a <= 0 || a >= b)
		return ST_ERR_PARSE;
	*milli = a * 1000 / b;
	*i = j;
	return ST_OK;
}

int st_milli_parse(const char *s, size_t n, const char *unit, int64_t *out)
{
	const int64_t ulim = ST_MILLI_MAX / 1000;
	size_t i = 0, un = unit ? strlen(unit) : 0;
	int64_t whole = 0, frac = 0;
	bool neg = false, have_whole = false;
	int rc;

	while (n > 0 && is_space(s[n - 1]))
		n--;
	if (ends_with_ci(s, n, unit, un)) {
		n -= un;
		while (n > 0 && is_space(s[n - 1]))
			n--;
	}
	while (i < n && is_space(s[i]))
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	/* A bare fraction: "1/2". */
	if (read_fraction(s, n, &i, &frac) == ST_OK)
		goto end;
	if (i < n && is_digit(s[i])) {
		rc = read_uint(s, n, &i, ulim, &whole);
		if (rc != ST_OK)
			return rc;
		have_whole = true;
	}
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		int64_t scale = 100;
		bool any = false;

		for (i++; i < n && is_digit(s[i]); i++) {
			any = true;
			if (scale == 0) {
				if (s[i] != '0')
					return ST_ERR_RANGE; /* finer than a thousandth */
				continue;
			}
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
		if (!any && !have_whole)
			return ST_ERR_PARSE;
	} else if (have_whole) {
		size_t j = i;

		/* "6 1/2" or "6½" */
		while (j < n && is_space(s[j]))
			j++;
		if (j > i && read_fraction(s, n, &j, &frac) == ST_OK) {
			i = j;
		} else {
			for (size_t k = 0; k < sizeof(vulgar) / sizeof(vulgar[0]); k++) {
				size_t vn = strlen(vulgar[k].utf8);

				if (n - i >= vn && memcmp(s + i, vulgar[k].utf8, vn) == 0) {
					frac = vulgar[k].milli;
					i += vn;
					break;
				}
			}
		}
	} else {
		/* "½" alone */
		for (size_t k = 0; k < sizeof(vulgar) / sizeof(vulgar[0]); k++) {
			size_t vn = strlen(vulgar[k].utf8);

			if (n - i >= vn && memcmp(s + i, vulgar[k].utf8, vn) == 0) {
				frac = vulgar[k].milli;
				i += vn;
				have_whole = true;
				break;
			}
		}
		if (!have_whole)
			return ST_ERR_PARSE;
	}
end:
	if (i != n)
		return ST_ERR_PARSE;
	*out = (neg ? -1 : 1) * (whole * 1000 + frac);
	return ST_OK;
}

const char *st_milli_format(int64_t v, char *buf, size_t cap)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned frac = (unsigned)(a % 1000);
	char f[4];

	if (frac == 0) {
		snprintf(buf, cap, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(a / 1000));
		return buf;
	}
	snprintf(f, sizeof(f), "%03u", frac);
	for (int k = 2; k > 0 && f[k] == '0'; k--)
		f[k] = '\0';
	snprintf(buf, cap, "%s%llu.%s", v < 0 ? "-" : "", (unsigned long long)(a / 1000), f);
	return buf;
}

/* ---- the parser: messages and the JSON path --------------------------------- */

struct cl_parse {
	struct st_jdoc doc; /* name, error buffer, JSON path being read */
};

static int fail(struct cl_parse *p, int rc, const char *fmt, ...) CL_PRINTF(3, 4);

static int fail(struct cl_parse *p, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = st_jdoc_vfail(&p->doc, rc, fmt, ap);
	va_end(ap);
	return rc;
}

/* Append ".key" / "[i]" to the path; return the length to restore.  A path
 * too long for the buffer is cut short: it only names a place. */
static size_t path_push(struct cl_parse *p, const char *key, long idx)
{
	return key ? st_jdoc_key(&p->doc, key) : st_jdoc_index(&p->doc, (size_t)idx);
}

static void path_pop(struct cl_parse *p, size_t old)
{
	st_jdoc_pop(&p->doc, old);
}


static int only_keys(struct cl_parse *p, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (!allowed[i]) {
			size_t old = path_push(p, key, 0);

			fail(p, ST_ERR_PARSE, "unknown key");
			path_pop(p, old);
			return ST_ERR_PARSE;
		}
	}
	return ST_OK;
}

/* [a-z0-9_] (plus '-' when dash), 1..cap-1 bytes. */
static bool ident_ok(const char *s, size_t n, size_t cap, bool dash)
{
	if (n == 0 || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || (dash && c == '-')))
			return false;
	}
	return true;
}

/* obj[key] as a string into dst[cap]; absent or null leaves dst alone and is
 * an error only when required.  *present (may be NULL) says whether it was. */
static int get_str(struct cl_parse *p, json_t *obj, const char *key, bool required, char *dst,
		   size_t cap, bool *present)
{
	json_t *j = json_object_get(obj, key);
	size_t old = path_push(p, key, 0), n;
	int rc = ST_OK;

	if (present)
		*present = false;
	if (!j || json_is_null(j)) {
		if (required)
			rc = fail(p, ST_ERR_PARSE, "missing");
		goto out;
	}
	if (!json_is_string(j)) {
		rc = fail(p, ST_ERR_PARSE, "must be a string, not %s", st_jdoc_type_name(j));
		goto out;
	}
	n = json_string_length(j);
	if (n >= cap) {
		rc = fail(p, ST_ERR_RANGE, "too long (%zu bytes, at most %zu)", n, cap - 1);
		goto out;
	}
	if (n == 0 || memchr(json_string_value(j), '\0', n)) {
		rc = fail(p, ST_ERR_PARSE, "must not be empty or hold a NUL");
		goto out;
	}
	memcpy(dst, json_string_value(j), n);
	dst[n] = '\0';
	if (present)
		*present = true;
out:
	path_pop(p, old);
	return rc;
}

/* An identifier-like string field ([a-z0-9_], '-' too when dash). */
static int get_ident(struct cl_parse *p, json_t *obj, const char *key, bool required, char *dst,
		     size_t cap, bool dash, bool *present)
{
	bool have = false;
	int rc = get_str(p, obj, key, required, dst, cap, &have);
	size_t old;

	if (present)
		*present = have;
	if (rc != ST_OK || !have || ident_ok(dst, strlen(dst), cap, dash))
		return rc;
	old = path_push(p, key, 0);
	rc = fail(p, ST_ERR_PARSE, "'%s': use lower-case letters, digits and '_'%s", dst,
		  dash ? " or '-'" : "");
	path_pop(p, old);
	return rc;
}

/* obj[key] as a number in thousandths: a JSON integer, a JSON number with a
 * fraction (at most three decimals), or a decimal string ("0.25"). */
static int get_milli(struct cl_parse *p, json_t *obj, const char *key, bool *present,
		     int64_t *out)
{
	json_t *j = json_object_get(obj, key);
	size_t old = path_push(p, key, 0);
	char buf[64];
	int rc = ST_OK;

	*present = false;
	if (!j || json_is_null(j))
		goto out;
	if (json_is_integer(j)) {
		json_int_t v = json_integer_value(j);

		if (v > ST_MILLI_MAX / 1000 || v < -(ST_MILLI_MAX / 1000)) {
			rc = fail(p, ST_ERR_RANGE, "out of range");
			goto out;
		}
		*out = (int64_t)v * 1000;
	} else if (json_is_real(j)) {
		double d = json_real_value(j);

		if (!(d < REAL_ABS_MAX && d > -REAL_ABS_MAX)) {
			rc = fail(p, ST_ERR_RANGE, "out of range");
			goto out;
		}
		snprintf(buf, sizeof(buf), "%.6f", d);
		rc = st_milli_parse(buf, strlen(buf), NULL, out);
		if (rc != ST_OK) {
			rc = fail(p, rc, "at most three decimals");
			goto out;
		}
	} else if (json_is_string(j)) {
		rc = st_milli_parse(json_string_value(j), json_string_length(j), NULL, out);
		if (rc != ST_OK) {
			rc = fail(p, rc, "'%.40s' is not a number with at most three decimals",
				  json_string_value(j));
			goto out;
		}
	} else {
		rc = fail(p, ST_ERR_PARSE, "must be a number, not %s", st_jdoc_type_name(j));
		goto out;
	}
	*present = true;
out:
	path_pop(p, old);
	return rc;
}

/* ---- one check ---------------------------------------------------------------- */

static int parse_when(struct cl_parse *p, json_t *chk, struct st_check *c)
{
	static const char *const keys[] = { "option", "flag", NULL };
	json_t *w = json_object_get(chk, "when");
	size_t old = path_push(p, "when", 0);
	bool opt = false, flag = false;
	int rc;

	if (!w || json_is_null(w)) {
		rc = ST_OK;
		goto out;
	}
	if (!json_is_object(w)) {
		rc = fail(p, ST_ERR_PARSE,
			  "must be an object, {\"option\": \"engraving\"} or {\"flag\": \"gift_box\"}");
		goto out;
	}
	rc = only_keys(p, w, keys);
	if (rc == ST_OK)
		rc = get_ident(p, w, "option", false, c->when_key, sizeof(c->when_key), false, &opt);
	if (rc == ST_OK && !opt)
		rc = get_ident(p, w, "flag", false, c->when_key, sizeof(c->when_key), false, &flag);
	else if (rc == ST_OK && json_object_get(w, "flag"))
		rc = fail(p, ST_ERR_PARSE, "give \"option\" or \"flag\", not both");
	if (rc != ST_OK)
		goto out;
	if (!opt && !flag) {
		rc = fail(p, ST_ERR_PARSE, "needs \"option\" or \"flag\"");
		goto out;
	}
	if (flag) {
		size_t i;

		for (i = 0; flag_names[i]; i++)
			if (strcmp(flag_names[i], c->when_key) == 0)
				break;
		if (!flag_names[i]) {
			size_t o2 = path_push(p, "flag", 0);

			rc = fail(p, ST_ERR_PARSE,
				  "unknown flag '%s' (known: gift_box, custom, personalized, "
				  "special_order, design_your_own, custom_size)",
				  c->when_key);
			path_pop(p, o2);
			goto out;
		}
	}
	c->when = opt ? ST_WHEN_OPTION : ST_WHEN_FLAG;
out:
	path_pop(p, old);
	return rc;
}

static int parse_choices(struct cl_parse *p, json_t *chk, struct st_check *c)
{
	json_t *a = json_object_get(chk, "choices");
	size_t old = path_push(p, "choices", 0), i;
	json_t *v;
	int rc = ST_OK;

	if (!json_is_array(a) || json_array_size(a) == 0) {
		rc = fail(p, ST_ERR_PARSE, "must be a non-empty array of strings");
		goto out;
	}
	if (json_array_size(a) > ST_CHECK_CHOICE_MAX) {
		rc = fail(p, ST_ERR_RANGE, "too many values (%zu, at most %d)", json_array_size(a),
			  ST_CHECK_CHOICE_MAX);
		goto out;
	}
	json_array_foreach(a, i, v) {
		size_t o2 = path_push(p, NULL, (long)i), n;

		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    memchr(json_string_value(v), '\0', json_string_length(v))) {
			rc = fail(p, ST_ERR_PARSE, "must be a non-empty string");
		} else if ((n = json_string_length(v)) >= ST_CHECK_CHOICE_LEN) {
			rc = fail(p, ST_ERR_RANGE, "too long (%zu bytes, at most %d)", n,
				  ST_CHECK_CHOICE_LEN - 1);
		} else {
			memcpy(c->choice[i], json_string_value(v), n + 1);
			for (size_t k = 0; k < i; k++) {
				size_t m = strlen(c->choice[k]);
				bool same = m == n;

				for (size_t q = 0; same && q < n; q++)
					same = lower(c->choice[k][q]) == lower(c->choice[i][q]);
				if (same) {
					rc = fail(p, ST_ERR_PARSE, "'%s' is listed twice", c->choice[i]);
					break;
				}
			}
		}
		path_pop(p, o2);
		if (rc != ST_OK)
			goto out;
		c->n_choice = (unsigned)i + 1;
	}
out:
	path_pop(p, old);
	return rc;
}

/* A key that the check's type does not use is an error, not ignored. */
static int forbid(struct cl_parse *p, json_t *chk, const char *key, const char *type)
{
	size_t old;
	int rc;

	if (!json_object_get(chk, key))
		return ST_OK;
	old = path_push(p, key, 0);
	rc = fail(p, ST_ERR_PARSE, "not used by a %s check", type);
	path_pop(p, old);
	return rc;
}

static int parse_check(struct cl_parse *p, json_t *chk, struct st_check *c)
{
	static const char *const keys[] = {
		"id",	    "label",   "type",	  "when",  "option",  "unit",
		"nominal", "tolerance", "confirm", "choices", "comment", NULL,
	};
	static const char *const unused[ST_CHECK__COUNT][6] = {
		[ST_CHECK_PASS_FAIL] = { "option", "unit", "nominal", "tolerance", "confirm", "choices" },
		[ST_CHECK_MEASURE] = { "choices" },
		[ST_CHECK_TEXT_MATCH] = { "unit", "nominal", "tolerance", "choices" },
		[ST_CHECK_CHOICE] = { "unit", "nominal", "tolerance", "confirm" },
		[ST_CHECK_PHOTO] = { "option", "unit", "nominal", "tolerance", "confirm", "choices" },
	};
	char type[16];
	bool has_opt = false, has_unit = false, has_tol = false;
	json_t *j;
	int rc;
	int t;

	memset(c, 0, sizeof(*c));
	if (!json_is_object(chk))
		return fail(p, ST_ERR_PARSE, "must be an object, not %s", st_jdoc_type_name(chk));
	rc = only_keys(p, chk, keys);
	if (rc != ST_OK)
		return rc;
	rc = get_ident(p, chk, "id", true, c->id, sizeof(c->id), false, NULL);
	if (rc == ST_OK)
		rc = get_str(p, chk, "label", true, c->label, sizeof(c->label), NULL);
	if (rc == ST_OK)
		rc = get_str(p, chk, "type", true, type, sizeof(type), NULL);
	if (rc != ST_OK)
		return rc;
	j = json_object_get(chk, "comment");
	if (j && !json_is_string(j)) {
		size_t old = path_push(p, "comment", 0);

		rc = fail(p, ST_ERR_PARSE, "must be a string, not %s", st_jdoc_type_name(j));
		path_pop(p, old);
		return rc;
	}
	for (t = 0; t < ST_CHECK__COUNT; t++)
		if (strcmp(type, type_names[t]) == 0)
			break;
	if (t == ST_CHECK__COUNT) {
		size_t old = path_push(p, "type", 0);

		rc = fail(p, ST_ERR_PARSE,
			  "unknown type '%s' (pass_fail, measure, text_match, choice, photo)", type);
		path_pop(p, old);
		return rc;
	}
	c->type = (enum st_check_type)t;
	for (size_t k = 0; k < 6 && unused[t][k]; k++) {
		rc = forbid(p, chk, unused[t][k], type);
		if (rc != ST_OK)
			return rc;
	}
	rc = parse_when(p, chk, c);
	if (rc == ST_OK)
		rc = get_ident(p, chk, "option", c->type == ST_CHECK_TEXT_MATCH, c->option,
			       sizeof(c->option), false, &has_opt);
	if (rc == ST_OK)
		rc = get_str(p, chk, "unit", c->type == ST_CHECK_MEASURE, c->unit, sizeof(c->unit),
			     &has_unit);
	if (rc == ST_OK)
		rc = get_milli(p, chk, "nominal", &c->has_nominal, &c->nominal_milli);
	if (rc == ST_OK)
		rc = get_milli(p, chk, "tolerance", &has_tol, &c->tolerance_milli);
	if (rc != ST_OK)
		return rc;
	j = json_object_get(chk, "confirm");
	if (j) {
		size_t old = path_push(p, "confirm", 0);

		if (!json_is_boolean(j))
			rc = fail(p, ST_ERR_PARSE, "must be true or false, not %s", st_jdoc_type_name(j));
		c->confirm = json_is_true(j);
		path_pop(p, old);
		if (rc != ST_OK)
			return rc;
	}
	if (c->type == ST_CHECK_MEASURE) {
		size_t old;

		if (!has_tol) {
			old = path_push(p, "tolerance", 0);
			rc = fail(p, ST_ERR_PARSE, "missing (a measure needs a tolerance, 0 for exact)");
			path_pop(p, old);
			return rc;
		}
		if (c->tolerance_milli < 0) {
			old = path_push(p, "tolerance", 0);
			rc = fail(p, ST_ERR_RANGE, "must not be negative");
			path_pop(p, old);
			return rc;
		}
		if (!has_opt && !c->has_nominal)
			return fail(p, ST_ERR_PARSE,
				    "a measure needs \"option\" (compare against the order), "
				    "\"nominal\", or both");
	}
	if (c->type == ST_CHECK_CHOICE) {
		rc = parse_choices(p, chk, c);
		if (rc != ST_OK)
			return rc;
	}
	return ST_OK;
}

/* ---- a template ------------------------------------------------------------- */

static int parse_doc(struct cl_parse *p, json_t *root, struct st_checklist *out)
{
	static const char *const keys[] = { "category", "version", "title", "checks", "comment",
					    NULL };
	json_t *v, *checks;
	size_t i, old;
	bool always = false;
	int rc;

	if (!json_is_object(root))
		return fail(p, ST_ERR_PARSE, "the template must be a JSON object, not %s",
			    st_jdoc_type_name(root));
	rc = only_keys(p, root, keys);
	if (rc == ST_OK)
		rc = get_ident(p, root, "category", true, out->category, sizeof(out->category), true,
			       NULL);
	if (rc == ST_OK)
		rc = get_str(p, root, "title", false, out->title, sizeof(out->title), NULL);
	if (rc != ST_OK)
		return rc;
	v = json_object_get(root, "comment");
	if (v && !json_is_string(v)) {
		old = path_push(p, "comment", 0);
		rc = fail(p, ST_ERR_PARSE, "must be a string, not %s", st_jdoc_type_name(v));
		path_pop(p, old);
		return rc;
	}
	v = json_object_get(root, "version");
	old = path_push(p, "version", 0);
	if (!v)
		rc = fail(p, ST_ERR_PARSE, "missing");
	else if (!json_is_integer(v))
		rc = fail(p, ST_ERR_PARSE, "must be an integer, not %s", st_jdoc_type_name(v));
	else if (json_integer_value(v) < 1 || json_integer_value(v) > ST_CHECKLIST_VERSION_MAX)
		rc = fail(p, ST_ERR_RANGE, "must be 1 to %d", ST_CHECKLIST_VERSION_MAX);
	else
		out->version = (int)json_integer_value(v);
	path_pop(p, old);
	if (rc != ST_OK)
		return rc;

	checks = json_object_get(root, "checks");
	old = path_push(p, "checks", 0);
	if (!checks)
		rc = fail(p, ST_ERR_PARSE, "missing");
	else if (!json_is_array(checks) || json_array_size(checks) == 0)
		rc = fail(p, ST_ERR_PARSE, "must be a non-empty array of checks");
	else if (json_array_size(checks) > ST_CHECKLIST_CHECK_MAX)
		rc = fail(p, ST_ERR_RANGE, "too many checks (%zu, at most %d)",
			  json_array_size(checks), ST_CHECKLIST_CHECK_MAX);
	path_pop(p, old);
	if (rc != ST_OK)
		return rc;
	json_array_foreach(checks, i, v) {
		struct st_check *c = &out->check[i];

		old = path_push(p, "checks", 0);
		path_push(p, NULL, (long)i);
		rc = parse_check(p, v, c);
		for (size_t k = 0; rc == ST_OK && k < i; k++)
			if (strcmp(out->check[k].id, c->id) == 0)
				rc = fail(p, ST_ERR_PARSE, "id '%s' is also checks[%zu]'s", c->id, k);
		path_pop(p, old);
		if (rc != ST_OK)
			return rc;
		if (c->type == ST_CHECK_PASS_FAIL && c->when == ST_WHEN_ALWAYS)
			always = true;
		out->n_check = (unsigned)i + 1;
	}
	/* QC-01: every item is inspected.  A template whose every check may
	 * turn out not to apply could "pass" an item nobody looked at. */
	if (!always)
		return fail(p, ST_ERR_PARSE,
			    "checks: needs at least one pass_fail check without \"when\"");
	return ST_OK;
}

int st_checklist_parse(const char *text, size_t len, const char *name, struct st_checklist *out,
		       char *err, size_t errlen)
{
	struct cl_parse p;
	json_error_t je;
	json_t *root;
	int rc;

	st_jdoc_init(&p.doc, name ? name : "checklist", err, errlen);
	memset(out, 0, sizeof(*out));
	if (strlen(p.doc.name) >= sizeof(out->name))
		return fail(&p, ST_ERR_RANGE, "file name too long (at most %zu bytes)",
			    sizeof(out->name) - 1);
	snprintf(out->name, sizeof(out->name), "%s", p.doc.name);
	if (len > ST_CHECKLIST_FILE_MAX)
		return fail(&p, ST_ERR_RANGE, "too large (%zu bytes, at most %d)", len,
			    ST_CHECKLIST_FILE_MAX);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return fail(&p, ST_ERR_PARSE, "line %d column %d: %s", je.line, je.column, je.text);
	rc = parse_doc(&p, root, out);
	json_decref(root);
	return rc;
}

/* ---- sets and the folder loader -------------------------------------------- */

void st_checklist_set_init(struct st_checklist_set *set)
{
	set->n = 0;
}

int st_checklist_set_add(struct st_checklist_set *set, const char *text, size_t len,
			 const char *name, char *err, size_t errlen)
{
	struct st_checklist *cl;
	const struct st_checklist *dup;
	int rc;

	if (set->n >= ST_CHECKLIST_SET_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "%s: too many checklist templates (at most %d)",
				 name ? name : "checklist", ST_CHECKLIST_SET_MAX);
		return ST_ERR_RANGE;
	}
	cl = &set->list[set->n];
	rc = st_checklist_parse(text, len, name, cl, err, errlen);
	if (rc != ST_OK)
		return rc;
	dup = st_checklist_find(set, cl->category);
	if (dup) {
		if (err && errlen)
			snprintf(err, errlen, "%s: category '%s' already has a template (%s)",
				 cl->name, cl->category, dup->name);
		return ST_ERR_CONFIG;
	}
	set->n++;
	return ST_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_all(const char *path, const char *shown, char **out, size_t *len, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int rc = ST_OK;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open", shown);
		return ST_ERR_IO;
	}
	buf = malloc(ST_CHECKLIST_FILE_MAX + 1);
	if (!buf) {
		rc = ST_ERR_NOMEM;
		goto out;
	}
	n = fread(buf, 1, ST_CHECKLIST_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", shown);
		rc = ST_ERR_IO;
	} else if (n > ST_CHECKLIST_FILE_MAX) {
		snprintf(err, errlen, "%s: too large (more than %d bytes)", shown,
			 ST_CHECKLIST_FILE_MAX);
		rc = ST_ERR_RANGE;
	}
out:
	fclose(f);
	if (rc != ST_OK) {
		free(buf);
		return rc;
	}
	*out = buf;
	*len = n;
	return ST_OK;
}

int st_checklist_load_dir(const char *dir, struct st_checklist_set *set, char *err,
			  size_t errlen)
{
	char *names[ST_CHECKLIST_SET_MAX + 1];
	size_t n_names = 0;
	char dummy[8];
	DIR *d = NULL;
	struct dirent *e;
	char *text = NULL;
	int rc = ST_OK;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	st_checklist_set_init(set);
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: cannot open the checklist folder", dir);
		return ST_ERR_IO;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (n_names > ST_CHECKLIST_SET_MAX - 1) {
			snprintf(err, errlen, "%s: more than %d checklist templates", dir,
				 ST_CHECKLIST_SET_MAX);
			rc = ST_ERR_RANGE;
			goto out;
		}
		names[n_names] = strdup(e->d_name);
		if (!names[n_names]) {
			rc = ST_ERR_NOMEM;
			goto out;
		}
		n_names++;
	}
	if (n_names == 0) {
		snprintf(err, errlen, "%s: no checklist templates (*.json)", dir);
		rc = ST_ERR_NOTFOUND;
		goto out;
	}
	qsort(names, n_names, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n_names; i++) {
		char path[4096];
		size_t len = 0;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= sizeof(path)) {
			snprintf(err, errlen, "%s: path too long", names[i]);
			rc = ST_ERR_RANGE;
			goto out;
		}
		rc = read_all(path, names[i], &text, &len, err, errlen);
		if (rc != ST_OK)
			goto out;
		rc = st_checklist_set_add(set, text, len, names[i], err, errlen);
		free(text);
		text = NULL;
		if (rc != ST_OK)
			goto out;
	}
out:
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	if (d)
		closedir(d);
	if (rc != ST_OK)
		st_checklist_set_init(set);
	return rc;
}

const struct st_checklist *st_checklist_find(const struct st_checklist_set *set,
					     const char *category)
{
	for (unsigned i = 0; i < set->n; i++)
		if (strcmp(set->list[i].category, category) == 0)
			return &set->list[i];
	return NULL;
}

int st_checklist_check_index(const struct st_checklist *cl, const char *id)
{
	for (unsigned i = 0; i < cl->n_check; i++)
		if (strcmp(cl->check[i].id, id) == 0)
			return (int)i;
	return -1;
}
