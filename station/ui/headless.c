/* station/ui: headless mode, one JSON object per event per line.
 * Each line is written and flushed on its own: a script reading the pipe
 * (or a test that kills the station) sees an event exactly when it is
 * committed.  The line is rendered whole first and written with one call,
 * which costs less than letting jansson feed stdio piece by piece. */
#include <stdlib.h>
#include <string.h>

#include "st/ui.h"

void st_headless_emit(json_t *ev, void *out_file)
{
	FILE *out = out_file;
	char *s = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t n;

	if (!s) {
		fputs("{\"event\":\"error\",\"code\":\"out_of_memory\"}\n", out);
		fflush(out);
		return;
	}
	n = strlen(s);
	s[n] = '\n'; /* replaces the NUL; fwrite takes a length */
	fwrite(s, 1, n + 1, out);
	fflush(out);
	free(s);
}
