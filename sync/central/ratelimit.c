/* sync/central: a token bucket per station (the token's station), refilled
 * at per_s tokens a second up to burst.  Times come from the caller (the
 * configured clock), so tests drive it without sleeping. */
#include <stdlib.h>

#include "central/central-int.h"

struct bucket {
	int64_t station;
	int64_t milli;   /* tokens * 1000 */
	int64_t last_ms;
};

struct cs_rate {
	int per_s, burst;
	struct bucket *b;
	size_t n, cap;
};

int cs_rate_new(int per_s, int burst, struct cs_rate **out)
{
	struct cs_rate *r;

	if (per_s < 0 || burst < 0)
		return SY_ERR_ARG;
	r = calloc(1, sizeof(*r));
	if (!r)
		return SY_ERR_NOMEM;
	r->per_s = per_s;
	r->burst = burst > 0 ? burst : (per_s > 0 ? per_s : 1);
	*out = r;
	return SY_OK;
}

void cs_rate_free(struct cs_rate *r)
{
	if (!r)
		return;
	free(r->b);
	free(r);
}

static struct bucket *find(struct cs_rate *r, int64_t station, int64_t now_ms)
{
	struct bucket *nb;

	for (size_t i = 0; i < r->n; i++)
		if (r->b[i].station == station)
			return &r->b[i];
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;

		nb = realloc(r->b, cap * sizeof(*nb));
		if (!nb)
			return NULL;
		r->b = nb;
		r->cap = cap;
	}
	nb = &r->b[r->n++];
	nb->station = station;
	nb->milli = (int64_t)r->burst * 1000;
	nb->last_ms = now_ms;
	return nb;
}

int cs_rate_check(struct cs_rate *r, int64_t station_id, int64_t now_ms)
{
	struct bucket *b;
	int64_t max, need;

	if (!r || r->per_s == 0)
		return 0;
	b = find(r, station_id, now_ms);
	if (!b)
		return 1; /* out of memory: refuse for a second rather than fail open */
	max = (int64_t)r->burst * 1000;
	if (now_ms > b->last_ms) {
		b->milli += (now_ms - b->last_ms) * r->per_s;
		if (b->milli > max)
			b->milli = max;
		b->last_ms = now_ms;
	}
	if (b->milli >= 1000) {
		b->milli -= 1000;
		return 0;
	}
	/* Seconds until one token: ceil((1000 - milli) / (per_s * 1000 / 1000)). */
	need = 1000 - b->milli;
	need = (need + r->per_s - 1) / r->per_s; /* ms */
	return (int)((need + 999) / 1000);
}
