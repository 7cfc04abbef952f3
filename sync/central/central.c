/* sync/central: the central store's operations, independent of HTTP:
 * stations and tokens, ingest of a batch, feed pages, import and export.
 * The database work is in db_sqlite.c / db_pg.c behind struct cs_db_ops; the
 * HTTP front is http.c. */
#include "sy/central.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "central/central-int.h"
#include "proto/jbuf.h"

struct sy_central {
	struct sy_central_config cfg;
	char *db_name;
	char *tls_cert, *tls_key;
	struct cs_db *db;
	struct cs_rate *rate;
};

/* The feed kinds and the import sections they come from, in import order. */
static const struct {
	const char *section, *kind, *key;
} sections[] = {
	{ "categories", "category", "code" },
	{ "operators", "operator", "badge" },
	{ "products", "product", "sku" },
	{ "orders", "order", "number" },
	{ "items", "item", "serial" },
	{ "cancellations", "cancellation", "order" },
	{ "payments", "payment", "order" },
	{ "confirmations", "confirmation", "order" },
	{ "rmas", "rma", "rma" },
	{ "service_requests", "service_request", "ticket" },
	{ "checklists", "checklist", "category" },
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

const char *const sy_central_kinds[] = {
	"category", "operator", "product", "order", "item", "cancellation", "payment",
	"confirmation", "rma", "service_request", "checklist", NULL,
};

void cs_log(struct sy_central *c, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!c || !c->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->cfg.log(level, msg, c->cfg.log_ud);
}

int64_t cs_now_ms(struct sy_central *c)
{
	struct timespec ts;

	if (c->cfg.now_ms)
		return c->cfg.now_ms(c->cfg.clock_ud);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t cs_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct cs_db *cs_central_db(struct sy_central *c)
{
	return c->db;
}

const struct sy_central_config *cs_central_cfg(struct sy_central *c)
{
	return &c->cfg;
}

int sy_central_open(const struct sy_central_config *cfg, struct sy_central **out)
{
	struct sy_central *c;
	int rc;

	if (!cfg || !cfg->db || !cfg->db[0] || cfg->rate_per_s < 0 || cfg->rate_burst < 0 ||
	    cfg->max_connections < 0 || cfg->timeout_s < 0)
		return SY_ERR_ARG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return SY_ERR_NOMEM;
	c->cfg = *cfg;
	c->db_name = strdup(cfg->db);
	if (!c->db_name) {
		rc = SY_ERR_NOMEM;
		goto fail;
	}
	c->cfg.db = c->db_name;
	if (!cfg->tls_cert_pem != !cfg->tls_key_pem) {
		cs_err(c, "TLS needs both a certificate and its key");
		rc = SY_ERR_ARG;
		goto fail;
	}
	if (cfg->tls_cert_pem) {
		c->tls_cert = strdup(cfg->tls_cert_pem);
		c->tls_key = strdup(cfg->tls_key_pem);
		if (!c->tls_cert || !c->tls_key) {
			rc = SY_ERR_NOMEM;
			goto fail;
		}
	}
	c->cfg.tls_cert_pem = c->tls_cert;
	c->cfg.tls_key_pem = c->tls_key;
	if (c->cfg.max_connections == 0)
		c->cfg.max_connections = 64;
	if (c->cfg.timeout_s == 0)
		c->cfg.timeout_s = 30;
	rc = cs_rate_new(cfg->rate_per_s, cfg->rate_burst, &c->rate);
	if (rc < 0)
		goto fail;
	if (strncmp(cfg->db, "postgresql://", 13) == 0 || strncmp(cfg->db, "postgres://", 11) == 0)
		rc = cs_db_pg_open(c, cfg->db, &c->db);
	else
		rc = cs_db_sqlite_open(c, cfg->db, &c->db);
	if (rc < 0)
		goto fail;
	*out = c;
	return SY_OK;
fail:
	sy_central_close(c);
	return rc;
}

void sy_central_close(struct sy_central *c)
{
	if (!c)
		return;
	if (c->db)
		c->db->ops->close(c->db);
	cs_rate_free(c->rate);
	free(c->db_name);
	free(c->tls_cert);
	if (c->tls_key) {
		/* A private key: do not leave it in freed memory. */
		volatile char *k = c->tls_key;

		for (size_t i = 0; k[i]; i++)
			k[i] = 0;
		free(c->tls_key);
	}
	free(c);
}

const char *sy_central_db_kind(const struct sy_central *c)
{
	return c->db->ops->kind;
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SY_PROTO_MAX_STATION)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return false;
	}
	return true;
}

