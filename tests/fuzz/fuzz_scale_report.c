/* Fuzz target: HID scale report parsing and the tracker (firmware-host
 * drivers/hid-scale/protocol.c).  Input: records [op][time step][6 bytes]:
 * op & 3 = 0 feed 6 bytes, 1 attach, 2 detach, 3 feed (op >> 2) % 7 bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "../../firmware-host/drivers/hid-scale/protocol.h"
#include "fh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fh_scale_track t;
	struct fh_scale_reading r;
	int64_t now = 0;

	fh_scale_track_init(&t, 1000);
	for (size_t i = 0; i + 8 <= size; i += 8) {
		const uint8_t *rep = data + i + 2;
		size_t n = 6;
		int rc;

		now += (int64_t)data[i + 1] * 50;
		switch (data[i] & 3) {
		case 1:
			fh_scale_track_attach(&t, now);
			continue;
		case 2:
			fh_scale_track_detach(&t, now);
			continue;
		case 3:
			n = (size_t)(data[i] >> 2) % 7;
			break;
		default:
			break;
		}
		rc = fh_scale_parse(rep, n, &r);
		if (rc == FH_OK && (!r.stable || r.weight_mg < 0))
			abort();
		if (rc == FH_ERR_AGAIN && r.stable)
			abort();
		if (rc != FH_OK && rc != FH_ERR_AGAIN && rc != FH_ERR_PROTO)
			abort();
		rc = fh_scale_track_feed(&t, rep, n, now, &r);
		if (rc < 0 && rc != FH_ERR_PROTO)
			abort();
		if (rc > 0 && (rc & FH_SCALE_EV_STABLE) && !r.stable)
			abort();
		if (t.link != FH_SCALE_LINK_READY && t.link != FH_SCALE_LINK_WARMUP && rc >= 0 &&
		    rc != 0)
			abort();
	}
	return 0;
}
