/* lb/transport.h: raw TCP against a fake Zebra on loopback (status, jobs
 * byte for byte, no answer, refused), the folder transport, and the
 * spec and CUPS argument handling (no CUPS server here: a queue that
 * cannot be found must say so). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "fakes/fake_zebra.h"
#include "lb/err.h"
#include "lb/transport.h"

static const struct lb_transport_opts fast = {
	.connect_timeout_ms = 2000,
	.io_timeout_ms = 2000,
	.status_timeout_ms = 300,
};

static struct lb_transport *tcp_to(struct fake_zebra *z)
{
	struct lb_transport *t = NULL;
	char spec[64], err[256];

	snprintf(spec, sizeof(spec), "tcp://127.0.0.1:%d", fake_zebra_port(z));
	assert_int_equal(lb_transport_open(spec, &fast, &t, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_transport_kind(t), LB_TRANSPORT_TCP);
	return t;
}

static void tcp__status_states(void **state)
{
	struct fake_zebra *z = fake_zebra_start();
	struct lb_transport *t = tcp_to(z);
	struct fake_zebra_state st = { 0 };
	char buf[64];

	(void)state;
	assert_true(lb_transport_has_status(t));
	assert_int_equal(lb_transport_query(t), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	assert_true(lb_status_ready(lb_transport_status(t)));
	assert_true(lb_transport_status(t)->have_hs && lb_transport_status(t)->have_hqes);

	st.flags = LB_ST_PAPER_OUT;
	fake_zebra_set(z, &st);
	assert_int_equal(lb_transport_query(t), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	assert_false(lb_status_ready(lb_transport_status(t)));
	assert_string_equal(lb_status_describe(lb_transport_status(t), buf, sizeof(buf)),
			    "paper out");

	st.flags = LB_ST_HEAD_OPEN | LB_ST_PAUSED;
	fake_zebra_set(z, &st);
	assert_int_equal(lb_transport_query(t), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	assert_string_equal(lb_status_describe(lb_transport_status(t), buf, sizeof(buf)),
			    "paused, head open");
	assert_int_equal(fake_zebra_queries(z), 6); /* ~HS and ~HQES each time */
	assert_int_equal(fake_zebra_jobs(z), 0);    /* status is no job */
	lb_transport_free(t);
	fake_zebra_stop(z);
}

