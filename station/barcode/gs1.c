/* station/barcode: GS1 element strings in their three scanned forms.
 *
 *  - raw, as GS1-128 / GS1 DataMatrix / GS1 QR / DataBar transmit them: AIs
 *    back to back, a GS (0x1D) after each variable-length value;
 *  - bracketed, as printed under the barcode: "(01)09501101020917(10)ABC";
 *  - raw without the GS bytes, as keyboard-wedge scanners often type them.
 *
 * All three end in the same AI list in struct st_bc, checked the same way:
 * each value against the AI table (gs1_lint.c), then the rules between AIs
 * (here).  Digital Link URIs are in gs1_dl.c.  The separator and wedge rules
 * are explained in docs/internals/gs1.md.  Pure: no allocation, no I/O.
 */
#include <stdio.h>
#include <string.h>

#include "gs1-int.h"

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

const struct gs1_ai_def *st_gs1_ai_lookup(const char *s, size_t n, size_t *ai_len)
{
	const struct gs1_prefix *px;
	unsigned v = 0;
	size_t lo, hi;

	*ai_len = 0;
	if (n < 2 || !is_digit(s[0]) || !is_digit(s[1]))
		return NULL;
	/* GS1 assigns AIs so that the first two digits fix the AI's length:
	 * a direct index by them, then a binary search among the few entries
	 * of that prefix. */
	px = &gs1_prefix_index[(s[0] - '0') * 10 + (s[1] - '0')];
	if (px->count == 0)
		return NULL;
	*ai_len = px->ai_len;
	if (n < px->ai_len)
		return NULL;
	for (size_t i = 0; i < px->ai_len; i++) {
		if (!is_digit(s[i]))
			return NULL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	lo = px->first;
	hi = px->first + px->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gs1_ai_def *d = &gs1_ai_table[mid];

		if (v < d->lo)
			hi = mid;
		else if (v > d->hi)
			lo = mid + 1;
		else
			return d;
	}
	return NULL;
}

int st_gs1_add(struct st_bc *bc, const struct gs1_ai_def *def, const char *ai, size_t ai_len,
	       const char *val, size_t n)
{
	bool ok = st_gs1_value_ok(bc, def, ai, ai_len, val, n);
	int rc;

	/* A value with a NUL byte is invalid (no character set has it) and
	 * would not read back as a C string: report it, do not keep it. */
	if (memchr(val, '\0', n))
		return ST_ERR_PARSE;
	rc = st_bc_ai_add(bc, ai, ai_len, val, n);
	if (rc < 0)
		return ST_ERR_RANGE;
	if (ok && ai_len == 2 && ai[0] == '0' && ai[1] == '1' && bc->gtin[0] == '\0') {
		memcpy(bc->gtin, val, 14);
		bc->gtin[14] = '\0';
		bc->gtin_digits = 14;
	}
	return ok ? ST_OK : ST_ERR_PARSE;
}

/* ---- rules between AIs --------------------------------------------------- */

/* A dictionary pattern p[0..pn) ("01", "31nn", "394n") against an AI. */
static bool pattern_match(const char *p, size_t pn, const char *ai)
{
	size_t i;

	for (i = 0; i < pn && ai[i]; i++)
		if (p[i] != ai[i] && !(p[i] == 'n' && is_digit(ai[i])))
			return false;
	return i == pn && ai[i] == '\0';
}

/* Index of an AI among bc->ai[first..] other than skip matching the pattern,
 * or -1. */
static int find_match(const struct st_bc *bc, unsigned first, unsigned skip, const char *p,
		      size_t pn)
{
	for (unsigned j = first; j < bc->n_ai; j++)
		if (j != skip && pattern_match(p, pn, bc->ai[j].ai))
			return (int)j;
	return -1;
}

/* Is one alternative ("01+21") of a req= group present? */
static bool alt_present(const struct st_bc *bc, unsigned first, unsigned self, const char *a,
			size_t an)
{
	while (an > 0) {
		size_t k = 0;

		while (k < an && a[k] != '+')
			k++;
		if (find_match(bc, first, self, a, k) < 0)
			return false;
		a += k;
		an -= k;
		if (an > 0) {
			a++;
			an--;
		}
	}
	return true;
}

/* "(01), (02) or (8006)" from a group "01,02,8006", for a message. */
static void describe_group(char *out, size_t outsz, const char *g, size_t gn)
{
	size_t o = 0, alts = 1, seen = 0;

	for (size_t i = 0; i < gn; i++)
		if (g[i] == ',')
			alts++;
	out[0] = '\0';
	for (size_t i = 0; i < gn && o + 12 < outsz;) {
		size_t k = i;

		while (k < gn && g[k] != ',')
			k++;
		if (seen > 0)
			o += (size_t)snprintf(out + o, outsz - o, "%s",
					      seen + 1 == alts ? " or " : ", ");
		out[o++] = '(';
		for (size_t j = i; j < k && o + 10 < outsz; j++) {
			if (g[j] == '+') {
				memcpy(out + o, ") with (", 8);
				o += 8;
			} else {
				out[o++] = g[j];
			}
		}
		out[o++] = ')';
		out[o] = '\0';
		seen++;
		i = k + 1;
	}
}

