/* firmware-host: the library context (configuration, clock). */
#define LOG_PREFIX "ctx"
#include "fh-int.h"

#include <time.h>

int fh_ctx_new(const struct fh_config *cfg, struct fh_ctx **out)
{
	struct fh_ctx *ctx;

	if (!out)
		return FH_ERR_ARG;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return FH_ERR_NOMEM;
	if (cfg) {
		ctx->log = cfg->log;
		ctx->log_ud = cfg->log_ud;
		ctx->now_ms = cfg->now_ms;
		ctx->clock_ud = cfg->clock_ud;
		ctx->claim_keyboard = cfg->claim_keyboard;
		ctx->claim_ud = cfg->claim_ud;
	}
	*out = ctx;
	return FH_OK;
}

void fh_ctx_free(struct fh_ctx *ctx)
{
	free(ctx);
}

int64_t fh_ctx_now_ms(const struct fh_ctx *ctx)
{
	struct timespec ts;

	if (ctx && ctx->now_ms)
		return ctx->now_ms(ctx->clock_ud);
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
