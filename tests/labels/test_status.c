/* lb/status.h: the ~HS and ~HQES reply parser, with byte vectors in the
 * shape of the ZPL II manual's ~HS and ~HQES examples (three STX..ETX
 * CR LF strings; one frame with ERRORS / WARNINGS words). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lb/err.h"
#include "lb/status.h"

#define HS1_OK "\x02" "030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n"
#define HS2_OK "\x02" "000,0,0,0,0,2,6,0,00000000,1,000\x03\r\n"
#define HS3 "\x02" "1234,0\x03\r\n"
#define HS_OK HS1_OK HS2_OK HS3
#define HQES(e)                                                                      \
	"\x02\r\n  PRINTER STATUS\r\n   ERRORS:         " e "\r\n"                   \
	"   WARNINGS:       0 00000000 00000000\r\n\x03\r\n"

static void parse__table(void **state)
{
	static const struct {
		const char *what, *in;
		int rc;
		bool hs, hqes, ready;
		unsigned flags;
	} t[] = {
		{ "hs ready", HS_OK, LB_OK, true, false, true, 0 },
		{ "hs paper out", "\x02" "030,1,0,1218,000,0,0,0,000,0,0,0\x03\r\n" HS2_OK HS3, LB_OK,
		  true, false, false, LB_ST_PAPER_OUT },
		{ "hs paused + buffer full",
		  "\x02" "030,0,1,1218,005,1,0,0,000,0,0,0\x03\r\n" HS2_OK HS3, LB_OK, true, false,
		  false, LB_ST_PAUSED | LB_ST_BUFFER_FULL },
		{ "hs head open + ribbon out",
		  HS1_OK "\x02" "000,0,1,1,0,2,6,0,00000000,1,000\x03\r\n" HS3, LB_OK, true, false,
		  false, LB_ST_HEAD_OPEN | LB_ST_RIBBON_OUT },
		{ "hs temperatures, ram",
		  "\x02" "030,0,0,1218,000,0,0,0,000,1,1,1\x03\r\n" HS2_OK HS3, LB_OK, true, false,
		  false, LB_ST_RAM_CORRUPT | LB_ST_UNDER_TEMP | LB_ST_OVER_TEMP },
		{ "hqes ready", HQES("0 00000000 00000000"), LB_OK, false, true, true, 0 },
		{ "hqes media out + head open", HQES("1 00000000 00000005"), LB_OK, false, true, false,
		  LB_ST_PAPER_OUT | LB_ST_HEAD_OPEN },
		{ "hqes ribbon, cutter", HQES("1 00000000 0000000A"), LB_OK, false, true, false,
		  LB_ST_RIBBON_OUT | LB_ST_CUTTER },
		{ "hqes temps, head", HQES("1 00000000 000000f0"), LB_OK, false, true, false,
		  LB_ST_OVER_TEMP | LB_ST_MOTOR_TEMP | LB_ST_HEAD_FAULT },
		{ "hqes unknown bit", HQES("1 00000000 00010000"), LB_OK, false, true, false,
		  LB_ST_OTHER_ERROR },
		{ "hqes flag without bits", HQES("1 00000000 00000000"), LB_OK, false, true, false,
		  LB_ST_OTHER_ERROR },
		{ "both, hqes first", HQES("0 00000000 00000000") HS_OK, LB_OK, true, true, true, 0 },
		{ "both, paper out in hs only",
		  "\x02" "030,1,0,1218,000,0,0,0,000,0,0,0\x03\r\n" HS2_OK HS3
			  HQES("0 00000000 00000000"),
		  LB_OK, true, true, false, LB_ST_PAPER_OUT },
		{ "noise and bare line ends", "\r\n\r\nxx" HS_OK "\n", LB_OK, true, false, true, 0 },
		{ "two of three hs strings", HS1_OK HS2_OK, LB_OK, false, false, false, 0 },
		{ "cut mid-frame", HS1_OK HS2_OK "\x02" "12", LB_OK, false, false, false, 0 },
		{ "nothing", "", LB_OK, false, false, false, 0 },
		{ "hs 1 short", "\x02" "030,0,0,1218\x03" HS2_OK HS3, LB_ERR_PROTO, false, false, false, 0 },
		{ "hs flag not 0/1", "\x02" "030,2,0,1218,000,0,0,0,000,0,0,0\x03" HS2_OK HS3,
		  LB_ERR_PROTO, false, false, false, 0 },
		{ "hs number not digits", "\x02" "030,0,0,12x8,000,0,0,0,000,0,0,0\x03" HS2_OK HS3,
		  LB_ERR_PROTO, false, false, false, 0 },
		{ "fourth hs string", HS_OK HS3, LB_ERR_PROTO, false, false, false, 0 },
		{ "two hqes", HQES("0 00000000 00000000") HQES("0 00000000 00000000"),
		  LB_ERR_PROTO, false, false, false, 0 },
		{ "hqes bad hex", HQES("1 00000000 0000000G"), LB_ERR_PROTO, false, false, false, 0 },
		{ "hqes no warnings", "\x02 ERRORS: 0 00000000 00000000\x03", LB_ERR_PROTO, false, false, false, 0 },
		{ "stx inside a frame", "\x02" "030,\x02" "0\x03", LB_ERR_PROTO, false, false, false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lb_status st;

		print_message("status: %s\n", t[i].what);
		memset(&st, 0x55, sizeof(st));
		assert_int_equal(lb_status_parse((const uint8_t *)t[i].in, strlen(t[i].in), &st),
				 t[i].rc);
		if (t[i].rc != LB_OK) {
			assert_int_equal(st.flags, 0x55555555u); /* untouched */
			continue;
		}
		assert_int_equal(st.have_hs, t[i].hs);
		assert_int_equal(st.have_hqes, t[i].hqes);
		assert_int_equal(st.flags, t[i].flags);
		assert_int_equal(lb_status_ready(&st), t[i].ready);
	}
}

