/* GS1 element strings (station/barcode/gs1*.c): the raw form with GS
 * separators, the bracketed form, Digital Link URIs and keyboard-wedge scans
 * that lost their separators.  Cases follow the GS1 General Specifications'
 * examples and the GS1 Barcode Syntax Dictionary's rules; each one states the
 * verdict, the AI list and (for invalid codes) what the message must name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gs1-int.h"

#define GS "\035" /* octal, so that digits after it stay separate */

typedef int parse_fn(struct st_bc *bc, const char *s, size_t n);

struct tcase {
	const char *in;
	int rc;
	const char *ais; /* expected AI list as "(01)...(10)...", NULL: not checked */
	const char *err; /* substring of one of the errors; NULL when valid */
};

static struct st_bc bc; /* 12 KiB: not on the stack */

static void render(const struct st_bc *b, char *out, size_t outsz)
{
	size_t o = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < b->n_ai && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "(%s)%s", b->ai[i].ai,
				      st_bc_ai_value(b, i));
}

static bool has_error(const struct st_bc *b, const char *what)
{
	for (unsigned i = 0; i < b->err.n; i++)
		if (strstr(b->err.msg[i], what))
			return true;
	return false;
}

static void run_table(parse_fn *fn, const struct tcase *t, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		char got[1024];
		int rc;

		memset(&bc, 0, sizeof(bc));
		bc.valid = true;
		rc = fn(&bc, t[i].in, strlen(t[i].in));
		render(&bc, got, sizeof(got));
		if (rc != t[i].rc)
			fail_msg("case %zu '%s': rc %d, want %d (first error: %s)", i, t[i].in, rc,
				 t[i].rc, bc.err.n ? bc.err.msg[0] : "none");
		if (t[i].ais && strcmp(got, t[i].ais) != 0)
			fail_msg("case %zu '%s': AIs %s, want %s", i, t[i].in, got, t[i].ais);
		if (t[i].rc == ST_OK && (bc.err.n != 0 || !bc.valid))
			fail_msg("case %zu '%s': valid code with error '%s'", i, t[i].in,
				 bc.err.msg[0]);
		if (t[i].rc != ST_OK && bc.valid)
			fail_msg("case %zu '%s': invalid code left bc->valid set", i, t[i].in);
		if (t[i].err && !has_error(&bc, t[i].err))
			fail_msg("case %zu '%s': no error mentions '%s' (first: %s)", i, t[i].in,
				 t[i].err, bc.err.n ? bc.err.msg[0] : "none");
	}
}

#define RUN(fn, t) run_table(fn, t, sizeof(t) / sizeof(t[0]))

/* ---- the table ----------------------------------------------------------- */

static void table__every_ai_finds_its_own_entry(void **state)
{
	unsigned count = 0;

	(void)state;
	for (size_t i = 0; i < gs1_ai_table_len; i++) {
		const struct gs1_ai_def *d = &gs1_ai_table[i];

		for (unsigned v = d->lo; v <= d->hi; v++) {
			char ai[16];
			size_t len;

			snprintf(ai, sizeof(ai), "%0*u", (int)(d->ai_len & 7), v);
			if (st_gs1_ai_lookup(ai, strlen(ai), &len) != d || len != d->ai_len)
				fail_msg("AI %s does not resolve to its table entry", ai);
			count++;
		}
	}
	/* The dictionary assigns about 500 AIs; far fewer means a broken table. */
	assert_true(count > 500);
}

