/* Templates: every problem in a template file is reported as
 * "file: where: what"; lengths in mm and inches become dots at 8 and 12 per
 * mm; data is checked against the fields (required, max) and barcodes must
 * fit their boxes; lists fill grids; text blocks wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lb/data.h"
#include "lb/err.h"
#include "lb/render.h"
#include "lb/template.h"
#include "labtest.h"

#define HEAD "{\"template\":\"t\",\"description\":\"d\",\"width\":\"50mm\",\"height\":\"1in\","
#define FIELD "\"fields\":[{\"name\":\"a\",\"label\":\"A\",\"max\":10,\"required\":true}],"
#define TEXT(x) "\"elements\":[{\"type\":\"text\",\"x\":" x ",\"y\":\"1mm\",\"w\":\"30mm\"," \
		"\"size\":\"3mm\",\"text\":\"{a}\"}]}"

static void parse__errors_name_file_and_place(void **state)
{
	static const struct {
		const char *json, *err;
	} t[] = {
		{ "{", "t.json: line 1: " },
		{ "[]", "t.json: (top): not a JSON object" },
		{ "{\"template\":\"t\"}", "t.json: (top).description: missing" },
		{ HEAD FIELD TEXT("\"1cm\""), "t.json: elements[0].x: not a length such as \"12mm\"" },
		{ HEAD FIELD TEXT("1"), "t.json: elements[0].x: not a length" },
		{ HEAD FIELD TEXT("\"2000mm\""), "(at most 1000mm)" },
		{ HEAD FIELD TEXT("\"99999999999mm\""), "(at most 1000mm)" },
		{ HEAD FIELD TEXT("\"-1mm\""), "elements[0].x: not a length" },
		{ HEAD FIELD TEXT("\"1.mm\""), "elements[0].x: not a length" },
		{ HEAD FIELD "\"elements\":[{\"type\":\"text\",\"x\":\"1mm\",\"y\":\"1mm\",\"w\":\"4mm\","
			     "\"size\":\"3mm\",\"text\":\"{b}\"}]}",
		  "t.json: elements[0].text: 'b' is not a declared field" },
		{ HEAD FIELD "\"elements\":[{\"type\":\"text\",\"x\":\"1mm\",\"y\":\"1mm\",\"w\":\"4mm\","
			     "\"size\":\"3mm\",\"text\":\"{a\"}]}",
		  "elements[0].text: an unclosed '{'" },
		{ HEAD FIELD "\"elements\":[{\"type\":\"circle\",\"x\":\"1mm\"}]}",
		  "elements[0]: type 'circle' is none of" },
		{ HEAD FIELD "\"elements\":[{\"type\":\"box\",\"x\":\"1mm\",\"colour\":1}]}",
		  "elements[0]: unknown key 'colour'" },
		{ HEAD FIELD "\"elements\":[{\"type\":\"barcode\",\"symbology\":\"pdf417\",\"x\":\"1mm\","
			     "\"y\":\"1mm\",\"w\":\"4mm\",\"h\":\"4mm\",\"module\":\"1mm\",\"data\":\"{a}\"}]}",
		  "symbology 'pdf417' is none of code128, gs1-128, qr, datamatrix" },
		{ HEAD "\"fields\":[{\"name\":\"a\",\"label\":\"A\",\"max\":10},{\"name\":\"a\","
		       "\"label\":\"B\",\"max\":3}]," TEXT("\"1mm\""),
		  "t.json: fields[1]: field 'a' declared twice" },
		{ HEAD "\"fields\":[{\"name\":\"A B\",\"label\":\"A\",\"max\":10}]," TEXT("\"1mm\""),
		  "fields[0]: name 'A B'" },
		{ HEAD "\"fields\":[{\"name\":\"a\",\"label\":\"A\",\"max\":0}]," TEXT("\"1mm\""),
		  "fields[0].max: not a whole number 1 to 1024" },
		{ HEAD "\"fields\":[{\"name\":\"a\",\"label\":\"A\",\"max\":9,\"list\":true}]," TEXT("\"1mm\""),
		  "'a' is a list: use it in a grid" },
		{ HEAD FIELD "\"elements\":[]}", "t.json: elements: missing" },
		{ HEAD FIELD TEXT("\"1mm\"") "x", "t.json: line 1: " },
		{ "{\"template\":\"t\",\"description\":\"d\",\"width\":\"1mm\",\"height\":\"1in\"," FIELD
		  TEXT("\"1mm\""),
		  "the page must be 5mm to 400mm each way" },
		{ HEAD FIELD "\"elements\":[{\"type\":\"image\",\"x\":\"1mm\",\"y\":\"1mm\",\"dot\":\"1mm\","
			     "\"pixels\":[\"#.\",\"#\"]}]}",
		  "elements[0].pixels: row 1: rows are strings of one length" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lb_template *tp = NULL;
		char err[512] = "";
		int rc = lb_template_parse(t[i].json, strlen(t[i].json), "t.json", &tp, err, sizeof(err));

		if (rc != LB_ERR_TEMPLATE || !strstr(err, t[i].err))
			fail_msg("case %zu: rc %d, err \"%s\", want \"%s\"", i, rc, err, t[i].err);
		assert_null(tp);
		assert_int_equal(strncmp(err, "t.json: ", 8), 0);
	}
}

static void parse__lengths_become_dots(void **state)
{
	static const char json[] = HEAD FIELD TEXT("\"12.5mm\"");
	struct lb_template *t = NULL;
	struct lb_data *d = NULL;
	struct lb_label *l = NULL;
	char err[256];
	long w, h;

	(void)state;
	assert_int_equal(lb_template_parse(json, strlen(json), "t.json", &t, err, sizeof(err)), LB_OK);
	lb_template_size_um(t, &w, &h);
	assert_int_equal(w, 50000);
	assert_int_equal(h, 25400);
	assert_int_equal(lb_data_new(&d), LB_OK);
	assert_int_equal(lb_data_set(d, "a", "x", 1), LB_OK);
	assert_int_equal(lb_template_build(t, d, 203, &l, err, sizeof(err)), LB_OK);
	assert_int_equal(l->width, 400);
	assert_int_equal(l->height, 203); /* 25.4 mm x 8, floored */
	assert_int_equal(l->el[0].x, 100);
	assert_int_equal(l->el[0].h, 24);
	lb_label_free(l);
	assert_int_equal(lb_template_build(t, d, 300, &l, err, sizeof(err)), LB_OK);
	assert_int_equal(l->width, 600);
	assert_int_equal(l->height, 304);
	assert_int_equal(l->el[0].x, 150);
	assert_int_equal(l->el[0].h, 36);
	lb_label_free(l);
	/* 12.5 mm + 30 mm fits 50 mm; moved to 25 mm it does not. */
	lb_template_free(t);
	{
		static const char off[] = HEAD FIELD TEXT("\"25mm\"");

		assert_int_equal(lb_template_parse(off, strlen(off), "t.json", &t, err, sizeof(err)),
				 LB_OK);
		l = NULL;
		assert_int_equal(lb_template_build(t, d, 203, &l, err, sizeof(err)), LB_ERR_RANGE);
		assert_string_equal(err, "element 'a': box 200,8 240x24 is not on the 400x203 page");
		assert_null(l);
	}
	assert_int_equal(lb_template_build(t, d, 600, &l, err, sizeof(err)), LB_ERR_ARG);
	assert_string_equal(err, "600 dpi: labels are 203 or 300 dpi");
	lb_data_free(d);
	lb_template_free(t);
}

