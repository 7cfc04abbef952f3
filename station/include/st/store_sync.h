/* station: the sync state in the store (qcstation sync, docs/sync.md).
 *
 * The outbox is drained in id order; a batch's results are acknowledged in
 * one transaction (the event leaves outbox_unsent, its result is kept,
 * rejected events are the dead-letter list).  A pulled page is applied, and its
 * next_cursor stored, in one transaction: the pull checkpoint advances
 * only with the page it belongs to (never before it is durable).
 *
 * Threading: as <st/store.h>; the sync runs on its own struct st_store.
 * Errors: 0 or a negative ST_ERR_*, st_store_errmsg() the detail.
 */
#ifndef QC_STATION_STORE_SYNC_H
#define QC_STATION_STORE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_store;

#define ST_SYNC_FEED "feed"  /* the one feed of protocol version 1 */

/* Make s a connection that only syncs: its commits (acknowledgements,
 * pulled pages) use synchronous=NORMAL instead of FULL, one fsync less per
 * batch.  Safe for what sync writes and only for that: a commit lost in a
 * power cut is one the next run redoes (the server answers "duplicate",
 * the page is pulled again); WAL keeps the file consistent either way.
 * Never call it on the connection of the station's workflows. */
int st_store_sync_connection(struct st_store *s);

/* A pending outbox event; the strings live during the callback only. */
struct st_sync_event {
	int64_t id;             /* the outbox id: the protocol's seq */
	const char *uuid;       /* 36 chars, the idempotency key */
	const char *type;
	const char *entity;
	const char *payload;    /* JSON text */
	size_t payload_len;
	int64_t created_ms;
};

/* Call fn for up to limit pending events (not acknowledged) with id >
 * after_id, in id order.  A non-zero return from fn stops the walk and is
 * returned; else the number of events seen (>= 0).  One read snapshot. */
typedef int st_sync_event_fn(const struct st_sync_event *ev, void *ud);
int st_store_sync_pending(struct st_store *s, int64_t after_id, unsigned limit,
			  st_sync_event_fn *fn, void *ud);

enum st_sync_result {
	ST_SYNC_APPLIED = 1,    /* the server stored it now */
	ST_SYNC_DUPLICATE = 2,  /* the server had it already (a resend) */
	ST_SYNC_REJECTED = 3,   /* never to be sent again: the dead-letter list */
};

/* What the server answered for one event. */
struct st_sync_ack {
	int64_t outbox_id;
	enum st_sync_result result;
	int64_t server_seq;     /* applied, duplicate: >= 1; rejected: 0 */
	const char *reason;     /* rejected: why (required); else NULL */
};

/* Acknowledge acks[0..n) in one transaction: each event stops being
 * pending and its result is kept with ts_ms (an event acknowledged before
 * keeps its first result: a resend the server answered "duplicate").  All
 * or nothing.
 * ST_ERR_ARG for a rejected ack without a reason or an unknown result;
 * ST_ERR_NOTFOUND when an outbox_id does not exist. */
int st_store_sync_ack(struct st_store *s, const struct st_sync_ack *acks, size_t n,
		      int64_t ts_ms);

/* The stored cursor of feed into buf[cap] ("" when none: pull from the
 * start).  ST_ERR_RANGE when it does not fit. */
int st_store_sync_cursor_get(struct st_store *s, const char *feed, char *buf, size_t cap);

/* One pulled item (docs/sync-protocol.md, "GET /v1/feed"). */
struct st_sync_item {
	const char *kind;       /* "order", "cancellation", ... */
	const char *key;        /* order number, SKU, badge, serial, RMA, ticket ... */
	int64_t seq;            /* the server's order */
	const char *data;       /* compact JSON object */
	size_t data_len;
};

/* How an item of an importable kind (order, product, operator, item) gets
 * into the station's tables: called inside the page's transaction (and a
 * savepoint of the item's own).  Return 0; ST_ERR_PARSE or
 * ST_ERR_CONSTRAINT when the item itself is wrong (err[errlen] says why:
 * the item is recorded as failed, the rest of the page goes on); another
 * error fails the whole page. */
typedef int st_sync_import_fn(struct st_store *s, const struct st_sync_item *it, char *err,
			      size_t errlen, void *ud);

struct st_sync_page_stats {
	unsigned imported;      /* order, product, operator, item: into their tables */
	unsigned applied;       /* cancellation, payment, confirmation on an order row */
	unsigned stored;        /* kept as received for the workflows to come */
	unsigned failed;        /* wrong by themselves: see st_store_sync_inbox_failed() */
};

/* Apply items[0..n) of a page and store next_cursor for feed, in one
 * transaction.  Importable kinds go through import (may be NULL: they are
 * then stored as received).  cancellation, payment and confirmation are
 * kept and also set the order row's cancelled / deposit_paid, balance_paid
 * / customer_confirmed when that order exists (SHP-03, CUS-01, CUS-02);
 * every other kind is kept as received (latest per kind and key).  Nothing
 * is stored, and the cursor does not move, unless all of it commits.
 * OUT: *stats (may be NULL), on success. */
int st_store_sync_apply_page(struct st_store *s, const char *feed, const struct st_sync_item *items,
			     size_t n, const char *next_cursor, int64_t ts_ms,
			     st_sync_import_fn *import, void *ud, struct st_sync_page_stats *stats);

/* Record a run's outcome: its time, and either success (error NULL: the
 * last success becomes ts_ms) or the error. */
int st_store_sync_note_run(struct st_store *s, int64_t ts_ms, const char *error);

struct st_sync_status {
	int64_t pending;          /* outbox events not yet acknowledged */
	int64_t sent;             /* acknowledged (applied or duplicate) */
	int64_t rejected;         /* on the dead-letter list */
	int64_t pull_failed;      /* feed items that could not be applied */
	int64_t last_attempt_ms;  /* 0 = never */
	int64_t last_success_ms;  /* 0 = never */
	char last_error[256];     /* of the last run, "" when it succeeded */
	char cursor[129];         /* the feed cursor, "" = none yet */
};
int st_store_sync_status(struct st_store *s, struct st_sync_status *out);

/* An event on the dead-letter list; strings live during the callback only. */
struct st_sync_dead {
	int64_t outbox_id;
	const char *uuid, *type, *entity, *reason;
	int64_t ts_ms;            /* when the server rejected it */
};
/* Call fn for each dead letter in outbox order (stops and returns fn's
 * non-zero value). */
typedef int st_sync_dead_fn(const struct st_sync_dead *d, void *ud);
int st_store_sync_dead_each(struct st_store *s, st_sync_dead_fn *fn, void *ud);

/* A feed item that could not be applied. */
struct st_sync_failed {
	const char *kind, *key, *error;
	int64_t seq, received_ms;
};
typedef int st_sync_failed_fn(const struct st_sync_failed *f, void *ud);
int st_store_sync_inbox_failed(struct st_store *s, st_sync_failed_fn *fn, void *ud);

/* The data of a kept feed item into *out (malloc'd, NUL-terminated; free()
 * it).  ST_ERR_NOTFOUND when none. */
int st_store_sync_inbox_get(struct st_store *s, const char *kind, const char *key, char **out);

#endif
