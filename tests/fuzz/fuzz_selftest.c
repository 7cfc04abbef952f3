/* Fuzz target: st_selftest_diagnose(), which reads whatever a scanner sent.
 * The first byte picks the source, the terminator and the expectations;
 * the rest is the scan.  A recognised self-test must come with 1 to
 * ST_SELFTEST_FINDINGS_MAX findings, each with a message, "ok" alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "st/selftest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_selftest_input in = { 0 };
	struct st_selftest_result r;
	uint8_t k;
	int rc;

	if (size < 1)
		return 0;
	k = data[0];
	in.data = data + 1;
	in.len = size - 1;
	in.source = (enum st_selftest_source)(k % 3);
	in.term = (enum st_selftest_term)((k >> 2) % 4);
	in.want_term = (k & 0x10) ? ST_SELFTEST_TERM_TAB : ST_SELFTEST_TERM_ENTER;
	in.want_hid_pos = k & 0x20;
	in.want_aim = k & 0x40;
	in.aim = (k & 0x80) ? "]C0" : NULL;
	in.gs_substitute = (k & 0x80) ? '~' : 0;
	rc = st_selftest_diagnose(&in, &r);
	if (rc != 0 && rc != 1)
		abort();
	if (rc == 0 && (r.recognised || r.n != 0))
		abort();
	if (rc == 1) {
		if (!r.recognised || r.n < 1 || r.n > ST_SELFTEST_FINDINGS_MAX)
			abort();
		for (unsigned i = 0; i < r.n; i++)
			if (!r.f[i].what[0] || (r.f[i].code == ST_SELFTEST_OK) != (r.n == 1 && r.ok))
				abort();
	}
	return 0;
}
