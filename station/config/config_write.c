/* station/config: editing the config file's text (st/config_write.h).
 *
 * Two passes over the lines: the first finds where the key is (or where it
 * would go), the second copies the text with that one change.  The line
 * grammar follows inih's defaults as config.c uses them: leading blanks
 * skipped, ';' and '#' start a comment line, ';' after a blank starts an
 * inline comment, '=' or ':' separates key and value.
 *
 * Not for: validating what the file means (st_config_parse() does that;
 * the caller parses the result before writing it).
 */
#include "st/config_write.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/err.h"

#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

enum kind { L_OTHER, L_SECTION, L_KEY };

struct line {
	size_t start, end, next; /* content [start, end) without CR LF; next line */
	bool nl;                 /* ended by '\n' */
	enum kind kind;
	size_t a, b;             /* L_SECTION: name; L_KEY: key */
	size_t v, ve;            /* L_KEY: value, trimmed, without the inline comment */
	size_t c;                /* L_KEY: where the inline comment (with its blank) starts */
};

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f';
}

static void classify(const char *t, struct line *l, bool first)
{
	size_t p = l->start, e = l->end, k;

	l->kind = L_OTHER;
	if (first && e - p >= 3 && !memcmp(t + p, "\xef\xbb\xbf", 3))
		p += 3; /* a UTF-8 BOM, as inih skips it */
	while (p < e && blank(t[p]))
		p++;
	if (p == e || t[p] == ';' || t[p] == '#')
		return;
	if (t[p] == '[') {
		for (k = p + 1; k < e && t[k] != ']'; k++)
			;
		if (k < e) {
			l->kind = L_SECTION;
			l->a = p + 1;
			l->b = k;
		}
		return;
	}
	/* The separator, unless an inline comment comes first. */
	for (k = p; k < e && t[k] != '=' && t[k] != ':'; k++)
		if (t[k] == ';' && k > p && blank(t[k - 1]))
			return;
	if (k == e)
		return;
	l->kind = L_KEY;
	l->a = p;
	l->b = k;
	while (l->b > l->a && blank(t[l->b - 1]))
		l->b--;
	l->v = k + 1;
	while (l->v < e && blank(t[l->v]))
		l->v++;
	l->c = e;
	for (k = l->v; k < e; k++)
		if (t[k] == ';' && k > l->v && blank(t[k - 1])) {
			l->c = k - 1;
			while (l->c > l->v && blank(t[l->c - 1]))
				l->c--;
			break;
		}
	l->ve = l->c;
	while (l->ve > l->v && blank(t[l->ve - 1]))
		l->ve--;
}

static bool line_at(const char *t, size_t n, size_t pos, struct line *l)
{
	const char *nl;

	if (pos >= n)
		return false;
	nl = memchr(t + pos, '\n', n - pos);
	l->start = pos;
	l->nl = nl != NULL;
	l->end = nl ? (size_t)(nl - t) : n;
	l->next = nl ? l->end + 1 : n;
	if (l->end > l->start && t[l->end - 1] == '\r')
		l->end--;
	classify(t, l, pos == 0);
	return true;
}

static bool span_is(const char *t, size_t a, size_t b, const char *s)
{
	size_t k = strlen(s);

	return b - a == k && !memcmp(t + a, s, k);
}

