/* station: reading scans as lines from a file descriptor (stdin, a pipe,
 * a keyboard wedge on a terminal).
 *
 * Lines end in LF (a CR before it is dropped).  A line longer than the cap
 * is returned once, cut at the cap and flagged truncated; the rest of it up
 * to the LF is discarded, so one babbling scanner cannot grow memory.
 * NUL and other bytes pass through unchanged.
 */
#ifndef QC_STATION_LINES_H
#define QC_STATION_LINES_H

#include <stdbool.h>
#include <stddef.h>

#define ST_LINES_BUF 65536

struct st_lines {
	int fd;
	size_t start, end;     /* unread bytes are buf[start..end) */
	bool eof, discarding;
	char buf[ST_LINES_BUF];
};

void st_lines_init(struct st_lines *r, int fd);

/* The next non-empty line, at most cap bytes (cap < ST_LINES_BUF).
 * *line points into r and is valid until the next call.  Returns 1 with a
 * line, 0 at end of input, ST_ERR_IO on a read error (errno set; EINTR is
 * returned too, so a signal can stop the caller). */
int st_lines_next(struct st_lines *r, size_t cap, const char **line, size_t *len,
		  bool *truncated);

/* True when the next st_lines_next() will not read: a whole line (or the
 * end of input) is already buffered. */
bool st_lines_buffered(const struct st_lines *r);

#endif
