/* station/evidence: what an evidence file is (st/evidence.h).
 *
 * Opens the file once, checks its size against the cap, tells its type by
 * magic bytes, hashes it and, for a photo, decodes the very bytes it hashed
 * and runs zbar over the grey image.  Not for: linking or storing (the app
 * shell and the store), the folder watch (watch.c), pixels (image.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zbar.h>

#include "st/sha256.h"
#include "evidence-int.h"

#define HEAD_LEN 64          /* bytes read to tell the type */
#define CHUNK (64 * 1024)    /* read size when hashing a video */

enum magic { M_NONE, M_JPEG, M_PNG, M_MP4, M_MOV, M_HEIF };

static const struct st_evidence_limits limits_default = {
	.size_max = ST_EVIDENCE_SIZE_MAX,
	.pixels_max = ST_EVIDENCE_PIXELS_MAX,
	.side_max = ST_EVIDENCE_SIDE_MAX,
};

const struct st_evidence_limits *st_evidence_limits_default(void)
{
	return &limits_default;
}

static struct st_evidence_limits limits_of(const struct st_evidence_limits *in)
{
	struct st_evidence_limits l = limits_default;

	if (in) {
		if (in->size_max)
			l.size_max = in->size_max;
		if (in->pixels_max)
			l.pixels_max = in->pixels_max;
		if (in->side_max)
			l.side_max = in->side_max;
	}
	return l;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- type by magic bytes ------------------------------------------------- */

static bool brand_in(const unsigned char *b, const char *const *list)
{
	for (; *list; list++)
		if (memcmp(b, *list, 4) == 0)
			return true;
	return false;
}

/* An ISO base media file starts with its "ftyp" box: size, "ftyp", the
 * major brand, a version, then compatible brands.  QuickTime says "qt  ";
 * HEIF/AVIF photos (iPhones by default) use the same box, and are refused:
 * neither libjpeg nor cairo reads them. */
static enum magic sniff_ftyp(const unsigned char *p, size_t n)
{
	static const char *const heif[] = { "heic", "heix", "heim", "heis", "hevc", "hevx",
					    "mif1", "msf1", "avif", "avis", NULL };
	static const char *const mp4[] = { "isom", "iso2", "iso3", "iso4", "iso5", "iso6",
					   "mp41", "mp42", "avc1", "M4V ", "3gp4", "3gp5",
					   "3gp6", "3g2a", "mmp4", "dash", "MSNV", "XAVC", NULL };
	size_t box;

	if (n < 16 || memcmp(p + 4, "ftyp", 4) != 0)
		return M_NONE;
	box = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (box < 16)
		return M_NONE;
	if (memcmp(p + 8, "qt  ", 4) == 0)
		return M_MOV;
	if (brand_in(p + 8, heif))
		return M_HEIF;
	if (brand_in(p + 8, mp4))
		return M_MP4;
	for (size_t off = 16; off + 4 <= box && off + 4 <= n; off += 4)
		if (brand_in(p + off, mp4))
			return M_MP4;
	return M_NONE;
}

static enum magic sniff(const unsigned char *p, size_t n)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return M_JPEG;
	if (n >= 8 && memcmp(p, png, 8) == 0)
		return M_PNG;
	return sniff_ftyp(p, n);
}

static const char *mime_of(enum magic m)
{
	switch (m) {
	case M_JPEG: return "image/jpeg";
	case M_PNG: return "image/png";
	case M_MP4: return "video/mp4";
	case M_MOV: return "video/quicktime";
	default: return NULL;
	}
}

/* ---- barcodes ------------------------------------------------------------ */

/* What a photo of a jewelry item can show: the brand's labels (Code 128,
 * GS1-128, QR), retail codes (EAN/UPC), Code 39/93.  Left off because they
 * read "codes" in textures (measured on noisy 12 MP photos for DataBar):
 * GS1 DataBar, Interleaved 2 of 5, Codabar.  Each decoder left off also
 * saves time on every row scanned. */
