/* station/cli: "qcstation report qc", the QC lead's end-of-shift report
 * (issue 3): first-pass yield, defects (Pareto), inspections per inspector
 * per hour, items on hold.
 *
 * Reads the whole inspection history from a read-only connection (an
 * item's first inspection may predate the window) and hands it to the pure
 * aggregation of st/report.h, then the held items with their current
 * inspection.  The figures and their definitions: st/report.h and
 * docs/operator-guide.md ("Reports").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "st/err.h"
#include "st/report.h"
#include "cli-int.h"

enum format { FMT_TEXT, FMT_CSV, FMT_JSON };

static const char usage_line[] =
	"usage: qcstation report qc [--since DATE] [--until DATE] [--format text|csv|json]";

struct holds_ctx {
	struct st_store *s;
	struct st_report *rep;
	struct st_inspection_rec *cur; /* large: allocated once */
};

static int feed_inspection(const struct st_inspection_rec *r, void *ud)
{
	return st_report_add_inspection(ud, r);
}

static int feed_hold(const struct st_item *it, void *ud)
{
	struct holds_ctx *h = ud;
	int rc = st_store_inspection_last(h->s, it->id, h->cur);

	if (rc == ST_ERR_NOTFOUND)
		return st_report_add_hold(h->rep, it, NULL);
	if (rc < 0)
		return rc;
	return st_report_add_hold(h->rep, it, h->cur);
}

static int render(const struct st_report *rep, enum format fmt)
{
	json_t *o;
	int rc = ST_OK;

	switch (fmt) {
	case FMT_TEXT:
		rc = st_report_write_text(rep, stdout);
		break;
	case FMT_CSV:
		rc = st_report_write_csv(rep, stdout);
		break;
	case FMT_JSON:
		o = st_report_to_json(rep);
		if (!o)
			return ST_ERR_NOMEM;
		if (json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0)
			rc = ST_ERR_IO;
		json_decref(o);
		if (rc == ST_OK && putchar('\n') == EOF)
			rc = ST_ERR_IO;
		break;
	}
	if (rc == ST_OK && (fflush(stdout) != 0 || ferror(stdout)))
		rc = ST_ERR_IO;
	return rc;
}

static int report(struct qc_cli *c, int64_t since_ms, int64_t until_ms, enum format fmt)
{
	struct holds_ctx h = { 0 };
	struct st_report *rep = NULL;
	const char *what = "read the inspections";
	int rc, st;

	rc = qc_open_store(c, false, true, &h.s);
	if (rc)
		return rc;
	st = st_report_new(since_ms, until_ms, &rep);
	if (st == ST_OK) {
		h.rep = rep;
		h.cur = malloc(sizeof(*h.cur));
		if (!h.cur)
			st = ST_ERR_NOMEM;
	}
	if (st == ST_OK)
		st = st_store_inspection_each_by_item(h.s, feed_inspection, rep);
	if (st == ST_OK) {
		what = "read the items on hold";
		st = st_store_item_each_by_status(h.s, "hold", feed_hold, &h);
	}
	if (st == ST_OK)
		st = st_report_finish(rep);
	if (st == ST_OK) {
		what = "write the report";
		st = render(rep, fmt);
		if (st == ST_ERR_IO)
			qc_err("report qc: cannot write the report to stdout");
	} else if (st == ST_ERR_NOMEM) {
		qc_err("report qc: out of memory");
	} else {
		qc_err("%s: report qc: cannot %s: %s (%s)", c->db_path, what, st_strerror(st),
		       st_store_errmsg(h.s));
	}
	free(h.cur);
	st_report_free(rep);
	st_store_close(h.s);
	return st < 0 ? qc_exit_for(st) : QC_EXIT_OK;
}

/* The value of --name VALUE or --name=VALUE at argv[*i]; NULL when argv[*i]
 * is not that option, *missing set when the value is. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	*missing = false;
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int parse_time_opt(const char *name, const char *val, bool end_of_day, int64_t *ms)
{
	if (st_report_parse_time(val, end_of_day, ms) == ST_OK)
		return QC_EXIT_OK;
	qc_err("report qc: %s: '%s' is not a date (YYYY-MM-DD, a UTC day) or an RFC 3339 time "
	       "(2026-03-14T09:00:00Z, 2026-03-14T10:00:00+01:00)",
	       name, val);
	return QC_EXIT_USAGE;
}

int qc_cmd_report(struct qc_cli *c, int argc, char **argv)
{
	static const char *const opts[] = { "--since", "--until", "--format" };
	const char *sub = argc > 1 ? argv[1] : "";
	int64_t since_ms = 0, until_ms = 0;
	enum format fmt = FMT_TEXT;
	int rc;

	if (strcmp(sub, "qc")) {
		qc_err("%s", usage_line);
		return QC_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		const char *val = NULL;
		bool missing = false;
		size_t k;

		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			val = opt_value(argc, argv, &i, opts[k], &missing);
			if (val || missing)
				break;
		}
		if (missing) {
			qc_err("report qc: option '%s' needs a value", opts[k]);
			return QC_EXIT_USAGE;
		}
		if (!val) {
			qc_err("report qc: unexpected argument '%s'", argv[i]);
			return QC_EXIT_USAGE;
		}
		if (k == 0)
			rc = parse_time_opt("--since", val, false, &since_ms);
		else if (k == 1)
			rc = parse_time_opt("--until", val, true, &until_ms);
		else if (!strcmp(val, "text"))
			fmt = FMT_TEXT;
		else if (!strcmp(val, "csv"))
			fmt = FMT_CSV;
		else if (!strcmp(val, "json"))
			fmt = FMT_JSON;
		else {
			qc_err("report qc: --format: '%s' is not text, csv or json", val);
			rc = QC_EXIT_USAGE;
		}
		if (rc)
			return rc;
	}
	if (since_ms && until_ms && since_ms >= until_ms) {
		qc_err("report qc: --since must be before --until (the window is empty)");
		return QC_EXIT_USAGE;
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	return report(c, since_ms, until_ms, fmt);
}
