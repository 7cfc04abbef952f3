/* The classifier (st_bc_parse): which kind each scan is, with the AIM
 * symbology identifier deciding where there is one.  The GS1, GTIN and
 * tracking parsers have their own tables; this one checks the routing
 * between them and the brand's own codes (docs/barcodes.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "st/barcode.h"
#include "st/err.h"

static struct st_bc bc;

static void parse(const char *s)
{
	st_bc_parse(s, strlen(s), NULL, &bc);
}

static void classify__table(void **state)
{
	static const struct {
		const char *in;
		enum st_bc_kind kind;
		bool valid;
		const char *sym, *gtin, *id;
	} t[] = {
		/* EAN/UPC symbologies are GTINs. */
		{ "]E09501101020917", ST_BC_GTIN, true, "]E0", "09501101020917", NULL },
		{ "]E095011010209", ST_BC_GTIN, false, "]E0", NULL, NULL }, /* 12 digits, bad check */
		{ "]E496385074", ST_BC_GTIN, true, "]E4", "00000096385074", NULL }, /* EAN-8 */
		{ "]E4963850", ST_BC_GTIN, false, "]E4", NULL, NULL },      /* EAN-8 needs 8 */
		{ "]E004252614", ST_BC_GTIN, true, "]E0", "00042100005264", NULL }, /* UPC-E */
		/* No symbology: digits of a GTIN's length with a valid check digit. */
		{ "9501101020917", ST_BC_GTIN, true, "", "09501101020917", NULL },
		{ "036000291452", ST_BC_GTIN, true, "", "00036000291452", NULL },
		/* GS1 symbologies are GS1 data, whatever it looks like. */
		{ "]C1010950110102091710ABC\x1d" "21XYZ", ST_BC_GS1, true, "]C1", "09501101020917", NULL },
		{ "]d2\x1d" "0109501101020917", ST_BC_GS1, true, "]d2", "09501101020917", NULL },
		{ "]Q3ORD-1001", ST_BC_GS1, false, "]Q3", NULL, NULL },
		/* GS bytes without an identifier: a GS1 symbol all the same. */
		{ "010950110102091710ABC\x1d" "21XYZ", ST_BC_GS1, true, "", "09501101020917", NULL },
		/* Human-readable and Digital Link forms. */
		{ "(01)09501101020917(10)ABC", ST_BC_GS1, true, "", "09501101020917", NULL },
		{ "https://id.gs1.org/01/09501101020917/10/ABC", ST_BC_GS1, true, "", "09501101020917", NULL },
		/* The brand's own codes, upper-cased (Caps Lock on a wedge). */
		{ "ORD-100231", ST_BC_ORDER, true, "", NULL, "ORD-100231" },
		{ "]C0ORD-100231", ST_BC_ORDER, true, "]C0", NULL, "ORD-100231" },
		{ "ord-100231", ST_BC_ORDER, true, "", NULL, "ORD-100231" },
		{ "RMA-2001", ST_BC_RMA, true, "", NULL, "RMA-2001" },
		/* Order-line labels: an order number, '/', the line. */
		{ "ORD-100231/1", ST_BC_ORDER_LINE, true, "", NULL, "ORD-100231" },
		{ "ORD-100231/0", ST_BC_UNKNOWN, false, "", NULL, NULL },
		{ "ORD-100231/1234", ST_BC_UNKNOWN, false, "", NULL, NULL },
		{ "SN00001001", ST_BC_SERIAL, true, "", NULL, "SN00001001" },
		{ "BIN-A1", ST_BC_BIN, true, "", NULL, "BIN-A1" },
		{ "BADGE-0001", ST_BC_BADGE, true, "", NULL, "BADGE-0001" },
		/* Commands: one prefix, a fixed list of names. */
		{ "CMD-PASS", ST_BC_COMMAND, true, "", NULL, "PASS" },
		{ "CMD-PASS-ALL", ST_BC_COMMAND, true, "", NULL, "PASS-ALL" },
		{ "cmd-cancel", ST_BC_COMMAND, true, "", NULL, "CANCEL" },
		{ "CMD-FLY", ST_BC_COMMAND, false, "", NULL, NULL },
		/* QC defect codes: one prefix; the code is the id. */
		{ "DEF-LOOSE-STONE", ST_BC_DEFECT, true, "", NULL, "LOOSE-STONE" },
		{ "def-loose-stone", ST_BC_DEFECT, true, "", NULL, "LOOSE-STONE" },
		{ "DEF-LOOSE_STONE", ST_BC_DEFECT, false, "", NULL, NULL },
		/* Tracking numbers; a Code 128 of 12 digits is FedEx first. */
		{ "1Z999AA10123456784", ST_BC_TRACKING, true, "", NULL, "1Z999AA10123456784" },
		{ "1Z999AA10123456785", ST_BC_TRACKING, false, "", NULL, NULL },
		{ "449044304137821", ST_BC_TRACKING, true, "", NULL, "449044304137821" },
		/* Nothing known. */
		{ "hello", ST_BC_UNKNOWN, false, "", NULL, NULL },
		{ "]C0", ST_BC_UNKNOWN, false, "]C0", NULL, NULL },
		{ "", ST_BC_UNKNOWN, false, "", NULL, NULL },
		{ "ORD-1001\x07", ST_BC_UNKNOWN, false, "", NULL, NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc;

		rc = st_bc_parse(t[i].in, strlen(t[i].in), NULL, &bc);
		if (bc.kind != t[i].kind || bc.valid != t[i].valid)
			fail_msg("case %zu '%s': kind %s valid %d, want %s %d (%s)", i, t[i].in,
				 st_bc_kind_name(bc.kind), bc.valid, st_bc_kind_name(t[i].kind),
				 t[i].valid, bc.err.n ? bc.err.msg[0] : "no error");
		assert_int_equal(rc, t[i].valid ? ST_OK : ST_ERR_PARSE);
		assert_string_equal(bc.symbology, t[i].sym);
		if (t[i].gtin)
			assert_string_equal(bc.gtin, t[i].gtin);
		if (t[i].id)
			assert_string_equal(bc.id, t[i].id);
		/* An invalid code always says why. */
		if (!t[i].valid)
			assert_true(bc.err.n > 0);
	}
}

