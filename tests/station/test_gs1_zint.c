/* Differential test: our GS1 verdicts (st_gs1_parse_bracketed, and through it
 * gs1_lint.c and the rules between AIs) against libzint's GS1 validation,
 * which zint runs before encoding a symbol in GS1 mode.  zint carries its
 * own linters generated from the GS1 Barcode Syntax Dictionary, written
 * independently of ours, so every input on which the two disagree is either
 * our bug (fixed, with a regression case in test_gs1.c), or explained by one
 * entry of the allow-list below.  The test fails on anything else.
 *
 * The inputs are deterministic: every AI of our table with a valid value and
 * a set of mutations, exhaustive runs over the small content rules (country
 * and currency codes, dates, times, ...), and a seeded pseudo-random mix.
 * docs/internals/gs1.md, "Checked against libzint", has the figures.
 *
 * Only the verdict (valid or not) is compared; zint gives no AI list.  Each
 * input also goes through our raw element string parser (a GS after every
 * value), whose verdict must be the bracketed form's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zint.h>

#include "gs1-int.h"

#define EL_MAX 10
#define VAL_CAP (GS1_VALUE_MAX + 8)
#define TEXT_CAP (EL_MAX * (VAL_CAP * 2 + 8))

struct el {
	char ai[5];
	char val[VAL_CAP];
	size_t n;
};

struct input {
	struct el el[EL_MAX];
	unsigned n;
};

static struct st_bc bc; /* 12 KiB: not on the stack */

/* ---- deterministic pseudo-random numbers (xorshift64*) -------------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s ? s : 0x9E3779B97F4A7C15u;
}

/* A number in [0, n). */
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return n ? (unsigned)((rng_state * 0x2545F4914F6CDD1Du) >> 33) % n : 0;
}

static char pick(const char *set)
{
	return set[rnd((unsigned)strlen(set))];
}

/* ---- character sets and value generation ---------------------------------- */

static const char digits[] = "0123456789";
/* CSET 82 with '(' and ')' (escaped in the bracketed form) but without the
 * characters zint's square-bracket syntax would read as AI delimiters (not
 * in CSET 82 anyway). */
