/* station/app: the shell of the QC inspection workflow (st/qc.h).
 *
 * The workflow is pure; this file does what it cannot: looks up the item,
 * its order line and its inspection history in the store, steps the
 * workflow, and applies the effects inside the scan's transaction: a
 * completed inspection becomes one st_store_inspection_add() (which links
 * it into the audit chain), the item's new status and an "inspection"
 * outbox event; the UI gets "checklist", "inspection", "prompt", "notice"
 * and "error" events (docs/data-formats.md).  Rules: QC-01..QC-05.
 *
 * With [printer] qc_tag = pass or all, the item's QC tag (item-qc-tag) is
 * a label job of the same transaction: no inspection is committed without
 * its job, no job outlives a rolled-back inspection.  Data that does not
 * fit the template (a serial longer than the tag takes) does not stop the
 * inspection: it is recorded, and a "print" event with state "not_queued"
 * says why (docs/printing.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lb/buf.h"
#include "lb/data.h"
#include "st/err.h"
#include "st/events.h"
#include "st/labelmake.h"
#include "st/log.h"
#include "st/printq.h"
#include "st/store_print.h"

#include "app-int.h"
#include "embedded.h"

int app_qc_init(struct st_app *app, char *err, size_t errlen)
{
	int rc = ST_OK;

	app->checklists = malloc(sizeof(*app->checklists));
	app->fx = malloc(sizeof(*app->fx));
	app->irec = malloc(sizeof(*app->irec));
	if (!app->checklists || !app->fx || !app->irec) {
		snprintf(err, errlen, "out of memory");
		return ST_ERR_NOMEM;
	}
	st_checklist_set_init(app->checklists);
	if (app->cfg->checklists_dir[0]) {
		rc = st_checklist_load_dir(app->cfg->checklists_dir, app->checklists, err, errlen);
	} else {
		for (size_t i = 0; i < qc_checklist_files_n && rc == ST_OK; i++)
			rc = st_checklist_set_add(app->checklists,
						  (const char *)qc_checklist_files[i].data,
						  qc_checklist_files[i].len, qc_checklist_files[i].name,
						  err, errlen);
	}
	app->qc_ctx.checklists = app->checklists;
	st_qc_init(&app->qc);
	return rc;
}

void app_qc_fini(struct st_app *app)
{
	free(app->checklists);
	free(app->fx);
	free(app->irec);
}

void app_qc_checkpoint(struct st_app *app)
{
	app->qc_saved = app->qc;
}

void app_qc_rollback(struct st_app *app)
{
	app->qc = app->qc_saved;
}

/* ---- events ------------------------------------------------------------------ */

static const char *check_state(enum st_qc_result r)
{
	switch (r) {
	case ST_QC_RES_PASS:
		return "pass";
	case ST_QC_RES_FAIL:
		return "fail";
	case ST_QC_RES_NA:
	case ST_QC_RES_SKIPPED:
		return "skipped";
	case ST_QC_RES_OPEN:
		break;
	}
	return "pending";
}

/* What the inspector needs to see of a check: the note, the measurement
 * against what was ordered, or the text found against the text ordered. */
static json_t *check_detail(const struct st_qc_check_result *c, const struct st_check *def)
{
	char a[32], b[32], t[3 * ST_QC_TEXT_LEN];

	if (c->result == ST_QC_RES_NA || c->note[0])
		return json_string(c->note);
	if (c->has_measured && c->has_expected) {
		snprintf(t, sizeof(t), "%s %s (ordered %s)", st_milli_format(c->measured_milli, a, sizeof(a)),
			 def->unit, st_milli_format(c->expected_milli, b, sizeof(b)));
		return json_string(t);
	}
	if (c->found[0] && c->result == ST_QC_RES_FAIL && c->expected[0]) {
		snprintf(t, sizeof(t), "found \"%s\", ordered \"%s\"", c->found, c->expected);
		return json_string(t);
	}
	if (c->defect[0])
		return json_string(c->defect);
	return json_null();
}

static json_t *item_json(const struct st_qc_record *r)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "serial", r->serial, "sku", r->sku, "order",
			 r->order_number[0] ? json_string(r->order_number) : json_null(), "line_no",
			 r->line_no ? json_integer(r->line_no) : json_null());
}

