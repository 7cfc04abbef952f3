/* The qcstation-central program as an operator and a script use it: the
 * real binary ($QC_BIN) on a real SQLite file, serving on 127.0.0.1 and a
 * port it picked (read back from --port-file), stopped with SIGTERM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "e2e/proc.h"
#include "sy/proto.h"

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Run the binary with args (NULL-terminated, without argv[0]). */
static int central(const char *const *args, char **out, char **err)
{
	const char *argv[16];
	int n = 0;

	argv[n++] = qc_bin();
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	return run(argv, NULL, 0, out, err);
}

static void cli__help_and_usage_errors(void **state)
{
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(central((const char *[]){ "--help", NULL }, &out, &err), 0);
	assert_non_null(strstr(out, "station add NAME"));
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--frobnicate", NULL }, &out, &err), 64);
	assert_non_null(strstr(err, "unknown option --frobnicate"));
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--db", "/nonexistent/x.db", "dance", NULL },
				 &out, &err),
			 64);
	assert_non_null(strstr(err, "unknown command \"dance\""));
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--rate", "fast", NULL }, &out, &err), 64);
	free(out);
	free(err);
}

static void cli__station_add_list_import_export(void **state)
{
	static const char doc[] = "{\"format\":\"qcstation-import\",\"version\":1,"
				  "\"orders\":[{\"number\":\"ORD-1\"}],"
				  "\"rmas\":[{\"rma\":\"RMA-1\",\"order\":\"ORD-1\"}]}";
	char *dir = tmpdir_new(), *db = path_in(dir, "c.db"), *imp = path_in(dir, "in.json");
	char *out = NULL, *err = NULL;
	json_t *j;

	(void)state;
	assert_int_equal(central((const char *[]){ "--db", db, "station", "add", "ST-1", NULL },
				 &out, &err),
			 0);
	assert_int_equal(strncmp(out, "qcs_", 4), 0);
	assert_int_equal(strlen(out), 4 + 43 + 1); /* the token and its newline */
	assert_non_null(strstr(err, "cannot be shown again"));
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--db", db, "station", "add", "ST-1", NULL },
				 &out, &err),
			 65);
	assert_non_null(strstr(err, "station \"ST-1\" exists already"));
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--db", db, "--json", "station", "list", NULL },
				 &out, &err),
			 0);
	j = json_loads(out, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "station")), "ST-1");
	assert_int_equal(json_integer_value(json_object_get(j, "events")), 0);
	json_decref(j);
	free(out);
	free(err);

	write_file(imp, doc);
	assert_int_equal(central((const char *[]){ "--db", db, "--json", "import", imp, NULL },
				 &out, &err),
			 0);
	j = json_loads(out, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "items")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "by_kind"), "rma")),
			 1);
	json_decref(j);
	free(out);
	free(err);
	write_file(imp, "{\"rmas\":[{\"order\":\"ORD-1\"}]}");
	assert_int_equal(central((const char *[]){ "--db", db, "import", imp, NULL }, &out, &err),
			 65);
	assert_non_null(strstr(err, "rmas[0].rma: missing"));
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--db", db, "import", "/nonexistent.json",
						   NULL },
				 &out, &err),
			 66);
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--db", db, "export", NULL }, &out, &err), 0);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "exported 0 events"));
	free(out);
	free(err);
	assert_int_equal(central((const char *[]){ "--db", db, "export", "--since", "???", NULL },
				 &out, &err),
			 64);
	free(out);
	free(err);
	rm_rf(dir);
	free(imp);
	free(db);
	free(dir);
}

/* Wait for the server's port file: poll with a deadline. */
static unsigned wait_port(const char *path)
{
	struct timespec t0, now, pause = { 0, 10 * 1000 * 1000 };
	unsigned port = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		FILE *f = fopen(path, "r");

		if (f) {
			int ok = fscanf(f, "%u", &port) == 1;

			fclose(f);
			if (ok && port > 0)
				return port;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 10)
			fail_msg("the server wrote no port file in 10 s");
		nanosleep(&pause, NULL);
	}
}

static size_t keep(char *p, size_t sz, size_t n, void *ud)
{
	json_t **j = ud;

	*j = json_loadb(p, sz * n, 0, NULL);
	return sz * n;
}

