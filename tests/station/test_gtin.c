/* GTINs (station/barcode/gtin.c): the GS1 mod-10 check digit, UPC-E to UPC-A
 * expansion and bare GTIN-8/12/13/14 scans.  Examples from the GS1 General
 * Specifications' check digit and UPC-E zero-suppression rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "barcode-int.h"

static struct st_bc bc; /* 12 KiB: not on the stack */

static void check_digit__table(void **state)
{
	static const struct {
		const char *d;
		bool ok;
	} t[] = {
		{ "96385074", true },                /* GTIN-8 */
		{ "96385075", false },
		{ "036000291452", true },            /* GTIN-12 (UPC-A) */
		{ "036000291453", false },
		{ "4006381333931", true },           /* GTIN-13 */
		{ "4006381333932", false },
		{ "09501101020917", true },          /* GTIN-14 */
		{ "09501101020916", false },
		{ "009501101000000001", true },      /* SSCC */
		{ "0614141000005", true },           /* GLN */
		{ "00", true },                      /* shortest: one digit + check */
		{ "0", false },                      /* no data digit */
		{ "", false },
		{ "40063813339A1", false },          /* not digits */
		{ "4006381 33931", false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (st_gs1_check_digit_ok(t[i].d, strlen(t[i].d)) != t[i].ok)
			fail_msg("'%s': want %s", t[i].d, t[i].ok ? "valid" : "invalid");
}

static void upce_expand__table(void **state)
{
	static const struct {
		const char *upce;
		int rc;
		const char *upca;
	} t[] = {
		/* The last data digit says where the suppressed zeros go. */
		{ "04252614", ST_OK, "042100005264" },  /* 0-2: mfr ab c00, item 00def */
		{ "11204501", ST_OK, "112000000451" },  /* number system 1 */
		{ "01234531", ST_OK, "012300000451" },  /* 3: mfr abc00, item 000de */
		{ "01234543", ST_OK, "012340000053" },  /* 4: mfr abcd0, item 0000e */
		{ "01234572", ST_OK, "012345000072" },  /* 5-9: mfr abcde, item 0000f */
		{ "24252614", ST_ERR_PARSE, NULL },     /* number system 2 */
		{ "0425261", ST_ERR_PARSE, NULL },      /* 7 digits */
		{ "042526140", ST_ERR_PARSE, NULL },
		{ "0425X614", ST_ERR_PARSE, NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[13] = "";

		assert_int_equal(st_upce_expand(t[i].upce, strlen(t[i].upce), out), t[i].rc);
		if (t[i].upca)
			assert_string_equal(out, t[i].upca);
	}
}

static void gtin_parse__table(void **state)
{
	static const struct {
		const char *in;
		bool upce;
		int rc;
		const char *gtin;     /* bc->gtin */
		unsigned digits;
		const char *err;      /* substring of the error */
	} t[] = {
		{ "96385074", false, ST_OK, "00000096385074", 8, NULL },
		{ "036000291452", false, ST_OK, "00036000291452", 12, NULL },
		{ "4006381333931", false, ST_OK, "04006381333931", 13, NULL },
		{ "09501101020917", false, ST_OK, "09501101020917", 14, NULL },
		{ "04252614", true, ST_OK, "00042100005264", 12, NULL },
		{ "4006381333932", false, ST_ERR_PARSE, "", 0,
		  "GTIN-13 '4006381333932': check digit should be 1" },
		{ "09501101020916", false, ST_ERR_PARSE, "", 0,
		  "GTIN-14 '09501101020916': check digit should be 7" },
		{ "04252615", true, ST_ERR_PARSE, "", 0,
		  "UPC-E '04252615': check digit should be 4" },
		{ "24252614", true, ST_ERR_PARSE, "", 0, "starting with 0 or 1" },
		{ "12345678901", false, ST_ERR_PARSE, "", 0, "11 digits" },
		{ "40063813A3931", false, ST_ERR_PARSE, "", 0, "character 9 is not a digit" },
		{ "", false, ST_ERR_PARSE, "", 0, "0 digits" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&bc, 0, sizeof(bc));
		bc.valid = true;
		assert_int_equal(st_gtin_parse(&bc, t[i].in, strlen(t[i].in), t[i].upce), t[i].rc);
		assert_string_equal(bc.gtin, t[i].gtin);
		assert_int_equal(bc.gtin_digits, t[i].digits);
		if (t[i].rc == ST_OK) {
			assert_int_equal(bc.err.n, 0);
			assert_int_equal(bc.upce, t[i].upce);
			assert_true(bc.valid);
		} else {
			assert_int_equal(bc.err.n, 1);
			assert_false(bc.valid);
			if (!strstr(bc.err.msg[0], t[i].err))
				fail_msg("'%s': error '%s' lacks '%s'", t[i].in, bc.err.msg[0],
					 t[i].err);
		}
	}
}

static void gtin_parse__reads_only_n_bytes(void **state)
{
	/* Inputs are not NUL-terminated: a valid GTIN-13 followed by garbage
	 * that is not part of the scan. */
	static const char buf[] = "4006381333931XYZ";

	(void)state;
	memset(&bc, 0, sizeof(bc));
	assert_int_equal(st_gtin_parse(&bc, buf, 13, false), ST_OK);
	assert_string_equal(bc.gtin, "04006381333931");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_digit__table),
		cmocka_unit_test(upce_expand__table),
		cmocka_unit_test(gtin_parse__table),
		cmocka_unit_test(gtin_parse__reads_only_n_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
