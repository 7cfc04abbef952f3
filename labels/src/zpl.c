/* labels: ZPL II output, <lb/zpl.h>.  The safety rules are in the header;
 * docs/labels.md explains them.  Pure: appends text to a buffer. */
#include "lb/zpl.h"

#include <string.h>

#include "lb/err.h"
#include "lb-int.h"

static const char hex[] = "0123456789ABCDEF";

int lb_zpl_escape(struct lb_buf *out, const char *s, size_t n)
{
	char tmp[256];
	size_t k = 0, total = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (k > sizeof(tmp) - 8) {
			rc = lb_buf_add(out, tmp, k);
			if (rc < 0)
				return rc;
			total += k;
			k = 0;
		}
		if (c == '^' || c == '~' || c == '_' || c == '\\' || c < 0x20 || c == 0x7F) {
			tmp[k++] = '_';
			tmp[k++] = hex[c >> 4];
			tmp[k++] = hex[c & 15];
		} else {
			tmp[k++] = (char)c;
		}
	}
	if (total + k > LB_ZPL_FD_MAX)
		return LB_ERR_RANGE;
	return lb_buf_add(out, tmp, k);
}

/* AIs whose data has a predefined length: no FNC1 after them (the same
 * table as verify.c's, GS1 General Specifications by the first two
 * digits). */
static int predefined_length(const char *ai)
{
	static const char t[] = "00010203041112131415161718192031323334353641";

	for (size_t i = 0; t[i]; i += 2)
		if (ai[0] == t[i] && ai[1] == t[i + 1])
			return 1;
	return 0;
}

static size_t digit_run(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && s[k] >= '0' && s[k] <= '9')
		k++;
	return k;
}

/* GS1-128 as explicit Code 128 for ^BC mode N: a start code, FNC1 (">8"),
 * then each AI and value, with FNC1 after each value of variable length
 * but the last.  Digit pairs go in subset C, everything else in B; a run
 * of digits switches to C only for an even count of 4 or more, so no digit
 * is ever left alone in C (where the printer would drop it).  Mode D
 * would be shorter to write but adds no FNC1 between fields (checked with
 * the ZPL oracle: "(10)ABC(21)X" read back as one lot "ABC21X").  The data
 * holds no '>' (lb_label_add refuses it), so every '>' here is ours. */
static int gs1_field(struct lb_buf *b, const char *s, size_t n)
{
	char u[LB_CODE_MAX + 64];
	size_t k = 0, i = 0;
	char sub;
	int rc;

	/* The element strings without parentheses, GS (0x1D) where an FNC1
	 * separates fields: after a value of variable length but the last. */
	while (i < n) {
		const char *ai = s + i + 1;

		for (i++; i < n && s[i] != '(' && k < sizeof(u) - 1; i++)
			if (s[i] != ')')
				u[k++] = s[i];
		if (i < n && !predefined_length(ai) && k < sizeof(u) - 1)
			u[k++] = 0x1D;
	}
	sub = digit_run(u, k) >= 2 ? 'C' : 'B';
	rc = lb_buf_add(b, sub == 'C' ? "^FH^FD>;>8" : "^FH^FD>:>8", 10);
	for (i = 0; i < k && rc == LB_OK;) {
		size_t run = digit_run(u + i, k - i);

		if (u[i] == 0x1D) {
			rc = lb_buf_add(b, ">8", 2);
			i++;
		} else if (sub == 'C' && run >= 2) {
			rc = lb_buf_add(b, u + i, 2);
			i += 2;
		} else if (sub == 'C') {
			rc = lb_buf_add(b, ">6", 2);
			sub = 'B';
		} else if (run >= 4 && run % 2 == 0) {
			rc = lb_buf_add(b, ">5", 2);
			sub = 'C';
		} else {
			rc = lb_buf_add(b, u + i, 1);
			i++;
		}
	}
	return rc < 0 ? rc : lb_buf_add(b, "^FS\n", 4);
}

static int field(struct lb_buf *b, const char *s, size_t n)
{
	int rc = lb_buf_add(b, "^FH^FD", 6);

	if (rc == LB_OK)
		rc = lb_zpl_escape(b, s, n);
	if (rc == LB_OK)
		rc = lb_buf_add(b, "^FS\n", 4);
	return rc;
}

