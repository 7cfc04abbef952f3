/* Checklist templates (st/checklist.h): the demo templates load and cover
 * QC-02; every broken file is refused with a message naming the file and the
 * JSON path; decimal numbers become thousandths without floats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "st/checklist.h"
#include "st/err.h"

static const char *src_dir(void)
{
	const char *s = getenv("QC_SRC");

	return s ? s : ".";
}

static struct st_checklist_set *load_demo(void)
{
	struct st_checklist_set *set = test_malloc(sizeof(*set));
	char dir[1024], err[512];

	snprintf(dir, sizeof(dir), "%s/data/checklists", src_dir());
	if (st_checklist_load_dir(dir, set, err, sizeof(err)) != ST_OK)
		fail_msg("%s", err);
	return set;
}

/* QC-02: one template per category, each covering the checks the rule
 * lists, conditional where the order decides. */
static void checklist__demo_templates_cover_qc02(void **state)
{
	static const char *const cats[] = { "ring", "necklace", "earrings", "bracelet",
					     "pendant", "custom" };
	struct st_checklist_set *set = load_demo();
	const struct st_checklist *cl;
	const struct st_check *c;
	(void)state;

	assert_int_equal(set->n, 6);
	for (size_t i = 0; i < 6; i++) {
		cl = st_checklist_find(set, cats[i]);
		assert_non_null(cl);
		assert_int_equal(cl->version, 1);
		assert_true(st_checklist_check_index(cl, "stones_secure") >= 0);
		assert_true(st_checklist_check_index(cl, "finish") >= 0);
		assert_true(st_checklist_check_index(cl, "tag") >= 0);
		assert_true(st_checklist_check_index(cl, "packaging") >= 0);
		c = &cl->check[st_checklist_check_index(cl, "gift_box")];
		assert_int_equal(c->when, ST_WHEN_FLAG);
		assert_string_equal(c->when_key, "gift_box");
		assert_true(st_checklist_check_index(cl, "metal") >= 0);
	}
	assert_null(st_checklist_find(set, "watch"));

	cl = st_checklist_find(set, "ring");
	assert_string_equal(cl->name, "ring.json");
	assert_true(st_checklist_check_index(cl, "prongs") >= 0);
	assert_true(st_checklist_check_index(cl, "band") >= 0);
	c = &cl->check[st_checklist_check_index(cl, "ring_size")];
	assert_int_equal(c->type, ST_CHECK_MEASURE);
	assert_string_equal(c->option, "size");
	assert_string_equal(c->unit, "US ring size");
	assert_int_equal(c->tolerance_milli, 250);
	assert_false(c->confirm);
	c = &cl->check[st_checklist_check_index(cl, "engraving")];
	assert_int_equal(c->type, ST_CHECK_TEXT_MATCH);
	assert_int_equal(c->when, ST_WHEN_OPTION);
	assert_string_equal(c->when_key, "engraving");
	c = &cl->check[st_checklist_check_index(cl, "metal")];
	assert_int_equal(c->type, ST_CHECK_CHOICE);
	assert_string_equal(c->option, "metal");
	assert_true(c->n_choice >= 5);
	c = &cl->check[st_checklist_check_index(cl, "personalization_photo")];
	assert_int_equal(c->type, ST_CHECK_PHOTO);

	cl = st_checklist_find(set, "necklace");
	c = &cl->check[st_checklist_check_index(cl, "chain_length")];
	assert_string_equal(c->option, "chain_length_mm");
	assert_string_equal(c->unit, "mm");
	assert_int_equal(c->tolerance_milli, 5000);

	cl = st_checklist_find(set, "earrings");
	c = &cl->check[st_checklist_check_index(cl, "post_length")];
	assert_true(c->has_nominal);
	assert_int_equal(c->nominal_milli, 10500);
	assert_int_equal(c->tolerance_milli, 500);
	assert_true(c->confirm);

	cl = st_checklist_find(set, "custom");
	c = &cl->check[st_checklist_check_index(cl, "photos")];
	assert_int_equal(c->when, ST_WHEN_ALWAYS); /* QC-04 / CUS-02 */
	c = &cl->check[st_checklist_check_index(cl, "weight")];
	assert_string_equal(c->unit, "g");
	assert_int_equal(c->tolerance_milli, 200); /* written as the string "0.2" */
	test_free(set);
}

#define OK_HEAD "{\"category\":\"ring\",\"version\":1,\"checks\":["
#define PF(id) "{\"id\":\"" id "\",\"label\":\"L\",\"type\":\"pass_fail\"}"
#define HEAD3 OK_HEAD PF("a") "," PF("b") "," PF("c") ","