static void cli__serve_push_sigterm_then_export(void **state)
{
	static const char body[] =
		"{\"station\":\"ST-9\",\"events\":[{\"uuid\":\"0193b2c4-8a3e-7c1d-9f00-"
		"5a6b7c8d9e0f\","
		"\"seq\":1,\"type\":\"shipment\",\"entity\":\"parcel:1\",\"ts_ms\":5,"
		"\"payload\":{\"tracking\":\"1Z999AA10123456784\"}}]}";
	char *dir = tmpdir_new(), *db = path_in(dir, "c.db"), *pf = path_in(dir, "port");
	char *out = NULL, *err = NULL, token[80], url[64], auth[128];
	const char *argv[] = { qc_bin(), "--db", db, "--listen", "127.0.0.1:0", "--port-file", pf,
			       "--quiet", NULL };
	struct curl_slist *hl = NULL;
	struct proc p;
	json_t *res = NULL, *line;
	long status = 0;
	CURL *h;

	(void)state;
	assert_int_equal(central((const char *[]){ "--db", db, "station", "add", "ST-9", NULL },
				 &out, &err),
			 0);
	snprintf(token, sizeof(token), "%.*s", (int)strcspn(out, "\n"), out);
	free(out);
	free(err);

	proc_start(&p, argv);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/v1/events", wait_port(pf));
	h = curl_easy_init();
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	hl = curl_slist_append(hl, auth);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &res);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 200);
	assert_non_null(res);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(res, "results"), 0), "status")),
			    "applied");
	json_decref(res);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	assert_int_equal(kill(p.pid, SIGTERM), 0);
	assert_int_equal(proc_wait(&p), 0);

	assert_int_equal(central((const char *[]){ "--db", db, "--json", "export", NULL }, &out,
				 &err),
			 0);
	line = json_loads(out, 0, NULL);
	assert_non_null(line);
	assert_string_equal(json_string_value(json_object_get(line, "station")), "ST-9");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(line, "payload"), "tracking")),
			    "1Z999AA10123456784");
	json_decref(line);
	line = json_loads(err, 0, NULL);
	assert_non_null(line);
	assert_int_equal(json_integer_value(json_object_get(line, "exported")), 1);
	{
		char since[SY_PROTO_MAX_CURSOR + 1];

		snprintf(since, sizeof(since), "%s",
			 json_string_value(json_object_get(line, "next_cursor")));
		json_decref(line);
		free(out);
		free(err);
		assert_int_equal(central((const char *[]){ "--db", db, "export", "--since", since,
							   NULL },
					 &out, &err),
				 0);
		assert_string_equal(out, "");
	}
	free(out);
	free(err);
	rm_rf(dir);
	free(pf);
	free(db);
	free(dir);
}

/* A self-signed certificate for 127.0.0.1 (P-256, one day) and its key. */
static void make_cert(const char *cert_path, const char *key_path)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	FILE *f;

	assert_non_null(k);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1",
				   -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	f = fopen(cert_path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	f = fopen(key_path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(k);
}

static long get_health(const char *url, const char *ca, CURLcode *cc)
{
	CURL *h = curl_easy_init();
	json_t *j = NULL;
	long status = 0;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &j);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	if (ca)
		curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	*cc = curl_easy_perform(h);
	if (*cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200 && (!j || strcmp(json_string_value(json_object_get(j, "status")), "ok")))
		status = -1;
	json_decref(j);
	curl_easy_cleanup(h);
	return status;
}

/* HTTPS served directly: verified with the certificate as the CA, refused
 * without it, and plain HTTP to the port gets no answer. */
static void cli__serve_https(void **state)
{
	char *dir = tmpdir_new(), *db = path_in(dir, "c.db"), *pf = path_in(dir, "port");
	char *cert = path_in(dir, "cert.pem"), *key = path_in(dir, "key.pem");
	const char *argv[] = { qc_bin(), "--db", db, "--listen", "127.0.0.1:0", "--port-file", pf,
			       "--tls-cert", cert, "--tls-key", key, "--quiet", NULL };
	char *out = NULL, *err = NULL, url[64];
	struct proc p;
	CURLcode cc;
	unsigned port;

	(void)state;
	make_cert(cert, key);
	assert_int_equal(central((const char *[]){ "--db", db, "--tls-cert", cert, NULL }, &out,
				 &err),
			 64);
	assert_non_null(strstr(err, "go together"));
	free(out);
	free(err);
	proc_start(&p, argv);
	port = wait_port(pf);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/v1/health", port);
	assert_int_equal(get_health(url, cert, &cc), 200);
	assert_int_equal(get_health(url, NULL, &cc), 0);
	assert_int_equal(cc, CURLE_PEER_FAILED_VERIFICATION);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/v1/health", port);
	assert_int_not_equal(get_health(url, NULL, &cc), 200);
	assert_int_equal(kill(p.pid, SIGTERM), 0);
	assert_int_equal(proc_wait(&p), 0);
	rm_rf(dir);
	free(cert);
	free(key);
	free(pf);
	free(db);
	free(dir);
}

/* Outside ctest (scripts/valgrind-check runs every tests/sync/test_*),
 * find the program beside this test: BUILD/tests/sync/x -> BUILD/sync/. */
static void default_bin(void)
{
	char self[4096], bin[4200];
	ssize_t n;
	char *slash;

	if (getenv("QC_BIN"))
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = '\0';
	for (int i = 0; i < 3; i++) {
		slash = strrchr(self, '/');
		if (!slash)
			return;
		*slash = '\0';
	}
	snprintf(bin, sizeof(bin), "%s/sync/qcstation-central", self);
	setenv("QC_BIN", bin, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli__help_and_usage_errors),
		cmocka_unit_test(cli__station_add_list_import_export),
		cmocka_unit_test(cli__serve_push_sigterm_then_export),
		cmocka_unit_test(cli__serve_https),
	};
	int rc;

	default_bin();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