static void check_req(struct st_bc *bc, unsigned first, unsigned i, const char *req)
{
	const char *g = req;

	while (*g) {
		size_t gn = strcspn(g, " ");
		bool ok = false;

		for (const char *a = g; a < g + gn && !ok;) {
			size_t an = strcspn(a, ", ");

			if (an > (size_t)(g + gn - a))
				an = (size_t)(g + gn - a);
			ok = alt_present(bc, first, i, a, an);
			a += an + 1;
		}
		if (!ok) {
			char need[ST_BC_ERR_LEN];

			describe_group(need, sizeof(need), g, gn);
			st_bc_err_add(bc, "AI (%s) requires AI %s in the same code", bc->ai[i].ai,
				      need);
		}
		g += gn;
		while (*g == ' ')
			g++;
	}
}

static void check_ex(struct st_bc *bc, unsigned first, unsigned i, const char *ex)
{
	for (const char *p = ex; *p;) {
		size_t pn = strcspn(p, ",");

		for (unsigned j = first; j < bc->n_ai; j++) {
			size_t ign;
			const struct gs1_ai_def *dj;

			/* An AI does not exclude itself (repeats are checked
			 * as duplicates). */
			if (j == i || strcmp(bc->ai[j].ai, bc->ai[i].ai) == 0 ||
			    !pattern_match(p, pn, bc->ai[j].ai))
				continue;
			/* Report a pair that both entries exclude only once. */
			dj = st_gs1_ai_lookup(bc->ai[j].ai, strlen(bc->ai[j].ai), &ign);
			if (j < i && dj && dj->ex) {
				bool mutual = false;

				for (const char *q = dj->ex; *q;) {
					size_t qn = strcspn(q, ",");

					if (pattern_match(q, qn, bc->ai[i].ai))
						mutual = true;
					q += qn + (q[qn] == ',');
				}
				if (mutual)
					continue;
			}
			st_bc_err_add(bc, "AI (%s) and AI (%s) must not appear together",
				      bc->ai[j < i ? j : i].ai, bc->ai[j < i ? i : j].ai);
		}
		p += pn + (p[pn] == ',');
	}
}

void st_gs1_check_pairs(struct st_bc *bc, unsigned first)
{
	int gtin = -1;

	for (unsigned i = first; i < bc->n_ai; i++) {
		const struct st_bc_ai *a = &bc->ai[i];
		const struct gs1_ai_def *def;
		size_t ign;
		bool dup = false;

		for (unsigned j = first; j < i && !dup; j++) {
			if (strcmp(bc->ai[j].ai, a->ai) != 0)
				continue;
			dup = true;
			/* The same AI twice with the same value is allowed
			 * (GenSpecs: duplicates must be identical). */
			if (bc->ai[j].len != a->len ||
			    memcmp(st_bc_ai_value(bc, j), st_bc_ai_value(bc, i), a->len) != 0)
				st_bc_err_add(bc, "AI (%s) appears twice with different values",
					      a->ai);
		}
		if (dup)
			continue;
		if (strcmp(a->ai, "01") == 0)
			gtin = (int)i;
		def = st_gs1_ai_lookup(a->ai, strlen(a->ai), &ign);
		if (!def)
			continue;
		if (def->req)
			check_req(bc, first, i, def->req);
		if (def->ex)
			check_ex(bc, first, i, def->ex);
	}
	/* Amounts payable for a variable measure trade item (392n, 393n, 395n)
	 * belong to a GTIN with indicator digit 9. */
	if (gtin >= 0 && st_bc_ai_value(bc, (unsigned)gtin)[0] != '9') {
		for (unsigned i = first; i < bc->n_ai; i++) {
			const char *ai = bc->ai[i].ai;

			if (ai[0] == '3' && ai[1] == '9' &&
			    (ai[2] == '2' || ai[2] == '3' || ai[2] == '5') && ai[4] == '\0' &&
			    ai[3] != '\0')
				st_bc_err_add(bc, "AI (%s) is for a variable measure item, "
						  "but the GTIN in AI (01) does not start with 9",
					      ai);
		}
	}
}

/* ---- raw element strings ------------------------------------------------- */

