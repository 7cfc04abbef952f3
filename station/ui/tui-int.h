/* station/ui: the bench UI's private parts, shared by tui.c (model, input,
 * run loop), tui_draw.c (layout and drawing) and tui_font.c (the banner's
 * block letters).  Never included from outside station/ui.
 */
#ifndef QC_STATION_UI_TUI_INT_H
#define QC_STATION_UI_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <curses.h>
#include <jansson.h>

#include "st/app.h"
#include "st/wedge.h"

/* What the banner says; also indexes the colour pairs (pair = state + 1). */
enum tui_banner {
	TUI_LOGIN,
	TUI_READY,
	TUI_INSPECT,
	TUI_PASS,
	TUI_FAIL,
	TUI_ERROR,
	TUI_BANNER__COUNT,
};

/* Further colour pairs, after the banner's. */
enum tui_pair {
	TUI_PAIR_OK = TUI_BANNER__COUNT + 1, /* green text */
	TUI_PAIR_BAD,                        /* red text */
	TUI_PAIR_FLAG,                       /* yellow text: final sale, custom... */
};

enum tui_log_kind { TUI_LOG_OK, TUI_LOG_BAD, TUI_LOG_INFO };

#define TUI_TEXT 256
#define TUI_LOG_MAX 64

struct tui_log {
	enum tui_log_kind kind;
	char text[TUI_TEXT];
};

struct st_tui {
	SCREEN *scr;
	FILE *out, *in;
	int in_fd;
	bool color, utf8;
	char prefix[17];          /* [barcodes] command_prefix */
	char station[64];
	struct st_wedge wedge;

	/* The model: what the last events said. */
	enum tui_banner banner;
	char banner_msg[TUI_TEXT];
	bool logged_in;
	bool verdict;      /* this step ended an inspection: PASS/FAIL stays up */
	char op_name[128], op_role[32];
	json_t *order;      /* an order (with lines), or an item's order (without) */
	json_t *item;       /* the current item, NULL for none */
	json_t *line;       /* the item's order line */
	json_t *product;    /* a product looked up on its own */
	json_t *checklist;  /* the last "checklist" event */
	char prompt[TUI_TEXT];    /* "" = the default for the state */
	char last_input[80];      /* the last scan, to label its results */
	char printer_msg[96];     /* "Printer: paper out (3)" while not ready, "" when fine */
	struct tui_log log[TUI_LOG_MAX]; /* ring, newest at log_head - 1 */
	unsigned log_head, log_n;
	bool shutdown_seen;
	long long shutdown_scans;

	/* The input line, where a person types a code. */
	char field[ST_WEDGE_CAP_MAX + 1];
	size_t field_len;
	bool field_trunc;
	bool help, quit;

	/* While st_tui_run() runs. */
	struct st_app *app;
	int rc;
};

/* tui_draw.c: redraw the whole screen from the model (and refresh). */
void tui_draw(struct st_tui *t);

/* tui_font.c: the 5x5 glyph of an upper-case letter (5 rows of 5 chars,
 * '#' set), or NULL for a character the font lacks. */
const char *const *tui_glyph(char c);
/* The banner's word for a state ("READY", ...). */
const char *tui_banner_word(enum tui_banner b);

#endif
