/* station/cli: "qcstation label templates|render|commands".
 *
 * templates  the built-in templates (data/labels/, embedded) with their
 *            fields and sizes
 * render     a template (built-in name or a .json file) filled with a data
 *            file, as ZPL, PNG or PDF; --verify decodes every barcode back
 * commands   the command and defect-code sheet, from the station's own
 *            tables (st_bc_commands, st_qc_defects), for an office printer
 *
 * "label print" belongs to the print queue (another module).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/embedded.h"
#include "fh/scanner.h"
#include "lb/data.h"
#include "lb/err.h"
#include "lb/render.h"
#include "lb/template.h"
#include "lb/verify.h"
#include "lb/zpl.h"
#include "st/barcode.h"
#include "st/err.h"
#include "st/labelmake.h"
#include "st/qc.h"
#include "cli-int.h"

#define DATA_FILE_MAX (1u << 20)

/* The templates of data/labels/, embedded at build time (sources.cmake);
 * st_label_builtin() parses one by name. */
extern const struct qc_embedded_file qc_label_files[];
extern const size_t qc_label_files_n;

enum fmt { F_ZPL, F_PNG, F_PDF };

struct opts {
	const char *tpl, *data, *out;
	enum fmt fmt;
	int dpi;
	bool verify, json, fmt_set;
};

static int exit_for_lb(int rc)
{
	switch (rc) {
	case LB_OK:
		return QC_EXIT_OK;
	case LB_ERR_NOMEM:
		return QC_EXIT_OSERR;
	case LB_ERR_IO:
		return QC_EXIT_IOERR;
	case LB_ERR_RANGE:
	case LB_ERR_TEMPLATE:
		return QC_EXIT_DATAERR;
	case LB_ERR_VERIFY:
		return QC_EXIT_FAIL;
	case LB_ERR_ARG:
		return QC_EXIT_USAGE;
	default:
		return QC_EXIT_SOFTWARE;
	}
}

/* Read a whole file (at most max bytes) into *out (NUL-terminated). */
static int read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0;
	int rc = QC_EXIT_OK;

	if (!f) {
		qc_err("%s: %s", path, strerror(errno));
		return errno == ENOENT ? QC_EXIT_NOINPUT : QC_EXIT_IOERR;
	}
	b = malloc(max + 1);
	if (!b) {
		rc = QC_EXIT_OSERR;
		goto out;
	}
	n = fread(b, 1, max + 1, f);
	if (ferror(f)) {
		qc_err("%s: read error", path);
		rc = QC_EXIT_IOERR;
	} else if (n > max) {
		qc_err("%s: larger than %zu bytes", path, max);
		rc = QC_EXIT_DATAERR;
	}
out:
	fclose(f);
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return QC_EXIT_OK;
}

/* A built-in template by name, or a template file (a path: has '/' or ends
 * in .json). */
static int load_template(const char *name, struct lb_template **out)
{
	char err[400];
	char *buf = NULL;
	size_t n = 0, l;
	int rc;

	if (st_label_builtin_exists(name)) {
		rc = st_label_builtin(name, out, err, sizeof(err));
		if (rc < 0) {
			qc_err("%s", err);
			return rc == ST_ERR_NOMEM ? QC_EXIT_OSERR : QC_EXIT_SOFTWARE;
		}
		return QC_EXIT_OK;
	}
	l = strlen(name);
	if (!strchr(name, '/') && (l < 5 || strcmp(name + l - 5, ".json"))) {
		qc_err("no template '%s'; see 'qcstation label templates'", name);
		return QC_EXIT_USAGE;
	}
	rc = read_file(name, LB_TEMPLATE_MAX_BYTES, &buf, &n);
	if (rc)
		return rc;
	rc = lb_template_parse(buf, n, name, out, err, sizeof(err));
	free(buf);
	if (rc < 0) {
		qc_err("%s", err[0] ? err : lb_strerror(rc));
		return exit_for_lb(rc);
	}
	return QC_EXIT_OK;
}

static void print_mm(long um)
{
	if (um % 1000 == 0)
		printf("%ld", um / 1000);
	else
		printf("%ld.%ld", um / 1000, um % 1000 / 100);
}