static void queue_checklist(struct st_app *app, const char *prompt)
{
	const struct st_qc *q = &app->qc;
	json_t *checks = json_array();

	if (!q->cl)
		return;
	for (unsigned i = 0; i < q->rec.n_check && i < q->cl->n_check; i++) {
		const struct st_qc_check_result *c = &q->rec.check[i];

		json_array_append_new(checks, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", c->id,
							 "label", q->cl->check[i].label, "type",
							 st_check_type_name(c->type), "state",
							 check_state(c->result), "detail",
							 check_detail(c, &q->cl->check[i])));
	}
	app_queue(app, "checklist",
		  json_pack("{s:o, s:s, s:i, s:o, s:i, s:s, s:s}", "item", item_json(&q->rec),
			    "category", q->rec.category, "version", q->rec.checklist_version, "checks",
			    checks, "current", q->cursor, "phase", st_qc_phase_name(q->phase),
			    "prompt", prompt ? prompt : ""));
}

static json_t *record_json(const struct st_qc_record *r, int64_t id)
{
	json_t *checks = json_array(), *defects = json_array();
	char m[32];

	for (unsigned i = 0; i < r->n_check; i++) {
		const struct st_qc_check_result *c = &r->check[i];
		json_t *o = json_pack("{s:s, s:s}", "id", c->id, "result", st_qc_result_name(c->result));

		if (c->expected[0])
			json_object_set_new(o, "expected", json_string(c->expected));
		if (c->found[0])
			json_object_set_new(o, "found", json_string(c->found));
		if (c->has_measured)
			json_object_set_new(o, "measured",
					    json_string(st_milli_format(c->measured_milli, m, sizeof(m))));
		if (c->diff_char)
			json_object_set_new(o, "differs_at", json_integer(c->diff_char));
		if (c->note[0])
			json_object_set_new(o, "note", json_string(c->note));
		if (c->evidence[0])
			json_object_set_new(o, "evidence", json_string(c->evidence));
		json_array_append_new(checks, o);
	}
	for (unsigned i = 0; i < r->n_defect; i++)
		json_array_append_new(defects,
				      json_pack("{s:s, s:s, s:s}", "code", r->defect[i].code, "severity",
						st_qc_severity_name(r->defect[i].severity), "check",
						r->check[r->defect[i].check].id));
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:i, s:b, s:b, s:i, s:o, s:o, s:o}",
			 "inspection_id", (json_int_t)id, "result", st_qc_outcome_name(r->outcome),
			 "disposition",
			 r->disposition ? json_string(st_qc_disposition_name(r->disposition)) : json_null(),
			 "item", item_json(r), "category", r->category, "checklist_version",
			 r->checklist_version, "reinspection", r->reinspection, "escalated", r->escalated,
			 "rework_count", r->rework_count, "supersedes",
			 r->supersedes_id ? json_integer(r->supersedes_id) : json_null(), "defects",
			 defects, "checks", checks);
}

/* ---- the completed inspection ------------------------------------------------ */

static const char *status_after(const struct st_qc_record *r)
{
	if (r->outcome == ST_QC_OUT_PASS)
		return "passed";
	switch (r->disposition) {
	case ST_QC_DISP_REWORK:
		return "rework";
	case ST_QC_DISP_SCRAP:
		return "scrap";
	default:
		return "hold";
	}
}

