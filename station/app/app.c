/* station/app: applying a scan (see st/app.h).
 *
 * The order matters and is the point of this file:
 *   1. classify (pure), route (pure);
 *   2. BEGIN; store the raw scan; perform the action (reads, session
 *      writes); append the outbox event; COMMIT with synchronous=FULL;
 *   3. only then emit the events, so an event printed is a scan on disk.
 * When the action's writes fail, the step is rolled back and the raw scan
 * alone is stored in a second transaction: nothing a scanner sent is lost
 * while the database is usable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "st/app.h"
#include "st/barcode.h"
#include "st/err.h"
#include "st/events.h"
#include "st/route.h"
#include "st/selftest.h"

#include "app-int.h"


static int64_t system_now(void *ud)
{
	struct timespec ts;

	(void)ud;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t st_app_now(const struct st_app *app)
{
	return app->now_ms(app->clock_ud);
}

size_t st_app_cfg_scan_max(const struct st_app *app)
{
	return app->cfg->scan_max;
}

uint64_t st_app_scans(const struct st_app *app)
{
	return app->scans;
}

int st_app_new(const struct st_app_opts *o, struct st_app **out)
{
	struct st_app *app = calloc(1, sizeof(*app));
	int rc;

	if (!app)
		return ST_ERR_NOMEM;
	app->cfg = o->cfg;
	app->store = o->store;
	app->now_ms = o->now_ms ? o->now_ms : system_now;
	app->clock_ud = o->clock_ud;
	app->emit = o->emit;
	app->emit_ud = o->emit_ud;
	app->log = o->log;
	app->order = malloc(sizeof(*app->order));
	app->pending = json_array();
	if (!app->order || !app->pending) {
		st_app_free(app);
		return ST_ERR_NOMEM;
	}
	rc = st_store_station_ensure(app->store, o->cfg->station_code, o->cfg->station_name,
				     &app->station_id);
	if (rc < 0) {
		st_app_free(app);
		return rc;
	}
	{
		char err[400] = "";

		rc = app_qc_init(app, err, sizeof(err));
		if (rc == ST_OK)
			rc = app_evidence_init(app, err, sizeof(err));
		if (rc == ST_OK)
			rc = app_devices_init(app);
		if (rc == ST_OK)
			rc = app_print_init(app);
		if (rc < 0) {
			st_log(app->log, LOG_ERR, "%s", err);
			st_app_free(app);
			return rc == ST_ERR_NOMEM ? rc : ST_ERR_CONFIG;
		}
	}
	*out = app;
	return ST_OK;
}

void st_app_free(struct st_app *app)
{
	if (!app)
		return;
	json_decref(app->pending);
	app_qc_fini(app);
	app_evidence_fini(app);
	app_print_fini(app); /* before USB: a usb: printer is a USB device */
	app_devices_fini(app);
	free(app->order);
	free(app);
}

static json_t *event_new(struct st_app *app, const char *name, json_t *fields)
{
	json_t *ev = json_object();
	char ts[32];
	int64_t now = st_app_now(app);

	json_object_set_new(ev, "event", json_string(name));
	json_object_set_new(ev, "ts", json_string(st_json_time(now, ts)));
	if (fields) {
		json_object_update(ev, fields);
		json_decref(fields);
	}
	return ev;
}

void st_app_emit(struct st_app *app, const char *name, json_t *fields)
{
	json_t *ev = event_new(app, name, fields);

	if (app->emit)
		app->emit(ev, app->emit_ud);
	json_decref(ev);
}

/* Queue an event of the step; emitted after COMMIT. */
void app_queue(struct st_app *app, const char *name, json_t *fields)
{
	json_array_append_new(app->pending, event_new(app, name, fields));
}

void app_queue_error(struct st_app *app, const char *code, const char *msg)
{
	st_log(app->log, LOG_DEBUG, "scan refused: %s: %s", code, msg);
	app_queue(app, "error", json_pack("{s:s, s:s}", "code", code, "message", msg));
}

void app_flush(struct st_app *app, bool emit)
{
	size_t i;
	json_t *ev;

	if (emit && app->emit)
		json_array_foreach(app->pending, i, ev)
			app->emit(ev, app->emit_ud);
	json_array_clear(app->pending);
}

int app_outbox(struct st_app *app, const char *type, const char *entity, json_t *payload)
{
	struct st_outbox_rec rec = { .type = type, .entity = entity, .ts_ms = st_app_now(app) };
	char *text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	int rc;

	json_decref(payload);
	if (!text)
		return ST_ERR_NOMEM;
	rec.payload = text;
	rc = st_store_outbox_add(app->store, &rec, NULL, NULL);
	free(text);
	return rc;
}

