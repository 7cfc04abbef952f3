/* station/barcode: the scanner self-test diagnosis (st/selftest.h).
 *
 * How: for each way a keyboard-mode scan can be skewed (the scanner's
 * keyboard country T, the reading layout R, Caps Lock), predict what the
 * self-test becomes with fh_kbd_retype() -- firmware-host's own decoder
 * and keymaps, so prediction and station cannot disagree -- and compare.
 * The GS is a wildcard of zero or one byte (lost, kept, replaced); an AIM
 * id and one trailing Enter or Tab may come around it.  The first match in
 * the order "nothing wrong, Caps Lock alone, layout, layout and Caps Lock"
 * names the misconfiguration; the rest (GS, suffix, mode, AIM) is read off
 * the match.  Pure but for st_selftest_json(), which builds JSON.
 */
#include "st/selftest.h"

#include <stdio.h>
#include <string.h>

#include "fh/scanner.h"
#include "st/err.h"

#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#define SELFTEST_MAX 64 /* the self-test retyped, with room */

static const char selftest[] = FH_SCANNER_SELFTEST;

static const char *const layout_what[FH_KBD_LAYOUT__COUNT] = {
	[FH_KBD_LAYOUT_US] = "US English (QWERTY)",
	[FH_KBD_LAYOUT_UK] = "UK (QWERTY with @ and \" swapped, # beside Enter)",
	[FH_KBD_LAYOUT_DE] = "German (QWERTZ: y and z swapped, symbols moved)",
	[FH_KBD_LAYOUT_FR] = "French (AZERTY: a/q and z/w swapped, digits need Shift)",
};

static const char *const layout_short[FH_KBD_LAYOUT__COUNT] = {
	[FH_KBD_LAYOUT_US] = "US", [FH_KBD_LAYOUT_UK] = "UK",
	[FH_KBD_LAYOUT_DE] = "German", [FH_KBD_LAYOUT_FR] = "French",
};

const char *st_selftest_code_name(enum st_selftest_code code)
{
	switch (code) {
	case ST_SELFTEST_OK:
		return "ok";
	case ST_SELFTEST_LAYOUT:
		return "layout";
	case ST_SELFTEST_CASE:
		return "case";
	case ST_SELFTEST_GS_LOST:
		return "gs_lost";
	case ST_SELFTEST_GS_REPLACED:
		return "gs_replaced";
	case ST_SELFTEST_SUFFIX:
		return "suffix";
	case ST_SELFTEST_KEYBOARD_MODE:
		return "keyboard_mode";
	case ST_SELFTEST_AIM_MISSING:
		return "aim_missing";
	}
	return "?";
}

const char *st_selftest_source_name(enum st_selftest_source source)
{
	switch (source) {
	case ST_SELFTEST_USB_KBD:
		return "usb-keyboard";
	case ST_SELFTEST_USB_POS:
		return "usb-hid-pos";
	case ST_SELFTEST_WEDGE:
		return "wedge";
	}
	return "?";
}

static struct st_selftest_finding *add(struct st_selftest_result *r, enum st_selftest_code code)
{
	struct st_selftest_finding *f;

	if (r->n >= ST_SELFTEST_FINDINGS_MAX)
		return NULL;
	f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	f->code = code;
	return f;
}

/* The self-test as typed for t and read as rd (caps): its parts before and
 * after the GS.  false when the GS itself does not survive (cannot happen
 * with Ctrl+], which every layout reads as GS). */
struct expect {
	uint8_t pre[SELFTEST_MAX], post[SELFTEST_MAX], aim[8];
	size_t npre, npost, naim;
};

static bool expect_of(int t, int rd, bool caps, struct expect *e)
{
	uint8_t all[SELFTEST_MAX];
	const uint8_t *gs;
	enum fh_kbd_layout lt = (enum fh_kbd_layout)t, lr = (enum fh_kbd_layout)rd;
	int n = fh_kbd_retype((const uint8_t *)selftest, sizeof(selftest) - 1, lt, lr, caps, all,
			      sizeof(all));
	int na = fh_kbd_retype((const uint8_t *)"]C0", 3, lt, lr, caps, e->aim, sizeof(e->aim));

	if (n < 0 || (size_t)n > sizeof(all) || na < 0 || (size_t)na > sizeof(e->aim))
		return false;
	gs = memchr(all, 0x1d, (size_t)n);
	if (!gs)
		return false;
	e->npre = (size_t)(gs - all);
	e->npost = (size_t)n - e->npre - 1;
	memcpy(e->pre, all, e->npre);
	memcpy(e->post, gs + 1, e->npost);
	e->naim = (size_t)na;
	return true;
}

