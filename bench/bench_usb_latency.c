/* bench: USB scan to station event latency, with an emulated scanner.
 *
 * A HID POS scanner is emulated in-process with libumockdev
 * (tests/fakes/umockdev_devices.c, the devices the USB tests use): the real
 * libusb path of firmware-host runs, with the usbdevfs ioctls answered by
 * the fake.  Three figures, in the same run, on the same scans:
 *
 *   libusb completion   report injected (umd_push) -> FH_EV_SCAN out of
 *                       fh_usb_dispatch(): firmware-host alone, no station;
 *   stdin wedge path    st_app_scan() of the same code -> its "scan" event:
 *                       the station's own cost (classify, route, store the
 *                       raw scan and its outbox event, COMMIT with
 *                       synchronous=FULL, then emit);
 *   usb scan to event   report injected -> the station's "scan" event (after
 *                       COMMIT), the loop being the UIs' own: st_app_pollfds,
 *                       poll, st_app_dispatch.
 *
 * The wedge and USB runs interleave in blocks (ABBA, as bench_inspect does:
 * fsync latency drifts).  The libusb run comes first, alone (a second USB
 * layer on the same fake device would share its reports).  The emulation
 * has costs no real bus has (umockdev answers each ioctl on its own
 * thread; libusb polls the fake node, which is always writable), and a
 * real full-speed scanner adds its polling interval (1 to 10 ms): so the
 * USB figures are the software path's, an upper bound on its overhead,
 * not a device's.  docs/performance.md has the figures.
 *
 * A measurement, not a test: exit 0 whatever the figures.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_STATFS
#include <sys/vfs.h>
#endif

#include <jansson.h>

#include "fh/ctx.h"
#include "fh/dev.h"
#include "fh/err.h"
#include "st/app.h"
#include "st/config.h"
#include "st/err.h"
#include "st/store.h"

#include "bench_common.h"
#include "fakes/umockdev_devices.h"

#define DEFAULT_N 500
#define QUICK_N 20
#define MAX_N 100000
#define WARMUP 5
#define BLOCK 25
#define WAIT_NS (5ull * 1000 * 1000 * 1000) /* one scan may take this long, else fail */

struct sink {
	FILE *out;     /* events rendered as JSON lines, as headless mode does */
	bool got_scan; /* a "scan" event came */
};

static void emit(json_t *ev, void *ud)
{
	struct sink *s = ud;

	json_dumpf(ev, s->out, JSON_COMPACT);
	fputc('\n', s->out);
	if (!strcmp(json_string_value(json_object_get(ev, "event")), "scan"))
		s->got_scan = true;
}

static void code_of(size_t i, char *buf, size_t cap)
{
	snprintf(buf, cap, "BENCH-%08zu", i);
}

static void inject(struct umd_dev *d, const char *code)
{
	uint8_t r[64];

	umd_pos_report(r, "]C0", code, strlen(code), false);
	umd_push(d, 0x81, r, sizeof(r));
}

/* ---- libusb alone ------------------------------------------------------------ */

static int run_libusb(struct umd_dev *d, uint64_t *lat, size_t n)
{
	static struct fh_event ev;
	struct fh_ctx *ctx = NULL;
	struct fh_usb *usb = NULL;
	char code[32];
	int rc = -1;

	if (fh_ctx_new(NULL, &ctx) != FH_OK || fh_usb_new(ctx, &usb) != FH_OK) {
		fprintf(stderr, "bench_usb_latency: the USB layer would not start\n");
		goto out;
	}
	for (size_t i = 0; i < n + WARMUP; i++) {
		uint64_t t0, end;
		bool got = false;

		code_of(i, code, sizeof(code));
		t0 = bench_now_ns();
		inject(d, code);
		for (end = t0 + WAIT_NS; !got && bench_now_ns() < end;) {
			struct pollfd fds[16];
			int k;

			while (fh_usb_dispatch(usb, &ev) == 1)
				if (ev.kind == FH_EV_SCAN)
					got = true;
			if (got)
				break;
			k = fh_usb_pollfds(usb, fds, 16);
			poll(fds, (nfds_t)(k < 0 ? 0 : k > 16 ? 16 : k), 1);
		}
		if (!got || strcmp((const char *)ev.scan.data, code) != 0) {
			fprintf(stderr, "bench_usb_latency: libusb: scan %zu did not arrive\n", i);
			goto out;
		}
		if (i >= WARMUP)
			lat[i - WARMUP] = bench_now_ns() - t0;
	}
	rc = 0;
out:
	fh_usb_free(usb);
	fh_ctx_free(ctx);
	return rc;
}

