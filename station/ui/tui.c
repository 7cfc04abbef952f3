/* station/ui: the bench UI (st/tui.h): the terminal, the model the events
 * build, the input (wedge scans, typing, keys) and the run loop.  Drawing is
 * in tui_draw.c; this file never draws except by calling tui_draw().
 *
 * Keys send the same command codes a command barcode does (prefix + name,
 * source "keyboard"), so a key and a scan can never behave differently.
 */
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <wchar.h>

#include <term.h>

#include "st/err.h"
#include "st/tui.h"
#include "tui-int.h"

/* The longest the loop sleeps in poll(): a signal that lands just before
 * poll() is still seen this soon. */
#define TUI_POLL_MAX_MS 250

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *s(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static void set_text(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

/* Keep a private copy of a part of an event (events are borrowed). */
static void keep(json_t **slot, json_t *v)
{
	json_decref(*slot);
	*slot = json_is_object(v) ? json_deep_copy(v) : NULL;
}

static void add_log(struct st_tui *t, enum tui_log_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_log(struct st_tui *t, enum tui_log_kind kind, const char *fmt, ...)
{
	struct tui_log *l = &t->log[t->log_head];
	va_list ap;

	l->kind = kind;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
	t->log_head = (t->log_head + 1) % TUI_LOG_MAX;
	if (t->log_n < TUI_LOG_MAX)
		t->log_n++;
}

static void clear_task(struct st_tui *t)
{
	keep(&t->order, NULL);
	keep(&t->item, NULL);
	keep(&t->line, NULL);
	keep(&t->product, NULL);
	keep(&t->checklist, NULL);
}

static void set_banner(struct st_tui *t, enum tui_banner b, const char *msg)
{
	t->banner = b;
	set_text(t->banner_msg, sizeof(t->banner_msg), msg);
}

/* READY or LOGIN, whichever the login state calls for. */
static enum tui_banner idle_banner(const struct st_tui *t)
{
	return t->logged_in ? TUI_READY : TUI_LOGIN;
}

/* A checklist or inspection names its item: keep the one shown (with its
 * line and order) when it is the same piece, else show the new one. */
static void take_item(struct st_tui *t, json_t *item)
{
	if (!json_is_object(item))
		return;
	if (t->item && !strcmp(s(t->item, "serial"), s(item, "serial")))
		return;
	clear_task(t);
	keep(&t->item, item);
}

static void on_scan(struct st_tui *t, json_t *ev)
{
	const char *in = s(ev, "input");
	size_t i;

	t->verdict = false; /* a new step: its own outcome shows */
	/* Shown, not stored: control bytes (GS) become '?', long codes are cut. */
	for (i = 0; in[i] && i < sizeof(t->last_input) - 1; i++)
		t->last_input[i] = (unsigned char)in[i] < 0x20 ? '?' : in[i];
	t->last_input[i] = '\0';
}

static void on_item(struct st_tui *t, json_t *ev)
{
	json_t *it = json_object_get(ev, "item");

	clear_task(t);
	keep(&t->item, it);
	keep(&t->line, json_object_get(ev, "line"));
	keep(&t->order, json_object_get(ev, "order"));
	set_banner(t, TUI_READY, "");
	snprintf(t->banner_msg, sizeof(t->banner_msg), "Item %s", s(it, "serial"));
	add_log(t, TUI_LOG_OK, "%s  Item %s, %s", t->last_input, s(it, "status"),
		s(json_object_get(it, "product"), "name"));
}

static void on_checklist(struct st_tui *t, json_t *ev)
{
	take_item(t, json_object_get(ev, "item"));
	keep(&t->checklist, ev);
	set_banner(t, TUI_INSPECT, s(ev, "prompt"));
	set_text(t->prompt, sizeof(t->prompt), s(ev, "prompt"));
}

static void on_inspection(struct st_tui *t, json_t *ev)
{
	bool pass = !strcmp(s(ev, "result"), "pass");
	json_t *item = json_object_get(ev, "item"), *d;
	char msg[TUI_TEXT];
	size_t used, i;

	take_item(t, item);
	used = (size_t)snprintf(msg, sizeof(msg), "%s %s", s(item, "serial"),
				pass ? "passed" : "failed");
	json_array_foreach(json_object_get(ev, "defects"), i, d) {
		if (used < sizeof(msg))
			used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s %s (%s)",
						 i ? "," : ":", s(d, "code"), s(d, "severity"));
	}
	if (json_is_string(json_object_get(ev, "disposition")) && used < sizeof(msg))
		snprintf(msg + used, sizeof(msg) - used, " -> %s", s(ev, "disposition"));
	set_banner(t, pass ? TUI_PASS : TUI_FAIL, msg);
	t->verdict = true;
	t->prompt[0] = '\0';
	add_log(t, pass ? TUI_LOG_OK : TUI_LOG_BAD, "%s  %s", pass ? "PASS" : "FAIL", msg);
}

void st_tui_emit(json_t *ev, void *tui)
{
	struct st_tui *t = tui;
	const char *name = s(ev, "event");
	json_t *x;

	if (!strcmp(name, "ready")) {
		set_text(t->station, sizeof(t->station), s(ev, "station"));
		set_banner(t, idle_banner(t), "Scan your operator badge to log in");
	} else if (!strcmp(name, "scan")) {
		on_scan(t, ev);
	} else if (!strcmp(name, "login")) {
		x = json_object_get(ev, "operator");
		t->logged_in = true;
		clear_task(t);
		set_text(t->op_name, sizeof(t->op_name), s(x, "name"));
		set_text(t->op_role, sizeof(t->op_role), s(x, "role"));
		set_banner(t, TUI_READY, "");
		snprintf(t->banner_msg, sizeof(t->banner_msg), "Welcome, %s", t->op_name);
		t->prompt[0] = '\0';
		add_log(t, TUI_LOG_OK, "%s  Logged in: %s (%s)", t->last_input, t->op_name,
			t->op_role);
	} else if (!strcmp(name, "logout")) {
		add_log(t, TUI_LOG_OK, "%s  Logged out: %s", t->last_input,
			s(json_object_get(ev, "operator"), "name"));
		t->logged_in = false;
		t->op_name[0] = t->op_role[0] = '\0';
		clear_task(t);
		set_banner(t, TUI_LOGIN, "Scan your operator badge to log in");
		t->prompt[0] = '\0';
	} else if (!strcmp(name, "order")) {
		x = json_object_get(ev, "order");
		clear_task(t);
		keep(&t->order, x);
		set_banner(t, TUI_READY, "");
		snprintf(t->banner_msg, sizeof(t->banner_msg), "Order %s", s(x, "number"));
		t->prompt[0] = '\0';
		add_log(t, TUI_LOG_OK, "%s  Order, %zu line(s), %s", t->last_input,
			json_array_size(json_object_get(x, "lines")), s(x, "status"));
	} else if (!strcmp(name, "item")) {
		on_item(t, ev);
		t->prompt[0] = '\0';
	} else if (!strcmp(name, "product")) {
		x = json_object_get(ev, "product");
		clear_task(t);
		keep(&t->product, x);
		set_banner(t, TUI_READY, "");
		snprintf(t->banner_msg, sizeof(t->banner_msg), "Product %s", s(x, "sku"));
		t->prompt[0] = '\0';
		add_log(t, TUI_LOG_OK, "%s  Product %s", t->last_input, s(x, "name"));
	} else if (!strcmp(name, "notice")) {
		/* The PASS / FAIL of a finished inspection stays up; what
		 * follows it in the same step only goes to the log. */
		if (!t->verdict)
			set_banner(t, idle_banner(t), s(ev, "message"));
		add_log(t, TUI_LOG_INFO, "%s  %s", t->last_input, s(ev, "message"));
	} else if (!strcmp(name, "error")) {
		if (!t->verdict)
			set_banner(t, TUI_ERROR, s(ev, "message"));
		add_log(t, TUI_LOG_BAD, "%s  %s", t->last_input, s(ev, "message"));
	} else if (!strcmp(name, "check")) {
		add_log(t, strcmp(s(ev, "result"), "fail") ? TUI_LOG_OK : TUI_LOG_BAD, "%s  %s",
			t->last_input, s(ev, "message"));
	} else if (!strcmp(name, "evidence")) {
		add_log(t, TUI_LOG_OK, "photo  %s attached to %s", s(ev, "path"), s(ev, "serial"));
	} else if (!strcmp(name, "checklist")) {
		on_checklist(t, ev);
	} else if (!strcmp(name, "inspection")) {
		on_inspection(t, ev);
	} else if (!strcmp(name, "prompt")) {
		set_text(t->prompt, sizeof(t->prompt), s(ev, "message"));
	} else if (!strcmp(name, "selftest")) {
		/* The scanner self-test (st/selftest.h): the verdict up top,
		 * each finding and fix in the log. */
		bool ok = json_is_true(json_object_get(ev, "ok"));
		json_t *f;
		size_t i;

		set_banner(t, ok ? TUI_READY : TUI_ERROR,
			   ok ? "Scanner self-test: all good" : "Scanner self-test: see the log");
		json_array_foreach(json_object_get(ev, "findings"), i, f) {
			add_log(t, ok ? TUI_LOG_OK : TUI_LOG_BAD, "self-test  %s", s(f, "message"));
			if (*s(f, "fix"))
				add_log(t, TUI_LOG_INFO, "  fix: %s", s(f, "fix"));
		}
	} else if (!strcmp(name, "printer")) {
		/* Printing never takes the banner: the title bar and the log say
		 * why labels wait. */
		if (strcmp(s(ev, "state"), "ready"))
			snprintf(t->printer_msg, sizeof(t->printer_msg), "Printer: %s (%lld)",
				 *s(ev, "reason") ? s(ev, "reason") : s(ev, "state"),
				 (long long)json_integer_value(json_object_get(ev, "waiting")));
		else
			t->printer_msg[0] = '\0';
		add_log(t, strcmp(s(ev, "state"), "ready") ? TUI_LOG_BAD : TUI_LOG_INFO,
			"printer %s  %s%s%s (%lld waiting)", s(ev, "printer"), s(ev, "state"),
			*s(ev, "reason") ? ": " : "", s(ev, "reason"),
			(long long)json_integer_value(json_object_get(ev, "waiting")));
	} else if (!strcmp(name, "print") && !strcmp(s(ev, "state"), "queued")) {
		/* The QC tag the station queued with an inspection ([printer]
		 * qc_tag): printed from the loop, never waited for. */
		add_log(t, TUI_LOG_INFO, "QC tag %s queued: label job %lld", s(ev, "entity"),
			(long long)json_integer_value(json_object_get(ev, "job")));
	} else if (!strcmp(name, "print") && !strcmp(s(ev, "state"), "not_queued")) {
		add_log(t, TUI_LOG_BAD, "no QC tag for %s: %s", s(ev, "entity"), s(ev, "error"));
	} else if (!strcmp(name, "print")) {
		add_log(t, strcmp(s(ev, "state"), "done") ? TUI_LOG_BAD : TUI_LOG_INFO,
			"label job %lld %s%s%s", (long long)json_integer_value(json_object_get(ev, "job")),
			s(ev, "state"), *s(ev, "error") ? ": " : "", s(ev, "error"));
	} else if (!strcmp(name, "shutdown")) {
		t->shutdown_seen = true;
		t->shutdown_scans = (long long)json_integer_value(json_object_get(ev, "scans"));
		return; /* the screen is about to go */
	} else {
		return;
	}
	tui_draw(t);
}

void st_tui_log(int level, const char *msg, void *tui)
{
	struct st_tui *t = tui;

	if (level > LOG_WARNING)
		return;
	add_log(t, level < LOG_WARNING ? TUI_LOG_BAD : TUI_LOG_INFO, "%s: %s",
		level < LOG_WARNING ? "error" : "warning", msg);
	tui_draw(t);
}

/* Whether terminfo knows term (NULL = $TERM) and it has cursor addressing
 * (TERM=dumb has not: no screen to lay out).  Asked without a screen,
 * because a failed newterm() keeps memory it never gives back. */
static bool usable(const char *term, int fd)
{
	TERMINAL *prev = cur_term;
	char *cup;
	int err = 0;
	bool ok;

	if (setupterm(term, fd, &err) != OK)
		return false;
	cup = tigetstr("cup");
	ok = cup && cup != (char *)-1;
	del_curterm(cur_term);
	set_curterm(prev);
	return ok;
}

int st_tui_open(const struct st_config *cfg, const char *term, FILE *out, FILE *in,
		struct st_tui **outp)
{
	struct st_tui *t = calloc(1, sizeof(*t));
	const char *cs;

	if (!t)
		return ST_ERR_NOMEM;
	t->out = out;
	t->in = in;
	t->in_fd = fileno(in);
	set_text(t->prefix, sizeof(t->prefix), cfg->patterns.command_prefix);
	set_text(t->station, sizeof(t->station), cfg->station_code);
	st_wedge_init(&t->wedge, cfg->wedge_gap_ms,
		      cfg->wedge_terminator == 't' ? ST_WEDGE_TERM_TAB : ST_WEDGE_TERM_ENTER,
		      cfg->scan_max);
	/* The wide-character ncurses shows what the locale's character set
	 * can: "Te amo ♥" needs a UTF-8 locale (LANG=C.UTF-8 or the like).
	 * Only LC_CTYPE: numbers and messages stay in the C locale. */
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	t->utf8 = cs && !strcmp(cs, "UTF-8");
	if (usable(term, fileno(out)))
		t->scr = newterm(term, out, in);
	if (!t->scr) {
		free(t);
		return ST_ERR_IO;
	}
	set_term(t->scr);
	cbreak(); /* Ctrl-C still signals; Ctrl-D is a byte */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	if (has_colors() && start_color() == OK) {
		short bg = COLOR_BLACK;

		t->color = true;
		if (use_default_colors() == OK)
			bg = -1;
		init_pair(TUI_LOGIN + 1, COLOR_WHITE, COLOR_BLUE);
		init_pair(TUI_READY + 1, COLOR_WHITE, COLOR_BLUE);
		init_pair(TUI_INSPECT + 1, COLOR_BLACK, COLOR_CYAN);
		init_pair(TUI_PASS + 1, COLOR_BLACK, COLOR_GREEN);
		init_pair(TUI_FAIL + 1, COLOR_WHITE, COLOR_RED);
		init_pair(TUI_ERROR + 1, COLOR_BLACK, COLOR_YELLOW);
		init_pair(TUI_PAIR_OK, COLOR_GREEN, bg);
		init_pair(TUI_PAIR_BAD, COLOR_RED, bg);
		init_pair(TUI_PAIR_FLAG, COLOR_YELLOW, bg);
	}
	t->banner = TUI_LOGIN;
	set_text(t->banner_msg, sizeof(t->banner_msg), "Starting");
	tui_draw(t);
	*outp = t;
	return ST_OK;
}

int st_tui_new(const struct st_config *cfg, struct st_tui **out)
{
	return st_tui_open(cfg, NULL, stdout, stdin, out);
}

void st_tui_free(struct st_tui *t)
{
	if (!t)
		return;
	set_term(t->scr);
	endwin();
	delscreen(t->scr);
	clear_task(t);
	if (t->shutdown_seen) {
		fprintf(t->out, "qcstation: %lld scans stored this session.\n", t->shutdown_scans);
		fflush(t->out);
	}
	free(t);
}

/* ---- input ---------------------------------------------------------- */

static void scan(struct st_tui *t, const char *b, size_t n, bool truncated, const char *source)
{
	int rc = st_app_scan(t->app, (const uint8_t *)b, n, truncated, source);

	if (rc < 0 && t->rc == ST_OK)
		t->rc = rc;
}

/* A key's command: exactly the bytes of the command barcode. */
static void command(struct st_tui *t, const char *name)
{
	char code[64];
	int n = snprintf(code, sizeof(code), "%s%s", t->prefix, name);

	scan(t, code, (size_t)n, false, "keyboard");
}

static void field_clear(struct st_tui *t)
{
	t->field_len = 0;
	t->field[0] = '\0';
	t->field_trunc = false;
}

static void field_submit(struct st_tui *t)
{
	char code[sizeof(t->field)];
	size_t n = t->field_len;
	bool trunc = t->field_trunc;

	if (!n)
		return;
	memcpy(code, t->field, n);
	field_clear(t); /* before the scan: its events redraw the screen */
	scan(t, code, n, trunc, "keyboard");
}

static void field_backspace(struct st_tui *t)
{
	/* One character, not one byte: drop UTF-8 continuation bytes too. */
	while (t->field_len > 0 && ((unsigned char)t->field[t->field_len - 1] & 0xc0) == 0x80)
		t->field_len--;
	if (t->field_len > 0)
		t->field_len--;
	t->field[t->field_len] = '\0';
}

static void field_add(struct st_tui *t, unsigned char c)
{
	if (c == 0x7f || c == 0x08) {
		field_backspace(t);
		return;
	}
	if (c < 0x20 && c != 0x1d)
		return;
	if (t->field_len >= t->wedge.cap) {
		t->field_trunc = true;
		return;
	}
	t->field[t->field_len++] = (char)c;
	t->field[t->field_len] = '\0';
}

/* Keys (function keys, control bytes, single letters on an empty line). */
static void on_key(struct st_tui *t, int k)
{
	switch (k) {
	case KEY_F(2):
	case 'p':
		command(t, "PASS");
		break;
	case KEY_F(3):
	case 'f':
		command(t, "FAIL");
		break;
	case KEY_F(4):
	case 'a':
		command(t, "PASS-ALL");
		break;
	case KEY_F(8):
		command(t, "LOGOUT");
		break;
	case 0x1b: /* Esc: first the typed line, then the task */
		if (t->field_len)
			field_clear(t);
		else
			command(t, "CANCEL");
		break;
	case KEY_F(10):
	case 0x04: /* Ctrl-D */
	case 'q':
		t->quit = true;
		break;
	case KEY_F(1):
	case '?':
		t->help = !t->help;
		break;
	case '\r':
	case '\n':
		field_submit(t);
		break;
	case '\t':
		if (t->wedge.term == ST_WEDGE_TERM_TAB)
			field_submit(t);
		break;
	case 0x7f:
	case 0x08:
	case KEY_BACKSPACE:
		field_backspace(t);
		break;
	case 0x15: /* Ctrl-U */
		field_clear(t);
		break;
	case 0x0c: /* Ctrl-L */
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

static bool is_shortcut(int c)
{
	return c == 'p' || c == 'f' || c == 'a' || c == 'q' || c == '?';
}

static void on_outcome(struct st_tui *t, const struct st_wedge_out *o)
{
	switch (o->kind) {
	case ST_WEDGE_SCAN:
		scan(t, o->data, o->len, o->truncated, "wedge");
		break;
	case ST_WEDGE_TEXT:
		/* A letter typed alone on an empty line is a key; anything
		 * longer (or a line being typed) is text. */
		if (o->len == 1 && !t->field_len && is_shortcut((unsigned char)o->data[0])) {
			on_key(t, (unsigned char)o->data[0]);
			break;
		}
		for (size_t i = 0; i < o->len; i++)
			field_add(t, (unsigned char)o->data[i]);
		if (o->truncated)
			t->field_trunc = true;
		break;
	case ST_WEDGE_KEY:
		on_key(t, o->key);
		break;
	}
}

static void feed(struct st_tui *t, int c, int64_t now)
{
	struct st_wedge_out o[2];
	int n;

	if (c == KEY_ENTER)
		c = '\r'; /* keypad Enter: some scanners' suffix */
	n = st_wedge_feed(&t->wedge, c, now, o);
	for (int i = 0; i < n; i++)
		on_outcome(t, &o[i]);
}

/* Read what ncurses has; returns how many inputs there were. */
static int drain(struct st_tui *t)
{
	int c, got = 0;

	while (!t->quit) {
		c = getch();
		if (c == ERR)
			break;
		got++;
		if (c == KEY_RESIZE)
			continue; /* ncurses has the new size; the redraw below lays out */
		feed(t, c, mono_ms());
	}
	return got;
}

int st_tui_run(struct st_tui *t, struct st_app *app, const volatile sig_atomic_t *stop)
{
	struct st_wedge_out o;

	set_term(t->scr);
	nodelay(stdscr, TRUE);
	t->app = app;
	t->rc = ST_OK;
	tui_draw(t);
	while (!*stop && !t->quit) {
		/* The terminal, the watched photo folder and USB devices. */
		struct pollfd pf[32] = { { .fd = t->in_fd, .events = POLLIN } };
		struct pollfd p;
		int nf = st_app_pollfds(app, pf + 1, 31);
		int wait = st_wedge_wait_ms(&t->wedge, mono_ms()), r, got;
		int app_wait = st_app_timeout_ms(app);

		if (wait < 0 || wait > TUI_POLL_MAX_MS)
			wait = TUI_POLL_MAX_MS;
		if (app_wait >= 0 && app_wait < wait)
			wait = app_wait;
		r = poll(pf, (nfds_t)nf + 1, wait);
		p = pf[0];
		if (nf > 0) {
			for (int i = 1; i <= nf && r > 0; i++)
				if (pf[i].revents)
					r -= 1;
			st_app_dispatch(app);
		}
		if (r < 0 && errno != EINTR) {
			t->rc = ST_ERR_IO;
			break;
		}
		/* Also after a timeout or a signal: ncurses may hold input of
		 * its own (KEY_RESIZE after SIGWINCH). */
		got = drain(t);
		if (st_wedge_tick(&t->wedge, mono_ms(), &o))
			on_outcome(t, &o);
		/* Readable or hung up, yet nothing to read: end of input. */
		if (r > 0 && !got && (p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
			break;
		tui_draw(t);
	}
	if (st_wedge_tick(&t->wedge, INT64_MAX, &o) && !t->quit)
		on_outcome(t, &o);
	t->app = NULL;
	return t->rc;
}

size_t st_tui_screen_text(struct st_tui *t, char *buf, size_t cap)
{
	wchar_t row[1024];
	size_t used = 0;
	mbstate_t ps;
	char mb[MB_LEN_MAX];

	if (!cap)
		return 0;
	set_term(t->scr);
	for (int y = 0; y < LINES; y++) {
		int n = mvinnwstr(y, 0, row, COLS < 1023 ? COLS : 1023);

		for (int i = 0; i < n; i++) {
			size_t k;

			memset(&ps, 0, sizeof(ps));
			k = wcrtomb(mb, row[i], &ps);
			if (k == (size_t)-1) {
				mb[0] = '?';
				k = 1;
			}
			if (used + k + 2 > cap)
				goto out;
			memcpy(buf + used, mb, k);
			used += k;
		}
		if (used + 2 > cap)
			goto out;
		buf[used++] = '\n';
	}
out:
	buf[used] = '\0';
	return used;
}
