/* station/ui: headless mode, one JSON object per event per line.
 * Each line is flushed on its own: a script reading the pipe (or a test
 * that kills the station) sees an event exactly when it is committed. */
#include "st/ui.h"

void st_headless_emit(json_t *ev, void *out_file)
{
	FILE *out = out_file;

	json_dumpf(ev, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	fflush(out);
}
