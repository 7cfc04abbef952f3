/* station: the persistent print queue in the store (schema version 3).
 *
 * A label job is the rendered bytes (ZPL, PNG or PDF) for one printer, kept
 * until it is printed and after (history).  The queue engine
 * (station/print/queue.c) moves it through its states; operators reprint
 * and void jobs (audited in label_job_action); docs/internals/print-queue.md
 * explains why a job is never printed twice by a retry:
 *
 *   queued    waiting for the printer (last_error says why, if it waited)
 *   sending   claimed by a sender, committed before the first byte leaves
 *   done      every byte was accepted by the printer
 *   uncertain bytes may have left but the send did not finish (or the
 *             station stopped mid-send): an operator decides (reprint/void)
 *   failed    cannot print (a format the printer does not take); decide
 *   void      an operator cancelled it (or declared a printed one void)
 *   reprinted an uncertain or failed job an operator had printed again
 *
 * Same rules as st/store.h: one thread per store, 0 or ST_ERR_*,
 * st_store_errmsg() for the detail.
 */
#ifndef QC_STATION_STORE_PRINT_H
#define QC_STATION_STORE_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "st/store.h"

#define ST_LABEL_PAYLOAD_MAX (16u << 20) /* bytes of one job */
#define ST_LABEL_REASON_MAX 500          /* an operator's reason, bytes */

struct st_label_job {
	int64_t id;
	char uuid[37];
	char printer[64];
	char template_name[64]; /* "" = a document printed as it came */
	char entity[128];       /* what it labels, "" = none */
	char format[8];         /* zpl, png, pdf */
	char state[16];         /* see above */
	int attempts;           /* sends begun */
	char last_error[256];   /* "" = none */
	int64_t reprint_of;     /* the job it reprints, 0 = none */
	int64_t created_ms, sent_ms, done_ms; /* 0 = not yet */
	size_t payload_len;
};

struct st_label_job_new {
	const char *printer;       /* 1..63 bytes */
	const char *template_name; /* NULL = none */
	const char *entity;        /* NULL = none */
	const char *format;        /* zpl, png, pdf */
	const uint8_t *payload;    /* borrowed */
	size_t len;                /* 1..ST_LABEL_PAYLOAD_MAX */
	int64_t ts_ms;
};

/* Queue a job; *id and uuid_out[37] (both may be NULL) name it.  Errors:
 * ST_ERR_ARG (empty or too large payload), ST_ERR_CONSTRAINT (a format
 * outside the set, an empty printer name). */
int st_store_label_job_add(struct st_store *s, const struct st_label_job_new *j, int64_t *id,
			   char uuid_out[37]);

/* One job by id (ST_ERR_NOTFOUND); *out written only on success. */
int st_store_label_job_get(struct st_store *s, int64_t id, struct st_label_job *out);

/* The job's bytes: *out (malloc'd, the caller frees) and *len. */
int st_store_label_job_payload(struct st_store *s, int64_t id, uint8_t **out, size_t *len);

/* The oldest queued job of printer (FIFO: labels print in the order they
 * were asked for); ST_ERR_NOTFOUND when none waits. */
int st_store_label_job_next(struct st_store *s, const char *printer, struct st_label_job *out);

/* queued -> sending (attempts + 1), committed: call right before the first
 * byte is written.  ST_ERR_CONSTRAINT when the job is no longer queued
 * (voided meanwhile, or another sender took it): then do not send. */
int st_store_label_job_claim(struct st_store *s, int64_t id, int64_t ts_ms);

/* End a send: sending -> state (done, uncertain, failed or queued, the
 * last only when no byte left), with the error that ended it (NULL for
 * none).  ST_ERR_CONSTRAINT when the job is not sending. */
int st_store_label_job_settle(struct st_store *s, int64_t id, const char *state, const char *error,
			      int64_t ts_ms);

/* A queued job waits: remember why (last_error; NULL clears it), or, with
 * fail true, give it up as failed (a format the printer cannot take). */
int st_store_label_job_wait(struct st_store *s, int64_t id, const char *why, bool fail,
			    int64_t ts_ms);

/* At start: every job left 'sending' (the station stopped mid-send) of
 * printer (NULL = all) becomes 'uncertain'; *n (may be NULL) says how
 * many. */
int st_store_label_jobs_recover(struct st_store *s, const char *printer, int64_t *n);

/* An operator's decisions, audited (a label_job_action row; the caller
 * adds the outbox event in the same transaction).  Inside the caller's
 * transaction a savepoint, else their own.
 * reprint: a new queued job with the same bytes (to printer, or the same
 * one when NULL), reprint_of = id; an uncertain or failed job becomes
 * 'reprinted'.  Refused (ST_ERR_CONSTRAINT, errmsg says why) while the job
 * is queued or sending, and for one already reprinted (reprint the
 * reprint).
 * void: queued, uncertain, failed or done -> void.  Refused while sending
 * and for a job already void or reprinted.
 * Both: ST_ERR_NOTFOUND (no such job), ST_ERR_ARG (empty or too long
 * reason, no operator). */
int st_store_label_job_reprint(struct st_store *s, int64_t id, const char *printer,
			       int64_t operator_id, const char *reason, int64_t ts_ms,
			       int64_t *new_id, char uuid_out[37]);
int st_store_label_job_void(struct st_store *s, int64_t id, int64_t operator_id,
			    const char *reason, int64_t ts_ms);

/* Counts of one printer's jobs by state. */
struct st_label_counts {
	int64_t queued, sending, uncertain, failed, done, voided, reprinted;
};
int st_store_label_counts(struct st_store *s, const char *printer, struct st_label_counts *out);

/* Call fn for each job of printer (NULL = every printer), oldest first;
 * open_only: only queued, sending, uncertain and failed ones.  j is valid
 * during the call; a non-zero return stops the walk and is returned.  fn
 * must not call the store. */
typedef int st_store_label_job_fn(const struct st_label_job *j, void *ud);
int st_store_label_job_each(struct st_store *s, const char *printer, bool open_only,
			    st_store_label_job_fn *fn, void *ud);

/* What the station last knew of a printer. */
struct st_printer_rec {
	char name[64];
	char uri[256];
	char state[16];       /* unknown, ready, not_ready, offline */
	char reason[160];     /* "paper out, head open", "no answer", "" */
	char flags[160];      /* "paper_out,head_open" */
	char last_error[256]; /* the last failure, "" = none (kept until replaced) */
	int64_t updated_ms;
};

/* Record a printer's state (last_error "" keeps the stored one). */
int st_store_printer_set(struct st_store *s, const struct st_printer_rec *r);

/* One printer's record (ST_ERR_NOTFOUND when the station never wrote it). */
int st_store_printer_get(struct st_store *s, const char *name, struct st_printer_rec *out);

/* Call fn for each printer with a record or with jobs, by name (a printer
 * known only from its jobs has state "unknown" and updated_ms 0).  Rules
 * of st_store_label_job_each(). */
typedef int st_store_printer_fn(const struct st_printer_rec *r, void *ud);
int st_store_printer_each(struct st_store *s, st_store_printer_fn *fn, void *ud);

/* The print queue's drain lock beside the database file ("<db>-print.lock",
 * st/printq.h) in buf[cap]; NULL for a database in memory. */
const char *st_store_print_lock_path(struct st_store *s, char *buf, size_t cap);

#endif
