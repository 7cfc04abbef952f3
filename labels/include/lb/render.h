/* labels: PNG and PDF output through cairo, symbols drawn by libzint.
 *
 * One dot is one pixel (PNG) or 1/8 or 1/12 mm (PDF: Zebra's 203 and 300 dpi
 * are 8 and 12 dots per mm), so a preview has the printer's geometry.  Symbols keep their quiet zones clear (zint's
 * BARCODE_QUIET_ZONES): the zone is painted white over whatever lies below.
 * Text uses DejaVu Sans Condensed Bold at the element's height.
 */
#ifndef QC_LABELS_RENDER_H
#define QC_LABELS_RENDER_H

#include <stdint.h>

#include "lb/buf.h"
#include "lb/label.h"

/* An 8-bit grey image (0 black, 255 white). */
struct lb_raster {
	uint8_t *px;
	int w, h, stride;
};

/* Draw l into *out (lb_raster_fini).  LB_ERR_NOMEM, LB_ERR_RANGE when a
 * symbol cannot be encoded or does not fit its box (err says which). */
int lb_render_raster(const struct lb_label *l, struct lb_raster *out, char *err, size_t errlen);
void lb_raster_fini(struct lb_raster *r);
/* Read a PNG (e.g. another renderer's) into a grey raster; LB_ERR_ARG when
 * buf is no PNG. */
int lb_raster_from_png(const void *buf, size_t len, struct lb_raster *out);

/* Append l as a PNG (1 bit a dot, as a thermal printer prints it: grey
 * from text antialiasing is cut at half) or a one-page PDF to out. */
int lb_render_png(const struct lb_label *l, struct lb_buf *out, char *err, size_t errlen);
int lb_render_pdf(const struct lb_label *l, struct lb_buf *out, char *err, size_t errlen);

/* Release what cairo and fontconfig keep for the whole process (font
 * caches: their globals, not lb's), so that leak checkers see nothing.
 * Call at most once, at exit, after the last rendering of the process. */
void lb_render_release(void);

#endif
