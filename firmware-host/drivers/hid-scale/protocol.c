/* firmware-host: HID scale report parsing, unit conversion and the
 * attach/stale/auto-off tracker (see protocol.h).  Pure: no I/O, no clock,
 * no allocation, no floating point (STYLE.md section 2). */
#include "protocol.h"

#include <string.h>

#include "fh/err.h"

/* mg per unit = num / 10^k, exact (the international yard and pound of
 * 1959 for the avoirdupois and troy units; the Hong Kong Weights and
 * Measures Ordinance for the tael: 1 catty = 0.60478982 kg, 16 taels). */
static const struct {
	uint64_t num;
	int k;
} mg_per_unit[] = {
	[FH_SCALE_MG] = { 1, 0 },
	[FH_SCALE_G] = { 1000, 0 },
	[FH_SCALE_KG] = { 1000000, 0 },
	[FH_SCALE_CARAT] = { 200, 0 },
	[FH_SCALE_TAEL] = { 3779936375u, 5 },   /* 37799.36375 mg */
	[FH_SCALE_GRAIN] = { 6479891, 5 },      /* 64.79891 mg */
	[FH_SCALE_PENNYWEIGHT] = { 155517384, 5 }, /* 1555.17384 mg */
	[FH_SCALE_METRIC_TON] = { 1000000000, 0 },
	[FH_SCALE_AVOIR_TON] = { 907184740, 0 },
	[FH_SCALE_TROY_OZ] = { 311034768, 4 },  /* 31103.4768 mg */
	[FH_SCALE_OZ] = { 28349523125u, 6 },    /* 28349.523125 mg */
	[FH_SCALE_LB] = { 45359237, 2 },        /* 453592.37 mg */
};

int fh_scale_to_mg(unsigned unit, uint16_t raw, int exponent, int64_t *mg)
{
	uint64_t v;
	int e;

	if (!mg)
		return FH_ERR_ARG;
	if (unit < FH_SCALE_MG || unit > FH_SCALE_LB)
		return FH_ERR_PROTO;
	/* raw < 2^16 and num < 2^35: the product fits 51 bits. */
	v = (uint64_t)raw * mg_per_unit[unit].num;
	e = exponent - mg_per_unit[unit].k;
	if (v == 0) {
		*mg = 0;
		return FH_OK;
	}
	for (; e > 0; e--) {
		if (v > (uint64_t)INT64_MAX / 10)
			return FH_ERR_PROTO;
		v *= 10;
	}
	if (e < 0) {
		uint64_t p = 1, q, rem;

		/* v < 2^51 < 10^16, so from 10^17 on the result rounds to 0. */
		if (-e > 17) {
			*mg = 0;
			return FH_OK;
		}
		for (; e < 0; e++)
			p *= 10;
		q = v / p;
		rem = v % p;
		if (rem >= p - rem) /* rem / p >= 1/2, without overflow */
			q++;
		v = q;
	}
	if (v > (uint64_t)INT64_MAX)
		return FH_ERR_PROTO;
	*mg = (int64_t)v;
	return FH_OK;
}

int fh_scale_parse(const uint8_t *buf, size_t len, struct fh_scale_reading *r)
{
	struct fh_scale_reading t;
	int rc;

	if (!r || (!buf && len))
		return FH_ERR_ARG;
	if (len < FH_SCALE_REPORT_LEN || (buf[0] != FH_SCALE_REPORT_ID && buf[0] != 0x04))
		return FH_ERR_PROTO;
	memset(&t, 0, sizeof(t));
	t.status = buf[1];
	t.unit = buf[2];
	t.exponent = (int8_t)buf[3];
	t.raw = (uint16_t)(buf[4] | buf[5] << 8);
	if (t.status < FH_SCALE_FAULT || t.status > FH_SCALE_NEEDS_REZERO)
		return FH_ERR_PROTO;
	rc = fh_scale_to_mg(t.unit, t.raw, t.exponent, &t.weight_mg);
	if (rc < 0)
		return rc;
	if (t.status == FH_SCALE_UNDER_ZERO)
		t.weight_mg = -t.weight_mg; /* the field is a magnitude */
	t.stable = t.status == FH_SCALE_STABLE ||
		   (t.status == FH_SCALE_STABLE_ZERO && t.raw == 0);
	*r = t;
	return t.stable ? FH_OK : FH_ERR_AGAIN;
}

/* The input field of `app` carrying 0x8D:usage (a variable, or an array
 * whose selectors include it). */
static const struct fh_hidrd_field *scale_field(const struct fh_hidrd *d, unsigned app,
						uint16_t usage)
{
	int i = fh_hidrd_find_field(d, 0, app, FH_HIDRD_INPUT, 0x8D, usage);

	return i < 0 ? NULL : &d->fields[i];
}

