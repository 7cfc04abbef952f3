/* Fuzz target: the client's decoder of a feed page (GET /v1/feed), outside
 * input from the central store.  A decoded page must satisfy the decoder's
 * promises (seq increasing, cursor valid) and survive a re-encode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sy/err.h"
#include "sy/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_proto_feed f = SY_PROTO_FEED_INIT, f2 = SY_PROTO_FEED_INIT;
	struct sy_proto_err err;
	char *text = NULL;
	size_t len = 0;

	if (sy_proto_feed_decode((const char *)data, size, &f, &err) != SY_OK)
		return 0;
	if (f.n > SY_PROTO_MAX_FEED_LIMIT ||
	    !sy_proto_cursor_valid(f.next_cursor, strlen(f.next_cursor)))
		abort();
	for (size_t i = 1; i < f.n; i++)
		if (f.items[i].seq <= f.items[i - 1].seq)
			abort();
	if (sy_proto_feed_encode(f.items, f.n, f.next_cursor, f.more, &text, &len) != SY_OK)
		abort();
	if (sy_proto_feed_decode(text, len, &f2, &err) != SY_OK || f2.n != f.n || f2.more != f.more)
		abort();
	for (size_t i = 0; i < f.n; i++)
		if (strcmp(f.items[i].data, f2.items[i].data) != 0 ||
		    strcmp(f.items[i].key, f2.items[i].key) != 0)
			abort();
	sy_proto_feed_fini(&f2);
	sy_proto_feed_fini(&f);
	free(text);
	return 0;
}