/* The 4 x 6 label is 812 x 1219 dots at 203 dpi and 1219 x 1828 at 300. */
static void build__shipment_page(void **state)
{
	struct lb_label *a = labtest_label("shipment-4x6", 203), *b = labtest_label("shipment-4x6", 300);

	(void)state;
	assert_int_equal(a->width, 812);
	assert_int_equal(a->height, 1219);
	assert_int_equal(b->width, 1219);
	assert_int_equal(b->height, 1828);
	lb_label_free(a);
	lb_label_free(b);
}

static void build_err(const char *tpl, const char *key, const char *val, const char *want)
{
	struct lb_template *t = labtest_template(tpl);
	struct lb_data *d = labtest_sample(tpl);
	struct lb_label *l = NULL;
	char err[512] = "";
	int rc;

	assert_int_equal(lb_data_set(d, key, val, strlen(val)), LB_OK);
	rc = lb_template_build(t, d, 203, &l, err, sizeof(err));
	if (rc != LB_ERR_RANGE || !strstr(err, want))
		fail_msg("%s %s: rc %d \"%s\", want \"%s\"", tpl, key, rc, err, want);
	assert_null(l);
	lb_data_free(d);
	lb_template_free(t);
}

static void build__data_errors_name_the_field(void **state)
{
	(void)state;
	build_err("return-receiving", "rma", "", "field 'rma' (RMA number) is required");
	build_err("return-receiving", "bin", "RPR-A-03-XXXXXXX",
		  "field 'bin' (Bin it goes to): 16 bytes, at most 14");
	/* 34 letters need subset B: wider than the tracking box at 203 dpi */
	build_err("shipment-4x6", "tracking", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH",
		  "field 'tracking': the code128 symbol is");
	build_err("shipment-4x6", "tracking", "1Z\xc3\xa9", "not printable ASCII");
	build_err("shipment-4x6", "sscc", "0095011015000001",
		  "field 'sscc': (00) needs 18 digits with a valid check digit");
	build_err("shipment-4x6", "sscc", "009501101500000128",
		  "field 'sscc': (00) needs 18 digits with a valid check digit");
	build_err("item-qc-tag", "serial", "SN_1", "Data Matrix data cannot hold '_' or '~'");
}