/* Printable ASCII only, no blank at either end, none of bad. */
static bool word_ok(const char *s, const char *bad, bool blanks_inside)
{
	size_t n = strlen(s);

	if (n == 0 || n > 512 || blank(s[0]) || blank(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch > 0x7e || strchr(bad, ch) || (!blanks_inside && ch == ' '))
			return false;
	}
	return true;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *o, const char *s, size_t n)
{
	/* cap was sized for the worst case up front (st_config_set()). */
	if (n > o->cap - o->len)
		n = o->cap - o->len;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void puts_(struct buf *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_assign(struct buf *o, const char *key, const char *value)
{
	puts_(o, key);
	puts_(o, " = ");
	puts_(o, value);
}

int st_config_set(const char *in, size_t n, const char *section, const char *key,
		  const char *value, char **out, size_t *out_len, struct st_config_edit *edit)
{
	struct st_config_edit ed = { 0 };
	struct line l;
	struct buf o = { 0 };
	const char *eol = "\n";
	size_t pos, first_key = SIZE_MAX, insert_at = SIZE_MAX, extra;
	bool in_sec = false, seen_sec = false, first_block = false, insert_nl = true;

	if (!out || !out_len || (!in && n) || !section || !key)
		return ST_ERR_ARG;
	if (!word_ok(section, "]", true) || !word_ok(key, "=:;#[]", false) ||
	    (value && !word_ok(value, ";", true)))
		return ST_ERR_ARG;
	if (n > ST_CONFIG_TEXT_MAX)
		return ST_ERR_RANGE;

	/* Pass 1: where the key is, or where it would go. */
	for (pos = 0; line_at(in, n, pos, &l); pos = l.next) {
		if (pos == 0 && l.nl && l.end < l.next - 1)
			eol = "\r\n";
		if (l.kind == L_SECTION) {
			in_sec = span_is(in, l.a, l.b, section);
			first_block = in_sec && !seen_sec;
			if (in_sec && !seen_sec) {
				insert_at = l.next;
				insert_nl = l.nl;
			}
			seen_sec = seen_sec || in_sec;
		} else if (l.kind == L_KEY && in_sec) {
			if (span_is(in, l.a, l.b, key) && first_key == SIZE_MAX)
				first_key = pos;
			if (first_block) {
				insert_at = l.next;
				insert_nl = l.nl;
			}
		}
	}

	if (!value) { /* removal: every assignment goes, nothing is added */
		seen_sec = true;
		insert_at = SIZE_MAX;
	}
	extra = value ? strlen(section) + strlen(key) + strlen(value) + 16 : 0;
	if (n + extra > ST_CONFIG_TEXT_MAX)
		return ST_ERR_RANGE;
	o.cap = n + extra;
	o.p = malloc(o.cap + 1);
	/* (with value NULL the result is never longer than in) */
	if (!o.p)
		return ST_ERR_NOMEM;

	/* Pass 2: copy, with the change. */
	in_sec = false;
	for (pos = 0; line_at(in, n, pos, &l); pos = l.next) {
		if (l.kind == L_SECTION)
			in_sec = span_is(in, l.a, l.b, section);
		if (l.kind == L_KEY && in_sec && span_is(in, l.a, l.b, key)) {
			if (pos != first_key || !value) {
				if (pos == first_key) { /* removal: say what it was */
					size_t k = l.ve - l.v < ST_CONFIG_OLD_MAX - 1
							   ? l.ve - l.v : ST_CONFIG_OLD_MAX - 1;

					memcpy(ed.old, in + l.v, k);
					ed.old[k] = '\0';
				}
				ed.removed++;
				continue;
			}
			ed.replaced = true;
			{
				size_t k = l.ve - l.v < ST_CONFIG_OLD_MAX - 1 ? l.ve - l.v
									    : ST_CONFIG_OLD_MAX - 1;

				memcpy(ed.old, in + l.v, k);
				ed.old[k] = '\0';
			}
			put(&o, in + l.start, l.a - l.start); /* indentation, BOM */
			put_assign(&o, key, value);
			put(&o, in + l.c, l.next - l.c);      /* comment, line ending */
			continue;
		}
		put(&o, in + l.start, l.next - l.start);
		if (first_key == SIZE_MAX && l.next == insert_at) {
			if (!insert_nl)
				puts_(&o, eol);
			put_assign(&o, key, value);
			puts_(&o, eol);
		}
	}
	if (!seen_sec) {
		ed.section_added = true;
		if (n > 0 && in[n - 1] != '\n')
			puts_(&o, eol);
		if (n > 0)
			puts_(&o, eol);
		puts_(&o, "[");
		puts_(&o, section);
		puts_(&o, "]");
		puts_(&o, eol);
		put_assign(&o, key, value);
		puts_(&o, eol);
	}
	o.p[o.len] = '\0';
	*out = o.p;
	*out_len = o.len;
	if (edit)
		*edit = ed;
	return ST_OK;
}
