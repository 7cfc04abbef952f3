/* The QC inspection workflow (st/qc.h) is pure, so it is tested without a
 * device or a database: every (phase x input kind) pair against a table,
 * the scenarios issue 3 asks for, and a long deterministic random walk that
 * checks the invariants the shell relies on after every step (a refusal
 * leaves the state byte-for-byte unchanged; the prompt is always last; a
 * completed record is consistent).  Uses the demo templates in
 * data/checklists/.  Rule IDs: QC-01..QC-05 (../shared/domain/RULES.md). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "st/barcode.h"
#include "st/checklist.h"
#include "st/err.h"
#include "st/qc.h"

struct bench {
	struct st_qc s;
	struct st_qc before;           /* the state before the last step */
	struct st_qc_effects fx;
	struct st_qc_ctx ctx;
	struct st_item item;
	struct st_line line;
	struct st_order order;
	struct st_qc_history hist;
	bool no_line;                  /* ITEM without an order line */
	int64_t now;
	unsigned completed;            /* COMPLETED effects seen */
	struct st_qc_record last;      /* the last completed record */
};

/* ---- the bench ------------------------------------------------------------------ */

static void check_effects(struct bench *b)
{
	const struct st_qc_effects *fx = &b->fx;
	unsigned prompts = 0, feedback = 0;

	assert_true(fx->n >= 1 && fx->n <= ST_QC_FX_MAX);
	assert_int_equal(fx->fx[fx->n - 1].kind, ST_QC_FX_PROMPT);
	assert_true(strlen(fx->fx[fx->n - 1].text) > 0);
	for (unsigned i = 0; i < fx->n; i++) {
		const struct st_qc_fx *e = &fx->fx[i];

		assert_non_null(e->code);
		prompts += e->kind == ST_QC_FX_PROMPT;
		feedback += e->kind == ST_QC_FX_FEEDBACK;
		if (e->kind == ST_QC_FX_COMPLETED)
			assert_int_equal(i, 0); /* the store write comes first */
	}
	assert_int_equal(prompts, 1);
	if (!fx->accepted) {
		/* A refusal: one feedback, then the prompt; nothing changed. */
		assert_int_equal(fx->n, 2);
		assert_int_equal(feedback, 1);
		assert_int_equal(fx->fx[0].kind, ST_QC_FX_FEEDBACK);
		assert_true(fx->fx[0].level == ST_QC_ERROR || fx->fx[0].level == ST_QC_INFO);
		assert_true(strlen(fx->fx[0].text) > 0);
		if (memcmp(&b->before, &b->s, sizeof(b->s)) != 0)
			fail_msg("refused input (%s) changed the state", fx->fx[0].code);
	}
}

/* A completed record is consistent (QC-03, QC-05). */
static void check_record(const struct st_qc_record *r, const struct st_checklist *cl)
{
	unsigned fails = 0;

	assert_true(r->serial[0]);
	assert_string_equal(r->category, cl->category);
	assert_int_equal(r->checklist_version, cl->version);
	assert_int_equal(r->n_check, cl->n_check);
	assert_true(r->operator_id > 0);
	assert_true(r->finished_ms >= r->started_ms);
	for (unsigned i = 0; i < r->n_check; i++) {
		const struct st_qc_check_result *c = &r->check[i];

		assert_string_equal(c->id, cl->check[i].id);
		assert_int_not_equal(c->result, ST_QC_RES_OPEN);
		if (c->result == ST_QC_RES_FAIL) {
			assert_non_null(st_qc_defect_find(c->defect, strlen(c->defect)));
			assert_true(c->severity >= ST_QC_SEV_MINOR &&
				    c->severity <= ST_QC_SEV_CRITICAL);
			fails++;
		}
		if (c->result == ST_QC_RES_NA)
			assert_true(c->note[0]);
	}
	assert_int_equal(r->n_defect, fails);
	if (fails) {
		assert_int_equal(r->outcome, ST_QC_OUT_FAIL);
		assert_int_not_equal(r->disposition, ST_QC_DISP_NONE);
	} else {
		assert_int_equal(r->outcome, ST_QC_OUT_PASS);
		assert_int_equal(r->disposition, ST_QC_DISP_NONE);
		for (unsigned i = 0; i < r->n_check; i++)
			assert_int_not_equal(r->check[i].result, ST_QC_RES_SKIPPED);
	}
	if (r->escalated) /* QC-03: failing a re-inspection never reworks again */
		assert_int_not_equal(r->disposition, ST_QC_DISP_REWORK);
	assert_int_equal(r->escalated, r->reinspection && fails > 0);
}

static bool step(struct bench *b, struct st_qc_input *in)
{
	const struct st_checklist *cl = b->s.cl;

	b->now += 1500;
	in->ts_ms = b->now;
	memcpy(&b->before, &b->s, sizeof(b->s));
	st_qc_step(&b->s, in, &b->ctx, &b->fx);
	check_effects(b);
	if (b->fx.accepted && b->fx.fx[0].kind == ST_QC_FX_COMPLETED) {
		check_record(&b->fx.rec, cl);
		memcpy(&b->last, &b->fx.rec, sizeof(b->last));
		b->completed++;
	}
	return b->fx.accepted;
}

static bool cmd(struct bench *b, enum st_qc_in_kind k)
{
	struct st_qc_input in = { .kind = k, .operator_id = 7 };

	return step(b, &in);
}

static bool value(struct bench *b, const char *text)
{
	struct st_qc_input in = { .kind = ST_QC_IN_VALUE, .text = text, .text_len = strlen(text) };

	return step(b, &in);
}

static bool defect(struct bench *b, const char *code)
{
	struct st_qc_input in = { .kind = ST_QC_IN_DEFECT, .text = code, .text_len = strlen(code) };

	return step(b, &in);
}

static bool photo(struct bench *b, const char *ev)
{
	struct st_qc_input in = { .kind = ST_QC_IN_PHOTO, .evidence = ev };

	return step(b, &in);
}

static bool item(struct bench *b)
{
	struct st_qc_input in = {
		.kind = ST_QC_IN_ITEM,
		.item = &b->item,
		.line = b->no_line ? NULL : &b->line,
		.order = b->no_line ? NULL : &b->order,
		.hist = b->hist,
	};

	return step(b, &in);
}

/* The code of the first effect that is not the prompt. */
static const char *code0(const struct bench *b)
{
	return b->fx.fx[0].code;
}

static const struct st_qc_fx *find_fx(const struct bench *b, enum st_qc_fx_kind k)
{
	for (unsigned i = 0; i < b->fx.n; i++)
		if (b->fx.fx[i].kind == k)
			return &b->fx.fx[i];
	return NULL;
}

