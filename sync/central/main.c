/* qcstation-central: the central store's program (docs/central.md, man page
 * docs/qcstation-central.1).  Parses the command line and the optional INI
 * file, then serves HTTP or runs one administrative command.  Everything
 * else is in the sy_central library. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <ini.h>

#include "sy/central.h"
#include "sy/err.h"

#pragma GCC poison sprintf strcpy strcat gets atoi atol strtok

#define MAX_IMPORT (64L * 1024 * 1024)

static const char usage[] =
	"usage: qcstation-central [options]                 serve the HTTP API\n"
	"       qcstation-central [options] station add NAME  register a station, print its token\n"
	"       qcstation-central [options] station token NAME  a new token (the old one stops)\n"
	"       qcstation-central [options] station list      list the stations\n"
	"       qcstation-central [options] import FILE       add what the store sends to the "
	"feed\n"
	"       qcstation-central [options] export [--since CURSOR] [--limit N]\n"
	"                                                     the stations' events as JSON lines\n"
	"\n"
	"options:\n"
	"  --db PATH|URL         SQLite file (default central.db) or "
	"postgresql://user@host:port/db\n"
	"  --listen ADDR:PORT    where to serve (default 127.0.0.1:8080; port 0 picks one)\n"
	"  --config FILE         INI file, section [central]: db, listen, rate_per_s, rate_burst,\n"
	"                        max_connections, timeout_s, tls_cert, tls_key (the command\n"
	"                        line wins)\n"
	"  --rate N              requests per second per token (default 100; 0 = unlimited)\n"
	"  --burst N             rate limiter bucket size (default 2 * rate)\n"
	"  --max-connections N   concurrent connections (default 64)\n"
	"  --port-file FILE      write the port listened on to FILE (for scripts, port 0)\n"
	"  --tls-cert FILE       serve HTTPS with this PEM certificate chain ...\n"
	"  --tls-key FILE        ... and this PEM private key (else plain HTTP: loopback or\n"
	"                        behind a TLS reverse proxy)\n"
	"  --json                machine-readable output\n"
	"  --quiet               log warnings and errors only\n"
	"  --help, --version\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 bad input data, 66 cannot read input,\n"
	"69 database or address unavailable, 70 internal error, 74 output error\n";

struct opts {
	char *db, *listen, *config, *port_file, *since, *tls_cert, *tls_key;
	long limit;
	int rate, burst, max_conn, timeout_s;
	int rate_set, burst_set, max_conn_set, timeout_set;
	int json, quiet;
	const char *words[4];
	int nwords;
};

static void log_stderr(int level, const char *msg, void *ud)
{
	const struct opts *o = ud;
	static const char *const names[] = { "emerg", "alert", "crit", "error",
					     "warning", "notice", "info", "debug" };

	if (level > (o->quiet ? LOG_WARNING : LOG_INFO))
		return;
	fprintf(stderr, "qcstation-central: %s: %s\n", names[level & 7], msg);
}

static int set_str(char **dst, const char *v)
{
	char *p = strdup(v);

	if (!p)
		return -1;
	free(*dst);
	*dst = p;
	return 0;
}

static int parse_int(const char *v, long lo, long hi, long *out)
{
	char *end = NULL;
	long x;

	errno = 0;
	x = strtol(v, &end, 10);
	if (!v[0] || *end || errno || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* inih handler: [central] keys (or keys before any section).  The command
 * line was parsed first and wins. */
static int ini_key(void *ud, const char *section, const char *name, const char *value)
{
	struct opts *o = ud;
	long x;

	if (section[0] && strcmp(section, "central") != 0)
		return 1;
	if (strcmp(name, "db") == 0)
		return o->db ? 1 : set_str(&o->db, value) == 0;
	if (strcmp(name, "listen") == 0)
		return o->listen ? 1 : set_str(&o->listen, value) == 0;
	if (strcmp(name, "tls_cert") == 0)
		return o->tls_cert ? 1 : set_str(&o->tls_cert, value) == 0;
	if (strcmp(name, "tls_key") == 0)
		return o->tls_key ? 1 : set_str(&o->tls_key, value) == 0;
	if (parse_int(value, 0, 1000000, &x) < 0) {
		fprintf(stderr, "qcstation-central: %s: %s: not a number 0..1000000\n", o->config,
			name);
		return 0;
	}
	if (strcmp(name, "rate_per_s") == 0 && !o->rate_set)
		o->rate = (int)x;
	else if (strcmp(name, "rate_burst") == 0 && !o->burst_set)
		o->burst = (int)x;
	else if (strcmp(name, "max_connections") == 0 && !o->max_conn_set)
		o->max_conn = (int)x;
	else if (strcmp(name, "timeout_s") == 0 && !o->timeout_set)
		o->timeout_s = (int)x;
	else if (strcmp(name, "rate_per_s") != 0 && strcmp(name, "rate_burst") != 0 &&
		 strcmp(name, "max_connections") != 0 && strcmp(name, "timeout_s") != 0) {
		fprintf(stderr, "qcstation-central: %s: unknown key \"%s\"\n", o->config, name);
		return 0;
	}
	return 1;
}