/* ---- the station -------------------------------------------------------------- */

struct station {
	struct st_config cfg;
	struct st_store *store;
	struct st_app *app;
	struct sink sink;
};

static int station_open(struct station *s, const char *db)
{
	static const char ini[] = "[station]\ncode = BENCH-USB\n[devices]\nusb = on\n";
	struct st_store_opts so = { .create = true };
	char err[600];

	if (st_config_parse(&s->cfg, ini, "bench.ini", err, sizeof(err)) != ST_OK ||
	    st_store_open(db, &so, &s->store, err, sizeof(err)) != ST_OK) {
		fprintf(stderr, "bench_usb_latency: %s\n", err);
		return -1;
	}
	{
		struct st_app_opts o = { .cfg = &s->cfg, .store = s->store, .emit = emit,
					 .emit_ud = &s->sink };

		if (st_app_new(&o, &s->app) != ST_OK || !st_app_usb(s->app)) {
			fprintf(stderr, "bench_usb_latency: the station's USB layer did not start\n");
			return -1;
		}
	}
	return 0;
}

static void station_close(struct station *s)
{
	st_app_free(s->app);
	st_store_close(s->store);
}

/* The UIs' loop until the "scan" event of the scan in flight, or WAIT_NS. */
static int usb_scan(struct station *s, struct umd_dev *d, const char *code, uint64_t *ns)
{
	uint64_t t0 = bench_now_ns(), end = t0 + WAIT_NS;

	s->sink.got_scan = false;
	inject(d, code);
	while (!s->sink.got_scan && bench_now_ns() < end) {
		struct pollfd fds[32];
		int k = st_app_pollfds(s->app, fds, 32), t = st_app_timeout_ms(s->app);

		poll(fds, (nfds_t)k, t < 0 || t > 1 ? 1 : t);
		if (st_app_dispatch(s->app) != ST_OK)
			return -1;
	}
	*ns = bench_now_ns() - t0;
	return s->sink.got_scan ? 0 : -1;
}

static int wedge_scan(struct station *s, const char *code, uint64_t *ns)
{
	uint64_t t0 = bench_now_ns();

	s->sink.got_scan = false;
	if (st_app_scan(s->app, (const uint8_t *)code, strlen(code), false, "stdin") != ST_OK)
		return -1;
	*ns = bench_now_ns() - t0;
	return s->sink.got_scan ? 0 : -1;
}

static int run_station(struct station *s, struct umd_dev *d, uint64_t *wedge, uint64_t *usb,
		       size_t n)
{
	char code[32];
	uint64_t ns;

	/* The scanner is attached at start: let its ATTACHED pass, warm up. */
	for (size_t i = 0; i < WARMUP; i++) {
		code_of(i, code, sizeof(code));
		if (usb_scan(s, d, code, &ns) < 0 || wedge_scan(s, code, &ns) < 0)
			goto fail;
	}
	for (size_t from = 0; from < n; from += BLOCK) {
		size_t to = from + BLOCK < n ? from + BLOCK : n;
		bool usb_first = (from / BLOCK) % 2 == 0;

		for (int pass = 0; pass < 2; pass++) {
			bool do_usb = (pass == 0) == usb_first;

			for (size_t i = from; i < to; i++) {
				code_of(i, code, sizeof(code));
				if (do_usb ? usb_scan(s, d, code, &usb[i]) < 0
					   : wedge_scan(s, code, &wedge[i]) < 0)
					goto fail;
			}
		}
	}
	return 0;
fail:
	fprintf(stderr, "bench_usb_latency: a scan did not reach the station's event\n");
	return -1;
}

/* ---- report ----------------------------------------------------------------------- */

static const char *fs_name(const char *path)
{
#ifdef HAVE_STATFS
	struct statfs st;

	if (statfs(path, &st) == 0) {
		unsigned long m = (unsigned long)st.f_type & 0xffffffffu;

		return m == 0xef53 ? "ext2/3/4" : m == 0x01021994 ? "tmpfs"
		       : m == 0x794c7630 ? "overlayfs" : m == 0x58465342 ? "xfs"
		       : m == 0x9123683e ? "btrfs" : "?";
	}
#else
	(void)path;
#endif
	return "?";
}

static void line(const char *name, const struct bench_figures *f)
{
	printf("  %-32s: %6zu  p50 %6.3f ms  p99 %6.3f ms  max %7.3f ms\n", name, f->n, f->p50_ms,
	       f->p99_ms, f->max_ms);
}

