/* labels: the ~HS / ~HQES reply parser (see lb/status.h).
 *
 * Pure: no I/O, no clock, no allocation; buf is never assumed to hold a
 * NUL.  Every frame is bounded (LB_STATUS_FRAME_MAX) and every number
 * capped, so any byte string either parses or is refused.
 */
#include "lb/status.h"

#include <string.h>

#include "lb/err.h"

#define STX 0x02
#define ETX 0x03
#define HS_FIELDS_MAX 16
#define NUM_MAX 99999999u

struct field {
	const uint8_t *p;
	size_t n;
};

/* Split f[0..n) at commas into at most cap fields, spaces trimmed; returns
 * the count (fields past cap are folded into the last). */
static size_t split(const uint8_t *p, size_t n, struct field *out, size_t cap)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= n && k < cap; i++) {
		if (i < n && (p[i] != ',' || k == cap - 1))
			continue;
		out[k].p = p + start;
		out[k].n = i - start;
		while (out[k].n && (out[k].p[0] == ' ' || out[k].p[0] == '\r' || out[k].p[0] == '\n')) {
			out[k].p++;
			out[k].n--;
		}
		while (out[k].n && (out[k].p[out[k].n - 1] == ' ' || out[k].p[out[k].n - 1] == '\r' ||
				    out[k].p[out[k].n - 1] == '\n'))
			out[k].n--;
		k++;
		start = i + 1;
	}
	return k;
}

/* A decimal field of 1..8 digits. */
static int num(const struct field *f, unsigned *v)
{
	unsigned x = 0;

	if (f->n < 1 || f->n > 8)
		return LB_ERR_PROTO;
	for (size_t i = 0; i < f->n; i++) {
		if (f->p[i] < '0' || f->p[i] > '9')
			return LB_ERR_PROTO;
		x = x * 10 + (unsigned)(f->p[i] - '0');
	}
	*v = x > NUM_MAX ? NUM_MAX : x;
	return LB_OK;
}

/* A flag field: exactly "0" or "1". */
static int flag(const struct field *f, bool *v)
{
	if (f->n != 1 || (f->p[0] != '0' && f->p[0] != '1'))
		return LB_ERR_PROTO;
	*v = f->p[0] == '1';
	return LB_OK;
}

static int hs_string1(const uint8_t *p, size_t n, struct lb_status *st)
{
	struct field f[HS_FIELDS_MAX];
	bool paper, paused, full, partial, ram, under, over;
	unsigned len, formats;

	if (split(p, n, f, HS_FIELDS_MAX) < 12)
		return LB_ERR_PROTO;
	if (flag(&f[1], &paper) || flag(&f[2], &paused) || num(&f[3], &len) ||
	    num(&f[4], &formats) || flag(&f[5], &full) || flag(&f[7], &partial) ||
	    flag(&f[9], &ram) || flag(&f[10], &under) || flag(&f[11], &over))
		return LB_ERR_PROTO;
	st->flags |= (paper ? LB_ST_PAPER_OUT : 0) | (paused ? LB_ST_PAUSED : 0) |
		     (full ? LB_ST_BUFFER_FULL : 0) | (ram ? LB_ST_RAM_CORRUPT : 0) |
		     (under ? LB_ST_UNDER_TEMP : 0) | (over ? LB_ST_OVER_TEMP : 0);
	st->label_length_dots = len;
	st->formats_queued = formats;
	st->partial_format = partial;
	return LB_OK;
}

static int hs_string2(const uint8_t *p, size_t n, struct lb_status *st)
{
	struct field f[HS_FIELDS_MAX];
	bool head, ribbon, tt;
	unsigned left;

	if (split(p, n, f, HS_FIELDS_MAX) < 9)
		return LB_ERR_PROTO;
	if (flag(&f[2], &head) || flag(&f[3], &ribbon) || flag(&f[4], &tt) || num(&f[8], &left))
		return LB_ERR_PROTO;
	st->flags |= (head ? LB_ST_HEAD_OPEN : 0) | (ribbon ? LB_ST_RIBBON_OUT : 0);
	st->thermal_transfer = tt;
	st->labels_remaining = left;
	return LB_OK;
}

