/* station/app: photo and video evidence (QC-04), the shell around
 * st/evidence.h.
 *
 * A file (from the watched folder, or a path given in headless mode) is
 * looked at once: size, SHA-256, type, and the barcodes in a photo.  The
 * barcodes decide which item it belongs to:
 *   - a barcode of the item being inspected, or none at all while one is
 *     being inspected: linked to that item (and handed to the inspection as
 *     its photo);
 *   - a barcode of another item while one is being inspected: refused,
 *     naming both, so a photo of the wrong piece never joins the record;
 *   - no inspection open: linked to the item its barcode shows, refused
 *     when it shows none.
 * The evidence row (a link of the audit chain) and its outbox event are
 * written in one transaction; events go to the UI after the commit.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "st/err.h"
#include "st/events.h"
#include "st/evidence.h"
#include "st/log.h"

#include "app-int.h"

struct same_file {
	const char *sha256;
	int64_t id;
};

static int find_same(const struct st_evidence_rec *e, void *ud)
{
	struct same_file *sf = ud;

	if (strcmp(e->sha256, sf->sha256) == 0) {
		sf->id = e->id;
		return 1;
	}
	return 0;
}

/* The item serial a decoded code names, into serial[64]; false when none. */
static bool code_serial(struct st_app *app, const struct st_evidence_code *c, char serial[64])
{
	char buf[ST_EVIDENCE_TEXT_MAX + 4];
	const char *s = NULL;
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "%s", c->aim);
	if (n + c->len >= sizeof(buf))
		return false;
	memcpy(buf + n, c->text, c->len);
	n += c->len;
	st_bc_parse(buf, n, &app->cfg->patterns, &app->bc);
	if (!app->bc.valid)
		return false;
	if (app->bc.kind == ST_BC_SERIAL)
		s = app->bc.id;
	else if (app->bc.kind == ST_BC_GS1)
		s = st_bc_find_ai(&app->bc, "21");
	if (!s || strlen(s) >= 64)
		return false;
	snprintf(serial, 64, "%s", s);
	return true;
}

/* Decide the item; 0 with *it filled, or 1 after queuing the refusal. */
static int choose_item(struct st_app *app, const struct st_evidence_info *info, const char *path,
		       struct st_item *it)
{
	bool busy = st_qc_busy(&app->qc) && app->qc_item.id;
	char serial[64], msg[400];
	int rc;

	for (unsigned i = 0; i < info->n_codes; i++) {
		if (!code_serial(app, &info->code[i], serial))
			continue;
		if (busy && strcmp(serial, app->qc_item.serial) != 0) {
			snprintf(msg, sizeof(msg),
				 "%s shows item %s, not %s (the item being inspected): not attached",
				 path, serial, app->qc_item.serial);
			app_queue_error(app, "photo_wrong_item", msg);
			return 1;
		}
		if (busy) {
			*it = app->qc_item;
			return 0;
		}
		rc = st_store_item_by_serial(app->store, serial, it);
		if (rc == ST_ERR_NOTFOUND) {
			snprintf(msg, sizeof(msg), "%s shows item %s, which is not known here", path,
				 serial);
			app_queue_error(app, "unknown_item", msg);
			return 1;
		}
		return rc < 0 ? rc : 0;
	}
	if (busy) {
		*it = app->qc_item;
		return 0;
	}
	snprintf(msg, sizeof(msg),
		 "%s: %s no item barcode and no inspection is open: not attached (photograph the "
		 "item's label, or scan the item first)",
		 path, info->decoded ? "shows" : "is a video, has");
	app_queue_error(app, "photo_no_item", msg);
	return 1;
}

