/* station/ui: the input loop shared by headless and terminal mode. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "st/err.h"
#include "st/lines.h"
#include "st/ui.h"

#define UI_POLLFDS_MAX 32 /* the line, the photo watch, USB */

int st_ui_run(struct st_app *app, int fd, const char *source, const volatile sig_atomic_t *stop,
	      const char *prompt, FILE *prompt_out)
{
	struct st_lines *r = malloc(sizeof(*r));
	const char *line;
	size_t len;
	bool trunc;
	int rc = ST_OK, got;
	bool prompted = false;

	if (!r)
		return ST_ERR_NOMEM;
	st_lines_init(r, fd);
	while (!*stop) {
		/* Not again after a wake-up that printed nothing (a USB
		 * timeout, the bus rescan). */
		if (prompt && !prompted) {
			fputs(prompt, prompt_out);
			fflush(prompt_out);
			prompted = true;
		}
		if (!st_lines_buffered(r)) {
			/* Photos dropped in the watched folder attach, and USB
			 * devices scan, while the station waits for a line. */
			struct pollfd p[UI_POLLFDS_MAX] = { { .fd = fd, .events = POLLIN } };
			int n = st_app_pollfds(app, p + 1, UI_POLLFDS_MAX - 1);

			if (n > 0) {
				got = poll(p, (nfds_t)n + 1, st_app_timeout_ms(app));
				if (got < 0 && errno != EINTR) {
					rc = ST_ERR_IO;
					break;
				}
				for (int i = 1; i <= n; i++)
					if (p[i].revents)
						prompted = false; /* events may have printed */
				got = st_app_dispatch(app);
				if (got < 0 && rc == ST_OK)
					rc = got;
				if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
			}
		}
		prompted = false;
		got = st_lines_next(r, st_app_cfg_scan_max(app), &line, &len, &trunc);
		if (got == 0)
			break;
		if (got < 0) {
			if (errno == EINTR)
				continue; /* the loop condition sees *stop */
			rc = ST_ERR_IO;
			break;
		}
		if (!trunc && len > 7 && memcmp(line, "!photo ", 7) == 0) {
			/* A directive, not a scan (docs/data-formats.md): attach
			 * the photo at this path. */
			char path[1024];

			snprintf(path, sizeof(path), "%.*s", (int)(len - 7), line + 7);
			got = st_app_photo(app, path);
		} else {
			got = st_app_scan(app, (const uint8_t *)line, len, trunc, source);
		}
		if (got < 0 && rc == ST_OK)
			rc = got;
	}
	free(r);
	return rc;
}