#define ACCEPT(b, call)                                                                     \
	do {                                                                                \
		if (!(call))                                                                \
			fail_msg("%s refused: %s: %s", #call, code0(b), (b)->fx.fx[0].text); \
	} while (0)

#define REFUSE(b, call, want)                                                               \
	do {                                                                                \
		if (call)                                                                   \
			fail_msg("%s accepted", #call);                                     \
		assert_string_equal(code0(b), want);                                        \
	} while (0)

static void opt(struct bench *b, const char *name, const char *val)
{
	struct st_option *o = &b->line.opt[b->line.n_opt++];

	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->value, sizeof(o->value), "%s", val);
}

static void set_item(struct bench *b, const char *serial, const char *sku, const char *cat)
{
	memset(&b->item, 0, sizeof(b->item));
	memset(&b->line, 0, sizeof(b->line));
	memset(&b->hist, 0, sizeof(b->hist));
	b->order.gift_box = false;
	b->order.custom = false;
	b->no_line = false;
	snprintf(b->item.serial, sizeof(b->item.serial), "%s", serial);
	snprintf(b->item.product.sku, sizeof(b->item.product.sku), "%s", sku);
	snprintf(b->item.product.category, sizeof(b->item.product.category), "%s", cat);
	snprintf(b->item.order_number, sizeof(b->item.order_number), "ORD-100231");
	b->item.line_no = 1;
	b->line.line_no = 1;
	b->line.product = b->item.product;
}

/* Earrings with nothing ordered to compare against. */
static void earrings(struct bench *b)
{
	set_item(b, "SN00000001", "ER-HOOP-GLD", "earrings");
}

/* The demo's engraved solitaire: size 6.5, 14k gold, diamond, engraved,
 * personalized (so a photo is required). */
static void ring(struct bench *b)
{
	set_item(b, "SN00000002", "RG-SOL-14K", "ring");
	b->line.personalized = true;
	opt(b, "size", "6.5");
	opt(b, "metal", "14k gold");
	opt(b, "stone", "diamond");
	opt(b, "engraving", "Forever & Always");
}

static void necklace(struct bench *b)
{
	set_item(b, "SN00000003", "NK-CHAIN-GLD", "necklace");
	opt(b, "metal", "gold plated");
	opt(b, "chain_length_mm", "450");
}

static const struct st_checklist *tmpl(const struct bench *b, const char *cat)
{
	return st_checklist_find(b->ctx.checklists, cat);
}

static const struct st_qc_check_result *result(const struct st_qc_record *r, const char *id)
{
	for (unsigned i = 0; i < r->n_check; i++)
		if (!strcmp(r->check[i].id, id))
			return &r->check[i];
	fail_msg("no check %s", id);
	return NULL;
}

static struct bench *bench_new(void **state)
{
	struct bench *b = test_calloc(1, sizeof(*b));

	b->ctx.checklists = *state;
	b->now = INT64_C(1795000000000);
	st_qc_init(&b->s);
	ACCEPT(b, cmd(b, ST_QC_IN_LOGIN));
	return b;
}

/* ---- the table: every phase x every input kind ------------------------------------ */

/* Reach phase p from a fresh bench, inspecting the necklace (which has a
 * value check, chain_length, and a last inspection on record). */
static void reach(struct bench *b, enum st_qc_phase p)
{
	necklace(b);
	b->hist.last_id = 5;
	switch (p) {
	case ST_QC_LOGGED_OUT:
		ACCEPT(b, cmd(b, ST_QC_IN_LOGOUT));
		break;
	case ST_QC_READY:
		break;
	case ST_QC_CORRECT_ITEM:
		ACCEPT(b, cmd(b, ST_QC_IN_CORRECT));
		break;
	case ST_QC_CHECKING:
		ACCEPT(b, item(b));
		break;
	case ST_QC_NEED_DEFECT:
		ACCEPT(b, item(b));
		ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
		break;
	case ST_QC_NEED_DISPOSITION:
		ACCEPT(b, item(b));
		ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
		ACCEPT(b, defect(b, "DEF-LOOSE-STONE"));
		ACCEPT(b, value(b, "450"));
		ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
		break;
	case ST_QC__PHASES:
		break;
	}
	assert_int_equal(b->s.phase, p);
}

static bool send(struct bench *b, enum st_qc_in_kind k)
{
	switch (k) {
	case ST_QC_IN_ITEM:
		return item(b);
	case ST_QC_IN_VALUE:
		return value(b, "450");
	case ST_QC_IN_DEFECT:
		return defect(b, "DEF-LOOSE-STONE");
	case ST_QC_IN_PHOTO:
		return photo(b, "ev:9");
	default:
		return cmd(b, k);
	}
}

struct outcome {
	enum st_qc_phase next; /* the phase after; for a refusal, the same */
	const char *code;      /* the first effect's code */
};

#define R(code) { (enum st_qc_phase) - 1, code } /* refused, phase unchanged */
#define A(phase, code) { ST_QC_##phase, code }

static const struct outcome table[ST_QC__PHASES][ST_QC_IN__COUNT] = {
	[ST_QC_LOGGED_OUT] = {
		[ST_QC_IN_LOGIN] = A(READY, "login"),
		[ST_QC_IN_LOGOUT] = R("not_logged_in"),
		[ST_QC_IN_ITEM] = R("login_required"),
		[ST_QC_IN_PASS] = R("login_required"),
		[ST_QC_IN_FAIL] = R("login_required"),
		[ST_QC_IN_PASS_ALL] = R("login_required"),
		[ST_QC_IN_SKIP] = R("login_required"),
		[ST_QC_IN_UNDO] = R("login_required"),
		[ST_QC_IN_CANCEL] = R("login_required"),
		[ST_QC_IN_REWORK] = R("login_required"),
		[ST_QC_IN_HOLD] = R("login_required"),
		[ST_QC_IN_SCRAP] = R("login_required"),
		[ST_QC_IN_DONE] = R("login_required"),
		[ST_QC_IN_CORRECT] = R("login_required"),
		[ST_QC_IN_DEFECT] = R("login_required"),
		[ST_QC_IN_VALUE] = R("login_required"),
		[ST_QC_IN_PHOTO] = R("login_required"),
	},
	[ST_QC_READY] = {
		[ST_QC_IN_LOGIN] = A(READY, "login"),
		[ST_QC_IN_LOGOUT] = A(LOGGED_OUT, "logout"),
		[ST_QC_IN_ITEM] = A(CHECKING, "inspection_started"),
		[ST_QC_IN_PASS] = R("no_item"),
		[ST_QC_IN_FAIL] = R("no_item"),
		[ST_QC_IN_PASS_ALL] = R("no_item"),
		[ST_QC_IN_SKIP] = R("no_item"),
		[ST_QC_IN_UNDO] = R("no_item"),
		[ST_QC_IN_CANCEL] = R("nothing_to_cancel"),
		[ST_QC_IN_REWORK] = R("no_item"),
		[ST_QC_IN_HOLD] = R("no_item"),
		[ST_QC_IN_SCRAP] = R("no_item"),
		[ST_QC_IN_DONE] = R("no_item"),
		[ST_QC_IN_CORRECT] = A(CORRECT_ITEM, "correct"),
		[ST_QC_IN_DEFECT] = R("no_item"),
		[ST_QC_IN_VALUE] = R("no_item"),
		[ST_QC_IN_PHOTO] = R("no_item"),
	},
	[ST_QC_CORRECT_ITEM] = {
		[ST_QC_IN_LOGIN] = R("busy"),
		[ST_QC_IN_LOGOUT] = R("busy"),
		[ST_QC_IN_ITEM] = A(CHECKING, "inspection_started"),
		[ST_QC_IN_PASS] = R("no_item"),
		[ST_QC_IN_FAIL] = R("no_item"),
		[ST_QC_IN_PASS_ALL] = R("no_item"),
		[ST_QC_IN_SKIP] = R("no_item"),
		[ST_QC_IN_UNDO] = R("no_item"),
		[ST_QC_IN_CANCEL] = A(READY, "cancelled"),
		[ST_QC_IN_REWORK] = R("no_item"),
		[ST_QC_IN_HOLD] = R("no_item"),
		[ST_QC_IN_SCRAP] = R("no_item"),
		[ST_QC_IN_DONE] = R("no_item"),
		[ST_QC_IN_CORRECT] = R("busy"),
		[ST_QC_IN_DEFECT] = R("no_item"),
		[ST_QC_IN_VALUE] = R("no_item"),
		[ST_QC_IN_PHOTO] = R("no_item"),
	},
	[ST_QC_CHECKING] = {
		[ST_QC_IN_LOGIN] = R("busy"),
		[ST_QC_IN_LOGOUT] = R("busy"),
		[ST_QC_IN_ITEM] = R("already_open"),
		[ST_QC_IN_PASS] = A(CHECKING, "check_passed"),
		[ST_QC_IN_FAIL] = A(NEED_DEFECT, "check_failed"),
		[ST_QC_IN_PASS_ALL] = R("pass_all_blocked"),
		[ST_QC_IN_SKIP] = A(CHECKING, "skipped"),
		[ST_QC_IN_UNDO] = R("nothing_to_undo"),
		[ST_QC_IN_CANCEL] = A(READY, "cancelled"),
		[ST_QC_IN_REWORK] = R("nothing_failed"),
		[ST_QC_IN_HOLD] = R("nothing_failed"),
		[ST_QC_IN_SCRAP] = R("nothing_failed"),
		[ST_QC_IN_DONE] = R("checks_open"),
		[ST_QC_IN_CORRECT] = R("busy"),
		[ST_QC_IN_DEFECT] = R("no_failure"),
		[ST_QC_IN_VALUE] = A(CHECKING, "check_passed"),
		[ST_QC_IN_PHOTO] = A(CHECKING, "photo_attached"),
	},
	[ST_QC_NEED_DEFECT] = {
		[ST_QC_IN_LOGIN] = R("busy"),
		[ST_QC_IN_LOGOUT] = R("busy"),
		[ST_QC_IN_ITEM] = R("already_open"),
		[ST_QC_IN_PASS] = R("defect_needed"),
		[ST_QC_IN_FAIL] = R("defect_needed"),
		[ST_QC_IN_PASS_ALL] = R("defect_needed"),
		[ST_QC_IN_SKIP] = R("defect_needed"),
		[ST_QC_IN_UNDO] = A(CHECKING, "undone"),
		[ST_QC_IN_CANCEL] = A(READY, "cancelled"),
		[ST_QC_IN_REWORK] = R("defect_needed"),
		[ST_QC_IN_HOLD] = R("defect_needed"),
		[ST_QC_IN_SCRAP] = R("defect_needed"),
		[ST_QC_IN_DONE] = R("defect_needed"),
		[ST_QC_IN_CORRECT] = R("busy"),
		[ST_QC_IN_DEFECT] = A(CHECKING, "defect_recorded"),
		[ST_QC_IN_VALUE] = R("defect_needed"),
		[ST_QC_IN_PHOTO] = A(NEED_DEFECT, "photo_attached"),
	},
	[ST_QC_NEED_DISPOSITION] = {
		[ST_QC_IN_LOGIN] = R("busy"),
		[ST_QC_IN_LOGOUT] = R("busy"),
		[ST_QC_IN_ITEM] = R("already_open"),
		[ST_QC_IN_PASS] = R("disposition_needed"),
		[ST_QC_IN_FAIL] = R("disposition_needed"),
		[ST_QC_IN_PASS_ALL] = R("disposition_needed"),
		[ST_QC_IN_SKIP] = R("disposition_needed"),
		[ST_QC_IN_UNDO] = A(CHECKING, "undone"),
		[ST_QC_IN_CANCEL] = A(READY, "cancelled"),
		[ST_QC_IN_REWORK] = A(READY, "inspection_completed"),
		[ST_QC_IN_HOLD] = A(READY, "inspection_completed"),
		[ST_QC_IN_SCRAP] = A(READY, "inspection_completed"),
		[ST_QC_IN_DONE] = A(READY, "inspection_completed"),
		[ST_QC_IN_CORRECT] = R("busy"),
		[ST_QC_IN_DEFECT] = R("no_failure"),
		[ST_QC_IN_VALUE] = R("disposition_needed"),
		[ST_QC_IN_PHOTO] = A(NEED_DISPOSITION, "photo_attached"),
	},
};

static void qc__every_phase_and_input_has_a_defined_outcome(void **state)
{
	for (int p = 0; p < ST_QC__PHASES; p++) {
		for (int k = 0; k < ST_QC_IN__COUNT; k++) {
			const struct outcome *o = &table[p][k];
			struct bench *b = bench_new(state);
			bool refused = (int)o->next == -1;
			unsigned done = 0;
			bool acc;

			assert_non_null(o->code); /* the table is complete */
			reach(b, (enum st_qc_phase)p);
			done = b->completed;
			acc = send(b, (enum st_qc_in_kind)k);
			if (acc == refused || strcmp(code0(b), o->code) != 0)
				fail_msg("%s x %s: %s %s (%s), want %s %s", st_qc_phase_name(p),
					 st_qc_in_kind_name(k), acc ? "accepted" : "refused",
					 code0(b), b->fx.fx[0].text, refused ? "refused" : "accepted",
					 o->code);
			assert_int_equal(b->s.phase, refused ? (enum st_qc_phase)p : o->next);
			/* Only a disposition writes a record. */
			assert_int_equal(b->completed - done,
					 !strcmp(o->code, "inspection_completed") ? 1u : 0u);
			test_free(b);
		}
	}
}

/* An input kind out of range is refused like any other bad input. */
static void qc__unknown_input_kind_is_refused(void **state)
{
	struct bench *b = bench_new(state);
	struct st_qc_input in = { .kind = ST_QC_IN__COUNT };

	REFUSE(b, step(b, &in), "bad_input");
	test_free(b);
}

/* ---- scenarios ------------------------------------------------------------------- */

/* Issue 3: a good item takes two scans, the item and PASS-ALL (QC-02:
 * nothing on the earrings' line needs a value; the gauge check is one the
 * template lets PASS confirm). */
static void qc__good_item_in_two_scans(void **state)
{
	struct bench *b = bench_new(state);
	const struct st_qc_record *r = &b->last;

	earrings(b);
	ACCEPT(b, item(b));
	assert_string_equal(code0(b), "inspection_started");
	assert_non_null(strstr(find_fx(b, ST_QC_FX_PROMPT)->text, "PASS-ALL passes"));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->completed, 1);
	assert_string_equal(code0(b), "inspection_completed");
	assert_string_equal(find_fx(b, ST_QC_FX_FEEDBACK)->code, "inspection_passed");
	assert_int_equal(b->s.phase, ST_QC_READY);

	assert_string_equal(r->serial, "SN00000001");
	assert_string_equal(r->sku, "ER-HOOP-GLD");
	assert_string_equal(r->order_number, "ORD-100231");
	assert_int_equal(r->line_no, 1);
	assert_string_equal(r->category, "earrings");
	assert_int_equal(r->checklist_version, 1);
	assert_int_equal(r->operator_id, 7);
	assert_true(r->finished_ms > r->started_ms);
	assert_int_equal(r->outcome, ST_QC_OUT_PASS);
	assert_int_equal(r->disposition, ST_QC_DISP_NONE);
	assert_int_equal(r->supersedes_id, 0);
	assert_int_equal(result(r, "stones_secure")->how, ST_QC_BY_PASS_ALL);
	assert_int_equal(result(r, "post_length")->result, ST_QC_RES_PASS);
	assert_false(result(r, "post_length")->has_measured);
	assert_int_equal(result(r, "gift_box")->result, ST_QC_RES_NA);
	assert_string_equal(result(r, "gift_box")->note, "the order is not gift_box");
	assert_int_equal(result(r, "metal")->result, ST_QC_RES_NA);
	test_free(b);
}