static int store_evidence(struct st_app *app, const struct st_evidence_info *info,
			  const char *path, const struct st_item *it, int64_t *id)
{
	struct st_evidence_rec *e = calloc(1, sizeof(*e));
	struct same_file same = { .sha256 = info->sha256 };
	char entity[96];
	int rc;

	if (!e)
		return ST_ERR_NOMEM;
	/* The same file twice (a camera that writes, then renames) is one
	 * piece of evidence. */
	rc = st_store_evidence_by_item(app->store, it->id, find_same, &same);
	if (rc < 0)
		goto out;
	if (same.id) {
		*id = same.id;
		rc = 1;
		goto out;
	}
	e->item_id = it->id;
	e->operator_id = app->op.id;
	e->station_id = app->station_id;
	snprintf(e->path, sizeof(e->path), "%s", path);
	e->size_bytes = info->size;
	memcpy(e->sha256, info->sha256, sizeof(e->sha256));
	snprintf(e->mime, sizeof(e->mime), "%s", info->mime);
	if (info->n_codes && info->code[0].len < sizeof(e->barcode) &&
	    !memchr(info->code[0].text, 0, info->code[0].len))
		snprintf(e->barcode, sizeof(e->barcode), "%.*s", (int)sizeof(e->barcode) - 1,
			 info->code[0].text);
	e->created_ms = st_app_now(app);
	rc = st_store_evidence_add(app->store, e, id);
	if (rc == ST_OK) {
		snprintf(entity, sizeof(entity), "item:%s", it->serial);
		rc = app_outbox(app, "evidence", entity,
				json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "evidence_id",
					  (json_int_t)*id, "serial", it->serial, "path", path, "size",
					  (json_int_t)info->size, "sha256", info->sha256, "mime",
					  info->mime));
	}
out:
	free(e);
	return rc;
}

static void queue_evidence(struct st_app *app, const struct st_evidence_info *info,
			   const char *path, const struct st_item *it, int64_t id, bool again)
{
	json_t *codes = json_array();

	for (unsigned i = 0; i < info->n_codes; i++)
		if (!memchr(info->code[i].text, 0, info->code[i].len))
			json_array_append_new(codes, st_json_bytes((const uint8_t *)info->code[i].text,
								   info->code[i].len, NULL));
	app_queue(app, "evidence",
		  json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:o, s:b}", "evidence_id", (json_int_t)id,
			    "serial", it->serial, "path", path, "size", (json_int_t)info->size,
			    "sha256", info->sha256, "mime", info->mime, "barcodes", codes,
			    "already_stored", again));
}

/* Attach an inspected file (info is the result of st_evidence_inspect(),
 * or NULL with err set when it failed): choose the item, store, tell the
 * inspection.  The store and QC work happens here, in the app's thread. */
static int attach(struct st_app *app, const char *path, const struct st_evidence_info *info,
		  const char *inspect_err)
{
	struct st_item it;
	char err[600];
	int64_t id = 0;
	int rc;

	app_qc_checkpoint(app);
	if (!info) {
		app_queue_error(app, "photo_unreadable", inspect_err);
		goto out_ok;
	}
	rc = st_store_begin(app->store);
	if (rc < 0)
		goto fail;
	rc = choose_item(app, info, path, &it);
	if (rc == 1) {
		/* Refused (the error is queued): nothing to write. */
		st_store_rollback(app->store);
		goto out_ok;
	}
	if (rc == ST_OK) {
		rc = store_evidence(app, info, path, &it, &id);
		if (rc >= 0) {
			bool again = rc == 1;

			queue_evidence(app, info, path, &it, id, again);
			/* QC-04: a new photo answers the inspection's photo check. */
			rc = ST_OK;
			if (!again && st_qc_busy(&app->qc) && app->qc_item.id == it.id)
				rc = app_qc_photo(app, id);
		}
	}
	if (rc == ST_OK)
		rc = st_store_commit(app->store);
	if (rc == ST_OK) {
		st_log(app->log, LOG_INFO, "evidence %lld: %s (%s)", (long long)id, path,
		       info->sha256);
		app_flush(app, true);
		return ST_OK;
	}
fail:
	st_store_rollback(app->store);
	app_qc_rollback(app);
	app_flush(app, false);
	snprintf(err, sizeof(err), "the photo %s was NOT stored: %s (%s)", path, st_strerror(rc),
		 st_store_errmsg(app->store));
	st_log(app->log, LOG_ERR, "%s", err);
	app_queue_error(app, "store_failed", err);
	app_flush(app, true);
	return rc;
out_ok:
	app_flush(app, true);
	return ST_OK;
}

int st_app_photo(struct st_app *app, const char *path)
{
	struct st_evidence_info *info = calloc(1, sizeof(*info));
	char err[600];
	int rc;

	if (!info)
		return ST_ERR_NOMEM;
	rc = st_evidence_inspect(path, info, err, sizeof(err));
	rc = attach(app, path, rc < 0 ? NULL : info, err);
	free(info);
	return rc;
}

