/* station/ui: drawing the bench UI from its model (tui-int.h).
 *
 * The whole screen is laid out again on every draw from LINES and COLS, so a
 * resize needs nothing but a redraw; ncurses sends only what changed.  Every
 * string goes through put(), which clips to a width in display columns
 * (UTF-8, double-width characters), so nothing is drawn past a pane.
 *
 *   row 0            title: station, operator
 *   banner           the state word in block letters, and a message
 *   middle           left: item / order and options; right: checklist
 *   log              the last results, newest first (or the key help)
 *   H-3, H-2, H-1    prompt, input line, keys
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <wchar.h>

#include "tui-int.h"

#define SEP " \xc2\xb7 " /* " · " */

struct pane {
	int y, x, h, w, row;
	int lost; /* rows that did not fit */
};

static const char *s(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* Draw the UTF-8 text str at (y, x) in at most w columns with attributes
 * a and colour pair; returns the columns used.  Bytes that are not valid
 * in the locale's character set, and control characters, show as '?'. */
static int put(int y, int x, int w, attr_t a, short pair, const char *str)
{
	mbstate_t ps;
	size_t n = strlen(str);
	int used = 0;

	if (w <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	memset(&ps, 0, sizeof(ps));
	move(y, x);
	attr_set(a, pair, NULL);
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, str, n, &ps);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			/* Skip one bad sequence (a lead byte and its tail). */
			k = 1;
			while (k < n && ((unsigned char)str[k] & 0xc0) == 0x80)
				k++;
			memset(&ps, 0, sizeof(ps));
			wc = L'?';
		}
		if (wc < 0x20 || wc == 0x7f)
			wc = L'?';
		cw = wcwidth(wc);
		if (cw < 0) {
			wc = L'?';
			cw = 1;
		}
		if (used + cw > w)
			break;
		addnwstr(&wc, 1);
		used += cw;
		str += k;
		n -= k;
	}
	attr_set(A_NORMAL, 0, NULL);
	return used;
}

static int putf(int y, int x, int w, attr_t a, short pair, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int putf(int y, int x, int w, attr_t a, short pair, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put(y, x, w, a, pair, buf);
}

/* Display width of UTF-8 text (as put() would draw it). */
static int text_width(const char *str)
{
	mbstate_t ps;
	size_t n = strlen(str);
	int w = 0;

	memset(&ps, 0, sizeof(ps));
	while (n > 0) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, str, n, &ps);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			k = 1;
			while (k < n && ((unsigned char)str[k] & 0xc0) == 0x80)
				k++;
			memset(&ps, 0, sizeof(ps));
			cw = 1;
		} else {
			cw = wc < 0x20 ? 1 : wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += cw;
		str += k;
		n -= k;
	}
	return w;
}

