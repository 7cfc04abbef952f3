/* tests/fakes: a loopback HTTP/1.1 proxy that injects faults between the
 * sync client and qcstation-central, one request at a time.
 *
 * It listens on 127.0.0.1 (port picked by the kernel), relays each request
 * to the upstream port, and for requests whose path starts with a rule's
 * prefix applies the next rule of its script instead of a plain relay:
 * reset the connection before or after the server answered, answer
 * 500/503/429 itself (with Retry-After), stall, truncate, or garble the
 * answer, or call a hook (kill the server or the client at an exact point).
 * Requests beyond the script are relayed.  Bodies are framed by
 * Content-Length (what libcurl and libmicrohttpd send).
 *
 * Tests only; loopback only.  One thread of its own; the functions below
 * may be called from the test's thread at any time.
 */
#ifndef QC_TESTS_FAKES_FAULT_PROXY_H
#define QC_TESTS_FAKES_FAULT_PROXY_H

#include <stddef.h>

enum fp_action {
	FP_PASS = 0,        /* relay as it is */
	FP_RESET_REQUEST,   /* read the request, reset the connection: the server never sees it */
	FP_RESET_RESPONSE,  /* relay the request, send half of the answer, reset */
	FP_STATUS,          /* answer status (with Retry-After when >= 0) without relaying */
	FP_STALL,           /* relay, send the answer's head only, then nothing until the
			       client gives up */
	FP_TRUNCATE,        /* relay, send half of the answer, close (the length promised more) */
	FP_TRUNC_JSON,      /* relay, answer 200 with half of the body, length to match */
	FP_MALFORMED,       /* relay, answer 200 with a body that is not JSON */
	FP_HOOK_SENT,       /* relay the request, call the hook, then relay what comes back */
	FP_HOOK_ANSWERED,   /* relay and read the answer, call the hook, then relay it */
};

struct fp_rule {
	enum fp_action action;
	const char *path;       /* requests whose path starts with this ("/v1/events") */
	int status;             /* FP_STATUS: 500, 503, 429, ... */
	int retry_after_s;      /* FP_STATUS: Retry-After, -1 for none */
};

/* Called from the proxy's thread.  request_no counts from 1 over all
 * requests the proxy saw. */
typedef void fp_hook_fn(unsigned request_no, void *ud);

struct fault_proxy;

/* Start relaying to 127.0.0.1:upstream_port; *port is the proxy's.  0 or -1
 * (errno set). */
int fault_proxy_start(unsigned upstream_port, struct fault_proxy **out, unsigned *port);
/* Stop the thread, close everything, free. NULL is a no-op. */
void fault_proxy_stop(struct fault_proxy *p);

/* Relay to another port from the next connection on (a restarted server). */
void fault_proxy_set_upstream(struct fault_proxy *p, unsigned port);
/* Replace the script (copied; path strings must outlive the proxy). */
void fault_proxy_script(struct fault_proxy *p, const struct fp_rule *rules, size_t n);
void fault_proxy_set_hook(struct fault_proxy *p, fp_hook_fn *fn, void *ud);

/* Requests seen, and rules applied so far. */
unsigned fault_proxy_requests(struct fault_proxy *p);
unsigned fault_proxy_faults(struct fault_proxy *p);

#endif
