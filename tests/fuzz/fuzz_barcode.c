/* Fuzz target: the barcode classifier and its JSON rendering, on any bytes
 * a scanner (or an attacker at a USB port) could send. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/barcode.h"
#include "st/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct st_bc bc;
	json_t *j;

	st_bc_parse((const char *)data, size, NULL, &bc);
	/* Invariants every caller relies on. */
	if (bc.valid && (bc.err.n || bc.kind == ST_BC_UNKNOWN))
		abort();
	if (!bc.valid && bc.err.n == 0 && bc.err.dropped == 0)
		abort();
	for (unsigned i = 0; i < bc.n_ai; i++)
		if (strlen(st_bc_ai_value(&bc, i)) != bc.ai[i].len || bc.ai[i].off >= bc.buf_len)
			abort();
	if (size <= ST_BC_INPUT_MAX) {
		j = st_json_barcode(&bc, data, size);
		if (!j)
			abort();
		free(json_dumps(j, JSON_COMPACT));
		json_decref(j);
	}
	return 0;
}
