/* labels: does a ZPL document fit the printer?  (carrier labels that arrive
 * as documents: qcstation label print --file).
 *
 * A label bought at 203 dpi prints at about 2/3 size on a 300 dpi printer,
 * and one made for 300 dpi is cut off on a 203 dpi one
 * (../shared/notes/labels-and-sync.md, A1).  The document says what it was
 * made for in ^PW (print width, dots), ^LL (label length, dots) and ^MU
 * (units, and a dpi conversion ^MUd,200,300); this compares them with the
 * printer's resolution and label width.
 *
 * Pure: no I/O, clock or allocation.  Command prefixes are ^ and ~ (a
 * document that changes them with ^CC/~CC is read with the defaults).
 */
#ifndef QC_LABELS_ZPLCHECK_H
#define QC_LABELS_ZPLCHECK_H

#include <stddef.h>
#include <stdint.h>

enum lb_zpl_fit {
	LB_ZPL_FIT_OK = 0,       /* matches the printer (or is narrower) */
	LB_ZPL_FIT_UNKNOWN = 1,  /* no ^PW and no ^MU dpi: cannot tell */
	LB_ZPL_FIT_OTHER_DPI = 2, /* made for another resolution (.made_for_dpi) */
	LB_ZPL_FIT_TOO_WIDE = 3, /* wider than the label at this resolution */
};

struct lb_zpl_geom {
	enum lb_zpl_fit fit;
	unsigned formats;      /* ^XA ... ^XZ formats seen */
	int pw_dots;           /* the widest ^PW, 0 = none */
	int ll_dots;           /* the longest ^LL, 0 = none */
	int mu_from_dpi, mu_to_dpi; /* ^MUd,from,to; 0 = none */
	int made_for_dpi;      /* OTHER_DPI: the resolution it matches */
	char why[200];         /* one sentence for people ("" when OK) */
};

/* Check doc[0..n) against a printer of printer_dpi (152, 203, 300 or 600)
 * whose labels are label_width_dots wide (> 0).  On LB_OK *out (OUT) says
 * how it fits.  Errors: LB_ERR_ARG (a dpi or width out of range),
 * LB_ERR_PROTO (no ^XA: not a ZPL label format). */
int lb_zpl_check_resolution(const uint8_t *doc, size_t n, int printer_dpi, int label_width_dots,
			    struct lb_zpl_geom *out);

/* Dots per millimetre of a printer resolution (203 -> 8, 300 -> 12, 600 ->
 * 24, 152 -> 6), 0 for an unsupported dpi. */
int lb_dpi_dpmm(int dpi);

#endif