static void opts_fini(struct opts *o)
{
	free(o->db);
	free(o->listen);
	free(o->config);
	free(o->port_file);
	free(o->since);
	free(o->tls_cert);
	free(o->tls_key);
}

/* 0, or an exit status. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char **sv = NULL;
		int *iv = NULL, *set = NULL;
		long x;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return -1;
		}
		if (strcmp(a, "--version") == 0) {
			puts("qcstation-central " QC_VERSION);
			return -1;
		}
		if (strcmp(a, "--json") == 0) {
			o->json = 1;
			continue;
		}
		if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			o->quiet = 1;
			continue;
		}
		if (strcmp(a, "--db") == 0)
			sv = &o->db;
		else if (strcmp(a, "--listen") == 0)
			sv = &o->listen;
		else if (strcmp(a, "--config") == 0)
			sv = &o->config;
		else if (strcmp(a, "--port-file") == 0)
			sv = &o->port_file;
		else if (strcmp(a, "--since") == 0)
			sv = &o->since;
		else if (strcmp(a, "--tls-cert") == 0)
			sv = &o->tls_cert;
		else if (strcmp(a, "--tls-key") == 0)
			sv = &o->tls_key;
		else if (strcmp(a, "--rate") == 0) {
			iv = &o->rate;
			set = &o->rate_set;
		} else if (strcmp(a, "--burst") == 0) {
			iv = &o->burst;
			set = &o->burst_set;
		} else if (strcmp(a, "--max-connections") == 0) {
			iv = &o->max_conn;
			set = &o->max_conn_set;
		} else if (strcmp(a, "--limit") == 0) {
			if (!v || parse_int(v, 1, 1000000000L, &o->limit) < 0) {
				fprintf(stderr, "qcstation-central: --limit: want a number >= 1\n");
				return EX_USAGE;
			}
			i++;
			continue;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "qcstation-central: unknown option %s\n%s", a, usage);
			return EX_USAGE;
		} else {
			if (o->nwords == 4) {
				fprintf(stderr, "qcstation-central: too many arguments\n");
				return EX_USAGE;
			}
			o->words[o->nwords++] = a;
			continue;
		}
		if (!v) {
			fprintf(stderr, "qcstation-central: %s needs a value\n", a);
			return EX_USAGE;
		}
		i++;
		if (sv) {
			if (set_str(sv, v) < 0)
				return EX_OSERR;
			continue;
		}
		if (parse_int(v, 0, 1000000, &x) < 0) {
			fprintf(stderr, "qcstation-central: %s: want a number 0..1000000\n", a);
			return EX_USAGE;
		}
		*iv = (int)x;
		*set = 1;
	}
	return 0;
}

static int exit_for(int rc)
{
	switch (rc) {
	case SY_ERR_ARG:
		return EX_DATAERR;
	case SY_ERR_PROTO:
		return EX_DATAERR;
	case SY_ERR_IO:
		return EX_UNAVAILABLE;
	case SY_ERR_NOMEM:
		return EX_OSERR;
	default:
		return EX_SOFTWARE;
	}
}

static int write_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "%u\n", port) > 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int serve(struct sy_central *c, const struct opts *o)
{
	struct sy_central_server *srv = NULL;
	unsigned port = 0;
	sigset_t set;
	int sig = 0, rc;

	/* Block the stop signals before the server's thread starts, so it
	 * inherits the mask and only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = sy_central_serve_start(c, o->listen, &port, &srv);
	if (rc < 0)
		return rc == SY_ERR_ARG ? EX_USAGE : EX_UNAVAILABLE;
	fprintf(stderr, "qcstation-central: listening on %s (port %u, %s, %s)\n", o->listen, port,
		o->tls_cert ? "https" : "http", sy_central_db_kind(c));
	if (o->port_file && write_port_file(o->port_file, port) < 0) {
		fprintf(stderr, "qcstation-central: cannot write %s\n", o->port_file);
		sy_central_serve_stop(srv);
		return EX_CANTCREAT;
	}
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		; /* nothing to reload: the config is read once */
	fprintf(stderr, "qcstation-central: stopping (signal %d)\n", sig);
	sy_central_serve_stop(srv);
	return 0;
}

