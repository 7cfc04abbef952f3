/* Every template, filled with its sample, rendered to PNG at 203 and 300 dpi
 * (in memory), decodes back to the data of each of its barcodes (zbar for
 * Code 128, GS1-128 and QR; libdmtx for Data Matrix), and a decode that
 * differs is reported as such. */
#include <dirent.h>
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
#include "lb/verify.h"
#include "labtest.h"

static void check_template(const char *name, int dpi)
{
	struct lb_label *l = labtest_label(name, dpi);
	struct lb_verify_report *rep = malloc(sizeof(*rep));
	struct lb_buf txt = LB_BUF_INIT;
	char err[256] = "";
	unsigned n_code = 0;
	int rc;

	assert_non_null(rep);
	for (size_t i = 0; i < l->n; i++)
		n_code += l->el[i].kind == LB_EL_BARCODE;
	rc = lb_verify_label(l, rep, err, sizeof(err));
	lb_verify_format(rep, &txt);
	if (rc != LB_OK)
		fail_msg("%s at %d dpi: %s\n%s", name, dpi, err, txt.data ? txt.data : "");
	/* Every barcode element was looked for, none is left out. */
	assert_true(n_code > 0);
	assert_int_equal(rep->n, n_code);
	assert_int_equal(rep->n_bad, 0);
	lb_buf_fini(&txt);
	free(rep);
	lb_label_free(l);
}

static void roundtrip__every_template_203(void **state)
{
	(void)state;
	for (size_t i = 0; i < labtest_templates_n; i++)
		check_template(labtest_templates[i], 203);
}

static void roundtrip__every_template_300(void **state)
{
	(void)state;
	for (size_t i = 0; i < labtest_templates_n; i++)
		check_template(labtest_templates[i], 300);
}

/* A template added to data/labels/ without being listed here (and so
 * without a round trip) fails this test. */
static void roundtrip__list_is_every_template_file(void **state)
{
	const char *src = getenv("QC_SRC");
	char path[1024];
	struct dirent *de;
	size_t found = 0;
	DIR *d;

	(void)state;
	snprintf(path, sizeof(path), "%s/data/labels", src ? src : ".");
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name), k;

		if (n < 6 || strcmp(de->d_name + n - 5, ".json"))
			continue;
		for (k = 0; k < labtest_templates_n; k++)
			if (strlen(labtest_templates[k]) == n - 5 &&
			    !strncmp(labtest_templates[k], de->d_name, n - 5))
				break;
		if (k == labtest_templates_n)
			fail_msg("data/labels/%s has no round trip in labtest.c", de->d_name);
		found++;
	}
	closedir(d);
	assert_int_equal(found, labtest_templates_n);
}

/* Decoding a raster of other data: every differing barcode is reported
 * with what was decoded. */
