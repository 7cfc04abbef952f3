/* Fuzz target: the USB printer class protocol (firmware-host drivers/
 * usb-printer/protocol.c): any bytes as a GET_DEVICE_ID reply, and the same
 * bytes as a print job through the job writer against a printer whose
 * accepted counts also come from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware-host/drivers/usb-printer/protocol.h"
#include "fh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fh_ieee1284_id id;
	struct fh_job_writer w;
	const uint8_t *p;
	size_t n, moved, k = 0, done = 0;
	int rc;

	rc = fh_ieee1284_parse(data, size, &id);
	if (rc == FH_OK) {
		if (strnlen(id.mfg, sizeof(id.mfg)) == sizeof(id.mfg) ||
		    strnlen(id.mdl, sizeof(id.mdl)) == sizeof(id.mdl) ||
		    strnlen(id.cmd, sizeof(id.cmd)) == sizeof(id.cmd) ||
		    strnlen(id.sn, sizeof(id.sn)) == sizeof(id.sn) ||
		    strnlen(id.des, sizeof(id.des)) == sizeof(id.des) ||
		    strnlen(id.cls, sizeof(id.cls)) == sizeof(id.cls) || id.len < 2)
			abort();
		(void)fh_ieee1284_cmd_has(&id, "ZPL");
	} else if (rc != FH_ERR_PROTO) {
		abort();
	}

	if (fh_job_writer_init(&w, data, size, size ? 1u + data[0] % 64 : 64, 4096) != FH_OK)
		abort();
	while (fh_job_writer_next(&w, &p, &n) == 1) {
		if (n == 0 || p != data + done || n > size - done)
			abort();
		/* Every 4th write stalls (timeout); the others move a share. */
		moved = k % 4 == 3 ? 0 : n - (data[k % size] % (n + 1)) / 2;
		done += moved;
		if (fh_job_writer_done(&w, moved) < 0)
			abort();
		if (++k > 4 * size + 8)
			abort(); /* no progress */
	}
	if (done != size)
		abort();
	return 0;
}
