/* station/app: the print queue inside the station (st/printq.h).
 *
 * The app owns one st_printq for the [printer] section and polls it with
 * everything else, so printing never holds up a scan.  When the queue
 * cannot start (another station prints from this database, a printer
 * address that does not resolve), the station still runs: a warning and a
 * "printer" event with state "offline" say why, and jobs wait in the
 * store.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "st/err.h"
#include "st/printq.h"
#include "st/store_print.h"

#include "app-int.h"

static void on_event(const char *name, json_t *fields, void *ud)
{
	st_app_emit(ud, name, fields);
}

int app_print_init(struct st_app *app)
{
	char lock[1100], err[600], dir[600];
	struct st_printq_opts o = {
		.cfg = app->cfg,
		.store = app->store,
		.lock_path = st_store_print_lock_path(app->store, lock, sizeof(lock)),
		.usb = app->usb,
		.now_ms = app->now_ms,
		.clock_ud = app->clock_ud,
		.event = on_event,
		.event_ud = app,
		.log = app->log,
	};
	int rc;

	/* The demo default, dir:<data_dir>/labels: make the folder. */
	if (!app->cfg->printer.uri[0]) {
		snprintf(dir, sizeof(dir), "%s/labels", app->cfg->data_dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			st_log(app->log, LOG_DEBUG, "%s: %s", dir, strerror(errno));
	}
	rc = st_printq_new(&o, &app->printq, err, sizeof(err));
	if (rc == ST_ERR_NOMEM)
		return rc;
	if (rc < 0) {
		app->printq = NULL;
		st_log(app->log, LOG_WARNING, "printer %s: not printing from this station: %s",
		       app->cfg->printer.name, err);
		st_app_emit(app, "printer", json_pack("{s:s, s:s, s:s}", "printer",
						      app->cfg->printer.name, "state", "offline",
						      "reason", err));
	}
	return ST_OK;
}

void app_print_fini(struct st_app *app)
{
	st_printq_free(app->printq);
	app->printq = NULL;
}

int app_print_pollfds(struct st_app *app, struct pollfd *fds, size_t cap)
{
	return app->printq ? st_printq_pollfds(app->printq, fds, cap) : 0;
}

int app_print_timeout_ms(const struct st_app *app)
{
	return app->printq ? st_printq_timeout_ms(app->printq) : -1;
}

int app_print_dispatch(struct st_app *app)
{
	return app->printq ? st_printq_dispatch(app->printq) : ST_OK;
}

struct st_printq *st_app_printq(struct st_app *app)
{
	return app->printq;
}
