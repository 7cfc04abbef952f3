/* firmware-host: USB printer class (07/01/02) protocol: label printers such
 * as Zebra's ZPL models.
 *
 * Pure: no I/O, no clock, no allocation.  Three parts:
 *  - the IEEE 1284 device ID (GET_DEVICE_ID reply): length in either byte
 *    order, then "KEY:value;" pairs;
 *  - the GET_PORT_STATUS byte;
 *  - a job writer: the state machine for bulk OUT that hands the caller
 *    chunks to transfer, resumes a partial write from its offset and never
 *    asks for a zero-length write.
 * Background: ../shared/notes/usb-peripherals.md section 4.
 */
#ifndef QC_FIRMWARE_HOST_USB_PRINTER_PROTOCOL_H
#define QC_FIRMWARE_HOST_USB_PRINTER_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- IEEE 1284 device ID ------------------------------------------------- */

/* The values kept, NUL-terminated, cut to fit (see .truncated).  Control
 * characters become '?'; spaces around keys and values are trimmed. */
struct fh_ieee1284_id {
	char mfg[64];   /* MFG or MANUFACTURER: "Zebra Technologies" */
	char mdl[64];   /* MDL or MODEL: "ZD421" */
	char cmd[128];  /* CMD or COMMAND SET: "ZPL" or "ZPL,EPL" */
	char sn[64];    /* SN, SERN or SERIALNUMBER */
	char des[128];  /* DES or DESCRIPTION */
	char cls[32];   /* CLS or CLASS: "PRINTER" */
	size_t len;     /* the length the reply announced, its 2 bytes included */
	bool swapped;   /* ... and it came little-endian */
	bool truncated; /* the reply was shorter than announced, or a value was cut */
};

/* Parse a GET_DEVICE_ID reply buf[0..n) (n = bytes received).  The 2-byte
 * length (which counts itself) should be big-endian; some devices send it
 * little-endian.  A byte order is plausible when it gives 2 <= len <= n:
 * big-endian wins when both are, little-endian is taken when only it is;
 * when both exceed n the reply was cut (our buffer was too small): the n
 * bytes are parsed and .truncated set.  Pairs end at ';', the ID at the
 * announced length or at a NUL; a pair without ':' is skipped; the first
 * of duplicate keys wins.
 * Returns FH_OK and *id (OUT, written only on success), or FH_ERR_PROTO
 * (n < 2, or a length below 2 in both byte orders). */
int fh_ieee1284_parse(const uint8_t *buf, size_t n, struct fh_ieee1284_id *id);

/* true when the CMD list (comma separated) names `lang`, case-insensitive
 * ("ZPL" in "EPL2, zpl"). */
bool fh_ieee1284_cmd_has(const struct fh_ieee1284_id *id, const char *lang);

/* ---- port status ---------------------------------------------------------- */

/* GET_PORT_STATUS (class request 1) bits, USB printer class 1.1 4.2.2. */
#define FH_PRINTER_ST_PAPER_EMPTY 0x20
#define FH_PRINTER_ST_SELECTED 0x10
#define FH_PRINTER_ST_NOT_ERROR 0x08

struct fh_printer_status {
	bool paper_empty; /* out of paper (labels) */
	bool selected;    /* on line */
	bool error;       /* the "not error" bit is clear */
};

/* Decode the status byte; reserved bits are ignored. */
void fh_printer_status_decode(uint8_t b, struct fh_printer_status *st);

/* ---- job writer ----------------------------------------------------------- */

/* Usage:
 *	fh_job_writer_init(&w, job, len, max_packet, 16384);
 *	while (fh_job_writer_next(&w, &p, &n) == 1) {
 *		moved = bulk_out(p, n);              // the caller's transfer
 *		fh_job_writer_done(&w, moved);       // may be < n: resumed
 *		if (w.stalls > limit) give up;       // paused, out of media
 *	}
 * Each write is a whole number of max_packet bytes except the job's last;
 * the caller must not add a zero-length packet (pappl #434). */
struct fh_job_writer {
	const uint8_t *job; /* borrowed; must outlive the writer */
	size_t len;         /* job length */
	size_t off;         /* bytes the printer accepted so far */
	size_t chunk;       /* bytes per write, a multiple of max_packet */
	size_t inflight;    /* length of the write handed out, 0 = none */
	unsigned writes;    /* writes handed out */
	unsigned stalls;    /* consecutive writes that moved nothing */
};

/* chunk = the largest multiple of max_packet <= chunk_max, at least
 * max_packet.  FH_ERR_ARG for max_packet 0 or a NULL job with len > 0. */
int fh_job_writer_init(struct fh_job_writer *w, const uint8_t *job, size_t len, size_t max_packet,
		       size_t chunk_max);

/* The next write: 1 with *buf, *n (OUT, n > 0) set; 0 when every byte was
 * accepted (an empty job is done at once).  Calling it again before
 * fh_job_writer_done() returns the same write. */
int fh_job_writer_next(struct fh_job_writer *w, const uint8_t **buf, size_t *n);

/* The write handed out moved `transferred` bytes (a timeout may report a
 * partial count, 0 included).  Returns 1 when bytes remain, 0 when the job
 * is done, FH_ERR_ARG when no write is in flight or transferred exceeds it. */
int fh_job_writer_done(struct fh_job_writer *w, size_t transferred);

#endif
