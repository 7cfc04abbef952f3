/* station/cli: "qcstation db check" and "qcstation db backup FILE". */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "st/err.h"
#include "cli-int.h"

static void report_text(const char *line, void *ud)
{
	(void)ud;
	printf("problem: %s\n", line);
}

static void report_json(const char *line, void *ud)
{
	json_array_append_new(ud, json_string(line));
}

static void progress(int done, int total, void *ud)
{
	/* A progress bar on stderr, only for a person at a terminal. */
	int width = 40, fill = total > 0 ? (int)((long long)done * width / total) : width;

	(void)ud;
	fprintf(stderr, "\rbackup [%.*s%*s] %d/%d pages", fill,
		"########################################", width - fill, "", done, total);
	if (done >= total)
		fputc('\n', stderr);
}

static int check(struct qc_cli *c, bool json)
{
	struct st_store *s = NULL;
	json_t *problems = json_array();
	int rc = qc_open_store(c, false, true, &s), st;

	if (rc) {
		json_decref(problems);
		return rc;
	}
	st = st_store_check(s, json ? report_json : report_text, problems);
	if (json) {
		json_t *o = json_pack("{s:s, s:b, s:O}", "database", c->db_path, "ok", st == 0,
				      "problems", problems);
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else if (st == 0) {
		printf("%s: ok\n", c->db_path);
	}
	json_decref(problems);
	if (st < 0 && st != ST_ERR_CORRUPT)
		qc_err("%s: check failed: %s (%s)", c->db_path, st_strerror(st), st_store_errmsg(s));
	st_store_close(s);
	if (st == ST_ERR_CORRUPT)
		return QC_EXIT_FAIL;
	return st < 0 ? qc_exit_for(st) : QC_EXIT_OK;
}

static int backup(struct qc_cli *c, const char *dest)
{
	struct st_store *s = NULL;
	int rc = qc_open_store(c, false, false, &s), st;

	if (rc)
		return rc;
	st = st_store_backup(s, dest, isatty(STDERR_FILENO) ? progress : NULL, NULL);
	if (st < 0)
		qc_err("backup of %s to %s failed: %s (%s)", c->db_path, dest, st_strerror(st),
		       st_store_errmsg(s));
	st_store_close(s);
	return st < 0 ? qc_exit_for(st) : QC_EXIT_OK;
}

int qc_cmd_db(struct qc_cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "", *dest = NULL;
	bool json = false;
	int rc;

	for (int i = 2; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json") && !strcmp(sub, "check")) {
			json = true;
		} else if (argv[i][0] != '-' && !dest && !strcmp(sub, "backup")) {
			dest = argv[i];
		} else {
			qc_err("db %s: unexpected argument '%s'", sub, argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	if (strcmp(sub, "check") && strcmp(sub, "backup")) {
		qc_err("usage: qcstation db check [--json] | qcstation db backup FILE");
		return QC_EXIT_USAGE;
	}
	if (!strcmp(sub, "backup") && !dest) {
		qc_err("db backup: which FILE should the copy go to?");
		return QC_EXIT_USAGE;
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	return dest ? backup(c, dest) : check(c, json);
}
