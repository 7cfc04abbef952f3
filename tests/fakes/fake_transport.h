/* tests/fakes: a scripted struct fh_transport for driver and core tests.
 *
 * Reads come from a queue the test fills in advance: reports (ready at
 * once or after a delay), errors, an unplug.  Writes land in a capture
 * buffer; short writes and write errors can be asked for.  Time is the
 * test's: give fake_transport_new() the test's clock variable and every
 * read that waits advances it by the time it waited (a timed-out read by
 * its whole timeout), so idle timeouts run without sleeping.
 *
 * Lifetime: the test owns the fake.  The device's close only marks it
 * closed, so the test can still look at it; free it with
 * fake_transport_free() after fh_dev_free().
 */
#ifndef QC_TESTS_FAKE_TRANSPORT_H
#define QC_TESTS_FAKE_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fh-int.h"

struct fake_transport;

/* A fake with an empty script; clock_ms (may be NULL) is advanced by
 * waiting reads.  Aborts on out of memory (a test helper). */
struct fake_transport *fake_transport_new(int64_t *clock_ms);
void fake_transport_free(struct fake_transport *f);

/* The transport to hand to fh_dev_new(). */
struct fh_transport *fake_transport_base(struct fake_transport *f);

/* Script a read returning data[0..n), ready delay_ms after the read before
 * it returned (0 = at once).  A read whose timeout is shorter waits its
 * timeout, returns FH_ERR_TIMEOUT and leaves the rest of the delay. */
void fake_transport_push(struct fake_transport *f, const void *data, size_t n);
void fake_transport_push_after(struct fake_transport *f, int delay_ms, const void *data,
			       size_t n);

/* Script a read failing with code (FH_ERR_IO, FH_ERR_TIMEOUT, ...);
 * FH_ERR_NODEV also unplugs: every later call fails with it. */
void fake_transport_push_error(struct fake_transport *f, int code);

/* Unplug now: every later read and write returns FH_ERR_NODEV. */
void fake_transport_unplug(struct fake_transport *f);

/* Each later write accepts at most max bytes (0 = no limit). */
void fake_transport_short_writes(struct fake_transport *f, size_t max);

/* The next write fails with code, accepting nothing. */
void fake_transport_fail_write(struct fake_transport *f, int code);

/* Everything written so far (*len bytes). */
const uint8_t *fake_transport_written(const struct fake_transport *f, size_t *len);

/* Reads scripted and not yet consumed; reads and writes attempted; the
 * timeout of the last read; whether the transport was closed. */
size_t fake_transport_pending(const struct fake_transport *f);
unsigned fake_transport_reads(const struct fake_transport *f);
unsigned fake_transport_writes(const struct fake_transport *f);
int fake_transport_last_timeout(const struct fake_transport *f);
bool fake_transport_closed(const struct fake_transport *f);

#endif
