/* station/evidence: declarations shared by the files of this folder only.
 *
 * image.c turns JPEG and PNG bytes into an 8-bit grey image (zbar's "Y800")
 * and knows nothing of files or barcodes; evidence.c reads files, hashes
 * them and runs zbar; watch.c watches a folder.  Error messages written here
 * never name a file: evidence.c prefixes the path.  Never include this from
 * outside station/evidence.
 */
#ifndef QC_STATION_EVIDENCE_INT_H
#define QC_STATION_EVIDENCE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "st/err.h"
#include "st/evidence.h"

/* A grey image: w * h bytes, rows packed (stride w), 0 = black. */
struct st_ev_grey {
	unsigned char *pix;      /* owned; st_ev_grey_fini() frees it */
	unsigned w, h;           /* of pix */
	unsigned full_w, full_h; /* of the image before scaling */
	unsigned denom;          /* pix is the image scaled by 1/denom (1, 2, 4, 8) */
};

void st_ev_grey_fini(struct st_ev_grey *g); /* zeroed struct: no-op */

/* Decode a JPEG to grey.  side_max 0 decodes at full size; otherwise the
 * image is scaled by 1/2, 1/4 or 1/8 (libjpeg's DCT scaling, which is what
 * makes it fast) until its longer side is at most side_max, or 1/8.  A
 * recoverable complaint goes to warn[warnlen] (first one only).  Errors:
 * ST_ERR_RANGE (over pixels_max), ST_ERR_PARSE (damaged, truncated,
 * unsupported: CMYK, over 256 progressive scans), ST_ERR_NOMEM.  On error g
 * is left zeroed. */
int st_ev_jpeg_decode(const void *data, size_t n, uint64_t pixels_max, unsigned side_max,
		      struct st_ev_grey *g, char *warn, size_t warnlen, char *err, size_t errlen);

/* Decode a PNG to grey (through cairo), transparency over white.  The
 * size is checked in the IHDR before anything is allocated.  Errors as
 * st_ev_jpeg_decode(). */
int st_ev_png_decode(const void *data, size_t n, uint64_t pixels_max, struct st_ev_grey *g,
		     char *err, size_t errlen);

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
