/* station/evidence: the watched drop folder (st_evidence_watch_* in
 * st/evidence.h).
 *
 * inotify on one folder, non-blocking, for the caller's poll loop.  A file
 * counts as complete when the writer closes it (IN_CLOSE_WRITE) or when it
 * is renamed or moved in (IN_MOVED_TO: what rsync, phones and most upload
 * tools do after writing under a temporary name).  Not for: subfolders
 * (not recursive), looking at the files (evidence.c), deciding what to do
 * with them (the app shell).
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evidence-int.h"

#define EVENT_BUF (16 * (sizeof(struct inotify_event) + 256))

struct st_evidence_watch {
	int fd;
	bool dead;                  /* the folder went away: report it, again and again */
	char *dir;
	size_t dir_len;
	char **backlog;             /* ST_EVIDENCE_WATCH_EXISTING: names, in order */
	size_t n_backlog, i_backlog;
	size_t off, len;            /* unread events are ev[off..len) */
	char *path;                 /* dir + '/' + a name: what next() returns */
	size_t path_cap;
	_Alignas(struct inotify_event) unsigned char ev[EVENT_BUF];
};

bool st_evidence_watch_ignored(const char *name)
{
	static const char *const temp[] = { ".part", ".partial", ".tmp", ".temp", ".crdownload",
					    ".swp", NULL };
	size_t n = strlen(name);

	if (n == 0 || name[0] == '.' || name[0] == '~' || name[n - 1] == '~')
		return true;
	for (const char *const *t = temp; *t; t++) {
		size_t k = strlen(*t);

		if (n > k && strcasecmp(name + n - k, *t) == 0)
			return true;
	}
	return false;
}

static int errno_code(int e)
{
	switch (e) {
	case ENOENT: return ST_ERR_NOTFOUND;
	case ENOTDIR: return ST_ERR_ARG;
	case EACCES:
	case EPERM: return ST_ERR_READONLY;
	case ENOSPC:
	case EMFILE:
	case ENFILE: return ST_ERR_RANGE;
	case ENOMEM: return ST_ERR_NOMEM;
	default: return ST_ERR_IO;
	}
}

static int set_path(struct st_evidence_watch *w, const char *name)
{
	size_t n = strlen(name);

	if (w->dir_len + 1 + n + 1 > w->path_cap) {
		char *p = realloc(w->path, w->dir_len + 1 + n + 1);

		if (!p)
			return ST_ERR_NOMEM;
		w->path = p;
		w->path_cap = w->dir_len + 1 + n + 1;
	}
	memcpy(w->path, w->dir, w->dir_len);
	w->path[w->dir_len] = '/';
	memcpy(w->path + w->dir_len + 1, name, n + 1);
	return ST_OK;
}

/* The regular, not ignored files already in the folder, by name. */
static int backlog_load(struct st_evidence_watch *w)
{
	struct dirent **list = NULL;
	int n = scandir(w->dir, &list, NULL, alphasort);
	int rc = ST_OK;

	if (n < 0)
		return errno_code(errno);
	w->backlog = calloc((size_t)n + 1, sizeof(*w->backlog));
	if (!w->backlog)
		rc = ST_ERR_NOMEM;
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (rc == ST_OK && !st_evidence_watch_ignored(list[i]->d_name)) {
			rc = set_path(w, list[i]->d_name);
			if (rc == ST_OK && stat(w->path, &st) == 0 && S_ISREG(st.st_mode)) {
				w->backlog[w->n_backlog] = strdup(list[i]->d_name);
				if (!w->backlog[w->n_backlog++])
					rc = ST_ERR_NOMEM;
			}
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

int st_evidence_watch_open(const char *dir, unsigned flags, struct st_evidence_watch **out,
			   char *err, size_t errlen)
{
	const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR | IN_DELETE_SELF |
			      IN_MOVE_SELF;
	struct st_evidence_watch *w = calloc(1, sizeof(*w));
	struct stat st;
	int rc = ST_OK;

	if (errlen > 0)
		err[0] = '\0';
	if (!w) {
		snprintf(err, errlen, "out of memory watching %s", dir);
		return ST_ERR_NOMEM;
	}
	w->fd = -1;
	w->dir_len = strlen(dir);
	while (w->dir_len > 1 && dir[w->dir_len - 1] == '/')
		w->dir_len--; /* "drop/" reports "drop/x.jpg", not "drop//x.jpg" */
	w->dir = strndup(dir, w->dir_len);
	if (!w->dir) {
		rc = ST_ERR_NOMEM;
		snprintf(err, errlen, "out of memory watching %s", dir);
		goto out;
	}
	if (stat(dir, &st) != 0) {
		rc = errno_code(errno);
		snprintf(err, errlen, "cannot watch %s: %s", dir, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = ST_ERR_ARG;
		snprintf(err, errlen, "cannot watch %s: not a folder", dir);
		goto out;
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		rc = errno_code(errno);
		snprintf(err, errlen, "cannot watch %s: %s%s", dir, strerror(errno),
			 errno == EMFILE ? " (fs.inotify.max_user_instances)" : "");
		goto out;
	}
	/* The watch first, then the listing: a file completed in between is
	 * reported twice rather than not at all. */
	if (inotify_add_watch(w->fd, w->dir, mask) < 0) {
		rc = errno_code(errno);
		snprintf(err, errlen, "cannot watch %s: %s%s", dir, strerror(errno),
			 errno == ENOSPC ? " (fs.inotify.max_user_watches)" : "");
		goto out;
	}
	if (flags & ST_EVIDENCE_WATCH_EXISTING) {
		rc = backlog_load(w);
		if (rc < 0) {
			snprintf(err, errlen, "cannot list %s: %s", dir, st_strerror(rc));
			goto out;
		}
	}
	*out = w;
	w = NULL;
out:
	st_evidence_watch_close(w);
	return rc;
}

void st_evidence_watch_close(struct st_evidence_watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->n_backlog; i++)
		free(w->backlog[i]);
	free(w->backlog);
	free(w->path);
	free(w->dir);
	free(w);
}

int st_evidence_watch_fd(const struct st_evidence_watch *w)
{
	return w->fd;
}

int st_evidence_watch_next(struct st_evidence_watch *w, const char **path)
{
	if (w->i_backlog < w->n_backlog) {
		const char *name = w->backlog[w->i_backlog++];
		int rc = set_path(w, name);

		if (rc < 0)
			return rc;
		*path = w->path;
		return 1;
	}
	for (;;) {
		struct inotify_event ev;
		const char *name;

		if (w->dead)
			return ST_ERR_NOTFOUND;
		if (w->off >= w->len) {
			ssize_t got = read(w->fd, w->ev, sizeof(w->ev));

			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return 0;
			if (got <= 0)
				return ST_ERR_IO;
			w->off = 0;
			w->len = (size_t)got;
		}
		if (w->len - w->off < sizeof(ev))
			return ST_ERR_BUG; /* the kernel never splits an event */
		memcpy(&ev, w->ev + w->off, sizeof(ev));
		name = (const char *)w->ev + w->off + sizeof(ev);
		w->off += sizeof(ev) + ev.len;

		if (ev.mask & IN_Q_OVERFLOW)
			return ST_ERR_RANGE;
		if (ev.mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
			w->dead = true;
			return ST_ERR_NOTFOUND;
		}
		if ((ev.mask & IN_ISDIR) || !(ev.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)))
			continue;
		if (ev.len == 0 || st_evidence_watch_ignored(name))
			continue;
		if (set_path(w, name) < 0)
			return ST_ERR_NOMEM;
		*path = w->path;
		return 1;
	}
}
