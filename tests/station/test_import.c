/* Importing orders, products and operators (docs/data-formats.md): the demo
 * document loads with every value intact, a re-import changes nothing, and
 * a bad document is refused with its JSON path and stores nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "st/err.h"
#include "st/import.h"
#include "st/store.h"
#include "common/testutil.h"

static char tmpdir[64];
static unsigned file_no;

static int group_setup(void **state)
{
	(void)state;
	return qc_tmpdir_make(tmpdir, sizeof(tmpdir), "import");
}

static int group_teardown(void **state)
{
	(void)state;
	return qc_tmpdir_remove(tmpdir);
}

static void new_path(char *p, size_t cap, const char *stem)
{
	snprintf(p, cap, "%s/%s-%u.db", tmpdir, stem, ++file_no);
}

/* data/demo/orders.json, found from QC_SRC (the source tree; set by ctest). */
static void demo_path(char *p, size_t cap)
{
	const char *src = getenv("QC_SRC");

	snprintf(p, cap, "%s/data/demo/orders.json", src ? src : ".");
}

static struct st_store *open_store(const char *path)
{
	struct st_store_opts o = { .create = true };
	struct st_store *s = NULL;
	char err[512];

	if (st_store_open(path, &o, &s, err, sizeof(err)) != ST_OK)
		fail_msg("%s", err);
	return s;
}

