/* bench: label output speed.
 *
 * On the 4 x 6 shipment label (data/labels/shipment-4x6.json with its
 * sample, 203 dpi), measures
 *   - ZPL generated per second from a built label (lb_zpl_render), and
 *     template-plus-data to ZPL (lb_template_build, which also encodes each
 *     symbol once with zint to check it fits, then lb_zpl_render);
 *   - render plus verify per second (lb_verify_label: cairo + zint draw the
 *     PNG raster, zbar decodes each barcode);
 *   - beside them, in the same run, zint's own encode time for the same
 *     three symbols (ZBarcode_Encode_and_Buffer), the floor of anything
 *     that draws them.
 *
 * Targets (docs/performance.md): >= 20,000 ZPL labels/s, >= 50
 * render+verify/s.  A measurement, not a test: exits 0 whether or not the
 * targets are met, non-zero only when it could not run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zint.h>

#include "lb/data.h"
#include "lb/err.h"
#include "lb/render.h"
#include "lb/template.h"
#include "lb/verify.h"
#include "lb/zpl.h"

#include "bench_common.h"

#ifndef QC_LABELS_DIR
#define QC_LABELS_DIR "data/labels"
#endif
#ifndef QC_BENCH_BUILD_TYPE
#define QC_BENCH_BUILD_TYPE "?"
#endif

#define TARGET_ZPL_PER_S 20000.0
#define TARGET_VERIFY_PER_S 50.0
#define DEFAULT_N 100000
#define QUICK_N 200

struct figure {
	uint64_t n, ns;
};

static double rate(const struct figure *f)
{
	return bench_per_s((size_t)f->n, f->ns);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		} else if (b) {
			b[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return b;
}

/* zint alone on the label's barcodes, as lb draws them (quiet zones, one
 * pixel per module). */
