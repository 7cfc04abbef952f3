/* labels: the label model of <lb/label.h>: bounds, copies, the text width
 * model and wrapping.  Pure: no I/O. */
#include "lb/label.h"

#include <stdlib.h>
#include <string.h>

#include "lb/err.h"
#include "lb-int.h"

int lb_dpmm(int dpi)
{
	return dpi == 203 ? 8 : dpi == 300 ? 12 : 0;
}

int lb_um_to_dots(long um, int dpmm)
{
	long v = um * dpmm;

	return (int)(v >= 0 ? (v + 500) / 1000 : -((-v + 500) / 1000));
}

const char *lb_sym_name(enum lb_sym s)
{
	switch (s) {
	case LB_SYM_CODE128:
		return "code128";
	case LB_SYM_GS1_128:
		return "gs1-128";
	case LB_SYM_QR:
		return "qr";
	case LB_SYM_DATAMATRIX:
		return "datamatrix";
	default:
		return "?";
	}
}

int lb_label_new(int dpi, int width, int height, struct lb_label **out)
{
	struct lb_label *l;

	if (!lb_dpmm(dpi) || width < 1 || height < 1 || width > LB_PAGE_MAX_DOTS ||
	    height > LB_PAGE_MAX_DOTS)
		return LB_ERR_ARG;
	l = calloc(1, sizeof(*l));
	if (!l)
		return LB_ERR_NOMEM;
	l->dpi = dpi;
	l->dpmm = lb_dpmm(dpi);
	l->width = width;
	l->height = height;
	*out = l;
	return LB_OK;
}

void lb_label_free(struct lb_label *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->el[i].text);
		free(l->el[i].bits);
	}
	free(l);
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t k;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		k = 2;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		k = 3;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		k = 4;
	else
		return 0;
	if (n < k)
		return 0;
	cp = s[0] & (0x7F >> k);
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k;
}

size_t lb_utf8_prefix(const char *s, size_t n, int max_cp)
{
	size_t i = 0;
	int cp = 0;

	while (i < n && cp < max_cp) {
		size_t k = utf8_seq((const unsigned char *)s + i, n - i);

		i += k ? k : 1;
		cp++;
	}
	return i;
}

int lb_text_fit(int w, int h)
{
	int adv = h * 6 / 10;

	return adv > 0 ? w / adv : 0;
}

void lb_wrap(const char *s, size_t n, int w, int h, int max_lines, struct lb_lines *out)
{
	int fit = lb_text_fit(w, h);
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (max_lines > LB_BLOCK_LINES_MAX)
		max_lines = LB_BLOCK_LINES_MAX;
	if (fit < 1)
		fit = 1;
	while (i < n && out->n < (unsigned)max_lines) {
		size_t end, brk = 0, j = i;
		int cp = 0;

		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		/* Walk up to fit code points, remembering the last space. */
		j = i;
		while (j < n && cp < fit && s[j] != '\n') {
			size_t k = utf8_seq((const unsigned char *)s + j, n - j);

			if (s[j] == ' ')
				brk = j;
			j += k ? k : 1;
			cp++;
		}
		if (j < n && s[j] != '\n' && s[j] != ' ' && brk > i)
			end = brk; /* break at the last space */
		else
			end = j;
		out->line[out->n].off = i;
		out->line[out->n].len = end - i;
		while (out->line[out->n].len && s[i + out->line[out->n].len - 1] == ' ')
			out->line[out->n].len--;
		out->n++;
		i = end;
		if (i < n && (s[i] == '\n' || s[i] == ' '))
			i++;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\n'))
		i++;
	out->cut = i < n;
}

static int gs1_value_char(unsigned char c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1;
	return strchr("!\"%&'*+,-./:;<=?", c) != NULL && c != '\0';
}

/* The GS1 keys a label most often carries, SSCC (00), GTIN (01) and the
 * GTIN of contents (02): all digits, 18 or 14 of them, the last a mod-10
 * check digit.  A wrong one prints a barcode every scanner rejects. */
static int gs1_key_ok(const char *ai, size_t an, const char *v, size_t n)
{
	size_t want;
	unsigned sum = 0;

	if (an != 2 || ai[0] != '0' || ai[1] > '2')
		return 1;
	want = ai[1] == '0' ? 18 : 14;
	if (n != want)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		/* weights 3, 1, 3, ... from the digit left of the check digit */
		if (i + 1 < n)
			sum += (unsigned)(v[i] - '0') * (((n - 1 - i) & 1) ? 3 : 1);
	}
	return (10 - sum % 10) % 10 == (unsigned)(v[n - 1] - '0');
}

