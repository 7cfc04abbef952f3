/* "qcstation devices bind" and "devices test" as a user runs them, against
 * USB devices emulated in-process with libumockdev (tests/fakes): the real
 * command (st_cli_main), the real libusb path, a real config file.  The
 * qcstation binary cannot host fake devices (the preload library must be
 * in the process), hence st_cli_main() here, with stdout and stderr
 * captured in files.  Waits are the command's own bounded loops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fh/scanner.h"
#include "st/cli.h"

#include "common/testutil.h"
#include "fakes/umockdev_devices.h"

struct fx {
	char dir[64], ini[128], out[128], err[128];
	struct umd_bed *bed;
	struct umd_dev *scanner, *pad;
	char *stdout_text, *stderr_text;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->bed = umd_bed_new();
	f->scanner = umd_add(f->bed, &umd_pos_scanner);
	f->pad = umd_add(f->bed, &umd_gamepad);
	assert_int_equal(qc_tmpdir_make(f->dir, sizeof(f->dir), "devcli"), 0);
	snprintf(f->ini, sizeof(f->ini), "%s/station.ini", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/stdout", f->dir);
	snprintf(f->err, sizeof(f->err), "%s/stderr", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	umd_bed_free(f->bed);
	qc_tmpdir_remove(f->dir);
	free(f->stdout_text);
	free(f->stderr_text);
	free(f);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = calloc(1, (size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return b;
}

static void spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Run "qcstation --config INI <args...>" with stdin from in (NULL =
 * /dev/null); its exit status; f->stdout_text / stderr_text hold what it
 * printed. */
