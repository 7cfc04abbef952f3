/* station/ui: the line reader of headless and terminal input (st/lines.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "st/err.h"
#include "st/lines.h"

void st_lines_init(struct st_lines *r, int fd)
{
	r->fd = fd;
	r->start = r->end = 0;
	r->eof = r->discarding = false;
}

static int fill(struct st_lines *r)
{
	ssize_t got;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == sizeof(r->buf))
		return 1; /* full; the caller cuts a line */
	got = read(r->fd, r->buf + r->end, sizeof(r->buf) - r->end);
	if (got < 0)
		return ST_ERR_IO;
	if (got == 0)
		r->eof = true;
	r->end += (size_t)got;
	return 1;
}

int st_lines_next(struct st_lines *r, size_t cap, const char **line, size_t *len,
		  bool *truncated)
{
	for (;;) {
		char *b = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = memchr(b, '\n', avail);
		size_t n;

		if (r->discarding) {
			if (nl) {
				r->start += (size_t)(nl - b) + 1;
				r->discarding = false;
				continue;
			}
			r->start = r->end; /* drop what we have, read on */
		} else if (nl || (r->eof && avail > 0) || avail > cap) {
			n = nl ? (size_t)(nl - b) : avail;
			*truncated = n > cap;
			if (*truncated) {
				/* Keep the first cap bytes; skip the rest of the line. */
				r->discarding = nl == NULL;
				r->start += nl ? n + 1 : avail;
				n = cap;
			} else {
				r->start += nl ? n + 1 : n;
				if (n > 0 && b[n - 1] == '\r')
					n--;
			}
			if (n == 0)
				continue; /* empty line: a stray CR-LF */
			*line = b;
			*len = n;
			return 1;
		}
		if (r->eof)
			return 0;
		if (fill(r) < 0)
			return ST_ERR_IO;
	}
}

bool st_lines_buffered(const struct st_lines *r)
{
	return r->eof || memchr(r->buf + r->start, '\n', r->end - r->start) != NULL;
}
