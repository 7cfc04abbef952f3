/* station/cli: printing from the command line (docs/printing.md).
 *
 *   qcstation printers [--json]
 *   qcstation label print TEMPLATE --data FILE.json [--verify] [options]
 *   qcstation label print --file DOC [--printer NAME] [--copies N]
 *                         [--format zpl|png|pdf] [--force] [--queue-only]
 *                         [--wait SEC] [--json]
 *   qcstation label reprint JOB --operator BADGE --reason TEXT [--json]
 *   qcstation label void JOB --operator BADGE --reason TEXT [--json]
 *
 * Who prints a job queued here: every job goes into the store's queue
 * first (so it survives anything and is audited like the station's own).
 * When a station runs on this database it holds the queue's drain lock:
 * the CLI rings it (st_printq_ring()) and the station prints the job.
 * When none runs, the CLI takes the lock and drains the queue itself,
 * waiting up to --wait seconds; a printer that is not ready leaves the
 * jobs queued for the next station or the next run (exit 75).  Either
 * way the same queue engine sends them, with the same no-duplicate rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "fh/ctx.h"
#include "lb/buf.h"
#include "lb/err.h"
#include "lb/render.h"
#include "lb/transport.h"
#include "lb/zplcheck.h"
#include "st/err.h"
#include "st/events.h"
#include "st/labelmake.h"
#include "st/printq.h"
#include "st/store_print.h"
#include "cli-int.h"

#define WAIT_DEFAULT_S 30
#define COPIES_MAX 100

static void log_stderr(int level, const char *msg, void *ud)
{
	(void)ud;
	if (level <= LOG_WARNING)
		qc_err("%s", msg);
}

/* "<db>-print.lock" for the configured database. */
static const char *lock_path(const struct qc_cli *c, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s-print.lock", c->db_path);

	return n > 0 && (size_t)n < cap ? buf : NULL;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* ---- delivering what was queued ------------------------------------------ */

struct deliver {
	bool json;
	bool queue_only;
	int wait_s;
	char reason[640];       /* set by deliver(): why jobs still wait */
};

/* Hand the queue to the running station, or drain it here.  Returns an
 * exit status; d->reason says why jobs wait. */
static int deliver(struct qc_cli *c, struct st_store *s, struct deliver *d, const char **how)
{
	char lock[600], err[600];
	struct st_log log = { .level = LOG_WARNING, .fn = log_stderr };
	struct st_printq_opts o = { .cfg = &c->cfg, .store = s, .log = &log };
	struct st_printq *q = NULL;
	struct fh_ctx *fh = NULL;
	struct fh_usb *usb = NULL;
	struct st_printq_info info;
	int rc, ex = QC_EXIT_OK;

	o.lock_path = lock_path(c, lock, sizeof(lock));
	if (!o.lock_path) {
		qc_err("%s: path too long", c->db_path);
		return QC_EXIT_USAGE;
	}
	if (d->queue_only) {
		*how = "queued";
		if (st_printq_ring(lock) == ST_OK)
			*how = "station";
		return QC_EXIT_OK;
	}
	if (st_printq_holder(lock)) {
		st_printq_ring(lock);
		*how = "station";
		return QC_EXIT_OK;
	}
	if (!strncmp(c->cfg.printer.uri, "usb:", 4) && fh_ctx_new(NULL, &fh) == 0 &&
	    fh_usb_new(fh, &usb) != 0)
		usb = NULL;
	o.usb = usb;
	if (!c->cfg.printer.uri[0]) {
		snprintf(err, sizeof(err), "%s/labels", c->cfg.data_dir);
		mkdir(err, 0755);
	}
	rc = st_printq_new(&o, &q, err, sizeof(err));
	if (rc == ST_ERR_BUSY) { /* a station started meanwhile */
		st_printq_ring(lock);
		*how = "station";
		goto out;
	}
	if (rc < 0) {
		qc_err("cannot print now: %s; the jobs stay queued", err);
		snprintf(d->reason, sizeof(d->reason), "%s", err);
		*how = "queued";
		ex = qc_exit_for(rc == ST_ERR_CONFIG ? ST_ERR_CONFIG : ST_ERR_IO);
		goto out;
	}
	rc = st_printq_drain(q, d->wait_s * 1000, c->stop);
	st_printq_info(q, &info);
	if (rc == ST_OK) {
		*how = "printed";
	} else if (rc == ST_ERR_TIMEOUT) {
		snprintf(d->reason, sizeof(d->reason), "%s", info.reason[0] ? info.reason : "timed out");
		*how = "queued";
		ex = QC_EXIT_TEMPFAIL;
	} else {
		snprintf(d->reason, sizeof(d->reason), "%s", st_store_errmsg(s));
		*how = "queued";
		ex = qc_exit_for(rc);
	}
out:
	st_printq_free(q);
	fh_usb_free(usb);
	fh_ctx_free(fh);
	return ex;
}

/* Report the jobs' fate after deliver(); false when one ended badly
 * (uncertain, failed). */
static bool report_jobs(struct st_store *s, const int64_t *ids, size_t n, const char *how,
			const struct deliver *d, const char *what)
{
	json_t *arr = json_array();
	bool all_done = true, bad = false;

	for (size_t i = 0; i < n; i++) {
		struct st_label_job j;

		if (st_store_label_job_get(s, ids[i], &j) < 0)
			continue;
		if (strcmp(j.state, "done"))
			all_done = false;
		if (!strcmp(j.state, "uncertain") || !strcmp(j.state, "failed"))
			bad = true;
		if (d->json) {
			json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}", "job",
							     (json_int_t)j.id, "uuid", j.uuid,
							     "printer", j.printer, "state", j.state,
							     "last_error", j.last_error));
			continue;
		}
		if (!strcmp(j.state, "done"))
			printf("job %lld printed on %s\n", (long long)j.id, j.printer);
		else if (!strcmp(how, "station"))
			printf("job %lld queued: the station running on this database prints it\n",
			       (long long)j.id);
		else
			printf("job %lld %s%s%s\n", (long long)j.id, j.state,
			       j.last_error[0] ? ": " : "", j.last_error);
	}
	if (d->json) {
		json_t *o = json_pack("{s:s, s:s, s:o}", "action", what, "by", how, "jobs", arr);

		if (d->reason[0])
			json_object_set_new(o, "waiting", json_string(d->reason));
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		json_decref(arr);
		if (!all_done && !strcmp(how, "queued") && d->reason[0])
			printf("waiting: %s (the jobs stay queued; 'qcstation run' prints them, or run"
			       " this again)\n", d->reason);
	}
	return !bad;
}

