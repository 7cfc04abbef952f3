/* Photo evidence (st/evidence.h): size, SHA-256, type by magic bytes, the
 * barcodes zbar finds in PNG and JPEG photos, the refusals (corrupt, not an
 * image, over the caps), and the watched drop folder.
 *
 * Fixtures are made at test time in a temporary folder: barcodes rendered
 * with libzint (independent of the code under test), written as PNG with
 * cairo and as JPEG with libjpeg, placed on a larger white canvas as in a
 * photo of a bench. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <cairo.h>
#include <jpeglib.h>
#include <zint.h>

#include "common/testutil.h"
#include "st/barcode.h"
#include "st/err.h"
#include "st/evidence.h"
#include "st/sha256.h"

static char dir[256];

/* ---- fixtures -------------------------------------------------------------- */

struct canvas {
	unsigned char *pix; /* grey, 255 = white */
	unsigned w, h;
};

static void canvas_new(struct canvas *c, unsigned w, unsigned h)
{
	c->w = w;
	c->h = h;
	c->pix = malloc((size_t)w * h);
	assert_non_null(c->pix);
	memset(c->pix, 255, (size_t)w * h);
}

static void canvas_free(struct canvas *c)
{
	free(c->pix);
	c->pix = NULL;
}

/* Some grey shapes, so that "no barcode" is not just a white page. */
static void canvas_clutter(struct canvas *c)
{
	for (unsigned y = 0; y < c->h; y++)
		for (unsigned x = 0; x < c->w; x++)
			if (((x / 37) + (y / 23)) % 5 == 0)
				c->pix[(size_t)y * c->w + x] = (unsigned char)(120 + (x * 7 + y) % 60);
}

/* Render data with libzint (scale: zint's, 1 = 2 pixels a module) at x, y. */
static void canvas_code(struct canvas *c, int symbology, int input_mode, const char *data,
			float scale, unsigned x, unsigned y)
{
	struct zint_symbol *z = ZBarcode_Create();

	assert_non_null(z);
	z->symbology = symbology;
	z->input_mode = input_mode;
	z->scale = scale;
	z->height = 30;
	z->show_hrt = 0;
	z->output_options = BARCODE_QUIET_ZONES;
	if (ZBarcode_Encode_and_Buffer(z, (const unsigned char *)data, (int)strlen(data), 0) >=
	    ZINT_ERROR)
		fail_msg("zint: %s", z->errtxt);
	assert_true(x + (unsigned)z->bitmap_width <= c->w);
	assert_true(y + (unsigned)z->bitmap_height <= c->h);
	for (int j = 0; j < z->bitmap_height; j++)
		for (int i = 0; i < z->bitmap_width; i++) {
			const unsigned char *p = z->bitmap + 3 * ((size_t)j * z->bitmap_width + i);

			c->pix[(size_t)(y + j) * c->w + x + i] = (unsigned char)((p[0] + p[1] + p[2]) / 3);
		}
	ZBarcode_Delete(z);
}

static void path_of(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", dir, name);
}

/* transparent: black ink on a transparent background (ARGB32), as some label
 * tools export; else an opaque RGB24 image. */
static void write_png(const char *name, const struct canvas *c, bool transparent)
{
	cairo_surface_t *s = cairo_image_surface_create(
		transparent ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, (int)c->w, (int)c->h);
	unsigned char *d = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	char path[512];

	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_flush(s);
	for (unsigned y = 0; y < c->h; y++)
		for (unsigned x = 0; x < c->w; x++) {
			uint32_t v = c->pix[(size_t)y * c->w + x];
			uint32_t px = transparent ? (255 - v) << 24 : 0xff000000u | v << 16 | v << 8 | v;

			memcpy(d + (size_t)y * stride + 4 * x, &px, 4);
		}
	cairo_surface_mark_dirty(s);
	path_of(path, sizeof(path), name);
	assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
}

