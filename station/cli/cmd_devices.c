/* station/cli: "qcstation devices [--json] [--watch]", "devices bind ROLE"
 * and "devices test".
 *
 * What USB devices the station would use: identity key, VID:PID, serial,
 * port, driver, class and the role the config binds to it.  --watch stays
 * and prints each attach, detach, scan, button and weight as a line until
 * SIGINT (a bench check: "does the pedal reach the station?").
 *
 * bind waits for the next scan or button press from any device and writes
 * "ROLE = KEY" into [devices] of the config file (st_config_set(), then a
 * temp file, fsync and rename, so a crash leaves the old file or the new
 * one, never half of one).  test waits for one scan (USB or stdin) and
 * prints the self-test diagnosis (st/selftest.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"
#include "fh/io.h"
#include "fh/scanner.h"
#include "st/config_write.h"
#include "st/err.h"
#include "st/log.h"
#include "st/selftest.h"
#include "cli-int.h"

#define WATCH_POLL_MAX_MS 200 /* a SIGINT between checks is seen this soon */
#define RESCAN_MS 1000
#define WAIT_S_DEFAULT 30  /* bind, test: how long to wait for a scan */
#define WAIT_S_MAX 3600

static void log_warn(int level, const char *msg, void *ud)
{
	(void)ud;
	if (level <= LOG_WARNING)
		st_log_stderr(level, msg, NULL);
}

/* As the station does (app_devices.c): a boot keyboard is taken only when
 * [devices] binds it to a role, so listing never steals the bench's own
 * keyboard from the console. */
struct usb_session {
	const struct qc_cli *c;
	bool all_keyboards; /* bind/test --keyboards: take every boot keyboard */
	struct fh_ctx *ctx;
	struct fh_usb *usb;
};

static bool claim_keyboard(const struct fh_identity *id, const char *driver, void *ud)
{
	const struct usb_session *s = ud;
	char key[ST_CONFIG_DEVKEY_MAX];

	(void)driver;
	if (s->all_keyboards)
		return true;
	if (fh_identity_key(id, key, sizeof(key)) < 0)
		return false;
	return st_config_role_of(&s->c->cfg, key) != NULL;
}

static json_t *dev_json(const struct qc_cli *c, const struct fh_usb_device *d)
{
	char key[ST_CONFIG_DEVKEY_MAX], vidpid[10];

	if (fh_identity_key(&d->id, key, sizeof(key)) < 0)
		key[0] = '\0';
	snprintf(vidpid, sizeof(vidpid), "%04x:%04x", d->id.vid, d->id.pid);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?}", "device", key, "vid_pid", vidpid,
			 "serial", d->id.serial, "port", d->id.port, "driver", d->driver, "class",
			 fh_class_name(d->cls), "role", st_config_role_of(&c->cfg, key));
}

static void list(const struct qc_cli *c, struct fh_usb *usb, bool json)
{
	struct fh_usb_device d[64];
	int n = fh_usb_devices(usb, d, sizeof(d) / sizeof(d[0]));
	json_t *arr = json_array();

	if (n > (int)(sizeof(d) / sizeof(d[0])))
		n = (int)(sizeof(d) / sizeof(d[0]));
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, dev_json(c, &d[i]));
	if (json) {
		json_t *o = json_pack("{s:o}", "devices", arr);

		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		size_t i;
		json_t *e;

		if (n == 0)
			printf("no USB device a driver knows is attached\n");
		json_array_foreach(arr, i, e)
			printf("%-28s %s  serial %-12s port %-8s %-16s %-8s %s\n",
			       json_string_value(json_object_get(e, "device")),
			       json_string_value(json_object_get(e, "vid_pid")),
			       *json_string_value(json_object_get(e, "serial"))
				       ? json_string_value(json_object_get(e, "serial"))
				       : "-",
			       json_string_value(json_object_get(e, "port")),
			       json_string_value(json_object_get(e, "driver")),
			       json_string_value(json_object_get(e, "class")),
			       json_object_get(e, "role")
				       ? json_string_value(json_object_get(e, "role"))
				       : "(no role)");
		json_decref(arr);
	}
	fflush(stdout);
}

