/* station: routing a classified scan to what it asks for.
 *
 * A pure function (no I/O, no store): given a classified scan and whether an
 * operator is logged in, decide the action.  The shell (st/app.h) performs
 * it: reads the store, writes the session, prints the result.  Later
 * workflows (QC, returns, packing) take over scans while a task is open.
 */
#ifndef QC_STATION_ROUTE_H
#define QC_STATION_ROUTE_H

#include <stdbool.h>

#include "st/barcode.h"

enum st_action {
	ST_ACT_REJECT = 0,   /* refuse the scan: code + message */
	ST_ACT_LOGIN,        /* key = badge */
	ST_ACT_LOGOUT,
	ST_ACT_SHOW_ORDER,   /* key = order number */
	ST_ACT_SHOW_ITEM,    /* key = serial; gtin set when scanned as (01)+(21) */
	ST_ACT_SHOW_PRODUCT, /* key = GTIN-14 */
	ST_ACT_NOTICE,       /* accepted and stored, but nothing here acts on it */
	ST_ACT_SHOW_LINE,    /* key = order number, line_no: the item on that line */
};

struct st_route {
	enum st_action act;
	const char *key;     /* borrowed from the st_bc, or NULL */
	const char *gtin;    /* borrowed, or NULL */
	int line_no;         /* SHOW_LINE */
	const char *code;    /* error / notice code for REJECT and NOTICE */
	char msg[200];       /* human-readable, for REJECT and NOTICE */
};

/* Decide what bc asks for.  bc must outlive out. */
void st_route_scan(const struct st_bc *bc, bool logged_in, struct st_route *out);

#endif
