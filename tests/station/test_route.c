/* The idle-state router (st/route.h) is pure: every kind of code, with and
 * without an operator logged in, against the action the station must take. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "st/barcode.h"
#include "st/route.h"

static void route(const char *code, bool logged_in, struct st_route *r, struct st_bc *bc)
{
	st_bc_parse(code, strlen(code), NULL, bc);
	st_route_scan(bc, logged_in, r);
}

static void route__every_kind_logged_in_and_out(void **state)
{
	static const struct {
		const char *code;
		enum st_action in, out;   /* logged in / not logged in */
		const char *code_in, *key;
	} t[] = {
		{ "BADGE-0001", ST_ACT_LOGIN, ST_ACT_LOGIN, NULL, "BADGE-0001" },
		{ "badge-0001", ST_ACT_LOGIN, ST_ACT_LOGIN, NULL, "BADGE-0001" }, /* Caps Lock */
		{ "ORD-100231", ST_ACT_SHOW_ORDER, ST_ACT_REJECT, NULL, "ORD-100231" },
		{ "SN00001001", ST_ACT_SHOW_ITEM, ST_ACT_REJECT, NULL, "SN00001001" },
		{ "ORD-100231/2", ST_ACT_SHOW_LINE, ST_ACT_REJECT, NULL, "ORD-100231" },
		{ "09501101020917", ST_ACT_SHOW_PRODUCT, ST_ACT_REJECT, NULL, "09501101020917" },
		{ "]C1010950110102091721SN00001001", ST_ACT_SHOW_ITEM, ST_ACT_REJECT, NULL, "SN00001001" },
		{ "CMD-LOGOUT", ST_ACT_LOGOUT, ST_ACT_REJECT, NULL, NULL },
		{ "CMD-PASS", ST_ACT_REJECT, ST_ACT_REJECT, "no_task", NULL },
		{ "RMA-2001", ST_ACT_NOTICE, ST_ACT_REJECT, "no_workflow", NULL },
		{ "BIN-A1", ST_ACT_NOTICE, ST_ACT_REJECT, "no_workflow", NULL },
		{ "1Z999AA10123456784", ST_ACT_NOTICE, ST_ACT_REJECT, "no_workflow", NULL },
		{ "09501101020916", ST_ACT_REJECT, ST_ACT_REJECT, "bad_barcode", NULL },
		{ "hello world", ST_ACT_REJECT, ST_ACT_REJECT, "bad_barcode", NULL },
		{ "CMD-FLY", ST_ACT_REJECT, ST_ACT_REJECT, "bad_barcode", NULL },
	};
	static struct st_bc bc;
	struct st_route r;
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		route(t[i].code, true, &r, &bc);
		if (r.act != t[i].in)
			fail_msg("%s logged in: action %d, want %d (%s)", t[i].code, r.act, t[i].in,
				 r.msg);
		if (t[i].code_in)
			assert_string_equal(r.code, t[i].code_in);
		if (t[i].key)
			assert_string_equal(r.key, t[i].key);
		route(t[i].code, false, &r, &bc);
		if (r.act != t[i].out)
			fail_msg("%s logged out: action %d, want %d", t[i].code, r.act, t[i].out);
		if (r.act == ST_ACT_REJECT)
			assert_true(strlen(r.msg) > 0);
	}
}

static void route__not_logged_in_says_badge(void **state)
{
	static struct st_bc bc;
	struct st_route r;
	(void)state;
	route("ORD-100231", false, &r, &bc);
	assert_string_equal(r.code, "login_required");
	assert_non_null(strstr(r.msg, "badge"));
}

static void route__invalid_code_message_is_the_parsers(void **state)
{
	static struct st_bc bc;
	struct st_route r;
	(void)state;
	route("09501101020916", true, &r, &bc);
	assert_string_equal(r.code, "bad_barcode");
	assert_string_equal(r.msg, bc.err.msg[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route__every_kind_logged_in_and_out),
		cmocka_unit_test(route__not_logged_in_says_badge),
		cmocka_unit_test(route__invalid_code_message_is_the_parsers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