static int unknown_ai(struct st_bc *bc, const char *s, size_t n, size_t pos, size_t ai_len)
{
	char shown[8];
	size_t k = ai_len ? ai_len : 2;

	if (k > n - pos)
		k = n - pos;
	st_gs1_show(shown, sizeof(shown), s + pos, k);
	if (ai_len && n - pos < ai_len)
		st_bc_err_add(bc, "byte %zu: data ends inside AI '%s'", pos, shown);
	else
		st_bc_err_add(bc, "byte %zu: unknown AI '%s'", pos, shown);
	return ST_ERR_PARSE;
}

static int finish(struct st_bc *bc, unsigned first, unsigned errs)
{
	st_gs1_check_pairs(bc, first);
	return st_gs1_err_count(bc) == errs ? ST_OK : ST_ERR_PARSE;
}

int st_gs1_parse_element_string(struct st_bc *bc, const char *s, size_t n)
{
	unsigned first = bc->n_ai, errs = st_gs1_err_count(bc);
	size_t pos = 0;

	if (n == 0) {
		st_bc_err_add(bc, "empty GS1 element string");
		return ST_ERR_PARSE;
	}
	while (pos < n) {
		const struct gs1_ai_def *def;
		const char *ai = s + pos, *gs;
		size_t ai_len, v, vlen;
		int rc;

		if (s[pos] == ST_BC_GS) {
			st_bc_err_add(bc, "byte %zu: GS separator where an AI should start", pos);
			return ST_ERR_PARSE;
		}
		def = st_gs1_ai_lookup(ai, n - pos, &ai_len);
		if (!def)
			return unknown_ai(bc, s, n, pos, ai_len);
		v = pos + ai_len;
		if (def->flags & GS1_F_PREDEF) {
			/* Predefined length: the value ends by its length (or
			 * early, at a GS, when it is too short). */
			vlen = def->max_len <= n - v ? def->max_len : n - v;
			gs = memchr(s + v, ST_BC_GS, vlen);
			if (gs)
				vlen = (size_t)(gs - (s + v));
			pos = v + vlen;
			/* A GS after it is not needed, but harmless and some
			 * printers emit one: skip it. */
			if (pos < n && s[pos] == ST_BC_GS)
				pos++;
		} else {
			/* Every other AI runs to the next GS, even one whose
			 * length is fixed (GenSpecs: only the predefined-length
			 * AIs may go without a separator). */
			gs = memchr(s + v, ST_BC_GS, n - v);
			vlen = gs ? (size_t)(gs - (s + v)) : n - v;
			pos = v + vlen + (gs ? 1 : 0);
		}
		if (pos == n && s[n - 1] == ST_BC_GS) {
			st_bc_err_add(bc, "byte %zu: GS separator at the end of the data", n - 1);
			return ST_ERR_PARSE;
		}
		if ((def->flags & GS1_F_FIXED) && vlen > def->max_len) {
			/* Say what went wrong rather than "too long". */
			st_bc_err_add(bc, "byte %zu: AI (%.*s) has %u characters; a GS separator "
					  "must follow them",
				      v + def->max_len, (int)ai_len, ai, def->max_len);
			rc = memchr(s + v, '\0', vlen) ? ST_ERR_PARSE
							: st_bc_ai_add(bc, ai, ai_len, s + v, vlen);
		} else {
			rc = st_gs1_add(bc, def, ai, ai_len, s + v, vlen);
		}
		if (rc == ST_ERR_RANGE)
			return ST_ERR_PARSE;
	}
	return finish(bc, first, errs);
}

/* ---- bracketed form ------------------------------------------------------ */

int st_gs1_parse_bracketed(struct st_bc *bc, const char *s, size_t n)
{
	unsigned first = bc->n_ai, errs = st_gs1_err_count(bc);
	size_t pos = 0;

	if (n == 0) {
		st_bc_err_add(bc, "empty bracketed GS1 string");
		return ST_ERR_PARSE;
	}
	while (pos < n) {
		char val[GS1_VALUE_MAX + 1];
		const struct gs1_ai_def *def;
		size_t ai, close, ai_len, vlen = 0, raw;
		int rc;

		if (s[pos] != '(') {
			st_bc_err_add(bc, "byte %zu: expected '(' to start an AI", pos);
			return ST_ERR_PARSE;
		}
		ai = pos + 1;
		for (close = ai; close < n && is_digit(s[close]) && close - ai < 5; close++)
			;
		if (close >= n || s[close] != ')' || close - ai < 2 || close - ai > 4) {
			st_bc_err_add(bc, "byte %zu: an AI is 2 to 4 digits in parentheses", pos);
			return ST_ERR_PARSE;
		}
		def = st_gs1_ai_lookup(s + ai, close - ai, &ai_len);
		if (!def || ai_len != close - ai) {
			char shown[8];

			st_gs1_show(shown, sizeof(shown), s + ai, close - ai);
			st_bc_err_add(bc, "byte %zu: unknown AI '%s'", ai, shown);
			return ST_ERR_PARSE;
		}
		/* The value runs to the next '(' that is not escaped as "\(". */
		pos = close + 1;
		raw = pos;
		while (pos < n && s[pos] != '(') {
			char ch = s[pos];

			if (ch == '\\' && pos + 1 < n && s[pos + 1] == '(')
				ch = s[++pos];
			if (vlen < sizeof(val))
				val[vlen] = ch;
			vlen++;
			pos++;
		}
		if (vlen > GS1_VALUE_MAX) {
			st_bc_err_add(bc, "AI (%.*s): value of %zu characters at byte %zu "
					  "is too long (at most %u)",
				      (int)ai_len, s + ai, vlen, raw, def->max_len);
			continue;
		}
		rc = st_gs1_add(bc, def, s + ai, ai_len, val, vlen);
		if (rc == ST_ERR_RANGE)
			return ST_ERR_PARSE;
	}
	return finish(bc, first, errs);
}

