/* Carrier tracking numbers (station/barcode/tracking.c): every recognised
 * form with real or carrier-published sample numbers, wrong check digits with
 * the digit the error must name, and shapes that are no tracking number.
 * Every expected check digit was worked out by hand or with an independent
 * script from the algorithms in docs/internals/tracking.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "barcode-int.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct st_bc bc; /* about 12 KiB: one for all tests, as the classifier keeps one */

static int parse(const char *s, size_t n)
{
	memset(&bc, 0, sizeof(bc));
	return st_tracking_parse(&bc, s, n);
}

static int parse_str(const char *s)
{
	return parse(s, strlen(s));
}

struct valid_case {
	const char *in;
	enum st_bc_carrier carrier;
	const char *service;
	const char *id;      /* NULL: same as in */
	bool two_readings;   /* the form has two check digit readings */
};

#define GS "\x1d"

static const struct valid_case valid[] = {
	/* UPS: the widely published UPS sample number and four sample numbers
	 * of the tracking_number_data project. */
	{ "1Z999AA10123456784", ST_CARRIER_UPS, "UPS", NULL, false },
	{ "1Z5R89390357567127", ST_CARRIER_UPS, "UPS", NULL, false },
	{ "1Z879E930346834440", ST_CARRIER_UPS, "UPS", NULL, false },
	{ "1Z410E7W0392751591", ST_CARRIER_UPS, "UPS", NULL, false },
	{ "1Z8V92A70367203024", ST_CARRIER_UPS, "UPS", NULL, false },
	/* FedEx Express, 12 digits (mod 11; 974367662710 has remainder 10). */
	{ "986578788855", ST_CARRIER_FEDEX, "FedEx Express (12)", NULL, false },
	{ "477179081230", ST_CARRIER_FEDEX, "FedEx Express (12)", NULL, false },
	{ "799531274483", ST_CARRIER_FEDEX, "FedEx Express (12)", NULL, false },
	{ "790535312317", ST_CARRIER_FEDEX, "FedEx Express (12)", NULL, false },
	{ "974367662710", ST_CARRIER_FEDEX, "FedEx Express (12)", NULL, false },
	/* FedEx Ground, 15 digits (449044304137821: a FedEx web services test
	 * number). */
	{ "449044304137821", ST_CARRIER_FEDEX, "FedEx Ground (15)", NULL, false },
	{ "041441760228964", ST_CARRIER_FEDEX, "FedEx Ground (15)", NULL, false },
	{ "568283610012734", ST_CARRIER_FEDEX, "FedEx Ground (15)", NULL, false },
	{ "00000123450000000027", ST_CARRIER_FEDEX, "FedEx SSCC-18 (20)", NULL, false },
	{ "9611020987654312345672", ST_CARRIER_FEDEX, "FedEx Ground 96 (22)", NULL, false },
	{ "9622001900000000000000776632517510", ST_CARRIER_FEDEX, "FedEx Ground 96 (34)", NULL,
	  false },
	{ "9632001560123456789900794808390594", ST_CARRIER_FEDEX, "FedEx Ground 96 (34)", NULL,
	  false },
	{ "1001921334250001000300779017972697", ST_CARRIER_FEDEX, "FedEx Express (34)", NULL,
	  false },
	{ "1002297871540001000300790695517286", ST_CARRIER_FEDEX, "FedEx Express (34)", NULL,
	  false },
	/* USPS IMpb without routing code: channels 91 to 95, 22 and 26 digits. */
	{ "9400111201080805483016", ST_CARRIER_USPS, "USPS IMpb (22)", NULL, false },
	{ "9361289878700317633795", ST_CARRIER_USPS, "USPS IMpb (22)", NULL, false },
	{ "9405803699300124287899", ST_CARRIER_USPS, "USPS IMpb (22)", NULL, false },
	{ "9505511069605048600624", ST_CARRIER_USPS, "USPS IMpb (22)", NULL, false },
	{ "9101123456789000000013", ST_CARRIER_USPS, "USPS IMpb (22)", NULL, false },
	{ "9261292700768711948021", ST_CARRIER_USPS, "USPS IMpb (22)", NULL, false },
	{ "92748931507708513018050063", ST_CARRIER_USPS, "USPS IMpb (26)", NULL, false },
	/* With the 420 + ZIP routing code of the barcode, with and without the
	 * FNC1 (GS) a GS1-128 scanner sends after the ZIP. */
	{ "420221539101026837331000039521", ST_CARRIER_USPS, "USPS IMpb ZIP+22 (30)", NULL,
	  false },
	{ "42022153" GS "9101026837331000039521", ST_CARRIER_USPS, "USPS IMpb ZIP+22 (30)",
	  "420221539101026837331000039521", false },
	{ "4201002334249200190132607600833457", ST_CARRIER_USPS, "USPS IMpb ZIP+4+22 (34)", NULL,
	  false },
	{ "420100233424" GS "9200190132607600833457", ST_CARRIER_USPS,
	  "USPS IMpb ZIP+4+22 (34)", "4201002334249200190132607600833457", false },
	{ "4201028200009261290113185417468510", ST_CARRIER_USPS, "USPS IMpb ZIP+4+22 (34)", NULL,
	  false },
	/* 420 + ZIP + 26 digits and 420 + ZIP+4 + 26 digits (made from the
	 * 26-digit sample above, check digit unchanged: the routing code is
	 * outside it). */
	{ "4202215392748931507708513018050063", ST_CARRIER_USPS, "USPS IMpb ZIP+26 (34)", NULL,
	  false },
	{ "42022153" GS "92748931507708513018050063", ST_CARRIER_USPS, "USPS IMpb ZIP+26 (34)",
	  "4202215392748931507708513018050063", false },
	{ "42022153123492748931507708513018050063", ST_CARRIER_USPS, "USPS IMpb ZIP+4+26 (38)",
	  NULL, false },
	/* Legacy 20-digit numbers, with and without the AI 91 in the sum. */
	{ "03071790000523483741", ST_CARRIER_USPS, "USPS (20)", NULL, true },
	{ "71969010756003077385", ST_CARRIER_USPS, "USPS (20, AI 91)", NULL, true },
	/* Normalised: spaces dropped, upper case. */
	{ "1z 999 aa1 0123 456 784", ST_CARRIER_UPS, "UPS", "1Z999AA10123456784", false },
	{ "1z5r89390357567127", ST_CARRIER_UPS, "UPS", "1Z5R89390357567127", false },
	{ "9400 1112 0108 0805 4830 16", ST_CARRIER_USPS, "USPS IMpb (22)",
	  "9400111201080805483016", false },
	{ " 4490 4430 4137 821 ", ST_CARRIER_FEDEX, "FedEx Ground (15)", "449044304137821",
	  false },
};