static const zbar_symbol_type_t symbologies[] = {
	ZBAR_EAN8, ZBAR_UPCE, ZBAR_UPCA, ZBAR_EAN13, ZBAR_CODE39, ZBAR_CODE93, ZBAR_CODE128,
	ZBAR_QRCODE,
};

/* The AIM symbology identifier where zbar's report pins it down.  zbar
 * turns FNC1 in first position into ZBAR_MOD_GS1 (and in second, AIM
 * position, into ZBAR_MOD_AIM) and FNC1 elsewhere into GS. */
static void aim_of(zbar_symbol_type_t t, unsigned mods, char aim[4])
{
	const char *a = "";
	bool gs1 = mods & (1u << ZBAR_MOD_GS1), aimpos = mods & (1u << ZBAR_MOD_AIM);

	switch (t) {
	case ZBAR_CODE128: a = gs1 ? "]C1" : aimpos ? "]C2" : "]C0"; break;
	case ZBAR_QRCODE: a = gs1 ? "]Q3" : aimpos ? "]Q5" : "]Q1"; break;
	case ZBAR_EAN13: a = "]E0"; break;
	case ZBAR_EAN8: a = "]E4"; break;
	case ZBAR_CODE39: a = "]A0"; break;
	case ZBAR_CODE93: a = "]G0"; break;
	default: break;
	}
	snprintf(aim, 4, "%s", a);
}

static void code_add(struct st_evidence_info *out, const zbar_symbol_t *sym)
{
	zbar_symbol_type_t t = zbar_symbol_get_type(sym);
	const char *name = zbar_get_symbol_name(t);
	const char *data = zbar_symbol_get_data(sym);
	size_t len = zbar_symbol_get_data_length(sym);
	unsigned mods = zbar_symbol_get_modifiers(sym);
	size_t keep = len < ST_EVIDENCE_TEXT_MAX - 1 ? len : ST_EVIDENCE_TEXT_MAX - 1;
	struct st_evidence_code *c;

	if (!data)
		return;
	for (unsigned i = 0; i < out->n_codes; i++) {
		c = &out->code[i];
		if (c->len == len && strcmp(c->symbology, name) == 0 &&
		    memcmp(c->text, data, keep) == 0)
			return; /* the same code seen twice in one photo */
	}
	if (out->n_codes == ST_EVIDENCE_CODES_MAX) {
		out->codes_dropped++;
		return;
	}
	c = &out->code[out->n_codes++];
	snprintf(c->symbology, sizeof(c->symbology), "%s", name);
	aim_of(t, mods, c->aim);
	c->gs1 = mods & (1u << ZBAR_MOD_GS1);
	c->len = len;
	c->truncated = keep < len;
	memcpy(c->text, data, keep);
	c->text[keep] = '\0';
}

static int scan_grey(const struct st_ev_grey *g, struct st_evidence_info *out, char *err,
		     size_t errlen)
{
	zbar_image_scanner_t *sc = NULL;
	zbar_image_t *img = NULL;
	int rc = ST_OK;

	sc = zbar_image_scanner_create();
	img = zbar_image_create();
	if (!sc || !img) {
		seterr(err, errlen, "out of memory for the barcode scanner");
		rc = ST_ERR_NOMEM;
		goto out;
	}
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	for (size_t i = 0; i < sizeof(symbologies) / sizeof(symbologies[0]); i++)
		zbar_image_scanner_set_config(sc, symbologies[i], ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, g->w, g->h);
	/* Borrowed: no cleanup handler, so zbar never frees g->pix. */
	zbar_image_set_data(img, g->pix, (unsigned long)g->w * g->h, NULL);
	if (zbar_scan_image(sc, img) < 0) {
		seterr(err, errlen, "the barcode scanner failed");
		rc = ST_ERR_BUG;
		goto out;
	}
	for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s))
		code_add(out, s);
	out->decoded = true;
	out->scan_width = g->w;
	out->scan_height = g->h;
out:
	if (img)
		zbar_image_destroy(img);
	if (sc)
		zbar_image_scanner_destroy(sc);
	return rc;
}

