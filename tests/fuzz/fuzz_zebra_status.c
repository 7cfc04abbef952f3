/* Fuzz target: the printer status parser (labels/src/status.c, ~HS and
 * ~HQES replies) and the ZPL resolution check (labels/src/zplcheck.c),
 * both fed bytes a printer or a carrier could send.  Invariants: every
 * prefix parses or is refused without touching the output, a ready status
 * has no flag, the description is always a bounded string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lb/err.h"
#include "lb/status.h"
#include "lb/zplcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dpis[] = { 203, 300 };
	struct lb_status st;
	struct lb_zpl_geom g;
	char buf[96];
	int rc;

	memset(&st, 0xa5, sizeof(st));
	rc = lb_status_parse(data, size, &st);
	if (rc != LB_OK && rc != LB_ERR_PROTO)
		abort();
	if (rc == LB_OK) {
		if (lb_status_ready(&st) && st.flags)
			abort();
		if (strlen(lb_status_describe(&st, buf, sizeof(buf))) >= sizeof(buf))
			abort();
	} else if (st.flags != 0xa5a5a5a5u) {
		abort(); /* a refused reply leaves the output alone */
	}
	for (size_t i = 0; i < 2; i++) {
		rc = lb_zpl_check_resolution(data, size, dpis[i], 812 * (i + 1), &g);
		if (rc != LB_OK && rc != LB_ERR_PROTO)
			abort();
		if (rc == LB_OK && g.fit != LB_ZPL_FIT_OK && !g.why[0])
			abort();
	}
	return 0;
}
