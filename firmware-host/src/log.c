/* firmware-host: logging through the context's sink.  The library never
 * prints; a context without a sink is silent. */
#include "fh-int.h"

void fh_log(const struct fh_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!ctx || !ctx->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap); /* longer lines are cut */
	va_end(ap);
	ctx->log(level, msg, ctx->log_ud);
}
