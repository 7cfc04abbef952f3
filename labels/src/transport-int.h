/* labels: what the transport files share (transport.c and
 * transport_{tcp,dir,usb,cups}.c).  Never included from outside
 * labels/src. */
#ifndef QC_LABELS_TRANSPORT_INT_H
#define QC_LABELS_TRANSPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "lb/err.h"
#include "lb/status.h"
#include "lb/transport.h"

#if defined(__GNUC__)
#define LB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LB_PRINTF(f, a)
#endif

enum tp_op { TP_OP_NONE = 0, TP_OP_SEND, TP_OP_QUERY };
enum tp_tcp { TCP_CLOSED = 0, TCP_CONNECTING, TCP_OPEN, TCP_DRAINING };

#define TP_NAME_MAX 64
#define TP_RBUF 1024

struct tp_ops {
	bool (*accepts)(enum lb_format fmt);
	bool has_status;
	int (*step)(struct lb_transport *t);        /* advance t->op */
	int (*pollfd)(const struct lb_transport *t, struct pollfd *pfd);
	void (*disconnect)(struct lb_transport *t);
};

struct lb_transport {
	enum lb_transport_kind kind;
	const struct tp_ops *ops;
	struct lb_transport_opts o;

	/* the operation */
	enum tp_op op;
	bool started;            /* the kind's step has begun the operation */
	bool writing;            /* tcp: connected, the job is being written */
	const uint8_t *job;      /* borrowed */
	size_t len, sent;
	enum lb_format fmt;
	char name[TP_NAME_MAX + 1];
	int64_t deadline;        /* monotonic ms */
	int64_t op_deadline;     /* a query's overall deadline */
	struct lb_status status;
	char errmsg[320];

	/* tcp: */
	char host[256];
	int port;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int fd;
	enum tp_tcp tcp;
	size_t qoff;             /* bytes of the status query written */
	uint8_t rbuf[TP_RBUF];
	size_t rlen;
	/* dir: / usb: / cups: */
	char path[1024];
};

extern const struct tp_ops tp_tcp_ops, tp_dir_ops, tp_usb_ops, tp_cups_ops;

/* The clock and deadlines. */
int64_t tp_now(const struct lb_transport *t);

/* Set t->errmsg; returns rc. */
int tp_fail(struct lb_transport *t, int rc, const char *fmt, ...) LB_PRINTF(3, 4);

/* Kind-specific parts of lb_transport_open(): parse rest (after the
 * "tcp://", "dir:", ...). */
int tp_tcp_open(struct lb_transport *t, const char *rest, char *err, size_t errlen);
int tp_cups_open(struct lb_transport *t, const char *rest, char *err, size_t errlen);

/* Banned functions (STYLE.md section 4). */
#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#endif
