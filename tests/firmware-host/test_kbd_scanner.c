/* hid-kbd-scanner: boot keyboard reports to scans, for each layout.
 *
 * The expected characters come from the layouts' facts written down here
 * independently of the driver's tables, the other way round (character ->
 * the key a scanner set to that country presses): if the two disagree, one
 * of them is wrong about the layout.  Sources: the Windows layouts US
 * (00000409), United Kingdom (00000809), German (00000407) and French
 * (0000040C), which scanners' "keyboard country" settings emulate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fh-int.h"

#include "drivers/hid-kbd-scanner/protocol.h"
#include "fakes/fake_transport.h"
#include "fh/scanner.h"

/* Modifier bits of byte 0. */
#define LCTRL 0x01
#define LSHIFT 0x02
#define LALT 0x04
#define LGUI 0x08
#define RSHIFT 0x20
#define RALT 0x40
#define S LSHIFT
#define AG RALT

#define K_ENTER 0x28
#define K_TAB 0x2b
#define K_SPACE 0x2c
#define K_CAPS 0x39
#define K_KP_ENTER 0x58

/* ---- the layouts, character -> key --------------------------------------- */

#define DK 0x100 /* a dead key: the scanner follows it with Space */

struct stroke {
	char c;
	uint8_t usage;
	unsigned mods; /* modifier bits, | DK */
};

/* Letters: the usage of the key that carries each letter, a..z. */
static const char *const letter_keys[FH_KBD_LAYOUT__COUNT] = {
	/* a    b    c    d    e    f    g    h    i    j    k    l    m */
	/* n    o    p    q    r    s    t    u    v    w    x    y    z */
	[FH_KBD_LAYOUT_US] = "\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
			     "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d",
	[FH_KBD_LAYOUT_UK] = "\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
			     "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d",
	/* QWERTZ: y and z change places. */
	[FH_KBD_LAYOUT_DE] = "\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
			     "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1d\x1c",
	/* AZERTY: a/q and z/w change places, m sits right of l (US ";"). */
	[FH_KBD_LAYOUT_FR] = "\x14\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x33"
			     "\x11\x12\x13\x04\x15\x16\x17\x18\x19\x1d\x1b\x1c\x1a",
};

static const struct stroke us_keys[] = {
	{ ' ', 0x2c, 0 },  { '!', 0x1e, S },  { '"', 0x34, S },  { '#', 0x20, S },
	{ '$', 0x21, S },  { '%', 0x22, S },  { '&', 0x24, S },  { '\'', 0x34, 0 },
	{ '(', 0x26, S },  { ')', 0x27, S },  { '*', 0x25, S },  { '+', 0x2e, S },
	{ ',', 0x36, 0 },  { '-', 0x2d, 0 },  { '.', 0x37, 0 },  { '/', 0x38, 0 },
	{ '0', 0x27, 0 },  { '1', 0x1e, 0 },  { '2', 0x1f, 0 },  { '3', 0x20, 0 },
	{ '4', 0x21, 0 },  { '5', 0x22, 0 },  { '6', 0x23, 0 },  { '7', 0x24, 0 },
	{ '8', 0x25, 0 },  { '9', 0x26, 0 },  { ':', 0x33, S },  { ';', 0x33, 0 },
	{ '<', 0x36, S },  { '=', 0x2e, 0 },  { '>', 0x37, S },  { '?', 0x38, S },
	{ '@', 0x1f, S },  { '[', 0x2f, 0 },  { '\\', 0x31, 0 }, { ']', 0x30, 0 },
	{ '^', 0x23, S },  { '_', 0x2d, S },  { '`', 0x35, 0 },  { '{', 0x2f, S },
	{ '|', 0x31, S },  { '}', 0x30, S },  { '~', 0x35, S },
};

/* UK differs from US in " @ # ~ \ | only. */
static const struct stroke uk_keys[] = {
	{ ' ', 0x2c, 0 },  { '!', 0x1e, S },  { '"', 0x1f, S },  { '#', 0x32, 0 },
	{ '$', 0x21, S },  { '%', 0x22, S },  { '&', 0x24, S },  { '\'', 0x34, 0 },
	{ '(', 0x26, S },  { ')', 0x27, S },  { '*', 0x25, S },  { '+', 0x2e, S },
	{ ',', 0x36, 0 },  { '-', 0x2d, 0 },  { '.', 0x37, 0 },  { '/', 0x38, 0 },
	{ '0', 0x27, 0 },  { '1', 0x1e, 0 },  { '2', 0x1f, 0 },  { '3', 0x20, 0 },
	{ '4', 0x21, 0 },  { '5', 0x22, 0 },  { '6', 0x23, 0 },  { '7', 0x24, 0 },
	{ '8', 0x25, 0 },  { '9', 0x26, 0 },  { ':', 0x33, S },  { ';', 0x33, 0 },
	{ '<', 0x36, S },  { '=', 0x2e, 0 },  { '>', 0x37, S },  { '?', 0x38, S },
	{ '@', 0x34, S },  { '[', 0x2f, 0 },  { '\\', 0x64, 0 }, { ']', 0x30, 0 },
	{ '^', 0x23, S },  { '_', 0x2d, S },  { '`', 0x35, 0 },  { '{', 0x2f, S },
	{ '|', 0x64, S },  { '}', 0x30, S },  { '~', 0x32, S },
};

