/* Fuzz target: the buttons / foot pedal decoder (hid-buttons' pure
 * protocol.c) on any sequence of reports, with any layout.
 *
 * Input: [mode][report id][offset][count][chunk...], each chunk [len]
 * then len & 0x1f bytes.  Invariants: no crash; indices in range; every
 * event a real transition (a shadow copy of the buttons alternates). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The protocol header sits beside its source (not a public header). */
#include "../../firmware-host/drivers/hid-buttons/protocol.h"
#include "fh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hid_buttons b;
	struct fh_button out[HID_BUTTONS_EVENTS_MAX];
	bool down[FH_BUTTON_INDEX_MAX + 1];
	size_t i = 4;

	if (size < 4)
		return 0;
	memset(down, 0, sizeof(down));
	hid_buttons_init(&b, (data[0] & 1) ? FH_BUTTONS_BITS : FH_BUTTONS_KEYBOARD);
	if (hid_buttons_set(&b, FH_KEY_BUTTONS_REPORT_ID, data[1]) != 0 ||
	    hid_buttons_set(&b, FH_KEY_BUTTONS_OFFSET, data[2] & 7) != 0 ||
	    hid_buttons_set(&b, FH_KEY_BUTTONS_COUNT, data[3] % (FH_BUTTONS_BITS_MAX + 1)) != 0)
		abort();
	while (i < size) {
		size_t len = data[i++] & 0x1f;
		int n;

		if (len > size - i)
			len = size - i;
		n = hid_buttons_feed(&b, data + i, len, out);
		i += len;
		if (n == FH_ERR_PROTO)
			continue;
		if (n < 0 || n > HID_BUTTONS_EVENTS_MAX)
			abort();
		for (int e = 0; e < n; e++) {
			unsigned x = out[e].index;

			if (b.mode == FH_BUTTONS_BITS ? x >= FH_BUTTONS_BITS_MAX
						      : (x < FH_BUTTON_KEY_BASE ||
							 x > FH_BUTTON_INDEX_MAX))
				abort();
			if (down[x] == out[e].pressed)
				abort(); /* not a transition */
			down[x] = out[e].pressed;
		}
	}
	return 0;
}
