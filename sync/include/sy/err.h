/* sync: error codes.
 *
 * The shared codes (0 to -5) have the same value in all four libraries (fh, lb,
 * sy, st) so that mapping between them is trivial; codes specific to this
 * library start at -100.  Append only, never renumber; update sy_strerror() and
 * tests/sync/test_err.c with every new code.
 */
#ifndef QC_SYNC_ERR_H
#define QC_SYNC_ERR_H

enum sy_err {
	SY_OK = 0,
	SY_ERR_NOMEM = -1,   /* out of memory */
	SY_ERR_ARG = -2,     /* invalid argument */
	SY_ERR_IO = -3,      /* input/output error */
	SY_ERR_TIMEOUT = -4, /* timed out */
	SY_ERR_BUG = -5,     /* internal invariant broken */
	SY_ERR_HTTP = -100,  /* the server answered with an HTTP error */
	SY_ERR_PROTO = -101, /* the server's reply does not parse */
	/* -102 .. -109: the sync client (sync/client/) */
	SY_ERR_AUTH = -102,      /* the server refused the token (401, 403) */
	SY_ERR_TLS = -103,       /* TLS: certificate not verified, handshake failed */
	SY_ERR_CANCELLED = -104, /* stopped on request (SIGTERM) */
	SY_ERR_CONNECT = -105,   /* the server cannot be reached (refused, no route, DNS) */
	SY_ERR_REJECTED = -106,  /* the server refused the request for good (400, other 4xx) */
};

/* A static English description of err; never NULL ("unknown error" for codes
 * that are not in enum sy_err). */
const char *sy_strerror(int err);

#endif