/* QC-02: PASS-ALL never stands in for a measurement, the ordered text or
 * a photo; it is refused, naming what is needed, and changes nothing. */
static void qc__pass_all_refused_while_values_are_open(void **state)
{
	struct bench *b = bench_new(state);
	const struct st_qc_record *r = &b->last;

	ring(b);
	ACCEPT(b, item(b));
	REFUSE(b, cmd(b, ST_QC_IN_PASS_ALL), "pass_all_blocked");
	assert_non_null(strstr(b->fx.fx[0].text, "ring_size, engraving, personalization_photo"));
	assert_non_null(strstr(find_fx(b, ST_QC_FX_PROMPT)->text,
			       "PASS-ALL needs first: ring_size, engraving, personalization_photo"));

	/* A value goes to the first open check that takes one, wherever the
	 * cursor is: "item, size, engraving, photo, PASS-ALL". */
	assert_true(st_qc_wants_value(&b->s));
	ACCEPT(b, value(b, "6 1/2"));
	ACCEPT(b, value(b, "Forever & Always"));
	REFUSE(b, cmd(b, ST_QC_IN_PASS_ALL), "pass_all_blocked");
	assert_non_null(strstr(b->fx.fx[0].text, "personalization_photo"));
	assert_null(strstr(b->fx.fx[0].text, "ring_size"));
	ACCEPT(b, photo(b, "ev:1"));
	assert_false(st_qc_wants_value(&b->s)); /* metal and stone: PASS confirms */
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->completed, 1);
	assert_int_equal(r->outcome, ST_QC_OUT_PASS);
	assert_int_equal(result(r, "ring_size")->how, ST_QC_BY_VALUE);
	assert_true(result(r, "ring_size")->has_measured);
	assert_int_equal(result(r, "ring_size")->measured_milli, 6500);
	assert_int_equal(result(r, "ring_size")->expected_milli, 6500);
	assert_string_equal(result(r, "ring_size")->expected, "6.5");
	assert_string_equal(result(r, "ring_size")->found, "6 1/2");
	assert_string_equal(result(r, "engraving")->found, "Forever & Always");
	assert_int_equal(result(r, "engraving")->diff_char, 0);
	assert_string_equal(result(r, "personalization_photo")->evidence, "ev:1");
	assert_int_equal(r->n_evidence, 1);
	/* A choice PASS-ALL confirmed records the ordered value as found. */
	assert_string_equal(result(r, "metal")->found, "14k gold");
	assert_int_equal(result(r, "metal")->how, ST_QC_BY_PASS_ALL);
	assert_int_equal(result(r, "band_thickness")->result, ST_QC_RES_NA);
	test_free(b);
}