static const char cset82[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
			     "abcdefghijklmnopqrstuvwxyz";
static const char cset39[] = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char cset64[] = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static const char *cset_chars(unsigned cset)
{
	switch (cset) {
	case GS1_CSET_N:
		return digits;
	case GS1_CSET_Y:
		return cset39;
	case GS1_CSET_Z:
		return cset64;
	default:
		return cset82;
	}
}

/* A character outside the component's character set (never '[', ']' or a
 * trailing '\', which would change how either side splits the string). */
static char bad_char(unsigned cset)
{
	switch (cset) {
	case GS1_CSET_N:
		return pick("AZa-/ ");
	case GS1_CSET_Y:
		return pick("az%+. ");
	case GS1_CSET_Z:
		return pick("+/.!% ");
	default:
		return pick("#$@^`{|}~ ");
	}
}

static const char *const iso3166_ok[] = { "004", "036", "056", "250", "276", "380",
					  "724", "756", "826", "840" };
static const char *const alpha2_ok[] = { "DE", "FR", "GB", "IT", "NL", "US" };
static const char *const iso4217_ok[] = { "036", "392", "756", "826", "840", "978" };
static const char *const package_ok[] = { "1A", "AE", "BX", "CT", "PK", "X11" };
static const char *const iban_ok[] = { "GB82WEST12345698765432", "DE89370400440532013000",
				       "FR1420041010050500013M02606", "NL91ABNA0417164300" };

#define PICK(a) (a[rnd(sizeof(a) / sizeof(a[0]))])

static void put_num(char *out, unsigned v, unsigned width)
{
	for (unsigned i = width; i-- > 0; v /= 10)
		out[i] = (char)('0' + v % 10);
}

static void put_date6(char *out, bool day0)
{
	put_num(out, rnd(100), 2);
	put_num(out + 2, 1 + rnd(12), 2);
	put_num(out + 4, day0 && rnd(8) == 0 ? 0 : 1 + rnd(28), 2);
}

/* GS1 alphanumeric check character pair over d[0..n) (GenSpecs, check
 * characters for alphanumeric keys): the CSET 82 positions weighted by the
 * primes from the right, mod 1021, as two CSET 32 characters. */
static void put_csumalpha(char *d, size_t n)
{
	static const unsigned primes[] = {
		2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37,  41,  43,  47,  53,  59,
		61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131,
	};
	static const char pos82[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
				    "abcdefghijklmnopqrstuvwxyz";
	static const char cset32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	unsigned sum = 0;

	assert_true(n <= sizeof(primes) / sizeof(primes[0]));
	for (size_t i = 0; i < n; i++)
		sum += (unsigned)(strchr(pos82, d[i]) - pos82) * primes[n - 1 - i];
	sum %= 1021;
	d[n] = cset32[sum >> 5];
	d[n + 1] = cset32[sum & 31];
}

/* A North American coupon code, AI (8110), field by field (AI (8110)
 * guideline as the dictionary's couponcode rule reads it). */
static size_t put_vli(char *out, char lo, char hi, int extra)
{
	char v = (char)(lo + (char)rnd((unsigned)(hi - lo + 1)));
	size_t n = (size_t)(v - '0' + extra);

	out[0] = v;
	for (size_t i = 1; i <= n; i++)
		out[i] = pick(digits);
	return n + 1;
}

static size_t put_digits(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = pick(digits);
	return n;
}

static size_t put_coupon(char *out)
{
	size_t n = 0;
	bool expiry = false;

	n += put_vli(out + n, '0', '6', 6);
	n += put_digits(out + n, 6);
	n += put_vli(out + n, '1', '5', 0);
	n += put_vli(out + n, '1', '5', 0);
	out[n++] = pick("012349");
	n += put_digits(out + n, 3);
	/* Optional fields only while the worst case still fits in 70. */
	if (n + 26 <= 70 && rnd(4) == 0) {
		out[n++] = '1';
		out[n++] = pick("0123");
		n += put_vli(out + n, '1', '5', 0);
		out[n++] = pick("012349");
		n += put_digits(out + n, 3);
		if (rnd(3) == 0)
			out[n++] = '9';
		else
			n += put_vli(out + n, '0', '6', 6);
	}
	if (n + 24 <= 70 && rnd(4) == 0) {
		out[n++] = '2';
		n += put_vli(out + n, '1', '5', 0);
		out[n++] = pick("012349");
		n += put_digits(out + n, 3);
		if (rnd(3) == 0)
			out[n++] = '9';
		else
			n += put_vli(out + n, '0', '6', 6);
	}
	if (n + 7 <= 70 && rnd(2) == 0) {
		out[n++] = '3';
		memcpy(out + n, "301231", 6);
		n += 6;
		expiry = true;
	}
	if (n + 7 <= 70 && rnd(3) == 0) {
		out[n++] = '4';
		memcpy(out + n, expiry && rnd(2) ? "301231" : "240101", 6);
		n += 6;
	}
	if (n + 17 <= 70 && rnd(3) == 0) {
		out[n++] = '5';
		n += put_vli(out + n, '0', '9', 6);
	}
	if (n + 15 <= 70 && rnd(3) == 0) {
		out[n++] = '6';
		n += put_vli(out + n, '1', '7', 6);
	}
	if (n + 5 <= 70 && rnd(3) == 0) {
		out[n++] = '9';
		out[n++] = pick("01256");
		out[n++] = pick("012");
		out[n++] = pick(digits);
		out[n++] = pick("01");
	}
	return n;
}

static size_t put_posoffer(char *out)
{
	size_t n = 0;

	out[n++] = pick("01");
	n += put_vli(out + n, '0', '6', 6);
	n += put_digits(out + n, 6);
	n += put_vli(out + n, '0', '9', 6);
	return n;
}

static bool has_lint(const struct gs1_comp *k, unsigned lint)
{
	for (unsigned j = 0; j < sizeof(k->lint) && k->lint[j]; j++)
		if (k->lint[j] == lint)
			return true;
	return false;
}

/* A valid value for component k in out; returns its length.  Content rules
 * that dictate the whole component come first; the others shape random
 * characters; check digits go last. */
static size_t gen_comp(const struct gs1_comp *k, char *out)
{
	size_t len = k->min + rnd((unsigned)(k->max - k->min + 1));
	const char *set = cset_chars(k->cset);
	const char *fixed = NULL;

	if (has_lint(k, GS1_LINT_ISO3166) || has_lint(k, GS1_LINT_ISO3166999))
		fixed = PICK(iso3166_ok);
	else if (has_lint(k, GS1_LINT_ISO3166ALPHA2))
		fixed = PICK(alpha2_ok);
	else if (has_lint(k, GS1_LINT_ISO4217))
		fixed = PICK(iso4217_ok);
	else if (has_lint(k, GS1_LINT_PACKAGETYPE))
		fixed = PICK(package_ok);
	else if (has_lint(k, GS1_LINT_IBAN))
		fixed = PICK(iban_ok);
	else if (has_lint(k, GS1_LINT_POSINSEQSLASH))
		fixed = "1/2";
	if (fixed) {
		memcpy(out, fixed, strlen(fixed));
		return strlen(fixed);
	}
	if (has_lint(k, GS1_LINT_COUPONCODE))
		return put_coupon(out);
	if (has_lint(k, GS1_LINT_COUPONPOSOFFER))
		return put_posoffer(out);
	if ((has_lint(k, GS1_LINT_KEY) || has_lint(k, GS1_LINT_KEYOFF1)) && len < 7)
		len = k->max < 7 ? k->max : 7;
	for (size_t i = 0; i < len; i++)
		out[i] = pick(set);
	for (unsigned j = 0; j < sizeof(k->lint) && k->lint[j]; j++) {
		switch (k->lint[j]) {
		case GS1_LINT_KEY:
			put_digits(out, 4);
			break;
		case GS1_LINT_KEYOFF1:
			put_digits(out + 1, 4);
			break;
		case GS1_LINT_YYMMD0:
		case GS1_LINT_YYMMDD:
			put_date6(out, k->lint[j] == GS1_LINT_YYMMD0);
			break;
		case GS1_LINT_YYYYMMDD:
			put_num(out, 1900 + rnd(200), 4);
			put_date6(out + 2, false);
			put_num(out, 1900 + rnd(200), 4);
			break;
		case GS1_LINT_HHMI:
			put_num(out, rnd(24), 2);
			put_num(out + 2, rnd(60), 2);
			break;
		case GS1_LINT_HH:
			put_num(out, rnd(24), 2);
			break;
		case GS1_LINT_MI:
		case GS1_LINT_SS:
			put_num(out, rnd(60), 2);
			break;
		case GS1_LINT_LATITUDE:
			put_num(out, rnd(18), 2);
			break;
		case GS1_LINT_LONGITUDE:
			put_num(out, rnd(36), 2);
			break;
		case GS1_LINT_PCENC:
			for (size_t i = 0; i < len; i++) {
				if (out[i] != '%')
					continue;
				if (i + 2 < len) {
					out[i + 1] = '2';
					out[i + 2] = 'F';
					i += 2;
				} else {
					out[i] = 'P';
				}
			}
			break;
		case GS1_LINT_YESNO:
			out[0] = pick("01");
			break;
		case GS1_LINT_HYPHEN:
			out[0] = '-';
			break;
		case GS1_LINT_IMPORTERIDX:
			out[0] = pick(cset64);
			break;
		case GS1_LINT_MEDIATYPE:
			put_num(out, rnd(2) ? 1 + rnd(10) : 80 + rnd(20), 2);
			break;
		case GS1_LINT_ISO5218:
			out[0] = pick("0129");
			break;
		case GS1_LINT_NONZERO:
			out[len - 1] = (char)('1' + rnd(9));
			break;
		case GS1_LINT_ZERO:
			out[0] = '0';
			break;
		case GS1_LINT_WINDING:
			out[0] = pick("019");
			break;
		case GS1_LINT_PIECEOFTOTAL: {
			unsigned total = 1 + rnd(99);

			put_num(out, 1 + rnd(total), 2);
			put_num(out + 2, total, 2);
			break;
		}
		case GS1_LINT_NOZEROPREFIX:
			out[0] = (char)('1' + rnd(9));
			break;
		case GS1_LINT_HASNONDIGIT:
			out[4] = pick(upper);
			break;
		default:
			break;
		}
	}
	if (has_lint(k, GS1_LINT_CSUM))
		out[len - 1] = (char)('0' + st_gs1_check_digit(out, len - 1));
	if (has_lint(k, GS1_LINT_CSUMALPHA))
		put_csumalpha(out, len - 2);
	return len;
}

/* A valid value for def in out (trailing optional components sometimes
 * left out).  Returns its length. */
static size_t gen_value(const struct gs1_ai_def *def, char *out)
{
	size_t n = 0;

	for (unsigned i = 0; i < def->ncomp; i++) {
		if (def->comp[i].opt && rnd(3) == 0)
			break;
		n += gen_comp(&def->comp[i], out + n);
	}
	assert_true(n < VAL_CAP);
	return n;
}

/* Where component i of a value generated as a whole starts; -1 when the
 * value is too short to hold it. */
static long comp_start(const struct gs1_ai_def *def, unsigned i, size_t n)
{
	size_t pos = 0;

	for (unsigned j = 0; j < i; j++)
		pos += def->comp[j].min == def->comp[j].max ? def->comp[j].min : n - pos;
	return pos < n ? (long)pos : -1;
}

/* ---- inputs -------------------------------------------------------------- */

static const struct gs1_ai_def *lookup(const char *ai)
{
	size_t len;
	const struct gs1_ai_def *d = st_gs1_ai_lookup(ai, strlen(ai), &len);

	return d && len == strlen(ai) ? d : NULL;
}

static struct el *add_el(struct input *in, const char *ai)
{
	struct el *e;

	assert_true(in->n < EL_MAX);
	e = &in->el[in->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->ai, sizeof(e->ai), "%s", ai);
	return e;
}

static void add_valid(struct input *in, const char *ai)
{
	const struct gs1_ai_def *def = lookup(ai);
	struct el *e = add_el(in, ai);

	assert_non_null(def);
	e->n = gen_value(def, e->val);
}

static bool present(const struct input *in, const char *ai)
{
	for (unsigned i = 0; i < in->n; i++)
		if (strcmp(in->el[i].ai, ai) == 0)
			return true;
	return false;
}

/* A dictionary pattern ("31nn") made into a real AI ("3100"). */
static void pattern_ai(char *out, const char *p, size_t pn)
{
	for (size_t i = 0; i < pn && i < 4; i++)
		out[i] = p[i] == 'n' ? '0' : p[i];
	out[pn < 4 ? pn : 4] = '\0';
}

/* Add what the AIs of in require: the first alternative of each req= group
 * (AIs already there satisfy the group), recursively. */
static void add_companions(struct input *in)
{
	for (unsigned i = 0; i < in->n && in->n < EL_MAX; i++) {
		const struct gs1_ai_def *def = lookup(in->el[i].ai);
		const char *g;

		if (!def || !def->req)
			continue;
		for (g = def->req; *g;) {
			size_t gn = strcspn(g, " "), an = strcspn(g, ", ");
			char want[5];
			const char *a;
			bool sat = false;

			/* Is any alternative of the group (its first AI) there? */
			for (a = g; a < g + gn; a += strcspn(a, ",") + 1) {
				size_t k = strcspn(a, ",+ ");

				pattern_ai(want, a, k);
				if (present(in, want))
					sat = true;
				if (a + strcspn(a, ", ") >= g + gn || a[strcspn(a, ", ")] == ' ')
					break;
			}
			if (!sat) {
				/* First alternative: AIs joined by '+'. */
				for (a = g; a < g + an && in->n < EL_MAX;) {
					size_t k = strcspn(a, "+, ");

					if (k > (size_t)(g + an - a))
						k = (size_t)(g + an - a);
					pattern_ai(want, a, k);
					if (!present(in, want) && lookup(want))
						add_valid(in, want);
					a += k + 1;
				}
			}
			g += gn;
			while (*g == ' ')
				g++;
		}
	}
}

/* The bracketed form for us: '(' in a value escaped as "\(". */
static size_t render_ours(const struct input *in, char *out, size_t cap)
{
	size_t o = 0;

	for (unsigned i = 0; i < in->n; i++) {
		const struct el *e = &in->el[i];

		o += (size_t)snprintf(out + o, cap - o, "(%s)", e->ai);
		for (size_t j = 0; j < e->n; j++) {
			assert_true(o + 3 < cap);
			if (e->val[j] == '(')
				out[o++] = '\\';
			out[o++] = e->val[j];
		}
	}
	out[o] = '\0';
	return o;
}

/* zint's default GS1 syntax, "[01]...[10]...": values may hold parentheses
 * as they are. */
static size_t render_zint(const struct input *in, char *out, size_t cap)
{
	size_t o = 0;

	for (unsigned i = 0; i < in->n; i++) {
		const struct el *e = &in->el[i];

		assert_null(memchr(e->val, '[', e->n));
		assert_null(memchr(e->val, ']', e->n));
		o += (size_t)snprintf(out + o, cap - o, "[%s]", e->ai);
		assert_true(o + e->n < cap);
		memcpy(out + o, e->val, e->n);
		o += e->n;
	}
	out[o] = '\0';
	return o;
}

/* ---- the two verdicts ---------------------------------------------------- */

/* zint's verdict: GS1 Data Matrix, with every warning an error (zint 2.11
 * reports a failed content rule, a bad check digit or date, as warning 261
 * "ZINT_WARN_NONCOMPLIANT" and encodes anyway; for the GS1 verdict it is a
 * rejection).  why[] gets zint's message. */
static bool zint_ok(const char *s, size_t n, char *why, size_t whysz)
{
	struct zint_symbol *z = ZBarcode_Create();
	int rc;

	assert_non_null(z);
	z->symbology = BARCODE_DATAMATRIX;
	z->input_mode = GS1_MODE;
	z->warn_level = WARN_FAIL_ALL;
	rc = ZBarcode_Encode(z, (const unsigned char *)s, (int)n);
	snprintf(why, whysz, "%s", z->errtxt);
	ZBarcode_Delete(z);
	return rc == 0;
}

static bool ours_ok(const char *s, size_t n)
{
	memset(&bc, 0, sizeof(bc));
	return st_gs1_parse_bracketed(&bc, s, n) == ST_OK;
}

/* The same AIs as a raw element string with a GS after every value (our
 * parser skips one after a predefined-length value): its verdict must be
 * the bracketed form's. */
static bool ours_raw_ok(const struct input *in)
{
	static struct st_bc raw;
	char s[TEXT_CAP];
	size_t o = 0;

	for (unsigned i = 0; i < in->n; i++) {
		const struct el *e = &in->el[i];
		size_t an = strlen(e->ai);

		memcpy(s + o, e->ai, an);
		o += an;
		memcpy(s + o, e->val, e->n);
		o += e->n;
		if (i + 1 < in->n)
			s[o++] = ST_BC_GS;
	}
	memset(&raw, 0, sizeof(raw));
	return st_gs1_parse_element_string(&raw, s, o) == ST_OK;
}

/* ---- the allow-list ------------------------------------------------------- */

/* AIs in our dictionary (f7e477f, 2024) that zint 2.11.1's table lacks. */
static const char *const newer_ais[] = {
	"03",   "716",  "4330", "4331", "4332", "4333", "7011", "7041", "7241", "7242",
	"7250", "7251", "7252", "7253", "7254", "7255", "7256", "7257", "7258", "7259",
	"8014", "8030",
};

static bool is_newer_ai(const char *ai)
{
	for (size_t i = 0; i < sizeof(newer_ais) / sizeof(newer_ais[0]); i++)
		if (strcmp(newer_ais[i], ai) == 0)
			return true;
	return false;
}

/* zint rejects an AI newer than its table: "Error 260: Invalid AI (7041)". */
static bool zint_lacks_ai(const struct input *in, const char *zerr)
{
	for (unsigned i = 0; i < in->n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "Invalid AI (%s)", in->el[i].ai);
		if (is_newer_ai(in->el[i].ai) && strstr(zerr, want))
			return true;
	}
	return false;
}

static bool zint_lacks_code(const struct input *in, const char *zerr)
{
	(void)in;
	return strstr(zerr, "Unknown currency code '924'") != NULL;
}

/* zint reads the AI in brackets as a number: "[011]" is AI (11), "[0235]"
 * AI (235). */
static bool zint_reads_ai_as_number(const struct input *in, const char *zerr)
{
	for (unsigned i = 0; i < in->n; i++) {
		const char *ai = in->el[i].ai;
		char want[32];
		size_t z = 0;

		while (ai[z] == '0' && strlen(ai + z) > 2)
			z++;
		if (z == 0)
			continue;
		snprintf(want, sizeof(want), "AI (%s)", ai + z);
		if (strstr(zerr, want) || zerr[0] == '\0')
			return true;
	}
	return false;
}

static const char *const association_msgs[] = {
	"requires AI", "must not appear together", "appears twice with different values",
	"is for a variable measure item", NULL,
};

static const char *const key_msgs[] = {
	"too short to hold a GS1 Company Prefix",
	"does not start with a GS1 Company Prefix", NULL,
};

static const char *const coupon_msgs[] = {
	"coupon: expires before it starts", "requirement code '", "coupon: unexpected data",
	NULL,
};

/* Each entry explains disagreements of one kind: either we reject and zint
 * accepts, and every one of our messages is of a kind listed in ours_says;
 * or we accept (or know the AI) and zint's message is what zint_says
 * recognises. */
struct allow {
	const char *name;
	const char *why;
	const char *const *ours_says;
	bool (*zint_says)(const struct input *in, const char *zerr);
	unsigned used;
};

static struct allow allow_list[] = {
	{ "associations",
	  "scope: zint checks each element string alone, none of the rules between AIs "
	  "(GenSpecs invalid pairs and mandatory associations; dictionary req= and ex=)",
	  association_msgs, NULL, 0 },
	{ "newer-ai",
	  "scope: AIs added to the GS1 Barcode Syntax Dictionary after the release zint "
	  "2.11.1 was generated from, e.g. (7241) 2023-03-22, (8030) 2023-07-04, (4330) "
	  "2023-09-22, (7250) 2024-06-10 (dictionary CHANGES); zint says 'Invalid AI'",
	  NULL, zint_lacks_ai, 0 },
	{ "newer-code",
	  "scope: ISO 4217 code 924 (ZWG, 2024; dictionary CHANGES after 2024-06-10) is newer "
	  "than zint 2.11.1's currency list",
	  NULL, zint_lacks_code, 0 },
	{ "old-key-rule",
	  "zint deviation: zint 2.11's 'key' rule wants two leading digits; the dictionary "
	  "corrected it on 2023-07-04 to the shortest GS1 Company Prefix, four digits, "
	  "which is what we check",
	  key_msgs, NULL, 0 },
	{ "old-coupon-rule",
	  "zint deviation: zint 2.11's couponcode rule (AI 8110) reads the optional fields in "
	  "any order and repeated, takes purchase requirement codes 5-8 and never compares "
	  "the start and expiry dates; the dictionary's rule (NACC guideline) takes fields "
	  "1-6 and 9 once each, in order, codes 0-4 and 9, and no expiry before the start",
	  coupon_msgs, NULL, 0 },
	{ "ai-as-number",
	  "zint deviation: an AI written with leading zeros, (011) or (0235), is read as the "
	  "number 11 or 235; an AI is a string of digits whose first two fix its length, "
	  "and no AI (011) or (0235) is assigned",
	  NULL, zint_reads_ai_as_number, 0 },
};

#define ALLOW_N (sizeof(allow_list) / sizeof(allow_list[0]))

/* Which entry's ours_says covers message m; -1 when none. */
static int ours_entry(const char *m)
{
	for (size_t i = 0; i < ALLOW_N; i++)
		for (const char *const *p = allow_list[i].ours_says; p && *p; p++)
			if (strstr(m, *p))
				return (int)i;
	return -1;
}

/* ---- comparing ------------------------------------------------------------ */

struct stats {
	unsigned compared, agree_valid, agree_invalid, disagree, allowed, unexplained;
	unsigned inconsistent; /* raw and bracketed verdicts differ */
};

static struct stats stats;

/* The same figures per kind of input, for the report. */
#define KIND_MAX 64
static struct {
	const char *what;
	unsigned compared, valid, invalid, disagree;
} kinds[KIND_MAX];

static void count_kind(const char *what, bool agree, bool valid)
{
	size_t i;

	for (i = 0; i < KIND_MAX && kinds[i].what && strcmp(kinds[i].what, what) != 0; i++)
		;
	if (i == KIND_MAX)
		return;
	kinds[i].what = what;
	kinds[i].compared++;
	if (!agree)
		kinds[i].disagree++;
	else if (valid)
		kinds[i].valid++;
	else
		kinds[i].invalid++;
}

#define SHOW_MAX 40

/* Count a disagreement; true when the allow-list explains it.  ours is our
 * verdict; our messages are in bc. */
static bool explained(const struct input *in, bool ours, const char *zerr)
{
	bool need[ALLOW_N] = { false };

	stats.disagree++;
	if (ours || zerr[0] != '\0') {
		for (size_t i = 0; i < ALLOW_N; i++) {
			if (allow_list[i].zint_says && allow_list[i].zint_says(in, zerr)) {
				allow_list[i].used++;
				stats.allowed++;
				return true;
			}
		}
		return false;
	}
	/* We reject, zint accepts: every one of our reasons must be listed. */
	if (bc.err.n == 0 || bc.err.dropped)
		return false;
	for (unsigned m = 0; m < bc.err.n; m++) {
		int e = ours_entry(bc.err.msg[m]);

		if (e < 0)
			return false;
		need[e] = true;
	}
	for (size_t i = 0; i < ALLOW_N; i++)
		if (need[i])
			allow_list[i].used++;
	stats.allowed++;
	return true;
}

static void compare(const struct input *in, const char *what)
{
	char ours_s[TEXT_CAP], zint_s[TEXT_CAP], zerr[128];
	size_t on = render_ours(in, ours_s, sizeof(ours_s));
	size_t zn = render_zint(in, zint_s, sizeof(zint_s));
	bool z = zint_ok(zint_s, zn, zerr, sizeof(zerr));
	bool o = ours_ok(ours_s, on);

	stats.compared++;
	if (ours_raw_ok(in) != o && stats.inconsistent++ < SHOW_MAX)
		print_message("RAW FORM DIFFERS [%s] %s: bracketed %s\n", what, ours_s,
			      o ? "valid" : "invalid");
	count_kind(what, o == z, o);
	if (o == z) {
		if (o)
			stats.agree_valid++;
		else
			stats.agree_invalid++;
		return;
	}
	if (explained(in, o, zerr))
		return;
	if (stats.unexplained++ < SHOW_MAX)
		print_message("DISAGREE [%s] %s\n  ours: %s (%s)\n  zint: %s (%s)\n", what, ours_s,
			      o ? "valid" : "invalid", bc.err.n ? bc.err.msg[0] : "-",
			      z ? "valid" : "invalid", zerr);
}

/* ---- 1: which AIs exist ---------------------------------------------------- */

static void zint__knows_the_same_ais(void **state)
{
	(void)state;
	for (unsigned len = 2; len <= 4; len++) {
		unsigned end = len == 2 ? 100 : len == 3 ? 1000 : 10000;

		for (unsigned v = 0; v < end; v++) {
			char ai[8], text[16], zerr[128];
			struct input in;
			bool ours, theirs;

			snprintf(ai, sizeof(ai), "%0*u", (int)len, v);
			ours = lookup(ai) != NULL;
			/* Any value: only "Invalid AI" says zint does not know it. */
			snprintf(text, sizeof(text), "[%s]1", ai);
			zint_ok(text, strlen(text), zerr, sizeof(zerr));
			theirs = strstr(zerr, "Invalid AI") == NULL;
			stats.compared++;
			if (ours == theirs)
				continue;
			in.n = 0;
			add_el(&in, ai);
			memset(&bc, 0, sizeof(bc));
			if (explained(&in, ours, zerr))
				continue;
			if (stats.unexplained++ < SHOW_MAX)
				print_message("AI (%s): ours %s, zint %s (%s)\n", ai,
					      ours ? "known" : "unknown",
					      theirs ? "known" : "unknown", zerr);
		}
	}
	assert_int_equal(stats.unexplained, 0);
}

/* ---- 2: every AI, valid and mutated ---------------------------------------- */

static void mutate_each(const struct input *base, const struct gs1_ai_def *def)
{
	struct input in;
	struct el *e;

	/* The AI alone: without what it requires. */
	if (def->req) {
		in = *base;
		in.n = 1;
		compare(&in, "no companion");
	}
	/* With each AI it excludes. */
	for (const char *p = def->ex; p && *p;) {
		size_t pn = strcspn(p, ",");
		char ai[5];

		pattern_ai(ai, p, pn);
		if (lookup(ai) && strcmp(ai, base->el[0].ai) != 0 && base->n < EL_MAX) {
			in = *base;
			if (!present(&in, ai))
				add_valid(&in, ai);
			else
				in.n = base->n;
			compare(&in, "excluded pair");
		}
		p += pn + (p[pn] == ',');
	}
	/* Twice, with a different value. */
	in = *base;
	e = add_el(&in, base->el[0].ai);
	e->n = gen_value(def, e->val);
	compare(&in, "repeated");

	in = *base;
	e = &in.el[0];
	e->n = 0;
	compare(&in, "empty");
	in = *base;
	if (e->n + 1 < VAL_CAP) {
		const struct gs1_comp *k = &def->comp[def->ncomp - 1];

		e = &in.el[0];
		e->val[e->n++] = pick(cset_chars(k->cset));
		compare(&in, "one too long");
	}
	in = *base;
	e = &in.el[0];
	if (e->n > 1) {
		e->n--;
		compare(&in, "one too short");
	}
	for (unsigned i = 0; i < def->ncomp; i++) {
		const struct gs1_comp *k = &def->comp[i];
		long at = comp_start(def, i, base->el[0].n);
		size_t clen;

		if (at < 0)
			continue;
		clen = k->min == k->max ? k->min : base->el[0].n - (size_t)at;
		in = *base;
		e = &in.el[0];
		/* A bad character at the start, and one inside. */
		e->val[at] = bad_char(k->cset);
		compare(&in, "bad character");
		if (clen > 2) {
			in = *base;
			e = &in.el[0];
			e->val[(size_t)at + 1 + rnd((unsigned)clen - 2)] = bad_char(k->cset);
			compare(&in, "bad character inside");
		}
		if (has_lint(k, GS1_LINT_CSUM)) {
			char *cd;

			in = *base;
			e = &in.el[0];
			cd = &e->val[(size_t)at + clen - 1];
			*cd = (char)('0' + (*cd - '0' + 1 + rnd(9)) % 10);
			compare(&in, "wrong check digit");
		}
		if (has_lint(k, GS1_LINT_CSUMALPHA)) {
			in = *base;
			e = &in.el[0];
			e->val[(size_t)at + clen - 1] =
				e->val[(size_t)at + clen - 1] == '2' ? '3' : '2';
			compare(&in, "wrong check character");
		}
		if (has_lint(k, GS1_LINT_YYMMDD) || has_lint(k, GS1_LINT_YYMMD0) ||
		    has_lint(k, GS1_LINT_YYYYMMDD)) {
			static const char *const bad[] = { "0013", "1301", "0232", "0230", "0431",
							   "0200", "0000" };
			size_t md = (size_t)at + (has_lint(k, GS1_LINT_YYYYMMDD) ? 4 : 2);

			for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
				in = *base;
				memcpy(in.el[0].val + md, bad[b], 4);
				compare(&in, "bad date");
			}
		}
		if (has_lint(k, GS1_LINT_HHMI) || has_lint(k, GS1_LINT_HH)) {
			in = *base;
			memcpy(in.el[0].val + at, "24", 2);
			compare(&in, "bad hour");
		}
	}
}

