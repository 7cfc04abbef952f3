/* End to end: qcstation's command line as a script or an operator uses it:
 * exit statuses, error messages that name what and where, barcode parse,
 * import, db check and db backup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "proc.h"

struct fx {
	char *dir;
	char db[512];
	char *out, *err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tmpdir_new();
	snprintf(f->db, sizeof(f->db), "%s/station.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_rf(f->dir);
	free(f->dir);
	free(f->out);
	free(f->err);
	free(f);
	return 0;
}

static int qc(struct fx *f, const char *const argv[], const char *in)
{
	free(f->out);
	free(f->err);
	return run(argv, in, in ? strlen(in) : 0, &f->out, &f->err);
}

static void write_file(const char *path, const void *b, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b, 1, n, fp), n);
	fclose(fp);
}

static char *read_file(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long len;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc((size_t)len + 1);
	assert_int_equal(fread(b, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return b;
}

static void cli__help_and_unknown_command(void **state)
{
	struct fx *f = *state;
	const char *help[] = { "qcstation", "--help", NULL };
	const char *sub_help[] = { "qcstation", "barcode", "--help", NULL };
	const char *bogus[] = { "qcstation", "frobnicate", NULL };
	const char *bogus_opt[] = { "qcstation", "--frob", NULL };

	assert_int_equal(qc(f, help, NULL), 0);
	assert_non_null(strstr(f->out, "barcode parse"));
	assert_int_equal(qc(f, sub_help, NULL), 0);
	assert_non_null(strstr(f->out, "--json"));
	assert_int_equal(qc(f, bogus, NULL), 64);
	assert_non_null(strstr(f->err, "'frobnicate' is not a qcstation command"));
	assert_int_equal(qc(f, bogus_opt, NULL), 64);
	assert_non_null(strstr(f->err, "--frob"));
}

static void cli__barcode_parse_json_and_exit_status(void **state)
{
	struct fx *f = *state;
	const char *good[] = { "qcstation", "barcode", "parse", "--json", "09501101020917",
			       "ORD-100231", NULL };
	const char *mixed[] = { "qcstation", "barcode", "parse", "--json", "09501101020917",
				"09501101020916", NULL };
	const char *from_stdin[] = { "qcstation", "barcode", "parse", "--json", NULL };
	json_t *j;
	json_error_t e;
	char *nl;

	assert_int_equal(qc(f, good, NULL), 0);
	j = json_loads(f->out, JSON_DISABLE_EOF_CHECK, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "gtin");
	assert_true(json_is_true(json_object_get(j, "valid")));
	assert_true(json_is_null(json_object_get(j, "symbology")));
	json_decref(j);

	assert_int_equal(qc(f, mixed, NULL), 1);
	nl = strchr(f->out, '\n');
	assert_non_null(nl);
	j = json_loads(nl + 1, JSON_DISABLE_EOF_CHECK, &e);
	assert_non_null(j);
	assert_false(json_is_true(json_object_get(j, "valid")));
	assert_true(json_array_size(json_object_get(j, "errors")) >= 1);
	json_decref(j);

	/* One code per line on stdin; GS is the byte 0x1D. */
	assert_int_equal(qc(f, from_stdin, "]C1010950110102091710ABC\x1d" "21XYZ\n"), 0);
	j = json_loads(f->out, JSON_DISABLE_EOF_CHECK, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "symbology")), "]C1");
	assert_int_equal(json_array_size(json_object_get(j, "ais")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "ais"), 2), "value")), "XYZ");
	json_decref(j);
}

static void cli__malformed_config_names_file_and_line(void **state)
{
	struct fx *f = *state;
	char cfg[600];
	const char *argv[] = { "qcstation", "--config", cfg, "barcode", "parse", "X", NULL };
	static const char text[] = "[station]\ncode = B1\ncolour = red\n";

	snprintf(cfg, sizeof(cfg), "%s/station.ini", f->dir);
	write_file(cfg, text, sizeof(text) - 1);
	assert_int_equal(qc(f, argv, NULL), 78);
	{
		char want[700];

		snprintf(want, sizeof(want), "%s:3: unknown key 'colour'", cfg);
		assert_non_null(strstr(f->err, want));
	}
}

