/* station/ui: the input loop shared by headless and terminal mode. */
#include <errno.h>
#include <stdlib.h>

#include "st/err.h"
#include "st/lines.h"
#include "st/ui.h"

int st_ui_run(struct st_app *app, int fd, const char *source, const volatile sig_atomic_t *stop,
	      const char *prompt, FILE *prompt_out)
{
	struct st_lines *r = malloc(sizeof(*r));
	const char *line;
	size_t len;
	bool trunc;
	int rc = ST_OK, got;

	if (!r)
		return ST_ERR_NOMEM;
	st_lines_init(r, fd);
	while (!*stop) {
		if (prompt) {
			fputs(prompt, prompt_out);
			fflush(prompt_out);
		}
		got = st_lines_next(r, st_app_cfg_scan_max(app), &line, &len, &trunc);
		if (got == 0)
			break;
		if (got < 0) {
			if (errno == EINTR)
				continue; /* the loop condition sees *stop */
			rc = ST_ERR_IO;
			break;
		}
		got = st_app_scan(app, (const uint8_t *)line, len, trunc, source);
		if (got < 0 && rc == ST_OK)
			rc = got;
	}
	free(r);
	return rc;
}