static int do_login(struct st_app *app, const char *badge)
{
	struct st_operator op;
	char msg[200];
	int rc = st_store_operator_by_badge(app->store, badge, &op);

	if (rc == ST_ERR_NOTFOUND) {
		snprintf(msg, sizeof(msg), "badge %s belongs to no operator of this store", badge);
		app_queue_error(app, "unknown_badge", msg);
		return ST_OK;
	}
	if (rc < 0)
		return rc;
	if (!op.active) {
		snprintf(msg, sizeof(msg), "operator %s (%s) is not active", op.name, badge);
		app_queue_error(app, "inactive_operator", msg);
		return ST_OK;
	}
	/* The QC workflow refuses a new badge while an inspection is open. */
	if (!app_qc_login(app, op.id))
		return ST_OK;
	if (app->op.id) {
		rc = st_store_session_end(app->store, app->session_id, st_app_now(app));
		if (rc < 0)
			return rc;
		app_queue(app, "logout", json_pack("{s:o, s:s}", "operator", st_json_operator(&app->op),
					       "reason", "another badge"));
	}
	rc = st_store_session_start(app->store, op.id, app->station_id, st_app_now(app),
				    &app->session_id);
	if (rc < 0)
		return rc;
	rc = app_outbox(app, "login", "operator", json_pack("{s:s, s:s}", "badge", op.badge, "station",
							 app->cfg->station_code));
	if (rc < 0)
		return rc;
	app->op = op;
	st_log(app->log, LOG_INFO, "operator %s logged in at %s", op.badge, app->cfg->station_code);
	app_queue(app, "login", json_pack("{s:o, s:I}", "operator", st_json_operator(&op), "session",
				      (json_int_t)app->session_id));
	return ST_OK;
}

static int do_logout(struct st_app *app)
{
	int rc;

	/* Refused while an inspection is open (the workflow says why). */
	if (!app_qc_logout(app))
		return ST_OK;
	rc = st_store_session_end(app->store, app->session_id, st_app_now(app));
	if (rc < 0)
		return rc;
	rc = app_outbox(app, "logout", "operator", json_pack("{s:s, s:s}", "badge", app->op.badge,
							   "station", app->cfg->station_code));
	if (rc < 0)
		return rc;
	st_log(app->log, LOG_INFO, "operator %s logged out", app->op.badge);
	app_queue(app, "logout", json_pack("{s:o, s:s}", "operator", st_json_operator(&app->op),
				       "reason", "command"));
	memset(&app->op, 0, sizeof(app->op));
	app->session_id = 0;
	return ST_OK;
}

static int show_item(struct st_app *app, const struct st_route *r)
{
	struct st_item it;
	char msg[200];
	json_t *f;
	int rc = r->act == ST_ACT_SHOW_LINE
			 ? st_store_item_by_order_line(app->store, r->key, r->line_no, &it)
			 : st_store_item_by_serial(app->store, r->key, &it);

	if (rc == ST_ERR_NOTFOUND) {
		if (r->act == ST_ACT_SHOW_LINE)
			snprintf(msg, sizeof(msg), "no item is assigned to %s line %d here", r->key,
				 r->line_no);
		else
			snprintf(msg, sizeof(msg), "no item with serial %s is known here", r->key);
		app_queue_error(app, "unknown_item", msg);
		return ST_OK;
	}
	if (rc < 0)
		return rc;
	if (r->gtin && it.product.gtin[0] && strcmp(r->gtin, it.product.gtin) != 0) {
		snprintf(msg, sizeof(msg), "serial %s belongs to GTIN %s, but the label says %s",
			 r->key, it.product.gtin, r->gtin);
		app_queue_error(app, "gtin_mismatch", msg);
		return ST_OK;
	}
	f = json_pack("{s:o}", "item", st_json_item(&it));
	if (it.order_number[0]) {
		rc = st_store_order_by_number(app->store, it.order_number, app->order);
		if (rc < 0 && rc != ST_ERR_NOTFOUND) {
			json_decref(f);
			return rc;
		}
		if (rc == 0) {
			json_object_set_new(f, "order", st_json_order(app->order, 0));
			for (unsigned i = 0; i < app->order->n_line; i++)
				if (app->order->line[i].line_no == it.line_no)
					json_object_set_new(f, "line", st_json_line(&app->order->line[i]));
		}
	}
	app_queue(app, "item", f);
	/* At the QC bench an item scanned is an item to inspect. */
	return app_qc_item(app, &it);
}

