/* labels: label templates, data files (JSON) that lay out a label.
 *
 * A template names its fields (with a label, a maximum length, required or
 * not, list or not), gives the page size in mm or inches and places elements
 * in mm or inches; lb_template_build() fills it with data at 203 or 300 dpi.
 * The format is documented in docs/labels.md; the project's templates live in
 * data/labels/ and are built into qcstation.
 */
#ifndef QC_LABELS_TEMPLATE_H
#define QC_LABELS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lb/data.h"
#include "lb/label.h"

#define LB_TEMPLATE_MAX_BYTES (256u << 10) /* a template file */
#define LB_FIELDS_MAX 48
#define LB_FIELD_LABEL_MAX 64

struct lb_template;

/* A field as the template declares it (a plain value type). */
struct lb_field {
	char name[LB_NAME_MAX];          /* "rma" */
	char label[LB_FIELD_LABEL_MAX];  /* "RMA number" */
	unsigned max;                    /* longest value in bytes */
	bool required;
	bool list;                       /* a list of items (keys code, text) */
};

/* Parse a template from buf[0..len).  file names it in err; each problem is
 * reported as "file: where: what" (where is a JSON path such as
 * "elements[3].x").  *out owns the template (lb_template_free).
 * LB_ERR_TEMPLATE for invalid templates, LB_ERR_NOMEM. */
int lb_template_parse(const char *buf, size_t len, const char *file, struct lb_template **out,
		      char *err, size_t errlen);
void lb_template_free(struct lb_template *t);

const char *lb_template_name(const struct lb_template *t);        /* "shipment-4x6" */
const char *lb_template_description(const struct lb_template *t);
/* The page size in micrometres. */
void lb_template_size_um(const struct lb_template *t, long *w_um, long *h_um);
size_t lb_template_fields(const struct lb_template *t);
const struct lb_field *lb_template_field(const struct lb_template *t, size_t i);

/* Build the label of t filled with d at dpi (203 or 300).  A missing required
 * field, a value longer than its field's max, a barcode whose data its
 * symbology cannot carry or whose symbol does not fit its box: LB_ERR_RANGE
 * with "field 'name': what" in err.  A value naming no field of t (or a
 * list given for a plain field, or the reverse): LB_ERR_TEMPLATE.  *out
 * owns the label. */
int lb_template_build(const struct lb_template *t, const struct lb_data *d, int dpi,
		      struct lb_label **out, char *err, size_t errlen);

#endif
