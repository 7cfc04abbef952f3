/* station: error codes.
 *
 * The shared codes (0 to -5) have the same value in all four libraries (fh, lb,
 * sy, st) so that mapping between them is trivial; codes specific to this
 * library start at -100.  Append only, never renumber; update st_strerror() and
 * tests/station/test_err.c with every new code.
 */
#ifndef QC_STATION_ERR_H
#define QC_STATION_ERR_H

enum st_err {
	ST_OK = 0,
	ST_ERR_NOMEM = -1,   /* out of memory */
	ST_ERR_ARG = -2,     /* invalid argument */
	ST_ERR_IO = -3,      /* input/output error */
	ST_ERR_TIMEOUT = -4, /* timed out */
	ST_ERR_BUG = -5,     /* internal invariant broken */
	ST_ERR_DB = -100,          /* SQLite reported an error */
	ST_ERR_SCHEMA_NEWER = -101, /* database made by a newer qcstation */
	ST_ERR_CORRUPT = -102,     /* database file is not a database or is damaged */
	ST_ERR_BUSY = -103,        /* database locked by another process */
	ST_ERR_FULL = -104,        /* disk or database full */
	ST_ERR_PARSE = -105,       /* input does not parse (config, JSON, barcode) */
	ST_ERR_NOTFOUND = -106,    /* no such record */
	ST_ERR_CONFIG = -107,      /* configuration is invalid */
	ST_ERR_RANGE = -108,       /* value too long or out of range */
	ST_ERR_READONLY = -109,    /* database or folder not writable */
	ST_ERR_CONSTRAINT = -110,  /* the change breaks a constraint */
};

/* A static English description of err; never NULL ("unknown error" for codes
 * that are not in enum st_err). */
const char *st_strerror(int err);

#endif