/* tcp:// and usb: printers take ZPL only (lb_transport_accepts()). */
static bool printer_takes(const struct st_config *cfg, enum lb_format fmt)
{
	return fmt == LB_FMT_ZPL || (strncmp(cfg->printer.uri, "tcp://", 6) &&
				     strncmp(cfg->printer.uri, "usb:", 4));
}

/* ---- label print ---------------------------------------------------------- */

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t n;

	if (!f) {
		qc_err("%s: %s", path, strerror(errno));
		return errno == ENOENT ? QC_EXIT_NOINPUT : QC_EXIT_IOERR;
	}
	b = malloc(ST_LABEL_PAYLOAD_MAX + 1);
	if (!b) {
		fclose(f);
		qc_err("out of memory");
		return QC_EXIT_OSERR;
	}
	n = fread(b, 1, ST_LABEL_PAYLOAD_MAX + 1, f);
	if (ferror(f)) {
		qc_err("%s: %s", path, strerror(errno));
		fclose(f);
		free(b);
		return QC_EXIT_IOERR;
	}
	fclose(f);
	if (n == 0 || n > ST_LABEL_PAYLOAD_MAX) {
		qc_err("%s: %s (a label document is 1 byte to %u MiB)", path,
		       n ? "too large" : "empty", ST_LABEL_PAYLOAD_MAX >> 20);
		free(b);
		return QC_EXIT_DATAERR;
	}
	*out = b;
	*len = n;
	return QC_EXIT_OK;
}

