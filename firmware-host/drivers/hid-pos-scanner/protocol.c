/* firmware-host: HID POS scanner layout and multi-report reassembly (see
 * protocol.h).  Pure: no I/O, no clock, no allocation; every offset that
 * comes from a descriptor is checked against the report length. */
#include "protocol.h"

#include <string.h>

#include "fh/err.h"

/* The common layout's offsets (notes section 1.2). */
enum {
	DEF_ID = 0x02, DEF_LEN = 64, DEF_COUNT = 1, DEF_AIM = 2, DEF_DATA = 5, DEF_CAP = 56,
	DEF_CODE = 61, DEF_CONT = 63,
};

void fh_pos_layout_default(struct fh_pos_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->report_id = DEF_ID;
	l->report_len = DEF_LEN;
	l->count_bit = DEF_COUNT * 8;
	l->count_bits = 8;
	l->aim_off = DEF_AIM;
	l->has_aim = true;
	l->data_off = DEF_DATA;
	l->data_cap = DEF_CAP;
	l->cont_bit = DEF_CONT * 8;
	l->cont_bits = 1;
	l->code_off = DEF_CODE;
	l->has_code = true;
}

/* Bit position of element `i` of field f in the raw report (ID byte
 * included). */
static uint32_t raw_bit(const struct fh_hidrd *d, const struct fh_hidrd_field *f, unsigned i)
{
	return (d->uses_report_ids ? 8u : 0u) + f->bit_offset + (uint32_t)i * f->bit_size;
}

/* The i-th input field in app with usage (page, usage) and report id, or NULL. */
static const struct fh_hidrd_field *field_in(const struct fh_hidrd *d, unsigned app, uint8_t id,
					     uint16_t page, uint16_t usage)
{
	int i = -1;

	while ((i = fh_hidrd_find_field(d, (unsigned)(i + 1), app, FH_HIDRD_INPUT, page, usage)) >= 0)
		if (d->fields[i].report_id == id)
			return &d->fields[i];
	return NULL;
}

/* The bit where usage `u` sits inside field f (which carries it). */
static uint32_t usage_bit(const struct fh_hidrd *d, const struct fh_hidrd_field *f, uint16_t u)
{
	unsigned i = f->usage == f->usage_max ? 0 : (unsigned)(u - f->usage);

	return raw_bit(d, f, i);
}

int fh_pos_layout_from_desc(const struct fh_hidrd *d, struct fh_pos_layout *l)
{
	const struct fh_hidrd_field *data = NULL, *f;
	struct fh_pos_layout t;
	unsigned app;
	uint32_t bit;
	size_t rlen;
	int i, rc;

	if (!d || !l)
		return FH_ERR_ARG;
	rc = fh_hidrd_find_app(d, FH_POS_PAGE, FH_POS_USAGE_SCANNER);
	if (rc < 0)
		return rc;
	app = (unsigned)rc;

	/* Decoded Data: prefer the one inside a Scanned Data Report. */
	i = -1;
	while ((i = fh_hidrd_find_field(d, (unsigned)(i + 1), app, FH_HIDRD_INPUT, FH_POS_PAGE,
					FH_POS_USAGE_DATA)) >= 0) {
		const struct fh_hidrd_field *c = &d->fields[i];
		const struct fh_hidrd_collection *coll =
			c->collection < d->n_collections ? &d->collections[c->collection] : NULL;

		if (c->bit_size != 8 || c->flags & FH_HIDRD_F_CONSTANT ||
		    !(c->flags & FH_HIDRD_F_VARIABLE) || c->usage != c->usage_max)
			continue;
		if (!data)
			data = c;
		if (coll && coll->usage_page == FH_POS_PAGE &&
		    coll->usage == FH_POS_USAGE_SCANNED_DATA) {
			data = c;
			break;
		}
	}
	if (!data || raw_bit(d, data, 0) % 8 != 0)
		return FH_ERR_PROTO;

	memset(&t, 0, sizeof(t));
	t.report_id = data->report_id;
	rlen = fh_hidrd_report_len(d, FH_HIDRD_INPUT, t.report_id);
	if (rlen == 0 || rlen > UINT16_MAX)
		return FH_ERR_PROTO;
	t.report_len = (uint16_t)rlen;
	t.data_off = (uint16_t)(raw_bit(d, data, 0) / 8);
	t.data_cap = data->count;

	f = field_in(d, app, t.report_id, FH_POS_PAGE_GD, FH_POS_USAGE_BYTE_COUNT);
	if (f && f->bit_size <= 16) {
		t.count_bit = usage_bit(d, f, FH_POS_USAGE_BYTE_COUNT);
		t.count_bits = (uint8_t)f->bit_size;
	}

	/* AIM: three 8-bit, byte-aligned, consecutive bytes 0xFB, 0xFC, 0xFD. */
	t.has_aim = true;
	for (unsigned k = 0; k < 3 && t.has_aim; k++) {
		uint16_t u = (uint16_t)(FH_POS_USAGE_SYM_ID1 + k);

		f = field_in(d, app, t.report_id, FH_POS_PAGE, u);
		if (!f || f->bit_size != 8) {
			t.has_aim = false;
			break;
		}
		bit = usage_bit(d, f, u);
		if (k == 0) {
			if (bit % 8 != 0)
				t.has_aim = false;
			t.aim_off = (uint16_t)(bit / 8);
		} else if (bit != (uint32_t)(t.aim_off + k) * 8) {
			t.has_aim = false;
		}
	}
	if (!t.has_aim)
		t.aim_off = 0;

	f = field_in(d, app, t.report_id, FH_POS_PAGE, FH_POS_USAGE_CONTINUED);
	if (f && f->bit_size <= 32) {
		t.cont_bit = usage_bit(d, f, FH_POS_USAGE_CONTINUED);
		t.cont_bits = (uint8_t)f->bit_size;
	}
	*l = t;
	return FH_OK;
}

