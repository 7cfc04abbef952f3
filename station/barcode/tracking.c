/* station/barcode: carrier tracking numbers (UPS, FedEx, USPS).
 *
 * Answers one question for the classifier: is this scan a tracking number of
 * a carrier we ship with, and is its check digit right?  It recognises a
 * number by its shape (length, prefix, character set) and then checks the
 * carrier's check digit.  The forms, algorithms and their sources are in
 * docs/internals/tracking.md.
 *
 * Not for: telling a FedEx 12-digit number from a UPC-A (the classifier
 * decides, GTIN first), looking numbers up with a carrier, or other carriers.
 * Pure: no allocation, no I/O, reads only s[0..n).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "barcode-int.h"


/* The longest form is 420 + ZIP+4 + a 26-digit IMpb number: 38 characters.
 * Anything longer after dropping spaces is no tracking number, and stopping
 * there keeps a long scan from costing more than a few comparisons. */
#define TRK_MAX 38

/* One reading of a number: several forms share a length and prefix (USPS 20
 * digits with or without the legacy AI 91; 420 + ZIP+4 + 22 digits against
 * 420 + ZIP + 26 digits), so a number may have two. */
struct trk_cand {
	enum st_bc_carrier carrier;
	const char *service; /* goes to bc->service, under 32 bytes */
	const char *reading; /* names the reading in an error when there are two */
	int expect;          /* the check digit this reading wants, 0..9 */
};

/* The normalised scan: upper case, spaces and one GS gone. */
struct trk_num {
	char d[TRK_MAX + 1];
	size_t len;
	size_t gs_at; /* d[] index a GS stood before, 0 when there was none */
};

static const char *carrier_label(enum st_bc_carrier c)
{
	switch (c) {
	case ST_CARRIER_UPS:
		return "UPS";
	case ST_CARRIER_FEDEX:
		return "FedEx";
	case ST_CARRIER_USPS:
		return "USPS";
	case ST_CARRIER_NONE:
		break;
	}
	return "carrier";
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_digits(const char *d, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(d[i]))
			return false;
	return true;
}

/* Copy s into t without spaces, upper-casing letters.  A GS (FNC1) is kept
 * out but remembered: a GS1-128 IMpb scan has one after the variable-length
 * 420 + ZIP routing field, and where it stands tells the ZIP's length.
 * False when s cannot be a tracking number at all. */
static bool normalise(const char *s, size_t n, struct trk_num *t)
{
	t->len = 0;
	t->gs_at = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ')
			continue;
		if (c == ST_BC_GS) {
			if (t->gs_at || t->len == 0)
				return false;
			t->gs_at = t->len;
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!is_digit(c) && !(c >= 'A' && c <= 'Z'))
			return false;
		if (t->len == TRK_MAX)
			return false;
		t->d[t->len++] = c;
	}
	t->d[t->len] = '\0';
	return t->len > 0;
}

/* GS1 mod 10 over d[0..len-1), the check digit being d[len-1]: weights 3 and
 * 1 alternating from the digit next to the check digit (GTIN, SSCC, IMpb,
 * FedEx Ground). */
static int mod10_expect(const char *d, size_t len)
{
	unsigned sum = 0;
	unsigned w = 3;

	for (size_t i = len - 1; i-- > 0;) {
		sum += (unsigned)(d[i] - '0') * w;
		w = 4 - w;
	}
	return (int)((10 - sum % 10) % 10);
}

/* FedEx Express: weights 1, 3, 7 repeating from the digit next to the check
 * digit, sum mod 11, and a remainder of 10 gives 0. */
static int express_expect(const char *d, size_t len)
{
	static const unsigned char w[3] = { 1, 3, 7 };
	unsigned sum = 0;
	size_t k = 0;

	for (size_t i = len - 1; i-- > 0; k = (k + 1) % 3)
		sum += (unsigned)(d[i] - '0') * w[k];
	return (int)(sum % 11 % 10);
}

/* UPS 1Z: over the 15 characters between "1Z" and the check digit, letters
 * count as (letter - 'A' + 2) mod 10 (A=2 ... H=9, I=0, J=1, ...), every
 * second character from the left (the 2nd, 4th, ...) is doubled, and the
 * check digit brings the sum to a multiple of 10. */
static int ups_expect(const char *d)
{
	unsigned sum = 0;

	for (size_t i = 2; i < 17; i++) {
		unsigned v;

		if (is_digit(d[i]))
			v = (unsigned)(d[i] - '0');
		else
			v = (unsigned)(d[i] - 'A' + 2) % 10;
		sum += (i - 2) & 1 ? 2 * v : v;
	}
	return (int)((10 - sum % 10) % 10);
}

/* True when d[0..2) is an IMpb Channel Application Identifier: 92 to 95, or
 * 91 of the legacy Confirmation Services constructs. */
static bool impb_channel(const char *d)
{
	return d[0] == '9' && d[1] >= '1' && d[1] <= '5';
}

