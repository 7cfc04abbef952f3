/* tests/fakes: the fault-injecting loopback proxy (fault_proxy.h).
 *
 * One thread serves one client connection at a time (the sync client uses
 * one connection, sequentially), with one upstream connection opened on
 * demand.  Every wait is a poll() with the stop pipe in it, so stopping is
 * immediate; there is no sleep anywhere.
 */
#include "fault_proxy.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define RULES_MAX 64
#define HEAD_MAX (64 * 1024)
#define BODY_MAX (64 * 1024 * 1024)

struct msg {          /* one HTTP message: head (with the blank line) and body */
	char *data;
	size_t head_len;  /* bytes of the head */
	size_t len;       /* head + body */
	size_t cap;
	int status;       /* responses */
	char path[256];   /* requests */
};

struct fault_proxy {
	pthread_t thread;
	pthread_mutex_t mu;
	int lfd;
	int stop_pipe[2];
	unsigned upstream;
	struct fp_rule rules[RULES_MAX];
	size_t n_rules, next_rule;
	fp_hook_fn *hook;
	void *hook_ud;
	unsigned requests, faults;
};

/* ---- small I/O ------------------------------------------------------------------ */

/* Wait until fd is readable (1), the proxy is stopping (0). */
static int wait_in(struct fault_proxy *p, int fd)
{
	struct pollfd pf[2] = { { .fd = fd, .events = POLLIN }, { .fd = p->stop_pipe[0],
								  .events = POLLIN } };

	for (;;) {
		int n = poll(pf, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (pf[1].revents & POLLIN))
			return 0;
		if (pf[0].revents)
			return 1;
	}
}

static bool send_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		b += w;
		n -= (size_t)w;
	}
	return true;
}

static void reset_close(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static bool msg_grow(struct msg *m, size_t want)
{
	char *d;
	size_t cap = m->cap ? m->cap : 4096;

	if (want <= m->cap)
		return true;
	while (cap < want)
		cap *= 2;
	d = realloc(m->data, cap + 1);
	if (!d)
		return false;
	m->data = d;
	m->cap = cap;
	return true;
}

static const char *find_header(const struct msg *m, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = strstr(m->data, "\r\n"); l && (size_t)(l - m->data) < m->head_len;
	     l = strstr(l + 2, "\r\n")) {
		if (strncasecmp(l + 2, name, n) == 0 && l[2 + n] == ':')
			return l + 3 + n;
	}
	return NULL;
}

/* Read one message from fd into m (m->len = 0 first).  1 when whole, 0 when
 * the peer closed before a byte, -1 on error, a close mid-message or stop. */
