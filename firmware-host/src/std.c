/* firmware-host: defaults and helpers shared by the drivers (libsigrok's
 * std.c), so no driver copies them. */
#define LOG_PREFIX "std"
#include "fh-int.h"

void fh_std_event_init(const struct fh_dev *dev, struct fh_event *ev, enum fh_event_kind kind)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->ts_ms = fh_dev_now_ms(dev);
	ev->dev = dev->id;
}

int fh_std_write_all(struct fh_dev *dev, const uint8_t *b, size_t n, int timeout_ms)
{
	size_t off = 0;

	while (off < n) {
		int rc = fh_dev_write(dev, b + off, n - off, timeout_ms);

		if (rc < 0)
			return rc;
		if (rc == 0)
			return FH_ERR_TIMEOUT; /* accepted nothing: do not spin */
		if (FH_NEVER((size_t)rc > n - off))
			return FH_ERR_BUG;
		off += (size_t)rc;
	}
	return FH_OK;
}

void fh_std_deadline_init(struct fh_std_deadline *d, const struct fh_dev *dev, int timeout_ms)
{
	d->start_ms = fh_dev_now_ms(dev);
	d->elapsed_ms = 0;
	d->timeout_ms = timeout_ms;
}

int fh_std_deadline_left(struct fh_std_deadline *d, const struct fh_dev *dev, int64_t *now_ms)
{
	int64_t now = fh_dev_now_ms(dev);

	/* A clock that stands still (a test's, or a coarse one) must not turn
	 * a timed-out read into an endless loop: reads that timed out count. */
	if (now - d->start_ms > d->elapsed_ms)
		d->elapsed_ms = now - d->start_ms;
	*now_ms = d->start_ms + d->elapsed_ms;
	if (d->timeout_ms < 0)
		return -1;
	if (d->elapsed_ms >= d->timeout_ms)
		return 0;
	return (int)(d->timeout_ms - d->elapsed_ms);
}

void fh_std_deadline_waited(struct fh_std_deadline *d, int wait_ms)
{
	if (wait_ms > 0)
		d->elapsed_ms += wait_ms;
}

bool fh_std_boot_phantom(const uint8_t *r, size_t n)
{
	for (size_t i = 2; i < n && i < 2 + FH_BOOT_KEYS; i++)
		if (r[i] >= 0x01 && r[i] <= 0x03)
			return true;
	return false;
}

void fh_std_boot_keys(const uint8_t *r, size_t n, uint8_t keys[FH_BOOT_KEYS])
{
	for (size_t i = 0; i < FH_BOOT_KEYS; i++)
		keys[i] = 2 + i < n ? r[2 + i] : 0;
}

size_t fh_std_boot_new_keys(const uint8_t prev[FH_BOOT_KEYS], const uint8_t *r, size_t n,
			    uint8_t pressed[FH_BOOT_KEYS])
{
	uint8_t cur[FH_BOOT_KEYS];
	size_t np = 0;

	fh_std_boot_keys(r, n, cur);
	for (size_t i = 0; i < FH_BOOT_KEYS; i++) {
		bool seen = false;

		if (cur[i] == 0)
			continue;
		for (size_t j = 0; j < FH_BOOT_KEYS && !seen; j++)
			seen = prev[j] == cur[i];
		/* A usage listed twice in one report is one key. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = cur[j] == cur[i];
		if (!seen)
			pressed[np++] = cur[i];
	}
	return np;
}
