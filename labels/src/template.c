/* labels: templates, <lb/template.h>: parsing (jansson) with errors that
 * name the file and the JSON path, and building a label from data.
 * The format is documented in docs/labels.md. */
#include "lb/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lb/err.h"
#include "lb-int.h"

#define LB_CELL_MAX 16       /* elements in all grid cells of a template */
#define LEN_MAX_UM 1000000L  /* 1 m: no length is larger */
#define KIND_GRID 100

struct telem {
	int kind; /* enum lb_el_kind, or KIND_GRID */
	long x, y, w, h, size, thick, module, dot; /* micrometres */
	int lines;
	enum lb_sym sym;
	char *text; /* the template string, placeholders in it */
	char name[LB_NAME_MAX];
	/* image */
	uint8_t *pix; /* iw * ih bytes, 1 = black */
	int iw, ih;
	/* grid */
	char list[LB_NAME_MAX];
	int cols, rows;
	size_t cell0, n_cell;
};

struct lb_template {
	char name[48];
	char description[160];
	long w_um, h_um;
	size_t n_field;
	struct lb_field field[LB_FIELDS_MAX];
	size_t n_el;
	struct telem el[LB_ELEM_MAX];
	size_t n_cell;
	struct telem cell[LB_CELL_MAX];
};

struct ctx {
	const char *file;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct ctx *c, const char *where, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lb_errf(c->err, c->errlen, "%s: %s: %s", c->file, where, msg);
	return LB_ERR_TEMPLATE;
}

static void telem_fini(struct telem *e)
{
	free(e->text);
	free(e->pix);
}

void lb_template_free(struct lb_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_el; i++)
		telem_fini(&t->el[i]);
	for (size_t i = 0; i < t->n_cell; i++)
		telem_fini(&t->cell[i]);
	free(t);
}

/* "12mm", "12.5mm", "0.75in" into micrometres; -1 when malformed. */
static long parse_len(const char *s)
{
	long whole = 0, frac = 0, scale = 1;
	int digits = 0, fd = 0;

	/* At most 4 whole digits: 1000 mm is the largest length anyway, and
	 * 9999 in stays far inside a 32-bit long in micrometres. */
	while (*s >= '0' && *s <= '9' && digits < 4) {
		whole = whole * 10 + (*s++ - '0');
		digits++;
	}
	if (!digits)
		return -1;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9' && fd < 4) {
			frac = frac * 10 + (*s++ - '0');
			scale *= 10;
			fd++;
		}
		if (!fd)
			return -1;
	}
	if (!strcmp(s, "mm"))
		return whole * 1000 + frac * 1000 / scale;
	if (!strcmp(s, "in"))
		return whole * 25400 + frac * 25400 / scale;
	return -1;
}

static int get_len(struct ctx *c, json_t *o, const char *key, const char *path, int required,
		   long *out)
{
	json_t *v = json_object_get(o, key);
	char where[96];
	long um;

	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (!v) {
		*out = 0;
		return required ? fail(c, where, "missing (a length such as \"12mm\" or \"0.5in\")") :
				  LB_OK;
	}
	um = json_is_string(v) ? parse_len(json_string_value(v)) : -1;
	if (um < 0 || um > LEN_MAX_UM)
		return fail(c, where, "not a length such as \"12mm\" or \"0.5in\" (at most 1000mm)");
	*out = um;
	return LB_OK;
}

static int get_int(struct ctx *c, json_t *o, const char *key, const char *path, int lo, int hi,
		   int dflt, int *out)
{
	json_t *v = json_object_get(o, key);
	char where[96];

	snprintf(where, sizeof(where), "%s.%s", path, key);
	if (!v) {
		if (dflt < lo)
			return fail(c, where, "missing (a whole number %d to %d)", lo, hi);
		*out = dflt;
		return LB_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return fail(c, where, "not a whole number %d to %d", lo, hi);
	*out = (int)json_integer_value(v);
	return LB_OK;
}

static int get_str(struct ctx *c, json_t *o, const char *key, const char *path, int required,
		   const char **out)
{
	json_t *v = json_object_get(o, key);
	char where[96];

	snprintf(where, sizeof(where), "%s.%s", path, key);
	*out = NULL;
	if (!v)
		return required ? fail(c, where, "missing") : LB_OK;
	if (!json_is_string(v))
		return fail(c, where, "not a string");
	*out = json_string_value(v);
	return LB_OK;
}

static int name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	return 1;
}

