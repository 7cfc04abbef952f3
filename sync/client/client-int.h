/* sync/client: declarations shared by the client's files (client.c,
 * http_curl.c).  Never included from outside sync/client. */
#ifndef QC_SYNC_CLIENT_INT_H
#define QC_SYNC_CLIENT_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "sy/http.h"

/* A growable byte buffer (curl's dynbuf, smaller).  Zero it to start. */
struct sy_buf {
	char *data;
	size_t len, cap;
};

/* Make room for cap bytes in all; SY_OK or SY_ERR_NOMEM (b unchanged). */
int sy_buf_reserve(struct sy_buf *b, size_t cap);
/* Append p[0..n); SY_OK or SY_ERR_NOMEM (b unchanged). */
int sy_buf_add(struct sy_buf *b, const void *p, size_t n);
void sy_buf_fini(struct sy_buf *b);

/* Format one log line "PREFIX: ..." (cut at 640 bytes) and hand it to
 * log; a NULL log is silent.  The one sink of client.c and http_curl.c. */
void sy_client_logv(sy_log_fn *log, void *ud, int level, const char *prefix, const char *fmt,
		    va_list ap) __attribute__((format(printf, 5, 0)));

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
