/* station: the store, the station's SQLite database.
 *
 * The only SQL of the station lives behind this header (station/store/).
 * Callers use intent-level functions with plain structs; no sqlite3 type
 * leaks out.  At open: WAL, foreign_keys=ON, a busy timeout, numbered
 * migrations up to ST_STORE_SCHEMA_VERSION (one transaction each, tracked by
 * PRAGMA user_version); then every statement is prepared once.
 *
 * Transactions: a workflow step is st_store_begin() ... st_store_commit()
 * around the raw scan, the business change and its outbox event, so a crash
 * leaves all of a step or none of it.  Commits run with synchronous=FULL: a
 * scan acknowledged is a scan on disk.
 *
 * Threading: one thread per struct st_store; open another for another thread
 * or process (the sync client does).
 *
 * Errors: functions return 0 or a negative ST_ERR_* code; st_store_errmsg()
 * then holds SQLite's detail for the last failure (never data values).
 */
#ifndef QC_STATION_STORE_H
#define QC_STATION_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_STORE_SCHEMA_VERSION 5 /* highest migration this build knows */

struct st_store; /* opaque */

struct st_store_opts {
	bool create;           /* create the file when missing (else ST_ERR_NOTFOUND) */
	bool readonly;         /* open read-only; no migration is run */
	int busy_timeout_ms;   /* 0 = 5000 */
};

/* Open (and migrate) the database at path.  On success *out owns the store;
 * release it with st_store_close().  On failure *out is untouched and, when
 * err is not NULL, err[errlen] holds a message naming the file and the
 * problem (e.g. "data/station.db: made by a newer qcstation (schema 7, this
 * build knows 1); nothing was changed").  Errors: ST_ERR_NOTFOUND,
 * ST_ERR_READONLY, ST_ERR_CORRUPT, ST_ERR_BUSY, ST_ERR_SCHEMA_NEWER,
 * ST_ERR_FULL, ST_ERR_DB, ST_ERR_NOMEM. */
int st_store_open(const char *path, const struct st_store_opts *opts, struct st_store **out,
		  char *err, size_t errlen);
void st_store_close(struct st_store *s); /* NULL is a no-op */

/* Once per process, from main() before any store is opened or thread
 * started: SQLite's process-wide settings for this program (no memory
 * statistics: they take a global mutex on every allocation, 8 % of
 * `qcstation sync`'s CPU, docs/performance.md).  Optional; idempotent. */
void st_store_process_init(void);

/* Detail of the last failure (static or owned by s; never NULL). */
const char *st_store_errmsg(const struct st_store *s);

/* The database's PRAGMA user_version. */
int st_store_schema_version(struct st_store *s, int *out);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Rollback never fails visibly. */
int st_store_begin(struct st_store *s);
int st_store_commit(struct st_store *s);
void st_store_rollback(struct st_store *s);

/* ---- integrity and backup (qcstation db check / db backup) ---------------- */

/* Run PRAGMA integrity_check and foreign_key_check.  report(line, ud) is
 * called for each problem found (may be NULL).  Returns 0 when the database
 * is sound, ST_ERR_CORRUPT when problems were reported, or another error. */
typedef void st_store_report_fn(const char *line, void *ud);
int st_store_check(struct st_store *s, st_store_report_fn *report, void *ud);

/* Copy the whole database to dest_path with the SQLite online backup API,
 * a few pages at a time, so the station can keep writing meanwhile.
 * progress(done_pages, total_pages, ud) may be NULL. */
typedef void st_store_progress_fn(int done, int total, void *ud);
int st_store_backup(struct st_store *s, const char *dest_path, st_store_progress_fn *progress,
		    void *ud);

/* ---- stations, operators, sessions -------------------------------------- */

/* Find or create the station row for code; *id is its id. */
int st_store_station_ensure(struct st_store *s, const char *code, const char *name, int64_t *id);

struct st_operator {
	int64_t id;
	char badge[64];
	char name[128];
	char role[32];     /* "operator", "inspector", "lead", ... */
	bool active;
};

