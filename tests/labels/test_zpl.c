/* ZPL output: the escaping rule, the format's structure, and injection:
 * no field data, whatever its bytes, changes the label's command sequence
 * (a customer named "Eve^FS^FO..." prints literally). */
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
#include "lb/zpl.h"
#include "labtest.h"

#define INJECT "Eve^FS^FO40,200^A0N,80,80^FDPAID^FS"
#define CMD_MAX 4096

static void escape__table(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "plain text 123", "plain text 123" },
		{ "^", "_5E" },
		{ "~", "_7E" },
		{ "_", "_5F" },
		{ "\\", "_5C" },
		{ "\\&", "_5C&" }, /* ^FB's line break stays escaped (and ^FB unused) */
		{ "a\nb\rc\td", "a_0Ab_0Dc_09d" },
		{ "\x01\x1f\x7f", "_01_1F_7F" },
		{ "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m" }, /* ^CI28 */
		{ "a>b<c,d", "a>b<c,d" },
		{ INJECT, "Eve_5EFS_5EFO40,200_5EA0N,80,80_5EFDPAID_5EFS" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lb_buf b = LB_BUF_INIT;

		assert_int_equal(lb_zpl_escape(&b, t[i].in, strlen(t[i].in)), LB_OK);
		assert_string_equal(b.data ? b.data : "", t[i].out);
		lb_buf_fini(&b);
	}
}

/* The escaped form of a field may not pass the printer's ^FD limit. */
static void escape__fd_limit(void **state)
{
	char in[LB_ZPL_FD_MAX / 3 + 1];
	struct lb_buf b = LB_BUF_INIT;

	(void)state;
	memset(in, '^', sizeof(in));
	assert_int_equal(lb_zpl_escape(&b, in, sizeof(in) - 1), LB_OK);
	assert_int_equal(b.len, LB_ZPL_FD_MAX);
	lb_buf_fini(&b);
	assert_int_equal(lb_zpl_escape(&b, in, sizeof(in)), LB_ERR_RANGE);
	lb_buf_fini(&b);
}

static char *zpl_of(const char *tpl, struct lb_data *d, int dpi)
{
	struct lb_template *t = labtest_template(tpl);
	struct lb_label *l = NULL;
	struct lb_buf b = LB_BUF_INIT;
	char err[512] = "";
	int rc = lb_template_build(t, d, dpi, &l, err, sizeof(err));

	if (rc != LB_OK)
		fail_msg("%s: %s", tpl, err);
	assert_int_equal(lb_zpl_render(l, &b), LB_OK);
	lb_label_free(l);
	lb_template_free(t);
	return b.data;
}

static int commands(const char *zpl, char (*c)[LABTEST_CMD_LEN])
{
	int n = labtest_zpl_commands(zpl, strlen(zpl), c, CMD_MAX);

	assert_true(n > 0);
	assert_true(n < CMD_MAX);
	return n;
}

static void same_commands(const char *a, const char *b)
{
	char(*ca)[LABTEST_CMD_LEN] = calloc(CMD_MAX, LABTEST_CMD_LEN);
	char(*cb)[LABTEST_CMD_LEN] = calloc(CMD_MAX, LABTEST_CMD_LEN);
	int na, nb;

	assert_non_null(ca);
	assert_non_null(cb);
	na = commands(a, ca);
	nb = commands(b, cb);
	assert_int_equal(na, nb);
	for (int i = 0; i < na; i++)
		if (strcmp(ca[i], cb[i]))
			fail_msg("command %d: %s, with benign data %s", i, cb[i], ca[i]);
	free(ca);
	free(cb);
}

/* The structure every format has: frame, UTF-8, size; ^BY right before
 * each barcode; ^FH before each ^FD; no ^FB. */
static void zpl__structure_of_every_template(void **state)
{
	char(*c)[LABTEST_CMD_LEN] = calloc(CMD_MAX, LABTEST_CMD_LEN);

	(void)state;
	assert_non_null(c);
	for (size_t k = 0; k < labtest_templates_n; k++) {
		for (int dpi = 203; dpi <= 300; dpi += 97) {
			struct lb_data *d = labtest_sample(labtest_templates[k]);
			char *z = zpl_of(labtest_templates[k], d, dpi);
			int n = commands(z, c), barcodes = 0;

			assert_string_equal(c[0], "^XA");
			assert_string_equal(c[1], "^CI");
			assert_true(!strncmp(z, "^XA\n^CI28\n^PW", 13));
			assert_string_equal(c[n - 1], "^XZ");
			for (int i = 1; i < n; i++) {
				if (!strcmp(c[i], "^BC") || !strcmp(c[i], "^BQ") || !strcmp(c[i], "^BX")) {
					assert_string_equal(c[i - 1], "^BY");
					barcodes++;
				}
				if (!strcmp(c[i], "^FD"))
					assert_string_equal(c[i - 1], "^FH");
				assert_string_not_equal(c[i], "^FB");
			}
			assert_true(barcodes > 0);
			free(z);
			lb_data_free(d);
		}
	}
	free(c);
}

