/* lb/zplcheck.h: a carrier's ZPL document against the printer's resolution
 * and label width (../shared/notes/labels-and-sync.md, A1: a 4x6 label is
 * ^PW812 ^LL1218 at 203 dpi, ^PW1218 ^LL1827 at 300 dpi). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lb/err.h"
#include "lb/zplcheck.h"

static void check__table(void **state)
{
	static const struct {
		const char *what, *doc;
		int dpi, width;
		int rc;
		enum lb_zpl_fit fit;
		int made_for;
	} t[] = {
		{ "203 on 203", "^XA^PW812^LL1218^FO50,50^FDx^FS^XZ", 203, 812, LB_OK, LB_ZPL_FIT_OK, 0 },
		{ "300 on 300", "^XA^PW1218^LL1827^XZ", 300, 1218, LB_OK, LB_ZPL_FIT_OK, 0 },
		{ "203 on 300: two-thirds size", "^XA^PW812^LL1218^XZ", 300, 1218, LB_OK,
		  LB_ZPL_FIT_OTHER_DPI, 203 },
		{ "300 on 203: cut off", "^XA^PW1218^LL1827^XZ", 203, 812, LB_OK,
		  LB_ZPL_FIT_OTHER_DPI, 300 },
		{ "600 on 300", "^XA^PW2436^XZ", 300, 1218, LB_OK, LB_ZPL_FIT_OTHER_DPI, 600 },
		{ "within 3 percent", "^XA^PW800^XZ", 203, 816, LB_OK, LB_ZPL_FIT_OK, 0 },
		{ "narrower label, same dpi", "^XA^PW406^LL203^XZ", 203, 812, LB_OK, LB_ZPL_FIT_OK, 0 },
		{ "too wide, no dpi matches", "^XA^PW1000^XZ", 203, 812, LB_OK, LB_ZPL_FIT_TOO_WIDE, 0 },
		{ "no ^PW: unknown", "^XA^FO10,10^FDx^FS^XZ", 203, 812, LB_OK, LB_ZPL_FIT_UNKNOWN, 0 },
		{ "lower case commands", "^xa^pw1218^xz", 203, 812, LB_OK, LB_ZPL_FIT_OTHER_DPI,
		  300 },
		{ "^MU converts 200 to 300: fits 300", "^XA^MUd,200,300^PW812^XZ", 300, 1218, LB_OK,
		  LB_ZPL_FIT_OK, 0 },
		{ "^MU converts to 300 on a 203", "^XA^MUD,200,300^PW812^XZ", 203, 812, LB_OK,
		  LB_ZPL_FIT_OTHER_DPI, 300 },
		{ "^MU inches: independent", "^XA^MUi^PW4^XZ", 300, 1218, LB_OK, LB_ZPL_FIT_OK, 0 },
		{ "widest of two formats", "^XA^PW812^XZ^XA^PW1218^XZ", 203, 812, LB_OK,
		  LB_ZPL_FIT_OTHER_DPI, 300 },
		{ "^PW in field data stays data (escaped)", "^XA^PW812^FH^FD_5EPW1218^FS^XZ", 203,
		  812, LB_OK, LB_ZPL_FIT_OK, 0 },
		{ "not ZPL", "%PDF-1.4", 203, 812, LB_ERR_PROTO, LB_ZPL_FIT_OK, 0 },
		{ "bad dpi", "^XA^XZ", 250, 812, LB_ERR_ARG, LB_ZPL_FIT_OK, 0 },
		{ "bad width", "^XA^XZ", 203, 0, LB_ERR_ARG, LB_ZPL_FIT_OK, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lb_zpl_geom g;

		print_message("zplcheck: %s\n", t[i].what);
		memset(&g, 0, sizeof(g));
		assert_int_equal(lb_zpl_check_resolution((const uint8_t *)t[i].doc,
							 strlen(t[i].doc), t[i].dpi, t[i].width,
							 &g),
				 t[i].rc);
		if (t[i].rc != LB_OK)
			continue;
		assert_int_equal(g.fit, t[i].fit);
		if (t[i].fit == LB_ZPL_FIT_OTHER_DPI)
			assert_int_equal(g.made_for_dpi, t[i].made_for);
		assert_int_equal(g.why[0] != '\0', t[i].fit != LB_ZPL_FIT_OK);
	}
}

static void check__message_says_the_size(void **state)
{
	static const char doc[] = "^XA^PW812^LL1218^XZ";
	struct lb_zpl_geom g;

	(void)state;
	assert_int_equal(lb_zpl_check_resolution((const uint8_t *)doc, sizeof(doc) - 1, 300, 1218,
						 &g),
			 LB_OK);
	assert_int_equal(g.pw_dots, 812);
	assert_int_equal(g.ll_dots, 1218);
	assert_string_equal(g.why, "made for 203 dpi (^PW812), but the printer is 300 dpi: it"
				   " would print at 66% size");
}

static void dpmm__values(void **state)
{
	(void)state;
	assert_int_equal(lb_dpi_dpmm(203), 8);
	assert_int_equal(lb_dpi_dpmm(300), 12);
	assert_int_equal(lb_dpi_dpmm(600), 24);
	assert_int_equal(lb_dpi_dpmm(100), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check__table),
		cmocka_unit_test(check__message_says_the_size),
		cmocka_unit_test(dpmm__values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
