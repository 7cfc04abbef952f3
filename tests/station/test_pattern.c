/* The pattern language of the brand's own codes (docs/barcodes.md): what a
 * warehouse lead writes in the config must match exactly what it says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "st/barcode.h"
#include "st/err.h"

static void pattern_match__table(void **state)
{
	static const struct {
		const char *pat, *s;
		int match;
	} t[] = {
		{ "ORD-#{4,10}", "ORD-1001", 1 },
		{ "ORD-#{4,10}", "ORD-1234567890", 1 },
		{ "ORD-#{4,10}", "ORD-12345678901", 0 }, /* 11 digits */
		{ "ORD-#{4,10}", "ORD-123", 0 },
		{ "ORD-#{4,10}", "ORD-12A4", 0 },
		{ "ORD-#{4,10}", "XORD-1234", 0 },
		{ "SN#{8}", "SN00001001", 1 },
		{ "SN#{8}", "SN0000100", 0 },
		{ "SN#{8}", "SN000010011", 0 },
		{ "BIN-*{1,12}", "BIN-A1", 1 },
		{ "BIN-*{1,12}", "BIN-", 0 },
		{ "BIN-*{1,12}", "BIN-a-1", 0 },
		{ "@{2}#", "AB7", 1 },
		{ "@{2}#", "Ab7", 0 },
		{ "#{2,3}#{2}", "1234", 1 },   /* backtracking: 2 + 2 */
		{ "#{2,3}#{2}", "12345", 1 },  /* 3 + 2 */
		{ "#{2,3}#{2}", "123", 0 },
		{ "\\#*", "#A", 1 },           /* quoted literal */
		{ "\\#*", "1A", 0 },
		{ "", "", 0 },                 /* empty pattern disables the kind */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(st_bc_pattern_match(t[i].pat, t[i].s, strlen(t[i].s)), t[i].match);
}

static void pattern_check__rejects_bad_syntax_with_position(void **state)
{
	static const char *const bad[] = { "ORD-#{0}", "ORD-#{4,2}", "ORD-#{4", "X{3}", "A\\",
					   "#{65}", "#{1,x}" };
	char err[160];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(st_bc_pattern_check(bad[i], err, sizeof(err)), ST_ERR_PARSE);
		assert_non_null(strstr(err, bad[i]));
	}
	assert_int_equal(st_bc_pattern_check("ORD-#{4,10}", err, sizeof(err)), ST_OK);
}

static void pattern_defaults__are_valid(void **state)
{
	const struct st_bc_patterns *p = st_bc_patterns_default();
	(void)state;
	assert_int_equal(st_bc_pattern_check(p->order, NULL, 0), ST_OK);
	assert_int_equal(st_bc_pattern_check(p->rma, NULL, 0), ST_OK);
	assert_int_equal(st_bc_pattern_check(p->serial, NULL, 0), ST_OK);
	assert_int_equal(st_bc_pattern_check(p->bin, NULL, 0), ST_OK);
	assert_int_equal(st_bc_pattern_check(p->badge, NULL, 0), ST_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pattern_match__table),
		cmocka_unit_test(pattern_check__rejects_bad_syntax_with_position),
		cmocka_unit_test(pattern_defaults__are_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