static json_t *figures_json(const struct bench_figures *f)
{
	return json_pack("{s:I, s:f, s:f, s:f}", "n", (json_int_t)f->n, "p50_ms", f->p50_ms,
			 "p99_ms", f->p99_ms, "max_ms", f->max_ms);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_usb_latency [--n N] [--dir DIR] [--quick] [--json]\n"
		   "  --n N      N scans per path, default %d\n"
		   "  --dir DIR  make the run's database in DIR (default /tmp); it is removed\n"
		   "  --quick    N = %d, to check that it runs\n"
		   "  --json     one JSON object instead of the report\n",
		DEFAULT_N, QUICK_N);
}

int main(int argc, char **argv)
{
	struct station *st = NULL;
	struct umd_bed *bed = NULL;
	struct umd_dev *dev;
	struct bench_figures raw, wedge, usb;
	uint64_t *lat_raw = NULL, *lat_wedge = NULL, *lat_usb = NULL, v;
	const char *base = "/tmp";
	char dir[512] = "", db[600] = "", path[700];
	size_t n = DEFAULT_N;
	bool json = false;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc) {
			if (bench_parse_count(argv[++i], MAX_N, &v) < 0) {
				fprintf(stderr, "bench_usb_latency: --n wants a count from 1 to %d\n",
					MAX_N);
				return 2;
			}
			n = (size_t)v;
		} else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
			base = argv[++i];
		} else if (!strcmp(argv[i], "--quick")) {
			n = QUICK_N;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	lat_raw = calloc(n, sizeof(*lat_raw));
	lat_wedge = calloc(n, sizeof(*lat_wedge));
	lat_usb = calloc(n, sizeof(*lat_usb));
	st = calloc(1, sizeof(*st));
	if (!lat_raw || !lat_wedge || !lat_usb || !st) {
		fprintf(stderr, "bench_usb_latency: out of memory\n");
		goto out;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/qcbench-XXXXXX", base) >= sizeof(dir) ||
	    !mkdtemp(dir)) {
		fprintf(stderr, "bench_usb_latency: cannot make a folder in %s: %s\n", base,
			strerror(errno));
		dir[0] = '\0';
		goto out;
	}
	snprintf(db, sizeof(db), "%s/usb.db", dir);
	st->sink.out = fopen("/dev/null", "w");
	if (!st->sink.out)
		goto out;

	bed = umd_bed_new();
	dev = umd_add(bed, &umd_pos_scanner);
	if (run_libusb(dev, lat_raw, n) < 0 || station_open(st, db) < 0 ||
	    run_station(st, dev, lat_wedge, lat_usb, n) < 0)
		goto out;

	bench_figures_of(lat_raw, n, &raw);
	bench_figures_of(lat_wedge, n, &wedge);
	bench_figures_of(lat_usb, n, &usb);
	if (json) {
		json_t *o = json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:f}", "bench", "usb_latency",
				      "scans", (json_int_t)n, "fs", fs_name(dir), "libusb",
				      figures_json(&raw), "wedge", figures_json(&wedge), "usb",
				      figures_json(&usb), "usb_over_wedge_p50_ms",
				      usb.p50_ms - wedge.p50_ms);

		if (!o || json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
			goto out;
		putchar('\n');
		json_decref(o);
	} else {
		printf("bench_usb_latency: %zu scans per path, emulated HID POS scanner "
		       "(umockdev), database on %s (%s)\n", n, fs_name(dir), dir);
		line("libusb completion (no station)", &raw);
		line("stdin wedge path (st_app_scan)", &wedge);
		line("usb scan to station event", &usb);
		printf("  USB path over the wedge path    : p50 %+.3f ms  p99 %+.3f ms\n",
		       usb.p50_ms - wedge.p50_ms, usb.p99_ms - wedge.p99_ms);
	}
	rc = 0;
out:
	if (st) {
		station_close(st);
		if (st->sink.out)
			fclose(st->sink.out);
	}
	umd_bed_free(bed);
	if (db[0]) {
		static const char *const sfx[] = { "", "-wal", "-shm", "-journal", "-print.lock" };

		for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			snprintf(path, sizeof(path), "%s%s", db, sfx[i]);
			unlink(path);
		}
	}
	if (dir[0] && rmdir(dir) != 0)
		fprintf(stderr, "bench_usb_latency: cannot remove %s: %s\n", dir, strerror(errno));
	free(st);
	free(lat_raw);
	free(lat_wedge);
	free(lat_usb);
	return rc;
}
