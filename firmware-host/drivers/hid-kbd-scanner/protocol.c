/* hid-kbd-scanner: the pure decoder of boot keyboard reports (protocol.h).
 *
 * Layout facts: the tables below give, per HID keyboard usage, the ASCII
 * character of each layout's key alone, with Shift and with AltGr, as the
 * Windows layouts scanners emulate define them (US 00000409, UK 00000809,
 * German 00000407, French 0000040C).  0 is "no ASCII character".  HID usage
 * 0x31 (US backslash) and 0x32 (ISO "#" key) reach the host as the same
 * key, so both carry it.  Keypad keys are handled in code (keypad_char()).
 */
#include "fh-int.h"

#include "protocol.h"

enum {
	CAPS = 1 << 0,  /* Caps Lock inverts Shift on this key */
	DEAD0 = 1 << 1, /* the plain character is a dead key */
	DEAD1 = 1 << 2, /* ... the Shift character */
	DEAD2 = 1 << 3, /* ... the AltGr character */
};

struct key {
	char c[3]; /* plain, Shift, AltGr */
	uint8_t flags;
};

#define KEYS 0x65 /* usages 0x00..0x64 */
#define L(ch) { { ch, (char)(ch - 'a' + 'A'), 0 }, CAPS }

/* Enter, Escape, Backspace, Tab, Space */
#define U_ENTER 0x28
#define U_ESC 0x29
#define U_BKSP 0x2a
#define U_TAB 0x2b
#define U_SPACE 0x2c
#define U_RBRACKET 0x30 /* the key at the US "]" position */
#define U_CAPS 0x39
#define U_KP_ENTER 0x58

/* Modifier bits of byte 0 */
#define M_LCTRL 0x01
#define M_LSHIFT 0x02
#define M_LALT 0x04
#define M_LGUI 0x08
#define M_RCTRL 0x10
#define M_RSHIFT 0x20
#define M_RALT 0x40
#define M_RGUI 0x80

static const struct key us[KEYS] = {
	[0x04] = L('a'), [0x05] = L('b'), [0x06] = L('c'), [0x07] = L('d'), [0x08] = L('e'),
	[0x09] = L('f'), [0x0a] = L('g'), [0x0b] = L('h'), [0x0c] = L('i'), [0x0d] = L('j'),
	[0x0e] = L('k'), [0x0f] = L('l'), [0x10] = L('m'), [0x11] = L('n'), [0x12] = L('o'),
	[0x13] = L('p'), [0x14] = L('q'), [0x15] = L('r'), [0x16] = L('s'), [0x17] = L('t'),
	[0x18] = L('u'), [0x19] = L('v'), [0x1a] = L('w'), [0x1b] = L('x'), [0x1c] = L('y'),
	[0x1d] = L('z'),
	[0x1e] = { { '1', '!' }, 0 }, [0x1f] = { { '2', '@' }, 0 }, [0x20] = { { '3', '#' }, 0 },
	[0x21] = { { '4', '$' }, 0 }, [0x22] = { { '5', '%' }, 0 }, [0x23] = { { '6', '^' }, 0 },
	[0x24] = { { '7', '&' }, 0 }, [0x25] = { { '8', '*' }, 0 }, [0x26] = { { '9', '(' }, 0 },
	[0x27] = { { '0', ')' }, 0 },
	[0x2c] = { { ' ', ' ' }, 0 },
	[0x2d] = { { '-', '_' }, 0 }, [0x2e] = { { '=', '+' }, 0 }, [0x2f] = { { '[', '{' }, 0 },
	[0x30] = { { ']', '}' }, 0 }, [0x31] = { { '\\', '|' }, 0 }, [0x32] = { { '\\', '|' }, 0 },
	[0x33] = { { ';', ':' }, 0 }, [0x34] = { { '\'', '"' }, 0 }, [0x35] = { { '`', '~' }, 0 },
	[0x36] = { { ',', '<' }, 0 }, [0x37] = { { '.', '>' }, 0 }, [0x38] = { { '/', '?' }, 0 },
	[0x64] = { { '\\', '|' }, 0 },
};

/* UK: Shift+2 is ", Shift+3 is the pound sign (not ASCII), ' and @ share a
 * key, # and ~ sit on the ISO key beside Enter, \ and | left of Z. */