/* A JPEG of the canvas: greyscale, or (color) YCbCr as phones write them. */
static void write_jpeg(const char *name, const struct canvas *c, bool color, bool progressive)
{
	struct jpeg_compress_struct j;
	struct jpeg_error_mgr em;
	unsigned char *row = malloc((size_t)c->w * 3);
	char path[512];
	FILE *f;

	assert_non_null(row);
	path_of(path, sizeof(path), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	j.err = jpeg_std_error(&em);
	jpeg_create_compress(&j);
	jpeg_stdio_dest(&j, f);
	j.image_width = c->w;
	j.image_height = c->h;
	j.input_components = color ? 3 : 1;
	j.in_color_space = color ? JCS_RGB : JCS_GRAYSCALE;
	jpeg_set_defaults(&j);
	jpeg_set_quality(&j, 90, TRUE);
	if (progressive)
		jpeg_simple_progression(&j);
	jpeg_start_compress(&j, TRUE);
	while (j.next_scanline < j.image_height) {
		const unsigned char *g = c->pix + (size_t)j.next_scanline * c->w;
		JSAMPROW r = (JSAMPROW)g;

		if (color) {
			for (unsigned x = 0; x < c->w; x++)
				row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = g[x];
			r = row;
		}
		jpeg_write_scanlines(&j, &r, 1);
	}
	jpeg_finish_compress(&j);
	jpeg_destroy_compress(&j);
	assert_int_equal(fclose(f), 0);
	free(row);
}

static void write_bytes(const char *name, const void *p, size_t n)
{
	char path[512];
	FILE *f;

	path_of(path, sizeof(path), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static unsigned char *read_bytes(const char *name, size_t *n)
{
	char path[512];
	unsigned char *b;
	struct stat st;
	FILE *f;

	path_of(path, sizeof(path), name);
	assert_int_equal(stat(path, &st), 0);
	b = malloc((size_t)st.st_size + 1);
	assert_non_null(b);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(b, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*n = (size_t)st.st_size;
	return b;
}

static const unsigned char mp4_stub[32] = {
	0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
	'i', 's', 'o', 'm', 'i', 's', 'o', '2', 0, 0, 0, 8, 'f', 'r', 'e', 'e',
};
/* sha256sum of mp4_stub, computed outside the project. */
#define MP4_STUB_SHA256 "cce9c9fd7e9af77862cdae9a8aaeffd7608c16d0f3cc29063c9f3e497b80265b"

static int setup(void **state)
{
	struct canvas c;
	size_t n;
	unsigned char *b;

	(void)state;
	if (qc_tmpdir_make(dir, sizeof(dir), "evidence") != 0)
		return -1;

	/* A label alone, as a PNG (opaque and transparent). */
	canvas_new(&c, 400, 160);
	canvas_code(&c, BARCODE_CODE128, DATA_MODE, "SN00001001", 1, 20, 20);
	write_png("serial.png", &c, false);
	write_png("serial-alpha.png", &c, true);
	canvas_free(&c);

	/* A photo: the label somewhere on a larger cluttered bench, big enough
	 * to be decoded scaled down first (default side_max 2048). */
	canvas_new(&c, 2400, 1600);
	canvas_clutter(&c);
	canvas_code(&c, BARCODE_CODE128, DATA_MODE, "SN00001001", 2, 900, 700);
	write_jpeg("photo.jpg", &c, true, false);
	write_jpeg("photo-grey-progressive.jpg", &c, false, true);
	canvas_free(&c);

	/* Small modules in a modest photo: lost when scaled by 1/8. */
	canvas_new(&c, 1200, 800);
	canvas_code(&c, BARCODE_CODE128, DATA_MODE, "SN00001001", 1, 400, 300);
	write_jpeg("small-code.jpg", &c, false, false);
	canvas_free(&c);

	/* A small progressive one, for the damaged-input loops. */
	canvas_new(&c, 400, 160);
	canvas_code(&c, BARCODE_CODE128, DATA_MODE, "SN00001001", 1, 20, 20);
	write_jpeg("tiny-progressive.jpg", &c, true, true);
	canvas_free(&c);

	/* GS1-128: (01)09501101020917(21)SN00001001. */
	canvas_new(&c, 700, 160);
	canvas_code(&c, BARCODE_GS1_128, GS1_MODE | GS1PARENS_MODE,
		    "(01)09501101020917(21)SN00001001", 1, 20, 20);
	write_png("gs1.png", &c, false);
	canvas_free(&c);
	/* A variable-length AI before another needs FNC1 as a separator. */
	canvas_new(&c, 800, 160);
	canvas_code(&c, BARCODE_GS1_128, GS1_MODE | GS1PARENS_MODE,
		    "(01)09501101020917(10)LOT7(21)SN00001001", 1, 20, 20);
	write_png("gs1-lot.png", &c, false);
	canvas_free(&c);

	/* Another item's serial. */
	canvas_new(&c, 400, 160);
	canvas_code(&c, BARCODE_CODE128, DATA_MODE, "SN00001002", 1, 20, 20);
	write_png("other.png", &c, false);
	canvas_free(&c);

	/* No barcode at all. */
	canvas_new(&c, 640, 480);
	canvas_clutter(&c);
	write_png("nothing.png", &c, false);
	canvas_free(&c);

	/* Truncated: the first half of a good JPEG. */
	b = read_bytes("photo.jpg", &n);
	write_bytes("truncated.jpg", b, n / 2);
	free(b);

	write_bytes("notes.txt", "not a photo\n", 12);
	write_bytes("empty.jpg", "", 0);
	write_bytes("clip.mp4", mp4_stub, sizeof(mp4_stub));
	write_bytes("clip.mov", "\0\0\0\x14" "ftypqt  \0\0\0\0qt  ", 20);
	write_bytes("photo.heic", "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24);
	return 0;
}

static int teardown(void **state)
{
	char p[512];

	(void)state;
	path_of(p, sizeof(p), "drop");
	qc_tmpdir_remove(p);
	return qc_tmpdir_remove(dir);
}

static int inspect(const char *name, const struct st_evidence_limits *lim,
		   struct st_evidence_info *info, char *err, size_t errlen)
{
	char path[512];

	path_of(path, sizeof(path), name);
	return st_evidence_inspect_ex(path, lim, info, err, errlen);
}

/* The hash and size agree with st_sha256_file() and stat(). */
static void check_file_facts(const char *name, const struct st_evidence_info *info)
{
	char path[512], hex[65];
	uint64_t size = 0;
	struct stat st;

	path_of(path, sizeof(path), name);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st_sha256_file(path, hex, &size), 0);
	assert_int_equal(info->size, (uint64_t)st.st_size);
	assert_int_equal(size, (uint64_t)st.st_size);
	assert_string_equal(info->sha256, hex);
}

/* What the app shell does with a code: AIM id + text into st_bc_parse. */
static void parse_code(const struct st_evidence_code *c, struct st_bc *bc, char *buf, size_t cap)
{
	size_t a = strlen(c->aim);

	assert_true(a + c->len <= cap);
	memcpy(buf, c->aim, a);
	memcpy(buf + a, c->text, c->len);
	st_bc_parse(buf, a + c->len, NULL, bc);
}

/* ---- inspect --------------------------------------------------------------- */

static void inspect__png_code128_serial(void **state)
{
	struct st_evidence_info *info = malloc(sizeof(*info));
	struct st_bc *bc = malloc(sizeof(*bc));
	char err[256], buf[600];

	(void)state;
	assert_non_null(info);
	assert_non_null(bc);
	assert_int_equal(inspect("serial.png", NULL, info, err, sizeof(err)), ST_OK);
	assert_string_equal(err, "");
	assert_string_equal(info->mime, "image/png");
	assert_int_equal(info->kind, ST_EVIDENCE_PHOTO);
	assert_true(info->decoded);
	assert_int_equal(info->width, 400);
	assert_int_equal(info->height, 160);
	check_file_facts("serial.png", info);
	assert_int_equal(info->n_codes, 1);
	assert_string_equal(info->code[0].symbology, "CODE-128");
	assert_string_equal(info->code[0].aim, "]C0");
	assert_false(info->code[0].gs1);
	assert_string_equal(info->code[0].text, "SN00001001");
	assert_int_equal(info->code[0].len, 10);

	parse_code(&info->code[0], bc, buf, sizeof(buf));
	assert_int_equal(bc->kind, ST_BC_SERIAL);
	assert_string_equal(bc->id, "SN00001001");
	free(bc);
	free(info);
}

static void inspect__png_transparent_background(void **state)
{
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	assert_int_equal(inspect("serial-alpha.png", NULL, info, err, sizeof(err)), ST_OK);
	assert_int_equal(info->n_codes, 1);
	assert_string_equal(info->code[0].text, "SN00001001");
	free(info);
}

static void inspect__jpeg_photo_scaled_down(void **state)
{
	static const char *const names[] = { "photo.jpg", "photo-grey-progressive.jpg" };
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(inspect(names[i], NULL, info, err, sizeof(err)), ST_OK);
		assert_string_equal(info->mime, "image/jpeg");
		assert_int_equal(info->width, 2400);
		assert_int_equal(info->height, 1600);
		assert_int_equal(info->scan_width, 1200); /* decoded at 1/2: fast */
		assert_int_equal(info->scan_height, 800);
		assert_string_equal(info->warning, "");
		check_file_facts(names[i], info);
		assert_int_equal(info->n_codes, 1);
		assert_string_equal(info->code[0].text, "SN00001001");
	}
	free(info);
}

static void inspect__jpeg_small_code_retried_full_size(void **state)
{
	struct st_evidence_limits lim = { .side_max = 150 };
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	assert_int_equal(inspect("small-code.jpg", &lim, info, err, sizeof(err)), ST_OK);
	assert_int_equal(info->scan_width, 1200);
	assert_int_equal(info->n_codes, 1);
	assert_string_equal(info->code[0].text, "SN00001001");
	free(info);
}

static void inspect__gs1_128_keeps_fnc1(void **state)
{
	struct st_evidence_info *info = malloc(sizeof(*info));
	struct st_bc *bc = malloc(sizeof(*bc));
	char err[256], buf[600];
	const char *v;

	(void)state;
	assert_non_null(info);
	assert_non_null(bc);
	assert_int_equal(inspect("gs1.png", NULL, info, err, sizeof(err)), ST_OK);
	assert_int_equal(info->n_codes, 1);
	assert_string_equal(info->code[0].symbology, "CODE-128");
	assert_true(info->code[0].gs1);
	assert_string_equal(info->code[0].aim, "]C1");
	assert_string_equal(info->code[0].text, "0109501101020917" "21SN00001001");

	parse_code(&info->code[0], bc, buf, sizeof(buf));
	assert_int_equal(bc->kind, ST_BC_GS1);
	assert_true(bc->valid);
	v = st_bc_find_ai(bc, "21");
	assert_non_null(v);
	assert_string_equal(v, "SN00001001");

	/* FNC1 between fields arrives as GS, so the AIs split right. */
	assert_int_equal(inspect("gs1-lot.png", NULL, info, err, sizeof(err)), ST_OK);
	assert_int_equal(info->n_codes, 1);
	assert_string_equal(info->code[0].aim, "]C1");
	assert_string_equal(info->code[0].text, "0109501101020917" "10LOT7\x1d" "21SN00001001");
	parse_code(&info->code[0], bc, buf, sizeof(buf));
	assert_int_equal(bc->kind, ST_BC_GS1);
	assert_string_equal(st_bc_find_ai(bc, "10"), "LOT7");
	assert_string_equal(st_bc_find_ai(bc, "21"), "SN00001001");
	free(bc);
	free(info);
}

static void inspect__other_items_serial_is_reported_as_is(void **state)
{
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	assert_int_equal(inspect("other.png", NULL, info, err, sizeof(err)), ST_OK);
	assert_int_equal(info->n_codes, 1);
	assert_string_equal(info->code[0].text, "SN00001002");
	free(info);
}

static void inspect__no_barcode(void **state)
{
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	assert_int_equal(inspect("nothing.png", NULL, info, err, sizeof(err)), ST_OK);
	assert_true(info->decoded);
	assert_int_equal(info->n_codes, 0);
	assert_int_equal(info->codes_dropped, 0);
	check_file_facts("nothing.png", info);
	free(info);
}

static void inspect__truncated_jpeg_names_the_file(void **state)
{
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256], path[512];

	(void)state;
	assert_non_null(info);
	path_of(path, sizeof(path), "truncated.jpg");
	assert_int_equal(st_evidence_inspect(path, info, err, sizeof(err)), ST_ERR_PARSE);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "truncated JPEG"));
	assert_non_null(strstr(err, "Premature end"));
	assert_false(info->decoded);
	free(info);
}