static int perform(struct st_app *app, const struct st_route *r)
{
	struct st_product p;
	char msg[200];
	int rc;

	switch (r->act) {
	case ST_ACT_REJECT:
		app_queue_error(app, r->code, r->msg);
		return ST_OK;
	case ST_ACT_NOTICE:
		app_queue(app, "notice", json_pack("{s:s, s:s}", "code", r->code, "message", r->msg));
		return ST_OK;
	case ST_ACT_LOGIN:
		return do_login(app, r->key);
	case ST_ACT_LOGOUT:
		return do_logout(app);
	case ST_ACT_SHOW_ORDER:
		rc = st_store_order_by_number(app->store, r->key, app->order);
		if (rc == ST_ERR_NOTFOUND) {
			snprintf(msg, sizeof(msg), "order %s is not known here (import or sync it)",
				 r->key);
			app_queue_error(app, "unknown_order", msg);
			return ST_OK;
		}
		if (rc == 0)
			app_queue(app, "order", json_pack("{s:o}", "order", st_json_order(app->order, 1)));
		return rc;
	case ST_ACT_SHOW_ITEM:
	case ST_ACT_SHOW_LINE:
		return show_item(app, r);
	case ST_ACT_SHOW_PRODUCT:
		rc = st_store_product_by_gtin(app->store, r->key, &p);
		if (rc == ST_ERR_NOTFOUND) {
			snprintf(msg, sizeof(msg), "no product with GTIN %s is known here", r->key);
			app_queue_error(app, "unknown_product", msg);
			return ST_OK;
		}
		if (rc == 0)
			app_queue(app, "product", json_pack("{s:o}", "product", st_json_product(&p)));
		return rc;
	}
	return ST_ERR_BUG;
}

/* Store the raw scan and its outbox event (inside the open transaction). */
static int store_scan(struct st_app *app, const uint8_t *raw, size_t n, bool truncated,
		      const char *source, const char *role, const char *kind, bool valid,
		      int64_t *scan_id)
{
	struct st_scan_rec rec = {
		.station_id = app->station_id,
		.operator_id = app->op.id,
		.source = source,
		.symbology = app->bc.symbology[0] ? app->bc.symbology : NULL,
		.raw = raw,
		.raw_len = n,
		.truncated = truncated,
		.kind = kind,
		.valid = valid,
		.ts_ms = st_app_now(app),
	};
	char entity[40];
	int rc = st_store_scan_add(app->store, &rec, scan_id);

	if (rc < 0)
		return rc;
	snprintf(entity, sizeof(entity), "scan:%lld", (long long)*scan_id);
	return app_outbox(app, "scan", entity,
		      json_pack("{s:I, s:s, s:s?, s:b, s:s?, s:s*}", "scan_id", (json_int_t)*scan_id,
				"station", app->cfg->station_code, "kind", kind, "valid", valid,
				"operator", app->op.id ? app->op.badge : NULL, "role", role));
}

int st_app_scan(struct st_app *app, const uint8_t *raw, size_t n, bool truncated,
		const char *source)
{
	return st_app_scan_from(app, raw, n, truncated, source, NULL);
}

/* Which device and role a scan came from, in its event. */
static void tag_source(json_t *scan_ev, const char *source, const char *role)
{
	json_object_set_new(scan_ev, "source", json_string(source));
	if (!strncmp(source, "usb:", 4))
		json_object_set_new(scan_ev, "device", json_string(source + 4));
	if (role)
		json_object_set_new(scan_ev, "role", json_string(role));
}

