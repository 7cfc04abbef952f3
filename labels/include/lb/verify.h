/* labels: verification by decoding.
 *
 * Each barcode element of a label is looked for in its own box (plus its
 * quiet zone and a margin) of a raster: ours (lb_render_raster) or another
 * renderer's of the same size, such as the ZPL oracle's.  1D codes and QR
 * are decoded with libzbar (GS1 modifier and GS separators kept), Data
 * Matrix with libdmtx restricted to that region.  What was decoded is
 * compared with the element's data: byte for byte; for GS1-128, the element
 * string without parentheses and with a GS (0x1D) after each value of
 * variable length but the last, the GS1 modifier required.
 */
#ifndef QC_LABELS_VERIFY_H
#define QC_LABELS_VERIFY_H

#include <stdbool.h>

#include "lb/buf.h"
#include "lb/label.h"
#include "lb/render.h"

#define LB_VERIFY_MAX 64

struct lb_verify_item {
	char name[LB_NAME_MAX]; /* the element's field */
	enum lb_sym sym;
	bool ok;
	char want[LB_CODE_MAX + 1]; /* expected, as a decoder gives it */
	char got[LB_CODE_MAX + 1];  /* decoded (cut), "" when nothing */
	char why[96];               /* "", "no symbol found", "data differs", ... */
};

struct lb_verify_report {
	unsigned n, n_bad;
	struct lb_verify_item item[LB_VERIFY_MAX];
};

/* Decode each barcode of l in r (at least l's size).  LB_OK when every one
 * matched, LB_ERR_VERIFY when one did not (the report says which and why),
 * LB_ERR_ARG for a raster too small, LB_ERR_NOMEM. */
int lb_verify_raster(const struct lb_label *l, const struct lb_raster *r,
		     struct lb_verify_report *rep);
/* lb_render_raster() then lb_verify_raster(). */
int lb_verify_label(const struct lb_label *l, struct lb_verify_report *rep, char *err,
		    size_t errlen);
/* Append a readable report: one line per barcode, mismatches with want/got
 * (non-printable bytes as \xNN). */
int lb_verify_format(const struct lb_verify_report *rep, struct lb_buf *out);

#endif
