/* station/config: the INI configuration (inih) into struct st_config.
 *
 * inih does the lexing; this file knows the keys.  Unknown sections and keys
 * are errors, not silently ignored: a typo in a pattern key would otherwise
 * leave the station on a default nobody chose.  The line number comes from
 * a line-counting reader around the text, so every message reads
 * "file:line: what".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <ini.h>

#include "st/config.h"
#include "fh/io.h"
#include "st/err.h"

struct parse_state {
	struct st_config *cfg;
	const char *text;    /* remaining input */
	unsigned line;       /* line being parsed */
	unsigned err_line;   /* first error's line, 0 = none */
	char msg[256];
};

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void bind_patterns(struct st_config *cfg)
{
	cfg->patterns.order = cfg->pat_order;
	cfg->patterns.rma = cfg->pat_rma;
	cfg->patterns.serial = cfg->pat_serial;
	cfg->patterns.bin = cfg->pat_bin;
	cfg->patterns.badge = cfg->pat_badge;
	cfg->patterns.command_prefix = cfg->command_prefix;
	cfg->patterns.defect_prefix = cfg->defect_prefix;
	cfg->patterns.gs_substitute = cfg->gs_substitute;
}

void st_config_defaults(struct st_config *cfg)
{
	const struct st_bc_patterns *p = st_bc_patterns_default();

	memset(cfg, 0, sizeof(*cfg));
	copy_str(cfg->station_code, sizeof(cfg->station_code), "STATION-1");
	copy_str(cfg->station_name, sizeof(cfg->station_name), "QC station");
	copy_str(cfg->data_dir, sizeof(cfg->data_dir), "/var/lib/qcstation");
	cfg->scan_max = ST_BC_INPUT_MAX;
	cfg->busy_timeout_ms = 5000;
	cfg->log_level = LOG_INFO;
	copy_str(cfg->pat_order, sizeof(cfg->pat_order), p->order);
	copy_str(cfg->pat_rma, sizeof(cfg->pat_rma), p->rma);
	copy_str(cfg->pat_serial, sizeof(cfg->pat_serial), p->serial);
	copy_str(cfg->pat_bin, sizeof(cfg->pat_bin), p->bin);
	copy_str(cfg->pat_badge, sizeof(cfg->pat_badge), p->badge);
	copy_str(cfg->command_prefix, sizeof(cfg->command_prefix), p->command_prefix);
	copy_str(cfg->defect_prefix, sizeof(cfg->defect_prefix), p->defect_prefix);
	cfg->wedge_gap_ms = ST_WEDGE_GAP_MS_DEFAULT;
	cfg->wedge_terminator = ST_WEDGE_TERM_ENTER;
	cfg->usb = ST_USB_AUTO;
	cfg->expect_aim = true;
	fh_buttons_map_init(&cfg->button_map);
	copy_str(cfg->printer.name, sizeof(cfg->printer.name), "label");
	cfg->printer.dpi = 203;
	cfg->printer.width_um = 101600; /* 4 inches: the 4x6 shipping label */
	cfg->printer.status = true;
	cfg->printer.retry_min_ms = 1000;
	cfg->printer.retry_max_ms = 60000;
	cfg->printer.status_timeout_ms = 3000;
	cfg->printer.io_timeout_ms = 10000;
	cfg->printer.qc_tag = ST_QC_TAG_NO; /* docs/configuration.md says why */
	cfg->sync.batch_size = 500;
	cfg->sync.page_size = 500;
	cfg->sync.connect_timeout_ms = 10000;
	cfg->sync.timeout_ms = 60000;
	cfg->sync.stall_timeout_ms = 30000;
	cfg->sync.attempts = 8;
	cfg->sync.backoff_base_ms = 500;
	cfg->sync.backoff_cap_ms = 60000;
	cfg->sync.poll_ms = 250;
	cfg->sync.pull_interval_s = 30;
	bind_patterns(cfg);
}