/* Rows in every table the import writes, as one number per table. */
static void row_counts(const char *path, long long out[7])
{
	static const char *const tables[7] = { "category", "operator",   "product",
					       "orders",   "order_line", "order_line_option",
					       "item" };
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (int i = 0; i < 7; i++) {
		char sql[64];
		sqlite3_stmt *q = NULL;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		out[i] = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
}

static const char *opt(const struct st_line *l, const char *name)
{
	for (unsigned i = 0; i < l->n_opt; i++) {
		if (strcmp(l->opt[i].name, name) == 0)
			return l->opt[i].value;
	}
	return NULL;
}

static void import_file__demo_document(void **state)
{
	struct st_import_stats st = { 0 };
	struct st_order *o = malloc(sizeof(*o));
	struct st_operator op;
	struct st_product p;
	struct st_item it;
	struct st_store *s;
	char demo[512], err[512];
	int rc;

	(void)state;
	assert_non_null(o);
	demo_path(demo, sizeof(demo));
	s = open_store(":memory:");
	rc = st_import_file(s, demo, &st, err, sizeof(err));
	if (rc != ST_OK)
		fail_msg("%s", err);
	assert_int_equal(st.operators, 3);
	assert_int_equal(st.products, 11);
	assert_int_equal(st.orders, 7);
	assert_int_equal(st.lines, 12);
	assert_int_equal(st.items, 12);
	assert_int_equal(st.categories, 0);

	/* A ring in a half size, with its engraving exactly as ordered. */
	assert_int_equal(st_store_order_by_number(s, "ORD-100231", o), ST_OK);
	assert_string_equal(o->customer_name, "Maya Lindqvist");
	assert_int_equal(o->placed_ms, 1795183380000); /* 2026-11-20T14:03:00Z */
	assert_int_equal(o->n_line, 2);
	assert_string_equal(o->line[0].product.category, "ring");
	assert_string_equal(opt(&o->line[0], "size"), "6.5");
	assert_string_equal(opt(&o->line[0], "engraving"), "Forever & Always");
	assert_true(o->line[0].personalized);
	assert_string_equal(opt(&o->line[1], "chain_length_mm"), "450");

	/* Unicode and quotes survive byte for byte; gift box asked for. */
	assert_int_equal(st_store_order_by_number(s, "ORD-100232", o), ST_OK);
	assert_string_equal(o->customer_name, "Jos\xc3\xa9 \xc3\x81lvarez");
	assert_true(o->gift_box);
	assert_string_equal(opt(&o->line[0], "engraving"), "Te amo \xe2\x99\xa5");
	assert_string_equal(opt(&o->line[1], "engraving"),
			    "Love, \"Mom\" \xe2\x80\x94 2026");
	assert_string_equal(opt(&o->line[1], "chain_length_mm"), "400");

	/* Custom order (CUS-02): deposit paid, balance not, not confirmed. */
	assert_int_equal(st_store_order_by_number(s, "ORD-100234", o), ST_OK);
	assert_true(o->custom);
	assert_true(o->deposit_paid);
	assert_false(o->balance_paid);
	assert_false(o->customer_confirmed);
	assert_string_equal(o->status, "in_production");
	assert_true(o->line[0].custom_size);
	assert_string_equal(o->line[0].product.gtin, "");

	assert_int_equal(st_store_order_by_number(s, "ORD-100233", o), ST_OK);
	assert_int_equal(o->delivered_ms, 1791559320000); /* 2026-10-09T15:22:00Z */
	assert_string_equal(opt(&o->line[0], "chain_length_mm"), "500");
	assert_int_equal(o->line[1].quantity, 2);
	assert_int_equal(st_store_order_by_number(s, "ORD-100235", o), ST_OK);
	assert_true(o->line[0].final_sale);
	assert_int_equal(st_store_order_by_number(s, "ORD-100236", o), ST_OK);
	assert_true(o->cancelled);
	assert_int_equal(st_store_order_by_number(s, "ORD-100237", o), ST_OK);
	assert_string_equal(o->ship_country, "GB");
	assert_int_equal(o->n_line, 3);

	/* GTIN-13 and GTIN-12 are stored as GTIN-14. */
	assert_int_equal(st_store_product_by_gtin(s, "09501101020924", &p), ST_OK);
	assert_string_equal(p.sku, "RG-ETR-PLT");
	assert_int_equal(st_store_product_by_sku(s, "ER-STUD-DIA", &p), ST_OK);
	assert_string_equal(p.gtin, "00095011021120");
	assert_int_equal(st_store_product_by_sku(s, "RG-SALE-ROSE", &p), ST_OK);
	assert_true(p.final_sale);

	assert_int_equal(st_store_operator_by_badge(s, "BADGE-0003", &op), ST_OK);
	assert_string_equal(op.role, "lead");
	assert_string_equal(op.name, "Chlo\xc3\xa9 Martin");

	assert_int_equal(st_store_item_by_serial(s, "SN00001004", &it), ST_OK);
	assert_string_equal(it.order_number, "ORD-100232");
	assert_int_equal(it.line_no, 2);
	assert_string_equal(it.status, "in_qc");
	assert_int_equal(st_store_item_by_serial(s, "SN00001099", &it), ST_OK);
	assert_string_equal(it.order_number, "");

	st_store_close(s);
	free(o);
}

static void import_file__reimport_changes_nothing(void **state)
{
	struct st_import_stats a = { 0 }, b = { 0 };
	long long before[7], after[7];
	struct st_store *s;
	char path[256], demo[512], err[512];

	(void)state;
	new_path(path, sizeof(path), "reimport");
	demo_path(demo, sizeof(demo));
	s = open_store(path);
	assert_int_equal(st_import_file(s, demo, &a, err, sizeof(err)), ST_OK);
	row_counts(path, before);
	assert_int_equal(st_import_file(s, demo, &b, err, sizeof(err)), ST_OK);
	row_counts(path, after);
	assert_memory_equal(before, after, sizeof(before));
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(before[3], 7);  /* orders */
	assert_int_equal(before[4], 12); /* lines */
	assert_int_equal(before[6], 12); /* items */
	st_store_close(s);
}

static void import_file__unreadable_files_named(void **state)
{
	struct st_import_stats st = { .categories = 99 };
	struct st_store *s;
	char path[256], err[512];
	FILE *f;

	(void)state;
	s = open_store(":memory:");
	snprintf(path, sizeof(path), "%s/no-such.json", tmpdir);
	assert_int_equal(st_import_file(s, path, &st, err, sizeof(err)), ST_ERR_NOTFOUND);
	assert_non_null(strstr(err, path));
	assert_int_equal(st.categories, 99); /* untouched on failure */

	/* Larger than the limit: refused before it is read (a sparse file). */
	snprintf(path, sizeof(path), "%s/huge.json", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)ST_IMPORT_MAX_BYTES + 1), 0);
	fclose(f);
	assert_int_equal(st_import_file(s, path, NULL, err, sizeof(err)), ST_ERR_RANGE);
	assert_non_null(strstr(err, "64 MiB"));
	unlink(path);
	assert_int_equal(st_import_json(s, "{}", (size_t)ST_IMPORT_MAX_BYTES + 1, "big.json",
					NULL, err, sizeof(err)),
			 ST_ERR_RANGE);
	st_store_close(s);
}

