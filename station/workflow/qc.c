/* station/workflow: the QC inspection state machine (st/qc.h).
 *
 * One handler per input kind, each switching on the phase.  Every handler
 * checks everything first and changes the state only once it has decided
 * to accept the input, so a refusal leaves the state as it was (the tests
 * compare the bytes).  The phase table, the PASS-ALL rule and the defect
 * codes are documented in docs/internals/qc-workflow.md; a change here
 * changes that page in the same commit.
 *
 * Rule references: QC-01 (an item is inspected before it ships: the record
 * is what packing checks), QC-02 (the checklist by category, resolved
 * against the order line), QC-03 (defect code, severity, disposition,
 * rework loops and escalation), QC-04 (photo evidence), QC-05 (operator,
 * times, corrections supersede).
 */
#include "st/qc.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "st/err.h"

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#if defined(__GNUC__)
#define QC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QC_PRINTF(f, a)
#endif

/* SQLite's NEVER(): a "can't happen" check that asserts in debug builds. */
#ifndef NDEBUG
#define QC_NEVER(x) ((x) ? (assert(0), 1) : 0)
#else
#define QC_NEVER(x) (x)
#endif

#define DEFECT_PREFIX "DEF-"

/* ---- the defect table ----------------------------------------------------------
 * Default severities follow the damage to the customer: critical = the piece
 * may be lost or unsafe to wear (a lead decides: hold), major = it does not
 * match the order or will fail soon (rework), minor = cosmetic or packaging
 * (rework).  The inspector's disposition overrides the default. */
static const struct st_qc_defect_def defects[] = {
	{ "LOOSE-STONE", "a stone moves in its setting", ST_QC_SEV_MAJOR },
	{ "MISSING-STONE", "a stone is missing", ST_QC_SEV_CRITICAL },
	{ "CHIPPED-STONE", "a stone is chipped or cracked", ST_QC_SEV_CRITICAL },
	{ "BENT-PRONG", "a prong is bent, pulled or caught", ST_QC_SEV_MAJOR },
	{ "BROKEN-PRONG", "a prong is broken", ST_QC_SEV_MAJOR },
	{ "CRACKED-BAND", "the band or shank is cracked", ST_QC_SEV_CRITICAL },
	{ "THIN-BAND", "the band is thinning", ST_QC_SEV_MAJOR },
	{ "UNEVEN-PLATING", "plating is uneven, thin or discoloured", ST_QC_SEV_MINOR },
	{ "POOR-FINISH", "polish or finish is uneven; scratches or marks", ST_QC_SEV_MINOR },
	{ "WRONG-METAL", "metal or metal colour differs from the order", ST_QC_SEV_MAJOR },
	{ "WRONG-STONE", "stone or stone colour differs from the order", ST_QC_SEV_MAJOR },
	{ "WRONG-SIZE", "ring size differs from the order", ST_QC_SEV_MAJOR },
	{ "WRONG-LENGTH", "chain or bracelet length differs from the order", ST_QC_SEV_MAJOR },
	{ "OUT-OF-SPEC", "a measurement is outside the template's tolerance", ST_QC_SEV_MAJOR },
	{ "ENGRAVING-MISMATCH", "engraved text differs from the order", ST_QC_SEV_MAJOR },
	{ "ENGRAVING-QUALITY", "engraving is shallow, uneven or smudged", ST_QC_SEV_MINOR },
	{ "PHOTO-MISMATCH", "photo personalization differs from the order", ST_QC_SEV_MAJOR },
	{ "BROKEN-CLASP", "a clasp, post or closure does not hold", ST_QC_SEV_MAJOR },
	{ "KINKED-CHAIN", "the chain is kinked or knotted", ST_QC_SEV_MINOR },
	{ "PAIR-MISMATCH", "the pieces of a pair or set do not match", ST_QC_SEV_MAJOR },
	{ "DESIGN-MISMATCH", "a custom piece differs from the confirmed design", ST_QC_SEV_CRITICAL },
	{ "MISSING-TAG", "the jewelry tag is missing", ST_QC_SEV_MINOR },
	{ "WRONG-PACKAGING", "packaging is wrong, dirty or damaged", ST_QC_SEV_MINOR },
	{ "MISSING-GIFT-BOX", "the order asks for a gift box and there is none", ST_QC_SEV_MINOR },
	{ "NO-PHOTO", "the photo evidence cannot be taken or is unusable", ST_QC_SEV_MINOR },
	{ "OTHER", "another defect (tell the lead)", ST_QC_SEV_MAJOR },
};

const struct st_qc_defect_def *st_qc_defects(size_t *n)
{
	*n = sizeof(defects) / sizeof(defects[0]);
	return defects;
}

static char upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);

	if (n < pn)
		return false;
	for (size_t i = 0; i < pn; i++)
		if (upper(s[i]) != prefix[i])
			return false;
	return true;
}

const struct st_qc_defect_def *st_qc_defect_find(const char *s, size_t n)
{
	if (!s)
		return NULL;
	if (prefix_ci(s, n, DEFECT_PREFIX)) {
		s += strlen(DEFECT_PREFIX);
		n -= strlen(DEFECT_PREFIX);
	}
	for (size_t i = 0; i < sizeof(defects) / sizeof(defects[0]); i++) {
		const char *c = defects[i].code;
		size_t k;

		if (strlen(c) != n)
			continue;
		for (k = 0; k < n; k++)
			if (upper(s[k]) != c[k])
				break;
		if (k == n)
			return &defects[i];
	}
	return NULL;
}

/* ---- names ----------------------------------------------------------------------- */

static const char *const phase_names[ST_QC__PHASES] = {
	"logged_out", "ready", "correct_item", "checking", "need_defect", "need_disposition",
};
static const char *const kind_names[ST_QC_IN__COUNT] = {
	"login", "logout", "item", "pass", "fail", "pass_all", "skip", "undo", "cancel",
	"rework", "hold", "scrap", "done", "correct", "defect", "value", "photo",
};
static const char *const result_names[] = { "open", "pass", "fail", "na", "skipped" };
static const char *const how_names[] = { "none", "pass", "pass_all", "fail", "value", "photo" };
static const char *const outcome_names[] = { "none", "pass", "fail" };
static const char *const disposition_names[] = { "none", "rework", "hold", "scrap" };
static const char *const severity_names[] = { NULL, "minor", "major", "critical" };

#define NAME(tab, v) ((unsigned)(v) < sizeof(tab) / sizeof(tab[0]) ? tab[v] : NULL)

const char *st_qc_phase_name(enum st_qc_phase p)
{
	return NAME(phase_names, p);
}

const char *st_qc_in_kind_name(enum st_qc_in_kind k)
{
	return NAME(kind_names, k);
}

const char *st_qc_result_name(enum st_qc_result r)
{
	return NAME(result_names, r);
}