static void zint__every_ai_valid_and_mutated(void **state)
{
	unsigned before = stats.unexplained;

	(void)state;
	rng_seed(20240610);
	for (size_t t = 0; t < gs1_ai_table_len; t++) {
		const struct gs1_ai_def *def = &gs1_ai_table[t];

		for (unsigned v = def->lo; v <= def->hi; v++) {
			for (int round = 0; round < 3; round++) {
				struct input in = { .n = 0 };
				char ai[8];

				snprintf(ai, sizeof(ai), "%0*u", (int)(def->ai_len & 7), v % 10000);
				add_valid(&in, ai);
				add_companions(&in);
				compare(&in, "valid");
				if (round == 0)
					mutate_each(&in, def);
			}
		}
	}
	assert_int_equal(stats.unexplained, before);
	assert_int_equal(stats.inconsistent, 0);
}

/* ---- 3: the small content rules, exhaustively ------------------------------ */

/* One AI (with its companions) whose value is prefix + every n-digit number
 * + suffix. */
static void sweep(const char *ai, const char *prefix, unsigned width, const char *suffix)
{
	unsigned end = 1;

	for (unsigned i = 0; i < width; i++)
		end *= 10;
	for (unsigned v = 0; v < end; v++) {
		struct input in = { .n = 0 };
		struct el *e = add_el(&in, ai);

		if (width == 0)
			e->n = (size_t)snprintf(e->val, sizeof(e->val), "%s%s", prefix, suffix);
		else
			e->n = (size_t)snprintf(e->val, sizeof(e->val), "%s%0*u%s", prefix,
						(int)width, v, suffix);
		add_companions(&in);
		compare(&in, ai);
	}
}

