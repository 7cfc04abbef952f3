/* firmware-host: error codes.
 *
 * The shared codes (0 to -5) have the same value in all four libraries (fh, lb,
 * sy, st) so that mapping between them is trivial; codes specific to this
 * library start at -100.  Append only, never renumber; update fh_strerror() and
 * tests/firmware-host/test_err.c with every new code.
 */
#ifndef QC_FIRMWARE_HOST_ERR_H
#define QC_FIRMWARE_HOST_ERR_H

enum fh_err {
	FH_OK = 0,
	FH_ERR_NOMEM = -1,   /* out of memory */
	FH_ERR_ARG = -2,     /* invalid argument */
	FH_ERR_IO = -3,      /* input/output error */
	FH_ERR_TIMEOUT = -4, /* timed out */
	FH_ERR_BUG = -5,     /* internal invariant broken */
	FH_ERR_NA = -100,    /* operation not supported by this device class */
	FH_ERR_PROTO = -101, /* the device sent bytes that do not parse */
	FH_ERR_AGAIN = -102, /* no complete event yet (e.g. scale in motion) */
	FH_ERR_NODEV = -103, /* the device is gone (unplugged); reopen on hot-plug */
};

/* A static English description of err; never NULL ("unknown error" for codes
 * that are not in enum fh_err). */
const char *fh_strerror(int err);

#endif
