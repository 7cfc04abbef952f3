/* The station's sync state (station/store/store_sync.c) on a real SQLite
 * file: pending events in order, a batch acknowledged all or nothing, a
 * pulled page applied together with its cursor (the checkpoint never runs
 * ahead of the data), items wrong by themselves set aside, and what the
 * store sends about orders (SHP-03, CUS-01, CUS-02) on the order row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "st/err.h"
#include "st/import.h"
#include "st/store.h"
#include "st/store_sync.h"
#include "common/testutil.h"

struct fix {
	char dir[256];
	char path[300];
	struct st_store *s;
	int64_t ids[8];
	char uuids[8][37];
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct st_store_opts o = { .create = true };
	char err[300];

	assert_non_null(f);
	assert_int_equal(qc_tmpdir_make(f->dir, sizeof(f->dir), "sync-store"), 0);
	snprintf(f->path, sizeof(f->path), "%s/station.db", f->dir);
	assert_int_equal(st_store_open(f->path, &o, &f->s, err, sizeof(err)), 0);
	for (int i = 0; i < 8; i++) {
		char entity[32];
		struct st_outbox_rec r = { .type = "scan", .entity = entity, .payload = "{\"n\":1}",
					   .ts_ms = 1000 + i };

		snprintf(entity, sizeof(entity), "scan:%d", i);
		assert_int_equal(st_store_outbox_add(f->s, &r, &f->ids[i], f->uuids[i]), 0);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	st_store_close(f->s);
	qc_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

struct seen {
	int64_t id[16];
	char uuid[16][37];
	int n;
};

static int collect(const struct st_sync_event *e, void *ud)
{
	struct seen *s = ud;

	s->id[s->n] = e->id;
	snprintf(s->uuid[s->n], sizeof(s->uuid[0]), "%s", e->uuid);
	assert_string_equal(e->payload, "{\"n\":1}");
	assert_int_equal(e->payload_len, 7);
	s->n++;
	return 0;
}

static void pending__in_id_order_with_a_limit(void **state)
{
	struct fix *f = *state;
	struct seen s = { 0 };

	assert_int_equal(st_store_sync_pending(f->s, 0, 3, collect, &s), 3);
	assert_int_equal(s.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(s.id[i], f->ids[i]);
		assert_string_equal(s.uuid[i], f->uuids[i]);
	}
	s.n = 0;
	assert_int_equal(st_store_sync_pending(f->s, f->ids[5], 100, collect, &s), 2);
	assert_int_equal(s.id[0], f->ids[6]);
}

static void ack__sets_sent_once_and_keeps_dead_letters(void **state)
{
	struct fix *f = *state;
	struct st_sync_ack a[3] = {
		{ f->ids[0], ST_SYNC_APPLIED, 11, NULL },
		{ f->ids[1], ST_SYNC_DUPLICATE, 7, NULL },
		{ f->ids[2], ST_SYNC_REJECTED, 0, "payload is not an object" },
	};
	struct st_sync_status st;
	struct seen s = { 0 };
	int64_t pending = 0, total = 0;

	assert_int_equal(st_store_sync_ack(f->s, a, 3, 5000), 0);
	assert_int_equal(st_store_outbox_count(f->s, &pending, &total), 0);
	assert_int_equal(pending, 5);
	assert_int_equal(st_store_sync_pending(f->s, 0, 100, collect, &s), 5);
	assert_int_equal(s.id[0], f->ids[3]);
	/* Acknowledging again (a resend answered "duplicate") changes nothing
	 * and is no error: the outbox trigger is never asked twice. */
	assert_int_equal(st_store_sync_ack(f->s, a, 3, 6000), 0);
	assert_int_equal(st_store_sync_status(f->s, &st), 0);
	assert_int_equal(st.pending, 5);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.rejected, 1);
}

static int one_dead(const struct st_sync_dead *d, void *ud)
{
	int *n = ud;

	assert_string_equal(d->reason, "payload is not an object");
	assert_string_equal(d->type, "scan");
	assert_string_equal(d->entity, "scan:2");
	(*n)++;
	return 0;
}

static void ack__dead_letters_listed_with_reasons(void **state)
{
	struct fix *f = *state;
	struct st_sync_ack a = { f->ids[2], ST_SYNC_REJECTED, 0, "payload is not an object" };
	int n = 0;

	assert_int_equal(st_store_sync_ack(f->s, &a, 1, 5000), 0);
	assert_int_equal(st_store_sync_dead_each(f->s, one_dead, &n), 0);
	assert_int_equal(n, 1);
}