static const struct key uk[KEYS] = {
	[0x04] = L('a'), [0x05] = L('b'), [0x06] = L('c'), [0x07] = L('d'), [0x08] = L('e'),
	[0x09] = L('f'), [0x0a] = L('g'), [0x0b] = L('h'), [0x0c] = L('i'), [0x0d] = L('j'),
	[0x0e] = L('k'), [0x0f] = L('l'), [0x10] = L('m'), [0x11] = L('n'), [0x12] = L('o'),
	[0x13] = L('p'), [0x14] = L('q'), [0x15] = L('r'), [0x16] = L('s'), [0x17] = L('t'),
	[0x18] = L('u'), [0x19] = L('v'), [0x1a] = L('w'), [0x1b] = L('x'), [0x1c] = L('y'),
	[0x1d] = L('z'),
	[0x1e] = { { '1', '!' }, 0 }, [0x1f] = { { '2', '"' }, 0 }, [0x20] = { { '3', 0 }, 0 },
	[0x21] = { { '4', '$' }, 0 }, [0x22] = { { '5', '%' }, 0 }, [0x23] = { { '6', '^' }, 0 },
	[0x24] = { { '7', '&' }, 0 }, [0x25] = { { '8', '*' }, 0 }, [0x26] = { { '9', '(' }, 0 },
	[0x27] = { { '0', ')' }, 0 },
	[0x2c] = { { ' ', ' ' }, 0 },
	[0x2d] = { { '-', '_' }, 0 }, [0x2e] = { { '=', '+' }, 0 }, [0x2f] = { { '[', '{' }, 0 },
	[0x30] = { { ']', '}' }, 0 }, [0x31] = { { '#', '~' }, 0 }, [0x32] = { { '#', '~' }, 0 },
	[0x33] = { { ';', ':' }, 0 }, [0x34] = { { '\'', '@' }, 0 }, [0x35] = { { '`', 0 }, 0 },
	[0x36] = { { ',', '<' }, 0 }, [0x37] = { { '.', '>' }, 0 }, [0x38] = { { '/', '?' }, 0 },
	[0x64] = { { '\\', '|' }, 0 },
};

/* German QWERTZ: Y and Z swapped; AltGr gives @ { [ ] } \ ~ |; ^ (and the
 * Shift grave accent) are dead keys; the umlauts, sharp s, section and
 * degree signs have no ASCII byte. */
static const struct key de[KEYS] = {
	[0x04] = L('a'), [0x05] = L('b'), [0x06] = L('c'), [0x07] = L('d'), [0x08] = L('e'),
	[0x09] = L('f'), [0x0a] = L('g'), [0x0b] = L('h'), [0x0c] = L('i'), [0x0d] = L('j'),
	[0x0e] = L('k'), [0x0f] = L('l'), [0x10] = L('m'), [0x11] = L('n'), [0x12] = L('o'),
	[0x13] = L('p'), [0x14] = { { 'q', 'Q', '@' }, CAPS }, [0x15] = L('r'), [0x16] = L('s'),
	[0x17] = L('t'), [0x18] = L('u'), [0x19] = L('v'), [0x1a] = L('w'), [0x1b] = L('x'),
	[0x1c] = L('z'), [0x1d] = L('y'),
	[0x1e] = { { '1', '!' }, 0 }, [0x1f] = { { '2', '"' }, 0 }, [0x20] = { { '3', 0 }, 0 },
	[0x21] = { { '4', '$' }, 0 }, [0x22] = { { '5', '%' }, 0 }, [0x23] = { { '6', '&' }, 0 },
	[0x24] = { { '7', '/', '{' }, 0 }, [0x25] = { { '8', '(', '[' }, 0 },
	[0x26] = { { '9', ')', ']' }, 0 }, [0x27] = { { '0', '=', '}' }, 0 },
	[0x2c] = { { ' ', ' ' }, 0 },
	[0x2d] = { { 0, '?', '\\' }, 0 },   /* sharp s */
	[0x2e] = { { 0, '`' }, DEAD1 },     /* dead acute, dead grave */
	[0x30] = { { '+', '*', '~' }, 0 },
	[0x31] = { { '#', '\'' }, 0 }, [0x32] = { { '#', '\'' }, 0 },
	[0x35] = { { '^', 0 }, DEAD0 },     /* dead circumflex, degree */
	[0x36] = { { ',', ';' }, 0 }, [0x37] = { { '.', ':' }, 0 }, [0x38] = { { '-', '_' }, 0 },
	[0x64] = { { '<', '>', '|' }, 0 },
};