static int hs_string3(const uint8_t *p, size_t n)
{
	struct field f[HS_FIELDS_MAX];

	return split(p, n, f, HS_FIELDS_MAX) >= 2 ? LB_OK : LB_ERR_PROTO;
}

/* Where the NUL-terminated key starts in p[0..n), or NULL. */
static const uint8_t *find(const uint8_t *p, size_t n, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(p + i, key, k))
			return p + i;
	return NULL;
}

static int hex8(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
	uint32_t x = 0;

	while (*p < end && **p == ' ')
		(*p)++;
	if (end - *p < 8)
		return LB_ERR_PROTO;
	for (int i = 0; i < 8; i++) {
		uint8_t c = (*p)[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return LB_ERR_PROTO;
		x = x << 4 | d;
	}
	*p += 8;
	*v = x;
	return LB_OK;
}

/* "KEY:  f hhhhhhhh hhhhhhhh" */
static int hqes_line(const uint8_t *p, size_t n, const char *key, bool *set, uint32_t *hi,
		     uint32_t *lo)
{
	const uint8_t *end = p + n, *q = find(p, n, key);

	if (!q)
		return LB_ERR_PROTO;
	q += strlen(key);
	while (q < end && *q == ' ')
		q++;
	if (q >= end || (*q != '0' && *q != '1'))
		return LB_ERR_PROTO;
	*set = *q == '1';
	q++;
	if (q >= end || *q != ' ')
		return LB_ERR_PROTO;
	if (hex8(&q, end, hi) || hex8(&q, end, lo))
		return LB_ERR_PROTO;
	return LB_OK;
}

static int hqes_frame(const uint8_t *p, size_t n, struct lb_status *st)
{
	bool err_set, warn_set;
	uint32_t ehi, elo, whi, wlo;
	unsigned f = 0;

	if (hqes_line(p, n, "ERRORS:", &err_set, &ehi, &elo) ||
	    hqes_line(p, n, "WARNINGS:", &warn_set, &whi, &wlo))
		return LB_ERR_PROTO;
	if (elo & LB_HQES_MEDIA_OUT)
		f |= LB_ST_PAPER_OUT;
	if (elo & LB_HQES_RIBBON_OUT)
		f |= LB_ST_RIBBON_OUT;
	if (elo & LB_HQES_HEAD_OPEN)
		f |= LB_ST_HEAD_OPEN;
	if (elo & LB_HQES_CUTTER)
		f |= LB_ST_CUTTER;
	if (elo & LB_HQES_HEAD_OVER_TEMP)
		f |= LB_ST_OVER_TEMP;
	if (elo & LB_HQES_MOTOR_OVER_TEMP)
		f |= LB_ST_MOTOR_TEMP;
	if (elo & (LB_HQES_BAD_HEAD_ELEMENT | LB_HQES_HEAD_DETECT))
		f |= LB_ST_HEAD_FAULT;
	if (ehi || (elo & ~0xffu) || (err_set && !elo))
		f |= LB_ST_OTHER_ERROR;
	st->flags |= f;
	st->hqes_errors_hi = ehi;
	st->hqes_errors = elo;
	st->hqes_warnings_hi = whi;
	st->hqes_warnings = wlo;
	(void)warn_set;
	return LB_OK;
}

int lb_status_parse(const uint8_t *buf, size_t n, struct lb_status *st)
{
	struct lb_status t;
	unsigned hs = 0;
	size_t i = 0;
	int rc;

	if (!st || (!buf && n))
		return LB_ERR_ARG;
	memset(&t, 0, sizeof(t));
	while (i < n) {
		const uint8_t *stx = memchr(buf + i, STX, n - i), *etx;
		size_t len;

		if (!stx)
			break; /* only noise or line ends left */
		i = (size_t)(stx - buf) + 1;
		etx = memchr(buf + i, ETX, n - i);
		len = etx ? (size_t)(etx - (buf + i)) : n - i;
		if (len > LB_STATUS_FRAME_MAX || memchr(buf + i, STX, len))
			return LB_ERR_PROTO; /* too long, or a frame inside a frame */
		if (!etx)
			break; /* not ended yet: more bytes to come */
		if (find(buf + i, len, "ERRORS")) {
			if (t.have_hqes)
				return LB_ERR_PROTO;
			rc = hqes_frame(buf + i, len, &t);
			t.have_hqes = rc == LB_OK;
		} else if (hs == 0) {
			rc = hs_string1(buf + i, len, &t);
			hs++;
		} else if (hs == 1) {
			rc = hs_string2(buf + i, len, &t);
			hs++;
		} else if (hs == 2) {
			rc = hs_string3(buf + i, len);
			hs++;
		} else {
			rc = LB_ERR_PROTO;
		}
		if (rc < 0)
			return rc;
		i += len + 1;
	}
	t.have_hs = hs == 3;
	*st = t;
	return LB_OK;
}

bool lb_status_ready(const struct lb_status *st)
{
	return st && (st->have_hs || st->have_hqes) && st->flags == 0;
}

static const struct {
	unsigned flag;
	const char *name, *text;
} flags[LB_ST_FLAG_COUNT] = {
	{ LB_ST_PAPER_OUT, "paper_out", "paper out" },
	{ LB_ST_PAUSED, "paused", "paused" },
	{ LB_ST_HEAD_OPEN, "head_open", "head open" },
	{ LB_ST_RIBBON_OUT, "ribbon_out", "ribbon out" },
	{ LB_ST_BUFFER_FULL, "buffer_full", "receive buffer full" },
	{ LB_ST_UNDER_TEMP, "under_temperature", "head too cold" },
	{ LB_ST_OVER_TEMP, "over_temperature", "head too hot" },
	{ LB_ST_CUTTER, "cutter_fault", "cutter fault" },
	{ LB_ST_MOTOR_TEMP, "motor_over_temperature", "motor too hot" },
	{ LB_ST_HEAD_FAULT, "head_fault", "print head fault" },
	{ LB_ST_RAM_CORRUPT, "ram_corrupt", "memory corrupt (configuration lost)" },
	{ LB_ST_OTHER_ERROR, "other_error", "printer error" },
};

const char *lb_status_flag_name(unsigned flag)
{
	for (size_t i = 0; i < LB_ST_FLAG_COUNT; i++)
		if (flags[i].flag == flag)
			return flags[i].name;
	return "unknown";
}

const char *lb_status_flag_text(unsigned flag)
{
	for (size_t i = 0; i < LB_ST_FLAG_COUNT; i++)
		if (flags[i].flag == flag)
			return flags[i].text;
	return "unknown";
}

/* Append s to buf[cap] at *len, cutting if need be. */
static void put(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t k = strlen(s);

	if (*len + 1 >= cap)
		return;
	if (k > cap - 1 - *len)
		k = cap - 1 - *len;
	memcpy(buf + *len, s, k);
	*len += k;
	buf[*len] = '\0';
}

const char *lb_status_describe(const struct lb_status *st, char *buf, size_t cap)
{
	size_t len = 0;

	if (!buf || cap == 0)
		return buf;
	buf[0] = '\0';
	if (!st || (!st->have_hs && !st->have_hqes)) {
		put(buf, cap, &len, "no answer");
		return buf;
	}
	if (!st->flags) {
		put(buf, cap, &len, "ready");
		return buf;
	}
	for (size_t i = 0; i < LB_ST_FLAG_COUNT; i++) {
		if (!(st->flags & flags[i].flag))
			continue;
		if (len)
			put(buf, cap, &len, ", ");
		put(buf, cap, &len, flags[i].text);
	}
	return buf;
}