static void ack__all_or_nothing(void **state)
{
	struct fix *f = *state;
	struct st_sync_ack a[2] = {
		{ f->ids[0], ST_SYNC_APPLIED, 1, NULL },
		{ 99999, ST_SYNC_APPLIED, 2, NULL }, /* no such event */
	};
	struct st_sync_ack bad = { f->ids[0], ST_SYNC_REJECTED, 0, NULL };
	int64_t pending = 0, total = 0;

	assert_int_equal(st_store_sync_ack(f->s, a, 2, 5000), ST_ERR_NOTFOUND);
	assert_int_equal(st_store_outbox_count(f->s, &pending, &total), 0);
	assert_int_equal(pending, 8); /* the first one was not acknowledged either */
	assert_int_equal(st_store_sync_ack(f->s, &bad, 1, 5000), ST_ERR_ARG);
}

/* ---- pages ----------------------------------------------------------------------- */

static int import_fn(struct st_store *s, const struct st_sync_item *it, char *err, size_t errlen,
		     void *ud)
{
	char doc[1024];
	int n;

	(void)ud;
	n = snprintf(doc, sizeof(doc), "{\"format\":\"qcstation-import\",\"version\":1,\"%ss\":[%.*s]}",
		     it->kind, (int)it->data_len, it->data);
	return st_import_json_in_tx(s, doc, (size_t)n, it->key, NULL, err, errlen);
}

static int failing_import(struct st_store *s, const struct st_sync_item *it, char *err,
			  size_t errlen, void *ud)
{
	int *calls = ud;

	(void)s;
	(void)err;
	(void)errlen;
	if (++*calls == 2)
		return ST_ERR_FULL; /* the disk, not the item */
	return import_fn(s, it, err, errlen, NULL);
}

#define ITEM(k, key, seq, data) { k, key, seq, data, sizeof(data) - 1 }

static const struct st_sync_item page1[] = {
	ITEM("product", "RING-1", 1, "{\"sku\":\"RING-1\",\"name\":\"Ring\",\"category\":\"ring\"}"),
	ITEM("order", "ORD-1001", 2,
	     "{\"number\":\"ORD-1001\",\"custom\":true,\"lines\":[{\"line_no\":1,\"sku\":\"RING-1\"}]}"),
	ITEM("order", "ORD-1002", 3, "{\"number\":\"ORD-1002\",\"lines\":[{\"line_no\":1,"
				     "\"sku\":\"NOPE\"}]}"),
	ITEM("cancellation", "ORD-1001", 4, "{\"order\":\"ORD-1001\",\"ts\":\"2026-11-26T10:00:00Z\"}"),
	ITEM("payment", "ORD-1001", 5, "{\"order\":\"ORD-1001\",\"deposit_paid\":true,"
				       "\"balance_paid\":true}"),
	ITEM("confirmation", "ORD-1001", 6, "{\"order\":\"ORD-1001\",\"confirmed\":true,"
					    "\"ts\":\"2026-11-26T10:00:00Z\"}"),
	ITEM("payment", "ORD-9999", 7, "{\"order\":\"ORD-9999\",\"deposit_paid\":true}"),
	ITEM("service_request", "T-1", 8, "{\"ticket\":\"T-1\",\"serial\":\"SN1\"}"),
	ITEM("hologram", "H-1", 9, "{\"future\":\"kind\"}"),
	ITEM("confirmation", "ORD-1001", 10, "{\"order\":\"ORD-1001\",\"confirmed\":\"maybe\"}"),
};

