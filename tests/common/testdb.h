/* tests/common: reading and writing a station's SQLite file from a test,
 * beside the code under test (its own connection, as an operator's sqlite3
 * would be).  Failures fail the running cmocka test. */
#ifndef QC_TESTS_COMMON_TESTDB_H
#define QC_TESTS_COMMON_TESTDB_H

#include <stdint.h>

/* The first column of the first row of sql on the file at path, opened
 * read-only; -1 when there is no row. */
int64_t qc_db_int(const char *path, const char *sql);

/* Run sql (one or more statements) on the file at path. */
void qc_db_exec(const char *path, const char *sql);

#endif
