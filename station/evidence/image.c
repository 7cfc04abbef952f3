/* station/evidence: JPEG and PNG bytes to an 8-bit grey image for zbar.
 *
 * JPEG goes through libjpeg(-turbo), asked for greyscale directly (it then
 * skips the chroma planes) and scaled down in the DCT for big phone photos.
 * PNG goes through cairo (libpng inside), then ARGB to grey.  Both refuse an
 * image over the pixel cap from its header, before allocating for it.  Not
 * for: files (evidence.c), barcodes (evidence.c), anything to display.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <jerror.h>
#include <jpeglib.h>

#include "evidence-int.h"

/* Progressive JPEGs from cameras have about 10 scans; a hostile one can have
 * thousands, each a pass over the whole image (libjpeg-turbo's advice for
 * untrusted input is to cap them, as djpeg -maxscans does). */
#define JPEG_SCANS_MAX 256
/* libjpeg's own working memory (progressive coefficient buffers). */
#define JPEG_MEMORY_MAX (512L * 1024 * 1024)
/* cairo image surfaces are at most this wide and high. */
#define CAIRO_SIDE_MAX 32767u

void st_ev_grey_fini(struct st_ev_grey *g)
{
	free(g->pix);
	memset(g, 0, sizeof(*g));
}

/* ---- JPEG ---------------------------------------------------------------- */

/* Everything the decoder touches lives here, reached through one pointer
 * that is never changed after setjmp(), so nothing is clobbered by the
 * longjmp() out of libjpeg. */
struct jpeg_job {
	struct jpeg_decompress_struct d;
	struct jpeg_error_mgr em; /* d.err points here */
	struct jpeg_progress_mgr pm;
	jmp_buf jb;
	int rc;                   /* code to return after the longjmp */
	char msg[JMSG_LENGTH_MAX > 160 ? JMSG_LENGTH_MAX : 160];
	char *warn;
	size_t warnlen;
	unsigned char *pix;
};

static struct jpeg_job *job_of(j_common_ptr c)
{
	/* em is not the first member, so step back from it explicitly. */
	return (struct jpeg_job *)(void *)((char *)c->err - offsetof(struct jpeg_job, em));
}

/* libjpeg's default error_exit() calls exit(); ours jumps back to decode(). */
static void jpeg_fail(j_common_ptr c)
{
	struct jpeg_job *j = job_of(c);

	(*c->err->format_message)(c, j->msg);
	j->rc = c->err->msg_code == JERR_OUT_OF_MEMORY ? ST_ERR_NOMEM : ST_ERR_PARSE;
	longjmp(j->jb, 1);
}

/* Warnings (level -1) and traces (level >= 0).  The default prints warnings
 * to stderr; libraries never print.  A truncated file is an error here: it is
 * usually still being copied, and its hash would not be that of the photo. */
static void jpeg_message(j_common_ptr c, int level)
{
	struct jpeg_job *j = job_of(c);
	char m[JMSG_LENGTH_MAX];

	if (level >= 0)
		return;
	if (c->err->msg_code == JWRN_JPEG_EOF) {
		(*c->err->format_message)(c, j->msg);
		j->rc = ST_ERR_PARSE;
		longjmp(j->jb, 1);
	}
	if (c->err->num_warnings++ == 0 && j->warnlen > 0) {
		(*c->err->format_message)(c, m);
		snprintf(j->warn, j->warnlen, "%s", m);
	}
}

static void jpeg_quiet(j_common_ptr c)
{
	(void)c;
}

static void jpeg_progress(j_common_ptr c)
{
	struct jpeg_job *j = job_of(c);

	if (j->d.input_scan_number > JPEG_SCANS_MAX) {
		snprintf(j->msg, sizeof(j->msg), "more than %d progressive scans", JPEG_SCANS_MAX);
		j->rc = ST_ERR_PARSE;
		longjmp(j->jb, 1);
	}
}

/* The part between setjmp() and the end of decoding.  On any error it
 * returns through the longjmp with j->rc and j->msg set. */
