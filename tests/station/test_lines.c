/* The line reader of headless and terminal input: CR-LF, empty lines, the
 * cap on over-long scans, NUL bytes, no final newline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "st/lines.h"

struct got {
	char s[64];
	size_t n;
	bool cut;
};

/* Feed text through a pipe (written in full first: it is small) and read
 * every line back. */
static size_t read_all(const char *text, size_t len, size_t cap, struct got *g, size_t max)
{
	struct st_lines *r = malloc(sizeof(*r));
	int fd[2];
	size_t k = 0;
	const char *line;
	size_t n;
	bool cut;

	assert_non_null(r);
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(write(fd[1], text, len), (ssize_t)len);
	close(fd[1]);
	st_lines_init(r, fd[0]);
	while (k < max && st_lines_next(r, cap, &line, &n, &cut) == 1) {
		assert_true(n < sizeof(g[k].s));
		memcpy(g[k].s, line, n);
		g[k].n = n;
		g[k].cut = cut;
		k++;
	}
	close(fd[0]);
	free(r);
	return k;
}

static void lines__crlf_empty_and_last_line(void **state)
{
	static const char in[] = "ORD-1001\r\n\r\n\nSN00001001\nlast";
	struct got g[8];
	(void)state;
	assert_int_equal(read_all(in, sizeof(in) - 1, 100, g, 8), 3);
	assert_memory_equal(g[0].s, "ORD-1001", 8);
	assert_int_equal(g[0].n, 8);
	assert_memory_equal(g[1].s, "SN00001001", 10);
	assert_memory_equal(g[2].s, "last", 4);
	assert_false(g[2].cut);
}

static void lines__overlong_line_cut_once(void **state)
{
	char in[300];
	struct got g[4];
	(void)state;
	memset(in, 'A', 200);
	memcpy(in + 200, "\nOK\n", 4);
	assert_int_equal(read_all(in, 204, 16, g, 4), 2);
	assert_true(g[0].cut);
	assert_int_equal(g[0].n, 16);
	assert_false(g[1].cut);
	assert_memory_equal(g[1].s, "OK", 2);
}

static void lines__gs_and_nul_bytes_pass_through(void **state)
{
	static const char in[] = "]C101095011010209171\x1d" "21A\0B\n";
	struct got g[2];
	(void)state;
	assert_int_equal(read_all(in, sizeof(in) - 1, 100, g, 2), 1);
	assert_int_equal(g[0].n, sizeof(in) - 2);
	assert_memory_equal(g[0].s, in, sizeof(in) - 2);
}

static void lines__line_exactly_at_cap_is_whole(void **state)
{
	struct got g[2];
	(void)state;
	assert_int_equal(read_all("12345678\n", 9, 8, g, 2), 1);
	assert_false(g[0].cut);
	assert_int_equal(g[0].n, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines__crlf_empty_and_last_line),
		cmocka_unit_test(lines__overlong_line_cut_once),
		cmocka_unit_test(lines__gs_and_nul_bytes_pass_through),
		cmocka_unit_test(lines__line_exactly_at_cap_is_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
