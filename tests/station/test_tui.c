/* The bench UI on a fake terminal: output to /dev/null (ncurses keeps the
 * screen in memory, read back with st_tui_screen_text()), input from a pipe.
 * Events are fed straight to st_tui_emit(), including the QC workflow's
 * (checklist, inspection, prompt); the run loop is driven with a real app on
 * a temporary database.  The tmux test (tests/e2e/test_tui.sh) drives the
 * real binary on a real terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <curses.h>

#include "st/app.h"
#include "st/err.h"
#include "st/import.h"
#include "st/tui.h"
#include "common/testutil.h"

struct fx {
	FILE *out, *in;
	int wfd;             /* write end of the input pipe */
	struct st_config cfg;
	struct st_tui *tui;
	char screen[1 << 16];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int p[2];

	assert_non_null(f);
	/* A known size and a UTF-8 locale, whatever ctest's environment is. */
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	assert_int_equal(pipe(p), 0);
	f->wfd = p[1];
	f->in = fdopen(p[0], "r");
	f->out = fopen("/dev/null", "w");
	assert_non_null(f->in);
	assert_non_null(f->out);
	st_config_defaults(&f->cfg);
	assert_int_equal(st_tui_open(&f->cfg, "xterm", f->out, f->in, &f->tui), ST_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	st_tui_free(f->tui);
	if (f->wfd >= 0)
		close(f->wfd);
	fclose(f->in);
	fclose(f->out);
	free(f);
	return 0;
}

static void emit(struct fx *f, const char *json)
{
	json_error_t e;
	json_t *ev = json_loads(json, 0, &e);

	if (!ev)
		fail_msg("bad test JSON: %s: %s", e.text, json);
	st_tui_emit(ev, f->tui);
	json_decref(ev);
}

static const char *screen(struct fx *f)
{
	st_tui_screen_text(f->tui, f->screen, sizeof(f->screen));
	return f->screen;
}

static void shows(struct fx *f, const char *text)
{
	if (!strstr(screen(f), text))
		fail_msg("'%s' is not on the screen:\n%s", text, f->screen);
}

static void lacks(struct fx *f, const char *text)
{
	if (strstr(screen(f), text))
		fail_msg("'%s' should not be on the screen:\n%s", text, f->screen);
}

static const char ev_order[] =
	"{\"event\":\"order\",\"order\":{\"number\":\"ORD-100231\",\"customer\":\"Maya Lindqvist\","
	"\"status\":\"open\",\"gift_box\":true,\"lines\":[{\"line_no\":1,\"quantity\":1,"
	"\"product\":{\"sku\":\"RG-SOL-14K\",\"name\":\"Solitaire ring\",\"category\":\"ring\"},"
	"\"options\":{\"size\":\"6.5\",\"engraving\":\"Te amo \xe2\x99\xa5\",\"chain_length_mm\":\"450\"},"
	"\"flags\":{\"final_sale\":true,\"custom\":false,\"personalized\":true}}]}}";

static const char ev_item[] =
	"{\"event\":\"item\",\"item\":{\"serial\":\"SN00001001\",\"status\":\"in_qc\",\"line_no\":1,"
	"\"product\":{\"sku\":\"RG-SOL-14K\",\"name\":\"Solitaire ring\",\"category\":\"ring\"}},"
	"\"order\":{\"number\":\"ORD-100231\",\"customer\":\"Maya Lindqvist\",\"cancelled\":true},"
	"\"line\":{\"line_no\":1,\"options\":{\"engraving\":\"Forever & Always\"},"
	"\"flags\":{\"custom_size\":true}}}";

static const char ev_checklist[] =
	"{\"event\":\"checklist\",\"item\":{\"serial\":\"SN00001001\"},\"category\":\"ring\","
	"\"version\":1,\"current\":1,\"prompt\":\"Scan PASS or FAIL for: Prongs\",\"checks\":["
	"{\"id\":\"stones_secure\",\"label\":\"Stones secure\",\"type\":\"pass_fail\",\"state\":\"pass\",\"detail\":null},"
	"{\"id\":\"prongs\",\"label\":\"Prongs\",\"type\":\"pass_fail\",\"state\":\"pending\",\"detail\":null},"
	"{\"id\":\"band\",\"label\":\"Band\",\"type\":\"pass_fail\",\"state\":\"fail\",\"detail\":\"crack\"},"
	"{\"id\":\"tag\",\"label\":\"Jewelry tag\",\"type\":\"pass_fail\",\"state\":\"skipped\",\"detail\":null}]}";

