/* Fuzz target: the evidence image loader (JPEG through libjpeg, PNG through
 * cairo) and zbar behind it, from memory: a photo is a file anyone with a
 * phone can drop into the watched folder.  The caps are lowered so that
 * the fuzzer explores the decoders rather than the allocator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/err.h"
#include "st/evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct st_evidence_limits lim = {
		.size_max = 1u << 20, .pixels_max = 1u << 20, .side_max = 256,
	};
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];
	int rc;

	if (!info)
		return 0;
	rc = st_evidence_decode_buffer(data, size, &lim, info, err, sizeof(err));
	if (rc == ST_OK) {
		/* What the app shell relies on. */
		if (!info->decoded || info->n_codes > ST_EVIDENCE_CODES_MAX ||
		    info->width == 0 || info->scan_width > info->width)
			abort();
		for (unsigned i = 0; i < info->n_codes; i++)
			if (info->code[i].text[info->code[i].truncated ? ST_EVIDENCE_TEXT_MAX - 1
								       : info->code[i].len] != '\0')
				abort();
	} else if (err[0] == '\0' || rc == ST_ERR_BUG) {
		abort(); /* every refusal says why */
	}
	free(info);
	return 0;
}