static const struct stroke de_keys[] = {
	{ ' ', 0x2c, 0 },  { '!', 0x1e, S },  { '"', 0x1f, S },  { '#', 0x32, 0 },
	{ '$', 0x21, S },  { '%', 0x22, S },  { '&', 0x23, S },  { '\'', 0x32, S },
	{ '(', 0x25, S },  { ')', 0x26, S },  { '*', 0x30, S },  { '+', 0x30, 0 },
	{ ',', 0x36, 0 },  { '-', 0x38, 0 },  { '.', 0x37, 0 },  { '/', 0x24, S },
	{ '0', 0x27, 0 },  { '1', 0x1e, 0 },  { '2', 0x1f, 0 },  { '3', 0x20, 0 },
	{ '4', 0x21, 0 },  { '5', 0x22, 0 },  { '6', 0x23, 0 },  { '7', 0x24, 0 },
	{ '8', 0x25, 0 },  { '9', 0x26, 0 },  { ':', 0x37, S },  { ';', 0x36, S },
	{ '<', 0x64, 0 },  { '=', 0x27, S },  { '>', 0x64, S },  { '?', 0x2d, S },
	{ '@', 0x14, AG }, { '[', 0x25, AG }, { '\\', 0x2d, AG }, { ']', 0x26, AG },
	{ '^', 0x35, DK }, { '_', 0x38, S }, { '`', 0x2e, S | DK }, { '{', 0x24, AG },
	{ '|', 0x64, AG }, { '}', 0x27, AG }, { '~', 0x30, AG },
};

static const struct stroke fr_keys[] = {
	{ ' ', 0x2c, 0 },  { '!', 0x38, 0 },  { '"', 0x20, 0 },  { '#', 0x20, AG },
	{ '$', 0x30, 0 },  { '%', 0x34, S },  { '&', 0x1e, 0 },  { '\'', 0x21, 0 },
	{ '(', 0x22, 0 },  { ')', 0x2d, 0 },  { '*', 0x32, 0 },  { '+', 0x2e, S },
	{ ',', 0x10, 0 },  { '-', 0x23, 0 },  { '.', 0x36, S },  { '/', 0x37, S },
	{ '0', 0x27, S },  { '1', 0x1e, S },  { '2', 0x1f, S },  { '3', 0x20, S },
	{ '4', 0x21, S },  { '5', 0x22, S },  { '6', 0x23, S },  { '7', 0x24, S },
	{ '8', 0x25, S },  { '9', 0x26, S },  { ':', 0x37, 0 },  { ';', 0x36, 0 },
	{ '<', 0x64, 0 },  { '=', 0x2e, 0 },  { '>', 0x64, S },  { '?', 0x10, S },
	{ '@', 0x27, AG }, { '[', 0x22, AG }, { '\\', 0x25, AG }, { ']', 0x2d, AG },
	{ '^', 0x26, AG }, { '_', 0x25, 0 },  { '`', 0x24, AG | DK }, { '{', 0x21, AG },
	{ '|', 0x23, AG }, { '}', 0x2e, AG }, { '~', 0x1f, AG | DK },
};

static const struct {
	const struct stroke *keys;
	size_t n;
} layout_keys[FH_KBD_LAYOUT__COUNT] = {
	[FH_KBD_LAYOUT_US] = { us_keys, sizeof(us_keys) / sizeof(us_keys[0]) },
	[FH_KBD_LAYOUT_UK] = { uk_keys, sizeof(uk_keys) / sizeof(uk_keys[0]) },
	[FH_KBD_LAYOUT_DE] = { de_keys, sizeof(de_keys) / sizeof(de_keys[0]) },
	[FH_KBD_LAYOUT_FR] = { fr_keys, sizeof(fr_keys) / sizeof(fr_keys[0]) },
};

static struct stroke stroke_for(enum fh_kbd_layout l, char c)
{
	struct stroke s = { c, 0, 0 };

	if (c >= 'a' && c <= 'z') {
		s.usage = (uint8_t)letter_keys[l][c - 'a'];
		return s;
	}
	if (c >= 'A' && c <= 'Z') {
		s.usage = (uint8_t)letter_keys[l][c - 'A'];
		s.mods = S;
		return s;
	}
	for (size_t i = 0; i < layout_keys[l].n; i++)
		if (layout_keys[l].keys[i].c == c)
			return layout_keys[l].keys[i];
	fail_msg("layout %d has no key for '%c'", (int)l, c);
	return s;
}

/* ---- reports --------------------------------------------------------------- */

struct reports {
	uint8_t (*r)[8];
	size_t n, cap;
};

static void rep(struct reports *rs, uint8_t mods, uint8_t k1, uint8_t k2)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		assert_non_null(rs->r);
	}
	memset(rs->r[rs->n], 0, 8);
	rs->r[rs->n][0] = mods;
	rs->r[rs->n][2] = k1;
	rs->r[rs->n][3] = k2;
	rs->n++;
}

/* Press and release one key with mods held, as scanners do: one report
 * down, one report up. */
static void tap(struct reports *rs, uint8_t mods, uint8_t usage)
{
	rep(rs, mods, usage, 0);
	rep(rs, 0, 0, 0);
}

static void type_char(struct reports *rs, enum fh_kbd_layout l, char c)
{
	struct stroke s = stroke_for(l, c);

	tap(rs, (uint8_t)(s.mods & 0xff), s.usage);
	if (s.mods & DK)
		tap(rs, 0, K_SPACE);
}

static void type_str(struct reports *rs, enum fh_kbd_layout l, const char *str)
{
	for (; *str; str++)
		type_char(rs, l, *str);
}

/* ---- a sink for scans --------------------------------------------------------- */

#define SINK_MAX 8
struct sink {
	int n;
	uint8_t data[SINK_MAX][FH_SCAN_MAX + 1];
	size_t len[SINK_MAX];
	bool truncated[SINK_MAX], idle[SINK_MAX];
};

static void collect(void *ud, const struct hid_kbd_scan *s)
{
	struct sink *k = ud;

	assert_true(k->n < SINK_MAX);
	assert_true(s->len <= FH_SCAN_MAX);
	memcpy(k->data[k->n], s->data, s->len);
	k->data[k->n][s->len] = 0;
	k->len[k->n] = s->len;
	k->truncated[k->n] = s->truncated;
	k->idle[k->n] = s->idle_end;
	k->n++;
}

