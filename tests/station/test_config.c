/* The station config: defaults, every key, and errors that name file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "st/config.h"
#include "st/err.h"

static void config_defaults__usable(void **state)
{
	struct st_config c;
	char buf[600];
	(void)state;
	st_config_defaults(&c);
	assert_string_equal(c.station_code, "STATION-1");
	assert_int_equal(c.scan_max, ST_BC_INPUT_MAX);
	assert_int_equal(c.wedge_gap_ms, ST_WEDGE_GAP_MS_DEFAULT);
	assert_int_equal(c.wedge_terminator, ST_WEDGE_TERM_ENTER);
	assert_string_equal(st_config_db_path(&c, buf, sizeof(buf)), "/var/lib/qcstation/station.db");
	assert_true(st_bc_pattern_match(c.patterns.order, "ORD-1001", 8));
}

static void config_parse__every_key(void **state)
{
	static const char text[] =
		"; bench 3 by the dock door\n"
		"[station]\n"
		"code = BENCH-03\n"
		"name = Dock bench\n"
		"data_dir = /srv/qc\n"
		"database = /srv/qc/b3.db\n"
		"[scan]\n"
		"max_bytes = 512\n"
		"[qc]\n"
		"checklists = /etc/qcstation/checklists\n"
		"watch_folder = /srv/photos\n"
		"[store]\n"
		"busy_timeout_ms = 250\n"
		"[log]\n"
		"level = debug\n"
		"[barcodes]\n"
		"order = SO#{6}\n"
		"rma = R#{5}\n"
		"serial = @{2}#{6}\n"
		"bin = B-#{3}\n"
		"badge = EMP#{3}\n"
		"command_prefix = %%\n"
		"gs_substitute = ~\n"
		"[input]\n"
		"wedge_gap_ms = 45\n"
		"wedge_terminator = tab\n"
		"[devices]\n"
		"usb = off\n"
		"expect_hid_pos = yes\n"
		"expect_aim = no\n"
		"qa-bench-scanner = 0c2e:0b61:SN123\n"
		"pack-scale = 0922:8003@1-2.4\n"
		"qa-bench-scanner = 0c2e:0b61:SN124\n"
		"[buttons]\n"
		"button1 = PASS\n"
		"f13 = FAIL\n";
	struct st_config c;
	char err[300] = "", buf[600];
	(void)state;
	assert_int_equal(st_config_parse(&c, text, "t.ini", err, sizeof(err)), ST_OK);
	assert_string_equal(c.station_code, "BENCH-03");
	assert_string_equal(c.station_name, "Dock bench");
	assert_string_equal(st_config_db_path(&c, buf, sizeof(buf)), "/srv/qc/b3.db");
	assert_int_equal(c.scan_max, 512);
	assert_string_equal(c.checklists_dir, "/etc/qcstation/checklists");
	assert_string_equal(c.evidence_dir, "/srv/photos");
	assert_int_equal(c.busy_timeout_ms, 250);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_true(st_bc_pattern_match(c.patterns.order, "SO123456", 8));
	assert_false(st_bc_pattern_match(c.patterns.order, "ORD-1001", 8));
	assert_string_equal(c.patterns.command_prefix, "%%");
	assert_int_equal(c.patterns.gs_substitute, '~');
	assert_int_equal(c.wedge_gap_ms, 45);
	assert_int_equal(c.wedge_terminator, ST_WEDGE_TERM_TAB);
	assert_int_equal(c.usb, ST_USB_OFF);
	assert_true(c.expect_hid_pos);
	assert_false(c.expect_aim);
	assert_int_equal(c.n_roles, 2); /* a role named again is rebound */
	assert_string_equal(st_config_role_of(&c, "0c2e:0b61:SN124"), "qa-bench-scanner");
	assert_null(st_config_role_of(&c, "0c2e:0b61:SN123"));
	assert_string_equal(st_config_role_of(&c, "0922:8003@1-2.4"), "pack-scale");
	assert_int_equal(c.button_map.n, 2);
	assert_string_equal(fh_buttons_map_lookup(&c.button_map, 0), "PASS");
	assert_string_equal(fh_buttons_map_lookup(&c.button_map, FH_BUTTON_KEY_BASE + 0x68),
			    "FAIL");
}

static void config_defaults__usb_auto_no_roles(void **state)
{
	struct st_config c;

	(void)state;
	st_config_defaults(&c);
	assert_int_equal(c.usb, ST_USB_AUTO);
	assert_false(c.expect_hid_pos);
	assert_true(c.expect_aim);
	assert_int_equal(c.n_roles, 0);
	assert_int_equal(c.button_map.n, 0);
}