/* French AZERTY: A/Q, Z/W swapped, M right of L; the digits need Shift
 * (Caps Lock gives them too); AltGr gives ~ # { [ | ` \ ^ @ ] }, of which
 * ~ and ` are dead keys, as is the plain ^ key right of P. */
static const struct key fr[KEYS] = {
	[0x14] = L('a'), [0x05] = L('b'), [0x06] = L('c'), [0x07] = L('d'), [0x08] = L('e'),
	[0x09] = L('f'), [0x0a] = L('g'), [0x0b] = L('h'), [0x0c] = L('i'), [0x0d] = L('j'),
	[0x0e] = L('k'), [0x0f] = L('l'), [0x33] = L('m'), [0x11] = L('n'), [0x12] = L('o'),
	[0x13] = L('p'), [0x04] = L('q'), [0x15] = L('r'), [0x16] = L('s'), [0x17] = L('t'),
	[0x18] = L('u'), [0x19] = L('v'), [0x1d] = L('w'), [0x1b] = L('x'), [0x1c] = L('y'),
	[0x1a] = L('z'),
	[0x10] = { { ',', '?' }, 0 },
	[0x1e] = { { '&', '1' }, CAPS }, [0x1f] = { { 0, '2', '~' }, CAPS | DEAD2 },
	[0x20] = { { '"', '3', '#' }, CAPS }, [0x21] = { { '\'', '4', '{' }, CAPS },
	[0x22] = { { '(', '5', '[' }, CAPS }, [0x23] = { { '-', '6', '|' }, CAPS },
	[0x24] = { { 0, '7', '`' }, CAPS | DEAD2 }, [0x25] = { { '_', '8', '\\' }, CAPS },
	[0x26] = { { 0, '9', '^' }, CAPS }, [0x27] = { { 0, '0', '@' }, CAPS },
	[0x2c] = { { ' ', ' ' }, 0 },
	[0x2d] = { { ')', 0, ']' }, 0 }, [0x2e] = { { '=', '+', '}' }, 0 },
	[0x2f] = { { '^', 0 }, DEAD0 },     /* dead circumflex, dead diaeresis */
	[0x30] = { { '$', 0 }, 0 },
	[0x31] = { { '*', 0 }, 0 }, [0x32] = { { '*', 0 }, 0 },
	[0x34] = { { 0, '%' }, 0 },
	[0x36] = { { ';', '.' }, 0 }, [0x37] = { { ':', '/' }, 0 }, [0x38] = { { '!', 0 }, 0 },
	[0x64] = { { '<', '>' }, 0 },
};

static const struct key *const layouts[FH_KBD_LAYOUT__COUNT] = {
	[FH_KBD_LAYOUT_US] = us,
	[FH_KBD_LAYOUT_UK] = uk,
	[FH_KBD_LAYOUT_DE] = de,
	[FH_KBD_LAYOUT_FR] = fr,
};

static const uint8_t suffix_usage[FH_KBD_SUFFIX__COUNT] = {
	[FH_KBD_SUFFIX_ENTER] = U_ENTER,
	[FH_KBD_SUFFIX_KP_ENTER] = U_KP_ENTER,
	[FH_KBD_SUFFIX_TAB] = U_TAB,
	[FH_KBD_SUFFIX_NONE] = 0,
};

/* Keypad keys other than Enter (Num Lock assumed on, as scanners do); the
 * German keypad's decimal key types a comma. */
static char keypad_char(uint8_t u, enum fh_kbd_layout layout)
{
	static const char kp[] = "/*-+\0" "1234567890.";

	if (u < 0x54 || u > 0x63 || u == U_KP_ENTER)
		return 0;
	if (u == 0x63 && layout == FH_KBD_LAYOUT_DE)
		return ',';
	return kp[u - 0x54];
}

void hid_kbd_init(struct hid_kbd *k, const struct fh_kbd_config *cfg)
{
	memset(k, 0, sizeof(*k));
	if (cfg) {
		assert(fh_kbd_config_check(cfg) == 0);
		k->cfg = *cfg;
	} else {
		fh_kbd_config_init(&k->cfg);
	}
}

void hid_kbd_reset(struct hid_kbd *k)
{
	memset(k->prev, 0, sizeof(k->prev));
	k->prev_mods = 0;
	k->dead = 0;
	k->alt_code = k->alt_digits = 0;
	k->len = 0;
	k->started = false;
	k->truncated = false;
}