int sy_central_station_add(struct sy_central *c, const char *name, char *token, size_t cap)
{
	char tok[SY_CENTRAL_TOKEN_CAP];
	uint8_t hash[32];
	int64_t id;
	int rc;

	if (!name || !name_valid(name)) {
		cs_err(c, "station name \"%s\": want 1..63 characters of [A-Za-z0-9._-]",
		       name ? name : "");
		return SY_ERR_ARG;
	}
	if (cap < SY_CENTRAL_TOKEN_CAP)
		return SY_ERR_ARG;
	rc = c->db->ops->station_by_name(c->db, name, &id);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		cs_err(c, "station \"%s\" exists already", name);
		return SY_ERR_ARG;
	}
	rc = cs_token_new(tok, sizeof(tok));
	if (rc < 0)
		return rc;
	cs_token_hash(tok, strlen(tok), hash);
	rc = c->db->ops->station_add(c->db, name, hash, cs_wall_ms());
	if (rc < 0)
		return rc;
	memcpy(token, tok, strlen(tok) + 1);
	return SY_OK;
}

int sy_central_station_token(struct sy_central *c, const char *name, char *token, size_t cap)
{
	char tok[SY_CENTRAL_TOKEN_CAP];
	uint8_t hash[32];
	int rc;

	if (!name || cap < SY_CENTRAL_TOKEN_CAP)
		return SY_ERR_ARG;
	rc = cs_token_new(tok, sizeof(tok));
	if (rc < 0)
		return rc;
	cs_token_hash(tok, strlen(tok), hash);
	rc = c->db->ops->station_token(c->db, name, hash);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		cs_err(c, "no station \"%s\"", name);
		return SY_ERR_ARG;
	}
	memcpy(token, tok, strlen(tok) + 1);
	return SY_OK;
}

int sy_central_station_list(struct sy_central *c, sy_central_station_fn *fn, void *ud)
{
	return c->db->ops->station_list(c->db, fn, ud);
}

int cs_auth(struct sy_central *c, const char *token, size_t len, int64_t *id, char *name)
{
	uint8_t hash[32];

	if (len < 8 || len > 256)
		return 0;
	cs_token_hash(token, len, hash);
	return c->db->ops->station_by_hash(c->db, hash, id, name);
}

int cs_rate_take(struct sy_central *c, int64_t station_id)
{
	return cs_rate_check(c->rate, station_id, cs_now_ms(c));
}

int sy_central_ingest(struct sy_central *c, const char *station, const struct sy_proto_batch *b,
		      struct sy_proto_result *res)
{
	int64_t id;
	int rc;

	rc = c->db->ops->station_by_name(c->db, station, &id);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		cs_err(c, "ingest: station \"%s\" is not registered", station);
		return SY_ERR_ARG;
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct sy_proto_event *e = &b->ev[i];

		memset(&res[i], 0, sizeof(res[i]));
		memcpy(res[i].uuid, e->uuid, sizeof(res[i].uuid));
		if (e->reject[0]) {
			res[i].status = SY_PROTO_REJECTED;
			snprintf(res[i].reason, sizeof(res[i].reason), "%s", e->reject);
		}
	}
	return c->db->ops->ingest(c->db, id, b, res, cs_wall_ms());
}

/* A feed page stops early, with "more", past this many bytes of data, so
 * an answer stays far below what a client accepts (SY_PROTO_MAX_RESPONSE)
 * whatever the import put in the items (each at most 4 MiB). */
#define FEED_PAGE_BYTES (4 * 1024 * 1024)

struct feed_acc {
	struct sy_proto_feed_item *items;
	char **texts; /* kind, key, data copies, 3 per item */
	size_t n, bytes;
	int full;
	int64_t last;
};

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int feed_row(const struct sy_proto_feed_item *it, void *ud)
{
	struct feed_acc *a = ud;
	struct sy_proto_feed_item *x = &a->items[a->n];
	char **t = &a->texts[a->n * 3];

	if (a->n > 0 && a->bytes + it->data_len > FEED_PAGE_BYTES) {
		a->full = 1;
		return 1; /* stop: the rest goes in the next page */
	}
	a->bytes += it->data_len;
	t[0] = strdup(it->kind);
	t[1] = strdup(it->key);
	t[2] = dup_n(it->data, it->data_len);
	if (!t[0] || !t[1] || !t[2]) {
		free(t[0]);
		free(t[1]);
		free(t[2]);
		t[0] = t[1] = t[2] = NULL;
		return SY_ERR_NOMEM;
	}
	x->kind = t[0];
	x->key = t[1];
	x->data = t[2];
	x->data_len = it->data_len;
	x->seq = it->seq;
	a->last = it->seq;
	a->n++;
	return 0;
}