int st_evidence_decode_buffer(const void *data, size_t n, const struct st_evidence_limits *lim,
			      struct st_evidence_info *out, char *err, size_t errlen)
{
	struct st_evidence_limits l = limits_of(lim);
	struct st_ev_grey g = { 0 };
	enum magic m = sniff(data, n);
	int rc;

	memset(out, 0, sizeof(*out));
	seterr(err, errlen, "%s", "");
	if (m != M_JPEG && m != M_PNG) {
		seterr(err, errlen, "not a JPEG or PNG image");
		return ST_ERR_PARSE;
	}
	out->mime = mime_of(m);
	out->kind = ST_EVIDENCE_PHOTO;
	if (m == M_PNG)
		rc = st_ev_png_decode(data, n, l.pixels_max, &g, err, errlen);
	else
		rc = st_ev_jpeg_decode(data, n, l.pixels_max, l.side_max, &g, out->warning,
				       sizeof(out->warning), err, errlen);
	if (rc < 0)
		return rc;
	out->width = g.full_w;
	out->height = g.full_h;
	rc = scan_grey(&g, out, err, errlen);
	/* Nothing found in a scaled-down JPEG: the code may be too small to
	 * survive the scaling, so look again at full size (the cost is in
	 * docs/internals/evidence.md). */
	if (rc == ST_OK && out->n_codes == 0 && g.denom > 1) {
		st_ev_grey_fini(&g);
		rc = st_ev_jpeg_decode(data, n, l.pixels_max, 0, &g, NULL, 0, err, errlen);
		if (rc == ST_OK)
			rc = scan_grey(&g, out, err, errlen);
	}
	st_ev_grey_fini(&g);
	return rc;
}

/* ---- files --------------------------------------------------------------- */

static int open_error(int e, const char *path, char *err, size_t errlen)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		seterr(err, errlen, "no such file: %s", path);
		return ST_ERR_NOTFOUND;
	case EACCES:
	case EPERM:
		seterr(err, errlen, "no permission to read %s", path);
		return ST_ERR_READONLY;
	case ENOMEM:
		seterr(err, errlen, "out of memory opening %s", path);
		return ST_ERR_NOMEM;
	default:
		seterr(err, errlen, "cannot read %s: %s", path, strerror(e));
		return ST_ERR_IO;
	}
}