/* One AI whose value is prefix + two 2-digit numbers, each 00 to its max,
 * + suffix. */
static void sweep2(const char *ai, const char *prefix, unsigned a_max, unsigned b_max,
		   const char *suffix)
{
	for (unsigned a = 0; a <= a_max; a++) {
		for (unsigned b = 0; b <= b_max; b++) {
			struct input in = { .n = 0 };
			struct el *e = add_el(&in, ai);

			e->n = (size_t)snprintf(e->val, sizeof(e->val), "%s%02u%02u%s", prefix,
						a % 100, b % 100, suffix);
			add_companions(&in);
			compare(&in, ai);
		}
	}
}

/* Dates: every month 00-13 and day 00-32 of some years, and 29 February of
 * every year 00-99. */
static void sweep_dates(const char *ai, const char *suffix)
{
	static const char *const years[] = { "00", "23", "24", "50", "99" };

	for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++) {
		for (unsigned md = 0; md < 1400; md++) {
			struct input in = { .n = 0 };
			struct el *e;

			if (md % 100 > 32)
				continue;
			e = add_el(&in, ai);
			e->n = (size_t)snprintf(e->val, sizeof(e->val), "%s%04u%s", years[y], md,
						suffix);
			add_companions(&in);
			compare(&in, "date");
		}
	}
	for (unsigned yy = 0; yy < 100; yy++) {
		struct input in = { .n = 0 };
		struct el *e = add_el(&in, ai);

		e->n = (size_t)snprintf(e->val, sizeof(e->val), "%02u0229%s", yy, suffix);
		add_companions(&in);
		compare(&in, "29 February");
	}
}