/* Valid records first, so that "nothing stored" means something. */
#define HEAD                                                                                  \
	"{\"format\": \"qcstation-import\", \"version\": 1,"                                   \
	" \"operators\": [{\"badge\": \"BADGE-0100\", \"name\": \"Ida\", \"role\": \"lead\"}]," \
	" \"products\": [{\"sku\": \"T-RING\", \"name\": \"Test ring\", \"category\": "     \
	"\"ring\", \"gtin\": \"09501101020917\"}"
#define ORDER(x) HEAD "], \"orders\": [{\"number\": \"ORD-9001\"" x "}]}"
#define LINE(x) ORDER(", \"lines\": [{\"line_no\": 1, \"sku\": \"T-RING\"" x "}]")

#define LONG10 "0123456789"
#define LONG100 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10

static void import_json__bad_documents_store_nothing(void **state)
{
	static const struct {
		const char *doc;
		int rc;
		const char *msg; /* part of the message */
	} t[] = {
		/* Syntax: jansson's line:column. */
		{ "{\n  \"format\": \"qcstation-import\",\n  \"version\": 1,\n"
		  "  \"orders\": [ { \"number\": \"ORD-1\" ,, } ]\n}",
		  ST_ERR_PARSE, "t.json:4:" },
		{ "", ST_ERR_PARSE, "t.json:1:" },
		{ HEAD "], \"products\": []}", ST_ERR_PARSE, "duplicate" },
		{ "[1, 2]", ST_ERR_PARSE, "t.json: expected an object, got an array" },
		{ "{\"format\": \"qcstation-import\", \"version\": 1, \"x\": \"a\\u0000b\"}",
		  ST_ERR_PARSE, "t.json:1:" },
		{ "{\"format\": \"qcstation-import\", \"version\": 1, \"x\": \"\xc3\x28\"}",
		  ST_ERR_PARSE, "t.json:1:" },
		/* Header. */
		{ "{\"version\": 1}", ST_ERR_PARSE, "t.json: format: missing" },
		{ "{\"format\": \"orders\", \"version\": 1}", ST_ERR_PARSE, "format: expected" },
		{ "{\"format\": \"qcstation-import\", \"version\": 2}", ST_ERR_PARSE,
		  "version: version 2 is newer" },
		{ "{\"format\": \"qcstation-import\", \"version\": \"1\"}", ST_ERR_PARSE,
		  "version: expected an integer, got a string" },
		{ HEAD "], \"customers\": []}", ST_ERR_PARSE, "customers: unknown key" },
		{ HEAD "], \"orders\": {}}", ST_ERR_PARSE, "orders: expected an array" },
		/* Products. */
		{ HEAD ", {\"sku\": \"T-HAT\", \"name\": \"Hat\", \"category\": \"hat\"}]}",
		  ST_ERR_PARSE, "products[1].category: unknown category \"hat\"" },
		{ HEAD ", {\"sku\": \"T-2\", \"name\": \"X\", \"category\": \"ring\","
		       " \"gtin\": \"9501101020925\"}]}",
		  ST_ERR_PARSE, "products[1].gtin: check digit should be 4, not 5" },
		{ HEAD ", {\"sku\": \"T-2\", \"name\": \"X\", \"category\": \"ring\","
		       " \"gtin\": \"95011010209\"}]}",
		  ST_ERR_PARSE, "products[1].gtin: expected 8, 12, 13 or 14 digits" },
		{ HEAD ", {\"sku\": \"T-2\", \"name\": \"X\", \"category\": \"ring\","
		       " \"gtin\": 9501101020924}]}",
		  ST_ERR_PARSE, "products[1].gtin: expected a string, got an integer" },
		{ HEAD ", {\"sku\": \"T-2\", \"name\": \"X\", \"category\": \"ring\","
		       " \"gtin\": \"9501101020917\"}]}",
		  ST_ERR_PARSE, "products[1]: rejected by the store" }, /* GTIN of T-RING */
		{ HEAD ", {\"name\": \"X\", \"category\": \"ring\"}]}", ST_ERR_PARSE,
		  "products[1].sku: missing" },
		{ HEAD ", {\"sku\": \"T-2\", \"name\": \"X\", \"category\": \"ring\","
		       " \"final_sale\": \"yes\"}]}",
		  ST_ERR_PARSE, "products[1].final_sale: expected true or false" },
		/* Orders. */
		{ LINE(""), ST_OK, NULL }, /* the control: LINE() itself is fine */
		{ ORDER(", \"lines\": [{\"line_no\": 1, \"quantity\": 1}]"), ST_ERR_PARSE,
		  "orders[0].lines[0].sku: missing" },
		{ ORDER(", \"lines\": [{\"line_no\": 1, \"sku\": \"NOPE\"}]"), ST_ERR_PARSE,
		  "orders[0].lines[0].sku: unknown sku \"NOPE\"" },
		{ LINE(", \"quantity\": \"2\""), ST_ERR_PARSE,
		  "orders[0].lines[0].quantity: expected an integer, got a string" },
		{ LINE(", \"quantity\": 1.5"), ST_ERR_PARSE,
		  "orders[0].lines[0].quantity: expected an integer" },
		{ LINE(", \"quantity\": 0"), ST_ERR_RANGE, "orders[0].lines[0].quantity: 0 is out" },
		{ LINE(", \"colour\": \"red\""), ST_ERR_PARSE,
		  "orders[0].lines[0].colour: unknown key" },
		{ LINE(", \"options\": {\"engraving\": \"" LONG100 LONG100 LONG100 "\"}"),
		  ST_ERR_RANGE, "orders[0].lines[0].options.engraving: too long (300 bytes" },
		{ LINE(", \"options\": {\"size\": 7}"), ST_ERR_PARSE,
		  "orders[0].lines[0].options.size: expected a string, got an integer" },
		{ LINE(", \"options\": {\"Ring Size\": \"7\"}"), ST_ERR_PARSE,
		  "orders[0].lines[0].options.Ring Size: option names" },
		{ LINE(", \"options\": {\"a\": \"1\", \"b\": \"1\", \"c\": \"1\", \"d\": \"1\","
		       " \"e\": \"1\", \"f\": \"1\", \"g\": \"1\", \"h\": \"1\", \"i\": \"1\","
		       " \"j\": \"1\", \"k\": \"1\", \"l\": \"1\", \"m\": \"1\", \"n\": \"1\","
		       " \"o\": \"1\", \"p\": \"1\", \"q\": \"1\"}"),
		  ST_ERR_RANGE, "orders[0].lines[0].options: 17 options, at most 16" },
		{ ORDER(", \"lines\": [{\"line_no\": 1, \"sku\": \"T-RING\"},"
			" {\"line_no\": 1, \"sku\": \"T-RING\"}]"),
		  ST_ERR_PARSE, "orders[0].lines[1].line_no: line 1 appears twice" },
		{ ORDER(", \"lines\": [{\"line_no\": 0, \"sku\": \"T-RING\"}]"), ST_ERR_RANGE,
		  "orders[0].lines[0].line_no: 0 is out of range" },
		{ ORDER(", \"placed_at\": \"2026-02-30T10:00:00Z\""), ST_ERR_PARSE,
		  "orders[0].placed_at: \"2026-02-30T10:00:00Z\" is not an RFC 3339 time" },
		{ ORDER(", \"placed_at\": \"2026-11-20 14:03\""), ST_ERR_PARSE,
		  "orders[0].placed_at: \"2026-11-20 14:03\" is not" },
		{ ORDER(", \"delivered_at\": 1763647380000"), ST_ERR_PARSE,
		  "orders[0].delivered_at: expected an RFC 3339 time" },
		{ ORDER(", \"customer\": {\"name\": \"" LONG100 LONG100 "\"}"), ST_ERR_RANGE,
		  "orders[0].customer.name: too long (200 bytes, at most 127)" },
		{ ORDER(", \"customer\": {\"phone\": \"555\"}"), ST_ERR_PARSE,
		  "orders[0].customer.phone: unknown key" },
		{ ORDER(", \"payment\": {\"deposit_paid\": 1}"), ST_ERR_PARSE,
		  "orders[0].payment.deposit_paid: expected true or false, got an integer" },
		{ ORDER(", \"cancelled\": \"no\""), ST_ERR_PARSE,
		  "orders[0].cancelled: expected true or false" },
		{ ORDER(", \"ship_country\": \"gb\""), ST_ERR_PARSE,
		  "orders[0].ship_country: expected an ISO 3166" },
		{ ORDER(", \"status\": \"teleported\""), ST_ERR_PARSE,
		  "orders[0]: rejected by the store (order_upsert: CHECK constraint failed: "
		  "order_status)" },
		{ HEAD "], \"orders\": [{\"customer\": {}}]}", ST_ERR_PARSE,
		  "orders[0].number: missing" },
		{ HEAD "], \"orders\": [{\"number\": \"\"}]}", ST_ERR_PARSE,
		  "orders[0].number: empty" },
		{ HEAD "], \"orders\": [{\"number\": \"ORD-" LONG100 "\"}]}", ST_ERR_RANGE,
		  "orders[0].number: too long" },
		/* Items. */
		{ HEAD "], \"items\": [{\"serial\": \"SN00000001\", \"sku\": \"NOPE\"}]}",
		  ST_ERR_PARSE, "items[0].sku: unknown sku" },
		{ HEAD "], \"items\": [{\"serial\": \"SN00000001\", \"sku\": \"T-RING\","
		       " \"order\": \"ORD-404\", \"line_no\": 1}]}",
		  ST_ERR_PARSE, "items[0]: order \"ORD-404\" line 1: item_upsert: no such order line" },
		{ HEAD "], \"items\": [{\"serial\": \"SN00000001\", \"sku\": \"T-RING\","
		       " \"order\": \"ORD-404\"}]}",
		  ST_ERR_PARSE, "items[0].line_no: missing" },
		{ HEAD "], \"items\": [{\"serial\": \"SN00000001\", \"sku\": \"T-RING\","
		       " \"line_no\": 1}]}",
		  ST_ERR_PARSE, "items[0].line_no: given without \"order\"" },
		{ HEAD "], \"items\": [{\"serial\": \"SN00000001\", \"sku\": \"T-RING\","
		       " \"status\": \"lost\"}]}",
		  ST_ERR_PARSE, "items[0]: rejected by the store" },
		{ HEAD "], \"items\": [\"SN00000001\"]}", ST_ERR_PARSE,
		  "items[0]: expected an object, got a string" },
		{ HEAD "], \"operators\": [{\"badge\": \"BADGE-0101\", \"name\": \"Jo\"}]}",
		  ST_ERR_PARSE, "duplicate" },
	};
	long long before[7], after[7];
	struct st_store *s;
	char path[256], err[512];

	(void)state;
	new_path(path, sizeof(path), "bad");
	s = open_store(path);
	row_counts(path, before);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_import_stats st = { 7, 7, 7, 7, 7, 7 };
		int rc;

		err[0] = '\0';
		rc = st_import_json(s, t[i].doc, strlen(t[i].doc), "t.json", &st, err,
				    sizeof(err));
		if (rc != t[i].rc || (t[i].msg && !strstr(err, t[i].msg)))
			fail_msg("case %zu: rc %d (want %d), message \"%s\" (want \"%s\")", i, rc,
				 t[i].rc, err, t[i].msg ? t[i].msg : "");
		if (rc == ST_OK) {
			/* Undo the control's rows by starting over on a new file. */
			st_store_close(s);
			new_path(path, sizeof(path), "bad");
			s = open_store(path);
			row_counts(path, before);
			continue;
		}
		assert_int_equal(st.orders, 7); /* stats untouched on failure */
		row_counts(path, after);
		if (memcmp(before, after, sizeof(before)) != 0)
			fail_msg("case %zu stored something: %s", i, err);
	}
	st_store_close(s);
}

