/* station: photo and video evidence files (issue 3, "Evidence").
 *
 * Looks at one file a camera or a phone dropped into a folder, or that an
 * operator named in headless mode, and says what it is: its size, its
 * SHA-256, its type by magic bytes (JPEG, PNG, MP4, QuickTime), and for a
 * photo the barcodes zbar finds in it, so that the app shell can link the
 * photo to the item whose barcode it shows.  Also watches a folder (inotify)
 * and reports each file once it is complete.
 *
 * Not for: deciding which item a photo belongs to (the app shell compares
 * the codes with the current item through st_bc_parse()), storing anything
 * (the store), moving or deleting files, playing videos.
 *
 * Errors are 0 or a negative ST_ERR_* code (<st/err.h>); functions that take
 * err[errlen] also write one English sentence there naming the file.  No
 * state is shared between calls: one thread may inspect while another
 * watches.  docs/internals/evidence.md has the formats, limits and costs.
 */
#ifndef QC_STATION_EVIDENCE_H
#define QC_STATION_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_EVIDENCE_SIZE_MAX (50u * 1024 * 1024) /* default file cap, bytes */
#define ST_EVIDENCE_PIXELS_MAX 100000000u       /* default image cap, width x height */
#define ST_EVIDENCE_SIDE_MAX 2048u   /* default: JPEGs are first decoded this small */
#define ST_EVIDENCE_CODES_MAX 8      /* most barcodes kept from one photo */
#define ST_EVIDENCE_TEXT_MAX 512     /* longest barcode text kept, NUL included */

/* Limits on what is accepted; a field of 0 selects its default. */
struct st_evidence_limits {
	uint64_t size_max;   /* bytes; larger files are refused (ST_ERR_RANGE) */
	uint64_t pixels_max; /* width x height; larger images are refused (ST_ERR_RANGE) */
	unsigned side_max;   /* a JPEG whose longer side is over this is first decoded
			      * scaled down by 2, 4 or 8 (fast); only when that finds no
			      * barcode is it decoded again at full size */
};

enum st_evidence_kind {
	ST_EVIDENCE_PHOTO = 1, /* image/jpeg, image/png */
	ST_EVIDENCE_VIDEO,     /* video/mp4, video/quicktime: never decoded */
};

/* One barcode found in a photo. */
struct st_evidence_code {
	char symbology[16]; /* zbar's name: "CODE-128", "EAN-13", "QR-Code", ... */
	char aim[4];        /* AIM symbology id ("]C1" for GS1-128) or "" when
			     * zbar's report does not pin one down */
	bool gs1;           /* the symbol starts with FNC1: a GS1 element string */
	bool truncated;     /* text held more than ST_EVIDENCE_TEXT_MAX - 1 bytes */
	size_t len;         /* bytes in text; FNC1 separators are GS (0x1D) */
	char text[ST_EVIDENCE_TEXT_MAX]; /* NUL-terminated (may hold NUL bytes too) */
};

/* What st_evidence_inspect() found.  To classify a code, give its aim and
 * text together to st_bc_parse(), e.g. "]C1" "0109501101020917" "21SN00001001". */
struct st_evidence_info {
	uint64_t size;         /* bytes hashed (and, for a photo, decoded) */
	char sha256[65];       /* lowercase hex of those very bytes */
	const char *mime;      /* static: "image/jpeg", "image/png", "video/mp4",
				* "video/quicktime" */
	enum st_evidence_kind kind;
	bool decoded;          /* barcodes were searched for (photos; false for videos) */
	unsigned width, height;           /* of the photo; 0 for a video */
	unsigned scan_width, scan_height; /* of the grey image zbar searched last
					   * (smaller than the photo when scaled) */
	unsigned n_codes;                 /* distinct codes found, in code[] */
	unsigned codes_dropped;           /* codes past ST_EVIDENCE_CODES_MAX */
	struct st_evidence_code code[ST_EVIDENCE_CODES_MAX];
	char warning[160];     /* a decoder's complaint it recovered from
				* ("Corrupt JPEG data: ..."), "" when none */
};