/* One event as a line: JSON, or "attached 0c2e:0b61:SN1 hid-pos-scanner". */
static void print_event(const struct qc_cli *c, struct fh_usb *usb, const struct fh_event *ev,
			bool json)
{
	static const char *const kind[] = { "none", "scan", "weight", "button", "attached",
					     "detached" };
	char key[ST_CONFIG_DEVKEY_MAX], name[32] = "";
	const char *role, *driver = NULL;
	json_t *o, *data;

	if (fh_identity_key(&ev->dev, key, sizeof(key)) < 0)
		key[0] = '\0';
	role = st_config_role_of(&c->cfg, key);
	o = json_pack("{s:s, s:s, s:s*}", "event", kind[ev->kind <= FH_EV_DETACHED ? ev->kind : 0],
		      "device", key, "role", role);
	switch (ev->kind) {
	case FH_EV_SCAN:
		json_object_set_new(o, "aim", json_string(ev->scan.aim));
		/* Not UTF-8 (a misconfigured scanner): null; the text line shows it. */
		data = json_stringn((const char *)ev->scan.data, ev->scan.len);
		json_object_set_new(o, "data", data ? data : json_null());
		if (ev->scan.truncated)
			json_object_set_new(o, "truncated", json_true());
		break;
	case FH_EV_WEIGHT:
		json_object_set_new(o, "weight_mg", json_integer(ev->weight.weight_mg));
		json_object_set_new(o, "stable", json_boolean(ev->weight.stable));
		break;
	case FH_EV_BUTTON: {
		const char *cmd = fh_buttons_map_lookup(&c->cfg.button_map, ev->button.index);

		fh_buttons_name(ev->button.index, name, sizeof(name));
		json_object_set_new(o, "button", json_string(name));
		json_object_set_new(o, "pressed", json_boolean(ev->button.pressed));
		json_object_set_new(o, "command", cmd ? json_string(cmd) : json_null());
		break;
	}
	case FH_EV_ATTACHED: {
		struct fh_dev *dev = fh_usb_dev_find(usb, &ev->dev);

		driver = dev ? fh_dev_driver_name(dev) : NULL;
		json_object_set_new(o, "driver", driver ? json_string(driver) : json_null());
		json_object_set_new(o, "class", json_string(fh_class_name(ev->dev.cls)));
		break;
	}
	default:
		break;
	}
	if (json) {
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		putchar('\n');
	} else {
		printf("%s %s", json_string_value(json_object_get(o, "event")), key);
		if (ev->kind == FH_EV_SCAN)
			printf(" %s%.*s", ev->scan.aim, (int)ev->scan.len, (const char *)ev->scan.data);
		else if (ev->kind == FH_EV_WEIGHT)
			printf(" %ld mg%s", (long)ev->weight.weight_mg,
			       ev->weight.stable ? "" : " (in motion)");
		else if (ev->kind == FH_EV_BUTTON)
			printf(" %s %s", name, ev->button.pressed ? "down" : "up");
		else if (driver)
			printf(" %s", driver);
		if (role)
			printf(" (%s)", role);
		putchar('\n');
	}
	json_decref(o);
	fflush(stdout);
}

static int64_t mono_ms(struct fh_ctx *ctx)
{
	return fh_ctx_now_ms(ctx);
}

