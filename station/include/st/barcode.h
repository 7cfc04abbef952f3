/* station: barcode understanding.
 *
 * Classifies what a scanner sent: the AIM symbology identifier, GTINs (with
 * UPC-E expansion), GS1 element strings (raw with GS separators, bracketed
 * human-readable form, GS1 Digital Link URIs, keyboard-wedge scans that lost
 * their separators), the brand's own codes (orders, RMAs, serials, bins,
 * badges, command barcodes) and carrier tracking numbers.
 *
 * Pure code: no I/O, no allocation, no clock.  A parse fills a caller-owned
 * struct st_bc (about 12 KiB: keep one and reuse it), so that millions of codes
 * a second can be classified.  Not for: deciding what a scan *does* (that is
 * the workflow's job) or storing it (the store's).
 */
#ifndef QC_STATION_BARCODE_H
#define QC_STATION_BARCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_BC_INPUT_MAX 4096 /* longest scan accepted, in bytes */
#define ST_BC_AI_MAX 64      /* most AIs kept from one element string */
#define ST_BC_ERR_MAX 8      /* most error messages kept per code */
#define ST_BC_ERR_LEN 160    /* longest error message, NUL included */
#define ST_BC_GS 0x1D        /* GS1 field separator (FNC1 inside the data) */

enum st_bc_kind {
	ST_BC_UNKNOWN = 0,
	ST_BC_GTIN,     /* a bare GTIN-8/12/13/14 or UPC-E */
	ST_BC_GS1,      /* GS1 element string / Digital Link */
	ST_BC_ORDER,    /* the brand's order number */
	ST_BC_RMA,      /* return authorization number */
	ST_BC_SERIAL,   /* the brand's item serial */
	ST_BC_BIN,      /* storage bin */
	ST_BC_BADGE,    /* operator badge */
	ST_BC_COMMAND,  /* command barcode (PASS, FAIL, ...) */
	ST_BC_TRACKING, /* carrier tracking number */
	ST_BC_DEFECT,   /* QC defect code (DEF-LOOSE-STONE): id is the code */
	ST_BC_ORDER_LINE, /* order-line label "ORD-100231/1": id = order, line_no */
	ST_BC__COUNT
};

/* One GS1 Application Identifier and its value, in scan order. */
struct st_bc_ai {
	char ai[5];       /* 2 to 4 digits, NUL-terminated */
	uint16_t off;     /* value starts at bc->buf + off ... */
	uint16_t len;     /* ... and has len bytes (plus a NUL) */
};

struct st_bc_errs {
	unsigned n;                               /* messages kept */
	unsigned dropped;                         /* messages past ST_BC_ERR_MAX */
	char msg[ST_BC_ERR_MAX][ST_BC_ERR_LEN];
};

enum st_bc_carrier { ST_CARRIER_NONE = 0, ST_CARRIER_UPS, ST_CARRIER_FEDEX, ST_CARRIER_USPS };

struct st_bc {
	enum st_bc_kind kind;
	bool valid;            /* true when errors.n == 0 and kind != UNKNOWN */
	char symbology[4];     /* "]C1" etc., "" when the scan carried none */
	const char *data;      /* borrowed: the payload after the symbology id */
	size_t data_len;

	/* GS1 data (kind GS1; also the AI 01 of a GTIN scan is not listed). */
	unsigned n_ai;
	struct st_bc_ai ai[ST_BC_AI_MAX];
	char buf[ST_BC_INPUT_MAX + 2 * ST_BC_AI_MAX]; /* AI values, NUL-separated */
	size_t buf_len;

	/* GTIN: 14 digits (GTIN-14 form, zero-padded) or "" when none. */
	char gtin[15];
	unsigned gtin_digits;  /* 8, 12, 13 or 14 as scanned; 0 when none */
	bool upce;             /* the GTIN was expanded from UPC-E */

	/* Brand codes, commands and tracking numbers: the normalised identifier
	 * (e.g. "ORD-100234", "PASS-ALL", "1Z999AA10123456784"). */
	char id[128];
	int line_no;                 /* kind ORDER_LINE: the line, 1..999 */
	enum st_bc_carrier carrier;  /* kind TRACKING */
	char service[32];            /* e.g. "IMpb", "FedEx Ground 96", may be "" */

	struct st_bc_errs err;
};

/* The patterns of the brand's own codes.  A pattern is literal characters
 * plus the classes '#' (digit), '@' (upper-case letter), '*' (letter or
 * digit), each optionally followed by a count "{n}" or "{n,m}"; '\' quotes the
 * next character.  Example: "ORD-#{4,10}".  NULL or "" disables a kind. */
struct st_bc_patterns {
	const char *order, *rma, *serial, *bin, *badge;
	const char *command_prefix;   /* e.g. "CMD-"; commands are prefix + name */
	const char *defect_prefix;    /* e.g. "DEF-"; defect codes are prefix + code */
	char gs_substitute;           /* a character a wedge scanner types for GS, 0 = none */
};

/* The built-in patterns (documented in docs/barcodes.md). */
const struct st_bc_patterns *st_bc_patterns_default(void);

/* Check a pattern's syntax: 0, or ST_ERR_PARSE with a message in err[errlen]. */
int st_bc_pattern_check(const char *pattern, char *err, size_t errlen);

/* True when s[0..n) matches pattern (whole string). */
bool st_bc_pattern_match(const char *pattern, const char *s, size_t n);

/* Classify one scan, in[0..n) (need not be NUL-terminated, may hold GS bytes
 * and an AIM prefix).  pats NULL means the defaults.  Fills *bc entirely;
 * bc->data points into in, so in must outlive the use of *bc.  Returns 0 when
 * the code is valid, ST_ERR_PARSE when it is not (bc->err says why). */
int st_bc_parse(const char *in, size_t n, const struct st_bc_patterns *pats, struct st_bc *bc);

/* "gtin", "gs1", ... as used in JSON output and docs. */
const char *st_bc_kind_name(enum st_bc_kind kind);
const char *st_bc_carrier_name(enum st_bc_carrier c);  /* "ups", ..., NULL for NONE */

/* The value of AI i, NUL-terminated. */
static inline const char *st_bc_ai_value(const struct st_bc *bc, unsigned i)
{
	return bc->buf + bc->ai[i].off;
}

/* Find the first AI named ai (e.g. "10"); NULL when absent. */
const char *st_bc_find_ai(const struct st_bc *bc, const char *ai);

/* Commands the station knows: "PASS", "FAIL", "PASS-ALL", "CANCEL", ...
 * NULL-terminated list, for docs and --help. */
const char *const *st_bc_commands(void);

#endif
