/* labels: the resolution check of ZPL documents (see lb/zplcheck.h). */
#include "lb/zplcheck.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lb/err.h"

#define TOLERANCE_PCT 3 /* ^PW within 3 % of the label width is a match */

int lb_dpi_dpmm(int dpi)
{
	switch (dpi) {
	case 152:
		return 6;
	case 203:
		return 8;
	case 300:
		return 12;
	case 600:
		return 24;
	default:
		return 0;
	}
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

/* A decimal number at p[0..end), at most 6 digits; -1 when none. */
static int number(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	int v = 0, k = 0;

	while (p < end && *p == ' ')
		p++;
	while (p < end && *p >= '0' && *p <= '9' && k < 6) {
		v = v * 10 + (*p - '0');
		p++;
		k++;
	}
	*next = p;
	return k ? v : -1;
}

/* A ^MU "from" or "to" dpi as written (150, 200, 300, 600) as the printer
 * resolution it means. */
static int mu_dpi(int v)
{
	return v == 200 ? 203 : v == 150 ? 152 : v;
}

static bool near(long a, long b)
{
	long d = a > b ? a - b : b - a;

	return d * 100 <= b * TOLERANCE_PCT;
}

int lb_zpl_check_resolution(const uint8_t *doc, size_t n, int printer_dpi, int label_width_dots,
			    struct lb_zpl_geom *out)
{
	static const int dpis[] = { 152, 203, 300, 600 };
	const uint8_t *p, *end;
	struct lb_zpl_geom g;
	bool units_independent = false;
	long pw;

	if (!out || (!doc && n) || !lb_dpi_dpmm(printer_dpi) || label_width_dots <= 0 ||
	    label_width_dots > 100000)
		return LB_ERR_ARG;
	memset(&g, 0, sizeof(g));
	end = doc + n;
	for (p = doc; p + 2 < end; p++) {
		const uint8_t *q;
		int c1, c2, v;

		if (*p != '^' && *p != '~')
			continue;
		c1 = upper(p[1]);
		c2 = upper(p[2]);
		q = p + 3;
		if (c1 == 'X' && c2 == 'A') {
			g.formats++;
		} else if (c1 == 'P' && c2 == 'W') {
			v = number(q, end, &q);
			if (v > g.pw_dots)
				g.pw_dots = v;
		} else if (c1 == 'L' && c2 == 'L') {
			v = number(q, end, &q);
			if (v > g.ll_dots)
				g.ll_dots = v;
		} else if (c1 == 'M' && c2 == 'U') {
			int u = q < end ? upper(*q) : 0;

			if (u == 'I' || u == 'M')
				units_independent = true;
			if (u == 'D' || u == 'I' || u == 'M')
				q++;
			if (q < end && *q == ',') {
				int from = number(q + 1, end, &q), to = -1;

				if (q < end && *q == ',')
					to = number(q + 1, end, &q);
				if (from > 0 && to > 0) {
					g.mu_from_dpi = mu_dpi(from);
					g.mu_to_dpi = mu_dpi(to);
				}
			}
		}
	}
	if (!g.formats)
		return LB_ERR_PROTO;
	if (g.mu_to_dpi && g.mu_to_dpi != printer_dpi) {
		g.fit = LB_ZPL_FIT_OTHER_DPI;
		g.made_for_dpi = g.mu_to_dpi;
		snprintf(g.why, sizeof(g.why),
			 "^MU converts it to %d dpi, but the printer is %d dpi", g.mu_to_dpi,
			 printer_dpi);
		*out = g;
		return LB_OK;
	}
	if (!g.pw_dots) {
		if (g.mu_to_dpi) {
			g.fit = LB_ZPL_FIT_OK;
		} else {
			g.fit = LB_ZPL_FIT_UNKNOWN;
			snprintf(g.why, sizeof(g.why),
				 "no ^PW: the resolution it was made for cannot be checked");
		}
		*out = g;
		return LB_OK;
	}
	if (units_independent) {
		g.fit = LB_ZPL_FIT_OK; /* sizes in inches or mm fit any resolution */
		*out = g;
		return LB_OK;
	}
	pw = g.pw_dots;
	if (g.mu_from_dpi && g.mu_to_dpi)
		pw = pw * g.mu_to_dpi / g.mu_from_dpi;
	if (near(pw, label_width_dots)) {
		g.fit = LB_ZPL_FIT_OK;
		*out = g;
		return LB_OK;
	}
	for (size_t i = 0; i < sizeof(dpis) / sizeof(dpis[0]); i++) {
		long w = (long)label_width_dots * lb_dpi_dpmm(dpis[i]) / lb_dpi_dpmm(printer_dpi);

		if (dpis[i] == printer_dpi || !near(pw, w))
			continue;
		g.fit = LB_ZPL_FIT_OTHER_DPI;
		g.made_for_dpi = dpis[i];
		snprintf(g.why, sizeof(g.why),
			 "made for %d dpi (^PW%d), but the printer is %d dpi: it would print at"
			 " %ld%% size",
			 dpis[i], g.pw_dots, printer_dpi,
			 (long)lb_dpi_dpmm(dpis[i]) * 100 / lb_dpi_dpmm(printer_dpi));
		*out = g;
		return LB_OK;
	}
	if (pw > (long)label_width_dots + (long)label_width_dots * TOLERANCE_PCT / 100) {
		g.fit = LB_ZPL_FIT_TOO_WIDE;
		snprintf(g.why, sizeof(g.why),
			 "^PW%d is wider than the label (%d dots at %d dpi): it would be cut off",
			 g.pw_dots, label_width_dots, printer_dpi);
	} else {
		g.fit = LB_ZPL_FIT_OK; /* a narrower label */
	}
	*out = g;
	return LB_OK;
}