const char *st_qc_how_name(enum st_qc_how h)
{
	return NAME(how_names, h);
}

const char *st_qc_outcome_name(enum st_qc_outcome o)
{
	return NAME(outcome_names, o);
}

const char *st_qc_disposition_name(enum st_qc_disposition d)
{
	return NAME(disposition_names, d);
}

const char *st_qc_severity_name(enum st_qc_severity sev)
{
	return NAME(severity_names, sev);
}

/* ---- effects -------------------------------------------------------------------- */

static struct st_qc_fx *fx_push(struct st_qc_effects *fx, enum st_qc_fx_kind kind,
				enum st_qc_level level, const char *code, int check)
{
	struct st_qc_fx *e;

	if (QC_NEVER(fx->n >= ST_QC_FX_MAX))
		fx->n = ST_QC_FX_MAX - 1; /* keep the last slot for the prompt */
	e = &fx->fx[fx->n++];
	e->kind = kind;
	e->level = level;
	e->code = code;
	e->check = check;
	e->text[0] = '\0';
	return e;
}

static void fx_add(struct st_qc_effects *fx, enum st_qc_fx_kind kind, enum st_qc_level level,
		   const char *code, int check, const char *fmt, ...) QC_PRINTF(6, 7);

static void fx_add(struct st_qc_effects *fx, enum st_qc_fx_kind kind, enum st_qc_level level,
		   const char *code, int check, const char *fmt, ...)
{
	struct st_qc_fx *e = fx_push(fx, kind, level, code, check);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

/* Refuse the input: one feedback, the state untouched.  Returns false (not
 * accepted), so handlers can `return refuse(...)`. */
static bool refuse(struct st_qc_effects *fx, enum st_qc_level level, const char *code,
		   const char *fmt, ...) QC_PRINTF(4, 5);

static bool refuse(struct st_qc_effects *fx, enum st_qc_level level, const char *code,
		   const char *fmt, ...)
{
	struct st_qc_fx *e = fx_push(fx, ST_QC_FX_FEEDBACK, level, code, -1);
	va_list ap;

	fx->accepted = false;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return false;
}

/* Append to buf (NUL-terminated, cap bytes); a full buffer is cut short. */
static void cat(char *buf, size_t cap, const char *fmt, ...) QC_PRINTF(3, 4);

static void cat(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
}

/* ---- the inspection in the state -------------------------------------------------- */

static bool bit(uint32_t mask, int i)
{
	return (mask >> i) & 1u;
}

static bool is_open(const struct st_qc *s, int i)
{
	return s->rec.check[i].result == ST_QC_RES_OPEN;
}

static int n_checks(const struct st_qc *s)
{
	return (int)s->rec.n_check;
}

/* The first open check after `from` (wrapping, `from` itself last), -1 none. */
static int next_open(const struct st_qc *s, int from)
{
	int n = n_checks(s);

	for (int k = 1; k <= n; k++) {
		int i = (from + k) % n;

		if (is_open(s, i))
			return i;
	}
	return -1;
}

static int first_open(const struct st_qc *s)
{
	return next_open(s, n_checks(s) - 1);
}

static unsigned count_open(const struct st_qc *s)
{
	unsigned n = 0;

	for (int i = 0; i < n_checks(s); i++)
		n += is_open(s, i);
	return n;
}

static unsigned count_failed(const struct st_qc *s)
{
	unsigned n = 0;

	for (int i = 0; i < n_checks(s); i++)
		n += s->rec.check[i].result == ST_QC_RES_FAIL;
	return n;
}

static bool any_failed(const struct st_qc *s)
{
	return count_failed(s) > 0;
}

/* The record keeps ST_QC_DEFECT_MAX defects (as the store does). */
static bool defects_full(const struct st_qc *s, struct st_qc_effects *fx)
{
	if (count_failed(s) < ST_QC_DEFECT_MAX)
		return false;
	refuse(fx, ST_QC_ERROR, "too_many_defects",
	       "%d checks have failed already: choose REWORK, HOLD or SCRAP", ST_QC_DEFECT_MAX);
	return true;
}

/* QC-02: PASS-ALL answers a check only where a single PASS would be a
 * complete answer and no comparison with the order is skipped: pass/fail
 * checks, choices PASS confirms against the order, and measurements or
 * text matches a template marks "confirm". */
static bool pass_all_ok(const struct st_qc *s, int i)
{
	const struct st_check *c = &s->cl->check[i];

	if (!bit(s->pass_ok, i))
		return false;
	if (c->type == ST_CHECK_MEASURE || c->type == ST_CHECK_TEXT_MATCH)
		return c->confirm;
	return true;
}

static void clear_inspection(struct st_qc *s)
{
	s->cl = NULL;
	s->cursor = -1;
	s->pending = -1;
	s->batch = 0;
	memset(s->answered_in, 0, sizeof(s->answered_in));
	s->takes_value = 0;
	s->pass_ok = 0;
	memset(&s->rec, 0, sizeof(s->rec));
}

void st_qc_init(struct st_qc *s)
{
	memset(s, 0, sizeof(*s));
	s->phase = ST_QC_LOGGED_OUT;
	clear_inspection(s);
}

bool st_qc_busy(const struct st_qc *s)
{
	return s->phase == ST_QC_CORRECT_ITEM || s->phase == ST_QC_CHECKING ||
	       s->phase == ST_QC_NEED_DEFECT || s->phase == ST_QC_NEED_DISPOSITION;
}

static int value_target(const struct st_qc *s);

bool st_qc_wants_value(const struct st_qc *s)
{
	return s->phase == ST_QC_CHECKING && value_target(s) >= 0;
}

/* ---- describing checks --------------------------------------------------------- */

/* "6.5 ± 0.25 US ring size" for a measure's expectation. */
static const char *expect_text(const struct st_check *c, const struct st_qc_check_result *r,
			       char *buf, size_t cap)
{
	char a[32], b[32];

	buf[0] = '\0';
	if (r->has_expected)
		snprintf(buf, cap, "%s ± %s %s", st_milli_format(r->expected_milli, a, sizeof(a)),
			 st_milli_format(r->tolerance_milli, b, sizeof(b)), c->unit);
	return buf;
}

/* What check i still needs, for prompts and refusals. */
static void describe_need(const struct st_qc *s, int i, char *buf, size_t cap)
{
	const struct st_check *c = &s->cl->check[i];
	const struct st_qc_check_result *r = &s->rec.check[i];
	char e[96];

	buf[0] = '\0';
	switch (c->type) {
	case ST_CHECK_PASS_FAIL:
		cat(buf, cap, "PASS or FAIL");
		break;
	case ST_CHECK_MEASURE:
		if (bit(s->takes_value, i))
			cat(buf, cap, "type the measured %s (%s %s)", c->unit,
			    c->option[0] && r->expected[0] ? "ordered" : "nominal",
			    expect_text(c, r, e, sizeof(e)));
		else
			cat(buf, cap, "%s; compare by eye: PASS or FAIL", r->note);
		if (c->confirm && bit(s->takes_value, i))
			cat(buf, cap, ", or PASS to confirm without a value");
		break;
	case ST_CHECK_TEXT_MATCH:
		cat(buf, cap, "type the %s as found on the piece (ordered: \"%s\")", c->option,
		    r->expected);
		if (c->confirm)
			cat(buf, cap, ", or PASS to confirm it matches");
		break;
	case ST_CHECK_CHOICE:
		if (r->expected[0])
			cat(buf, cap, "PASS if it is \"%s\" as ordered, else scan what it is:",
			    r->expected);
		else
			cat(buf, cap, "scan or type one of:");
		for (unsigned k = 0; k < c->n_choice; k++)
			cat(buf, cap, "%s %s", k ? "," : "", c->choice[k]);
		break;
	case ST_CHECK_PHOTO:
		cat(buf, cap, "take the photo (or FAIL)");
		break;
	case ST_CHECK__COUNT:
		break;
	}
}

/* The ids of the open checks PASS-ALL cannot answer, into buf; count. */
static unsigned pass_all_blockers(const struct st_qc *s, char *buf, size_t cap)
{
	unsigned n = 0;

	buf[0] = '\0';
	for (int i = 0; i < n_checks(s); i++) {
		if (!is_open(s, i) || pass_all_ok(s, i))
			continue;
		cat(buf, cap, "%s%s", n ? ", " : "", s->cl->check[i].id);
		n++;
	}
	return n;
}

static void prompt(const struct st_qc *s, struct st_qc_effects *fx)
{
	struct st_qc_fx *e;
	char need[ST_QC_MSG_LEN], blk[ST_QC_MSG_LEN];
	int i = s->cursor;

	switch (s->phase) {
	case ST_QC_LOGGED_OUT:
		fx_add(fx, ST_QC_FX_PROMPT, ST_QC_INFO, "scan_badge", -1,
		       "scan your operator badge");
		return;
	case ST_QC_READY:
		fx_add(fx, ST_QC_FX_PROMPT, ST_QC_INFO, "scan_item", -1,
		       "scan an item to inspect (CORRECT to correct an item's last inspection)");
		return;
	case ST_QC_CORRECT_ITEM:
		fx_add(fx, ST_QC_FX_PROMPT, ST_QC_INFO, "scan_item_to_correct", -1,
		       "scan the item whose last inspection you are correcting (CANCEL to stop)");
		return;
	case ST_QC_NEED_DEFECT:
		fx_add(fx, ST_QC_FX_PROMPT, ST_QC_INFO, "scan_defect", s->pending,
		       "scan the defect code (DEF-...) for \"%s\"; UNDO takes the failure back",
		       s->cl->check[s->pending].label);
		return;
	case ST_QC_NEED_DISPOSITION: {
		bool re = s->rec.reinspection;
		enum st_qc_severity worst = ST_QC_SEV_MINOR;

		for (int k = 0; k < n_checks(s); k++)
			if (s->rec.check[k].severity > worst)
				worst = s->rec.check[k].severity;
		if (re)
			fx_add(fx, ST_QC_FX_PROMPT, ST_QC_INFO, "choose_disposition", -1,
			       "failed its re-inspection (QC-03): HOLD or SCRAP (DONE = HOLD)");
		else
			fx_add(fx, ST_QC_FX_PROMPT, ST_QC_INFO, "choose_disposition", -1,
			       "choose REWORK, HOLD or SCRAP (DONE = %s)",
			       worst == ST_QC_SEV_CRITICAL ? "HOLD" : "REWORK");
		return;
	}
	case ST_QC_CHECKING:
		break;
	case ST_QC__PHASES:
		return;
	}
	if (QC_NEVER(i < 0 || i >= n_checks(s)))
		return;
	describe_need(s, i, need, sizeof(need));
	e = fx_push(fx, ST_QC_FX_PROMPT, ST_QC_INFO, "answer_check", i);
	snprintf(e->text, sizeof(e->text), "check %d/%d %s: %s: ", i + 1, n_checks(s),
		 s->cl->check[i].id, s->cl->check[i].label);
	cat(e->text, sizeof(e->text), "%s", need);
	if (pass_all_blockers(s, blk, sizeof(blk)))
		cat(e->text, sizeof(e->text), " [PASS-ALL needs first: %s]", blk);
	else
		cat(e->text, sizeof(e->text), " [PASS-ALL passes the %u open checks]",
		    count_open(s));
}

/* ---- resolving a checklist against an order line (QC-02) -------------------------- */

static const char *line_option(const struct st_line *l, const char *name)
{
	if (!l)
		return NULL;
	for (unsigned i = 0; i < l->n_opt && i < ST_OPT_MAX; i++)
		if (strcmp(l->opt[i].name, name) == 0 && l->opt[i].value[0])
			return l->opt[i].value;
	return NULL;
}

static bool flag_set(const struct st_qc_input *in, const char *flag)
{
	const struct st_line *l = in->line;
	const struct st_order *o = in->order;

	if (!strcmp(flag, "gift_box"))
		return o && o->gift_box;
	if (!strcmp(flag, "custom"))
		return (o && o->custom) || (l && l->custom);
	if (!strcmp(flag, "personalized"))
		return l && l->personalized;
	if (!strcmp(flag, "special_order"))
		return l && l->special_order;
	if (!strcmp(flag, "design_your_own"))
		return l && l->design_your_own;
	if (!strcmp(flag, "custom_size"))
		return l && l->custom_size;
	return false;
}

/* src into dst[cap], cut short when it does not fit. */
static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memmove(dst, src, n);
	dst[n] = '\0';
}

