/* st_config_set(): the INI edit behind "qcstation devices bind".  Table
 * tests: text in, text out, byte for byte; then the result must still load
 * as a station config with the role bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "st/config.h"
#include "st/config_write.h"
#include "st/err.h"

static const struct {
	const char *name, *in, *key, *value, *out;
	bool replaced;
	const char *old;
	unsigned removed;
	bool added;
} t[] = {
	{ "empty file: the section is created", "", "qa-bench", "0c2e:0b61:SN1",
	  "[devices]\nqa-bench = 0c2e:0b61:SN1\n", false, "", 0, true },
	{ "no section: appended after a blank line, comments kept",
	  "; bench 3\n[station]\ncode = B3\n", "qa-bench", "0c2e:0b61:SN1",
	  "; bench 3\n[station]\ncode = B3\n\n[devices]\nqa-bench = 0c2e:0b61:SN1\n", false, "", 0,
	  true },
	{ "no final newline: one is added first", "[station]\ncode = B3", "r", "0922:8003@1-3",
	  "[station]\ncode = B3\n\n[devices]\nr = 0922:8003@1-3\n", false, "", 0, true },
	{ "replace: indentation, inline comment and neighbours kept",
	  "[devices]\nusb = on\n  qa-bench =  0c2e:0b61:OLD   ; the old one\npack-scale = "
	  "0922:8003@1-3\n",
	  "qa-bench", "0c2e:0b61:NEW",
	  "[devices]\nusb = on\n  qa-bench = 0c2e:0b61:NEW   ; the old one\npack-scale = "
	  "0922:8003@1-3\n",
	  true, "0c2e:0b61:OLD", 0, false },
	{ "replace a 'key: value' line", "[devices]\nqa-bench: 0c2e:0b61:OLD\n", "qa-bench",
	  "0c2e:0b61:NEW", "[devices]\nqa-bench = 0c2e:0b61:NEW\n", true, "0c2e:0b61:OLD", 0,
	  false },
	{ "add to the section: after its last key, before trailing comments",
	  "[devices]\nusb = on\n; printers below\n\n[buttons]\nbutton1 = PASS\n", "qa-bench",
	  "0c2e:0b61:SN1",
	  "[devices]\nusb = on\nqa-bench = 0c2e:0b61:SN1\n; printers below\n\n[buttons]\nbutton1 = "
	  "PASS\n",
	  false, "", 0, false },
	{ "empty section: right after its header", "[devices]\n[buttons]\nbutton1 = PASS\n", "r",
	  "0c2e:0b61:SN1", "[devices]\nr = 0c2e:0b61:SN1\n[buttons]\nbutton1 = PASS\n", false, "",
	  0, false },
	{ "a role of the same name in another section is not it",
	  "[buttons]\nqa-bench = PASS\n", "qa-bench", "0c2e:0b61:SN1",
	  "[buttons]\nqa-bench = PASS\n\n[devices]\nqa-bench = 0c2e:0b61:SN1\n", false, "", 0, true },
	{ "a longer key with the same start is not it", "[devices]\nqa-bench-2 = 0c2e:0b61:A\n",
	  "qa-bench", "0c2e:0b61:SN1",
	  "[devices]\nqa-bench-2 = 0c2e:0b61:A\nqa-bench = 0c2e:0b61:SN1\n", false, "", 0, false },
	{ "commented-out binding stays a comment",
	  "[devices]\n; qa-bench = 0c2e:0b61:OLD\n# qa-bench = x\n", "qa-bench", "0c2e:0b61:SN1",
	  "[devices]\nqa-bench = 0c2e:0b61:SN1\n; qa-bench = 0c2e:0b61:OLD\n# qa-bench = x\n", false,
	  "", 0, false },
	{ "duplicates in two blocks: the first rewritten, the later removed",
	  "[devices]\nqa-bench = A\n[qc]\nchecklists = /x\n[devices]\nusb = on\nqa-bench = B\n",
	  "qa-bench", "0c2e:0b61:SN1",
	  "[devices]\nqa-bench = 0c2e:0b61:SN1\n[qc]\nchecklists = /x\n[devices]\nusb = on\n", true,
	  "A", 1, false },
	{ "second block only: the key added to the first block",
	  "[devices]\nusb = on\n[qc]\nchecklists = /x\n[devices]\n", "r", "0c2e:0b61:SN1",
	  "[devices]\nusb = on\nr = 0c2e:0b61:SN1\n[qc]\nchecklists = /x\n[devices]\n", false, "", 0,
	  false },
	{ "CRLF file: new lines in CRLF too", "[station]\r\ncode = B3\r\n[devices]\r\nusb = on\r\n",
	  "r", "0c2e:0b61:SN1",
	  "[station]\r\ncode = B3\r\n[devices]\r\nusb = on\r\nr = 0c2e:0b61:SN1\r\n", false, "", 0,
	  false },
	{ "CRLF replace keeps CRLF", "[devices]\r\nr = A\r\n", "r", "B", "[devices]\r\nr = B\r\n",
	  true, "A", 0, false },
	{ "last line without newline, key added after it", "[devices]\nusb = on", "r", "V",
	  "[devices]\nusb = on\nr = V\n", false, "", 0, false },
	{ "UTF-8 BOM kept; the section after it found", "\xef\xbb\xbf[devices]\nr = A\n", "r", "B",
	  "\xef\xbb\xbf[devices]\nr = B\n", true, "A", 0, false },
	{ "indented section header counts", "  [devices]\n", "r", "B", "  [devices]\nr = B\n", false,
	  "", 0, false },
	{ "value with ';' but no blank before it is a value", "[devices]\nr = a;b\n", "r", "B",
	  "[devices]\nr = B\n", true, "a;b", 0, false },
};

static void set__table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_config_edit e;
		char *out = NULL;
		size_t n = 0;
		int rc = st_config_set(t[i].in, strlen(t[i].in), "devices", t[i].key, t[i].value, &out,
				       &n, &e);

		if (rc != ST_OK || n != strlen(t[i].out) || memcmp(out, t[i].out, n) != 0)
			fail_msg("case '%s': rc %d, got\n%s\nwanted\n%s", t[i].name, rc,
				 out ? out : "(null)", t[i].out);
		assert_int_equal(out[n], '\0');
		assert_int_equal(e.replaced, t[i].replaced);
		assert_string_equal(e.old, t[i].old);
		assert_int_equal(e.removed, t[i].removed);
		assert_int_equal(e.section_added, t[i].added);
		free(out);
	}
}

/* The result is a station config with the role bound, the rest intact. */
static void set__result_loads_with_the_role(void **state)
{
	static const char in[] = "; bench 3\n[station]\ncode = B3\n[devices]\nusb = off\n"
				 "qa-bench = 0c2e:0b61:OLD\n[buttons]\nbutton1 = PASS\n";
	struct st_config cfg;
	char *out = NULL, err[300];
	size_t n;

	(void)state;
	assert_int_equal(st_config_set(in, sizeof(in) - 1, "devices", "qa-bench",
				       "0c2e:0b61:SN00042", &out, &n, NULL),
			 ST_OK);
	assert_int_equal(st_config_parse(&cfg, out, "t.ini", err, sizeof(err)), ST_OK);
	assert_string_equal(st_config_role_of(&cfg, "0c2e:0b61:SN00042"), "qa-bench");
	assert_null(st_config_role_of(&cfg, "0c2e:0b61:OLD"));
	assert_string_equal(cfg.station_code, "B3");
	assert_int_equal(cfg.usb, ST_USB_OFF);
	free(out);
}

