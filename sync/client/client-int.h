/* sync/client: declarations shared by the client's files (client.c,
 * http_curl.c).  Never included from outside sync/client. */
#ifndef QC_SYNC_CLIENT_INT_H
#define QC_SYNC_CLIENT_INT_H

#include <stddef.h>

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

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
