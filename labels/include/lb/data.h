/* labels: the data a template is filled with.
 *
 * Named string values ("rma" = "RMA-2024-000123") and lists of items, each
 * item a few named strings (the command sheet's "codes": code and text).
 * Bounded: LB_DATA_MAX entries, values up to LB_BLOCK_MAX bytes.
 */
#ifndef QC_LABELS_DATA_H
#define QC_LABELS_DATA_H

#include <stddef.h>

#define LB_DATA_MAX 512        /* values, list items' values included */
#define LB_DATA_ITEMS_MAX 128  /* items in one list */

struct lb_data;

int lb_data_new(struct lb_data **out);
void lb_data_free(struct lb_data *d);

/* Set name to value[0..len) (copied; replaces an earlier value).
 * LB_ERR_ARG for a bad name (empty, longer than LB_NAME_MAX - 1),
 * LB_ERR_RANGE for a value longer than LB_BLOCK_MAX or a full set. */
int lb_data_set(struct lb_data *d, const char *name, const char *value, size_t len);
/* Set key of item `item` (0-based, < LB_DATA_ITEMS_MAX) of list `list`. */
int lb_data_set_item(struct lb_data *d, const char *list, unsigned item, const char *key,
		     const char *value, size_t len);

/* The value of name, or NULL; *len gets its length. */
const char *lb_data_get(const struct lb_data *d, const char *name, size_t *len);
/* The value of key in item of list, or NULL. */
const char *lb_data_get_item(const struct lb_data *d, const char *list, unsigned item,
			     const char *key, size_t *len);
/* The i-th value's name (in the order set), or NULL past the last; *item
 * gets its item index (-1 for a plain value) and *key its key ("" then). */
const char *lb_data_name(const struct lb_data *d, size_t i, int *item, const char **key);

/* The number of items of list (highest index + 1), 0 when none. */
unsigned lb_data_items(const struct lb_data *d, const char *list);

/* Parse a JSON object: string members are values, numbers are kept as
 * written; array members are lists of objects of strings.  file names the
 * document in err ("file: member: problem").  LB_ERR_TEMPLATE for bad input,
 * LB_ERR_RANGE past a bound, LB_ERR_NOMEM. */
int lb_data_parse_json(const char *buf, size_t len, const char *file, struct lb_data **out,
		       char *err, size_t errlen);

#endif
