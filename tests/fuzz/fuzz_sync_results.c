/* Fuzz target: the client's decoder of a push answer ({"results":[...]}),
 * outside input from the central store (or whatever answers in its place).
 * Decoded results must be re-encodable and decode to the same thing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sy/err.h"
#include "sy/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sy_proto_result *r = NULL, *r2 = NULL;
	struct sy_proto_err err;
	char *text = NULL;
	size_t n = 0, n2 = 0, len = 0;

	if (sy_proto_results_decode((const char *)data, size, &r, &n, &err) != SY_OK)
		return 0;
	if (n > SY_PROTO_MAX_EVENTS)
		abort();
	if (sy_proto_results_encode(r, n, &text, &len) != SY_OK)
		abort();
	if (sy_proto_results_decode(text, len, &r2, &n2, &err) != SY_OK || n2 != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (r[i].status != r2[i].status || r[i].server_seq != r2[i].server_seq ||
		    strcmp(r[i].uuid, r2[i].uuid) != 0 || strcmp(r[i].reason, r2[i].reason) != 0)
			abort();
	free(text);
	free(r2);
	free(r);
	return 0;
}