static void tui__login_order_item(void **state)
{
	struct fx *f = *state;

	emit(f, "{\"event\":\"ready\",\"station\":\"BENCH-7\",\"version\":\"0.1.0\"}");
	shows(f, "LOGIN");
	shows(f, "BENCH-7");
	shows(f, "Nobody logged in");
	emit(f, "{\"event\":\"scan\",\"input\":\"BADGE-0001\",\"source\":\"wedge\"}");
	emit(f, "{\"event\":\"login\",\"operator\":{\"badge\":\"BADGE-0001\",\"name\":\"Ana Ruiz\","
		"\"role\":\"inspector\"},\"session\":1}");
	shows(f, "READY");
	shows(f, "Operator: Ana Ruiz (inspector)");
	shows(f, "BADGE-0001  Logged in: Ana Ruiz");
	emit(f, "{\"event\":\"scan\",\"input\":\"ORD-100231\"}");
	emit(f, ev_order);
	shows(f, "Order ORD-100231");
	shows(f, "Maya Lindqvist");
	shows(f, "Engraving     \"Te amo \xe2\x99\xa5\"");
	shows(f, "Chain length  450 mm");
	shows(f, "FINAL SALE  PERSONALIZED");
	shows(f, "GIFT BOX");
	lacks(f, "CUSTOM  ");
	emit(f, "{\"event\":\"scan\",\"input\":\"SN00001001\"}");
	emit(f, ev_item);
	shows(f, "Item SN00001001");
	shows(f, "\"Forever & Always\"");
	shows(f, "CANCELLED");
	shows(f, "CUSTOM SIZE");
	/* Newest first in the log. */
	assert_true(strstr(screen(f), "SN00001001  Item") < strstr(f->screen, "ORD-100231  Order"));
	emit(f, "{\"event\":\"scan\",\"input\":\"09501101020916\"}");
	emit(f, "{\"event\":\"error\",\"code\":\"bad_barcode\",\"message\":\"bad check digit\"}");
	shows(f, "ERROR  bad check digit");
	emit(f, "{\"event\":\"notice\",\"code\":\"no_workflow\",\"message\":\"RMA stored\"}");
	shows(f, "READY  RMA stored");
	emit(f, "{\"event\":\"logout\",\"operator\":{\"name\":\"Ana Ruiz\"},\"reason\":\"command\"}");
	shows(f, "LOGIN");
	shows(f, "Logged out: Ana Ruiz");
	lacks(f, "Item SN00001001");
	/* Unknown events and events without a name change nothing. */
	emit(f, "{\"event\":\"from_the_future\"}");
	emit(f, "{}");
	shows(f, "LOGIN");
}

static void tui__checklist_and_inspection(void **state)
{
	struct fx *f = *state;

	emit(f, "{\"event\":\"login\",\"operator\":{\"name\":\"Ana Ruiz\",\"role\":\"inspector\"}}");
	emit(f, ev_item);
	emit(f, ev_checklist);
	shows(f, "INSPECT");
	shows(f, "Checklist ring v1  3/4");
	shows(f, "\xe2\x9c\x93 Stones secure");
	shows(f, "\xe2\x96\xb6 Prongs"); /* the current check */
	shows(f, "\xe2\x9c\x97 Band (crack)");
	shows(f, "- Jewelry tag");
	shows(f, "Scan PASS or FAIL for: Prongs");
	/* The checklist's item is the one shown: its order stays. */
	shows(f, "\"Forever & Always\"");
	emit(f, "{\"event\":\"prompt\",\"message\":\"Now scan the defect code\"}");
	shows(f, "Now scan the defect code");
	emit(f, "{\"event\":\"inspection\",\"result\":\"fail\",\"disposition\":\"rework\","
		"\"item\":{\"serial\":\"SN00001001\"},\"defects\":[{\"code\":\"LOOSE-STONE\","
		"\"severity\":\"major\"},{\"code\":\"SCRATCH\",\"severity\":\"minor\"}]}");
	shows(f, "FAIL  SN00001001 failed: LOOSE-STONE (major), SCRATCH (minor) -> rework");
	emit(f, "{\"event\":\"inspection\",\"result\":\"pass\",\"disposition\":null,"
		"\"item\":{\"serial\":\"SN00001002\"},\"defects\":[]}");
	shows(f, "PASS  SN00001002 passed");
	lacks(f, "Forever"); /* another piece: the old one's order is gone */
	/* The banner's block letters are on the screen too. */
	shows(f, "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88");
}

