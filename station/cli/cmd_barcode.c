/* station/cli: "qcstation barcode parse [--json] [CODE...]". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "st/barcode.h"
#include "st/events.h"
#include "st/lines.h"
#include "cli-int.h"

static void print_text(const struct st_bc *bc, const char *in, size_t n)
{
	printf("%.*s: %s %s", (int)n, in, bc->valid ? "valid" : "INVALID", st_bc_kind_name(bc->kind));
	if (bc->symbology[0])
		printf(" (symbology %s)", bc->symbology);
	if (bc->gtin[0])
		printf(" gtin %s", bc->gtin);
	if (bc->id[0])
		printf(" %s", bc->id);
	if (bc->carrier)
		printf(" [%s %s]", st_bc_carrier_name(bc->carrier), bc->service);
	putchar('\n');
	for (unsigned i = 0; i < bc->n_ai; i++)
		printf("  (%s) %s\n", bc->ai[i].ai, st_bc_ai_value(bc, i));
	for (unsigned i = 0; i < bc->err.n; i++)
		printf("  error: %s\n", bc->err.msg[i]);
}

static int one(struct qc_cli *c, struct st_bc *bc, const char *in, size_t n, bool json,
	       bool truncated)
{
	json_t *o;

	st_bc_parse(in, n, &c->cfg.patterns, bc);
	if (truncated)
		bc->valid = false;
	if (!json) {
		print_text(bc, in, n);
		if (truncated)
			printf("  error: longer than %u bytes; cut\n", c->cfg.scan_max);
	} else {
		o = st_json_barcode(bc, (const uint8_t *)in, n);
		if (!o)
			return -1;
		if (truncated) {
			json_object_set_new(o, "valid", json_false());
			json_array_append_new(json_object_get(o, "errors"),
					      json_sprintf("longer than %u bytes; cut", c->cfg.scan_max));
		}
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	}
	return bc->valid ? 0 : 1;
}

static int from_stdin(struct qc_cli *c, struct st_bc *bc, bool json)
{
	struct st_lines *r = malloc(sizeof(*r));
	const char *line;
	size_t n;
	bool cut;
	int got, bad = 0, rc;

	if (!r)
		return -1;
	st_lines_init(r, STDIN_FILENO);
	while ((got = st_lines_next(r, c->cfg.scan_max, &line, &n, &cut)) > 0) {
		rc = one(c, bc, line, n, json, cut);
		if (rc < 0) {
			free(r);
			return -1;
		}
		bad |= rc;
	}
	free(r);
	if (got < 0) {
		qc_err("reading stdin failed");
		return -2;
	}
	return bad;
}

int qc_cmd_barcode(struct qc_cli *c, int argc, char **argv)
{
	struct st_bc *bc = NULL;
	int *codes = NULL, n_codes = 0;
	bool json = false, dashdash = false;
	int rc, bad = 0;

	if (argc < 2 || strcmp(argv[1], "parse")) {
		qc_err("usage: qcstation barcode parse [--json] [CODE...]");
		return QC_EXIT_USAGE;
	}
	codes = calloc((size_t)argc, sizeof(*codes));
	bc = malloc(sizeof(*bc));
	if (!codes || !bc) {
		rc = QC_EXIT_OSERR;
		qc_err("out of memory");
		goto out;
	}
	/* Options first; "--" ends them, so a code may start with '-'. */
	for (int i = 2; i < argc; i++) {
		if (dashdash || argv[i][0] != '-') {
			codes[n_codes++] = i;
			continue;
		}
		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0) {
			rc = QC_EXIT_USAGE;
			goto out;
		}
		if (rc > 0)
			continue;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--")) {
			dashdash = true;
		} else {
			qc_err("barcode parse: unknown option '%s'", argv[i]);
			rc = QC_EXIT_USAGE;
			goto out;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		goto out;
	if (n_codes == 0) {
		bad = from_stdin(c, bc, json);
	} else {
		for (int k = 0; k < n_codes && bad >= 0; k++) {
			const char *code = argv[codes[k]];
			size_t n = strlen(code);
			bool cut = n > c->cfg.scan_max;

			rc = one(c, bc, code, cut ? c->cfg.scan_max : n, json, cut);
			bad = rc < 0 ? rc : (bad | rc);
		}
	}
	if (bad == -1)
		qc_err("out of memory");
	rc = bad == -1 ? QC_EXIT_OSERR : bad == -2 ? QC_EXIT_IOERR : bad ? QC_EXIT_FAIL : QC_EXIT_OK;
out:
	free(codes);
	free(bc);
	return rc;
}
