/* tests/fakes: a Zebra printer on loopback TCP (raw port 9100 style).
 *
 * A real server the test starts: it listens on 127.0.0.1, port 0 (the
 * kernel picks; fake_zebra_port() says which), on a thread of its own.
 * Each connection's bytes are recorded byte for byte as one job, minus
 * the status commands "~HS" and "~HQES", which it answers at once the way
 * a Zebra does (three STX..ETX CR LF strings for ~HS, one frame for
 * ~HQES; ../shared/notes/labels-and-sync.md, A4) with the state the test
 * set: paper out, head open, paused, ribbon out, or silent (no answer at
 * all, as a printer in some error states).  A connection that sent only
 * status commands is no job.
 */
#ifndef QC_TESTS_FAKES_FAKE_ZEBRA_H
#define QC_TESTS_FAKES_FAKE_ZEBRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fake_zebra;

/* What the printer reports (LB_ST_* bits of lb/status.h: PAPER_OUT,
 * PAUSED, HEAD_OPEN, RIBBON_OUT), and whether it answers at all. */
struct fake_zebra_state {
	unsigned flags;
	bool silent;
	bool no_hqes; /* old firmware: ~HS only */
	bool stall;   /* after answering a status, read nothing more from that
			 connection (a printer that stopped taking data mid-job)
			 until stall is cleared; what was sent is then recorded */
};

/* Start the printer (fails the test when it cannot); free with
 * fake_zebra_stop(). */
struct fake_zebra *fake_zebra_start(void);
void fake_zebra_stop(struct fake_zebra *z);

int fake_zebra_port(const struct fake_zebra *z);

void fake_zebra_set(struct fake_zebra *z, const struct fake_zebra_state *st);

/* Jobs recorded so far, and status queries answered (or ignored). */
size_t fake_zebra_jobs(struct fake_zebra *z);
unsigned fake_zebra_queries(struct fake_zebra *z);

/* A copy of job i (malloc'd, caller frees; *len its length); NULL when
 * there is no such job. */
uint8_t *fake_zebra_job(struct fake_zebra *z, size_t i, size_t *len);

/* Wait (poll with a deadline, no sleep) until at least n jobs are
 * recorded; true when they are. */
bool fake_zebra_wait_jobs(struct fake_zebra *z, size_t n, int timeout_ms);

#endif
