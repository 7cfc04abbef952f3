/* tests/fakes: the scripted transport (fake_transport.h). */
#include "fakes/fake_transport.h"

#include <stdlib.h>
#include <string.h>

struct item {
	int delay_ms;  /* left to wait before it is ready */
	int code;      /* < 0: an error instead of data */
	uint8_t *data;
	size_t n;
};

struct fake_transport {
	struct fh_transport base; /* first: the core sees only this */
	int64_t *clock_ms;
	struct item *items;
	size_t n_items, head, cap_items;
	uint8_t *out;
	size_t out_len, out_cap;
	size_t short_max;
	int write_fail;
	bool unplugged, closed;
	unsigned reads, writes;
	int last_timeout;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		abort();
	return q;
}

static void advance(struct fake_transport *f, int ms)
{
	if (f->clock_ms && ms > 0)
		*f->clock_ms += ms;
}

static int fake_read(struct fh_transport *t, uint8_t *b, size_t cap, int timeout_ms)
{
	struct fake_transport *f = (struct fake_transport *)t;
	struct item *it;
	size_t n;

	f->reads++;
	f->last_timeout = timeout_ms;
	if (f->closed)
		return FH_ERR_IO;
	if (f->unplugged)
		return FH_ERR_NODEV;
	if (f->head == f->n_items) {
		if (timeout_ms < 0)
			return FH_ERR_IO; /* would hang forever: the script ran out */
		advance(f, timeout_ms);
		return FH_ERR_TIMEOUT;
	}
	it = &f->items[f->head];
	if (it->delay_ms > 0) {
		if (timeout_ms >= 0 && it->delay_ms > timeout_ms) {
			it->delay_ms -= timeout_ms;
			advance(f, timeout_ms);
			return FH_ERR_TIMEOUT;
		}
		advance(f, it->delay_ms);
		it->delay_ms = 0;
	}
	f->head++;
	if (it->code < 0) {
		if (it->code == FH_ERR_NODEV)
			f->unplugged = true;
		return it->code;
	}
	n = it->n < cap ? it->n : cap;
	if (n)
		memcpy(b, it->data, n);
	return (int)n;
}

static int fake_write(struct fh_transport *t, const uint8_t *b, size_t n, int timeout_ms)
{
	struct fake_transport *f = (struct fake_transport *)t;
	int code;

	(void)timeout_ms;
	f->writes++;
	if (f->closed)
		return FH_ERR_IO;
	if (f->unplugged)
		return FH_ERR_NODEV;
	if (f->write_fail) {
		code = f->write_fail;
		f->write_fail = 0;
		return code;
	}
	if (f->short_max && n > f->short_max)
		n = f->short_max;
	if (f->out_len + n > f->out_cap) {
		f->out_cap = (f->out_len + n) * 2;
		f->out = xrealloc(f->out, f->out_cap);
	}
	if (n)
		memcpy(f->out + f->out_len, b, n);
	f->out_len += n;
	return (int)n;
}

static void fake_close(struct fh_transport *t)
{
	((struct fake_transport *)t)->closed = true;
}

static const struct fh_transport_ops fake_ops = {
	.write = fake_write,
	.read = fake_read,
	.close = fake_close,
};

struct fake_transport *fake_transport_new(int64_t *clock_ms)
{
	struct fake_transport *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->base.ops = &fake_ops;
	f->clock_ms = clock_ms;
	return f;
}

void fake_transport_free(struct fake_transport *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_items; i++)
		free(f->items[i].data);
	free(f->items);
	free(f->out);
	free(f);
}

struct fh_transport *fake_transport_base(struct fake_transport *f)
{
	return &f->base;
}

static struct item *add(struct fake_transport *f)
{
	if (f->n_items == f->cap_items) {
		f->cap_items = f->cap_items ? f->cap_items * 2 : 16;
		f->items = xrealloc(f->items, f->cap_items * sizeof(*f->items));
	}
	memset(&f->items[f->n_items], 0, sizeof(f->items[0]));
	return &f->items[f->n_items++];
}

void fake_transport_push_after(struct fake_transport *f, int delay_ms, const void *data,
			       size_t n)
{
	struct item *it = add(f);

	it->delay_ms = delay_ms;
	it->data = xrealloc(NULL, n);
	if (n)
		memcpy(it->data, data, n);
	it->n = n;
}

void fake_transport_push(struct fake_transport *f, const void *data, size_t n)
{
	fake_transport_push_after(f, 0, data, n);
}

void fake_transport_push_error(struct fake_transport *f, int code)
{
	add(f)->code = code;
}

void fake_transport_unplug(struct fake_transport *f)
{
	f->unplugged = true;
}

void fake_transport_short_writes(struct fake_transport *f, size_t max)
{
	f->short_max = max;
}

void fake_transport_fail_write(struct fake_transport *f, int code)
{
	f->write_fail = code;
}

const uint8_t *fake_transport_written(const struct fake_transport *f, size_t *len)
{
	*len = f->out_len;
	return f->out;
}

size_t fake_transport_pending(const struct fake_transport *f)
{
	return f->n_items - f->head;
}

unsigned fake_transport_reads(const struct fake_transport *f)
{
	return f->reads;
}

unsigned fake_transport_writes(const struct fake_transport *f)
{
	return f->writes;
}

int fake_transport_last_timeout(const struct fake_transport *f)
{
	return f->last_timeout;
}

bool fake_transport_closed(const struct fake_transport *f)
{
	return f->closed;
}