static int watch(const struct qc_cli *c, struct fh_ctx *ctx, struct fh_usb *usb, bool json)
{
	static struct fh_event ev; /* 4 KiB: not on the stack */
	int64_t rescan_at = mono_ms(ctx) + RESCAN_MS;

	while (!*c->stop) {
		struct pollfd fds[32];
		int n = fh_usb_pollfds(usb, fds, 32), t = fh_usb_timeout_ms(usb);

		if (n < 0)
			n = 0;
		if (n > 32)
			n = 32;
		if (t < 0 || t > WATCH_POLL_MAX_MS)
			t = WATCH_POLL_MAX_MS;
		if (poll(fds, (nfds_t)n, t) < 0 && errno != EINTR)
			return QC_EXIT_IOERR;
		if (!fh_usb_hotplug(usb) && mono_ms(ctx) >= rescan_at) {
			fh_usb_rescan(usb);
			rescan_at = mono_ms(ctx) + RESCAN_MS;
		}
		while (fh_usb_dispatch(usb, &ev) == 1)
			print_event(c, usb, &ev, json);
	}
	return QC_EXIT_OK;
}

/* Start libusb and open the devices; an exit status (0 = s is ready). */
static int usb_open(struct usb_session *s)
{
	struct fh_config fc = { .log = log_warn, .claim_keyboard = claim_keyboard, .claim_ud = s };
	int rc = fh_ctx_new(&fc, &s->ctx);

	if (rc == FH_OK)
		rc = fh_usb_new(s->ctx, &s->usb);
	if (rc == FH_OK)
		return QC_EXIT_OK;
	if (access("/dev/bus/usb", F_OK) != 0)
		qc_err("USB is unavailable: %s (there is no /dev/bus/usb here)", fh_strerror(rc));
	else if (access("/dev/bus/usb", R_OK | X_OK) != 0 && errno == EACCES)
		qc_err("USB is unavailable: permission denied on /dev/bus/usb; install "
		       "firmware-host/udev/70-qcstation.rules (scripts/install-udev) and add "
		       "the user to group qcstation (docs/devices.md, Troubleshooting)");
	else
		qc_err("USB is unavailable: %s", fh_strerror(rc));
	fh_ctx_free(s->ctx);
	s->ctx = NULL;
	return rc == FH_ERR_NOMEM ? QC_EXIT_OSERR : QC_EXIT_UNAVAILABLE;
}

static void usb_close(struct usb_session *s)
{
	fh_usb_free(s->usb);
	fh_ctx_free(s->ctx);
	s->usb = NULL;
	s->ctx = NULL;
}

static int devices(struct qc_cli *c, bool json, bool watching)
{
	struct usb_session s = { .c = c };
	int rc = usb_open(&s);

	if (rc != QC_EXIT_OK)
		return rc;
	if (watching) {
		/* The devices already attached come first, as "attached" lines. */
		rc = watch(c, s.ctx, s.usb, json);
	} else {
		list(c, s.usb, json);
		rc = QC_EXIT_OK;
	}
	usb_close(&s);
	return rc;
}

/* ---- waiting for one scan or press ------------------------------------------ */

/* The next event wanted by want() within deadline_ms (fh clock), as a UI
 * loop gets it; stdin_fd >= 0 is polled too (then 2 is returned when it is
 * readable).  1 with *ev, 0 on timeout, -1 when interrupted (SIGINT). */
typedef bool want_fn(const struct fh_event *ev);

static int wait_event(struct usb_session *s, int64_t deadline_ms, int stdin_fd, want_fn *want,
		      struct fh_event *ev)
{
	int64_t rescan_at = fh_ctx_now_ms(s->ctx) + RESCAN_MS;