/* Create or update an operator by badge (import). */
int st_store_operator_upsert(struct st_store *s, const struct st_operator *op, int64_t *id);
/* ST_ERR_NOTFOUND when no operator has this badge. */
int st_store_operator_by_badge(struct st_store *s, const char *badge, struct st_operator *out);

/* An operator's shift at a station: login opens one, logout (or another
 * badge) closes it.  session_start also ends, at ts_ms, any session still
 * open at that station (a crash, a missed logout).  session_end gives
 * ST_ERR_NOTFOUND when the session does not exist or has already ended. */
int st_store_session_start(struct st_store *s, int64_t operator_id, int64_t station_id,
			   int64_t ts_ms, int64_t *id);
int st_store_session_end(struct st_store *s, int64_t session_id, int64_t ts_ms);

/* ---- raw scans and the outbox --------------------------------------------- */

/* A scan exactly as it arrived, stored before it is interpreted. */
struct st_scan_rec {
	int64_t station_id;
	int64_t operator_id;    /* 0 = nobody logged in */
	const char *source;     /* "stdin", "usb:1-4:1.0", ... */
	const char *symbology;  /* "]C1" or NULL */
	const uint8_t *raw;     /* the bytes, GS and all, possibly not UTF-8 */
	size_t raw_len;         /* <= the cap; see truncated */
	bool truncated;         /* the scanner sent more than the cap */
	const char *kind;       /* classification ("gtin", ...), NULL = not classified */
	bool valid;
	int64_t ts_ms;          /* UTC Unix milliseconds */
};
int st_store_scan_add(struct st_store *s, const struct st_scan_rec *rec, int64_t *id);
int st_store_scan_count(struct st_store *s, int64_t *out);

/* An event for the central store.  The store generates the UUID (the
 * idempotency key, copied into uuid_out[37] when not NULL). */
struct st_outbox_rec {
	const char *type;     /* "scan", "login", "inspection", ... */
	const char *entity;   /* "scan:42", "order:ORD-1001", ... */
	const char *payload;  /* JSON text */
	int64_t ts_ms;
};
int st_store_outbox_add(struct st_store *s, const struct st_outbox_rec *rec, int64_t *id,
			char uuid_out[37]);
int st_store_outbox_count(struct st_store *s, int64_t *pending, int64_t *total);

/* ---- catalogue, orders, items ---------------------------------------------- */

#define ST_OPT_MAX 16     /* options kept per order line */
#define ST_LINE_MAX 64    /* lines kept per order */

struct st_product {
	int64_t id;
	char sku[64];
	char gtin[15];         /* 14 digits or "" */
	char name[128];
	char category[32];     /* ring, necklace, earrings, bracelet, pendant, custom */
	bool final_sale;       /* product-level final sale (RET-03) */
};

struct st_option {
	char name[32];         /* size, metal, stone, engraving, photo_text, chain_length_mm, ... */
	char value[256];
};

struct st_line {
	int64_t id;
	int line_no;           /* 1-based, unique within the order */
	struct st_product product;
	int quantity;
	bool final_sale, custom, design_your_own, special_order, personalized, custom_size;
	unsigned n_opt;
	struct st_option opt[ST_OPT_MAX];
};

struct st_order {
	int64_t id;
	char number[64];       /* "ORD-100234" */
	char customer_name[128];
	char customer_email[128];
	char status[32];       /* open, packed, shipped, left_warehouse, ... */
	char ship_country[3];  /* ISO 3166 alpha-2 */
	bool cancelled, custom, gift_box;
	bool deposit_paid, balance_paid, customer_confirmed; /* custom orders (CUS-02) */
	int64_t placed_ms, delivered_ms; /* 0 = unknown */
	unsigned n_line;
	struct st_line line[ST_LINE_MAX];
};

struct st_item {
	int64_t id;
	char serial[64];
	char status[32];       /* received, in_qc, passed, failed, hold, scrap, packed, shipped */
	struct st_product product;
	char order_number[64]; /* "" when not assigned to an order */
	int line_no;           /* 0 when not assigned */
};

