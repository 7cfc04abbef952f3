/* station/ui: the banner's block letters, 5x5, only the letters of the
 * banner's words (LOGIN READY INSPECT PASS FAIL ERROR).  Drawn by
 * tui_draw.c at 1x or 2x so a word reads from a metre away. */
#include <stddef.h>

#include "tui-int.h"

struct glyph {
	char c;
	const char *row[5];
};

static const struct glyph font[] = {
	{ 'A', { " ### ", "#   #", "#####", "#   #", "#   #" } },
	{ 'C', { " ####", "#    ", "#    ", "#    ", " ####" } },
	{ 'D', { "#### ", "#   #", "#   #", "#   #", "#### " } },
	{ 'E', { "#####", "#    ", "#### ", "#    ", "#####" } },
	{ 'F', { "#####", "#    ", "#### ", "#    ", "#    " } },
	{ 'G', { " ####", "#    ", "#  ##", "#   #", " ####" } },
	{ 'I', { "#####", "  #  ", "  #  ", "  #  ", "#####" } },
	{ 'L', { "#    ", "#    ", "#    ", "#    ", "#####" } },
	{ 'N', { "#   #", "##  #", "# # #", "#  ##", "#   #" } },
	{ 'O', { " ### ", "#   #", "#   #", "#   #", " ### " } },
	{ 'P', { "#### ", "#   #", "#### ", "#    ", "#    " } },
	{ 'R', { "#### ", "#   #", "#### ", "#  # ", "#   #" } },
	{ 'S', { " ####", "#    ", " ### ", "    #", "#### " } },
	{ 'T', { "#####", "  #  ", "  #  ", "  #  ", "  #  " } },
	{ 'Y', { "#   #", " # # ", "  #  ", "  #  ", "  #  " } },
};

const char *const *tui_glyph(char c)
{
	for (size_t i = 0; i < sizeof(font) / sizeof(font[0]); i++)
		if (font[i].c == c)
			return font[i].row;
	return NULL;
}

const char *tui_banner_word(enum tui_banner b)
{
	switch (b) {
	case TUI_LOGIN:
		return "LOGIN";
	case TUI_READY:
		return "READY";
	case TUI_INSPECT:
		return "INSPECT";
	case TUI_PASS:
		return "PASS";
	case TUI_FAIL:
		return "FAIL";
	case TUI_ERROR:
		return "ERROR";
	default:
		return "";
	}
}
