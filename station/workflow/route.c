/* station/workflow: st_route_scan(), the router of the station's idle state.
 *
 * Pure: the same scan and login state always give the same action, so the
 * table of cases is tested exhaustively in tests/station/test_route.c.
 */
#include <stdio.h>
#include <string.h>

#include "st/route.h"

static void reject(struct st_route *r, enum st_action act, const char *code, const char *msg)
{
	r->act = act;
	r->code = code;
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
}

void st_route_scan(const struct st_bc *bc, bool logged_in, struct st_route *r)
{
	const char *serial;

	memset(r, 0, sizeof(*r));
	if (!bc->valid) {
		r->act = ST_ACT_REJECT;
		r->code = "bad_barcode";
		snprintf(r->msg, sizeof(r->msg), "%s",
			 bc->err.n ? bc->err.msg[0] : "the code is not valid");
		return;
	}
	if (bc->kind == ST_BC_BADGE) {
		r->act = ST_ACT_LOGIN;
		r->key = bc->id;
		return;
	}
	/* QC-05: every record names its operator, so nothing but a badge is
	 * taken before someone has logged in. */
	if (!logged_in) {
		reject(r, ST_ACT_REJECT, "login_required", "scan your operator badge first");
		return;
	}
	switch (bc->kind) {
	case ST_BC_COMMAND:
		if (!strcmp(bc->id, "LOGOUT")) {
			r->act = ST_ACT_LOGOUT;
			return;
		}
		r->act = ST_ACT_REJECT;
		r->code = "no_task";
		snprintf(r->msg, sizeof(r->msg), "command %s needs a task in progress; none is open",
			 bc->id);
		return;
	case ST_BC_ORDER:
		r->act = ST_ACT_SHOW_ORDER;
		r->key = bc->id;
		return;
	case ST_BC_SERIAL:
		r->act = ST_ACT_SHOW_ITEM;
		r->key = bc->id;
		return;
	case ST_BC_ORDER_LINE:
		r->act = ST_ACT_SHOW_LINE;
		r->key = bc->id;
		r->line_no = bc->line_no;
		return;
	case ST_BC_GS1:
		serial = st_bc_find_ai(bc, "21");
		if (serial && bc->gtin[0]) {
			r->act = ST_ACT_SHOW_ITEM;
			r->key = serial;
			r->gtin = bc->gtin;
			return;
		}
		if (bc->gtin[0]) {
			r->act = ST_ACT_SHOW_PRODUCT;
			r->key = bc->gtin;
			return;
		}
		reject(r, ST_ACT_NOTICE, "no_workflow",
		       "GS1 data without a GTIN (01) is stored but nothing here acts on it");
		return;
	case ST_BC_GTIN:
		r->act = ST_ACT_SHOW_PRODUCT;
		r->key = bc->gtin;
		return;
	case ST_BC_RMA:
		reject(r, ST_ACT_NOTICE, "no_workflow",
		       "RMA numbers belong to the returns workflow, which is not enabled at this station");
		return;
	case ST_BC_BIN:
		reject(r, ST_ACT_NOTICE, "no_workflow",
		       "bin labels belong to the putaway workflow, which is not enabled at this station");
		return;
	case ST_BC_TRACKING:
		reject(r, ST_ACT_NOTICE, "no_workflow",
		       "tracking numbers belong to returns and shipping, which are not enabled at this station");
		return;
	case ST_BC_DEFECT:
		/* Defect codes answer a failed check of an open inspection;
		 * the QC workflow takes them when one is open. */
		reject(r, ST_ACT_REJECT, "no_task", "a defect code needs a failed check of an open inspection");
		return;
	case ST_BC_BADGE:
	case ST_BC_UNKNOWN:
	case ST_BC__COUNT:
		break;
	}
	reject(r, ST_ACT_REJECT, "bad_barcode", "not a code this station knows");
}
