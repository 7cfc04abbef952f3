/* station: logging.
 *
 * Libraries never print (STYLE.md section 7): they call the sink they were
 * given, through st_log(), which drops messages above the configured level.
 * The program's sink writes to stderr; under systemd (JOURNAL_STREAM set) it
 * prefixes each line with "<N>" so journald keeps the level.  Never log a
 * token, a body, or a customer's personal data.
 */
#ifndef QC_STATION_LOG_H
#define QC_STATION_LOG_H

#include <syslog.h>

typedef void st_log_fn(int level, const char *msg, void *ud);

struct st_log {
	int level;       /* LOG_ERR .. LOG_DEBUG; messages above it are dropped */
	st_log_fn *fn;   /* NULL = silent */
	void *ud;
};

/* Format and pass to the sink (lg may be NULL: silent). */
void st_log(const struct st_log *lg, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The program's sink: stderr, "qcstation: warning: msg" on a terminal or a
 * pipe, "<4>msg" when stderr is the journal.  ud is unused. */
void st_log_stderr(int level, const char *msg, void *ud);

/* "error", "warning", ... for a <syslog.h> level. */
const char *st_log_level_name(int level);

#endif
