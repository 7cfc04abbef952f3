/* labels: symbols as module grids, encoded by libzint (quiet zones on).
 * The only file that includes <zint.h>. */
#include <stdlib.h>
#include <string.h>

#include <zint.h>

#include "lb/err.h"
#include "lb-int.h"

int lb_matrix_encode(enum lb_sym sym, const char *data, size_t len, struct lb_matrix *out,
		     char *err, size_t errlen)
{
	struct zint_symbol *s = ZBarcode_Create();
	int rc = LB_OK, zr, bw, bh, row0 = 0, rows;

	memset(out, 0, sizeof(*out));
	if (!s)
		return LB_ERR_NOMEM;
	if (len > LB_CODE_MAX) {
		rc = LB_ERR_RANGE;
		goto out;
	}
	s->input_mode = DATA_MODE;
	switch (sym) {
	case LB_SYM_CODE128:
		s->symbology = BARCODE_CODE128;
		break;
	case LB_SYM_GS1_128:
		s->symbology = BARCODE_GS1_128;
		s->input_mode = GS1_MODE | GS1PARENS_MODE;
		break;
	case LB_SYM_QR:
		s->symbology = BARCODE_QRCODE;
		s->option_1 = 2; /* M, as ^BQ's "MA," */
		break;
	case LB_SYM_DATAMATRIX:
		s->symbology = BARCODE_DATAMATRIX;
		s->option_3 = DM_SQUARE;
		break;
	default:
		rc = LB_ERR_ARG;
		goto out;
	}
	s->output_options |= BARCODE_QUIET_ZONES;
	s->show_hrt = 0;
	s->scale = 0.5f; /* one pixel per module */
	if (sym == LB_SYM_CODE128 || sym == LB_SYM_GS1_128)
		s->height = 4.0f;
	zr = ZBarcode_Encode_and_Buffer(s, (const unsigned char *)data, (int)len, 0);
	if (zr >= ZINT_ERROR) {
		lb_errf(err, errlen, "%s", s->errtxt);
		rc = LB_ERR_RANGE;
		goto out;
	}
	bw = s->bitmap_width;
	bh = s->bitmap_height;
	if (bw < s->width || bw <= 0 || bh <= 0 || !s->bitmap) {
		rc = LB_ERR_BUG;
		goto out;
	}
	out->sym_w = s->width;
	out->qx = (bw - s->width) / 2;
	out->w = bw;
	if (sym == LB_SYM_CODE128 || sym == LB_SYM_GS1_128) {
		/* One row of bars, sampled in the middle. */
		out->h = 1;
		out->sym_h = 1;
		out->qy = 0;
		row0 = bh / 2;
		rows = 1;
	} else {
		out->h = bh;
		out->sym_h = s->rows;
		out->qy = (bh - s->rows) / 2;
		rows = bh;
		if (bh < s->rows || bw - s->width != bh - s->rows) {
			rc = LB_ERR_BUG; /* not one pixel per module */
			goto out;
		}
	}
	out->m = malloc((size_t)bw * (size_t)rows);
	if (!out->m) {
		rc = LB_ERR_NOMEM;
		goto out;
	}
	for (int y = 0; y < rows; y++)
		for (int x = 0; x < bw; x++)
			out->m[(size_t)y * (size_t)bw + (size_t)x] =
				s->bitmap[((size_t)(y + row0) * (size_t)bw + (size_t)x) * 3] < 128;
out:
	ZBarcode_Delete(s);
	return rc;
}

void lb_matrix_fini(struct lb_matrix *m)
{
	free(m->m);
	memset(m, 0, sizeof(*m));
}

void lb_matrix_dots(const struct lb_matrix *m, const struct lb_el *e, int *w, int *h)
{
	*w = m->sym_w * e->module;
	*h = m->h == 1 ? e->h : m->sym_h * e->module;
}
