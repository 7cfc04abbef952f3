/* End to end: the real `qcstation sync` against the real `qcstation-central`
 * on loopback, with the fault proxy (tests/fakes/fault_proxy.h) between them.
 *
 * Every scenario ends the same way: every outbox event is on the server
 * exactly once (counted by UUID in `qcstation-central export`) and the
 * station's outbox is fully acknowledged.  The server is a child process on
 * a port it picked (--listen 127.0.0.1:0 --port-file); with QC_PG_URL_FILE
 * set (the CTest fixture of tests/sync/pg-fixture.sh) it keeps its data in that
 * PostgreSQL server instead of a SQLite file, and each scenario uses a
 * station name of its own.  Nothing waits a fixed time: processes are
 * waited for, files polled with a deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sqlite3.h>

#include "st/store.h"
#include "st/store_sync.h"
#include "fakes/fault_proxy.h"
#include "proc.h"

/* ---- the server -------------------------------------------------------------- */

struct central {
	pid_t pid;
	unsigned port;
	char db[600];       /* file path or postgresql:// URL */
	char dir[300];
	unsigned starts;
	const char *tls_cert, *tls_key; /* serve HTTPS when set */
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Yield the CPU briefly while polling for something with a deadline. */
static void poll_pause(void)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

static const char *central_bin(void)
{
	const char *b = getenv("QC_CENTRAL");

	if (!b) {
		fprintf(stderr, "QC_CENTRAL is not set (run through ctest)\n");
		abort();
	}
	return b;
}

/* Start the server on a free port; 0 or -1 (no cmocka asserts: also called
 * from the proxy's thread). */
static int central_start(struct central *c)
{
	char pf[400], lf[400];
	long long deadline = mono_ms() + 15000;
	FILE *f;
	int st;

	snprintf(pf, sizeof(pf), "%s/port.%u", c->dir, ++c->starts);
	snprintf(lf, sizeof(lf), "%s/central.log", c->dir);
	unlink(pf);
	c->pid = fork();
	if (c->pid == 0) {
		int fd = open(lf, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* A failed assertion skips the teardown: the server must not
		 * outlive the test (nor the proxy thread that restarted it). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		const char *argv[16] = { central_bin(), "--db", c->db, "--listen", "127.0.0.1:0",
					 "--port-file", pf, "--rate", "0", "--quiet" };
		int n = 10;

		if (c->tls_cert) {
			argv[n++] = "--tls-cert";
			argv[n++] = c->tls_cert;
			argv[n++] = "--tls-key";
			argv[n++] = c->tls_key;
		}
		argv[n] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (mono_ms() < deadline) {
		f = fopen(pf, "r");
		if (f) {
			unsigned port = 0;
			int ok = fscanf(f, "%u", &port) == 1 && port > 0;

			fclose(f);
			if (ok) {
				c->port = port;
				return 0;
			}
		}
		if (waitpid(c->pid, &st, WNOHANG) == c->pid) {
			c->pid = 0;
			return -1;
		}
		poll_pause();
	}
	return -1;
}

static void central_kill(struct central *c, int sig)
{
	if (c->pid > 0) {
		kill(c->pid, sig);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
}

/* Run qcstation-central with args after --db; stdout in *out (caller frees). */
static int central_run(struct central *c, const char *a1, const char *a2, const char *a3,
		       char **out)
{
	const char *argv[] = { central_bin(), "--db", c->db, a1, a2, a3, NULL };
	char *err = NULL;
	int rc = run(argv, NULL, 0, out, &err);

	if (rc != 0)
		fprintf(stderr, "qcstation-central %s %s: %d: %s\n", a1, a2 ? a2 : "", rc, err);
	free(err);
	return rc;
}

/* ---- one scenario's world ------------------------------------------------------ */

struct world {
	char *dir;
	char station[64];
	char station_db[400];
	char token_file[400];
	char config[400];
	struct central central;
	struct fault_proxy *proxy;
	unsigned proxy_port;
	pid_t station_pid;        /* a running qcstation, for the kill hook */
};

static unsigned scenario_no;

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Station config pointing at port (the proxy's or the server's). */
static void write_config(struct world *w, unsigned port, int batch, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "[station]\ncode = %s\ndatabase = %s\n\n"
		 "[sync]\nserver = http://127.0.0.1:%u\ntoken_file = %s\nbatch_size = %d\n"
		 "connect_timeout_ms = 2000\ntimeout_ms = 10000\nstall_timeout_ms = 1000\n"
		 "backoff_base_ms = 5\nbackoff_cap_ms = 100\nattempts = 30\n"
		 "follow_poll_ms = 50\npull_interval_s = 1\n%s\n"
		 "[log]\nlevel = warning\n",
		 w->station, w->station_db, port, w->token_file, batch, extra ? extra : "");
	write_file(w->config, text, 0644);
}

static void world_setup(struct world *w, bool proxy)
{
	const char *pg = getenv("QC_PG_URL_FILE");
	char *out = NULL;
	char tok[256];

	memset(w, 0, sizeof(*w));
	w->dir = tmpdir_new();
	snprintf(w->central.dir, sizeof(w->central.dir), "%s", w->dir);
	snprintf(w->station, sizeof(w->station), "ST-%ld-%u", (long)getpid(), ++scenario_no);
	snprintf(w->station_db, sizeof(w->station_db), "%s/station.db", w->dir);
	snprintf(w->token_file, sizeof(w->token_file), "%s/token", w->dir);
	snprintf(w->config, sizeof(w->config), "%s/station.ini", w->dir);
	if (pg && *pg) {
		FILE *f = fopen(pg, "r");

		assert_non_null(f);
		assert_non_null(fgets(w->central.db, sizeof(w->central.db), f));
		fclose(f);
		w->central.db[strcspn(w->central.db, "\r\n")] = '\0';
	} else {
		snprintf(w->central.db, sizeof(w->central.db), "%s/central.db", w->dir);
	}
	assert_int_equal(central_run(&w->central, "station", "add", w->station, &out), 0);
	assert_true(sscanf(out, "%255s", tok) == 1);
	free(out);
	snprintf(tok + strlen(tok), sizeof(tok) - strlen(tok), "\n");
	write_file(w->token_file, tok, 0600);
	assert_int_equal(central_start(&w->central), 0);
	if (pg && *pg) { /* really on PostgreSQL: no SQLite file appeared */
		char f[400];

		snprintf(f, sizeof(f), "%s/central.db", w->dir);
		assert_int_equal(access(f, F_OK), -1);
		assert_non_null(strstr(w->central.db, "postgresql://"));
	}
	if (proxy)
		assert_int_equal(fault_proxy_start(w->central.port, &w->proxy, &w->proxy_port), 0);
	write_config(w, proxy ? w->proxy_port : w->central.port, 20, NULL);
}

static void world_teardown(struct world *w)
{
	fault_proxy_stop(w->proxy);
	central_kill(&w->central, SIGTERM);
	rm_rf(w->dir);
	free(w->dir);
}

/* n outbox events, as the station writes them (one transaction). */
static void add_events(struct world *w, int n)
{
	struct st_store_opts o = { .create = true };
	struct st_store *s = NULL;
	char err[300], entity[64], payload[128];

	assert_int_equal(st_store_open(w->station_db, &o, &s, err, sizeof(err)), 0);
	assert_int_equal(st_store_begin(s), 0);
	for (int i = 0; i < n; i++) {
		struct st_outbox_rec r = { .type = "scan", .entity = entity, .payload = payload,
					   .ts_ms = 1764180000000 + i };

		snprintf(entity, sizeof(entity), "scan:%d", i);
		snprintf(payload, sizeof(payload), "{\"code\":\"ORD-%06d\",\"n\":%d}", i, i);
		assert_int_equal(st_store_outbox_add(s, &r, NULL, NULL), 0);
	}
	assert_int_equal(st_store_commit(s), 0);
	st_store_close(s);
}

/* `qcstation --config ... sync --json`: exit status and the summary. */
static int sync_run(struct world *w, json_t **summary, char **err_out)
{
	const char *argv[] = { "qcstation", "--config", w->config, "sync", "--json", NULL };
	char *out = NULL, *err = NULL;
	json_error_t je;
	int rc = run(argv, NULL, 0, &out, &err);

	*summary = json_loads(out, 0, &je);
	if (!*summary)
		fprintf(stderr, "sync printed no JSON (exit %d): %s\nstderr: %s\n", rc, out, err);
	free(out);
	if (err_out)
		*err_out = err;
	else
		free(err);
	return rc;
}

static json_int_t jint(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	if (!json_is_integer(v))
		fail_msg("summary has no %s%s%s", a, b ? "." : "", b ? b : "");
	return json_integer_value(v);
}

/* Every outbox UUID on the server exactly once, nothing else from this
 * station there, and the outbox fully acknowledged. */
static void check_exactly_once(struct world *w, int n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	json_t *seen = json_object();
	char *out = NULL, *line, *save = NULL;
	int rows = 0, ours = 0;

	assert_int_equal(central_run(&w->central, "export", NULL, NULL, &out), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *e = json_loads(line, 0, &je);
		const char *uuid;

		assert_non_null(e);
		if (strcmp(json_string_value(json_object_get(e, "station")), w->station) == 0) {
			uuid = json_string_value(json_object_get(e, "uuid"));
			assert_non_null(uuid);
			if (json_object_get(seen, uuid))
				fail_msg("event %s is on the server twice", uuid);
			json_object_set_new(seen, uuid, json_true());
			ours++;
		}
		json_decref(e);
	}
	free(out);
	assert_int_equal(ours, n);

	assert_int_equal(sqlite3_open_v2(w->station_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT uuid, id NOT IN (SELECT id FROM outbox_unsent),"
					    " (SELECT result FROM sync_result WHERE outbox_id = id)"
					    " FROM outbox", -1, &q, NULL),
			 SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *uuid = (const char *)sqlite3_column_text(q, 0);
		const char *res = (const char *)sqlite3_column_text(q, 2);

		if (!json_object_get(seen, uuid))
			fail_msg("event %s is not on the server", uuid);
		assert_int_equal(sqlite3_column_int(q, 1), 1); /* acknowledged */
		assert_non_null(res);
		assert_true(!strcmp(res, "applied") || !strcmp(res, "duplicate"));
		rows++;
	}
	assert_int_equal(rows, n);
	sqlite3_finalize(q);
	sqlite3_close(db);
	json_decref(seen);
}

/* ---- the plain run ----------------------------------------------------------- */

static const char feed_doc[] =
	"{\"format\":\"qcstation-import\",\"version\":1,"
	"\"products\":[{\"sku\":\"RING-1\",\"name\":\"Ring\",\"category\":\"ring\"}],"
	"\"orders\":[{\"number\":\"ORD-900001\",\"customer\":{\"name\":\"A\"},"
	"\"lines\":[{\"line_no\":1,\"sku\":\"RING-1\"}]},"
	"{\"number\":\"ORD-900002\",\"custom\":true,"
	"\"lines\":[{\"line_no\":1,\"sku\":\"RING-1\"}]},"
	"{\"number\":\"ORD-900003\",\"lines\":[{\"line_no\":1,\"sku\":\"NO-SUCH-SKU\"}]}],"
	"\"cancellations\":[{\"order\":\"ORD-900001\",\"ts\":\"2026-11-26T10:00:00Z\"}],"
	"\"payments\":[{\"order\":\"ORD-900002\",\"deposit_paid\":true,\"balance_paid\":false}],"
	"\"rmas\":[{\"rma\":\"RMA-77\",\"order\":\"ORD-900001\",\"reason\":\"size\","
	"\"refund_type\":\"refund\",\"return_tracking\":\"1Z999\",\"lines\":[1]}]}";

static void sync__pushes_then_pulls_on_loopback(void **state)
{
	struct world w;
	struct st_store_opts o = { .create = false };
	struct st_store *s = NULL;
	struct st_order *order = malloc(sizeof(*order));
	char err[300], path[500];
	char *out = NULL, *rma = NULL;
	json_t *sum = NULL;

	(void)state;
	world_setup(&w, false);
	add_events(&w, 250);
	snprintf(path, sizeof(path), "%s/feed.json", w.dir);
	write_file(path, feed_doc, 0644);
	assert_int_equal(central_run(&w.central, "import", path, NULL, &out), 0);
	free(out);

	assert_int_equal(sync_run(&w, &sum, NULL), 0);
	assert_int_equal(jint(sum, "pushed", "events"), 250);
	assert_int_equal(jint(sum, "pushed", "applied"), 250);
	assert_int_equal(jint(sum, "pending", NULL), 0);
	assert_int_equal(jint(sum, "pulled", "items"), 7);
	assert_int_equal(jint(sum, "pulled", "imported"), 3);
	assert_int_equal(jint(sum, "pulled", "applied"), 2);
	assert_int_equal(jint(sum, "pulled", "stored"), 1);
	/* An order naming an unknown product is kept aside, not a blocked feed. */
	assert_int_equal(jint(sum, "pulled", "failed"), 1);
	json_decref(sum);
	check_exactly_once(&w, 250);

	/* What the store sent is in the station's database. */
	assert_int_equal(st_store_open(w.station_db, &o, &s, err, sizeof(err)), 0);
	assert_non_null(order);
	assert_int_equal(st_store_order_by_number(s, "ORD-900001", order), 0);
	assert_true(order->cancelled); /* SHP-03 */
	assert_int_equal(st_store_order_by_number(s, "ORD-900002", order), 0);
	assert_true(order->deposit_paid); /* CUS-01 */
	assert_false(order->balance_paid);
	assert_int_equal(st_store_sync_inbox_get(s, "rma", "RMA-77", &rma), 0);
	assert_non_null(strstr(rma, "1Z999"));
	free(rma);
	st_store_close(s);

	/* A second run has nothing to do. */
	assert_int_equal(sync_run(&w, &sum, NULL), 0);
	assert_int_equal(jint(sum, "pushed", "events"), 0);
	assert_int_equal(jint(sum, "pulled", "items"), 0);
	json_decref(sum);
	free(order);
	world_teardown(&w);
}

static void sync__gzip_request_bodies(void **state)
{
	struct world w;
	json_t *sum = NULL;

	(void)state;
	world_setup(&w, false);
	write_config(&w, w.central.port, 100, "gzip = yes");
	add_events(&w, 300);
	assert_int_equal(sync_run(&w, &sum, NULL), 0);
	assert_int_equal(jint(sum, "pushed", "applied"), 300);
	json_decref(sum);
	check_exactly_once(&w, 300);
	world_teardown(&w);
}

/* TLS is verified, and plain http goes to loopback only: both are
 * configuration errors (78), found before any event is acknowledged. */
static void sync__tls_failure_and_plain_http_elsewhere_are_config_errors(void **state)
{
	struct world w;
	char url[64], *err = NULL, *out = NULL;
	const char *argv[] = { "qcstation", "--config", NULL, "sync", "--server", url, NULL };
	long long t0;

	(void)state;
	world_setup(&w, false);
	add_events(&w, 5);
	argv[2] = w.config;
	/* https to a server that speaks plain HTTP: the handshake fails. */
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", w.central.port);
	t0 = mono_ms();
	assert_int_equal(run(argv, NULL, 0, &out, &err), 78);
	assert_true(mono_ms() - t0 < 5000); /* not retried */
	assert_non_null(strstr(err, "TLS"));
	free(out);
	free(err);
	snprintf(url, sizeof(url), "http://192.0.2.1:%u", w.central.port);
	assert_int_equal(run(argv, NULL, 0, &out, &err), 78);
	assert_non_null(strstr(err, "only https://"));
	free(out);
	free(err);
	world_teardown(&w);
}

/* A self-signed certificate for 127.0.0.1 (P-256, valid a day) and its
 * key, made with libcrypto. */
static void make_cert(const char *cert_path, const char *key_path)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	FILE *f;

	assert_non_null(key);
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1",
				   -1, -1, 0);
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	f = fopen(cert_path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	f = fopen(key_path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(key);
}

/* Over real TLS: the server's certificate verifies against ca_file, and
 * without it the same server is refused (78) before anything is sent. */
static void sync__https_verified_against_the_configured_ca(void **state)
{
	struct world w;
	char cert[400], key[400], extra[600], url[64];
	char *out = NULL, *err = NULL;
	const char *argv[] = { "qcstation", "--config", NULL, "sync", "--json", NULL };
	json_t *sum = NULL;

	(void)state;
	world_setup(&w, false);
	snprintf(cert, sizeof(cert), "%s/cert.pem", w.dir);
	snprintf(key, sizeof(key), "%s/key.pem", w.dir);
	make_cert(cert, key);
	central_kill(&w.central, SIGTERM);
	w.central.tls_cert = cert;
	w.central.tls_key = key;
	assert_int_equal(central_start(&w.central), 0);
	add_events(&w, 50);

	/* No ca_file: the system CAs do not know this certificate. */
	write_config(&w, w.central.port, 20, NULL);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", w.central.port);
	{
		const char *a[] = { "qcstation", "--config", w.config, "sync", "--server", url,
				    NULL };

		assert_int_equal(run(a, NULL, 0, &out, &err), 78);
		assert_non_null(strstr(err, "TLS"));
		free(out);
		free(err);
	}
	/* With it, all of them, once. */
	snprintf(extra, sizeof(extra), "ca_file = %s", cert);
	write_config(&w, w.central.port, 20, extra);
	{
		/* write_config wrote http://; the server speaks https only. */
		FILE *f = fopen(w.config, "r");
		char text[4096], *p;
		size_t n;

		assert_non_null(f);
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		p = strstr(text, "http://");
		assert_non_null(p);
		memmove(p + 5, p + 4, strlen(p + 4) + 1);
		p[4] = 's';
		write_file(w.config, text, 0644);
	}
	argv[2] = w.config;
	assert_int_equal(run(argv, NULL, 0, &out, &err), 0);
	sum = json_loads(out, 0, NULL);
	assert_non_null(sum);
	assert_int_equal(jint(sum, "pushed", "applied"), 50);
	json_decref(sum);
	free(out);
	free(err);
	check_exactly_once(&w, 50);
	world_teardown(&w);
}

/* [sync] is checked like every section: a bad value names file and line;
 * no server or no token is a configuration error before any request. */
static void sync__config_errors_name_what_and_where(void **state)
{
	struct world w;
	char *out = NULL, *err = NULL;
	const char *argv[] = { "qcstation", "--config", NULL, "sync", NULL };

	(void)state;
	world_setup(&w, false);
	argv[2] = w.config;
	write_config(&w, w.central.port, 20, "gzip = maybe");
	assert_int_equal(run(argv, NULL, 0, &out, &err), 78);
	assert_non_null(strstr(err, "station.ini:"));
	assert_non_null(strstr(err, "'gzip' is yes or no"));
	free(out);
	free(err);
	write_file(w.config, "[station]\ncode = X\n", 0644);
	assert_int_equal(run(argv, NULL, 0, &out, &err), 78);
	assert_non_null(strstr(err, "no server"));
	free(out);
	free(err);
	write_config(&w, w.central.port, 20, NULL);
	unlink(w.token_file);
	assert_int_equal(run(argv, NULL, 0, &out, &err), 78);
	assert_non_null(strstr(err, "token file"));
	free(out);
	free(err);
	world_teardown(&w);
}

/* ---- faults ------------------------------------------------------------------ */

/* 100 events in batches of 20 through the proxy with rules; then check. */
static json_t *fault_run(const struct fp_rule *rules, size_t n_rules, int want_exit)
{
	struct world w;
	json_t *sum = NULL;
	char *err = NULL;
	int rc;

	world_setup(&w, true);
	add_events(&w, 100);
	fault_proxy_script(w.proxy, rules, n_rules);
	rc = sync_run(&w, &sum, &err);
	if (rc != want_exit)
		fail_msg("sync exited %d, not %d: %s", rc, want_exit, err);
	free(err);
	assert_int_equal(fault_proxy_faults(w.proxy), (unsigned)n_rules);
	assert_int_equal(jint(sum, "pending", NULL), 0);
	check_exactly_once(&w, 100);
	world_teardown(&w);
	return sum;
}

static void fault__connection_reset_before_and_after_the_server(void **state)
{
	static const struct fp_rule r[] = {
		{ .action = FP_RESET_REQUEST, .path = "/v1/events" },
		{ .action = FP_PASS, .path = "/v1/events" },
		{ .action = FP_RESET_RESPONSE, .path = "/v1/events" },
		{ .action = FP_RESET_REQUEST, .path = "/v1/feed" },
	};
	json_t *sum = fault_run(r, 4, 0);

	(void)state;
	/* The batch whose answer was lost was sent again: the server said so.
	 * (libcurl itself resends once on a reused connection reset before
	 * any answer, so the feed's reset may not count as a retry here.) */
	assert_int_equal(jint(sum, "pushed", "duplicate"), 20);
	assert_true(jint(sum, "retries", NULL) >= 2);
	json_decref(sum);
}

static void fault__500_503_and_429_with_retry_after(void **state)
{
	static const struct fp_rule r[] = {
		{ .action = FP_STATUS, .path = "/v1/events", .status = 500, .retry_after_s = -1 },
		{ .action = FP_STATUS, .path = "/v1/events", .status = 503, .retry_after_s = 1 },
		{ .action = FP_PASS, .path = "/v1/events" },
		{ .action = FP_STATUS, .path = "/v1/events", .status = 429, .retry_after_s = 1 },
		{ .action = FP_STATUS, .path = "/v1/feed", .status = 503, .retry_after_s = -1 },
	};
	json_t *sum = fault_run(r, 5, 0);

	(void)state;
	assert_int_equal(jint(sum, "pushed", "duplicate"), 0);
	assert_int_equal(jint(sum, "retries", NULL), 4);
	/* Two Retry-After: 1 were honoured (backoff alone is capped at 100 ms). */
	assert_true(jint(sum, "elapsed_ms", NULL) >= 2000);
	json_decref(sum);
}

static void fault__stalled_answer_hits_the_low_speed_timeout(void **state)
{
	static const struct fp_rule r[] = {
		{ .action = FP_STALL, .path = "/v1/events" },
		{ .action = FP_STALL, .path = "/v1/feed" },
	};
	json_t *sum = fault_run(r, 2, 0);

	(void)state;
	/* The server had stored the stalled batch: it comes back as duplicate. */
	assert_int_equal(jint(sum, "pushed", "duplicate"), 20);
	assert_int_equal(jint(sum, "retries", NULL), 2);
	json_decref(sum);
}

static void fault__truncated_and_malformed_answers(void **state)
{
	static const struct fp_rule r[] = {
		{ .action = FP_TRUNCATE, .path = "/v1/events" },
		{ .action = FP_TRUNC_JSON, .path = "/v1/events" },
		{ .action = FP_MALFORMED, .path = "/v1/events" },
		{ .action = FP_TRUNC_JSON, .path = "/v1/feed" },
		{ .action = FP_MALFORMED, .path = "/v1/feed" },
	};
	json_t *sum = fault_run(r, 5, 0);

	(void)state;
	/* One batch, answered three times unreadably, then as duplicate. */
	assert_int_equal(jint(sum, "pushed", "duplicate"), 20);
	assert_int_equal(jint(sum, "retries", NULL), 5);
	json_decref(sum);
}

static void fault__wrong_token_stops_at_once(void **state)
{
	struct world w;
	json_t *sum = NULL;
	char *err = NULL;
	long long t0;

	(void)state;
	world_setup(&w, true);
	add_events(&w, 30);
	write_file(w.token_file, "qcs_not-the-token\n", 0600);
	t0 = mono_ms();
	assert_int_equal(sync_run(&w, &sum, &err), 77);
	assert_true(mono_ms() - t0 < 5000);
	assert_int_equal(fault_proxy_requests(w.proxy), 1); /* no retry storm */
	assert_non_null(strstr(err, "refused this station's token"));
	assert_null(strstr(err, "qcs_not-the-token"));
	assert_int_equal(jint(sum, "pending", NULL), 30);
	assert_int_equal(jint(sum, "pushed", "events"), 0);
	free(err);
	json_decref(sum);
	world_teardown(&w);
}

/* ---- killed processes --------------------------------------------------------- */

static void kill_and_restart_central(unsigned request_no, void *ud)
{
	struct world *w = ud;

	(void)request_no;
	central_kill(&w->central, SIGKILL);
	if (central_start(&w->central) == 0)
		fault_proxy_set_upstream(w->proxy, w->central.port);
}

static void fault__server_killed_mid_batch(void **state)
{
	static const struct fp_rule r[] = {
		{ .action = FP_PASS, .path = "/v1/events" },
		{ .action = FP_HOOK_SENT, .path = "/v1/events" },
		{ .action = FP_PASS, .path = "/v1/events" },
		{ .action = FP_HOOK_SENT, .path = "/v1/events" },
	};
	struct world w;
	json_t *sum = NULL;
	char *err = NULL;
	int rc;

	(void)state;
	world_setup(&w, true);
	add_events(&w, 100);
	fault_proxy_set_hook(w.proxy, kill_and_restart_central, &w);
	fault_proxy_script(w.proxy, r, 4);
	rc = sync_run(&w, &sum, &err);
	if (rc != 0)
		fail_msg("sync exited %d: %s", rc, err);
	free(err);
	assert_int_equal(w.central.starts, 3);
	assert_int_equal(jint(sum, "pending", NULL), 0);
	assert_int_equal(jint(sum, "pushed", "events"), 100);
	check_exactly_once(&w, 100);
	json_decref(sum);
	world_teardown(&w);
}

static void kill_station(unsigned request_no, void *ud)
{
	struct world *w = ud;

	(void)request_no;
	if (w->station_pid > 0)
		kill(w->station_pid, SIGKILL);
}

static void fault__station_killed_mid_sync_then_rerun(void **state)
{
	static const struct fp_rule r[] = {
		{ .action = FP_PASS, .path = "/v1/events" },
		{ .action = FP_HOOK_ANSWERED, .path = "/v1/events" },
	};
	const char *argv[6];
	struct world w;
	json_t *sum = NULL;
	json_int_t dup;
	int st;

	(void)state;
	world_setup(&w, true);
	add_events(&w, 100);
	fault_proxy_set_hook(w.proxy, kill_station, &w);
	fault_proxy_script(w.proxy, r, 2);
	argv[0] = qc_bin();
	argv[1] = "--config";
	argv[2] = w.config;
	argv[3] = "sync";
	argv[4] = "--json";
	argv[5] = NULL;
	w.station_pid = fork();
	if (w.station_pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	assert_true(w.station_pid > 0);
	assert_int_equal(waitpid(w.station_pid, &st, 0), w.station_pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	w.station_pid = 0;

	/* Batch 2 was stored by the server but not acknowledged here; batch
	 * 1's acknowledgement runs while batch 2 is on the wire, so it may
	 * have been cut too.  Either way each comes back as a duplicate. */
	assert_int_equal(sync_run(&w, &sum, NULL), 0);
	dup = jint(sum, "pushed", "duplicate");
	assert_true(dup == 20 || dup == 40);
	assert_int_equal(jint(sum, "pushed", "events"), 60 + dup);
	assert_int_equal(jint(sum, "pushed", "applied"), 60);
	assert_int_equal(jint(sum, "pending", NULL), 0);
	check_exactly_once(&w, 100);
	json_decref(sum);
	world_teardown(&w);
}

/* ---- follow, status --------------------------------------------------------------- */

static void follow__a_new_event_reaches_the_server_within_a_second(void **state)
{
	struct world w;
	struct proc p;
	const char *argv[] = { "qcstation", "--config", NULL, "sync", "--follow", "--json", NULL };
	json_t *ev;
	long long t0;
	int rc;

	(void)state;
	world_setup(&w, false);
	add_events(&w, 5);
	argv[2] = w.config;
	proc_start(&p, argv);
	ev = proc_event(&p, 10000); /* the first round: 5 events */
	assert_non_null(ev);
	assert_int_equal(jint(ev, "pushed", "events"), 5);
	json_decref(ev);

	add_events(&w, 1); /* SHP-02: e.g. a shipment with its tracking number */
	t0 = mono_ms();
	ev = proc_event(&p, 5000);
	assert_non_null(ev);
	assert_int_equal(jint(ev, "pushed", "events"), 1);
	assert_true(mono_ms() - t0 < 1500);
	json_decref(ev);
	check_exactly_once(&w, 6);

	kill(p.pid, SIGTERM);
	rc = proc_wait(&p);
	assert_int_equal(rc, 0); /* stops cleanly */
	world_teardown(&w);
}

/* The server goes away while --follow runs: the new event waits, the
 * client keeps trying, and it arrives once the server is back. */
static void follow__keeps_trying_while_the_server_is_away(void **state)
{
	struct world w;
	struct proc p;
	const char *argv[] = { "qcstation", "--config", NULL, "sync", "--follow", "--json", NULL };
	long long deadline;
	json_t *ev;
	int rc;

	(void)state;
	world_setup(&w, true);
	write_config(&w, w.proxy_port, 20, "attempts = 3");
	add_events(&w, 5);
	argv[2] = w.config;
	proc_start(&p, argv);
	ev = proc_event(&p, 10000);
	assert_non_null(ev);
	assert_int_equal(jint(ev, "pushed", "events"), 5);
	json_decref(ev);

	central_kill(&w.central, SIGKILL);
	add_events(&w, 1);
	/* Rounds fail (exit status 75 in their summary) while it is away. */
	ev = proc_event(&p, 10000);
	assert_non_null(ev);
	assert_int_equal(jint(ev, "exit", NULL), 75);
	assert_int_equal(jint(ev, "pending", NULL), 1);
	json_decref(ev);

	assert_int_equal(central_start(&w.central), 0);
	fault_proxy_set_upstream(w.proxy, w.central.port);
	deadline = mono_ms() + 20000;
	for (;;) {
		ev = proc_event(&p, (int)(deadline - mono_ms()));
		assert_non_null(ev);
		if (jint(ev, "exit", NULL) == 0)
			break;
		json_decref(ev);
	}
	assert_int_equal(jint(ev, "pushed", "events"), 1);
	assert_int_equal(jint(ev, "pending", NULL), 0);
	json_decref(ev);
	check_exactly_once(&w, 6);

	kill(p.pid, SIGTERM);
	rc = proc_wait(&p);
	assert_int_equal(rc, 0);
	world_teardown(&w);
}

static void status__shows_pending_and_dead_letters(void **state)
{
	struct world w;
	struct st_store_opts o = { .create = true };
	struct st_store *s = NULL;
	struct st_outbox_rec r = { .type = "Bad Type!", .entity = "x", .payload = "{}",
				   .ts_ms = 1 };
	const char *argv[] = { "qcstation", "--config", NULL, "sync", "status", "--json", NULL };
	char err[300];
	char *out = NULL, *e = NULL;
	json_t *sum = NULL, *j;
	json_error_t je;

	(void)state;
	world_setup(&w, false);
	add_events(&w, 3);
	assert_int_equal(st_store_open(w.station_db, &o, &s, err, sizeof(err)), 0);
	assert_int_equal(st_store_outbox_add(s, &r, NULL, NULL), 0);
	st_store_close(s);
	argv[2] = w.config;
	assert_int_equal(run(argv, NULL, 0, &out, &e), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	assert_int_equal(jint(j, "pending", NULL), 4);
	json_decref(j);
	free(out);
	free(e);

	assert_int_equal(sync_run(&w, &sum, NULL), 0);
	assert_int_equal(jint(sum, "pushed", "rejected"), 1);
	json_decref(sum);

	assert_int_equal(run(argv, NULL, 0, &out, &e), 0);
	j = json_loads(out, 0, &je);
	assert_non_null(j);
	assert_int_equal(jint(j, "pending", NULL), 0);
	assert_int_equal(jint(j, "rejected", NULL), 1);
	assert_int_equal(json_array_size(json_object_get(j, "dead_letters")), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "dead_letters"), 0), "type")),
			    "Bad Type!");
	assert_true(json_is_string(json_object_get(j, "last_success")));
	json_decref(j);
	free(out);
	free(e);
	world_teardown(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sync__pushes_then_pulls_on_loopback),
		cmocka_unit_test(sync__gzip_request_bodies),
		cmocka_unit_test(sync__tls_failure_and_plain_http_elsewhere_are_config_errors),
		cmocka_unit_test(sync__https_verified_against_the_configured_ca),
		cmocka_unit_test(sync__config_errors_name_what_and_where),
		cmocka_unit_test(fault__connection_reset_before_and_after_the_server),
		cmocka_unit_test(fault__500_503_and_429_with_retry_after),
		cmocka_unit_test(fault__stalled_answer_hits_the_low_speed_timeout),
		cmocka_unit_test(fault__truncated_and_malformed_answers),
		cmocka_unit_test(fault__wrong_token_stops_at_once),
		cmocka_unit_test(fault__server_killed_mid_batch),
		cmocka_unit_test(fault__station_killed_mid_sync_then_rerun),
		cmocka_unit_test(follow__a_new_event_reaches_the_server_within_a_second),
		cmocka_unit_test(follow__keeps_trying_while_the_server_is_away),
		cmocka_unit_test(status__shows_pending_and_dead_letters),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
