/* tests/common: small helpers shared by the cmocka tests. */
#ifndef QC_TESTS_COMMON_TESTUTIL_H
#define QC_TESTS_COMMON_TESTUTIL_H

#include <stddef.h>

/* Make a fresh folder /tmp/qc-test-<stem>-XXXXXX into buf; 0 or -1. */
int qc_tmpdir_make(char *buf, size_t cap, const char *stem);

/* Remove the files in dir (not recursive) and dir itself; 0 or -1. */
int qc_tmpdir_remove(const char *dir);

/* Check an error-code table (STYLE.md section 3): every code in codes has a
 * description of its own, never "unknown error"; unknown codes get it.
 * Fails the running cmocka test otherwise. */
void qc_check_strerror(const char *(*str)(int), const int *codes, size_t n);

#endif
