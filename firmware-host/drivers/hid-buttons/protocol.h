/* hid-buttons: button and foot pedal reports to press/release events.
 *
 * Two kinds of device (enum fh_buttons_mode in fh/io.h):
 *
 *   - BITS: a report with one bit per button (HID Button page, game pads,
 *     USB I/O boxes): optional report id byte, then `offset` bytes to skip,
 *     then `count` bits, button 0 in bit 0 of the first byte (count 0 = all
 *     the bits the report has, up to FH_BUTTONS_BITS_MAX);
 *   - KEYBOARD: pedals that present themselves as a keyboard and "type" a
 *     key (F13..F24, letters, ...): 8-byte boot reports; each key usage and
 *     each modifier bit is a button (FH_BUTTON_KEY_BASE + usage; modifier
 *     bit i is usage 0xE0 + i).  Phantom (rollover) reports are skipped.
 *
 * Each report is compared with the previous one; every button that changed
 * gives one event: releases first, then presses, each in index order (no
 * debouncing: pedals debounce in hardware, and a transition is a
 * transition).  Pure: no I/O, no clock, no allocation.
 */
#ifndef QC_FIRMWARE_HOST_HID_BUTTONS_PROTOCOL_H
#define QC_FIRMWARE_HOST_HID_BUTTONS_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fh/dev.h"
#include "fh/io.h"

#define HID_BUTTONS_EVENTS_MAX FH_BUTTONS_BITS_MAX /* per report, both modes */

struct hid_buttons {
	enum fh_buttons_mode mode;
	unsigned report_id; /* BITS: 0 = reports carry no id */
	unsigned offset;    /* BITS: bytes after the id before the first button */
	unsigned count;     /* BITS: buttons, 0 = every bit of the report */
	uint8_t bits[FH_BUTTONS_BITS_MAX / 8]; /* BITS: last state */
	uint8_t keys[6];                       /* KEYBOARD: last key slots */
	uint8_t mods;                          /* KEYBOARD: last modifiers */
};

/* Start in mode with every button up (BITS: no report id, offset 0,
 * count 0). */
void hid_buttons_init(struct hid_buttons *b, enum fh_buttons_mode mode);

/* Set one FH_KEY_BUTTONS_* key; the state is forgotten (all up) when the
 * layout changes.  Returns 0, FH_ERR_NA (not a buttons key) or
 * FH_ERR_ARG (out of range; nothing changed). */
int hid_buttons_set(struct hid_buttons *b, enum fh_key key, int64_t val);

/* One report r[0..n): the changes go to out (OUT), their number is
 * returned (0 for reports with another report id, or phantom ones), or
 * FH_ERR_PROTO when the report is too short (KEYBOARD: not 3..8 bytes;
 * BITS: fewer bytes than offset and count need); state unchanged then. */
int hid_buttons_feed(struct hid_buttons *b, const uint8_t *r, size_t n,
		     struct fh_button out[HID_BUTTONS_EVENTS_MAX]);

#endif
