/* tests/e2e: process helpers (see proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

const char *qc_bin(void)
{
	const char *b = getenv("QC_BIN");

	if (!b) {
		fprintf(stderr, "QC_BIN is not set (run through ctest)\n");
		abort();
	}
	return b;
}

const char *qc_src(void)
{
	const char *s = getenv("QC_SRC");

	return s ? s : ".";
}

static void exec_child(const char *const argv[])
{
	const char *bin = strcmp(argv[0], "qcstation") ? argv[0] : qc_bin();

	execv(bin, (char *const *)argv);
	perror(bin);
	_exit(127);
}

static int status_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *b = malloc(cap);
	ssize_t n;

	if (!b)
		abort();
	while ((n = read(fd, b + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			b = realloc(b, cap);
			if (!b)
				abort();
		}
	}
	b[len] = '\0';
	return b;
}

int run(const char *const argv[], const char *in, size_t in_len, char **out, char **err)
{
	char tin[] = "/tmp/qc-e2e-in-XXXXXX", tout[] = "/tmp/qc-e2e-out-XXXXXX",
	     terr[] = "/tmp/qc-e2e-err-XXXXXX";
	int fi = mkstemp(tin), fo = mkstemp(tout), fe = mkstemp(terr), st;
	pid_t pid;

	if (fi < 0 || fo < 0 || fe < 0)
		abort();
	if (in_len && write(fi, in, in_len) != (ssize_t)in_len)
		abort();
	lseek(fi, 0, SEEK_SET);
	pid = fork();
	if (pid == 0) {
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		exec_child(argv);
	}
	waitpid(pid, &st, 0);
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	if (out)
		*out = slurp_fd(fo);
	if (err)
		*err = slurp_fd(fe);
	close(fi);
	close(fo);
	close(fe);
	unlink(tin);
	unlink(tout);
	unlink(terr);
	return status_of(st);
}

void proc_start(struct proc *p, const char *const argv[])
{
	proc_start_limited(p, argv, -1);
}

void proc_start_limited(struct proc *p, const char *const argv[], long max_file_bytes)
{
	int pin[2], pout[2];

	if (pipe(pin) || pipe(pout))
		abort();
	p->len = 0;
	p->pid = fork();
	if (p->pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		close(pin[1]);
		close(pout[0]);
		if (max_file_bytes >= 0) {
			struct rlimit rl = { (rlim_t)max_file_bytes, (rlim_t)max_file_bytes };

			signal(SIGXFSZ, SIG_IGN);
			if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
				_exit(126);
		}
		exec_child(argv);
	}
	close(pin[0]);
	close(pout[1]);
	p->in = pin[1];
	p->out = pout[0];
}

void proc_write(struct proc *p, const void *b, size_t n)
{
	const char *c = b;

	while (n > 0) {
		ssize_t w = write(p->in, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			abort();
		c += w;
		n -= (size_t)w;
	}
}

void proc_close_in(struct proc *p)
{
	if (p->in >= 0)
		close(p->in);
	p->in = -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

json_t *proc_event(struct proc *p, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		char *nl = memchr(p->buf, '\n', p->len);
		struct pollfd pfd = { .fd = p->out, .events = POLLIN };
		long long left;
		ssize_t n;

		if (nl) {
			json_error_t e;
			size_t l = (size_t)(nl - p->buf);
			json_t *j = json_loadb(p->buf, l, 0, &e);

			if (!j)
				fprintf(stderr, "not JSON: %.*s\n", (int)l, p->buf);
			memmove(p->buf, nl + 1, p->len - l - 1);
			p->len -= l + 1;
			if (!j)
				abort();
			return j;
		}
		left = deadline - now_ms();
		if (left <= 0 || p->len == sizeof(p->buf))
			return NULL;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = read(p->out, p->buf + p->len, sizeof(p->buf) - p->len);
		if (n <= 0)
			return NULL;
		p->len += (size_t)n;
	}
}

int proc_wait(struct proc *p)
{
	int st;

	proc_close_in(p);
	waitpid(p->pid, &st, 0);
	close(p->out);
	return status_of(st);
}

char *tmpdir_new(void)
{
	char *d = strdup("/tmp/qc-e2e-XXXXXX");

	if (!d || !mkdtemp(d))
		abort();
	return d;
}

void rm_rf(const char *dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}