int hid_kbd_set(struct hid_kbd *k, enum fh_key key, int64_t val)
{
	switch (key) {
	case FH_KEY_KBD_LAYOUT:
		if (val < 0 || val >= FH_KBD_LAYOUT__COUNT)
			return FH_ERR_ARG;
		k->cfg.layout = (enum fh_kbd_layout)val;
		return FH_OK;
	case FH_KEY_KBD_SUFFIX:
		if (val < 0 || val >= FH_KBD_SUFFIX__COUNT)
			return FH_ERR_ARG;
		if (val == FH_KBD_SUFFIX_NONE && k->cfg.idle_ms == 0)
			return FH_ERR_ARG;
		k->cfg.suffix = (enum fh_kbd_suffix)val;
		return FH_OK;
	case FH_KEY_KBD_IDLE_MS:
		if (val < 0 || val > FH_KBD_IDLE_MS_MAX)
			return FH_ERR_ARG;
		if (val == 0 && k->cfg.suffix == FH_KBD_SUFFIX_NONE)
			return FH_ERR_ARG;
		k->cfg.idle_ms = (int)val;
		return FH_OK;
	case FH_KEY_KBD_GS_SUBSTITUTE:
		if (val < 0 || val > 0x7e)
			return FH_ERR_ARG;
		k->cfg.gs_substitute = (int)val;
		return FH_OK;
	case FH_KEY_KBD_AIM_PREFIX:
		if (val != 0 && val != 1)
			return FH_ERR_ARG;
		k->cfg.aim_prefix = val == 1;
		return FH_OK;
	default:
		return FH_ERR_NA;
	}
}

static void put(struct hid_kbd *k, uint8_t c)
{
	if (k->cfg.gs_substitute && c == k->cfg.gs_substitute)
		c = 0x1d;
	if (k->len < sizeof(k->buf))
		k->buf[k->len++] = c;
	else
		k->truncated = true;
}

/* A pending dead key that meets anything but Space stands for itself. */
static void flush_dead(struct hid_kbd *k)
{
	if (k->dead) {
		put(k, k->dead);
		k->dead = 0;
	}
}

static int complete(struct hid_kbd *k, bool idle, hid_kbd_emit_fn *emit, void *ud)
{
	struct hid_kbd_scan s;
	int n = 0;

	flush_dead(k);
	if (k->len > 0 || k->truncated) {
		s.data = k->buf;
		s.len = k->len;
		s.truncated = k->truncated;
		s.idle_end = idle;
		if (emit)
			emit(ud, &s);
		n = 1;
	}
	k->len = 0;
	k->truncated = false;
	k->started = false;
	return n;
}

static uint64_t elapsed(int64_t from, int64_t to)
{
	return to > from ? (uint64_t)to - (uint64_t)from : 0;
}

int hid_kbd_tick(struct hid_kbd *k, int64_t now_ms, hid_kbd_emit_fn *emit, void *ud)
{
	if (!k->started || k->cfg.idle_ms <= 0)
		return 0;
	if (elapsed(k->last_ms, now_ms) < (uint64_t)k->cfg.idle_ms)
		return 0;
	return complete(k, true, emit, ud);
}

int hid_kbd_wait_ms(const struct hid_kbd *k, int64_t now_ms)
{
	uint64_t e;

	if (!k->started || k->cfg.idle_ms <= 0)
		return -1;
	e = elapsed(k->last_ms, now_ms);
	if (e >= (uint64_t)k->cfg.idle_ms)
		return 0;
	return k->cfg.idle_ms - (int)e;
}

/* The character of a table key under the modifiers, or 0. */
static uint8_t table_char(const struct hid_kbd *k, uint8_t u, bool shift, bool altgr, bool *dead)
{
	const struct key *key;
	unsigned col;

	*dead = false;
	if (u >= KEYS)
		return 0;
	key = &layouts[k->cfg.layout][u];
	if (altgr) {
		if (shift)
			return 0; /* Shift+AltGr types nothing ASCII on these layouts */
		col = 2;
	} else {
		col = shift ^ (k->caps && (key->flags & CAPS));
	}
	*dead = (key->flags & (DEAD0 << col)) != 0;
	return (uint8_t)key->c[col];
}

