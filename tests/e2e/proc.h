/* tests/e2e: running the real qcstation binary from a test.
 * QC_BIN (the binary) and QC_SRC (the source tree) come from ctest. */
#ifndef QC_TESTS_E2E_PROC_H
#define QC_TESTS_E2E_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

struct proc {
	pid_t pid;
	int in;          /* write end of the child's stdin (-1 once closed) */
	int out;         /* read end of the child's stdout */
	char buf[1 << 16];
	size_t len;
};

/* Run argv (argv[0] is replaced by QC_BIN when it is "qcstation") with
 * stdin from in[0..in_len), capturing stdout and stderr (NUL-terminated,
 * caller frees).  Returns the exit status, or 128+signal. */
int run(const char *const argv[], const char *in, size_t in_len, char **out, char **err);

/* Start argv with pipes on stdin and stdout (stderr inherited). */
void proc_start(struct proc *p, const char *const argv[]);
/* The same, with the child unable to grow any file past max_file_bytes
 * (RLIMIT_FSIZE, SIGXFSZ ignored): writes fail as on a full disk. */
void proc_start_limited(struct proc *p, const char *const argv[], long max_file_bytes);
void proc_write(struct proc *p, const void *b, size_t n);
void proc_close_in(struct proc *p);
/* The next stdout line parsed as JSON, waiting up to timeout_ms (poll, not
 * sleep); NULL at end of output or on timeout. */
json_t *proc_event(struct proc *p, int timeout_ms);
/* Wait for exit; returns the exit status or 128+signal. */
int proc_wait(struct proc *p);

/* A fresh temporary folder (caller frees); removed by rm_rf(). */
char *tmpdir_new(void);
void rm_rf(const char *dir);

const char *qc_bin(void);
const char *qc_src(void);

#endif