/* USPS forms.  Fills c[] and returns how many readings s has (0: not USPS). */
static size_t usps_forms(const struct trk_num *t, struct trk_cand *c)
{
	const char *d = t->d;
	size_t len = t->len;
	size_t k = 0;

	if (t->gs_at == 0 && len == 20 && !(d[0] == '0' && d[1] == '0')) {
		/* Legacy 20-digit numbers (Certified Mail and the like) are
		 * printed without the AI 91 their barcode carried; some were
		 * computed with it, some without. */
		char with91[22] = { '9', '1' };

		memcpy(with91 + 2, d, 20);
		c[k++] = (struct trk_cand){ ST_CARRIER_USPS, "USPS (20)", "as printed",
					    mod10_expect(d, len) };
		c[k++] = (struct trk_cand){ ST_CARRIER_USPS, "USPS (20, AI 91)",
					    "with the legacy AI 91", mod10_expect(with91, 22) };
		return k;
	}
	if (t->gs_at == 0 && (len == 22 || len == 26) && impb_channel(d)) {
		c[k++] = (struct trk_cand){ ST_CARRIER_USPS,
					    len == 22 ? "USPS IMpb (22)" : "USPS IMpb (26)", NULL,
					    mod10_expect(d, len) };
		return k;
	}
	if (len < 30 || memcmp(d, "420", 3) != 0)
		return 0;
	/* 420 + ZIP (5 digits) or ZIP+4 (9), then a 22 or 26-digit number
	 * whose check digit covers only itself, not the routing code. */
	if ((t->gs_at == 0 || t->gs_at == 8) && (len == 30 || len == 34) && impb_channel(d + 8))
		c[k++] = (struct trk_cand){ ST_CARRIER_USPS,
					    len == 30 ? "USPS IMpb ZIP+22 (30)" : "USPS IMpb ZIP+26 (34)",
					    "after a 5-digit ZIP", mod10_expect(d + 8, len - 8) };
	if ((t->gs_at == 0 || t->gs_at == 12) && (len == 34 || len == 38) && impb_channel(d + 12))
		c[k++] = (struct trk_cand){ ST_CARRIER_USPS,
					    len == 34 ? "USPS IMpb ZIP+4+22 (34)" : "USPS IMpb ZIP+4+26 (38)",
					    "after a ZIP+4", mod10_expect(d + 12, len - 12) };
	return k;
}

/* FedEx forms.  Fills c[0] and returns 1, or 0 when s is no FedEx number. */
static size_t fedex_forms(const struct trk_num *t, struct trk_cand *c)
{
	const char *d = t->d;
	size_t len = t->len;
	const char *service;
	int expect;

	if (t->gs_at)
		return 0;
	if (len == 12) {
		service = "FedEx Express (12)";
		expect = express_expect(d, len);
	} else if (len == 15) {
		service = "FedEx Ground (15)";
		expect = mod10_expect(d, len);
	} else if (len == 20 && d[0] == '0' && d[1] == '0') {
		/* AI 00 + SSCC-18: the check digit covers the 18 digits. */
		service = "FedEx SSCC-18 (20)";
		expect = mod10_expect(d + 2, 18);
	} else if (len == 22 && d[0] == '9' && d[1] == '6') {
		/* 96 + 2-digit SCNC + 3-digit service + the 15-digit Ground
		 * number, whose own check digit is the last. */
		service = "FedEx Ground 96 (22)";
		expect = mod10_expect(d + 7, 15);
	} else if (len == 34 && d[0] == '9' && d[1] == '6') {
		/* Ground barcode carrying a 12-digit (Express-style) number
		 * zero-padded to 14 at its end. */
		service = "FedEx Ground 96 (34)";
		expect = express_expect(d + 20, 14);
	} else if (len == 34 && d[0] == '1' && d[1] == '0' && d[2] == '0') {
		/* Express barcode: routing data, then the 12-digit number
		 * zero-padded to 14. */
		service = "FedEx Express (34)";
		expect = express_expect(d + 20, 14);
	} else {
		return 0;
	}
	*c = (struct trk_cand){ ST_CARRIER_FEDEX, service, NULL, expect };
	return 1;
}

/* Record the outcome: valid when any reading's check digit is right, else
 * an error naming what each reading expected. */
static int finish(struct st_bc *bc, const struct trk_num *t, const struct trk_cand *c, size_t nc)
{
	char got = t->d[t->len - 1];
	const struct trk_cand *pick = &c[0];
	int rc = ST_ERR_PARSE;

	for (size_t i = 0; i < nc; i++) {
		if (got == '0' + c[i].expect) {
			pick = &c[i];
			rc = ST_OK;
			break;
		}
	}
	bc->carrier = pick->carrier;
	snprintf(bc->service, sizeof(bc->service), "%s", pick->service);
	memcpy(bc->id, t->d, t->len + 1);
	if (rc == ST_OK)
		return rc;
	if (nc == 1 || c[0].expect == c[1].expect)
		st_bc_err_add(bc, "%s tracking number %s: check digit should be %d, not %c",
			      carrier_label(pick->carrier), t->d, c[0].expect, got);
	else
		st_bc_err_add(bc,
			      "%s tracking number %s: check digit should be %d (%s) or %d (%s), not %c",
			      carrier_label(pick->carrier), t->d, c[0].expect, c[0].reading,
			      c[1].expect, c[1].reading, got);
	return rc;
}

int st_tracking_parse(struct st_bc *bc, const char *s, size_t n)
{
	struct trk_num t;
	struct trk_cand c[2];
	size_t nc;

	/* Cheapest rejections first: this runs on every scan. */
	if (n < 12 || !normalise(s, n, &t) || t.len < 12)
		return ST_ERR_NOTFOUND;

	if (t.d[0] == '1' && t.d[1] == 'Z') {
		if (t.len != 18 || t.gs_at)
			return ST_ERR_NOTFOUND;
		c[0] = (struct trk_cand){ ST_CARRIER_UPS, "UPS", NULL, ups_expect(t.d) };
		return finish(bc, &t, c, 1);
	}
	if (!all_digits(t.d, t.len))
		return ST_ERR_NOTFOUND;
	nc = fedex_forms(&t, c);
	if (nc == 0)
		nc = usps_forms(&t, c);
	if (nc == 0)
		return ST_ERR_NOTFOUND;
	return finish(bc, &t, c, nc);
}