static int print_station(const struct sy_central_station *s, void *ud)
{
	const struct opts *o = ud;
	time_t t = (time_t)(s->created_ms / 1000);
	struct tm tm;
	char when[32];

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (o->json)
		printf("{\"station\":\"%s\",\"created\":\"%s\",\"events\":%lld,\"last_seq\":%lld}"
		       "\n",
		       s->name, when, (long long)s->events, (long long)s->last_seq);
	else
		printf("%-24s %10lld %10lld  %s\n", s->name, (long long)s->events,
		       (long long)s->last_seq, when);
	return 0;
}

static int cmd_station(struct sy_central *c, const struct opts *o)
{
	char token[SY_CENTRAL_TOKEN_CAP];
	int rc;

	if (o->nwords == 2 && strcmp(o->words[1], "list") == 0) {
		if (!o->json)
			printf("%-24s %10s %10s  %s\n", "STATION", "EVENTS", "LAST_SEQ", "CREATED");
		rc = sy_central_station_list(c, print_station, (void *)o);
		return rc < 0 ? exit_for(rc) : (fflush(stdout) == 0 ? 0 : EX_IOERR);
	}
	if (o->nwords != 3 ||
	    (strcmp(o->words[1], "add") != 0 && strcmp(o->words[1], "token") != 0)) {
		fprintf(stderr, "qcstation-central: station add NAME | station token NAME |"
				" station list\n");
		return EX_USAGE;
	}
	if (strcmp(o->words[1], "add") == 0)
		rc = sy_central_station_add(c, o->words[2], token, sizeof(token));
	else
		rc = sy_central_station_token(c, o->words[2], token, sizeof(token));
	if (rc < 0)
		return exit_for(rc);
	/* The names allowed are [A-Za-z0-9._-]: no escaping needed. */
	if (o->json)
		printf("{\"station\":\"%s\",\"token\":\"%s\"}\n", o->words[2], token);
	else
		printf("%s\n", token);
	fprintf(stderr, "qcstation-central: station %s %s; keep the token now, "
			"it cannot be shown again\n", o->words[2],
		strcmp(o->words[1], "add") == 0 ? "added" : "has a new token");
	return fflush(stdout) == 0 ? 0 : EX_IOERR;
}

static int cmd_import(struct sy_central *c, const struct opts *o)
{
	struct sy_central_import_stats st;
	char detail[256];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int rc, ex = 0;

	if (o->nwords != 2) {
		fprintf(stderr, "qcstation-central: import FILE (- for stdin)\n");
		return EX_USAGE;
	}
	f = strcmp(o->words[1], "-") == 0 ? stdin : fopen(o->words[1], "rb");
	if (!f) {
		fprintf(stderr, "qcstation-central: %s: %s\n", o->words[1], strerror(errno));
		return EX_NOINPUT;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				ex = EX_OSERR;
				goto out;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > (size_t)MAX_IMPORT) {
			fprintf(stderr, "qcstation-central: %s: larger than 64 MiB\n", o->words[1]);
			ex = EX_DATAERR;
			goto out;
		}
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "qcstation-central: %s: read error\n", o->words[1]);
		ex = EX_NOINPUT;
		goto out;
	}
	rc = sy_central_import(c, buf, len, &st, detail, sizeof(detail));
	if (rc == SY_ERR_PROTO) {
		fprintf(stderr, "qcstation-central: %s: %s\n", o->words[1], detail);
		ex = EX_DATAERR;
		goto out;
	}
	if (rc < 0) {
		ex = exit_for(rc);
		goto out;
	}
	if (o->json) {
		printf("{\"items\":%ld,\"by_kind\":{", st.items);
		for (int i = 0; sy_central_kinds[i]; i++)
			printf("%s\"%s\":%ld", i ? "," : "", sy_central_kinds[i], st.by_kind[i]);
		printf("}}\n");
	} else {
		printf("imported %ld feed items", st.items);
		for (int i = 0; sy_central_kinds[i]; i++)
			if (st.by_kind[i])
				printf(", %s %ld", sy_central_kinds[i], st.by_kind[i]);
		printf("\n");
	}
	ex = fflush(stdout) == 0 ? 0 : EX_IOERR;
out:
	if (f != stdin)
		fclose(f);
	free(buf);
	return ex;
}

static int put_line(const char *line, size_t len, void *ud)
{
	(void)ud;
	if (fwrite(line, 1, len, stdout) != len || fputc('\n', stdout) == EOF)
		return SY_ERR_IO;
	return 0;
}