/* Issue 3: a failed engraving check shows ordered vs found text and where
 * they first differ; the defect and disposition complete the record. */
static void qc__failed_engraving_shows_ordered_and_found(void **state)
{
	struct bench *b = bench_new(state);
	const struct st_qc_record *r = &b->last;
	const struct st_qc_check_result *c;

	ring(b);
	ACCEPT(b, item(b));
	ACCEPT(b, value(b, "6.5"));
	ACCEPT(b, value(b, "Forever & Alwyas"));
	assert_string_equal(code0(b), "text_mismatch");
	assert_string_equal(b->fx.fx[0].text,
			    "engraving: ordered \"Forever & Always\", found \"Forever & Alwyas\": "
			    "first difference at character 14 (\"a\" ordered, \"y\" found)");
	assert_int_equal(b->s.phase, ST_QC_NEED_DEFECT);
	REFUSE(b, defect(b, "DEF-WOBBLY"), "unknown_defect");
	ACCEPT(b, defect(b, "def-engraving-mismatch")); /* Caps Lock off */
	assert_int_equal(b->s.phase, ST_QC_CHECKING);
	ACCEPT(b, photo(b, "ev:2"));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL)); /* the rest pass, to record all defects */
	assert_int_equal(b->s.phase, ST_QC_NEED_DISPOSITION);
	assert_int_equal(b->completed, 0);
	ACCEPT(b, cmd(b, ST_QC_IN_REWORK));
	assert_int_equal(b->completed, 1);
	assert_string_equal(find_fx(b, ST_QC_FX_FEEDBACK)->code, "inspection_failed");
	assert_int_equal(find_fx(b, ST_QC_FX_FEEDBACK)->level, ST_QC_ERROR);

	assert_int_equal(r->outcome, ST_QC_OUT_FAIL);
	assert_int_equal(r->disposition, ST_QC_DISP_REWORK);
	assert_false(r->disposition_default);
	assert_int_equal(r->rework_count, 0);
	assert_int_equal(r->n_defect, 1);
	assert_string_equal(r->defect[0].code, "ENGRAVING-MISMATCH");
	assert_int_equal(r->defect[0].severity, ST_QC_SEV_MAJOR);
	c = result(r, "engraving");
	assert_int_equal(r->defect[0].check, (unsigned)(c - r->check));
	assert_int_equal(c->result, ST_QC_RES_FAIL);
	assert_string_equal(c->expected, "Forever & Always");
	assert_string_equal(c->found, "Forever & Alwyas");
	assert_int_equal(c->diff_char, 14);
	assert_int_equal(c->diff_byte, 13);
	test_free(b);
}

/* The first difference is reported at a character, not inside one. */
static void qc__text_difference_counts_characters(void **state)
{
	static const struct {
		const char *ordered, *found;
		unsigned chr;
		size_t byte;
		const char *msg_tail;
	} t[] = {
		{ "Te amo \xe2\x99\xa5", "Te amo \xe2\x99\xa1", 8, 7,
		  "character 8 (\"\xe2\x99\xa5\" ordered, \"\xe2\x99\xa1\" found)" },
		{ "Te amo \xe2\x99\xa5", "Te amo", 7, 6,
		  "character 7 (\" \" ordered, the end of the text found)" },
		{ "Jos\xc3\xa9 & Ana", "Jose & Ana", 4, 3,
		  "character 4 (\"\xc3\xa9\" ordered, \"e\" found)" },
		{ "Mum", "Mum & Dad", 4, 3, "character 4 (the end of the text ordered, \" \" found)" },
		{ "mum", "Mum", 1, 0, "character 1 (\"m\" ordered, \"M\" found)" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct bench *b = bench_new(state);
		const struct st_qc_check_result *c;

		ring(b);
		snprintf(b->line.opt[3].value, sizeof(b->line.opt[3].value), "%s", t[i].ordered);
		ACCEPT(b, item(b));
		ACCEPT(b, value(b, "6.5"));
		ACCEPT(b, value(b, t[i].found));
		assert_string_equal(code0(b), "text_mismatch");
		if (!strstr(b->fx.fx[0].text, t[i].msg_tail))
			fail_msg("row %zu: %s", i, b->fx.fx[0].text);
		c = &b->s.rec.check[st_checklist_check_index(tmpl(b, "ring"), "engraving")];
		assert_int_equal(c->diff_char, t[i].chr);
		assert_int_equal(c->diff_byte, t[i].byte);
		test_free(b);
	}
}

/* QC-03: a reworked item is re-inspected; passing ends the loop. */
static void qc__rework_then_pass(void **state)
{
	struct bench *b = bench_new(state);
	const struct st_qc_record *r = &b->last;

	earrings(b);
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-LOOSE-STONE"));
	ACCEPT(b, cmd(b, ST_QC_IN_DONE)); /* the default for a major defect */
	assert_int_equal(r->disposition, ST_QC_DISP_REWORK);
	assert_true(r->disposition_default);
	assert_int_equal(result(r, "prongs")->result, ST_QC_RES_SKIPPED);
	assert_false(r->reinspection);

	/* Back from the bench: the store says the last inspection was rework. */
	b->hist = (struct st_qc_history){ .last_id = 11, .rework_loops = 1, .last_rework = true };
	ACCEPT(b, item(b));
	assert_non_null(strstr(find_fx(b, ST_QC_FX_FEEDBACK)->text, "re-inspection"));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->completed, 2);
	assert_int_equal(r->outcome, ST_QC_OUT_PASS);
	assert_true(r->reinspection);
	assert_false(r->escalated);
	assert_int_equal(r->rework_count, 1);
	assert_int_equal(r->supersedes_id, 0); /* a re-inspection is not a correction */
	test_free(b);
}