/* d[0..n) against e: -2 no match, -1 GS lost, else the byte in its place. */
static int match(const uint8_t *d, size_t n, const struct expect *e)
{
	size_t mid;

	if (n < e->npre + e->npost)
		return -2;
	mid = n - e->npre - e->npost;
	if (mid > 1 || memcmp(d, e->pre, e->npre) || memcmp(d + n - e->npost, e->post, e->npost))
		return -2;
	return mid == 0 ? -1 : d[e->npre];
}

/* A leading AIM id as the scanner sends it: "]" + letter + letter/digit. */
static bool aim_lead(const uint8_t *d, size_t n)
{
	return n >= 3 && d[0] == ']' &&
	       ((d[1] >= 'A' && d[1] <= 'Z') || (d[1] >= 'a' && d[1] <= 'z')) &&
	       ((d[2] >= 'A' && d[2] <= 'Z') || (d[2] >= 'a' && d[2] <= 'z') ||
		(d[2] >= '0' && d[2] <= '9'));
}

static bool has_test(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (!memcmp(d + i, "test", 4) || !memcmp(d + i, "TEST", 4))
			return true;
	return false;
}

/* Try one skew; true (and r filled) on a match. */
static bool try_skew(const struct st_selftest_input *in, const uint8_t *d, size_t n, int t, int rd,
		     bool caps, struct st_selftest_result *r)
{
	struct expect e;
	int gs;

	if (!expect_of(t, rd, caps, &e))
		return false;
	gs = match(d, n, &e);
	if (gs == -2 && e.naim > 0 && n >= e.naim && !memcmp(d, e.aim, e.naim)) {
		/* The AIM id typed through the same skew, in the data. */
		gs = match(d + e.naim, n - e.naim, &e);
		if (gs != -2)
			r->aim = true;
	}
	if (gs == -2)
		return false;
	if (gs == 0x1d || (in->gs_substitute && gs == (unsigned char)in->gs_substitute))
		gs = 0x1d;
	r->recognised = true;
	r->typed = t;
	r->read = rd;
	r->caps = caps;
	r->gs = gs;
	return true;
}

static void byte_name(int c, char *buf, size_t cap)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, cap, "'%c' (0x%02X)", c, (unsigned)c);
	else if (c == '\r' || c == '\n')
		snprintf(buf, cap, "Enter (0x%02X)", (unsigned)c);
	else if (c == '\t')
		snprintf(buf, cap, "Tab (0x09)");
	else
		snprintf(buf, cap, "byte 0x%02X", (unsigned)c);
}

