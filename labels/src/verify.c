/* labels: verification by decoding, <lb/verify.h>.  The only files that
 * include <zbar.h> and <dmtx.h>.  Each barcode is decoded in its own region
 * (so labels with several symbols never confuse the decoders, and libdmtx,
 * slow on a whole label, searches a few square centimetres). */
#include "lb/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dmtx.h>
#include <zbar.h>

#include "lb/err.h"
#include "lb-int.h"

#define MARGIN 12 /* dots around the quiet zone */
#define DMTX_TIMEOUT_MS 3000

struct region {
	int x, y, w, h;
};

static struct region region_of(const struct lb_el *e, const struct lb_raster *r)
{
	int qz = (e->sym == LB_SYM_CODE128 || e->sym == LB_SYM_GS1_128) ? 10 :
		 e->sym == LB_SYM_QR				      ? 4 :
									2;
	int mx = qz * e->module + MARGIN, my = (e->sym == LB_SYM_QR || e->sym == LB_SYM_DATAMATRIX) ?
						       mx + 16 :
						       MARGIN;
	int x0 = e->x - mx, y0 = e->y - my, x1 = e->x + e->w + mx, y1 = e->y + e->h + my;
	struct region g;

	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > r->w)
		x1 = r->w;
	if (y1 > r->h)
		y1 = r->h;
	g.x = x0;
	g.y = y0;
	g.w = x1 > x0 ? x1 - x0 : 0;
	g.h = y1 > y0 ? y1 - y0 : 0;
	return g;
}

/* AIs whose data has a predefined length (GS1 General Specifications,
 * "element strings with predefined length", by their first two digits):
 * no FNC1 separator follows them. */
static int predefined_length(const char *ai)
{
	static const char *const t[] = { "00", "01", "02", "03", "04", "11", "12", "13",
					  "14", "15", "16", "17", "18", "19", "20", "31",
					  "32", "33", "34", "35", "36", "41" };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (ai[0] == t[i][0] && ai[1] == t[i][1])
			return 1;
	return 0;
}

/* What a decoder gives for e.  A GS1 element string loses its parentheses
 * and gains a GS (0x1D, a decoded FNC1) after each value of variable
 * length that is not the last. */
static void want_of(const struct lb_el *e, char *out, size_t cap)
{
	const char *ai = NULL;
	size_t k = 0;

	for (size_t i = 0; i < e->len && k + 2 < cap; i++) {
		char c = e->text[i];

		if (e->sym != LB_SYM_GS1_128) {
			out[k++] = c;
		} else if (c == '(') {
			if (ai && !predefined_length(ai))
				out[k++] = 0x1D;
			ai = e->text + i + 1;
		} else if (c != ')') {
			out[k++] = c;
		}
	}
	out[k] = '\0';
}

/* Copy a decoded result, without a leading "]C1" symbology identifier. */
static size_t got_of(const struct lb_el *e, const char *d, size_t n, char *out, size_t cap)
{
	size_t k = 0;

	if (e->sym == LB_SYM_GS1_128 && n >= 3 && !memcmp(d, "]C1", 3)) {
		d += 3;
		n -= 3;
	}
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		out[k++] = d[i];
	out[k] = '\0';
	return k;
}

static int crop(const struct lb_raster *r, struct region g, uint8_t **out)
{
	uint8_t *p = malloc((size_t)g.w * (size_t)g.h + 1);

	if (!p)
		return LB_ERR_NOMEM;
	for (int y = 0; y < g.h; y++)
		memcpy(p + (size_t)y * (size_t)g.w, r->px + (size_t)(g.y + y) * (size_t)r->stride + g.x,
		       (size_t)g.w);
	*out = p;
	return LB_OK;
}

static int decode_zbar(const struct lb_el *e, uint8_t *px, struct region g,
		       struct lb_verify_item *it)
{
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	const zbar_symbol_t *s;
	int rc = LB_OK, found = 0;

	if (!sc || !img) {
		rc = LB_ERR_NOMEM;
		goto out;
	}
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	if (e->sym == LB_SYM_QR) {
		zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
		zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	} else {
		/* Bars are vertical: scanning rows is enough (zbar's "x
		 * density" is its column scan, "y density" its row scan). */
		zbar_image_scanner_set_config(sc, ZBAR_CODE128, ZBAR_CFG_ENABLE, 1);
		zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_X_DENSITY, 0);
		zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_Y_DENSITY, 2);
	}
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)g.w, (unsigned)g.h);
	zbar_image_set_data(img, px, (unsigned long)g.w * (unsigned long)g.h, NULL);
	if (zbar_scan_image(sc, img) < 0) {
		snprintf(it->why, sizeof(it->why), "the decoder failed");
		goto out;
	}
	for (s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
		char got[LB_CODE_MAX + 1];
		int gs1 = (zbar_symbol_get_modifiers(s) >> ZBAR_MOD_GS1) & 1;

		got_of(e, zbar_symbol_get_data(s), zbar_symbol_get_data_length(s), got, sizeof(got));
		if (!found || !strcmp(got, it->want)) {
			memcpy(it->got, got, sizeof(it->got));
			found = 1;
			it->ok = !strcmp(got, it->want) && zbar_symbol_get_data_length(s) <= LB_CODE_MAX + 3;
			if (it->ok && e->sym == LB_SYM_GS1_128 && !gs1) {
				it->ok = 0;
				snprintf(it->why, sizeof(it->why), "decoded without the GS1 FNC1 flag");
			} else if (it->ok && e->sym == LB_SYM_CODE128 && gs1) {
				it->ok = 0;
				snprintf(it->why, sizeof(it->why), "decoded as GS1 (a stray FNC1)");
			}
			if (it->ok)
				break;
		}
	}
	if (!found)
		snprintf(it->why, sizeof(it->why), "no %s symbol found", lb_sym_name(e->sym));
	else if (!it->ok && !it->why[0])
		snprintf(it->why, sizeof(it->why), "data differs");
