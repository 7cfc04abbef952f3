/* End to end: the station on a terminal (a pseudo-terminal here), as a
 * person or a keyboard-wedge scanner types into it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "proc.h"

static char screen[1 << 16];
static size_t screen_len;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the terminal until text appears (poll with a deadline, no sleep). */
static void wait_for(int fd, const char *text)
{
	long long deadline = now_ms() + 10000;

	while (!memmem(screen, screen_len, text, strlen(text))) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || screen_len >= sizeof(screen) - 1)
			fail_msg("'%s' never appeared; screen:\n%.*s", text, (int)screen_len, screen);
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(fd, screen + screen_len, sizeof(screen) - 1 - screen_len);
		if (n <= 0)
			fail_msg("terminal closed before '%s'; screen:\n%.*s", text, (int)screen_len,
				 screen);
		screen_len += (size_t)n;
	}
}

static void terminal__badge_order_and_ctrl_d(void **state)
{
	char *dir = tmpdir_new();
	char db[512];
	int fd, st;
	pid_t pid;
	(void)state;

	snprintf(db, sizeof(db), "%s/station.db", dir);
	pid = forkpty(&fd, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(qc_bin(), "qcstation", "run", "--demo", "--db", db, (char *)NULL);
		_exit(127);
	}
	wait_for(fd, "scan> ");
	assert_int_equal(write(fd, "BADGE-0001\r", 11), 11);
	wait_for(fd, "Logged in: Ana Ruiz");
	assert_int_equal(write(fd, "ORD-100231\r", 11), 11);
	wait_for(fd, "Forever & Always");
	assert_int_equal(write(fd, "09501101020916\r", 15), 15);
	wait_for(fd, "check digit");
	assert_int_equal(write(fd, "\x04", 1), 1); /* Ctrl-D: end of input */
	wait_for(fd, "scans stored");
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(fd);
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terminal__badge_order_and_ctrl_d),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
