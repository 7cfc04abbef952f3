/* labels: raw TCP printing (port 9100) with status, non-blocking.
 *
 * A status query writes "~HS~HQES" and reads until both replies are whole
 * (lb_status_parse()) or the status deadline passes: then ~HS alone will
 * do (older firmware has no ~HQES), and nothing at all is "no answer",
 * which the caller must treat as not ready (a Zebra in some error states
 * stays silent).  The connection stays open after a query, so the job
 * that follows goes on the same one.
 *
 * A send writes the job, then half-closes (shutdown SHUT_WR) and waits for
 * the printer to close its side: then every byte has reached it.  A
 * printer that keeps the connection open past the I/O deadline still
 * counts as done (every byte was accepted by the network stack).  The
 * connection is closed after each job: the printer's job boundary.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport-int.h"

#define QUERY "~HS~HQES"
#define QUERY_LEN (sizeof(QUERY) - 1)

int tp_tcp_open(struct lb_transport *t, const char *rest, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	char port[8];
	const char *colon, *host_end;
	size_t hl;
	long p = 9100;
	int rc;

	if (rest[0] == '[') { /* [::1]:9100 */
		host_end = strchr(rest, ']');
		if (!host_end) {
			snprintf(err, errlen, "tcp://%s: missing ']'", rest);
			return LB_ERR_ARG;
		}
		colon = host_end[1] == ':' ? host_end + 1 : NULL;
		if (host_end[1] && !colon) {
			snprintf(err, errlen, "tcp://%s: junk after ']'", rest);
			return LB_ERR_ARG;
		}
		rest++;
	} else {
		colon = strchr(rest, ':');
		host_end = colon ? colon : rest + strlen(rest);
	}
	hl = (size_t)(host_end - rest);
	if (hl == 0 || hl >= sizeof(t->host)) {
		snprintf(err, errlen, "tcp://%s: needs a host (tcp://HOST:9100)", rest);
		return LB_ERR_ARG;
	}
	memcpy(t->host, rest, hl);
	t->host[hl] = '\0';
	if (colon) {
		char *end;

		errno = 0;
		p = strtol(colon + 1, &end, 10);
		if (errno || end == colon + 1 || *end || p < 1 || p > 65535) {
			snprintf(err, errlen, "tcp://%s: port must be 1..65535", rest);
			return LB_ERR_ARG;
		}
	}
	t->port = (int)p;
	snprintf(port, sizeof(port), "%ld", p);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(t->host, port, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(err, errlen, "tcp://%s:%d: cannot resolve %s: %s", t->host, t->port,
			 t->host, gai_strerror(rc));
		if (res)
			freeaddrinfo(res);
		return LB_ERR_NODEV;
	}
	if (res->ai_addrlen > sizeof(t->addr)) {
		freeaddrinfo(res);
		snprintf(err, errlen, "tcp://%s: address too long", t->host);
		return LB_ERR_ARG;
	}
	memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
	t->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return LB_OK;
}

static void tcp_disconnect(struct lb_transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->tcp = TCP_CLOSED;
	t->rlen = 0;
}

static int tcp_connect(struct lb_transport *t)
{
	int fl, one = 1;

	t->fd = socket(t->addr.ss_family, SOCK_STREAM, 0);
	if (t->fd < 0)
		return tp_fail(t, LB_ERR_IO, "socket: %s", strerror(errno));
	fl = fcntl(t->fd, F_GETFL);
	if (fl < 0 || fcntl(t->fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(t->fd, F_SETFD, FD_CLOEXEC) < 0) {
		tcp_disconnect(t);
		return tp_fail(t, LB_ERR_IO, "fcntl: %s", strerror(errno));
	}
	setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t->deadline = tp_now(t) + t->o.connect_timeout_ms;
	if (connect(t->fd, (struct sockaddr *)&t->addr, t->addrlen) == 0) {
		t->tcp = TCP_OPEN;
		return LB_OK;
	}
	if (errno != EINPROGRESS) {
		int e = errno;

		tcp_disconnect(t);
		return tp_fail(t, e == ECONNREFUSED ? LB_ERR_REFUSED : LB_ERR_IO,
			       "%s:%d: connect: %s", t->host, t->port, strerror(e));
	}
	t->tcp = TCP_CONNECTING;
	return LB_ERR_AGAIN;
}

/* Is fd ready for events now? */
static short ready(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, 0) <= 0)
		return 0;
	return p.revents;
}

