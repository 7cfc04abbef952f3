/* Fuzz target: the server's import of what the e-commerce side sends
 * (qcstation-central import FILE) into an in-memory store, then a feed page
 * after a cursor made of the same bytes (the cursor parser reads a query
 * string from any station).  An import either fails naming a path and
 * stores nothing, or every item it counted comes back in the feed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sy/central.h"
#include "sy/err.h"
#include "sy/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_central_config cfg;
	struct sy_central_import_stats st;
	struct sy_central *c = NULL;
	struct sy_proto_feed f = SY_PROTO_FEED_INIT;
	struct sy_proto_err err;
	char detail[256], cursor[64], *page = NULL;
	size_t len = 0, n = size < sizeof(cursor) - 1 ? size : sizeof(cursor) - 1;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.db = ":memory:";
	if (sy_central_open(&cfg, &c) != SY_OK)
		abort();
	rc = sy_central_import(c, (const char *)data, size, &st, detail, sizeof(detail));
	if (rc != SY_OK && (rc != SY_ERR_PROTO || !detail[0] || st.items != 0))
		abort();
	if (sy_central_feed(c, NULL, SY_PROTO_MAX_FEED_LIMIT, &page, &len) != SY_OK)
		abort();
	if (sy_proto_feed_decode(page, len, &f, &err) != SY_OK)
		abort(); /* the server's own page must satisfy the client's decoder */
	if (rc == SY_OK && f.n != (size_t)(st.items < SY_PROTO_MAX_FEED_LIMIT ?
						   st.items : SY_PROTO_MAX_FEED_LIMIT) && !f.more)
		abort();
	if (rc != SY_OK && f.n != 0)
		abort();
	sy_proto_feed_fini(&f);
	free(page);
	page = NULL;
	memcpy(cursor, data, n);
	cursor[n] = '\0';
	rc = sy_central_feed(c, cursor, 10, &page, &len);
	if (rc != SY_OK && rc != SY_ERR_ARG)
		abort();
	free(page);
	sy_central_close(c);
	return 0;
}