static void page__applied_with_its_cursor(void **state)
{
	struct fix *f = *state;
	struct st_sync_page_stats ps = { 0 };
	struct st_order *o = malloc(sizeof(*o));
	char cur[129], *data = NULL;
	struct st_sync_status st;

	assert_non_null(o);
	assert_int_equal(st_store_sync_cursor_get(f->s, ST_SYNC_FEED, cur, sizeof(cur)), 0);
	assert_string_equal(cur, "");
	assert_int_equal(st_store_sync_apply_page(f->s, ST_SYNC_FEED, page1,
						  sizeof(page1) / sizeof(page1[0]), "czoxMA", 42,
						  import_fn, NULL, &ps),
			 0);
	assert_int_equal(ps.imported, 2);
	assert_int_equal(ps.applied, 4);  /* cancellation, payment, confirmation, payment */
	assert_int_equal(ps.stored, 2);   /* service_request, an unknown kind */
	assert_int_equal(ps.failed, 2);   /* unknown sku; "maybe" is no boolean */
	assert_int_equal(st_store_sync_cursor_get(f->s, ST_SYNC_FEED, cur, sizeof(cur)), 0);
	assert_string_equal(cur, "czoxMA");

	assert_int_equal(st_store_order_by_number(f->s, "ORD-1001", o), 0);
	assert_true(o->cancelled);          /* SHP-03 */
	assert_true(o->deposit_paid);       /* CUS-01 */
	assert_true(o->balance_paid);
	assert_true(o->customer_confirmed); /* CUS-02: "maybe" did not undo it */
	assert_int_equal(st_store_order_by_number(f->s, "ORD-1002", o), ST_ERR_NOTFOUND);
	/* A payment for an order not here yet is kept for later. */
	assert_int_equal(st_store_sync_inbox_get(f->s, "payment", "ORD-9999", &data), 0);
	free(data);
	assert_int_equal(st_store_sync_inbox_get(f->s, "hologram", "H-1", &data), 0);
	assert_string_equal(data, "{\"future\":\"kind\"}");
	free(data);
	assert_int_equal(st_store_sync_status(f->s, &st), 0);
	assert_int_equal(st.pull_failed, 2); /* ORD-1002, the "maybe" confirmation */
	free(o);
}

static void page__a_store_failure_keeps_page_and_cursor_out(void **state)
{
	struct fix *f = *state;
	struct st_order *o = malloc(sizeof(*o));
	char cur[129];
	int calls = 0;

	assert_non_null(o);
	assert_int_equal(st_store_sync_apply_page(f->s, ST_SYNC_FEED, page1, 2, "czoxMA", 42,
						  failing_import, &calls, NULL),
			 ST_ERR_FULL);
	assert_int_equal(calls, 2);
	/* Nothing of the page, and no checkpoint (PouchDB #1240). */
	assert_int_equal(st_store_sync_cursor_get(f->s, ST_SYNC_FEED, cur, sizeof(cur)), 0);
	assert_string_equal(cur, "");
	assert_int_equal(st_store_product_by_sku(f->s, "RING-1", &o->line[0].product),
			 ST_ERR_NOTFOUND);
	/* The same page again, with the disk back: all of it. */
	assert_int_equal(st_store_sync_apply_page(f->s, ST_SYNC_FEED, page1, 2, "czoxMA", 43,
						  import_fn, NULL, NULL),
			 0);
	assert_int_equal(st_store_order_by_number(f->s, "ORD-1001", o), 0);
	assert_int_equal(st_store_sync_cursor_get(f->s, ST_SYNC_FEED, cur, sizeof(cur)), 0);
	assert_string_equal(cur, "czoxMA");
	free(o);
}

static void page__refuses_a_bad_cursor_and_an_open_transaction(void **state)
{
	struct fix *f = *state;

	assert_int_equal(st_store_sync_apply_page(f->s, ST_SYNC_FEED, page1, 1, "", 1, import_fn,
						  NULL, NULL),
			 ST_ERR_ARG);
	assert_int_equal(st_store_begin(f->s), 0);
	assert_int_equal(st_store_sync_apply_page(f->s, ST_SYNC_FEED, page1, 1, "c", 1, import_fn,
						  NULL, NULL),
			 ST_ERR_BUG);
	st_store_rollback(f->s);
}

static void status__last_run(void **state)
{
	struct fix *f = *state;
	struct st_sync_status st;

	assert_int_equal(st_store_sync_status(f->s, &st), 0);
	assert_int_equal(st.last_attempt_ms, 0);
	assert_int_equal(st_store_sync_note_run(f->s, 1000, NULL), 0);
	assert_int_equal(st_store_sync_note_run(f->s, 2000, "cannot reach the central store"), 0);
	assert_int_equal(st_store_sync_status(f->s, &st), 0);
	assert_int_equal(st.last_attempt_ms, 2000);
	assert_int_equal(st.last_success_ms, 1000);
	assert_string_equal(st.last_error, "cannot reach the central store");
	assert_int_equal(st.pending, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pending__in_id_order_with_a_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(ack__sets_sent_once_and_keeps_dead_letters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(ack__dead_letters_listed_with_reasons, setup,
						teardown),
		cmocka_unit_test_setup_teardown(ack__all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(page__applied_with_its_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(page__a_store_failure_keeps_page_and_cursor_out,
						setup, teardown),
		cmocka_unit_test_setup_teardown(page__refuses_a_bad_cursor_and_an_open_transaction,
						setup, teardown),
		cmocka_unit_test_setup_teardown(status__last_run, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