struct fix {
	struct hid_kbd k;
	struct sink sink;
	struct reports rs;
	int64_t t;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	hid_kbd_init(&f->k, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	free(f->rs.r);
	free(f);
	return 0;
}

/* Feed the reports collected so far, 1 ms apart, and forget them. */
static void run(struct fix *f)
{
	for (size_t i = 0; i < f->rs.n; i++)
		assert_true(hid_kbd_feed(&f->k, f->rs.r[i], 8, f->t++, collect, &f->sink) >= 0);
	f->rs.n = 0;
}

static void set(struct fix *f, enum fh_key key, int64_t val)
{
	assert_int_equal(hid_kbd_set(&f->k, key, val), FH_OK);
}

static void expect_scan(struct fix *f, int i, const char *want)
{
	assert_true(f->sink.n > i);
	assert_int_equal(f->sink.len[i], strlen(want));
	assert_memory_equal(f->sink.data[i], want, strlen(want));
}

/* ---- tests ------------------------------------------------------------------------ */

static void layout__every_printable_ascii_round_trips(void **state)
{
	struct fix *f = *state;

	for (int l = 0; l < FH_KBD_LAYOUT__COUNT; l++) {
		set(f, FH_KEY_KBD_LAYOUT, l);
		for (int c = 0x20; c <= 0x7e; c++) {
			char want[2] = { (char)c, 0 };

			f->sink.n = 0;
			type_char(&f->rs, (enum fh_kbd_layout)l, (char)c);
			tap(&f->rs, 0, K_ENTER);
			run(f);
			if (f->sink.n != 1 || f->sink.len[0] != 1 || f->sink.data[0][0] != c)
				fail_msg("layout %s: '%c' (0x%02x) came out as %d scan(s), \"%s\"",
					 fh_kbd_layout_name((enum fh_kbd_layout)l), c, c,
					 f->sink.n, f->sink.n ? (char *)f->sink.data[0] : "");
			expect_scan(f, 0, want);
		}
		/* And all of them in one scan. */
		char all[96];
		for (int c = 0x20; c <= 0x7e; c++)
			all[c - 0x20] = (char)c;
		all[95] = 0;
		f->sink.n = 0;
		type_str(&f->rs, (enum fh_kbd_layout)l, all);
		tap(&f->rs, 0, K_ENTER);
		run(f);
		assert_int_equal(f->sink.n, 1);
		expect_scan(f, 0, all);
	}
	assert_int_equal(f->k.dropped, 0);
}

static void layout__right_shift_and_ctrl_alt_as_altgr(void **state)
{
	struct fix *f = *state;

	tap(&f->rs, RSHIFT, 0x04); /* A */
	set(f, FH_KEY_KBD_LAYOUT, FH_KBD_LAYOUT_DE);
	run(f);
	tap(&f->rs, LCTRL | LALT, 0x14); /* Windows: Ctrl+Alt = AltGr: @ */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "A@");
}

static void caps__inverts_letters_only(void **state)
{
	struct fix *f = *state;

	tap(&f->rs, 0, K_CAPS);
	tap(&f->rs, 0, 0x04);      /* a -> A */
	tap(&f->rs, S, 0x05);      /* Shift+b -> b */
	tap(&f->rs, 0, 0x1e);      /* 1 stays 1 */
	tap(&f->rs, S, 0x1e);      /* Shift+1 stays ! */
	tap(&f->rs, 0, 0x2f);      /* [ stays [ */
	tap(&f->rs, 0, K_CAPS);
	tap(&f->rs, 0, 0x06);      /* off again: c */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "Ab1![c");
}

static void caps__held_across_reports_toggles_once(void **state)
{
	struct fix *f = *state;

	rep(&f->rs, 0, K_CAPS, 0);
	rep(&f->rs, 0, K_CAPS, 0);
	rep(&f->rs, 0, K_CAPS, 0x04);
	rep(&f->rs, 0, 0, 0);
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "A");
}

static void caps__french_digit_row_gives_digits(void **state)
{
	struct fix *f = *state;

	set(f, FH_KEY_KBD_LAYOUT, FH_KBD_LAYOUT_FR);
	tap(&f->rs, 0, K_CAPS);
	tap(&f->rs, 0, 0x1e); /* & key -> 1 */
	tap(&f->rs, 0, 0x20); /* " key -> 3 */
	tap(&f->rs, S, 0x1e); /* Shift inverts back: & */
	tap(&f->rs, 0, 0x14); /* A */
	tap(&f->rs, 0, 0x38); /* ! is not on a Caps key */
	tap(&f->rs, 0, K_CAPS);
	tap(&f->rs, 0, 0x1e); /* & */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "13&A!&");
}

static void caps__german_digits_unaffected(void **state)
{
	struct fix *f = *state;

	set(f, FH_KEY_KBD_LAYOUT, FH_KBD_LAYOUT_DE);
	tap(&f->rs, 0, K_CAPS);
	tap(&f->rs, 0, 0x1e);
	tap(&f->rs, 0, 0x1c); /* z on QWERTZ, upper */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "1Z");
}

static void gs__ctrl_right_bracket(void **state)
{
	static const struct {
		enum fh_kbd_layout l;
		uint8_t mods, usage;
	} t[] = {
		{ FH_KBD_LAYOUT_US, LCTRL, 0x30 },
		{ FH_KBD_LAYOUT_US, 0x10 /* RCtrl */, 0x30 },
		{ FH_KBD_LAYOUT_UK, LCTRL, 0x30 },
		{ FH_KBD_LAYOUT_DE, LCTRL, 0x30 },       /* the US "]" key position */
		{ FH_KBD_LAYOUT_DE, LCTRL | AG, 0x26 },  /* Ctrl + the German "]" */
		{ FH_KBD_LAYOUT_FR, LCTRL, 0x30 },
		{ FH_KBD_LAYOUT_FR, LCTRL | AG, 0x2d },  /* Ctrl + the French "]" */
	};
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f->sink.n = 0;
		set(f, FH_KEY_KBD_LAYOUT, t[i].l);
		type_str(&f->rs, t[i].l, "10AB");
		tap(&f->rs, t[i].mods, t[i].usage);
		type_str(&f->rs, t[i].l, "21X");
		tap(&f->rs, 0, K_ENTER);
		run(f);
		expect_scan(f, 0, "10AB\x1d" "21X");
	}
}