/* The limits used when NULL is passed. */
const struct st_evidence_limits *st_evidence_limits_default(void);

/* Look at the file at path (see the top of this file) with the default
 * limits.  The file is opened once; its bytes are hashed and decoded from
 * the same read, so sha256 is the digest of what was decoded.  *out (about
 * 4.5 KiB) is written entirely, on failure too (zeroed, then what was known).
 * Errors, each with a sentence in err naming path:
 *   ST_ERR_NOTFOUND  no such file
 *   ST_ERR_READONLY  no permission to read it
 *   ST_ERR_ARG       not a regular file (a folder, a FIFO)
 *   ST_ERR_RANGE     over the size cap, or an image over the pixel cap
 *   ST_ERR_PARSE     "not a photo or video: <path>" (unknown magic, empty,
 *                    HEIC), or a damaged or truncated photo
 *   ST_ERR_IO        a read error, or the file changed while being read
 *   ST_ERR_NOMEM, ST_ERR_BUG (libcrypto or zbar broken) */
int st_evidence_inspect(const char *path, struct st_evidence_info *out, char *err,
			size_t errlen);

/* The same with explicit limits (NULL: st_evidence_limits_default()). */
int st_evidence_inspect_ex(const char *path, const struct st_evidence_limits *lim,
			   struct st_evidence_info *out, char *err, size_t errlen);

/* Decode a photo held in memory, data[0..n) (JPEG or PNG, told apart by
 * magic bytes), and search it for barcodes.  Fills mime, kind, decoded,
 * width, height, scan_*, the codes and warning of *out; size and sha256
 * are left zero.  Errors as st_evidence_inspect(), with err not naming a
 * file.  Pure apart from allocation: the fuzz target and the tests use it. */
int st_evidence_decode_buffer(const void *data, size_t n, const struct st_evidence_limits *lim,
			      struct st_evidence_info *out, char *err, size_t errlen);

/* ---- watched folder ------------------------------------------------------ */

struct st_evidence_watch; /* opaque */

/* Also report the files already in the folder when the watch starts. */
#define ST_EVIDENCE_WATCH_EXISTING 0x1u

/* Watch the folder dir for files that are complete: closed after writing
 * (IN_CLOSE_WRITE) or renamed or moved into it (IN_MOVED_TO).  Ignored:
 * folders, dotfiles, and temporary names ("~*", "*~", "*.part", "*.tmp",
 * "*.crdownload", case-insensitive).  Files present at the start are not
 * reported unless flags has ST_EVIDENCE_WATCH_EXISTING; then they are
 * reported first, in name order, and one completed during the start may be
 * reported twice (callers deduplicate by SHA-256 anyway).  On success *out
 * owns the watch; release it with st_evidence_watch_close().  Errors (with
 * err): ST_ERR_NOTFOUND (no such folder), ST_ERR_ARG (not a folder),
 * ST_ERR_READONLY (no permission), ST_ERR_RANGE (out of inotify watches),
 * ST_ERR_IO, ST_ERR_NOMEM. */
int st_evidence_watch_open(const char *dir, unsigned flags, struct st_evidence_watch **out,
			   char *err, size_t errlen);
void st_evidence_watch_close(struct st_evidence_watch *w); /* NULL is a no-op */

/* The descriptor to poll for POLLIN; owned by w. */
int st_evidence_watch_fd(const struct st_evidence_watch *w);

/* The next completed file, without blocking.  Returns 1 with *path (the
 * folder, '/', the name; valid until the next call on w), 0 when nothing is
 * pending (poll the fd again), ST_ERR_RANGE once when the kernel's event
 * queue overflowed (events were lost: rescan if that matters; later calls
 * go on), ST_ERR_NOTFOUND when the folder was removed or moved away (the
 * watch is dead), ST_ERR_IO on a read error.  Call it until it returns 0
 * after each POLLIN. */
int st_evidence_watch_next(struct st_evidence_watch *w, const char **path);

/* True when a file named name (no folder) would be ignored by a watch. */
bool st_evidence_watch_ignored(const char *name);

#endif
