/* sync: the protocol documents of docs/sync-protocol.md, encoded and decoded
 * by one module for both sides (the station's client and qcstation-central),
 * so the two cannot drift apart.
 *
 * Pure: no I/O, no clock, no globals; every function is safe to call from any
 * thread on its own arguments.  Decoders take (buf, len), never assume a NUL,
 * bound every size, and explain a refusal in a struct sy_proto_err naming the
 * field and, for per-event problems, the index ("events[3].uuid: ...").
 *
 * Encoders return a malloc'd, NUL-terminated JSON text in *out (length in
 * *len, without the NUL); free it with free().  On error *out is untouched.
 */
#ifndef QC_SYNC_PROTO_H
#define QC_SYNC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits (docs/sync-protocol.md, "Limits"). */
#define SY_PROTO_MAX_EVENTS 1000             /* events per push batch */
#define SY_PROTO_MAX_PAYLOAD (64 * 1024)     /* bytes of one payload, as sent */
#define SY_PROTO_MAX_BODY (8 * 1024 * 1024)  /* bytes of a request body, decompressed */
#define SY_PROTO_MAX_FEED_LIMIT 1000         /* items per feed page */
#define SY_PROTO_DEFAULT_FEED_LIMIT 500
#define SY_PROTO_MAX_RESPONSE (64 * 1024 * 1024) /* a response body the client accepts */
#define SY_PROTO_UUID_LEN 36                 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
#define SY_PROTO_MAX_STATION 63              /* bytes of a station name */
#define SY_PROTO_MAX_TYPE 63                 /* bytes of an event type */
#define SY_PROTO_MAX_ENTITY 255              /* bytes of an event entity */
#define SY_PROTO_MAX_KIND 31                 /* bytes of a feed kind */
#define SY_PROTO_MAX_KEY 255                 /* bytes of a feed key */
#define SY_PROTO_MAX_CURSOR 128              /* bytes of a cursor */
#define SY_PROTO_MAX_REASON 159              /* bytes of a rejection reason */

/* Why a document was refused.  http_status is what a server answers for it
 * (400 malformed, 413 too large); index is the event or item at fault, or -1
 * when the whole document is.  detail is NUL-terminated English naming the
 * field, e.g. "events[3].uuid: not a lowercase RFC 9562 UUID". */
struct sy_proto_err {
	int http_status;
	long index;
	char detail[256];
};

/* ---- Push: POST /v1/events ------------------------------------------------ */

/* One outbox event.  In a decoded batch the strings point into the batch and
 * live until sy_proto_batch_fini(); for encoding they are borrowed. */
struct sy_proto_event {
	char uuid[SY_PROTO_UUID_LEN + 1];  /* lowercase; "" when the sender's was unusable */
	int64_t seq;                       /* the station's outbox id, >= 1 */
	int64_t ts_ms;                     /* the station's clock, Unix ms, >= 0 (data only) */
	const char *type;                  /* 1..63 bytes of [a-z0-9_.-] */
	const char *entity;                /* 0..255 bytes, any UTF-8 */
	const char *payload;               /* JSON text of an object (decoded: the bytes sent) */
	size_t payload_len;                /* <= SY_PROTO_MAX_PAYLOAD */
	/* Decoding only: "" when the event is fine, else why it is rejected
	 * ("events[3].payload: larger than 65536 bytes").  A rejected event's
	 * other fields may be empty or zero. */
	char reject[SY_PROTO_MAX_REASON + 1];
};

/* A decoded push batch.  Zero it (or use SY_PROTO_BATCH_INIT) before
 * sy_proto_batch_decode(); release with sy_proto_batch_fini(). */
struct sy_proto_batch {
	const char *station;           /* 1..63 bytes */
	struct sy_proto_event *ev;     /* n events, in the request's order */
	size_t n;
	void *priv;                    /* the memory the strings live in */
};
#define SY_PROTO_BATCH_INIT { NULL, NULL, 0, NULL }

/* Encode a push batch of n (1..SY_PROTO_MAX_EVENTS) events for station.  Each
 * event's uuid, type, entity and payload are checked as the server would
 * (payload must be a JSON object of at most SY_PROTO_MAX_PAYLOAD bytes; it
 * is copied as it is, so give it compact: the server stores these bytes).  A bad event is SY_ERR_ARG with
 * err->index naming it: move it aside and encode the rest.  SY_ERR_NOMEM. */
int sy_proto_batch_encode(const char *station, const struct sy_proto_event *ev, size_t n,
			  char **out, size_t *len, struct sy_proto_err *err);

/* Decode a push request body (the server side).  A body that is not a JSON
 * object with "station" and an "events" array of 1..1000 entries is refused
 * as a whole: SY_ERR_PROTO with err->http_status 400, or 413 for too many
 * events or a body over SY_PROTO_MAX_BODY.  An entry that is wrong by itself
 * (bad uuid, seq, type, entity, ts_ms or payload, payload too large) is NOT
 * an error: it is decoded with ev[i].reject set, so the server answers
 * "rejected" for it and applies the rest.  Unknown keys are ignored (newer
 * clients); a duplicate key in the document or an event is a 400.  Each
 * payload is kept as the exact bytes sent (validated: strict RFC 8259,
 * UTF-8, no NUL, nesting <= 128).  On success *b owns its memory; on
 * failure *b is left empty. */