/* The next row of a pane, or false when it is full. */
static bool pane_line(struct pane *p, int indent, attr_t a, short pair, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static bool pane_line(struct pane *p, int indent, attr_t a, short pair, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (p->row >= p->h) {
		p->lost++;
		return false;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(p->y + p->row, p->x + indent, p->w - indent, a, pair, buf);
	p->row++;
	return true;
}

static short pair_of(const struct st_tui *t, short pair)
{
	return t->color ? pair : 0;
}

/* ---- banner --------------------------------------------------------- */

/* One pixel of a block letter: vs rows of hs columns. */
static void pixel(const struct st_tui *t, int y, int x, int vs, int hs, attr_t a, short pair)
{
	for (int sr = 0; sr < vs; sr++)
		for (int sc = 0; sc < hs; sc++)
			put(y + sr, x + sc, 1, a | A_BOLD, pair, t->utf8 ? "\xe2\x96\x88" : "#");
}

static void draw_banner(struct st_tui *t, int y, int h, int vs)
{
	const char *word = tui_banner_word(t->banner);
	short pair = pair_of(t, (short)(t->banner + 1));
	attr_t a = t->color ? A_NORMAL : A_REVERSE;
	int n = (int)strlen(word), W = COLS, hs = 0, gap = 1, width = 0, x0;
	char sub[TUI_TEXT + 32];

	for (int r = 0; r < h; r++) {
		move(y + r, 0);
		attr_set(a, pair, NULL);
		for (int x = 0; x < W; x++)
			addch(' ');
	}
	attr_set(A_NORMAL, 0, NULL);
	snprintf(sub, sizeof(sub), "%s%s%s", word, t->banner_msg[0] ? "  " : "", t->banner_msg);
	if (h < 5 * vs + 2) {
		/* Too small for block letters: the word, big in spirit only. */
		x0 = (W - text_width(sub)) / 2;
		put(y + (h - 1) / 2, x0 < 1 ? 1 : x0, W - 2, a | A_BOLD, pair, sub);
		return;
	}
	/* The widest letters that fit: 1 to 3 columns a pixel. */
	for (int k = vs == 2 ? 3 : 2; k >= 1; k--) {
		gap = k > 2 ? 2 : 1;
		width = n * 5 * k + (n - 1) * gap;
		if (width <= W - 2) {
			hs = k;
			break;
		}
	}
	if (hs) {
		x0 = (W - width) / 2;
		for (int i = 0; i < n; i++) {
			const char *const *g = tui_glyph(word[i]);
			int gx = x0 + i * (5 * hs + gap);

			for (int r = 0; g && r < 5; r++)
				for (int c = 0; c < 5; c++)
					if (g[r][c] == '#')
						pixel(t, y + 1 + r * vs, gx + c * hs, vs, hs, a, pair);
		}
	}
	x0 = (W - text_width(sub)) / 2;
	put(y + h - 1, x0 < 1 ? 1 : x0, W - 2, a | A_BOLD, pair, sub);
}

/* ---- item, order, product ------------------------------------------- */

static const char *option_label(const char *name)
{
	static const struct {
		const char *name, *label;
	} l[] = {
		{ "size", "Size" },
		{ "metal", "Metal" },
		{ "stone", "Stone" },
		{ "engraving", "Engraving" },
		{ "photo_text", "Photo text" },
		{ "chain_length_mm", "Chain length" },
		{ "length_mm", "Length" },
	};

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		if (!strcmp(name, l[i].name))
			return l[i].label;
	return name;
}

/* The flags that change how a piece is handled, upper case. */
static void flags_text(json_t *flags, char *buf, size_t cap)
{
	const char *k;
	json_t *v;
	size_t used = 0;

	buf[0] = '\0';
	json_object_foreach(flags, k, v) {
		if (!json_is_true(v) || used >= cap)
			continue;
		used += (size_t)snprintf(buf + used, cap - used, "%s", used ? "  " : "");
		/* Not k itself: json_object_foreach() walks on from it. */
		for (const char *c = k; *c && used + 1 < cap; c++)
			buf[used++] = *c == '_' ? ' ' : (char)toupper((unsigned char)*c);
		buf[used < cap ? used : cap - 1] = '\0';
	}
}

static void draw_line_details(struct st_tui *t, struct pane *p, json_t *line, int indent)
{
	json_t *opts = json_object_get(line, "options"), *v;
	const char *k;
	char flags[256];

	json_object_foreach(opts, k, v) {
		const char *val = json_string_value(v);
		bool quoted = !strcmp(k, "engraving") || !strcmp(k, "photo_text");
		bool mm = strlen(k) > 3 && !strcmp(k + strlen(k) - 3, "_mm");

		pane_line(p, indent, A_NORMAL, 0, "%-13s %s%s%s%s", option_label(k),
			  quoted ? "\"" : "", val ? val : "", quoted ? "\"" : "", mm ? " mm" : "");
	}
	flags_text(json_object_get(line, "flags"), flags, sizeof(flags));
	if (flags[0])
		pane_line(p, indent, A_BOLD, pair_of(t, TUI_PAIR_FLAG), "%s", flags);
}

static const char *customer(json_t *order)
{
	json_t *c = json_object_get(order, "customer");

	return json_is_object(c) ? s(c, "name") : json_is_string(c) ? json_string_value(c) : "";
}

static void draw_order_flags(struct st_tui *t, struct pane *p, json_t *o)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s%s%s", json_is_true(json_object_get(o, "cancelled")) ?
		 "CANCELLED  " : "", json_is_true(json_object_get(o, "custom")) ? "CUSTOM ORDER  " :
		 "", json_is_true(json_object_get(o, "gift_box")) ? "GIFT BOX" : "");
	if (buf[0])
		pane_line(p, 2, A_BOLD, pair_of(t, json_is_true(json_object_get(o, "cancelled")) ?
						   TUI_PAIR_BAD : TUI_PAIR_FLAG), "%s", buf);
}