static int zint_label(const struct lb_label *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct lb_el *e = &l->el[i];
		struct zint_symbol *s;
		int rc;

		if (e->kind != LB_EL_BARCODE)
			continue;
		s = ZBarcode_Create();
		if (!s)
			return -1;
		s->input_mode = DATA_MODE;
		s->symbology = e->sym == LB_SYM_CODE128 ? BARCODE_CODE128 :
			       e->sym == LB_SYM_GS1_128 ? BARCODE_GS1_128 :
			       e->sym == LB_SYM_QR	? BARCODE_QRCODE :
							  BARCODE_DATAMATRIX;
		if (e->sym == LB_SYM_GS1_128)
			s->input_mode = GS1_MODE | GS1PARENS_MODE;
		s->output_options |= BARCODE_QUIET_ZONES;
		s->scale = 0.5f;
		rc = ZBarcode_Encode_and_Buffer(s, (const unsigned char *)e->text, (int)e->len, 0);
		ZBarcode_Delete(s);
		if (rc >= ZINT_ERROR)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("QC_LABELS_DIR") ? getenv("QC_LABELS_DIR") : QC_LABELS_DIR;
	struct figure zpl = { 0 }, build = { 0 }, verify = { 0 }, zint = { 0 };
	struct lb_template *t = NULL;
	struct lb_data *d = NULL;
	struct lb_label *l = NULL;
	struct lb_buf b = LB_BUF_INIT;
	struct lb_verify_report *rep = malloc(sizeof(*rep));
	uint64_t n = DEFAULT_N, t0;
	char path[1024], err[512] = "";
	size_t len = 0, zpl_bytes = 0;
	bool json = false;
	char *buf;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--quick")) {
			n = QUICK_N;
		} else if (!strcmp(argv[i], "--n") && i + 1 < argc &&
			   bench_parse_count(argv[i + 1], 100000000, &n) == 0) {
			i++;
		} else {
			fprintf(stderr, "usage: bench_labels [--n N] [--quick] [--json]\n"
					"  --n N    ZPL labels to generate (default %d); render+verify\n"
					"           and zint run N/200 (at least 5)\n"
					"  --quick  N = %d, to check that it runs\n"
					"  --json   one JSON object instead of the table\n",
				DEFAULT_N, QUICK_N);
			return 64;
		}
	}
	if (!rep)
		return 71;
	snprintf(path, sizeof(path), "%s/shipment-4x6.json", dir);
	buf = slurp(path, &len);
	if (!buf || lb_template_parse(buf, len, path, &t, err, sizeof(err)) != LB_OK) {
		fprintf(stderr, "bench_labels: %s: %s\n", path, buf ? err : "cannot read");
		goto out;
	}
	free(buf);
	snprintf(path, sizeof(path), "%s/samples/shipment-4x6.json", dir);
	buf = slurp(path, &len);
	if (!buf || lb_data_parse_json(buf, len, path, &d, err, sizeof(err)) != LB_OK ||
	    lb_template_build(t, d, 203, &l, err, sizeof(err)) != LB_OK) {
		fprintf(stderr, "bench_labels: %s: %s\n", path, buf ? err : "cannot read");
		goto out;
	}

	t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		b.len = 0;
		if (lb_zpl_render(l, &b) != LB_OK)
			goto out;
	}
	zpl = (struct figure){ n, bench_now_ns() - t0 };
	zpl_bytes = b.len;

	t0 = bench_now_ns();
	for (uint64_t i = 0; i < n / 10 + 1; i++) {
		struct lb_label *k = NULL;

		b.len = 0;
		if (lb_template_build(t, d, 203, &k, err, sizeof(err)) != LB_OK ||
		    lb_zpl_render(k, &b) != LB_OK)
			goto out;
		lb_label_free(k);
	}
	build = (struct figure){ n / 10 + 1, bench_now_ns() - t0 };

	{
		uint64_t m = n / 200 < 5 ? 5 : n / 200;

		t0 = bench_now_ns();
		for (uint64_t i = 0; i < m; i++)
			if (lb_verify_label(l, rep, err, sizeof(err)) != LB_OK) {
				fprintf(stderr, "bench_labels: verify: %s\n", err);
				goto out;
			}
		verify = (struct figure){ m, bench_now_ns() - t0 };
		t0 = bench_now_ns();
		for (uint64_t i = 0; i < m * 10; i++)
			if (zint_label(l) < 0)
				goto out;
		zint = (struct figure){ m * 10, bench_now_ns() - t0 };
	}

	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:{s:f, s:I, s:f}, s:{s:f, s:I},"
				      " s:{s:f, s:I, s:f}, s:{s:f, s:I}}",
				      "bench", "labels", "build", QC_BENCH_BUILD_TYPE, "label",
				      "shipment-4x6@203", "zpl_bytes", (int)zpl_bytes, "zpl",
				      "labels_per_s", rate(&zpl), "n", (json_int_t)zpl.n, "target",
				      TARGET_ZPL_PER_S, "build_zpl", "labels_per_s", rate(&build), "n",
				      (json_int_t)build.n, "render_verify", "labels_per_s",
				      rate(&verify), "n", (json_int_t)verify.n, "target",
				      TARGET_VERIFY_PER_S, "zint_encode", "labels_per_s", rate(&zint),
				      "n", (json_int_t)zint.n);

		if (!o)
			goto out;
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		printf("bench_labels: shipment-4x6 at 203 dpi (%zu bytes of ZPL, %u barcodes), build "
		       "%s, zint %d\n",
		       zpl_bytes, rep->n, QC_BENCH_BUILD_TYPE, ZBarcode_Version());
		printf("  %-34s %12s %10s %8s\n", "", "labels/s", "us/label", "n");
		printf("  %-34s %12.0f %10.2f %8llu  target >= %.0f: %s\n", "zpl 4x6 (lb_zpl_render)",
		       rate(&zpl), 1e6 / rate(&zpl), (unsigned long long)zpl.n, TARGET_ZPL_PER_S,
		       rate(&zpl) >= TARGET_ZPL_PER_S ? "met" : "NOT met");
		printf("  %-34s %12.0f %10.2f %8llu\n", "template+data to zpl", rate(&build),
		       1e6 / rate(&build), (unsigned long long)build.n);
		printf("  %-34s %12.1f %10.0f %8llu  target >= %.0f: %s\n", "render+verify (cairo, zbar)",
		       rate(&verify), 1e6 / rate(&verify), (unsigned long long)verify.n,
		       TARGET_VERIFY_PER_S, rate(&verify) >= TARGET_VERIFY_PER_S ? "met" : "NOT met");
		printf("  %-34s %12.0f %10.2f %8llu\n", "baseline: zint encode, same symbols",
		       rate(&zint), 1e6 / rate(&zint), (unsigned long long)zint.n);
	}
	rc = 0;
out:
	free(buf);
	free(rep);
	lb_buf_fini(&b);
	lb_label_free(l);
	lb_data_free(d);
	lb_template_free(t);
	lb_render_release();
	return rc;
}
