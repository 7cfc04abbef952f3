/* tests/common: helpers shared by the cmocka tests (testutil.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/testutil.h"

int qc_tmpdir_make(char *buf, size_t cap, const char *stem)
{
	snprintf(buf, cap, "/tmp/qc-test-%s-XXXXXX", stem);
	return mkdtemp(buf) ? 0 : -1;
}

int qc_tmpdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	return rmdir(dir);
}

void qc_check_strerror(const char *(*str)(int), const int *codes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = str(codes[i]);

		assert_non_null(s);
		if (strcmp(s, "unknown error") == 0)
			fail_msg("code %d has no description", codes[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(s, str(codes[j])) == 0)
				fail_msg("codes %d and %d share '%s'", codes[i], codes[j], s);
	}
	assert_string_equal(str(-9999), "unknown error");
	assert_string_equal(str(1), "unknown error");
}
