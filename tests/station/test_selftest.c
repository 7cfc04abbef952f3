/* The scanner self-test diagnosis (st/selftest.h): one case per
 * misconfiguration.  The skewed inputs are made the way the fault makes
 * them: the self-test typed through the scanner's keyboard country and
 * read through another layout by firmware-host's keyboard decoder
 * (fh_kbd_retype(), the hid-kbd-scanner keymaps), Caps Lock on, the GS
 * dropped or replaced, the suffix changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fh/scanner.h"
#include "st/err.h"
#include "st/selftest.h"

static const char selftest[] = FH_SCANNER_SELFTEST;

enum gs_mode { GS_KEEP, GS_DROP, GS_REPLACE };

struct made {
	uint8_t b[128];
	size_t n;
};

/* The self-test as a scanner set to typed sends it and the station reads
 * it with read: AIM "]C0" in front when aim, the GS kept, dropped or typed
 * as sub, then the suffix byte (0 = none). */
static void make(struct made *m, enum fh_kbd_layout typed, enum fh_kbd_layout read, bool caps,
		 bool aim, enum gs_mode gs, char sub, char suffix)
{
	char text[64];
	size_t k = 0;
	int n;

	if (aim) {
		memcpy(text, "]C0", 3);
		k = 3;
	}
	for (const char *p = selftest; *p; p++) {
		if (*p == 0x1d && gs == GS_DROP)
			continue;
		text[k++] = *p == 0x1d && gs == GS_REPLACE ? sub : *p;
	}
	if (suffix)
		text[k++] = suffix;
	n = fh_kbd_retype((const uint8_t *)text, k, typed, read, caps, m->b, sizeof(m->b));
	assert_true(n > 0 && (size_t)n <= sizeof(m->b));
	m->n = (size_t)n;
}

static struct st_selftest_input kbd_in(const struct made *m)
{
	struct st_selftest_input in = {
		.data = m->b, .len = m->n, .source = ST_SELFTEST_USB_KBD,
		.term = ST_SELFTEST_TERM_ENTER, .want_term = ST_SELFTEST_TERM_ENTER,
		.want_aim = true,
	};

	return in;
}

static bool has(const struct st_selftest_result *r, enum st_selftest_code code, const char *text)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->f[i].code == code && (!text || strstr(r->f[i].what, text)))
			return true;
	return false;
}

static void diag(const struct st_selftest_input *in, struct st_selftest_result *r)
{
	assert_int_equal(st_selftest_diagnose(in, r), 1);
	assert_true(r->recognised);
	assert_true(r->n >= 1);
}

static void selftest__hid_pos_exact_is_all_good(void **state)
{
	struct st_selftest_input in = {
		.data = (const uint8_t *)selftest, .len = sizeof(selftest) - 1, .aim = "]C0",
		.source = ST_SELFTEST_USB_POS, .term = ST_SELFTEST_TERM_NA, .want_aim = true,
		.want_hid_pos = true,
	};
	struct st_selftest_result r;

	(void)state;
	diag(&in, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.f[0].code, ST_SELFTEST_OK);
	assert_non_null(strstr(r.f[0].what, "all good"));
	assert_string_equal(r.f[0].fix, "");
	assert_int_equal(r.gs, 0x1d);
}

static void selftest__aim_missing_unless_not_wanted(void **state)
{
	struct st_selftest_input in = {
		.data = (const uint8_t *)selftest, .len = sizeof(selftest) - 1,
		.source = ST_SELFTEST_USB_POS, .term = ST_SELFTEST_TERM_NA, .want_aim = true,
	};
	struct st_selftest_result r;

	(void)state;
	diag(&in, &r);
	assert_false(r.ok);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.f[0].code, ST_SELFTEST_AIM_MISSING);
	assert_non_null(strstr(r.f[0].fix, "AIM"));
	in.want_aim = false;
	diag(&in, &r);
	assert_true(r.ok);
}

static void selftest__keyboard_right_setup_is_all_good(void **state)
{
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	for (int l = 0; l < FH_KBD_LAYOUT__COUNT; l++) {
		make(&m, (enum fh_kbd_layout)l, (enum fh_kbd_layout)l, false, true, GS_KEEP, 0, 0);
		in = kbd_in(&m);
		diag(&in, &r);
		assert_true(r.ok);
		assert_true(r.aim);
	}
}