static void parse__hs_details(void **state)
{
	static const char in[] = "\x02" "030,0,0,1218,003,0,0,1,000,0,0,0\x03\r\n"
				 "\x02" "000,0,0,0,1,2,6,0,00000042,1,000\x03\r\n" HS3;
	struct lb_status st;

	(void)state;
	assert_int_equal(lb_status_parse((const uint8_t *)in, sizeof(in) - 1, &st), LB_OK);
	assert_int_equal(st.label_length_dots, 1218);
	assert_int_equal(st.formats_queued, 3);
	assert_true(st.partial_format);
	assert_true(st.thermal_transfer);
	assert_int_equal(st.labels_remaining, 42);
}

/* A reply read in pieces: every prefix parses, and only the whole is
 * whole. */
static void parse__every_prefix(void **state)
{
	static const char in[] = HS_OK HQES("1 00000000 00000001");
	size_t n = sizeof(in) - 1;

	(void)state;
	for (size_t k = 0; k <= n; k++) {
		struct lb_status st;

		assert_int_equal(lb_status_parse((const uint8_t *)in, k, &st), LB_OK);
		assert_int_equal(st.have_hs && st.have_hqes, k >= n - 2); /* CR LF may trail */
	}
}

static void parse__bounded(void **state)
{
	uint8_t big[LB_STATUS_FRAME_MAX + 8];
	struct lb_status st;

	(void)state;
	memset(big, '0', sizeof(big));
	big[0] = 0x02;
	/* An unended frame longer than the cap is refused before its end. */
	assert_int_equal(lb_status_parse(big, sizeof(big), &st), LB_ERR_PROTO);
	assert_int_equal(lb_status_parse(NULL, 0, &st), LB_OK);
	assert_int_equal(lb_status_parse(NULL, 3, &st), LB_ERR_ARG);
	assert_int_equal(lb_status_parse(big, 1, NULL), LB_ERR_ARG);
}

static void describe__people_and_json(void **state)
{
	struct lb_status st;
	char buf[64], tiny[8];

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_string_equal(lb_status_describe(&st, buf, sizeof(buf)), "no answer");
	assert_false(lb_status_ready(&st));
	st.have_hs = true;
	assert_string_equal(lb_status_describe(&st, buf, sizeof(buf)), "ready");
	st.flags = LB_ST_PAPER_OUT | LB_ST_HEAD_OPEN;
	assert_string_equal(lb_status_describe(&st, buf, sizeof(buf)), "paper out, head open");
	assert_string_equal(lb_status_describe(&st, tiny, sizeof(tiny)), "paper o");
	assert_string_equal(lb_status_flag_name(LB_ST_PAPER_OUT), "paper_out");
	assert_string_equal(lb_status_flag_name(LB_ST_RIBBON_OUT), "ribbon_out");
	assert_string_equal(lb_status_flag_name(3), "unknown");
	for (unsigned b = 0; b < LB_ST_FLAG_COUNT; b++) {
		assert_string_not_equal(lb_status_flag_name(1u << b), "unknown");
		assert_string_not_equal(lb_status_flag_text(1u << b), "unknown");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse__table),
		cmocka_unit_test(parse__hs_details),
		cmocka_unit_test(parse__every_prefix),
		cmocka_unit_test(parse__bounded),
		cmocka_unit_test(describe__people_and_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