static void classify__gs1_ais_in_scan_order(void **state)
{
	(void)state;
	parse("]C1010950110102091717251231\x1d" "10LOT-7\x1d" "21S1");
	assert_true(bc.valid);
	assert_int_equal(bc.n_ai, 4);
	assert_string_equal(bc.ai[0].ai, "01");
	assert_string_equal(bc.ai[1].ai, "17");
	assert_string_equal(st_bc_ai_value(&bc, 1), "251231");
	assert_string_equal(bc.ai[2].ai, "10");
	assert_string_equal(st_bc_ai_value(&bc, 2), "LOT-7");
	assert_string_equal(st_bc_find_ai(&bc, "21"), "S1");
	assert_null(st_bc_find_ai(&bc, "99"));
}

static void classify__over_the_cap_is_refused(void **state)
{
	static char big[ST_BC_INPUT_MAX + 2];
	(void)state;
	memset(big, '1', sizeof(big) - 1);
	assert_int_equal(st_bc_parse(big, sizeof(big) - 1, NULL, &bc), ST_ERR_PARSE);
	assert_non_null(strstr(bc.err.msg[0], "limit"));
}

static void classify__configured_patterns_and_gs_substitute(void **state)
{
	struct st_bc_patterns p = *st_bc_patterns_default();
	(void)state;
	p.order = "SO#{6}";
	p.command_prefix = "%%";
	p.gs_substitute = '~';
	assert_int_equal(st_bc_parse("SO123456", 8, &p, &bc), ST_OK);
	assert_int_equal(bc.kind, ST_BC_ORDER);
	st_bc_parse("ORD-100231", 10, &p, &bc);
	assert_int_not_equal(bc.kind, ST_BC_ORDER);
	assert_int_equal(st_bc_parse("%%PASS", 6, &p, &bc), ST_OK);
	assert_int_equal(bc.kind, ST_BC_COMMAND);
	/* '~' typed by a wedge scanner in place of GS. */
	{
		static const char in[] = "]C10109501101020917" "10ABC~21XYZ";

		assert_int_equal(st_bc_parse(in, sizeof(in) - 1, &p, &bc), ST_OK);
	}
	assert_string_equal(st_bc_find_ai(&bc, "10"), "ABC");
	assert_string_equal(st_bc_find_ai(&bc, "21"), "XYZ");
}

static void classify__command_list_is_documented(void **state)
{
	const char *const *c = st_bc_commands();
	size_t n = 0;
	(void)state;
	for (; c[n]; n++)
		;
	assert_true(n >= 4);
	parse("CMD-PASS-ALL");
	assert_true(bc.valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify__table),
		cmocka_unit_test(classify__gs1_ais_in_scan_order),
		cmocka_unit_test(classify__over_the_cap_is_refused),
		cmocka_unit_test(classify__configured_patterns_and_gs_substitute),
		cmocka_unit_test(classify__command_list_is_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