static int press(struct hid_kbd *k, uint8_t u, uint8_t mods, hid_kbd_emit_fn *emit, void *ud)
{
	bool shift = mods & (M_LSHIFT | M_RSHIFT);
	bool ctrl = mods & (M_LCTRL | M_RCTRL);
	bool lalt = mods & M_LALT;
	bool altgr = mods & M_RALT;
	bool dead;
	uint8_t c;

	if (u == U_CAPS) {
		k->caps = !k->caps;
		return 0;
	}
	if (u >= 0xe0)
		return 0; /* modifiers travel as bits; a slot copy adds nothing */
	k->started = true;
	if (!altgr && lalt && ctrl) {
		altgr = true; /* Windows reads Ctrl+Alt as AltGr */
		ctrl = false;
		lalt = false;
	}
	if (mods & (M_LGUI | M_RGUI)) {
		k->dropped++;
		return 0;
	}
	if (lalt && !altgr) {
		/* Alt + keypad digits, typed on release of Alt; anything else
		 * with Alt is a shortcut, not text. */
		char d = keypad_char(u, FH_KBD_LAYOUT_US);

		if (d >= '0' && d <= '9') {
			if (k->alt_code < 1000)
				k->alt_code = k->alt_code * 10 + (unsigned)(d - '0');
			k->alt_digits++;
		} else {
			k->alt_code = k->alt_digits = 0;
			k->dropped++;
		}
		return 0;
	}
	if (k->cfg.suffix != FH_KBD_SUFFIX_NONE && u == suffix_usage[k->cfg.suffix] && !ctrl &&
	    !altgr)
		return complete(k, false, emit, ud);

	switch (u) {
	case U_ENTER:
	case U_KP_ENTER:
		flush_dead(k);
		put(k, '\r');
		return 0;
	case U_TAB:
		flush_dead(k);
		put(k, '\t');
		return 0;
	case U_ESC:
		flush_dead(k);
		put(k, 0x1b);
		return 0;
	case U_BKSP:
		flush_dead(k);
		put(k, 0x08);
		return 0;
	default:
		break;
	}
	c = (uint8_t)keypad_char(u, k->cfg.layout);
	if (c) {
		flush_dead(k);
		put(k, c);
		return 0;
	}
	c = table_char(k, u, shift, altgr, &dead);
	if (ctrl) {
		flush_dead(k);
		if (u == U_RBRACKET && !altgr)
			put(k, 0x1d); /* Ctrl+] as scanners send GS, whatever the layout */
		else if ((c >= '@' && c <= '_') || (c >= 'a' && c <= 'z'))
			put(k, c & 0x1f);
		else
			k->dropped++;
		return 0;
	}
	if (c == 0) {
		flush_dead(k);
		k->dropped++;
		return 0;
	}
	if (k->dead && u == U_SPACE && !altgr) {
		put(k, k->dead); /* accent + Space = the accent itself */
		k->dead = 0;
		return 0;
	}
	flush_dead(k);
	if (dead)
		k->dead = c;
	else
		put(k, c);
	return 0;
}

int hid_kbd_feed(struct hid_kbd *k, const uint8_t *r, size_t n, int64_t now_ms,
		 hid_kbd_emit_fn *emit, void *ud)
{
	uint8_t pressed[FH_BOOT_KEYS];
	size_t np;
	int emitted;

	if (!r || n < HID_KBD_REPORT_MIN || n > HID_KBD_REPORT_MAX)
		return FH_ERR_PROTO;
	if (fh_std_boot_phantom(r, n))
		return 0; /* rollover: says nothing about the keys; keep prev */
	emitted = hid_kbd_tick(k, now_ms, emit, ud);

	/* Alt released after keypad digits: the code is one character. */
	if ((k->prev_mods & M_LALT) && !(r[0] & M_LALT)) {
		if (k->alt_digits > 0) {
			if (k->alt_code >= 1 && k->alt_code <= 0x7f) {
				flush_dead(k);
				put(k, (uint8_t)k->alt_code);
				k->started = true;
				k->last_ms = now_ms;
			} else {
				k->dropped++;
			}
		}
		k->alt_code = k->alt_digits = 0;
	}

	np = fh_std_boot_new_keys(k->prev, r, n, pressed);
	for (size_t i = 0; i < np; i++) {
		if (FH_NEVER(emitted >= HID_KBD_EMIT_MAX))
			break;
		k->last_ms = now_ms;
		emitted += press(k, pressed[i], r[0], emit, ud);
	}
	fh_std_boot_keys(r, n, k->prev);
	k->prev_mods = r[0];
	return emitted;
}