/* Data naming no field (a typo) or of the wrong kind is refused, named. */
static void build__data_must_name_fields(void **state)
{
	struct lb_template *t = labtest_template("return-receiving");
	struct lb_data *d = labtest_sample("return-receiving");
	struct lb_label *l = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(lb_data_set(d, "customr", "Eve", 3), LB_OK);
	assert_int_equal(lb_template_build(t, d, 203, &l, err, sizeof(err)), LB_ERR_TEMPLATE);
	assert_string_equal(err, "data: 'customr' is not a field of template 'return-receiving'");
	lb_data_free(d);
	d = labtest_sample("return-receiving");
	assert_int_equal(lb_data_set_item(d, "rma", 0, "code", "X", 1), LB_OK);
	assert_int_equal(lb_template_build(t, d, 203, &l, err, sizeof(err)), LB_ERR_TEMPLATE);
	assert_string_equal(err, "data: 'rma' is a plain value, not a list");
	assert_null(l);
	lb_data_free(d);
	lb_template_free(t);
}

/* Lists fill grids cell by cell; more items than cells is an error. */
static void build__grid(void **state)
{
	struct lb_template *t = labtest_template("command-sheet");
	struct lb_data *d = labtest_sample("command-sheet");
	struct lb_label *l = NULL;
	char err[512] = "", code[16];
	unsigned n = lb_data_items(d, "codes");
	size_t bars = 0;
	int x0 = -1, x1 = -1;

	(void)state;
	assert_int_equal(n, 42);
	assert_int_equal(lb_template_build(t, d, 300, &l, err, sizeof(err)), LB_OK);
	for (size_t i = 0; i < l->n; i++) {
		if (l->el[i].kind != LB_EL_BARCODE)
			continue;
		/* item 0 in column 0, item 1 in column 1 of the same row */
		if (bars == 0)
			x0 = l->el[i].x;
		if (bars == 1) {
			x1 = l->el[i].x;
			assert_int_equal(l->el[i].y, l->el[i - 3].y);
			assert_string_equal(l->el[i].text, "CMD-FAIL");
		}
		bars++;
	}
	assert_int_equal(bars, 42); /* the self-test barcode is empty: left out */
	assert_int_equal(x1 - x0, 95 * 12);
	lb_label_free(l);
	for (unsigned k = n; k <= 48; k++) {
		snprintf(code, sizeof(code), "CMD-X%u", k);
		assert_int_equal(lb_data_set_item(d, "codes", k, "code", code, strlen(code)), LB_OK);
	}
	assert_int_equal(lb_template_build(t, d, 300, &l, err, sizeof(err)), LB_ERR_RANGE);
	assert_string_equal(err, "field 'codes': 49 items, the grid holds 48");
	lb_data_free(d);
	lb_template_free(t);
}