int fh_scale_check_desc(const struct fh_hidrd *d, uint8_t *report_id)
{
	static const struct {
		uint16_t usage;   /* a usage the field carries */
		uint32_t bit;     /* expected offset after the report id */
		uint16_t size;
	} want[] = {
		{ 0x71, 0, 8 },   /* Scale Status (array of 0x71..0x78) */
		{ 0x51, 8, 8 },   /* Weight Unit (array of 0x51..0x5C) */
		{ 0x41, 16, 8 },  /* Data Scaling */
		{ 0x40, 24, 16 }, /* Data Weight */
	};
	const struct fh_hidrd_field *w;
	int app;

	if (!d || !report_id)
		return FH_ERR_ARG;
	app = fh_hidrd_find_app(d, 0x8D, 0x01);
	if (app < 0)
		return app;
	w = scale_field(d, (unsigned)app, 0x40);
	if (!w || !d->uses_report_ids)
		return FH_ERR_PROTO;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct fh_hidrd_field *f = scale_field(d, (unsigned)app, want[i].usage);

		if (!f || f->report_id != w->report_id || f->bit_offset != want[i].bit ||
		    f->bit_size != want[i].size)
			return FH_ERR_PROTO;
	}
	*report_id = w->report_id;
	return FH_OK;
}

void fh_scale_track_init(struct fh_scale_track *t, int auto_off_ms)
{
	memset(t, 0, sizeof(*t));
	t->auto_off_ms = auto_off_ms > 0 ? auto_off_ms : FH_SCALE_AUTO_OFF_MS;
}

void fh_scale_track_attach(struct fh_scale_track *t, int64_t now_ms)
{
	t->back = t->link == FH_SCALE_LINK_AUTO_OFF || t->link == FH_SCALE_LINK_UNPLUGGED;
	if (t->back)
		t->reconnects++;
	t->link = FH_SCALE_LINK_WARMUP;
	t->since_ms = now_ms;
	t->last_change_ms = now_ms;
	/* A new session: the next stable weight is news even if equal. */
	t->have_last = false;
	t->have_stable = false;
}

void fh_scale_track_detach(struct fh_scale_track *t, int64_t now_ms)
{
	if (t->link == FH_SCALE_LINK_ABSENT || t->link == FH_SCALE_LINK_AUTO_OFF ||
	    t->link == FH_SCALE_LINK_UNPLUGGED)
		return;
	t->load_when_gone = t->have_last && t->last.weight_mg > 0;
	t->link = now_ms - t->last_change_ms >= t->auto_off_ms ? FH_SCALE_LINK_AUTO_OFF
							       : FH_SCALE_LINK_UNPLUGGED;
	t->since_ms = now_ms;
}

static bool same(const struct fh_scale_reading *a, const struct fh_scale_reading *b)
{
	return a->status == b->status && a->unit == b->unit && a->exponent == b->exponent &&
	       a->raw == b->raw;
}

int fh_scale_track_feed(struct fh_scale_track *t, const uint8_t *buf, size_t len, int64_t now_ms,
			struct fh_scale_reading *r)
{
	struct fh_scale_reading cur;
	int rc, ev = FH_SCALE_EV_READING;

	if (!t || !r)
		return FH_ERR_ARG;
	rc = fh_scale_parse(buf, len, &cur);
	if (rc == FH_ERR_PROTO || rc == FH_ERR_ARG)
		return rc;
	if (t->link != FH_SCALE_LINK_WARMUP && t->link != FH_SCALE_LINK_READY)
		fh_scale_track_attach(t, now_ms);
	if (t->link == FH_SCALE_LINK_WARMUP) {
		/* usbscale: "the first result may be incorrect (from the
		 * previous weighing)". */
		t->link = FH_SCALE_LINK_READY;
		t->since_ms = now_ms;
		return FH_SCALE_EV_STALE;
	}
	if (t->have_last && same(&cur, &t->last) && !t->back)
		return 0;
	if (!t->have_last || !same(&cur, &t->last))
		t->last_change_ms = now_ms;
	if (t->have_last && cur.unit != t->last.unit)
		ev |= FH_SCALE_EV_UNIT;
	if (t->back) {
		ev |= FH_SCALE_EV_RECONNECTED;
		if (t->load_when_gone && cur.weight_mg == 0 &&
		    cur.status == FH_SCALE_STABLE_ZERO)
			ev |= FH_SCALE_EV_REZERO_RISK;
		t->back = false;
		t->load_when_gone = false;
	}
	if (cur.stable && (!t->have_stable || cur.weight_mg != t->last_stable.weight_mg)) {
		ev |= FH_SCALE_EV_STABLE;
		t->last_stable = cur;
		t->have_stable = true;
	}
	t->last = cur;
	t->have_last = true;
	*r = cur;
	return ev;
}