	for (;;) {
		struct pollfd fds[33];
		int n, t, left;

		while (s->usb && fh_usb_dispatch(s->usb, ev) == 1)
			if (want(ev))
				return 1;
		if (*s->c->stop)
			return -1;
		left = (int)(deadline_ms - fh_ctx_now_ms(s->ctx));
		if (left <= 0)
			return 0;
		n = s->usb ? fh_usb_pollfds(s->usb, fds, 32) : 0;
		if (n < 0)
			n = 0;
		if (n > 32)
			n = 32;
		if (stdin_fd >= 0) {
			fds[n].fd = stdin_fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
		t = s->usb ? fh_usb_timeout_ms(s->usb) : -1;
		if (t < 0 || t > WATCH_POLL_MAX_MS)
			t = WATCH_POLL_MAX_MS;
		if (t > left)
			t = left;
		if (poll(fds, (nfds_t)n, t) < 0 && errno != EINTR)
			return 0;
		if (stdin_fd >= 0 && (fds[n - 1].revents & (POLLIN | POLLHUP)))
			return 2;
		if (s->usb && !fh_usb_hotplug(s->usb) && fh_ctx_now_ms(s->ctx) >= rescan_at) {
			fh_usb_rescan(s->usb);
			rescan_at = fh_ctx_now_ms(s->ctx) + RESCAN_MS;
		}
	}
}

/* "--timeout SECONDS" at argv[*i]: 1..WAIT_S_MAX.  1 when consumed, 0 when
 * argv[*i] is something else, -1 after a usage error. */
static int timeout_opt(int argc, char **argv, int *i, const char *cmd, int *seconds)
{
	const char *v;
	char *end;
	long n;

	if (strcmp(argv[*i], "--timeout") && strncmp(argv[*i], "--timeout=", 10))
		return 0;
	if (argv[*i][9] == '=') {
		v = argv[*i] + 10;
	} else {
		if (*i + 1 >= argc) {
			qc_err("devices %s: --timeout needs a number of seconds", cmd);
			return -1;
		}
		v = argv[++*i];
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > WAIT_S_MAX) {
		qc_err("devices %s: --timeout is whole seconds, 1 to %d, not '%s'", cmd, WAIT_S_MAX,
		       v);
		return -1;
	}
	*seconds = (int)n;
	return 1;
}

/* The config file bind writes: --config, else $QCSTATION_CONFIG, else the
 * default; a symbolic link is followed (the file it names is replaced). */
static const char *config_path(const struct qc_cli *c, char *buf, size_t cap)
{
	const char *p = c->config_path ? c->config_path : getenv("QCSTATION_CONFIG");
	char real[PATH_MAX];

	if (!p || !*p)
		p = ST_CONFIG_DEFAULT_PATH;
	if (realpath(p, real))
		p = real;
	snprintf(buf, cap, "%s", p);
	return buf;
}

/* Read path whole (a missing file reads as ""); 0, or an exit status
 * after printing why. */
static int read_text(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0;

	*out = NULL;
	*len = 0;
	if (!f) {
		if (errno != ENOENT) {
			qc_err("%s: %s", path, strerror(errno));
			return QC_EXIT_NOINPUT;
		}
		*out = calloc(1, 1);
		return *out ? QC_EXIT_OK : QC_EXIT_OSERR;
	}
	b = malloc(ST_CONFIG_TEXT_MAX + 2);
	if (b)
		n = fread(b, 1, ST_CONFIG_TEXT_MAX + 1, f);
	if (!b || ferror(f) || n > ST_CONFIG_TEXT_MAX) {
		qc_err("%s: %s", path, !b ? "out of memory" : ferror(f) ? strerror(errno)
								: "larger than 1 MiB");
		free(b);
		fclose(f);
		return !b ? QC_EXIT_OSERR : QC_EXIT_IOERR;
	}
	fclose(f);
	if (memchr(b, '\0', n)) {
		qc_err("%s: holds a NUL byte; not a station config, nothing was written", path);
		free(b);
		return QC_EXIT_CONFIG;
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return QC_EXIT_OK;
}

/* Replace path with text[0..n) atomically: a temp file in the same folder
 * (the old file's permissions and, where allowed, owner), fsync, rename
 * over path, fsync the folder.
 * 0, or an exit status after printing why; the temp file never stays. */
static int write_atomic(const char *path, const char *text, size_t n)
{
	char tmp[PATH_MAX + 16], dir[PATH_MAX];
	struct stat st;
	mode_t mode = 0644;
	bool had = false;
	size_t off = 0;
	char *slash;
	int fd, dfd, rc = QC_EXIT_OK;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		qc_err("%s: path too long", path);
		return QC_EXIT_CANTCREAT;
	}
	if (stat(path, &st) == 0) {
		mode = st.st_mode & 07777;
		had = true;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		qc_err("cannot write beside %s: %s (another --config, or run as a user who may "
		       "write there)", path, strerror(errno));
		return QC_EXIT_CANTCREAT;
	}
	while (off < n) {
		ssize_t w = write(fd, text + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	/* The old file's owner too (root editing a root:qcstation file);
	 * only root may, and a failure leaves the caller's, as any new file. */
	if (had && fchown(fd, st.st_uid, st.st_gid) != 0)
		errno = 0;
	if (off < n || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		qc_err("%s: %s", tmp, strerror(errno));
		rc = QC_EXIT_IOERR;
	}
	if (close(fd) != 0 && rc == QC_EXIT_OK) {
		qc_err("%s: %s", tmp, strerror(errno));
		rc = QC_EXIT_IOERR;
	}
	if (rc == QC_EXIT_OK && rename(tmp, path) != 0) {
		qc_err("cannot replace %s: %s", path, strerror(errno));
		rc = QC_EXIT_CANTCREAT;
	}
	if (rc != QC_EXIT_OK) {
		unlink(tmp);
		return rc;
	}
	/* The rename itself must survive a power cut. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return QC_EXIT_OK;
}

/* ---- devices bind --------------------------------------------------------------- */

static bool bind_wanted(const struct fh_event *ev)
{
	return ev->kind == FH_EV_SCAN || (ev->kind == FH_EV_BUTTON && ev->button.pressed);
}

/* Bind role to key in the file at path: this role's line replaced, other
 * roles bound to the same device unbound (a device has one role).  The
 * result must load as a config before it is written. */
static int bind_write(const char *path, const char *role, const char *key, char *old,
		      size_t oldcap, json_t *unbound)
{
	struct st_config *cfg = NULL;
	struct st_config_edit e;
	char *text = NULL, *next = NULL, err[600];
	size_t n, nn;
	int rc = read_text(path, &text, &n);

	if (rc != QC_EXIT_OK)
		return rc;
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		rc = QC_EXIT_OSERR;
		goto out;
	}
	if (st_config_parse(cfg, text, path, err, sizeof(err)) != ST_OK) {
		qc_err("%s; fix it first, nothing was written", err);
		rc = QC_EXIT_CONFIG;
		goto out;
	}
	for (unsigned i = 0; i < cfg->n_roles; i++) {
		if (strcmp(cfg->roles[i].key, key) || !strcmp(cfg->roles[i].role, role))
			continue;
		if (st_config_set(text, n, "devices", cfg->roles[i].role, NULL, &next, &nn, NULL)) {
			rc = QC_EXIT_OSERR;
			goto out;
		}
		json_array_append_new(unbound, json_string(cfg->roles[i].role));
		free(text);
		text = next;
		n = nn;
	}
	rc = st_config_set(text, n, "devices", role, key, &next, &nn, &e);
	if (rc != ST_OK) {
		qc_err("%s: cannot add '%s = %s': %s", path, role, key, st_strerror(rc));
		rc = rc == ST_ERR_RANGE ? QC_EXIT_DATAERR : QC_EXIT_SOFTWARE;
		goto out;
	}
	free(text);
	text = next;
	n = nn;
	snprintf(old, oldcap, "%s", e.replaced ? e.old : "");
	if (st_config_parse(cfg, text, path, err, sizeof(err)) != ST_OK ||
	    !st_config_role_of(cfg, key) || strcmp(st_config_role_of(cfg, key), role)) {
		qc_err("%s: the edited file would not load (%s); nothing was written", path, err);
		rc = QC_EXIT_SOFTWARE;
		goto out;
	}
	rc = write_atomic(path, text, n);
out:
	free(text);
	free(cfg);
	return rc;
}

static int do_bind(struct qc_cli *c, const char *role, int wait_s, bool json, bool keyboards)
{
	static struct fh_event ev; /* 4 KiB: not on the stack */
	struct usb_session s = { .c = c, .all_keyboards = keyboards };
	char path[PATH_MAX], key[ST_CONFIG_DEVKEY_MAX], old[ST_CONFIG_OLD_MAX], err[700];
	const char *driver = NULL;
	json_t *unbound = NULL;
	struct fh_dev *dev;
	int rc, got;

	config_path(c, path, sizeof(path));
	/* The file must load before anything waits (a missing one is new). */
	if (st_config_load(&c->cfg, path, false, err, sizeof(err)) < 0) {
		qc_err("%s", err);
		return QC_EXIT_CONFIG;
	}
	rc = usb_open(&s);
	if (rc != QC_EXIT_OK)
		return rc;
	fprintf(stderr, "Scan a barcode with the scanner, or press the button or pedal, to bind "
			"as '%s' (waiting up to %d s)...\n", role, wait_s);
	got = wait_event(&s, fh_ctx_now_ms(s.ctx) + (int64_t)wait_s * 1000, -1, bind_wanted, &ev);
	if (got <= 0) {
		if (got < 0)
			qc_err("devices bind: interrupted; nothing was bound");
		else
			qc_err("devices bind: no scan or button press within %d s; nothing was "
			       "bound%s", wait_s,
			       keyboards ? "" : " (a keyboard-mode scanner is seen only with "
						"--keyboards)");
		usb_close(&s);
		return got < 0 ? QC_EXIT_FAIL : QC_EXIT_TEMPFAIL;
	}
	if (fh_identity_key(&ev.dev, key, sizeof(key)) < 0) {
		qc_err("devices bind: the device's identity does not fit a config line");
		usb_close(&s);
		return QC_EXIT_SOFTWARE;
	}
	dev = fh_usb_dev_find(s.usb, &ev.dev);
	driver = dev ? fh_dev_driver_name(dev) : "?";
	unbound = json_array();
	rc = bind_write(path, role, key, old, sizeof(old), unbound);
	if (rc == QC_EXIT_OK) {
		if (json) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:O}", "role", role,
					      "device", key, "driver", driver, "class",
					      fh_class_name(ev.dev.cls), "config", path, "previous",
					      old[0] ? old : NULL, "unbound", unbound);

			json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(o);
		} else {
			size_t i;
			json_t *r;

			printf("bound role '%s' to %s (%s, %s) in %s\n", role, key, driver,
			       fh_class_name(ev.dev.cls), path);
			if (old[0] && strcmp(old, key))
				printf("  it was bound to %s before\n", old);
			json_array_foreach(unbound, i, r)
				printf("  role '%s' no longer names this device\n",
				       json_string_value(r));
			printf("  a running station reads it at its next start\n");
		}
		fflush(stdout);
	}
	json_decref(unbound);
	usb_close(&s);
	return rc;
}