static void config_parse__errors_name_file_and_line(void **state)
{
	static const struct {
		const char *text, *want;
	} t[] = {
		{ "[station]\ncode = A\nbogus = 1\n", "c.ini:3: unknown key 'bogus' in [station]" },
		{ "[nope]\nx = 1\n", "c.ini:2: unknown section [nope]" },
		{ "[qc]\nchecklist = x\n", "c.ini:2: unknown key 'checklist' in [qc]" },
		{ "[scan]\n\nmax_bytes = 99999\n", "c.ini:3: 'max_bytes' must be a whole number" },
		{ "[scan]\nmax_bytes = 12abc\n", "c.ini:2: 'max_bytes' must be a whole number" },
		{ "[barcodes]\norder = ORD-#{4,2}\n", "c.ini:2: order: pattern 'ORD-#{4,2}'" },
		{ "[station]\nthis line has no equals sign\n", "c.ini:2: syntax error" },
		{ "code = X\n", "c.ini:1: key 'code' is outside any [section]" },
		{ "[log]\nlevel = loud\n", "c.ini:2: 'level' is error, warning" },
		{ "[station]\ncode =\n", "c.ini:2: 'code' must not be empty" },
		{ "[barcodes]\ngs_substitute = ab\n", "c.ini:2: 'gs_substitute' is one printable" },
		{ "[input]\nwedge_gap_ms = 0\n", "c.ini:2: 'wedge_gap_ms' must be a whole number" },
		{ "[input]\n\nwedge_terminator = cr\n", "c.ini:3: 'wedge_terminator' is enter or tab" },
		{ "[input]\nwedge = 1\n", "c.ini:2: unknown key 'wedge' in [input]" },
		{ "[devices]\nusb = maybe\n", "c.ini:2: 'usb' is auto, on or off" },
		{ "[devices]\nexpect_aim = 1\n", "c.ini:2: 'expect_aim' is yes or no, not '1'" },
		{ "[devices]\nQA = 0c2e:0b61:S\n", "c.ini:2: 'QA' is no role name" },
		{ "[devices]\nqa = scanner\n", "c.ini:2: role 'qa': 'scanner' is no device key" },
		{ "[devices]\n"
		  "r0 = 0001:0001:A\nr1 = 0001:0001:A\nr2 = 0001:0001:A\nr3 = 0001:0001:A\n"
		  "r4 = 0001:0001:A\nr5 = 0001:0001:A\nr6 = 0001:0001:A\nr7 = 0001:0001:A\n"
		  "r8 = 0001:0001:A\nr9 = 0001:0001:A\nra = 0001:0001:A\nrb = 0001:0001:A\n"
		  "rc = 0001:0001:A\nrd = 0001:0001:A\nre = 0001:0001:A\nrf = 0001:0001:A\n"
		  "rg = 0001:0001:A\n", "c.ini:18: more than 16 roles" },
		{ "[buttons]\nbutton99 = PASS\n", "c.ini:2: 'button99' is no button name" },
		{ "[buttons]\nf13 = JUMP\n", "c.ini:2: button 'f13': 'JUMP' is no station command" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct st_config c;
		char err[300] = "";

		assert_int_equal(st_config_parse(&c, t[i].text, "c.ini", err, sizeof(err)),
				 ST_ERR_CONFIG);
		if (strncmp(err, t[i].want, strlen(t[i].want)) != 0)
			fail_msg("case %zu: got '%s', want prefix '%s'", i, err, t[i].want);
		/* A failed parse leaves the defaults, not half a config. */
		assert_string_equal(c.station_code, "STATION-1");
	}
}

static void config_load__missing_file(void **state)
{
	struct st_config c;
	char err[300] = "";
	(void)state;
	/* The default path may be absent: defaults stand. */
	assert_int_equal(st_config_load(&c, "/nonexistent/qc.ini", false, err, sizeof(err)), ST_OK);
	/* An explicit --config must exist. */
	assert_int_equal(st_config_load(&c, "/nonexistent/qc.ini", true, err, sizeof(err)),
			 ST_ERR_IO);
	assert_non_null(strstr(err, "/nonexistent/qc.ini"));
}

static void config_load__binary_file_refused(void **state)
{
	char path[] = "/tmp/qc-config-XXXXXX";
	int fd = mkstemp(path);
	struct st_config c;
	char err[300] = "";
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[station]\0code = X\n", 19), 19);
	close(fd);
	assert_int_equal(st_config_load(&c, path, true, err, sizeof(err)), ST_ERR_CONFIG);
	assert_non_null(strstr(err, "NUL byte"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_defaults__usable),
		cmocka_unit_test(config_parse__every_key),
		cmocka_unit_test(config_defaults__usb_auto_no_roles),
		cmocka_unit_test(config_parse__errors_name_file_and_line),
		cmocka_unit_test(config_load__missing_file),
		cmocka_unit_test(config_load__binary_file_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