/* Every broken template names the file and where in it (curl unit1302
 * style: one row per case). */
static void checklist__bad_files_name_file_and_path(void **state)
{
	static const struct {
		const char *json;
		int rc;
		const char *msg; /* the whole message, or its start when it ends in '*' */
	} t[] = {
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"nominal\":1,\"tolerance\":true}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].tolerance: must be a number, not a boolean" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"nominal\":1,\"tolerance\":\"abc\"}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].tolerance: 'abc' is not a number*" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"nominal\":1,\"tolerance\":0.0001}]}",
		  ST_ERR_RANGE, "ring.json: checks[3].tolerance: at most three decimals" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"nominal\":1,\"tolerance\":-1}]}",
		  ST_ERR_RANGE, "ring.json: checks[3].tolerance: must not be negative" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"nominal\":1}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].tolerance: missing*" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"tolerance\":1}]}",
		  ST_ERR_PARSE, "ring.json: checks[3]: a measure needs \"option\"*" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"option\":\"size\","
			"\"tolerance\":1}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].unit: missing" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"nominal\":1e30,\"tolerance\":1}]}",
		  ST_ERR_RANGE, "ring.json: checks[3].nominal: out of range" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"pass_fail\",\"tolerence\":1}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].tolerence: unknown key" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"pass_fail\",\"unit\":\"mm\"}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].unit: not used by a pass_fail check" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"photo\",\"confirm\":true}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].confirm: not used by a photo check" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			"\"nominal\":1,\"tolerance\":1,\"confirm\":\"yes\"}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].confirm: must be true or false, not a string" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"text_match\"}]}", ST_ERR_PARSE,
		  "ring.json: checks[3].option: missing" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"choice\"}]}", ST_ERR_PARSE,
		  "ring.json: checks[3].choices: must be a non-empty array of strings" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"choice\",\"choices\":[\"a\",\"A\"]}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].choices[1]: 'A' is listed twice" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"choice\",\"choices\":[\"a\",7]}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].choices[1]: must be a non-empty string" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"choice\",\"choices\":"
			"[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\",\"13\"]}]}",
		  ST_ERR_RANGE, "ring.json: checks[3].choices: too many values (13, at most 12)" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"gauge\"}]}", ST_ERR_PARSE,
		  "ring.json: checks[3].type: unknown type 'gauge'*" },
		{ HEAD3 "{\"id\":\"D\",\"label\":\"L\",\"type\":\"pass_fail\"}]}", ST_ERR_PARSE,
		  "ring.json: checks[3].id: 'D': use lower-case letters, digits and '_'" },
		{ HEAD3 "{\"id\":\"a\",\"label\":\"L\",\"type\":\"pass_fail\"}]}", ST_ERR_PARSE,
		  "ring.json: checks[3]: id 'a' is also checks[0]'s" },
		{ HEAD3 "{\"label\":\"L\",\"type\":\"pass_fail\"}]}", ST_ERR_PARSE,
		  "ring.json: checks[3].id: missing" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"\",\"type\":\"pass_fail\"}]}", ST_ERR_PARSE,
		  "ring.json: checks[3].label: must not be empty or hold a NUL" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"pass_fail\",\"when\":{\"flag\":\"vip\"}}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].when.flag: unknown flag 'vip'*" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"pass_fail\",\"when\":"
			"{\"option\":\"a\",\"flag\":\"gift_box\"}}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].when: give \"option\" or \"flag\", not both" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"pass_fail\",\"when\":{}}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].when: needs \"option\" or \"flag\"" },
		{ HEAD3 "{\"id\":\"d\",\"label\":\"L\",\"type\":\"pass_fail\",\"when\":\"engraving\"}]}",
		  ST_ERR_PARSE, "ring.json: checks[3].when: must be an object*" },
		{ HEAD3 "7]}", ST_ERR_PARSE, "ring.json: checks[3]: must be an object, not an integer" },
		{ OK_HEAD "{\"id\":\"p\",\"label\":\"L\",\"type\":\"photo\"}]}", ST_ERR_PARSE,
		  "ring.json: checks: needs at least one pass_fail check without \"when\"" },
		{ OK_HEAD "]}", ST_ERR_PARSE, "ring.json: checks: must be a non-empty array of checks" },
		{ "{\"category\":\"ring\",\"version\":1}", ST_ERR_PARSE, "ring.json: checks: missing" },
		{ "{\"category\":\"ring\",\"checks\":[" PF("a") "]}", ST_ERR_PARSE,
		  "ring.json: version: missing" },
		{ "{\"category\":\"ring\",\"version\":\"1\",\"checks\":[" PF("a") "]}", ST_ERR_PARSE,
		  "ring.json: version: must be an integer, not a string" },
		{ "{\"category\":\"ring\",\"version\":0,\"checks\":[" PF("a") "]}", ST_ERR_RANGE,
		  "ring.json: version: must be 1 to 1000000000" },
		{ "{\"version\":1,\"checks\":[" PF("a") "]}", ST_ERR_PARSE,
		  "ring.json: category: missing" },
		{ "{\"category\":\"Ring!\",\"version\":1,\"checks\":[" PF("a") "]}", ST_ERR_PARSE,
		  "ring.json: category: 'Ring!': use lower-case letters, digits and '_' or '-'" },
		{ "{\"category\":\"ring\",\"version\":1,\"owner\":\"x\",\"checks\":[" PF("a") "]}",
		  ST_ERR_PARSE, "ring.json: owner: unknown key" },
		{ "{\"category\":\"ring\",\"category\":\"ring\",\"version\":1,\"checks\":[" PF("a") "]}",
		  ST_ERR_PARSE, "ring.json: line 1 column *" },
		{ "[]", ST_ERR_PARSE, "ring.json: the template must be a JSON object, not an array" },
		{ "{\"category\":", ST_ERR_PARSE, "ring.json: line 1 column *" },
		{ "", ST_ERR_PARSE, "ring.json: line *" },
	};
	struct st_checklist *cl = test_malloc(sizeof(*cl));
	char err[512];
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = strlen(t[i].msg);
		int rc = st_checklist_parse(t[i].json, strlen(t[i].json), "ring.json", cl, err,
					    sizeof(err));

		if (rc != t[i].rc)
			fail_msg("row %zu: rc %d, want %d (%s)", i, rc, t[i].rc, err);
		if (t[i].msg[n - 1] == '*' ? strncmp(err, t[i].msg, n - 1) != 0
					   : strcmp(err, t[i].msg) != 0)
			fail_msg("row %zu:\n got  %s\n want %s", i, err, t[i].msg);
	}
	test_free(cl);
}

