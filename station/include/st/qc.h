/* station: the QC inspection workflow, a pure state machine (QC-01..QC-05).
 *
 *     st_qc_step(state, input, context) -> (state', effects)
 *
 * No I/O, no clock (each input carries its time), no allocation, no
 * globals: the same state and input always give the same result, so
 * tests/station/test_qc.c drives every (phase x input kind) pair without a
 * device or a database.  The shell (station/app) turns scans and keys into
 * inputs, reads what an input needs from the store first (the item, its
 * order line, its inspection history), steps, and then applies the effects:
 * a COMPLETED effect is one store transaction (inspection, check results,
 * defects, evidence links, item status, outbox event), then feedback and the
 * prompt go to the UI.  docs/internals/qc-workflow.md has the phase table,
 * the decisions and the defect codes.
 *
 * An input the current phase cannot take is refused: the effects hold one
 * error (or info) feedback and the prompt, fx->accepted is false, and the
 * state is left byte-for-byte unchanged.
 *
 * Not for: login sessions, photos' files and hashes, or what an item's
 * status means for packing (QC-01 is enforced where items are packed, from
 * the records this workflow produces).
 */
#ifndef QC_STATION_QC_H
#define QC_STATION_QC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "st/barcode.h"
#include "st/checklist.h"
#include "st/store.h"

#define ST_QC_TEXT_LEN 256     /* expected / found text (as struct st_option.value) */
#define ST_QC_NOTE_LEN 128     /* why a check did not apply, or how it was judged */
#define ST_QC_MSG_LEN 512      /* one feedback or prompt text */
#define ST_QC_EVIDENCE_MAX 8   /* photos kept per inspection */
#define ST_QC_EVIDENCE_LEN 96  /* an evidence id ("ev:42", a SHA-256 in hex, ...) */
#define ST_QC_DEFECT_LEN 32    /* a defect code without "DEF-" */
#define ST_QC_DEFECT_MAX 16    /* failed checks (defects) per inspection */
#define ST_QC_FX_MAX 6         /* effects of one step */

/* ---- defect codes ------------------------------------------------------------ */

enum st_qc_severity {
	ST_QC_SEV_MINOR = 1,
	ST_QC_SEV_MAJOR,
	ST_QC_SEV_CRITICAL,
};

struct st_qc_defect_def {
	const char *code;        /* "LOOSE-STONE"; its barcode is "DEF-LOOSE-STONE" */
	const char *description; /* "a stone moves in its setting" */
	enum st_qc_severity severity;  /* default; decides the default disposition */
};

/* The defect table (static; docs/internals/qc-workflow.md lists it). */
const struct st_qc_defect_def *st_qc_defects(size_t *n);

/* The defect named by s[0..n): "DEF-LOOSE-STONE" or "LOOSE-STONE", any case
 * (a wedge scanner with Caps Lock); NULL when unknown. */
const struct st_qc_defect_def *st_qc_defect_find(const char *s, size_t n);

/* ---- inputs ---------------------------------------------------------------- */

enum st_qc_in_kind {
	ST_QC_IN_LOGIN = 0, /* an operator badge, already looked up: operator_id */
	ST_QC_IN_LOGOUT,
	ST_QC_IN_ITEM,      /* an item to inspect: item, line, order, hist */
	ST_QC_IN_PASS,      /* the current check passes */
	ST_QC_IN_FAIL,      /* the current check fails; a defect code follows */
	ST_QC_IN_PASS_ALL,  /* every open check PASS may answer passes */
	ST_QC_IN_SKIP,      /* answer the current check later */
	ST_QC_IN_UNDO,      /* take back the last answer */
	ST_QC_IN_CANCEL,    /* abandon the inspection: nothing is recorded */
	ST_QC_IN_REWORK,    /* dispositions, after a failure */
	ST_QC_IN_HOLD,
	ST_QC_IN_SCRAP,
	ST_QC_IN_DONE,      /* finish with the default disposition */
	ST_QC_IN_CORRECT,   /* correct an item's last inspection (QC-05) */
	ST_QC_IN_DEFECT,    /* a defect code: text ("DEF-LOOSE-STONE" as scanned) */
	ST_QC_IN_VALUE,     /* a measured number or found text: text, or milli */
	ST_QC_IN_PHOTO,     /* photo evidence for the current item: evidence */
	ST_QC_IN__COUNT
};

/* What the store knows of an item's earlier inspections, counting only
 * inspections not superseded by a correction. */
struct st_qc_history {
	int64_t last_id;        /* its latest inspection, 0 = none */
	unsigned rework_loops;  /* how many of them ended in rework */
	bool last_rework;       /* the latest ended in rework */
	bool prev_rework;       /* the one before the latest did (for a correction) */
	bool scrapped;          /* the item's status is scrap: it is not inspected */
};

/* One input.  Pointers are borrowed for the duration of st_qc_step() only:
 * whatever the state keeps is copied. */