static void tui__resize(void **state)
{
	struct fx *f = *state;
	int rows = 0;

	emit(f, "{\"event\":\"login\",\"operator\":{\"name\":\"Ana Ruiz\",\"role\":\"inspector\"}}");
	emit(f, ev_order);
	assert_int_equal(resizeterm(40, 100), OK);
	emit(f, "{\"event\":\"prompt\",\"message\":\"bigger\"}");
	for (const char *p = screen(f); (p = strchr(p, '\n')); p++)
		rows++;
	assert_int_equal(rows, 40);
	shows(f, "bigger");
	shows(f, "Ana Ruiz");
	shows(f, "Te amo");
	/* Too small for anything: a message, no crash. */
	assert_int_equal(resizeterm(8, 20), OK);
	emit(f, "{\"event\":\"prompt\",\"message\":\"tiny\"}");
	shows(f, "qcstation: make the");
	/* Narrow but tall: no block letters, the word still shows. */
	assert_int_equal(resizeterm(30, 40), OK);
	emit(f, "{\"event\":\"prompt\",\"message\":\"narrow\"}");
	shows(f, "READY");
	assert_int_equal(resizeterm(24, 80), OK);
	emit(f, "{\"event\":\"prompt\",\"message\":\"back\"}");
	shows(f, "Order ORD-100231");
	/* A cut screen text is still a string. */
	assert_int_equal(st_tui_screen_text(f->tui, f->screen, 10), 8);
	assert_int_equal(strlen(f->screen), 8);
	assert_int_equal(st_tui_screen_text(f->tui, f->screen, 0), 0);
}

struct capture {
	json_t *events;
	struct st_tui *tui;
};

/* Keep every event, and show it. */
static void capture(json_t *ev, void *ud)
{
	struct capture *c = ud;

	json_array_append(c->events, ev);
	st_tui_emit(ev, c->tui);
}