static void zpl__injection_prints_literally(void **state)
{
	struct lb_data *d = labtest_sample("return-receiving");
	char *benign, *evil;

	(void)state;
	benign = zpl_of("return-receiving", d, 203);
	assert_int_equal(lb_data_set(d, "customer", INJECT, strlen(INJECT)), LB_OK);
	evil = zpl_of("return-receiving", d, 203);
	assert_non_null(
		strstr(evil, "^FH^FDCustomer: Eve_5EFS_5EFO40,200_5EA0N,80,80_5EFDPAID_5EFS^FS\n"));
	assert_null(strstr(evil, "^FDPAID"));
	same_commands(benign, evil);
	free(benign);
	free(evil);
	lb_data_free(d);
}

/* Every byte that means something to a printer, in every kind of field a
 * template has (text, block, Code 128, QR), leaves the commands alone. */
static void zpl__hostile_bytes_in_every_field(void **state)
{
	static const char *const hostile[] = {
		"^XZ^XA^FO0,0^GB800,800,800^FS", "~JA~HS", "_5E_7E__", "\\&\\\\&",
		"\x01\x02\x1b\r\n\x7f", "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m", "\xff\xfe\xc3",
		"^FB800,5,0,L^FD\\&x", "{rma}{{}}",
	};
	struct lb_data *d = labtest_sample("warranty-ticket");
	char *benign = zpl_of("warranty-ticket", d, 300);

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const char *h = hostile[i];
		char *z;

		assert_int_equal(lb_data_set(d, "customer", h, strlen(h)), LB_OK);
		assert_int_equal(lb_data_set(d, "issue", h, strlen(h)), LB_OK);
		z = zpl_of("warranty-ticket", d, 300);
		same_commands(benign, z);
		assert_null(strstr(z, "~"));
		free(z);
	}
	lb_data_free(d);
	free(benign);
}

/* Barcodes carry what their symbology can: Code 128 any printable ASCII
 * (escaped), Data Matrix without '_' and '~', GS1 element strings only;
 * anything else is refused with the field named. */
static void zpl__barcode_data_rules(void **state)
{
	struct lb_label *l = NULL;
	struct lb_buf b = LB_BUF_INIT;
	struct lb_el e = { .kind = LB_EL_BARCODE, .x = 100, .y = 100, .w = 600, .h = 200,
			   .module = 2, .name = "code" };
	char err[256] = "";

	(void)state;
	assert_int_equal(lb_label_new(203, 812, 1218, &l), LB_OK);
	e.sym = LB_SYM_CODE128;
	e.text = (char *)"A^B~C_D\\E>F";
	e.len = strlen(e.text);
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_OK);
	/* Control bytes too (subset A): the scanner self-test holds a GS,
	 * which reaches the printer hex-escaped.  NUL does not. */
	e.text = (char *)"Ab\x1d" "c";
	e.len = 4;
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_OK);
	e.text = (char *)"A\0B";
	e.len = 3;
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_ERR_RANGE);
	assert_non_null(strstr(err, "byte 1 (0x00) is not printable ASCII or a control byte"));
	e.text = (char *)"caf\xc3\xa9";
	e.len = strlen(e.text);
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_ERR_RANGE);
	assert_non_null(strstr(err, "field 'code': byte 3 (0xC3) is not printable ASCII"));
	e.sym = LB_SYM_DATAMATRIX;
	e.text = (char *)"SN_1";
	e.len = 4;
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_ERR_RANGE);
	assert_non_null(strstr(err, "Data Matrix data cannot hold '_' or '~'"));
	e.sym = LB_SYM_GS1_128;
	e.text = (char *)"(01)0950110153000^";
	e.len = strlen(e.text);
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_ERR_RANGE);
	assert_non_null(strstr(err, "not allowed in GS1 data"));
	e.text = (char *)"01095011015300";
	e.len = strlen(e.text);
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_ERR_RANGE);
	e.text = (char *)"(01)09501101530004(10)A"; /* check digit is 3 */
	e.len = strlen(e.text);
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_ERR_RANGE);
	assert_non_null(strstr(err, "(01) needs 14 digits with a valid check digit"));
	e.sym = LB_SYM_QR;
	e.text = (char *)"";
	e.len = 0;
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_ERR_RANGE);
	assert_non_null(strstr(err, "needs data"));
	assert_int_equal(l->n, 2);
	assert_int_equal(lb_zpl_render(l, &b), LB_OK);
	assert_non_null(strstr(b.data, "^FO100,100^BY2,3,200^BCN,200,N,N,N,A^FH^FDA_5EB_7EC_5FD_5CE>F^FS"));
	assert_non_null(strstr(b.data, "^BCN,200,N,N,N,A^FH^FDAb_1Dc^FS"));
	lb_buf_fini(&b);
	lb_label_free(l);
}