static void gs__other_control_characters(void **state)
{
	struct fix *f = *state;

	tap(&f->rs, LCTRL | S, 0x23); /* Ctrl+^ = RS */
	tap(&f->rs, LCTRL, 0x07);     /* Ctrl+D = EOT */
	tap(&f->rs, LCTRL, 0x1e);     /* Ctrl+1: nothing */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "\x1e\x04");
	assert_int_equal(f->k.dropped, 1);
}

static void gs__alt_keypad_code(void **state)
{
	struct fix *f = *state;

	type_str(&f->rs, FH_KBD_LAYOUT_US, "10A");
	/* Alt held, keypad 0 0 2 9, Alt released: GS. */
	rep(&f->rs, LALT, 0, 0);
	rep(&f->rs, LALT, 0x62, 0);
	rep(&f->rs, LALT, 0, 0);
	rep(&f->rs, LALT, 0x62, 0);
	rep(&f->rs, LALT, 0, 0);
	rep(&f->rs, LALT, 0x5a, 0);
	rep(&f->rs, LALT, 0, 0);
	rep(&f->rs, LALT, 0x61, 0);
	rep(&f->rs, LALT, 0, 0);
	rep(&f->rs, 0, 0, 0);
	type_str(&f->rs, FH_KBD_LAYOUT_US, "21");
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "10A\x1d" "21");
}

static void gs__substitute_character(void **state)
{
	struct fix *f = *state;

	set(f, FH_KEY_KBD_GS_SUBSTITUTE, '~');
	type_str(&f->rs, FH_KBD_LAYOUT_US, "10AB~21X");
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "10AB\x1d" "21X");
	assert_int_equal(hid_kbd_set(&f->k, FH_KEY_KBD_GS_SUBSTITUTE, 0x7f), FH_ERR_ARG);
	assert_int_equal(hid_kbd_set(&f->k, FH_KEY_KBD_GS_SUBSTITUTE, -1), FH_ERR_ARG);
	assert_int_equal(f->k.cfg.gs_substitute, '~');
}

static void suffix__each_kind(void **state)
{
	static const struct {
		enum fh_kbd_suffix suffix;
		uint8_t end;          /* the key that ends the scan */
		const char *want;     /* the other two keys typed before it */
	} t[] = {
		{ FH_KBD_SUFFIX_ENTER, K_ENTER, "A\t" "B" },
		{ FH_KBD_SUFFIX_KP_ENTER, K_KP_ENTER, "A\t" "B\r" },
		{ FH_KBD_SUFFIX_TAB, K_TAB, "A\r" "B\r" },
	};
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f->sink.n = 0;
		set(f, FH_KEY_KBD_SUFFIX, t[i].suffix);
		type_str(&f->rs, FH_KBD_LAYOUT_US, "A");
		/* The keys that are not the suffix are data. */
		tap(&f->rs, 0, t[i].suffix == FH_KBD_SUFFIX_TAB ? K_ENTER : K_TAB);
		type_str(&f->rs, FH_KBD_LAYOUT_US, "B");
		if (t[i].suffix == FH_KBD_SUFFIX_KP_ENTER)
			tap(&f->rs, 0, K_ENTER);
		if (t[i].suffix == FH_KBD_SUFFIX_TAB)
			tap(&f->rs, 0, K_KP_ENTER);
		assert_int_equal(f->sink.n, 0);
		tap(&f->rs, 0, t[i].end);
		run(f);
		assert_int_equal(f->sink.n, 1);
		expect_scan(f, 0, t[i].want);
		assert_false(f->sink.idle[0]);
	}
}

static void suffix__empty_scans_are_dropped(void **state)
{
	struct fix *f = *state;

	tap(&f->rs, 0, K_ENTER);
	tap(&f->rs, 0, K_ENTER);
	type_str(&f->rs, FH_KBD_LAYOUT_US, "X");
	tap(&f->rs, 0, K_ENTER);
	run(f);
	assert_int_equal(f->sink.n, 1);
	expect_scan(f, 0, "X");
}

static void idle__timeout_completes_a_scan_without_suffix(void **state)
{
	struct fix *f = *state;

	set(f, FH_KEY_KBD_IDLE_MS, 50);
	set(f, FH_KEY_KBD_SUFFIX, FH_KBD_SUFFIX_NONE);
	f->t = 1000;
	assert_int_equal(hid_kbd_wait_ms(&f->k, f->t), -1); /* nothing open */
	type_str(&f->rs, FH_KBD_LAYOUT_US, "AB1");
	tap(&f->rs, 0, K_ENTER); /* no suffix configured: data */
	run(f);                  /* last key press at t = 1006 */
	assert_int_equal(f->sink.n, 0);
	assert_int_equal(hid_kbd_wait_ms(&f->k, 1010), 46);
	assert_int_equal(hid_kbd_tick(&f->k, 1055, collect, &f->sink), 0);
	assert_int_equal(hid_kbd_wait_ms(&f->k, 1056), 0);
	assert_int_equal(hid_kbd_tick(&f->k, 1056, collect, &f->sink), 1);
	expect_scan(f, 0, "AB1\r");
	assert_true(f->sink.idle[0]);
	assert_int_equal(hid_kbd_wait_ms(&f->k, 2000), -1);
	assert_int_equal(hid_kbd_tick(&f->k, 9000, collect, &f->sink), 0);

	/* A pause also ends a scan whose suffix never came, and the next
	 * report's keys start a new one. */
	set(f, FH_KEY_KBD_SUFFIX, FH_KBD_SUFFIX_ENTER);
	f->t = 2000;
	type_str(&f->rs, FH_KBD_LAYOUT_US, "C");
	run(f);
	f->t = 3000;
	type_str(&f->rs, FH_KBD_LAYOUT_US, "D");
	tap(&f->rs, 0, K_ENTER);
	run(f);
	assert_int_equal(f->sink.n, 3);
	expect_scan(f, 1, "C");
	assert_true(f->sink.idle[1]);
	expect_scan(f, 2, "D");
	assert_false(f->sink.idle[2]);
}