/* One AI whose value is prefix + every printable ASCII character but the
 * brackets zint's syntax uses + suffix. */
static void sweep_chars(const char *ai, const char *prefix, const char *suffix)
{
	for (char ch = ' '; ch <= '~'; ch++) {
		struct input in = { .n = 0 };
		struct el *e;

		if (ch == '[' || ch == ']')
			continue;
		e = add_el(&in, ai);
		e->n = (size_t)snprintf(e->val, sizeof(e->val), "%s%c%s", prefix, ch, suffix);
		add_companions(&in);
		if (ch == '\\' && suffix[0] == '\0' && in.n > 1)
			continue; /* would escape the next AI's '(' */
		compare(&in, "character");
	}
}

/* Every two-letter code. */
static void sweep_alpha2(const char *ai, const char *prefix, const char *suffix)
{
	for (char a = 'A'; a <= 'Z'; a++) {
		for (char b = 'A'; b <= 'Z'; b++) {
			struct input in = { .n = 0 };
			struct el *e = add_el(&in, ai);

			e->n = (size_t)snprintf(e->val, sizeof(e->val), "%s%c%c%s", prefix, a, b,
						suffix);
			add_companions(&in);
			compare(&in, "alpha-2");
		}
	}
}

static void zint__content_rules_exhaustively(void **state)
{
	unsigned before = stats.unexplained;

	(void)state;
	rng_seed(7);
	sweep("422", "", 3, "");                      /* iso3166 */
	sweep("7030", "", 3, "ABC");                  /* iso3166999 */
	sweep("421", "", 3, "12345");                 /* iso3166, then a postal code */
	sweep("423", "276", 3, "");                   /* iso3166 in an optional part */
	sweep("3910", "", 3, "1995");                 /* iso4217 */
	sweep("4321", "", 1, "");                     /* yesno */
	sweep("7241", "", 2, "");                     /* mediatype */
	sweep2("8006", "09501101020917", 30, 30, ""); /* pieceoftotal */
	sweep("8006", "0950110102091798", 2, "");
	sweep2("7003", "240229", 29, 69, "");         /* hhmi */
	sweep("8008", "240229", 2, "");               /* hh */
	sweep("8008", "24022923", 2, "");             /* mi */
	sweep("8008", "2402292359", 2, "");           /* ss */
	sweep("8001", "00", 2, "00001001000");        /* nonzero */
	sweep("8001", "0001000", 2, "000101");
	sweep("8001", "000100001", 3, "01");
	sweep("8001", "000100001001", 1, "0");        /* winding */
	sweep("4309", "", 2, "000000001234567890"); /* latitude */
	sweep("4309", "17999999990", 1, "0000000000");
	sweep("4309", "1800000000", 2, "00000000");  /* longitude */
	sweep("4309", "180000000036000000", 2, "");
	sweep("4309", "18000000003600000000", 0, "");
	sweep("7040", "1AB", 0, "-");                 /* importeridx */
	sweep("7040", "1AB", 0, "+");
	sweep("8011", "", 2, "");                     /* nozeroprefix */
	sweep("8007", "GB", 2, "WEST12345698765432"); /* iban check digits */
	sweep("8007", "FR14200410100505000", 2, "M02606");
	sweep_alpha2("8007", "", "82WEST12345698765432"); /* iban country */
	sweep_alpha2("4307", "", "");                 /* iso3166alpha2 */
	sweep_chars("7040", "1AB", "");               /* importeridx */
	sweep_chars("7040", "1", "BC");               /* X1 */
	sweep_chars("10", "", "");                    /* cset 82 */
	sweep_chars("10", "AB", "CD");
	sweep_chars("4300", "AB", "CD");              /* pcenc */
	sweep_chars("4300", "%", "1");
	sweep_chars("4300", "AB%2", "");
	sweep_chars("8010", "0950", "");              /* cset 39 */
	sweep_chars("8013", "09501", "");             /* csumalpha */
	sweep_chars("8013", "0950110", "2");
	sweep_chars("8008", "24022923", "");
	sweep_dates("17", "");                        /* yymmd0 */
	sweep_dates("7006", "");                      /* yymmdd */
	sweep_dates("7007", "240101");
	sweep_dates("8008", "12");
	assert_int_equal(stats.unexplained, before);
	assert_int_equal(stats.inconsistent, 0);
}