static void resolve_check(struct st_qc *s, const struct st_qc_input *in, int i)
{
	const struct st_check *c = &s->cl->check[i];
	struct st_qc_check_result *r = &s->rec.check[i];
	const char *ov = c->option[0] ? line_option(in->line, c->option) : NULL;
	uint32_t b = 1u << i;
	int64_t v;

	copy_text(r->id, sizeof(r->id), c->id);
	r->type = c->type;
	if (c->when == ST_WHEN_OPTION && !line_option(in->line, c->when_key)) {
		r->result = ST_QC_RES_NA;
		snprintf(r->note, sizeof(r->note), "the order line has no %s", c->when_key);
		return;
	}
	if (c->when == ST_WHEN_FLAG && !flag_set(in, c->when_key)) {
		r->result = ST_QC_RES_NA;
		snprintf(r->note, sizeof(r->note), "the order is not %s", c->when_key);
		return;
	}
	switch (c->type) {
	case ST_CHECK_PASS_FAIL:
		s->pass_ok |= b;
		break;
	case ST_CHECK_PHOTO:
		break;
	case ST_CHECK_MEASURE:
		r->tolerance_milli = c->tolerance_milli;
		if (ov) {
			copy_text(r->expected, sizeof(r->expected), ov);
			if (st_milli_parse(ov, strlen(ov), c->unit, &v) == ST_OK) {
				r->has_expected = true;
				r->expected_milli = v;
				s->takes_value |= b;
			} else {
				/* The order says something no scale or gauge
				 * reads ("7 and a bit"): the inspector judges. */
				snprintf(r->note, sizeof(r->note), "ordered %s \"%.60s\" is not a number",
					 c->option, ov);
				s->pass_ok |= b;
			}
		} else if (c->has_nominal) {
			r->has_expected = true;
			r->expected_milli = c->nominal_milli;
			s->takes_value |= b;
		} else {
			r->result = ST_QC_RES_NA;
			snprintf(r->note, sizeof(r->note), "the order line has no %s", c->option);
			return;
		}
		if (c->confirm)
			s->pass_ok |= b;
		break;
	case ST_CHECK_TEXT_MATCH:
		if (!ov) {
			r->result = ST_QC_RES_NA;
			snprintf(r->note, sizeof(r->note), "the order line has no %s", c->option);
			return;
		}
		copy_text(r->expected, sizeof(r->expected), ov);
		s->takes_value |= b;
		if (c->confirm)
			s->pass_ok |= b;
		break;
	case ST_CHECK_CHOICE:
		s->takes_value |= b;
		if (ov) {
			copy_text(r->expected, sizeof(r->expected), ov);
			s->pass_ok |= b; /* PASS = "as ordered" */
		}
		break;
	case ST_CHECK__COUNT:
		break;
	}
}