/* ---- the watched folder -------------------------------------------------------
 *
 * Decoding a phone photo takes 0.3 s to 2 s of CPU (docs/internals/
 * evidence.md): too long for the bench UI's loop, which must never stall.
 * So a worker thread owns the inotify watch and does the looking (size,
 * SHA-256, barcodes: st_evidence_inspect() shares nothing between calls),
 * and hands each result to the app's thread through a pipe, whose read end
 * is what the UI polls.  The store, the inspection and the events stay in
 * the app's thread (STYLE.md section 7: one thread per context). */

struct photo_result {
	char path[1024];
	struct st_evidence_info info;
	int rc;                 /* st_evidence_inspect()'s, or the watch's error */
	char err[600];
};

static void *watch_worker(void *arg)
{
	struct st_app *app = arg;
	struct pollfd p[2] = { { .fd = st_evidence_watch_fd(app->watch), .events = POLLIN },
			       { .fd = app->watch_stop[0], .events = POLLIN } };
	const char *path;
	int got;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		while ((got = st_evidence_watch_next(app->watch, &path)) != 0) {
			struct photo_result *r = calloc(1, sizeof(*r));

			if (!r)
				break;
			if (got < 0) {
				r->rc = got;
				snprintf(r->err, sizeof(r->err), "watching %.200s: %s",
					 app->cfg->evidence_dir,
					 got == ST_ERR_RANGE ? "events were lost; drop the photos again"
							     : st_strerror(got));
			} else {
				snprintf(r->path, sizeof(r->path), "%s", path);
				r->rc = st_evidence_inspect(path, &r->info, r->err, sizeof(r->err));
			}
			/* A pointer is PIPE_BUF-atomic; the app frees it. */
			if (write(app->watch_pipe[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
				free(r);
			if (got < 0)
				break;
		}
	}
	return NULL;
}

int app_evidence_init(struct st_app *app, char *err, size_t errlen)
{
	char e[400];
	int rc;

	app->watch_pipe[0] = app->watch_pipe[1] = app->watch_stop[0] = app->watch_stop[1] = -1;
	if (!app->cfg->evidence_dir[0])
		return ST_OK;
	rc = st_evidence_watch_open(app->cfg->evidence_dir, 0, &app->watch, e, sizeof(e));
	if (rc < 0) {
		snprintf(err, errlen, "[qc] watch_folder: %s", e);
		return rc;
	}
	if (pipe(app->watch_pipe) < 0 || pipe(app->watch_stop) < 0 ||
	    pthread_create(&app->watch_thread, NULL, watch_worker, app) != 0) {
		snprintf(err, errlen, "[qc] watch_folder: cannot start the photo reader: %s",
			 strerror(errno));
		return ST_ERR_IO;
	}
	app->watch_running = true;
	return ST_OK;
}

void app_evidence_fini(struct st_app *app)
{
	struct photo_result *r;

	if (app->watch_running) {
		(void)!write(app->watch_stop[1], "x", 1);
		pthread_join(app->watch_thread, NULL);
		app->watch_running = false;
		/* Results nobody picked up. */
		fcntl(app->watch_pipe[0], F_SETFL, O_NONBLOCK);
		while (read(app->watch_pipe[0], &r, sizeof(r)) == (ssize_t)sizeof(r))
			free(r);
	}
	for (int i = 0; i < 2; i++) {
		if (app->watch_pipe[i] >= 0)
			close(app->watch_pipe[i]);
		if (app->watch_stop[i] >= 0)
			close(app->watch_stop[i]);
	}
	st_evidence_watch_close(app->watch);
	app->watch = NULL;
}

int app_evidence_fd(const struct st_app *app)
{
	return app->watch_running ? app->watch_pipe[0] : -1;
}

int app_evidence_ready(struct st_app *app)
{
	struct photo_result *r;
	int rc = ST_OK;

	/* One result per call: the loop comes back while the pipe is readable,
	 * so scans are never starved by a burst of photos. */
	if (read(app->watch_pipe[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		return ST_OK;
	if (r->path[0]) {
		rc = attach(app, r->path, r->rc < 0 ? NULL : &r->info, r->err);
	} else {
		st_log(app->log, LOG_WARNING, "%s", r->err);
		app_queue_error(app, "watch_failed", r->err);
		app_flush(app, true);
	}
	free(r);
	return rc;
}