static int fail(struct parse_state *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keep the first error (with its line); returning 0 tells inih it failed. */
static int fail(struct parse_state *ps, const char *fmt, ...)
{
	va_list ap;

	if (!ps->err_line) {
		ps->err_line = ps->line;
		va_start(ap, fmt);
		vsnprintf(ps->msg, sizeof(ps->msg), fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int set_str(struct parse_state *ps, char *dst, size_t cap, const char *key, const char *v)
{
	if (strlen(v) >= cap)
		return fail(ps, "value of '%s' is longer than %zu bytes", key, cap - 1);
	copy_str(dst, cap, v);
	return 1;
}

static int set_int(struct parse_state *ps, int *dst, long lo, long hi, const char *key,
		   const char *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return fail(ps, "'%s' must be a whole number in range, not '%s'", key, v);
	*dst = (int)n;
	return 1;
}

static int set_pattern(struct parse_state *ps, char *dst, const char *key, const char *v)
{
	char err[200];

	if (st_bc_pattern_check(v, err, sizeof(err)) < 0)
		return fail(ps, "%s: %s", key, err);
	return set_str(ps, dst, ST_CONFIG_PATTERN_MAX, key, v);
}

static int on_station(struct parse_state *ps, const char *k, const char *v)
{
	struct st_config *c = ps->cfg;

	if (!strcmp(k, "code")) {
		if (!*v)
			return fail(ps, "'%s' must not be empty", k);
		return set_str(ps, c->station_code, sizeof(c->station_code), k, v);
	}
	if (!strcmp(k, "name"))
		return set_str(ps, c->station_name, sizeof(c->station_name), k, v);
	if (!strcmp(k, "data_dir"))
		return set_str(ps, c->data_dir, sizeof(c->data_dir), k, v);
	if (!strcmp(k, "database"))
		return set_str(ps, c->db_path, sizeof(c->db_path), k, v);
	return fail(ps, "unknown key '%s' in [%s]", k, "station");
}

static int on_barcodes(struct parse_state *ps, const char *k, const char *v)
{
	struct st_config *c = ps->cfg;

	if (!strcmp(k, "order"))
		return set_pattern(ps, c->pat_order, k, v);
	if (!strcmp(k, "rma"))
		return set_pattern(ps, c->pat_rma, k, v);
	if (!strcmp(k, "serial"))
		return set_pattern(ps, c->pat_serial, k, v);
	if (!strcmp(k, "bin"))
		return set_pattern(ps, c->pat_bin, k, v);
	if (!strcmp(k, "badge"))
		return set_pattern(ps, c->pat_badge, k, v);
	if (!strcmp(k, "command_prefix")) {
		if (!*v)
			return fail(ps, "'%s' must not be empty", k);
		return set_str(ps, c->command_prefix, sizeof(c->command_prefix), k, v);
	}
	if (!strcmp(k, "defect_prefix")) {
		if (!*v)
			return fail(ps, "'%s' must not be empty", k);
		return set_str(ps, c->defect_prefix, sizeof(c->defect_prefix), k, v);
	}
	if (!strcmp(k, "gs_substitute")) {
		if (strlen(v) > 1 || (*v && ((unsigned char)*v < 0x21 || (unsigned char)*v > 0x7e)))
			return fail(ps, "'%s' is one printable ASCII character (or empty), not '%s'", k, v);
		c->gs_substitute = *v;
		return 1;
	}
	return fail(ps, "unknown key '%s' in [%s]", k, "barcodes");
}

static int on_input(struct parse_state *ps, const char *k, const char *v)
{
	struct st_config *c = ps->cfg;

	if (!strcmp(k, "wedge_gap_ms"))
		return set_int(ps, &c->wedge_gap_ms, 1, 1000, k, v);
	if (!strcmp(k, "wedge_terminator")) {
		if (!strcmp(v, "enter"))
			c->wedge_terminator = ST_WEDGE_TERM_ENTER;
		else if (!strcmp(v, "tab"))
			c->wedge_terminator = ST_WEDGE_TERM_TAB;
		else
			return fail(ps, "'%s' is enter or tab, not '%s'", k, v);
		return 1;
	}
	return fail(ps, "unknown key '%s' in [%s]", k, "input");
}

bool st_config_role_name_ok(const char *k)
{
	size_t n = strlen(k);

	if (n < 1 || n >= ST_CONFIG_ROLE_MAX || !strcmp(k, "usb"))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '-'))
			return false;
	return true;
}

static int on_devices(struct parse_state *ps, const char *k, const char *v)
{
	struct st_config *c = ps->cfg;
	struct st_config_role *r = NULL;

	if (!strcmp(k, "usb")) {
		if (!strcmp(v, "auto"))
			c->usb = ST_USB_AUTO;
		else if (!strcmp(v, "on"))
			c->usb = ST_USB_ON;
		else if (!strcmp(v, "off"))
			c->usb = ST_USB_OFF;
		else
			return fail(ps, "'usb' is auto, on or off, not '%s'", v);
		return 1;
	}
	if (!strcmp(k, "expect_hid_pos") || !strcmp(k, "expect_aim")) {
		bool on;

		if (!strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "true"))
			on = true;
		else if (!strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "false"))
			on = false;
		else
			return fail(ps, "'%s' is yes or no, not '%s'", k, v);
		if (k[7] == 'h')
			c->expect_hid_pos = on;
		else
			c->expect_aim = on;
		return 1;
	}
	/* Any other key binds a role to a device identity key. */
	if (!st_config_role_name_ok(k))
		return fail(ps, "'%s' is no role name (a-z, 0-9 and '-', at most %d)", k,
			    ST_CONFIG_ROLE_MAX - 1);
	if (!*v || strlen(v) >= ST_CONFIG_DEVKEY_MAX || strlen(v) < 9 || v[4] != ':')
		return fail(ps, "role '%s': '%s' is no device key (VID:PID:SERIAL or VID:PID@PORT, "
				"as 'qcstation devices' shows)", k, v);
	for (unsigned i = 0; i < c->n_roles; i++)
		if (!strcmp(c->roles[i].role, k))
			r = &c->roles[i];
	if (!r) {
		if (c->n_roles >= ST_CONFIG_ROLES_MAX)
			return fail(ps, "more than %d roles", ST_CONFIG_ROLES_MAX);
		r = &c->roles[c->n_roles++];
	}
	copy_str(r->role, sizeof(r->role), k);
	copy_str(r->key, sizeof(r->key), v);
	return 1;
}

