/* Fuzz target: HID POS scanner reassembly (firmware-host drivers/
 * hid-pos-scanner/protocol.c) on any report stream a scanner could send.
 * Input: [layout selector][flags] then records [len][time step][len bytes];
 * the layout is the common one or one derived from a fixed descriptor, so
 * descriptor-derived offsets are exercised too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware-host/drivers/hid-pos-scanner/protocol.h"
#include "fh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ../shared/notes/usb-peripherals.md 1.2, but with Byte Count 16 bits wide
 * and no AIM: a second, different layout. */
static const uint8_t alt_desc[] = {
	0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x05, 0x15, 0x00, 0x26, 0xFF, 0x00,
	0x05, 0x01, 0x09, 0x3B, 0x75, 0x10, 0x95, 0x01, 0x81, 0x02,
	0x05, 0x8C, 0x09, 0xFE, 0x75, 0x08, 0x95, 0x10, 0x82, 0x02, 0x01,
	0x09, 0xFF, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03,
	0xC0,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fh_hidrd d;
	static struct fh_pos_asm a;
	static struct fh_pos_scan out;
	struct fh_pos_layout l;
	int64_t now = 0;
	size_t i = 2;

	if (size < 2)
		return 0;
	fh_pos_layout_default(&l);
	if (data[0] & 1) {
		if (fh_hidrd_parse(alt_desc, sizeof(alt_desc), &d) != FH_OK ||
		    fh_pos_layout_from_desc(&d, &l) != FH_OK)
			abort();
	}
	fh_pos_asm_init(&a, &l, data[1] >> 1, data[1] & 1);
	while (i + 2 <= size) {
		size_t n = data[i];
		int rc;

		now += data[i + 1] * 4;
		i += 2;
		if (n > size - i)
			n = size - i;
		rc = fh_pos_asm_feed(&a, data + i, n, now, &out);
		i += n;
		if (rc != FH_OK && rc != FH_ERR_AGAIN && rc != FH_ERR_PROTO)
			abort();
		if (rc != FH_OK)
			continue;
		if (out.len == 0 || out.len > FH_POS_SCAN_MAX || out.reports == 0)
			abort();
		if (out.aim[0] && (strlen(out.aim) != 3 || out.aim[0] != ']'))
			abort();
	}
	(void)fh_pos_asm_expire(&a, now + 1000);
	if (a.active)
		abort();
	return 0;
}
