/* Fuzz target: the server's decoder of a push request body (POST /v1/events),
 * outside input from any station.  A decoded batch must keep the decoder's
 * promises: at most SY_PROTO_MAX_EVENTS events, each either rejected with a
 * reason or with a valid uuid and a payload within its limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sy/err.h"
#include "sy/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_proto_batch b = SY_PROTO_BATCH_INIT;
	struct sy_proto_err err;

	if (sy_proto_batch_decode((const char *)data, size, &b, &err) != SY_OK) {
		if (err.http_status != 400 && err.http_status != 413)
			abort();
		return 0;
	}
	if (b.n == 0 || b.n > SY_PROTO_MAX_EVENTS || !b.station)
		abort();
	for (size_t i = 0; i < b.n; i++) {
		const struct sy_proto_event *e = &b.ev[i];

		if (e->reject[0])
			continue;
		if (!sy_proto_uuid_valid(e->uuid, strlen(e->uuid)) || e->seq < 1 ||
		    e->payload_len > SY_PROTO_MAX_PAYLOAD || strlen(e->payload) != e->payload_len)
			abort();
	}
	sy_proto_batch_fini(&b);
	return 0;
}
