/* station/cli: "qcstation audit verify", the audit chain's check (issue 3).
 *
 * Recomputes the hash chain over inspections and evidence from a read-only
 * connection and says whether it holds: exit 0 when intact, 1 at the first
 * broken link (named: which record, and whether it was edited or records
 * around it deleted or reordered).  docs/internals/audit-chain.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "st/err.h"
#include "cli-int.h"

static void print_json(const struct qc_cli *c, const struct st_audit_report *a, bool ok)
{
	json_t *o = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:{s:I, s:s}}", "database",
			      c->db_path, "ok", ok, "records", (json_int_t)a->records,
			      "inspections", (json_int_t)a->inspections, "evidence",
			      (json_int_t)a->evidence, "problems", (json_int_t)a->problems,
			      "head", "seq", (json_int_t)a->head_seq, "hash", a->head_hash);

	if (o && a->problem != ST_AUDIT_OK)
		json_object_set_new(o, "first",
				    json_pack("{s:s, s:s, s:I, s:I, s:s}", "problem",
					      st_store_audit_problem_name(a->problem), "table",
					      a->table, "id", (json_int_t)a->id, "seq",
					      (json_int_t)a->seq, "message", a->message));
	json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(o);
}

static void print_text(const struct qc_cli *c, const struct st_audit_report *a, bool ok)
{
	if (ok) {
		printf("%s: audit chain intact: %" PRId64 " records (%" PRId64
		       " inspections, %" PRId64 " evidence), head %" PRId64 " %s\n",
		       c->db_path, a->records, a->inspections, a->evidence, a->head_seq,
		       a->head_hash);
		return;
	}
	printf("%s\n", a->message);
	printf("%s: audit chain broken: %" PRId64 " of %" PRId64 " records fail; the first is "
	       "shown\n",
	       c->db_path, a->problems, a->records);
}

static int verify(struct qc_cli *c, bool json)
{
	struct st_audit_report a;
	struct st_store *s = NULL;
	int rc = qc_open_store(c, false, true, &s), st;

	if (rc)
		return rc;
	st = st_store_audit_verify(s, &a);
	if (st == ST_OK || st == ST_ERR_CORRUPT) {
		if (json)
			print_json(c, &a, st == ST_OK);
		else
			print_text(c, &a, st == ST_OK);
	} else {
		qc_err("%s: audit verify failed: %s (%s)", c->db_path, st_strerror(st),
		       st_store_errmsg(s));
	}
	st_store_close(s);
	if (st == ST_ERR_CORRUPT)
		return QC_EXIT_FAIL;
	return st < 0 ? qc_exit_for(st) : QC_EXIT_OK;
}

int qc_cmd_audit(struct qc_cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	bool json = false;
	int rc;

	if (strcmp(sub, "verify")) {
		qc_err("usage: qcstation audit verify [--json]");
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
		} else {
			qc_err("audit verify: unexpected argument '%s'", argv[i]);
			return QC_EXIT_USAGE;
		}
	}
	rc = qc_cli_settle(c);
	if (rc)
		return rc;
	return verify(c, json);
}
