/* Fuzz target: checklist templates (st_checklist_parse), a file a lead
 * edits and, later, one the central store sends.  Deterministic, no I/O;
 * the struct is the caller's, so nothing is left to free. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/checklist.h"
#include "st/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_checklist *cl = malloc(sizeof(*cl));
	char err[512];
	int rc;

	if (!cl)
		return 0;
	rc = st_checklist_parse((const char *)data, size, "fuzz.json", cl, err, sizeof(err));
	/* Invariants callers rely on: a message exactly when it failed, naming
	 * the file; a known code; a parsed template within its bounds. */
	if (rc == ST_OK) {
		if (err[0] || cl->n_check == 0 || cl->n_check > ST_CHECKLIST_CHECK_MAX ||
		    cl->version < 1 || !cl->category[0])
			abort();
		for (unsigned i = 0; i < cl->n_check; i++) {
			const struct st_check *c = &cl->check[i];

			if (!c->id[0] || !c->label[0] || (unsigned)c->type >= ST_CHECK__COUNT ||
			    c->n_choice > ST_CHECK_CHOICE_MAX || c->tolerance_milli < 0 ||
			    (c->type == ST_CHECK_TEXT_MATCH && !c->option[0]))
				abort();
		}
	} else {
		if (strncmp(err, "fuzz.json: ", 11) != 0)
			abort();
		if (rc != ST_ERR_PARSE && rc != ST_ERR_RANGE)
			abort();
	}
	free(cl);
	return 0;
}
