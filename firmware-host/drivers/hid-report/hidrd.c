/* firmware-host: HID report-descriptor parser (see hidrd.h and
 * docs/internals/hid-report.md).
 *
 * One pass over the items with the HID 1.11 state model: a global state
 * (with a Push/Pop stack), a local state cleared by every main item, and a
 * stack of open collections.  Every Input/Output/Feature item becomes one
 * or more fields; the running bit offset is kept per (kind, report ID).
 * Everything that comes from the device is bounds-checked; nothing here
 * asserts on descriptor bytes.
 */
#include "hidrd.h"

#include <stdbool.h>
#include <string.h>

#include "fh/err.h"

/* Item types and tags (HID 1.11 section 6.2.2). */
enum { T_MAIN = 0, T_GLOBAL = 1, T_LOCAL = 2, T_RESERVED = 3 };
enum { M_INPUT = 0x8, M_OUTPUT = 0x9, M_COLLECTION = 0xA, M_FEATURE = 0xB, M_END = 0xC };
enum {
	G_USAGE_PAGE = 0x0, G_LMIN = 0x1, G_LMAX = 0x2, G_REPORT_SIZE = 0x7,
	G_REPORT_ID = 0x8, G_REPORT_COUNT = 0x9, G_PUSH = 0xA, G_POP = 0xB,
};
enum { L_USAGE = 0x0, L_USAGE_MIN = 0x1, L_USAGE_MAX = 0x2, L_DELIMITER = 0xA };
#define LONG_ITEM 0xFE

#define MAX_REPORT_BITS ((uint32_t)FH_HIDRD_MAX_REPORT_BYTES * 8u)

struct globals {
	uint16_t usage_page;
	int64_t lmin, lmax;
	uint32_t lmax_raw;    /* Logical Maximum as unsigned, for the fix-up */
	uint32_t report_size, report_count;
	uint8_t report_id;
};

struct range {
	uint16_t page, min, max;
};

struct locals {
	struct range u[FH_HIDRD_MAX_USAGES];
	unsigned n;
	bool have_min, have_max;
	uint16_t min_page, max_page;
	uint16_t min, max;
	bool min_ext, max_ext;  /* 4-byte items: the page came with them */
	bool in_delim;          /* inside Delimiter(Open) */
	unsigned delim_sets;    /* usages (or ranges) seen in the open set */
};

struct parser {
	struct fh_hidrd *d;
	struct globals g;
	struct globals stack[FH_HIDRD_MAX_PUSH];
	unsigned sp;
	struct locals l;
	uint8_t open[FH_HIDRD_MAX_DEPTH]; /* indexes into d->collections */
	unsigned depth;
	uint32_t off[3][256];             /* bits used so far per (kind, id) */
};