int sy_central_feed(struct sy_central *c, const char *cursor, int limit, char **out, size_t *len)
{
	struct feed_acc a = { NULL, NULL, 0, 0, 0, 0 };
	char next[SY_PROTO_MAX_CURSOR + 1];
	int64_t after = 0;
	int more = 0, rc;

	if (limit < 1 || limit > SY_PROTO_MAX_FEED_LIMIT)
		return SY_ERR_ARG;
	if (cursor && cursor[0] && cs_cursor_parse('s', cursor, &after) < 0)
		return SY_ERR_ARG;
	a.last = after;
	a.items = calloc((size_t)limit, sizeof(*a.items));
	a.texts = calloc((size_t)limit * 3, sizeof(*a.texts));
	if (!a.items || !a.texts) {
		rc = SY_ERR_NOMEM;
		goto out;
	}
	rc = c->db->ops->feed(c->db, after, limit, feed_row, &a, &more);
	if (rc < 0)
		goto out;
	cs_cursor_make('s', a.last, next, sizeof(next));
	rc = sy_proto_feed_encode(a.items, a.n, next, more != 0 || a.full, out, len);
out:
	if (a.texts)
		for (size_t i = 0; i < a.n * 3; i++)
			free(a.texts[i]);
	free(a.texts);
	free(a.items);
	return rc;
}

/* ---- Import ------------------------------------------------------------- */

struct import_rows {
	struct cs_feed_row *rows;
	char **texts;
	size_t n, cap;
};

static int rows_add(struct import_rows *r, const char *kind, const char *key, char *data)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct cs_feed_row *nr = realloc(r->rows, cap * sizeof(*nr));
		char **nt;

		if (!nr)
			return SY_ERR_NOMEM;
		r->rows = nr;
		nt = realloc(r->texts, cap * sizeof(*nt));
		if (!nt)
			return SY_ERR_NOMEM;
		r->texts = nt;
		r->cap = cap;
	}
	r->rows[r->n].kind = kind;
	r->rows[r->n].key = key;
	r->rows[r->n].data = data;
	r->texts[r->n] = data;
	r->n++;
	return SY_OK;
}

#define DETAIL(...) snprintf(detail, detail_cap, __VA_ARGS__)

int sy_central_import(struct sy_central *c, const char *buf, size_t len,
		      struct sy_central_import_stats *stats, char *detail, size_t detail_cap)
{
	struct import_rows r = { NULL, NULL, 0, 0 };
	json_error_t je;
	json_t *root = NULL, *v;
	const char *k;
	int rc = SY_ERR_PROTO;

	memset(stats, 0, sizeof(*stats));
	if (detail_cap)
		detail[0] = '\0';
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		DETAIL("%d:%d: %s", je.line, je.column, je.text);
		goto out;
	}
	if (!json_is_object(root)) {
		DETAIL("not a JSON object");
		goto out;
	}
	json_object_foreach(root, k, v) {
		size_t i;

		if (strcmp(k, "format") == 0) {
			if (!json_is_string(v) ||
			    strcmp(json_string_value(v), "qcstation-import") != 0) {
				DETAIL("format: not \"qcstation-import\"");
				goto out;
			}
			continue;
		}
		if (strcmp(k, "version") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) != 1) {
				DETAIL("version: not 1");
				goto out;
			}
			continue;
		}
		for (i = 0; i < NSECTIONS; i++)
			if (strcmp(k, sections[i].section) == 0)
				break;
		if (i == NSECTIONS) {
			DETAIL("%s: not a section this server knows", k);
			goto out;
		}
		if (!json_is_array(v) && !json_is_null(v)) {
			DETAIL("%s: not an array", k);
			goto out;
		}
	}
	for (size_t s = 0; s < NSECTIONS; s++) {
		json_t *arr = json_object_get(root, sections[s].section);
		size_t i;

		if (!arr || json_is_null(arr))
			continue;
		json_array_foreach(arr, i, v) {
			json_t *key =
				json_is_object(v) ? json_object_get(v, sections[s].key) : NULL;
			size_t kl = key && json_is_string(key) ? json_string_length(key) : 0;
			char *data;

			if (!json_is_object(v)) {
				DETAIL("%s[%zu]: not an object", sections[s].section, i);
				goto out;
			}
			if (!key || !json_is_string(key) || kl == 0 || kl > SY_PROTO_MAX_KEY ||
			    strlen(json_string_value(key)) != kl) {
				DETAIL("%s[%zu].%s: missing, or not a string of 1..255 bytes",
				       sections[s].section, i, sections[s].key);
				goto out;
			}
			data = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (!data) {
				rc = SY_ERR_NOMEM;
				goto out;
			}
			if (strlen(data) > 4 * 1024 * 1024) {
				free(data);
				DETAIL("%s[%zu]: larger than 4 MiB", sections[s].section, i);
				goto out;
			}
			rc = rows_add(&r, sections[s].kind, json_string_value(key), data);
			if (rc < 0) {
				free(data);
				goto out;
			}
			rc = SY_ERR_PROTO;
			stats->by_kind[s]++;
		}
	}
	rc = SY_OK;
	if (r.n > 0)
		rc = c->db->ops->feed_add(c->db, r.rows, r.n, cs_wall_ms());
	if (rc == SY_OK)
		stats->items = (long)r.n;
	else
		memset(stats, 0, sizeof(*stats));