static int cmd_templates(bool json)
{
	json_t *arr = json ? json_array() : NULL;
	int rc = QC_EXIT_OK;

	if (json && !arr)
		return QC_EXIT_OSERR;
	for (size_t i = 0; i < qc_label_files_n && rc == QC_EXIT_OK; i++) {
		struct lb_template *t = NULL;
		long w, h;

		char err[400] = "";

		if (lb_template_parse((const char *)qc_label_files[i].data, qc_label_files[i].len,
				      qc_label_files[i].name, &t, err, sizeof(err)) < 0) {
			qc_err("%s", err);
			rc = QC_EXIT_SOFTWARE;
			break;
		}
		lb_template_size_um(t, &w, &h);
		if (json) {
			json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:[I,I], s:[I,I], s:[]}", "name",
					      lb_template_name(t), "description",
					      lb_template_description(t), "width_um", (json_int_t)w,
					      "height_um", (json_int_t)h, "dots_203",
					      (json_int_t)(w * 8 / 1000), (json_int_t)(h * 8 / 1000),
					      "dots_300", (json_int_t)(w * 12 / 1000),
					      (json_int_t)(h * 12 / 1000), "fields");

			for (size_t k = 0; o && k < lb_template_fields(t); k++) {
				const struct lb_field *f = lb_template_field(t, k);

				json_array_append_new(json_object_get(o, "fields"),
						      json_pack("{s:s, s:s, s:i, s:b, s:b}", "name",
								f->name, "label", f->label, "max",
								(int)f->max, "required", f->required,
								"list", f->list));
			}
			if (!o || json_array_append_new(arr, o))
				rc = QC_EXIT_OSERR;
		} else {
			printf("%s  ", lb_template_name(t));
			print_mm(w);
			printf(" x ");
			print_mm(h);
			printf(" mm (%ldx%ld dots at 203 dpi, %ldx%ld at 300)\n  %s\n", w * 8 / 1000,
			       h * 8 / 1000, w * 12 / 1000, h * 12 / 1000, lb_template_description(t));
			for (size_t k = 0; k < lb_template_fields(t); k++) {
				const struct lb_field *f = lb_template_field(t, k);

				printf("    %-16s %-9s max %3u  %s\n", f->name,
				       f->list ? "list" : f->required ? "required" : "optional", f->max,
				       f->label);
			}
			putchar('\n');
		}
		lb_template_free(t);
	}
	if (json && rc == QC_EXIT_OK) {
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(arr);
	return rc;
}

/* Build the label, render it into b and verify it when asked.  Returns an
 * exit status, the error already printed. */
static int render(const struct lb_template *t, const struct lb_data *d, const struct opts *o,
		  struct lb_buf *b)
{
	struct lb_label *l = NULL;
	struct lb_buf rep = LB_BUF_INIT;
	struct lb_verify_report *vr = NULL;
	char err[400] = "";
	int rc;

	rc = lb_template_build(t, d, o->dpi, &l, err, sizeof(err));
	if (rc < 0) {
		qc_err("%s: %s", lb_template_name(t), err[0] ? err : lb_strerror(rc));
		rc = exit_for_lb(rc);
		goto out;
	}
	rc = o->fmt == F_ZPL ? lb_zpl_render(l, b) :
	     o->fmt == F_PNG ? lb_render_png(l, b, err, sizeof(err)) :
			       lb_render_pdf(l, b, err, sizeof(err));
	if (rc < 0) {
		qc_err("%s: %s", lb_template_name(t), err[0] ? err : lb_strerror(rc));
		rc = exit_for_lb(rc);
		goto out;
	}
	if (o->verify) {
		vr = malloc(sizeof(*vr));
		if (!vr) {
			rc = QC_EXIT_OSERR;
			goto out;
		}
		rc = lb_verify_label(l, vr, err, sizeof(err));
		if (rc < 0 && rc != LB_ERR_VERIFY) {
			qc_err("verify: %s", err[0] ? err : lb_strerror(rc));
			rc = exit_for_lb(rc);
			goto out;
		}
		if (lb_verify_format(vr, &rep) == LB_OK)
			fputs(rep.data, stderr);
		if (rc == LB_ERR_VERIFY) {
			qc_err("%s: a barcode does not decode to its data; nothing written",
			       lb_template_name(t));
			rc = QC_EXIT_FAIL;
			goto out;
		}
	}
	rc = QC_EXIT_OK;
out:
	free(vr);
	lb_buf_fini(&rep);
	lb_label_free(l);
	return rc;
}

/* Write what was rendered to -o or stdout. */
static int write_out(const struct opts *o, const struct lb_buf *b)
{
	FILE *f = NULL;
	int rc;

	if (!o->out || !strcmp(o->out, "-")) {
		if (o->fmt != F_ZPL && isatty(STDOUT_FILENO)) {
			qc_err("not writing %s to a terminal: use -o FILE",
			       o->fmt == F_PNG ? "PNG" : "PDF");
			rc = QC_EXIT_USAGE;
			goto out;
		}
		f = stdout;
	} else {
		f = fopen(o->out, "wb");
		if (!f) {
			qc_err("%s: %s", o->out, strerror(errno));
			rc = QC_EXIT_CANTCREAT;
			goto out;
		}
	}
	rc = QC_EXIT_OK;
	if (fwrite(b->data, 1, b->len, f) != b->len || fflush(f) != 0) {
		qc_err("%s: write error", o->out ? o->out : "stdout");
		rc = QC_EXIT_IOERR;
	}
out:
	if (f && f != stdout && fclose(f) != 0 && rc == QC_EXIT_OK) {
		qc_err("%s: write error", o->out);
		rc = QC_EXIT_IOERR;
	}
	return rc;
}

