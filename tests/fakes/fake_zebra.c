/* tests/fakes: the fake Zebra printer (see fake_zebra.h). */
#include "fake_zebra.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "lb/status.h"

#define FZ_CLIENTS 8
#define FZ_JOBS 64

struct fz_client {
	int fd;
	uint8_t *buf; /* unprocessed bytes */
	size_t len, cap;
	uint8_t *job; /* recorded bytes */
	size_t jlen, jcap;
	bool stalled; /* answered a status while st.stall was set */
};

struct fake_zebra {
	int lfd, port;
	int wake[2];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct fake_zebra_state st;
	unsigned queries;
	size_t njobs;
	uint8_t *jobs[FZ_JOBS];
	size_t jlen[FZ_JOBS];
	struct fz_client c[FZ_CLIENTS];
};

static void grow(uint8_t **b, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 4096;
	*b = realloc(*b, *cap);
	assert_non_null(*b);
}

static void put(int fd, const char *s)
{
	size_t n = strlen(s), off = 0;

	while (off < n) {
		ssize_t w = send(fd, s + off, n - off, MSG_NOSIGNAL);

		if (w <= 0)
			return; /* the client went away */
		off += (size_t)w;
	}
}

static void answer_hs(int fd, const struct fake_zebra_state *st)
{
	char r[256];

	snprintf(r, sizeof(r),
		 "\x02" "030,%d,%d,1218,000,0,0,0,000,0,0,0\x03\r\n"
		 "\x02" "000,0,%d,%d,0,2,6,0,00000000,1,000\x03\r\n"
		 "\x02" "1234,0\x03\r\n",
		 !!(st->flags & LB_ST_PAPER_OUT), !!(st->flags & LB_ST_PAUSED),
		 !!(st->flags & LB_ST_HEAD_OPEN), !!(st->flags & LB_ST_RIBBON_OUT));
	put(fd, r);
}

static void answer_hqes(int fd, const struct fake_zebra_state *st)
{
	unsigned e = (st->flags & LB_ST_PAPER_OUT ? 1u : 0) | (st->flags & LB_ST_RIBBON_OUT ? 2u : 0) |
		     (st->flags & LB_ST_HEAD_OPEN ? 4u : 0);
	char r[256];

	snprintf(r, sizeof(r),
		 "\x02\r\n  PRINTER STATUS\r\n   ERRORS:         %d 00000000 %08X\r\n"
		 "   WARNINGS:       0 00000000 00000000\r\n\x03\r\n",
		 e ? 1 : 0, e);
	put(fd, r);
}

/* Move c->buf's bytes to the job, answering status commands; keep a
 * possible command prefix at the end for the next read. */
static void process(struct fake_zebra *z, struct fz_client *c, bool eof)
{
	size_t i = 0;

	while (i < c->len && !(c->stalled && !eof)) {
		uint8_t *b = c->buf + i;
		size_t left = c->len - i;

		if (b[0] == '~') {
			if (left >= 5 && !memcmp(b, "~HQES", 5)) {
				pthread_mutex_lock(&z->lock);
				z->queries++;
				if (!z->st.silent && !z->st.no_hqes)
					answer_hqes(c->fd, &z->st);
				c->stalled = z->st.stall;
				pthread_mutex_unlock(&z->lock);
				i += 5;
				continue;
			}
			if (left >= 3 && !memcmp(b, "~HS", 3)) {
				pthread_mutex_lock(&z->lock);
				z->queries++;
				if (!z->st.silent)
					answer_hs(c->fd, &z->st);
				pthread_mutex_unlock(&z->lock);
				i += 3;
				continue;
			}
			if (left < 5 && !eof && !memcmp(b, "~HQES", left))
				break; /* maybe a command cut by the read */
			if (left < 3 && !eof && !memcmp(b, "~HS", left))
				break;
		}
		grow(&c->job, &c->jcap, c->jlen + 1);
		c->job[c->jlen++] = b[0];
		i++;
	}
	memmove(c->buf, c->buf + i, c->len - i);
	c->len -= i;
}

