/* Fuzz target: label templates (lb_template_parse), files a lead edits.
 * Invariants: a refused template says so as "fuzz.json: where: what"; an
 * accepted one builds (or is refused as not fitting) at 203 and 300 dpi
 * with every field filled, and its ZPL never holds a '~' or a control
 * byte.  Deterministic, no I/O, everything freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lb/data.h"
#include "lb/err.h"
#include "lb/template.h"
#include "lb/zpl.h"
#include "labtest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CMD_MAX 8192

static void build(const struct lb_template *t, const struct lb_data *d, int dpi,
		  char (*cmd)[LABTEST_CMD_LEN])
{
	struct lb_label *l = NULL;
	struct lb_buf b = LB_BUF_INIT;
	char err[512];
	int rc = lb_template_build(t, d, dpi, &l, err, sizeof(err));

	if (rc != LB_OK) {
		if ((rc != LB_ERR_RANGE && rc != LB_ERR_NOMEM) || !err[0])
			abort();
		return;
	}
	if (lb_zpl_render(l, &b) != LB_OK || labtest_zpl_commands(b.data, b.len, cmd, CMD_MAX) < 0)
		abort();
	lb_buf_fini(&b);
	lb_label_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_template *t = NULL;
	struct lb_data *d = NULL;
	char(*cmd)[LABTEST_CMD_LEN] = NULL;
	char err[512];
	int rc = lb_template_parse((const char *)data, size, "fuzz.json", &t, err, sizeof(err));

	if (rc != LB_OK) {
		if (t || (rc != LB_ERR_TEMPLATE && rc != LB_ERR_NOMEM) ||
		    (rc == LB_ERR_TEMPLATE && strncmp(err, "fuzz.json: ", 11)))
			abort();
		return 0;
	}
	cmd = malloc(CMD_MAX * LABTEST_CMD_LEN);
	if (!cmd || lb_data_new(&d) != LB_OK)
		abort();
	for (size_t i = 0; i < lb_template_fields(t); i++) {
		const struct lb_field *f = lb_template_field(t, i);

		if (!f || !f->name[0] || f->max < 1)
			abort();
		if (f->list) {
			lb_data_set_item(d, f->name, 0, "code", "1", 1);
			lb_data_set_item(d, f->name, 0, "text", "^FS~JA", 6);
		} else {
			lb_data_set(d, f->name, "1", 1);
		}
	}
	build(t, d, 203, cmd);
	build(t, d, 300, cmd);
	free(cmd);
	lb_data_free(d);
	lb_template_free(t);
	return 0;
}