static void inspect__refusals(void **state)
{
	static const struct {
		const char *name;
		int rc;
		const char *msg; /* after the path, or before it with a leading '^' */
	} t[] = {
		{ "notes.txt", ST_ERR_PARSE, "^not a photo or video: " },
		{ "empty.jpg", ST_ERR_PARSE, "^not a photo or video: " },
		{ "photo.heic", ST_ERR_PARSE, "^not a photo or video: " },
		{ "missing.jpg", ST_ERR_NOTFOUND, "^no such file: " },
		{ ".", ST_ERR_ARG, "^not a regular file: " },
	};
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256], path[512], want[600];

	(void)state;
	assert_non_null(info);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		path_of(path, sizeof(path), t[i].name);
		assert_int_equal(st_evidence_inspect(path, info, err, sizeof(err)), t[i].rc);
		snprintf(want, sizeof(want), "%s%s", t[i].msg + 1, path);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("%s: got \"%s\"", t[i].name, err);
	}
	path_of(path, sizeof(path), "notes.txt");
	assert_int_equal(st_evidence_inspect(path, info, err, sizeof(err)), ST_ERR_PARSE);
	snprintf(want, sizeof(want), "not a photo or video: %s", path);
	assert_string_equal(err, want);
	path_of(path, sizeof(path), "photo.heic");
	st_evidence_inspect(path, info, err, sizeof(err));
	assert_non_null(strstr(err, "HEIC"));
	free(info);
}