/* Load o->tpl and o->data, then render (and verify) into b. */
static int load_render(const struct opts *o, struct lb_buf *b)
{
	struct lb_template *t = NULL;
	struct lb_data *d = NULL;
	char err[400] = "";
	char *buf = NULL;
	size_t n;
	int rc;

	rc = load_template(o->tpl, &t);
	if (rc)
		goto out;
	rc = read_file(o->data, DATA_FILE_MAX, &buf, &n);
	if (rc)
		goto out;
	rc = lb_data_parse_json(buf, n, o->data, &d, err, sizeof(err));
	if (rc < 0) {
		qc_err("%s", err[0] ? err : lb_strerror(rc));
		rc = exit_for_lb(rc);
		goto out;
	}
	rc = render(t, d, o, b);
out:
	free(buf);
	lb_data_free(d);
	lb_template_free(t);
	return rc;
}

static int cmd_render(const struct opts *o)
{
	struct lb_buf b = LB_BUF_INIT;
	int rc = load_render(o, &b);

	if (rc == QC_EXIT_OK)
		rc = write_out(o, &b);
	lb_buf_fini(&b);
	return rc;
}

int qc_label_render(const char *tpl, const char *data_path, bool pdf, int dpi, bool verify,
		    struct lb_buf *out)
{
	struct opts o = { .tpl = tpl, .data = data_path, .fmt = pdf ? F_PDF : F_ZPL, .dpi = dpi,
			  .verify = verify };

	return load_render(&o, out);
}

/* What each command does, for the sheet (docs/operator-guide.md). */
static const char *command_text(const char *name)
{
	static const struct {
		const char *name, *text;
	} t[] = {
		{ "PASS", "the highlighted check passes" },
		{ "FAIL", "the highlighted check fails; a defect code follows" },
		{ "PASS-ALL", "every open check a look can answer passes" },
		{ "CANCEL", "drop the open inspection; nothing recorded" },
		{ "DONE", "end a failed inspection: the default disposition" },
		{ "UNDO", "take back the last answer" },
		{ "LOGOUT", "log out" },
		{ "HOLD", "end a failed inspection: hold for a lead" },
		{ "REWORK", "end a failed inspection: rework" },
		{ "SCRAP", "end a failed inspection: scrap" },
		{ "SKIP", "leave the highlighted check for later" },
		{ "CORRECT", "correct an item's last inspection" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, name))
			return t[i].text;
	return "reserved";
}

static const char *severity_name(enum st_qc_severity s)
{
	return s == ST_QC_SEV_CRITICAL ? "critical" : s == ST_QC_SEV_MAJOR ? "major" : "minor";
}

static int cmd_commands(struct qc_cli *c, struct opts *o)
{
	const char *const *cmds = st_bc_commands();
	const struct st_qc_defect_def *defs;
	const char *cp = c->cfg.patterns.command_prefix, *dp = c->cfg.patterns.defect_prefix;
	struct lb_template *t = NULL;
	struct lb_data *d = NULL;
	struct lb_buf b = LB_BUF_INIT;
	size_t n_def;
	unsigned k = 0;
	int rc;

	if (!cp || !cp[0] || !dp || !dp[0]) {
		qc_err("commands: [barcodes] command_prefix and defect_prefix must be set");
		return QC_EXIT_CONFIG;
	}
	rc = load_template("command-sheet", &t);
	if (rc)
		return rc;
	if (lb_data_new(&d) < 0) {
		rc = QC_EXIT_OSERR;
		goto out;
	}
	rc = lb_data_set(d, "title", "qcstation command barcodes", 26);
#ifdef FH_SCANNER_SELFTEST
	if (rc == LB_OK)
		rc = lb_data_set(d, "selftest", FH_SCANNER_SELFTEST, strlen(FH_SCANNER_SELFTEST));
#endif
	for (size_t i = 0; cmds[i] && rc == LB_OK; i++, k++) {
		char code[64];
		int n = snprintf(code, sizeof(code), "%s%s", cp, cmds[i]);

		rc = lb_data_set_item(d, "codes", k, "code", code, (size_t)n);
		if (rc == LB_OK)
			rc = lb_data_set_item(d, "codes", k, "text", command_text(cmds[i]),
					      strlen(command_text(cmds[i])));
	}
	defs = st_qc_defects(&n_def);
	for (size_t i = 0; i < n_def && rc == LB_OK; i++, k++) {
		char code[64], text[160];
		int n = snprintf(code, sizeof(code), "%s%s", dp, defs[i].code);
		int m = snprintf(text, sizeof(text), "%s (%s)", defs[i].description,
				 severity_name(defs[i].severity));

		rc = lb_data_set_item(d, "codes", k, "code", code, (size_t)n);
		if (rc == LB_OK)
			rc = lb_data_set_item(d, "codes", k, "text", text,
					      (size_t)m < sizeof(text) ? (size_t)m : sizeof(text) - 1);
	}
	if (rc < 0) {
		qc_err("commands: %s", lb_strerror(rc));
		rc = exit_for_lb(rc);
		goto out;
	}
	rc = render(t, d, o, &b);
	if (rc == QC_EXIT_OK)
		rc = write_out(o, &b);
out:
	lb_buf_fini(&b);
	lb_data_free(d);
	lb_template_free(t);
	return rc;
}