/* ---- answering ----------------------------------------------------------------- */

static void answer(struct st_qc *s, int i, enum st_qc_result res, enum st_qc_how how)
{
	s->rec.check[i].result = res;
	s->rec.check[i].how = how;
	s->answered_in[i] = s->batch;
}

static void unanswer(struct st_qc *s, int i)
{
	struct st_qc_check_result *r = &s->rec.check[i];

	r->result = ST_QC_RES_OPEN;
	r->how = ST_QC_BY_NONE;
	r->has_measured = false;
	r->measured_milli = 0;
	r->found[0] = '\0';
	r->diff_char = 0;
	r->diff_byte = 0;
	r->evidence[0] = '\0';
	r->defect[0] = '\0';
	r->severity = 0;
	s->answered_in[i] = 0;
}

static enum st_qc_disposition default_disposition(const struct st_qc *s)
{
	if (s->rec.reinspection)
		return ST_QC_DISP_HOLD; /* QC-03: failed again, escalate */
	for (int i = 0; i < n_checks(s); i++)
		if (s->rec.check[i].result == ST_QC_RES_FAIL &&
		    s->rec.check[i].severity == ST_QC_SEV_CRITICAL)
			return ST_QC_DISP_HOLD;
	return ST_QC_DISP_REWORK;
}

/* End the inspection: the record goes into the effects (first), the state
 * back to READY. */
static void complete(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx,
		     enum st_qc_disposition d, bool by_default)
{
	struct st_qc_record *rec = &s->rec;
	char list[ST_QC_MSG_LEN] = "";
	struct st_qc_fx *e;

	rec->finished_ms = in->ts_ms;
	rec->outcome = any_failed(s) ? ST_QC_OUT_FAIL : ST_QC_OUT_PASS;
	rec->n_defect = 0;
	for (int i = 0; i < n_checks(s); i++) {
		struct st_qc_check_result *r = &rec->check[i];

		if (r->result == ST_QC_RES_OPEN)
			r->result = ST_QC_RES_SKIPPED;
		if (r->result != ST_QC_RES_FAIL)
			continue;
		copy_text(rec->defect[rec->n_defect].code, sizeof(rec->defect[0].code), r->defect);
		rec->defect[rec->n_defect].severity = r->severity;
		rec->defect[rec->n_defect].check = (unsigned)i;
		cat(list, sizeof(list), "%s%s (%s)", rec->n_defect ? ", " : "", r->defect,
		    st_qc_severity_name(r->severity));
		rec->n_defect++;
	}
	rec->disposition = rec->outcome == ST_QC_OUT_PASS ? ST_QC_DISP_NONE : d;
	rec->disposition_default = rec->outcome == ST_QC_OUT_FAIL && by_default;
	rec->escalated = rec->outcome == ST_QC_OUT_FAIL && rec->reinspection;

	/* The store write goes first: the shell commits it before it shows
	 * anything, so "PASS" on the screen is a pass on disk. */
	memmove(&fx->fx[1], &fx->fx[0], fx->n * sizeof(fx->fx[0]));
	fx->n++;
	e = &fx->fx[0];
	e->kind = ST_QC_FX_COMPLETED;
	e->level = ST_QC_OK;
	e->code = "inspection_completed";
	e->check = -1;
	snprintf(e->text, sizeof(e->text), "inspection of %s completed", rec->serial);
	memcpy(&fx->rec, rec, sizeof(*rec));

	if (rec->outcome == ST_QC_OUT_PASS)
		fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_OK, "inspection_passed", -1,
		       "PASS: %s passed the %s checklist v%d%s", rec->serial, rec->category,
		       rec->checklist_version, rec->supersedes_id ? " (correction)" : "");
	else
		fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_ERROR, "inspection_failed", -1,
		       "FAIL: %s: %s; disposition %s%s%s", rec->serial, list,
		       st_qc_disposition_name(rec->disposition),
		       rec->escalated ? " (failed its re-inspection: escalated, QC-03)" : "",
		       rec->supersedes_id ? " (correction)" : "");
	clear_inspection(s);
	s->phase = ST_QC_READY;
}

/* After check i was answered: a failure waits for its defect code; else
 * move the cursor on, and end or ask for a disposition when nothing is
 * left open. */
static void advance(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx,
		    int i)
{
	if (i >= 0 && s->rec.check[i].result == ST_QC_RES_FAIL && !s->rec.check[i].defect[0]) {
		s->phase = ST_QC_NEED_DEFECT;
		s->pending = i;
		return;
	}
	s->phase = ST_QC_CHECKING;
	if (s->cursor < 0 || !is_open(s, s->cursor))
		s->cursor = next_open(s, s->cursor < 0 ? n_checks(s) - 1 : s->cursor);
	if (s->cursor >= 0)
		return;
	if (any_failed(s))
		s->phase = ST_QC_NEED_DISPOSITION;
	else
		complete(s, in, fx, ST_QC_DISP_NONE, false);
}

/* ---- text comparison (TEXT_MATCH) -------------------------------------------------- */