static void findings(const struct st_selftest_input *in, struct st_selftest_result *r)
{
	struct st_selftest_finding *f;
	bool keyboard = in->source != ST_SELFTEST_USB_POS;
	char b[40];

	if (r->typed != r->read && (f = add(r, ST_SELFTEST_LAYOUT))) {
		snprintf(f->what, sizeof(f->what),
			 "keyboard layout: the scanner types for a %s keyboard, but the keys are "
			 "read as %s",
			 layout_what[r->typed], layout_short[r->read]);
		if (in->source == ST_SELFTEST_WEDGE)
			snprintf(f->fix, sizeof(f->fix),
				 "set the scanner's keyboard country to %s (scan that code in its "
				 "programming guide), or set this computer's keyboard layout to %s; "
				 "better, use HID POS mode, which has no layout",
				 layout_short[r->read], layout_short[r->typed]);
		else
			snprintf(f->fix, sizeof(f->fix),
				 "set the scanner's keyboard country to %s (scan that code in its "
				 "programming guide; the station reads keyboard-mode scanners as "
				 "%s), or switch it to HID POS mode, which has no layout",
				 layout_short[r->read], layout_short[r->read]);
	}
	if (r->caps && (f = add(r, ST_SELFTEST_CASE))) {
		snprintf(f->what, sizeof(f->what),
			 "case inverted: upper-case letters arrive lower-case and the reverse "
			 "(%s)",
			 in->source == ST_SELFTEST_USB_POS ? "the scanner converts case"
							    : "Caps Lock is on, or the scanner "
							      "converts case");
		snprintf(f->fix, sizeof(f->fix),
			 "%s%sin the scanner's guide, set case conversion off (and 'Caps Lock "
			 "override' on, if it has it)",
			 keyboard ? "turn Caps Lock off" : "",
			 in->source == ST_SELFTEST_WEDGE ? " on this computer; "
			 : keyboard			   ? "; "
							   : "");
	}
	if (r->gs == -1 && (f = add(r, ST_SELFTEST_GS_LOST))) {
		snprintf(f->what, sizeof(f->what),
			 "GS lost: the group separator (0x1D, FNC1) between the fields never "
			 "arrived, so GS1 codes read as one run-together field");
		snprintf(f->fix, sizeof(f->fix),
			 "%s; or make the scanner send a character instead and set [barcodes] "
			 "gs_substitute to it",
			 keyboard ? "switch the scanner to HID POS mode (keeps GS), or enable "
				    "'transmit GS as Ctrl+]' (function code transmission)"
				  : "enable 'transmit FNC1/GS' in the scanner's settings");
	} else if (r->gs >= 0 && r->gs != 0x1d && (f = add(r, ST_SELFTEST_GS_REPLACED))) {
		byte_name(r->gs, b, sizeof(b));
		snprintf(f->what, sizeof(f->what), "GS replaced: the group separator arrived as %s",
			 b);
		if (r->gs > 0x20 && r->gs < 0x7f)
			snprintf(f->fix, sizeof(f->fix),
				 "set [barcodes] gs_substitute = %c (if %c never occurs in your "
				 "codes), or make the scanner send GS as Ctrl+], or use HID POS mode",
				 r->gs, r->gs);
		else
			snprintf(f->fix, sizeof(f->fix),
				 "make the scanner send GS as Ctrl+] (or a printable substitute "
				 "for [barcodes] gs_substitute), or use HID POS mode");
	}
	if (keyboard && r->term != in->want_term && (f = add(r, ST_SELFTEST_SUFFIX))) {
		const char *want = in->want_term == ST_SELFTEST_TERM_TAB ? "Tab" : "Enter";

		if (r->term == ST_SELFTEST_TERM_NONE)
			snprintf(f->what, sizeof(f->what),
				 "suffix: the scanner sends no key after the code (the station "
				 "expects %s), so a scan ends only after a pause",
				 want);
		else
			snprintf(f->what, sizeof(f->what),
				 "suffix: the scanner ends each code with %s, the station expects %s",
				 r->term == ST_SELFTEST_TERM_TAB ? "Tab" : "Enter", want);
		if (in->source == ST_SELFTEST_WEDGE && r->term != ST_SELFTEST_TERM_NONE)
			snprintf(f->fix, sizeof(f->fix),
				 "scan the scanner's 'suffix %s' code, or set [input] "
				 "wedge_terminator = %s",
				 in->want_term == ST_SELFTEST_TERM_TAB ? "Tab" : "CR (Enter)",
				 r->term == ST_SELFTEST_TERM_TAB ? "tab" : "enter");
		else
			snprintf(f->fix, sizeof(f->fix), "scan the scanner's 'suffix %s' code",
				 in->want_term == ST_SELFTEST_TERM_TAB ? "Tab" : "CR (Enter)");
	}
	if (keyboard && in->want_hid_pos && (f = add(r, ST_SELFTEST_KEYBOARD_MODE))) {
		snprintf(f->what, sizeof(f->what),
			 "keyboard mode: the scanner types its codes as key presses; this station "
			 "expects HID POS mode ([devices] expect_hid_pos)");
		snprintf(f->fix, sizeof(f->fix),
			 "scan the 'USB HID POS' code in the scanner's programming guide "
			 "(docs/devices.md, Switching to HID POS); 'qcstation devices' then shows "
			 "it as hid-pos-scanner");
	}
	if (in->want_aim && !r->aim && (f = add(r, ST_SELFTEST_AIM_MISSING))) {
		snprintf(f->what, sizeof(f->what),
			 "AIM identifier missing: no ]C0 came before the data, so the station "
			 "cannot tell a GS1 code from a plain one by its symbology");
		snprintf(f->fix, sizeof(f->fix),
			 "enable 'transmit AIM code ID' (AIM prefix) in the scanner's settings");
	}
	if (r->n == 0 && (f = add(r, ST_SELFTEST_OK))) {
		r->ok = true;
		snprintf(f->what, sizeof(f->what),
			 "all good: the self-test arrived exactly as printed (%s, case and layout "
			 "right, GS kept%s%s)",
			 st_selftest_source_name(in->source),
			 r->aim ? ", AIM ]C0" : "",
			 !keyboard ? "" : r->term == ST_SELFTEST_TERM_TAB ? ", Tab suffix"
				   : r->term == ST_SELFTEST_TERM_ENTER ? ", Enter suffix"
								       : "");
	}
}

