/* station/store: SHA-256 through OpenSSL's libcrypto EVP interface.
 *
 * The only file of the station that includes an OpenSSL header.  EVP (not
 * the deprecated SHA256_Init family) so that the build keeps working on
 * OpenSSL 3 and picks the CPU's SHA extensions when it has them.
 *
 * Not for: deciding what is hashed (store_audit.c, the evidence code).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "st/err.h"
#include "st/sha256.h"

#define FILE_CHUNK (64 * 1024) /* bytes read per read() of a file */

struct st_sha256 {
	EVP_MD_CTX *ctx;
};

int st_sha256_new(struct st_sha256 **out)
{
	struct st_sha256 *h;
	int rc;

	assert(out);
	h = calloc(1, sizeof(*h));
	if (!h)
		return ST_ERR_NOMEM;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx) {
		free(h);
		return ST_ERR_NOMEM;
	}
	rc = st_sha256_restart(h);
	if (rc < 0) {
		st_sha256_free(h);
		return rc;
	}
	*out = h;
	return ST_OK;
}

void st_sha256_free(struct st_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int st_sha256_restart(struct st_sha256 *h)
{
	assert(h);
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
		return ST_ERR_BUG;
	return ST_OK;
}

int st_sha256_update(struct st_sha256 *h, const void *p, size_t n)
{
	assert(h);
	assert(p || n == 0);
	if (n == 0)
		return ST_OK;
	if (EVP_DigestUpdate(h->ctx, p, n) != 1)
		return ST_ERR_BUG;
	return ST_OK;
}

int st_sha256_final_hex(struct st_sha256 *h, char out[ST_SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	int rc = ST_OK;

	assert(h && out);
	if (EVP_DigestFinal_ex(h->ctx, md, &len) != 1 || len * 2 != ST_SHA256_HEX_LEN)
		rc = ST_ERR_BUG;
	if (rc == ST_OK) {
		for (unsigned int i = 0; i < len; i++) {
			out[2 * i] = hex[md[i] >> 4];
			out[2 * i + 1] = hex[md[i] & 0x0f];
		}
		out[ST_SHA256_HEX_LEN] = '\0';
	}
	if (st_sha256_restart(h) < 0 && rc == ST_OK)
		rc = ST_ERR_BUG;
	return rc;
}

int st_sha256_hex(const void *p, size_t n, char out[ST_SHA256_HEX_LEN + 1])
{
	struct st_sha256 *h = NULL;
	int rc;

	rc = st_sha256_new(&h);
	if (rc < 0)
		return rc;
	rc = st_sha256_update(h, p, n);
	if (rc == ST_OK)
		rc = st_sha256_final_hex(h, out);
	st_sha256_free(h);
	return rc;
}

static int errno_to_st(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ST_ERR_NOTFOUND;
	case EACCES:
	case EPERM:
		return ST_ERR_READONLY;
	case ENOMEM:
		return ST_ERR_NOMEM;
	case EISDIR:
		return ST_ERR_ARG;
	default:
		return ST_ERR_IO;
	}
}

int st_sha256_file(const char *path, char out[ST_SHA256_HEX_LEN + 1], uint64_t *size)
{
	struct st_sha256 *h = NULL;
	unsigned char *buf = NULL;
	char hex[ST_SHA256_HEX_LEN + 1];
	struct stat st;
	uint64_t total = 0;
	ssize_t n;
	int fd = -1, rc;

	assert(path && out);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno_to_st(errno);
	/* A FIFO or a device would block or never end: only regular files. */
	if (fstat(fd, &st) != 0) {
		rc = errno_to_st(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ST_ERR_ARG;
		goto out;
	}
	buf = malloc(FILE_CHUNK);
	if (!buf) {
		rc = ST_ERR_NOMEM;
		goto out;
	}
	rc = st_sha256_new(&h);
	if (rc < 0)
		goto out;
	for (;;) {
		n = read(fd, buf, FILE_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = errno_to_st(errno);
			goto out;
		}
		if (n == 0)
			break;
		rc = st_sha256_update(h, buf, (size_t)n);
		if (rc < 0)
			goto out;
		total += (uint64_t)n;
	}
	rc = st_sha256_final_hex(h, hex);
	if (rc < 0)
		goto out;
	memcpy(out, hex, sizeof(hex));
	if (size)
		*size = total;
out:
	st_sha256_free(h);
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}