static bool utf8_cont(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/* The first difference of a[0..an) and b[0..bn), at a character boundary:
 * *byte (0-based) and *chr (1-based); false when they are equal. */
static bool text_diff(const char *a, size_t an, const char *b, size_t bn, size_t *byte,
		      unsigned *chr)
{
	size_t i = 0;
	unsigned c = 1;

	while (i < an && i < bn && a[i] == b[i])
		i++;
	if (i == an && i == bn)
		return false;
	while (i > 0 && ((i < an && utf8_cont(a[i])) || (i < bn && utf8_cont(b[i]))))
		i--;
	for (size_t k = 0; k < i; k++)
		c += !utf8_cont(a[k]);
	*byte = i;
	*chr = c;
	return true;
}

/* The character of s[0..n) at byte i, quoted, or "the end of the text". */
static const char *char_at(const char *s, size_t n, size_t i, char *buf, size_t cap)
{
	size_t k = i + 1;

	if (i >= n) {
		snprintf(buf, cap, "the end of the text");
		return buf;
	}
	while (k < n && k < i + 4 && utf8_cont(s[k]))
		k++;
	snprintf(buf, cap, "\"%.*s\"", (int)(k - i), s + i);
	return buf;
}

static bool eq_ci_trim(const char *a, const char *b, size_t bn)
{
	size_t an = strlen(a);

	while (bn > 0 && (b[bn - 1] == ' ' || b[bn - 1] == '\t'))
		bn--;
	while (bn > 0 && (*b == ' ' || *b == '\t')) {
		b++;
		bn--;
	}
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (upper(a[i]) != upper(b[i]))
			return false;
	return true;
}

/* ---- the handlers ------------------------------------------------------------------- */

static bool on_login(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx)
{
	if (st_qc_busy(s))
		return refuse(fx, ST_QC_ERROR, "busy",
			      "finish or CANCEL the open inspection before another badge");
	if (in->operator_id <= 0)
		return refuse(fx, ST_QC_ERROR, "bad_input", "login without an operator");
	s->operator_id = in->operator_id;
	s->phase = ST_QC_READY;
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_OK, "login", -1, "operator %lld at the QC bench",
	       (long long)in->operator_id);
	return true;
}

static bool on_logout(struct st_qc *s, struct st_qc_effects *fx)
{
	if (st_qc_busy(s))
		return refuse(fx, ST_QC_ERROR, "busy",
			      "finish or CANCEL the open inspection before logging out");
	s->operator_id = 0;
	s->phase = ST_QC_LOGGED_OUT;
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_OK, "logout", -1, "logged out");
	return true;
}

static bool on_item(struct st_qc *s, const struct st_qc_input *in, const struct st_qc_ctx *ctx,
		    struct st_qc_effects *fx)
{
	const struct st_item *it = in->item;
	const struct st_checklist *cl;
	bool correcting = s->phase == ST_QC_CORRECT_ITEM;
	unsigned loops;

	if (!it || !it->serial[0])
		return refuse(fx, ST_QC_ERROR, "bad_input", "item input without an item");
	if (s->phase != ST_QC_READY && !correcting) {
		if (!strcmp(it->serial, s->rec.serial))
			return refuse(fx, ST_QC_INFO, "already_open", "%s is being inspected",
				      it->serial);
		return refuse(fx, ST_QC_ERROR, "busy",
			      "%s is being inspected: finish or CANCEL it before %s",
			      s->rec.serial, it->serial);
	}
	if (in->hist.scrapped)
		return refuse(fx, ST_QC_ERROR, "item_scrapped",
			      "%s was scrapped; it is not inspected again", it->serial);
	if (correcting && in->hist.last_id <= 0)
		return refuse(fx, ST_QC_ERROR, "no_inspection",
			      "%s has no inspection on record to correct", it->serial);
	cl = ctx && ctx->checklists ? st_checklist_find(ctx->checklists, it->product.category)
				    : NULL;
	if (!cl)
		return refuse(fx, ST_QC_ERROR, "no_checklist",
			      "no checklist for category \"%s\" (product %s)", it->product.category,
			      it->product.sku);
	if (QC_NEVER(cl->n_check == 0 || cl->n_check > ST_CHECKLIST_CHECK_MAX))
		return refuse(fx, ST_QC_ERROR, "no_checklist", "checklist %s is empty", cl->name);

	clear_inspection(s);
	s->cl = cl;
	copy_text(s->rec.serial, sizeof(s->rec.serial), it->serial);
	copy_text(s->rec.sku, sizeof(s->rec.sku), it->product.sku);
	copy_text(s->rec.order_number, sizeof(s->rec.order_number),
		  in->line ? it->order_number : "");
	s->rec.line_no = in->line ? it->line_no : 0;
	copy_text(s->rec.category, sizeof(s->rec.category), cl->category);
	s->rec.checklist_version = cl->version;
	s->rec.operator_id = s->operator_id;
	s->rec.started_ms = in->ts_ms;
	s->rec.n_check = cl->n_check;
	/* QC-03 / QC-05: a correction replaces the latest inspection, so the
	 * history that counts is the one before it. */
	loops = in->hist.rework_loops;
	if (correcting) {
		s->rec.supersedes_id = in->hist.last_id;
		s->rec.reinspection = in->hist.prev_rework;
		if (in->hist.last_rework && loops > 0)
			loops--;
	} else {
		s->rec.reinspection = in->hist.last_rework;
	}
	s->rec.rework_count = loops;
	for (int i = 0; i < (int)cl->n_check; i++)
		resolve_check(s, in, i);
	s->phase = ST_QC_CHECKING;
	s->cursor = first_open(s);
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_STARTED, ST_QC_OK, "inspection_started", -1, "%s", cl->name);
	fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_OK,
	       correcting ? "correction_started" : "inspection_started", -1,
	       "%s%s (%s), %s checklist v%d: %u checks%s", correcting ? "correcting " : "",
	       it->serial, it->product.sku, cl->category, cl->version, count_open(s),
	       s->rec.reinspection ? "; re-inspection after rework (QC-03)" : "");
	/* A template always has a pass/fail check that applies (checklist.c),
	 * so there is something to answer. */
	if (QC_NEVER(s->cursor < 0))
		advance(s, in, fx, -1);
	return true;
}

static bool on_pass(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx)
{
	int i = s->cursor;
	struct st_qc_check_result *r;
	char need[ST_QC_MSG_LEN];

	if (QC_NEVER(i < 0))
		return refuse(fx, ST_QC_ERROR, "bad_input", "no check is open");
	if (!bit(s->pass_ok, i)) {
		describe_need(s, i, need, sizeof(need));
		return refuse(fx, ST_QC_ERROR,
			      s->cl->check[i].type == ST_CHECK_PHOTO ? "needs_photo" : "needs_value",
			      "%s: PASS is not enough: %s", s->cl->check[i].id, need);
	}
	r = &s->rec.check[i];
	s->batch++;
	answer(s, i, ST_QC_RES_PASS, ST_QC_BY_PASS);
	if (r->type == ST_CHECK_CHOICE)
		copy_text(r->found, sizeof(r->found), r->expected);
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_OK, "check_passed", i, "%s: pass", r->id);
	advance(s, in, fx, i);
	return true;
}