/* QC-03: failing the re-inspection escalates to hold; REWORK is refused. */
static void qc__rework_then_fail_escalates_to_hold(void **state)
{
	struct bench *b = bench_new(state);
	const struct st_qc_record *r = &b->last;

	earrings(b);
	b->hist = (struct st_qc_history){ .last_id = 11, .rework_loops = 1, .last_rework = true };
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-LOOSE-STONE"));
	REFUSE(b, cmd(b, ST_QC_IN_REWORK), "rework_refused");
	assert_non_null(strstr(b->fx.fx[0].text, "QC-03"));
	ACCEPT(b, cmd(b, ST_QC_IN_DONE));
	assert_int_equal(r->disposition, ST_QC_DISP_HOLD);
	assert_true(r->escalated);
	assert_true(r->disposition_default);
	assert_int_equal(r->rework_count, 1);
	assert_non_null(strstr(find_fx(b, ST_QC_FX_FEEDBACK)->text, "escalated"));

	/* The inspector may scrap it instead; that is escalated too. */
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-CRACKED-BAND"));
	ACCEPT(b, cmd(b, ST_QC_IN_SCRAP));
	assert_int_equal(r->disposition, ST_QC_DISP_SCRAP);
	assert_true(r->escalated);
	test_free(b);
}

/* QC-03: the default disposition follows the worst severity. */
static void qc__default_disposition_by_severity(void **state)
{
	static const struct {
		const char *d1, *d2;
		enum st_qc_disposition want;
	} t[] = {
		{ "DEF-MISSING-TAG", NULL, ST_QC_DISP_REWORK },
		{ "DEF-LOOSE-STONE", NULL, ST_QC_DISP_REWORK },
		{ "DEF-MISSING-STONE", NULL, ST_QC_DISP_HOLD },
		{ "DEF-MISSING-TAG", "DEF-CRACKED-BAND", ST_QC_DISP_HOLD },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct bench *b = bench_new(state);

		earrings(b);
		ACCEPT(b, item(b));
		ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
		ACCEPT(b, defect(b, t[i].d1));
		if (t[i].d2) {
			ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
			ACCEPT(b, defect(b, t[i].d2));
		}
		ACCEPT(b, cmd(b, ST_QC_IN_DONE));
		assert_int_equal(b->last.disposition, t[i].want);
		assert_int_equal(b->last.n_defect, t[i].d2 ? 2 : 1);
		test_free(b);
	}
}

/* QC-05: a correction is a new inspection naming the one it supersedes;
 * the history it counts is the one before the superseded inspection. */
static void qc__correction_supersedes_the_last_result(void **state)
{
	struct bench *b = bench_new(state);
	const struct st_qc_record *r = &b->last;

	earrings(b);
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL)); /* oops: a stone was loose */
	assert_int_equal(b->completed, 1);

	ACCEPT(b, cmd(b, ST_QC_IN_CORRECT));
	assert_int_equal(b->s.phase, ST_QC_CORRECT_ITEM);
	REFUSE(b, item(b), "no_inspection"); /* the shell found none on record */
	b->hist = (struct st_qc_history){ .last_id = 41 };
	ACCEPT(b, item(b));
	assert_string_equal(find_fx(b, ST_QC_FX_FEEDBACK)->code, "correction_started");
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-LOOSE-STONE"));
	ACCEPT(b, cmd(b, ST_QC_IN_REWORK));
	assert_int_equal(b->completed, 2);
	assert_int_equal(r->supersedes_id, 41);
	assert_int_equal(r->outcome, ST_QC_OUT_FAIL);
	assert_non_null(strstr(find_fx(b, ST_QC_FX_FEEDBACK)->text, "(correction)"));

	/* Correcting an inspection that itself ended in rework: that rework
	 * no longer counts. */
	ACCEPT(b, cmd(b, ST_QC_IN_CORRECT));
	b->hist = (struct st_qc_history){ .last_id = 42, .rework_loops = 1, .last_rework = true };
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(r->supersedes_id, 42);
	assert_int_equal(r->rework_count, 0);
	assert_false(r->reinspection);

	/* Correcting a re-inspection: it stays a re-inspection (QC-03). */
	ACCEPT(b, cmd(b, ST_QC_IN_CORRECT));
	b->hist = (struct st_qc_history){ .last_id = 43, .rework_loops = 1, .prev_rework = true };
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-LOOSE-STONE"));
	REFUSE(b, cmd(b, ST_QC_IN_REWORK), "rework_refused");
	ACCEPT(b, cmd(b, ST_QC_IN_HOLD));
	assert_int_equal(r->supersedes_id, 43);
	assert_true(r->reinspection);
	assert_true(r->escalated);
	assert_int_equal(r->rework_count, 1);

	/* CANCEL leaves the correction without a record. */
	ACCEPT(b, cmd(b, ST_QC_IN_CORRECT));
	ACCEPT(b, cmd(b, ST_QC_IN_CANCEL));
	assert_int_equal(b->s.phase, ST_QC_READY);
	assert_int_equal(b->completed, 4);
	test_free(b);
}

/* CANCEL mid-checklist leaves no record, and the next item starts clean. */
static void qc__cancel_mid_checklist_leaves_no_record(void **state)
{
	struct bench *b = bench_new(state);

	ring(b);
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-BENT-PRONG"));
	ACCEPT(b, cmd(b, ST_QC_IN_CANCEL));
	assert_string_equal(code0(b), "cancelled");
	assert_non_null(find_fx(b, ST_QC_FX_CANCELLED));
	assert_null(find_fx(b, ST_QC_FX_COMPLETED));
	assert_non_null(strstr(b->fx.fx[0].text, "nothing was recorded"));
	assert_int_equal(b->completed, 0);
	assert_int_equal(b->s.phase, ST_QC_READY);
	assert_null(b->s.cl);
	assert_string_equal(b->s.rec.serial, "");

	earrings(b);
	ACCEPT(b, item(b));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->last.outcome, ST_QC_OUT_PASS);
	assert_int_equal(b->last.n_defect, 0);
	test_free(b);
}

/* Measurements against the order with the template's tolerance: ring size
 * 6.5 +- 0.25, chain 450 +- 5 mm (QC-02). */