static void idle__zero_needs_a_suffix(void **state)
{
	struct fix *f = *state;

	set(f, FH_KEY_KBD_IDLE_MS, 0);
	assert_int_equal(hid_kbd_set(&f->k, FH_KEY_KBD_SUFFIX, FH_KBD_SUFFIX_NONE), FH_ERR_ARG);
	type_str(&f->rs, FH_KBD_LAYOUT_US, "A");
	run(f);
	assert_int_equal(hid_kbd_wait_ms(&f->k, 100000), -1);
	assert_int_equal(hid_kbd_tick(&f->k, 100000, collect, &f->sink), 0);
	set(f, FH_KEY_KBD_IDLE_MS, 100);
	set(f, FH_KEY_KBD_SUFFIX, FH_KBD_SUFFIX_NONE);
	assert_int_equal(hid_kbd_set(&f->k, FH_KEY_KBD_IDLE_MS, 0), FH_ERR_ARG);
	assert_int_equal(hid_kbd_set(&f->k, FH_KEY_KBD_IDLE_MS, FH_KBD_IDLE_MS_MAX + 1),
			 FH_ERR_ARG);
	assert_int_equal(hid_kbd_set(&f->k, FH_KEY_KBD_LAYOUT, 4), FH_ERR_ARG);
	assert_int_equal(hid_kbd_set(&f->k, FH_KEY_BUTTONS_MODE, 1), FH_ERR_NA);
}

static void doubled__repeated_characters_are_kept(void **state)
{
	struct fix *f = *state;

	/* "22" and "88" (FreeRDP #3229): press, release, press. */
	type_str(&f->rs, FH_KBD_LAYOUT_US, "1228833");
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "1228833");
}

static void doubled__held_key_counts_once(void **state)
{
	struct fix *f = *state;

	rep(&f->rs, 0, 0x1f, 0);    /* 2 down */
	rep(&f->rs, 0, 0x1f, 0);    /* still down: no new 2 */
	rep(&f->rs, S, 0x1f, 0);    /* Shift comes, 2 still held: nothing */
	rep(&f->rs, 0, 0x1f, 0x20); /* 3 joins: 3 */
	rep(&f->rs, 0, 0x20, 0);    /* 2 up */
	rep(&f->rs, 0, 0x20, 0x1f); /* 2 down again: 2 */
	rep(&f->rs, 0, 0, 0);
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "232");
}

static void doubled__rollover_reports_are_ignored(void **state)
{
	static const uint8_t roll[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	struct fix *f = *state;

	rep(&f->rs, 0, 0x25, 0); /* 8 */
	run(f);
	assert_int_equal(hid_kbd_feed(&f->k, roll, 8, f->t++, collect, &f->sink), 0);
	rep(&f->rs, 0, 0x25, 0); /* 8 still held: the rollover said nothing */
	rep(&f->rs, 0, 0, 0);
	rep(&f->rs, 0, 0x25, 0); /* 8 again */
	rep(&f->rs, 0, 0, 0);
	run(f);
	assert_int_equal(hid_kbd_feed(&f->k, roll, 8, f->t++, collect, &f->sink), 0);
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "88");
}

/* The notes' demo: ]C1 0109501101020917 10ABC-12 <GS> 21XYZ <Enter>, GS as
 * Ctrl+], from raw boot reports. */
static const uint8_t demo_reports[][8] = {
	{ 0x00, 0, 0x30 }, { 0 },             /* ] */
	{ 0x02, 0, 0x06 }, { 0 },             /* C */
	{ 0x00, 0, 0x1e }, { 0 },             /* 1 */
	{ 0, 0, 0x27 }, { 0 }, { 0, 0, 0x1e }, { 0 },                     /* 01 */
	{ 0, 0, 0x27 }, { 0 }, { 0, 0, 0x26 }, { 0 }, { 0, 0, 0x22 }, { 0 }, /* 095 */
	{ 0, 0, 0x27 }, { 0 }, { 0, 0, 0x1e }, { 0 }, { 0, 0, 0x1e }, { 0 }, /* 011 */
	{ 0, 0, 0x27 }, { 0 }, { 0, 0, 0x1e }, { 0 }, { 0, 0, 0x27 }, { 0 }, /* 010 */
	{ 0, 0, 0x1f }, { 0 }, { 0, 0, 0x27 }, { 0 }, { 0, 0, 0x26 }, { 0 }, /* 209 */
	{ 0, 0, 0x1e }, { 0 }, { 0, 0, 0x24 }, { 0 },                     /* 17 */
	{ 0, 0, 0x1e }, { 0 }, { 0, 0, 0x27 }, { 0 },                     /* 10 */
	{ 0x02, 0, 0x04 }, { 0 }, { 0x02, 0, 0x05 }, { 0 }, { 0x02, 0, 0x06 }, { 0 }, /* ABC */
	{ 0, 0, 0x2d }, { 0 }, { 0, 0, 0x1e }, { 0 }, { 0, 0, 0x1f }, { 0 }, /* -12 */
	{ 0x01, 0, 0x30 }, { 0 },             /* Ctrl+] = GS */
	{ 0, 0, 0x1f }, { 0 }, { 0, 0, 0x1e }, { 0 },                     /* 21 */
	{ 0x02, 0, 0x1b }, { 0 }, { 0x02, 0, 0x1c }, { 0 }, { 0x02, 0, 0x1d }, { 0 }, /* XYZ */
	{ 0, 0, 0x28 }, { 0 },                /* Enter */
};
#define DEMO_DATA "010950110102091710ABC-12\x1d" "21XYZ"

