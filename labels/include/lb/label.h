/* labels: the label model.
 *
 * A label is one page of a fixed size in printer dots at 203 dpi (8 dots per
 * mm) or 300 dpi (12 dots per mm), holding up to LB_ELEM_MAX elements: text
 * (one line, cut to its width), text blocks (wrapped by lb_wrap(), at most
 * LB_BLOCK_LINES_MAX lines), barcodes (Code 128, GS1-128, QR, Data Matrix),
 * boxes, lines and 1-bit images.  Every position and size is an integer
 * number of dots; every length is bounded.  Templates (lb/template.h) build
 * labels; lb/zpl.h and lb/render.h turn them into ZPL II, PNG or PDF.
 *
 * Not for: layout decisions (the template's), printing (transports).
 */
#ifndef QC_LABELS_LABEL_H
#define QC_LABELS_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LB_PAGE_MAX_DOTS 4800   /* 400 mm at 12 dots per mm */
#define LB_ELEM_MAX 160         /* elements on one label (a command sheet ~140) */
#define LB_TEXT_MAX 256         /* bytes of a text line */
#define LB_BLOCK_MAX 1024       /* bytes of a text block before wrapping */
#define LB_BLOCK_LINES_MAX 12   /* lines of a text block */
#define LB_CODE_MAX 256         /* bytes of a barcode's data */
#define LB_IMAGE_MAX_DOTS 1024  /* width and height of an image */
#define LB_NAME_MAX 32          /* an element's name (its field), with NUL */
#define LB_FONT_MIN_DOTS 10     /* smallest text height (^A's minimum) */
#define LB_MODULE_MAX_DOTS 10   /* largest barcode module (^BY, ^BQ: 1-10) */

enum lb_el_kind {
	LB_EL_TEXT,    /* one line of text, cut to w */
	LB_EL_BLOCK,   /* text wrapped to w, at most `lines` lines */
	LB_EL_BARCODE, /* a symbol inside the box x, y, w, h */
	LB_EL_BOX,     /* a rectangle outline `thick` dots wide (w = h = thick fills) */
	LB_EL_LINE,    /* a filled rectangle: a rule of w x h dots */
	LB_EL_IMAGE,   /* a 1-bit bitmap of w x h dots */
};

enum lb_sym {
	LB_SYM_CODE128,    /* printable ASCII; automatic subsets */
	LB_SYM_GS1_128,    /* "(01)09501101530003(10)ABC" element string; FNC1;
			    * (00), (01), (02) need their length and check digit */
	LB_SYM_QR,         /* any UTF-8, error correction M */
	LB_SYM_DATAMATRIX, /* printable ASCII but '_' and '~', ECC 200, square */
	LB_SYM__COUNT
};

/* One element.  Text and data are NUL-terminated copies owned by the label. */
struct lb_el {
	enum lb_el_kind kind;
	int x, y;        /* top-left corner, dots from the label's top-left */
	int w, h;        /* the element's box; text: h is the font height */
	int thick;       /* box: border width */
	int lines;       /* block: the most lines */
	enum lb_sym sym; /* barcode */
	int module;      /* barcode: dots per module (bar unit or 2D cell) */
	char *text;      /* text, block text or barcode data (len bytes) */
	size_t len;
	uint8_t *bits;   /* image: rows of (w + 7) / 8 bytes, MSB first, 1 = black */
	char name[LB_NAME_MAX]; /* the field it shows ("tracking"), or "" */
};

struct lb_label {
	int dpi;           /* 203 or 300 */
	int dpmm;          /* 8 or 12 */
	int width, height; /* dots */
	size_t n;
	struct lb_el el[LB_ELEM_MAX];
};

/* The dots per mm of a resolution: 8 for 203, 12 for 300, else 0. */
int lb_dpmm(int dpi);
/* Micrometres to dots at dpmm, rounded to nearest; negative stays negative. */
int lb_um_to_dots(long um, int dpmm);

/* A new empty label of width x height dots at dpi (203 or 300).  *out owns
 * it (lb_label_free).  LB_ERR_ARG for another dpi or a size outside
 * 1..LB_PAGE_MAX_DOTS; LB_ERR_NOMEM. */
int lb_label_new(int dpi, int width, int height, struct lb_label **out);
void lb_label_free(struct lb_label *l);

/* Add a copy of e (its text/bits are copied, the caller keeps e).  Checks,
 * with a message in err naming e->name: the box lies on the page, sizes are
 * positive and bounded, text fits its cap (LB_ERR_RANGE), barcode data is
 * non-empty and in its symbology's character set (LB_ERR_RANGE).  Invalid
 * UTF-8 in text becomes '?'.  LB_ERR_NOMEM; on any error the label is
 * unchanged. */
int lb_label_add(struct lb_label *l, const struct lb_el *e, char *err, size_t errlen);

/* The lines of a wrapped text block: offsets into the block's text. */
struct lb_lines {
	unsigned n;
	struct {
		size_t off, len;
	} line[LB_BLOCK_LINES_MAX];
	bool cut; /* text was left over */
};

/* The most characters (code points) of font height h that fit w dots: the
 * generator's width model (0.6 h per character), used by ZPL and cairo alike. */
int lb_text_fit(int w, int h);
/* Wrap s[0..n) into at most max_lines lines of lb_text_fit(w, h) code points,
 * breaking at spaces where it can and at '\n'; never fails. */
void lb_wrap(const char *s, size_t n, int w, int h, int max_lines, struct lb_lines *out);
/* The byte length of the longest prefix of s[0..n) that holds at most
 * max_cp UTF-8 code points. */
size_t lb_utf8_prefix(const char *s, size_t n, int max_cp);

/* The short name of a symbology ("code128", "gs1-128", "qr", "datamatrix"). */
const char *lb_sym_name(enum lb_sym s);

#endif
