/* station/barcode: the classifier, st_bc_parse().
 *
 * Decides what kind of code a scan is and hands it to the parser of that
 * kind (gs1*.c, gtin.c, tracking.c, the brand patterns).  The order of the
 * decisions is documented in docs/barcodes.md; in short: the AIM symbology
 * identifier wins when there is one (a GS1 symbology is always GS1 data, an
 * EAN/UPC symbology always a GTIN), then command barcodes, the bracketed and
 * Digital Link forms, the brand's own codes, GTINs, tracking numbers, and
 * last GS1 element strings that lost their separators.
 */
#include <string.h>
#include "barcode-int.h"


static const char *const commands[] = {
	"PASS", "FAIL", "PASS-ALL", "CANCEL", "DONE", "NEXT", "BACK", "UNDO", "LOGOUT",
	"HOLD", "REWORK", "SCRAP", "SKIP", "PRINT", "CONFIRM", "CORRECT", NULL,
};

const char *const *st_bc_commands(void)
{
	return commands;
}

static void reset(struct st_bc *bc)
{
	/* Not memset: the struct is ~12 KiB and the hot path parses millions of
	 * codes; only the fields every reader looks at are cleared. */
	bc->kind = ST_BC_UNKNOWN;
	bc->valid = false;
	bc->symbology[0] = '\0';
	bc->data = NULL;
	bc->data_len = 0;
	bc->n_ai = 0;
	bc->buf_len = 0;
	bc->gtin[0] = '\0';
	bc->gtin_digits = 0;
	bc->upce = false;
	bc->id[0] = '\0';
	bc->line_no = 0;
	bc->carrier = ST_CARRIER_NONE;
	bc->service[0] = '\0';
	bc->err.n = 0;
	bc->err.dropped = 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];

		if (x >= 'a' && x <= 'z')
			x = (char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 'a' + 'A');
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static bool has_byte(const char *s, size_t n, char c)
{
	return memchr(s, c, n) != NULL;
}

/* Copy s into bc->id, upper-cased (a keyboard wedge with Caps Lock on types
 * "ord-1001"); false when it does not fit or holds a non-ASCII byte. */
static bool id_upper(struct st_bc *bc, const char *s, size_t n)
{
	if (n >= sizeof(bc->id))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e) {
			bc->id[0] = '\0';
			return false;
		}
		bc->id[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	bc->id[n] = '\0';
	return true;
}

static void gtin_from_ais(struct st_bc *bc)
{
	const char *g = st_bc_find_ai(bc, "01");

	if (!g)
		g = st_bc_find_ai(bc, "02");
	if (g && strlen(g) == 14) {
		memcpy(bc->gtin, g, 15);
		bc->gtin_digits = 14;
	}
}

static int finish(struct st_bc *bc, enum st_bc_kind kind)
{
	bc->kind = kind;
	bc->valid = kind != ST_BC_UNKNOWN && bc->err.n == 0 && bc->err.dropped == 0;
	if (kind == ST_BC_GS1)
		gtin_from_ais(bc);
	return bc->valid ? ST_OK : ST_ERR_PARSE;
}

static int parse_command(struct st_bc *bc, const char *name, size_t n)
{
	if (!id_upper(bc, name, n) || n == 0) {
		st_bc_err_add(bc, "command barcode has no valid command name");
		return finish(bc, ST_BC_COMMAND);
	}
	for (const char *const *c = commands; *c; c++)
		if (strcmp(*c, bc->id) == 0)
			return finish(bc, ST_BC_COMMAND);
	st_bc_err_add(bc, "unknown command '%s' (known: PASS, FAIL, PASS-ALL, CANCEL, ...)", bc->id);
	return finish(bc, ST_BC_COMMAND);
}

/* A QC defect code: letters, digits and '-' (the QC workflow knows which
 * codes exist; docs/internals/qc-workflow.md lists them). */
static int parse_defect(struct st_bc *bc, const char *code, size_t n)
{
	if (n >= 32 || !id_upper(bc, code, n)) {
		st_bc_err_add(bc, "defect code must be 1 to 31 letters, digits or '-'");
		return finish(bc, ST_BC_DEFECT);
	}
	for (size_t i = 0; i < n; i++) {
		char c = bc->id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
			st_bc_err_add(bc, "defect code '%s': character %zu ('%c') is not a letter, "
					  "digit or '-'", bc->id, i + 1, c);
			return finish(bc, ST_BC_DEFECT);
		}
	}
	return finish(bc, ST_BC_DEFECT);
}