out:
	for (size_t i = 0; i < r.n; i++)
		free(r.texts[i]);
	free(r.texts);
	free(r.rows);
	json_decref(root);
	if (rc == SY_ERR_PROTO)
		memset(stats, 0, sizeof(*stats));
	return rc;
}

/* ---- Export ------------------------------------------------------------- */

struct export_acc {
	sy_central_line_fn *fn;
	void *ud;
	struct sy_jbuf line;
	int64_t last;
};

static int export_row(const struct cs_event_row *e, void *ud)
{
	struct export_acc *a = ud;
	char cur[SY_PROTO_MAX_CURSOR + 1];
	int rc;

	cs_cursor_make('e', e->server_seq, cur, sizeof(cur));
	a->line.len = 0;
	sy_jbuf_cstr(&a->line, "{\"cursor\":\"");
	sy_jbuf_cstr(&a->line, cur);
	sy_jbuf_cstr(&a->line, "\",\"server_seq\":");
	sy_jbuf_int(&a->line, e->server_seq);
	sy_jbuf_cstr(&a->line, ",\"station\":");
	sy_jbuf_str(&a->line, e->station, strlen(e->station));
	sy_jbuf_cstr(&a->line, ",\"uuid\":");
	sy_jbuf_str(&a->line, e->uuid, strlen(e->uuid));
	sy_jbuf_cstr(&a->line, ",\"seq\":");
	sy_jbuf_int(&a->line, e->seq);
	sy_jbuf_cstr(&a->line, ",\"type\":");
	sy_jbuf_str(&a->line, e->type, strlen(e->type));
	sy_jbuf_cstr(&a->line, ",\"entity\":");
	sy_jbuf_str(&a->line, e->entity, strlen(e->entity));
	sy_jbuf_cstr(&a->line, ",\"ts_ms\":");
	sy_jbuf_int(&a->line, e->ts_ms);
	sy_jbuf_cstr(&a->line, ",\"received_ms\":");
	sy_jbuf_int(&a->line, e->received_ms);
	sy_jbuf_cstr(&a->line, ",\"payload\":");
	sy_jbuf_cstr(&a->line, e->payload);
	sy_jbuf_raw(&a->line, "}", 1);
	if (a->line.failed)
		return SY_ERR_NOMEM;
	rc = a->fn(a->line.p, a->line.len, a->ud);
	if (rc != 0)
		return rc < 0 ? rc : SY_ERR_IO;
	a->last = e->server_seq;
	return 0;
}

long sy_central_export(struct sy_central *c, const char *cursor, long limit, sy_central_line_fn *fn,
		       void *ud, char *next_cursor, size_t cap)
{
	struct export_acc a = { fn, ud, SY_JBUF_INIT, 0 };
	int64_t after = 0;
	long n;

	if (cursor && cursor[0] && cs_cursor_parse('e', cursor, &after) < 0)
		return SY_ERR_ARG;
	a.last = after;
	n = c->db->ops->events(c->db, after, limit, export_row, &a);
	sy_jbuf_fini(&a.line);
	if (n >= 0 || a.last > after)
		cs_cursor_make('e', a.last, next_cursor, cap);
	return n;
}