static int cmd_bind(struct qc_cli *c, int argc, char **argv)
{
	const char *role = NULL;
	bool json = false, keyboards = false;
	int wait_s = WAIT_S_DEFAULT, rc;

	for (int i = 2; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		rc = timeout_opt(argc, argv, &i, "bind", &wait_s);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--keyboards")) {
			keyboards = true;
		} else if (argv[i][0] != '-' && !role) {
			role = argv[i];
		} else {
			qc_err("devices bind: unexpected argument '%s'; usage: qcstation devices bind "
			       "ROLE [--timeout SECONDS] [--keyboards] [--json]",
			       argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	if (!role) {
		qc_err("devices bind: which role?  usage: qcstation devices bind ROLE [--timeout "
		       "SECONDS] [--keyboards] [--json]");
		return QC_EXIT_USAGE;
	}
	if (!st_config_role_name_ok(role)) {
		qc_err("devices bind: '%s' is no role name: 1 to %d of a-z, 0-9 and '-' (not "
		       "'usb'), e.g. qa-bench-scanner",
		       role, ST_CONFIG_ROLE_MAX - 1);
		return QC_EXIT_USAGE;
	}
	return do_bind(c, role, wait_s, json, keyboards);
}

/* ---- devices test --------------------------------------------------------------- */

#define STDIN_GAP_MS 150 /* a scanner types a code in one burst: a pause ends it */

static bool test_wanted(const struct fh_event *ev)
{
	return ev->kind == FH_EV_SCAN;
}

/* One scan from stdin: bytes until a pause (or EOF), cut at the first CR or
 * LF.  The length (0 at EOF with nothing), *term what ended it. */
static size_t read_stdin_scan(const struct usb_session *s, uint8_t *b, size_t cap,
			      enum st_selftest_term *term, bool *eof)
{
	size_t n = 0;

	*term = ST_SELFTEST_TERM_NONE;
	*eof = false;
	while (n < cap) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		ssize_t r;

		if (n > 0 && poll(&p, 1, STDIN_GAP_MS) <= 0)
			break;
		r = read(0, b + n, cap - n);
		if (r < 0 && errno == EINTR && !*s->c->stop)
			continue;
		if (r <= 0) {
			*eof = true;
			break;
		}
		n += (size_t)r;
	}
	for (size_t i = 0; i < n; i++)
		if (b[i] == '\r' || b[i] == '\n') {
			*term = ST_SELFTEST_TERM_ENTER;
			return i;
		}
	return n;
}

static void print_test(const char *source, const struct st_selftest_result *r,
		       enum st_selftest_source via, const uint8_t *data, size_t n, bool json)
{
	json_t *o, *d;

	if (json) {
		o = r->recognised ? st_selftest_json(r, via) : json_object();
		if (!o)
			return;
		json_object_set_new(o, "selftest", json_boolean(r->recognised));
		json_object_set_new(o, "source", json_string(source));
		d = json_stringn((const char *)data, n);
		json_object_set_new(o, "data", d ? d : json_null());
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		putchar('\n');
		json_decref(o);
	} else if (!r->recognised) {
		printf("not the self-test barcode: %s sent \"", source);
		for (size_t i = 0; i < n; i++)
			printf(data[i] >= 0x20 && data[i] < 0x7f ? "%c" : "\\x%02x", data[i]);
		printf("\"\n  scan the self-test code of the command sheet (docs/devices.md, "
		       "Scanner self-test)\n");
	} else {
		printf("scanner self-test from %s (%s): %s\n", source,
		       st_selftest_source_name(via),
		       r->ok ? "all good" : "needs fixing");
		for (unsigned i = 0; i < r->n; i++) {
			printf("  %s %s\n", r->ok ? "OK" : "!", r->f[i].what);
			if (r->f[i].fix[0])
				printf("    fix: %s\n", r->f[i].fix);
		}
	}
	fflush(stdout);
}

static int do_test(struct qc_cli *c, int wait_s, bool json, bool keyboards)
{
	static struct fh_event ev; /* 4 KiB: not on the stack */
	static uint8_t buf[FH_SCAN_MAX + 8];
	struct usb_session s = { .c = c, .all_keyboards = keyboards };
	struct st_selftest_result *r = NULL;
	struct st_selftest_input in = {
		.want_term = c->cfg.wedge_terminator == ST_WEDGE_TERM_TAB ? ST_SELFTEST_TERM_TAB
									   : ST_SELFTEST_TERM_ENTER,
		.want_hid_pos = c->cfg.expect_hid_pos, .want_aim = c->cfg.expect_aim,
		.gs_substitute = c->cfg.gs_substitute,
	};
	char source[8 + ST_CONFIG_DEVKEY_MAX] = "stdin";
	struct termios saved, raw;
	bool tty = isatty(0), eof = false;
	int64_t deadline;
	int rc, got, in_fd = 0;

	if (usb_open(&s) != QC_EXIT_OK) {
		fprintf(stderr, "qcstation: reading the scan from the keyboard (stdin) only\n");
		if (fh_ctx_new(NULL, &s.ctx) != FH_OK)
			return QC_EXIT_OSERR;
	}
	r = malloc(sizeof(*r));
	if (!r) {
		usb_close(&s);
		return QC_EXIT_OSERR;
	}
	/* A scanner typing into this terminal: no line editing (a Tab suffix
	 * must not wait for Enter), no echo, CR as CR; Ctrl+C still stops. */
	if (tty && tcgetattr(0, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
		raw.c_iflag &= (tcflag_t) ~(ICRNL | INLCR | IXON);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &raw);
	} else {
		tty = false;
	}
	fprintf(stderr, "Scan the self-test barcode of the command sheet with the scanner under "
			"test (USB, or typing into this terminal; waiting up to %d s)...\n", wait_s);
	deadline = fh_ctx_now_ms(s.ctx) + (int64_t)wait_s * 1000;
	for (;;) {
		got = wait_event(&s, deadline, in_fd, test_wanted, &ev);
		if (got != 2)
			break;
		in.len = read_stdin_scan(&s, buf, FH_SCAN_MAX, &in.term, &eof);
		if (in.len > 0) { /* (an empty line is no scan) */
			in.data = buf;
			in.source = ST_SELFTEST_WEDGE;
			break;
		}
		if (eof)
			in_fd = -1; /* stdin is done: USB only from here */
	}
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	if (got == 0 || got < 0) {
		if (got < 0)
			qc_err("devices test: interrupted");
		else
			qc_err("devices test: no scan within %d s%s", wait_s,
			       keyboards ? "" : " (a keyboard-mode scanner bound to no role types "
						"into the terminal; run this in the station's terminal, or "
						"use --keyboards)");
		free(r);
		usb_close(&s);
		return got < 0 ? QC_EXIT_FAIL : QC_EXIT_TEMPFAIL;
	}
	if (got == 1) {
		struct fh_dev *dev = fh_usb_dev_find(s.usb, &ev.dev);
		bool pos = dev && !strcmp(fh_dev_driver_name(dev), "hid-pos-scanner");
		char key[ST_CONFIG_DEVKEY_MAX];

		if (fh_identity_key(&ev.dev, key, sizeof(key)) < 0)
			key[0] = '\0';
		snprintf(source, sizeof(source), "usb:%s", key);
		memcpy(buf, ev.scan.data, ev.scan.len);
		in.data = buf;
		in.len = ev.scan.len;
		in.aim = ev.scan.aim;
		in.source = pos ? ST_SELFTEST_USB_POS : ST_SELFTEST_USB_KBD;
		in.term = pos ? ST_SELFTEST_TERM_NA
			      : ev.scan.idle_end ? ST_SELFTEST_TERM_NONE : ST_SELFTEST_TERM_ENTER;
	}
	st_selftest_diagnose(&in, r);
	print_test(source, r, in.source, in.data, in.len, json);
	rc = r->ok ? QC_EXIT_OK : QC_EXIT_FAIL;
	free(r);
	usb_close(&s);
	return rc;
}

static int cmd_test(struct qc_cli *c, int argc, char **argv)
{
	bool json = false, keyboards = false;
	int wait_s = WAIT_S_DEFAULT, rc;

	for (int i = 2; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		rc = timeout_opt(argc, argv, &i, "test", &wait_s);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--keyboards")) {
			keyboards = true;
		} else {
			qc_err("devices test: unexpected argument '%s'; usage: qcstation devices test "
			       "[--timeout SECONDS] [--keyboards] [--json]",
			       argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	return do_test(c, wait_s, json, keyboards);
}

int qc_cmd_devices(struct qc_cli *c, int argc, char **argv)
{
	bool json = false, watching = false;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "bind"))
		return cmd_bind(c, argc, argv);
	if (argc > 1 && !strcmp(argv[1], "test"))
		return cmd_test(c, argc, argv);
	for (int i = 1; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--watch")) {
			watching = true;
		} else {
			qc_err("devices: unexpected argument '%s'; usage: qcstation devices [--json] "
			       "[--watch] | bind ROLE | test",
			       argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	return devices(c, json, watching);
}