static int on_buttons(struct parse_state *ps, const char *k, const char *v)
{
	const char *const *cmd = st_bc_commands();
	unsigned index;

	if (fh_buttons_parse(k, &index) < 0)
		return fail(ps, "'%s' is no button name (button1.., f13, key0x68, ...)", k);
	while (*cmd && strcmp(*cmd, v) != 0)
		cmd++;
	if (!*cmd)
		return fail(ps, "button '%s': '%s' is no station command (PASS, FAIL, ...)", k, v);
	if (fh_buttons_map_add(&ps->cfg->button_map, k, v) < 0)
		return fail(ps, "button '%s': too many buttons mapped", k);
	return 1;
}

/* "4in", "101.6mm", "812dots" (at the configured dpi, so dpi must come
 * first in the file for dots) into micrometres. */
static int set_width(struct parse_state *ps, const char *k, const char *v)
{
	struct st_config_printer *p = &ps->cfg->printer;
	long whole = 0, frac = 0, fdiv = 1;
	const char *c = v;
	long um;

	while (*c >= '0' && *c <= '9' && whole < 1000000)
		whole = whole * 10 + (*c++ - '0');
	if (*c == '.') {
		c++;
		while (*c >= '0' && *c <= '9' && fdiv < 1000) {
			frac = frac * 10 + (*c++ - '0');
			fdiv *= 10;
		}
	}
	if (c == v || (whole == 0 && frac == 0))
		return fail(ps, "'%s' is a width such as 4in, 101.6mm or 812dots, not '%s'", k, v);
	if (!strcmp(c, "in"))
		um = whole * 25400 + frac * 25400 / fdiv;
	else if (!strcmp(c, "mm"))
		um = whole * 1000 + frac * 1000 / fdiv;
	else if (!strcmp(c, "dots") && fdiv == 1)
		um = whole * 1000 * 254 / 10 / p->dpi;
	else
		return fail(ps, "'%s' is a width such as 4in, 101.6mm or 812dots, not '%s'", k, v);
	if (um < 5000 || um > 300000)
		return fail(ps, "'%s' must be between 5 mm and 300 mm, not '%s'", k, v);
	p->width_um = (int)um;
	return 1;
}

