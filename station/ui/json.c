/* station/ui: the JSON shapes of events and classified codes (jansson).
 * docs/data-formats.md documents every field; change both together. */
#include <string.h>
#include <time.h>
#include <stdio.h>

#include "st/events.h"

static int utf8_len(const uint8_t *b, size_t n)
{
	/* Length of the valid UTF-8 sequence at b, or 0 (RFC 3629). */
	uint8_t c = b[0];
	int len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((b[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (b[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int st_utf8_valid(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n;) {
		int l = b[i] ? utf8_len(b + i, n - i) : 0;

		if (l == 0)
			return 0;
		i += (size_t)l;
	}
	return 1;
}

json_t *st_json_bytes(const uint8_t *b, size_t n, int *lossy)
{
	json_t *j;
	char *tmp;
	size_t o = 0;

	if (lossy)
		*lossy = 0;
	j = json_stringn((const char *)b, n);
	if (j)
		return j;
	if (lossy)
		*lossy = 1;
	/* Worst case: every byte becomes the 3-byte U+FFFD. */
	tmp = malloc(n * 3 + 1);
	if (!tmp)
		return NULL;
	for (size_t i = 0; i < n;) {
		int l = utf8_len(b + i, n - i);

		if (l == 0) {
			memcpy(tmp + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(tmp + o, b + i, (size_t)l);
			o += (size_t)l;
			i += (size_t)l;
		}
	}
	j = json_stringn(tmp, o);
	free(tmp);
	return j;
}

const char *st_json_time(int64_t ts_ms, char buf[32])
{
	time_t t = (time_t)(ts_ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, 32, "invalid");
		return buf;
	}
	{
		unsigned ms = (unsigned)(((ts_ms % 1000) + 1000) % 1000);
		size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);

		snprintf(buf + n, 32 - n, ".%03uZ", ms % 1000u);
	}
	return buf;
}

static json_t *str_or_null(const char *s)
{
	return (s && *s) ? json_string(s) : json_null();
}

json_t *st_json_barcode(const struct st_bc *bc, const uint8_t *in, size_t n)
{
	json_t *o = json_object(), *ais = json_array(), *errs = json_array();
	const char *carrier = st_bc_carrier_name(bc->carrier);
	int lossy;

	if (!o || !ais || !errs) {
		json_decref(o);
		json_decref(ais);
		json_decref(errs);
		return NULL;
	}
	json_object_set_new(o, "input", st_json_bytes(in, n, &lossy));
	json_object_set_new(o, "valid", json_boolean(bc->valid));
	json_object_set_new(o, "kind", json_string(st_bc_kind_name(bc->kind)));
	json_object_set_new(o, "symbology", str_or_null(bc->symbology));
	for (unsigned i = 0; i < bc->n_ai; i++)
		json_array_append_new(ais, json_pack("{s:s, s:s%}", "ai", bc->ai[i].ai, "value",
						     st_bc_ai_value(bc, i), (size_t)bc->ai[i].len));
	json_object_set_new(o, "ais", ais);
	json_object_set_new(o, "gtin", str_or_null(bc->gtin));
	if (bc->upce)
		json_object_set_new(o, "upce", json_true());
	json_object_set_new(o, "id", str_or_null(bc->id));
	if (bc->kind == ST_BC_ORDER_LINE)
		json_object_set_new(o, "line_no", json_integer(bc->line_no));
	if (carrier) {
		json_object_set_new(o, "carrier", json_string(carrier));
		json_object_set_new(o, "service", str_or_null(bc->service));
	}
	for (unsigned i = 0; i < bc->err.n; i++)
		json_array_append_new(errs, json_string(bc->err.msg[i]));
	if (bc->err.dropped)
		json_array_append_new(errs, json_sprintf("... and %u more errors", bc->err.dropped));
	json_object_set_new(o, "errors", errs);
	return o;
}

json_t *st_json_product(const struct st_product *p)
{
	return json_pack("{s:s, s:o, s:s, s:s, s:b}", "sku", p->sku, "gtin", str_or_null(p->gtin),
			 "name", p->name, "category", p->category, "final_sale", p->final_sale);
}

json_t *st_json_line(const struct st_line *l)
{
	json_t *opts = json_object();
	json_t *o;

	for (unsigned i = 0; i < l->n_opt; i++)
		json_object_set_new(opts, l->opt[i].name, json_string(l->opt[i].value));
	o = json_pack("{s:i, s:o, s:i, s:o, s:{s:b, s:b, s:b, s:b, s:b, s:b}}", "line_no",
		      l->line_no, "product", st_json_product(&l->product), "quantity", l->quantity,
		      "options", opts, "flags", "final_sale", l->final_sale || l->product.final_sale,
		      "custom", l->custom, "design_your_own", l->design_your_own, "special_order",
		      l->special_order, "personalized", l->personalized, "custom_size",
		      l->custom_size);
	return o;
}

json_t *st_json_order(const struct st_order *ord, int with_lines)
{
	json_t *lines = json_array();
	char t1[32], t2[32];

	for (unsigned i = 0; with_lines && i < ord->n_line; i++)
		json_array_append_new(lines, st_json_line(&ord->line[i]));
	if (!with_lines) {
		json_decref(lines);
		lines = NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:{s:b, s:b}, s:b, s:o, s:o, s:o*}",
			 "number", ord->number, "customer", ord->customer_name, "status", ord->status,
			 "ship_country", str_or_null(ord->ship_country), "cancelled", ord->cancelled,
			 "custom", ord->custom, "gift_box", ord->gift_box, "payment", "deposit_paid",
			 ord->deposit_paid, "balance_paid", ord->balance_paid, "customer_confirmed",
			 ord->customer_confirmed, "placed_at",
			 ord->placed_ms ? json_string(st_json_time(ord->placed_ms, t1)) : json_null(),
			 "delivered_at",
			 ord->delivered_ms ? json_string(st_json_time(ord->delivered_ms, t2)) : json_null(),
			 "lines", lines);
}

json_t *st_json_item(const struct st_item *it)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "serial", it->serial, "status", it->status,
			 "product", st_json_product(&it->product), "order",
			 str_or_null(it->order_number), "line_no",
			 it->line_no ? json_integer(it->line_no) : json_null());
}

json_t *st_json_operator(const struct st_operator *op)
{
	return json_pack("{s:s, s:s, s:s}", "badge", op->badge, "name", op->name, "role", op->role);
}
