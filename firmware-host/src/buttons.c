/* firmware-host: button names and the button -> command map (io.h).
 * Pure: no I/O, no allocation. */
#include "fh-int.h"

#include <ctype.h>
#include <strings.h>

#include "fh/io.h"

/* Keys named after their label; letters, digits, F-keys and keypad
 * digits are named by rule (key_name()). */
static const struct {
	uint8_t usage;
	const char *name;
} key_names[] = {
	{ 0x28, "enter" },      { 0x29, "escape" },    { 0x2a, "backspace" },
	{ 0x2b, "tab" },        { 0x2c, "space" },     { 0x2d, "minus" },
	{ 0x2e, "equal" },      { 0x2f, "leftbrace" }, { 0x30, "rightbrace" },
	{ 0x31, "backslash" },  { 0x32, "hash" },      { 0x33, "semicolon" },
	{ 0x34, "apostrophe" }, { 0x35, "grave" },     { 0x36, "comma" },
	{ 0x37, "dot" },        { 0x38, "slash" },     { 0x39, "capslock" },
	{ 0x46, "printscreen" }, { 0x47, "scrolllock" }, { 0x48, "pause" },
	{ 0x49, "insert" },     { 0x4a, "home" },      { 0x4b, "pageup" },
	{ 0x4c, "delete" },     { 0x4d, "end" },       { 0x4e, "pagedown" },
	{ 0x4f, "right" },      { 0x50, "left" },      { 0x51, "down" },
	{ 0x52, "up" },         { 0x53, "numlock" },   { 0x54, "kp-slash" },
	{ 0x55, "kp-asterisk" }, { 0x56, "kp-minus" }, { 0x57, "kp-plus" },
	{ 0x58, "kp-enter" },   { 0x63, "kp-dot" },    { 0x64, "102nd" },
	{ 0xe0, "lctrl" },      { 0xe1, "lshift" },    { 0xe2, "lalt" },
	{ 0xe3, "lmeta" },      { 0xe4, "rctrl" },     { 0xe5, "rshift" },
	{ 0xe6, "ralt" },       { 0xe7, "rmeta" },
};

static int key_name(unsigned u, char *buf, size_t cap)
{
	for (size_t i = 0; i < FH_ARRAY_SIZE(key_names); i++)
		if (key_names[i].usage == u)
			return snprintf(buf, cap, "%s", key_names[i].name);
	if (u >= 0x04 && u <= 0x1d)
		return snprintf(buf, cap, "%c", (char)('a' + (u - 0x04)));
	if (u >= 0x1e && u <= 0x27)
		return snprintf(buf, cap, "%u", (u - 0x1e + 1) % 10);
	if (u >= 0x3a && u <= 0x45)
		return snprintf(buf, cap, "f%u", u - 0x3a + 1);
	if (u >= 0x68 && u <= 0x73)
		return snprintf(buf, cap, "f%u", u - 0x68 + 13);
	if (u >= 0x59 && u <= 0x62)
		return snprintf(buf, cap, "kp%u", (u - 0x59 + 1) % 10);
	return snprintf(buf, cap, "key0x%02x", u);
}

int fh_buttons_name(unsigned index, char *buf, size_t cap)
{
	int n;

	if (!buf || cap == 0)
		return FH_ERR_ARG;
	if (index < FH_BUTTONS_BITS_MAX)
		n = snprintf(buf, cap, "button%u", index + 1);
	else if (index >= FH_BUTTON_KEY_BASE && index <= FH_BUTTON_INDEX_MAX)
		n = key_name(index - FH_BUTTON_KEY_BASE, buf, cap);
	else
		n = -1;
	if (n < 0 || (size_t)n >= cap) {
		buf[0] = '\0';
		return FH_ERR_ARG;
	}
	return n;
}

/* A decimal or 0x hex number filling all of s, at most max. */
static bool parse_uint(const char *s, unsigned base, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		int d;

		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return false;
		v = v * base + (unsigned long)d;
		if (v > max)
			return false;
	}
	*out = (unsigned)v;
	return true;
}

int fh_buttons_parse(const char *name, unsigned *out)
{
	char buf[32];
	unsigned v;

	if (!name || !out)
		return FH_ERR_ARG;
	if (strncasecmp(name, "button", 6) == 0) {
		if (!parse_uint(name + 6, 10, FH_BUTTONS_BITS_MAX, &v) || v == 0 ||
		    name[6] == '0')
			return FH_ERR_ARG;
		*out = v - 1;
		return FH_OK;
	}
	if (strncasecmp(name, "key0x", 5) == 0) {
		if (!parse_uint(name + 5, 16, 0xff, &v))
			return FH_ERR_ARG;
		*out = FH_BUTTON_KEY_BASE + v;
		return FH_OK;
	}
	/* Every other name is one key_name() gives: look it up backwards. */
	for (unsigned u = 0; u <= 0xff; u++) {
		if (key_name(u, buf, sizeof(buf)) < 0)
			continue;
		if (strncmp(buf, "key0x", 5) != 0 && strcasecmp(buf, name) == 0) {
			*out = FH_BUTTON_KEY_BASE + u;
			return FH_OK;
		}
	}
	return FH_ERR_ARG;
}

void fh_buttons_map_init(struct fh_buttons_map *map)
{
	memset(map, 0, sizeof(*map));
}

int fh_buttons_map_add(struct fh_buttons_map *map, const char *name, const char *cmd)
{
	unsigned index;
	size_t len, i;

	if (!map || !name || !cmd)
		return FH_ERR_ARG;
	len = strlen(cmd);
	if (len == 0 || len >= FH_BUTTONS_CMD_MAX)
		return FH_ERR_ARG;
	if (fh_buttons_parse(name, &index) < 0)
		return FH_ERR_ARG;
	for (i = 0; i < map->n; i++)
		if (map->e[i].index == index)
			break;
	if (i == map->n) {
		if (map->n >= FH_BUTTONS_MAP_MAX)
			return FH_ERR_ARG;
		map->n++;
	}
	map->e[i].index = index;
	memcpy(map->e[i].cmd, cmd, len + 1);
	return FH_OK;
}

const char *fh_buttons_map_lookup(const struct fh_buttons_map *map, unsigned index)
{
	if (!map)
		return NULL;
	for (size_t i = 0; i < map->n && i < FH_BUTTONS_MAP_MAX; i++)
		if (map->e[i].index == index)
			return map->e[i].cmd;
	return NULL;
}