static void inspect__videos_are_hashed_not_decoded(void **state)
{
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	assert_int_equal(inspect("clip.mp4", NULL, info, err, sizeof(err)), ST_OK);
	assert_string_equal(info->mime, "video/mp4");
	assert_int_equal(info->kind, ST_EVIDENCE_VIDEO);
	assert_false(info->decoded);
	assert_int_equal(info->n_codes, 0);
	assert_int_equal(info->size, 32);
	assert_string_equal(info->sha256, MP4_STUB_SHA256);
	check_file_facts("clip.mp4", info);

	assert_int_equal(inspect("clip.mov", NULL, info, err, sizeof(err)), ST_OK);
	assert_string_equal(info->mime, "video/quicktime");
	assert_false(info->decoded);
	check_file_facts("clip.mov", info);
	free(info);
}

static void inspect__size_cap(void **state)
{
	struct st_evidence_limits small = { .size_max = 100 };
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256], path[512];
	int fd;

	(void)state;
	assert_non_null(info);
	/* A sparse file one byte over the default cap, with a JPEG's magic. */
	path_of(path, sizeof(path), "huge.jpg");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\xff\xd8\xff\xe0", 4), 4);
	assert_int_equal(ftruncate(fd, (off_t)ST_EVIDENCE_SIZE_MAX + 1), 0);
	close(fd);
	assert_int_equal(st_evidence_inspect(path, info, err, sizeof(err)), ST_ERR_RANGE);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "too large"));
	assert_non_null(strstr(err, "52428800"));
	unlink(path);

	/* The cap is configurable; at the cap is fine. */
	assert_int_equal(inspect("serial.png", &small, info, err, sizeof(err)), ST_ERR_RANGE);
	small.size_max = 32;
	assert_int_equal(inspect("clip.mp4", &small, info, err, sizeof(err)), ST_OK);
	small.size_max = 31;
	assert_int_equal(inspect("clip.mp4", &small, info, err, sizeof(err)), ST_ERR_RANGE);
	free(info);
}