static int jpeg_run(struct jpeg_job *j, const void *data, size_t n, uint64_t pixels_max,
		    unsigned side_max, struct st_ev_grey *g)
{
	if (setjmp(j->jb))
		return j->rc;

	jpeg_create_decompress(&j->d);
	j->d.progress = &j->pm;
	j->d.mem->max_memory_to_use = JPEG_MEMORY_MAX;
	jpeg_mem_src(&j->d, (const unsigned char *)data, (unsigned long)n);
	jpeg_read_header(&j->d, TRUE);

	g->full_w = j->d.image_width;
	g->full_h = j->d.image_height;
	if ((uint64_t)g->full_w * g->full_h > pixels_max) {
		snprintf(j->msg, sizeof(j->msg), "%ux%u pixels, over the limit of %llu", g->full_w,
			 g->full_h, (unsigned long long)pixels_max);
		return ST_ERR_RANGE;
	}
	if (j->d.jpeg_color_space == JCS_CMYK || j->d.jpeg_color_space == JCS_YCCK) {
		snprintf(j->msg, sizeof(j->msg), "CMYK JPEGs are not supported");
		return ST_ERR_PARSE;
	}

	g->denom = 1;
	if (side_max > 0) {
		unsigned side = g->full_w > g->full_h ? g->full_w : g->full_h;

		while (g->denom < 8 && (side + g->denom - 1) / g->denom > side_max)
			g->denom *= 2;
	}
	j->d.out_color_space = JCS_GRAYSCALE;
	j->d.scale_num = 1;
	j->d.scale_denom = g->denom;
	j->d.do_fancy_upsampling = FALSE;
	j->d.do_block_smoothing = FALSE;
	jpeg_start_decompress(&j->d);
	if (j->d.output_components != 1 || j->d.output_width == 0 || j->d.output_height == 0) {
		snprintf(j->msg, sizeof(j->msg), "unexpected decoder output (%d components)",
			 j->d.output_components);
		return ST_ERR_BUG;
	}
	g->w = j->d.output_width;
	g->h = j->d.output_height;
	j->pix = malloc((size_t)g->w * g->h);
	if (!j->pix) {
		snprintf(j->msg, sizeof(j->msg), "out of memory for %ux%u pixels", g->w, g->h);
		return ST_ERR_NOMEM;
	}
	while (j->d.output_scanline < j->d.output_height) {
		JSAMPROW row = j->pix + (size_t)j->d.output_scanline * g->w;

		jpeg_read_scanlines(&j->d, &row, 1);
	}
	jpeg_finish_decompress(&j->d);
	return ST_OK;
}

int st_ev_jpeg_decode(const void *data, size_t n, uint64_t pixels_max, unsigned side_max,
		      struct st_ev_grey *g, char *warn, size_t warnlen, char *err, size_t errlen)
{
	struct jpeg_job *j = calloc(1, sizeof(*j));
	int rc;

	memset(g, 0, sizeof(*g));
	if (!j) {
		snprintf(err, errlen, "out of memory");
		return ST_ERR_NOMEM;
	}
	if (warnlen > 0)
		warn[0] = '\0';
	j->warn = warn;
	j->warnlen = warnlen;
	j->d.err = jpeg_std_error(&j->em);
	j->em.error_exit = jpeg_fail;
	j->em.emit_message = jpeg_message;
	j->em.output_message = jpeg_quiet;
	j->pm.progress_monitor = jpeg_progress;

	if (n > ULONG_MAX) {
		snprintf(j->msg, sizeof(j->msg), "too large to decode");
		rc = ST_ERR_RANGE;
	} else {
		rc = jpeg_run(j, data, n, pixels_max, side_max, g);
	}
	jpeg_destroy_decompress(&j->d); /* no-op when create never ran */
	if (rc == ST_OK) {
		g->pix = j->pix;
	} else {
		free(j->pix);
		memset(g, 0, sizeof(*g));
		if (rc == ST_ERR_RANGE)
			snprintf(err, errlen, "image too large: %s", j->msg);
		else if (rc == ST_ERR_NOMEM)
			snprintf(err, errlen, "out of memory decoding the JPEG: %s", j->msg);
		else
			snprintf(err, errlen, "damaged or truncated JPEG: %s", j->msg);
	}
	free(j);
	return rc;
}

/* ---- PNG ----------------------------------------------------------------- */