out:
	if (img)
		zbar_image_destroy(img);
	if (sc)
		zbar_image_scanner_destroy(sc);
	return rc;
}

static int decode_dmtx(const struct lb_el *e, uint8_t *px, struct region g,
		       struct lb_verify_item *it)
{
	DmtxImage *img = dmtxImageCreate(px, g.w, g.h, DmtxPack8bppK);
	DmtxDecode *dec = NULL;
	DmtxRegion *reg = NULL;
	DmtxMessage *msg = NULL;
	DmtxTime t;

	if (!img)
		return LB_ERR_NOMEM;
	dmtxImageSetProp(img, DmtxPropImageFlip, DmtxFlipNone);
	dec = dmtxDecodeCreate(img, 1);
	if (!dec) {
		dmtxImageDestroy(&img);
		return LB_ERR_NOMEM;
	}
	t = dmtxTimeAdd(dmtxTimeNow(), DMTX_TIMEOUT_MS);
	reg = dmtxRegionFindNext(dec, &t);
	if (reg)
		msg = dmtxDecodeMatrixRegion(dec, reg, DmtxUndefined);
	if (msg) {
		got_of(e, (const char *)msg->output, msg->outputIdx, it->got, sizeof(it->got));
		it->ok = !strcmp(it->got, it->want) && msg->outputIdx <= LB_CODE_MAX;
		if (!it->ok)
			snprintf(it->why, sizeof(it->why), "data differs");
		dmtxMessageDestroy(&msg);
	} else {
		snprintf(it->why, sizeof(it->why), "no datamatrix symbol found");
	}
	if (reg)
		dmtxRegionDestroy(&reg);
	dmtxDecodeDestroy(&dec);
	dmtxImageDestroy(&img);
	return LB_OK;
}

int lb_verify_raster(const struct lb_label *l, const struct lb_raster *r,
		     struct lb_verify_report *rep)
{
	int rc = LB_OK;

	memset(rep, 0, sizeof(*rep));
	if (r->w < l->width || r->h < l->height)
		return LB_ERR_ARG;
	for (size_t i = 0; i < l->n && rc == LB_OK; i++) {
		const struct lb_el *e = &l->el[i];
		struct lb_verify_item *it;
		struct region g;
		uint8_t *px = NULL;

		if (e->kind != LB_EL_BARCODE)
			continue;
		if (rep->n >= LB_VERIFY_MAX)
			return LB_ERR_RANGE;
		it = &rep->item[rep->n++];
		snprintf(it->name, sizeof(it->name), "%s", e->name);
		it->sym = e->sym;
		want_of(e, it->want, sizeof(it->want));
		g = region_of(e, r);
		if (!g.w || !g.h) {
			snprintf(it->why, sizeof(it->why), "outside the image");
		} else {
			rc = crop(r, g, &px);
			if (rc == LB_OK)
				rc = e->sym == LB_SYM_DATAMATRIX ? decode_dmtx(e, px, g, it) :
								   decode_zbar(e, px, g, it);
			free(px);
		}
		if (!it->ok)
			rep->n_bad++;
	}
	if (rc < 0)
		return rc;
	return rep->n_bad ? LB_ERR_VERIFY : LB_OK;
}

int lb_verify_label(const struct lb_label *l, struct lb_verify_report *rep, char *err,
		    size_t errlen)
{
	struct lb_raster r;
	int rc = lb_render_raster(l, &r, err, errlen);

	if (rc < 0)
		return rc;
	rc = lb_verify_raster(l, &r, rep);
	lb_raster_fini(&r);
	return rc;
}

static int quoted(struct lb_buf *b, const char *s)
{
	int rc = lb_buf_add(b, "\"", 1);

	for (; *s && rc == LB_OK; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7F || c == '"' || c == '\\')
			rc = lb_buf_printf(b, "\\x%02X", c);
		else
			rc = lb_buf_add(b, s, 1);
	}
	return rc < 0 ? rc : lb_buf_add(b, "\"", 1);
}

int lb_verify_format(const struct lb_verify_report *rep, struct lb_buf *out)
{
	int rc = LB_OK;

	for (unsigned i = 0; i < rep->n && rc == LB_OK; i++) {
		const struct lb_verify_item *it = &rep->item[i];

		rc = lb_buf_printf(out, "%-4s %-10s %-20s ", it->ok ? "ok" : "BAD",
				   lb_sym_name(it->sym), it->name);
		if (rc == LB_OK)
			rc = quoted(out, it->want);
		if (rc == LB_OK && !it->ok) {
			rc = lb_buf_printf(out, " %s; decoded ", it->why);
			if (rc == LB_OK)
				rc = quoted(out, it->got);
		}
		if (rc == LB_OK)
			rc = lb_buf_add(out, "\n", 1);
	}
	if (rc == LB_OK)
		rc = lb_buf_printf(out, "%u barcode%s, %u mismatch%s\n", rep->n, rep->n == 1 ? "" : "s",
				   rep->n_bad, rep->n_bad == 1 ? "" : "es");
	return rc;
}