static int tcp_connecting(struct lb_transport *t)
{
	int e = 0;
	socklen_t el = sizeof(e);

	if (!ready(t->fd, POLLOUT)) {
		if (tp_now(t) >= t->deadline) {
			tcp_disconnect(t);
			return tp_fail(t, LB_ERR_TIMEOUT, "%s:%d: no connection within %d ms",
				       t->host, t->port, t->o.connect_timeout_ms);
		}
		return LB_ERR_AGAIN;
	}
	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
		e = errno;
	if (e) {
		tcp_disconnect(t);
		return tp_fail(t, e == ECONNREFUSED ? LB_ERR_REFUSED : LB_ERR_IO,
			       "%s:%d: connect: %s", t->host, t->port, strerror(e));
	}
	t->tcp = TCP_OPEN;
	return LB_OK;
}

/* Connect when needed: LB_OK when open, LB_ERR_AGAIN, or an error. */
static int ensure_open(struct lb_transport *t)
{
	if (t->tcp == TCP_OPEN)
		return LB_OK;
	if (t->tcp == TCP_CONNECTING)
		return tcp_connecting(t);
	tcp_disconnect(t);
	return tcp_connect(t);
}

/* Write what the socket takes of b[*off..n); LB_OK when all is written. */
static int write_some(struct lb_transport *t, const uint8_t *b, size_t n, size_t *off)
{
	while (*off < n) {
		ssize_t w = send(t->fd, b + *off, n - *off, MSG_NOSIGNAL);

		if (w > 0) {
			*off += (size_t)w;
			t->deadline = tp_now(t) + t->o.io_timeout_ms; /* progress */
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (tp_now(t) >= t->deadline)
				return tp_fail(t, LB_ERR_TIMEOUT,
					       "%s:%d: the printer took nothing for %d ms (%zu of %zu"
					       " bytes sent)", t->host, t->port, t->o.io_timeout_ms,
					       *off, n);
			return LB_ERR_AGAIN;
		}
		return tp_fail(t, LB_ERR_IO, "%s:%d: write: %s (%zu of %zu bytes sent)", t->host,
			       t->port, strerror(errno), *off, n);
	}
	return LB_OK;
}

static int tcp_send(struct lb_transport *t)
{
	int rc;

	if (!t->started) {
		t->started = true;
		t->deadline = tp_now(t) + t->o.connect_timeout_ms;
	}
	if (t->tcp != TCP_DRAINING) {
		rc = ensure_open(t);
		if (rc != LB_OK) {
			if (rc != LB_ERR_AGAIN)
				tcp_disconnect(t);
			return rc;
		}
		if (!t->writing) {
			t->writing = true;
			t->deadline = tp_now(t) + t->o.io_timeout_ms;
		}
		rc = write_some(t, t->job, t->len, &t->sent);
		if (rc != LB_OK) {
			if (rc != LB_ERR_AGAIN)
				tcp_disconnect(t);
			return rc;
		}
		/* Every byte is written: wait for the printer to close. */
		shutdown(t->fd, SHUT_WR);
		t->tcp = TCP_DRAINING;
		t->deadline = tp_now(t) + t->o.io_timeout_ms;
	}
	for (;;) {
		uint8_t junk[256];
		ssize_t r = recv(t->fd, junk, sizeof(junk), 0);

		if (r > 0)
			continue; /* a chatty printer; not ours to read */
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && tp_now(t) < t->deadline)
			return LB_ERR_AGAIN;
		break; /* closed, reset after the last byte, or the deadline */
	}
	tcp_disconnect(t);
	return LB_OK;
}