static int parse_gs1_symbology(struct st_bc *bc, const char *d, size_t n)
{
	/* Some scanners also transmit the leading FNC1 as a GS. */
	if (n > 0 && d[0] == ST_BC_GS) {
		d++;
		n--;
	}
	if (n == 0) {
		st_bc_err_add(bc, "GS1 symbology %s carries no data", bc->symbology);
		return finish(bc, ST_BC_GS1);
	}
	st_gs1_parse_element_string(bc, d, n);
	return finish(bc, ST_BC_GS1);
}

static int parse_ean_symbology(struct st_bc *bc, const char *d, size_t n)
{
	bool ean8 = strcmp(bc->symbology, "]E4") == 0;

	/* ]E3 is EAN/UPC with a 2- or 5-digit add-on after the 13 digits. */
	if (strcmp(bc->symbology, "]E3") == 0 && (n == 15 || n == 18))
		n = 13;
	if (ean8 && n != 8) {
		st_bc_err_add(bc, "EAN-8 symbology ]E4 with %zu characters; an EAN-8 has 8 digits", n);
		return finish(bc, ST_BC_GTIN);
	}
	st_gtin_parse(bc, d, n, !ean8 && n == 8);
	return finish(bc, ST_BC_GTIN);
}

/* Match the brand's own codes.  Returns the kind, or UNKNOWN. */
static enum st_bc_kind match_brand(struct st_bc *bc, const struct st_bc_patterns *p, const char *d,
				   size_t n)
{
	static const enum st_bc_kind kinds[] = { ST_BC_BADGE, ST_BC_ORDER, ST_BC_RMA, ST_BC_SERIAL,
						 ST_BC_BIN };
	const char *pats[] = { p->badge, p->order, p->rma, p->serial, p->bin };

	if (!id_upper(bc, d, n))
		return ST_BC_UNKNOWN;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (st_bc_pattern_match(pats[i], bc->id, n))
			return kinds[i];
	bc->id[0] = '\0';
	return ST_BC_UNKNOWN;
}

/* An order-line label: an order number, '/', the line number (1..999),
 * e.g. "ORD-100231/1" (docs/barcodes.md). */
static bool match_order_line(struct st_bc *bc, const struct st_bc_patterns *p, const char *d,
			     size_t n)
{
	const char *slash = memchr(d, '/', n);
	size_t on, ln;
	int line = 0;

	if (!slash || !p->order || !*p->order)
		return false;
	on = (size_t)(slash - d);
	ln = n - on - 1;
	if (on == 0 || ln == 0 || ln > 3)
		return false;
	for (size_t i = 0; i < ln; i++) {
		if (slash[1 + i] < '0' || slash[1 + i] > '9')
			return false;
		line = line * 10 + (slash[1 + i] - '0');
	}
	if (line == 0 || !id_upper(bc, d, on) || !st_bc_pattern_match(p->order, bc->id, on)) {
		bc->id[0] = '\0';
		return false;
	}
	bc->line_no = line;
	return true;
}

