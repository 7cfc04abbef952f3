/* station: labels made here from a built-in template (station/print/make.c).
 *
 * One path from a template and its data to the bytes a printer takes,
 * shared by "qcstation label render|print" (station/cli) and the QC
 * workflow's item tag (station/app): the template is one of data/labels/
 * (built into the program), rendered at the configured printer's
 * resolution in its language (ZPL for tcp:, usb: and dir: printers, PDF
 * for cups:).  docs/printing.md.
 */
#ifndef QC_STATION_LABELMAKE_H
#define QC_STATION_LABELMAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "lb/buf.h"
#include "lb/data.h"
#include "lb/template.h"
#include "lb/transport.h"
#include "st/config.h"

/* Parse the built-in template name ("item-qc-tag"); *out owns it.
 * ST_ERR_NOTFOUND when there is no such template, ST_ERR_BUG when the
 * built-in one does not parse (err says why), ST_ERR_NOMEM. */
int st_label_builtin(const char *name, struct lb_template **out, char *err, size_t errlen);

/* Whether name is a built-in template. */
bool st_label_builtin_exists(const char *name);

/* The format a template renders in for cfg's printer (PDF for cups:, else
 * ZPL).  ST_ERR_CONFIG, with err saying so, when the printer's dpi is not
 * one templates render at (203, 300). */
int st_label_printer_format(const struct st_config *cfg, enum lb_format *fmt, char *err,
			    size_t errlen);

/* Fill the built-in template name with d and render it for cfg's printer
 * into out (appended); *fmt (may be NULL) says in what.  Errors, with err
 * saying what and where: ST_ERR_CONFIG (the printer's dpi),
 * ST_ERR_NOTFOUND (no such template), ST_ERR_ARG (the data does not fit
 * the template: a missing required field, a value too long; or the label
 * is wider than [printer] label_width), ST_ERR_NOMEM.  On error out may
 * hold part of the label: the caller clears it. */
int st_label_make(const struct st_config *cfg, const char *name, const struct lb_data *d,
		  struct lb_buf *out, enum lb_format *fmt, char *err, size_t errlen);

#endif
