/* Every error code of the firmware-host library has a description of its own (STYLE.md
 * section 3): a code added to enum fh_err without one fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fh/err.h"
#include "common/testutil.h"

static const int codes[] = {
	FH_OK,
	FH_ERR_NOMEM,
	FH_ERR_ARG,
	FH_ERR_IO,
	FH_ERR_TIMEOUT,
	FH_ERR_BUG,
	FH_ERR_NA,
	FH_ERR_PROTO,
	FH_ERR_AGAIN,
	FH_ERR_NODEV,
};

static void strerror__every_code_described(void **state)
{
	(void)state;
	qc_check_strerror(fh_strerror, codes, sizeof(codes) / sizeof(codes[0]));
}

static void strerror__shared_codes_agree(void **state)
{
	(void)state;
	/* The shared codes have fixed values in all four libraries. */
	assert_int_equal(FH_ERR_NOMEM, -1);
	assert_int_equal(FH_ERR_ARG, -2);
	assert_int_equal(FH_ERR_IO, -3);
	assert_int_equal(FH_ERR_TIMEOUT, -4);
	assert_int_equal(FH_ERR_BUG, -5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strerror__every_code_described),
		cmocka_unit_test(strerror__shared_codes_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