static void tracking_parse__valid_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEM(valid); i++) {
		const struct valid_case *v = &valid[i];

		if (parse_str(v->in) != ST_OK)
			fail_msg("%s: %s", v->in, bc.err.n ? bc.err.msg[0] : "not found");
		assert_int_equal(bc.err.n, 0);
		assert_int_equal(bc.carrier, v->carrier);
		assert_string_equal(bc.service, v->service);
		assert_string_equal(bc.id, v->id ? v->id : v->in);
	}
}

/* Changing the check digit of any valid number is caught, and the error
 * names the digit the number really had. */
static void tracking_parse__wrong_check_digit_names_expected(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ELEM(valid); i++) {
		const struct valid_case *v = &valid[i];
		char buf[64], want[96];
		size_t n = strlen(v->in);
		size_t last = n - 1;
		char orig;

		if (v->two_readings)
			continue; /* their messages are checked one by one below */
		while (v->in[last] == ' ')
			last--;
		orig = v->in[last];
		memcpy(buf, v->in, n);
		buf[last] = (char)('0' + (orig - '0' + 1) % 10);
		if (parse(buf, n) != ST_ERR_PARSE)
			fail_msg("%.*s: wrong check digit not caught", (int)n, buf);
		assert_int_equal(bc.err.n, 1);
		assert_int_equal(bc.carrier, v->carrier);
		snprintf(want, sizeof(want), ": check digit should be %c, not %c", orig, buf[last]);
		if (!strstr(bc.err.msg[0], want))
			fail_msg("%s: '%s' lacks '%s'", v->in, bc.err.msg[0], want);
	}
}

