/* Fuzz target: the order import (station/import), on any bytes the central
 * store, a file on a USB stick or an attacker could hand it.  Each input
 * goes into a fresh ":memory:" store, so runs are independent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/err.h"
#include "st/import.h"
#include "st/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_store_opts o = { .create = true };
	struct st_import_stats st;
	struct st_store *s = NULL;
	char err[512];
	int rc;

	if (st_store_open(":memory:", &o, &s, NULL, 0) != ST_OK)
		abort(); /* an in-memory store always opens */
	memset(&st, 0xa5, sizeof(st));
	rc = st_import_json(s, (const char *)data, size, "fuzz", &st, err, sizeof(err));
	/* Invariants callers rely on: a message exactly when it failed, naming
	 * the document; a known code; stats written only on success. */
	if (rc == ST_OK) {
		if (err[0])
			abort();
	} else {
		if (strncmp(err, "fuzz", 4) != 0)
			abort();
		if (rc != ST_ERR_PARSE && rc != ST_ERR_RANGE && rc != ST_ERR_NOMEM)
			abort();
		if (st.orders != 0xa5a5a5a5u)
			abort();
	}
	st_store_close(s);
	return 0;
}
