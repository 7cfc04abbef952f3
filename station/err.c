/* station: descriptions of the error codes in <st/err.h>. */
#include "st/err.h"

const char *st_strerror(int err)
{
	switch (err) {
	case ST_OK:
		return "no error";
	case ST_ERR_NOMEM:
		return "out of memory";
	case ST_ERR_ARG:
		return "invalid argument";
	case ST_ERR_IO:
		return "input/output error";
	case ST_ERR_TIMEOUT:
		return "timed out";
	case ST_ERR_BUG:
		return "internal error (a bug)";
	case ST_ERR_DB:
		return "database error";
	case ST_ERR_SCHEMA_NEWER:
		return "database was made by a newer qcstation";
	case ST_ERR_CORRUPT:
		return "database file is corrupt or not a database";
	case ST_ERR_BUSY:
		return "database is locked by another process";
	case ST_ERR_FULL:
		return "disk or database is full";
	case ST_ERR_PARSE:
		return "input does not parse";
	case ST_ERR_NOTFOUND:
		return "not found";
	case ST_ERR_CONFIG:
		return "configuration is invalid";
	case ST_ERR_RANGE:
		return "value too long or out of range";
	case ST_ERR_READONLY:
		return "not writable";
	case ST_ERR_CONSTRAINT:
		return "constraint violated";
	default:
		return "unknown error";
	}
}
