/* station/app: the USB devices (firmware-host) inside the station.
 *
 * The app owns one fh_ctx and one fh_usb when [devices] usb says so, and
 * turns their events into the station's: a scan goes through
 * st_app_scan_from() tagged "usb:<identity key>" and the device's role, a
 * mapped button press becomes its command barcode, a weight and each
 * attach or detach become events.  Nothing here blocks: the UI loops poll
 * the descriptors of st_app_pollfds() and call st_app_dispatch().
 *
 * The scanner self-test barcode (st/selftest.h) is diagnosed here, for the
 * USB scanners and (through app_selftest()) for the wedge: a "selftest"
 * event instead of a scan.
 *
 * Not here: binding roles (qcstation devices bind writes the config),
 * printing (the labels issue).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"
#include "fh/io.h"
#include "st/app.h"
#include "st/err.h"
#include "st/selftest.h"

#include "app-int.h"

#define RESCAN_MS 1000 /* without libusb hot-plug: list the bus this often */

static void fh_log_to_st(int level, const char *msg, void *ud)
{
	struct st_app *app = ud;

	st_log(app->log, level, "%s", msg);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A boot keyboard is taken only when [devices] binds it to a role: a
 * keyboard-mode scanner looks exactly like the operator's own keyboard on
 * the bus, and taking that would leave the bench without a keyboard. */
static bool claim_keyboard(const struct fh_identity *id, const char *driver, void *ud)
{
	const struct st_app *app = ud;
	char key[FH_SERIAL_MAX + 32];

	(void)driver;
	if (fh_identity_key(id, key, sizeof(key)) < 0)
		return false;
	return st_config_role_of(app->cfg, key) != NULL;
}

int app_devices_init(struct st_app *app)
{
	const struct st_config *cfg = app->cfg;
	struct fh_config fc = { .log = fh_log_to_st, .log_ud = app,
				.claim_keyboard = claim_keyboard, .claim_ud = app };
	const char *reason = NULL;
	int rc;

	if (cfg->usb == ST_USB_OFF)
		return ST_OK;
	if (cfg->usb == ST_USB_AUTO && access("/dev/bus/usb", F_OK) != 0)
		return ST_OK; /* no USB here (a container, a test): stay quiet */
	app->ev = malloc(sizeof(*app->ev));
	if (!app->ev)
		return ST_ERR_NOMEM;
	rc = fh_ctx_new(&fc, &app->fh);
	if (rc == FH_OK)
		rc = fh_usb_new(app->fh, &app->usb);
	if (rc != FH_OK) {
		reason = fh_strerror(rc);
		fh_ctx_free(app->fh);
		app->fh = NULL;
		app->usb = NULL;
		st_log(app->log, LOG_WARNING, "USB devices unavailable (%s); running without them",
		       reason);
		st_app_emit(app, "devices", json_pack("{s:b, s:s}", "usb", 0, "reason", reason));
		return ST_OK;
	}
	app->usb_rescan_at = mono_ms() + RESCAN_MS;
	return ST_OK;
}

void app_devices_fini(struct st_app *app)
{
	fh_usb_free(app->usb);
	fh_ctx_free(app->fh);
	free(app->ev);
	app->usb = NULL;
	app->fh = NULL;
	app->ev = NULL;
}

bool st_app_usb(const struct st_app *app)
{
	return app->usb != NULL;
}

/* Remember the driver of a device while it is attached (DETACHED comes
 * after the device is freed). */
static void dev_remember(struct st_app *app, const char *key, const char *driver,
			 enum fh_class cls)
{
	for (unsigned i = 0; i < app->n_devs; i++)
		if (!strcmp(app->devs[i].key, key)) {
			app->devs[i].driver = driver;
			app->devs[i].cls = cls;
			return;
		}
	if (app->n_devs >= APP_DEVS_MAX)
		return;
	snprintf(app->devs[app->n_devs].key, sizeof(app->devs[0].key), "%s", key);
	app->devs[app->n_devs].driver = driver;
	app->devs[app->n_devs].cls = cls;
	app->n_devs++;
}

static const char *dev_forget(struct st_app *app, const char *key, enum fh_class *cls)
{
	for (unsigned i = 0; i < app->n_devs; i++)
		if (!strcmp(app->devs[i].key, key)) {
			const char *driver = app->devs[i].driver;

			*cls = app->devs[i].cls;
			app->devs[i] = app->devs[--app->n_devs];
			return driver;
		}
	return NULL;
}

static json_t *dev_fields(const char *action, const char *key, const char *driver,
			  enum fh_class cls, const char *role)
{
	return json_pack("{s:s, s:s, s:s?, s:s, s:s*}", "action", action, "device", key, "driver",
			 driver, "class", fh_class_name(cls), "role", role);
}

int app_selftest(struct st_app *app, const uint8_t *raw, size_t n, const char *aim, int via,
		 int term, const char *source, const char *role)
{
	const struct st_config *cfg = app->cfg;
	struct st_selftest_input in = {
		.data = raw, .len = n, .aim = aim, .source = (enum st_selftest_source)via,
		.term = (enum st_selftest_term)term,
		.want_term = via == ST_SELFTEST_WEDGE && cfg->wedge_terminator == ST_WEDGE_TERM_TAB
				     ? ST_SELFTEST_TERM_TAB
				     : ST_SELFTEST_TERM_ENTER,
		.want_hid_pos = cfg->expect_hid_pos, .want_aim = cfg->expect_aim,
		.gs_substitute = cfg->gs_substitute,
	};
	struct st_selftest_result *r = malloc(sizeof(*r));
	json_t *f;

	if (!r)
		return 0; /* then it is stored as the scan it also is */
	if (st_selftest_diagnose(&in, r) != 1) {
		free(r);
		return 0;
	}
	f = st_selftest_json(r, in.source);
	if (f) {
		json_object_set_new(f, "source", json_string(source));
		if (!strncmp(source, "usb:", 4))
			json_object_set_new(f, "device", json_string(source + 4));
		if (role)
			json_object_set_new(f, "role", json_string(role));
	}
	st_log(app->log, LOG_INFO, "scanner self-test from %s: %s (%u finding%s)", source,
	       r->ok ? "all good" : "misconfigured", r->n, r->n == 1 ? "" : "s");
	st_app_emit(app, "selftest", f);
	free(r);
	return 1;
}

static int on_scan(struct st_app *app, const struct fh_event *ev, const char *key,
		   const char *role)
{
	/* Put the AIM id back in front, so classification sees "]C1". */
	size_t aim = strlen(ev->scan.aim), n = ev->scan.len, max = app->cfg->scan_max;
	bool truncated = ev->scan.truncated;
	char source[8 + ST_CONFIG_DEVKEY_MAX];
	uint8_t *buf = app->usb_buf;

	if (aim + n > max) {
		n = max > aim ? max - aim : 0;
		truncated = true;
	}
	snprintf(source, sizeof(source), "usb:%s", key);
	if (!ev->scan.truncated) {
		struct fh_dev *dev = fh_usb_dev_find(app->usb, &ev->dev);
		const char *drv = dev ? fh_dev_driver_name(dev) : "";
		bool pos = !strcmp(drv, "hid-pos-scanner");

		if (app_selftest(app, ev->scan.data, ev->scan.len, ev->scan.aim,
				 pos ? ST_SELFTEST_USB_POS : ST_SELFTEST_USB_KBD,
				 pos		      ? ST_SELFTEST_TERM_NA
				 : ev->scan.idle_end ? ST_SELFTEST_TERM_NONE
						     : ST_SELFTEST_TERM_ENTER,
				 source, role))
			return ST_OK;
	}
	memcpy(buf, ev->scan.aim, aim);
	memcpy(buf + aim, ev->scan.data, n);
	return st_app_scan_from(app, buf, aim + n, truncated, source, role);
}

static int on_button(struct st_app *app, const struct fh_event *ev, const char *key,
		     const char *role)
{
	const char *cmd = fh_buttons_map_lookup(&app->cfg->button_map, ev->button.index);
	char source[8 + ST_CONFIG_DEVKEY_MAX], name[32] = "?";
	int n;

	if (!ev->button.pressed)
		return ST_OK;
	if (!cmd) {
		fh_buttons_name(ev->button.index, name, sizeof(name));
		st_log(app->log, LOG_DEBUG, "button %s of %s is not mapped ([buttons]); ignored",
		       name, key);
		return ST_OK;
	}
	/* The command's barcode text: the station acts as if it was scanned. */
	n = snprintf((char *)app->usb_buf, FH_SCAN_MAX, "%s%s", app->cfg->command_prefix, cmd);
	snprintf(source, sizeof(source), "usb:%s", key);
	return st_app_scan_from(app, app->usb_buf, (size_t)n, false, source, role);
}

static int handle(struct st_app *app, const struct fh_event *ev)
{
	char key[ST_CONFIG_DEVKEY_MAX];
	const char *role, *driver;
	struct fh_dev *dev;
	enum fh_class cls = ev->dev.cls;

	if (fh_identity_key(&ev->dev, key, sizeof(key)) < 0)
		snprintf(key, sizeof(key), "%04x:%04x", ev->dev.vid, ev->dev.pid);
	role = st_config_role_of(app->cfg, key);
	switch (ev->kind) {
	case FH_EV_SCAN:
		return on_scan(app, ev, key, role);
	case FH_EV_BUTTON:
		return on_button(app, ev, key, role);
	case FH_EV_WEIGHT:
		st_app_emit(app, "weight",
			    json_pack("{s:i, s:b, s:s, s:s*}", "weight_mg", (int)ev->weight.weight_mg,
				      "stable", ev->weight.stable, "device", key, "role", role));
		return ST_OK;
	case FH_EV_ATTACHED:
		dev = fh_usb_dev_find(app->usb, &ev->dev);
		driver = dev ? fh_dev_driver_name(dev) : NULL;
		dev_remember(app, key, driver, cls);
		st_log(app->log, LOG_INFO, "device %s attached (%s%s%s)", key, driver ? driver : "?",
		       role ? ", role " : "", role ? role : "");
		st_app_emit(app, "device", dev_fields("attached", key, driver, cls, role));
		return ST_OK;
	case FH_EV_DETACHED:
		driver = dev_forget(app, key, &cls);
		st_log(app->log, LOG_INFO, "device %s detached", key);
		st_app_emit(app, "device", dev_fields("detached", key, driver, cls, role));
		return ST_OK;
	case FH_EV_NONE:
		break;
	}
	return ST_OK;
}

int app_devices_pollfds(struct st_app *app, struct pollfd *fds, size_t cap)
{
	int n;

	if (!app->usb)
		return 0;
	n = fh_usb_pollfds(app->usb, fds, cap);
	return n < 0 ? 0 : n;
}

int app_devices_timeout_ms(const struct st_app *app)
{
	int t, left;

	if (!app->usb)
		return -1;
	t = fh_usb_timeout_ms(app->usb);
	if (!fh_usb_hotplug(app->usb)) {
		left = (int)(app->usb_rescan_at - mono_ms());
		if (left < 0)
			left = 0;
		if (t < 0 || left < t)
			t = left;
	}
	return t;
}

int app_devices_dispatch(struct st_app *app)
{
	int rc = ST_OK, got;

	if (!app->usb)
		return ST_OK;
	if (!fh_usb_hotplug(app->usb) && mono_ms() >= app->usb_rescan_at) {
		fh_usb_rescan(app->usb);
		app->usb_rescan_at = mono_ms() + RESCAN_MS;
	}
	/* Until none is left: queued events do not make an fd readable. */
	while (fh_usb_dispatch(app->usb, app->ev) == 1) {
		got = handle(app, app->ev);
		if (got < 0 && rc == ST_OK)
			rc = got;
	}
	return rc;
}
