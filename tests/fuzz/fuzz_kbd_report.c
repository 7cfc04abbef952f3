/* Fuzz target: the keyboard-mode scanner decoder (hid-kbd-scanner's pure
 * protocol.c) on any sequence of reports, with any configuration.
 *
 * Input: [cfg][gs][chunk...], cfg bits 0-1 the layout, 2-3 the suffix,
 * 4 the idle pause (0: 50 ms, 1: none, suffix permitting); gs the
 * substitute (& 0x7f, 0x7f = none).  Each chunk is [dt][len][len bytes]:
 * the report arrives dt ms after the one before; dt 0xff calls the idle
 * tick instead; len is taken & 0x0f, so bad lengths come too.
 * Invariants: no crash, no scan longer than FH_SCAN_MAX, no more scans per
 * report than HID_KBD_EMIT_MAX, time-outs agree with hid_kbd_wait_ms(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The protocol header sits beside its source (not a public header). */
#include "../../firmware-host/drivers/hid-kbd-scanner/protocol.h"
#include "fh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	int n;
};

static void check_scan(void *ud, const struct hid_kbd_scan *s)
{
	struct count *c = ud;
	char aim[4];

	if (s->len > FH_SCAN_MAX || (s->len == 0 && !s->truncated))
		abort();
	if (hid_kbd_aim_split(s->data, s->len, aim) > s->len || strlen(aim) > 3)
		abort();
	c->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hid_kbd *k;
	struct fh_kbd_config cfg;
	int64_t now = 0;
	size_t i = 2;

	if (size < 2)
		return 0;
	fh_kbd_config_init(&cfg);
	cfg.layout = (enum fh_kbd_layout)(data[0] & 3);
	cfg.suffix = (enum fh_kbd_suffix)((data[0] >> 2) & 3);
	cfg.idle_ms = (data[0] & 0x10) && cfg.suffix != FH_KBD_SUFFIX_NONE ? 0 : 50;
	cfg.gs_substitute = (data[1] & 0x7f) == 0x7f ? 0 : data[1] & 0x7f;
	if (fh_kbd_config_check(&cfg) != 0)
		abort();
	k = malloc(sizeof(*k));
	if (!k)
		return 0;
	hid_kbd_init(k, &cfg);
	while (i + 2 <= size) {
		uint8_t dt = data[i], len = data[i + 1] & 0x0f;
		struct count c = { 0 };
		int rc, wait;

		i += 2;
		if (dt == 0xff) {
			now += 1000;
			wait = hid_kbd_wait_ms(k, now);
			rc = hid_kbd_tick(k, now, check_scan, &c);
			/* A tick that ends a scan was announced by wait_ms (an
			 * open scan may still be empty: then nothing is sent). */
			if (rc != c.n || (rc == 1 && wait != 0))
				abort();
			continue;
		}
		now += dt;
		if (len > size - i)
			len = (uint8_t)(size - i);
		rc = hid_kbd_feed(k, data + i, len, now, check_scan, &c);
		i += len;
		if (rc == FH_ERR_PROTO ? c.n != 0 : (rc < 0 || rc > HID_KBD_EMIT_MAX || rc != c.n))
			abort();
		if (k->len > FH_SCAN_MAX)
			abort();
	}
	free(k);
	return 0;
}
