/* station/ui: st_wedge, the scanner-or-person decision (see st/wedge.h).
 *
 * Pure and small on purpose: the whole behaviour is a table in
 * tests/station/test_wedge.c.  The curses side (station/ui/tui.c) only
 * timestamps bytes and acts on the outcomes.
 */
#include <assert.h>
#include <string.h>

#include "st/wedge.h"

void st_wedge_init(struct st_wedge *w, int gap_ms, enum st_wedge_term term, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->gap_ms = gap_ms < 1 ? ST_WEDGE_GAP_MS_DEFAULT : gap_ms;
	w->term = term;
	w->cap = cap < 1 ? 1 : cap > ST_WEDGE_CAP_MAX ? ST_WEDGE_CAP_MAX : cap;
}

bool st_wedge_is_term(const struct st_wedge *w, int c)
{
	if (w->term == ST_WEDGE_TERM_TAB)
		return c == '\t';
	return c == '\r' || c == '\n';
}

/* Control bytes that end a run without being data: the line enders. */
static bool is_ender(int c)
{
	return c == '\r' || c == '\n' || c == '\t';
}

/* Hand the held run out as kind and forget it. */
static void release(struct st_wedge *w, enum st_wedge_kind kind, struct st_wedge_out *o)
{
	assert(w->len <= w->cap);
	memcpy(w->out, w->buf, w->len);
	o->kind = kind;
	o->data = w->out;
	o->len = w->len;
	o->truncated = w->truncated;
	o->key = 0;
	w->len = 0;
	w->truncated = false;
	w->pending = false;
}

static void key(int c, struct st_wedge_out *o)
{
	o->kind = ST_WEDGE_KEY;
	o->data = NULL;
	o->len = 0;
	o->truncated = false;
	o->key = c;
}

static void append(struct st_wedge *w, int c, int64_t now_ms)
{
	if (w->len < w->cap)
		w->buf[w->len++] = (char)c;
	else
		w->truncated = true;
	w->pending = true;
	w->last_ms = now_ms;
}

static bool expired(const struct st_wedge *w, int64_t now_ms)
{
	return w->pending && now_ms - w->last_ms > w->gap_ms;
}

int st_wedge_tick(struct st_wedge *w, int64_t now_ms, struct st_wedge_out *out)
{
	if (!expired(w, now_ms))
		return 0;
	release(w, ST_WEDGE_TEXT, out);
	return 1;
}

int st_wedge_feed(struct st_wedge *w, int c, int64_t now_ms, struct st_wedge_out out[2])
{
	int n = st_wedge_tick(w, now_ms, &out[0]);

	assert(c >= 0);
	if (c >= ST_WEDGE_KEY_MIN) {
		/* A function key is never part of a scan: what was held is text. */
		if (w->pending)
			release(w, ST_WEDGE_TEXT, &out[n++]);
		key(c, &out[n++]);
		return n;
	}
	if (w->pending) {
		/* Within the gap: the burst goes on. */
		if (st_wedge_is_term(w, c)) {
			release(w, ST_WEDGE_SCAN, &out[n++]);
		} else if (is_ender(c)) {
			/* Enter where Tab ends scans (or the other way round):
			 * not this scanner's suffix, so a person's key. */
			release(w, ST_WEDGE_TEXT, &out[n++]);
			key(c, &out[n++]);
		} else {
			append(w, c, now_ms);
		}
		return n;
	}
	/* Idle: printable bytes (and GS, and UTF-8) may start a burst; other
	 * control bytes are keys at once. */
	if ((c < 0x20 && c != 0x1d) || c == 0x7f)
		key(c, &out[n++]);
	else
		append(w, c, now_ms);
	return n;
}

int st_wedge_wait_ms(const struct st_wedge *w, int64_t now_ms)
{
	int64_t left;

	if (!w->pending)
		return -1;
	left = w->last_ms + w->gap_ms + 1 - now_ms;
	return left < 0 ? 0 : (int)left;
}
