/* Fuzz target: the station config parser (a file an operator edits). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_config cfg;
	char err[512];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (st_config_parse(&cfg, text, "fuzz.ini", err, sizeof(err)) != 0 &&
	    strncmp(err, "fuzz.ini", 8) != 0)
		abort(); /* every error names the file */
	free(text);
	return 0;
}
