/* station/app: what app.c (the scan pipeline) and app_qc.c (the QC
 * workflow's shell) share.  Never included from outside station/app. */
#ifndef QC_STATION_APP_INT_H
#define QC_STATION_APP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include <jansson.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "st/app.h"
#include "st/barcode.h"
#include "st/checklist.h"
#include "st/evidence.h"
#include "st/qc.h"
#include "st/store.h"

#define APP_DEVS_MAX 32

struct st_app {
	const struct st_config *cfg;
	struct st_store *store;
	st_clock_fn *now_ms;
	void *clock_ud;
	st_event_fn *emit;
	void *emit_ud;
	const struct st_log *log;

	int64_t station_id;
	struct st_operator op;   /* logged-in operator; op.id == 0 when none */
	int64_t session_id;
	uint64_t scans;

	struct st_bc bc;         /* reused: 12 KiB, not on the stack per scan */
	json_t *pending;         /* events of the step in progress */
	struct st_order *order;  /* lookup buffer (large) */

	/* The QC workflow (st/qc.h) and what its shell keeps. */
	struct st_checklist_set *checklists;  /* fixed for the app's life */
	struct st_qc_ctx qc_ctx;
	struct st_qc qc;                      /* the state */
	struct st_qc qc_saved;                /* to undo a step whose writes fail */
	struct st_qc_effects *fx;             /* the last step's effects */
	struct st_inspection_rec *irec;       /* a record being written */
	struct st_item qc_item;               /* the item being inspected */
	int64_t last_evidence_id;             /* of the current item, for PHOTO */
	struct st_evidence_watch *watch;      /* [qc] watch_folder, or NULL */
	pthread_t watch_thread;               /* reads and decodes dropped photos */
	bool watch_running;
	int watch_pipe[2];                    /* results: worker -> app */
	int watch_stop[2];                    /* stop: app -> worker */

	/* USB devices (app_devices.c); usb NULL = none. */
	struct fh_ctx *fh;
	struct fh_usb *usb;
	struct fh_event *ev;                  /* 4 KiB: not on the stack */
	int64_t usb_rescan_at;                /* monotonic ms, without hot-plug */
	uint8_t usb_buf[FH_SCAN_MAX + 8];     /* AIM id + data, or a command */
	unsigned n_devs;
	struct {
		char key[ST_CONFIG_DEVKEY_MAX];
		const char *driver;           /* static, or NULL */
		enum fh_class cls;
	} devs[APP_DEVS_MAX];                 /* attached: for their DETACHED */

	/* The print queue (app_print.c); NULL = not printing here. */
	struct st_printq *printq;
};

/* ---- app_evidence.c ---------------------------------------------------------- */

/* Open the watched folder when one is configured. */
int app_evidence_init(struct st_app *app, char *err, size_t errlen);
void app_evidence_fini(struct st_app *app);

/* Queue an event of the step in progress (emitted after COMMIT). */
void app_queue(struct st_app *app, const char *name, json_t *fields);
void app_queue_error(struct st_app *app, const char *code, const char *msg);
/* Emit (or drop) the queued events, then forget them. */
void app_flush(struct st_app *app, bool emit);
/* Append an outbox event in the open transaction (payload stolen). */
int app_outbox(struct st_app *app, const char *type, const char *entity, json_t *payload);

/* The watch pipe's fd (-1 when none) and handling one result of it. */
int app_evidence_fd(const struct st_app *app);
int app_evidence_ready(struct st_app *app);

/* ---- app_devices.c ----------------------------------------------------------- */

/* Start the USB layer when [devices] usb says so.  When libusb will not
 * start: a warning, a "devices" event with usb false, and 0 (the station
 * runs without USB).  Errors: ST_ERR_NOMEM. */
int app_devices_init(struct st_app *app);
void app_devices_fini(struct st_app *app);
/* The USB part of st_app_pollfds() / _timeout_ms() / _dispatch(). */
int app_devices_pollfds(struct st_app *app, struct pollfd *fds, size_t cap);
int app_devices_timeout_ms(const struct st_app *app);
int app_devices_dispatch(struct st_app *app);
/* The scanner self-test (st/selftest.h): when raw[0..n) is the self-test
 * barcode, emit a "selftest" event with the findings (nothing is stored:
 * a diagnosis, not a scan) and return 1; else 0 (an ordinary scan).
 * via, term and aim say how it came; source/role as for a scan. */
int app_selftest(struct st_app *app, const uint8_t *raw, size_t n, const char *aim, int via,
		 int term, const char *source, const char *role);

/* ---- app_print.c ------------------------------------------------------------ */

/* Start the print queue ([printer]); when it cannot start, a warning and a
 * "printer" event, and 0 (the station runs without printing).  Errors:
 * ST_ERR_NOMEM. */
int app_print_init(struct st_app *app);
void app_print_fini(struct st_app *app);
int app_print_pollfds(struct st_app *app, struct pollfd *fds, size_t cap);
int app_print_timeout_ms(const struct st_app *app);
int app_print_dispatch(struct st_app *app);

/* ---- app_qc.c ------------------------------------------------------------ */

/* Load the checklist templates (the embedded ones, or cfg's folder). */
int app_qc_init(struct st_app *app, char *err, size_t errlen);
void app_qc_fini(struct st_app *app);

/* Step the workflow with LOGIN / LOGOUT; false when it refused (an error
 * event is queued). */
bool app_qc_login(struct st_app *app, int64_t operator_id);
bool app_qc_logout(struct st_app *app);

/* True when the scan belongs to the QC workflow now (commands, defect
 * codes, values while one is wanted, items while inspecting). */
bool app_qc_claims(const struct st_app *app, const struct st_bc *bc, bool valid_text);

/* Feed a claimed scan to the workflow and apply the effects (inside the
 * step's transaction).  raw[0..n) is the scan (a VALUE's text). */
int app_qc_scan(struct st_app *app, const struct st_bc *bc, const uint8_t *raw, size_t n);

/* An item was scanned while no inspection is open: start one (or complete
 * a CORRECT).  it is the item as looked up. */
int app_qc_item(struct st_app *app, const struct st_item *it);

/* A photo linked to the current item (evidence id): feed it as PHOTO. */
int app_qc_photo(struct st_app *app, int64_t evidence_id);

/* Undo the in-memory effect of the last step (its transaction failed). */
void app_qc_rollback(struct st_app *app);

/* Remember the state before a step (so app_qc_rollback() can restore it). */
void app_qc_checkpoint(struct st_app *app);

#endif