static void tracking_parse__error_messages(void **state)
{
	static const struct {
		const char *in, *msg;
	} t[] = {
		{ "1Z999AA10123456785",
		  "UPS tracking number 1Z999AA10123456785: check digit should be 4, not 5" },
		/* one data character changed (6 to 7) */
		{ "1Z999AA10123457784",
		  "UPS tracking number 1Z999AA10123457784: check digit should be 3, not 4" },
		/* a letter where the check digit goes */
		{ "1Z999AA1012345678X",
		  "UPS tracking number 1Z999AA1012345678X: check digit should be 4, not X" },
		{ "986578788865",
		  "FedEx tracking number 986578788865: check digit should be 6, not 5" },
		{ "449044304137831",
		  "FedEx tracking number 449044304137831: check digit should be 8, not 1" },
		/* a sample number widely used in other projects' test data; its
		 * check digit is wrong */
		{ "9400111899223197428490",
		  "USPS tracking number 9400111899223197428490: check digit should be 7, not 0" },
		{ "03071790000523483742",
		  "USPS tracking number 03071790000523483742: check digit should be 1 (as "
		  "printed) or 3 (with the legacy AI 91), not 2" },
		{ "4202215392748931507708513018050064",
		  "USPS tracking number 4202215392748931507708513018050064: check digit should "
		  "be 3, not 4" },
	};
	(void)state;
	for (size_t i = 0; i < N_ELEM(t); i++) {
		assert_int_equal(parse_str(t[i].in), ST_ERR_PARSE);
		assert_int_equal(bc.err.n, 1);
		assert_false(bc.valid);
		assert_string_equal(bc.err.msg[0], t[i].msg);
	}
}

/* 420 + ZIP+4 + 22 digits and 420 + ZIP + 26 digits are both 34 digits
 * long; when both shapes fit and no GS tells them apart, either check digit
 * is accepted and the error names both. */
static void tracking_parse__impb_34_both_readings(void **state)
{
	/* 420, ZIP 95123, then "95" at both offset 8 and offset 12 */
	static const char both_zip4[] = "4209512395129512345678901234567890";
	char buf[40];
	int c22, c26;

	(void)state;
	/* Find the check digit each reading wants by trying all ten. */
	c22 = c26 = -1;
	memcpy(buf, both_zip4, sizeof(both_zip4));
	for (int d = 0; d < 10; d++) {
		buf[33] = (char)('0' + d);
		if (parse(buf, 34) == ST_OK) {
			if (strcmp(bc.service, "USPS IMpb ZIP+26 (34)") == 0)
				c26 = d;
			else if (strcmp(bc.service, "USPS IMpb ZIP+4+22 (34)") == 0)
				c22 = d;
		}
	}
	/* Worked by hand: the weighted sum of the 22-digit number is 222
	 * (wants 8); the 26-digit one adds 9*3 + 5*1 + 1*3 + 2*1 = 37 for the
	 * "9512" (259, wants 1). */
	assert_int_equal(c22, 8);
	assert_int_equal(c26, 1);
	buf[33] = '5';
	assert_int_equal(parse(buf, 34), ST_ERR_PARSE);
	assert_string_equal(bc.err.msg[0],
			    "USPS tracking number 4209512395129512345678901234567895: check digit "
			    "should be 1 (after a 5-digit ZIP) or 8 (after a ZIP+4), not 5");
	/* A GS after the ZIP+4 leaves one reading. */
	assert_int_equal(parse_str("420951239512" GS "9512345678901234567890"), ST_ERR_PARSE);
	assert_string_equal(bc.err.msg[0],
			    "USPS tracking number 4209512395129512345678901234567890: check digit "
			    "should be 8, not 0");
}