static int run(struct fx *f, const char *in, const char *const *args)
{
	static volatile sig_atomic_t stop;
	char *argv[16];
	int argc = 0, o, e, i, so, se, si, rc;
	char inpath[160];

	argv[argc++] = (char *)"qcstation";
	argv[argc++] = (char *)"--config";
	argv[argc++] = f->ini;
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	snprintf(inpath, sizeof(inpath), "%s/stdin", f->dir);
	spit(inpath, in ? in : "");
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	si = dup(0);
	o = open(f->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	e = open(f->err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	i = open(inpath, O_RDONLY);
	assert_true(so >= 0 && se >= 0 && si >= 0 && o >= 0 && e >= 0 && i >= 0);
	dup2(o, 1);
	dup2(e, 2);
	dup2(i, 0);
	clearerr(stdin);
	rc = st_cli_main(argc, argv, &stop);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	dup2(si, 0);
	clearerr(stdin);
	close(o);
	close(e);
	close(i);
	close(so);
	close(se);
	close(si);
	free(f->stdout_text);
	free(f->stderr_text);
	f->stdout_text = slurp(f->out);
	f->stderr_text = slurp(f->err);
	return rc;
}

static json_t *json_of(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	if (!j)
		fail_msg("not JSON (%s): %s", je.text, text);
	return j;
}

/* "devices --json": the role shown for device key, or NULL. */
static const char *role_listed(struct fx *f, const char *key, json_t **hold)
{
	static const char *const args[] = { "devices", "--json", NULL };
	size_t i;
	json_t *d;

	assert_int_equal(run(f, NULL, args), 0);
	*hold = json_of(f->stdout_text);
	json_array_foreach(json_object_get(*hold, "devices"), i, d)
		if (!strcmp(json_string_value(json_object_get(d, "device")), key))
			return json_string_value(json_object_get(d, "role"));
	return NULL;
}

/* ---- devices bind ------------------------------------------------------------ */

static void bind__scan_binds_the_scanner_in_the_file(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "bind", "qa-bench-scanner", "--timeout",
					    "5", "--json", NULL };
	static const char before[] = "; bench 3, by the dock door\n"
				     "[station]\n"
				     "code = BENCH-03 ; keep\n"
				     "\n"
				     "[devices]\n"
				     "usb = on\n"
				     "# the pedal comes later\n"
				     "[buttons]\n"
				     "button1 = PASS\n";
	static const char after[] = "; bench 3, by the dock door\n"
				    "[station]\n"
				    "code = BENCH-03 ; keep\n"
				    "\n"
				    "[devices]\n"
				    "usb = on\n"
				    "qa-bench-scanner = 0c2e:0b61:SN00042\n"
				    "# the pedal comes later\n"
				    "[buttons]\n"
				    "button1 = PASS\n";
	uint8_t r[64];
	json_t *j, *hold;
	char *text;
	struct stat st;

	spit(f->ini, before);
	chmod(f->ini, 0640);
	assert_null(role_listed(f, "0c2e:0b61:SN00042", &hold));
	json_decref(hold);
	umd_pos_report(r, "]C0", "ANY-CODE-1", 10, false);
	umd_push(f->scanner, 0x81, r, sizeof(r));
	assert_int_equal(run(f, NULL, args), 0);
	j = json_of(f->stdout_text);
	assert_string_equal(json_string_value(json_object_get(j, "role")), "qa-bench-scanner");
	assert_string_equal(json_string_value(json_object_get(j, "device")), "0c2e:0b61:SN00042");
	assert_string_equal(json_string_value(json_object_get(j, "driver")), "hid-pos-scanner");
	assert_string_equal(json_string_value(json_object_get(j, "class")), "scanner");
	assert_true(json_is_null(json_object_get(j, "previous")));
	json_decref(j);
	text = slurp(f->ini);
	assert_string_equal(text, after);
	free(text);
	assert_int_equal(stat(f->ini, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640); /* the file's own permissions */
	/* What "devices" now shows. */
	assert_string_equal(role_listed(f, "0c2e:0b61:SN00042", &hold), "qa-bench-scanner");
	json_decref(hold);
}

/* A pedal press binds the pad; the role's old binding is replaced and a
 * role that named the same device before no longer does. */
static void bind__button_press_binds_the_pad(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "bind", "pass-pedal", "--timeout", "5",
					    NULL };
	static const char before[] = "[devices]\n"
				     "pass-pedal = 1209:0001@1-9 ; the old socket\n"
				     "spare = 1209:0001:PAD1\n";
	static const char after[] = "[devices]\n"
				    "pass-pedal = 1209:0001:PAD1 ; the old socket\n";
	const uint8_t up = 0x00, down = 0x01;
	json_t *hold;
	char *text;

	spit(f->ini, before);
	umd_push(f->pad, 0x81, &up, 1);
	umd_push(f->pad, 0x81, &down, 1);
	assert_int_equal(run(f, NULL, args), 0);
	assert_non_null(strstr(f->stdout_text,
			       "bound role 'pass-pedal' to 1209:0001:PAD1 (hid-buttons, io)"));
	assert_non_null(strstr(f->stdout_text, "it was bound to 1209:0001@1-9 before"));
	assert_non_null(strstr(f->stdout_text, "role 'spare' no longer names this device"));
	text = slurp(f->ini);
	assert_string_equal(text, after);
	free(text);
	assert_string_equal(role_listed(f, "1209:0001:PAD1", &hold), "pass-pedal");
	json_decref(hold);
}

/* A keyboard-mode scanner bound to no role is left to the console, so
 * bind does not see it; with --keyboards it does (driver detached). */
static void bind__keyboard_scanner_needs_keyboards(void **state)
{
	struct fx *f = *state;
	static const char *const plain[] = { "devices", "bind", "kbd", "--timeout", "1", NULL };
	static const char *const kbds[] = { "devices", "bind", "kbd", "--timeout", "5",
					    "--keyboards", NULL };
	static const uint8_t x[8] = { 0, 0, 0x1b }, enter[8] = { 0, 0, 0x28 }, up[8] = { 0 };
	struct umd_dev *k = umd_add(f->bed, &umd_kbd_scanner);
	char *text;

	spit(f->ini, "[devices]\n");
	umd_push(k, 0x81, x, sizeof(x));
	umd_push(k, 0x81, up, sizeof(up));
	umd_push(k, 0x81, enter, sizeof(enter));
	umd_push(k, 0x81, up, sizeof(up));
	assert_int_equal(run(f, NULL, plain), 75);
	assert_non_null(strstr(f->stderr_text, "seen only with --keyboards"));
	g_mutex_lock(&k->lock);
	assert_true(k->bound); /* never taken from the console */
	g_mutex_unlock(&k->lock);
	assert_int_equal(run(f, NULL, kbds), 0);
	assert_non_null(strstr(f->stdout_text, "to 05e0:1200:KBD1 (hid-kbd-scanner, scanner)"));
	text = slurp(f->ini);
	assert_string_equal(text, "[devices]\nkbd = 05e0:1200:KBD1\n");
	free(text);
	g_mutex_lock(&k->lock);
	assert_true(k->bound); /* usbhid given back on release */
	g_mutex_unlock(&k->lock);
}

static void bind__missing_file_is_created(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "bind", "qa", "--timeout", "5", NULL };
	uint8_t r[64];
	char *text;

	umd_pos_report(r, "]C0", "X", 1, false);
	umd_push(f->scanner, 0x81, r, sizeof(r));
	assert_int_equal(run(f, NULL, args), 0);
	text = slurp(f->ini);
	assert_non_null(text);
	assert_string_equal(text, "[devices]\nqa = 0c2e:0b61:SN00042\n");
	free(text);
}

static void bind__timeout_says_so_and_writes_nothing(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "bind", "qa", "--timeout", "1", NULL };
	static const char before[] = "[devices]\nusb = on\n";
	char *text;

	spit(f->ini, before);
	assert_int_equal(run(f, NULL, args), 75);
	assert_non_null(strstr(f->stderr_text, "no scan or button press within 1 s; nothing was "
					       "bound"));
	assert_string_equal(f->stdout_text, "");
	text = slurp(f->ini);
	assert_string_equal(text, before);
	free(text);
}

