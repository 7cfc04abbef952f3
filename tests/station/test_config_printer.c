/* [printer] in the station config (station/config/config.c): defaults
 * (the demo folder under the data folder, 203 dpi, 4 inch labels), every
 * key, and errors that name the line and the key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "st/config.h"
#include "st/err.h"

static void printer__defaults(void **state)
{
	struct st_config c;
	char uri[1100];

	(void)state;
	st_config_defaults(&c);
	assert_string_equal(c.printer.name, "label");
	assert_int_equal(c.printer.dpi, 203);
	assert_int_equal(c.printer.width_um, 101600);
	assert_int_equal(st_config_printer_width_dots(&c), 812);
	assert_true(c.printer.status);
	assert_int_equal(c.printer.qc_tag, ST_QC_TAG_NO);
	assert_string_equal(st_config_printer_uri(&c, uri, sizeof(uri)),
			    "dir:/var/lib/qcstation/labels");
}

static void printer__keys(void **state)
{
	static const char ini[] = "[station]\ndata_dir = /srv/qc\n"
				  "[printer]\nname = shipping\nuri = tcp://10.0.0.5:9100\n"
				  "dpi = 300\nlabel_width = 101.6mm\nstatus = off\n"
				  "retry_min_ms = 500\nretry_max_ms = 30000\n"
				  "status_timeout_ms = 2000\nio_timeout_ms = 15000\n"
				  "qc_tag = pass\n";
	struct st_config c;
	char err[300], uri[1100];

	(void)state;
	assert_int_equal(st_config_parse(&c, ini, "t.ini", err, sizeof(err)), ST_OK);
	assert_string_equal(c.printer.name, "shipping");
	assert_string_equal(st_config_printer_uri(&c, uri, sizeof(uri)), "tcp://10.0.0.5:9100");
	assert_int_equal(c.printer.dpi, 300);
	assert_int_equal(st_config_printer_width_dots(&c), 1219);
	assert_false(c.printer.status);
	assert_int_equal(c.printer.retry_min_ms, 500);
	assert_int_equal(c.printer.retry_max_ms, 30000);
	assert_int_equal(c.printer.status_timeout_ms, 2000);
	assert_int_equal(c.printer.io_timeout_ms, 15000);
	assert_int_equal(c.printer.qc_tag, ST_QC_TAG_PASS);
	assert_int_equal(st_config_parse(&c, "[printer]\nlabel_width = 2in\n", "t", err,
					 sizeof(err)),
			 ST_OK);
	assert_int_equal(c.printer.width_um, 50800);
	assert_int_equal(st_config_parse(&c, "[printer]\ndpi = 203\nlabel_width = 812dots\n", "t",
					 err, sizeof(err)),
			 ST_OK);
	assert_int_equal(st_config_printer_width_dots(&c), 812);
}

/* [printer] qc_tag: every value, table-driven. */
static void printer__qc_tag(void **state)
{
	static const struct {
		const char *v;
		enum st_qc_tag want;
	} t[] = {
		{ "pass", ST_QC_TAG_PASS },
		{ "all", ST_QC_TAG_ALL },
		{ "no", ST_QC_TAG_NO },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_config c;
		char ini[80], err[300] = "";

		snprintf(ini, sizeof(ini), "[printer]\nqc_tag = %s\n", t[i].v);
		print_message("qc_tag = %s\n", t[i].v);
		assert_int_equal(st_config_parse(&c, ini, "t", err, sizeof(err)), ST_OK);
		assert_int_equal(c.printer.qc_tag, t[i].want);
	}
}

static void printer__errors(void **state)
{
	static const struct {
		const char *ini, *msg;
	} t[] = {
		{ "[printer]\nuri = lpt1\n", "t:2: 'uri' is tcp://HOST:9100" },
		{ "[printer]\ndpi = 250\n", "t:2: 'dpi' is 152, 203, 300 or 600" },
		{ "[printer]\nlabel_width = 4 inches\n", "t:2: 'label_width' is a width" },
		{ "[printer]\nlabel_width = 900mm\n", "between 5 mm and 300 mm" },
		{ "[printer]\nname = Zebra 1\n", "t:2: 'name' is a-z" },
		{ "[printer]\nstatus = maybe\n", "'status' is on or off" },
		{ "[printer]\nqc_tag = yes\n", "t:2: 'qc_tag' is pass, all or no, not 'yes'" },
		{ "[printer]\nqc_tag = PASS\n", "t:2: 'qc_tag' is pass, all or no" },
		{ "[printer]\nqc_tag =\n", "t:2: 'qc_tag' is pass, all or no" },
		{ "[printer]\ncolour = red\n", "t:2: unknown key 'colour' in [printer]" },
		{ "[printer]\nretry_min_ms = 5000\nretry_max_ms = 1000\n", "retry_max_ms (1000) is "
									 "below retry_min_ms" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_config c;
		char err[300] = "";

		print_message("config: %s", t[i].ini);
		assert_int_equal(st_config_parse(&c, t[i].ini, "t", err, sizeof(err)), ST_ERR_CONFIG);
		assert_non_null(strstr(err, t[i].msg));
		assert_int_equal(c.printer.dpi, 203); /* defaults stand */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printer__defaults),
		cmocka_unit_test(printer__keys),
		cmocka_unit_test(printer__qc_tag),
		cmocka_unit_test(printer__errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
