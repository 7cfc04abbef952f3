/* Every error code of the labels library has a description of its own (STYLE.md
 * section 3): a code added to enum lb_err without one fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lb/err.h"
#include "common/testutil.h"

static const int codes[] = {
	LB_OK,
	LB_ERR_NOMEM,
	LB_ERR_ARG,
	LB_ERR_IO,
	LB_ERR_TIMEOUT,
	LB_ERR_BUG,
	LB_ERR_RANGE,
	LB_ERR_TEMPLATE,
	LB_ERR_VERIFY,
	LB_ERR_AGAIN,
	LB_ERR_PROTO,
	LB_ERR_NA,
	LB_ERR_NODEV,
	LB_ERR_REFUSED,
};

static void strerror__every_code_described(void **state)
{
	(void)state;
	qc_check_strerror(lb_strerror, codes, sizeof(codes) / sizeof(codes[0]));
}

static void strerror__shared_codes_agree(void **state)
{
	(void)state;
	/* The shared codes have fixed values in all four libraries. */
	assert_int_equal(LB_ERR_NOMEM, -1);
	assert_int_equal(LB_ERR_ARG, -2);
	assert_int_equal(LB_ERR_IO, -3);
	assert_int_equal(LB_ERR_TIMEOUT, -4);
	assert_int_equal(LB_ERR_BUG, -5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strerror__every_code_described),
		cmocka_unit_test(strerror__shared_codes_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
