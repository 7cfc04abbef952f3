/* labels: PNG and PDF through cairo, <lb/render.h>.  Symbols come from
 * libzint as module grids (symbol.c) and are drawn as dot-aligned
 * rectangles, without antialiasing, so a 300 dpi preview has the printer's
 * bars.  The only file that includes cairo. */
#include "lb/render.h"

#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "lb/err.h"
#include "lb-int.h"

#define FONT "DejaVu Sans Condensed"

static void text_at(cairo_t *cr, int x, int y, int w, int h, const char *s, size_t n)
{
	char buf[LB_BLOCK_MAX + 1];

	if (!n)
		return;
	memcpy(buf, s, n);
	buf[n] = '\0';
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h + h / 4);
	cairo_clip(cr);
	cairo_set_font_size(cr, h);
	cairo_move_to(cr, x, y + h * 0.8);
	cairo_show_text(cr, buf);
	cairo_restore(cr);
}

static void rect(cairo_t *cr, int x, int y, int w, int h)
{
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

static int draw_barcode(cairo_t *cr, const struct lb_el *e, char *err, size_t errlen)
{
	struct lb_matrix m;
	char zerr[128] = "";
	int rc = lb_matrix_encode(e->sym, e->text, e->len, &m, zerr, sizeof(zerr));
	int sw, sh, mod = e->module, x0, y0, bar_h;

	if (rc < 0) {
		lb_errf(err, errlen, "field '%s': %s cannot encode it: %s", e->name,
			lb_sym_name(e->sym), zerr);
		return rc;
	}
	lb_matrix_dots(&m, e, &sw, &sh);
	if (sw > e->w || sh > e->h) {
		lb_errf(err, errlen,
			"field '%s': the %s symbol is %dx%d dots, its box %dx%d (shorter data "
			"or a smaller module)",
			e->name, lb_sym_name(e->sym), sw, sh, e->w, e->h);
		rc = LB_ERR_RANGE;
		goto out;
	}
	x0 = e->x - m.qx * mod;
	y0 = e->y - m.qy * mod;
	bar_h = m.h == 1 ? e->h : mod;
	/* The quiet zone is kept clear, whatever lies there. */
	cairo_set_source_rgb(cr, 1, 1, 1);
	rect(cr, x0, m.h == 1 ? e->y : y0, m.w * mod, m.h == 1 ? e->h : m.h * mod);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int y = 0; y < m.h; y++) {
		for (int x = 0; x < m.w;) {
			int run = 0;

			while (x + run < m.w && m.m[(size_t)y * (size_t)m.w + (size_t)(x + run)])
				run++;
			if (run) {
				rect(cr, x0 + x * mod, m.h == 1 ? e->y : y0 + y * mod, run * mod,
				     bar_h);
				x += run;
			} else {
				x++;
			}
		}
	}
out:
	lb_matrix_fini(&m);
	return rc;
}

static int draw(cairo_t *cr, const struct lb_label *l, char *err, size_t errlen)
{
	int rc = LB_OK;

	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	for (size_t i = 0; i < l->n && rc == LB_OK; i++) {
		const struct lb_el *e = &l->el[i];
		struct lb_lines ln;
		int t;

		cairo_set_source_rgb(cr, 0, 0, 0);
		switch (e->kind) {
		case LB_EL_TEXT:
			text_at(cr, e->x, e->y, e->w, e->h, e->text,
				lb_utf8_prefix(e->text, e->len, lb_text_fit(e->w, e->h)));
			break;
		case LB_EL_BLOCK:
			lb_wrap(e->text, e->len, e->w, e->h, e->lines, &ln);
			for (unsigned k = 0; k < ln.n; k++)
				text_at(cr, e->x, e->y + (int)k * (e->h + e->h / 5), e->w, e->h,
					e->text + ln.line[k].off, ln.line[k].len);
			break;
		case LB_EL_BARCODE:
			rc = draw_barcode(cr, e, err, errlen);
			break;
		case LB_EL_BOX:
			t = e->thick;
			rect(cr, e->x, e->y, e->w, t);
			rect(cr, e->x, e->y + e->h - t, e->w, t);
			rect(cr, e->x, e->y, t, e->h);
			rect(cr, e->x + e->w - t, e->y, t, e->h);
			break;
		case LB_EL_LINE:
			rect(cr, e->x, e->y, e->w, e->h);
			break;
		case LB_EL_IMAGE:
			for (int y = 0; y < e->h; y++)
				for (int x = 0; x < e->w; x++)
					if (e->bits[(size_t)y * (size_t)((e->w + 7) / 8) + (size_t)x / 8] &
					    (0x80 >> (x & 7)))
						rect(cr, e->x + x, e->y + y, 1, 1);
			break;
		default:
			rc = LB_ERR_BUG;
		}
	}
	return rc;
}

static int draw_image(const struct lb_label *l, cairo_surface_t **out, char *err, size_t errlen)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, l->width, l->height);
	cairo_t *cr = NULL;
	int rc;

	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return LB_ERR_NOMEM;
	}
	cr = cairo_create(s);
	rc = draw(cr, l, err, errlen);
	if (rc == LB_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = LB_ERR_NOMEM;
	cairo_destroy(cr);
	if (rc < 0) {
		cairo_surface_destroy(s);
		return rc;
	}
	cairo_surface_flush(s);
	*out = s;
	return LB_OK;
}

