/* firmware-host: buttons, foot pedals and outputs.
 *
 * Buttons produce FH_EV_BUTTON events (dev.h) on each press and release.
 * A button is named by its index:
 *
 *   - devices reporting a bit per button (HID Button page, game pads):
 *     index 0 .. FH_BUTTONS_BITS_MAX-1, named "button1", "button2", ...;
 *   - pedals that act as a keyboard (they "type" F13, F14, "a", ...):
 *     FH_BUTTON_KEY_BASE + the HID keyboard usage, named after the key:
 *     "f13", "a", "enter", "lctrl" ... or "key0x68" for any usage.
 *
 * What a button does is the station's business: it reads its config into
 * a struct fh_buttons_map and looks each press up.
 */
#ifndef QC_FIRMWARE_HOST_IO_H
#define QC_FIRMWARE_HOST_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "fh/dev.h"

#define FH_BUTTONS_BITS_MAX 64
#define FH_BUTTON_KEY_BASE 256 /* + HID keyboard usage 0x00..0xff */
#define FH_BUTTON_INDEX_MAX (FH_BUTTON_KEY_BASE + 0xff)

/* How a buttons device reports (FH_KEY_BUTTONS_MODE). */
enum fh_buttons_mode {
	FH_BUTTONS_KEYBOARD = 0, /* 8-byte boot keyboard reports (pedals) */
	FH_BUTTONS_BITS = 1,     /* one bit per button */
};

/* The name of button index into buf (cap bytes with the NUL).  Returns
 * the length, or FH_ERR_ARG (index out of range, or cap too small). */
int fh_buttons_name(unsigned index, char *buf, size_t cap);

/* The index of a button name (case-insensitive; the names above, plus
 * "key0xNN").  Returns 0 and writes *out, or FH_ERR_ARG. */
int fh_buttons_parse(const char *name, unsigned *out);

#define FH_BUTTONS_MAP_MAX 32
#define FH_BUTTONS_CMD_MAX 32 /* with the NUL */

/* Button index -> station command name ("next", "reject", ...); a plain
 * value in the caller's storage, no allocation. */
struct fh_buttons_map {
	size_t n;
	struct {
		unsigned index;
		char cmd[FH_BUTTONS_CMD_MAX];
	} e[FH_BUTTONS_MAP_MAX];
};

/* Empty the map. */
void fh_buttons_map_init(struct fh_buttons_map *map);

/* Map the button called name to cmd (copied), replacing an earlier
 * mapping of the same button.  Returns 0, or FH_ERR_ARG (unknown name,
 * empty or too long cmd, map full); the map is unchanged on error. */
int fh_buttons_map_add(struct fh_buttons_map *map, const char *name, const char *cmd);

/* The command mapped to index, or NULL. */
const char *fh_buttons_map_lookup(const struct fh_buttons_map *map, unsigned index);

/* Switch output line (a lamp, a relay) on or off.  FH_ERR_NA for devices
 * without outputs (every driver today). */
int fh_io_set_output(struct fh_dev *dev, unsigned line, bool on);

#endif