static int usage_err(void)
{
	qc_err("usage: qcstation label templates [--json]\n"
	       "       qcstation label render TEMPLATE --data FILE.json --format zpl|png|pdf\n"
	       "                              [--dpi 203|300] [-o OUT] [--verify]\n"
	       "       qcstation label commands [--format pdf|png] [--dpi 203|300] [-o OUT]\n"
	       "                                [--verify]");
	return QC_EXIT_USAGE;
}

static int need_value(int argc, char **argv, int i)
{
	if (i + 1 >= argc) {
		qc_err("label: option '%s' needs a value", argv[i]);
		return 0;
	}
	return 1;
}

int qc_cmd_label(struct qc_cli *c, int argc, char **argv)
{
	struct opts o = { .fmt = F_ZPL, .dpi = 203 };
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (strcmp(sub, "templates") && strcmp(sub, "render") && strcmp(sub, "commands"))
		return usage_err();
	if (!strcmp(sub, "commands")) {
		o.fmt = F_PDF;
		o.dpi = 300;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(a, "--json") && !strcmp(sub, "templates")) {
			o.json = true;
		} else if (!strcmp(a, "--verify") && strcmp(sub, "templates")) {
			o.verify = true;
		} else if (!strcmp(a, "--data") && !strcmp(sub, "render")) {
			if (!need_value(argc, argv, i))
				return QC_EXIT_USAGE;
			o.data = argv[++i];
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && strcmp(sub, "templates")) {
			if (!need_value(argc, argv, i))
				return QC_EXIT_USAGE;
			o.out = argv[++i];
		} else if (!strcmp(a, "--format") && strcmp(sub, "templates")) {
			if (!need_value(argc, argv, i))
				return QC_EXIT_USAGE;
			a = argv[++i];
			if (!strcmp(a, "zpl") && !strcmp(sub, "render"))
				o.fmt = F_ZPL;
			else if (!strcmp(a, "png"))
				o.fmt = F_PNG;
			else if (!strcmp(a, "pdf"))
				o.fmt = F_PDF;
			else {
				qc_err("label %s: --format is %s, not '%s'", sub,
				       !strcmp(sub, "render") ? "zpl, png or pdf" : "pdf or png", a);
				return QC_EXIT_USAGE;
			}
			o.fmt_set = true;
		} else if (!strcmp(a, "--dpi") && strcmp(sub, "templates")) {
			if (!need_value(argc, argv, i))
				return QC_EXIT_USAGE;
			a = argv[++i];
			if (strcmp(a, "203") && strcmp(a, "300")) {
				qc_err("label: --dpi is 203 or 300, not '%s'", a);
				return QC_EXIT_USAGE;
			}
			o.dpi = a[0] == '2' ? 203 : 300;
		} else if (a[0] != '-' && !strcmp(sub, "render") && !o.tpl) {
			o.tpl = a;
		} else {
			qc_err("label %s: unexpected '%s'", sub, a);
			return usage_err();
		}
	}
	if (!strcmp(sub, "render") && (!o.tpl || !o.data || !o.fmt_set)) {
		qc_err("label render: TEMPLATE, --data and --format are needed");
		return usage_err();
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	if (!strcmp(sub, "templates"))
		return cmd_templates(o.json);
	rc = !strcmp(sub, "render") ? cmd_render(&o) : cmd_commands(c, &o);
	lb_render_release(); /* the process ends here: no font caches left */
	return rc;
}
