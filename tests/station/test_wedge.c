/* st_wedge: scanner bursts versus a person typing, with synthetic times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "st/wedge.h"

/* Feed in[] one byte every dt ms; in the script '~' waits 500 ms instead of
 * being fed, and '^' feeds the key code 300 (a function key).  At the end,
 * time runs on until anything held is released.  The outcomes are written
 * to got as "[scan ...]" "[text ...]" "[key N]", a '!' after a truncated
 * one's data. */
static void run_script(struct st_wedge *w, const char *in, int dt, char *got, size_t cap)
{
	struct st_wedge_out o[2];
	int64_t t = 1000;
	size_t used = 0;
	int n;

	got[0] = '\0';
	for (const char *p = in;; p++) {
		if (*p == '~') {
			t += 500;
			continue;
		}
		if (*p) {
			n = st_wedge_feed(w, *p == '^' ? 300 : (unsigned char)*p, t, o);
			t += dt;
		} else {
			assert_int_equal(st_wedge_wait_ms(w, t + 10000), w->len || w->pending ? 0 : -1);
			n = st_wedge_tick(w, t + 10000, &o[0]);
		}
		for (int i = 0; i < n; i++) {
			if (o[i].kind == ST_WEDGE_KEY)
				used += (size_t)snprintf(got + used, cap - used, "[key %d]", o[i].key);
			else
				used += (size_t)snprintf(got + used, cap - used, "[%s %.*s%s]",
							 o[i].kind == ST_WEDGE_SCAN ? "scan" : "text",
							 (int)o[i].len, o[i].data,
							 o[i].truncated ? "!" : "");
			assert_true(used < cap);
		}
		if (!*p)
			break;
	}
}

