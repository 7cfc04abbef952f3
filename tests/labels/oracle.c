/* The ZPL output checked by an independent renderer: every template at 203
 * and 300 dpi (and labels of hostile data) goes through zpl-renderer-js
 * (zebrash, a ZPL engine compiled to WASM, run with node), and the PNG it
 * draws must decode (zbar; libdmtx restricted to the symbol's region) to
 * each barcode's data.  The injection label must draw exactly what the same
 * label with a harmless name of the same length draws, outside the name's
 * own line: no "PAID" field appears anywhere.
 *
 * Needs node and the npm package in QC_ZPL_ORACLE_DIR (the ctest fixture
 * lb_zpl_oracle_setup, or scripts/test, runs npm ci there). */
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lb/data.h"
#include "lb/err.h"
#include "lb/render.h"
#include "lb/template.h"
#include "lb/verify.h"
#include "lb/zpl.h"
#include "common/testutil.h"
#include "labtest.h"

extern char **environ;

#define INJECT "Eve^FS^FO40,200^A0N,80,80^FDPAID^FS"
#define JOBS_MAX 40
/* 24 bytes, cut on no UTF-8 boundary when repeated: ASCII but for the end. */
#define HOSTILE "~JA^XZ\x01\x1b_5E\\&\\\\&\x7f Zo\xc3\xab"

/* The text fields of return-receiving, at their longest. */
static const struct {
	const char *name;
	size_t max;
} hostile_text[] = { { "customer", 60 }, { "item", 80 }, { "notes", 240 }, { "received", 20 } };

struct job {
	char name[64];
	struct lb_label *l;
};

struct oracle {
	char dir[256];
	size_t n;
	struct job job[JOBS_MAX];
};

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void add_job(struct oracle *o, const char *name, struct lb_label *l)
{
	assert_true(o->n < JOBS_MAX);
	snprintf(o->job[o->n].name, sizeof(o->job[o->n].name), "%s", name);
	o->job[o->n++].l = l;
}

/* Render every job's ZPL with node in one run (the WASM start-up once). */
static void render_all(struct oracle *o)
{
	char jobs[512], script[1024], zpl[512], png[512];
	const char *src = getenv("QC_SRC");
	struct lb_buf list = LB_BUF_INIT;
	char *argv[4];
	pid_t pid;
	int st;

	for (size_t i = 0; i < o->n; i++) {
		struct lb_buf z = LB_BUF_INIT;
		const struct lb_label *l = o->job[i].l;

		assert_int_equal(lb_zpl_render(l, &z), LB_OK);
		snprintf(zpl, sizeof(zpl), "%s/%s.zpl", o->dir, o->job[i].name);
		snprintf(png, sizeof(png), "%s/%s.png", o->dir, o->job[i].name);
		write_file(zpl, z.data, z.len);
		lb_buf_fini(&z);
		/* The page in mm with three decimals: dots / dots-per-mm. */
		assert_int_equal(lb_buf_printf(&list, "%s %s %d.%03d %d.%03d %d\n", zpl, png,
					       l->width / l->dpmm, l->width % l->dpmm * 1000 / l->dpmm,
					       l->height / l->dpmm,
					       l->height % l->dpmm * 1000 / l->dpmm, l->dpmm),
				 LB_OK);
	}
	snprintf(jobs, sizeof(jobs), "%s/jobs", o->dir);
	write_file(jobs, list.data, list.len);
	lb_buf_fini(&list);
	snprintf(script, sizeof(script), "%s/tests/labels/zpl-oracle/render.cjs", src ? src : ".");
	argv[0] = (char *)"node";
	argv[1] = script;
	argv[2] = jobs;
	argv[3] = NULL;
	assert_int_equal(posix_spawnp(&pid, "node", NULL, NULL, argv, environ), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("node render.cjs failed (status %d)", st);
}

static void load_png(const struct oracle *o, const char *name, struct lb_raster *r)
{
	char rel[512];
	FILE *f;
	char *b;
	long n;

	snprintf(rel, sizeof(rel), "%s/%s.png", o->dir, name);
	f = fopen(rel, "rb");
	if (!f)
		fail_msg("the oracle drew no %s", rel);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(lb_raster_from_png(b, (size_t)n, r), LB_OK);
	free(b);
}

static struct lb_label *build(const char *tpl, struct lb_data *d, int dpi)
{
	struct lb_template *t = labtest_template(tpl);
	struct lb_label *l = NULL;
	char err[512] = "";

	if (lb_template_build(t, d, dpi, &l, err, sizeof(err)) != LB_OK)
		fail_msg("%s: %s", tpl, err);
	lb_template_free(t);
	return l;
}

/* A label of barcodes whose data holds every character ZPL treats
 * specially, as the oracle must decode them. */
static struct lb_label *hostile_codes(int dpi)
{
	static const struct {
		enum lb_sym sym;
		const char *data;
	} c[] = {
		{ LB_SYM_CODE128, "A^B~C_D\\E>F>:12" },
		{ LB_SYM_QR, INJECT },
		{ LB_SYM_QR, "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m ^~_\\ \\&" },
		{ LB_SYM_DATAMATRIX, "SN^A\\B>C" },
		{ LB_SYM_GS1_128, "(01)09501101530003(10)ABC-1(21)X7(17)260630" },
	};
	struct lb_label *l = NULL;
	int dm = lb_dpmm(dpi);
	char err[256] = "";

	assert_int_equal(lb_label_new(dpi, 130 * dm, 100 * dm, &l), LB_OK);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct lb_el e = { .kind = LB_EL_BARCODE, .sym = c[i].sym, .module = dm / 4,
				   .x = 6 * dm, .y = (int)(3 + i * 19) * dm, .w = 118 * dm,
				   .h = 14 * dm };

		snprintf(e.name, sizeof(e.name), "hostile-%zu", i);
		e.text = (char *)c[i].data;
		e.len = strlen(c[i].data);
		if (lb_label_add(l, &e, err, sizeof(err)) != LB_OK)
			fail_msg("%s", err);
	}
	return l;
}