static void checklist__limits(void **state)
{
	struct st_checklist *cl = test_malloc(sizeof(*cl));
	char *json = test_malloc(8192), err[256];
	size_t n;
	(void)state;

	/* 33 checks: one more than a template holds. */
	n = (size_t)snprintf(json, 8192, "%s", OK_HEAD);
	for (int i = 0; i < ST_CHECKLIST_CHECK_MAX + 1; i++)
		n += (size_t)snprintf(json + n, 8192 - n, "%s{\"id\":\"c%d\",\"label\":\"L\","
				      "\"type\":\"pass_fail\"}", i ? "," : "", i);
	snprintf(json + n, 8192 - n, "]}");
	assert_int_equal(st_checklist_parse(json, strlen(json), "big.json", cl, err, sizeof(err)),
			 ST_ERR_RANGE);
	assert_string_equal(err, "big.json: checks: too many checks (33, at most 32)");

	/* A label one byte too long. */
	n = (size_t)snprintf(json, 8192, "%s{\"id\":\"a\",\"type\":\"pass_fail\",\"label\":\"",
			     OK_HEAD);
	memset(json + n, 'x', ST_CHECK_LABEL_LEN);
	n += ST_CHECK_LABEL_LEN;
	snprintf(json + n, 8192 - n, "\"}]}");
	assert_int_equal(st_checklist_parse(json, strlen(json), "long.json", cl, err, sizeof(err)),
			 ST_ERR_RANGE);
	assert_string_equal(err, "long.json: checks[0].label: too long (128 bytes, at most 127)");

	/* Not NUL-terminated: only len bytes are read. */
	snprintf(json, 8192, "%s%s]}garbage", OK_HEAD, PF("a"));
	assert_int_equal(st_checklist_parse(json, strlen(json) - 7, "t.json", cl, err, sizeof(err)),
			 ST_OK);
	assert_string_equal(err, "");
	assert_int_equal(cl->n_check, 1);
	/* err may be NULL. */
	assert_int_equal(st_checklist_parse("{", 1, "t.json", cl, NULL, 0), ST_ERR_PARSE);
	test_free(json);
	test_free(cl);
}

/* Numbers in a template: integers, fractions up to thousandths, and
 * decimal strings, all into thousandths. */
