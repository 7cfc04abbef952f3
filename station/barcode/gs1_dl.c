/* station/barcode: GS1 Digital Link URIs, as carried by QR codes and GS1
 * DataMatrix, e.g. https://id.gs1.org/01/09506000134352/10/ABC?17=241231.
 *
 * The path holds an optional prefix (custom domains often add one), then the
 * primary key AI and its value, then key qualifiers in the order the AI table
 * allows (01: 22, 10, 21 or 235); the query holds data attributes as
 * AI=value.  The result is the AI list the equivalent element string would
 * give, validated the same way (gs1.c, gs1_lint.c).  Query parameters that
 * are not AIs (linkType=...) are ignored.  Not supported: the compressed
 * form of Digital Link and the deprecated short names (/gtin/...).
 * Pure: no allocation, no I/O.
 */
#include <string.h>

#include "gs1-int.h"

#define DL_SEG_MAX 64

struct seg {
	size_t off, len;
};

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return n > 0;
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Length of "http://" or "https://" (any case) at the start of s, else 0. */
static size_t scheme_len(const char *s, size_t n)
{
	static const char https[] = "https://";
	size_t i;

	for (i = 0; i < 8 && i < n; i++) {
		if (i == 4 && s[i] == ':')
			break; /* "http:" */
		if (lower(s[i]) != https[i])
			return 0;
	}
	if (i == 8)
		return 8;
	if (i == 4 && n >= 7 && s[5] == '/' && s[6] == '/')
		return 7;
	return 0;
}

/* The entry of an AI given as a whole path segment or query key. */
static const struct gs1_ai_def *exact_ai(const char *s, size_t n)
{
	size_t ai_len;
	const struct gs1_ai_def *def;

	if (n < 2 || n > 4 || !all_digits(s, n))
		return NULL;
	def = st_gs1_ai_lookup(s, n, &ai_len);
	return def && ai_len == n ? def : NULL;
}

static int hexval(char ch)
{
	if (is_digit(ch))
		return ch - '0';
	ch = lower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Percent-decode s[0..n) into out[outsz].  Returns the decoded length, or
 * -1 on a malformed escape (*bad = its offset), or -2 when out is too small. */
static long pct_decode(const char *s, size_t n, char *out, size_t outsz, size_t *bad)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0) {
				*bad = i;
				return -1;
			}
			ch = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o >= outsz)
			return -2;
		out[o++] = ch;
	}
	return (long)o;
}

/* Split the path s[0..n) (after the host) into segments. */
static unsigned split_path(const char *s, size_t base, size_t n, struct seg *seg, unsigned max)
{
	unsigned ns = 0;
	size_t i = 0;

	while (i < n && ns < max) {
		size_t k;

		if (s[i] == '/')
			i++;
		if (i >= n)
			break; /* a trailing '/' adds nothing */
		for (k = i; k < n && s[k] != '/'; k++)
			;
		seg[ns].off = base + i;
		seg[ns].len = k - i;
		ns++;
		i = k;
	}
	return ns;
}

/* The leftmost segment that starts "key AI / value { / AI / value }". */
static int find_key(const char *s, const struct seg *seg, unsigned ns)
{
	for (unsigned i = 0; i + 1 < ns; i++) {
		const struct gs1_ai_def *def = exact_ai(s + seg[i].off, seg[i].len);
		bool pairs = (ns - i) % 2 == 0;

		if (!def || !def->dlpkey || !pairs)
			continue;
		for (unsigned k = i + 2; k < ns && pairs; k += 2)
			pairs = all_digits(s + seg[k].off, seg[k].len);
		if (pairs)
			return (int)i;
	}
	return -1;
}

/* Position of AI q in the ','-separated list a[0..an), or -1. */
static int pos_in(const char *a, size_t an, const char *q, size_t qn)
{
	int idx = 0;

	for (size_t i = 0; i < an; idx++) {
		size_t k = i;

		while (k < an && a[k] != ',')
			k++;
		if (k - i == qn && memcmp(a + i, q, qn) == 0)
			return idx;
		i = k + 1;
	}
	return -1;
}

/* Are the qualifiers in the path allowed for the key, in an allowed order? */
static void check_qualifiers(struct st_bc *bc, const char *s, const struct seg *seg, unsigned key,
			     unsigned ns, const struct gs1_ai_def *def)
{
	const char *alts = def->dlpkey;
	bool known_all = true;

	for (const char *a = alts;;) {
		size_t an = strcspn(a, "|");
		int last = -1;
		bool ok = true;

		for (unsigned k = key + 2; k < ns && ok; k += 2) {
			int p = pos_in(a, an, s + seg[k].off, seg[k].len);

			ok = p > last;
			last = p;
		}
		if (ok)
			return;
		if (a[an] == '\0')
			break;
		a += an + 1;
	}
	for (unsigned k = key + 2; k < ns; k += 2) {
		bool known = false;

		for (const char *a = alts;;) {
			size_t an = strcspn(a, "|");

			if (pos_in(a, an, s + seg[k].off, seg[k].len) >= 0)
				known = true;
			if (a[an] == '\0')
				break;
			a += an + 1;
		}
		if (!known) {
			st_bc_err_add(bc, "Digital Link: AI (%.*s) is not a key qualifier of AI "
					  "(%.*s); it belongs in the query",
				      (int)seg[k].len, s + seg[k].off, (int)seg[key].len,
				      s + seg[key].off);
			known_all = false;
		}
	}
	if (known_all)
		st_bc_err_add(bc, "Digital Link: the key qualifiers of AI (%.*s) are out of order "
				  "or mixed (allowed: %s)",
			      (int)seg[key].len, s + seg[key].off, alts);
}