static void draw_product_line(struct pane *p, int indent, json_t *prod)
{
	pane_line(p, indent, A_NORMAL, 0, "%s [%s]" SEP "%s", s(prod, "name"), s(prod, "category"),
		  s(prod, "sku"));
}

static void draw_task(struct st_tui *t, struct pane *p)
{
	json_t *line, *x;
	size_t i;

	if (t->item) {
		pane_line(p, 0, A_BOLD, 0, "Item %s" SEP "%s", s(t->item, "serial"),
			  s(t->item, "status"));
		draw_product_line(p, 2, json_object_get(t->item, "product"));
		if (t->order) {
			json_int_t line_no = json_integer_value(json_object_get(t->item, "line_no"));

			pane_line(p, 0, A_BOLD, 0, "Order %s" SEP "line %lld" SEP "%s",
				  s(t->order, "number"), (long long)line_no, customer(t->order));
			draw_order_flags(t, p, t->order);
		}
		if (t->line)
			draw_line_details(t, p, t->line, 2);
	} else if (t->order) {
		pane_line(p, 0, A_BOLD, 0, "Order %s" SEP "%s" SEP "%s", s(t->order, "number"),
			  customer(t->order), s(t->order, "status"));
		draw_order_flags(t, p, t->order);
		json_array_foreach(json_object_get(t->order, "lines"), i, line) {
			x = json_object_get(line, "product");
			pane_line(p, 0, A_NORMAL, 0, "%lld. %s [%s] x%lld",
				  (long long)json_integer_value(json_object_get(line, "line_no")),
				  s(x, "name"), s(x, "category"),
				  (long long)json_integer_value(json_object_get(line, "quantity")));
			draw_line_details(t, p, line, 4);
		}
	} else if (t->product) {
		pane_line(p, 0, A_BOLD, 0, "Product %s", s(t->product, "sku"));
		draw_product_line(p, 2, t->product);
		if (json_is_true(json_object_get(t->product, "final_sale")))
			pane_line(p, 2, A_BOLD, pair_of(t, TUI_PAIR_FLAG), "FINAL SALE");
	} else {
		pane_line(p, 0, A_DIM, 0, "%s",
			  t->logged_in ? "No item. Scan an item, an order or a product."
				       : "Nobody is logged in.");
	}
	if (p->lost && p->h > 1) {
		/* Say so rather than cut silently: a line of the order is missing. */
		move(p->y + p->h - 1, p->x);
		for (int c = 0; c < p->w; c++)
			addch(' ');
		putf(p->y + p->h - 1, p->x, p->w, A_BOLD, 0,
		     "... %d more rows (a taller window shows them)", p->lost + 1);
	}
}

/* ---- checklist ------------------------------------------------------ */

