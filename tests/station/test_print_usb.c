/* Printing to a USB printer-class device (usb: transport, labels/src/
 * transport_usb.c, through firmware-host) emulated in-process with
 * libumockdev (tests/fakes/umockdev_devices.c): the job's bytes reach the
 * printer's bulk OUT endpoint exactly, by identity key and, through the
 * queue, by the role [devices] binds; a printer that is not attached is
 * "no such printer" and the job stays queued. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "common/testutil.h"
#include "fakes/umockdev_devices.h"
#include "fh/ctx.h"
#include "fh/err.h"
#include "lb/err.h"
#include "lb/transport.h"
#include "st/err.h"
#include "st/printq.h"
#include "st/store_print.h"

/* A Zebra ZD421 (0a5f:0164, serial ZD1): printer class, bidirectional. */
static const struct umd_spec zebra = {
	0x0a5f, 0x0164, "ZD1", NULL, "MFG:Zebra Technologies;CMD:ZPL;MDL:ZD421;", false, 1,
	{ { 7, 1, 2, NULL, 0, 0x82, 0x01, true, 64 } },
};

struct fx {
	struct umd_bed *bed;
	struct umd_dev *dev;
	struct fh_ctx *ctx;
	struct fh_usb *usb;
};

static int64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct fh_event ev;
	int64_t end;
	bool attached = false;

	f->bed = umd_bed_new();
	f->dev = umd_add(f->bed, &zebra);
	assert_int_equal(fh_ctx_new(NULL, &f->ctx), FH_OK);
	assert_int_equal(fh_usb_new(f->ctx, &f->usb), FH_OK);
	/* The USB layer's ATTACHED event, as a poll loop gets it. */
	for (end = mono() + 5000; !attached && mono() < end;) {
		struct pollfd p[16];
		int n = fh_usb_dispatch(f->usb, &ev);

		if (n == 1 && ev.kind == FH_EV_ATTACHED)
			attached = true;
		if (n == 1)
			continue;
		n = fh_usb_pollfds(f->usb, p, 16);
		poll(p, (nfds_t)(n > 0 ? n : 0), 5);
	}
	assert_true(attached);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fh_usb_free(f->usb);
	fh_ctx_free(f->ctx);
	umd_bed_free(f->bed);
	free(f);
	return 0;
}

static void out_is(struct fx *f, const void *want, size_t n)
{
	g_mutex_lock(&f->dev->lock);
	assert_int_equal(f->dev->out->len, n);
	assert_memory_equal(f->dev->out->data, want, n);
	g_mutex_unlock(&f->dev->lock);
}

static void usb__job_byte_for_byte(void **state)
{
	struct fx *f = *state;
	struct lb_transport_opts o = { .usb = f->usb };
	struct lb_transport *t = NULL;
	uint8_t job[1000];
	char err[256];
	size_t n = 0;

	n += (size_t)snprintf((char *)job, sizeof(job), "^XA^CI28^FO50,50^FD");
	for (; n < 990; n++)
		job[n] = (uint8_t)('A' + n % 26);
	memcpy(job + n, "^FS^XZ", 6);
	n += 6;
	assert_int_equal(lb_transport_open("usb:0a5f:0164:ZD1", &o, &t, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_transport_kind(t), LB_TRANSPORT_USB);
	assert_false(lb_transport_accepts(t, LB_FMT_PDF));
	assert_int_equal(lb_transport_send(t, job, n, LB_FMT_ZPL, "job-1"), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	assert_int_equal(lb_transport_sent(t), n);
	out_is(f, job, n);
	lb_transport_free(t);

	/* "usb:" alone: the first printer. */
	assert_int_equal(lb_transport_open("usb:", &o, &t, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_transport_send(t, (const uint8_t *)"^XA^XZ", 6, LB_FMT_ZPL, "j2"), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_OK);
	lb_transport_free(t);
}

static void usb__absent_printer_sends_nothing(void **state)
{
	struct fx *f = *state;
	struct lb_transport_opts o = { .usb = f->usb };
	struct lb_transport *t = NULL;
	char err[256];

	assert_int_equal(lb_transport_open("usb:0a5f:0164:OTHER", &o, &t, err, sizeof(err)), LB_OK);
	assert_int_equal(lb_transport_send(t, (const uint8_t *)"^XA^XZ", 6, LB_FMT_ZPL, "j"), LB_OK);
	assert_int_equal(lb_transport_wait(t), LB_ERR_NODEV);
	assert_int_equal(lb_transport_sent(t), 0);
	assert_non_null(strstr(lb_transport_errmsg(t), "0a5f:0164:OTHER is not attached"));
	lb_transport_free(t);
	g_mutex_lock(&f->dev->lock);
	assert_int_equal(f->dev->out->len, 0);
	g_mutex_unlock(&f->dev->lock);
}

/* The queue with uri = usb:ROLE, the role bound in [devices]. */
static void usb__queue_prints_to_the_role(void **state)
{
	struct fx *f = *state;
	struct st_config cfg;
	struct st_store *s = NULL;
	struct st_store_opts so = { .create = true };
	struct st_printq *q = NULL;
	struct st_label_job j;
	static const char zpl[] = "^XA^FO10,10^FDby role^FS^XZ";
	struct st_label_job_new jn = { .printer = "label", .format = "zpl",
				       .payload = (const uint8_t *)zpl, .len = sizeof(zpl) - 1,
				       .ts_ms = 1 };
	struct st_printq_opts o = { .cfg = &cfg, .usb = f->usb };
	char err[512];
	int64_t id, end;

	st_config_defaults(&cfg);
	assert_int_equal(st_config_parse(&cfg,
					 "[devices]\nlabel-printer = 0a5f:0164:ZD1\n"
					 "[printer]\nuri = usb:label-printer\n",
					 "test.ini", err, sizeof(err)),
			 ST_OK);
	assert_int_equal(st_store_open(":memory:", &so, &s, err, sizeof(err)), ST_OK);
	o.store = s;
	assert_int_equal(st_printq_new(&o, &q, err, sizeof(err)), ST_OK);
	assert_int_equal(st_store_label_job_add(s, &jn, &id, NULL), ST_OK);
	st_printq_kick(q);
	for (end = mono() + 5000; mono() < end;) {
		struct pollfd p[4];
		int n;

		assert_int_equal(st_printq_dispatch(q), ST_OK);
		assert_int_equal(st_store_label_job_get(s, id, &j), ST_OK);
		if (!strcmp(j.state, "done"))
			break;
		n = st_printq_pollfds(q, p, 4);
		poll(p, (nfds_t)n, 20);
	}
	assert_string_equal(j.state, "done");
	out_is(f, zpl, sizeof(zpl) - 1);
	st_printq_free(q);
	st_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(usb__job_byte_for_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(usb__absent_printer_sends_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(usb__queue_prints_to_the_role, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