static void tui__run_feeds_the_app(void **state)
{
	static const char doc[] =
		"{\"format\": \"qcstation-import\", \"version\": 1,"
		" \"operators\": [{\"badge\": \"BADGE-0001\", \"name\": \"Ana Ruiz\", \"role\": \"inspector\"}],"
		" \"products\": [{\"sku\": \"RG-1\", \"name\": \"Ring\", \"category\": \"ring\"}],"
		" \"orders\": [{\"number\": \"ORD-100231\", \"lines\": [{\"line_no\": 1, \"sku\": \"RG-1\","
		"   \"options\": {\"engraving\": \"Forever & Always\"}}]}]}";
	/* A scanner's burst; typing cut short by F2 (xterm's \eOQ); a
	 * Backspace and Enter (the typed line); a lone Esc at the end. */
	static const char input[] = "BADGE-0001\r" "ORD-1002311" "\x1bOQ" "\x7f" "\r" "\x1b";
	static const struct {
		const char *input, *source, *then;
	} want[] = {
		{ "BADGE-0001", "wedge", "login" },
		{ "CMD-PASS", "keyboard", "error" },
		{ "ORD-100231", "keyboard", "order" },
		{ "CMD-CANCEL", "keyboard", "notice" }, /* nothing open to cancel */
	};
	struct fx *f = *state;
	struct st_store_opts so = { .create = true };
	struct st_import_stats stats;
	struct st_store *store = NULL;
	struct st_app *app = NULL;
	volatile sig_atomic_t stop = 0;
	struct capture cap = { json_array(), f->tui };
	char dir[64], db[128], err[512];
	size_t i, k = 0;
	json_t *ev;

	assert_int_equal(qc_tmpdir_make(dir, sizeof(dir), "tui"), 0);
	snprintf(db, sizeof(db), "%s/s.db", dir);
	assert_int_equal(st_store_open(db, &so, &store, err, sizeof(err)), ST_OK);
	assert_int_equal(st_import_json(store, doc, sizeof(doc) - 1, "t", &stats, err, sizeof(err)),
			 ST_OK);
	{
		struct st_app_opts o = { .cfg = &f->cfg, .store = store, .emit = capture,
					 .emit_ud = &cap };

		assert_int_equal(st_app_new(&o, &app), ST_OK);
	}
	assert_int_equal(write(f->wfd, input, sizeof(input) - 1), (ssize_t)sizeof(input) - 1);
	close(f->wfd);
	f->wfd = -1;
	assert_int_equal(st_tui_run(f->tui, app, &stop), ST_OK); /* ends at end of input */
	json_array_foreach(cap.events, i, ev) {
		if (strcmp(json_string_value(json_object_get(ev, "event")), "scan"))
			continue;
		if (k >= sizeof(want) / sizeof(want[0]))
			fail_msg("an extra scan: %s", json_string_value(json_object_get(ev, "input")));
		assert_string_equal(json_string_value(json_object_get(ev, "input")), want[k].input);
		assert_string_equal(json_string_value(json_object_get(ev, "source")), want[k].source);
		assert_string_equal(json_string_value(json_object_get(json_array_get(cap.events, i + 1),
								      "event")), want[k].then);
		k++;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	shows(f, "Forever & Always");
	shows(f, "CMD-CANCEL");
	st_app_free(app);
	st_store_close(store);
	json_decref(cap.events);
	qc_tmpdir_remove(dir);
}

static void tui__no_terminal(void **state)
{
	struct st_config cfg;
	struct st_tui *t = (struct st_tui *)&cfg; /* must stay untouched */
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	(void)state;
	st_config_defaults(&cfg);
	assert_int_equal(st_tui_open(&cfg, "dumb", out, in, &t), ST_ERR_IO);
	assert_int_equal(st_tui_open(&cfg, "no-such-terminal-qc", out, in, &t), ST_ERR_IO);
	assert_ptr_equal(t, (struct st_tui *)&cfg);
	st_tui_free(NULL);
	fclose(out);
	fclose(in);
}

/* The print queue's "printer" events: the title bar says why labels wait
 * (the banner stays with the scans), the log keeps each change. */
static void tui__printer_state(void **state)
{
	struct fx *f = *state;

	emit(f, "{\"event\":\"ready\",\"station\":\"BENCH-1\"}");
	emit(f, "{\"event\":\"printer\",\"printer\":\"label\",\"state\":\"not_ready\","
		"\"reason\":\"paper out\",\"flags\":[\"paper_out\"],\"waiting\":3}");
	shows(f, "Printer: paper out (3)");
	shows(f, "printer label  not_ready: paper out (3 waiting)");
	shows(f, "Scan your operator badge"); /* the banner is the scans' */
	emit(f, "{\"event\":\"print\",\"job\":7,\"state\":\"uncertain\","
		"\"error\":\"the printer took nothing\"}");
	shows(f, "label job 7 uncertain: the printer took nothing");
	emit(f, "{\"event\":\"printer\",\"printer\":\"label\",\"state\":\"ready\","
		"\"reason\":\"\",\"flags\":[],\"waiting\":0}");
	lacks(f, "Printer: paper out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tui__login_order_item, setup, teardown),
		cmocka_unit_test_setup_teardown(tui__checklist_and_inspection, setup, teardown),
		cmocka_unit_test_setup_teardown(tui__resize, setup, teardown),
		cmocka_unit_test_setup_teardown(tui__printer_state, setup, teardown),
		cmocka_unit_test_setup_teardown(tui__run_feeds_the_app, setup, teardown),
		cmocka_unit_test(tui__no_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