/* Every pair of layouts: named, both ways round. */
static void selftest__wrong_layout_named(void **state)
{
	static const char *const sign[FH_KBD_LAYOUT__COUNT] = {
		"US English", "UK (QWERTY with @ and \" swapped", "QWERTZ: y and z swapped",
		"AZERTY: a/q and z/w swapped",
	};
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	for (int t = 0; t < FH_KBD_LAYOUT__COUNT; t++)
		for (int rd = 0; rd < FH_KBD_LAYOUT__COUNT; rd++) {
			if (t == rd)
				continue;
			make(&m, (enum fh_kbd_layout)t, (enum fh_kbd_layout)rd, false, false,
			     GS_KEEP, 0, 0);
			in = kbd_in(&m);
			in.want_aim = false;
			diag(&in, &r);
			/* French typed reads the same on US and UK: either is right. */
			if (r.read != rd && r.read != t) {
				struct made alt;

				make(&alt, (enum fh_kbd_layout)t, (enum fh_kbd_layout)r.read, false,
				     false, GS_KEEP, 0, 0);
				if (alt.n == m.n && !memcmp(alt.b, m.b, m.n))
					r.read = rd;
			}
			if (r.typed != t || r.read != rd || r.n != 1 ||
			    !has(&r, ST_SELFTEST_LAYOUT, sign[t]))
				fail_msg("typed %s read %s: got typed %d read %d, %u findings: %s",
					 fh_kbd_layout_name((enum fh_kbd_layout)t),
					 fh_kbd_layout_name((enum fh_kbd_layout)rd), r.typed, r.read,
					 r.n, r.f[0].what);
			assert_false(r.caps);
			assert_int_equal(r.gs, 0x1d);
		}
}

/* The German case of the issue: y/z swapped, the AIM id's ']' lost to the
 * layout too (AltGr+9 on QWERTZ types nothing on US). */