int st_app_scan_from(struct st_app *app, const uint8_t *raw, size_t n, bool truncated,
		     const char *source, const char *role)
{
	struct st_bc *bc = &app->bc;
	struct st_route r;
	struct st_operator before = app->op;
	int64_t before_session = app->session_id, scan_id = 0;
	json_t *scan_ev;
	char msg[200];
	bool qc = false;
	int rc;

	/* The scanner self-test barcode, typed in (the USB path checks its own
	 * in app_devices.c): a diagnosis, not a scan. */
	if (!truncated && strncmp(source, "usb:", 4) != 0 &&
	    app_selftest(app, raw, n, NULL, ST_SELFTEST_WEDGE,
			 app->cfg->wedge_terminator == ST_WEDGE_TERM_TAB ? ST_SELFTEST_TERM_TAB
									 : ST_SELFTEST_TERM_ENTER,
			 source, role))
		return ST_OK;
	st_bc_parse((const char *)raw, n, &app->cfg->patterns, bc);
	scan_ev = st_json_barcode(bc, raw, n);
	if (truncated) {
		/* The cap keeps a babbling scanner from filling memory; the
		 * first bytes are still stored, flagged. */
		snprintf(msg, sizeof(msg), "scan longer than %u bytes; only the first %zu were kept",
			 app->cfg->scan_max, n);
		json_object_set_new(scan_ev, "valid", json_false());
		json_array_insert_new(json_object_get(scan_ev, "errors"), 0, json_string(msg));
		r.act = ST_ACT_REJECT;
		r.code = "scan_too_long";
		snprintf(r.msg, sizeof(r.msg), "%s", msg);
	} else if (!st_utf8_valid(raw, n)) {
		/* Not UTF-8 (or a NUL): a scanner misconfigured for another
		 * code page, or line noise. Stored as bytes, refused. */
		r.act = ST_ACT_REJECT;
		r.code = "invalid_bytes";
		snprintf(r.msg, sizeof(r.msg), "scan holds bytes that are not UTF-8 text");
		json_object_set_new(scan_ev, "valid", json_false());
	} else {
		st_route_scan(bc, app->op.id != 0, &r);
		qc = app->op.id && app_qc_claims(app, bc, true);
		/* Text that is no code, taken by the inspection as a value
		 * (a measured size, an engraving as found). */
		if (qc && bc->kind == ST_BC_UNKNOWN)
			json_object_set_new(scan_ev, "as", json_string("value"));
	}

	app_qc_checkpoint(app);
	rc = st_store_begin(app->store);
	if (rc == 0)
		rc = store_scan(app, raw, n, truncated, source, role,
				st_bc_kind_name(bc->kind), bc->valid && !truncated, &scan_id);
	if (rc == 0) {
		json_object_set_new(scan_ev, "scan_id", json_integer(scan_id));
		tag_source(scan_ev, source, role);
		app_queue(app, "scan", json_incref(scan_ev));
		rc = qc ? app_qc_scan(app, bc, raw, n) : perform(app, &r);
	}
	if (rc == 0)
		rc = st_store_commit(app->store);
	if (rc == 0) {
		app->scans++;
		json_decref(scan_ev);
		app_flush(app, true);
		return ST_OK;
	}

	/* The step failed: undo it (including the in-memory login), then try
	 * to keep at least the raw scan. */
	st_store_rollback(app->store);
	app_flush(app, false);
	app->op = before;
	app->session_id = before_session;
	app_qc_rollback(app);
	snprintf(msg, sizeof(msg), "could not store the scan's result: %s (%s)", st_strerror(rc),
		 st_store_errmsg(app->store));
	st_log(app->log, LOG_ERR, "%s; storing the raw scan alone", msg);
	rc = st_store_begin(app->store);
	if (rc == 0)
		rc = store_scan(app, raw, n, truncated, source, role,
				st_bc_kind_name(bc->kind), false, &scan_id);
	if (rc == 0)
		rc = st_store_commit(app->store);
	if (rc == 0) {
		app->scans++;
		json_object_set_new(scan_ev, "scan_id", json_integer(scan_id));
		tag_source(scan_ev, source, role);
		app_queue(app, "scan", scan_ev);
		app_queue_error(app, "store_failed", msg);
		app_flush(app, true);
		return ST_OK;
	}
	st_store_rollback(app->store);
	json_decref(scan_ev);
	snprintf(msg, sizeof(msg), "the scan was NOT stored: %s (%s)", st_strerror(rc),
		 st_store_errmsg(app->store));
	st_log(app->log, LOG_ERR, "%s", msg);
	app_queue_error(app, "store_failed", msg);
	app_flush(app, true);
	return rc;
}

int st_app_pollfds(struct st_app *app, struct pollfd *fds, size_t cap)
{
	size_t n = 0;

	if (app_evidence_fd(app) >= 0 && n < cap) {
		fds[n].fd = app_evidence_fd(app);
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	if (n < cap) {
		int k = app_devices_pollfds(app, fds + n, cap - n);

		if ((size_t)k > cap - n)
			k = (int)(cap - n); /* the rest wait for the timeout */
		n += (size_t)k;
	}
	if (n < cap)
		n += (size_t)app_print_pollfds(app, fds + n, cap - n);
	return (int)n;
}

int st_app_timeout_ms(const struct st_app *app)
{
	int usb = app_devices_timeout_ms(app), print = app_print_timeout_ms(app);

	if (usb < 0)
		return print;
	return print >= 0 && print < usb ? print : usb;
}

int st_app_dispatch(struct st_app *app)
{
	int rc = ST_OK, got;

	if (app_evidence_fd(app) >= 0) {
		struct pollfd p = { .fd = app_evidence_fd(app), .events = POLLIN };

		if (poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
			rc = app_evidence_ready(app);
	}
	got = app_devices_dispatch(app);
	if (got < 0 && rc == ST_OK)
		rc = got;
	/* Printing after the scans and devices: it never holds them up. */
	got = app_print_dispatch(app);
	if (got < 0 && rc == ST_OK)
		rc = got;
	return rc;
}