/* What the bytes are, by their first bytes: -1 when none of the three. */
static int sniff(const uint8_t *b, size_t n)
{
	size_t i = 0;

	if (n >= 5 && !memcmp(b, "%PDF-", 5))
		return LB_FMT_PDF;
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return LB_FMT_PNG;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (i < n && (b[i] == '^' || b[i] == '~'))
		return LB_FMT_ZPL;
	return -1;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int qc_cmd_label_print(struct qc_cli *c, int argc, char **argv)
{
	struct deliver d = { .wait_s = WAIT_DEFAULT_S };
	const char *file = NULL, *printer = NULL, *format = NULL, *how = "queued";
	const char *tpl = NULL, *data = NULL;
	struct st_store *s = NULL;
	struct lb_buf rendered = LB_BUF_INIT;
	uint8_t *doc = NULL;
	size_t len = 0;
	long copies = 1, wait_s = WAIT_DEFAULT_S;
	int64_t ids[COPIES_MAX];
	bool force = false, verify = false;
	enum lb_format fmt;
	char entity[128];
	int rc, k, got;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(a, "--json")) {
			d.json = true;
		} else if (!strcmp(a, "--force")) {
			force = true;
		} else if (!strcmp(a, "--queue-only")) {
			d.queue_only = true;
		} else if (!strcmp(a, "--verify")) {
			verify = true;
		} else if (i + 1 < argc && !strcmp(a, "--file")) {
			file = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--data")) {
			data = argv[++i];
		} else if (a[0] != '-' && !tpl && i == 2) {
			tpl = a;
		} else if (i + 1 < argc && !strcmp(a, "--printer")) {
			printer = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--format")) {
			format = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--copies")) {
			if (!parse_long(argv[++i], 1, COPIES_MAX, &copies)) {
				qc_err("label print: --copies is 1 to %d, not '%s'", COPIES_MAX, argv[i]);
				return QC_EXIT_USAGE;
			}
		} else if (i + 1 < argc && !strcmp(a, "--wait")) {
			if (!parse_long(argv[++i], 0, 3600, &wait_s)) {
				qc_err("label print: --wait is 0 to 3600 seconds, not '%s'", argv[i]);
				return QC_EXIT_USAGE;
			}
		} else {
			qc_err("label print: unknown argument '%s'; see 'qcstation label --help'", a);
			return QC_EXIT_USAGE;
		}
	}
	d.wait_s = (int)wait_s;
	if (!file == !tpl || (tpl && !data) || (data && !tpl)) {
		qc_err("label print: give TEMPLATE --data FILE.json (a label made here), or"
		       " --file DOC (a ZPL, PDF or PNG document printed as it is)");
		return QC_EXIT_USAGE;
	}
	if (verify && !tpl) {
		qc_err("label print: --verify checks a label made from a TEMPLATE");
		return QC_EXIT_USAGE;
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	if (printer && strcmp(printer, c->cfg.printer.name)) {
		qc_err("label print: no printer '%s' here ([printer] name = %s)", printer,
		       c->cfg.printer.name);
		return QC_EXIT_USAGE;
	}
	if (tpl) {
		/* Made at the printer's resolution, in its language: ZPL for
		 * a Zebra (tcp:, usb:) and for the folder, PDF for CUPS. */
		enum lb_format tfmt;
		char why[200];

		if (st_label_printer_format(&c->cfg, &tfmt, why, sizeof(why)) < 0) {
			qc_err("label print: %s", why);
			return QC_EXIT_CONFIG;
		}
		rc = qc_label_render(tpl, data, tfmt == LB_FMT_PDF, c->cfg.printer.dpi, verify,
				     &rendered);
		if (rc)
			goto out;
		doc = malloc(rendered.len ? rendered.len : 1);
		if (!doc) {
			rc = QC_EXIT_OSERR;
			goto out;
		}
		memcpy(doc, rendered.data, rendered.len);
		len = rendered.len;
		file = tpl;
	} else {
		rc = read_file(file, &doc, &len);
		if (rc)
			return rc;
	}
	got = sniff(doc, len);
	if (format) {
		if (lb_format_parse(format, &fmt) < 0) {
			qc_err("label print: --format is zpl, png or pdf, not '%s'", format);
			rc = QC_EXIT_USAGE;
			goto out;
		}
		if (got >= 0 && got != (int)fmt) {
			qc_err("%s: --format %s, but the file is %s", file, format,
			       lb_format_name((enum lb_format)got));
			rc = QC_EXIT_DATAERR;
			goto out;
		}
	} else if (got < 0) {
		qc_err("%s: not a ZPL, PDF or PNG document (give --format if it is one)", file);
		rc = QC_EXIT_DATAERR;
		goto out;
	} else {
		fmt = (enum lb_format)got;
	}
	if (!printer_takes(&c->cfg, fmt)) {
		qc_err("%s: a %s document, but printer %s (%s) prints ZPL only (print it on a"
		       " cups: queue)", file, lb_format_name(fmt), c->cfg.printer.name,
		       c->cfg.printer.uri);
		rc = QC_EXIT_DATAERR;
		goto out;
	}
	if (fmt == LB_FMT_ZPL) {
		struct lb_zpl_geom g;

		k = lb_zpl_check_resolution(doc, len, c->cfg.printer.dpi,
					    st_config_printer_width_dots(&c->cfg), &g);
		if (k == LB_ERR_PROTO) {
			qc_err("%s: no ^XA label format in it: not a ZPL label", file);
			rc = QC_EXIT_DATAERR;
			goto out;
		}
		if (k == LB_OK && (g.fit == LB_ZPL_FIT_OTHER_DPI || g.fit == LB_ZPL_FIT_TOO_WIDE)) {
			qc_err("%s: %s; ask the carrier for a %d dpi label%s", file, g.why,
			       c->cfg.printer.dpi, force ? " (printing anyway: --force)" : ", or"
									     " --force");
			if (!force) {
				rc = QC_EXIT_DATAERR;
				goto out;
			}
		} else if (k == LB_OK && g.fit == LB_ZPL_FIT_UNKNOWN) {
			qc_err("%s: warning: %s", file, g.why);
		}
	}
	rc = qc_open_store(c, true, false, &s);
	if (rc)
		goto out;
	snprintf(entity, sizeof(entity), "%s:%.120s", tpl ? "label" : "file", base_name(file));
	k = st_store_begin(s);
	for (long i = 0; k == ST_OK && i < copies; i++) {
		struct st_label_job_new j = {
			.printer = c->cfg.printer.name,
			.entity = entity,
			.format = lb_format_name(fmt),
			.payload = doc,
			.len = len,
			.ts_ms = 0,
		};
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		j.ts_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		k = st_store_label_job_add(s, &j, &ids[i], NULL);
	}
	if (k == ST_OK)
		k = st_store_commit(s);
	if (k < 0) {
		st_store_rollback(s);
		qc_err("%s: cannot queue the job: %s (%s)", c->db_path, st_strerror(k),
		       st_store_errmsg(s));
		rc = qc_exit_for(k);
		goto out;
	}
	rc = deliver(c, s, &d, &how);
	if (!report_jobs(s, ids, (size_t)copies, how, &d, "print") && rc == QC_EXIT_OK)
		rc = QC_EXIT_FAIL;
out:
	st_store_close(s);
	free(doc);
	lb_buf_fini(&rendered);
	if (verify)
		lb_render_release(); /* the process ends here: no font caches left */
	return rc;
}