static int on_printer(struct parse_state *ps, const char *k, const char *v)
{
	struct st_config_printer *p = &ps->cfg->printer;

	if (!strcmp(k, "name")) {
		if (!st_config_role_name_ok(v))
			return fail(ps, "'name' is a-z, 0-9 and '-' (at most %d), not '%s'",
				    ST_CONFIG_ROLE_MAX - 1, v);
		return set_str(ps, p->name, sizeof(p->name), k, v);
	}
	if (!strcmp(k, "uri")) {
		if (*v && strncmp(v, "tcp://", 6) && strncmp(v, "usb:", 4) && strncmp(v, "cups:", 5) &&
		    strncmp(v, "dir:", 4))
			return fail(ps, "'uri' is tcp://HOST:9100, usb:ROLE, cups:QUEUE or dir:FOLDER,"
				    " not '%s'", v);
		return set_str(ps, p->uri, sizeof(p->uri), k, v);
	}
	if (!strcmp(k, "dpi")) {
		if (!set_int(ps, &p->dpi, 152, 600, k, v))
			return 0;
		if (p->dpi != 152 && p->dpi != 203 && p->dpi != 300 && p->dpi != 600)
			return fail(ps, "'dpi' is 152, 203, 300 or 600, not '%s'", v);
		return 1;
	}
	if (!strcmp(k, "label_width"))
		return set_width(ps, k, v);
	if (!strcmp(k, "status")) {
		if (strcmp(v, "on") && strcmp(v, "off"))
			return fail(ps, "'status' is on or off, not '%s'", v);
		p->status = !strcmp(v, "on");
		return 1;
	}
	if (!strcmp(k, "qc_tag")) {
		if (!strcmp(v, "pass"))
			p->qc_tag = ST_QC_TAG_PASS;
		else if (!strcmp(v, "all"))
			p->qc_tag = ST_QC_TAG_ALL;
		else if (!strcmp(v, "no"))
			p->qc_tag = ST_QC_TAG_NO;
		else
			return fail(ps, "'qc_tag' is pass, all or no, not '%s'", v);
		return 1;
	}
	if (!strcmp(k, "retry_min_ms"))
		return set_int(ps, &p->retry_min_ms, 10, 3600000, k, v);
	if (!strcmp(k, "retry_max_ms"))
		return set_int(ps, &p->retry_max_ms, 10, 3600000, k, v);
	if (!strcmp(k, "status_timeout_ms"))
		return set_int(ps, &p->status_timeout_ms, 50, 60000, k, v);
	if (!strcmp(k, "io_timeout_ms"))
		return set_int(ps, &p->io_timeout_ms, 50, 600000, k, v);
	return fail(ps, "unknown key '%s' in [%s]", k, "printer");
}

const char *st_config_printer_uri(const struct st_config *cfg, char *buf, size_t cap)
{
	if (cfg->printer.uri[0])
		snprintf(buf, cap, "%s", cfg->printer.uri);
	else
		snprintf(buf, cap, "dir:%s/labels", cfg->data_dir);
	return buf;
}

int st_config_printer_width_dots(const struct st_config *cfg)
{
	int dpmm = cfg->printer.dpi == 152 ? 6 : cfg->printer.dpi == 300 ? 12
		   : cfg->printer.dpi == 600 ? 24 : 8;

	return (int)((long)cfg->printer.width_um * dpmm / 1000);
}