static const struct lb_field *field_find(const struct lb_template *t, const char *name, size_t n)
{
	for (size_t i = 0; i < t->n_field; i++)
		if (strlen(t->field[i].name) == n && !strncmp(t->field[i].name, name, n))
			return &t->field[i];
	return NULL;
}

/* Check the placeholders of s: "{field}" (a declared plain field), in a
 * grid cell "{.key}"; "{{" and "}}" are literal braces.  first gets the
 * first field named (for reports). */
static int check_placeholders(struct ctx *c, const struct lb_template *t, const char *s,
			      const char *where, int in_cell, char *first)
{
	for (size_t i = 0; s[i]; i++) {
		size_t j;

		if (s[i] == '}') {
			if (s[i + 1] != '}')
				return fail(c, where, "a lone '}' (write \"}}\")");
			i++;
			continue;
		}
		if (s[i] != '{')
			continue;
		if (s[i + 1] == '{') {
			i++;
			continue;
		}
		for (j = i + 1; s[j] && s[j] != '}' && s[j] != '{'; j++)
			;
		if (s[j] != '}')
			return fail(c, where, "an unclosed '{'");
		if (s[i + 1] == '.') {
			if (!in_cell || j - i - 2 < 1 || j - i - 2 >= 16)
				return fail(c, where, "'{.key}' is only for grid cells");
		} else {
			const struct lb_field *f = field_find(t, s + i + 1, j - i - 1);

			if (!f)
				return fail(c, where, "'%.*s' is not a declared field", (int)(j - i - 1),
					    s + i + 1);
			if (f->list)
				return fail(c, where, "'%s' is a list: use it in a grid", f->name);
			if (!first[0])
				snprintf(first, LB_NAME_MAX, "%s", f->name);
		}
		i = j;
	}
	return LB_OK;
}

static int parse_sym(const char *s, enum lb_sym *out)
{
	for (int i = 0; i < LB_SYM__COUNT; i++)
		if (!strcmp(s, lb_sym_name((enum lb_sym)i))) {
			*out = (enum lb_sym)i;
			return 1;
		}
	return 0;
}

static const char *const keys_ok[] = { "type", "name", "x", "y", "w", "h", "size", "text",
				       "lines", "symbology", "data", "module", "thickness", "dot",
				       "pixels", "list", "columns", "rows", "cell", NULL };

static int parse_elem(struct ctx *c, struct lb_template *t, json_t *o, const char *path,
		      int in_cell, struct telem *e);

static int parse_grid(struct ctx *c, struct lb_template *t, json_t *o, const char *path,
		      struct telem *e)
{
	json_t *cell = json_object_get(o, "cell"), *v;
	const char *list;
	const struct lb_field *f;
	char where[96];
	size_t i;
	int rc;

	rc = get_str(c, o, "list", path, 1, &list);
	if (rc < 0)
		return rc;
	f = field_find(t, list, strlen(list));
	if (!f || !f->list)
		return fail(c, path, "list '%s' is not a declared list field", list);
	snprintf(e->list, sizeof(e->list), "%s", list);
	snprintf(e->name, sizeof(e->name), "%s", list);
	rc = get_int(c, o, "columns", path, 1, 16, -1, &e->cols);
	if (rc == LB_OK)
		rc = get_int(c, o, "rows", path, 1, 64, -1, &e->rows);
	if (rc < 0)
		return rc;
	snprintf(where, sizeof(where), "%s.cell", path);
	if (!json_is_array(cell) || !json_array_size(cell))
		return fail(c, where, "missing (the elements of one cell)");
	e->cell0 = t->n_cell;
	json_array_foreach(cell, i, v) {
		snprintf(where, sizeof(where), "%s.cell[%zu]", path, i);
		if (t->n_cell >= LB_CELL_MAX)
			return fail(c, where, "more than %d cell elements", LB_CELL_MAX);
		rc = parse_elem(c, t, v, where, 1, &t->cell[t->n_cell]);
		t->n_cell++; /* owned from here on, even on failure */
		if (rc < 0)
			return rc;
		if (!json_object_get(v, "name")) /* reports name the list */
			snprintf(t->cell[t->n_cell - 1].name, LB_NAME_MAX, "%s", list);
		e->n_cell++;
	}
	return LB_OK;
}