/* ---- 4: a seeded random mix -------------------------------------------------- */

/* Printable ASCII without the brackets of zint's syntax. */
static char any_char(void)
{
	char ch;

	do
		ch = (char)(' ' + rnd(95));
	while (ch == '[' || ch == ']');
	return ch;
}

/* One random edit of e: replace, delete, insert or swap characters. */
static void edit(struct el *e)
{
	size_t at = e->n ? rnd((unsigned)e->n) : 0;

	switch (rnd(6)) {
	case 0:
		if (e->n)
			e->val[at] = any_char();
		break;
	case 1:
		if (e->n)
			e->val[at] = pick(digits);
		break;
	case 2:
		if (e->n) {
			memmove(e->val + at, e->val + at + 1, e->n - at - 1);
			e->n--;
		}
		break;
	case 3:
		if (e->n + 1 < VAL_CAP) {
			memmove(e->val + at + 1, e->val + at, e->n - at);
			e->val[at] = rnd(2) ? pick(digits) : pick(cset82);
			e->n++;
		}
		break;
	case 4:
		if (e->n > 1 && at + 1 < e->n) {
			char t = e->val[at];

			e->val[at] = e->val[at + 1];
			e->val[at + 1] = t;
		}
		break;
	default:
		e->n = e->n ? rnd((unsigned)e->n) : 0;
		break;
	}
}

