/* station: SHA-256 (FIPS 180-4) in lowercase hex, for the audit chain and
 * for photo evidence files.
 *
 * A thin wrapper over OpenSSL's libcrypto (EVP), so that no other file
 * includes an OpenSSL header; docs/dependencies.md says why libcrypto and
 * not a hand-written SHA-256.  Digests are always given as 64 lowercase hex
 * digits plus a NUL (char out[ST_SHA256_HEX_LEN + 1]).
 *
 * Errors: 0 or a negative ST_ERR_* code (<st/err.h>).  No state is shared:
 * one struct st_sha256 per thread.
 */
#ifndef QC_STATION_SHA256_H
#define QC_STATION_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define ST_SHA256_HEX_LEN 64 /* hex digits of a digest, without the NUL */

struct st_sha256; /* opaque: an incremental digest */

/* A digest ready for st_sha256_update().  On success *out owns it; release
 * it with st_sha256_free().  ST_ERR_NOMEM, or ST_ERR_BUG when libcrypto
 * has no SHA-256 (a broken installation). */
int st_sha256_new(struct st_sha256 **out);
void st_sha256_free(struct st_sha256 *h); /* NULL is a no-op */

/* Feed n bytes (p may be NULL when n is 0). */
int st_sha256_update(struct st_sha256 *h, const void *p, size_t n);

/* Write the digest of everything fed since the last restart to out[65]
 * and restart h, ready for the next message.  On failure h is restarted
 * too and out is untouched. */
int st_sha256_final_hex(struct st_sha256 *h, char out[ST_SHA256_HEX_LEN + 1]);

/* Drop what was fed and start a new message (after an error, say). */
int st_sha256_restart(struct st_sha256 *h);

/* The digest of p[0..n) in one call. */
int st_sha256_hex(const void *p, size_t n, char out[ST_SHA256_HEX_LEN + 1]);

/* The digest of a regular file's contents, read from start to end; *size
 * (may be NULL) is the number of bytes hashed.  out and *size are written
 * only on success.  Errors: ST_ERR_NOTFOUND (no such file),
 * ST_ERR_READONLY (no permission to read it), ST_ERR_ARG (not a regular
 * file: a folder, a FIFO), ST_ERR_IO, ST_ERR_NOMEM. */
int st_sha256_file(const char *path, char out[ST_SHA256_HEX_LEN + 1], uint64_t *size);

#endif
