/* USB printer class protocol (firmware-host/drivers/usb-printer/protocol.c):
 * IEEE 1284 device IDs in both length byte orders, the port status byte,
 * and the bulk OUT job writer (chunks of whole packets, partial writes
 * resumed, never a zero-length write).  The Zebra ID follows
 * ../shared/notes/usb-peripherals.md section 5.3 (a 60-byte reply starting
 * "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421"; the rest is ours). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/usb-printer/protocol.h"
#include "fakes/fake_transport.h"
#include "fh-int.h"
#include "fh/err.h"
#include "fh/printer.h"

#define ZEBRA "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;DES:Zebra ZD421d;"
#define LONGKEYS                                                                             \
	"MANUFACTURER:Zebra Technologies;COMMAND SET:ZPL,EPL;MODEL:ZTC ZD220-203dpi ZPL;"    \
	"SERIALNUMBER:D4J212345678;CLASS:PRINTER;"

static void device_id__table(void **state)
{
	static const struct {
		const char *what;
		const char *in;
		size_t n;
		int rc;
		const char *mfg, *mdl, *cmd, *sn;
		bool swapped, truncated;
	} t[] = {
		{ "zebra, big-endian (notes)", "\x00\x3c" ZEBRA, 60, FH_OK, "Zebra Technologies",
		  "ZD421", "ZPL", "", false, false },
		{ "zebra, little-endian", "\x3c\x00" ZEBRA, 60, FH_OK, "Zebra Technologies", "ZD421",
		  "ZPL", "", true, false },
		{ "long keys", "\x00\x79" LONGKEYS, 121, FH_OK, "Zebra Technologies",
		  "ZTC ZD220-203dpi ZPL", "ZPL,EPL", "D4J212345678", false, false },
		/* the reply in a 1024-byte buffer, NUL padded: the length decides */
		{ "announced 60, read 70", "\x00\x3c" ZEBRA "MDL:XX;\0\0\0", 70, FH_OK,
		  "Zebra Technologies", "ZD421", "ZPL", "", false, false },
		/* our buffer held only 40 bytes of it */
		{ "cut by the buffer", "\x00\x3c" ZEBRA, 40, FH_OK, "Zebra Technologies", "", "ZPL",
		  "", false, true },
		{ "cut, little-endian", "\x3c\x01" ZEBRA, 40, FH_OK, "Zebra Technologies", "", "ZPL",
		  "", false, true },
		{ "spaces, case, no final ;", "\x00\x27 mfg : Acme ;Mdl:P1; cmd:  ZPL  ;sn:7", 39,
		  FH_OK, "Acme", "P1", "ZPL", "7", false, false },
		{ "pairs without colon, empty", "\x00\x1d;;junk;MFG:A;:x;MDL:;CMD:Z;", 29, FH_OK, "A",
		  "", "Z", "", false, false },
		{ "duplicates: first wins", "\x00\x12MFG:A;MFG:B;SN:1", 18, FH_OK, "A", "", "", "1",
		  false, false },
		{ "NUL ends the ID", "\x00\x13MFG:A\0MDL:B;CMD:C", 19, FH_OK, "A", "", "", "", false,
		  false },
		{ "control chars", "\x00\x0bMFG:A\x01\x1b" "B;", 11, FH_OK, "A??B", "", "", "", false,
		  false },
		{ "length 2: empty ID", "\x00\x02", 2, FH_OK, "", "", "", "", false, false },
		{ "one byte", "\x00", 1, FH_ERR_PROTO, NULL, NULL, NULL, NULL, false, false },
		{ "nothing", "", 0, FH_ERR_PROTO, NULL, NULL, NULL, NULL, false, false },
		{ "length 0", "\x00\x00MFG:A;", 8, FH_ERR_PROTO, NULL, NULL, NULL, NULL, false, false },
		{ "length 1 / 256", "\x00\x01MFG:A;", 8, FH_ERR_PROTO, NULL, NULL, NULL, NULL, false,
		  false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fh_ieee1284_id id;

		print_message("device id: %s\n", t[i].what);
		memset(&id, 0x55, sizeof(id));
		assert_int_equal(fh_ieee1284_parse((const uint8_t *)t[i].in, t[i].n, &id), t[i].rc);
		if (t[i].rc != FH_OK) {
			assert_int_equal(id.mfg[0], 0x55); /* untouched */
			continue;
		}
		assert_string_equal(id.mfg, t[i].mfg);
		assert_string_equal(id.mdl, t[i].mdl);
		assert_string_equal(id.cmd, t[i].cmd);
		assert_string_equal(id.sn, t[i].sn);
		assert_int_equal(id.swapped, t[i].swapped);
		assert_int_equal(id.truncated, t[i].truncated);
	}
}