/* Rows a and b of the same template draw differently only where their
 * text differs: returns whether row y belongs to such an element. */
static int changed_row(const struct lb_label *a, const struct lb_label *b, int y)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		const struct lb_el *e = &a->el[i];
		int y1;

		if ((e->kind != LB_EL_TEXT && e->kind != LB_EL_BLOCK) ||
		    (e->len == b->el[i].len && !memcmp(e->text, b->el[i].text, e->len)))
			continue;
		y1 = e->kind == LB_EL_BLOCK ? e->y + e->lines * (e->h + e->h / 5) : e->y + e->h * 5 / 4;
		if (y >= e->y && y < y1)
			return 1;
	}
	return 0;
}

/* The hostile label (job k) and its harmless twin (job k + 1) draw the
 * same pixels everywhere but on the lines of the text that differs, and
 * the hostile text is inked: no field escaped into commands of its own. */
static void same_outside_changed_text(const struct oracle *o, size_t k, const char *evil,
				      const char *calm)
{
	const struct lb_label *la = o->job[k].l, *lb = o->job[k + 1].l;
	struct lb_raster a, b;
	int differ = 0, ink = 0, rows = 0;

	load_png(o, evil, &a);
	load_png(o, calm, &b);
	assert_int_equal(a.w, b.w);
	assert_int_equal(a.h, b.h);
	for (int y = 0; y < a.h; y++) {
		if (changed_row(la, lb, y)) {
			rows++;
			for (int x = 0; x < a.w; x++)
				ink += a.px[(size_t)y * (size_t)a.stride + (size_t)x] < 128;
			continue;
		}
		differ += memcmp(a.px + (size_t)y * (size_t)a.stride,
				 b.px + (size_t)y * (size_t)b.stride, (size_t)a.w) != 0;
	}
	if (differ)
		fail_msg("%s: hostile text changed %d pixel rows outside its own lines", evil,
			 differ);
	assert_true(rows > 0);
	assert_true(ink > 100);
	lb_raster_fini(&a);
	lb_raster_fini(&b);
}