static void demo__gs1_scan_from_raw_reports(void **state)
{
	struct fix *f = *state;
	char aim[4];

	for (size_t i = 0; i < sizeof(demo_reports) / sizeof(demo_reports[0]); i++)
		assert_true(hid_kbd_feed(&f->k, demo_reports[i], 8, f->t++, collect, &f->sink) >=
			    0);
	assert_int_equal(f->sink.n, 1);
	expect_scan(f, 0, "]C1" DEMO_DATA);
	assert_int_equal(hid_kbd_aim_split(f->sink.data[0], f->sink.len[0], aim), 3);
	assert_string_equal(aim, "]C1");
}

static void dead__accent_then_space_or_other(void **state)
{
	struct fix *f = *state;

	set(f, FH_KEY_KBD_LAYOUT, FH_KBD_LAYOUT_DE);
	tap(&f->rs, 0, 0x35);      /* dead ^ */
	tap(&f->rs, 0, K_SPACE);   /* -> ^ */
	tap(&f->rs, 0, 0x35);      /* dead ^ */
	tap(&f->rs, 0, 0x1e);      /* 1: -> ^1 */
	tap(&f->rs, 0, 0x35);      /* dead ^ */
	tap(&f->rs, 0, 0x35);      /* dead ^ again: first stands for itself */
	tap(&f->rs, 0, K_SPACE);
	tap(&f->rs, 0, K_SPACE);   /* a real space */
	tap(&f->rs, 0, 0x35);      /* dead ^ before the suffix */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "^^1^^ ^");
}

static void truncation__cap_and_flag(void **state)
{
	struct fix *f = *state;

	for (int i = 0; i < FH_SCAN_MAX + 10; i++)
		tap(&f->rs, 0, (uint8_t)(0x04 + i % 26));
	tap(&f->rs, 0, K_ENTER);
	type_str(&f->rs, FH_KBD_LAYOUT_US, "ok");
	tap(&f->rs, 0, K_ENTER);
	run(f);
	assert_int_equal(f->sink.n, 2);
	assert_int_equal(f->sink.len[0], FH_SCAN_MAX);
	assert_true(f->sink.truncated[0]);
	assert_int_equal(f->sink.data[0][FH_SCAN_MAX - 1], 'a' + (FH_SCAN_MAX - 1) % 26);
	expect_scan(f, 1, "ok");
	assert_false(f->sink.truncated[1]);
}

static void report__bad_lengths_and_unmapped_keys(void **state)
{
	static const uint8_t nine[9] = { 0, 0, 0x04 };
	static const uint8_t three[3] = { 0, 0, 0x05 };
	struct fix *f = *state;

	assert_int_equal(hid_kbd_feed(&f->k, nine, 9, 0, collect, &f->sink), FH_ERR_PROTO);
	assert_int_equal(hid_kbd_feed(&f->k, nine, 2, 0, collect, &f->sink), FH_ERR_PROTO);
	assert_int_equal(hid_kbd_feed(&f->k, NULL, 8, 0, collect, &f->sink), FH_ERR_PROTO);
	/* A short report with one slot is still a keyboard report. */
	assert_int_equal(hid_kbd_feed(&f->k, three, 3, 1, collect, &f->sink), 0);
	tap(&f->rs, LGUI, 0x06);   /* GUI+c: a shortcut, not text */
	tap(&f->rs, 0, 0x3a);      /* F1: no character */
	tap(&f->rs, LALT, 0x06);   /* Alt+c: a shortcut */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 0, "b");
	assert_int_equal(f->k.dropped, 3);
	/* German sharp s has no ASCII byte: dropped, counted. */
	set(f, FH_KEY_KBD_LAYOUT, FH_KBD_LAYOUT_DE);
	tap(&f->rs, 0, 0x2d);
	tap(&f->rs, 0, 0x63); /* keypad decimal key: a comma in Germany */
	tap(&f->rs, 0, 0x59); /* keypad 1 */
	tap(&f->rs, 0, K_ENTER);
	run(f);
	expect_scan(f, 1, ",1");
	assert_int_equal(f->k.dropped, 4);
}

/* fh_kbd_encode() / fh_kbd_retype() (fh/scanner.h): typing through one
 * layout and reading through another, as the self-test diagnosis predicts
 * a misconfigured scanner. */
static void retype__same_layout_round_trips_the_selftest(void **state)
{
	static const char st[] = FH_SCANNER_SELFTEST;
	uint8_t out[64], usage = 0, mods = 0;

	(void)state;
	for (int l = 0; l < FH_KBD_LAYOUT__COUNT; l++) {
		for (const char *p = st; *p; p++)
			assert_int_equal(fh_kbd_encode((enum fh_kbd_layout)l, (uint8_t)*p, &usage,
						       &mods),
					 FH_OK); /* every layout can type all of it */
		assert_int_equal(fh_kbd_retype((const uint8_t *)st, sizeof(st) - 1,
					       (enum fh_kbd_layout)l, (enum fh_kbd_layout)l, false,
					       out, sizeof(out)),
				 sizeof(st) - 1);
		assert_memory_equal(out, st, sizeof(st) - 1);
	}
	assert_int_equal(fh_kbd_encode(FH_KBD_LAYOUT_DE, '@', &usage, &mods), FH_OK);
	assert_int_equal(usage, 0x14); /* AltGr+Q */
	assert_int_equal(mods, 0x40);
	assert_int_equal(fh_kbd_encode(FH_KBD_LAYOUT_FR, '7', &usage, &mods), FH_OK);
	assert_int_equal(usage, 0x24);
	assert_int_equal(mods, 0x02); /* digits need Shift on AZERTY */
	assert_int_equal(fh_kbd_encode(FH_KBD_LAYOUT_US, 0x1d, &usage, &mods), FH_OK);
	assert_int_equal(usage, 0x30);
	assert_int_equal(mods, 0x01);
	assert_int_equal(fh_kbd_encode(FH_KBD_LAYOUT_UK, 0x80, &usage, &mods), FH_ERR_NA);
	assert_int_equal(fh_kbd_encode(FH_KBD_LAYOUT__COUNT, 'a', &usage, &mods), FH_ERR_ARG);
}