static int parse_image(struct ctx *c, json_t *o, const char *path, struct telem *e)
{
	json_t *px = json_object_get(o, "pixels"), *row;
	char where[96];
	size_t i;
	int rc = get_len(c, o, "dot", path, 1, &e->dot);

	if (rc < 0)
		return rc;
	snprintf(where, sizeof(where), "%s.pixels", path);
	if (!json_is_array(px) || !json_array_size(px) || json_array_size(px) > 256)
		return fail(c, where, "missing (1 to 256 strings of '#' and '.')");
	e->ih = (int)json_array_size(px);
	json_array_foreach(px, i, row) {
		const char *s = json_string_value(row);

		if (!s || !*s || strlen(s) > 256 || (i && (int)strlen(s) != e->iw))
			return fail(c, where, "row %zu: rows are strings of one length, 1 to 256", i);
		if (!i) {
			e->iw = (int)strlen(s);
			e->pix = calloc((size_t)e->iw * (size_t)e->ih, 1);
			if (!e->pix)
				return LB_ERR_NOMEM;
		}
		for (int x = 0; x < e->iw; x++) {
			if (s[x] != '#' && s[x] != '.')
				return fail(c, where, "row %zu: only '#' and '.'", i);
			e->pix[i * (size_t)e->iw + (size_t)x] = s[x] == '#';
		}
	}
	return LB_OK;
}

static int parse_elem(struct ctx *c, struct lb_template *t, json_t *o, const char *path,
		      int in_cell, struct telem *e)
{
	static const char *const types[] = { "text", "block", "barcode", "box", "line", "image", "grid" };
	const char *type, *key, *s, *name;
	json_t *v;
	char where[96];
	int rc;

	memset(e, 0, sizeof(*e));
	if (!json_is_object(o))
		return fail(c, path, "not an object");
	json_object_foreach(o, key, v) {
		int known = 0;

		for (size_t i = 0; keys_ok[i]; i++)
			known |= !strcmp(key, keys_ok[i]);
		if (!known)
			return fail(c, path, "unknown key '%s'", key);
	}
	rc = get_str(c, o, "type", path, 1, &type);
	if (rc < 0)
		return rc;
	e->kind = -1;
	for (int i = 0; i < 7; i++)
		if (!strcmp(type, types[i]))
			e->kind = i == 6 ? KIND_GRID : i;
	if (e->kind < 0)
		return fail(c, path, "type '%s' is none of text, block, barcode, box, line, image, grid",
			    type);
	if (e->kind == KIND_GRID && in_cell)
		return fail(c, path, "a grid inside a grid");
	rc = get_str(c, o, "name", path, 0, &name);
	if (rc < 0)
		return rc;
	if (name) {
		if (!name_ok(name, LB_NAME_MAX))
			return fail(c, path, "name '%s': a-z, 0-9, '_', '-', up to %d", name,
				    LB_NAME_MAX - 1);
		snprintf(e->name, sizeof(e->name), "%s", name);
	}
	rc = get_len(c, o, "x", path, 1, &e->x);
	if (rc == LB_OK)
		rc = get_len(c, o, "y", path, 1, &e->y);
	if (rc == LB_OK && e->kind != LB_EL_IMAGE)
		rc = get_len(c, o, "w", path, 1, &e->w);
	if (rc == LB_OK && e->kind != LB_EL_IMAGE && e->kind != LB_EL_TEXT && e->kind != LB_EL_BLOCK)
		rc = get_len(c, o, "h", path, 1, &e->h);
	if (rc < 0)
		return rc;
	switch (e->kind) {
	case LB_EL_TEXT:
	case LB_EL_BLOCK:
	case LB_EL_BARCODE:
		rc = get_str(c, o, e->kind == LB_EL_BARCODE ? "data" : "text", path, 1, &s);
		if (rc < 0)
			return rc;
		snprintf(where, sizeof(where), "%s.%s", path, e->kind == LB_EL_BARCODE ? "data" : "text");
		if (strlen(s) > LB_BLOCK_MAX)
			return fail(c, where, "longer than %d bytes", LB_BLOCK_MAX);
		rc = check_placeholders(c, t, s, where, in_cell, e->name);
		if (rc < 0)
			return rc;
		e->text = malloc(strlen(s) + 1);
		if (!e->text)
			return LB_ERR_NOMEM;
		memcpy(e->text, s, strlen(s) + 1);
		if (e->kind == LB_EL_BARCODE) {
			rc = get_str(c, o, "symbology", path, 1, &s);
			if (rc < 0)
				return rc;
			if (!parse_sym(s, &e->sym))
				return fail(c, path,
					    "symbology '%s' is none of code128, gs1-128, qr, datamatrix",
					    s);
			rc = get_len(c, o, "module", path, 1, &e->module);
		} else {
			rc = get_len(c, o, "size", path, 1, &e->size);
			if (rc == LB_OK && e->kind == LB_EL_BLOCK)
				rc = get_int(c, o, "lines", path, 1, LB_BLOCK_LINES_MAX, -1,
					     &e->lines);
		}
		break;
	case LB_EL_BOX:
		rc = get_len(c, o, "thickness", path, 1, &e->thick);
		break;
	case LB_EL_LINE:
		break;
	case LB_EL_IMAGE:
		rc = parse_image(c, o, path, e);
		break;
	case KIND_GRID:
		rc = parse_grid(c, t, o, path, e);
		break;
	default:
		rc = LB_ERR_BUG;
	}
	if (rc == LB_OK && !e->name[0])
		snprintf(e->name, sizeof(e->name), "%s", type);
	return rc;
}

