/* Every error code of the station library has a description of its own (STYLE.md
 * section 3): a code added to enum st_err without one fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "st/err.h"
#include "common/testutil.h"

static const int codes[] = {
	ST_OK,
	ST_ERR_NOMEM,
	ST_ERR_ARG,
	ST_ERR_IO,
	ST_ERR_TIMEOUT,
	ST_ERR_BUG,
	ST_ERR_DB,
	ST_ERR_SCHEMA_NEWER,
	ST_ERR_CORRUPT,
	ST_ERR_BUSY,
	ST_ERR_FULL,
	ST_ERR_PARSE,
	ST_ERR_NOTFOUND,
	ST_ERR_CONFIG,
	ST_ERR_RANGE,
	ST_ERR_READONLY,
	ST_ERR_CONSTRAINT,
};

static void strerror__every_code_described(void **state)
{
	(void)state;
	qc_check_strerror(st_strerror, codes, sizeof(codes) / sizeof(codes[0]));
}

static void strerror__shared_codes_agree(void **state)
{
	(void)state;
	/* The shared codes have fixed values in all four libraries. */
	assert_int_equal(ST_ERR_NOMEM, -1);
	assert_int_equal(ST_ERR_ARG, -2);
	assert_int_equal(ST_ERR_IO, -3);
	assert_int_equal(ST_ERR_TIMEOUT, -4);
	assert_int_equal(ST_ERR_BUG, -5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strerror__every_code_described),
		cmocka_unit_test(strerror__shared_codes_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