static void oracle__decodes_what_we_meant(void **state)
{
	struct oracle *o = calloc(1, sizeof(*o));
	struct lb_verify_report *rep = malloc(sizeof(*rep));
	struct lb_data *evil = NULL, *calm = NULL;
	char name[64], calm_name[LB_TEXT_MAX];
	size_t inj_job = 0;

	(void)state;
	assert_non_null(o);
	assert_non_null(rep);
	assert_int_equal(qc_tmpdir_make(o->dir, sizeof(o->dir), "zpl-oracle"), 0);
	for (size_t k = 0; k < labtest_templates_n; k++)
		for (int dpi = 203; dpi <= 300; dpi += 97) {
			snprintf(name, sizeof(name), "%s-%d", labtest_templates[k], dpi);
			add_job(o, name, labtest_label(labtest_templates[k], dpi));
		}
	add_job(o, "hostile-203", hostile_codes(203));
	add_job(o, "hostile-300", hostile_codes(300));
	/* The injection, and the same label with a harmless name. */
	evil = labtest_sample("return-receiving");
	calm = labtest_sample("return-receiving");
	assert_int_equal(lb_data_set(evil, "customer", INJECT, strlen(INJECT)), LB_OK);
	memset(calm_name, 'x', strlen(INJECT));
	assert_int_equal(lb_data_set(calm, "customer", calm_name, strlen(INJECT)), LB_OK);
	inj_job = o->n;
	add_job(o, "inject-evil", build("return-receiving", evil, 203));
	add_job(o, "inject-calm", build("return-receiving", calm, 203));
	/* Every byte a printer reads specially, control bytes and a field at
	 * its longest, in each text field of the label; the twin has 'x'. */
	for (size_t i = 0; i < sizeof(hostile_text) / sizeof(hostile_text[0]); i++) {
		char v[300], w[300];
		size_t n = 0;

		while (n < hostile_text[i].max) {
			size_t k = strlen(HOSTILE);

			if (k > hostile_text[i].max - n)
				k = hostile_text[i].max - n;
			memcpy(v + n, HOSTILE, k);
			n += k;
		}
		memset(w, 'x', n);
		assert_int_equal(lb_data_set(evil, hostile_text[i].name, v, n), LB_OK);
		assert_int_equal(lb_data_set(calm, hostile_text[i].name, w, n), LB_OK);
	}
	add_job(o, "hostile-evil", build("return-receiving", evil, 300));
	add_job(o, "hostile-calm", build("return-receiving", calm, 300));
	render_all(o);

	for (size_t i = 0; i < o->n; i++) {
		struct lb_raster r;
		int rc;

		load_png(o, o->job[i].name, &r);
		rc = lb_verify_raster(o->job[i].l, &r, rep);
		if (rc != LB_OK) {
			struct lb_buf t = LB_BUF_INIT;

			lb_verify_format(rep, &t);
			fail_msg("%s: the oracle's drawing does not decode (%s):\n%s", o->job[i].name,
				 lb_strerror(rc), t.data ? t.data : "");
		}
		assert_true(rep->n > 0);
		lb_raster_fini(&r);
	}

	same_outside_changed_text(o, inj_job, "inject-evil", "inject-calm");
	same_outside_changed_text(o, inj_job + 2, "hostile-evil", "hostile-calm");

	for (size_t i = 0; i < o->n; i++)
		lb_label_free(o->job[i].l);
	lb_data_free(evil);
	lb_data_free(calm);
	if (!getenv("QC_KEEP_ORACLE"))
		qc_tmpdir_remove(o->dir);
	free(rep);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oracle__decodes_what_we_meant),
	};
	const char *dir = getenv("QC_ZPL_ORACLE_DIR");
	char pkg[1024];
	int rc;

	snprintf(pkg, sizeof(pkg), "%s/node_modules/zpl-renderer-js/package.json", dir ? dir : "");
	if (!dir || access(pkg, R_OK) != 0) {
		fprintf(stderr, "lb_zpl_oracle: skipped: no %s (run: npm ci --prefix DIR with "
				"tests/labels/zpl-oracle/package*.json; scripts/test does)\n", pkg);
		return 77;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	lb_render_release();
	return rc;
}
