/* labels: the folder transport (dir:PATH), the demo default.
 *
 * Each job becomes PATH/NAME.EXT (EXT from the format), written under a
 * temporary name, flushed to disk and renamed into place, so a reader of
 * the folder (a person, a print agent) never sees half a label, and a job
 * written twice under its name is still one file.  No status: a folder is
 * always ready (a full disk or a missing folder fails the job instead).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport-int.h"

static int dir_step(struct lb_transport *t)
{
	char tmp[sizeof(t->path) + TP_NAME_MAX + 16], dst[sizeof(t->path) + TP_NAME_MAX + 16];
	size_t off = 0;
	int fd, dfd, rc = LB_OK;

	t->started = true;
	snprintf(tmp, sizeof(tmp), "%s/.%s.%s.tmp", t->path, t->name, lb_format_name(t->fmt));
	snprintf(dst, sizeof(dst), "%s/%s.%s", t->path, t->name, lb_format_name(t->fmt));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return tp_fail(t, errno == ENOENT ? LB_ERR_NODEV : LB_ERR_IO, "%s: %s", tmp,
			       strerror(errno));
	while (off < t->len) {
		ssize_t w = write(fd, t->job + off, t->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = tp_fail(t, LB_ERR_IO, "%s: write: %s", tmp,
				     w < 0 ? strerror(errno) : "no progress");
			break;
		}
		off += (size_t)w;
	}
	if (rc == LB_OK && fsync(fd) < 0)
		rc = tp_fail(t, LB_ERR_IO, "%s: fsync: %s", tmp, strerror(errno));
	if (close(fd) < 0 && rc == LB_OK)
		rc = tp_fail(t, LB_ERR_IO, "%s: close: %s", tmp, strerror(errno));
	if (rc == LB_OK && rename(tmp, dst) < 0)
		rc = tp_fail(t, LB_ERR_IO, "%s: rename: %s", dst, strerror(errno));
	if (rc != LB_OK) {
		unlink(tmp);
		return rc; /* nothing visible: t->sent stays 0 */
	}
	/* The rename itself reaches the disk with the folder. */
	dfd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	t->sent = t->len;
	return LB_OK;
}

static bool dir_accepts(enum lb_format fmt)
{
	return fmt == LB_FMT_ZPL || fmt == LB_FMT_PNG || fmt == LB_FMT_PDF;
}

const struct tp_ops tp_dir_ops = {
	.accepts = dir_accepts,
	.has_status = false,
	.step = dir_step,
};
