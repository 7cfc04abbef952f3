/* station: QC checklist templates, one per product category (QC-02).
 *
 * A template is a small JSON file (docs/checklists.md is its reference):
 * the category it serves, a version that every inspection records, and an
 * ordered list of checks.  This module parses and validates templates into
 * plain, bounded structs (no pointers inside, so a template can be copied
 * and kept in a caller's storage) and finds the one for a category.  It also
 * owns the decimal numbers of the QC data path: a number is an int64_t in
 * thousandths of its unit ("6.5" is 6500, "450" is 450000), never a float
 * (STYLE.md section 2).
 *
 * Not for: running an inspection (st/qc.h does that) or deciding what a
 * check means for an order line (that is resolved when an item is scanned).
 *
 * Threading: none; every function works on the caller's storage.
 */
#ifndef QC_STATION_CHECKLIST_H
#define QC_STATION_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_CHECKLIST_CHECK_MAX 32 /* checks per template */
#define ST_CHECK_ID_LEN 32      /* check id, NUL included */
#define ST_CHECK_LABEL_LEN 128  /* label shown to the inspector, NUL included */
#define ST_CHECK_KEY_LEN 32     /* option / flag name (as struct st_option.name) */
#define ST_CHECK_UNIT_LEN 16    /* "US ring size", "mm", "g" */
#define ST_CHECK_CHOICE_MAX 12  /* values of a choice check */
#define ST_CHECK_CHOICE_LEN 48  /* one value, NUL included */
#define ST_CHECKLIST_CATEGORY_LEN 32
#define ST_CHECKLIST_NAME_LEN 64      /* the file name kept for messages */
#define ST_CHECKLIST_TITLE_LEN 96
#define ST_CHECKLIST_SET_MAX 16       /* templates (categories) in one set */
#define ST_CHECKLIST_FILE_MAX 65536   /* largest template file accepted, bytes */
#define ST_CHECKLIST_VERSION_MAX 1000000000

/* Decimal numbers in thousandths: at most this many units either way. */
#define ST_MILLI_MAX INT64_C(1000000000000000)

enum st_check_type {
	ST_CHECK_PASS_FAIL = 0, /* PASS or FAIL */
	ST_CHECK_MEASURE,       /* a number, nominal +- tolerance */
	ST_CHECK_TEXT_MATCH,    /* found text == the order line's option, exactly */
	ST_CHECK_CHOICE,        /* one of choices; optionally == an order option */
	ST_CHECK_PHOTO,         /* satisfied by photo evidence */
	ST_CHECK__COUNT
};

/* When a check applies to an order line. */
enum st_check_when {
	ST_WHEN_ALWAYS = 0,
	ST_WHEN_OPTION, /* the line has option when_key, non-empty */
	ST_WHEN_FLAG,   /* flag when_key is set: gift_box, custom, personalized,
			 * special_order, design_your_own, custom_size */
};

struct st_check {
	char id[ST_CHECK_ID_LEN];        /* [a-z0-9_], unique in its template */
	char label[ST_CHECK_LABEL_LEN];
	enum st_check_type type;
	enum st_check_when when;
	char when_key[ST_CHECK_KEY_LEN];
	/* MEASURE, TEXT_MATCH, CHOICE: the order-line option compared
	 * against ("size", "engraving", "metal"); "" = none.  Required for
	 * TEXT_MATCH. */
	char option[ST_CHECK_KEY_LEN];
	/* MEASURE. */
	char unit[ST_CHECK_UNIT_LEN];
	bool has_nominal;                /* nominal used when option is "" or absent */
	int64_t nominal_milli;
	int64_t tolerance_milli;         /* >= 0; pass when |found - expected| <= it */
	/* MEASURE and TEXT_MATCH: PASS (and so PASS-ALL) may answer the check
	 * without a value.  Default false: see docs/internals/qc-workflow.md. */
	bool confirm;
	/* CHOICE. */
	unsigned n_choice;
	char choice[ST_CHECK_CHOICE_MAX][ST_CHECK_CHOICE_LEN];
};