static void client_end(struct fake_zebra *z, struct fz_client *c)
{
	process(z, c, true);
	pthread_mutex_lock(&z->lock);
	if (c->jlen && z->njobs < FZ_JOBS) {
		z->jobs[z->njobs] = c->job;
		z->jlen[z->njobs] = c->jlen;
		z->njobs++;
		c->job = NULL;
		pthread_cond_broadcast(&z->cond);
	}
	pthread_mutex_unlock(&z->lock);
	free(c->job);
	free(c->buf);
	close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void *serve(void *ud)
{
	struct fake_zebra *z = ud;

	for (;;) {
		struct pollfd p[FZ_CLIENTS + 2];
		int map[FZ_CLIENTS + 2];
		nfds_t n = 0;

		p[n].fd = z->wake[0];
		p[n].events = POLLIN;
		map[n++] = -1;
		p[n].fd = z->lfd;
		p[n].events = POLLIN;
		map[n++] = -2;
		pthread_mutex_lock(&z->lock);
		for (int i = 0; i < FZ_CLIENTS; i++)
			if (z->c[i].stalled && !z->st.stall)
				z->c[i].stalled = false;
		pthread_mutex_unlock(&z->lock);
		for (int i = 0; i < FZ_CLIENTS; i++)
			if (z->c[i].fd >= 0 && !z->c[i].stalled) {
				p[n].fd = z->c[i].fd;
				p[n].events = POLLIN;
				map[n++] = i;
			}
		if (poll(p, n, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			char b = 0;

			if (read(z->wake[0], &b, 1) != 1 || b == 'x')
				break;
			continue; /* the state changed: poll again */
		}
		if (p[1].revents & POLLIN) {
			int fd = accept(z->lfd, NULL, NULL);

			for (int i = 0; fd >= 0 && i < FZ_CLIENTS; i++)
				if (z->c[i].fd < 0) {
					z->c[i].fd = fd;
					fd = -1;
				}
			if (fd >= 0)
				close(fd); /* busy */
		}
		for (nfds_t k = 2; k < n; k++) {
			struct fz_client *c = &z->c[map[k]];
			ssize_t r;

			if (!p[k].revents)
				continue;
			grow(&c->buf, &c->cap, c->len + 4096);
			r = recv(c->fd, c->buf + c->len, 4096, 0);
			if (r > 0) {
				c->len += (size_t)r;
				process(z, c, false);
			} else if (r == 0 || errno != EINTR) {
				client_end(z, c);
			}
		}
	}
	for (int i = 0; i < FZ_CLIENTS; i++)
		if (z->c[i].fd >= 0) {
			free(z->c[i].job);
			free(z->c[i].buf);
			close(z->c[i].fd);
		}
	return NULL;
}

struct fake_zebra *fake_zebra_start(void)
{
	struct fake_zebra *z = calloc(1, sizeof(*z));
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int one = 1;

	assert_non_null(z);
	for (int i = 0; i < FZ_CLIENTS; i++)
		z->c[i].fd = -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	z->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(z->lfd >= 0);
	setsockopt(z->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(z->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(z->lfd, 8), 0);
	assert_int_equal(getsockname(z->lfd, (struct sockaddr *)&a, &al), 0);
	z->port = ntohs(a.sin_port);
	assert_int_equal(pipe(z->wake), 0);
	pthread_mutex_init(&z->lock, NULL);
	pthread_cond_init(&z->cond, NULL);
	assert_int_equal(pthread_create(&z->thread, NULL, serve, z), 0);
	return z;
}

void fake_zebra_stop(struct fake_zebra *z)
{
	if (!z)
		return;
	assert_int_equal(write(z->wake[1], "x", 1), 1);
	pthread_join(z->thread, NULL);
	close(z->wake[0]);
	close(z->wake[1]);
	close(z->lfd);
	for (size_t i = 0; i < z->njobs; i++)
		free(z->jobs[i]);
	pthread_mutex_destroy(&z->lock);
	pthread_cond_destroy(&z->cond);
	free(z);
}

int fake_zebra_port(const struct fake_zebra *z)
{
	return z->port;
}

void fake_zebra_set(struct fake_zebra *z, const struct fake_zebra_state *st)
{
	pthread_mutex_lock(&z->lock);
	z->st = *st;
	pthread_mutex_unlock(&z->lock);
	assert_int_equal(write(z->wake[1], "n", 1), 1); /* the server looks again */
}

size_t fake_zebra_jobs(struct fake_zebra *z)
{
	size_t n;

	pthread_mutex_lock(&z->lock);
	n = z->njobs;
	pthread_mutex_unlock(&z->lock);
	return n;
}

unsigned fake_zebra_queries(struct fake_zebra *z)
{
	unsigned n;

	pthread_mutex_lock(&z->lock);
	n = z->queries;
	pthread_mutex_unlock(&z->lock);
	return n;
}

uint8_t *fake_zebra_job(struct fake_zebra *z, size_t i, size_t *len)
{
	uint8_t *copy = NULL;

	pthread_mutex_lock(&z->lock);
	if (i < z->njobs) {
		copy = malloc(z->jlen[i] + 1);
		assert_non_null(copy);
		memcpy(copy, z->jobs[i], z->jlen[i]);
		copy[z->jlen[i]] = 0;
		*len = z->jlen[i];
	}
	pthread_mutex_unlock(&z->lock);
	return copy;
}

bool fake_zebra_wait_jobs(struct fake_zebra *z, size_t n, int timeout_ms)
{
	struct timespec end;
	bool ok;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&z->lock);
	while (z->njobs < n && rc == 0)
		rc = pthread_cond_timedwait(&z->cond, &z->lock, &end);
	ok = z->njobs >= n;
	pthread_mutex_unlock(&z->lock);
	return ok;
}