static void device_id__fields_and_cut_values(void **state)
{
	static const char longkeys[] = "\x00\x79" LONGKEYS;
	struct fh_ieee1284_id id;
	uint8_t big[2 + 300];

	(void)state;
	assert_int_equal(sizeof(longkeys) - 1, 0x79);
	assert_int_equal(fh_ieee1284_parse((const uint8_t *)longkeys, 0x79, &id), FH_OK);
	assert_string_equal(id.cls, "PRINTER");
	assert_int_equal(id.len, 0x79);

	/* A 290-byte model name is cut to fit and flagged. */
	big[0] = 0x01;
	big[1] = 0x2E; /* 302 */
	memcpy(big + 2, "MDL:", 4);
	memset(big + 6, 'M', sizeof(big) - 6);
	assert_int_equal(fh_ieee1284_parse(big, sizeof(big), &id), FH_OK);
	assert_int_equal(strlen(id.mdl), sizeof(id.mdl) - 1);
	assert_true(id.truncated);
	assert_int_equal(fh_ieee1284_parse(big, sizeof(big), NULL), FH_ERR_ARG);
}

static void device_id__cmd_has(void **state)
{
	static const struct {
		const char *cmd, *lang;
		bool want;
	} t[] = {
		{ "ZPL", "ZPL", true },      { "EPL2, zpl", "ZPL", true }, { "ZPL,EPL", "EPL", true },
		{ "ZPLII", "ZPL", false },   { "EPL", "ZPL", false },      { "", "ZPL", false },
		{ "ZPL", "", false },        { ",,ZPL,", "zpl", true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fh_ieee1284_id id;

		memset(&id, 0, sizeof(id));
		strncpy(id.cmd, t[i].cmd, sizeof(id.cmd) - 1);
		assert_int_equal(fh_ieee1284_cmd_has(&id, t[i].lang), t[i].want);
	}
	assert_false(fh_ieee1284_cmd_has(NULL, "ZPL"));
}

static void port_status__table(void **state)
{
	static const struct {
		uint8_t b;
		bool empty, selected, error;
	} t[] = {
		{ 0x18, false, true, false }, /* ready */
		{ 0x38, true, true, false },  /* paper out, still "not error" */
		{ 0x30, true, true, true },   /* paper out and error */
		{ 0x00, false, false, true }, /* off line, error */
		{ 0xC7, false, false, true }, /* reserved bits only */
		{ 0xFF, true, true, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fh_printer_status st;

		fh_printer_status_decode(t[i].b, &st);
		assert_int_equal(st.paper_empty, t[i].empty);
		assert_int_equal(st.selected, t[i].selected);
		assert_int_equal(st.error, t[i].error);
	}
}

/* Runs a job through the writer against a printer that accepts at most
 * accept[k] bytes on write k (a cycle), and checks what it received. */
static void run_job(size_t len, size_t max_packet, size_t chunk_max, const size_t *accept,
		    size_t n_accept, const size_t *want_writes, size_t n_want)
{
	static uint8_t job[5000], got[5000];
	struct fh_job_writer w;
	const uint8_t *p;
	size_t n, got_len = 0, k = 0;

	for (size_t i = 0; i < len; i++)
		job[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(fh_job_writer_init(&w, job, len, max_packet, chunk_max), FH_OK);
	while (fh_job_writer_next(&w, &p, &n) == 1) {
		size_t moved = n < accept[k % n_accept] ? n : accept[k % n_accept];

		assert_true(n > 0);
		assert_ptr_equal(p, job + got_len);
		if (k < n_want)
			assert_int_equal(n, want_writes[k]);
		else if (want_writes)
			fail_msg("more writes than expected");
		/* Only the job's last write may be a partial packet. */
		if (got_len + n < len)
			assert_int_equal(n % max_packet, 0);
		memcpy(got + got_len, p, moved);
		got_len += moved;
		assert_int_equal(fh_job_writer_done(&w, moved), got_len < len ? 1 : 0);
		k++;
		assert_true(k < 10000);
	}
	assert_int_equal(got_len, len);
	assert_memory_equal(got, job, len);
	assert_int_equal(w.off, len);
}

static void job_writer__chunks_and_resume(void **state)
{
	static const size_t all[] = { (size_t)-1 };
	static const size_t w1[] = { 512, 512, 176 };
	static const size_t half[] = { 100 };
	static const size_t w2[] = { 512, 512, 512, 512, 512, 512, 512, 500, 400, 300, 200, 100 };
	static const size_t timeouts[] = { 0, 64, 0, 0, 1000 };
	static const size_t w3[] = { 128, 128, 128, 128, 128, 8, 8 };
	static const size_t w4[] = { 64 };
	static const size_t w5[] = { 83 };

	(void)state;
	run_job(1200, 512, 512, all, 1, w1, 3);       /* high speed, 512-byte packets */
	run_job(1200, 512, 1000, all, 1, w1, 3);      /* chunk_max rounded down to 512 */
	run_job(1200, 512, 512, half, 1, w2, 12);     /* each write takes only 100 bytes */
	run_job(200, 64, 128, timeouts, 5, w3, 7);    /* timeouts with 0 and partial counts */
	run_job(64, 64, 16, all, 1, w4, 1);           /* chunk_max < packet: one packet */
	run_job(83, 64, 16384, all, 1, w5, 1);        /* the notes' 83-byte ZPL label */
	run_job(4096, 64, 4096, all, 1, NULL, 0);
}

static void job_writer__no_zero_length_write(void **state)
{
	static const uint8_t b[1] = { 'x' };
	struct fh_job_writer w;
	const uint8_t *p = NULL;
	size_t n = 0;

	(void)state;
	/* An empty job is done before any write. */
	assert_int_equal(fh_job_writer_init(&w, NULL, 0, 64, 4096), FH_OK);
	assert_int_equal(fh_job_writer_next(&w, &p, &n), 0);
	assert_int_equal(w.writes, 0);
	assert_int_equal(fh_job_writer_done(&w, 0), FH_ERR_ARG); /* nothing in flight */

	assert_int_equal(fh_job_writer_init(&w, b, 1, 64, 4096), FH_OK);
	assert_int_equal(fh_job_writer_next(&w, &p, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(fh_job_writer_next(&w, &p, &n), 1); /* same write again */
	assert_int_equal(w.writes, 1);
	assert_int_equal(fh_job_writer_done(&w, 2), FH_ERR_ARG); /* more than handed out */
	assert_int_equal(fh_job_writer_done(&w, 0), 1);          /* timeout, nothing moved */
	assert_int_equal(w.stalls, 1);
	assert_int_equal(fh_job_writer_next(&w, &p, &n), 1);
	assert_int_equal(fh_job_writer_done(&w, 0), 1);
	assert_int_equal(w.stalls, 2);
	assert_int_equal(fh_job_writer_next(&w, &p, &n), 1);
	assert_int_equal(fh_job_writer_done(&w, 1), 0);
	assert_int_equal(w.stalls, 0);
	assert_int_equal(fh_job_writer_next(&w, &p, &n), 0);

	assert_int_equal(fh_job_writer_init(&w, b, 1, 0, 4096), FH_ERR_ARG);
	assert_int_equal(fh_job_writer_init(&w, NULL, 1, 64, 4096), FH_ERR_ARG);
}


/* ---- through the driver, with the fake transport ---------------------------------- */

static int64_t fake_clock(void *ud)
{
	return *(int64_t *)ud;
}

struct rig {
	int64_t now;
	struct fh_ctx *ctx;
	struct fake_transport *f;
	struct fh_dev *dev;
};

static void rig_open(struct rig *r, const char *driver, const struct fh_dev_info *info)
{
	struct fh_config cfg = { .now_ms = fake_clock, .clock_ud = &r->now };
	struct fh_identity id = { .vid = 0x0922, .pid = 0x8003 };
	const struct fh_driver *drv = fh_driver_find(driver);

	assert_non_null(drv);
	r->now = 10000;
	assert_int_equal(fh_ctx_new(&cfg, &r->ctx), FH_OK);
	r->f = fake_transport_new(&r->now);
	assert_int_equal(fh_dev_new(r->ctx, drv, fake_transport_base(r->f), &id, info, &r->dev),
			 FH_OK);
}

static void rig_close(struct rig *r)
{
	fh_dev_free(r->dev);
	fake_transport_free(r->f);
	fh_ctx_free(r->ctx);
}

static void driver__job_byte_exact_with_short_writes(void **state)
{
	static const char zpl[] = "^XA^FO50,50^A0N,40,40^FDSHIP-0001^FS^XZ";
	static uint8_t job[1200];
	static struct fh_dev_info info;
	const uint8_t *got;
	size_t n;
	struct rig r;

	(void)state;
	for (size_t i = 0; i < sizeof(job); i++)
		job[i] = (uint8_t)zpl[i % (sizeof(zpl) - 1)];
	memset(&info, 0, sizeof(info));
	info.out_max = 512;
	rig_open(&r, "usb-printer", &info);
	assert_int_equal(fh_printer_print(r.dev, (const uint8_t *)zpl, sizeof(zpl) - 1), FH_OK);
	got = fake_transport_written(r.f, &n);
	assert_int_equal(n, sizeof(zpl) - 1);
	assert_memory_equal(got, zpl, n);
	assert_int_equal(fake_transport_writes(r.f), 1);

	/* Paused printer: 100 bytes per write, and one write times out. */
	fake_transport_short_writes(r.f, 100);
	fake_transport_fail_write(r.f, FH_ERR_TIMEOUT);
	assert_int_equal(fh_printer_print(r.dev, job, sizeof(job)), FH_OK);
	got = fake_transport_written(r.f, &n);
	assert_int_equal(n, sizeof(zpl) - 1 + sizeof(job));
	assert_memory_equal(got + sizeof(zpl) - 1, job, sizeof(job));
	assert_int_equal(fake_transport_writes(r.f), 1 + 1 + 12);

	/* Gone mid-job; no events from a printer; an empty job is refused. */
	fake_transport_unplug(r.f);
	assert_int_equal(fh_printer_print(r.dev, job, sizeof(job)), FH_ERR_NODEV);
	assert_int_equal(fh_printer_print(r.dev, job, 0), FH_ERR_ARG);
	{
		struct fh_event *ev = malloc(sizeof(*ev));

		assert_non_null(ev);
		assert_int_equal(fh_dev_poll(r.dev, ev, 0), FH_ERR_NA);
		free(ev);
	}
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(device_id__table),
		cmocka_unit_test(device_id__fields_and_cut_values),
		cmocka_unit_test(device_id__cmd_has),
		cmocka_unit_test(port_status__table),
		cmocka_unit_test(job_writer__chunks_and_resume),
		cmocka_unit_test(job_writer__no_zero_length_write),
		cmocka_unit_test(driver__job_byte_exact_with_short_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