/* A config that does not load is not touched (and nothing waits). */
static void bind__broken_config_left_alone(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "bind", "qa", "--timeout", "5", NULL };
	static const char before[] = "[devices]\nQA = 0c2e:0b61:SN1\n";
	uint8_t r[64];
	char *text;

	spit(f->ini, before);
	umd_pos_report(r, "]C0", "X", 1, false);
	umd_push(f->scanner, 0x81, r, sizeof(r));
	assert_int_equal(run(f, NULL, args), 78);
	assert_non_null(strstr(f->stderr_text, "station.ini:2: 'QA' is no role name"));
	text = slurp(f->ini);
	assert_string_equal(text, before);
	free(text);
}

static void bind__malformed_role_refused(void **state)
{
	struct fx *f = *state;
	static const char *const bad[][3] = {
		{ "Bad_Role", NULL }, { "usb", NULL }, { "a b", NULL },
		{ "x123456789012345678901234567890123", NULL },
	};
	static const char *const no_role[] = { "devices", "bind", NULL };
	static const char *const bad_timeout[] = { "devices", "bind", "qa", "--timeout", "0",
						   NULL };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[] = { "devices", "bind", bad[i][0], NULL };

		assert_int_equal(run(f, NULL, args), 64);
		assert_non_null(strstr(f->stderr_text, "is no role name"));
	}
	assert_int_equal(run(f, NULL, no_role), 64);
	assert_int_equal(run(f, NULL, bad_timeout), 64);
	assert_non_null(strstr(f->stderr_text, "--timeout is whole seconds"));
	assert_int_equal(access(f->ini, F_OK), -1); /* nothing created */
}

/* ---- devices test ------------------------------------------------------------ */

static void test__hid_pos_selftest_all_good(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "test", "--timeout", "5", NULL };
	static const char *const args_json[] = { "devices", "test", "--timeout", "5", "--json",
						 NULL };
	static const char st[] = FH_SCANNER_SELFTEST;
	uint8_t r[64];
	json_t *j;

	spit(f->ini, "[devices]\nexpect_hid_pos = yes\n");
	umd_pos_report(r, "]C0", st, sizeof(st) - 1, false);
	umd_push(f->scanner, 0x81, r, sizeof(r));
	assert_int_equal(run(f, NULL, args), 0);
	assert_non_null(strstr(f->stdout_text, "scanner self-test from usb:0c2e:0b61:SN00042 "
					       "(usb-hid-pos): all good"));
	umd_push(f->scanner, 0x81, r, sizeof(r));
	assert_int_equal(run(f, NULL, args_json), 0);
	j = json_of(f->stdout_text);
	assert_true(json_is_true(json_object_get(j, "selftest")));
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_string_equal(json_string_value(json_object_get(j, "via")), "usb-hid-pos");
	assert_string_equal(json_string_value(json_object_get(j, "data")), st);
	json_decref(j);
}

/* Typed into the terminal (stdin) by a scanner with a Tab suffix and no
 * AIM id, at a station that wants HID POS: three findings, exit 1. */
static void test__stdin_wedge_findings(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "test", "--timeout", "5", "--json", NULL };
	json_t *j, *fs;

	spit(f->ini, "[devices]\nexpect_hid_pos = yes\n");
	assert_int_equal(run(f, FH_SCANNER_SELFTEST "\t", args), 1);
	j = json_of(f->stdout_text);
	assert_true(json_is_true(json_object_get(j, "selftest")));
	assert_false(json_is_true(json_object_get(j, "ok")));
	assert_string_equal(json_string_value(json_object_get(j, "source")), "stdin");
	assert_string_equal(json_string_value(json_object_get(j, "via")), "wedge");
	fs = json_object_get(j, "findings");
	assert_int_equal(json_array_size(fs), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 0), "code")),
			    "suffix");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 1), "code")),
			    "keyboard_mode");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fs, 2), "code")),
			    "aim_missing");
	json_decref(j);
}

static void test__other_code_is_not_the_selftest(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "test", "--timeout", "5", NULL };

	spit(f->ini, "");
	assert_int_equal(run(f, "ORD-1001\n", args), 1);
	assert_non_null(strstr(f->stdout_text, "not the self-test barcode: stdin sent "
					       "\"ORD-1001\""));
}

static void test__timeout(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "devices", "test", "--timeout", "1", NULL };
	static const char *const bad[] = { "devices", "test", "--frobnicate", NULL };

	spit(f->ini, "");
	assert_int_equal(run(f, NULL, args), 75);
	assert_non_null(strstr(f->stderr_text, "devices test: no scan within 1 s"));
	assert_int_equal(run(f, NULL, bad), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bind__scan_binds_the_scanner_in_the_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bind__button_press_binds_the_pad, setup, teardown),
		cmocka_unit_test_setup_teardown(bind__keyboard_scanner_needs_keyboards, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bind__missing_file_is_created, setup, teardown),
		cmocka_unit_test_setup_teardown(bind__timeout_says_so_and_writes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(bind__broken_config_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(bind__malformed_role_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test__hid_pos_selftest_all_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test__stdin_wedge_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test__other_code_is_not_the_selftest, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test__timeout, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
