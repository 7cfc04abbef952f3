/* hid-kbd-scanner: decoding a keyboard-mode scanner's boot reports.
 *
 * A scanner in keyboard mode "types" each code: one 8-byte boot report
 * ([modifiers][reserved][6 key usages]) per change of the keys held down.
 * struct hid_kbd turns a sequence of reports into scans:
 *
 *   - a key counts when it newly appears relative to the previous report,
 *     so "22" (press 2, release, press 2) gives two characters and a key
 *     held across reports gives one; reports with ErrorRollOver (0x01) or
 *     the other phantom codes in a slot are skipped whole;
 *   - usages become characters through the layout of the scanner's
 *     keyboard country (US, UK, DE, FR), with Shift, Caps Lock (inverts
 *     Shift for letters, and for the digit row on French AZERTY), AltGr
 *     (Right Alt, or Ctrl+Left Alt as Windows treats it) and dead keys
 *     (accent then Space gives the accent itself);
 *   - Ctrl+<char> gives the control character <char> & 0x1f (Ctrl+] is GS,
 *     0x1d); Ctrl on the key at the US "]" position (usage 0x30) is GS on
 *     every layout; Left Alt + keypad digits (Alt+0029) gives that code;
 *     the configured substitute character is GS too;
 *   - the configured suffix key ends a scan; so does a pause of idle_ms
 *     (hid_kbd_tick(), with the time passed in); empty scans are dropped;
 *   - a scan keeps FH_SCAN_MAX bytes; more are counted away and flagged.
 *
 * Pure: no I/O, no clock, no allocation; every byte sequence is safe.
 * Characters outside ASCII (é, £, ...) have no byte here and are dropped
 * (counted in .dropped).
 */
#ifndef QC_FIRMWARE_HOST_HID_KBD_PROTOCOL_H
#define QC_FIRMWARE_HOST_HID_KBD_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fh/dev.h"
#include "fh/scanner.h"

#define HID_KBD_REPORT_MIN 3 /* modifiers, reserved, one key slot */
#define HID_KBD_REPORT_MAX 8 /* the boot report */
#define HID_KBD_EMIT_MAX 4   /* scans one hid_kbd_feed() can complete */

struct hid_kbd {
	struct fh_kbd_config cfg;
	uint8_t prev[6];     /* key slots of the last report that counted */
	uint8_t prev_mods;
	bool caps;           /* Caps Lock state, toggled by the scanner */
	uint8_t dead;        /* a pending dead key's accent, 0 = none */
	unsigned alt_code;   /* Alt + keypad digits so far */
	unsigned alt_digits;
	uint8_t buf[FH_SCAN_MAX];
	size_t len;
	bool started;        /* a key was typed since the last scan ended */
	bool truncated;
	int64_t last_ms;     /* time of the last key press */
	unsigned long dropped; /* key presses without an ASCII character */
};

struct hid_kbd_scan {
	const uint8_t *data; /* valid during the callback only */
	size_t len;
	bool truncated;
	bool idle_end;       /* ended by the pause, not by the suffix */
};

typedef void hid_kbd_emit_fn(void *ud, const struct hid_kbd_scan *scan);

/* Start decoding with cfg (NULL = fh_kbd_config_init() defaults; cfg must
 * pass fh_kbd_config_check()). */
void hid_kbd_init(struct hid_kbd *k, const struct fh_kbd_config *cfg);

/* Forget the partial scan and the keys held (a reopened device); the
 * configuration and Caps Lock stay. */
void hid_kbd_reset(struct hid_kbd *k);

/* Set one FH_KEY_KBD_* key.  Returns 0, FH_ERR_NA (not a keyboard-scanner
 * key) or FH_ERR_ARG (out of range, or suffix NONE with idle_ms 0). */
int hid_kbd_set(struct hid_kbd *k, enum fh_key key, int64_t val);

/* One report r[0..n) that arrived at now_ms.  Completed scans go to emit
 * (at most HID_KBD_EMIT_MAX).  Returns the number of scans emitted, or
 * FH_ERR_PROTO when n is not HID_KBD_REPORT_MIN..MAX (state unchanged). */
int hid_kbd_feed(struct hid_kbd *k, const uint8_t *r, size_t n, int64_t now_ms,
		 hid_kbd_emit_fn *emit, void *ud);

/* End a scan that has been idle for idle_ms at now_ms.  Returns 1 when it
 * emitted one, else 0. */
int hid_kbd_tick(struct hid_kbd *k, int64_t now_ms, hid_kbd_emit_fn *emit, void *ud);

/* Milliseconds until hid_kbd_tick() would end the current scan (0 = now),
 * or -1 when no scan is open or idle_ms is 0. */
int hid_kbd_wait_ms(const struct hid_kbd *k, int64_t now_ms);

/* The length of a leading AIM symbology identifier in d[0..n) ("]" + a
 * letter + a letter or digit: 3), copied NUL-terminated to aim; 0 (aim "")
 * when there is none. */
size_t hid_kbd_aim_split(const uint8_t *d, size_t n, char aim[4]);

#endif