static void checklist__numbers_become_thousandths(void **state)
{
	static const struct {
		const char *tol;
		int64_t milli;
	} t[] = {
		{ "0.25", 250 }, { "\"0.25\"", 250 }, { "5", 5000 }, { "10.5", 10500 },
		{ "0", 0 },	 { "0.001", 1 },      { "\"6 1/2\"", 6500 }, { "1.10", 1100 },
	};
	struct st_checklist *cl = test_malloc(sizeof(*cl));
	char json[512], err[256];
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(json, sizeof(json),
			 "%s%s,{\"id\":\"m\",\"label\":\"L\",\"type\":\"measure\",\"unit\":\"mm\","
			 "\"nominal\":%s,\"tolerance\":%s}]}",
			 OK_HEAD, PF("a"), t[i].tol, t[i].tol);
		if (st_checklist_parse(json, strlen(json), "n.json", cl, err, sizeof(err)) != ST_OK)
			fail_msg("%s: %s", t[i].tol, err);
		assert_int_equal(cl->check[1].tolerance_milli, t[i].milli);
		assert_int_equal(cl->check[1].nominal_milli, t[i].milli);
		assert_true(cl->check[1].has_nominal);
	}
	test_free(cl);
}

static void milli__parse_table(void **state)
{
	static const struct {
		const char *in;
		const char *unit;
		int rc;
		int64_t milli;
	} t[] = {
		{ "6.5", NULL, ST_OK, 6500 },
		{ "6", NULL, ST_OK, 6000 },
		{ "6 1/2", NULL, ST_OK, 6500 },
		{ "6  3/4", NULL, ST_OK, 6750 },
		{ "6\xc2\xbd", NULL, ST_OK, 6500 },     /* 6½ */
		{ "6\xc2\xbc", NULL, ST_OK, 6250 },     /* 6¼ */
		{ "\xc2\xbe", NULL, ST_OK, 750 },       /* ¾ */
		{ "5\xe2\x85\x9b", NULL, ST_OK, 5125 }, /* 5⅛ */
		{ "1/8", NULL, ST_OK, 125 },
		{ "6,5", NULL, ST_OK, 6500 },
		{ ".5", NULL, ST_OK, 500 },
		{ "6.", NULL, ST_OK, 6000 },
		{ " 450 ", NULL, ST_OK, 450000 },
		{ "450mm", "mm", ST_OK, 450000 },
		{ "450 MM", "mm", ST_OK, 450000 },
		{ "6.5 US ring size", "US ring size", ST_OK, 6500 },
		{ "3.25g", "g", ST_OK, 3250 },
		{ "-0.25", NULL, ST_OK, -250 },
		{ "+7", NULL, ST_OK, 7000 },
		{ "6.5000", NULL, ST_OK, 6500 },
		{ "0.001", NULL, ST_OK, 1 },
		{ "1000000000000", NULL, ST_OK, INT64_C(1000000000000000) },
		{ "1000000000001", NULL, ST_ERR_RANGE, 0 },
		{ "6.0001", NULL, ST_ERR_RANGE, 0 },
		{ "450mm", NULL, ST_ERR_PARSE, 0 },
		{ "450 cm", "mm", ST_ERR_PARSE, 0 },
		{ "", NULL, ST_ERR_PARSE, 0 },
		{ " ", NULL, ST_ERR_PARSE, 0 },
		{ ".", NULL, ST_ERR_PARSE, 0 },
		{ "-", NULL, ST_ERR_PARSE, 0 },
		{ "abc", NULL, ST_ERR_PARSE, 0 },
		{ "6..5", NULL, ST_ERR_PARSE, 0 },
		{ "1e3", NULL, ST_ERR_PARSE, 0 },
		{ "6 1/3", NULL, ST_ERR_PARSE, 0 },
		{ "6 2/2", NULL, ST_ERR_PARSE, 0 },
		{ "61/2", NULL, ST_ERR_PARSE, 0 },
		{ "6 1/2 1/2", NULL, ST_ERR_PARSE, 0 },
		{ "6.5.", NULL, ST_ERR_PARSE, 0 },
		{ "mm", "mm", ST_ERR_PARSE, 0 },
		{ "0x10", NULL, ST_ERR_PARSE, 0 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int64_t v = -12345;
		int rc = st_milli_parse(t[i].in, strlen(t[i].in), t[i].unit, &v);

		if (rc != t[i].rc)
			fail_msg("'%s': rc %d, want %d", t[i].in, rc, t[i].rc);
		if (rc == ST_OK && v != t[i].milli)
			fail_msg("'%s': %lld, want %lld", t[i].in, (long long)v,
				 (long long)t[i].milli);
		if (rc != ST_OK)
			assert_int_equal(v, -12345); /* out untouched */
	}
	/* Only n bytes are read. */
	{
		int64_t v;

		assert_int_equal(st_milli_parse("6.5xyz", 3, NULL, &v), ST_OK);
		assert_int_equal(v, 6500);
	}
}

static void milli__format_table(void **state)
{
	static const struct {
		int64_t v;
		const char *out;
	} t[] = {
		{ 6500, "6.5" },   { 450000, "450" }, { -250, "-0.25" }, { 0, "0" },
		{ 1, "0.001" },    { 6125, "6.125" }, { -7000, "-7" },   { 10010, "10.01" },
		{ INT64_MIN, "-9223372036854775.808" },
	};
	char buf[32];
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(st_milli_format(t[i].v, buf, sizeof(buf)), t[i].out);
}

static void checklist__set_refuses_a_second_template_for_a_category(void **state)
{
	struct st_checklist_set *set = test_malloc(sizeof(*set));
	const char *a = "{\"category\":\"ring\",\"version\":1,\"checks\":[" PF("a") "]}";
	const char *b = "{\"category\":\"ring\",\"version\":2,\"checks\":[" PF("b") "]}";
	char err[256];
	(void)state;

	st_checklist_set_init(set);
	assert_int_equal(st_checklist_set_add(set, a, strlen(a), "ring.json", err, sizeof(err)),
			 ST_OK);
	assert_int_equal(st_checklist_set_add(set, b, strlen(b), "ring-v2.json", err, sizeof(err)),
			 ST_ERR_CONFIG);
	assert_string_equal(err, "ring-v2.json: category 'ring' already has a template (ring.json)");
	assert_int_equal(set->n, 1);
	assert_int_equal(st_checklist_find(set, "ring")->version, 1);
	test_free(set);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void checklist__load_dir_is_all_or_nothing(void **state)
{
	struct st_checklist_set *set = test_malloc(sizeof(*set));
	char dir[256], err[512], missing[300];
	(void)state;

	assert_int_equal(qc_tmpdir_make(dir, sizeof(dir), "checklist"), 0);
	assert_int_equal(st_checklist_load_dir(dir, set, err, sizeof(err)), ST_ERR_NOTFOUND);
	assert_non_null(strstr(err, "no checklist templates"));

	write_file(dir, "a-ring.json", "{\"category\":\"ring\",\"version\":3,\"checks\":[" PF("a") "]}");
	write_file(dir, "notes.txt", "not a template");
	write_file(dir, ".hidden.json", "{");
	assert_int_equal(st_checklist_load_dir(dir, set, err, sizeof(err)), ST_OK);
	assert_int_equal(set->n, 1);
	assert_int_equal(st_checklist_find(set, "ring")->version, 3);

	write_file(dir, "b-necklace.json",
		   "{\"category\":\"necklace\",\"version\":1,\"checks\":[{\"id\":\"x\"}]}");
	assert_int_equal(st_checklist_load_dir(dir, set, err, sizeof(err)), ST_ERR_PARSE);
	assert_string_equal(err, "b-necklace.json: checks[0].label: missing");
	assert_int_equal(set->n, 0);

	snprintf(missing, sizeof(missing), "%s/nope", dir);
	assert_int_equal(st_checklist_load_dir(missing, set, err, sizeof(err)), ST_ERR_IO);
	assert_non_null(strstr(err, "nope: cannot open"));

	assert_int_equal(qc_tmpdir_remove(dir), 0);
	test_free(set);
}

static void checklist__names(void **state)
{
	(void)state;
	for (int t = 0; t < ST_CHECK__COUNT; t++)
		assert_non_null(st_check_type_name((enum st_check_type)t));
	assert_string_equal(st_check_type_name(ST_CHECK_TEXT_MATCH), "text_match");
	assert_null(st_check_type_name(ST_CHECK__COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checklist__demo_templates_cover_qc02),
		cmocka_unit_test(checklist__bad_files_name_file_and_path),
		cmocka_unit_test(checklist__limits),
		cmocka_unit_test(checklist__numbers_become_thousandths),
		cmocka_unit_test(milli__parse_table),
		cmocka_unit_test(milli__format_table),
		cmocka_unit_test(checklist__set_refuses_a_second_template_for_a_category),
		cmocka_unit_test(checklist__load_dir_is_all_or_nothing),
		cmocka_unit_test(checklist__names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