static int parse_fields(struct ctx *c, struct lb_template *t, json_t *fields)
{
	json_t *f;
	size_t i;
	int rc;

	if (!json_is_array(fields))
		return fail(c, "fields", "missing (a list of fields)");
	if (json_array_size(fields) > LB_FIELDS_MAX)
		return fail(c, "fields", "more than %d fields", LB_FIELDS_MAX);
	json_array_foreach(fields, i, f) {
		struct lb_field *d = &t->field[t->n_field];
		const char *name, *label;
		char path[48];
		json_t *b;
		int max;

		snprintf(path, sizeof(path), "fields[%zu]", i);
		if (!json_is_object(f))
			return fail(c, path, "not an object");
		rc = get_str(c, f, "name", path, 1, &name);
		if (rc == LB_OK)
			rc = get_str(c, f, "label", path, 1, &label);
		if (rc == LB_OK)
			rc = get_int(c, f, "max", path, 1, LB_BLOCK_MAX, -1, &max);
		if (rc < 0)
			return rc;
		if (!name_ok(name, LB_NAME_MAX))
			return fail(c, path, "name '%s': a-z, 0-9, '_', '-', up to %d", name,
				    LB_NAME_MAX - 1);
		if (field_find(t, name, strlen(name)))
			return fail(c, path, "field '%s' declared twice", name);
		snprintf(d->name, sizeof(d->name), "%s", name);
		snprintf(d->label, sizeof(d->label), "%s", label);
		d->max = (unsigned)max;
		b = json_object_get(f, "required");
		if (b && !json_is_boolean(b))
			return fail(c, path, "required: not true or false");
		d->required = json_is_true(b);
		b = json_object_get(f, "list");
		if (b && !json_is_boolean(b))
			return fail(c, path, "list: not true or false");
		d->list = json_is_true(b);
		t->n_field++;
	}
	return LB_OK;
}

