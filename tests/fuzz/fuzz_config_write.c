/* Fuzz target: st_config_set(), the INI editor behind "devices bind".  Any
 * text must give a result that holds the assignment once, and setting the
 * same key again must change nothing (the edit is idempotent). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/config_write.h"
#include "st/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char line[] = "qa-bench = 0c2e:0b61:SN1";
	struct st_config_edit e;
	char *a = NULL, *b = NULL, *first;
	size_t na = 0, nb = 0;
	int rc;

	rc = st_config_set((const char *)data, size, "devices", "qa-bench", "0c2e:0b61:SN1", &a,
			   &na, &e);
	if (rc == ST_ERR_RANGE && size > ST_CONFIG_TEXT_MAX - 64)
		return 0;
	if (rc != ST_OK || strlen(a) > na)
		abort();
	/* The line is there (memmem would do; the text may hold NULs). */
	first = NULL;
	for (size_t i = 0; i + sizeof(line) - 1 <= na && !first; i++)
		if (!memcmp(a + i, line, sizeof(line) - 1))
			first = a + i;
	if (!first)
		abort();
	if (st_config_set(a, na, "devices", "qa-bench", "0c2e:0b61:SN1", &b, &nb, &e) != ST_OK)
		abort();
	if (nb != na || memcmp(a, b, na) != 0 || !e.replaced || e.removed != 0 ||
	    strcmp(e.old, "0c2e:0b61:SN1") != 0)
		abort();
	free(a);
	free(b);
	return 0;
}
