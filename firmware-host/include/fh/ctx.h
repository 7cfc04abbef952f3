/* firmware-host: the library context.
 *
 * One struct fh_ctx holds what the whole library shares: where log messages
 * go and which clock it reads.  There are no globals; every device belongs
 * to a context, and one thread owns a context and its devices (no locks).
 *
 * The USB layer (enumeration, hot-plug) joins the context in a later step;
 * today it carries the configuration only.
 */
#ifndef QC_FIRMWARE_HOST_CTX_H
#define QC_FIRMWARE_HOST_CTX_H

#include <stdint.h>

struct fh_ctx; /* opaque */

/* A log sink: level is a <syslog.h> level (LOG_ERR .. LOG_DEBUG); msg is
 * one line without a newline, valid for the call only. */
typedef void fh_log_fn(int level, const char *msg, void *ud);

/* A clock in milliseconds; only differences are used, so any monotonic
 * origin will do. */
typedef int64_t fh_clock_fn(void *ud);

struct fh_config {
	fh_log_fn *log;          /* NULL = silent */
	void *log_ud;
	fh_clock_fn *now_ms;     /* NULL = CLOCK_MONOTONIC */
	void *clock_ud;
};

/* Create a context.  cfg is copied and may be NULL (silent, monotonic
 * clock).  On success *out owns the context; free it with fh_ctx_free()
 * after every device of it.  Errors: FH_ERR_ARG (out NULL), FH_ERR_NOMEM. */
int fh_ctx_new(const struct fh_config *cfg, struct fh_ctx **out);

/* Free ctx; NULL is a no-op. */
void fh_ctx_free(struct fh_ctx *ctx);

/* The context's clock, in ms. */
int64_t fh_ctx_now_ms(const struct fh_ctx *ctx);

#endif
