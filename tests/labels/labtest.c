/* tests/labels: helpers of labtest.h (cmocka side). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lb/data.h"
#include "lb/err.h"
#include "lb/template.h"
#include "labtest.h"

const char *const labtest_templates[] = {
	"bin-label",	"command-sheet",   "item-qc-tag",     "packing-slip",
	"return-receiving", "shipment-4x6", "warranty-ticket",
};
const size_t labtest_templates_n = sizeof(labtest_templates) / sizeof(labtest_templates[0]);

char *labtest_read(const char *rel, size_t *len)
{
	const char *src = getenv("QC_SRC");
	char path[1024];
	FILE *f;
	char *b;
	long n;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	if (b) {
		b[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	return b;
}

struct lb_template *labtest_template(const char *name)
{
	char rel[256], err[512] = "";
	struct lb_template *t = NULL;
	size_t n = 0;
	char *b;
	int rc;

	snprintf(rel, sizeof(rel), "data/labels/%s.json", name);
	b = labtest_read(rel, &n);
	if (!b)
		fail_msg("cannot read %s (QC_SRC set?)", rel);
	rc = lb_template_parse(b, n, rel, &t, err, sizeof(err));
	free(b);
	if (rc != LB_OK)
		fail_msg("%s: %s", rel, err);
	return t;
}

struct lb_data *labtest_sample(const char *name)
{
	char rel[256], err[512] = "";
	struct lb_data *d = NULL;
	size_t n = 0;
	char *b;
	int rc;

	snprintf(rel, sizeof(rel), "data/labels/samples/%s.json", name);
	b = labtest_read(rel, &n);
	if (!b)
		fail_msg("cannot read %s", rel);
	rc = lb_data_parse_json(b, n, rel, &d, err, sizeof(err));
	free(b);
	if (rc != LB_OK)
		fail_msg("%s: %s", rel, err);
	return d;
}

struct lb_label *labtest_label(const char *name, int dpi)
{
	struct lb_template *t = labtest_template(name);
	struct lb_data *d = labtest_sample(name);
	struct lb_label *l = NULL;
	char err[512] = "";
	int rc = lb_template_build(t, d, dpi, &l, err, sizeof(err));

	lb_data_free(d);
	lb_template_free(t);
	if (rc != LB_OK)
		fail_msg("%s at %d dpi: %s", name, dpi, err);
	return l;
}
