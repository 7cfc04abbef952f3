/* station/cli: qcstation's entry point, global options, help, exit codes.
 *
 * git-style: "qcstation [--config FILE] [--db FILE] <command> [<args>]";
 * --config and --db are also accepted after the command.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "st/cli.h"
#include "st/err.h"
#include "cli-int.h"

#ifndef QC_VERSION
#define QC_VERSION "0.0.0"
#endif

static const char usage[] =
	"usage: qcstation [--config FILE] [--db FILE] <command> [<args>]\n"
	"\n"
	"The station program of a warehouse QC bench.\n"
	"\n"
	"Commands:\n"
	"  run             run the station (terminal UI, or --headless JSON lines)\n"
	"  barcode parse   classify codes as a scanner sent them\n"
	"  import orders   load orders, products and operators from a JSON file\n"
	"  db check        check the database's integrity and foreign keys\n"
	"  db backup       copy the database safely while the station runs\n"
	"  audit verify    check the hash chain over inspections and evidence\n"
	"  report qc       first-pass yield, defects, inspectors, items on hold\n"
	"  devices         list the USB scanners, scales and pedals (--watch: events)\n"
	"  devices bind    bind the next scanning or pressing device to a role\n"
	"  devices test    diagnose a scanner with the self-test barcode\n"
	"  label           label templates; render as ZPL, PNG or PDF; command sheet\n"
	"  printers        the print queue and each printer's state\n"
	"  label print     print a carrier's ZPL, PDF or PNG label as it is\n"
	"  label reprint   print a job again (an operator and a reason)\n"
	"  label void      cancel a job or void a printed label (audited)\n"
	"  sync            push the outbox to the central store, pull orders (--follow)\n"
	"  sync status     what is pending, the last run, the dead-letter list\n"
	"  version         print the version\n"
	"  help [COMMAND]  show help for a command\n"
	"\n"
	"Options (also after the command):\n"
	"  -c, --config FILE  configuration file (default " ST_CONFIG_DEFAULT_PATH ")\n"
	"      --db FILE      database file (default: the config's, else\n"
	"                     /var/lib/qcstation/station.db)\n"
	"  -h, --help         show help\n"
	"  -V, --version      print the version\n"
	"\n"
	"Exit status: 0 success, 1 invalid code or failed check, 64 usage error,\n"
	"65 bad data or database, 66 missing input, 69 USB unavailable, 73 cannot\n"
	"write, 74 I/O error, 75 database locked or central store unreachable\n"
	"(try later), 76 request refused by the central store, 77 sync token\n"
	"refused, 78 bad configuration.  See qcstation(1).\n";

void qc_err(const char *fmt, ...)
{
	va_list ap;

	fputs("qcstation: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int qc_exit_for(int err)
{
	switch (err) {
	case ST_OK:
		return QC_EXIT_OK;
	case ST_ERR_ARG:
		return QC_EXIT_USAGE;
	case ST_ERR_PARSE:
	case ST_ERR_CORRUPT:
	case ST_ERR_SCHEMA_NEWER:
	case ST_ERR_RANGE:
	case ST_ERR_CONSTRAINT:
		return QC_EXIT_DATAERR;
	case ST_ERR_NOTFOUND:
		return QC_EXIT_NOINPUT;
	case ST_ERR_NOMEM:
		return QC_EXIT_OSERR;
	case ST_ERR_READONLY:
		return QC_EXIT_CANTCREAT;
	case ST_ERR_IO:
	case ST_ERR_FULL:
		return QC_EXIT_IOERR;
	case ST_ERR_BUSY:
	case ST_ERR_TIMEOUT:
		return QC_EXIT_TEMPFAIL;
	case ST_ERR_CONFIG:
		return QC_EXIT_CONFIG;
	default:
		return QC_EXIT_SOFTWARE;
	}
}

int qc_common_opt(struct qc_cli *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char *val = NULL;
	int is_db = 0;

	if (!strcmp(a, "--db") || !strncmp(a, "--db=", 5))
		is_db = 1;
	else if (strcmp(a, "-c") && strcmp(a, "--config") && strncmp(a, "--config=", 9))
		return 0;
	val = strchr(a, '=');
	if (val && a[1] == '-') {
		val++;
	} else {
		if (*i + 1 >= argc) {
			qc_err("option '%s' needs a file name", a);
			return -1;
		}
		val = argv[++*i];
	}
	if (!*val) {
		qc_err("option '%s' needs a file name", a);
		return -1;
	}
	if (is_db) {
		if (strlen(val) >= sizeof(c->db_path)) {
			qc_err("--db: path longer than %zu bytes", sizeof(c->db_path) - 1);
			return -1;
		}
		snprintf(c->db_path, sizeof(c->db_path), "%s", val);
	} else {
		c->config_path = val;
	}
	return 1;
}

int qc_cli_settle(struct qc_cli *c)
{
	char err[700];
	char db[sizeof(c->db_path)];
	const char *path = c->config_path ? c->config_path : getenv("QCSTATION_CONFIG");
	int rc = st_config_load(&c->cfg, path ? path : ST_CONFIG_DEFAULT_PATH, path != NULL, err,
				sizeof(err));

	if (rc < 0) {
		qc_err("%s", err);
		return rc == ST_ERR_IO ? QC_EXIT_NOINPUT : QC_EXIT_CONFIG;
	}
	if (!c->db_path[0]) {
		st_config_db_path(&c->cfg, db, sizeof(db));
		snprintf(c->db_path, sizeof(c->db_path), "%s", db);
	}
	return QC_EXIT_OK;
}

/* mkdir -p of path's parent folder. */
static int make_parent(const char *path)
{
	char dir[512];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int qc_open_store(struct qc_cli *c, bool create, bool readonly, struct st_store **out)
{
	struct st_store_opts o = { .create = create,
				   .readonly = readonly,
				   .busy_timeout_ms = c->cfg.busy_timeout_ms };
	char err[800];
	int rc;

	if (create && make_parent(c->db_path) < 0) {
		qc_err("cannot create the data folder of %s: %s", c->db_path, strerror(errno));
		return QC_EXIT_CANTCREAT;
	}
	rc = st_store_open(c->db_path, &o, out, err, sizeof(err));
	if (rc < 0) {
		qc_err("%s", err);
		return qc_exit_for(rc);
	}
	return QC_EXIT_OK;
}

static int help_for(const char *cmd)
{
	static const struct {
		const char *name, *text;
	} h[] = {
		{ "run", "usage: qcstation run [--headless | --plain] [--demo] [--station CODE]\n"
			 "                     [--db FILE]\n"
			 "\n"
			 "Run the station: read scans (one per line: a keyboard-wedge scanner or\n"
			 "a person typing), store each raw, act on it, show the result.\n"
			 "\n"
			 "  --headless      print one JSON object per event on stdout (the default\n"
			 "                  when stdin is not a terminal); see docs/data-formats.md\n"
			 "  --plain         on a terminal, the line mode instead of the bench UI\n"
			 "                  (docs/operator-guide.md)\n"
			 "  --demo          load the embedded demo data set first (idempotent)\n"
			 "  --station CODE  station code (overrides [station] code)\n" },
		{ "barcode", "usage: qcstation barcode parse [--json] [CODE...]\n"
			     "\n"
			     "Classify each CODE (or each line of stdin when none is given) the way\n"
			     "the station would: GTIN, GS1, brand codes, commands, tracking numbers.\n"
			     "A GS separator is the byte 0x1D; an AIM prefix such as ]C1 may lead.\n"
			     "\n"
			     "  --json   one JSON object per code (see docs/barcodes.md)\n"
			     "\n"
			     "Exit status 0 when every code is valid, 1 otherwise.\n" },
		{ "import", "usage: qcstation import orders FILE.json [--json]\n"
			    "\n"
			    "Load operators, products, orders and items from FILE.json\n"
			    "(format: docs/data-formats.md), all or nothing.  Re-importing updates.\n" },
		{ "db", "usage: qcstation db check [--json]\n"
			"       qcstation db backup FILE\n"
			"\n"
			"check   integrity and foreign-key check; exit 0 when sound, 1 when not\n"
			"backup  copy the database with SQLite's online backup API (safe while\n"
			"        the station runs); FILE appears only when the copy is whole\n" },
		{ "audit", "usage: qcstation audit verify [--json]\n"
			   "\n"
			   "Recompute the hash chain over inspections and evidence (tamper\n"
			   "evidence, docs/internals/audit-chain.md).  Exit 0 when every link\n"
			   "holds, 1 when one is broken: the first broken record is named, and\n"
			   "whether it was edited or records before it deleted or reordered.\n"
			   "\n"
			   "  --json   one JSON object: ok, records, problems, head, first\n" },
		{ "report", "usage: qcstation report qc [--since DATE] [--until DATE]\n"
			    "                           [--format text|csv|json]\n"
			    "\n"
			    "The QC report: first-pass yield by category and SKU, defects by code\n"
			    "(Pareto), inspections per inspector per active hour, items on hold.\n"
			    "\n"
			    "  --since DATE   from DATE on: YYYY-MM-DD (a UTC day) or RFC 3339\n"
			    "  --until DATE   before DATE; a YYYY-MM-DD includes that day\n"
			    "  --format FMT   text (default), csv (one document, a section\n"
			    "                 column) or json (one object)\n"
			    "\n"
			    "Definitions: docs/operator-guide.md, \"Reports\".\n" },
		{ "devices", "usage: qcstation devices [--json] [--watch]\n"
			     "       qcstation devices bind ROLE [--timeout SECONDS] [--keyboards]\n"
			     "                                   [--json]\n"
			     "       qcstation devices test [--timeout SECONDS] [--keyboards] [--json]\n"
			     "\n"
			     "List the USB devices a driver knows (scanners, scales, printers,\n"
			     "buttons and pedals): identity key, VID:PID, serial, port, driver,\n"
			     "class and the role bound to it in [devices] (docs/devices.md).\n"
			     "A keyboard-mode scanner shows only when a role binds it: other\n"
			     "keyboards are left to the console.\n"
			     "\n"
			     "  --json    one JSON document (with --watch: one JSON object a line)\n"
			     "  --watch   keep running and print each attach, detach, scan, button\n"
			     "            and weight until interrupted (Ctrl+C)\n"
			     "\n"
			     "\n"
			     "bind ROLE: wait for the next scan, or button or pedal press, from any\n"
			     "USB device and write ROLE = its key into [devices] of the config file\n"
			     "(--config, else $QCSTATION_CONFIG, else the default; every other line\n"
			     "kept, written atomically, created when missing).  A role is 1 to 32 of\n"
			     "a-z, 0-9 and '-'.\n"
			     "\n"
			     "test: wait for one scan of the scanner self-test barcode (command\n"
			     "sheet), over USB or typed into this terminal, and print what is\n"
			     "misconfigured and how to fix it: keyboard layout, Caps Lock, GS lost\n"
			     "or replaced, suffix, keyboard mode, AIM identifier.\n"
			     "\n"
			     "  --timeout S  bind, test: wait at most S seconds (default 30)\n"
			     "  --keyboards  bind, test: read keyboard-mode scanners bound to no role\n"
			     "               too (every keyboard leaves the console meanwhile)\n"
			     "\n"
			     "Exit status 0; 1 test found something to fix, or not the self-test;\n"
			     "64 usage (a malformed role); 69 USB cannot be used here (the message\n"
			     "says why: no USB, or the udev rule to install); 73 the config cannot\n"
			     "be written; 75 nothing scanned in time; 78 the config does not load.\n" },
		{ "printers", "usage: qcstation printers [--json]\n"
			      "\n"
			      "The print queue and each printer: its state as the station last saw\n"
			      "it (ready, not_ready with the reason: paper out, head open, paused,\n"
			      "ribbon out, no answer; offline), jobs waiting, jobs uncertain or\n"
			      "failed that need an operator's decision, the last error, and whether\n"
			      "a running station is printing them (docs/printing.md).\n"
			      "\n"
			      "  --json   one JSON document\n" },
		{ "label", "usage: qcstation label templates [--json]\n"
			   "       qcstation label render TEMPLATE --data FILE.json\n"
			   "                 --format zpl|png|pdf [--dpi 203|300] [-o OUT] [--verify]\n"
			   "       qcstation label commands [--format pdf|png] [--dpi 203|300]\n"
			   "                 [-o OUT] [--verify]\n"
			   "       qcstation label print TEMPLATE --data FILE.json [--verify]\n"
			   "                             [--printer NAME] [--copies N] ...\n"
			   "       qcstation label print --file DOC [--printer NAME] [--copies N]\n"
			   "                             [--format zpl|png|pdf] [--force]\n"
			   "                             [--queue-only] [--wait SEC] [--json]\n"
			   "       qcstation label reprint JOB --operator BADGE --reason TEXT\n"
			   "                               [--printer NAME] [--json]\n"
			   "       qcstation label void JOB --operator BADGE --reason TEXT [--json]\n"
			   "\n"
			   "templates  the built-in label templates, each with its size and fields\n"
			   "           (--json: one JSON document)\n"
			   "render     fill TEMPLATE (a built-in name, or a template .json file)\n"
			   "           with FILE.json and write ZPL II (safe for any data), a PNG\n"
			   "           preview or a PDF; 203 dpi unless --dpi 300; stdout unless -o\n"
			   "commands   the sheet of every command and defect-code barcode, for an\n"
			   "           office printer (PDF at 300 dpi by default)\n"
			   "\n"
			   "  --verify  decode every barcode of the rendered label (zbar, libdmtx)\n"
			   "            and compare it with its data; the report goes to stderr\n"
			   "            and nothing is written when one differs (exit 1)\n"
			   "\n"
			   "Formats and templates: docs/labels.md.  Exit status 0, 1 when --verify\n"
			   "found a mismatch, 64 usage, 65 bad template or data (the message names\n"
			   "the file and field), 66 missing file, 73/74 cannot write.\n"
			   "\n"
			   "print TEMPLATE --data FILE.json\n"
			   "         make the label at the printer's resolution (ZPL; PDF for a\n"
			   "         cups: printer), --verify its barcodes, and queue it as below\n"
			   "print --file DOC\n"
			   "         queue a document as it is (a carrier's label: ZPL, PDF or PNG,\n"
			   "         told by its first bytes) for the [printer].  A ZPL label made\n"
			   "         for another resolution or a wider label (^PW, ^MU) is refused\n"
			   "         (exit 65) unless --force.  When a station runs on this\n"
			   "         database it prints the job; otherwise this command prints the\n"
			   "         queue itself, waiting up to --wait seconds (default 30); a\n"
			   "         printer that is not ready leaves the jobs queued (exit 75).\n"
			   "         --queue-only only queues.\n"
			   "reprint  queue job JOB's bytes again; allowed once it is done,\n"
			   "         uncertain, failed or void; audited with operator and reason\n"
			   "void     cancel a queued job, or settle an uncertain, failed or printed\n"
			   "         one as void; audited with operator and reason\n"
			   "\n"
			   "Exit status: 0 printed (or handed to the running station), 1 a job\n"
			   "ended uncertain or failed, 64 usage, 65 bad document (or a format the\n"
			   "printer does not take) or a decision the job's state refuses, 66 no\n"
			   "such file, job or badge, 75 the printer is not ready: jobs stay queued.\n" },
		{ "sync", "usage: qcstation sync [--follow] [--json] [--server URL]\n"
			  "                      [--token-file FILE]\n"
			  "       qcstation sync status [--json]\n"
			  "\n"
			  "Push the outbox to the central store (qcstation-central), then pull\n"
			  "what it sends (orders, cancellations, payments, RMAs, ...).  Killed at\n"
			  "any moment, the next run resumes: no event is lost or counted twice.\n"
			  "\n"
			  "  --follow           keep running: push each new event within a second,\n"
			  "                     pull every [sync] pull_interval_s; stop on SIGTERM\n"
			  "  --json             a JSON summary on stdout (--follow: one per round)\n"
			  "  --server URL       central store (overrides [sync] server); https://,\n"
			  "                     or http:// to 127.0.0.1, [::1] or localhost only\n"
			  "  --token-file FILE  this station's token (overrides [sync] token_file)\n"
			  "\n"
			  "status  pending events, the last attempt and success, the pull cursor,\n"
			  "        and the dead-letter list (events the store rejected, and why)\n"
			  "\n"
			  "Exit status: 0 done, 75 central store unreachable or failing (retries\n"
			  "exhausted; try later), 76 a request refused as malformed, 77 token\n"
			  "refused, 78 configuration (no server or token, TLS).  docs/sync.md.\n" },
	};

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		if (!strcmp(cmd, h[i].name)) {
			fputs(h[i].text, stdout);
			return QC_EXIT_OK;
		}
	qc_err("no help for '%s'; try 'qcstation --help'", cmd);
	return QC_EXIT_USAGE;
}

int st_cli_main(int argc, char **argv, const volatile sig_atomic_t *stop)
{
	struct qc_cli *c = calloc(1, sizeof(*c));
	const char *cmd = NULL;
	int i, rc;

	if (!c) {
		qc_err("out of memory");
		return QC_EXIT_OSERR;
	}
	c->prog = "qcstation";
	c->stop = stop;
	st_config_defaults(&c->cfg);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		rc = qc_common_opt(c, argc, argv, &i);
		if (rc < 0) {
			rc = QC_EXIT_USAGE;
			goto out;
		}
		if (rc > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			rc = QC_EXIT_OK;
			goto out;
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("qcstation %s\n", QC_VERSION);
			rc = QC_EXIT_OK;
			goto out;
		}
		if (a[0] == '-') {
			qc_err("unknown option '%s'; see 'qcstation --help'", a);
			rc = QC_EXIT_USAGE;
			goto out;
		}
		cmd = a;
		break;
	}
	if (!cmd) {
		fputs(usage, stderr);
		rc = QC_EXIT_USAGE;
		goto out;
	}
	argc -= i;
	argv += i;
	/* "qcstation <cmd> --help" and "qcstation help <cmd>" */
	if (!strcmp(cmd, "help")) {
		rc = argc > 1 ? help_for(argv[1]) : (fputs(usage, stdout), QC_EXIT_OK);
		goto out;
	}
	for (int j = 1; j < argc; j++)
		if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help")) {
			rc = help_for(cmd);
			goto out;
		}
	if (!strcmp(cmd, "version")) {
		printf("qcstation %s (database schema %d)\n", QC_VERSION, ST_STORE_SCHEMA_VERSION);
		rc = QC_EXIT_OK;
	} else if (!strcmp(cmd, "run")) {
		rc = qc_cmd_run(c, argc, argv);
	} else if (!strcmp(cmd, "barcode")) {
		rc = qc_cmd_barcode(c, argc, argv);
	} else if (!strcmp(cmd, "db")) {
		rc = qc_cmd_db(c, argc, argv);
	} else if (!strcmp(cmd, "import")) {
		rc = qc_cmd_import(c, argc, argv);
	} else if (!strcmp(cmd, "audit")) {
		rc = qc_cmd_audit(c, argc, argv);
	} else if (!strcmp(cmd, "report")) {
		rc = qc_cmd_report(c, argc, argv);
	} else if (!strcmp(cmd, "devices")) {
		rc = qc_cmd_devices(c, argc, argv);
	} else if (!strcmp(cmd, "printers")) {
		rc = qc_cmd_printers(c, argc, argv);
	} else if (!strcmp(cmd, "label") && argc > 1 && !strcmp(argv[1], "print")) {
		/* print, reprint, void: the print queue (cmd_print.c);
		 * templates, render, commands: the label model (cmd_label.c). */
		rc = qc_cmd_label_print(c, argc, argv);
	} else if (!strcmp(cmd, "label") && argc > 1 && !strcmp(argv[1], "reprint")) {
		rc = qc_cmd_label_reprint(c, argc, argv);
	} else if (!strcmp(cmd, "label") && argc > 1 && !strcmp(argv[1], "void")) {
		rc = qc_cmd_label_void(c, argc, argv);
	} else if (!strcmp(cmd, "label")) {
		rc = qc_cmd_label(c, argc, argv);
	} else if (!strcmp(cmd, "sync")) {
		rc = qc_cmd_sync(c, argc, argv);
	} else {
		qc_err("'%s' is not a qcstation command; see 'qcstation --help'", cmd);
		rc = QC_EXIT_USAGE;
	}
out:
	free(c);
	return rc;
}