static void draw_checklist(struct st_tui *t, struct pane *p)
{
	json_t *checks = json_object_get(t->checklist, "checks"), *c;
	size_t n = json_array_size(checks), done = 0, first = 0, i;
	json_int_t cur = json_integer_value(json_object_get(t->checklist, "current"));
	int rows;

	if (!t->checklist) {
		pane_line(p, 0, A_BOLD, 0, "Checklist");
		pane_line(p, 0, A_DIM, 0, "No inspection in progress.");
		return;
	}
	json_array_foreach(checks, i, c)
		if (strcmp(s(c, "state"), "pending") != 0)
			done++;
	pane_line(p, 0, A_BOLD, 0, "Checklist %s v%lld  %zu/%zu", s(t->checklist, "category"),
		  (long long)json_integer_value(json_object_get(t->checklist, "version")), done, n);
	/* Keep the current check in view. */
	rows = p->h - p->row;
	if (rows > 0 && cur >= 0 && (size_t)cur >= (size_t)rows / 2)
		first = (size_t)cur - (size_t)rows / 2;
	if (rows > 0 && n > (size_t)rows && first > n - (size_t)rows)
		first = n - (size_t)rows;
	for (i = first; i < n && p->row < p->h; i++) {
		const char *st, *mark;
		short pair = 0;
		attr_t a = A_NORMAL;
		const char *detail;

		c = json_array_get(checks, i);
		st = s(c, "state");
		detail = s(c, "detail");
		if (!strcmp(st, "pass")) {
			mark = t->utf8 ? "\xe2\x9c\x93" : "+";
			pair = TUI_PAIR_OK;
		} else if (!strcmp(st, "fail")) {
			mark = t->utf8 ? "\xe2\x9c\x97" : "x";
			pair = TUI_PAIR_BAD;
		} else if (!strcmp(st, "skipped")) {
			mark = "-";
			a = A_DIM;
		} else {
			mark = t->utf8 ? "\xc2\xb7" : ".";
		}
		if ((json_int_t)i == cur)
			a = A_REVERSE | A_BOLD;
		pane_line(p, 0, a, pair_of(t, pair), "%s %s%s%s%s",
			  (json_int_t)i == cur ? (t->utf8 ? "\xe2\x96\xb6" : ">") : mark,
			  s(c, "label"), *detail ? " (" : "", detail, *detail ? ")" : "");
	}
}

/* ---- log, help, bottom rows ----------------------------------------- */

static void draw_log(struct st_tui *t, struct pane *p)
{
	static const char *const help[] = {
		"Keys (the letters only while the scan> line is empty):",
		"F2 p PASS   F3 f FAIL   F4 a PASS-ALL   Esc CANCEL (clears a typed line first)",
		"F8 LOGOUT   F10 q Ctrl-D quit   F1 ? this help   Enter sends the typed line",
		"A fast burst ending in the scanner's suffix is a scan; typing goes to scan>.",
	};

	if (t->help) {
		for (size_t i = 0; i < sizeof(help) / sizeof(help[0]); i++)
			pane_line(p, 0, i ? A_NORMAL : A_BOLD, 0, "%s", help[i]);
		return;
	}
	pane_line(p, 0, A_BOLD, 0, "Last results");
	for (unsigned i = 0; i < t->log_n; i++) {
		unsigned at = (t->log_head + TUI_LOG_MAX - 1 - i) % TUI_LOG_MAX;
		const struct tui_log *l = &t->log[at];
		const char *mark = l->kind == TUI_LOG_OK ? (t->utf8 ? "\xe2\x9c\x93" : "+") :
				   l->kind == TUI_LOG_BAD ? (t->utf8 ? "\xe2\x9c\x97" : "x") :
				   (t->utf8 ? "\xc2\xb7" : ".");
		short pair = l->kind == TUI_LOG_OK ? TUI_PAIR_OK : l->kind == TUI_LOG_BAD ?
			     TUI_PAIR_BAD : 0;

		if (p->row >= p->h)
			break;
		put(p->y + p->row, p->x, 2, A_BOLD, pair_of(t, pair), mark);
		pane_line(p, 2, i ? A_NORMAL : A_BOLD, 0, "%s", l->text);
	}
}