/* ---- reprint and void ----------------------------------------------------- */

struct decision {
	int64_t job;
	const char *badge, *reason, *printer;
	bool json;
};

static int parse_decision(struct qc_cli *c, int argc, char **argv, const char *verb,
			  struct decision *dc)
{
	long job = 0;
	int rc;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(a, "--json")) {
			dc->json = true;
		} else if (i + 1 < argc && !strcmp(a, "--operator")) {
			dc->badge = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--reason")) {
			dc->reason = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--printer") && !strcmp(verb, "reprint")) {
			dc->printer = argv[++i];
		} else if (a[0] != '-' && !job) {
			if (!parse_long(a, 1, 0x7fffffffL, &job)) {
				qc_err("label %s: '%s' is no job number", verb, a);
				return QC_EXIT_USAGE;
			}
		} else {
			qc_err("label %s: unknown argument '%s'; see 'qcstation label --help'", verb, a);
			return QC_EXIT_USAGE;
		}
	}
	if (!job || !dc->badge || !*dc->badge || !dc->reason) {
		qc_err("label %s: JOB, --operator BADGE and --reason TEXT are required", verb);
		return QC_EXIT_USAGE;
	}
	if (!*dc->reason || strlen(dc->reason) > ST_LABEL_REASON_MAX ||
	    !st_utf8_valid((const uint8_t *)dc->reason, strlen(dc->reason)) ||
	    !st_utf8_valid((const uint8_t *)dc->badge, strlen(dc->badge))) {
		qc_err("label %s: --reason must say why, in 1 to %d bytes of UTF-8 text", verb,
		       ST_LABEL_REASON_MAX);
		return QC_EXIT_USAGE;
	}
	dc->job = job;
	return qc_cli_settle(c);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Who decides: an active operator of this store. */