int st_store_category_ensure(struct st_store *s, const char *code, const char *name, int64_t *id);
/* The id of the category code; ST_ERR_NOTFOUND when there is none. */
int st_store_category_by_code(struct st_store *s, const char *code, int64_t *id);
/* Create or update by sku; the category must exist (ST_ERR_CONSTRAINT). */
int st_store_product_upsert(struct st_store *s, const struct st_product *p, int64_t *id);
int st_store_product_by_sku(struct st_store *s, const char *sku, struct st_product *out);
int st_store_product_by_gtin(struct st_store *s, const char *gtin14, struct st_product *out);

/* Create or update an order by number, with its lines (by line_no; a line's
 * options are replaced).  o->line[i].product.sku names the product (which
 * must exist, else ST_ERR_CONSTRAINT).  Lines not in o are kept (items may
 * point at them).  An empty status keeps the stored one ("open" for a new
 * order).  All or nothing: inside st_store_begin()/commit() it is a
 * savepoint of the caller's transaction, outside one its own. */
int st_store_order_upsert(struct st_store *s, const struct st_order *o, int64_t *id);
/* Fill *out (large: allocate it) with the order and its lines. */
int st_store_order_by_number(struct st_store *s, const char *number, struct st_order *out);

/* Create or update an item by serial.  it->product.sku names the product;
 * it->order_number / line_no (optional) the order line; either missing is
 * ST_ERR_CONSTRAINT.  An empty status keeps the stored one ("received" for a
 * new item). */
int st_store_item_upsert(struct st_store *s, const struct st_item *it, int64_t *id);
int st_store_item_by_serial(struct st_store *s, const char *serial, struct st_item *out);
/* The (first) item assigned to line line_no of order number; ST_ERR_NOTFOUND
 * when the order, the line or an item on it does not exist. */
int st_store_item_by_order_line(struct st_store *s, const char *number, int line_no,
				struct st_item *out);

/* ---- QC inspections, evidence and the audit chain (issue 3) ------------------
 *
 * Inspections (with their check results and defects) and evidence files
 * are history: never updated or deleted (triggers refuse it).  A correction
 * is a new inspection that supersedes the old one, which stays (QC-05).
 *
 * Both kinds of record form one hash chain in the order they were written:
 * each holds the hash of the record before it (prev_hash) and its own hash
 * over a canonical serialisation of its fields, child rows and prev_hash
 * (docs/internals/audit-chain.md).  The store computes both; callers never
 * supply a hash.  st_store_audit_verify() recomputes the chain. */

#define ST_CHECK_MAX 32        /* check results kept per inspection */
#define ST_DEFECT_MAX 16       /* defects kept per inspection */
#define ST_AUDIT_HASH_LEN 64   /* a SHA-256 in lowercase hex, without the NUL */

/* One answered check of a checklist (QC-02).  Text fields: "" = none. */
struct st_check_result {
	char check_id[32];       /* the checklist's id for it: "stones_secure", "ring_size" */
	char outcome[8];         /* pass, fail, skipped, na */
	char expected[256];      /* what the order asks for ("Love, A.", "6.5") */
	char found[256];         /* what the inspector found, typed or scanned */
	bool has_measured;       /* a measurement was taken: */
	int64_t measured_milli;  /*   in thousandths of unit (18.25 mm = 18250) */
	char unit[16];           /* "mm", "g", "us_size", ... */
};

/* A defect a failed check recorded (QC-03). */
struct st_defect_rec {
	char code[32];           /* defect code, e.g. "LOOSE_STONE" */
	char severity[16];       /* minor, major, critical */
	char check_id[32];       /* the check that found it, "" = none */
	char note[256];          /* "" = none */
};

/* A completed inspection.  Large (about 25 KiB): allocate it, or keep one.
 * Fields marked OUT are filled by the readers and ignored by
 * st_store_inspection_add(). */
struct st_inspection_rec {
	int64_t id;                   /* OUT */
	int64_t item_id;
	int64_t operator_id;          /* the inspector (QC-05): required */
	int64_t station_id;
	char category[32];            /* checklist category: ring, necklace, ... */
	char checklist_version[32];   /* the version of the checklist used */
	char result[8];               /* pass, fail */
	char disposition[8];          /* a fail: rework, hold or scrap; a pass: "" (QC-03) */
	int rework_count;             /* rework loops before this inspection (0 the first time) */
	int64_t supersedes;           /* the inspection this one corrects, 0 = none */
	int64_t started_ms, completed_ms; /* UTC Unix milliseconds */
	unsigned n_check;             /* <= ST_CHECK_MAX, in checklist order */
	struct st_check_result check[ST_CHECK_MAX];
	unsigned n_defect;            /* <= ST_DEFECT_MAX */
	struct st_defect_rec defect[ST_DEFECT_MAX];

