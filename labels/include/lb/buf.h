/* labels: a growable byte buffer (ZPL text, PNG and PDF bytes).
 *
 * Zeroed (LB_BUF_INIT) is empty and valid; lb_buf_fini() releases it.  The
 * data is always NUL-terminated after a successful append, so ZPL text can be
 * printed as a string.  Growth is bounded by LB_BUF_MAX.
 */
#ifndef QC_LABELS_BUF_H
#define QC_LABELS_BUF_H

#include <stddef.h>

#define LB_BUF_MAX (64u << 20) /* 64 MiB: far above any label or sheet */

struct lb_buf {
	char *data;
	size_t len, cap;
};

#define LB_BUF_INIT { NULL, 0, 0 }

/* Append n bytes; LB_OK, LB_ERR_NOMEM, or LB_ERR_RANGE past LB_BUF_MAX
 * (the buffer is then unchanged). */
int lb_buf_add(struct lb_buf *b, const void *p, size_t n);
/* Append formatted text (printf-style); same errors. */
int lb_buf_printf(struct lb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Release the memory; the buffer is empty and reusable afterwards. */
void lb_buf_fini(struct lb_buf *b);

#endif