size_t hid_kbd_aim_split(const uint8_t *d, size_t n, char aim[4])
{
	aim[0] = '\0';
	if (n < 3 || d[0] != ']')
		return 0;
	if (!((d[1] >= 'A' && d[1] <= 'Z') || (d[1] >= 'a' && d[1] <= 'z')))
		return 0;
	if (!((d[2] >= 'A' && d[2] <= 'Z') || (d[2] >= 'a' && d[2] <= 'z') ||
	      (d[2] >= '0' && d[2] <= '9')))
		return 0;
	memcpy(aim, d, 3);
	aim[3] = '\0';
	return 3;
}

/* ---- typing: the other way round (fh/scanner.h) ---------------------------- */

int fh_kbd_encode(enum fh_kbd_layout layout, uint8_t c, uint8_t *usage, uint8_t *mods)
{
	static const uint8_t col_mods[3] = { 0, M_LSHIFT, M_RALT };
	const struct key *t;

	if ((unsigned)layout >= FH_KBD_LAYOUT__COUNT || !usage || !mods)
		return FH_ERR_ARG;
	switch (c) {
	case '\r':
	case '\n':
		*usage = U_ENTER, *mods = 0;
		return FH_OK;
	case '\t':
		*usage = U_TAB, *mods = 0;
		return FH_OK;
	case 0x1d:
		*usage = U_RBRACKET, *mods = M_LCTRL;
		return FH_OK;
	case ' ':
		*usage = U_SPACE, *mods = 0;
		return FH_OK;
	default:
		break;
	}
	if (c == 0 || c > 0x7e)
		return FH_ERR_NA;
	t = layouts[layout];
	for (unsigned col = 0; col < 3; col++)
		for (unsigned u = 0x04; u < KEYS; u++)
			if ((uint8_t)t[u].c[col] == c && !(t[u].flags & (DEAD0 << col))) {
				*usage = (uint8_t)u;
				*mods = col_mods[col];
				return FH_OK;
			}
	return FH_ERR_NA;
}

struct retype_out {
	uint8_t *out;
	size_t cap, len;
};

static void retype_emit(void *ud, const struct hid_kbd_scan *scan)
{
	struct retype_out *r = ud;

	for (size_t i = 0; i < scan->len; i++, r->len++)
		if (r->len < r->cap)
			r->out[r->len] = scan->data[i];
}

int fh_kbd_retype(const uint8_t *text, size_t n, enum fh_kbd_layout typed,
		  enum fh_kbd_layout read, bool caps, uint8_t *out, size_t cap)
{
	static const uint8_t up[8] = { 0 };
	struct fh_kbd_config cfg;
	struct retype_out r = { out, cap, 0 };
	struct hid_kbd kb, *k = &kb; /* 4 KiB of stack: protocol.c never allocates */
	uint8_t rep[8] = { 0 };

	if ((!text && n) || (!out && cap) || (unsigned)typed >= FH_KBD_LAYOUT__COUNT ||
	    (unsigned)read >= FH_KBD_LAYOUT__COUNT || n > FH_SCAN_MAX)
		return FH_ERR_ARG;
	/* No suffix: Enter and Tab in text are data; the pause ends it. */
	fh_kbd_config_init(&cfg);
	cfg.layout = read;
	cfg.suffix = FH_KBD_SUFFIX_NONE;
	cfg.idle_ms = 1;
	cfg.aim_prefix = false;
	hid_kbd_init(k, &cfg);
	if (caps) {
		rep[2] = U_CAPS;
		hid_kbd_feed(k, rep, sizeof(rep), 0, retype_emit, &r);
		hid_kbd_feed(k, up, sizeof(up), 0, retype_emit, &r);
	}
	for (size_t i = 0; i < n; i++) {
		if (fh_kbd_encode(typed, text[i], &rep[2], &rep[0]) != FH_OK)
			continue;
		hid_kbd_feed(k, rep, sizeof(rep), 0, retype_emit, &r);
		hid_kbd_feed(k, up, sizeof(up), 0, retype_emit, &r);
	}
	hid_kbd_tick(k, 10, retype_emit, &r);
	return r.len > INT32_MAX ? FH_ERR_BUG : (int)r.len;
}