static void tracking_parse__not_a_tracking_number(void **state)
{
	static const char *const t[] = {
		"",
		"12345678901",                 /* 11 digits */
		"1234567890123",               /* 13: an EAN-13 is not ours */
		"12345678901234",              /* 14 */
		"1234567890123456",            /* 16 */
		"12345678901234567",           /* 17 */
		"123456789012345678",          /* 18 */
		"123456789012345678901",       /* 21 */
		"9711020987654312345672",      /* 22 but neither 96 nor 91-95 */
		"9011020987654312345672",      /* 22, channel 90 does not exist */
		"96748931507708513018050063",  /* 26 but not an IMpb channel */
		"1234567890123456789012345678901234", /* 34, neither 96, 100 nor 420 */
		"420221539001026837331000039521",     /* 420 + ZIP + no channel */
		"4202215391010268373310000395211234567", /* 37 */
		"123456789012345678901234567890123456789", /* 39: too long */
		"1Z999AA1012345678",           /* UPS shape, 17 characters */
		"1Z999AA101234567845",         /* 19 */
		"1Z999AA1-0123456784",         /* punctuation */
		"2Z5R89390357567127",
		"1A5R89390357567127",
		"98657878885A",                /* letter in a FedEx number */
		"98657-8788855",
		"986578788855\n",              /* control characters are not spaces */
		"9865787\t88855",
		GS "449044304137821",           /* a GS outside a 420 form */
		"449044" GS "304137821",
		"42022153" GS "91010268373310000" GS "39521",
		"420221539101" GS "026837331000039521", /* GS not after the ZIP */
		"            ",
	};
	(void)state;
	for (size_t i = 0; i < N_ELEM(t); i++) {
		if (parse_str(t[i]) != ST_ERR_NOTFOUND)
			fail_msg("'%s' was taken for a tracking number", t[i]);
		assert_int_equal(bc.err.n, 0);
		assert_int_equal(bc.carrier, ST_CARRIER_NONE);
		assert_string_equal(bc.id, "");
	}
}

/* Only s[0..n) is read: the input need not be NUL-terminated and may go on
 * past n. */
static void tracking_parse__reads_only_n_bytes(void **state)
{
	static const char unterminated[18] = { '1', 'Z', '9', '9', '9', 'A', 'A', '1', '0',
					       '1', '2', '3', '4', '5', '6', '7', '8', '4' };
	(void)state;
	assert_int_equal(parse(unterminated, sizeof(unterminated)), ST_OK);
	assert_string_equal(bc.id, "1Z999AA10123456784");
	assert_int_equal(parse("1Z999AA10123456784 and more", 18), ST_OK);
	assert_int_equal(parse("449044304137821999", 15), ST_OK);
	assert_string_equal(bc.id, "449044304137821");
	assert_int_equal(parse("449044304137821", 14), ST_ERR_NOTFOUND);
	assert_int_equal(parse(NULL, 0), ST_ERR_NOTFOUND);
}

/* The classifier hands over whole scans of up to ST_BC_INPUT_MAX bytes;
 * spaces around a number are still dropped, and a long scan is no number. */
static void tracking_parse__long_inputs(void **state)
{
	static char buf[ST_BC_INPUT_MAX];
	static const char num[] = "1Z999AA10123456784";

	(void)state;
	memset(buf, ' ', sizeof(buf));
	memcpy(buf + 2000, num, strlen(num));
	assert_int_equal(parse(buf, sizeof(buf)), ST_OK);
	assert_string_equal(bc.id, num);
	memset(buf, '7', sizeof(buf));
	assert_int_equal(parse(buf, sizeof(buf)), ST_ERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tracking_parse__valid_numbers),
		cmocka_unit_test(tracking_parse__wrong_check_digit_names_expected),
		cmocka_unit_test(tracking_parse__error_messages),
		cmocka_unit_test(tracking_parse__impb_34_both_readings),
		cmocka_unit_test(tracking_parse__not_a_tracking_number),
		cmocka_unit_test(tracking_parse__reads_only_n_bytes),
		cmocka_unit_test(tracking_parse__long_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