struct st_qc_input {
	enum st_qc_in_kind kind;
	int64_t ts_ms;                 /* UTC Unix ms, from the shell's clock */
	int64_t operator_id;           /* LOGIN: > 0 */
	const struct st_item *item;    /* ITEM: required */
	const struct st_line *line;    /* ITEM: its order line, NULL when none */
	const struct st_order *order;  /* ITEM: its order (flags), NULL when none */
	struct st_qc_history hist;     /* ITEM */
	const char *text;              /* VALUE: typed or scanned text ...; DEFECT: the code */
	size_t text_len;
	bool has_milli;                /* ... or a number already in thousandths */
	int64_t milli;                 /* (e.g. a scale's weight_mg is g/1000) */
	const char *evidence;          /* PHOTO: the evidence id */
};

/* ---- the inspection record --------------------------------------------------- */

enum st_qc_result {
	ST_QC_RES_OPEN = 0,     /* not answered yet */
	ST_QC_RES_PASS,
	ST_QC_RES_FAIL,
	ST_QC_RES_NA,           /* does not apply to this order line (note says why) */
	ST_QC_RES_SKIPPED,      /* not checked: the inspection ended, after a
				 * failure, before it (not the SKIP command,
				 * which only defers a check) */
};

enum st_qc_how {
	ST_QC_BY_NONE = 0,
	ST_QC_BY_PASS,          /* PASS on this check (a value check: confirmed) */
	ST_QC_BY_PASS_ALL,      /* PASS-ALL */
	ST_QC_BY_FAIL,          /* FAIL on this check */
	ST_QC_BY_VALUE,         /* a value compared against the expected one */
	ST_QC_BY_PHOTO,         /* photo evidence */
};

enum st_qc_outcome { ST_QC_OUT_NONE = 0, ST_QC_OUT_PASS, ST_QC_OUT_FAIL };

enum st_qc_disposition {
	ST_QC_DISP_NONE = 0,    /* passed: ships */
	ST_QC_DISP_REWORK,      /* back to the bench, then re-inspected */
	ST_QC_DISP_HOLD,        /* a lead decides */
	ST_QC_DISP_SCRAP,
};

struct st_qc_check_result {
	char id[ST_CHECK_ID_LEN];
	enum st_check_type type;
	enum st_qc_result result;
	enum st_qc_how how;
	char note[ST_QC_NOTE_LEN];      /* NA reason, or e.g. "ordered size is not a number" */
	/* MEASURE: numbers in thousandths of unit. */
	bool has_expected;
	int64_t expected_milli;
	int64_t tolerance_milli;
	bool has_measured;
	int64_t measured_milli;
	/* The order's text (TEXT_MATCH, CHOICE, and a MEASURE's option as
	 * ordered) and what was found (as typed or scanned); "" when none. */
	char expected[ST_QC_TEXT_LEN];
	char found[ST_QC_TEXT_LEN];
	unsigned diff_char;             /* TEXT_MATCH failed: first difference, 1-based */
	size_t diff_byte;               /* ... and its byte offset; 0/0 when equal */
	char evidence[ST_QC_EVIDENCE_LEN]; /* PHOTO: the photo that answered it */
	char defect[ST_QC_DEFECT_LEN];  /* FAIL: the defect code */
	enum st_qc_severity severity;   /* FAIL: its severity */
};

/* Everything the store writes for one completed inspection.  The shell adds
 * the station, and the inspection's own id when it has been written. */
struct st_qc_record {
	char serial[64];
	char sku[64];
	char order_number[64];            /* "" when the item has no order line */
	int line_no;
	char category[ST_CHECKLIST_CATEGORY_LEN];
	int checklist_version;            /* QC-02: the template version used */
	int64_t operator_id;              /* QC-05 */
	int64_t started_ms, finished_ms;  /* QC-05: the item input's and the last input's */
	enum st_qc_outcome outcome;
	enum st_qc_disposition disposition;
	bool disposition_default;         /* DONE: chosen by severity, not by the inspector */
	bool reinspection;                /* QC-03: the previous inspection ended in rework */
	bool escalated;                   /* QC-03: failed its re-inspection, so hold */
	unsigned rework_count;            /* QC-03: rework loops before this inspection */
	int64_t supersedes_id;            /* QC-05: the inspection this corrects, 0 = none */
	unsigned n_check;                 /* = the template's n_check, in its order */
	struct st_qc_check_result check[ST_CHECKLIST_CHECK_MAX];
	unsigned n_defect;                /* failed checks, in check order */
	struct {
		char code[ST_QC_DEFECT_LEN];
		enum st_qc_severity severity;
		unsigned check;               /* index into check[] */
	} defect[ST_QC_DEFECT_MAX];
	unsigned n_evidence;              /* every photo taken, in order */
	char evidence[ST_QC_EVIDENCE_MAX][ST_QC_EVIDENCE_LEN];
};

/* ---- the state ------------------------------------------------------------------ */

