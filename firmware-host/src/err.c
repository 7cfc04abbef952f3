/* firmware-host: descriptions of the error codes in <fh/err.h>. */
#include "fh/err.h"

const char *fh_strerror(int err)
{
	switch (err) {
	case FH_OK:
		return "no error";
	case FH_ERR_NOMEM:
		return "out of memory";
	case FH_ERR_ARG:
		return "invalid argument";
	case FH_ERR_IO:
		return "input/output error";
	case FH_ERR_TIMEOUT:
		return "timed out";
	case FH_ERR_BUG:
		return "internal error (a bug)";
	case FH_ERR_NA:
		return "not supported by this device";
	case FH_ERR_PROTO:
		return "device sent malformed data";
	case FH_ERR_AGAIN:
		return "no complete reading yet";
	case FH_ERR_NODEV:
		return "device unplugged";
	default:
		return "unknown error";
	}
}