static void random_ai(char ai[8])
{
	const struct gs1_ai_def *def = &gs1_ai_table[rnd((unsigned)gs1_ai_table_len)];
	unsigned v = def->lo + rnd((unsigned)(def->hi - def->lo + 1));

	snprintf(ai, 8, "%0*u", (int)(def->ai_len & 7), v % 10000);
}

static void zint__random_strings(void **state)
{
	unsigned before = stats.unexplained;

	(void)state;
	rng_seed(0x5EED0001u);
	/* Valid values of random AIs, with their companions most of the
	 * time, then edited. */
	for (unsigned r = 0; r < 6000; r++) {
		struct input in = { .n = 0 };
		unsigned want = 1 + rnd(4);

		while (in.n < want) {
			char ai[8];

			random_ai(ai);
			add_valid(&in, ai);
		}
		if (rnd(10) < 8)
			add_companions(&in);
		for (unsigned k = rnd(3); k > 0; k--)
			edit(&in.el[rnd(in.n)]);
		/* A trailing '\' would escape the next AI's '(' in our form. */
		for (unsigned i = 0; i + 1 < in.n; i++)
			if (in.el[i].n && in.el[i].val[in.el[i].n - 1] == '\\')
				in.el[i].val[in.el[i].n - 1] = 'x';
		compare(&in, "random");
	}
	/* The structured values: coupon codes and GMNs, valid and edited. */
	for (unsigned r = 0; r < 3000; r++) {
		static const char *const ais[] = { "8110", "8112", "8013", "8007", "8003" };
		struct input in = { .n = 0 };

		add_valid(&in, ais[r % 5]);
		for (unsigned k = rnd(3); k > 0; k--) {
			struct el *e = &in.el[0];

			if (rnd(2) && e->n)
				e->val[rnd((unsigned)e->n)] = pick(digits);
			else
				edit(e);
		}
		compare(&in, "structured");
	}
	/* Values with no structure at all: random characters, random length
	 * around the AI's bounds. */
	for (unsigned r = 0; r < 4000; r++) {
		struct input in = { .n = 0 };
		char ai[8];
		const struct gs1_ai_def *def;
		struct el *e;
		unsigned how = rnd(3);

		random_ai(ai);
		def = lookup(ai);
		e = add_el(&in, ai);
		e->n = def->min_len + rnd((unsigned)(def->max_len - def->min_len + 3));
		if (e->n >= VAL_CAP)
			e->n = VAL_CAP - 1;
		for (size_t i = 0; i < e->n; i++)
			e->val[i] = how == 0 ? pick(digits) : how == 1 ? pick(cset82) : any_char();
		add_companions(&in);
		for (unsigned i = 0; i + 1 < in.n; i++)
			if (in.el[i].n && in.el[i].val[in.el[i].n - 1] == '\\')
				in.el[i].val[in.el[i].n - 1] = 'x';
		compare(&in, "random value");
	}
	assert_int_equal(stats.unexplained, before);
	assert_int_equal(stats.inconsistent, 0);
}