static void import_json__messages_fit_small_buffers(void **state)
{
	static const char doc[] = ORDER(", \"placed_at\": \"yesterday\"");
	struct st_store *s;
	char err[16];

	(void)state;
	s = open_store(":memory:");
	memset(err, 'x', sizeof(err));
	assert_int_equal(st_import_json(s, doc, sizeof(doc) - 1, "a-rather-long-name.json", NULL,
					err, sizeof(err)),
			 ST_ERR_PARSE);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(st_import_json(s, doc, sizeof(doc) - 1, NULL, NULL, NULL, 0),
			 ST_ERR_PARSE);
	assert_int_equal(st_import_json(s, "{", 1, "x", NULL, err, sizeof(err)), ST_ERR_PARSE);
	st_store_close(s);
}

static void import_json__times_and_gtin_forms(void **state)
{
	static const struct {
		const char *at;
		long long ms;
	} t[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-20T14:03:00Z", 1795183380000 },
		{ "2026-11-20t14:03:00z", 1795183380000 },
		{ "2026-11-20T15:03:00+01:00", 1795183380000 },
		{ "2026-11-20T09:03:00.250-05:00", 1795183380250 },
		{ "2028-02-29T00:00:00.123456789Z", 1835395200123 },
	};
	struct st_order *o = malloc(sizeof(*o));
	struct st_store *s;
	char doc[512], err[512];

	(void)state;
	assert_non_null(o);
	s = open_store(":memory:");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(doc, sizeof(doc),
			 "{\"format\": \"qcstation-import\", \"version\": 1, \"orders\":"
			 " [{\"number\": \"ORD-5000\", \"placed_at\": \"%s\"}]}",
			 t[i].at);
		if (st_import_json(s, doc, strlen(doc), "t.json", NULL, err, sizeof(err)) != ST_OK)
			fail_msg("%s: %s", t[i].at, err);
		assert_int_equal(st_store_order_by_number(s, "ORD-5000", o), ST_OK);
		assert_int_equal(o->placed_ms, t[i].ms);
	}
	st_store_close(s);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_file__demo_document),
		cmocka_unit_test(import_file__reimport_changes_nothing),
		cmocka_unit_test(import_file__unreadable_files_named),
		cmocka_unit_test(import_json__bad_documents_store_nothing),
		cmocka_unit_test(import_json__messages_fit_small_buffers),
		cmocka_unit_test(import_json__times_and_gtin_forms),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