static int tcp_query(struct lb_transport *t)
{
	struct lb_status st;
	int rc;

	if (!t->started) {
		t->started = true;
		t->qoff = 0;
		t->rlen = 0;
		t->op_deadline = tp_now(t) + t->o.status_timeout_ms;
		t->deadline = t->op_deadline;
	}
	rc = ensure_open(t);
	if (rc == LB_ERR_AGAIN) {
		if (t->deadline > t->op_deadline)
			t->deadline = t->op_deadline;
		return tp_now(t) >= t->op_deadline
			       ? (tcp_disconnect(t),
				  tp_fail(t, LB_ERR_TIMEOUT, "%s:%d: no answer (no connection within "
								"%d ms)", t->host, t->port,
					  t->o.status_timeout_ms))
			       : LB_ERR_AGAIN;
	}
	if (rc != LB_OK)
		return rc;
	if (t->qoff < QUERY_LEN) {
		rc = write_some(t, (const uint8_t *)QUERY, QUERY_LEN, &t->qoff);
		t->deadline = t->op_deadline;
		if (rc == LB_ERR_AGAIN)
			return tp_now(t) >= t->op_deadline
				       ? (tcp_disconnect(t),
					  tp_fail(t, LB_ERR_TIMEOUT, "%s:%d: no answer", t->host, t->port))
				       : LB_ERR_AGAIN;
		if (rc != LB_OK) {
			tcp_disconnect(t);
			return rc;
		}
	}
	t->deadline = t->op_deadline;
	for (;;) {
		ssize_t r;

		rc = lb_status_parse(t->rbuf, t->rlen, &st);
		if (rc < 0) {
			tcp_disconnect(t);
			return tp_fail(t, rc, "%s:%d: the printer's status reply is not valid",
				       t->host, t->port);
		}
		if (st.have_hs && st.have_hqes) {
			t->status = st;
			t->rlen = 0;
			return LB_OK;
		}
		if (t->rlen == sizeof(t->rbuf)) {
			tcp_disconnect(t);
			return tp_fail(t, LB_ERR_PROTO, "%s:%d: status reply longer than %zu bytes",
				       t->host, t->port, sizeof(t->rbuf));
		}
		r = recv(t->fd, t->rbuf + t->rlen, sizeof(t->rbuf) - t->rlen, 0);
		if (r > 0) {
			t->rlen += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    tp_now(t) < t->op_deadline)
			return LB_ERR_AGAIN;
		/* The deadline, or the printer closed: what came must do. */
		if (st.have_hs || st.have_hqes) {
			t->status = st;
			t->rlen = 0;
			if (r == 0)
				tcp_disconnect(t);
			return LB_OK;
		}
		tcp_disconnect(t);
		memset(&t->status, 0, sizeof(t->status));
		if (r == 0)
			return tp_fail(t, LB_ERR_IO, "%s:%d: the printer closed the connection "
						     "without answering", t->host, t->port);
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return tp_fail(t, LB_ERR_IO, "%s:%d: read: %s", t->host, t->port,
				       strerror(errno));
		return tp_fail(t, LB_ERR_TIMEOUT, "%s:%d: no answer to ~HS within %d ms", t->host,
			       t->port, t->o.status_timeout_ms);
	}
}

static int tcp_step(struct lb_transport *t)
{
	return t->op == TP_OP_SEND ? tcp_send(t) : tcp_query(t);
}

static int tcp_pollfd(const struct lb_transport *t, struct pollfd *pfd)
{
	if (t->fd < 0)
		return 0;
	pfd->fd = t->fd;
	pfd->revents = 0;
	if (t->tcp == TCP_CONNECTING)
		pfd->events = POLLOUT;
	else if (t->tcp == TCP_DRAINING)
		pfd->events = POLLIN;
	else if (t->op == TP_OP_SEND)
		pfd->events = POLLOUT;
	else
		pfd->events = t->qoff < QUERY_LEN ? POLLOUT : POLLIN;
	return 1;
}

static bool tcp_accepts(enum lb_format fmt)
{
	return fmt == LB_FMT_ZPL;
}

const struct tp_ops tp_tcp_ops = {
	.accepts = tcp_accepts,
	.has_status = true,
	.step = tcp_step,
	.pollfd = tcp_pollfd,
	.disconnect = tcp_disconnect,
};