static int operator_of(struct st_store *s, const char *badge, struct st_operator *op)
{
	int rc = st_store_operator_by_badge(s, badge, op);

	if (rc == ST_ERR_NOTFOUND) {
		qc_err("badge %s belongs to no operator of this store", badge);
		return QC_EXIT_NOINPUT;
	}
	if (rc < 0) {
		qc_err("%s", st_store_errmsg(s));
		return qc_exit_for(rc);
	}
	if (!op->active) {
		qc_err("operator %s (%s) is not active", op->name, badge);
		return QC_EXIT_DATAERR;
	}
	return QC_EXIT_OK;
}

/* The decision and its outbox event, in one transaction. */
static int decide(struct qc_cli *c, struct st_store *s, const struct decision *dc,
		  const struct st_operator *op, const char *verb, int64_t *new_id)
{
	struct st_outbox_rec ob = { .ts_ms = now_ms() };
	char entity[48], *payload = NULL;
	json_t *p;
	int rc = st_store_begin(s);

	if (rc == ST_OK && !strcmp(verb, "reprint"))
		rc = st_store_label_job_reprint(s, dc->job, dc->printer, op->id, dc->reason, ob.ts_ms,
						new_id, NULL);
	else if (rc == ST_OK)
		rc = st_store_label_job_void(s, dc->job, op->id, dc->reason, ob.ts_ms);
	if (rc == ST_OK) {
		p = json_pack("{s:I, s:s, s:s, s:s}", "job", (json_int_t)dc->job, "operator",
			      op->badge, "reason", dc->reason, "station", c->cfg.station_code);
		if (p && new_id && *new_id)
			json_object_set_new(p, "new_job", json_integer(*new_id));
		payload = p ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(p);
		snprintf(entity, sizeof(entity), "label_job:%lld", (long long)dc->job);
		ob.type = !strcmp(verb, "reprint") ? "label_reprint" : "label_void";
		ob.entity = entity;
		ob.payload = payload;
		rc = payload ? st_store_outbox_add(s, &ob, NULL, NULL) : ST_ERR_NOMEM;
	}
	if (rc == ST_OK)
		rc = st_store_commit(s);
	free(payload);
	if (rc < 0) {
		st_store_rollback(s);
		qc_err("label %s %lld: %s", verb, (long long)dc->job,
		       rc == ST_ERR_NOTFOUND ? "no such job" : st_store_errmsg(s));
		return qc_exit_for(rc);
	}
	return QC_EXIT_OK;
}

