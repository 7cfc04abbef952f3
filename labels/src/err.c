/* labels: descriptions of the error codes in <lb/err.h>. */
#include "lb/err.h"

const char *lb_strerror(int err)
{
	switch (err) {
	case LB_OK:
		return "no error";
	case LB_ERR_NOMEM:
		return "out of memory";
	case LB_ERR_ARG:
		return "invalid argument";
	case LB_ERR_IO:
		return "input/output error";
	case LB_ERR_TIMEOUT:
		return "timed out";
	case LB_ERR_BUG:
		return "internal error (a bug)";
	case LB_ERR_RANGE:
		return "field does not fit on the label";
	case LB_ERR_TEMPLATE:
		return "invalid label template or data";
	case LB_ERR_VERIFY:
		return "a barcode does not decode to its data";
	case LB_ERR_AGAIN:
		return "in progress, try again";
	case LB_ERR_PROTO:
		return "the printer's reply is not valid";
	case LB_ERR_NA:
		return "not available on this transport";
	case LB_ERR_NODEV:
		return "no such printer";
	case LB_ERR_REFUSED:
		return "refused by the printer or spooler";
	default:
		return "unknown error";
	}
}