static void qc__measure_within_and_outside_tolerance(void **state)
{
	static const struct {
		bool ring;
		const char *in;
		bool pass;
		int64_t milli;
	} t[] = {
		{ true, "6.5", true, 6500 },	 { true, "6.75", true, 6750 },
		{ true, "6.25", true, 6250 },	 { true, "6 3/4", true, 6750 },
		{ true, "6\xc2\xbc", true, 6250 }, { true, "6.76", false, 6760 },
		{ true, "6.24", false, 6240 },	 { true, "7", false, 7000 },
		{ true, "6", false, 6000 },	 { false, "450", true, 450000 },
		{ false, "455 mm", true, 455000 }, { false, "445", true, 445000 },
		{ false, "455.001", false, 455001 }, { false, "444.9", false, 444900 },
		{ false, "500", false, 500000 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct bench *b = bench_new(state);
		const char *id = t[i].ring ? "ring_size" : "chain_length";
		const struct st_qc_check_result *c;

		if (t[i].ring)
			ring(b);
		else
			necklace(b);
		ACCEPT(b, item(b));
		ACCEPT(b, value(b, t[i].in));
		c = &b->s.rec.check[st_checklist_check_index(b->s.cl, id)];
		if ((c->result == ST_QC_RES_PASS) != t[i].pass)
			fail_msg("%s %s: %s", id, t[i].in, b->fx.fx[0].text);
		assert_int_equal(c->measured_milli, t[i].milli);
		assert_int_equal(b->s.phase, t[i].pass ? ST_QC_CHECKING : ST_QC_NEED_DEFECT);
		if (!t[i].pass)
			assert_non_null(strstr(b->fx.fx[0].text, "FAIL (off by"));
		test_free(b);
	}
}

static void qc__measure_messages_and_bad_values(void **state)
{
	struct bench *b = bench_new(state);

	ring(b);
	ACCEPT(b, item(b));
	REFUSE(b, value(b, "six and a half"), "bad_value");
	assert_non_null(strstr(b->fx.fx[0].text, "is not a number in US ring size"));
	REFUSE(b, value(b, ""), "bad_value");
	ACCEPT(b, value(b, "7"));
	assert_string_equal(b->fx.fx[0].text,
			    "ring_size: measured 7 US ring size, expected 6.5 ± 0.25 US ring size: "
			    "FAIL (off by 0.5)");
	ACCEPT(b, cmd(b, ST_QC_IN_UNDO));
	assert_string_equal(code0(b), "undone");
	/* A scale's reading arrives as a number already. */
	{
		struct st_qc_input in = { .kind = ST_QC_IN_VALUE, .has_milli = true,
					  .milli = 6600 };

		ACCEPT(b, step(b, &in));
	}
	assert_string_equal(result(&b->s.rec, "ring_size")->found, "6.6");
	test_free(b);
}

/* An ordered size no gauge can read leaves the check to the inspector's
 * eye: PASS answers it, but PASS-ALL still does not (QC-02). */
static void qc__unreadable_ordered_size_is_judged_by_eye(void **state)
{
	struct bench *b = bench_new(state);

	ring(b);
	snprintf(b->line.opt[0].value, sizeof(b->line.opt[0].value), "7 and a bit");
	ACCEPT(b, item(b));
	assert_non_null(strstr(result(&b->s.rec, "ring_size")->note, "is not a number"));
	ACCEPT(b, value(b, "Forever & Always"));
	ACCEPT(b, photo(b, "ev:3"));
	REFUSE(b, cmd(b, ST_QC_IN_PASS_ALL), "pass_all_blocked");
	assert_non_null(strstr(b->fx.fx[0].text, "ring_size"));
	while (b->s.cursor != st_checklist_check_index(b->s.cl, "ring_size"))
		ACCEPT(b, cmd(b, ST_QC_IN_PASS));
	REFUSE(b, value(b, "7"), "no_value_needed");
	ACCEPT(b, cmd(b, ST_QC_IN_PASS));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(result(&b->last, "ring_size")->how, ST_QC_BY_PASS);
	test_free(b);
}

/* Choices compare against the order's option, ignoring case. */
static void qc__choice_against_the_order(void **state)
{
	struct bench *b = bench_new(state);

	ring(b);
	ACCEPT(b, item(b));
	while (b->s.cursor != st_checklist_check_index(b->s.cl, "metal"))
		ACCEPT(b, cmd(b, ST_QC_IN_PASS));
	/* Values go to the first open value check (metal, then stone ...). */
	REFUSE(b, value(b, "bronze"), "bad_choice");
	assert_non_null(strstr(b->fx.fx[0].text, "14k gold"));
	ACCEPT(b, value(b, " 14K Gold "));
	assert_int_equal(result(&b->s.rec, "metal")->result, ST_QC_RES_PASS);
	ACCEPT(b, value(b, "sapphire")); /* stone: ordered diamond */
	assert_string_equal(code0(b), "check_failed");
	assert_non_null(strstr(b->fx.fx[0].text, "ordered \"diamond\", found \"sapphire\""));
	ACCEPT(b, defect(b, "DEF-WRONG-STONE"));
	test_free(b);
}

/* PASS on a check that needs a value or a photo is refused; FAIL is not. */
static void qc__pass_needs_what_the_check_needs(void **state)
{
	struct bench *b = bench_new(state);

	necklace(b);
	ACCEPT(b, item(b));
	while (b->s.cursor != st_checklist_check_index(b->s.cl, "chain_length"))
		ACCEPT(b, cmd(b, ST_QC_IN_PASS));
	REFUSE(b, cmd(b, ST_QC_IN_PASS), "needs_value");
	assert_non_null(strstr(b->fx.fx[0].text, "type the measured mm (ordered 450 ± 5 mm)"));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL)); /* e.g. the chain is broken */
	ACCEPT(b, defect(b, "DEF-WRONG-LENGTH"));
	test_free(b);

	b = bench_new(state);
	set_item(b, "SN00000009", "CU-BESPOKE", "custom");
	ACCEPT(b, item(b));
	while (b->s.cursor != st_checklist_check_index(b->s.cl, "photos"))
		ACCEPT(b, cmd(b, ST_QC_IN_PASS));
	REFUSE(b, cmd(b, ST_QC_IN_PASS), "needs_photo");
	REFUSE(b, cmd(b, ST_QC_IN_PASS_ALL), "pass_all_blocked");
	ACCEPT(b, photo(b, "ev:10"));
	REFUSE(b, photo(b, "ev:10"), "photo_known");
	ACCEPT(b, photo(b, "ev:11")); /* more photos are evidence */
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->last.n_evidence, 2);
	assert_string_equal(result(&b->last, "photos")->evidence, "ev:10");
	test_free(b);
}