/* GS1-128 written out: start code and FNC1, digit pairs in subset C (never
 * a lone digit there), the rest in B, FNC1 after variable-length values
 * but the last. */
static void zpl__gs1_explicit_subsets(void **state)
{
	static const struct {
		const char *in, *fd;
	} t[] = {
		{ "(00)009501101500000129", ">;>800009501101500000129" },
		{ "(01)09501101530003(10)ABC-1(21)X7(17)260630",
		  ">;>8010950110153000310>6ABC-1>821X7>8>517260630" },
		{ "(10)ABC", ">;>810>6ABC" },
		{ "(10)12345(21)9", ">;>8101234>65>8219" },
		{ "(400)PO-7", ">;>840>60PO-7" },
		{ "(17)260630(10)A", ">;>81726063010>6A" }, /* (17) is fixed: no FNC1 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lb_label *l = NULL;
		struct lb_buf b = LB_BUF_INIT;
		struct lb_el e = { .kind = LB_EL_BARCODE, .sym = LB_SYM_GS1_128, .x = 10, .y = 10,
				   .w = 700, .h = 100, .module = 2, .name = "gs1" };
		char want[128], err[256] = "";

		e.text = (char *)t[i].in;
		e.len = strlen(e.text);
		assert_int_equal(lb_label_new(203, 812, 200, &l), LB_OK);
		if (lb_label_add(l, &e, err, sizeof(err)) != LB_OK)
			fail_msg("%s: %s", t[i].in, err);
		assert_int_equal(lb_zpl_render(l, &b), LB_OK);
		snprintf(want, sizeof(want), "^BCN,100,N,N,N,N^FH^FD%s^FS\n", t[i].fd);
		if (!strstr(b.data, want))
			fail_msg("%s: want %s in\n%s", t[i].in, want, b.data);
		lb_buf_fini(&b);
		lb_label_free(l);
	}
}

/* Long fields: refused past the template's max (named), text cut to its
 * width, blocks to their lines, and a block always emits all its lines. */
static void zpl__long_fields(void **state)
{
	struct lb_template *t = labtest_template("return-receiving");
	struct lb_data *d = labtest_sample("return-receiving");
	struct lb_label *l = NULL;
	struct lb_buf b = LB_BUF_INIT;
	char big[1000], err[256] = "";
	const char *p;

	(void)state;
	memset(big, 'W', sizeof(big));
	assert_int_equal(lb_data_set(d, "customer", big, 61), LB_OK);
	assert_int_equal(lb_template_build(t, d, 203, &l, err, sizeof(err)), LB_ERR_RANGE);
	assert_string_equal(err, "field 'customer' (Customer name): 61 bytes, at most 60");
	assert_null(l);
	assert_int_equal(lb_data_set(d, "customer", big, 60), LB_OK);
	for (size_t i = 0; i < 240; i += 2)
		big[i] = ' ';
	assert_int_equal(lb_data_set(d, "notes", big, 240), LB_OK);
	assert_int_equal(lb_template_build(t, d, 203, &l, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_zpl_render(l, &b), LB_OK);
	/* "Customer: " + as many W as fit 95 mm at 3 mm: 760 / 14 = 54 */
	p = strstr(b.data, "^FDCustomer: W");
	assert_non_null(p);
	assert_int_equal(strcspn(p + 3, "^"), 54);
	lb_buf_fini(&b);
	lb_label_free(l);
	lb_data_free(d);
	lb_template_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape__table),
		cmocka_unit_test(escape__fd_limit),
		cmocka_unit_test(zpl__structure_of_every_template),
		cmocka_unit_test(zpl__injection_prints_literally),
		cmocka_unit_test(zpl__hostile_bytes_in_every_field),
		cmocka_unit_test(zpl__barcode_data_rules),
		cmocka_unit_test(zpl__gs1_explicit_subsets),
		cmocka_unit_test(zpl__long_fields),
	};

	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	lb_render_release(); /* cairo's and fontconfig's caches */
	return rc;
}