/* "(01)09501101530003(10)ABC": AIs of 2 to 4 digits, values of 1 to 90
 * characters of GS1's set without '(', ')', '>' and '_'. */
static int gs1_ok(const char *s, size_t n, char *err, size_t errlen, const char *name)
{
	size_t i = 0;

	if (!n || s[0] != '(') {
		lb_errf(err, errlen, "field '%s': GS1 data must start with an AI in parentheses",
			name);
		return 0;
	}
	while (i < n) {
		size_t a = ++i, v;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i >= n || s[i] != ')' || i - a < 2 || i - a > 4) {
			lb_errf(err, errlen, "field '%s': bad GS1 AI at byte %zu", name, a);
			return 0;
		}
		v = ++i;
		while (i < n && s[i] != '(') {
			if (!gs1_value_char((unsigned char)s[i])) {
				lb_errf(err, errlen,
					"field '%s': byte %zu (0x%02X) is not allowed in GS1 data",
					name, i, (unsigned char)s[i]);
				return 0;
			}
			i++;
		}
		if (i - v < 1 || i - v > 90) {
			lb_errf(err, errlen, "field '%s': GS1 value at byte %zu is empty or too long",
				name, v);
			return 0;
		}
		if (!gs1_key_ok(s + a, v - 1 - a, s + v, i - v)) {
			lb_errf(err, errlen,
				"field '%s': (%.*s) needs %d digits with a valid check digit", name,
				(int)(v - 1 - a), s + a, s[a + 1] == '0' ? 18 : 14);
			return 0;
		}
	}
	return 1;
}

static int code_ok(const struct lb_el *e, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)e->text;
	size_t i;

	if (!e->len) {
		lb_errf(err, errlen, "field '%s': a %s barcode needs data", e->name,
			lb_sym_name(e->sym));
		return 0;
	}
	switch (e->sym) {
	case LB_SYM_GS1_128:
		return gs1_ok(e->text, e->len, err, errlen, e->name);
	case LB_SYM_QR:
		for (i = 0; i < e->len;) {
			size_t k = utf8_seq(s + i, e->len - i);

			if (!k || s[i] < 0x20 || s[i] == 0x7F) {
				lb_errf(err, errlen,
					"field '%s': byte %zu is no printable UTF-8 (QR data)",
					e->name, i);
				return 0;
			}
			i += k;
		}
		return 1;
	case LB_SYM_CODE128:
	case LB_SYM_DATAMATRIX:
		for (i = 0; i < e->len; i++) {
			if (e->sym == LB_SYM_DATAMATRIX && (s[i] == '_' || s[i] == '~')) {
				lb_errf(err, errlen,
					"field '%s': byte %zu ('%c') is ^BX's escape character on "
					"some printers; Data Matrix data cannot hold '_' or '~'",
					e->name, i, s[i]);
				return 0;
			}
			/* Code 128 carries the control bytes too (subset A): the
			 * scanner self-test holds a GS.  NUL stays out: too many
			 * hosts end the scan there. */
			if (e->sym == LB_SYM_CODE128 ? (s[i] == 0 || s[i] > 0x7E)
						     : (s[i] < 0x20 || s[i] > 0x7E)) {
				lb_errf(err, errlen,
					"field '%s': byte %zu (0x%02X) is not printable ASCII%s, "
					"which %s carries",
					e->name, i, s[i],
					e->sym == LB_SYM_CODE128 ? " or a control byte" : "",
					lb_sym_name(e->sym));
				return 0;
			}
		}
		return 1;
	default:
		lb_errf(err, errlen, "field '%s': unknown symbology", e->name);
		return 0;
	}
}

