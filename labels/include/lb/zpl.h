/* labels: ZPL II output.
 *
 * One label becomes one format: ^XA ^CI28 (UTF-8) ^PW ^LL ^LH0,0, then one
 * field per element and ^XZ.  Safety rules (docs/labels.md):
 *  - every text and barcode field is written ^FH^FD with each '^', '~', '_',
 *    '\' and control byte (< 0x20, 0x7F) as _XX, so no data can end its field
 *    or start a command; raw UTF-8 passes (^CI28);
 *  - ^BY before every barcode (it persists otherwise), pinned before ^BQ
 *    (QR moves down by the ^BY height);
 *  - Code 128 in automatic subset mode (^BC...,A: '>' is a plain character
 *    there, no odd-digit loss of explicit subset C); GS1-128 written out in
 *    mode N: start code, FNC1 (">8"), digit pairs in subset C and the rest
 *    in B, FNC1 after each variable-length value but the last (mode D adds
 *    none between fields); Data Matrix ^BXN,m,200 whose data never
 *    holds '_' or '~' (the model refuses them: ^BX reads one of the two as
 *    its escape character, depending on the firmware);
 *  - text blocks are wrapped here, one ^FD per line, never ^FB (which reads
 *    '\&' even after hex decoding); every block emits all its lines, so the
 *    command sequence depends on the template only, never on the data.
 */
#ifndef QC_LABELS_ZPL_H
#define QC_LABELS_ZPL_H

#include <stddef.h>

#include "lb/buf.h"
#include "lb/label.h"

#define LB_ZPL_FD_MAX 3072 /* the printer's ^FD limit, bytes after escaping */

/* Append the ZPL of l to out.  LB_ERR_NOMEM, or LB_ERR_RANGE when an escaped
 * field would pass LB_ZPL_FD_MAX (cannot happen with the model's caps). */
int lb_zpl_render(const struct lb_label *l, struct lb_buf *out);

/* Append s[0..n) escaped for a ^FH field (the rule above). */
int lb_zpl_escape(struct lb_buf *out, const char *s, size_t n);

#endif
