/* sync/central: station tokens.  A token is "qcs_" and 43 base64url
 * characters of 32 random bytes from the OpenSSL CSPRNG; the store keeps only
 * its SHA-256, so a stolen database does not hand out working tokens. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "central/central-int.h"

void cs_token_hash(const char *token, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	if (EVP_Digest(token, len, out, &n, EVP_sha256(), NULL) != 1)
		memset(out, 0, 32);
}

int cs_token_new(char *out, size_t cap)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[33];
	size_t o = 4;

	if (cap < 4 + 44 + 1)
		return SY_ERR_ARG;
	if (RAND_bytes(r, 32) != 1)
		return SY_ERR_IO;
	r[32] = 0;
	memcpy(out, "qcs_", 4);
	for (size_t i = 0; i < 32; i += 3) {
		uint32_t w = (uint32_t)r[i] << 16 | (uint32_t)r[i + 1] << 8 |
			     (i + 2 < 32 ? r[i + 2] : 0);
		size_t k = i + 3 <= 32 ? 4 : 3; /* 32 bytes: 10 groups of 4 + 3 chars */

		for (size_t j = 0; j < k; j++)
			out[o++] = b64[(w >> (18 - 6 * j)) & 63];
	}
	out[o] = '\0';
	return SY_OK;
}
