/* sync: descriptions of the error codes in <sy/err.h>. */
#include "sy/err.h"

const char *sy_strerror(int err)
{
	switch (err) {
	case SY_OK:
		return "no error";
	case SY_ERR_NOMEM:
		return "out of memory";
	case SY_ERR_ARG:
		return "invalid argument";
	case SY_ERR_IO:
		return "input/output error";
	case SY_ERR_TIMEOUT:
		return "timed out";
	case SY_ERR_BUG:
		return "internal error (a bug)";
	case SY_ERR_HTTP:
		return "HTTP error from the central store";
	case SY_ERR_PROTO:
		return "malformed reply from the central store";
	case SY_ERR_AUTH:
		return "the central store refused the token";
	case SY_ERR_TLS:
		return "TLS error (certificate not verified or handshake failed)";
	case SY_ERR_CANCELLED:
		return "stopped on request";
	case SY_ERR_CONNECT:
		return "cannot reach the central store";
	case SY_ERR_REJECTED:
		return "the central store rejected the request";
	default:
		return "unknown error";
	}
}
