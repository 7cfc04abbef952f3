/* station/barcode: GTINs: the GS1 mod-10 check digit, UPC-E expansion and
 * bare GTIN-8/12/13/14 scans.
 *
 * A bare GTIN is what EAN/UPC and ITF-14 symbols carry; its GS1 element string
 * form is AI (01) with the GTIN left-padded with zeros to 14 digits, which is
 * what bc->gtin holds.  Not for: GTINs inside element strings (gs1.c checks
 * those through the AI table, with the same check digit).
 */
#include <string.h>

#include "gs1-int.h"

int st_gs1_check_digit(const char *d, size_t n)
{
	unsigned sum = 0, w = 3;

	/* The digit next to the check digit has weight 3, then 1, 3, ... */
	for (size_t i = n; i-- > 0; w ^= 2)
		sum += (unsigned)(d[i] - '0') * w;
	return (int)((10 - sum % 10) % 10);
}

static bool all_digits(const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] < '0' || d[i] > '9')
			return false;
	return true;
}

bool st_gs1_check_digit_ok(const char *d, size_t n)
{
	if (n < 2 || !all_digits(d, n))
		return false;
	return d[n - 1] - '0' == st_gs1_check_digit(d, n - 1);
}

int st_upce_expand(const char *in, size_t n, char out[13])
{
	/* Where the suppressed zeros go depends on the last data digit (GS1
	 * General Specifications, UPC-E zero suppression).  Each template gives
	 * the ten UPC-A digits after the number system: 'a' to 'f' are the six
	 * UPC-E data digits, '0' a restored zero. */
	static const char *const tmpl[10] = {
		"abf0000cde", "abf0000cde", "abf0000cde", /* mfr ab f 00, item 00 cde */
		"abc00000de",                             /* mfr abc00, item 000 de */
		"abcd00000e",                             /* mfr abcd0, item 0000 e */
		"abcde0000f", "abcde0000f", "abcde0000f", /* mfr abcde, item 0000 f */
		"abcde0000f", "abcde0000f",
	};
	const char *t;

	if (n != 8 || !all_digits(in, n) || (in[0] != '0' && in[0] != '1'))
		return ST_ERR_PARSE;
	t = tmpl[in[6] - '0'];
	out[0] = in[0];
	for (int i = 0; i < 10; i++)
		out[1 + i] = t[i] == '0' ? '0' : in[1 + (t[i] - 'a')];
	out[11] = in[7];
	out[12] = '\0';
	return ST_OK;
}

int st_gtin_parse(struct st_bc *bc, const char *s, size_t n, bool upce)
{
	char upca[13];
	const char *d = s;
	size_t nd = n;
	int want;

	bc->gtin[0] = '\0';
	bc->gtin_digits = 0;
	bc->upce = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			char shown[64];

			st_gs1_show(shown, sizeof(shown), s, n);
			st_bc_err_add(bc, "GTIN '%s': character %zu is not a digit", shown, i + 1);
			return ST_ERR_PARSE;
		}
	}
	if (upce) {
		if (st_upce_expand(s, n, upca) < 0) {
			char shown[64];

			st_gs1_show(shown, sizeof(shown), s, n);
			st_bc_err_add(bc, "UPC-E '%s': needs 8 digits starting with 0 or 1", shown);
			return ST_ERR_PARSE;
		}
		/* The check digit of a UPC-E is that of its UPC-A form. */
		d = upca;
		nd = 12;
	} else if (n != 8 && n != 12 && n != 13 && n != 14) {
		st_bc_err_add(bc, "GTIN: %zu digits; a GTIN has 8, 12, 13 or 14", n);
		return ST_ERR_PARSE;
	}
	want = st_gs1_check_digit(d, nd - 1);
	if (d[nd - 1] - '0' != want) {
		st_bc_err_add(bc, "%s '%.*s': check digit should be %d",
			      upce ? "UPC-E" : n == 8 ? "GTIN-8" : n == 12 ? "GTIN-12"
							  : n == 13 ? "GTIN-13" : "GTIN-14",
			      (int)n, s, want);
		return ST_ERR_PARSE;
	}
	memset(bc->gtin, '0', 14 - nd);
	memcpy(bc->gtin + 14 - nd, d, nd);
	bc->gtin[14] = '\0';
	/* A UPC-E stands for a GTIN-12: report that, with upce saying how it
	 * was printed. */
	bc->gtin_digits = (unsigned)nd;
	bc->upce = upce;
	return ST_OK;
}