/* Decode and add one AI value taken from the URI at byte off. */
static int add_value(struct st_bc *bc, const struct gs1_ai_def *def, const char *ai, size_t ai_len,
		     const char *raw, size_t rn, size_t off)
{
	char val[GS1_VALUE_MAX + 1];
	size_t bad = 0;
	long vn = pct_decode(raw, rn, val, sizeof(val), &bad);

	if (vn == -1) {
		st_bc_err_add(bc, "Digital Link: byte %zu: '%%' must be followed by two hex digits",
			      off + bad);
		return ST_ERR_PARSE;
	}
	if (vn < 0) {
		st_bc_err_add(bc, "AI (%.*s): value at byte %zu is too long (at most %u)",
			      (int)ai_len, ai, off, def->max_len);
		return ST_ERR_PARSE;
	}
	/* Digital Link writes GTIN-8/12/13 as they are; AI (01) holds 14. */
	if (ai_len == 2 && ai[0] == '0' && ai[1] == '1' && all_digits(val, (size_t)vn) &&
	    (vn == 8 || vn == 12 || vn == 13)) {
		memmove(val + 14 - vn, val, (size_t)vn);
		memset(val, '0', 14 - (size_t)vn);
		vn = 14;
	}
	return st_gs1_add(bc, def, ai, ai_len, val, (size_t)vn);
}

bool st_gs1_is_dl_uri(const char *s, size_t n)
{
	struct seg seg[DL_SEG_MAX];
	size_t p = scheme_len(s, n), path, end;
	unsigned ns;

	if (p == 0)
		return false;
	for (path = p; path < n && s[path] != '/' && s[path] != '?' && s[path] != '#'; path++)
		;
	if (path == p)
		return false;
	for (end = path; end < n && s[end] != '?' && s[end] != '#'; end++)
		;
	ns = split_path(s + path, path, end - path, seg, DL_SEG_MAX);
	return find_key(s, seg, ns) >= 0;
}

int st_gs1_parse_dl(struct st_bc *bc, const char *s, size_t n)
{
	unsigned first = bc->n_ai, errs = st_gs1_err_count(bc), ns;
	struct seg seg[DL_SEG_MAX];
	size_t p = scheme_len(s, n), path, end, q;
	int key;

	if (p == 0) {
		st_bc_err_add(bc, "Digital Link: not an http:// or https:// URI");
		return ST_ERR_PARSE;
	}
	for (path = p; path < n && s[path] != '/' && s[path] != '?' && s[path] != '#'; path++)
		;
	if (path == p) {
		st_bc_err_add(bc, "Digital Link: the URI has no host");
		return ST_ERR_PARSE;
	}
	for (end = path; end < n && s[end] != '?' && s[end] != '#'; end++)
		;
	ns = split_path(s + path, path, end - path, seg, DL_SEG_MAX);
	if (ns == DL_SEG_MAX) {
		st_bc_err_add(bc, "Digital Link: more than %d path segments", DL_SEG_MAX - 1);
		return ST_ERR_PARSE;
	}
	key = find_key(s, seg, ns);
	if (key < 0) {
		st_bc_err_add(bc, "Digital Link: no primary key (such as /01/<GTIN>) in the path");
		return ST_ERR_PARSE;
	}

	/* Path: the key, then its qualifiers. */
	for (unsigned k = (unsigned)key; k + 1 < ns; k += 2) {
		const char *ai = s + seg[k].off;
		const struct gs1_ai_def *def = exact_ai(ai, seg[k].len);

		if (!def) {
			st_bc_err_add(bc, "Digital Link: byte %zu: unknown AI '%.*s'", seg[k].off,
				      (int)(seg[k].len > 4 ? 4 : seg[k].len), ai);
			continue;
		}
		if (add_value(bc, def, ai, seg[k].len, s + seg[k + 1].off, seg[k + 1].len,
			      seg[k + 1].off) == ST_ERR_RANGE)
			return ST_ERR_PARSE;
	}
	if ((unsigned)key + 2 < ns)
		check_qualifiers(bc, s, seg, (unsigned)key, ns,
				 exact_ai(s + seg[key].off, seg[key].len));

	/* Query: data attributes; anything that is not an AI is ignored. */
	for (q = end + 1; end < n && s[end] == '?' && q <= n;) {
		size_t amp = q, eq;
		const struct gs1_ai_def *def;

		while (amp < n && s[amp] != '&' && s[amp] != '#')
			amp++;
		for (eq = q; eq < amp && s[eq] != '='; eq++)
			;
		def = eq < amp ? exact_ai(s + q, eq - q) : NULL;
		if (def && def->dlpkey) {
			st_bc_err_add(bc, "Digital Link: AI (%.*s) is a primary key; it cannot be "
					  "a query attribute",
				      (int)(eq - q), s + q);
		} else if (def && !(def->flags & GS1_F_DLATTR)) {
			st_bc_err_add(bc, "Digital Link: AI (%.*s) cannot be a query attribute "
					  "(a key qualifier goes in the path)",
				      (int)(eq - q), s + q);
		} else if (def) {
			if (add_value(bc, def, s + q, eq - q, s + eq + 1, amp - eq - 1, eq + 1) ==
			    ST_ERR_RANGE)
				return ST_ERR_PARSE;
		}
		if (amp >= n || s[amp] == '#')
			break;
		q = amp + 1;
	}
	st_gs1_check_pairs(bc, first);
	return st_gs1_err_count(bc) == errs ? ST_OK : ST_ERR_PARSE;
}