static bool on_fail(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx)
{
	int i = s->cursor;

	if (QC_NEVER(i < 0))
		return refuse(fx, ST_QC_ERROR, "bad_input", "no check is open");
	if (defects_full(s, fx))
		return false;
	s->batch++;
	answer(s, i, ST_QC_RES_FAIL, ST_QC_BY_FAIL);
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_ERROR, "check_failed", i, "%s: FAIL",
	       s->cl->check[i].id);
	advance(s, in, fx, i);
	return true;
}

static bool on_pass_all(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx)
{
	char blk[ST_QC_MSG_LEN];
	unsigned n = 0;

	/* QC-02: PASS-ALL never stands in for a measurement, a text
	 * comparison with the order or a photo (see pass_all_ok()). */
	if (pass_all_blockers(s, blk, sizeof(blk)))
		return refuse(fx, ST_QC_ERROR, "pass_all_blocked",
			      "PASS-ALL cannot answer %s: measure, type or photograph them first "
			      "(QC-02)",
			      blk);
	s->batch++;
	for (int i = 0; i < n_checks(s); i++) {
		if (!is_open(s, i))
			continue;
		answer(s, i, ST_QC_RES_PASS, ST_QC_BY_PASS_ALL);
		if (s->rec.check[i].type == ST_CHECK_CHOICE)
			copy_text(s->rec.check[i].found, sizeof(s->rec.check[i].found),
				  s->rec.check[i].expected);
		n++;
	}
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_OK, "passed_all", -1, "PASS-ALL: %u checks passed", n);
	s->cursor = -1;
	advance(s, in, fx, -1);
	return true;
}

/* The check a VALUE answers: the current one when it takes a value, else
 * the first open one that cannot be answered without one (so "item, size,
 * engraving, PASS-ALL" works whatever the cursor shows; a choice PASS can
 * confirm takes a value only while it is the current check). */
static int value_target(const struct st_qc *s)
{
	if (s->cursor >= 0 && is_open(s, s->cursor) && bit(s->takes_value, s->cursor))
		return s->cursor;
	for (int i = 0; i < n_checks(s); i++)
		if (is_open(s, i) && bit(s->takes_value, i) && !bit(s->pass_ok, i))
			return i;
	return -1;
}

static bool on_value(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx)
{
	int i = value_target(s);
	const struct st_check *c;
	struct st_qc_check_result *r;
	const char *t = in->text ? in->text : "";
	size_t tn = in->text ? in->text_len : 0;
	char a[32], b[32], d[32], e[96];
	int64_t v = 0;
	bool pass = false;
	size_t dbyte = 0;
	unsigned dchr = 0;

	if (i < 0)
		return refuse(fx, ST_QC_ERROR, "no_value_needed",
			      "no open check takes a value; PASS or FAIL \"%s\"",
			      s->cl->check[s->cursor].label);
	c = &s->cl->check[i];
	r = &s->rec.check[i];
	if (!in->has_milli && (tn == 0 || memchr(t, '\0', tn)))
		return refuse(fx, ST_QC_ERROR, "bad_value", "%s: empty value", c->id);
	if (tn >= ST_QC_TEXT_LEN)
		return refuse(fx, ST_QC_ERROR, "too_long", "%s: value too long (%zu bytes, at most %d)",
			      c->id, tn, ST_QC_TEXT_LEN - 1);
	switch (c->type) {
	case ST_CHECK_MEASURE:
		if (in->has_milli)
			v = in->milli;
		else if (st_milli_parse(t, tn, c->unit, &v) != ST_OK)
			return refuse(fx, ST_QC_ERROR, "bad_value",
				      "%s: \"%.*s\" is not a number in %s (e.g. 6.5, 6 1/2, 450)",
				      c->id, (int)(tn > 40 ? 40 : tn), t, c->unit);
		pass = v >= r->expected_milli - r->tolerance_milli &&
		       v <= r->expected_milli + r->tolerance_milli;
		break;
	case ST_CHECK_TEXT_MATCH:
		if (in->has_milli)
			return refuse(fx, ST_QC_ERROR, "bad_value", "%s: type the text as found",
				      c->id);
		pass = !text_diff(r->expected, strlen(r->expected), t, tn, &dbyte, &dchr);
		break;
	case ST_CHECK_CHOICE: {
		bool listed = false;

		if (in->has_milli)
			return refuse(fx, ST_QC_ERROR, "bad_choice", "%s: scan or type a value",
				      c->id);
		for (unsigned k = 0; k < c->n_choice && !listed; k++)
			listed = eq_ci_trim(c->choice[k], t, tn);
		if (!listed && !(r->expected[0] && eq_ci_trim(r->expected, t, tn))) {
			describe_need(s, i, e, sizeof(e));
			return refuse(fx, ST_QC_ERROR, "bad_choice", "%s: \"%.*s\" is not listed: %s",
				      c->id, (int)(tn > 40 ? 40 : tn), t, e);
		}
		pass = !r->expected[0] || eq_ci_trim(r->expected, t, tn);
		break;
	}
	case ST_CHECK_PASS_FAIL:
	case ST_CHECK_PHOTO:
	case ST_CHECK__COUNT:
		return refuse(fx, ST_QC_ERROR, "bad_input", "%s takes no value", c->id);
	}

	if (!pass && defects_full(s, fx))
		return false;
	s->batch++;
	answer(s, i, pass ? ST_QC_RES_PASS : ST_QC_RES_FAIL, ST_QC_BY_VALUE);
	if (in->has_milli)
		snprintf(r->found, sizeof(r->found), "%s", st_milli_format(v, a, sizeof(a)));
	else
		snprintf(r->found, sizeof(r->found), "%.*s", (int)tn, t);
	fx->accepted = true;
	if (c->type == ST_CHECK_MEASURE) {
		r->has_measured = true;
		r->measured_milli = v;
		fx_add(fx, ST_QC_FX_ANSWERED, pass ? ST_QC_OK : ST_QC_ERROR,
		       pass ? "check_passed" : "check_failed", i,
		       "%s: measured %s %s, expected %s: %s%s%s", c->id,
		       st_milli_format(v, a, sizeof(a)), c->unit, expect_text(c, r, e, sizeof(e)),
		       pass ? "pass" : "FAIL (off by ",
		       pass ? "" : st_milli_format(v - r->expected_milli, d, sizeof(d)),
		       pass ? "" : ")");
	} else if (c->type == ST_CHECK_TEXT_MATCH) {
		r->diff_byte = dbyte;
		r->diff_char = dchr;
		if (pass)
			fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_OK, "check_passed", i,
			       "%s: \"%s\" matches the order", c->id, r->found);
		else
			fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_ERROR, "text_mismatch", i,
			       "%s: ordered \"%s\", found \"%s\": first difference at character "
			       "%u (%s ordered, %s found)",
			       c->id, r->expected, r->found, dchr,
			       char_at(r->expected, strlen(r->expected), dbyte, a, sizeof(a)),
			       char_at(r->found, strlen(r->found), dbyte, b, sizeof(b)));
	} else {
		if (pass)
			fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_OK, "check_passed", i, "%s: %s", c->id,
			       r->found);
		else
			fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_ERROR, "check_failed", i,
			       "%s: ordered \"%s\", found \"%s\": FAIL", c->id, r->expected,
			       r->found);
	}
	advance(s, in, fx, i);
	return true;
}

