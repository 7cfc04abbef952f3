/* sync/central: the opaque cursors.  A cursor is base64url (no padding) of
 * "<tag>:<decimal seq>", tag 's' for the feed and 'e' for the export: short,
 * URL-safe, and refused when it did not come from this server's format. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "central/central-int.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void cs_cursor_make(char tag, int64_t v, char *out, size_t cap)
{
	char raw[32];
	size_t n, o = 0;

	n = (size_t)snprintf(raw, sizeof(raw), "%c:%" PRId64, tag, v);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t w = (uint32_t)(unsigned char)raw[i] << 16;
		size_t k = n - i >= 3 ? 3 : n - i;

		if (k > 1)
			w |= (uint32_t)(unsigned char)raw[i + 1] << 8;
		if (k > 2)
			w |= (unsigned char)raw[i + 2];
		for (size_t j = 0; j < k + 1 && o + 1 < cap; j++)
			out[o++] = b64[(w >> (18 - 6 * j)) & 63];
	}
	out[o < cap ? o : cap - 1] = '\0';
}

static int val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

int cs_cursor_parse(char tag, const char *s, int64_t *v)
{
	char raw[32];
	size_t n = strlen(s), o = 0;
	int64_t x = 0;

	if (n < 3 || n > 40 || n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t w = 0;
		size_t k = n - i >= 4 ? 4 : n - i;

		for (size_t j = 0; j < 4; j++) {
			int d = j < k ? val(s[i + j]) : 0;

			if (d < 0)
				return -1;
			w = (w << 6) | (uint32_t)d;
		}
		for (size_t j = 0; j + 1 < k; j++)
			raw[o++] = (char)((w >> (16 - 8 * j)) & 0xff);
	}
	if (o < 3 || raw[0] != tag || raw[1] != ':')
		return -1;
	for (size_t i = 2; i < o; i++) {
		if (raw[i] < '0' || raw[i] > '9' || (i == 2 && raw[i] == '0' && o > 3))
			return -1;
		if (x > (INT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (raw[i] - '0');
	}
	*v = x;
	return 0;
}
