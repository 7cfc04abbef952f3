/* station/barcode: the small pattern language of the brand's own codes.
 *
 * A pattern is literal characters and classes: '#' digit, '@' upper-case
 * letter, '*' letter or digit; a class may carry a count "{n}" or "{n,m}"
 * (1..64); '\' quotes the next character.  "ORD-#{4,10}" matches "ORD-1001".
 * It is deliberately smaller than a regular expression: a warehouse lead can
 * write it in the config, it cannot be slow (no nested repetition, at most a
 * few classes), and it is checked when the config is loaded.
 */
#include <stdio.h>
#include <string.h>
#include "barcode-int.h"


#define COUNT_MAX 64

/* The built-in patterns; docs/barcodes.md lists them. */
static const struct st_bc_patterns default_patterns = {
	.order = "ORD-#{4,10}",
	.rma = "RMA-#{4,10}",
	.serial = "SN#{8}",
	.bin = "BIN-*{1,12}",
	.badge = "BADGE-#{4,8}",
	.command_prefix = "CMD-",
	.defect_prefix = "DEF-",
	.gs_substitute = 0,
};

const struct st_bc_patterns *st_bc_patterns_default(void)
{
	return &default_patterns;
}

struct atom {
	char cls;      /* '#', '@', '*', or 0 for a literal */
	char lit;
	unsigned min, max;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Read the atom at p[*i]; 0 or -1 with a message in err. */
static int next_atom(const char *p, size_t *i, struct atom *a, char *err, size_t errlen)
{
	size_t j = *i;

	a->cls = 0;
	a->min = a->max = 1;
	if (p[j] == '\\') {
		if (p[j + 1] == '\0') {
			snprintf(err, errlen, "pattern '%s': '\\' at the end quotes nothing", p);
			return -1;
		}
		a->lit = p[j + 1];
		*i = j + 2;
		return 0;
	}
	if (p[j] == '{' || p[j] == '}') {
		snprintf(err, errlen, "pattern '%s': position %zu: '%c' must follow #, @ or *", p, j + 1,
			 p[j]);
		return -1;
	}
	if (p[j] != '#' && p[j] != '@' && p[j] != '*') {
		a->lit = p[j];
		*i = j + 1;
		return 0;
	}
	a->cls = p[j++];
	if (p[j] == '{') {
		unsigned v[2] = { 0, 0 }, k = 0;
		size_t start = j++;

		for (;; j++) {
			if (is_digit(p[j])) {
				v[k] = v[k] * 10 + (unsigned)(p[j] - '0');
				if (v[k] > COUNT_MAX)
					break;
			} else if (p[j] == ',' && k == 0) {
				k = 1;
			} else {
				break;
			}
		}
		if (p[j] != '}' || v[0] == 0 || v[0] > COUNT_MAX || (k == 1 && (v[1] < v[0] || v[1] > COUNT_MAX))) {
			snprintf(err, errlen,
				 "pattern '%s': position %zu: a count is {n} or {n,m} with 1 <= n <= m <= %d",
				 p, start + 1, COUNT_MAX);
			return -1;
		}
		a->min = v[0];
		a->max = k ? v[1] : v[0];
		j++;
	}
	*i = j;
	return 0;
}

int st_bc_pattern_check(const char *pattern, char *err, size_t errlen)
{
	size_t i = 0;
	struct atom a;
	char dummy[8];

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!pattern || !*pattern)
		return ST_OK;
	if (strlen(pattern) > 128) {
		snprintf(err, errlen, "pattern is longer than 128 characters");
		return ST_ERR_PARSE;
	}
	while (pattern[i])
		if (next_atom(pattern, &i, &a, err, errlen) < 0)
			return ST_ERR_PARSE;
	return ST_OK;
}

static bool class_ok(char cls, char c)
{
	switch (cls) {
	case '#':
		return is_digit(c);
	case '@':
		return is_upper(c);
	default:
		return is_digit(c) || is_upper(c) || is_lower(c);
	}
}

/* Backtracking match of p[i..] against s[0..n).  Patterns are short and
 * their classes bounded, so the depth and work are small. */
static bool match_from(const char *p, size_t i, const char *s, size_t n)
{
	struct atom a;
	char err[4];
	size_t k;

	if (!p[i])
		return n == 0;
	if (next_atom(p, &i, &a, err, sizeof(err)) < 0)
		return false;
	if (!a.cls)
		return n > 0 && s[0] == a.lit && match_from(p, i, s + 1, n - 1);
	for (k = 0; k < a.max && k < n && class_ok(a.cls, s[k]); k++)
		;
	/* Greedy first, then give back. */
	for (;; k--) {
		if (k >= a.min && match_from(p, i, s + k, n - k))
			return true;
		if (k == 0 || k <= a.min)
			return false;
	}
}

bool st_bc_pattern_match(const char *pattern, const char *s, size_t n)
{
	if (!pattern || !*pattern)
		return false;
	return match_from(pattern, 0, s, n);
}
