/* station/cli: declarations shared by the subcommands (cli.c, cmd_*.c).
 * Never included from outside station/cli. */
#ifndef QC_STATION_CLI_INT_H
#define QC_STATION_CLI_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "st/config.h"
#include "st/store.h"

/* Exit statuses (sysexits.h values; docs/qcstation.1 lists them). */
enum qc_exit {
	QC_EXIT_OK = 0,
	QC_EXIT_FAIL = 1,       /* a code was invalid, a check failed */
	QC_EXIT_USAGE = 64,     /* bad command line */
	QC_EXIT_DATAERR = 65,   /* bad input document, corrupt or newer database */
	QC_EXIT_NOINPUT = 66,   /* input file or database missing */
	QC_EXIT_UNAVAILABLE = 69, /* a service is missing: USB would not start */
	QC_EXIT_SOFTWARE = 70,  /* internal error */
	QC_EXIT_OSERR = 71,     /* out of memory and the like */
	QC_EXIT_CANTCREAT = 73, /* data folder or file not writable */
	QC_EXIT_IOERR = 74,     /* read/write error, disk full */
	QC_EXIT_TEMPFAIL = 75,  /* database locked by another process; sync: try later */
	QC_EXIT_PROTOCOL = 76,  /* sync: the central store refused a request as malformed */
	QC_EXIT_NOPERM = 77,    /* sync: the central store refused the token */
	QC_EXIT_CONFIG = 78,    /* bad configuration */
};

/* What every subcommand gets: the parsed config and the global options. */
struct qc_cli {
	struct st_config cfg;
	const char *config_path;  /* --config, or NULL for the default */
	char db_path[512];        /* --db, else the config's */
	const char *prog;         /* "qcstation" */
	const volatile sig_atomic_t *stop;
};

/* Map an ST_ERR_* to an exit status. */
int qc_exit_for(int st_err);

/* Print "qcstation: <what>" to stderr (printf-style). */
void qc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Handle the options every subcommand takes (--db, --config, --help).
 * Returns 1 when argv[*i] was one of them (and consumed its value), 0 when
 * not, or -1 after printing a usage error. */
int qc_common_opt(struct qc_cli *c, int argc, char **argv, int *i);

/* Load the config (after --config) and settle the database path. */
int qc_cli_settle(struct qc_cli *c);

/* Open the configured database, creating its folder and file when create is
 * true; prints the error and returns an exit status (0 on success). */
int qc_open_store(struct qc_cli *c, bool create, bool readonly, struct st_store **out);

int qc_cmd_run(struct qc_cli *c, int argc, char **argv);
int qc_cmd_barcode(struct qc_cli *c, int argc, char **argv);
int qc_cmd_db(struct qc_cli *c, int argc, char **argv);
int qc_cmd_import(struct qc_cli *c, int argc, char **argv);
int qc_cmd_audit(struct qc_cli *c, int argc, char **argv);
int qc_cmd_report(struct qc_cli *c, int argc, char **argv);
int qc_cmd_devices(struct qc_cli *c, int argc, char **argv);
int qc_cmd_label(struct qc_cli *c, int argc, char **argv);

struct lb_buf;
/* Fill template tpl (a built-in name or a file) with the JSON data file
 * data_path and render it as ZPL (pdf false) or PDF at dpi into out,
 * verifying every barcode when verify is set (cmd_label.c; used by
 * "label print TEMPLATE").  Returns an exit status, the error printed. */
int qc_label_render(const char *tpl, const char *data_path, bool pdf, int dpi, bool verify,
		    struct lb_buf *out);
/* Printing (cmd_print.c): "printers", and "label print|reprint|void"
 * (argv[0] is "label", argv[1] the subcommand). */
int qc_cmd_printers(struct qc_cli *c, int argc, char **argv);
int qc_cmd_label_print(struct qc_cli *c, int argc, char **argv);
int qc_cmd_label_reprint(struct qc_cli *c, int argc, char **argv);
int qc_cmd_label_void(struct qc_cli *c, int argc, char **argv);
int qc_cmd_sync(struct qc_cli *c, int argc, char **argv);

/* The demo data set, embedded at build time (data/demo/orders.json). */
extern const unsigned char qc_demo_data[];
extern const size_t qc_demo_data_len;

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