static void copy_text(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

/* Map the workflow's record onto the store's (QC-05: operator, station and
 * times are part of it). */
static void to_store(struct st_app *app, const struct st_qc_record *r,
		     struct st_inspection_rec *o)
{
	const struct st_checklist *cl = app->qc_saved.cl ? app->qc_saved.cl : app->qc.cl;
	char m[32];

	memset(o, 0, sizeof(*o));
	o->item_id = app->qc_item.id;
	o->operator_id = r->operator_id;
	o->station_id = app->station_id;
	copy_text(o->category, sizeof(o->category), r->category);
	snprintf(o->checklist_version, sizeof(o->checklist_version), "%d", r->checklist_version);
	copy_text(o->result, sizeof(o->result), st_qc_outcome_name(r->outcome));
	if (r->outcome == ST_QC_OUT_FAIL)
		copy_text(o->disposition, sizeof(o->disposition),
			  st_qc_disposition_name(r->disposition));
	o->rework_count = (int)r->rework_count;
	o->supersedes = r->supersedes_id;
	o->started_ms = r->started_ms;
	o->completed_ms = r->finished_ms;
	for (unsigned i = 0; i < r->n_check && i < ST_CHECK_MAX; i++) {
		const struct st_qc_check_result *c = &r->check[i];
		struct st_check_result *d = &o->check[o->n_check++];

		copy_text(d->check_id, sizeof(d->check_id), c->id);
		copy_text(d->outcome, sizeof(d->outcome),
			  c->result == ST_QC_RES_OPEN ? "skipped" : st_qc_result_name(c->result));
		if (c->expected[0])
			copy_text(d->expected, sizeof(d->expected), c->expected);
		else if (c->has_expected)
			copy_text(d->expected, sizeof(d->expected),
				  st_milli_format(c->expected_milli, m, sizeof(m)));
		copy_text(d->found, sizeof(d->found), c->found);
		d->has_measured = c->has_measured;
		d->measured_milli = c->measured_milli;
		if (cl && i < cl->n_check)
			copy_text(d->unit, sizeof(d->unit), cl->check[i].unit);
	}
	for (unsigned i = 0; i < r->n_defect && i < ST_DEFECT_MAX; i++) {
		struct st_defect_rec *d = &o->defect[o->n_defect++];

		copy_text(d->code, sizeof(d->code), r->defect[i].code);
		copy_text(d->severity, sizeof(d->severity),
			  st_qc_severity_name(r->defect[i].severity));
		copy_text(d->check_id, sizeof(d->check_id), r->check[r->defect[i].check].id);
	}
}

/* ---- the item's QC tag ([printer] qc_tag) ------------------------------------ */

#define QC_TAG_TEMPLATE "item-qc-tag"

/* What the tag says of the result, as the item's new status has it: PASS;
 * HOLD for an item held; FAIL for the other failures (rework, scrap). */
static const char *tag_result(const struct st_qc_record *r)
{
	const char *st = status_after(r);

	if (!strcmp(st, "passed"))
		return "PASS";
	return !strcmp(st, "hold") ? "HOLD" : "FAIL";
}

static bool tag_wanted(const struct st_app *app, const struct st_qc_record *r)
{
	switch (app->cfg->printer.qc_tag) {
	case ST_QC_TAG_PASS:
		return r->outcome == ST_QC_OUT_PASS;
	case ST_QC_TAG_ALL:
		return true;
	case ST_QC_TAG_NO:
		break;
	}
	return false;
}

/* The size the order line asks for: its "size" option, else a chain
 * length ("450 mm"); "" when none (or no order line). */
static int tag_size(struct st_app *app, char *buf, size_t cap)
{
	const struct st_line *line = NULL;
	const char *size = NULL, *len = NULL;
	int rc;

	buf[0] = '\0';
	if (!app->qc_item.order_number[0] || !app->qc_item.line_no)
		return ST_OK;
	rc = st_store_order_by_number(app->store, app->qc_item.order_number, app->order);
	if (rc == ST_ERR_NOTFOUND)
		return ST_OK;
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < app->order->n_line; i++)
		if (app->order->line[i].line_no == app->qc_item.line_no)
			line = &app->order->line[i];
	for (unsigned i = 0; line && i < line->n_opt; i++) {
		if (!strcmp(line->opt[i].name, "size"))
			size = line->opt[i].value;
		else if (!strcmp(line->opt[i].name, "chain_length_mm"))
			len = line->opt[i].value;
	}
	if (size)
		snprintf(buf, cap, "%s", size);
	else if (len)
		snprintf(buf, cap, "%s mm", len);
	return ST_OK;
}

static int tag_set(struct lb_data *d, const char *name, const char *v)
{
	return lb_data_set(d, name, v, strlen(v)) < 0 ? ST_ERR_NOMEM : ST_OK;
}

/* Queue the item's QC tag for inspection id in the open transaction, when
 * [printer] qc_tag asks for one.  Store errors are returned (the caller
 * rolls the inspection back with it); a tag the template refuses is
 * reported ("print" event, warning) and returns 0. */