int qc_cmd_label_reprint(struct qc_cli *c, int argc, char **argv)
{
	struct decision dc = { 0 };
	struct deliver d = { .wait_s = WAIT_DEFAULT_S };
	struct st_store *s = NULL;
	struct st_operator op;
	const char *how = "queued";
	int64_t nid = 0;
	int rc = parse_decision(c, argc, argv, "reprint", &dc);

	if (rc)
		return rc;
	if (dc.printer && strcmp(dc.printer, c->cfg.printer.name)) {
		qc_err("label reprint: no printer '%s' here ([printer] name = %s)", dc.printer,
		       c->cfg.printer.name);
		return QC_EXIT_USAGE;
	}
	d.json = dc.json;
	rc = qc_open_store(c, false, false, &s);
	if (rc)
		return rc;
	rc = operator_of(s, dc.badge, &op);
	if (rc == QC_EXIT_OK)
		rc = decide(c, s, &dc, &op, "reprint", &nid);
	if (rc == QC_EXIT_OK) {
		if (!d.json)
			printf("job %lld reprinted as job %lld (by %s: %s)\n", (long long)dc.job,
			       (long long)nid, op.badge, dc.reason);
		rc = deliver(c, s, &d, &how);
		if (!report_jobs(s, &nid, 1, how, &d, "reprint") && rc == QC_EXIT_OK)
			rc = QC_EXIT_FAIL;
	}
	st_store_close(s);
	return rc;
}

int qc_cmd_label_void(struct qc_cli *c, int argc, char **argv)
{
	struct decision dc = { 0 };
	struct st_store *s = NULL;
	struct st_operator op;
	int rc = parse_decision(c, argc, argv, "void", &dc);

	if (rc)
		return rc;
	rc = qc_open_store(c, false, false, &s);
	if (rc)
		return rc;
	rc = operator_of(s, dc.badge, &op);
	if (rc == QC_EXIT_OK)
		rc = decide(c, s, &dc, &op, "void", NULL);
	if (rc == QC_EXIT_OK) {
		if (dc.json) {
			json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "action", "void", "job",
					      (json_int_t)dc.job, "operator", op.badge, "reason",
					      dc.reason);

			json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(o);
		} else
			printf("job %lld void (by %s: %s)\n", (long long)dc.job, op.badge, dc.reason);
	}
	st_store_close(s);
	return rc;
}

/* ---- printers ------------------------------------------------------------- */

struct listing {
	struct qc_cli *c;
	struct st_store *s;
	json_t *arr;
	bool json;
	bool draining;
	bool seen_configured;
	int rc;
};

static int add_job_line(const struct st_label_job *j, void *ud)
{
	json_t *jobs = ud;
	char t[32];

	json_array_append_new(jobs, json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "job",
					      (json_int_t)j->id, "uuid", j->uuid, "state", j->state,
					      "format", j->format, "entity", j->entity, "attempts",
					      j->attempts, "last_error", j->last_error, "created",
					      st_json_time(j->created_ms, t)));
	return 0;
}