static int check(const struct lb_label *l, const struct lb_el *e, char *err, size_t errlen)
{
	size_t cap = 0;
	int bottom = e->y + e->h;

	if (e->x < 0 || e->y < 0 || e->w < 1 || e->h < 1 || e->w > l->width || e->h > l->height ||
	    e->x > l->width - e->w || e->y > l->height - e->h) {
		lb_errf(err, errlen, "element '%s': box %d,%d %dx%d is not on the %dx%d page",
			e->name, e->x, e->y, e->w, e->h, l->width, l->height);
		return LB_ERR_RANGE;
	}
	switch (e->kind) {
	case LB_EL_TEXT:
	case LB_EL_BLOCK:
		cap = e->kind == LB_EL_TEXT ? LB_TEXT_MAX : LB_BLOCK_MAX;
		if (e->h < LB_FONT_MIN_DOTS) {
			lb_errf(err, errlen, "element '%s': text %d dots high, at least %d",
				e->name, e->h, LB_FONT_MIN_DOTS);
			return LB_ERR_RANGE;
		}
		if (e->kind == LB_EL_BLOCK) {
			if (e->lines < 1 || e->lines > LB_BLOCK_LINES_MAX) {
				lb_errf(err, errlen, "element '%s': %d lines, 1 to %d", e->name,
					e->lines, LB_BLOCK_LINES_MAX);
				return LB_ERR_RANGE;
			}
			bottom = e->y + e->lines * (e->h + e->h / 5);
			if (bottom > l->height) {
				lb_errf(err, errlen, "element '%s': %d lines pass the page's end",
					e->name, e->lines);
				return LB_ERR_RANGE;
			}
		}
		break;
	case LB_EL_BARCODE:
		cap = LB_CODE_MAX;
		if (e->module < 1 || e->module > LB_MODULE_MAX_DOTS || (unsigned)e->sym >= LB_SYM__COUNT) {
			lb_errf(err, errlen, "element '%s': module %d dots, 1 to %d", e->name,
				e->module, LB_MODULE_MAX_DOTS);
			return LB_ERR_RANGE;
		}
		break;
	case LB_EL_BOX:
		if (e->thick < 1 || e->thick > e->w || e->thick > e->h) {
			lb_errf(err, errlen, "element '%s': border %d dots in a %dx%d box", e->name,
				e->thick, e->w, e->h);
			return LB_ERR_RANGE;
		}
		break;
	case LB_EL_LINE:
		break;
	case LB_EL_IMAGE:
		if (!e->bits || e->w > LB_IMAGE_MAX_DOTS || e->h > LB_IMAGE_MAX_DOTS) {
			lb_errf(err, errlen, "element '%s': image missing or over %d dots", e->name,
				LB_IMAGE_MAX_DOTS);
			return LB_ERR_RANGE;
		}
		break;
	default:
		lb_errf(err, errlen, "element '%s': unknown kind", e->name);
		return LB_ERR_ARG;
	}
	if (cap && e->len > cap) {
		lb_errf(err, errlen, "field '%s': %zu bytes, at most %zu", e->name, e->len, cap);
		return LB_ERR_RANGE;
	}
	if (cap && e->len && !e->text)
		return LB_ERR_ARG;
	if (e->kind == LB_EL_BARCODE && !code_ok(e, err, errlen))
		return LB_ERR_RANGE;
	return LB_OK;
}

int lb_label_add(struct lb_label *l, const struct lb_el *e, char *err, size_t errlen)
{
	struct lb_el c;
	int rc;

	if (l->n >= LB_ELEM_MAX) {
		lb_errf(err, errlen, "element '%s': more than %d elements on one label", e->name,
			LB_ELEM_MAX);
		return LB_ERR_RANGE;
	}
	rc = check(l, e, err, errlen);
	if (rc < 0)
		return rc;
	c = *e;
	c.text = NULL;
	c.bits = NULL;
	c.name[LB_NAME_MAX - 1] = '\0';
	if (e->kind == LB_EL_TEXT || e->kind == LB_EL_BLOCK || e->kind == LB_EL_BARCODE) {
		c.text = malloc(e->len + 1);
		if (!c.text)
			return LB_ERR_NOMEM;
		if (e->len)
			memcpy(c.text, e->text, e->len);
		c.text[e->len] = '\0';
		if (e->kind != LB_EL_BARCODE) {
			/* Text is drawn by cairo, which wants valid UTF-8. */
			for (size_t i = 0; i < c.len;) {
				size_t k = utf8_seq((unsigned char *)c.text + i, c.len - i);

				if (!k) {
					c.text[i] = '?';
					k = 1;
				}
				i += k;
			}
		}
	} else if (e->kind == LB_EL_IMAGE) {
		size_t sz = (size_t)(e->w + 7) / 8 * (size_t)e->h;

		c.bits = malloc(sz);
		if (!c.bits)
			return LB_ERR_NOMEM;
		memcpy(c.bits, e->bits, sz);
	}
	l->el[l->n++] = c;
	return LB_OK;
}