int st_selftest_diagnose(const struct st_selftest_input *in, struct st_selftest_result *r)
{
	const uint8_t *d;
	size_t n;
	bool pos;

	if (!in || !r || (!in->data && in->len))
		return ST_ERR_ARG;
	memset(r, 0, sizeof(*r));
	r->gs = -1;
	d = in->data;
	n = in->len;
	r->term = in->term;
	pos = in->source == ST_SELFTEST_USB_POS;
	/* One trailing suffix in the data: keyboard mode read raw ends a
	 * Tab-suffixed scan by the pause, with the Tab as data. */
	if (n > 0 && (d[n - 1] == '\r' || d[n - 1] == '\n' || d[n - 1] == '\t')) {
		if (!pos)
			r->term = d[n - 1] == '\t' ? ST_SELFTEST_TERM_TAB : ST_SELFTEST_TERM_ENTER;
		n--;
		if (n > 0 && d[n] == '\n' && d[n - 1] == '\r')
			n--;
	}
	if (in->aim && in->aim[0]) {
		r->aim = true;
	} else if (aim_lead(d, n)) {
		r->aim = true;
		d += 3;
		n -= 3;
	}
	/* Every scan of the station comes through here: a cheap test first.
	 * t, e and s sit on the same keys in all four layouts, so every skew
	 * of the self-test keeps "test" (or "TEST" with Caps Lock). */
	if (n > SELFTEST_MAX || !has_test(d, n))
		return 0;
	/* Nothing wrong; Caps Lock alone; a layout; a layout and Caps Lock.
	 * HID POS bytes see no layout. */
	for (int caps = 0; caps < 2 && !r->recognised; caps++)
		for (int l = 0; l < FH_KBD_LAYOUT__COUNT && !r->recognised; l++)
			try_skew(in, d, n, l, l, caps, r);
	for (int caps = 0; caps < 2 && !r->recognised && !pos; caps++)
		for (int t = 0; t < FH_KBD_LAYOUT__COUNT && !r->recognised; t++)
			for (int rd = 0; rd < FH_KBD_LAYOUT__COUNT && !r->recognised; rd++)
				if (t != rd)
					try_skew(in, d, n, t, rd, caps, r);
	if (!r->recognised) {
		r->aim = false;
		r->term = in->term;
		return 0;
	}
	findings(in, r);
	return 1;
}

json_t *st_selftest_json(const struct st_selftest_result *r, enum st_selftest_source via)
{
	json_t *o = json_pack("{s:b, s:s}", "ok", r->ok, "via", st_selftest_source_name(via));
	json_t *a = json_array();

	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		return NULL;
	}
	if (r->recognised && r->typed != r->read)
		json_object_set_new(o, "layout",
				    json_pack("{s:s, s:s}", "scanner",
					      fh_kbd_layout_name((enum fh_kbd_layout)r->typed),
					      "read", fh_kbd_layout_name((enum fh_kbd_layout)r->read)));
	for (unsigned i = 0; i < r->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "code",
						   st_selftest_code_name(r->f[i].code), "message",
						   r->f[i].what, "fix", r->f[i].fix));
	json_object_set_new(o, "findings", a);
	return o;
}
