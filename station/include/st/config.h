/* station: the configuration, parsed once into a read-only struct.
 *
 * One INI file (default /etc/qcstation/station.ini, --config elsewhere) over
 * embedded defaults; command-line flags override both.  Every key is
 * documented in docs/configuration.md.  Errors name "file:line: what".
 */
#ifndef QC_STATION_CONFIG_H
#define QC_STATION_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "st/barcode.h"
#include "st/wedge.h"

#define ST_CONFIG_DEFAULT_PATH "/etc/qcstation/station.ini"
#define ST_CONFIG_PATTERN_MAX 129

struct st_config {
	char source[512];          /* the file read, or "" for defaults only */
	char station_code[64];     /* [station] code */
	char station_name[128];    /* [station] name */
	char data_dir[512];        /* [station] data_dir */
	char db_path[512];         /* [station] database; "" = data_dir/station.db */
	unsigned scan_max;         /* [scan] max_bytes, 16..ST_BC_INPUT_MAX */
	int busy_timeout_ms;       /* [store] busy_timeout_ms */
	int log_level;             /* [log] level, as <syslog.h> LOG_* */

	/* [barcodes]: the brand's code patterns (see st/barcode.h) */
	char pat_order[ST_CONFIG_PATTERN_MAX], pat_rma[ST_CONFIG_PATTERN_MAX];
	char pat_serial[ST_CONFIG_PATTERN_MAX], pat_bin[ST_CONFIG_PATTERN_MAX];
	char pat_badge[ST_CONFIG_PATTERN_MAX], command_prefix[17], defect_prefix[17];
	char gs_substitute;
	struct st_bc_patterns patterns; /* points into the fields above */

	/* [qc] */
	char checklists_dir[512];  /* checklists: a folder of templates; "" = built in */
	char evidence_dir[512];    /* watch_folder: photos dropped here attach; "" = none */

	/* [input]: telling a keyboard-wedge scanner from typing (st/wedge.h) */
	int wedge_gap_ms;                     /* wedge_gap_ms, 1..1000 */
	enum st_wedge_term wedge_terminator;  /* wedge_terminator: enter, tab */
};

/* Fill cfg with the embedded defaults. */
void st_config_defaults(struct st_config *cfg);

/* Defaults, then the INI file at path over them.  A missing file is an
 * error only when required is true (an explicit --config); otherwise the
 * defaults stand.  On error err[errlen] holds "path:line: what" and cfg
 * holds the defaults.  Returns 0, ST_ERR_CONFIG or ST_ERR_IO. */
int st_config_load(struct st_config *cfg, const char *path, bool required, char *err,
		   size_t errlen);

/* Same from a string (name is used in messages). */
int st_config_parse(struct st_config *cfg, const char *text, const char *name, char *err,
		    size_t errlen);

/* The database path the config selects (db_path, else data_dir/station.db). */
const char *st_config_db_path(const struct st_config *cfg, char *buf, size_t buflen);

#endif