/* With the zint the list was made for, every entry must still be needed:
 * a stale entry would hide a new disagreement of the same kind. */
static void zint__every_allow_entry_is_needed(void **state)
{
	(void)state;
	if (ZBarcode_Version() != 21101)
		skip();
	for (size_t i = 0; i < ALLOW_N; i++)
		if (allow_list[i].used == 0)
			fail_msg("allow-list entry '%s' explained nothing", allow_list[i].name);
}

/* ---- summary --------------------------------------------------------------- */

static int report(void **state)
{
	(void)state;
	print_message("zint %d: %u inputs compared, %u agree valid, %u agree invalid, "
		      "%u disagree: %u allow-listed, %u unexplained; raw form differs %u\n",
		      ZBarcode_Version(), stats.compared, stats.agree_valid, stats.agree_invalid,
		      stats.disagree, stats.allowed, stats.unexplained, stats.inconsistent);
	for (size_t i = 0; i < ALLOW_N; i++)
		print_message("  %-14s %6u  %s\n", allow_list[i].name, allow_list[i].used,
			      allow_list[i].why);
	if (getenv("QC_GS1_ZINT_KINDS"))
		for (size_t i = 0; i < KIND_MAX && kinds[i].what; i++)
			print_message("  %-24s %6u compared %6u valid %6u invalid %5u disagree\n",
				      kinds[i].what, kinds[i].compared, kinds[i].valid,
				      kinds[i].invalid, kinds[i].disagree);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zint__knows_the_same_ais),
		cmocka_unit_test(zint__every_ai_valid_and_mutated),
		cmocka_unit_test(zint__content_rules_exhaustively),
		cmocka_unit_test(zint__random_strings),
		cmocka_unit_test(zint__every_allow_entry_is_needed),
	};
	return cmocka_run_group_tests(tests, NULL, report);
}