void fh_pos_asm_init(struct fh_pos_asm *a, const struct fh_pos_layout *l, int timeout_ms,
		     bool strip_crlf)
{
	memset(a, 0, sizeof(*a));
	a->layout = *l;
	a->timeout_ms = timeout_ms > 0 ? timeout_ms : FH_POS_TIMEOUT_MS;
	a->strip_crlf = strip_crlf;
}

static void drop(struct fh_pos_asm *a)
{
	if (a->active)
		a->dropped++;
	a->active = false;
}

int fh_pos_asm_expire(struct fh_pos_asm *a, int64_t now_ms)
{
	if (!a->active || now_ms - a->last_ms <= a->timeout_ms)
		return 0;
	drop(a);
	return 1;
}

static void take_aim(struct fh_pos_scan *s, const uint8_t *p)
{
	s->aim[0] = '\0';
	if (p[0] == ']' && p[1] > 0x20 && p[1] < 0x7F && p[2] > 0x20 && p[2] < 0x7F) {
		memcpy(s->aim, p, 3);
		s->aim[3] = '\0';
	}
}

int fh_pos_asm_feed(struct fh_pos_asm *a, const uint8_t *rep, size_t len, int64_t now_ms,
		    struct fh_pos_scan *out)
{
	const struct fh_pos_layout *l = &a->layout;
	struct fh_pos_scan *s = &a->cur;
	uint32_t n, more = 0;
	size_t room;

	if (!rep && len)
		return FH_ERR_ARG;
	fh_pos_asm_expire(a, now_ms);
	if (len == 0) {
		drop(a);
		return FH_ERR_PROTO;
	}
	if (l->report_id != 0 && rep[0] != l->report_id)
		return FH_ERR_AGAIN; /* status, trigger or vendor report: not ours */
	if (len < l->report_len || (size_t)l->data_off + l->data_cap > len) {
		drop(a);
		return FH_ERR_PROTO;
	}
	if (l->count_bits) {
		if (fh_hidrd_bits(rep, len, l->count_bit, l->count_bits, &n) < 0 || n > l->data_cap) {
			drop(a);
			return FH_ERR_PROTO;
		}
	} else {
		/* No Byte Count: the data is zero padded. */
		n = l->data_cap;
		while (n > 0 && rep[l->data_off + n - 1] == 0)
			n--;
	}
	if (l->cont_bits && fh_hidrd_bits(rep, len, l->cont_bit, l->cont_bits, &more) < 0) {
		drop(a);
		return FH_ERR_PROTO;
	}
	if (l->has_aim && (size_t)l->aim_off + 3 > len) {
		drop(a);
		return FH_ERR_PROTO;
	}
	if (l->has_code && l->code_off >= len) {
		drop(a);
		return FH_ERR_PROTO;
	}

	if (!a->active) {
		s->aim[0] = '\0';
		s->code_id = 0;
		s->truncated = false;
		s->reports = 0;
		s->len = 0;
		if (l->has_aim)
			take_aim(s, rep + l->aim_off);
		if (l->has_code)
			s->code_id = rep[l->code_off];
		a->active = true;
	}
	if (++s->reports > FH_POS_MAX_REPORTS) {
		drop(a);
		return FH_ERR_PROTO;
	}
	room = FH_POS_SCAN_MAX - s->len;
	if (n > room) {
		s->truncated = true;
		n = (uint32_t)room;
	}
	memcpy(s->data + s->len, rep + l->data_off, n);
	s->len += n;
	a->last_ms = now_ms;
	if (more)
		return FH_ERR_AGAIN;

	a->active = false;
	if (a->strip_crlf && !s->truncated) {
		/* One terminator: "\r\n", "\n" or "\r". */
		if (s->len > 0 && s->data[s->len - 1] == '\n') {
			s->len--;
			if (s->len > 0 && s->data[s->len - 1] == '\r')
				s->len--;
		} else if (s->len > 0 && s->data[s->len - 1] == '\r') {
			s->len--;
		}
	}
	if (s->len == 0)
		return FH_ERR_AGAIN; /* an empty scan is not an event */
	memcpy(out, s, offsetof(struct fh_pos_scan, data) + s->len);
	return FH_OK;
}