int lb_template_parse(const char *buf, size_t len, const char *file, struct lb_template **out,
		      char *err, size_t errlen)
{
	struct ctx c = { file, err, errlen };
	struct lb_template *t = NULL;
	json_error_t je;
	json_t *root = NULL, *els, *v;
	const char *s;
	size_t i;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (len > LB_TEMPLATE_MAX_BYTES) {
		lb_errf(err, errlen, "%s: larger than %u bytes", file, LB_TEMPLATE_MAX_BYTES);
		return LB_ERR_TEMPLATE;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		lb_errf(err, errlen, "%s: line %d: %s", file, je.line, je.text);
		return LB_ERR_TEMPLATE;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		rc = LB_ERR_NOMEM;
		goto out;
	}
	if (!json_is_object(root)) {
		rc = fail(&c, "(top)", "not a JSON object");
		goto out;
	}
	rc = get_str(&c, root, "template", "(top)", 1, &s);
	if (rc < 0)
		goto out;
	if (!name_ok(s, sizeof(t->name))) {
		rc = fail(&c, "template", "'%s': a-z, 0-9, '_', '-', up to %zu", s,
			  sizeof(t->name) - 1);
		goto out;
	}
	snprintf(t->name, sizeof(t->name), "%s", s);
	rc = get_str(&c, root, "description", "(top)", 1, &s);
	if (rc < 0)
		goto out;
	snprintf(t->description, sizeof(t->description), "%s", s);
	rc = get_len(&c, root, "width", "(top)", 1, &t->w_um);
	if (rc == LB_OK)
		rc = get_len(&c, root, "height", "(top)", 1, &t->h_um);
	if (rc < 0)
		goto out;
	if (t->w_um < 5000 || t->h_um < 5000 || t->w_um > 400000 || t->h_um > 400000) {
		rc = fail(&c, "width", "the page must be 5mm to 400mm each way");
		goto out;
	}
	rc = parse_fields(&c, t, json_object_get(root, "fields"));
	if (rc < 0)
		goto out;
	els = json_object_get(root, "elements");
	if (!json_is_array(els) || !json_array_size(els)) {
		rc = fail(&c, "elements", "missing (a list of elements)");
		goto out;
	}
	json_array_foreach(els, i, v) {
		char path[48];

		snprintf(path, sizeof(path), "elements[%zu]", i);
		if (t->n_el >= LB_ELEM_MAX) {
			rc = fail(&c, path, "more than %d elements", LB_ELEM_MAX);
			goto out;
		}
		rc = parse_elem(&c, t, v, path, 0, &t->el[t->n_el]);
		t->n_el++;
		if (rc < 0)
			goto out;
	}
	json_object_foreach(root, s, v) {
		if (strcmp(s, "template") && strcmp(s, "description") && strcmp(s, "width") &&
		    strcmp(s, "height") && strcmp(s, "fields") && strcmp(s, "elements")) {
			rc = fail(&c, "(top)", "unknown key '%s'", s);
			goto out;
		}
	}
	*out = t;
	t = NULL;
	rc = LB_OK;
out:
	lb_template_free(t);
	json_decref(root);
	return rc;
}

const char *lb_template_name(const struct lb_template *t)
{
	return t->name;
}

const char *lb_template_description(const struct lb_template *t)
{
	return t->description;
}

void lb_template_size_um(const struct lb_template *t, long *w_um, long *h_um)
{
	*w_um = t->w_um;
	*h_um = t->h_um;
}

size_t lb_template_fields(const struct lb_template *t)
{
	return t->n_field;
}

const struct lb_field *lb_template_field(const struct lb_template *t, size_t i)
{
	return i < t->n_field ? &t->field[i] : NULL;
}

/* ---- building ------------------------------------------------------------ */

struct build {
	const struct lb_template *t;
	const struct lb_data *d;
	struct lb_label *l;
	int dpmm;
	char *err;
	size_t errlen;
	char buf[LB_BLOCK_MAX + 1];
};

/* Fill tpl's placeholders from the data (item >= 0: "{.key}" of that item
 * of list).  LB_ERR_RANGE when the result passes LB_BLOCK_MAX. */
static int fill(struct build *b, const char *tpl, const char *list, int item, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; tpl[i]; i++) {
		const char *v = NULL;
		size_t vn = 0, j;
		char name[LB_NAME_MAX];

		if ((tpl[i] == '{' && tpl[i + 1] == '{') || (tpl[i] == '}' && tpl[i + 1] == '}')) {
			v = tpl + i;
			vn = 1;
			i++;
		} else if (tpl[i] == '{') {
			for (j = i + 1; tpl[j] != '}'; j++)
				;
			snprintf(name, sizeof(name), "%.*s", (int)(j - i - 1), tpl + i + 1);
			if (name[0] == '.')
				v = item >= 0 ? lb_data_get_item(b->d, list, (unsigned)item, name + 1, &vn) :
						NULL;
			else
				v = lb_data_get(b->d, name, &vn);
			i = j;
		} else {
			v = tpl + i;
			vn = 1;
		}
		if (!v)
			continue;
		if (vn > sizeof(b->buf) - 1 - k)
			return LB_ERR_RANGE;
		memcpy(b->buf + k, v, vn);
		k += vn;
	}
	b->buf[k] = '\0';
	*n = k;
	return LB_OK;
}

static int dots(struct build *b, long um)
{
	return lb_um_to_dots(um, b->dpmm);
}

