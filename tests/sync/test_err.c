/* Every error code of the sync library has a description of its own (STYLE.md
 * section 3): a code added to enum sy_err without one fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sy/err.h"
#include "common/testutil.h"

static const int codes[] = {
	SY_OK,
	SY_ERR_NOMEM,
	SY_ERR_ARG,
	SY_ERR_IO,
	SY_ERR_TIMEOUT,
	SY_ERR_BUG,
	SY_ERR_HTTP,
	SY_ERR_PROTO,
	SY_ERR_AUTH,
	SY_ERR_TLS,
	SY_ERR_CANCELLED,
	SY_ERR_CONNECT,
	SY_ERR_REJECTED,
};

static void strerror__every_code_described(void **state)
{
	(void)state;
	qc_check_strerror(sy_strerror, codes, sizeof(codes) / sizeof(codes[0]));
}

static void strerror__shared_codes_agree(void **state)
{
	(void)state;
	/* The shared codes have fixed values in all four libraries. */
	assert_int_equal(SY_ERR_NOMEM, -1);
	assert_int_equal(SY_ERR_ARG, -2);
	assert_int_equal(SY_ERR_IO, -3);
	assert_int_equal(SY_ERR_TIMEOUT, -4);
	assert_int_equal(SY_ERR_BUG, -5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strerror__every_code_described),
		cmocka_unit_test(strerror__shared_codes_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