/* UNDO takes back the last answer, PASS-ALL as a whole; SKIP defers. */
static void qc__undo_and_skip(void **state)
{
	struct bench *b = bench_new(state);
	int ring_size;

	ring(b);
	ACCEPT(b, item(b));
	ring_size = st_checklist_check_index(b->s.cl, "ring_size");
	REFUSE(b, cmd(b, ST_QC_IN_UNDO), "nothing_to_undo");
	ACCEPT(b, cmd(b, ST_QC_IN_SKIP)); /* stones_secure later */
	assert_int_equal(b->s.cursor, 1);
	ACCEPT(b, cmd(b, ST_QC_IN_PASS)); /* prongs */
	ACCEPT(b, cmd(b, ST_QC_IN_UNDO));
	assert_int_equal(b->s.rec.check[1].result, ST_QC_RES_OPEN);
	assert_int_equal(b->s.cursor, 1);
	ACCEPT(b, value(b, "6.5"));
	ACCEPT(b, value(b, "Forever & Always"));
	ACCEPT(b, photo(b, "ev:4"));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL)); /* prongs */
	ACCEPT(b, cmd(b, ST_QC_IN_UNDO)); /* the FAIL, before its defect */
	assert_int_equal(b->s.phase, ST_QC_CHECKING);
	assert_int_equal(b->s.rec.check[1].result, ST_QC_RES_OPEN);
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-BENT-PRONG"));
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->s.phase, ST_QC_NEED_DISPOSITION);
	ACCEPT(b, cmd(b, ST_QC_IN_UNDO)); /* the whole PASS-ALL */
	assert_int_equal(b->s.phase, ST_QC_CHECKING);
	assert_int_equal(b->s.rec.check[0].result, ST_QC_RES_OPEN);
	assert_int_equal(b->s.rec.check[ring_size].result, ST_QC_RES_PASS);
	ACCEPT(b, cmd(b, ST_QC_IN_UNDO)); /* the prong failure with its defect */
	assert_int_equal(b->s.rec.check[1].result, ST_QC_RES_OPEN);
	assert_string_equal(b->s.rec.check[1].defect, "");
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->last.outcome, ST_QC_OUT_PASS);
	test_free(b);
}

static void qc__refusals_before_and_around_items(void **state)
{
	struct bench *b = bench_new(state);
	struct st_qc_input in = { .kind = ST_QC_IN_LOGIN };

	REFUSE(b, step(b, &in), "bad_input"); /* operator_id 0 */
	set_item(b, "SN00000004", "WT-1", "watch");
	REFUSE(b, item(b), "no_checklist");
	earrings(b);
	b->hist.scrapped = true;
	REFUSE(b, item(b), "item_scrapped");
	b->hist.scrapped = false;
	b->item.serial[0] = '\0';
	REFUSE(b, item(b), "bad_input");
	earrings(b);
	ACCEPT(b, item(b));
	ring(b);
	REFUSE(b, item(b), "busy");
	REFUSE(b, photo(b, ""), "bad_input");
	ACCEPT(b, cmd(b, ST_QC_IN_CANCEL));

	/* An item without an order line: checks against the order do not
	 * apply, and say why. */
	ring(b);
	b->no_line = true;
	ACCEPT(b, item(b));
	assert_int_equal(result(&b->s.rec, "ring_size")->result, ST_QC_RES_NA);
	assert_string_equal(result(&b->s.rec, "ring_size")->note, "the order line has no size");
	assert_string_equal(b->s.rec.order_number, "");
	ACCEPT(b, cmd(b, ST_QC_IN_PASS_ALL));
	assert_int_equal(b->last.outcome, ST_QC_OUT_PASS);

	/* Logging out is refused mid-inspection, allowed after. */
	earrings(b);
	ACCEPT(b, item(b));
	assert_true(st_qc_busy(&b->s));
	REFUSE(b, cmd(b, ST_QC_IN_LOGOUT), "busy");
	ACCEPT(b, cmd(b, ST_QC_IN_CANCEL));
	assert_false(st_qc_busy(&b->s));
	ACCEPT(b, cmd(b, ST_QC_IN_LOGOUT));
	earrings(b);
	REFUSE(b, item(b), "login_required");
	test_free(b);
}

/* Gift box and other flags come from the order and line (QC-02, SHP-04). */
static void qc__gift_box_check_only_when_ordered(void **state)
{
	struct bench *b = bench_new(state);

	earrings(b);
	b->order.gift_box = true;
	ACCEPT(b, item(b));
	assert_int_equal(result(&b->s.rec, "gift_box")->result, ST_QC_RES_OPEN);
	while (b->s.cursor != st_checklist_check_index(b->s.cl, "gift_box"))
		ACCEPT(b, cmd(b, ST_QC_IN_PASS));
	ACCEPT(b, cmd(b, ST_QC_IN_FAIL));
	ACCEPT(b, defect(b, "DEF-MISSING-GIFT-BOX"));
	assert_int_equal(b->completed, 0);
	assert_int_equal(b->s.phase, ST_QC_NEED_DISPOSITION);
	ACCEPT(b, cmd(b, ST_QC_IN_DONE));
	assert_int_equal(b->last.disposition, ST_QC_DISP_REWORK);
	assert_int_equal(b->last.defect[0].severity, ST_QC_SEV_MINOR);
	test_free(b);
}

/* ---- defect codes, scans, names ----------------------------------------------------- */

static void qc__defect_table(void **state)
{
	size_t n, i, j;
	const struct st_qc_defect_def *d = st_qc_defects(&n);
	(void)state;

	assert_true(n >= 20);
	for (i = 0; i < n; i++) {
		assert_true(strlen(d[i].code) > 0 && strlen(d[i].code) < ST_QC_DEFECT_LEN);
		for (const char *c = d[i].code; *c; c++)
			assert_true((*c >= 'A' && *c <= 'Z') || *c == '-'); /* Code 39 safe */
		assert_true(strlen(d[i].description) > 0);
		assert_non_null(st_qc_severity_name(d[i].severity));
		for (j = 0; j < i; j++)
			assert_string_not_equal(d[i].code, d[j].code);
		assert_ptr_equal(st_qc_defect_find(d[i].code, strlen(d[i].code)), &d[i]);
	}
	assert_string_equal(st_qc_defect_find("DEF-LOOSE-STONE", 15)->code, "LOOSE-STONE");
	assert_string_equal(st_qc_defect_find("def-loose-stone", 15)->code, "LOOSE-STONE");
	assert_null(st_qc_defect_find("DEF-LOOSE", 9));
	assert_null(st_qc_defect_find("DEF-", 4));
	assert_null(st_qc_defect_find(NULL, 0));
	assert_null(st_qc_defect_find("DEF-LOOSE-STONEX", 16));
}

static void qc__input_from_scan(void **state)
{
	static const struct {
		const char *scan;
		int rc;
		enum st_qc_in_kind kind;
	} t[] = {
		{ "CMD-PASS", ST_OK, ST_QC_IN_PASS },
		{ "CMD-PASS-ALL", ST_OK, ST_QC_IN_PASS_ALL },
		{ "cmd-fail", ST_OK, ST_QC_IN_FAIL },
		{ "CMD-UNDO", ST_OK, ST_QC_IN_UNDO },
		{ "CMD-SKIP", ST_OK, ST_QC_IN_SKIP },
		{ "CMD-CANCEL", ST_OK, ST_QC_IN_CANCEL },
		{ "CMD-REWORK", ST_OK, ST_QC_IN_REWORK },
		{ "CMD-HOLD", ST_OK, ST_QC_IN_HOLD },
		{ "CMD-SCRAP", ST_OK, ST_QC_IN_SCRAP },
		{ "CMD-DONE", ST_OK, ST_QC_IN_DONE },
		{ "CMD-CORRECT", ST_OK, ST_QC_IN_CORRECT },
		{ "CMD-LOGOUT", ST_OK, ST_QC_IN_LOGOUT },
		{ "DEF-LOOSE-STONE", ST_OK, ST_QC_IN_DEFECT },
		{ "def-whatever", ST_OK, ST_QC_IN_DEFECT }, /* the workflow names it unknown */
		{ "CMD-PRINT", ST_ERR_NOTFOUND, 0 },
		{ "CMD-FLY", ST_ERR_NOTFOUND, 0 },
		{ "DEF-", ST_ERR_NOTFOUND, 0 },
		{ "SN00001001", ST_ERR_NOTFOUND, 0 },
		{ "BADGE-0001", ST_ERR_NOTFOUND, 0 },
		{ "6.5", ST_ERR_NOTFOUND, 0 },
	};
	static struct st_bc bc;
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_qc_input in = { .kind = ST_QC_IN__COUNT };

		st_bc_parse(t[i].scan, strlen(t[i].scan), NULL, &bc);
		if (st_qc_input_from_scan(&bc, &in) != t[i].rc)
			fail_msg("%s: rc", t[i].scan);
		if (t[i].rc == ST_OK)
			assert_int_equal(in.kind, t[i].kind);
		if (in.kind == ST_QC_IN_DEFECT) {
			/* The classifier takes the prefix off and upper-cases
			 * the code (a wedge scanner with Caps Lock). */
			assert_int_equal(in.text_len, strlen(t[i].scan) - 4);
			for (size_t j = 0; j < in.text_len; j++)
				assert_int_equal(in.text[j], toupper((unsigned char)t[i].scan[4 + j]));
		}
	}
}

