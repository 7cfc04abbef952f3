/* firmware-host: barcode scanners.
 *
 * Scanners produce FH_EV_SCAN events (dev.h).  Two drivers: hid-pos-scanner
 * (HID POS, usage page 0x8C: bytes, AIM id and GS arrive as sent) and
 * hid-kbd-scanner (keyboard mode: the scanner "types" the code as key
 * presses, which must be decoded with the keyboard layout the scanner is
 * configured for; see docs/devices.md).  Everything here configures the
 * keyboard-mode driver; HID POS scanners need no configuration.
 */
#ifndef QC_FIRMWARE_HOST_SCANNER_H
#define QC_FIRMWARE_HOST_SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fh/dev.h"

/* The content of the scanner self-test barcode (a Code 128 symbol; the
 * labels print it on the command sheet, the station diagnoses what
 * arrives when it is scanned: st/selftest.h).  Chosen so that each common
 * misconfiguration changes it in a way that says which one:
 *   - mixed case (Caps Lock, case conversion);
 *   - y and z (German QWERTZ swaps them), a, q, w, z and m (French AZERTY
 *     moves them), '-', '@' and '#' (on other keys in UK, German and
 *     French layouts), digits (French AZERTY types them with Shift);
 *   - a GS (0x1D, the GS1 field separator) inside, which keyboard mode
 *     loses or replaces unless the scanner sends it as Ctrl+].
 * Every character can be typed on the US, UK, German and French layouts.
 * Never change it: printed sheets carry it. */
#define FH_SCANNER_SELFTEST "QCtest-aZy@q#M7" "\x1d" "wYz019"

/* The keyboard country the scanner is set to (not the host's). */
enum fh_kbd_layout {
	FH_KBD_LAYOUT_US = 0, /* US English (ANSI QWERTY) */
	FH_KBD_LAYOUT_UK = 1, /* United Kingdom (ISO QWERTY) */
	FH_KBD_LAYOUT_DE = 2, /* German (QWERTZ) */
	FH_KBD_LAYOUT_FR = 3, /* French (AZERTY) */
	FH_KBD_LAYOUT__COUNT
};

/* The key the scanner sends after each code. */
enum fh_kbd_suffix {
	FH_KBD_SUFFIX_ENTER = 0,    /* Enter (usage 0x28) */
	FH_KBD_SUFFIX_KP_ENTER = 1, /* Keypad Enter (usage 0x58) */
	FH_KBD_SUFFIX_TAB = 2,      /* Tab (usage 0x2B) */
	FH_KBD_SUFFIX_NONE = 3,     /* none: the idle timeout ends a scan */
	FH_KBD_SUFFIX__COUNT
};

#define FH_KBD_IDLE_MS_DEFAULT 100
#define FH_KBD_IDLE_MS_MAX 60000

struct fh_kbd_config {
	enum fh_kbd_layout layout;
	enum fh_kbd_suffix suffix;
	int idle_ms;       /* a pause this long ends a scan; 0 = never (needs a suffix) */
	int gs_substitute; /* the character the scanner types for GS, 0 = none */
	bool aim_prefix;   /* move a leading AIM id ("]C1") from the data to .aim */
};

/* The defaults: US, Enter, FH_KBD_IDLE_MS_DEFAULT, no substitute, AIM
 * prefix moved. */
void fh_kbd_config_init(struct fh_kbd_config *cfg);

/* Check cfg: FH_ERR_ARG when a field is out of range (suffix NONE with
 * idle_ms 0 included: nothing would ever end a scan), else 0. */
int fh_kbd_config_check(const struct fh_kbd_config *cfg);

/* Apply every field of cfg to a keyboard-mode scanner (through
 * fh_dev_config_set()).  Checks first, so on FH_ERR_ARG nothing changed;
 * FH_ERR_NA when dev is not a keyboard-mode scanner. */
int fh_kbd_config_apply(struct fh_dev *dev, const struct fh_kbd_config *cfg);

/* Names for the station config: layouts "us", "uk" (also "gb"), "de", "fr";
 * suffixes "enter", "kp-enter", "tab", "none".  _parse returns 0 and writes
 * *out, or FH_ERR_ARG; _name returns a static string, "?" when out of
 * range. */
int fh_kbd_layout_parse(const char *name, enum fh_kbd_layout *out);
const char *fh_kbd_layout_name(enum fh_kbd_layout layout);
int fh_kbd_suffix_parse(const char *name, enum fh_kbd_suffix *out);
const char *fh_kbd_suffix_name(enum fh_kbd_suffix suffix);


/* The key a keyboard set to layout presses for the ASCII character c:
 * the HID usage (OUT *usage) and the boot report modifier bits (OUT *mods:
 * 0x02 Left Shift, 0x40 Right Alt = AltGr, 0x01 Left Ctrl).  Plain keys
 * come before Shift, Shift before AltGr; dead keys are never chosen.  GS
 * (0x1D) is Ctrl+] (usage 0x30), CR and LF Enter, HT Tab.  Returns 0, or
 * FH_ERR_NA when the layout has no key for c (*usage, *mods untouched),
 * FH_ERR_ARG for a layout out of range.  Pure. */
int fh_kbd_encode(enum fh_kbd_layout layout, uint8_t c, uint8_t *usage, uint8_t *mods);

/* What arrives when a keyboard-mode scanner set to keyboard country typed
 * types text[0..n) (each character as fh_kbd_encode() gives it, one press
 * and release each, no suffix) and the key presses are decoded with layout
 * read, Caps Lock on when caps: the keyboard-mode driver's own decoder
 * does the reading, so this is exactly what the station would get.
 * Characters typed has no key for, or read turns into no ASCII byte, are
 * lost.  The result goes to out[0..cap) (OUT, cut at cap); returns its
 * full length, or FH_ERR_ARG.  Pure: tests and the self-test diagnosis
 * use it to predict a wrong layout's effect. */
int fh_kbd_retype(const uint8_t *text, size_t n, enum fh_kbd_layout typed,
		  enum fh_kbd_layout read, bool caps, uint8_t *out, size_t cap);

#endif
