/* End to end: "qcstation label" as a person or a script uses it: the
 * template list, rendering each format, --verify, the command sheet, and
 * exit statuses with messages that name the file and the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "e2e/proc.h"

struct fx {
	char *dir;
	char path[512], data[512];
	char *out, *err;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tmpdir_new();
	snprintf(f->data, sizeof(f->data), "%s/data/labels/samples/shipment-4x6.json",
		 getenv("QC_SRC"));
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

static int qc(struct fx *f, const char *const argv[])
{
	free(f->out);
	free(f->err);
	return run(argv, NULL, 0, &f->out, &f->err);
}

static void write_file(const char *path, const char *s)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(s, 1, strlen(s), fp), strlen(s));
	fclose(fp);
}

static char *read_head(const char *path, size_t n)
{
	FILE *fp = fopen(path, "rb");
	char *b = calloc(1, n + 1);

	assert_non_null(fp);
	assert_int_equal(fread(b, 1, n, fp), n);
	fclose(fp);
	return b;
}

static void templates__json_lists_every_template(void **state)
{
	struct fx *f = *state;
	const char *argv[] = { "qcstation", "label", "templates", "--json", NULL };
	json_error_t je;
	json_t *a, *t;
	size_t i;
	int seen = 0;

	assert_int_equal(qc(f, argv), 0);
	a = json_loads(f->out, 0, &je);
	assert_non_null(a);
	assert_int_equal(json_array_size(a), 7);
	json_array_foreach(a, i, t) {
		if (strcmp(json_string_value(json_object_get(t, "name")), "shipment-4x6"))
			continue;
		seen = 1;
		assert_int_equal(json_integer_value(json_array_get(json_object_get(t, "dots_203"), 0)), 812);
		assert_int_equal(json_integer_value(json_array_get(json_object_get(t, "dots_300"), 1)), 1828);
		assert_true(json_array_size(json_object_get(t, "fields")) >= 7);
	}
	assert_true(seen);
	json_decref(a);
}

static void render__zpl_png_pdf_and_verify(void **state)
{
	struct fx *f = *state;
	const char *zpl[] = { "qcstation", "label", "render", "shipment-4x6", "--data", f->data,
			      "--format", "zpl", NULL };
	const char *png[] = { "qcstation", "label", "render", "shipment-4x6", "--data", f->data,
			      "--format", "png", "--dpi", "300", "-o", f->path, "--verify", NULL };
	const char *pdf[] = { "qcstation", "label", "render", "shipment-4x6", "--data", f->data,
			      "--format", "pdf", "-o", f->path, NULL };
	char *head;

	assert_int_equal(qc(f, zpl), 0);
	assert_true(!strncmp(f->out, "^XA\n^CI28\n^PW812\n^LL1219\n", 25));
	assert_non_null(strstr(f->out, "^FH^FD1Z999AA10123456784^FS"));
	snprintf(f->path, sizeof(f->path), "%s/ship.png", f->dir);
	assert_int_equal(qc(f, png), 0);
	assert_non_null(strstr(f->err, "ok   code128    tracking"));
	assert_non_null(strstr(f->err, "3 barcodes, 0 mismatches"));
	head = read_head(f->path, 8);
	assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
	free(head);
	snprintf(f->path, sizeof(f->path), "%s/ship.pdf", f->dir);
	assert_int_equal(qc(f, pdf), 0);
	head = read_head(f->path, 5);
	assert_string_equal(head, "%PDF-");
	free(head);
}

static void render__bad_input_exit_codes(void **state)
{
	struct fx *f = *state;
	const char *bad_data[] = { "qcstation", "label", "render", "bin-label", "--data", f->path,
				   "--format", "zpl", NULL };
	const char *bad_tpl[] = { "qcstation", "label", "render", f->path, "--data", f->data,
				  "--format", "zpl", NULL };
	const char *no_tpl[] = { "qcstation", "label", "render", "no-such", "--data", f->data,
				 "--format", "zpl", NULL };
	const char *no_file[] = { "qcstation", "label", "render", "bin-label", "--data",
				  "/nonexistent/x.json", "--format", "zpl", NULL };
	const char *dpi[] = { "qcstation", "label", "render", "bin-label", "--data", f->data,
			      "--format", "zpl", "--dpi", "600", NULL };
	const char *print[] = { "qcstation", "label", "print", NULL };

	snprintf(f->path, sizeof(f->path), "%s/bin.json", f->dir);
	write_file(f->path, "{\"bin\": \"RPR-A-03-TOO-LONG-FOR-IT\"}");
	assert_int_equal(qc(f, bad_data), 65);
	assert_non_null(strstr(f->err, "bin-label: field 'bin' (Bin code): 24 bytes, at most 16"));
	assert_string_equal(f->out, "");
	snprintf(f->path, sizeof(f->path), "%s/mine.json", f->dir);
	write_file(f->path, "{\"template\":\"mine\",\"description\":\"d\",\"width\":\"4in\",\"height\":"
			    "\"2in\",\"fields\":[],\"elements\":[{\"type\":\"box\",\"x\":\"4\"}]}");
	assert_int_equal(qc(f, bad_tpl), 65);
	assert_non_null(strstr(f->err, "mine.json: elements[0].x: not a length"));
	assert_int_equal(qc(f, no_tpl), 64);
	assert_non_null(strstr(f->err, "no template 'no-such'"));
	assert_int_equal(qc(f, no_file), 66);
	assert_int_equal(qc(f, dpi), 64);
	assert_int_equal(qc(f, print), 64);
}

/* The command sheet: every command and defect code and the scanner
 * self-test, each decoded back. */
static void commands__sheet_verifies(void **state)
{
	struct fx *f = *state;
	const char *argv[] = { "qcstation", "label", "commands", "--format", "png", "--dpi", "203",
			       "-o", f->path, "--verify", NULL };

	snprintf(f->path, sizeof(f->path), "%s/commands.png", f->dir);
	assert_int_equal(qc(f, argv), 0);
	assert_non_null(strstr(f->err, "\"CMD-PASS-ALL\""));
	assert_non_null(strstr(f->err, "\"DEF-LOOSE-STONE\""));
	/* The scanner self-test (fh/scanner.h), GS and all, decoded back. */
	assert_non_null(strstr(f->err, "selftest"));
	assert_non_null(strstr(f->err, "\\x1D"));
	assert_non_null(strstr(f->err, "43 barcodes, 0 mismatches"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(templates__json_lists_every_template, setup, teardown),
		cmocka_unit_test_setup_teardown(render__zpl_png_pdf_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(render__bad_input_exit_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(commands__sheet_verifies, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
