/* station/cli: "qcstation devices [--json] [--watch]".
 *
 * What USB devices the station would use: identity key, VID:PID, serial,
 * port, driver, class and the role the config binds to it.  --watch stays
 * and prints each attach, detach, scan, button and weight as a line until
 * SIGINT (a bench check: "does the pedal reach the station?").  Binding a
 * role from here ("devices bind") is not done yet.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <jansson.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"
#include "fh/io.h"
#include "st/log.h"
#include "cli-int.h"

#define WATCH_POLL_MAX_MS 200 /* a SIGINT between checks is seen this soon */
#define RESCAN_MS 1000

static void log_warn(int level, const char *msg, void *ud)
{
	(void)ud;
	if (level <= LOG_WARNING)
		st_log_stderr(level, msg, NULL);
}

/* As the station does (app_devices.c): a boot keyboard is taken only when
 * [devices] binds it to a role, so listing never steals the bench's own
 * keyboard from the console. */
static bool claim_keyboard(const struct fh_identity *id, const char *driver, void *ud)
{
	const struct qc_cli *c = ud;
	char key[ST_CONFIG_DEVKEY_MAX];

	(void)driver;
	if (fh_identity_key(id, key, sizeof(key)) < 0)
		return false;
	return st_config_role_of(&c->cfg, key) != NULL;
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

static int devices(struct qc_cli *c, bool json, bool watching)
{
	struct fh_config fc = { .log = log_warn, .claim_keyboard = claim_keyboard, .claim_ud = c };
	struct fh_ctx *ctx = NULL;
	struct fh_usb *usb = NULL;
	int rc = fh_ctx_new(&fc, &ctx);

	if (rc == FH_OK)
		rc = fh_usb_new(ctx, &usb);
	if (rc != FH_OK) {
		if (access("/dev/bus/usb", F_OK) != 0)
			qc_err("USB is unavailable: %s (there is no /dev/bus/usb here)",
			       fh_strerror(rc));
		else if (access("/dev/bus/usb", R_OK | X_OK) != 0 && errno == EACCES)
			qc_err("USB is unavailable: permission denied on /dev/bus/usb; install "
			       "firmware-host/udev/70-qcstation.rules (scripts/install-udev) and add "
			       "the user to group qcstation (docs/devices.md, Troubleshooting)");
		else
			qc_err("USB is unavailable: %s", fh_strerror(rc));
		fh_ctx_free(ctx);
		return rc == FH_ERR_NOMEM ? QC_EXIT_OSERR : QC_EXIT_UNAVAILABLE;
	}
	if (watching) {
		/* The devices already attached come first, as "attached" lines. */
		rc = watch(c, ctx, usb, json);
	} else {
		list(c, usb, json);
		rc = QC_EXIT_OK;
	}
	fh_usb_free(usb);
	fh_ctx_free(ctx);
	return rc;
}

int qc_cmd_devices(struct qc_cli *c, int argc, char **argv)
{
	bool json = false, watching = false;
	int rc;

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
			       "[--watch]",
			       argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	return devices(c, json, watching);
}