static int queue_tag(struct st_app *app, const struct st_qc_record *r, int64_t id)
{
	struct lb_buf doc = LB_BUF_INIT;
	struct lb_data *d = NULL;
	enum lb_format fmt = LB_FMT_ZPL;
	char size[300], date[16], entity[96], err[400] = "", uuid[37] = "";
	time_t secs = (time_t)(r->finished_ms / 1000);
	int64_t job = 0;
	struct tm tm;
	int rc;

	if (!tag_wanted(app, r))
		return ST_OK;
	rc = tag_size(app, size, sizeof(size));
	if (rc < 0)
		return rc;
	if (!gmtime_r(&secs, &tm) || !strftime(date, sizeof(date), "%Y-%m-%d", &tm))
		return ST_ERR_BUG;
	rc = lb_data_new(&d) < 0 ? ST_ERR_NOMEM : ST_OK;
	if (rc == ST_OK)
		rc = tag_set(d, "serial", r->serial);
	if (rc == ST_OK)
		rc = tag_set(d, "sku", r->sku);
	if (rc == ST_OK && size[0])
		rc = tag_set(d, "size", size);
	if (rc == ST_OK)
		rc = tag_set(d, "qc_date", date);
	if (rc == ST_OK)
		rc = tag_set(d, "result", tag_result(r));
	if (rc == ST_OK)
		rc = st_label_make(app->cfg, QC_TAG_TEMPLATE, d, &doc, &fmt, err, sizeof(err));
	snprintf(entity, sizeof(entity), "item:%s", r->serial);
	if (rc == ST_ERR_ARG || rc == ST_ERR_CONFIG || rc == ST_ERR_NOTFOUND) {
		st_log(app->log, LOG_WARNING, "inspection %lld of %s: no QC tag queued: %s",
		       (long long)id, r->serial, err);
		app_queue(app, "print",
			  json_pack("{s:n, s:s, s:s, s:s, s:I, s:s, s:s}", "job", "printer",
				    app->cfg->printer.name, "template", QC_TAG_TEMPLATE, "entity",
				    entity, "inspection_id", (json_int_t)id, "state", "not_queued",
				    "error", err));
		rc = ST_OK;
		goto out;
	}
	if (rc < 0)
		goto out;
	{
		struct st_label_job_new j = {
			.printer = app->cfg->printer.name,
			.template_name = QC_TAG_TEMPLATE,
			.entity = entity,
			.format = lb_format_name(fmt),
			.payload = (const uint8_t *)doc.data,
			.len = doc.len,
			.ts_ms = r->finished_ms,
		};

		rc = st_store_label_job_add(app->store, &j, &job, uuid);
	}
	if (rc < 0)
		goto out;
	st_log(app->log, LOG_INFO, "inspection %lld of %s: QC tag queued as job %lld on %s",
	       (long long)id, r->serial, (long long)job, app->cfg->printer.name);
	app_queue(app, "print",
		  json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "job", (json_int_t)job,
			    "uuid", uuid, "printer", app->cfg->printer.name, "template",
			    QC_TAG_TEMPLATE, "entity", entity, "inspection_id", (json_int_t)id,
			    "result", tag_result(r), "state", "queued"));
	/* Printed from the poll loop, after this step commits: never waited
	 * for here (a rolled-back step only makes the queue look once). */
	if (app->printq)
		st_printq_kick(app->printq);
out:
	lb_data_free(d);
	lb_buf_fini(&doc);
	return rc;
}

static int write_inspection(struct st_app *app, const struct st_qc_record *r)
{
	int64_t id = 0;
	char entity[80];
	int rc;

	to_store(app, r, app->irec);
	rc = st_store_inspection_add(app->store, app->irec, &id);
	if (rc == ST_OK)
		rc = st_store_item_set_status(app->store, app->qc_item.id, status_after(r));
	if (rc == ST_OK) {
		snprintf(entity, sizeof(entity), "item:%s", r->serial);
		rc = app_outbox(app, "inspection", entity, record_json(r, id));
	}
	if (rc == ST_OK) {
		st_log(app->log, LOG_INFO, "inspection %lld of %s: %s%s%s", (long long)id, r->serial,
		       st_qc_outcome_name(r->outcome), r->disposition ? ", " : "",
		       r->disposition ? st_qc_disposition_name(r->disposition) : "");
		app_queue(app, "inspection", record_json(r, id));
		/* The tag in the same transaction: if its job cannot be
		 * stored, the inspection is rolled back with it. */
		rc = queue_tag(app, r, id);
	}
	return rc;
}

