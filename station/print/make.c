/* station/print: labels made here from a built-in template (st/labelmake.h).
 *
 * The CLI's "label render|print" and the QC tag the station queues itself
 * take the template from here and render it at the printer's resolution,
 * so a tag made by the station is the same bytes as the one "label print
 * item-qc-tag" makes for the same data.
 */
#include <stdio.h>
#include <string.h>

#include "app/embedded.h"
#include "lb/err.h"
#include "lb/label.h"
#include "lb/render.h"
#include "lb/zpl.h"
#include "lb/zplcheck.h"
#include "st/err.h"
#include "st/labelmake.h"

/* The templates of data/labels/, embedded at build time
 * (station/cli/sources.cmake). */
extern const struct qc_embedded_file qc_label_files[];
extern const size_t qc_label_files_n;

static const struct qc_embedded_file *find(const char *name)
{
	char want[80];
	int n = snprintf(want, sizeof(want), "%s.json", name);

	if (n < 0 || (size_t)n >= sizeof(want))
		return NULL;
	for (size_t i = 0; i < qc_label_files_n; i++)
		if (!strcmp(qc_label_files[i].name, want))
			return &qc_label_files[i];
	return NULL;
}

bool st_label_builtin_exists(const char *name)
{
	return find(name) != NULL;
}

int st_label_builtin(const char *name, struct lb_template **out, char *err, size_t errlen)
{
	const struct qc_embedded_file *f = find(name);
	int rc;

	if (!f) {
		snprintf(err, errlen, "no template '%s'", name);
		return ST_ERR_NOTFOUND;
	}
	rc = lb_template_parse((const char *)f->data, f->len, f->name, out, err, errlen);
	if (rc == LB_ERR_NOMEM)
		return ST_ERR_NOMEM;
	return rc < 0 ? ST_ERR_BUG : ST_OK;
}

int st_label_printer_format(const struct st_config *cfg, enum lb_format *fmt, char *err,
			    size_t errlen)
{
	if (cfg->printer.dpi != 203 && cfg->printer.dpi != 300) {
		snprintf(err, errlen, "printer %s is %d dpi; templates render at 203 or 300",
			 cfg->printer.name, cfg->printer.dpi);
		return ST_ERR_CONFIG;
	}
	*fmt = strncmp(cfg->printer.uri, "cups:", 5) ? LB_FMT_ZPL : LB_FMT_PDF;
	return ST_OK;
}

int st_label_make(const struct st_config *cfg, const char *name, const struct lb_data *d,
		  struct lb_buf *out, enum lb_format *fmt, char *err, size_t errlen)
{
	struct lb_template *t = NULL;
	struct lb_label *l = NULL;
	enum lb_format f;
	char why[300] = "";
	int rc;

	rc = st_label_printer_format(cfg, &f, err, errlen);
	if (rc < 0)
		return rc;
	rc = st_label_builtin(name, &t, err, errlen);
	if (rc < 0)
		goto out;
	rc = lb_template_build(t, d, cfg->printer.dpi, &l, why, sizeof(why));
	if (rc == ST_OK)
		rc = f == LB_FMT_PDF ? lb_render_pdf(l, out, why, sizeof(why)) : lb_zpl_render(l, out);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", name, why[0] ? why : lb_strerror(rc));
		rc = rc == LB_ERR_NOMEM ? ST_ERR_NOMEM : ST_ERR_ARG;
		goto out;
	}
	/* A label wider than the printer's would come out cut off: the
	 * check "label print" makes of every ZPL document. */
	if (f == LB_FMT_ZPL) {
		struct lb_zpl_geom g;

		if (lb_zpl_check_resolution((const uint8_t *)out->data, out->len, cfg->printer.dpi,
					    st_config_printer_width_dots(cfg), &g) == LB_OK &&
		    g.fit == LB_ZPL_FIT_TOO_WIDE) {
			snprintf(err, errlen, "%s: %s", name, g.why);
			rc = ST_ERR_ARG;
			goto out;
		}
	}
	if (fmt)
		*fmt = f;
out:
	lb_label_free(l);
	lb_template_free(t);
	return rc;
}