static bool on_photo(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx)
{
	const char *ev = in->evidence;
	size_t n = ev ? strlen(ev) : 0;
	int target = -1;

	if (n == 0)
		return refuse(fx, ST_QC_ERROR, "bad_input", "photo input without an evidence id");
	if (n >= ST_QC_EVIDENCE_LEN)
		return refuse(fx, ST_QC_ERROR, "too_long", "evidence id too long (at most %d bytes)",
			      ST_QC_EVIDENCE_LEN - 1);
	for (unsigned k = 0; k < s->rec.n_evidence; k++)
		if (!strcmp(s->rec.evidence[k], ev))
			return refuse(fx, ST_QC_INFO, "photo_known", "photo %s is already attached",
				      ev);
	if (s->rec.n_evidence >= ST_QC_EVIDENCE_MAX)
		return refuse(fx, ST_QC_ERROR, "evidence_full",
			      "this inspection already has %d photos", ST_QC_EVIDENCE_MAX);
	/* QC-04: the photo answers the first open photo check; while a defect
	 * or a disposition is awaited it is evidence only. */
	if (s->phase == ST_QC_CHECKING)
		for (int i = 0; i < n_checks(s) && target < 0; i++)
			if (is_open(s, i) && s->cl->check[i].type == ST_CHECK_PHOTO)
				target = i;
	copy_text(s->rec.evidence[s->rec.n_evidence++], ST_QC_EVIDENCE_LEN, ev);
	fx->accepted = true;
	if (target < 0) {
		fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_OK, "photo_attached", -1,
		       "photo %s attached to %s", ev, s->rec.serial);
		return true;
	}
	s->batch++;
	answer(s, target, ST_QC_RES_PASS, ST_QC_BY_PHOTO);
	copy_text(s->rec.check[target].evidence, ST_QC_EVIDENCE_LEN, ev);
	fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_OK, "check_passed", target, "%s: photo %s",
	       s->cl->check[target].id, ev);
	advance(s, in, fx, target);
	return true;
}

static bool on_defect(struct st_qc *s, const struct st_qc_input *in, struct st_qc_effects *fx)
{
	const struct st_qc_defect_def *d = st_qc_defect_find(in->text, in->text ? in->text_len : 0);
	struct st_qc_check_result *r;
	int i = s->pending;

	if (s->phase != ST_QC_NEED_DEFECT)
		return refuse(fx, ST_QC_ERROR, "no_failure",
			      "a defect code follows a FAIL: FAIL the check first");
	if (!d)
		return refuse(fx, ST_QC_ERROR, "unknown_defect",
			      "\"%.*s\" is not a defect code this station knows",
			      (int)(in->text_len > 40 ? 40 : in->text_len),
			      in->text ? in->text : "");
	r = &s->rec.check[i];
	copy_text(r->defect, sizeof(r->defect), d->code);
	r->severity = d->severity;
	s->pending = -1;
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_OK, "defect_recorded", i, "%s: %s (%s): %s", r->id,
	       d->code, st_qc_severity_name(d->severity), d->description);
	advance(s, in, fx, i);
	return true;
}

static bool on_skip(struct st_qc *s, struct st_qc_effects *fx)
{
	int next = next_open(s, s->cursor);

	if (next < 0 || next == s->cursor)
		return refuse(fx, ST_QC_INFO, "nothing_to_skip", "%s is the only open check",
			      s->cl->check[s->cursor].id);
	s->cursor = next;
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_OK, "skipped", next, "later; now %s",
	       s->cl->check[next].id);
	return true;
}

static bool on_undo(struct st_qc *s, struct st_qc_effects *fx)
{
	unsigned last = 0;
	int first = -1;

	if (s->phase == ST_QC_NEED_DEFECT) {
		first = s->pending;
	} else {
		for (int i = 0; i < n_checks(s); i++)
			if (s->answered_in[i] > last)
				last = s->answered_in[i];
		if (last == 0)
			return refuse(fx, ST_QC_INFO, "nothing_to_undo",
				      "no answer to take back in this inspection");
	}
	for (int i = 0; i < n_checks(s); i++) {
		if (first == i || (last && s->answered_in[i] == last)) {
			unanswer(s, i);
			if (first < 0 || i < first)
				first = i;
		}
	}
	s->pending = -1;
	s->cursor = first;
	s->phase = ST_QC_CHECKING;
	fx->accepted = true;
	fx_add(fx, ST_QC_FX_ANSWERED, ST_QC_OK, "undone", last ? -1 : first,
	       "taken back; %s is open again", s->cl->check[first].id);
	return true;
}

static bool on_cancel(struct st_qc *s, struct st_qc_effects *fx)
{
	char serial[64];

	if (s->phase == ST_QC_READY)
		return refuse(fx, ST_QC_INFO, "nothing_to_cancel", "no inspection is open");
	fx->accepted = true;
	if (s->phase == ST_QC_CORRECT_ITEM) {
		s->phase = ST_QC_READY;
		fx_add(fx, ST_QC_FX_CANCELLED, ST_QC_INFO, "cancelled", -1, "correction cancelled");
		return true;
	}
	copy_text(serial, sizeof(serial), s->rec.serial);
	clear_inspection(s);
	s->phase = ST_QC_READY;
	fx_add(fx, ST_QC_FX_CANCELLED, ST_QC_INFO, "cancelled", -1,
	       "inspection of %s cancelled; nothing was recorded", serial);
	return true;
}

static bool on_disposition(struct st_qc *s, const struct st_qc_input *in,
			   struct st_qc_effects *fx)
{
	enum st_qc_disposition d = ST_QC_DISP_NONE;