struct st_checklist {
	char name[ST_CHECKLIST_NAME_LEN];        /* "ring.json": names it in messages */
	char category[ST_CHECKLIST_CATEGORY_LEN]; /* "ring" */
	char title[ST_CHECKLIST_TITLE_LEN];      /* optional, "" when absent */
	int version;                             /* 1..ST_CHECKLIST_VERSION_MAX */
	unsigned n_check;                        /* 1..ST_CHECKLIST_CHECK_MAX */
	struct st_check check[ST_CHECKLIST_CHECK_MAX];
};

/* Templates by category.  Large (about 430 KiB): allocate it. */
struct st_checklist_set {
	unsigned n;
	struct st_checklist list[ST_CHECKLIST_SET_MAX];
};

/* Parse one template from text[0..len) (need not be NUL-terminated).  name
 * (e.g. "ring.json") is copied into out->name and starts every message.
 * On success fills *out and returns 0; on failure *out is undefined and
 * err[errlen] (when err is not NULL) names the file, the JSON path and the
 * problem: "ring.json: checks[3].tolerance: must be a number".  Errors:
 * ST_ERR_PARSE (bad JSON, missing or wrong field), ST_ERR_RANGE (a string
 * too long, too many checks, a number out of range). */
int st_checklist_parse(const char *text, size_t len, const char *name, struct st_checklist *out,
		       char *err, size_t errlen);

/* Empty a set (caller's storage). */
void st_checklist_set_init(struct st_checklist_set *set);

/* Parse text as st_checklist_parse() does and add it to set.  Errors as
 * there, plus ST_ERR_RANGE when the set is full and ST_ERR_CONFIG when the
 * set already has a template for the category (the message names both
 * files).  The set is unchanged on failure. */
int st_checklist_set_add(struct st_checklist_set *set, const char *text, size_t len,
			 const char *name, char *err, size_t errlen);

/* Load every "*.json" file of folder dir (not recursive, in name order) into
 * set, which is emptied first.  All or nothing: on failure the set is empty
 * and err names the file.  A folder without templates is ST_ERR_NOTFOUND.
 * Errors: those of st_checklist_set_add(), ST_ERR_IO (unreadable folder or
 * file), ST_ERR_RANGE (a file over ST_CHECKLIST_FILE_MAX). */
int st_checklist_load_dir(const char *dir, struct st_checklist_set *set, char *err,
			  size_t errlen);

/* The template for category (exact match), or NULL. */
const struct st_checklist *st_checklist_find(const struct st_checklist_set *set,
					     const char *category);

/* The index of check id in cl, or -1. */
int st_checklist_check_index(const struct st_checklist *cl, const char *id);

/* "pass_fail", "measure", "text_match", "choice", "photo" (as in the files);
 * NULL for an unknown value. */
const char *st_check_type_name(enum st_check_type t);

/* Parse a decimal number s[0..n) into thousandths: "6.5" -> 6500,
 * "450" -> 450000, "-0.25" -> -250, "6,5" (decimal comma) -> 6500, and the
 * fractions of US ring sizes "6 1/2", "6½", "6¼", "6¾", "1/8" -> 125.
 * Leading and trailing spaces are ignored; when unit is not NULL or "", the
 * number may be followed by that unit ("450mm", "450 MM").  At most three
 * decimals; |value| <= ST_MILLI_MAX.  Returns 0, or ST_ERR_PARSE (not a
 * number) / ST_ERR_RANGE (too large, or more than three decimals). */
int st_milli_parse(const char *s, size_t n, const char *unit, int64_t *out);

/* Format thousandths as the shortest decimal: 6500 -> "6.5", 450000 ->
 * "450", -250 -> "-0.25".  Returns buf (cap >= 24 always suffices). */
const char *st_milli_format(int64_t v, char *buf, size_t cap);

#endif