struct png_src {
	const unsigned char *p;
	size_t n, off;
};

static cairo_status_t png_read(void *closure, unsigned char *buf, unsigned int len)
{
	struct png_src *s = closure;

	if (len > s->n - s->off)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(buf, s->p + s->off, len);
	s->off += len;
	return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Luma (BT.601 weights in 1/256) of an ARGB32 or RGB24 pixel.  ARGB32 is
 * premultiplied, so compositing over white is adding 255 - alpha. */
static unsigned char grey_of(uint32_t px, bool alpha)
{
	unsigned r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
	unsigned y = (77 * r + 150 * g + 29 * b + 128) >> 8;

	if (alpha)
		y += 255 - (px >> 24);
	return (unsigned char)(y > 255 ? 255 : y);
}

int st_ev_png_decode(const void *data, size_t n, uint64_t pixels_max, struct st_ev_grey *g,
		     char *err, size_t errlen)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	const unsigned char *p = data;
	struct png_src src = { p, n, 0 };
	cairo_surface_t *s = NULL;
	cairo_status_t cs;
	cairo_format_t fmt;
	const unsigned char *row;
	uint32_t w, h;
	int stride, rc = ST_OK;

	memset(g, 0, sizeof(*g));
	/* The IHDR chunk must come first: length 13, "IHDR", width, height. */
	if (n < 33 || memcmp(p, sig, 8) != 0 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0) {
		snprintf(err, errlen, "damaged PNG: no image header");
		return ST_ERR_PARSE;
	}
	w = be32(p + 16);
	h = be32(p + 20);
	if (w == 0 || h == 0 || w > INT32_MAX || h > INT32_MAX) {
		snprintf(err, errlen, "damaged PNG: %lux%lu pixels", (unsigned long)w,
			 (unsigned long)h);
		return ST_ERR_PARSE;
	}
	if ((uint64_t)w * h > pixels_max || w > CAIRO_SIDE_MAX || h > CAIRO_SIDE_MAX) {
		snprintf(err, errlen, "image too large: %lux%lu pixels, over the limit of %llu (and %u a side)",
			 (unsigned long)w, (unsigned long)h, (unsigned long long)pixels_max,
			 CAIRO_SIDE_MAX);
		return ST_ERR_RANGE;
	}

	s = cairo_image_surface_create_from_png_stream(png_read, &src);
	cs = cairo_surface_status(s);
	if (cs != CAIRO_STATUS_SUCCESS) {
		rc = cs == CAIRO_STATUS_NO_MEMORY ? ST_ERR_NOMEM : ST_ERR_PARSE;
		snprintf(err, errlen, "damaged or truncated PNG: %s", cairo_status_to_string(cs));
		goto out;
	}
	cairo_surface_flush(s);
	fmt = cairo_image_surface_get_format(s);
	if (fmt != CAIRO_FORMAT_ARGB32 && fmt != CAIRO_FORMAT_RGB24) {
		rc = ST_ERR_PARSE;
		snprintf(err, errlen, "unsupported PNG pixel format (cairo format %d)", (int)fmt);
		goto out;
	}
	g->full_w = g->w = (unsigned)cairo_image_surface_get_width(s);
	g->full_h = g->h = (unsigned)cairo_image_surface_get_height(s);
	g->denom = 1;
	stride = cairo_image_surface_get_stride(s);
	row = cairo_image_surface_get_data(s);
	g->pix = malloc((size_t)g->w * g->h);
	if (!g->pix || !row) {
		rc = ST_ERR_NOMEM;
		snprintf(err, errlen, "out of memory for %ux%u pixels", g->w, g->h);
		goto out;
	}
	for (unsigned y = 0; y < g->h; y++, row += stride) {
		unsigned char *o = g->pix + (size_t)y * g->w;

		for (unsigned x = 0; x < g->w; x++) {
			uint32_t px;

			memcpy(&px, row + 4 * (size_t)x, 4); /* native-endian, aligned or not */
			o[x] = grey_of(px, fmt == CAIRO_FORMAT_ARGB32);
		}
	}
out:
	if (rc != ST_OK)
		st_ev_grey_fini(g);
	cairo_surface_destroy(s);
	return rc;
}