static void data__json(void **state)
{
	static const char ok[] = "{\"a\":\"x\",\"n\":42,\"l\":[{\"code\":\"C\",\"text\":\"T\"},{\"code\":\"D\"}]}";
	struct lb_data *d = NULL;
	char err[256] = "";
	size_t n;

	(void)state;
	assert_int_equal(lb_data_parse_json(ok, strlen(ok), "d.json", &d, err, sizeof(err)), LB_OK);
	assert_string_equal(lb_data_get(d, "a", &n), "x");
	assert_string_equal(lb_data_get(d, "n", &n), "42");
	assert_int_equal(lb_data_items(d, "l"), 2);
	assert_string_equal(lb_data_get_item(d, "l", 1, "code", &n), "D");
	assert_null(lb_data_get_item(d, "l", 1, "text", &n));
	assert_null(lb_data_get(d, "zz", &n));
	lb_data_free(d);
	d = NULL;
	assert_int_equal(lb_data_parse_json("{\"a\":true}", 10, "d.json", &d, err, sizeof(err)),
			 LB_ERR_TEMPLATE);
	assert_string_equal(err, "d.json: a: not a string, number or list");
	assert_int_equal(lb_data_parse_json("{\"l\":[1]}", 9, "d.json", &d, err, sizeof(err)),
			 LB_ERR_TEMPLATE);
	assert_string_equal(err, "d.json: l[0]: not an object");
	assert_int_equal(lb_data_parse_json("{\"a\":1,\"a\":2}", 13, "d.json", &d, err, sizeof(err)),
			 LB_ERR_TEMPLATE);
	assert_null(d);
}

static void wrap__words_lines_and_cut(void **state)
{
	static const char s[] = "the quick brown fox jumps over the lazy dog";
	struct lb_lines ln;

	(void)state;
	/* 10 dots high: 6 dots a character; 60 dots = 10 characters */
	lb_wrap(s, strlen(s), 60, 10, 3, &ln);
	assert_int_equal(ln.n, 3);
	assert_int_equal(ln.line[0].len, 9);
	assert_memory_equal(s + ln.line[0].off, "the quick", 9);
	assert_memory_equal(s + ln.line[1].off, "brown fox", 9);
	assert_memory_equal(s + ln.line[2].off, "jumps over", 10);
	assert_true(ln.cut);
	lb_wrap("a\nb", 3, 60, 10, 3, &ln);
	assert_int_equal(ln.n, 2);
	assert_false(ln.cut);
	/* no space: cut hard; UTF-8 counts characters, not bytes */
	lb_wrap("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, 18, 10, 4, &ln);
	assert_int_equal(ln.n, 2);
	assert_int_equal(ln.line[0].len, 6);
	assert_int_equal(lb_text_fit(60, 10), 10);
	assert_int_equal(lb_utf8_prefix("\xc3\xa9x", 3, 1), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse__errors_name_file_and_place),
		cmocka_unit_test(parse__lengths_become_dots),
		cmocka_unit_test(build__shipment_page),
		cmocka_unit_test(build__data_errors_name_the_field),
		cmocka_unit_test(build__data_must_name_fields),
		cmocka_unit_test(build__grid),
		cmocka_unit_test(data__json),
		cmocka_unit_test(wrap__words_lines_and_cut),
	};

	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	lb_render_release(); /* cairo's and fontconfig's caches */
	return rc;
}