static void inspect__pixel_cap(void **state)
{
	struct st_evidence_limits lim = { .pixels_max = 400 * 160 - 1 };
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	assert_int_equal(inspect("serial.png", &lim, info, err, sizeof(err)), ST_ERR_RANGE);
	assert_non_null(strstr(err, "400x160"));
	lim.pixels_max = 2400 * 1600 - 1;
	assert_int_equal(inspect("photo.jpg", &lim, info, err, sizeof(err)), ST_ERR_RANGE);
	assert_non_null(strstr(err, "2400x1600"));
	lim.pixels_max = 400 * 160;
	assert_int_equal(inspect("serial.png", &lim, info, err, sizeof(err)), ST_OK);
	free(info);
}

/* Every prefix of a good PNG and JPEG is refused cleanly (no crash, no
 * leak, no print), and so are a few flipped bytes. */
static void decode_buffer__damaged_inputs(void **state)
{
	static const char *const names[] = { "serial.png", "tiny-progressive.jpg" };
	struct st_evidence_limits lim = { .side_max = 64 };
	struct st_evidence_info *info = malloc(sizeof(*info));
	char err[256];

	(void)state;
	assert_non_null(info);
	for (size_t i = 0; i < 2; i++) {
		size_t n;
		unsigned char *b = read_bytes(names[i], &n);
		size_t step = n / 40 + 1;

		assert_int_equal(st_evidence_decode_buffer(b, n, &lim, info, err, sizeof(err)), ST_OK);
		for (size_t k = 0; k < n; k += step) {
			int rc = st_evidence_decode_buffer(b, k, &lim, info, err, sizeof(err));

			assert_int_equal(rc, ST_ERR_PARSE);
			assert_true(err[0] != '\0');
		}
		for (size_t k = 40; k < n; k += step) {
			b[k] ^= 0x5a;
			(void)st_evidence_decode_buffer(b, n, &lim, info, err, sizeof(err));
			b[k] ^= 0x5a;
		}
		free(b);
	}
	assert_int_equal(st_evidence_decode_buffer("GIF89a", 6, NULL, info, err, sizeof(err)),
			 ST_ERR_PARSE);
	free(info);
}