/* The grey levels of an RGB24 or ARGB32 surface (over white). */
static int to_raster(cairo_surface_t *s, struct lb_raster *out)
{
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *d = cairo_image_surface_get_data(s);

	out->px = malloc((size_t)w * (size_t)h);
	if (!out->px)
		return LB_ERR_NOMEM;
	out->w = w;
	out->h = h;
	out->stride = w;
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(d + (size_t)y * (size_t)stride);

		for (int x = 0; x < w; x++) {
			uint32_t p = row[x];
			unsigned r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;

			/* Rec. 601 luma in integers (weights sum to 256). */
			out->px[(size_t)y * (size_t)w + (size_t)x] =
				(uint8_t)((r * 77 + g * 150 + b * 29) >> 8);
		}
	}
	return LB_OK;
}

int lb_render_raster(const struct lb_label *l, struct lb_raster *out, char *err, size_t errlen)
{
	cairo_surface_t *s = NULL;
	int rc = draw_image(l, &s, err, errlen);

	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	rc = to_raster(s, out);
	cairo_surface_destroy(s);
	return rc;
}

void lb_raster_fini(struct lb_raster *r)
{
	free(r->px);
	memset(r, 0, sizeof(*r));
}

static cairo_status_t write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return lb_buf_add(closure, data, len) == LB_OK ? CAIRO_STATUS_SUCCESS :
							 CAIRO_STATUS_WRITE_ERROR;
}

struct reader {
	const unsigned char *p;
	size_t left;
};

static cairo_status_t read_buf(void *closure, unsigned char *data, unsigned int len)
{
	struct reader *r = closure;

	if (len > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, len);
	r->p += len;
	r->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

int lb_raster_from_png(const void *buf, size_t len, struct lb_raster *out)
{
	struct reader rd = { buf, len };
	cairo_surface_t *png = cairo_image_surface_create_from_png_stream(read_buf, &rd);
	cairo_surface_t *flat = NULL;
	cairo_t *cr = NULL;
	int rc = LB_OK;

	memset(out, 0, sizeof(*out));
	if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
		rc = LB_ERR_ARG; /* cairo says "no memory" for some bad files too */
		goto out;
	}
	/* Flatten onto white: a transparent background reads as white. */
	flat = cairo_image_surface_create(CAIRO_FORMAT_RGB24, cairo_image_surface_get_width(png),
					  cairo_image_surface_get_height(png));
	cr = cairo_create(flat);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_surface(cr, png, 0, 0);
	cairo_paint(cr);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		rc = LB_ERR_NOMEM;
		goto out;
	}
	cairo_surface_flush(flat);
	rc = to_raster(flat, out);
out:
	if (cr)
		cairo_destroy(cr);
	if (flat)
		cairo_surface_destroy(flat);
	cairo_surface_destroy(png);
	return rc;
}

int lb_render_png(const struct lb_label *l, struct lb_buf *out, char *err, size_t errlen)
{
	struct lb_raster r;
	cairo_surface_t *s = NULL;
	unsigned char *d;
	int rc = lb_render_raster(l, &r, err, errlen), stride;

	if (rc < 0)
		return rc;
	/* A thermal printer prints dots or none: a 1-bit PNG shows what it
	 * will print and stays small.  cairo writes an A1 surface as a 1-bit
	 * grey PNG (bit set = white here); its bits fill native 32-bit words,
	 * the first pixel in the least significant bit on little-endian. */
	s = cairo_image_surface_create(CAIRO_FORMAT_A1, r.w, r.h);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		rc = LB_ERR_NOMEM;
		goto out;
	}
	cairo_surface_flush(s);
	d = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < r.h; y++) {
		uint32_t *row = (uint32_t *)(void *)(d + (size_t)y * (size_t)stride);

		memset(row, 0, (size_t)stride);
		for (int x = 0; x < r.w; x++)
			if (r.px[(size_t)y * (size_t)r.stride + (size_t)x] >= 128)
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				row[x >> 5] |= 0x80000000u >> (x & 31);
#else
				row[x >> 5] |= 1u << (x & 31);
#endif
	}
	cairo_surface_mark_dirty(s);
	if (cairo_surface_write_to_png_stream(s, write_buf, out) != CAIRO_STATUS_SUCCESS)
		rc = LB_ERR_NOMEM;
out:
	cairo_surface_destroy(s);
	lb_raster_fini(&r);
	return rc;
}

int lb_render_pdf(const struct lb_label *l, struct lb_buf *out, char *err, size_t errlen)
{
	/* Printer "203/300 dpi" are 8/12 dots per mm exactly (203.2/304.8). */
	double pt = 72.0 / (l->dpmm * 25.4);
	cairo_surface_t *s =
		cairo_pdf_surface_create_for_stream(write_buf, out, l->width * pt, l->height * pt);
	cairo_t *cr = cairo_create(s);
	int rc;

	cairo_scale(cr, pt, pt);
	rc = draw(cr, l, err, errlen);
	if (rc == LB_OK) {
		cairo_show_page(cr);
		if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
			rc = LB_ERR_NOMEM;
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (rc == LB_OK && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		rc = LB_ERR_IO;
	cairo_surface_destroy(s);
	return rc;
}

void lb_render_release(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}