static void selftest__german_scanner_on_us(void **state)
{
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	make(&m, FH_KBD_LAYOUT_DE, FH_KBD_LAYOUT_US, false, true, GS_KEEP, 0, 0);
	assert_memory_equal(m.b, "C0QCtest/aYz", 12);
	in = kbd_in(&m);
	diag(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(has(&r, ST_SELFTEST_LAYOUT, "German (QWERTZ"));
	assert_non_null(strstr(r.f[0].fix, "keyboard country to US"));
	assert_true(r.aim); /* it came, skewed like the rest */
}

static void selftest__caps_lock(void **state)
{
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	make(&m, FH_KBD_LAYOUT_US, FH_KBD_LAYOUT_US, true, true, GS_KEEP, 0, 0);
	assert_memory_equal(m.b, "]c0qcTEST", 9); /* Caps Lock reaches the AIM id too */
	in = kbd_in(&m);
	diag(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(has(&r, ST_SELFTEST_CASE, "case inverted"));
	assert_true(has(&r, ST_SELFTEST_CASE, "(Caps Lock is on, or the scanner converts case)"));
	assert_true(r.caps);
	/* HID POS has no Caps Lock: the scanner's own case conversion. */
	in.source = ST_SELFTEST_USB_POS;
	in.term = ST_SELFTEST_TERM_NA;
	diag(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(has(&r, ST_SELFTEST_CASE, "(the scanner converts case)"));
	assert_string_equal(r.f[0].fix, "in the scanner's guide, set case conversion off (and "
					 "'Caps Lock override' on, if it has it)");
	/* With a layout: both named. */
	make(&m, FH_KBD_LAYOUT_FR, FH_KBD_LAYOUT_US, true, false, GS_KEEP, 0, 0);
	in = kbd_in(&m);
	in.want_aim = false;
	diag(&in, &r);
	assert_int_equal(r.n, 2);
	assert_true(has(&r, ST_SELFTEST_LAYOUT, "AZERTY"));
	assert_true(has(&r, ST_SELFTEST_CASE, NULL));
}

static void selftest__gs_lost_or_replaced(void **state)
{
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	make(&m, FH_KBD_LAYOUT_US, FH_KBD_LAYOUT_US, false, true, GS_DROP, 0, 0);
	in = kbd_in(&m);
	diag(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(has(&r, ST_SELFTEST_GS_LOST, "never arrived"));
	assert_int_equal(r.gs, -1);

	make(&m, FH_KBD_LAYOUT_US, FH_KBD_LAYOUT_US, false, true, GS_REPLACE, '~', 0);
	in = kbd_in(&m);
	diag(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(has(&r, ST_SELFTEST_GS_REPLACED, "'~' (0x7E)"));
	assert_non_null(strstr(r.f[0].fix, "gs_substitute = ~"));
	/* ... which is fine once it is the configured substitute. */
	in.gs_substitute = '~';
	diag(&in, &r);
	assert_true(r.ok);

	/* Replaced through a wrong layout: the byte as it arrived. */
	make(&m, FH_KBD_LAYOUT_UK, FH_KBD_LAYOUT_US, false, true, GS_REPLACE, '|', 0);
	in = kbd_in(&m);
	diag(&in, &r);
	assert_true(has(&r, ST_SELFTEST_LAYOUT, "UK"));
	assert_true(has(&r, ST_SELFTEST_GS_REPLACED, "'|'"));
}

static void selftest__suffix(void **state)
{
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	/* Raw USB keyboard mode: a Tab suffix arrives as data, the scan ended
	 * by the pause. */
	make(&m, FH_KBD_LAYOUT_US, FH_KBD_LAYOUT_US, false, true, GS_KEEP, 0, '\t');
	in = kbd_in(&m);
	in.term = ST_SELFTEST_TERM_NONE;
	diag(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(has(&r, ST_SELFTEST_SUFFIX, "ends each code with Tab, the station expects "
						"Enter"));
	/* The wedge: the terminal saw the Tab; the config can follow it. */
	make(&m, FH_KBD_LAYOUT_US, FH_KBD_LAYOUT_US, false, true, GS_KEEP, 0, 0);
	in = kbd_in(&m);
	in.source = ST_SELFTEST_WEDGE;
	in.term = ST_SELFTEST_TERM_TAB;
	diag(&in, &r);
	assert_true(has(&r, ST_SELFTEST_SUFFIX, "with Tab"));
	assert_non_null(strstr(r.f[0].fix, "wedge_terminator = tab"));
	/* No suffix at all. */
	in.term = ST_SELFTEST_TERM_NONE;
	diag(&in, &r);
	assert_true(has(&r, ST_SELFTEST_SUFFIX, "sends no key after the code"));
	/* Enter where the station was set to Tab. */
	in.term = ST_SELFTEST_TERM_ENTER;
	in.want_term = ST_SELFTEST_TERM_TAB;
	diag(&in, &r);
	assert_true(has(&r, ST_SELFTEST_SUFFIX, "with Enter, the station expects Tab"));
	/* HID POS has no suffix to check. */
	in.source = ST_SELFTEST_USB_POS;
	in.term = ST_SELFTEST_TERM_NA;
	diag(&in, &r);
	assert_true(r.ok);
}

static void selftest__keyboard_mode_where_hid_pos_wanted(void **state)
{
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	make(&m, FH_KBD_LAYOUT_US, FH_KBD_LAYOUT_US, false, true, GS_KEEP, 0, 0);
	in = kbd_in(&m);
	in.want_hid_pos = true;
	diag(&in, &r);
	assert_int_equal(r.n, 1);
	assert_true(has(&r, ST_SELFTEST_KEYBOARD_MODE, "keyboard mode"));
	assert_non_null(strstr(r.f[0].fix, "HID POS"));
	in.source = ST_SELFTEST_WEDGE;
	diag(&in, &r);
	assert_true(has(&r, ST_SELFTEST_KEYBOARD_MODE, NULL));
}

/* Everything wrong at once: each named, in a fixed order. */
static void selftest__all_at_once(void **state)
{
	static const enum st_selftest_code want[] = {
		ST_SELFTEST_LAYOUT, ST_SELFTEST_GS_LOST, ST_SELFTEST_SUFFIX,
		ST_SELFTEST_KEYBOARD_MODE, ST_SELFTEST_AIM_MISSING,
	};
	struct made m;
	struct st_selftest_input in;
	struct st_selftest_result r;

	(void)state;
	make(&m, FH_KBD_LAYOUT_DE, FH_KBD_LAYOUT_US, false, false, GS_DROP, 0, '\t');
	in = kbd_in(&m);
	in.term = ST_SELFTEST_TERM_NONE;
	in.want_hid_pos = true;
	diag(&in, &r);
	assert_int_equal(r.n, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < r.n; i++) {
		assert_int_equal(r.f[i].code, want[i]);
		assert_true(r.f[i].what[0] && r.f[i].fix[0]);
		assert_string_not_equal(st_selftest_code_name(r.f[i].code), "?");
	}
}

static void selftest__other_scans_are_not_it(void **state)
{
	static const char *const other[] = {
		"ORD-1001", "", "QCtest-aZy@q#M7", /* half of it */
		"QCtest-aZy@q#M8\x1dwYz019",       /* one character off */
		"QCtest-aZy@q#M7\x1d\x1dwYz019",   /* two in the GS place */
		"]C0QCtest-aZy@q#M7\x1dwYz019extra",
	};
	struct st_selftest_input in = { .source = ST_SELFTEST_WEDGE, .want_aim = true };
	struct st_selftest_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		in.data = (const uint8_t *)other[i];
		in.len = strlen(other[i]);
		assert_int_equal(st_selftest_diagnose(&in, &r), 0);
		assert_false(r.recognised);
		assert_int_equal(r.n, 0);
	}
	assert_int_equal(st_selftest_diagnose(NULL, &r), ST_ERR_ARG);
	assert_int_equal(st_selftest_diagnose(&in, NULL), ST_ERR_ARG);
	assert_string_equal(st_selftest_code_name((enum st_selftest_code)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(selftest__hid_pos_exact_is_all_good),
		cmocka_unit_test(selftest__aim_missing_unless_not_wanted),
		cmocka_unit_test(selftest__keyboard_right_setup_is_all_good),
		cmocka_unit_test(selftest__wrong_layout_named),
		cmocka_unit_test(selftest__german_scanner_on_us),
		cmocka_unit_test(selftest__caps_lock),
		cmocka_unit_test(selftest__gs_lost_or_replaced),
		cmocka_unit_test(selftest__suffix),
		cmocka_unit_test(selftest__keyboard_mode_where_hid_pos_wanted),
		cmocka_unit_test(selftest__all_at_once),
		cmocka_unit_test(selftest__other_scans_are_not_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
