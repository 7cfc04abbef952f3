/* labels: error codes.
 *
 * The shared codes (0 to -5) have the same value in all four libraries (fh, lb,
 * sy, st) so that mapping between them is trivial; codes specific to this
 * library start at -100.  Append only, never renumber; update lb_strerror() and
 * tests/labels/test_err.c with every new code.
 */
#ifndef QC_LABELS_ERR_H
#define QC_LABELS_ERR_H

enum lb_err {
	LB_OK = 0,
	LB_ERR_NOMEM = -1,   /* out of memory */
	LB_ERR_ARG = -2,     /* invalid argument */
	LB_ERR_IO = -3,      /* input/output error */
	LB_ERR_TIMEOUT = -4, /* timed out */
	LB_ERR_BUG = -5,     /* internal invariant broken */
	LB_ERR_RANGE = -100, /* field does not fit on the label */
	LB_ERR_TEMPLATE = -101, /* a template or data file is invalid */
	LB_ERR_VERIFY = -102,   /* a barcode did not decode to its data */
	/* -110.. printing (transports, printer status): lb/transport.h */
	LB_ERR_AGAIN = -110,    /* in progress: poll, then call again */
	LB_ERR_PROTO = -111,    /* the printer sent bytes that are no valid reply */
	LB_ERR_NA = -112,       /* not available: this transport cannot do it */
	LB_ERR_NODEV = -113,    /* no such printer, queue or device */
	LB_ERR_REFUSED = -114,  /* the printer or spooler refused the connection or job */
};

/* A static English description of err; never NULL ("unknown error" for codes
 * that are not in enum lb_err). */
const char *lb_strerror(int err);

#endif