/* Apply the effects of the last step (in the open transaction). */
static int apply(struct st_app *app)
{
	const struct st_qc_effects *fx = app->fx;
	const char *prompt = NULL;
	bool redraw = false;
	int rc;

	for (unsigned i = 0; i < fx->n; i++)
		if (fx->fx[i].kind == ST_QC_FX_PROMPT)
			prompt = fx->fx[i].text;
	for (unsigned i = 0; i < fx->n; i++) {
		const struct st_qc_fx *e = &fx->fx[i];

		switch (e->kind) {
		case ST_QC_FX_COMPLETED:
			rc = write_inspection(app, &fx->rec);
			if (rc < 0)
				return rc;
			break;
		case ST_QC_FX_FEEDBACK:
			if (e->level == ST_QC_ERROR)
				app_queue_error(app, e->code, e->text);
			else
				app_queue(app, "notice",
					  json_pack("{s:s, s:s, s:s}", "level",
						    e->level == ST_QC_OK ? "ok" : "info", "code", e->code,
						    "message", e->text));
			break;
		case ST_QC_FX_ANSWERED:
			/* What the answer was, said plainly: a failed text match
			 * names the ordered and the found text and where they
			 * first differ. */
			if (e->text[0] && e->check >= 0 && e->check < ST_CHECKLIST_CHECK_MAX) {
				const struct st_qc_record *rr =
					st_qc_busy(&app->qc) ? &app->qc.rec : &fx->rec;
				const struct st_qc_check_result *c = &rr->check[e->check];

				app_queue(app, "check",
					  json_pack("{s:s, s:s, s:s, s:s}", "check", c->id, "result",
						    st_qc_result_name(c->result), "code", e->code,
						    "message", e->text));
			}
			redraw = true;
			break;
		case ST_QC_FX_STARTED:
			redraw = true;
			break;
		case ST_QC_FX_CANCELLED:
			app_queue(app, "cancelled", json_pack("{s:s}", "serial", app->qc_item.serial));
			break;
		case ST_QC_FX_PROMPT:
			if (redraw && st_qc_busy(&app->qc))
				queue_checklist(app, prompt);
			app_queue(app, "prompt", json_pack("{s:s}", "message", e->text));
			break;
		}
	}
	return ST_OK;
}

static int step(struct st_app *app, struct st_qc_input *in)
{
	in->ts_ms = st_app_now(app);
	st_qc_step(&app->qc, in, &app->qc_ctx, app->fx);
	return apply(app);
}

/* ---- inputs -------------------------------------------------------------------- */

bool app_qc_login(struct st_app *app, int64_t operator_id)
{
	struct st_qc_input in = { .kind = ST_QC_IN_LOGIN, .operator_id = operator_id };

	if (st_qc_busy(&app->qc)) {
		app_queue_error(app, "busy",
				"an inspection is open: finish it or scan CMD-CANCEL before another badge");
		return false;
	}
	/* A new operator replaces the last one; the workflow keeps who. */
	if (app->qc.phase != ST_QC_LOGGED_OUT) {
		struct st_qc_input out = { .kind = ST_QC_IN_LOGOUT, .ts_ms = st_app_now(app) };

		st_qc_step(&app->qc, &out, &app->qc_ctx, app->fx);
	}
	in.ts_ms = st_app_now(app);
	st_qc_step(&app->qc, &in, &app->qc_ctx, app->fx);
	return app->fx->accepted;
}

bool app_qc_logout(struct st_app *app)
{
	struct st_qc_input in = { .kind = ST_QC_IN_LOGOUT };

	if (step(app, &in) < 0)
		return false;
	return app->fx->accepted;
}