static void table__knows_the_landmark_ais(void **state)
{
	static const struct {
		const char *ai;
		bool known;
		bool predef;
	} t[] = {
		{ "00", true, true },    { "01", true, true },     { "02", true, true },
		{ "03", true, true },    { "10", true, false },    { "17", true, true },
		{ "235", true, false },  { "255", true, false },   { "3105", true, true },
		{ "3106", false, false },{ "3375", true, true },   { "37", true, false },
		{ "3955", true, false }, { "3956", false, false }, { "4326", true, false },
		{ "4333", true, false }, { "7041", true, false },  { "7259", true, false },
		{ "8030", true, false }, { "8200", true, false },  { "90", true, false },
		{ "99", true, false },   { "04", false, false },   { "89", false, false },
		{ "14", false, false },  { "717", false, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t len;
		const struct gs1_ai_def *d = st_gs1_ai_lookup(t[i].ai, strlen(t[i].ai), &len);

		if ((d != NULL) != t[i].known)
			fail_msg("AI %s: known should be %d", t[i].ai, t[i].known);
		if (d && ((d->flags & GS1_F_PREDEF) != 0) != t[i].predef)
			fail_msg("AI %s: predefined length should be %d", t[i].ai, t[i].predef);
	}
}

/* ---- raw element strings ------------------------------------------------- */

static void element_string__valid(void **state)
{
	static const struct tcase t[] = {
		/* GTIN, expiry, batch, serial: GS only after variable values. */
		{ "0109501101020917" "17251231" "10ABC123" GS "21XYZ", ST_OK,
		  "(01)09501101020917(17)251231(10)ABC123(21)XYZ", NULL },
		/* A GS after a predefined-length value is not needed but allowed. */
		{ "0109501101020917" GS "17251231", ST_OK, "(01)09501101020917(17)251231", NULL },
		/* Day 00: "end of month" is allowed for AI (17). */
		{ "0109501101020917" "17251200", ST_OK, NULL, NULL },
		/* 29 February of a leap year. */
		{ "0109501101020917" "15240229", ST_OK, NULL, NULL },
		/* Logistic unit: SSCC, content GTIN and count. */
		{ "00009501101000000001" "0209501101020917" "3710", ST_OK,
		  "(00)009501101000000001(02)09501101020917(37)10", NULL },
		/* Variable measure item: net weight and price. */
		{ "0190614141000046" "3103000750" "3922" "1295", ST_OK,
		  "(01)90614141000046(3103)000750(3922)1295", NULL },
		/* Price with ISO 4217 currency (978 = EUR). */
		{ "0190614141000046" "3102001250" "3932978" "450", ST_OK, NULL, NULL },
		/* Country of origin (ISO 3166 numeric) and processing 999 allowed. */
		{ "0109501101020917" "422276" GS "7030999ABC", ST_OK, NULL, NULL },
		/* GRAI with serial, GIAI, GSRN; no other AI required. */
		{ "8003" "09501101530003" "SERIAL1", ST_OK, NULL, NULL },
		{ "8004" "9501101ASSET42", ST_OK, NULL, NULL },
		{ "8017" "950110100000000001", ST_OK, NULL, NULL },
		/* GMN with its alphanumeric check character pair. */
		{ "8013" "1987654Ad4X4bL5ttr2310c2K", ST_OK, NULL, NULL },
		/* Payment: pay-to GLN, reference, IBAN. */
		{ "4159501101530010" "8020" "INV1234" GS "8007" "GB98MIDL07009312345678", ST_OK,
		  NULL, NULL },
		/* Ship-to geolocation: latitude and longitude in range. */
		{ "00009501101000000001" "4309" "18000000003600000000", ST_OK, NULL, NULL },
		/* North American coupon code. */
		{ "8110" "012345612345611110123", ST_OK, NULL, NULL },
		/* Company internal data. */
		{ "91" "any-thing_(OK)", ST_OK, "(91)any-thing_(OK)", NULL },
		/* DigSig (CSET 64) with an instance key. */
		{ "0109501101020917" "21" "S1" GS "8030" "AbC_-9xy", ST_OK, NULL, NULL },
		/* The same AI twice with the same value is not an error. */
		{ "0109501101020917" "10A" GS "10A", ST_OK, NULL, NULL },
	};
	(void)state;
	RUN(st_gs1_parse_element_string, t);
}

static void element_string__invalid(void **state)
{
	static const struct tcase t[] = {
		{ "0109501101020916", ST_ERR_PARSE, "(01)09501101020916",
		  "AI (01) '09501101020916': check digit should be 7" },
		{ "00009501101000000002", ST_ERR_PARSE, NULL, "check digit should be 1" },
		{ "0109501101020917" "17231345", ST_ERR_PARSE, NULL,
		  "AI (17) value '231345': month 13 is not valid" },
		{ "0109501101020917" "17230431", ST_ERR_PARSE, NULL,
		  "day 31 is not valid in month 04" },
		{ "0109501101020917" "17230229", ST_ERR_PARSE, NULL, "day 29 is not valid" },
		/* Day 00 is not allowed where the rule is yymmdd (7006). */
		{ "0109501101020917" "7006251200", ST_ERR_PARSE, NULL, "day 00 is not valid" },
		{ "0109501101020917" "10AB C", ST_ERR_PARSE, NULL,
		  "AI (10) value 'AB C': character 3 ' ' is not in GS1 CSET 82" },
		{ "0109501101020917" "10A#B", ST_ERR_PARSE, NULL, "'#' is not in GS1 CSET 82" },
		{ "0109501101020917" "10" "ABCDEFGHIJKLMNOPQRSTU", ST_ERR_PARSE, NULL,
		  "21 characters, at most 20" },
		{ "01095011010209", ST_ERR_PARSE, NULL, "12 characters, needs 14" },
		{ "0109501101020917" "3103" "00075A", ST_ERR_PARSE, NULL,
		  "character 6 'A' is not a digit" },
		{ "0109501101020917" "10", ST_ERR_PARSE, NULL, "AI (10) value '': empty" },
		/* Requirements between AIs. */
		{ "10ABC", ST_ERR_PARSE, "(10)ABC",
		  "AI (10) requires AI (01), (02), (03), (8006) or (8026)" },
		{ "0209501101020917", ST_ERR_PARSE, NULL, "AI (02) requires AI (37)" },
		{ "0209501101020917" "3710", ST_ERR_PARSE, NULL, "AI (37) requires AI (00)" },
		{ "0109501101020917" "250SN2", ST_ERR_PARSE, NULL, "AI (250) requires AI (21)" },
		{ "00009501101000000001" "0109501101020917" "0209501101020917" "3710", ST_ERR_PARSE,
		  NULL, "AI (01) and AI (02) must not appear together" },
		{ "0109501101020917" "21A" GS "235TPX", ST_ERR_PARSE, NULL,
		  "AI (21) and AI (235) must not appear together" },
		{ "0109501101020917" "3103000750" "3102001250", ST_ERR_PARSE, NULL,
		  "AI (3103) and AI (3102) must not appear together" },
		/* A price of a variable measure item needs GTIN indicator 9. */
		{ "0109501101020917" "3103000750" "3922" "1295", ST_ERR_PARSE, NULL,
		  "AI (3922) is for a variable measure item" },
		{ "0109501101020917" "10A" GS "10B", ST_ERR_PARSE, NULL,
		  "AI (10) appears twice with different values" },
		/* Content rules of the dictionary. */
		{ "0109501101020917" "422999", ST_ERR_PARSE, NULL,
		  "999 is not an ISO 3166 country code" },
		{ "0190614141000046" "3102001250" "3932001" "450", ST_ERR_PARSE, NULL,
		  "001 is not an ISO 4217 currency code" },
		{ "0109501101020917" "8008" "25123125", ST_ERR_PARSE, NULL,
		  "hour 25 is not valid" },
		{ "00009501101000000001" "4321" "2", ST_ERR_PARSE, NULL, "must be 0 or 1" },
		{ "00009501101000000001" "7041" "AAA", ST_ERR_PARSE, NULL,
		  "not a package type code" },
		{ "8013" "1987654Ad4X4bL5ttr2310cXK", ST_ERR_PARSE, NULL,
		  "check characters should be '2K'" },
		{ "4159501101530010" "8020" "INV1234" GS "8007" "GB98MIDL07009312345670",
		  ST_ERR_PARSE, NULL, "IBAN check digits are wrong" },
		{ "00009501101000000001" "4309" "18000000013600000000", ST_ERR_PARSE, NULL,
		  "latitude is out of range" },
		{ "8003" "19501101530003", ST_ERR_PARSE, NULL, "character 1 must be 0" },
		{ "8110" "71234567890123", ST_ERR_PARSE, NULL, "coupon" },
		{ "0109501101020917" "21" "S1" GS "8030" "AbC=", ST_ERR_PARSE, NULL,
		  "bad base64 '=' padding" },
		/* Structure. */
		{ "89123", ST_ERR_PARSE, NULL, "byte 0: unknown AI '89'" },
		{ "0109501101020917" "3106000750", ST_ERR_PARSE, NULL,
		  "byte 16: unknown AI '3106'" },
		{ "0109501101020917" "10ABC" GS, ST_ERR_PARSE, NULL,
		  "byte 21: GS separator at the end of the data" },
		{ GS "0109501101020917", ST_ERR_PARSE, NULL, "byte 0: GS separator where an AI" },
		{ "0109501101020917" "10ABC" GS GS "21X", ST_ERR_PARSE, NULL,
		  "byte 22: GS separator where an AI" },
		/* AI (422) has a fixed length but is not predefined: it needs a GS. */
		{ "0109501101020917" "422276" "10ABC", ST_ERR_PARSE, NULL,
		  "AI (422) has 3 characters; a GS separator must follow them" },
		/* A predefined-length value cut short by a GS. */
		{ "0109501101020917" "172512" GS "10ABC", ST_ERR_PARSE, NULL,
		  "AI (17) value '2512': 4 characters, needs 6" },
		{ "", ST_ERR_PARSE, NULL, "empty" },
	};
	(void)state;
	RUN(st_gs1_parse_element_string, t);
}

static void element_string__reads_only_n_bytes(void **state)
{
	/* Not NUL-terminated: what follows n must not be read as data. */
	static const char buf[] = "0109501101020917" "10ABC" "21XYZ";

	(void)state;
	memset(&bc, 0, sizeof(bc));
	assert_int_equal(st_gs1_parse_element_string(&bc, buf, 21), ST_OK);
	assert_int_equal(bc.n_ai, 2);
	assert_string_equal(st_bc_find_ai(&bc, "10"), "ABC");
}

static void element_string__nul_in_value_is_reported_not_kept(void **state)
{
	/* A value must read back as a C string: one with a NUL byte is an
	 * error and is left out of the AI list. */
	static const char buf[] = "0109501101020917" "10AB\0C";

	(void)state;
	memset(&bc, 0, sizeof(bc));
	assert_int_equal(st_gs1_parse_element_string(&bc, buf, sizeof(buf) - 1), ST_ERR_PARSE);
	assert_int_equal(bc.n_ai, 1);
	assert_true(has_error(&bc, "character 3 0x00 is not in GS1 CSET 82"));
	for (unsigned i = 0; i < bc.n_ai; i++)
		assert_int_equal(strlen(st_bc_ai_value(&bc, i)), bc.ai[i].len);
}

static void element_string__fills_gtin_from_ai_01(void **state)
{
	(void)state;
	memset(&bc, 0, sizeof(bc));
	assert_int_equal(st_gs1_parse_element_string(&bc, "0109501101020917", 16), ST_OK);
	assert_string_equal(bc.gtin, "09501101020917");
	assert_int_equal(bc.gtin_digits, 14);
}

/* ---- bracketed form ------------------------------------------------------- */

static void bracketed__table(void **state)
{
	static const struct tcase t[] = {
		{ "(01)09501101020917(17)251231(10)ABC123", ST_OK,
		  "(01)09501101020917(17)251231(10)ABC123", NULL },
		/* "\(" is a parenthesis inside a value (GS1 Syntax Engine);
		 * "\)" is not an escape, and '\' is not in CSET 82. */
		{ "(01)09501101020917(10)AB\\(1)", ST_OK, "(01)09501101020917(10)AB(1)", NULL },
		{ "(01)09501101020917(10)AB\\(1\\)", ST_ERR_PARSE, "(01)09501101020917(10)AB(1\\)",
		  "character 5 '\\' is not in GS1 CSET 82" },
		/* Same checks as the raw form. */
		{ "(01)09501101020916", ST_ERR_PARSE, NULL, "check digit should be 7" },
		{ "(10)ABC", ST_ERR_PARSE, NULL, "AI (10) requires AI (01)" },
		{ "(01)09501101020917(89)X", ST_ERR_PARSE, NULL, "byte 19: unknown AI '89'" },
		{ "(01)09501101020917(011)X", ST_ERR_PARSE, NULL, "unknown AI '011'" },
		{ "01)09501101020917", ST_ERR_PARSE, NULL, "byte 0: expected '('" },
		{ "(01", ST_ERR_PARSE, NULL, "2 to 4 digits in parentheses" },
		{ "(01)", ST_ERR_PARSE, NULL, "AI (01) value '': empty" },
		{ "(01)09501101020917(10)" "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ"
		  "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ", ST_ERR_PARSE, NULL,
		  "too long" },
	};
	(void)state;
	RUN(st_gs1_parse_bracketed, t);
}

/* ---- Digital Link --------------------------------------------------------- */

static void dl__table(void **state)
{
	static const struct tcase t[] = {
		{ "https://id.gs1.org/01/09506000134352/10/ABC?17=241231", ST_OK,
		  "(01)09506000134352(10)ABC(17)241231", NULL },
		/* Custom domain with a path prefix; GTIN-13 padded to 14 digits;
		 * percent-decoding; query parameters that are not AIs ignored. */
		{ "https://brand.example.com/p/en/01/9506000134352/21/S%2F1"
		  "?3103=000123&linkType=gs1:pip",
		  ST_OK, "(01)09506000134352(21)S/1(3103)000123", NULL },
		{ "HTTP://example.com/01/96385074", ST_OK, "(01)00000096385074", NULL },
		{ "https://example.com/01/09506000134352/22/A1/10/B2/21/C3#frag", ST_OK,
		  "(01)09506000134352(22)A1(10)B2(21)C3", NULL },
		{ "https://example.com/00/009501101000000001", ST_OK, "(00)009501101000000001",
		  NULL },
		{ "https://example.com/414/9501101530003/254/DOCK1", ST_OK, NULL, NULL },
		{ "https://example.com/8004/9501101ASSET42", ST_OK, NULL, NULL },
		/* Invalid. */
		{ "https://id.gs1.org/01/09506000134353", ST_ERR_PARSE, NULL,
		  "check digit should be 2" },
		{ "https://id.gs1.org/01/09506000134352/21/S1/10/L1", ST_ERR_PARSE, NULL,
		  "out of order" },
		{ "https://id.gs1.org/01/09506000134352/17/251231", ST_ERR_PARSE, NULL,
		  "AI (17) is not a key qualifier of AI (01)" },
		{ "https://id.gs1.org/01/09506000134352?21=S1", ST_ERR_PARSE, NULL,
		  "AI (21) cannot be a query attribute" },
		{ "https://id.gs1.org/01/09506000134352?00=009501101000000001", ST_ERR_PARSE, NULL,
		  "AI (00) is a primary key" },
		{ "https://id.gs1.org/01/09506000134352/10/A%G1", ST_ERR_PARSE, NULL,
		  "'%' must be followed by two hex digits" },
		{ "https://id.gs1.org/01/09506000134352?17=251341", ST_ERR_PARSE, NULL,
		  "month 13 is not valid" },
		{ "https://id.gs1.org/10/ABC", ST_ERR_PARSE, NULL, "no primary key" },
		{ "https://example.com/", ST_ERR_PARSE, NULL, "no primary key" },
		{ "ftp://example.com/01/09506000134352", ST_ERR_PARSE, NULL, "not an http" },
		{ "https:///01/09506000134352", ST_ERR_PARSE, NULL, "no host" },
		{ "https://id.gs1.org/01/09506000134352?3922=1295", ST_ERR_PARSE, NULL,
		  "AI (3922) requires AI (30)" },
	};
	(void)state;
	RUN(st_gs1_parse_dl, t);
}

static void dl__is_dl_uri(void **state)
{
	static const struct {
		const char *in;
		bool dl;
	} t[] = {
		{ "https://id.gs1.org/01/09506000134352", true },
		{ "http://x.example/a/b/8004/9501101ASSET42", true },
		{ "https://example.com/01", false },              /* key without value */
		{ "https://example.com/index.html", false },
		{ "https://example.com/10/ABC", false },          /* not a primary key */
		{ "0109506000134352", false },
		{ "https:/", false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (st_gs1_is_dl_uri(t[i].in, strlen(t[i].in)) != t[i].dl)
			fail_msg("'%s': want %d", t[i].in, t[i].dl);
}

static void dl__same_ais_as_element_string(void **state)
{
	static const char dl[] = "https://id.gs1.org/01/09506000134352/10/ABC?17=241231";
	static const char es[] = "0109506000134352" "10ABC" GS "17241231";
	char a[512], b[512];

	(void)state;
	memset(&bc, 0, sizeof(bc));
	assert_int_equal(st_gs1_parse_dl(&bc, dl, strlen(dl)), ST_OK);
	render(&bc, a, sizeof(a));
	memset(&bc, 0, sizeof(bc));
	assert_int_equal(st_gs1_parse_element_string(&bc, es, strlen(es)), ST_OK);
	render(&bc, b, sizeof(b));
	/* Same AIs and values; order follows the source (path, then query). */
	assert_string_equal(a, "(01)09506000134352(10)ABC(17)241231");
	assert_string_equal(b, a);
}

/* ---- keyboard-wedge scans without GS -------------------------------------- */

static void unseparated__table(void **state)
{
	static const struct tcase t[] = {
		/* All but the last AI have predefined lengths: recovered. */
		{ "0109501101020917" "17251231" "10ABC123", ST_OK,
		  "(01)09501101020917(17)251231(10)ABC123", NULL },
		{ "0109501101020917" "3103000750", ST_OK, NULL, NULL },
		/* A fixed-length AI (422, not predefined) is still certain. */
		{ "0109501101020917" "422276" "10ABC", ST_OK,
		  "(01)09501101020917(422)276(10)ABC", NULL },
		/* The tail "1234" cannot start another AI: one reading only. */
		{ "0109501101020917" "10ABC1234", ST_OK, "(01)09501101020917(10)ABC1234", NULL },
		/* Never a guess: "ABC" + (21) "XYZ" is as plausible as "ABC21XYZ". */
		{ "0109501101020917" "10ABC" "21XYZ", ST_ERR_PARSE, NULL,
		  "variable-length AI (10) is followed by more data; the scanner dropped the GS "
		  "separator, the split is ambiguous" },
		{ "0109501101020917" "10ABC" "17251231", ST_ERR_PARSE, NULL,
		  "AI (10) is followed by more data" },
		/* Longer than any value of the AI: something follows it. */
		{ "0109501101020917" "10ABCDEFGHIJKLMNOPQRSTUVWX", ST_ERR_PARSE, NULL,
		  "AI (10) is followed by more data" },
		/* Checks are the same as for the separated form. */
		{ "0109501101020916" "17251231", ST_ERR_PARSE, NULL, "check digit should be 7" },
		{ "0109501101020917" "89ABC", ST_ERR_PARSE, NULL, "byte 16: unknown AI '89'" },
		/* With a GS it is an ordinary element string. */
		{ "0109501101020917" "10ABC" GS "21XYZ", ST_OK,
		  "(01)09501101020917(10)ABC(21)XYZ", NULL },
	};
	(void)state;
	RUN(st_gs1_parse_unseparated, t);
}

static void plausible__table(void **state)
{
	static const struct {
		const char *in;
		bool yes;
	} t[] = {
		{ "0109501101020917", true },
		{ "10ABC", true },
		{ "01095011", false },      /* predefined length not there */
		{ "010950110102091A", false },
		{ "89ABC", false },
		{ "10", false },
		{ "ORD-100234", false },
		{ "", false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (st_gs1_plausible(t[i].in, strlen(t[i].in)) != t[i].yes)
			fail_msg("'%s': want %d", t[i].in, t[i].yes);
}

static void element_string__too_many_ais_is_an_error(void **state)
{
	/* 70 AIs (91) x: more than ST_BC_AI_MAX must not overflow bc. */
	char buf[70 * 4];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 70; i++) {
		memcpy(buf + n, "91x", 3);
		n += 3;
		buf[n++] = 0x1D;
	}
	memset(&bc, 0, sizeof(bc));
	assert_int_equal(st_gs1_parse_element_string(&bc, buf, n - 1), ST_ERR_PARSE);
	assert_int_equal(bc.n_ai, ST_BC_AI_MAX);
	assert_true(has_error(&bc, "more than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table__every_ai_finds_its_own_entry),
		cmocka_unit_test(table__knows_the_landmark_ais),
		cmocka_unit_test(element_string__valid),
		cmocka_unit_test(element_string__invalid),
		cmocka_unit_test(element_string__reads_only_n_bytes),
		cmocka_unit_test(element_string__nul_in_value_is_reported_not_kept),
		cmocka_unit_test(element_string__fills_gtin_from_ai_01),
		cmocka_unit_test(element_string__too_many_ais_is_an_error),
		cmocka_unit_test(bracketed__table),
		cmocka_unit_test(dl__table),
		cmocka_unit_test(dl__is_dl_uri),
		cmocka_unit_test(dl__same_ais_as_element_string),
		cmocka_unit_test(unseparated__table),
		cmocka_unit_test(plausible__table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
