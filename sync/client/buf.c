/* sync/client: the growable byte buffer of client-int.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sy/err.h"
#include "client-int.h"

int sy_buf_reserve(struct sy_buf *b, size_t cap)
{
	size_t n = b->cap ? b->cap : 256;
	char *p;

	if (cap <= b->cap)
		return SY_OK;
	while (n < cap) {
		if (n > SIZE_MAX / 2)
			return SY_ERR_NOMEM;
		n *= 2;
	}
	p = realloc(b->data, n);
	if (!p)
		return SY_ERR_NOMEM;
	b->data = p;
	b->cap = n;
	return SY_OK;
}

int sy_buf_add(struct sy_buf *b, const void *p, size_t n)
{
	if (n > SIZE_MAX - b->len)
		return SY_ERR_NOMEM;
	if (sy_buf_reserve(b, b->len + n) < 0)
		return SY_ERR_NOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return SY_OK;
}

void sy_buf_fini(struct sy_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
