/* station/ui: the log sink of the program and the level filter (st/log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "st/log.h"

const char *st_log_level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void st_log(const struct st_log *lg, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!lg || !lg->fn || level > lg->level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lg->fn(level, msg, lg->ud);
}

void st_log_stderr(int level, const char *msg, void *ud)
{
	(void)ud;
	/* systemd sets JOURNAL_STREAM when stderr is connected to the journal;
	 * the "<N>" prefix is then read as the priority. */
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>%s\n", level, msg);
	else
		fprintf(stderr, "qcstation: %s: %s\n", st_log_level_name(level), msg);
}