static void verify__reports_mismatch(void **state)
{
	struct lb_template *t = labtest_template("return-receiving");
	struct lb_data *d = labtest_sample("return-receiving");
	struct lb_label *a = NULL, *b = NULL;
	struct lb_verify_report *rep = malloc(sizeof(*rep));
	struct lb_raster r;
	struct lb_buf txt = LB_BUF_INIT;
	char err[256];

	(void)state;
	assert_non_null(rep);
	assert_int_equal(lb_template_build(t, d, 203, &a, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_data_set(d, "rma", "RMA-2024-000999", 15), LB_OK);
	assert_int_equal(lb_template_build(t, d, 203, &b, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_render_raster(a, &r, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_verify_raster(b, &r, rep), LB_ERR_VERIFY);
	assert_int_equal(rep->n, 2);
	assert_int_equal(rep->n_bad, 1);
	assert_string_equal(rep->item[0].name, "rma");
	assert_false(rep->item[0].ok);
	assert_string_equal(rep->item[0].want, "RMA-2024-000999");
	assert_string_equal(rep->item[0].got, "RMA-2024-000123");
	assert_string_equal(rep->item[0].why, "data differs");
	assert_true(rep->item[1].ok);
	assert_int_equal(lb_verify_format(rep, &txt), LB_OK);
	assert_non_null(strstr(txt.data, "BAD"));
	assert_non_null(strstr(txt.data, "1 mismatch"));
	/* A blank page: nothing found, said so. */
	memset(r.px, 255, (size_t)r.stride * (size_t)r.h);
	assert_int_equal(lb_verify_raster(a, &r, rep), LB_ERR_VERIFY);
	assert_int_equal(rep->n_bad, 2);
	assert_string_equal(rep->item[0].why, "no code128 symbol found");
	assert_string_equal(rep->item[0].got, "");
	/* A raster smaller than the label is refused. */
	r.w = 10;
	assert_int_equal(lb_verify_raster(a, &r, rep), LB_ERR_ARG);
	lb_buf_fini(&txt);
	lb_raster_fini(&r);
	free(rep);
	lb_label_free(a);
	lb_label_free(b);
	lb_data_free(d);
	lb_template_free(t);
}

/* GS1-128: FNC1 after the variable-length (10) and (21), not after the
 * fixed (01) nor the last element; the decode carries them as GS. */
static void verify__gs1_separators(void **state)
{
	struct lb_label *l = NULL;
	struct lb_verify_report *rep = malloc(sizeof(*rep));
	struct lb_el e = { .kind = LB_EL_BARCODE, .sym = LB_SYM_GS1_128, .x = 100, .y = 40,
			   .w = 1100, .h = 120, .module = 3, .name = "gs1" };
	char err[256] = "";

	(void)state;
	assert_non_null(rep);
	assert_int_equal(lb_label_new(300, 1219, 300, &l), LB_OK);
	e.text = (char *)"(01)09501101530003(10)ABC-1(21)X7(17)260630";
	e.len = strlen(e.text);
	assert_int_equal(lb_label_add(l, &e, err, sizeof(err)), LB_OK);
	if (lb_verify_label(l, rep, err, sizeof(err)) != LB_OK)
		fail_msg("%s %s", err, rep->item[0].why);
	assert_string_equal(rep->item[0].want, "0109501101530003" "10ABC-1\x1d" "21X7\x1d" "17260630");
	assert_string_equal(rep->item[0].got, rep->item[0].want);
	free(rep);
	lb_label_free(l);
}

/* s[0..n) holds the string w (binary-safe). */
static int contains(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(s + i, w, k))
			return 1;
	return 0;
}

/* PNG and PDF output: a PNG of the label's size in dots that reads back, a
 * PDF of the label's size in points. */
static void render__png_and_pdf(void **state)
{
	struct lb_label *l = labtest_label("shipment-4x6", 300);
	struct lb_buf png = LB_BUF_INIT, pdf = LB_BUF_INIT;
	struct lb_raster r;
	char err[256];

	(void)state;
	assert_int_equal(l->width, 1219);
	assert_int_equal(l->height, 1828);
	assert_int_equal(lb_render_png(l, &png, err, sizeof(err)), LB_OK);
	assert_true(png.len > 8 && !memcmp(png.data, "\x89PNG\r\n\x1a\n", 8));
	assert_int_equal(lb_raster_from_png(png.data, png.len, &r), LB_OK);
	assert_int_equal(r.w, 1219);
	assert_int_equal(r.h, 1828);
	lb_raster_fini(&r);
	assert_int_equal(lb_raster_from_png("not a png", 9, &r), LB_ERR_ARG);
	assert_int_equal(lb_render_pdf(l, &pdf, err, sizeof(err)), LB_OK);
	assert_true(pdf.len > 5 && !memcmp(pdf.data, "%PDF-", 5));
	/* 1219 x 1828 dots at 12 per mm = 287.95 x 431.81 pt (4 x 6 in, less
	 * the part of a dot the page size is floored by) */
	assert_true(contains(pdf.data, pdf.len, "/MediaBox [ 0 0 287.95"));
	assert_true(contains(pdf.data, pdf.len, " 431.81"));
	lb_buf_fini(&png);
	lb_buf_fini(&pdf);
	lb_label_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip__every_template_203),
		cmocka_unit_test(roundtrip__every_template_300),
		cmocka_unit_test(roundtrip__list_is_every_template_file),
		cmocka_unit_test(verify__reports_mismatch),
		cmocka_unit_test(verify__gs1_separators),
		cmocka_unit_test(render__png_and_pdf),
	};

	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	lb_render_release(); /* cairo's and fontconfig's caches */
	return rc;
}