static int read_msg(struct fault_proxy *p, int fd, struct msg *m, bool response)
{
	size_t body = 0;
	bool have_head = false;

	m->len = m->head_len = 0;
	for (;;) {
		ssize_t r;

		if (have_head && m->len >= m->head_len + body)
			return 1;
		if (!msg_grow(m, (have_head ? m->head_len + body : m->len + 4096) + 1))
			return -1;
		if (!wait_in(p, fd))
			return -1;
		r = recv(fd, m->data + m->len, m->cap - m->len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return m->len == 0 && r == 0 ? 0 : -1;
		m->len += (size_t)r;
		m->data[m->len] = '\0';
		if (!have_head) {
			char *end = strstr(m->data, "\r\n\r\n");
			const char *cl;

			if (!end) {
				if (m->len > HEAD_MAX)
					return -1;
				continue;
			}
			have_head = true;
			m->head_len = (size_t)(end - m->data) + 4;
			cl = find_header(m, "Content-Length");
			body = cl ? strtoul(cl, NULL, 10) : 0;
			if (body > BODY_MAX)
				return -1;
			if (response)
				sscanf(m->data, "HTTP/%*d.%*d %d", &m->status);
			else
				sscanf(m->data, "%*s %255s", m->path);
		}
	}
}

static int connect_upstream(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- one request ------------------------------------------------------------- */

static struct fp_rule next_rule(struct fault_proxy *p, const char *path, unsigned *no,
				unsigned *upstream)
{
	struct fp_rule r = { .action = FP_PASS };

	pthread_mutex_lock(&p->mu);
	*no = ++p->requests;
	*upstream = p->upstream;
	if (p->next_rule < p->n_rules) {
		const struct fp_rule *x = &p->rules[p->next_rule];

		if (!x->path || strncmp(path, x->path, strlen(x->path)) == 0) {
			r = *x;
			p->next_rule++;
			p->faults++;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return r;
}

static void call_hook(struct fault_proxy *p, unsigned no)
{
	fp_hook_fn *fn;
	void *ud;

	pthread_mutex_lock(&p->mu);
	fn = p->hook;
	ud = p->hook_ud;
	pthread_mutex_unlock(&p->mu);
	if (fn)
		fn(no, ud);
}

static bool send_answer(int cfd, int status, const char *reason, int retry_after,
			const char *body, size_t len)
{
	char head[512], ra[48] = "";
	int n;

	if (retry_after >= 0)
		snprintf(ra, sizeof(ra), "Retry-After: %d\r\n", retry_after);
	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		     "%s\r\n",
		     status, reason, len, ra);
	return send_all(cfd, head, (size_t)n) && send_all(cfd, body, len);
}

/* Wait until the client closes (or the proxy stops), discarding input. */
static void wait_client_gone(struct fault_proxy *p, int cfd)
{
	char b[512];

	while (wait_in(p, cfd)) {
		ssize_t r = recv(cfd, b, sizeof(b), 0);

		if (r == 0 || (r < 0 && errno != EINTR))
			return;
	}
}

/* Serve one client connection until it closes.  *ufd is the upstream
 * connection (-1 = none yet), kept across requests. */
static void serve(struct fault_proxy *p, int cfd)
{
	struct msg req = { 0 }, resp = { 0 };
	int ufd = -1;

	for (;;) {
		struct fp_rule r;
		const char *conn;
		unsigned no, port;
		int rc = read_msg(p, cfd, &req, false);

		if (rc <= 0)
			break;
		r = next_rule(p, req.path, &no, &port);
		if (r.action == FP_RESET_REQUEST) {
			reset_close(cfd);
			cfd = -1;
			break;
		}
		if (r.action == FP_STATUS) {
			static const char body[] =
				"{\"error\":\"unavailable\",\"detail\":\"injected by the test proxy\"}";

			if (!send_answer(cfd, r.status, "Injected", r.retry_after_s, body,
					 sizeof(body) - 1))
				break;
			continue;
		}
		if (ufd < 0)
			ufd = connect_upstream(port);
		if (ufd < 0 || !send_all(ufd, req.data, req.len)) {
			/* The server is gone: the client sees a reset. */
			reset_close(cfd);
			cfd = -1;
			break;
		}
		if (r.action == FP_HOOK_SENT)
			call_hook(p, no);
		rc = read_msg(p, ufd, &resp, true);
		if (rc <= 0) {
			reset_close(cfd);
			cfd = -1;
			break;
		}
		conn = find_header(&resp, "Connection");
		if (conn && strncasecmp(conn + strspn(conn, " "), "close", 5) == 0) {
			close(ufd);
			ufd = -1;
		}
		switch (r.action) {
		case FP_HOOK_ANSWERED:
			call_hook(p, no);
			if (!send_all(cfd, resp.data, resp.len))
				goto out;
			break;
		case FP_RESET_RESPONSE:
			send_all(cfd, resp.data, resp.head_len + (resp.len - resp.head_len) / 2);
			reset_close(cfd);
			cfd = -1;
			goto out;
		case FP_TRUNCATE:
			send_all(cfd, resp.data, resp.head_len + (resp.len - resp.head_len) / 2);
			goto out;
		case FP_STALL:
			send_all(cfd, resp.data, resp.head_len);
			wait_client_gone(p, cfd);
			goto out;
		case FP_TRUNC_JSON:
		case FP_MALFORMED: {
			static const char bad[] = "<html><body>502 from a confused proxy</body></html>";
			bool gz = find_header(&resp, "Content-Encoding") != NULL;
			const char *body = resp.data + resp.head_len;
			size_t blen = (resp.len - resp.head_len) / 2;

			/* A gzip'd body cut in half is garbage too; either way the
			 * client must not take it for an answer. */
			if (r.action == FP_MALFORMED || gz) {
				body = bad;
				blen = sizeof(bad) - 1;
			}
			if (!send_answer(cfd, 200, "OK", -1, body, blen))
				goto out;
			break;
		}
		default:
			if (!send_all(cfd, resp.data, resp.len))
				goto out;
			break;
		}
	}
out:
	if (ufd >= 0)
		close(ufd);
	if (cfd >= 0)
		close(cfd);
	free(req.data);
	free(resp.data);
}

static void *run(void *ud)
{
	struct fault_proxy *p = ud;

	while (wait_in(p, p->lfd)) {
		int cfd = accept(p->lfd, NULL, NULL), one = 1;

		if (cfd < 0)
			continue;
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		serve(p, cfd);
	}
	return NULL;
}

/* ---- API ------------------------------------------------------------------------- */

int fault_proxy_start(unsigned upstream_port, struct fault_proxy **out, unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct fault_proxy *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	p->upstream = upstream_port;
	p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(p->lfd, 16) < 0 || getsockname(p->lfd, (struct sockaddr *)&a, &alen) < 0 ||
	    pipe(p->stop_pipe) < 0) {
		if (p->lfd >= 0)
			close(p->lfd);
		free(p);
		return -1;
	}
	pthread_mutex_init(&p->mu, NULL);
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		close(p->lfd);
		close(p->stop_pipe[0]);
		close(p->stop_pipe[1]);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return -1;
	}
	*port = ntohs(a.sin_port);
	*out = p;
	return 0;
}

void fault_proxy_stop(struct fault_proxy *p)
{
	if (!p)
		return;
	if (write(p->stop_pipe[1], "x", 1) != 1)
		perror("fault_proxy_stop");
	pthread_join(p->thread, NULL);
	close(p->lfd);
	close(p->stop_pipe[0]);
	close(p->stop_pipe[1]);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void fault_proxy_set_upstream(struct fault_proxy *p, unsigned port)
{
	pthread_mutex_lock(&p->mu);
	p->upstream = port;
	pthread_mutex_unlock(&p->mu);
}

void fault_proxy_script(struct fault_proxy *p, const struct fp_rule *rules, size_t n)
{
	pthread_mutex_lock(&p->mu);
	if (n > RULES_MAX)
		n = RULES_MAX;
	memcpy(p->rules, rules, n * sizeof(*rules));
	p->n_rules = n;
	p->next_rule = 0;
	pthread_mutex_unlock(&p->mu);
}

void fault_proxy_set_hook(struct fault_proxy *p, fp_hook_fn *fn, void *ud)
{
	pthread_mutex_lock(&p->mu);
	p->hook = fn;
	p->hook_ud = ud;
	pthread_mutex_unlock(&p->mu);
}

unsigned fault_proxy_requests(struct fault_proxy *p)
{
	unsigned n;

	pthread_mutex_lock(&p->mu);
	n = p->requests;
	pthread_mutex_unlock(&p->mu);
	return n;
}

unsigned fault_proxy_faults(struct fault_proxy *p)
{
	unsigned n;

	pthread_mutex_lock(&p->mu);
	n = p->faults;
	pthread_mutex_unlock(&p->mu);
	return n;
}