static int text_line(struct lb_buf *b, int x, int y, int h, const char *s, size_t n)
{
	int rc = lb_buf_printf(b, "^FO%d,%d^A0N,%d,%d", x, y, h, h);

	return rc < 0 ? rc : field(b, s, n);
}

static int image(struct lb_buf *b, const struct lb_el *e)
{
	size_t bpr = (size_t)(e->w + 7) / 8, total = bpr * (size_t)e->h;
	int rc = lb_buf_printf(b, "^FO%d,%d^GFA,%zu,%zu,%zu,", e->x, e->y, total, total, bpr);

	for (size_t i = 0; i < total && rc == LB_OK; i++) {
		char h2[2] = { hex[e->bits[i] >> 4], hex[e->bits[i] & 15] };

		rc = lb_buf_add(b, h2, 2);
	}
	return rc < 0 ? rc : lb_buf_add(b, "^FS\n", 4);
}

static int barcode(struct lb_buf *b, const struct lb_el *e)
{
	int rc;

	switch (e->sym) {
	case LB_SYM_CODE128:
		/* Mode A picks subsets itself: no odd-digit loss of an
		 * explicit subset C, and '>' is a plain character. */
		rc = lb_buf_printf(b, "^FO%d,%d^BY%d,3,%d^BCN,%d,N,N,N,A", e->x, e->y, e->module,
				   e->h, e->h);
		return rc < 0 ? rc : field(b, e->text, e->len);
	case LB_SYM_GS1_128:
		rc = lb_buf_printf(b, "^FO%d,%d^BY%d,3,%d^BCN,%d,N,N,N,N", e->x, e->y, e->module,
				   e->h, e->h);
		return rc < 0 ? rc : gs1_field(b, e->text, e->len);
	case LB_SYM_QR:
		/* ^BY pinned: the printer moves a QR down by the ^BY height. */
		rc = lb_buf_printf(b, "^FO%d,%d^BY2,3,1^BQN,2,%d^FH^FDMA,", e->x, e->y, e->module);
		if (rc == LB_OK)
			rc = lb_zpl_escape(b, e->text, e->len);
		return rc < 0 ? rc : lb_buf_add(b, "^FS\n", 4);
	case LB_SYM_DATAMATRIX:
		rc = lb_buf_printf(b, "^FO%d,%d^BY%d,3,%d^BXN,%d,200", e->x, e->y, e->module, e->h,
				   e->module);
		return rc < 0 ? rc : field(b, e->text, e->len);
	default:
		return LB_ERR_BUG;
	}
}

int lb_zpl_render(const struct lb_label *l, struct lb_buf *out)
{
	int rc = lb_buf_printf(out, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", l->width, l->height);

	for (size_t i = 0; i < l->n && rc == LB_OK; i++) {
		const struct lb_el *e = &l->el[i];
		struct lb_lines ln;

		switch (e->kind) {
		case LB_EL_TEXT:
			rc = text_line(out, e->x, e->y, e->h, e->text,
				       lb_utf8_prefix(e->text, e->len, lb_text_fit(e->w, e->h)));
			break;
		case LB_EL_BLOCK:
			/* Every line is emitted, empty or not: the command
			 * sequence never depends on the data. */
			lb_wrap(e->text, e->len, e->w, e->h, e->lines, &ln);
			for (int k = 0; k < e->lines && rc == LB_OK; k++)
				rc = text_line(out, e->x, e->y + k * (e->h + e->h / 5), e->h,
					       (unsigned)k < ln.n ? e->text + ln.line[k].off : "",
					       (unsigned)k < ln.n ? ln.line[k].len : 0);
			break;
		case LB_EL_BARCODE:
			rc = barcode(out, e);
			break;
		case LB_EL_BOX:
			rc = lb_buf_printf(out, "^FO%d,%d^GB%d,%d,%d^FS\n", e->x, e->y, e->w, e->h,
					   e->thick);
			break;
		case LB_EL_LINE:
			rc = lb_buf_printf(out, "^FO%d,%d^GB%d,%d,%d^FS\n", e->x, e->y, e->w, e->h,
					   e->w < e->h ? e->w : e->h);
			break;
		case LB_EL_IMAGE:
			rc = image(out, e);
			break;
		default:
			rc = LB_ERR_BUG;
		}
	}
	return rc < 0 ? rc : lb_buf_add(out, "^PQ1\n^XZ\n", 9);
}