static void cli__database_problems_have_their_exit_status(void **state)
{
	struct fx *f = *state;
	char bad[600], notdir[600], newer[600];
	const char *corrupt[] = { "qcstation", "db", "check", "--db", bad, NULL };
	const char *unwritable[] = { "qcstation", "import", "orders", "x.json", "--db", notdir, NULL };
	const char *too_new[] = { "qcstation", "db", "check", "--db", newer, NULL };
	const char *missing[] = { "qcstation", "db", "check", "--db", "/nonexistent/q.db", NULL };
	sqlite3 *h;
	char *before, *after;
	size_t nb, na;

	/* Not a database. */
	snprintf(bad, sizeof(bad), "%s/bad.db", f->dir);
	write_file(bad, "this is not an SQLite database, it is a shopping list...........", 64);
	assert_int_equal(qc(f, corrupt, NULL), 65);
	assert_non_null(strstr(f->err, bad));

	/* The data folder cannot be made (a file is in the way). */
	snprintf(notdir, sizeof(notdir), "%s/bad.db/sub/station.db", f->dir);
	assert_int_equal(qc(f, unwritable, NULL), 73);
	assert_non_null(strstr(f->err, "data folder"));

	/* Made by a newer qcstation: refused, and not one byte changes. */
	snprintf(newer, sizeof(newer), "%s/newer.db", f->dir);
	assert_int_equal(sqlite3_open(newer, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE future(x); PRAGMA user_version = 999;", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	before = read_file(newer, &nb);
	assert_int_equal(qc(f, too_new, NULL), 65);
	assert_non_null(strstr(f->err, "newer"));
	after = read_file(newer, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(after, before, nb);
	free(before);
	free(after);

	assert_int_equal(qc(f, missing, NULL), 66);
}

static void cli__locked_database_is_a_temporary_failure(void **state)
{
	struct fx *f = *state;
	char cfg[600];
	const char *init[] = { "qcstation", "barcode", "parse", "X", NULL };
	const char *argv[] = { "qcstation", "--config", cfg, "--db", f->db, "run", "--headless", NULL };
	const char *mk[] = { "qcstation", "--db", f->db, "run", "--headless", NULL };
	sqlite3 *h;

	(void)init;
	snprintf(cfg, sizeof(cfg), "%s/fast.ini", f->dir);
	write_file(cfg, "[store]\nbusy_timeout_ms = 50\n", 29);
	assert_int_equal(qc(f, mk, ""), 0); /* create and migrate */
	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;", NULL,
				      NULL, NULL), SQLITE_OK);
	assert_int_equal(qc(f, argv, "BADGE-0001\n"), 75);
	assert_non_null(strstr(f->err, "locked"));
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
}

static void cli__import_check_and_backup(void **state)
{
	struct fx *f = *state;
	char demo[600], copy[600], badjson[600];
	const char *imp[] = { "qcstation", "import", "orders", demo, "--db", f->db, "--json", NULL };
	const char *imp_bad[] = { "qcstation", "import", "orders", badjson, "--db", f->db, NULL };
	const char *check[] = { "qcstation", "db", "check", "--db", f->db, "--json", NULL };
	const char *backup[] = { "qcstation", "db", "backup", copy, "--db", f->db, NULL };
	const char *check_copy[] = { "qcstation", "db", "check", "--db", copy, NULL };
	sqlite3 *h;

	snprintf(demo, sizeof(demo), "%s/data/demo/orders.json", qc_src());
	snprintf(copy, sizeof(copy), "%s/backup.db", f->dir);
	snprintf(badjson, sizeof(badjson), "%s/bad.json", f->dir);
	assert_int_equal(qc(f, imp, NULL), 0);
	assert_non_null(strstr(f->out, "\"orders\""));

	/* A broken document changes nothing and says where it is broken. */
	write_file(badjson, "{\"format\": \"qcstation-import\", \"version\": 1,\n \"orders\": [}\n", 59);
	assert_int_equal(qc(f, imp_bad, NULL), 65);
	assert_non_null(strstr(f->err, badjson));

	assert_int_equal(qc(f, check, NULL), 0);
	assert_non_null(strstr(f->out, "\"ok\":true"));
	assert_int_equal(qc(f, backup, NULL), 0);
	assert_int_equal(qc(f, check_copy, NULL), 0);

	/* A dangling foreign key makes check fail (exit 1) and say where. */
	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA foreign_keys = OFF; "
					 "INSERT INTO item(serial, product_id, status, created_ms, updated_ms) "
					 "VALUES ('SN99999999', 987654, 'received', 0, 0);",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(qc(f, check, NULL), 1);
	assert_non_null(strstr(f->out, "item"));
}

/* Issue 4: "devices" lists what a driver knows (nothing in a container), or
 * exits 69 saying why USB cannot be used; never touches the database. */
static void cli__devices_lists_or_says_why(void **state)
{
	struct fx *f = *state;
	char cfg[600];
	const char *list[] = { "qcstation", "--config", cfg, "devices", "--json", NULL };
	const char *text[] = { "qcstation", "--config", cfg, "devices", NULL };
	const char *bad[] = { "qcstation", "devices", "--frob", NULL };
	static const char ini[] = "[devices]\nusb = on\nqa-bench-scanner = 0c2e:0b61:SN1\n"
				  "[buttons]\nf13 = PASS\n";
	json_t *doc;
	int rc;

	snprintf(cfg, sizeof(cfg), "%s/station.ini", f->dir);
	write_file(cfg, ini, sizeof(ini) - 1);
	rc = qc(f, list, NULL);
	if (rc == 69) {
		assert_non_null(strstr(f->err, "USB is unavailable"));
	} else {
		assert_int_equal(rc, 0);
		doc = json_loads(f->out, 0, NULL);
		assert_non_null(doc);
		assert_true(json_is_array(json_object_get(doc, "devices")));
		json_decref(doc);
		assert_int_equal(qc(f, text, NULL), 0);
	}
	assert_int_equal(qc(f, bad, NULL), 64);
	assert_non_null(strstr(f->err, "--frob"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(cli__help_and_unknown_command, setup, teardown),
		cmocka_unit_test_setup_teardown(cli__barcode_parse_json_and_exit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(cli__malformed_config_names_file_and_line, setup, teardown),
		cmocka_unit_test_setup_teardown(cli__database_problems_have_their_exit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(cli__locked_database_is_a_temporary_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(cli__import_check_and_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(cli__devices_lists_or_says_why, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