static int cmd_export(struct sy_central *c, const struct opts *o)
{
	char next[SY_PROTO_MAX_CURSOR + 1] = "";
	long n;

	if (o->nwords != 1) {
		fprintf(stderr, "qcstation-central: export [--since CURSOR] [--limit N]\n");
		return EX_USAGE;
	}
	n = sy_central_export(c, o->since, o->limit, put_line, NULL, next, sizeof(next));
	if (n == SY_ERR_ARG) {
		fprintf(stderr, "qcstation-central: --since %s: not an export cursor\n",
			o->since ? o->since : "");
		return EX_USAGE;
	}
	if (fflush(stdout) != 0)
		return EX_IOERR;
	if (n < 0)
		return n == SY_ERR_IO ? EX_IOERR : exit_for((int)n);
	if (!next[0] && o->since)
		snprintf(next, sizeof(next), "%s", o->since);
	if (o->json)
		fprintf(stderr, "{\"exported\":%ld,\"next_cursor\":\"%s\"}\n", n, next);
	else
		fprintf(stderr, "qcstation-central: exported %ld events%s%s\n", n,
			next[0] ? "; resume with --since " : "", next);
	return 0;
}

/* A PEM file into a NUL-terminated buffer (free()); NULL with a message. */
static char *read_pem(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	if (!f) {
		fprintf(stderr, "qcstation-central: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(1024 * 1024 + 1);
	if (buf) {
		n = fread(buf, 1, 1024 * 1024 + 1, f);
		if (ferror(f) || n == 0 || n > 1024 * 1024) {
			fprintf(stderr, "qcstation-central: %s: empty, unreadable or over 1 MiB\n",
				path);
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sy_central_config cfg;
	struct sy_central *c = NULL;
	char *cert = NULL, *key = NULL;
	int ex, rc;

	sy_central_process_init();
	memset(&o, 0, sizeof(o));
	o.rate = 100;
	ex = parse_args(argc, argv, &o);
	if (ex != 0)
		goto out;
	if (o.config) {
		int line = ini_parse(o.config, ini_key, &o);

		if (line != 0) {
			if (line < 0)
				fprintf(stderr, "qcstation-central: %s: cannot read\n", o.config);
			else
				fprintf(stderr, "qcstation-central: %s:%d: error\n", o.config,
					line);
			ex = line < 0 ? EX_NOINPUT : EX_CONFIG;
			goto out;
		}
	}
	if (!o.db && set_str(&o.db, "central.db") < 0) {
		ex = EX_OSERR;
		goto out;
	}
	if (!o.listen && set_str(&o.listen, "127.0.0.1:8080") < 0) {
		ex = EX_OSERR;
		goto out;
	}
	if (o.nwords > 0 && strcmp(o.words[0], "station") != 0 &&
	    strcmp(o.words[0], "import") != 0 && strcmp(o.words[0], "export") != 0 &&
	    strcmp(o.words[0], "serve") != 0) {
		fprintf(stderr, "qcstation-central: unknown command \"%s\"\n%s", o.words[0], usage);
		ex = EX_USAGE;
		goto out;
	}
	if (!o.tls_cert != !o.tls_key) {
		fprintf(stderr, "qcstation-central: --tls-cert and --tls-key go together\n");
		ex = EX_USAGE;
		goto out;
	}
	if (o.tls_cert) {
		cert = read_pem(o.tls_cert);
		key = cert ? read_pem(o.tls_key) : NULL;
		if (!key) {
			ex = EX_NOINPUT;
			goto out;
		}
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.tls_cert_pem = cert;
	cfg.tls_key_pem = key;
	cfg.db = o.db;
	cfg.rate_per_s = o.rate;
	cfg.rate_burst = o.burst ? o.burst : 2 * o.rate;
	cfg.max_connections = o.max_conn;
	cfg.timeout_s = o.timeout_s;
	cfg.log = log_stderr;
	cfg.log_ud = &o;
	rc = sy_central_open(&cfg, &c);
	if (rc < 0) {
		fprintf(stderr, "qcstation-central: cannot open the store %s: %s\n",
			strncmp(o.db, "postgres", 8) == 0 ? "(postgresql)" : o.db, sy_strerror(rc));
		ex = rc == SY_ERR_ARG ? EX_USAGE : EX_UNAVAILABLE;
		goto out;
	}
	if (o.nwords == 0 || strcmp(o.words[0], "serve") == 0)
		ex = serve(c, &o);
	else if (strcmp(o.words[0], "station") == 0)
		ex = cmd_station(c, &o);
	else if (strcmp(o.words[0], "import") == 0)
		ex = cmd_import(c, &o);
	else
		ex = cmd_export(c, &o);
out:
	sy_central_close(c);
	free(cert);
	if (key) {
		volatile char *k = key;

		for (size_t i = 0; k[i]; i++)
			k[i] = 0;
		free(key);
	}
	opts_fini(&o);
	return ex < 0 ? 0 : ex;
}