static int add_one(struct build *b, const struct telem *te, long ox, long oy, const char *list,
		   int item)
{
	struct lb_el e;
	size_t n = 0;
	int rc;

	memset(&e, 0, sizeof(e));
	e.kind = (enum lb_el_kind)te->kind;
	e.x = dots(b, ox + te->x);
	e.y = dots(b, oy + te->y);
	e.w = dots(b, te->w);
	e.h = dots(b, te->h);
	snprintf(e.name, sizeof(e.name), "%s", te->name);
	if (te->text) {
		rc = fill(b, te->text, list, item, &n);
		if (rc < 0) {
			lb_errf(b->err, b->errlen, "element '%s': longer than %d bytes filled in",
				te->name, LB_BLOCK_MAX);
			return rc;
		}
		e.text = b->buf;
		e.len = n;
		/* A barcode of optional fields that are all empty is left out
		 * (required fields are checked before). */
		if (te->kind == LB_EL_BARCODE && !n)
			return LB_OK;
	}
	switch (te->kind) {
	case LB_EL_TEXT:
	case LB_EL_BLOCK:
		e.h = dots(b, te->size);
		e.lines = te->lines;
		if (te->kind == LB_EL_TEXT && e.len > LB_TEXT_MAX) {
			/* A line never shows that much: cut to the cap, on a
			 * character boundary. */
			size_t cut = LB_TEXT_MAX;

			while (cut && ((unsigned char)e.text[cut] & 0xC0) == 0x80)
				cut--;
			e.len = cut;
		}
		break;
	case LB_EL_BARCODE:
		e.sym = te->sym;
		e.module = dots(b, te->module);
		if (e.module < 1)
			e.module = 1;
		break;
	case LB_EL_BOX:
		e.thick = dots(b, te->thick);
		if (e.thick < 1)
			e.thick = 1;
		break;
	case LB_EL_LINE:
		if (e.w < 1)
			e.w = 1;
		if (e.h < 1)
			e.h = 1;
		break;
	case LB_EL_IMAGE: {
		int d = dots(b, te->dot) < 1 ? 1 : dots(b, te->dot);
		size_t bpr;

		e.w = te->iw * d;
		e.h = te->ih * d;
		if (e.w > LB_IMAGE_MAX_DOTS || e.h > LB_IMAGE_MAX_DOTS) {
			lb_errf(b->err, b->errlen, "element '%s': image over %d dots", te->name,
				LB_IMAGE_MAX_DOTS);
			return LB_ERR_RANGE;
		}
		bpr = (size_t)(e.w + 7) / 8;
		e.bits = calloc(bpr * (size_t)e.h, 1);
		if (!e.bits)
			return LB_ERR_NOMEM;
		for (int y = 0; y < e.h; y++)
			for (int x = 0; x < e.w; x++)
				if (te->pix[(size_t)(y / d) * (size_t)te->iw + (size_t)(x / d)])
					e.bits[(size_t)y * bpr + (size_t)x / 8] |= (uint8_t)(0x80 >> (x & 7));
		rc = lb_label_add(b->l, &e, b->err, b->errlen);
		free(e.bits);
		return rc;
	}
	default:
		return LB_ERR_BUG;
	}
	rc = lb_label_add(b->l, &e, b->err, b->errlen);
	if (rc == LB_OK && te->kind == LB_EL_BARCODE) {
		/* The symbol must fit its box: checked once here, so that ZPL
		 * output never carries a barcode that overflows. */
		struct lb_matrix m;
		char zerr[128] = "";
		int sw, sh;
		const struct lb_el *added = &b->l->el[b->l->n - 1];

		rc = lb_matrix_encode(added->sym, added->text, added->len, &m, zerr, sizeof(zerr));
		if (rc < 0) {
			lb_errf(b->err, b->errlen, "field '%s': %s cannot encode it: %s", te->name,
				lb_sym_name(te->sym), zerr);
			return rc;
		}
		lb_matrix_dots(&m, added, &sw, &sh);
		lb_matrix_fini(&m);
		if (sw > added->w || sh > added->h) {
			lb_errf(b->err, b->errlen,
				"field '%s': the %s symbol is %dx%d dots, its box %dx%d: the data "
				"is too long for this template",
				te->name, lb_sym_name(te->sym), sw, sh, added->w, added->h);
			return LB_ERR_RANGE;
		}
	}
	return rc;
}