	int64_t superseded_by;        /* OUT: the correction that replaced it, 0 = none */
	char item_serial[64];         /* OUT */
	char item_sku[64];            /* OUT */
	char operator_badge[64];      /* OUT */
	char station_code[64];        /* OUT */
	int64_t chain_seq;            /* OUT: position in the audit chain, from 1 */
	char prev_hash[ST_AUDIT_HASH_LEN + 1]; /* OUT */
	char hash[ST_AUDIT_HASH_LEN + 1];      /* OUT */
};

/* Write an inspection with its check results and defects, as the next link
 * of the audit chain; *id (may be NULL) is its id.  Inside the caller's
 * st_store_begin() ... st_store_commit() it is part of that transaction (a
 * savepoint: all of it or none), so the raw scan, the inspection, the item's
 * status and the outbox event commit together; outside one, its own.
 * Errors: ST_ERR_ARG (n_check or n_defect above the caps),
 * ST_ERR_CONSTRAINT (no such item, operator or station; a value outside
 * its set; a pass with a disposition or a fail without one; supersedes
 * names an inspection of another item or one already superseded). */
int st_store_inspection_add(struct st_store *s, const struct st_inspection_rec *r, int64_t *id);

/* Read one inspection by id (ST_ERR_NOTFOUND when there is none).  *out is
 * written only on success; ST_ERR_RANGE when a stored value does not fit. */
int st_store_inspection_get(struct st_store *s, int64_t id, struct st_inspection_rec *out);

/* The item's current inspection: the most recently written one that no
 * correction supersedes, with its rework count.  ST_ERR_NOTFOUND when the
 * item has never been inspected (QC-01 refuses to ship it). */
int st_store_inspection_last(struct st_store *s, int64_t item_id, struct st_inspection_rec *out);

/* Call fn for each inspection completed at or after since_ms (0 = all), in
 * the order written, skipping superseded ones unless with_superseded.  r is
 * valid during the call only.  A non-zero return from fn stops the walk and
 * is returned.  One read snapshot (a savepoint inside the caller's
 * transaction).  fn may call other store functions, but not this one. */
typedef int st_store_inspection_fn(const struct st_inspection_rec *r, void *ud);
int st_store_inspection_each(struct st_store *s, int64_t since_ms, bool with_superseded,
			     st_store_inspection_fn *fn, void *ud);

/* A photo or video of an item (QC-04), by reference: the file stays where
 * it is; the store keeps its path, size and SHA-256 (st_sha256_file()). */
struct st_evidence_rec {
	int64_t id;                 /* OUT */
	int64_t item_id;
	int64_t inspection_id;      /* the inspection it belongs to, 0 = none */
	int64_t operator_id;        /* 0 = nobody logged in */
	int64_t station_id;
	char path[1024];
	uint64_t size_bytes;
	char sha256[ST_AUDIT_HASH_LEN + 1]; /* of the file's contents, lowercase hex */
	char mime[64];              /* "image/jpeg", "video/mp4", ... */
	char barcode[256];          /* text of the barcode decoded in it, "" = none */
	int64_t created_ms;

	char item_serial[64];       /* OUT */
	char operator_badge[64];    /* OUT, "" = nobody */
	char station_code[64];      /* OUT */
	int64_t chain_seq;          /* OUT */
	char prev_hash[ST_AUDIT_HASH_LEN + 1]; /* OUT */
	char hash[ST_AUDIT_HASH_LEN + 1];      /* OUT */
};

/* Write an evidence record as the next link of the audit chain (same
 * transaction rules as st_store_inspection_add()).  Errors: ST_ERR_ARG
 * (sha256 not 64 lowercase hex digits, empty path, size above INT64_MAX),
 * ST_ERR_CONSTRAINT (no such item, operator, station or inspection; an
 * inspection of another item). */