static void tcp__no_answer_is_not_ready(void **state)
{
	struct fake_zebra *z = fake_zebra_start();
	struct lb_transport *t = tcp_to(z);
	struct fake_zebra_state st = { .silent = true };

	(void)state;
	fake_zebra_set(z, &st);
	assert_int_equal(lb_transport_query(t), LB_OK);
	assert_int_equal(lb_transport_step(t), LB_ERR_AGAIN); /* never waits in a step */
	assert_int_equal(lb_transport_wait(t), LB_ERR_TIMEOUT);
	assert_false(lb_status_ready(lb_transport_status(t)));
	assert_non_null(strstr(lb_transport_errmsg(t), "no answer"));

	/* Old firmware: ~HS alone, after the deadline. */
	st.silent = false;
	st.no_hqes = true;
	st.flags = LB_ST_RIBBON_OUT;
	fake_zebra_set(z, &st);
	assert_int_equal(lb_transport_query(t), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	assert_true(lb_transport_status(t)->have_hs);
	assert_false(lb_transport_status(t)->have_hqes);
	assert_int_equal(lb_transport_status(t)->flags, LB_ST_RIBBON_OUT);
	lb_transport_free(t);
	fake_zebra_stop(z);
}

static void tcp__jobs_byte_for_byte(void **state)
{
	struct fake_zebra *z = fake_zebra_start();
	struct lb_transport *t = tcp_to(z);
	size_t big_n = 3u << 20, n;
	uint8_t *big = malloc(big_n), *got;
	static const char small[] = "^XA^CI28^FO50,50^A0N,40,40^FH^FDZo_C3_AB^FS^XZ";

	(void)state;
	assert_non_null(big);
	/* Bigger than the socket buffers: the writes must resume. */
	for (size_t i = 0; i < big_n; i++)
		big[i] = (uint8_t)(i * 7 + (i >> 9));
	assert_int_equal(lb_transport_send(t, big, big_n, LB_FMT_ZPL, "job-1"), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	assert_int_equal(lb_transport_sent(t), big_n);

	/* Status, then the job on the same connection. */
	assert_int_equal(lb_transport_query(t), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	assert_int_equal(lb_transport_send(t, (const uint8_t *)small, sizeof(small) - 1,
					   LB_FMT_ZPL, "job-2"),
			 LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);

	assert_true(fake_zebra_wait_jobs(z, 2, 5000));
	assert_int_equal(fake_zebra_jobs(z), 2);
	got = fake_zebra_job(z, 0, &n);
	assert_int_equal(n, big_n);
	assert_memory_equal(got, big, big_n);
	free(got);
	got = fake_zebra_job(z, 1, &n);
	assert_int_equal(n, sizeof(small) - 1);
	assert_memory_equal(got, small, n);
	free(got);
	free(big);

	/* A Zebra prints ZPL: PNG and PDF are refused before anything moves. */
	assert_false(lb_transport_accepts(t, LB_FMT_PNG));
	assert_int_equal(lb_transport_send(t, big_n ? (const uint8_t *)"x" : NULL, 1, LB_FMT_PDF,
					   "job-3"),
			 LB_ERR_NA);
	lb_transport_free(t);
	fake_zebra_stop(z);
}

/* A port nobody listens on: bind one, read it back, close it. */
static int dead_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static void tcp__refused_sends_nothing(void **state)
{
	struct lb_transport *t = NULL;
	char spec[64], err[256];

	(void)state;
	snprintf(spec, sizeof(spec), "tcp://127.0.0.1:%d", dead_port());
	assert_int_equal(lb_transport_open(spec, &fast, &t, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_transport_send(t, (const uint8_t *)"^XA^XZ", 6, LB_FMT_ZPL, "j"),
			 LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_ERR_REFUSED);
	assert_int_equal(lb_transport_sent(t), 0);
	assert_non_null(strstr(lb_transport_errmsg(t), "connect"));
	assert_int_equal(lb_transport_query(t), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_ERR_REFUSED);
	lb_transport_free(t);
}

static void spec__parsing(void **state)
{
	static const struct {
		const char *spec;
		int rc;
		const char *msg;
	} t[] = {
		{ "tcp://127.0.0.1", LB_OK, NULL },
		{ "tcp://127.0.0.1:9100", LB_OK, NULL },
		{ "tcp://[::1]:9100", LB_OK, NULL },
		{ "tcp://", LB_ERR_ARG, "needs a host" },
		{ "tcp://127.0.0.1:0", LB_ERR_ARG, "port" },
		{ "tcp://127.0.0.1:70000", LB_ERR_ARG, "port" },
		{ "tcp://127.0.0.1:91x", LB_ERR_ARG, "port" },
		{ "tcp://[::1", LB_ERR_ARG, "']'" },
		{ "tcp://no-such-host.invalid:9100", LB_ERR_NODEV, "cannot resolve" },
		{ "dir:", LB_ERR_ARG, "folder" },
		{ "usb:", LB_ERR_ARG, "USB is not running" },
		{ "cups:", LB_ERR_ARG, "queue name" },
		{ "cups:my queue", LB_ERR_ARG, "no spaces" },
		{ "lpt1", LB_ERR_ARG, "no printer address" },
		{ "", LB_ERR_ARG, "no printer address" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lb_transport *tp = NULL;
		char err[256];

		print_message("spec: '%s'\n", t[i].spec);
		assert_int_equal(lb_transport_open(t[i].spec, NULL, &tp, err, sizeof(err)), t[i].rc);
		if (t[i].rc == LB_OK) {
			assert_non_null(tp);
			lb_transport_free(tp);
			continue;
		}
		assert_null(tp);
		assert_non_null(strstr(err, t[i].msg));
	}
}

static void dir__atomic_files(void **state)
{
	struct lb_transport *t = NULL;
	char dir[256], spec[300], err[256], path[400];
	static const uint8_t pdf[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
	uint8_t back[64];
	int fd;
	ssize_t n;

	(void)state;
	assert_int_equal(qc_tmpdir_make(dir, sizeof(dir), "lbdir"), 0);
	snprintf(spec, sizeof(spec), "dir:%s", dir);
	assert_int_equal(lb_transport_open(spec, NULL, &t, err, sizeof(err)), LB_OK);
	assert_false(lb_transport_has_status(t));
	assert_int_equal(lb_transport_query(t), LB_ERR_NA);
	assert_true(lb_transport_accepts(t, LB_FMT_PNG));
	assert_int_equal(lb_transport_send(t, pdf, sizeof(pdf) - 1, LB_FMT_PDF, "0190-job"), LB_OK);
	assert_int_equal(lb_transport_step(t), LB_OK); /* a file: one step */
	assert_int_equal(lb_transport_sent(t), sizeof(pdf) - 1);
	snprintf(path, sizeof(path), "%s/0190-job.pdf", dir);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, back, sizeof(back));
	close(fd);
	assert_int_equal(n, sizeof(pdf) - 1);
	assert_memory_equal(back, pdf, sizeof(pdf) - 1);
	/* The same job again is the same one file. */
	assert_int_equal(lb_transport_send(t, pdf, sizeof(pdf) - 1, LB_FMT_PDF, "0190-job"), LB_OK);
	assert_int_equal(lb_transport_step(t), LB_OK);
	snprintf(path, sizeof(path), "%s/.0190-job.pdf.tmp", dir);
	assert_int_equal(access(path, F_OK), -1); /* no temporary left */
	assert_int_equal(lb_transport_send(t, pdf, 3, LB_FMT_PDF, "../escape"), LB_ERR_ARG);
	assert_int_equal(lb_transport_send(t, pdf, 0, LB_FMT_PDF, "empty"), LB_ERR_ARG);
	lb_transport_free(t);
	assert_int_equal(qc_tmpdir_remove(dir), 0);

	/* A folder that is gone: nothing sent, and it says where. */
	assert_int_equal(lb_transport_open(spec, NULL, &t, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_transport_send(t, pdf, 3, LB_FMT_PDF, "j"), LB_OK);
	assert_int_equal(lb_transport_step(t), LB_ERR_NODEV);
	assert_int_equal(lb_transport_sent(t), 0);
	assert_non_null(strstr(lb_transport_errmsg(t), dir));
	lb_transport_free(t);
}

static void cups__missing_queue_says_so(void **state)
{
	struct lb_transport *t = NULL;
	char err[256];

	(void)state;
	/* No CUPS server here: point libcups at a socket that does not exist. */
	setenv("CUPS_SERVER", "/nonexistent/qc-test-cups.sock", 1);
	assert_int_equal(lb_transport_open("cups:qc-test-zebra", NULL, &t, err, sizeof(err)),
			 LB_OK);
	assert_int_equal(lb_transport_kind(t), LB_TRANSPORT_CUPS);
	assert_true(lb_transport_accepts(t, LB_FMT_PDF));
	assert_int_equal(lb_transport_send(t, (const uint8_t *)"^XA^XZ", 6, LB_FMT_ZPL, "j"), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_ERR_NODEV);
	assert_int_equal(lb_transport_sent(t), 0);
	assert_non_null(strstr(lb_transport_errmsg(t), "CUPS queue 'qc-test-zebra' not found"));
	lb_transport_free(t);
}

static void format__names(void **state)
{
	enum lb_format f;

	(void)state;
	assert_int_equal(lb_format_parse("pdf", &f), LB_OK);
	assert_int_equal(f, LB_FMT_PDF);
	assert_string_equal(lb_format_name(LB_FMT_ZPL), "zpl");
	assert_int_equal(lb_format_parse("ZPL", &f), LB_ERR_ARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp__status_states),
		cmocka_unit_test(tcp__no_answer_is_not_ready),
		cmocka_unit_test(tcp__jobs_byte_for_byte),
		cmocka_unit_test(tcp__refused_sends_nothing),
		cmocka_unit_test(spec__parsing),
		cmocka_unit_test(dir__atomic_files),
		cmocka_unit_test(cups__missing_queue_says_so),
		cmocka_unit_test(format__names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
