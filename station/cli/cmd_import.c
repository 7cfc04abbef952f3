/* station/cli: "qcstation import orders FILE.json". */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "st/import.h"
#include "cli-int.h"

int qc_cmd_import(struct qc_cli *c, int argc, char **argv)
{
	struct st_import_stats stats = { 0 };
	struct st_store *s = NULL;
	const char *file = NULL;
	bool json = false;
	char err[800];
	int rc;

	if (argc < 2 || strcmp(argv[1], "orders")) {
		qc_err("usage: qcstation import orders FILE.json [--json]");
		return QC_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0)
			return QC_EXIT_USAGE;
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (argv[i][0] != '-' && !file) {
			file = argv[i];
		} else {
			qc_err("import orders: unexpected argument '%s'", argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	if (!file) {
		qc_err("import orders: which FILE.json?");
		return QC_EXIT_USAGE;
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	rc = qc_open_store(c, true, false, &s);
	if (rc)
		return rc;
	rc = st_import_file(s, file, &stats, err, sizeof(err));
	st_store_close(s);
	if (rc < 0) {
		qc_err("%s", err);
		return qc_exit_for(rc);
	}
	if (json) {
		json_t *o = json_pack("{s:s, s:{s:i, s:i, s:i, s:i, s:i, s:i}}", "file", file,
				      "imported", "categories", stats.categories, "products",
				      stats.products, "operators", stats.operators, "orders",
				      stats.orders, "lines", stats.lines, "items", stats.items);
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		printf("%s: imported %u orders (%u lines), %u products, %u items, %u operators\n",
		       file, stats.orders, stats.lines, stats.products, stats.items, stats.operators);
	}
	return QC_EXIT_OK;
}