int st_store_evidence_add(struct st_store *s, const struct st_evidence_rec *e, int64_t *id);

/* Call fn for each evidence record of an item, oldest first (rules of
 * st_store_inspection_each()). */
typedef int st_store_evidence_fn(const struct st_evidence_rec *e, void *ud);
int st_store_evidence_by_item(struct st_store *s, int64_t item_id, st_store_evidence_fn *fn,
			      void *ud);

/* Set an item's status (received, in_qc, passed, failed, rework, hold,
 * scrap, packed, shipped, returned, in_service).  ST_ERR_NOTFOUND when no
 * such item, ST_ERR_CONSTRAINT for a status outside the set. */
int st_store_item_set_status(struct st_store *s, int64_t item_id, const char *status);
int st_store_item_by_id(struct st_store *s, int64_t item_id, struct st_item *out);

/* What st_store_audit_verify() found. */
enum st_audit_problem {
	ST_AUDIT_OK = 0,
	ST_AUDIT_EDITED,   /* its hash does not match its contents: edited after it was written */
	ST_AUDIT_LINK,     /* its prev_hash is not the previous record's hash: that record was
			      changed, deleted or replaced, or records were reordered */
	ST_AUDIT_MISSING,  /* chain positions before it are missing: records were deleted */
	ST_AUDIT_DUPLICATE /* two records claim its chain position */
};

struct st_audit_report {
	int64_t records;          /* records checked (inspections + evidence) */
	int64_t inspections, evidence;
	int64_t problems;         /* records with a problem */
	int64_t head_seq;         /* the last record's chain position, 0 when empty */
	char head_hash[ST_AUDIT_HASH_LEN + 1]; /* its hash (64 zeros when empty) */
	/* The first problem in chain order (problem == ST_AUDIT_OK when none): */
	enum st_audit_problem problem;
	char table[16];           /* "inspection" or "evidence" */
	int64_t id;               /* its id in that table */
	int64_t seq;              /* its chain position */
	char message[256];        /* "inspection 42: hash does not match its contents
				     (edited after it was written)" */
};

/* Recompute the whole audit chain from one read snapshot.  Returns 0 when
 * every link holds, ST_ERR_CORRUPT when one does not (out says which first
 * and how many), or another error (out then holds what was checked so far).
 * What it cannot see: a chain rewritten from some point on, or cut short at
 * its end, by someone with the file; comparing head_hash with a copy kept
 * elsewhere (the central store) does (docs/internals/audit-chain.md). */
int st_store_audit_verify(struct st_store *s, struct st_audit_report *out);

/* The chain's head: the last record's position (0 when empty) and hash (64
 * zeros when empty), e.g. to send it to the central store in the same
 * transaction as the record, as an anchor.  Either pointer may be NULL. */
int st_store_audit_head(struct st_store *s, int64_t *seq, char hash[ST_AUDIT_HASH_LEN + 1]);

/* A short name for p ("ok", "edited", "link", "missing", "duplicate"), for
 * JSON; never NULL. */
const char *st_store_audit_problem_name(enum st_audit_problem p);

/* ---- reports (qcstation report qc) ---------------------------------------- */

/* Call fn for every inspection, superseded ones and corrections included,
 * grouped by item: items in ascending id, each item's inspections in the
 * order written (so an item's first record is its first inspection; a
 * correction comes after what it corrects).  Otherwise as
 * st_store_inspection_each(): r is valid during the call only, a non-zero
 * return from fn stops the walk and is returned, one read snapshot, fn may
 * call other store functions but not this one. */
int st_store_inspection_each_by_item(struct st_store *s, st_store_inspection_fn *fn, void *ud);

/* Call fn for each item whose status is status ("hold", ...), in ascending
 * id.  it is valid during the call only; a non-zero return from fn stops
 * the walk and is returned.  One read snapshot; fn may call other store
 * functions (st_store_inspection_last(), ...) but not this one.  An
 * unknown status simply matches no item. */
typedef int st_store_item_fn(const struct st_item *it, void *ud);
int st_store_item_each_by_status(struct st_store *s, const char *status, st_store_item_fn *fn,
				 void *ud);

#endif
