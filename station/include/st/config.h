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

#include "fh/io.h"

#include "st/barcode.h"
#include "st/wedge.h"

#define ST_CONFIG_DEFAULT_PATH "/etc/qcstation/station.ini"
#define ST_CONFIG_PATTERN_MAX 129
#define ST_CONFIG_ROLES_MAX 16
#define ST_CONFIG_ROLE_MAX 33 /* [a-z0-9-]{1,32} with the NUL */
#define ST_CONFIG_DEVKEY_MAX 176 /* an fh_identity_key() with the NUL */

/* [devices] usb: whether the station starts the USB layer (firmware-host). */
enum st_usb_mode {
	ST_USB_AUTO = 0, /* on when /dev/bus/usb exists */
	ST_USB_ON = 1,
	ST_USB_OFF = 2,
};

/* [printer] qc_tag: which recorded inspections queue an item-qc-tag. */
enum st_qc_tag {
	ST_QC_TAG_NO = 0,   /* none (the default: a tag comes from 'label print') */
	ST_QC_TAG_PASS = 1, /* passed inspections */
	ST_QC_TAG_ALL = 2,  /* passed and failed (FAIL, HOLD) */
};

/* [printer]: the label printer and its queue (docs/configuration.md,
 * docs/printing.md). */
struct st_config_printer {
	char name[64];          /* name: the queue's printer name, [a-z0-9-] */
	char uri[1024];         /* uri: tcp://HOST:9100, usb:ROLE-or-KEY, cups:QUEUE,
				   dir:FOLDER; "" = dir:<data_dir>/labels */
	int dpi;                /* dpi: 152, 203, 300 or 600 */
	int width_um;           /* label_width: 4in, 101.6mm or 812dots, in micrometres */
	bool status;            /* status: on = ask ~HS/~HQES before each job (tcp) */
	int retry_min_ms;       /* retry_min_ms: first wait after a failure */
	int retry_max_ms;       /* retry_max_ms: the wait doubles up to this */
	int status_timeout_ms;  /* status_timeout_ms: no answer by then = not ready */
	int io_timeout_ms;      /* io_timeout_ms: connect / write without progress */
	enum st_qc_tag qc_tag;  /* qc_tag: pass, all or no */
};

/* A role bound to a device: [devices] ROLE = IDENTITY-KEY. */
struct st_config_role {
	char role[ST_CONFIG_ROLE_MAX];  /* "qa-bench-scanner" */
	char key[ST_CONFIG_DEVKEY_MAX]; /* "0c2e:0b61:SN123" (fh_identity_key) */
};

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

	/* [devices]: USB scanners, scales, pedals (docs/devices.md) */
	enum st_usb_mode usb;                 /* usb: auto, on, off */
	bool expect_hid_pos;                  /* expect_hid_pos: the self-test flags keyboard mode */
	bool expect_aim;                      /* expect_aim: ... a missing AIM id (default yes) */
	unsigned n_roles;
	struct st_config_role roles[ST_CONFIG_ROLES_MAX]; /* ROLE = KEY lines */

	/* [buttons]: button or pedal name = command name (st_bc_commands()) */
	struct fh_buttons_map button_map;

	/* [printer] */
	struct st_config_printer printer;
	/* [sync]: the central store (docs/sync.md, qcstation sync) */
	struct st_config_sync {
		char server[512];       /* server: base URL, "" = not configured */
		char token_file[512];   /* token_file: the station's bearer token */
		char ca_file[512];      /* ca_file: a private CA bundle, "" = the system's */
		char station[64];       /* station: name at the central store, "" = [station] code */
		int batch_size;         /* batch_size: events per push, 1..1000 */
		int page_size;          /* page_size: items per pull page, 1..1000 */
		int connect_timeout_ms; /* connect_timeout_ms */
		int timeout_ms;         /* timeout_ms: per request */
		int stall_timeout_ms;   /* stall_timeout_ms: no byte for this long aborts */
		int attempts;           /* attempts: tries per request, 1..100 */
		int backoff_base_ms;    /* backoff_base_ms */
		int backoff_cap_ms;     /* backoff_cap_ms */
		int poll_ms;            /* follow_poll_ms: --follow checks the outbox this often */
		int pull_interval_s;    /* pull_interval_s: --follow pulls this often */
		bool gzip;              /* gzip: compress pushed batches */
	} sync;
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

/* Whether name can be a role in [devices]: 1..32 of a-z, 0-9 and '-',
 * and not a [devices] setting ("usb"). */
bool st_config_role_name_ok(const char *name);
/* The printer's transport spec: [printer] uri, or dir:<data_dir>/labels
 * when it is empty.  Returns buf. */
const char *st_config_printer_uri(const struct st_config *cfg, char *buf, size_t cap);

/* The label width in dots at the printer's dpi. */
int st_config_printer_width_dots(const struct st_config *cfg);

/* The role bound to the device with identity key, or NULL. */
const char *st_config_role_of(const struct st_config *cfg, const char *key);

#endif
