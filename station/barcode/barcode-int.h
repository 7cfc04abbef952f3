/* station/barcode: declarations shared by the files of this folder only.
 *
 * Every parser here appends to a struct st_bc: AIs into bc->ai / bc->buf and
 * human-readable errors (naming what and where) into bc->err.  None allocates,
 * does I/O or reads a clock.  Never include this from outside station/barcode.
 */
#ifndef QC_STATION_BARCODE_INT_H
#define QC_STATION_BARCODE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "st/barcode.h"
#include "st/err.h"

#if defined(__GNUC__)
#define ST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ST_PRINTF(f, a)
/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif

/* Append an error message to bc->err (truncated to ST_BC_ERR_LEN; counted in
 * bc->err.dropped past ST_BC_ERR_MAX). */
void st_bc_err_add(struct st_bc *bc, const char *fmt, ...) ST_PRINTF(2, 3);

/* Append one AI and its value to bc.  Returns 0, or ST_ERR_RANGE (and an
 * error message) when ST_BC_AI_MAX or the value buffer is exhausted. */
int st_bc_ai_add(struct st_bc *bc, const char *ai, size_t ai_len, const char *val, size_t val_len);

/* ---- aim.c ------------------------------------------------------------- */

/* Length of the AIM symbology identifier at the start of s[0..n): 3 for
 * "]C1" and the like, 0 when s does not start with one.  (']Y' system
 * expansion identifiers are not supported and give 0.) */
size_t st_aim_prefix_len(const char *s, size_t n);

/* True when the symbology identifier says the data is a GS1 element string
 * (FNC1 in first position): ]C1 ]d2 ]Q3 ]e0 ]J1 ]I1-like GS1 modes. */
bool st_aim_is_gs1(const char *sym);

/* ---- gtin.c ------------------------------------------------------------- */

/* True when d[0..n) are all digits and the last is the GS1 mod-10 check
 * digit of the others (GTIN-8/12/13/14, SSCC, GLN, ...). */
bool st_gs1_check_digit_ok(const char *d, size_t n);

/* Expand an 8-digit UPC-E (number system, 6 data digits, check digit) into
 * its 12-digit UPC-A form in out[13].  Returns 0, or ST_ERR_PARSE when the
 * input is not a UPC-E (number system other than 0/1, non-digits). */
int st_upce_expand(const char *in, size_t n, char out[13]);

/* Parse a bare GTIN scan: 8 (EAN-8, or UPC-E when upce is true), 12, 13 or
 * 14 digits.  Fills bc->gtin (GTIN-14 form), gtin_digits and upce; adds an
 * error naming the expected check digit when it is wrong.  Returns 0 when
 * valid, ST_ERR_PARSE otherwise. */
int st_gtin_parse(struct st_bc *bc, const char *s, size_t n, bool upce);

/* ---- gs1.c, gs1_table.c, gs1_lint.c, gs1_dl.c --------------------------- */

/* A GS1 element string as carried by GS1-128 / GS1 DataMatrix / GS1 QR /
 * DataBar: AIs concatenated, each variable-length value ended by GS (0x1D) or
 * the end of data.  The leading FNC1 (symbology ]C1 etc.) is already gone.
 * Validates every AI against the AI table (length, character set, check
 * digits, dates, ...) and the requires/excludes rules between AIs. */
int st_gs1_parse_element_string(struct st_bc *bc, const char *s, size_t n);

/* The bracketed human-readable form "(01)09501101020917(10)ABC". */
int st_gs1_parse_bracketed(struct st_bc *bc, const char *s, size_t n);

/* True when s looks like a GS1 Digital Link URI (http(s)://host/.../01/...
 * or another primary key AI path). */
bool st_gs1_is_dl_uri(const char *s, size_t n);

/* A GS1 Digital Link URI, turned into the same AI list. */
int st_gs1_parse_dl(struct st_bc *bc, const char *s, size_t n);

/* A keyboard-wedge scan of a GS1 element string that lost its GS separators.
 * Recovered only when the split is unambiguous (every AI but the last has a
 * predefined length); otherwise an error, never a wrong split. */
int st_gs1_parse_unseparated(struct st_bc *bc, const char *s, size_t n);

/* True when s[0..n) starts with a known AI and could be an element string
 * (used by the classifier to decide whether to try the GS1 parsers). */
bool st_gs1_plausible(const char *s, size_t n);

/* ---- tracking.c --------------------------------------------------------- */

/* Carrier tracking numbers: UPS 1Z (check digit), FedEx 12/15/20/22/34
 * digits (their check digit schemes), USPS IMpb.  Fills bc->carrier,
 * bc->service and bc->id (normalised).  Returns 0 when s is a valid tracking
 * number, ST_ERR_PARSE (with an error) when it has a carrier's shape but a
 * wrong check digit, ST_ERR_NOTFOUND (no error added) when it has no
 * carrier's shape at all. */
int st_tracking_parse(struct st_bc *bc, const char *s, size_t n);

/* ---- pattern.c ----------------------------------------------------------- */
/* (see st_bc_pattern_match() in st/barcode.h) */

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
