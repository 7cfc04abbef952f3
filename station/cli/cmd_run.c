/* station/cli: "qcstation run", the station itself.
 *
 * Terminal mode when stdin is a terminal, headless (JSON lines) otherwise or
 * with --headless.  On a terminal that can show it, the ncurses bench UI;
 * --plain (or a terminal without cursor addressing) keeps the line mode.
 * --demo loads the embedded demo data set first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "st/app.h"
#include "st/err.h"
#include "st/import.h"
#include "st/tui.h"
#include "st/ui.h"
#include "cli-int.h"

#ifndef QC_VERSION
#define QC_VERSION "0.0.0"
#endif

static int load_demo(struct qc_cli *c, struct st_store *s, bool quiet)
{
	struct st_import_stats stats = { 0 };
	char err[600];
	int rc = st_import_json(s, (const char *)qc_demo_data, qc_demo_data_len, "demo data", &stats,
				err, sizeof(err));

	if (rc < 0) {
		qc_err("%s", err);
		return qc_exit_for(rc);
	}
	if (!quiet)
		fprintf(stderr, "qcstation: demo data loaded into %s (%u orders, %u products, %u operators)\n",
			c->db_path, stats.orders, stats.products, stats.operators);
	return QC_EXIT_OK;
}

int qc_cmd_run(struct qc_cli *c, int argc, char **argv)
{
	struct st_store *s = NULL;
	struct st_app *app = NULL;
	struct st_tui *tui = NULL;
	const char *station = NULL;
	struct st_log log = { .fn = st_log_stderr };
	bool headless = !isatty(STDIN_FILENO), demo = false, plain = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--headless")) {
			headless = true;
		} else if (!strcmp(argv[i], "--plain")) {
			plain = true;
		} else if (!strcmp(argv[i], "--demo")) {
			demo = true;
		} else if (!strcmp(argv[i], "--station") && i + 1 < argc) {
			station = argv[++i];
		} else {
			qc_err("run: unknown argument '%s'; see 'qcstation run --help'", argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	if (station) {
		if (!*station || strlen(station) >= sizeof(c->cfg.station_code)) {
			qc_err("run: --station needs a code of 1 to %zu characters",
			       sizeof(c->cfg.station_code) - 1);
			return QC_EXIT_USAGE;
		}
		snprintf(c->cfg.station_code, sizeof(c->cfg.station_code), "%s", station);
	}
	log.level = c->cfg.log_level;
	rc = qc_open_store(c, true, false, &s);
	if (rc)
		return rc;
	if (demo) {
		rc = load_demo(c, s, headless);
		if (rc)
			goto out;
	}
	if (!headless && !plain && isatty(STDOUT_FILENO)) {
		if (st_tui_new(&c->cfg, &tui) < 0) {
			const char *term = getenv("TERM");

			qc_err("run: terminal '%s' cannot show the bench UI; using line mode",
			       term ? term : "(TERM unset)");
		} else if (isatty(STDERR_FILENO)) {
			/* stderr is the screen the UI draws on: log into the UI. */
			log.fn = st_tui_log;
			log.ud = tui;
		}
	}
	{
		struct st_app_opts o = {
			.cfg = &c->cfg,
			.store = s,
			.emit = headless ? st_headless_emit : tui ? st_tui_emit : st_term_emit,
			.emit_ud = tui ? (void *)tui : (void *)stdout,
			.log = &log,
		};
		int err = st_app_new(&o, &app);

		if (err < 0) {
			qc_err("%s: cannot start the station: %s (%s)", c->db_path, st_strerror(err),
			       st_store_errmsg(s));
			rc = qc_exit_for(err);
			goto out;
		}
		st_app_emit(app, "ready",
			    json_pack("{s:s, s:s, s:s, s:i, s:s}", "version", QC_VERSION, "station",
				      c->cfg.station_code, "database", c->db_path, "schema",
				      ST_STORE_SCHEMA_VERSION, "mode", headless ? "headless" : "terminal"));
		st_log(&log, LOG_INFO, "station %s ready (%s mode, database %s)", c->cfg.station_code,
		       headless ? "headless" : "terminal", c->db_path);
		if (tui)
			err = st_tui_run(tui, app, c->stop);
		else
			err = st_ui_run(app, STDIN_FILENO, "stdin", c->stop, headless ? NULL : "scan> ",
					stdout);
		if (!headless && !tui)
			putchar('\n');
		st_app_emit(app, "shutdown",
			    json_pack("{s:I, s:s}", "scans", (json_int_t)st_app_scans(app), "reason",
				      *c->stop ? "signal" : err < 0 ? "error" : "end of input"));
		st_log(&log, LOG_INFO, "station %s stopped after %llu scans", c->cfg.station_code,
		       (unsigned long long)st_app_scans(app));
		rc = err < 0 ? qc_exit_for(err) : QC_EXIT_OK;
	}
out:
	st_app_free(app);
	st_tui_free(tui);
	st_store_close(s);
	return rc;
}
