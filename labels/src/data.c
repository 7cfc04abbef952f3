/* labels: template data, <lb/data.h>: named values and lists of items,
 * bounded; parsed from JSON with jansson. */
#include "lb/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lb/err.h"
#include "lb/label.h"
#include "lb-int.h"

#define KEY_MAX 16

struct entry {
	char name[LB_NAME_MAX];
	int item; /* -1: a plain value */
	char key[KEY_MAX];
	char *value;
	size_t len;
};

struct lb_data {
	size_t n;
	struct entry e[LB_DATA_MAX];
};

int lb_data_new(struct lb_data **out)
{
	struct lb_data *d = calloc(1, sizeof(*d));

	if (!d)
		return LB_ERR_NOMEM;
	*out = d;
	return LB_OK;
}

void lb_data_free(struct lb_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->e[i].value);
	free(d);
}

static struct entry *find(const struct lb_data *d, const char *name, int item, const char *key)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct entry *e = &d->e[i];

		if (e->item == item && !strcmp(e->name, name) && !strcmp(e->key, key))
			return (struct entry *)(uintptr_t)e;
	}
	return NULL;
}

static int set(struct lb_data *d, const char *name, int item, const char *key, const char *v,
	       size_t len)
{
	struct entry *e;
	char *copy;

	if (!name[0] || strlen(name) >= LB_NAME_MAX || strlen(key) >= KEY_MAX)
		return LB_ERR_ARG;
	if (len > LB_BLOCK_MAX)
		return LB_ERR_RANGE;
	e = find(d, name, item, key);
	if (!e && d->n >= LB_DATA_MAX)
		return LB_ERR_RANGE;
	copy = malloc(len + 1);
	if (!copy)
		return LB_ERR_NOMEM;
	if (len)
		memcpy(copy, v, len);
	copy[len] = '\0';
	if (!e) {
		e = &d->e[d->n++];
		snprintf(e->name, sizeof(e->name), "%s", name);
		snprintf(e->key, sizeof(e->key), "%s", key);
		e->item = item;
	} else {
		free(e->value);
	}
	e->value = copy;
	e->len = len;
	return LB_OK;
}

int lb_data_set(struct lb_data *d, const char *name, const char *value, size_t len)
{
	return set(d, name, -1, "", value, len);
}

int lb_data_set_item(struct lb_data *d, const char *list, unsigned item, const char *key,
		     const char *value, size_t len)
{
	if (item >= LB_DATA_ITEMS_MAX || !key[0])
		return item >= LB_DATA_ITEMS_MAX ? LB_ERR_RANGE : LB_ERR_ARG;
	return set(d, list, (int)item, key, value, len);
}

const char *lb_data_get(const struct lb_data *d, const char *name, size_t *len)
{
	const struct entry *e = find(d, name, -1, "");

	if (len)
		*len = e ? e->len : 0;
	return e ? e->value : NULL;
}

const char *lb_data_get_item(const struct lb_data *d, const char *list, unsigned item,
			     const char *key, size_t *len)
{
	const struct entry *e = item < LB_DATA_ITEMS_MAX ? find(d, list, (int)item, key) : NULL;

	if (len)
		*len = e ? e->len : 0;
	return e ? e->value : NULL;
}

const char *lb_data_name(const struct lb_data *d, size_t i, int *item, const char **key)
{
	if (i >= d->n)
		return NULL;
	*item = d->e[i].item;
	*key = d->e[i].key;
	return d->e[i].name;
}

unsigned lb_data_items(const struct lb_data *d, const char *list)
{
	unsigned n = 0;

	for (size_t i = 0; i < d->n; i++)
		if (d->e[i].item >= 0 && !strcmp(d->e[i].name, list) && (unsigned)d->e[i].item >= n)
			n = (unsigned)d->e[i].item + 1;
	return n;
}

/* A scalar JSON value as text: strings as they are, numbers as written. */
static int scalar(json_t *v, char *num, size_t cap, const char **s, size_t *n)
{
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*n = json_string_length(v);
	} else if (json_is_integer(v)) {
		*n = (size_t)snprintf(num, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*s = num;
	} else {
		return 0;
	}
	return 1;
}

static int why(int rc, char *err, size_t errlen, const char *file, const char *where)
{
	lb_errf(err, errlen, "%s: %s: %s", file, where,
		rc == LB_ERR_RANGE ? "too long or too many values" :
		rc == LB_ERR_ARG   ? "bad name" :
				     lb_strerror(rc));
	return rc == LB_ERR_ARG ? LB_ERR_TEMPLATE : rc;
}

int lb_data_parse_json(const char *buf, size_t len, const char *file, struct lb_data **out,
		       char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	struct lb_data *d = NULL;
	const char *name;
	json_t *v;
	int rc;

	if (!root) {
		lb_errf(err, errlen, "%s: line %d: %s", file, je.line, je.text);
		return LB_ERR_TEMPLATE;
	}
	if (!json_is_object(root)) {
		lb_errf(err, errlen, "%s: the data must be one JSON object", file);
		rc = LB_ERR_TEMPLATE;
		goto out;
	}
	rc = lb_data_new(&d);
	if (rc < 0)
		goto out;
	json_object_foreach(root, name, v) {
		char num[32];
		const char *s;
		size_t n;

		if (json_is_array(v)) {
			size_t i;
			json_t *item;

			if (json_array_size(v) > LB_DATA_ITEMS_MAX) {
				lb_errf(err, errlen, "%s: %s: more than %d items", file, name,
					LB_DATA_ITEMS_MAX);
				rc = LB_ERR_RANGE;
				goto out;
			}
			json_array_foreach(v, i, item) {
				const char *key;
				json_t *kv;

				if (!json_is_object(item)) {
					lb_errf(err, errlen, "%s: %s[%zu]: not an object", file, name,
						i);
					rc = LB_ERR_TEMPLATE;
					goto out;
				}
				json_object_foreach(item, key, kv) {
					char where[96];

					snprintf(where, sizeof(where), "%s[%zu].%s", name, i, key);
					if (!scalar(kv, num, sizeof(num), &s, &n)) {
						lb_errf(err, errlen, "%s: %s: not a string", file,
							where);
						rc = LB_ERR_TEMPLATE;
						goto out;
					}
					rc = lb_data_set_item(d, name, (unsigned)i, key, s, n);
					if (rc < 0) {
						rc = why(rc, err, errlen, file, where);
						goto out;
					}
				}
			}
			continue;
		}
		if (!scalar(v, num, sizeof(num), &s, &n)) {
			lb_errf(err, errlen, "%s: %s: not a string, number or list", file, name);
			rc = LB_ERR_TEMPLATE;
			goto out;
		}
		rc = lb_data_set(d, name, s, n);
		if (rc < 0) {
			rc = why(rc, err, errlen, file, name);
			goto out;
		}
	}
	*out = d;
	d = NULL;
	rc = LB_OK;
out:
	lb_data_free(d);
	json_decref(root);
	return rc;
}