/* Read up to cap bytes at offset off; returns the count, or -1 (errno). */
static ssize_t read_full(int fd, void *buf, size_t cap, off_t off)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t r = pread(fd, (char *)buf + got, cap - got, off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The file's bytes, expected to number size: *buf owns them on success. */
static int read_photo(int fd, size_t size, const char *path, unsigned char **buf, char *err,
		      size_t errlen)
{
	unsigned char *b = malloc(size + 1);
	ssize_t got;

	if (!b) {
		seterr(err, errlen, "out of memory reading %s", path);
		return ST_ERR_NOMEM;
	}
	/* One byte more than expected, to notice a file that grew. */
	got = read_full(fd, b, size + 1, 0);
	if (got < 0) {
		seterr(err, errlen, "cannot read %s: %s", path, strerror(errno));
		free(b);
		return ST_ERR_IO;
	}
	if ((size_t)got != size) {
		seterr(err, errlen, "%s changed while being read (is it still being copied?)", path);
		free(b);
		return ST_ERR_IO;
	}
	*buf = b;
	return ST_OK;
}

/* Hash a video as it is read, without holding it in memory. */
static int hash_video(int fd, uint64_t size, const char *path, char hex[65], char *err,
		      size_t errlen)
{
	struct st_sha256 *h = NULL;
	unsigned char *chunk = malloc(CHUNK);
	uint64_t total = 0;
	int rc;

	rc = chunk ? st_sha256_new(&h) : ST_ERR_NOMEM;
	if (rc < 0) {
		seterr(err, errlen, "cannot hash %s: %s", path, st_strerror(rc));
		goto out;
	}
	for (;;) {
		ssize_t got = read_full(fd, chunk, CHUNK, (off_t)total);

		if (got < 0) {
			seterr(err, errlen, "cannot read %s: %s", path, strerror(errno));
			rc = ST_ERR_IO;
			goto out;
		}
		if (got == 0)
			break;
		total += (uint64_t)got;
		if (total > size)
			break;
		rc = st_sha256_update(h, chunk, (size_t)got);
		if (rc < 0) {
			seterr(err, errlen, "cannot hash %s: %s", path, st_strerror(rc));
			goto out;
		}
	}
	if (total != size) {
		seterr(err, errlen, "%s changed while being read (is it still being copied?)", path);
		rc = ST_ERR_IO;
		goto out;
	}
	rc = st_sha256_final_hex(h, hex);
	if (rc < 0)
		seterr(err, errlen, "cannot hash %s: %s", path, st_strerror(rc));
out:
	st_sha256_free(h);
	free(chunk);
	return rc;
}

int st_evidence_inspect_ex(const char *path, const struct st_evidence_limits *lim,
			   struct st_evidence_info *out, char *err, size_t errlen)
{
	struct st_evidence_limits l = limits_of(lim);
	unsigned char head[HEAD_LEN];
	unsigned char *buf = NULL;
	char sub[256];
	struct stat st;
	enum magic m;
	ssize_t got;
	int fd = -1, rc = ST_OK;

	memset(out, 0, sizeof(*out));
	seterr(err, errlen, "%s", "");
	/* O_NONBLOCK: opening a FIFO must not hang; no effect on regular files. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		rc = open_error(errno, path, err, errlen);
		goto out;
	}
	if (fstat(fd, &st) != 0) {
		rc = open_error(errno, path, err, errlen);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "not a regular file: %s", path);
		rc = ST_ERR_ARG;
		goto out;
	}
	if ((uint64_t)st.st_size > l.size_max) {
		seterr(err, errlen, "%s is too large: %llu bytes, the limit is %llu bytes", path,
		       (unsigned long long)st.st_size, (unsigned long long)l.size_max);
		rc = ST_ERR_RANGE;
		goto out;
	}
	got = read_full(fd, head, sizeof(head), 0);
	if (got < 0) {
		seterr(err, errlen, "cannot read %s: %s", path, strerror(errno));
		rc = ST_ERR_IO;
		goto out;
	}
	m = sniff(head, (size_t)got);
	if (m == M_NONE || m == M_HEIF) {
		seterr(err, errlen, "not a photo or video: %s%s", path,
		       got == 0        ? " (the file is empty)"
		       : m == M_HEIF ? " (HEIC/HEIF photos are not supported: set the camera to JPEG)"
				     : "");
		rc = ST_ERR_PARSE;
		goto out;
	}
	out->mime = mime_of(m);
	out->size = (uint64_t)st.st_size;

	if (m == M_MP4 || m == M_MOV) {
		out->kind = ST_EVIDENCE_VIDEO;
		rc = hash_video(fd, (uint64_t)st.st_size, path, out->sha256, err, errlen);
		goto out;
	}

	rc = read_photo(fd, (size_t)st.st_size, path, &buf, err, errlen);
	if (rc < 0)
		goto out;
	rc = st_sha256_hex(buf, (size_t)st.st_size, out->sha256);
	if (rc < 0) {
		seterr(err, errlen, "cannot hash %s: %s", path, st_strerror(rc));
		goto out;
	}
	{
		char hex[65];
		uint64_t size = out->size;

		memcpy(hex, out->sha256, sizeof(hex));
		rc = st_evidence_decode_buffer(buf, (size_t)st.st_size, &l, out, sub, sizeof(sub));
		/* decode_buffer starts from a zeroed *out: put back what it does not know. */
		memcpy(out->sha256, hex, sizeof(hex));
		out->size = size;
	}
	if (rc < 0)
		seterr(err, errlen, "%s: %s", path, sub);
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int st_evidence_inspect(const char *path, struct st_evidence_info *out, char *err,
			size_t errlen)
{
	return st_evidence_inspect_ex(path, NULL, out, err, errlen);
}