static void qc__names(void **state)
{
	(void)state;
	for (int i = 0; i < ST_QC__PHASES; i++)
		assert_non_null(st_qc_phase_name((enum st_qc_phase)i));
	for (int i = 0; i < ST_QC_IN__COUNT; i++)
		assert_non_null(st_qc_in_kind_name((enum st_qc_in_kind)i));
	for (int i = ST_QC_RES_OPEN; i <= ST_QC_RES_SKIPPED; i++)
		assert_non_null(st_qc_result_name((enum st_qc_result)i));
	for (int i = ST_QC_BY_NONE; i <= ST_QC_BY_PHOTO; i++)
		assert_non_null(st_qc_how_name((enum st_qc_how)i));
	for (int i = ST_QC_DISP_NONE; i <= ST_QC_DISP_SCRAP; i++)
		assert_non_null(st_qc_disposition_name((enum st_qc_disposition)i));
	/* The store's value sets (store_schema.c) use these words. */
	assert_string_equal(st_qc_result_name(ST_QC_RES_NA), "na");
	assert_string_equal(st_qc_result_name(ST_QC_RES_SKIPPED), "skipped");
	assert_string_equal(st_qc_outcome_name(ST_QC_OUT_FAIL), "fail");
	assert_string_equal(st_qc_disposition_name(ST_QC_DISP_REWORK), "rework");
	assert_string_equal(st_qc_severity_name(ST_QC_SEV_CRITICAL), "critical");
	assert_null(st_qc_phase_name(ST_QC__PHASES));
	assert_null(st_qc_in_kind_name(ST_QC_IN__COUNT));
	assert_null(st_qc_severity_name((enum st_qc_severity)0));
	assert_null(st_qc_disposition_name((enum st_qc_disposition)9));
}

/* ---- the random walk ------------------------------------------------------------ */

/* 20000 inputs drawn by a fixed LCG: after each, the invariants of
 * check_effects() and check_record() hold, and the walk reaches every
 * phase and completes inspections both ways. */
static void qc__random_walk_keeps_invariants(void **state)
{
	static const char *const values[] = { "450", "6.5", "7", "Forever & Always", "Forever",
					       "14k gold", "sapphire", "x", "" };
	static const char *const defects[] = { "DEF-LOOSE-STONE", "DEF-MISSING-STONE",
					       "DEF-NOPE", "DEF-MISSING-TAG" };
	struct bench *b = bench_new(state);
	uint32_t seed = 12345;
	unsigned seen[ST_QC__PHASES] = { 0 }, passes = 0, fails = 0;
	char ev[32];

	for (int n = 0; n < 20000; n++) {
		unsigned r, k;

		seed = seed * 1103515245u + 12345u;
		r = seed >> 8;
		k = r % (ST_QC_IN__COUNT + 3);
		if (k >= ST_QC_IN__COUNT)
			k = ST_QC_IN_PASS; /* weight PASS up, to get through lists */
		switch (k) {
		case ST_QC_IN_ITEM:
			switch ((r >> 8) % 3) {
			case 0:
				ring(b);
				break;
			case 1:
				necklace(b);
				break;
			default:
				earrings(b);
				break;
			}
			b->hist.last_id = (r >> 12) % 2 ? 9 : 0;
			b->hist.last_rework = (r >> 13) % 2;
			b->hist.rework_loops = b->hist.last_rework;
			b->order.gift_box = (r >> 14) % 2;
			item(b);
			break;
		case ST_QC_IN_VALUE:
			value(b, values[(r >> 8) % (sizeof(values) / sizeof(values[0]))]);
			break;
		case ST_QC_IN_DEFECT:
			defect(b, defects[(r >> 8) % 4]);
			break;
		case ST_QC_IN_PHOTO:
			snprintf(ev, sizeof(ev), "ev:%u", (r >> 8) % 16);
			photo(b, ev);
			break;
		default:
			cmd(b, (enum st_qc_in_kind)k);
			break;
		}
		seen[b->s.phase]++;
		if (b->fx.accepted && b->fx.fx[0].kind == ST_QC_FX_COMPLETED) {
			if (b->last.outcome == ST_QC_OUT_PASS)
				passes++;
			else
				fails++;
		}
	}
	for (int p = 0; p < ST_QC__PHASES; p++)
		if (!seen[p])
			fail_msg("phase %s never reached", st_qc_phase_name(p));
	assert_true(passes > 0 && fails > 0);
	test_free(b);
}

/* ---- setup ------------------------------------------------------------------------ */

static int group_setup(void **state)
{
	struct st_checklist_set *set = malloc(sizeof(*set));
	const char *src = getenv("QC_SRC");
	char dir[1024], err[512];

	if (!set)
		return -1;
	snprintf(dir, sizeof(dir), "%s/data/checklists", src ? src : ".");
	if (st_checklist_load_dir(dir, set, err, sizeof(err)) != ST_OK) {
		fprintf(stderr, "%s\n", err);
		free(set);
		return -1;
	}
	*state = set;
	return 0;
}

static int group_teardown(void **state)
{
	free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qc__every_phase_and_input_has_a_defined_outcome),
		cmocka_unit_test(qc__unknown_input_kind_is_refused),
		cmocka_unit_test(qc__good_item_in_two_scans),
		cmocka_unit_test(qc__pass_all_refused_while_values_are_open),
		cmocka_unit_test(qc__failed_engraving_shows_ordered_and_found),
		cmocka_unit_test(qc__text_difference_counts_characters),
		cmocka_unit_test(qc__rework_then_pass),
		cmocka_unit_test(qc__rework_then_fail_escalates_to_hold),
		cmocka_unit_test(qc__default_disposition_by_severity),
		cmocka_unit_test(qc__correction_supersedes_the_last_result),
		cmocka_unit_test(qc__cancel_mid_checklist_leaves_no_record),
		cmocka_unit_test(qc__measure_within_and_outside_tolerance),
		cmocka_unit_test(qc__measure_messages_and_bad_values),
		cmocka_unit_test(qc__unreadable_ordered_size_is_judged_by_eye),
		cmocka_unit_test(qc__choice_against_the_order),
		cmocka_unit_test(qc__pass_needs_what_the_check_needs),
		cmocka_unit_test(qc__undo_and_skip),
		cmocka_unit_test(qc__refusals_before_and_around_items),
		cmocka_unit_test(qc__gift_box_check_only_when_ordered),
		cmocka_unit_test(qc__defect_table),
		cmocka_unit_test(qc__input_from_scan),
		cmocka_unit_test(qc__names),
		cmocka_unit_test(qc__random_walk_keeps_invariants),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