static int one_printer(const struct st_printer_rec *r, void *ud)
{
	struct listing *l = ud;
	struct st_label_counts n = { 0 };
	bool configured = !strcmp(r->name, l->c->cfg.printer.name);
	char uri[1100], t[32];
	json_t *o, *jobs = json_array(), *flags = json_array();
	size_t i;
	json_t *x;

	if (configured)
		l->seen_configured = true;
	l->rc = st_store_label_counts(l->s, r->name, &n);
	if (l->rc == ST_OK)
		l->rc = st_store_label_job_each(l->s, r->name, true, add_job_line, jobs);
	if (l->rc < 0) {
		json_decref(jobs);
		json_decref(flags);
		return 1;
	}
	if (r->flags[0]) {
		char f[sizeof(r->flags)], *p = f, *comma;

		snprintf(f, sizeof(f), "%s", r->flags);
		for (; p; p = comma ? comma + 1 : NULL) {
			comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			json_array_append_new(flags, json_string(p));
		}
	}
	if (configured)
		st_config_printer_uri(&l->c->cfg, uri, sizeof(uri));
	else
		snprintf(uri, sizeof(uri), "%s", r->uri);
	o = json_pack("{s:s, s:s, s:b, s:s, s:s, s:o, s:s?, s:b, s:I, s:I, s:I, s:I, s:s, s:o}",
		      "name", r->name, "uri", uri, "configured", configured, "state", r->state,
		      "reason", r->reason, "flags", flags, "updated",
		      r->updated_ms ? st_json_time(r->updated_ms, t) : NULL, "station_printing",
		      configured && l->draining, "waiting", (json_int_t)n.queued, "uncertain",
		      (json_int_t)n.uncertain, "failed", (json_int_t)n.failed, "printed",
		      (json_int_t)n.done, "last_error", r->last_error, "jobs", jobs);
	if (l->json) {
		json_array_append_new(l->arr, o);
		return 0;
	}
	printf("%s  %s  %s%s%s\n", r->name, uri, r->state, r->reason[0] ? ": " : "", r->reason);
	printf("  waiting %lld, uncertain %lld, failed %lld, printed %lld; %s\n",
	       (long long)n.queued, (long long)n.uncertain, (long long)n.failed, (long long)n.done,
	       !configured ? "not in this station's config"
	       : l->draining ? "a station is printing them"
			     : "no station is printing (qcstation run, or label print)");
	if (r->updated_ms)
		printf("  as of %s\n", st_json_time(r->updated_ms, t));
	if (r->last_error[0])
		printf("  last error: %s\n", r->last_error);
	json_array_foreach(jobs, i, x) {
		const char *st = json_string_value(json_object_get(x, "state"));

		printf("  job %lld  %-9s %s  %s%s%s\n",
		       (long long)json_integer_value(json_object_get(x, "job")), st,
		       json_string_value(json_object_get(x, "format")),
		       json_string_value(json_object_get(x, "entity")),
		       *json_string_value(json_object_get(x, "last_error")) ? "  " : "",
		       json_string_value(json_object_get(x, "last_error")));
		if (!strcmp(st, "uncertain") || !strcmp(st, "failed"))
			printf("      decide: qcstation label reprint|void %lld --operator BADGE "
			       "--reason TEXT\n",
			       (long long)json_integer_value(json_object_get(x, "job")));
	}
	json_decref(o);
	return 0;
}

int qc_cmd_printers(struct qc_cli *c, int argc, char **argv)
{
	struct listing l = { .c = c };
	struct st_store *s = NULL;
	char lock[600];
	int rc;

	for (int i = 1; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			l.json = true;
		} else {
			qc_err("printers: unknown argument '%s'; see 'qcstation printers --help'",
			       argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	rc = qc_open_store(c, false, true, &s);
	if (rc)
		return rc;
	l.s = s;
	l.arr = json_array();
	l.draining = lock_path(c, lock, sizeof(lock)) && st_printq_holder(lock);
	rc = st_store_printer_each(s, one_printer, &l);
	if (rc == 0 && l.rc == 0 && !l.seen_configured) {
		struct st_printer_rec r;

		memset(&r, 0, sizeof(r));
		snprintf(r.name, sizeof(r.name), "%s", c->cfg.printer.name);
		snprintf(r.state, sizeof(r.state), "unknown");
		one_printer(&r, &l);
	}
	if (rc < 0 || l.rc < 0) {
		qc_err("%s: %s", c->db_path, st_store_errmsg(s));
		rc = qc_exit_for(rc < 0 ? rc : l.rc);
	} else {
		rc = QC_EXIT_OK;
		if (l.json) {
			json_t *o = json_pack("{s:s, s:O}", "database", c->db_path, "printers", l.arr);

			json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(o);
		}
	}
	json_decref(l.arr);
	st_store_close(s);
	return rc;
}