static int parse_untyped(struct st_bc *bc, const struct st_bc_patterns *p, const char *d, size_t n)
{
	size_t plen = p->command_prefix ? strlen(p->command_prefix) : 0;
	bool digits = all_digits(d, n);
	bool gtin_len = digits && (n == 8 || n == 12 || n == 13 || n == 14);
	bool code128 = strcmp(bc->symbology, "]C0") == 0;
	enum st_bc_kind k;
	int rc;

	if (plen > 0 && n >= plen && strncasecmp_ascii(d, p->command_prefix, plen) == 0)
		return parse_command(bc, d + plen, n - plen);
	plen = p->defect_prefix ? strlen(p->defect_prefix) : 0;
	if (plen > 0 && n > plen && strncasecmp_ascii(d, p->defect_prefix, plen) == 0)
		return parse_defect(bc, d + plen, n - plen);
	if (d[0] == '(') {
		st_gs1_parse_bracketed(bc, d, n);
		return finish(bc, ST_BC_GS1);
	}
	if (st_gs1_is_dl_uri(d, n)) {
		st_gs1_parse_dl(bc, d, n);
		return finish(bc, ST_BC_GS1);
	}
	if (has_byte(d, n, ST_BC_GS)) {
		/* GS separators but no AIM identifier: a GS1 symbol read by a
		 * scanner that does not transmit identifiers. */
		return parse_gs1_symbology(bc, d, n);
	}
	k = match_brand(bc, p, d, n);
	if (k != ST_BC_UNKNOWN)
		return finish(bc, k);
	if (match_order_line(bc, p, d, n))
		return finish(bc, ST_BC_ORDER_LINE);

	/* A bare GTIN is the likelier reading of 8/12/13/14 digits unless the
	 * symbol was a Code 128 (how carriers print tracking numbers). */
	if (gtin_len && !code128 && st_gs1_check_digit_ok(d, n)) {
		st_gtin_parse(bc, d, n, false);
		return finish(bc, ST_BC_GTIN);
	}
	rc = st_tracking_parse(bc, d, n);
	if (rc != ST_ERR_NOTFOUND)
		return finish(bc, ST_BC_TRACKING);
	if (gtin_len && st_gs1_check_digit_ok(d, n)) {
		st_gtin_parse(bc, d, n, false);
		return finish(bc, ST_BC_GTIN);
	}
	if (st_gs1_plausible(d, n) && n > 2 && !gtin_len) {
		st_gs1_parse_unseparated(bc, d, n);
		return finish(bc, ST_BC_GS1);
	}
	if (gtin_len) {
		/* Digits of a GTIN's length with a wrong check digit. */
		st_gtin_parse(bc, d, n, false);
		return finish(bc, ST_BC_GTIN);
	}
	st_bc_err_add(bc, "not a code this station knows (no GTIN, GS1, brand code, command "
			  "or tracking number matches)");
	return finish(bc, ST_BC_UNKNOWN);
}

static const char *first_bad_byte(const char *s, size_t n, size_t *pos)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != ST_BC_GS) || c == 0x7f) {
			*pos = i;
			return "control character";
		}
	}
	return NULL;
}

int st_bc_parse(const char *in, size_t n, const struct st_bc_patterns *pats, struct st_bc *bc)
{
	char sub[ST_BC_INPUT_MAX];
	const char *orig = in, *d;
	size_t plen, bad;
	const char *what;

	reset(bc);
	if (!pats)
		pats = st_bc_patterns_default();
	if (n > ST_BC_INPUT_MAX) {
		st_bc_err_add(bc, "scan is %zu bytes; the limit is %d", n, ST_BC_INPUT_MAX);
		return finish(bc, ST_BC_UNKNOWN);
	}
	if (pats->gs_substitute && memchr(in, pats->gs_substitute, n)) {
		/* A wedge scanner configured to type a stand-in for GS. */
		for (size_t i = 0; i < n; i++)
			sub[i] = in[i] == pats->gs_substitute ? (char)ST_BC_GS : in[i];
		in = sub;
	}
	plen = st_aim_prefix_len(in, n);
	if (plen) {
		memcpy(bc->symbology, in, plen);
		bc->symbology[plen] = '\0';
	}
	d = in + plen;
	n -= plen;
	/* bc->data points into the caller's buffer, never into sub. */
	bc->data = orig + plen;
	bc->data_len = n;
	if (n == 0) {
		if (plen)
			st_bc_err_add(bc, "symbology %s with no data", bc->symbology);
		else
			st_bc_err_add(bc, "empty scan");
		return finish(bc, ST_BC_UNKNOWN);
	}
	what = first_bad_byte(d, n, &bad);
	if (what) {
		st_bc_err_add(bc, "byte %zu: %s 0x%02x", bad + plen + 1, what, (unsigned char)d[bad]);
		return finish(bc, ST_BC_UNKNOWN);
	}
	if (plen && st_aim_is_gs1(bc->symbology))
		return parse_gs1_symbology(bc, d, n);
	if (plen && bc->symbology[1] == 'E')
		return parse_ean_symbology(bc, d, n);
	if (plen && strcmp(bc->symbology, "]I1") == 0 && n == 14 && all_digits(d, n)) {
		st_gtin_parse(bc, d, n, false); /* ITF-14 */
		return finish(bc, ST_BC_GTIN);
	}
	return parse_untyped(bc, pats, d, n);
}