static int on_sync(struct parse_state *ps, const char *k, const char *v)
{
	struct st_config_sync *y = &ps->cfg->sync;

	if (!strcmp(k, "server")) {
		if (*v && strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
			return fail(ps, "'server' is an https:// URL, not '%s'", v);
		return set_str(ps, y->server, sizeof(y->server), k, v);
	}
	if (!strcmp(k, "token_file"))
		return set_str(ps, y->token_file, sizeof(y->token_file), k, v);
	if (!strcmp(k, "ca_file"))
		return set_str(ps, y->ca_file, sizeof(y->ca_file), k, v);
	if (!strcmp(k, "station"))
		return set_str(ps, y->station, sizeof(y->station), k, v);
	if (!strcmp(k, "batch_size"))
		return set_int(ps, &y->batch_size, 1, 1000, k, v);
	if (!strcmp(k, "page_size"))
		return set_int(ps, &y->page_size, 1, 1000, k, v);
	if (!strcmp(k, "connect_timeout_ms"))
		return set_int(ps, &y->connect_timeout_ms, 100, 600000, k, v);
	if (!strcmp(k, "timeout_ms"))
		return set_int(ps, &y->timeout_ms, 100, 3600000, k, v);
	if (!strcmp(k, "stall_timeout_ms"))
		return set_int(ps, &y->stall_timeout_ms, 1000, 3600000, k, v);
	if (!strcmp(k, "attempts"))
		return set_int(ps, &y->attempts, 1, 100, k, v);
	if (!strcmp(k, "backoff_base_ms"))
		return set_int(ps, &y->backoff_base_ms, 1, 600000, k, v);
	if (!strcmp(k, "backoff_cap_ms"))
		return set_int(ps, &y->backoff_cap_ms, 1, 3600000, k, v);
	if (!strcmp(k, "follow_poll_ms"))
		return set_int(ps, &y->poll_ms, 10, 60000, k, v);
	if (!strcmp(k, "pull_interval_s"))
		return set_int(ps, &y->pull_interval_s, 1, 86400, k, v);
	if (!strcmp(k, "gzip")) {
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on"))
			y->gzip = true;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off"))
			y->gzip = false;
		else
			return fail(ps, "'gzip' is yes or no, not '%s'", v);
		return 1;
	}
	return fail(ps, "unknown key '%s' in [%s]", k, "sync");
}

const char *st_config_role_of(const struct st_config *cfg, const char *key)
{
	for (unsigned i = 0; i < cfg->n_roles; i++)
		if (!strcmp(cfg->roles[i].key, key))
			return cfg->roles[i].role;
	return NULL;
}

static int on_level(struct parse_state *ps, const char *v)
{
	static const struct {
		const char *name;
		int level;
	} lv[] = { { "error", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
		   { "info", LOG_INFO }, { "debug", LOG_DEBUG } };

	for (size_t i = 0; i < sizeof(lv) / sizeof(lv[0]); i++)
		if (!strcmp(v, lv[i].name)) {
			ps->cfg->log_level = lv[i].level;
			return 1;
		}
	return fail(ps, "'level' is error, warning, notice, info or debug, not '%s'", v);
}

static int handler(void *user, const char *section, const char *k, const char *v)
{
	struct parse_state *ps = user;
	int n;

	if (!strcmp(section, "station"))
		return on_station(ps, k, v);
	if (!strcmp(section, "barcodes"))
		return on_barcodes(ps, k, v);
	if (!strcmp(section, "input"))
		return on_input(ps, k, v);
	if (!strcmp(section, "devices"))
		return on_devices(ps, k, v);
	if (!strcmp(section, "buttons"))
		return on_buttons(ps, k, v);
	if (!strcmp(section, "printer"))
		return on_printer(ps, k, v);
	if (!strcmp(section, "sync"))
		return on_sync(ps, k, v);
	if (!strcmp(section, "qc")) {
		if (!strcmp(k, "checklists"))
			return set_str(ps, ps->cfg->checklists_dir, sizeof(ps->cfg->checklists_dir), k, v);
		if (!strcmp(k, "watch_folder"))
			return set_str(ps, ps->cfg->evidence_dir, sizeof(ps->cfg->evidence_dir), k, v);
		return fail(ps, "unknown key '%s' in [%s]", k, section);
	}
	if (!strcmp(section, "scan")) {
		if (strcmp(k, "max_bytes"))
			return fail(ps, "unknown key '%s' in [%s]", k, section);
		if (!set_int(ps, &n, 16, ST_BC_INPUT_MAX, k, v))
			return 0;
		ps->cfg->scan_max = (unsigned)n;
		return 1;
	}
	if (!strcmp(section, "store")) {
		if (strcmp(k, "busy_timeout_ms"))
			return fail(ps, "unknown key '%s' in [%s]", k, section);
		return set_int(ps, &ps->cfg->busy_timeout_ms, 0, 600000, k, v);
	}
	if (!strcmp(section, "log")) {
		if (strcmp(k, "level"))
			return fail(ps, "unknown key '%s' in [%s]", k, section);
		return on_level(ps, v);
	}
	if (!*section)
		return fail(ps, "key '%s' is outside any [section]", k);
	return fail(ps, "unknown section [%s]", section);
}

/* inih reader: hands out one line at a time and counts them. */
static char *reader(char *buf, int size, void *stream)
{
	struct parse_state *ps = stream;
	const char *nl;
	size_t n;

	if (!*ps->text)
		return NULL;
	nl = strchr(ps->text, '\n');
	n = nl ? (size_t)(nl - ps->text) + 1 : strlen(ps->text);
	if (n > (size_t)size - 1)
		n = (size_t)size - 1;
	memcpy(buf, ps->text, n);
	buf[n] = '\0';
	ps->text += n;
	ps->line++;
	return buf;
}

int st_config_parse(struct st_config *cfg, const char *text, const char *name, char *err,
		    size_t errlen)
{
	struct parse_state ps = { .cfg = cfg, .text = text };
	int rc;

	st_config_defaults(cfg);
	copy_str(cfg->source, sizeof(cfg->source), name);
	if (strlen(text) > 1 << 20) {
		snprintf(err, errlen, "%s: larger than 1 MiB", name);
		return ST_ERR_CONFIG;
	}
	rc = ini_parse_stream(reader, &ps, handler, &ps);
	if (rc != 0 || ps.err_line) {
		if (ps.err_line && (rc <= 0 || (unsigned)rc >= ps.err_line))
			snprintf(err, errlen, "%s:%u: %s", name, ps.err_line, ps.msg);
		else if (rc > 0)
			snprintf(err, errlen, "%s:%d: syntax error (expected '[section]' or 'key = value')",
				 name, rc);
		else
			snprintf(err, errlen, "%s: cannot be parsed", name);
		st_config_defaults(cfg);
		return ST_ERR_CONFIG;
	}
	if (cfg->printer.retry_max_ms < cfg->printer.retry_min_ms) {
		snprintf(err, errlen, "%s: [printer] retry_max_ms (%d) is below retry_min_ms (%d)",
			 name, cfg->printer.retry_max_ms, cfg->printer.retry_min_ms);
		st_config_defaults(cfg);
		return ST_ERR_CONFIG;
	}
	bind_patterns(cfg);
	return ST_OK;
}

int st_config_load(struct st_config *cfg, const char *path, bool required, char *err,
		   size_t errlen)
{
	FILE *f = NULL;
	char *text = NULL;
	size_t n;
	int rc;

	st_config_defaults(cfg);
	if (!path)
		return ST_OK;
	f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT && !required)
			return ST_OK;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ST_ERR_IO;
	}
	text = malloc((1 << 20) + 2);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return ST_ERR_NOMEM;
	}
	n = fread(text, 1, (1 << 20) + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = ST_ERR_IO;
	} else if (n > 1 << 20) {
		snprintf(err, errlen, "%s: larger than 1 MiB; not a station config", path);
		rc = ST_ERR_CONFIG;
	} else if (memchr(text, '\0', n)) {
		snprintf(err, errlen, "%s: holds a NUL byte; not a text file", path);
		rc = ST_ERR_CONFIG;
	} else {
		text[n] = '\0';
		rc = st_config_parse(cfg, text, path, err, errlen);
	}
	free(text);
	fclose(f);
	return rc;
}

const char *st_config_db_path(const struct st_config *cfg, char *buf, size_t buflen)
{
	if (cfg->db_path[0])
		snprintf(buf, buflen, "%s", cfg->db_path);
	else
		snprintf(buf, buflen, "%s/station.db", cfg->data_dir);
	return buf;
}
