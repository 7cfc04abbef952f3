/* station: import orders, products and operators from a JSON document.
 *
 * The document format ("qcstation-import", version 1) is described in
 * docs/data-formats.md; it is also what the central store sends.  An import
 * is all-or-nothing: it runs in one store transaction, and a document with
 * any error stores nothing.  Re-importing the same document changes nothing
 * (records are matched by badge, sku, order number + line_no, serial).
 *
 * Not for: deciding what an order means for a workflow; fetching the
 * document (the sync client and the CLI do that).
 */
#ifndef QC_STATION_IMPORT_H
#define QC_STATION_IMPORT_H

#include <stddef.h>

struct st_store;

#define ST_IMPORT_MAX_BYTES (64u * 1024u * 1024u) /* largest document accepted */

/* What one successful import stored (created or updated), per kind. */
struct st_import_stats {
	unsigned categories, products, operators, orders, lines, items;
};

/* Import the document text[0..len) (need not be NUL-terminated) into s.
 * name names the document in messages ("orders.json").  On failure err
 * [errlen] (may be NULL) holds one message with the JSON path of what is
 * wrong, e.g. "orders.json: orders[3].lines[0].sku: missing", or
 * "orders.json:12:5: ..." (line:column) for a syntax error.
 * OUT: *stats (may be NULL), written only on success.
 * Returns 0; ST_ERR_PARSE (the document is not valid: nothing stored);
 * ST_ERR_RANGE (a value or the document is too large: nothing stored);
 * or a store error (ST_ERR_BUSY, ST_ERR_FULL, ...: nothing stored).
 * Must not be called inside st_store_begin()/commit(). */
int st_import_json(struct st_store *s, const char *text, size_t len, const char *name,
		   struct st_import_stats *stats, char *err, size_t errlen);

/* The same inside the caller's open transaction (st_store_begin(), or a
 * sync page's, st/store_sync.h): the records go into that transaction,
 * which this neither commits nor rolls back.  On failure some records may
 * already be written: the caller rolls back (or back to its savepoint). */
int st_import_json_in_tx(struct st_store *s, const char *text, size_t len, const char *name,
			 struct st_import_stats *stats, char *err, size_t errlen);

/* Read the file at path (at most ST_IMPORT_MAX_BYTES) and import it as
 * st_import_json() does, naming it by path.  Adds ST_ERR_NOTFOUND and
 * ST_ERR_IO for a file that cannot be read. */
int st_import_file(struct st_store *s, const char *path, struct st_import_stats *stats,
		   char *err, size_t errlen);

#endif
