/* firmware-host: USB printer class device ID, port status and the bulk OUT
 * job writer (see protocol.h).  Pure: no I/O, no clock, no allocation. */
#include "protocol.h"

#include <string.h>

#include "fh/err.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive equality of p[0..n) and the NUL-terminated s. */
static bool key_is(const uint8_t *p, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		if (lower(p[i]) != lower((unsigned char)s[i]))
			return false;
	return i == n && s[i] == '\0';
}

static void trim(const uint8_t **p, size_t *n)
{
	while (*n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

/* Copy value p[0..n) into dst (cap bytes) unless dst is already set. */
static void put(char *dst, size_t cap, const uint8_t *p, size_t n, bool *truncated)
{
	if (dst[0] != '\0')
		return; /* the first of duplicate keys wins */
	if (n > cap - 1) {
		n = cap - 1;
		*truncated = true;
	}
	for (size_t i = 0; i < n; i++)
		dst[i] = p[i] < 0x20 || p[i] == 0x7F ? '?' : (char)p[i];
	dst[n] = '\0';
}

static void pair(struct fh_ieee1284_id *id, const uint8_t *p, size_t n)
{
	static const struct {
		const char *key;
		size_t field, cap;
	} keys[] = {
		{ "MFG", offsetof(struct fh_ieee1284_id, mfg), sizeof(id->mfg) },
		{ "MANUFACTURER", offsetof(struct fh_ieee1284_id, mfg), sizeof(id->mfg) },
		{ "MDL", offsetof(struct fh_ieee1284_id, mdl), sizeof(id->mdl) },
		{ "MODEL", offsetof(struct fh_ieee1284_id, mdl), sizeof(id->mdl) },
		{ "CMD", offsetof(struct fh_ieee1284_id, cmd), sizeof(id->cmd) },
		{ "COMMAND SET", offsetof(struct fh_ieee1284_id, cmd), sizeof(id->cmd) },
		{ "SN", offsetof(struct fh_ieee1284_id, sn), sizeof(id->sn) },
		{ "SERN", offsetof(struct fh_ieee1284_id, sn), sizeof(id->sn) },
		{ "SERIALNUMBER", offsetof(struct fh_ieee1284_id, sn), sizeof(id->sn) },
		{ "DES", offsetof(struct fh_ieee1284_id, des), sizeof(id->des) },
		{ "DESCRIPTION", offsetof(struct fh_ieee1284_id, des), sizeof(id->des) },
		{ "CLS", offsetof(struct fh_ieee1284_id, cls), sizeof(id->cls) },
		{ "CLASS", offsetof(struct fh_ieee1284_id, cls), sizeof(id->cls) },
	};
	const uint8_t *colon = memchr(p, ':', n);
	const uint8_t *k = p, *v;
	size_t nk, nv;

	if (!colon)
		return;
	nk = (size_t)(colon - p);
	v = colon + 1;
	nv = n - nk - 1;
	trim(&k, &nk);
	trim(&v, &nv);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (key_is(k, nk, keys[i].key)) {
			put((char *)id + keys[i].field, keys[i].cap, v, nv, &id->truncated);
			return;
		}
	}
}

int fh_ieee1284_parse(const uint8_t *buf, size_t n, struct fh_ieee1284_id *id)
{
	struct fh_ieee1284_id t;
	size_t be, le, end, i;
	bool cut;

	if (!id || (!buf && n))
		return FH_ERR_ARG;
	if (n < 2)
		return FH_ERR_PROTO;
	memset(&t, 0, sizeof(t));
	be = (size_t)buf[0] << 8 | buf[1];
	le = (size_t)buf[1] << 8 | buf[0];
	if (be >= 2 && be <= n) {
		t.len = be;
	} else if (le >= 2 && le <= n) {
		t.len = le;
		t.swapped = true;
	} else if (be > n && le > n) {
		t.len = be;
		t.truncated = true;
	} else {
		return FH_ERR_PROTO;
	}
	end = t.len < n ? t.len : n;
	/* The ID proper ends at the announced length or at a NUL. */
	for (i = 2; i < end && buf[i] != 0; i++)
		;
	cut = t.truncated && i == n;
	end = i;
	for (i = 2; i < end;) {
		const uint8_t *semi = memchr(buf + i, ';', end - i);
		size_t m = semi ? (size_t)(semi - (buf + i)) : end - i;

		/* In a cut reply the last pair, unless a NUL ended it, may be
		 * cut too: skip it. */
		if (semi || !cut)
			pair(&t, buf + i, m);
		i += m + 1;
	}
	*id = t;
	return FH_OK;
}

bool fh_ieee1284_cmd_has(const struct fh_ieee1284_id *id, const char *lang)
{
	const uint8_t *p;
	size_t n;

	if (!id || !lang || !*lang)
		return false;
	p = (const uint8_t *)id->cmd;
	n = strnlen(id->cmd, sizeof(id->cmd));
	while (n > 0) {
		const uint8_t *comma = memchr(p, ',', n);
		const uint8_t *tok = p;
		size_t m = comma ? (size_t)(comma - p) : n;
		size_t nt = m;

		trim(&tok, &nt);
		if (key_is(tok, nt, lang))
			return true;
		if (!comma)
			break;
		p += m + 1;
		n -= m + 1;
	}
	return false;
}

void fh_printer_status_decode(uint8_t b, struct fh_printer_status *st)
{
	st->paper_empty = (b & FH_PRINTER_ST_PAPER_EMPTY) != 0;
	st->selected = (b & FH_PRINTER_ST_SELECTED) != 0;
	st->error = (b & FH_PRINTER_ST_NOT_ERROR) == 0;
}

int fh_job_writer_init(struct fh_job_writer *w, const uint8_t *job, size_t len, size_t max_packet,
		       size_t chunk_max)
{
	if (!w || max_packet == 0 || (!job && len))
		return FH_ERR_ARG;
	memset(w, 0, sizeof(*w));
	w->job = job;
	w->len = len;
	w->chunk = chunk_max / max_packet * max_packet;
	if (w->chunk == 0)
		w->chunk = max_packet;
	return FH_OK;
}

int fh_job_writer_next(struct fh_job_writer *w, const uint8_t **buf, size_t *n)
{
	size_t left;

	if (!w || !buf || !n)
		return FH_ERR_ARG;
	left = w->len - w->off;
	if (left == 0)
		return 0; /* never a zero-length write */
	if (w->inflight == 0) {
		w->inflight = left < w->chunk ? left : w->chunk;
		w->writes++;
	}
	*buf = w->job + w->off;
	*n = w->inflight;
	return 1;
}

int fh_job_writer_done(struct fh_job_writer *w, size_t transferred)
{
	if (!w || w->inflight == 0 || transferred > w->inflight)
		return FH_ERR_ARG;
	w->off += transferred;
	w->inflight = 0;
	w->stalls = transferred ? 0 : w->stalls + 1;
	return w->off < w->len ? 1 : 0;
}