static void retype__wrong_layout_and_caps(void **state)
{
	uint8_t out[64];

	(void)state;
	/* German scanner, US reading: y/z swap, '-' on '/', '@' (AltGr) lost. */
	assert_int_equal(fh_kbd_retype((const uint8_t *)"yz-@Q", 5, FH_KBD_LAYOUT_DE,
				       FH_KBD_LAYOUT_US, false, out, sizeof(out)),
			 4);
	assert_memory_equal(out, "zy/Q", 4);
	/* US scanner, French reading: a/q swap, digits unshifted are symbols. */
	assert_int_equal(fh_kbd_retype((const uint8_t *)"aq1", 3, FH_KBD_LAYOUT_US,
				       FH_KBD_LAYOUT_FR, false, out, sizeof(out)),
			 3);
	assert_memory_equal(out, "qa&", 3);
	/* Caps Lock inverts the letters; cut at cap, full length returned. */
	assert_int_equal(fh_kbd_retype((const uint8_t *)"aB1", 3, FH_KBD_LAYOUT_US,
				       FH_KBD_LAYOUT_US, true, out, 2),
			 3);
	assert_memory_equal(out, "Ab", 2);
	assert_int_equal(fh_kbd_retype(NULL, 1, FH_KBD_LAYOUT_US, FH_KBD_LAYOUT_US, false, out,
				       sizeof(out)),
			 FH_ERR_ARG);
}

static void aim__split(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *aim;
	} t[] = {
		{ "]C1010", 6, "]C1" }, { "]d2", 3, "]d2" }, { "]Q3x", 4, "]Q3" },
		{ "]C", 2, "" },        { "]1C0", 4, "" },   { "C1]", 3, "" },
		{ "]C-x", 4, "" },      { "", 0, "" },
	};
	char aim[4];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = hid_kbd_aim_split((const uint8_t *)t[i].in, t[i].n, aim);

		assert_int_equal(n, strlen(t[i].aim));
		assert_string_equal(aim, t[i].aim);
	}
}

/* ---- through the driver, with the fake transport --------------------------------- */

static int64_t fake_clock(void *ud)
{
	return *(int64_t *)ud;
}

struct rig {
	int64_t now;
	struct fh_ctx *ctx;
	struct fake_transport *f;
	struct fh_dev *dev;
};

static void rig_open(struct rig *r)
{
	struct fh_config cfg = { .now_ms = fake_clock, .clock_ud = &r->now };
	struct fh_identity id = { .vid = 0x05e0, .pid = 0x1200, .cls = FH_CLASS_SCANNER };
	const struct fh_driver *drv = fh_driver_find("hid-kbd-scanner");

	snprintf(id.serial, sizeof(id.serial), "S123");
	assert_non_null(drv);
	r->now = 10000;
	assert_int_equal(fh_ctx_new(&cfg, &r->ctx), FH_OK);
	r->f = fake_transport_new(&r->now);
	assert_int_equal(fh_dev_new(r->ctx, drv, fake_transport_base(r->f), &id, NULL, &r->dev),
			 FH_OK);
}

static void rig_close(struct rig *r)
{
	fh_dev_free(r->dev);
	fake_transport_free(r->f);
	fh_ctx_free(r->ctx);
}

static void driver__demo_scan_as_event(void **state)
{
	struct rig r;
	struct fh_event *ev = malloc(sizeof(*ev));

	(void)state;
	assert_non_null(ev);
	rig_open(&r);
	for (size_t i = 0; i < sizeof(demo_reports) / sizeof(demo_reports[0]); i++)
		fake_transport_push_after(r.f, 2, demo_reports[i], 8);
	assert_int_equal(fh_dev_poll(r.dev, ev, 1000), FH_OK);
	assert_int_equal(ev->kind, FH_EV_SCAN);
	assert_string_equal(ev->scan.aim, "]C1");
	assert_int_equal(ev->scan.len, strlen(DEMO_DATA));
	assert_memory_equal(ev->scan.data, DEMO_DATA, ev->scan.len);
	assert_int_equal(ev->scan.data[ev->scan.len], 0);
	assert_false(ev->scan.truncated);
	assert_false(ev->scan.idle_end);
	assert_int_equal(ev->dev.vid, 0x05e0);
	assert_string_equal(ev->dev.serial, "S123");
	assert_int_equal(ev->ts_ms, r.now);
	/* Nothing more: a timeout, and the clock moved by it. */
	int64_t before = r.now;
	assert_int_equal(fh_dev_poll(r.dev, ev, 200), FH_ERR_TIMEOUT);
	assert_int_equal(r.now - before, 200);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_ERR_TIMEOUT);
	/* AIM prefix kept in the data when asked to. */
	assert_int_equal(fh_dev_config_set(r.dev, FH_KEY_KBD_AIM_PREFIX, 0), FH_OK);
	for (size_t i = 0; i < sizeof(demo_reports) / sizeof(demo_reports[0]); i++)
		fake_transport_push(r.f, demo_reports[i], 8);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_string_equal(ev->scan.aim, "");
	assert_memory_equal(ev->scan.data, "]C1" DEMO_DATA, ev->scan.len);
	rig_close(&r);
	free(ev);
}

