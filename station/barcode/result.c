/* station/barcode: filling a struct st_bc (AIs, errors) and reading it back.
 * Shared by every parser of this folder. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "barcode-int.h"


void st_bc_err_add(struct st_bc *bc, const char *fmt, ...)
{
	va_list ap;

	bc->valid = false;
	if (bc->err.n >= ST_BC_ERR_MAX) {
		bc->err.dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(bc->err.msg[bc->err.n], ST_BC_ERR_LEN, fmt, ap);
	va_end(ap);
	bc->err.n++;
}

int st_bc_ai_add(struct st_bc *bc, const char *ai, size_t ai_len, const char *val, size_t val_len)
{
	struct st_bc_ai *a;

	if (ai_len < 2 || ai_len > 4) {
		st_bc_err_add(bc, "AI '%.*s': an AI has 2 to 4 digits", (int)(ai_len > 8 ? 8 : ai_len), ai);
		return ST_ERR_PARSE;
	}
	if (bc->n_ai >= ST_BC_AI_MAX) {
		st_bc_err_add(bc, "more than %d AIs in one code", ST_BC_AI_MAX);
		return ST_ERR_RANGE;
	}
	if (val_len > UINT16_MAX || bc->buf_len + val_len + 1 > sizeof(bc->buf)) {
		st_bc_err_add(bc, "AI (%.*s): value too long", (int)ai_len, ai);
		return ST_ERR_RANGE;
	}
	a = &bc->ai[bc->n_ai++];
	memcpy(a->ai, ai, ai_len);
	a->ai[ai_len] = '\0';
	a->off = (uint16_t)bc->buf_len;
	a->len = (uint16_t)val_len;
	memcpy(bc->buf + bc->buf_len, val, val_len);
	bc->buf[bc->buf_len + val_len] = '\0';
	bc->buf_len += val_len + 1;
	return ST_OK;
}

const char *st_bc_find_ai(const struct st_bc *bc, const char *ai)
{
	for (unsigned i = 0; i < bc->n_ai; i++)
		if (strcmp(bc->ai[i].ai, ai) == 0)
			return st_bc_ai_value(bc, i);
	return NULL;
}

const char *st_bc_kind_name(enum st_bc_kind kind)
{
	static const char *const names[ST_BC__COUNT] = {
		[ST_BC_UNKNOWN] = "unknown", [ST_BC_GTIN] = "gtin",     [ST_BC_GS1] = "gs1",
		[ST_BC_ORDER] = "order",     [ST_BC_RMA] = "rma",       [ST_BC_SERIAL] = "serial",
		[ST_BC_BIN] = "bin",         [ST_BC_BADGE] = "badge",   [ST_BC_COMMAND] = "command",
		[ST_BC_TRACKING] = "tracking", [ST_BC_DEFECT] = "defect",
		[ST_BC_ORDER_LINE] = "order_line",
	};
	if ((unsigned)kind >= ST_BC__COUNT)
		return "unknown";
	return names[kind];
}

const char *st_bc_carrier_name(enum st_bc_carrier c)
{
	switch (c) {
	case ST_CARRIER_UPS:
		return "ups";
	case ST_CARRIER_FEDEX:
		return "fedex";
	case ST_CARRIER_USPS:
		return "usps";
	case ST_CARRIER_NONE:
		break;
	}
	return NULL;
}