static uint32_t item_u32(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static int64_t item_s64(uint32_t v, unsigned n)
{
	switch (n) {
	case 1:
		return (int8_t)(uint8_t)v;
	case 2:
		return (int16_t)(uint16_t)v;
	case 4:
		return (int32_t)v;
	default:
		return 0;
	}
}

static void locals_reset(struct locals *l)
{
	memset(l, 0, sizeof(*l));
}

/* Add one usage or usage range to the local list, honouring delimiters
 * (only the first usage of a delimited set counts: the alternatives name
 * the same control). */
static int add_usage(struct locals *l, uint16_t page, uint16_t min, uint16_t max)
{
	if (l->in_delim && l->delim_sets++ > 0)
		return FH_OK;
	if (l->n >= FH_HIDRD_MAX_USAGES)
		return FH_ERR_PROTO;
	l->u[l->n].page = page;
	l->u[l->n].min = min;
	l->u[l->n].max = max;
	l->n++;
	return FH_OK;
}

static int local_item(struct parser *p, unsigned tag, uint32_t v, unsigned size)
{
	struct locals *l = &p->l;
	uint16_t page = p->g.usage_page;
	bool ext = size == 4;

	if (ext)
		page = (uint16_t)(v >> 16);
	switch (tag) {
	case L_USAGE:
		return add_usage(l, page, (uint16_t)v, (uint16_t)v);
	case L_USAGE_MIN:
		l->have_min = true;
		l->min = (uint16_t)v;
		l->min_page = page;
		l->min_ext = ext;
		break;
	case L_USAGE_MAX:
		l->have_max = true;
		l->max = (uint16_t)v;
		l->max_page = page;
		l->max_ext = ext;
		break;
	case L_DELIMITER:
		if (v == 1) {
			if (l->in_delim)
				return FH_ERR_PROTO; /* delimiters do not nest */
			l->in_delim = true;
			l->delim_sets = 0;
		} else if (v == 0) {
			if (!l->in_delim)
				return FH_ERR_PROTO;
			l->in_delim = false;
		} else {
			return FH_ERR_PROTO;
		}
		return FH_OK;
	default:
		return FH_OK; /* designators, strings: not needed */
	}
	if (l->have_min && l->have_max) {
		/* An extended (4-byte) bound names its page; a short one takes
		 * the other bound's, else the current Usage Page. */
		uint16_t pg = l->min_ext ? l->min_page : l->max_ext ? l->max_page : l->min_page;

		if (l->min_ext && l->max_ext && l->min_page != l->max_page)
			return FH_ERR_PROTO;
		if (l->max < l->min)
			return FH_ERR_PROTO;
		l->have_min = l->have_max = false;
		return add_usage(l, pg, l->min, l->max);
	}
	return FH_OK;
}

static int global_item(struct parser *p, unsigned tag, uint32_t v, unsigned size)
{
	struct globals *g = &p->g;

	switch (tag) {
	case G_USAGE_PAGE:
		g->usage_page = (uint16_t)v;
		break;
	case G_LMIN:
		g->lmin = item_s64(v, size);
		break;
	case G_LMAX:
		g->lmax = item_s64(v, size);
		g->lmax_raw = v;
		break;
	case G_REPORT_SIZE:
		if (v > FH_HIDRD_MAX_REPORT_SIZE)
			return FH_ERR_PROTO;
		g->report_size = v;
		break;
	case G_REPORT_COUNT:
		if (v > MAX_REPORT_BITS)
			return FH_ERR_PROTO;
		g->report_count = v;
		break;
	case G_REPORT_ID:
		if (v == 0 || v > 255)
			return FH_ERR_PROTO;
		g->report_id = (uint8_t)v;
		p->d->uses_report_ids = 1;
		break;
	case G_PUSH:
		if (p->sp >= FH_HIDRD_MAX_PUSH)
			return FH_ERR_PROTO;
		p->stack[p->sp++] = *g;
		break;
	case G_POP:
		if (p->sp == 0)
			return FH_ERR_PROTO;
		*g = p->stack[--p->sp];
		break;
	default:
		break; /* physical range, units: not needed */
	}
	return FH_OK;
}

/* Innermost open collection, and innermost open application collection. */
static void enclosing(const struct parser *p, uint8_t *coll, uint8_t *app)
{
	*coll = *app = FH_HIDRD_NONE;
	if (p->depth > 0)
		*coll = p->open[p->depth - 1];
	for (unsigned i = p->depth; i-- > 0;) {
		if (p->d->collections[p->open[i]].type == FH_HIDRD_COLL_APPLICATION) {
			*app = p->open[i];
			break;
		}
	}
}

static int emit(struct parser *p, const struct fh_hidrd_field *tmpl, uint32_t *bit, uint16_t page,
		uint16_t umin, uint16_t umax, uint32_t count)
{
	struct fh_hidrd_field *f;

	if (p->d->n_fields >= FH_HIDRD_MAX_FIELDS)
		return FH_ERR_PROTO;
	f = &p->d->fields[p->d->n_fields++];
	*f = *tmpl;
	f->bit_offset = *bit;
	f->count = (uint16_t)count;
	f->usage_page = page;
	f->usage = umin;
	f->usage_max = umax;
	*bit += count * tmpl->bit_size;
	return FH_OK;
}

static int data_item(struct parser *p, unsigned kind, uint32_t v)
{
	const struct globals *g = &p->g;
	const struct locals *l = &p->l;
	struct fh_hidrd_field t;
	uint32_t *used = &p->off[kind][g->report_id];
	uint32_t bit = *used, total, remaining;
	int rc;

	if (g->report_size == 0 || g->report_count == 0)
		return FH_OK; /* occupies no bits */
	/* Both bounded at item time, so this cannot overflow 32 bits. */
	total = g->report_size * g->report_count;
	if (total > MAX_REPORT_BITS - *used)
		return FH_ERR_PROTO;
	*used += total;

	memset(&t, 0, sizeof(t));
	t.kind = (uint8_t)kind;
	t.report_id = g->report_id;
	t.flags = (uint16_t)(v & 0x1FF);
	t.bit_size = (uint16_t)g->report_size;
	t.logical_min = g->lmin;
	t.logical_max = g->lmax;
	/* HID 1.11 6.2.2.7: with a non-negative minimum the maximum is
	 * unsigned (26 FF 00 is 255, but so is 25 FF in many devices). */
	if (t.logical_min >= 0 && t.logical_max < 0)
		t.logical_max = g->lmax_raw;
	enclosing(p, &t.collection, &t.app);
	if (t.app != FH_HIDRD_NONE) {
		t.app_page = p->d->collections[t.app].usage_page;
		t.app_usage = p->d->collections[t.app].usage;
	}

	if (l->n == 0)
		return emit(p, &t, &bit, 0, 0, 0, g->report_count);
	if (!(t.flags & FH_HIDRD_F_VARIABLE)) {
		/* Array: one field; the selector range is the first usage
		 * range, extended by the ranges that continue it. */
		uint16_t max = l->u[0].max;

		for (unsigned i = 1; i < l->n; i++) {
			if (l->u[i].page != l->u[0].page || max == 0xFFFF || l->u[i].min != max + 1)
				break;
			max = l->u[i].max;
		}
		return emit(p, &t, &bit, l->u[0].page, l->u[0].min, max, g->report_count);
	}
	/* Variable: element i takes the i-th usage; the last usage repeats
	 * for the elements left over (HID 1.11 6.2.2.8). */
	remaining = g->report_count;
	for (unsigned i = 0; i < l->n && remaining > 0; i++) {
		const struct range *r = &l->u[i];
		uint32_t k = (uint32_t)r->max - r->min + 1;
		bool last = i == l->n - 1;
		uint32_t n;

		if (k == 1) {
			n = last ? remaining : 1;
			rc = emit(p, &t, &bit, r->page, r->min, r->min, n);
		} else {
			n = k < remaining ? k : remaining;
			rc = emit(p, &t, &bit, r->page, r->min, (uint16_t)(r->min + n - 1), n);
			if (rc == FH_OK && last && remaining > n) {
				rc = emit(p, &t, &bit, r->page, r->max, r->max, remaining - n);
				n = remaining;
			}
		}
		if (rc < 0)
			return rc;
		remaining -= n;
	}
	return FH_OK;
}

static int main_item(struct parser *p, unsigned tag, uint32_t v)
{
	struct fh_hidrd *d = p->d;
	struct fh_hidrd_collection *c;
	int rc = FH_OK;

	switch (tag) {
	case M_INPUT:
		rc = data_item(p, FH_HIDRD_INPUT, v);
		break;
	case M_OUTPUT:
		rc = data_item(p, FH_HIDRD_OUTPUT, v);
		break;
	case M_FEATURE:
		rc = data_item(p, FH_HIDRD_FEATURE, v);
		break;
	case M_COLLECTION:
		if (d->n_collections >= FH_HIDRD_MAX_COLLECTIONS || p->depth >= FH_HIDRD_MAX_DEPTH)
			return FH_ERR_PROTO;
		c = &d->collections[d->n_collections];
		c->type = (uint8_t)v;
		c->depth = (uint8_t)p->depth;
		c->parent = p->depth ? p->open[p->depth - 1] : FH_HIDRD_NONE;
		if (p->l.n > 0) {
			c->usage_page = p->l.u[0].page;
			c->usage = p->l.u[0].min;
		}
		p->open[p->depth++] = (uint8_t)d->n_collections++;
		break;
	case M_END:
		if (p->depth == 0)
			return FH_ERR_PROTO;
		p->depth--;
		break;
	default:
		break; /* reserved main tags: ignored */
	}
	if (p->l.in_delim)
		return FH_ERR_PROTO; /* a delimiter set left open across a main item */
	locals_reset(&p->l);
	return rc;
}

int fh_hidrd_parse(const uint8_t *desc, size_t len, struct fh_hidrd *out)
{
	static const unsigned sizes[4] = { 0, 1, 2, 4 };
	struct fh_hidrd d;
	struct parser p;
	size_t i = 0;
	unsigned items = 0;
	int rc = FH_OK;

	if (!out || (!desc && len))
		return FH_ERR_ARG;
	memset(&d, 0, sizeof(d));
	memset(&p, 0, sizeof(p));
	p.d = &d;

	while (i < len && rc == FH_OK) {
		uint8_t b = desc[i];
		unsigned size, type, tag;
		uint32_t v;

		if (++items > FH_HIDRD_MAX_ITEMS)
			return FH_ERR_PROTO;
		if (b == LONG_ITEM) {
			/* 0xFE bDataSize bLongItemTag data...: skipped. */
			if (len - i < 3 || len - i - 3 < desc[i + 1])
				return FH_ERR_PROTO;
			i += 3 + (size_t)desc[i + 1];
			continue;
		}
		size = sizes[b & 3];
		type = (b >> 2) & 3;
		tag = b >> 4;
		if (len - i - 1 < size)
			return FH_ERR_PROTO; /* truncated item */
		v = item_u32(desc + i + 1, size);
		i += 1 + size;
		switch (type) {
		case T_MAIN:
			rc = main_item(&p, tag, v);
			break;
		case T_GLOBAL:
			rc = global_item(&p, tag, v, size);
			break;
		case T_LOCAL:
			rc = local_item(&p, tag, v, size);
			break;
		default:
			break; /* reserved type: skipped */
		}
	}
	if (rc < 0)
		return rc;
	if (p.depth != 0 || p.l.in_delim)
		return FH_ERR_PROTO; /* unbalanced */
	memcpy(out, &d, sizeof(d));
	return FH_OK;
}

int fh_hidrd_find_app(const struct fh_hidrd *d, uint16_t page, uint16_t usage)
{
	if (!d)
		return FH_ERR_ARG;
	for (unsigned i = 0; i < d->n_collections && i < FH_HIDRD_MAX_COLLECTIONS; i++) {
		const struct fh_hidrd_collection *c = &d->collections[i];

		if (c->type == FH_HIDRD_COLL_APPLICATION && c->usage_page == page &&
		    c->usage == usage)
			return (int)i;
	}
	return FH_ERR_NA;
}

int fh_hidrd_find_field(const struct fh_hidrd *d, unsigned from, unsigned app, unsigned kind,
			uint16_t page, uint16_t usage)
{
	if (!d)
		return FH_ERR_ARG;
	for (unsigned i = from; i < d->n_fields && i < FH_HIDRD_MAX_FIELDS; i++) {
		const struct fh_hidrd_field *f = &d->fields[i];

		if (f->kind != kind || (app != FH_HIDRD_NONE && f->app != app))
			continue;
		if (f->usage_page == page && usage >= f->usage && usage <= f->usage_max)
			return (int)i;
	}
	return FH_ERR_NA;
}

size_t fh_hidrd_report_len(const struct fh_hidrd *d, unsigned kind, uint8_t report_id)
{
	uint32_t bits = 0;
	bool any = false;

	if (!d)
		return 0;
	for (unsigned i = 0; i < d->n_fields && i < FH_HIDRD_MAX_FIELDS; i++) {
		const struct fh_hidrd_field *f = &d->fields[i];
		uint32_t end = f->bit_offset + (uint32_t)f->bit_size * f->count;

		if (f->kind != kind || f->report_id != report_id)
			continue;
		any = true;
		if (end > bits)
			bits = end;
	}
	if (!any)
		return 0;
	return (bits + 7) / 8 + (d->uses_report_ids ? 1 : 0);
}

int fh_hidrd_bits(const uint8_t *buf, size_t len, uint32_t bit_off, unsigned bits, uint32_t *val)
{
	uint32_t v = 0;

	if (!val || bits == 0 || bits > 32 || (!buf && len))
		return FH_ERR_ARG;
	if ((uint64_t)bit_off + bits > (uint64_t)len * 8)
		return FH_ERR_PROTO;
	for (unsigned i = 0; i < bits; i++) {
		uint64_t at = (uint64_t)bit_off + i;

		if (buf[at / 8] & (1u << (at % 8)))
			v |= (uint32_t)1 << i;
	}
	*val = v;
	return FH_OK;
}