enum st_qc_phase {
	ST_QC_LOGGED_OUT = 0,    /* nobody is logged in: only LOGIN */
	ST_QC_READY,             /* waiting for an item (or CORRECT) */
	ST_QC_CORRECT_ITEM,      /* CORRECT: waiting for the item to correct */
	ST_QC_CHECKING,          /* answering checks */
	ST_QC_NEED_DEFECT,       /* a check failed: waiting for its defect code */
	ST_QC_NEED_DISPOSITION,  /* every check answered, some failed */
	ST_QC__PHASES
};

/* The workflow's whole state: a plain value (about 30 KiB; keep one per
 * station and reuse it).  Initialise with st_qc_init(); read it freely (the
 * UI shows rec.check[] against cl->check[]), change it only by stepping. */
struct st_qc {
	enum st_qc_phase phase;
	int64_t operator_id;               /* 0 when logged out */
	/* The inspection in progress (phases CHECKING .. NEED_DISPOSITION). */
	const struct st_checklist *cl;     /* borrowed from the context's set */
	int cursor;                        /* the check PASS / FAIL answer, -1 none */
	int pending;                       /* NEED_DEFECT: the check that failed */
	unsigned batch;                    /* answers so far, for UNDO */
	unsigned answered_in[ST_CHECKLIST_CHECK_MAX]; /* the batch that answered each check */
	uint32_t takes_value;              /* bit i: check i is answered by a VALUE */
	uint32_t pass_ok;                  /* bit i: PASS may answer check i */
	struct st_qc_record rec;           /* filled as checks are answered */
};

struct st_qc_ctx {
	const struct st_checklist_set *checklists; /* borrowed; unchanged while inspecting */
};

/* ---- effects ------------------------------------------------------------------- */

enum st_qc_fx_kind {
	ST_QC_FX_COMPLETED = 0, /* write fx->rec in one transaction (first, if listed) */
	ST_QC_FX_FEEDBACK,      /* ok / info / error: level, code, text */
	ST_QC_FX_STARTED,       /* an inspection began: show state->cl and state->rec */
	ST_QC_FX_ANSWERED,      /* check `check` got a result (or lost it, on UNDO) */
	ST_QC_FX_CANCELLED,     /* the inspection was abandoned; nothing to write */
	ST_QC_FX_PROMPT,        /* what to scan next (always the last effect) */
};

enum st_qc_level { ST_QC_OK = 0, ST_QC_INFO, ST_QC_ERROR };

struct st_qc_fx {
	enum st_qc_fx_kind kind;
	enum st_qc_level level;    /* FEEDBACK */
	const char *code;          /* static, stable, for scripts: "check_failed", ... */
	int check;                 /* the check concerned, -1 none */
	char text[ST_QC_MSG_LEN];  /* for a person */
};

struct st_qc_effects {
	bool accepted;             /* false: refused, state unchanged */
	unsigned n;
	struct st_qc_fx fx[ST_QC_FX_MAX];
	struct st_qc_record rec;   /* valid when a COMPLETED effect is listed */
};

/* ---- functions ------------------------------------------------------------------ */

/* Start logged out (caller's storage; nothing to release). */
void st_qc_init(struct st_qc *s);

/* Apply one input.  in, ctx and everything they point to are borrowed; ctx
 * (and its checklist set) must stay the same and unchanged from an item's
 * scan to its inspection's end, since s->cl points into it.  *fx is
 * overwritten.  Cannot fail: a refusal is an error feedback effect. */
void st_qc_step(struct st_qc *s, const struct st_qc_input *in, const struct st_qc_ctx *ctx,
		struct st_qc_effects *fx);

/* True while an inspection (or a CORRECT) is open: scans belong to the QC
 * workflow, not to the idle router, and LOGOUT is refused. */
bool st_qc_busy(const struct st_qc *s);

/* True when a VALUE would be taken now (by the current check, or by an
 * open check that cannot be answered without one): the shell then treats
 * text that is no command, defect or item code as a value. */
bool st_qc_wants_value(const struct st_qc *s);

/* Map a classified scan to an input kind: command barcodes (PASS, FAIL,
 * PASS-ALL, SKIP, UNDO, CANCEL, REWORK, HOLD, SCRAP, DONE, CORRECT, LOGOUT)
 * and defect codes ("DEF-..."; in->text then points into bc's input).
 * Badges and items need the store first, so they are not mapped here.
 * Fills in->kind (and in->text, in->text_len) and returns 0, or ST_ERR_NOTFOUND when the
 * scan is no such input. */
int st_qc_input_from_scan(const struct st_bc *bc, struct st_qc_input *in);

/* Names as used in JSON, logs, docs and the store ("checking", "pass_all",
 * "fail", "na", "skipped", "rework", "major", ...); NULL for a value out of
 * range. */
const char *st_qc_phase_name(enum st_qc_phase p);
const char *st_qc_in_kind_name(enum st_qc_in_kind k);
const char *st_qc_result_name(enum st_qc_result r);
const char *st_qc_how_name(enum st_qc_how h);
const char *st_qc_outcome_name(enum st_qc_outcome o);
const char *st_qc_disposition_name(enum st_qc_disposition d);
const char *st_qc_severity_name(enum st_qc_severity sev);

#endif