static const char *default_prompt(const struct st_tui *t)
{
	if (!t->logged_in)
		return "Scan your operator badge.";
	if (t->checklist)
		return "Scan PASS or FAIL for the highlighted check.";
	return "Scan an item, an order or a product.";
}

static void draw_input(struct st_tui *t, int y)
{
	static const char label[] = "scan> ";
	const char *f = t->field;
	int avail = COLS - (int)sizeof(label) - 1, x;

	put(y, 0, COLS, A_BOLD, 0, label);
	/* Show the end of a long line: the part being typed. */
	while (*f && text_width(f) > avail) {
		f++;
		while (((unsigned char)*f & 0xc0) == 0x80)
			f++;
	}
	x = (int)sizeof(label) - 1;
	x += put(y, x, avail, A_NORMAL, 0, f);
	move(y, x < COLS ? x : COLS - 1);
}

static void draw_title(struct st_tui *t)
{
	int x;

	move(0, 0);
	attr_set(A_REVERSE, 0, NULL);
	for (int i = 0; i < COLS; i++)
		addch(' ');
	x = putf(0, 1, COLS - 2, A_REVERSE | A_BOLD, 0, "qcstation" SEP "%s", t->station);
	if (t->logged_in)
		x += 4 + putf(0, x + 4, COLS - x - 16, A_REVERSE, 0, "Operator: %s (%s)", t->op_name,
			      t->op_role);
	else
		x += 4 + put(0, x + 4, COLS - x - 16, A_REVERSE, 0, "Nobody logged in");
	/* Why labels wait, while they do (the print queue's "printer" event). */
	if (t->printer_msg[0] && COLS - 12 - (x + 3) >= 12)
		put(0, x + 3, COLS - 12 - (x + 3), A_REVERSE | A_BOLD, 0, t->printer_msg);
	if (COLS >= 40)
		put(0, COLS - 10, 9, A_REVERSE, 0, "F1/? help");
}

void tui_draw(struct st_tui *t)
{
	static const char keys[] = "F2/p PASS  F3/f FAIL  F4/a PASS-ALL  Esc CANCEL  F8 LOGOUT  "
				   "F10/q Quit";
	int H, W, avail, vs, bh, rest, log_h, mid_h, lw;
	struct pane p;

	set_term(t->scr);
	H = LINES;
	W = COLS;
	erase();
	if (H < 10 || W < 30) {
		put(0, 0, W, A_BOLD, 0, "qcstation: make the window larger (80x24 or more)");
		refresh();
		return;
	}
	draw_title(t);
	avail = H - 1 - 3;
	vs = avail >= 36 ? 2 : 1;
	bh = 5 * vs + 2;
	if (avail - bh < 6 || W < 44)
		bh = 3; /* no room for block letters */
	rest = avail - bh;
	draw_banner(t, 1, bh, vs);
	log_h = rest * 2 / 5;
	if (log_h < 2)
		log_h = 2;
	mid_h = rest - log_h;

	lw = W * 3 / 5;
	p = (struct pane){ .y = 1 + bh, .x = 0, .h = mid_h, .w = lw - 1 };
	draw_task(t, &p);
	for (int y = 1 + bh; y < 1 + bh + mid_h; y++)
		mvaddch(y, lw - 1, ACS_VLINE);
	p = (struct pane){ .y = 1 + bh, .x = lw + 1, .h = mid_h, .w = W - lw - 1 };
	draw_checklist(t, &p);
	mvhline(1 + bh + mid_h, 0, ACS_HLINE, W);
	p = (struct pane){ .y = 2 + bh + mid_h, .x = 0, .h = log_h - 1, .w = W };
	draw_log(t, &p);

	put(H - 3, 0, W, A_BOLD, 0, t->prompt[0] ? t->prompt : default_prompt(t));
	put(H - 1, 0, W, A_DIM, 0, keys);
	draw_input(t, H - 2); /* last: it leaves the cursor on the line */
	refresh();
}
