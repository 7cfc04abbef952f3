/* hid-buttons: the pure decoder of button and pedal reports (protocol.h). */
#include "fh-int.h"

#include "protocol.h"

void hid_buttons_init(struct hid_buttons *b, enum fh_buttons_mode mode)
{
	memset(b, 0, sizeof(*b));
	b->mode = mode;
}

static void forget(struct hid_buttons *b)
{
	memset(b->bits, 0, sizeof(b->bits));
	memset(b->keys, 0, sizeof(b->keys));
	b->mods = 0;
}

int hid_buttons_set(struct hid_buttons *b, enum fh_key key, int64_t val)
{
	switch (key) {
	case FH_KEY_BUTTONS_MODE:
		if (val != FH_BUTTONS_KEYBOARD && val != FH_BUTTONS_BITS)
			return FH_ERR_ARG;
		b->mode = (enum fh_buttons_mode)val;
		break;
	case FH_KEY_BUTTONS_REPORT_ID:
		if (val < 0 || val > 255)
			return FH_ERR_ARG;
		b->report_id = (unsigned)val;
		break;
	case FH_KEY_BUTTONS_OFFSET:
		if (val < 0 || val > 63)
			return FH_ERR_ARG;
		b->offset = (unsigned)val;
		break;
	case FH_KEY_BUTTONS_COUNT:
		if (val < 0 || val > FH_BUTTONS_BITS_MAX)
			return FH_ERR_ARG;
		b->count = (unsigned)val;
		break;
	default:
		return FH_ERR_NA;
	}
	forget(b);
	return FH_OK;
}

static int feed_bits(struct hid_buttons *b, const uint8_t *r, size_t n,
		     struct fh_button out[HID_BUTTONS_EVENTS_MAX])
{
	uint8_t cur[FH_BUTTONS_BITS_MAX / 8] = { 0 };
	size_t skip = (b->report_id ? 1 : 0) + b->offset;
	size_t count = b->count, ne = 0;

	if (b->report_id) {
		if (n < 1)
			return FH_ERR_PROTO;
		if (r[0] != b->report_id)
			return 0; /* another report of the device */
	}
	if (n < skip)
		return FH_ERR_PROTO;
	if (count == 0) {
		if (n == skip)
			return FH_ERR_PROTO;
		count = (n - skip) * 8;
		if (count > FH_BUTTONS_BITS_MAX)
			count = FH_BUTTONS_BITS_MAX;
	}
	if (n - skip < (count + 7) / 8)
		return FH_ERR_PROTO;
	for (size_t i = 0; i < count; i++)
		if (r[skip + i / 8] & (1u << (i % 8)))
			cur[i / 8] |= (uint8_t)(1u << (i % 8));
	for (int pass = 0; pass < 2; pass++) {
		bool want = pass == 1; /* releases, then presses */

		for (size_t i = 0; i < FH_BUTTONS_BITS_MAX; i++) {
			bool was = b->bits[i / 8] & (1u << (i % 8));
			bool is = cur[i / 8] & (1u << (i % 8));

			if (was == is || is != want)
				continue;
			if (FH_NEVER(ne >= HID_BUTTONS_EVENTS_MAX))
				return FH_ERR_BUG;
			out[ne].index = (unsigned)i;
			out[ne].pressed = is;
			ne++;
		}
	}
	memcpy(b->bits, cur, sizeof(cur));
	return (int)ne;
}

static size_t add_keys(struct fh_button *out, size_t ne, const uint8_t *keys, size_t nk,
		       bool pressed)
{
	for (size_t i = 0; i < nk; i++) {
		out[ne].index = FH_BUTTON_KEY_BASE + keys[i];
		out[ne].pressed = pressed;
		ne++;
	}
	return ne;
}

static size_t add_mods(struct fh_button *out, size_t ne, uint8_t changed, uint8_t now,
		       bool pressed)
{
	for (unsigned i = 0; i < 8; i++) {
		if (!(changed & (1u << i)) || ((now >> i) & 1u) != (unsigned)pressed)
			continue;
		out[ne].index = FH_BUTTON_KEY_BASE + 0xe0 + i;
		out[ne].pressed = pressed;
		ne++;
	}
	return ne;
}

static int feed_keyboard(struct hid_buttons *b, const uint8_t *r, size_t n,
			 struct fh_button out[HID_BUTTONS_EVENTS_MAX])
{
	uint8_t old[2 + FH_BOOT_KEYS] = { 0 };
	uint8_t cur[2 + FH_BOOT_KEYS] = { 0 };
	uint8_t down[FH_BOOT_KEYS], up[FH_BOOT_KEYS];
	size_t nd, nu, ne = 0;
	uint8_t changed;

	if (n < 3 || n > 8)
		return FH_ERR_PROTO;
	if (fh_std_boot_phantom(r, n))
		return 0;
	/* Modifiers are the bits of byte 0; a modifier usage in a key slot
	 * would be the same button twice. */
	memcpy(cur, r, n);
	for (size_t i = 2; i < n; i++)
		if (cur[i] >= 0xe0)
			cur[i] = 0;
	r = cur;
	memcpy(old + 2, b->keys, FH_BOOT_KEYS);
	nd = fh_std_boot_new_keys(b->keys, r, n, down);
	fh_std_boot_keys(r, n, b->keys);
	nu = fh_std_boot_new_keys(b->keys, old, sizeof(old), up);
	changed = b->mods ^ r[0];
	/* 8 modifiers + 6 keys each way fit easily in the 64 slots. */
	ne = add_mods(out, ne, changed, r[0], false);
	ne = add_keys(out, ne, up, nu, false);
	ne = add_mods(out, ne, changed, r[0], true);
	ne = add_keys(out, ne, down, nd, true);
	b->mods = r[0];
	return (int)ne;
}

int hid_buttons_feed(struct hid_buttons *b, const uint8_t *r, size_t n,
		     struct fh_button out[HID_BUTTONS_EVENTS_MAX])
{
	if (!r && n)
		return FH_ERR_PROTO;
	if (b->mode == FH_BUTTONS_BITS)
		return feed_bits(b, r, n, out);
	return feed_keyboard(b, r, n, out);
}