/* ---- watch ----------------------------------------------------------------- */

static void check_ignored(void **state)
{
	static const struct {
		const char *name;
		bool ignored;
	} t[] = {
		{ "IMG_0001.JPG", false }, { "photo.png", false }, { "clip.mp4", false },
		{ ".photo.jpg", true },    { "~photo.jpg", true }, { "photo.jpg~", true },
		{ "photo.jpg.part", true }, { "photo.jpg.PART", true }, { "photo.tmp", true },
		{ "photo.jpg.crdownload", true }, { "", true }, { "part", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (st_evidence_watch_ignored(t[i].name) != t[i].ignored)
			fail_msg("\"%s\" should %sbe ignored", t[i].name, t[i].ignored ? "" : "not ");
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Collect up to max paths, polling with a 5 s deadline (the events are
 * already queued when this runs: the deadline only bounds a failure). */
static size_t collect(struct st_evidence_watch *w, char got[][512], size_t max)
{
	int64_t deadline = now_ms() + 5000;
	size_t k = 0;

	while (k < max) {
		struct pollfd p = { .fd = st_evidence_watch_fd(w), .events = POLLIN };
		const char *path;
		int rc = st_evidence_watch_next(w, &path);

		if (rc == 1) {
			snprintf(got[k++], 512, "%s", path);
			continue;
		}
		assert_int_equal(rc, 0);
		if (now_ms() >= deadline)
			break;
		assert_true(poll(&p, 1, (int)(deadline - now_ms())) >= 0);
	}
	return k;
}

static void drop_write(const char *name, const char *text)
{
	char p[512];

	snprintf(p, sizeof(p), "drop/%s", name);
	write_bytes(p, text, strlen(text));
}

static void watch__completed_files_only(void **state)
{
	struct st_evidence_watch *w = NULL;
	char d[300], a[512], b[512], got[4][512], want[512], err[256];
	const char *path;

	(void)state;
	path_of(d, sizeof(d), "drop");
	assert_int_equal(mkdir(d, 0700), 0);
	drop_write("old.jpg", "before the watch");
	assert_int_equal(st_evidence_watch_open(d, 0, &w, err, sizeof(err)), ST_OK);
	assert_int_equal(st_evidence_watch_next(w, &path), 0);

	/* Written under a temporary name, then renamed in. */
	drop_write("IMG_0001.jpg.part", "jpeg bytes");
	snprintf(a, sizeof(a), "%s/IMG_0001.jpg.part", d);
	snprintf(b, sizeof(b), "%s/IMG_0001.jpg", d);
	assert_int_equal(rename(a, b), 0);
	/* Written in place and closed. */
	drop_write("IMG_0002.png", "png bytes");
	/* Never reported. */
	drop_write(".hidden.jpg", "x");
	drop_write("~lock.jpg", "x");
	drop_write("IMG_0003.tmp", "x");
	snprintf(a, sizeof(a), "%s/sub", d);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(rmdir(a), 0);

	assert_int_equal(collect(w, got, 2), 2);
	assert_string_equal(got[0], b);
	snprintf(want, sizeof(want), "%s/IMG_0002.png", d);
	assert_string_equal(got[1], want);
	assert_int_equal(st_evidence_watch_next(w, &path), 0);
	st_evidence_watch_close(w);
	qc_tmpdir_remove(d);
}

static void watch__existing_files_first(void **state)
{
	struct st_evidence_watch *w = NULL;
	char d[300], sub[512], got[4][512], want[512], err[256];

	(void)state;
	path_of(d, sizeof(d), "drop");
	assert_int_equal(mkdir(d, 0700), 0);
	drop_write("b.jpg", "b");
	drop_write("a.jpg", "a");
	drop_write(".a.jpg", "hidden");
	drop_write("c.jpg.part", "partial");
	snprintf(sub, sizeof(sub), "%s/folder.jpg", d);
	assert_int_equal(mkdir(sub, 0700), 0);
	/* A trailing slash does not double up in the paths. */
	snprintf(want, sizeof(want), "%s/", d);
	assert_int_equal(st_evidence_watch_open(want, ST_EVIDENCE_WATCH_EXISTING, &w, err,
						sizeof(err)),
			 ST_OK);
	drop_write("d.jpg", "d");
	assert_int_equal(collect(w, got, 3), 3);
	snprintf(want, sizeof(want), "%s/a.jpg", d);
	assert_string_equal(got[0], want);
	snprintf(want, sizeof(want), "%s/b.jpg", d);
	assert_string_equal(got[1], want);
	snprintf(want, sizeof(want), "%s/d.jpg", d);
	assert_string_equal(got[2], want);
	st_evidence_watch_close(w);
	assert_int_equal(rmdir(sub), 0);
	qc_tmpdir_remove(d);
}

static void watch__folder_removed(void **state)
{
	struct st_evidence_watch *w = NULL;
	char d[300], err[256];
	const char *path;
	int64_t deadline = now_ms() + 5000;
	int rc;

	(void)state;
	path_of(d, sizeof(d), "drop");
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(st_evidence_watch_open(d, 0, &w, err, sizeof(err)), ST_OK);
	assert_int_equal(rmdir(d), 0);
	while ((rc = st_evidence_watch_next(w, &path)) == 0 && now_ms() < deadline) {
		struct pollfd p = { .fd = st_evidence_watch_fd(w), .events = POLLIN };

		assert_true(poll(&p, 1, (int)(deadline - now_ms())) >= 0);
	}
	assert_int_equal(rc, ST_ERR_NOTFOUND);
	assert_int_equal(st_evidence_watch_next(w, &path), ST_ERR_NOTFOUND);
	st_evidence_watch_close(w);
}

static void watch__open_errors(void **state)
{
	struct st_evidence_watch *w = NULL;
	char p[512], err[256];

	(void)state;
	path_of(p, sizeof(p), "no-such-folder");
	assert_int_equal(st_evidence_watch_open(p, 0, &w, err, sizeof(err)), ST_ERR_NOTFOUND);
	assert_non_null(strstr(err, p));
	assert_null(w);
	path_of(p, sizeof(p), "notes.txt");
	assert_int_equal(st_evidence_watch_open(p, 0, &w, err, sizeof(err)), ST_ERR_ARG);
	assert_non_null(strstr(err, "not a folder"));
	assert_null(w);
	st_evidence_watch_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inspect__png_code128_serial),
		cmocka_unit_test(inspect__png_transparent_background),
		cmocka_unit_test(inspect__jpeg_photo_scaled_down),
		cmocka_unit_test(inspect__jpeg_small_code_retried_full_size),
		cmocka_unit_test(inspect__gs1_128_keeps_fnc1),
		cmocka_unit_test(inspect__other_items_serial_is_reported_as_is),
		cmocka_unit_test(inspect__no_barcode),
		cmocka_unit_test(inspect__truncated_jpeg_names_the_file),
		cmocka_unit_test(inspect__refusals),
		cmocka_unit_test(inspect__videos_are_hashed_not_decoded),
		cmocka_unit_test(inspect__size_cap),
		cmocka_unit_test(inspect__pixel_cap),
		cmocka_unit_test(decode_buffer__damaged_inputs),
		cmocka_unit_test(check_ignored),
		cmocka_unit_test(watch__completed_files_only),
		cmocka_unit_test(watch__existing_files_first),
		cmocka_unit_test(watch__folder_removed),
		cmocka_unit_test(watch__open_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