int sy_proto_batch_decode(const char *buf, size_t len, struct sy_proto_batch *b,
			  struct sy_proto_err *err);
void sy_proto_batch_fini(struct sy_proto_batch *b);

/* ---- Push results ---------------------------------------------------------- */

enum sy_proto_status {
	SY_PROTO_APPLIED = 1,   /* stored now */
	SY_PROTO_DUPLICATE = 2, /* this station sent this uuid before */
	SY_PROTO_REJECTED = 3,  /* wrong by itself; retrying never helps */
};

struct sy_proto_result {
	char uuid[SY_PROTO_UUID_LEN + 1];  /* "" for a rejected event without a usable uuid */
	enum sy_proto_status status;
	int64_t server_seq;                /* applied, duplicate: >= 1; rejected: 0 */
	char reason[SY_PROTO_MAX_REASON + 1]; /* rejected: why; else "" */
};

/* "applied", "duplicate", "rejected"; NULL for anything else. */
const char *sy_proto_status_name(enum sy_proto_status s);

/* Encode the answer to a push: {"results":[...]} (n may be 0). */
int sy_proto_results_encode(const struct sy_proto_result *r, size_t n, char **out, size_t *len);

/* Decode the answer to a push (the client side).  *out is a malloc'd array of
 * *n results (free() it); on failure SY_ERR_PROTO (err says where) and *out
 * untouched.  Checks each result's shape (status known, server_seq >= 1 for
 * applied/duplicate, uuid lowercase); at most SY_PROTO_MAX_EVENTS results. */
int sy_proto_results_decode(const char *buf, size_t len, struct sy_proto_result **out, size_t *n,
			    struct sy_proto_err *err);

/* Check that the results answer exactly the events sent: the same count, and
 * result i names event i's uuid (a rejected result may have ""). SY_OK, or
 * SY_ERR_PROTO with err->index at the first mismatch. */
int sy_proto_results_match(const struct sy_proto_result *r, size_t nr,
			   const struct sy_proto_event *ev, size_t ne, struct sy_proto_err *err);

/* ---- Pull: GET /v1/feed ----------------------------------------------------- */

/* One item the store sends (docs/sync-protocol.md, table of kinds). */
struct sy_proto_feed_item {
	const char *kind;   /* 1..31 bytes of [a-z_] ("order", "rma", ...) */
	const char *key;    /* 1..255 bytes */
	int64_t seq;        /* the server's order, >= 1, increasing in a page */
	const char *data;   /* compact JSON text (an object) */
	size_t data_len;
};

struct sy_proto_feed {
	struct sy_proto_feed_item *items;
	size_t n;
	const char *next_cursor;  /* store it with the page; never NULL after decode */
	bool more;                /* another page follows */
	void *priv;
};
#define SY_PROTO_FEED_INIT { NULL, 0, NULL, false, NULL }

/* Encode a feed page.  Each item's data is copied as it is (the server's
 * own, validated at import): it must be compact JSON.  next_cursor must be a
 * valid cursor (sy_proto_cursor_valid()). */
int sy_proto_feed_encode(const struct sy_proto_feed_item *items, size_t n, const char *next_cursor,
			 bool more, char **out, size_t *len);

/* Decode a feed page (the client side).  Strict: every item needs kind, key,
 * seq (increasing) and an object data; at most SY_PROTO_MAX_FEED_LIMIT items;
 * next_cursor valid; "more" a boolean.  A kind the client does not know is
 * not an error (it is kept as it came).  SY_ERR_PROTO with err, SY_ERR_NOMEM. */
int sy_proto_feed_decode(const char *buf, size_t len, struct sy_proto_feed *f,
			 struct sy_proto_err *err);
void sy_proto_feed_fini(struct sy_proto_feed *f);

/* A cursor is 1..128 bytes of [A-Za-z0-9_-] (base64url without padding). */
bool sy_proto_cursor_valid(const char *s, size_t len);

/* ---- Errors and health ------------------------------------------------------ */

/* The body of every error answer: {"error": code, "detail": detail}. */
struct sy_proto_error {
	char error[32];      /* "malformed", "unauthorized", "forbidden", "too_large",
			      * "rate_limited", "unavailable", "not_found", ... */
	char detail[256];
};

int sy_proto_error_encode(const char *code, const char *detail, char **out, size_t *len);
/* SY_ERR_PROTO when buf is not such a body (the client then reports the HTTP
 * status alone).  Over-long strings are cut at a UTF-8 boundary. */
int sy_proto_error_decode(const char *buf, size_t len, struct sy_proto_error *e,
			  struct sy_proto_err *err);

/* GET /v1/health: {"status","version","db"}. */
struct sy_proto_health {
	char status[16];   /* "ok" or "degraded" */
	char version[32];
	char db[16];       /* "sqlite" or "postgresql" */
};
int sy_proto_health_encode(const struct sy_proto_health *h, char **out, size_t *len);
int sy_proto_health_decode(const char *buf, size_t len, struct sy_proto_health *h,
			   struct sy_proto_err *err);

/* ---- Small checks both sides use ------------------------------------------- */

/* A lowercase RFC 9562 UUID: 8-4-4-4-12 lowercase hex, version 1..8, variant
 * 10xx.  len must be exactly 36. */
bool sy_proto_uuid_valid(const char *s, size_t len);

#endif