/* ---- keyboard-wedge scans without GS -------------------------------------- */

/* Can s[0..n) be read, silently, as AIs whose values end by their fixed
 * lengths, the last one running to the end? */
static bool tail_parses(const char *s, size_t n)
{
	size_t pos = 0;

	while (pos < n) {
		size_t ai_len;
		const struct gs1_ai_def *def = st_gs1_ai_lookup(s + pos, n - pos, &ai_len);
		size_t v;

		if (!def)
			return false;
		v = pos + ai_len;
		if (def->flags & GS1_F_FIXED) {
			if (n - v < def->max_len ||
			    !st_gs1_value_ok(NULL, def, s + pos, ai_len, s + v, def->max_len))
				return false;
			pos = v + def->max_len;
			continue;
		}
		return st_gs1_value_ok(NULL, def, s + pos, ai_len, s + v, n - v);
	}
	return true;
}

static int ambiguous(struct st_bc *bc, const char *ai, size_t ai_len)
{
	st_bc_err_add(bc, "variable-length AI (%.*s) is followed by more data; the scanner "
			  "dropped the GS separator, the split is ambiguous",
		      (int)ai_len, ai);
	return ST_ERR_PARSE;
}

int st_gs1_parse_unseparated(struct st_bc *bc, const char *s, size_t n)
{
	unsigned first = bc->n_ai, errs = st_gs1_err_count(bc);
	size_t pos = 0;

	/* With separators it is an ordinary element string. */
	if (memchr(s, ST_BC_GS, n))
		return st_gs1_parse_element_string(bc, s, n);
	if (n == 0) {
		st_bc_err_add(bc, "empty GS1 element string");
		return ST_ERR_PARSE;
	}
	while (pos < n) {
		const struct gs1_ai_def *def;
		size_t ai_len, v, vlen;
		int rc;

		def = st_gs1_ai_lookup(s + pos, n - pos, &ai_len);
		if (!def)
			return unknown_ai(bc, s, n, pos, ai_len);
		v = pos + ai_len;
		if (def->flags & GS1_F_FIXED) {
			/* Fixed total length: the split is certain. */
			vlen = def->max_len <= n - v ? def->max_len : n - v;
		} else {
			/* A variable-length value must be the last one.  It is
			 * only taken when no shorter value followed by other
			 * valid AIs would also explain the data: never guess. */
			vlen = n - v;
			for (size_t k = def->min_len; k < vlen && k <= def->max_len; k++) {
				if (st_gs1_value_ok(NULL, def, s + pos, ai_len, s + v, k) &&
				    tail_parses(s + v + k, vlen - k))
					return ambiguous(bc, s + pos, ai_len);
			}
			if (vlen > def->max_len)
				return ambiguous(bc, s + pos, ai_len);
		}
		rc = st_gs1_add(bc, def, s + pos, ai_len, s + v, vlen);
		if (rc == ST_ERR_RANGE)
			return ST_ERR_PARSE;
		pos = v + vlen;
	}
	return finish(bc, first, errs);
}

bool st_gs1_plausible(const char *s, size_t n)
{
	size_t ai_len;
	const struct gs1_ai_def *def = st_gs1_ai_lookup(s, n, &ai_len);

	if (!def || n <= ai_len)
		return false;
	/* A predefined-length first AI must have its digits. */
	if (def->flags & GS1_F_PREDEF) {
		if (n - ai_len < def->max_len)
			return false;
		for (size_t i = ai_len; i < ai_len + def->max_len; i++)
			if (!is_digit(s[i]))
				return false;
	}
	return true;
}
