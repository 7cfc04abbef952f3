/* station: the JSON shapes the station prints (headless events, barcode
 * parse --json).  docs/data-formats.md is their reference; jansson builds
 * them.  Every function returns a new reference (NULL only on out of memory).
 */
#ifndef QC_STATION_EVENTS_H
#define QC_STATION_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "st/barcode.h"
#include "st/store.h"

/* Bytes as a JSON string: as-is when valid UTF-8, else with each invalid
 * byte replaced by U+FFFD (*lossy set to 1 when not NULL). */
json_t *st_json_bytes(const uint8_t *b, size_t n, int *lossy);

/* True when b[0..n) is valid UTF-8 without NUL bytes. */
int st_utf8_valid(const uint8_t *b, size_t n);

/* "2026-11-26T19:04:05.123Z" for a UTC Unix-ms time, into buf[32]. */
const char *st_json_time(int64_t ts_ms, char buf[32]);

/* A classified code: input, valid, kind, symbology, ais, gtin, id, carrier,
 * errors (see docs/data-formats.md). */
json_t *st_json_barcode(const struct st_bc *bc, const uint8_t *in, size_t n);

json_t *st_json_product(const struct st_product *p);
/* The order; with its lines when with_lines (an item event carries the
 * order without lines, and the item's own line beside it). */
json_t *st_json_order(const struct st_order *o, int with_lines);
json_t *st_json_line(const struct st_line *l);
json_t *st_json_item(const struct st_item *it);
json_t *st_json_operator(const struct st_operator *op);

#endif