static void wedge__table(void **state)
{
	static const struct {
		const char *in;
		int dt, gap;
		enum st_wedge_term term;
		size_t cap;
		const char *want;
	} t[] = {
		/* A scanner: 2 ms a byte, Enter (CR or LF) at the end. */
		{ "BADGE-0001\r", 2, 30, ST_WEDGE_TERM_ENTER, 4096, "[scan BADGE-0001]" },
		{ "ORD-100231\n", 2, 30, ST_WEDGE_TERM_ENTER, 4096, "[scan ORD-100231]" },
		/* Exactly at the gap is still a burst; one more ms is not. */
		{ "AB\r", 30, 30, ST_WEDGE_TERM_ENTER, 4096, "[scan AB]" },
		{ "AB\r", 31, 30, ST_WEDGE_TERM_ENTER, 4096, "[text A][text B][key 13]" },
		/* A person: 150 ms a key.  Every key is text, Enter is a key. */
		{ "ORD-1\r", 150, 30, ST_WEDGE_TERM_ENTER, 4096,
		  "[text O][text R][text D][text -][text 1][key 13]" },
		/* A burst that never got its Enter times out into text. */
		{ "SN0000", 2, 30, ST_WEDGE_TERM_ENTER, 4096, "[text SN0000]" },
		/* Mixed: typing, then a scan, then typing and Enter. */
		{ "p~BADGE-0001\r~x~\r", 2, 30, ST_WEDGE_TERM_ENTER, 4096,
		  "[text p][scan BADGE-0001][text x][key 13]" },
		/* Two scans back to back. */
		{ "A1\rB2\r", 1, 30, ST_WEDGE_TERM_ENTER, 4096, "[scan A1][scan B2]" },
		/* Over-long bursts are capped at the scan cap and flagged. */
		{ "ABCDEFGHIJ\r", 1, 30, ST_WEDGE_TERM_ENTER, 4, "[scan ABCD!]" },
		{ "ABCDEFGHIJ", 1, 30, ST_WEDGE_TERM_ENTER, 4, "[text ABCD!]" },
		/* Tab terminator: Tab ends scans; Enter in a burst is a key. */
		{ "ORD-100231\t", 2, 30, ST_WEDGE_TERM_TAB, 4096, "[scan ORD-100231]" },
		{ "ORD-1\r", 2, 30, ST_WEDGE_TERM_TAB, 4096, "[text ORD-1][key 13]" },
		{ "ORD-1\t", 2, 30, ST_WEDGE_TERM_ENTER, 4096, "[text ORD-1][key 9]" },
		/* Control keys on their own are keys at once: Esc, Ctrl-D, DEL,
		 * a lone Enter. */
		{ "\x1b\x04\x7f\r", 200, 30, ST_WEDGE_TERM_ENTER, 4096, "[key 27][key 4][key 127][key 13]" },
		/* GS inside (and at the start of) a burst is data. */
		{ "\x1d" "0109501101020917\x1d" "21X\r", 1, 30, ST_WEDGE_TERM_ENTER, 4096,
		  "[scan \x1d" "0109501101020917\x1d" "21X]" },
		/* A function key ends a held run as text, then is a key. */
		{ "ab^", 1, 30, ST_WEDGE_TERM_ENTER, 4096, "[text ab][key 300]" },
		{ "^", 1, 30, ST_WEDGE_TERM_ENTER, 4096, "[key 300]" },
		/* A wider gap setting accepts a slow scanner. */
		{ "SN00001001\r", 60, 80, ST_WEDGE_TERM_ENTER, 4096, "[scan SN00001001]" },
		/* UTF-8 typed by a person arrives as one run of bytes. */
		{ "\xe2\x99\xa5~", 0, 30, ST_WEDGE_TERM_ENTER, 4096, "[text \xe2\x99\xa5]" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_wedge w;
		char got[8192];

		st_wedge_init(&w, t[i].gap, t[i].term, t[i].cap);
		run_script(&w, t[i].in, t[i].dt, got, sizeof(got));
		if (strcmp(got, t[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, got, t[i].want);
	}
}

static void wedge__wait_and_tick(void **state)
{
	struct st_wedge w;
	struct st_wedge_out o[2];
	(void)state;
	st_wedge_init(&w, 0, ST_WEDGE_TERM_ENTER, 0); /* defaults, cap clamped to 1 */
	assert_int_equal(w.gap_ms, ST_WEDGE_GAP_MS_DEFAULT);
	assert_int_equal(w.cap, 1);
	assert_int_equal(st_wedge_wait_ms(&w, 0), -1);
	assert_int_equal(st_wedge_feed(&w, 'x', 100, o), 0);
	assert_int_equal(st_wedge_wait_ms(&w, 100), ST_WEDGE_GAP_MS_DEFAULT + 1);
	assert_int_equal(st_wedge_wait_ms(&w, 120), ST_WEDGE_GAP_MS_DEFAULT - 19);
	assert_int_equal(st_wedge_tick(&w, 130, o), 0); /* not yet */
	assert_int_equal(st_wedge_wait_ms(&w, 500), 0);
	assert_int_equal(st_wedge_tick(&w, 131, o), 1);
	assert_int_equal(o[0].kind, ST_WEDGE_TEXT);
	assert_int_equal(o[0].len, 1);
	assert_int_equal(st_wedge_wait_ms(&w, 131), -1);
	/* A clock that steps back counts as "at once". */
	assert_int_equal(st_wedge_feed(&w, 'y', 200, o), 0);
	assert_int_equal(st_wedge_feed(&w, '\r', 150, o), 1);
	assert_int_equal(o[0].kind, ST_WEDGE_SCAN);
	assert_memory_equal(o[0].data, "y", 1);
	/* Large caps are clamped too. */
	st_wedge_init(&w, 5, ST_WEDGE_TERM_TAB, 1u << 20);
	assert_int_equal(w.cap, ST_WEDGE_CAP_MAX);
	assert_true(st_wedge_is_term(&w, '\t'));
	assert_false(st_wedge_is_term(&w, '\r'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wedge__table),
		cmocka_unit_test(wedge__wait_and_tick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