static void set__refuses_what_is_no_ini_line(void **state)
{
	static const struct {
		const char *sec, *key, *val;
	} bad[] = {
		{ "devices", "", "v" },        { "devices", "a b", "v" },  { "devices", "a=b", "v" },
		{ "devices", "a:b", "v" },     { "devices", "a;b", "v" },  { "devices", "#a", "v" },
		{ "devices", "[a", "v" },      { "devices", "a\n", "v" },  { "devices", "k", "" },
		{ "devices", "k", " v" },      { "devices", "k", "v " },   { "devices", "k", "a\nb" },
		{ "devices", "k", "a ; b" },   { "devices", "k", "\x7f" }, { "", "k", "v" },
		{ "dev]ices", "k", "v" },      { "devices", "k\xc3\xa9", "v" },
	};
	char *out = (char *)"untouched";
	size_t n = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (st_config_set("", 0, bad[i].sec, bad[i].key, bad[i].val, &out, &n, NULL) !=
		    ST_ERR_ARG)
			fail_msg("case %zu ('%s' '%s' '%s') accepted", i, bad[i].sec, bad[i].key,
				 bad[i].val);
		assert_string_equal(out, "untouched");
		assert_int_equal(n, 7);
	}
	assert_int_equal(st_config_set(NULL, 0, "devices", "k", "v", NULL, &n, NULL), ST_ERR_ARG);
}

/* value NULL: every assignment of the key in the section goes. */
static void set__null_value_removes(void **state)
{
	static const char in[] = "[devices]\nold-role = 0c2e:0b61:SN1 ; c\nusb = on\n[buttons]\n"
				 "old-role = PASS\n[devices]\nold-role = x\n";
	static const char want[] = "[devices]\nusb = on\n[buttons]\nold-role = PASS\n[devices]\n";
	struct st_config_edit e;
	char *out = NULL;
	size_t n;

	(void)state;
	assert_int_equal(st_config_set(in, sizeof(in) - 1, "devices", "old-role", NULL, &out, &n,
				       &e),
			 ST_OK);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, n);
	assert_int_equal(e.removed, 2);
	assert_false(e.replaced);
	assert_string_equal(e.old, "0c2e:0b61:SN1");
	free(out);
	/* Nothing to remove, no section: the text as it was. */
	assert_int_equal(st_config_set("a\n", 2, "devices", "k", NULL, &out, &n, &e), ST_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "a\n", 2);
	assert_int_equal(e.removed, 0);
	assert_false(e.section_added);
	free(out);
}

static void set__size_bounded(void **state)
{
	size_t big = ST_CONFIG_TEXT_MAX;
	char *in = malloc(big + 1), *out = NULL;
	size_t n;

	(void)state;
	assert_non_null(in);
	memset(in, '\n', big + 1);
	assert_int_equal(st_config_set(in, big + 1, "devices", "k", "v", &out, &n, NULL),
			 ST_ERR_RANGE);
	assert_int_equal(st_config_set(in, big, "devices", "k", "v", &out, &n, NULL),
			 ST_ERR_RANGE); /* the result would not fit */
	assert_null(out);
	free(in);
}

/* Text with NULs and stray CRs is copied as it is. */
static void set__binary_text_copied(void **state)
{
	static const char in[] = "a\0b\r\r\n[devices]\nr = A\n";
	static const char want[] = "a\0b\r\r\n[devices]\nr = B\n";
	char *out = NULL;
	size_t n;

	(void)state;
	assert_int_equal(st_config_set(in, sizeof(in) - 1, "devices", "r", "B", &out, &n, NULL),
			 ST_OK);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, n);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set__table),
		cmocka_unit_test(set__result_loads_with_the_role),
		cmocka_unit_test(set__refuses_what_is_no_ini_line),
		cmocka_unit_test(set__null_value_removes),
		cmocka_unit_test(set__size_bounded),
		cmocka_unit_test(set__binary_text_copied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