static void driver__idle_timeout_through_poll(void **state)
{
	struct rig r;
	struct fh_event *ev = malloc(sizeof(*ev));
	struct fh_kbd_config kc;
	struct reports rs = { 0 };

	(void)state;
	assert_non_null(ev);
	rig_open(&r);
	fh_kbd_config_init(&kc);
	kc.layout = FH_KBD_LAYOUT_FR;
	kc.suffix = FH_KBD_SUFFIX_NONE;
	kc.idle_ms = 80;
	assert_int_equal(fh_kbd_config_apply(r.dev, &kc), FH_OK);
	type_str(&rs, FH_KBD_LAYOUT_FR, "Az09");
	for (size_t i = 0; i < rs.n; i++)
		fake_transport_push_after(r.f, 3, rs.r[i], 8);
	/* The second scan comes after a pause. */
	type_str(&rs, FH_KBD_LAYOUT_FR, "Q");
	fake_transport_push_after(r.f, 500, rs.r[rs.n - 2], 8);
	fake_transport_push(r.f, rs.r[rs.n - 1], 8);
	int64_t start = r.now;
	assert_int_equal(fh_dev_poll(r.dev, ev, 1000), FH_OK);
	assert_memory_equal(ev->scan.data, "Az09", 4);
	assert_int_equal(ev->scan.len, 4);
	assert_true(ev->scan.idle_end);
	/* Completed idle_ms after the last key, not at the poll's deadline. */
	/* Reports arrive 3 ms apart; the 7th is the last key press ("9"). */
	assert_int_equal(ev->ts_ms, start + 3 * 7 + 80);
	assert_int_equal(fh_dev_poll(r.dev, ev, 1000), FH_OK);
	assert_int_equal(ev->scan.len, 1);
	assert_int_equal(ev->scan.data[0], 'Q');
	/* A suffix of NONE with no pause: refused, nothing changed. */
	kc.idle_ms = 0;
	assert_int_equal(fh_kbd_config_apply(r.dev, &kc), FH_ERR_ARG);
	kc.suffix = FH_KBD_SUFFIX_TAB; /* fine with idle 0 */
	assert_int_equal(fh_kbd_config_apply(r.dev, &kc), FH_OK);
	assert_int_equal(fh_dev_config_set(r.dev, (enum fh_key)0x999, 1), FH_ERR_NA);
	free(rs.r);
	rig_close(&r);
	free(ev);
}

static void driver__unplug_and_errors_propagate(void **state)
{
	static const uint8_t a[8] = { 0, 0, 0x04 }, up[8] = { 0 }, bad[2] = { 0 };
	static const uint8_t enter[8] = { 0, 0, 0x28 };
	struct rig r;
	struct fh_event *ev = malloc(sizeof(*ev));

	(void)state;
	assert_non_null(ev);
	rig_open(&r);
	fake_transport_push(r.f, bad, 2); /* skipped, logged */
	fake_transport_push(r.f, a, 8);
	fake_transport_push(r.f, up, 8);
	fake_transport_push_error(r.f, FH_ERR_IO);
	fake_transport_push(r.f, enter, 8);
	fake_transport_push_error(r.f, FH_ERR_NODEV);
	assert_int_equal(fh_dev_poll(r.dev, ev, 100), FH_ERR_IO);
	assert_int_equal(fh_dev_poll(r.dev, ev, 100), FH_OK);
	assert_memory_equal(ev->scan.data, "a", 2);
	assert_int_equal(fh_dev_poll(r.dev, ev, 100), FH_ERR_NODEV);
	assert_int_equal(fh_dev_poll(r.dev, ev, -1), FH_ERR_NODEV);
	rig_close(&r);
	free(ev);
}

static void driver__several_scans_in_one_report_stream(void **state)
{
	/* One report with three key slots: x, Enter, y; a usage appears once
	 * per report, so a second Enter in the same report is the same key. */
	static const uint8_t xy[8] = { 0, 0, 0x1b, 0x28, 0x1c };
	static const uint8_t up[8] = { 0 }, enter[8] = { 0, 0, 0x28 };
	static const uint8_t abc[8] = { 0, 0, 0x04, 0x28, 0x05, 0x2b, 0x06, 0x28 };
	struct rig r;
	struct fh_event *ev = malloc(sizeof(*ev));

	(void)state;
	assert_non_null(ev);
	rig_open(&r);
	fake_transport_push(r.f, xy, 8);
	fake_transport_push(r.f, up, 8);
	fake_transport_push(r.f, enter, 8);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_memory_equal(ev->scan.data, "x", 2);
	assert_int_equal(fake_transport_pending(r.f), 2); /* returned at once */
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_memory_equal(ev->scan.data, "y", 2);
	fake_transport_push(r.f, up, 8); /* or Enter would still be held */
	fake_transport_push(r.f, abc, 8);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_memory_equal(ev->scan.data, "a", 2);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_ERR_TIMEOUT); /* "b\tc" open */
	fake_transport_push(r.f, up, 8);
	fake_transport_push(r.f, enter, 8);
	assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_OK);
	assert_memory_equal(ev->scan.data, "b\tc", 4);
	rig_close(&r);
	free(ev);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(layout__every_printable_ascii_round_trips),
		T(layout__right_shift_and_ctrl_alt_as_altgr),
		T(caps__inverts_letters_only),
		T(caps__held_across_reports_toggles_once),
		T(caps__french_digit_row_gives_digits),
		T(caps__german_digits_unaffected),
		T(gs__ctrl_right_bracket),
		T(gs__other_control_characters),
		T(gs__alt_keypad_code),
		T(gs__substitute_character),
		T(suffix__each_kind),
		T(suffix__empty_scans_are_dropped),
		T(idle__timeout_completes_a_scan_without_suffix),
		T(idle__zero_needs_a_suffix),
		T(doubled__repeated_characters_are_kept),
		T(doubled__held_key_counts_once),
		T(doubled__rollover_reports_are_ignored),
		T(demo__gs1_scan_from_raw_reports),
		T(dead__accent_then_space_or_other),
		T(truncation__cap_and_flag),
		T(report__bad_lengths_and_unmapped_keys),
		cmocka_unit_test(retype__same_layout_round_trips_the_selftest),
		cmocka_unit_test(retype__wrong_layout_and_caps),
		cmocka_unit_test(aim__split),
		cmocka_unit_test(driver__demo_scan_as_event),
		cmocka_unit_test(driver__idle_timeout_through_poll),
		cmocka_unit_test(driver__unplug_and_errors_propagate),
		cmocka_unit_test(driver__several_scans_in_one_report_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