static int check_data(struct build *b)
{
	const char *name, *key;
	int item;

	/* Every value names a field of the template (a typo in a data file
	 * would otherwise leave a field silently empty), of the right kind. */
	for (size_t i = 0; (name = lb_data_name(b->d, i, &item, &key)); i++) {
		const struct lb_field *f = field_find(b->t, name, strlen(name));

		if (!f) {
			lb_errf(b->err, b->errlen, "data: '%s' is not a field of template '%s'",
				name, b->t->name);
			return LB_ERR_TEMPLATE;
		}
		if (f->list != (item >= 0) || (item >= 0 && strcmp(key, "code") && strcmp(key, "text"))) {
			lb_errf(b->err, b->errlen,
				f->list ? "data: '%s' is a list of {\"code\", \"text\"} items" :
					  "data: '%s' is a plain value, not a list",
				name);
			return LB_ERR_TEMPLATE;
		}
	}

	for (size_t i = 0; i < b->t->n_field; i++) {
		const struct lb_field *f = &b->t->field[i];
		size_t n = 0;

		if (f->list) {
			unsigned items = lb_data_items(b->d, f->name);

			if (f->required && !items) {
				lb_errf(b->err, b->errlen, "field '%s' (%s): a list, required", f->name,
					f->label);
				return LB_ERR_RANGE;
			}
			for (unsigned k = 0; k < items; k++) {
				static const char *const keys[] = { "code", "text" };

				for (size_t j = 0; j < 2; j++)
					if (lb_data_get_item(b->d, f->name, k, keys[j], &n) && n > f->max) {
						lb_errf(b->err, b->errlen,
							"field '%s' item %u %s: %zu bytes, at most %u",
							f->name, k, keys[j], n, f->max);
						return LB_ERR_RANGE;
					}
			}
			continue;
		}
		if (!lb_data_get(b->d, f->name, &n) || !n) {
			if (f->required) {
				lb_errf(b->err, b->errlen, "field '%s' (%s) is required", f->name,
					f->label);
				return LB_ERR_RANGE;
			}
			continue;
		}
		if (n > f->max) {
			lb_errf(b->err, b->errlen, "field '%s' (%s): %zu bytes, at most %u", f->name,
				f->label, n, f->max);
			return LB_ERR_RANGE;
		}
	}
	return LB_OK;
}

int lb_template_build(const struct lb_template *t, const struct lb_data *d, int dpi,
		      struct lb_label **out, char *err, size_t errlen)
{
	struct build *b = NULL;
	int rc, dpmm = lb_dpmm(dpi);

	if (err && errlen)
		err[0] = '\0';
	if (!dpmm) {
		lb_errf(err, errlen, "%d dpi: labels are 203 or 300 dpi", dpi);
		return LB_ERR_ARG;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return LB_ERR_NOMEM;
	b->t = t;
	b->d = d;
	b->dpmm = dpmm;
	b->err = err;
	b->errlen = errlen;
	rc = check_data(b);
	if (rc < 0)
		goto out;
	rc = lb_label_new(dpi, (int)(t->w_um * dpmm / 1000), (int)(t->h_um * dpmm / 1000), &b->l);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < t->n_el && rc == LB_OK; i++) {
		const struct telem *te = &t->el[i];

		if (te->kind != KIND_GRID) {
			rc = add_one(b, te, 0, 0, NULL, -1);
			continue;
		}
		unsigned items = lb_data_items(d, te->list);
		long cw = te->w / te->cols, ch = te->h / te->rows;

		if (items > (unsigned)(te->cols * te->rows)) {
			lb_errf(err, errlen, "field '%s': %u items, the grid holds %d", te->list, items,
				te->cols * te->rows);
			rc = LB_ERR_RANGE;
			break;
		}
		for (unsigned k = 0; k < items && rc == LB_OK; k++)
			for (size_t j = 0; j < te->n_cell && rc == LB_OK; j++)
				rc = add_one(b, &t->cell[te->cell0 + j],
					     te->x + (long)(k % (unsigned)te->cols) * cw,
					     te->y + (long)(k / (unsigned)te->cols) * ch, te->list,
					     (int)k);
	}
	if (rc == LB_OK) {
		*out = b->l;
		b->l = NULL;
	}
out:
	if (b)
		lb_label_free(b->l);
	free(b);
	return rc;
}