bool app_qc_claims(const struct st_app *app, const struct st_bc *bc, bool valid_text)
{
	struct st_qc_input in;

	if (app->qc.phase == ST_QC_LOGGED_OUT)
		return false;
	if (bc->kind == ST_BC_COMMAND && bc->valid && strcmp(bc->id, "LOGOUT") != 0)
		return true;
	if (st_qc_input_from_scan(bc, &in) == 0 && in.kind == ST_QC_IN_DEFECT)
		return true;
	if (!st_qc_busy(&app->qc))
		return false;
	/* While inspecting, another item is refused by the workflow (finish
	 * or cancel first), and text that is no code is a value. */
	if (bc->kind == ST_BC_SERIAL || bc->kind == ST_BC_ORDER_LINE ||
	    (bc->kind == ST_BC_GS1 && st_bc_find_ai(bc, "21")))
		return true;
	return valid_text && st_qc_wants_value(&app->qc) && bc->kind == ST_BC_UNKNOWN;
}

static int item_input(struct st_app *app, const struct st_item *it)
{
	struct st_qc_input in = { .kind = ST_QC_IN_ITEM, .item = it };
	struct st_inspection_rec *last = app->irec;
	const struct st_line *line = NULL;
	int rc;

	app->qc_item = *it;
	if (it->order_number[0]) {
		rc = st_store_order_by_number(app->store, it->order_number, app->order);
		if (rc < 0 && rc != ST_ERR_NOTFOUND)
			return rc;
		if (rc == ST_OK) {
			in.order = app->order;
			for (unsigned i = 0; i < app->order->n_line; i++)
				if (app->order->line[i].line_no == it->line_no)
					line = &app->order->line[i];
		}
	}
	in.line = line;
	rc = st_store_inspection_last(app->store, it->id, last);
	if (rc == ST_OK) {
		in.hist.last_id = last->id;
		in.hist.last_rework = !strcmp(last->disposition, "rework");
		in.hist.rework_loops = (unsigned)last->rework_count + (in.hist.last_rework ? 1 : 0);
		/* The inspection before the latest ended in rework when the
		 * latest counted a loop (used only by corrections). */
		in.hist.prev_rework = last->rework_count > 0;
	} else if (rc != ST_ERR_NOTFOUND) {
		return rc;
	}
	in.hist.scrapped = !strcmp(it->status, "scrap");
	app->last_evidence_id = 0;
	return step(app, &in);
}

int app_qc_item(struct st_app *app, const struct st_item *it)
{
	if (app->qc.phase == ST_QC_LOGGED_OUT)
		return ST_OK;
	return item_input(app, it);
}

int app_qc_scan(struct st_app *app, const struct st_bc *bc, const uint8_t *raw, size_t n)
{
	struct st_qc_input in = { 0 };
	struct st_item it;
	const char *serial;
	char msg[200];
	int rc;

	if (st_qc_input_from_scan(bc, &in) == 0)
		return step(app, &in);
	serial = bc->kind == ST_BC_SERIAL ? bc->id : st_bc_find_ai(bc, "21");
	if (bc->kind == ST_BC_ORDER_LINE)
		serial = bc->id;
	if (serial && (bc->kind == ST_BC_SERIAL || bc->kind == ST_BC_GS1 ||
		       bc->kind == ST_BC_ORDER_LINE)) {
		rc = bc->kind == ST_BC_ORDER_LINE
			     ? st_store_item_by_order_line(app->store, bc->id, bc->line_no, &it)
			     : st_store_item_by_serial(app->store, serial, &it);
		if (rc == ST_ERR_NOTFOUND) {
			if (bc->kind == ST_BC_ORDER_LINE)
				snprintf(msg, sizeof(msg), "no item is assigned to %s line %d here",
					 bc->id, bc->line_no);
			else
				snprintf(msg, sizeof(msg), "no item with serial %s is known here",
					 serial);
			app_queue_error(app, "unknown_item", msg);
			return ST_OK;
		}
		if (rc < 0)
			return rc;
		return item_input(app, &it);
	}
	in.kind = ST_QC_IN_VALUE;
	in.text = (const char *)raw;
	in.text_len = n;
	return step(app, &in);
}

int app_qc_photo(struct st_app *app, int64_t evidence_id)
{
	struct st_qc_input in = { .kind = ST_QC_IN_PHOTO };
	char id[32];

	if (!st_qc_busy(&app->qc))
		return ST_OK;
	snprintf(id, sizeof(id), "ev:%lld", (long long)evidence_id);
	in.evidence = id;
	return step(app, &in);
}