	if (s->phase == ST_QC_NEED_DEFECT)
		return refuse(fx, ST_QC_ERROR, "defect_needed",
			      "scan the defect code for %s first (QC-03)",
			      s->cl->check[s->pending].id);
	if (!any_failed(s))
		return refuse(fx, ST_QC_ERROR,
			      in->kind == ST_QC_IN_DONE ? "checks_open" : "nothing_failed",
			      in->kind == ST_QC_IN_DONE
				      ? "%u checks are open: answer them or PASS-ALL"
				      : "no check has failed (%u open): FAIL one first (QC-03)",
			      count_open(s));
	switch (in->kind) {
	case ST_QC_IN_REWORK:
		/* QC-03: an item that fails its re-inspection is escalated. */
		if (s->rec.reinspection)
			return refuse(fx, ST_QC_ERROR, "rework_refused",
				      "%s already went through rework and failed again: "
				      "HOLD or SCRAP (QC-03)",
				      s->rec.serial);
		d = ST_QC_DISP_REWORK;
		break;
	case ST_QC_IN_HOLD:
		d = ST_QC_DISP_HOLD;
		break;
	case ST_QC_IN_SCRAP:
		d = ST_QC_DISP_SCRAP;
		break;
	default:
		d = default_disposition(s);
		break;
	}
	fx->accepted = true;
	complete(s, in, fx, d, in->kind == ST_QC_IN_DONE);
	return true;
}

void st_qc_step(struct st_qc *s, const struct st_qc_input *in, const struct st_qc_ctx *ctx,
		struct st_qc_effects *fx)
{
	bool inspecting = s->phase == ST_QC_CHECKING || s->phase == ST_QC_NEED_DEFECT ||
			  s->phase == ST_QC_NEED_DISPOSITION;

	assert(s && in && fx);
	fx->accepted = false;
	fx->n = 0;
	if ((unsigned)in->kind >= ST_QC_IN__COUNT) {
		refuse(fx, ST_QC_ERROR, "bad_input", "unknown input");
		goto out;
	}
	if (s->phase == ST_QC_LOGGED_OUT && in->kind != ST_QC_IN_LOGIN) {
		refuse(fx, ST_QC_ERROR, in->kind == ST_QC_IN_LOGOUT ? "not_logged_in" : "login_required",
		       "scan your operator badge first (QC-05)");
		goto out;
	}
	switch (in->kind) {
	case ST_QC_IN_LOGIN:
		on_login(s, in, fx);
		break;
	case ST_QC_IN_LOGOUT:
		on_logout(s, fx);
		break;
	case ST_QC_IN_ITEM:
		on_item(s, in, ctx, fx);
		break;
	case ST_QC_IN_CORRECT:
		if (s->phase != ST_QC_READY) {
			refuse(fx, ST_QC_ERROR, "busy",
			       "finish or CANCEL the open inspection before a correction");
			break;
		}
		s->phase = ST_QC_CORRECT_ITEM;
		fx->accepted = true;
		fx_add(fx, ST_QC_FX_FEEDBACK, ST_QC_OK, "correct", -1,
		       "correction: the item's last inspection will be superseded (QC-05)");
		break;
	case ST_QC_IN_CANCEL:
		on_cancel(s, fx);
		break;
	default:
		/* The rest act on an open inspection. */
		if (s->phase == ST_QC_READY || s->phase == ST_QC_CORRECT_ITEM) {
			refuse(fx, ST_QC_ERROR, "no_item",
			       s->phase == ST_QC_READY ? "scan an item first"
						       : "scan the item to correct first");
			break;
		}
		if (QC_NEVER(!inspecting))
			break;
		switch (in->kind) {
		case ST_QC_IN_PHOTO:
			on_photo(s, in, fx);
			break;
		case ST_QC_IN_UNDO:
			on_undo(s, fx);
			break;
		case ST_QC_IN_DEFECT:
			on_defect(s, in, fx);
			break;
		case ST_QC_IN_REWORK:
		case ST_QC_IN_HOLD:
		case ST_QC_IN_SCRAP:
		case ST_QC_IN_DONE:
			on_disposition(s, in, fx);
			break;
		default:
			if (s->phase == ST_QC_NEED_DEFECT)
				refuse(fx, ST_QC_ERROR, "defect_needed",
				       "scan the defect code for %s first (QC-03)",
				       s->cl->check[s->pending].id);
			else if (s->phase == ST_QC_NEED_DISPOSITION)
				refuse(fx, ST_QC_ERROR, "disposition_needed",
				       "every check is answered: REWORK, HOLD, SCRAP or DONE");
			else if (in->kind == ST_QC_IN_PASS)
				on_pass(s, in, fx);
			else if (in->kind == ST_QC_IN_FAIL)
				on_fail(s, in, fx);
			else if (in->kind == ST_QC_IN_PASS_ALL)
				on_pass_all(s, in, fx);
			else if (in->kind == ST_QC_IN_SKIP)
				on_skip(s, fx);
			else if (in->kind == ST_QC_IN_VALUE)
				on_value(s, in, fx);
			break;
		}
		break;
	}
out:
	prompt(s, fx);
}

/* ---- scans to inputs ---------------------------------------------------------------- */

int st_qc_input_from_scan(const struct st_bc *bc, struct st_qc_input *in)
{
	static const struct {
		const char *name;
		enum st_qc_in_kind kind;
	} map[] = {
		{ "PASS", ST_QC_IN_PASS },	   { "FAIL", ST_QC_IN_FAIL },
		{ "PASS-ALL", ST_QC_IN_PASS_ALL }, { "SKIP", ST_QC_IN_SKIP },
		{ "UNDO", ST_QC_IN_UNDO },	   { "CANCEL", ST_QC_IN_CANCEL },
		{ "REWORK", ST_QC_IN_REWORK },	   { "HOLD", ST_QC_IN_HOLD },
		{ "SCRAP", ST_QC_IN_SCRAP },	   { "DONE", ST_QC_IN_DONE },
		{ "CORRECT", ST_QC_IN_CORRECT },   { "LOGOUT", ST_QC_IN_LOGOUT },
	};

	if (bc->kind == ST_BC_COMMAND) {
		if (!bc->valid)
			return ST_ERR_NOTFOUND;
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (!strcmp(bc->id, map[i].name)) {
				in->kind = map[i].kind;
				return ST_OK;
			}
		}
		return ST_ERR_NOTFOUND;
	}
	if (bc->kind == ST_BC_DEFECT && bc->valid) {
		/* The classifier took the prefix off: id is the code. */
		in->kind = ST_QC_IN_DEFECT;
		in->text = bc->id;
		in->text_len = strlen(bc->id);
		return ST_OK;
	}
	if (bc->kind == ST_BC_UNKNOWN && bc->data &&
	    prefix_ci(bc->data, bc->data_len, DEFECT_PREFIX) &&
	    bc->data_len > strlen(DEFECT_PREFIX)) {
		in->kind = ST_QC_IN_DEFECT;
		in->text = bc->data;
		in->text_len = bc->data_len;
		return ST_OK;
	}
	return ST_ERR_NOTFOUND;
}
