/* firmware-host/udev/70-qcstation.rules: a syntax and sense check.
 *
 * Debian 12's udev (systemd 252) has no `udevadm verify`, and a container
 * has no udevd to load the file, so a typo would only show on a station
 * (udevd logs and skips the line, the device stays root-only).  This test
 * reads the file as udev's rule grammar has it, strictly:
 *
 *   - every line is blank, a comment, or KEY[{attr}]OP"value" pairs joined
 *     by commas, one rule per line (no "\" continuations);
 *   - KEY is a known udev key, with {attr} exactly where udev wants one,
 *     and OP one of the operators that key accepts (a match key assigned
 *     with "=" is the classic silent mistake);
 *   - the values make sense: idVendor/idProduct are 4 lowercase hex digits
 *     as sysfs prints them (uppercase never matches), ID_USB_INTERFACES
 *     patterns are ":CCSSPP:" globs in lowercase hex, MODE is 0660, GROUP
 *     is qcstation, every GOTO has its LABEL, every device tag names a
 *     driver;
 *   - the rules the station depends on are there.
 *
 * The checker is tested on broken lines first, so a checker that accepts
 * anything cannot pass.  Not for: what udevd does with the rules (that
 * needs a udevd and devices; docs/devices.md says how to check by hand).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define RULES_PATH "firmware-host/udev/70-qcstation.rules"
#define MAX_LABELS 16
#define MAX_PAIRS 16
#define NAME_MAX_LEN 64
#define VALUE_MAX_LEN 256

/* Operators (a bit set, so a key lists the ones it accepts). */
enum {
	OP_MATCH = 0x01,   /* == */
	OP_NOMATCH = 0x02, /* != */
	OP_ASSIGN = 0x04,  /* = */
	OP_ADD = 0x08,     /* += */
	OP_REMOVE = 0x10,  /* -= */
	OP_FINAL = 0x20,   /* := */
};
#define OPS_MATCH (OP_MATCH | OP_NOMATCH)
#define OPS_SET (OP_ASSIGN | OP_ADD | OP_REMOVE | OP_FINAL)

enum attr_rule { ATTR_NO, ATTR_YES, ATTR_OPTIONAL };

/* The udev keys (udev(7)) and the operators each takes. */
static const struct {
	const char *name;
	enum attr_rule attr;
	unsigned ops;
} keys[] = {
	{ "ACTION", ATTR_NO, OPS_MATCH },
	{ "DEVPATH", ATTR_NO, OPS_MATCH },
	{ "KERNEL", ATTR_NO, OPS_MATCH },
	{ "KERNELS", ATTR_NO, OPS_MATCH },
	{ "NAME", ATTR_NO, OPS_MATCH | OP_ASSIGN | OP_FINAL },
	{ "SYMLINK", ATTR_NO, OPS_MATCH | OPS_SET },
	{ "SUBSYSTEM", ATTR_NO, OPS_MATCH },
	{ "SUBSYSTEMS", ATTR_NO, OPS_MATCH },
	{ "DRIVER", ATTR_NO, OPS_MATCH },
	{ "DRIVERS", ATTR_NO, OPS_MATCH },
	{ "ATTR", ATTR_YES, OPS_MATCH | OP_ASSIGN },
	{ "ATTRS", ATTR_YES, OPS_MATCH },
	{ "SYSCTL", ATTR_YES, OPS_MATCH | OP_ASSIGN },
	{ "ENV", ATTR_YES, OPS_MATCH | OP_ASSIGN | OP_ADD | OP_FINAL },
	{ "CONST", ATTR_YES, OPS_MATCH },
	{ "TAG", ATTR_NO, OPS_MATCH | OP_ASSIGN | OP_ADD | OP_REMOVE | OP_FINAL },
	{ "TAGS", ATTR_NO, OPS_MATCH },
	{ "TEST", ATTR_OPTIONAL, OPS_MATCH },
	{ "PROGRAM", ATTR_NO, OPS_MATCH },
	{ "RESULT", ATTR_NO, OPS_MATCH },
	{ "OWNER", ATTR_NO, OP_ASSIGN | OP_FINAL },
	{ "GROUP", ATTR_NO, OP_ASSIGN | OP_FINAL },
	{ "MODE", ATTR_NO, OP_ASSIGN | OP_FINAL },
	{ "SECLABEL", ATTR_YES, OP_ASSIGN | OP_ADD | OP_FINAL },
	{ "RUN", ATTR_OPTIONAL, OP_ASSIGN | OP_ADD | OP_FINAL },
	{ "IMPORT", ATTR_YES, OPS_MATCH },
	{ "OPTIONS", ATTR_NO, OP_ASSIGN | OP_ADD | OP_FINAL },
	{ "LABEL", ATTR_NO, OP_ASSIGN },
	{ "GOTO", ATTR_NO, OP_ASSIGN },
};

/* What QCSTATION_DEVICE may name: the drivers (docs/DRIVERS.md). */
static const char *const drivers[] = { "hid-pos-scanner", "hid-kbd-scanner", "hid-scale",
				       "usb-printer", "hid-buttons" };

struct pair {
	char key[NAME_MAX_LEN], attr[NAME_MAX_LEN];
	unsigned op;
	char value[VALUE_MAX_LEN];
};

/* What the whole file must have, collected line by line. */
struct file_state {
	char labels[MAX_LABELS][NAME_MAX_LEN], gotos[MAX_LABELS][NAME_MAX_LEN];
	unsigned n_labels, n_gotos;
	unsigned tagged[sizeof(drivers) / sizeof(drivers[0])]; /* rules per driver */
	bool perm_rule;  /* ENV{QCSTATION_DEVICE}=="?*" with MODE, GROUP, uaccess */
	bool usb_guard;  /* SUBSYSTEM!="usb" skips the rest */
	bool type_guard; /* ENV{DEVTYPE}!="usb_device" skips the rest */
};

static bool is_hex4_lower(const char *s)
{
	if (strlen(s) != 4)
		return false;
	for (size_t i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/* "*:03????:*", "*:0701??:*", "*:030101:*": one interface triplet. */
static bool is_interfaces_glob(const char *s)
{
	if (strlen(s) != 10 || strncmp(s, "*:", 2) != 0 || strcmp(s + 8, ":*") != 0)
		return false;
	for (size_t i = 2; i < 8; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f') && s[i] != '?')
			return false;
	return true;
}

static int driver_index(const char *name)
{
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (!strcmp(drivers[i], name))
			return (int)i;
	return -1;
}

/* Parse one KEY[{attr}]OP"value" at *p; advance *p past it.  0 or -1 with
 * a reason in err. */
static int parse_pair(const char **p, struct pair *pr, char *err, size_t cap)
{
	const char *s = *p;
	size_t n = 0;
	unsigned k;

	memset(pr, 0, sizeof(*pr));
	while (isupper((unsigned char)s[n]) || s[n] == '_')
		n++;
	if (n == 0 || n >= NAME_MAX_LEN) {
		snprintf(err, cap, "expected a KEY at \"%.20s\"", s);
		return -1;
	}
	memcpy(pr->key, s, n);
	s += n;
	if (*s == '{') {
		const char *end = strchr(s, '}');

		if (!end || end == s + 1 || (size_t)(end - s - 1) >= NAME_MAX_LEN) {
			snprintf(err, cap, "%s: bad {attribute}", pr->key);
			return -1;
		}
		memcpy(pr->attr, s + 1, (size_t)(end - s - 1));
		for (const char *c = pr->attr; *c; c++)
			if (*c == '"' || *c == ',' || isspace((unsigned char)*c)) {
				snprintf(err, cap, "%s: bad {attribute}", pr->key);
				return -1;
			}
		s = end + 1;
	}
	if (!strncmp(s, "==", 2)) {
		pr->op = OP_MATCH;
		s += 2;
	} else if (!strncmp(s, "!=", 2)) {
		pr->op = OP_NOMATCH;
		s += 2;
	} else if (!strncmp(s, "+=", 2)) {
		pr->op = OP_ADD;
		s += 2;
	} else if (!strncmp(s, "-=", 2)) {
		pr->op = OP_REMOVE;
		s += 2;
	} else if (!strncmp(s, ":=", 2)) {
		pr->op = OP_FINAL;
		s += 2;
	} else if (*s == '=') {
		pr->op = OP_ASSIGN;
		s += 1;
	} else {
		snprintf(err, cap, "%s: expected an operator", pr->key);
		return -1;
	}
	if (*s != '"') {
		snprintf(err, cap, "%s: value not in double quotes", pr->key);
		return -1;
	}
	s++;
	for (n = 0; s[n] != '"'; n++) {
		if (s[n] == '\0' || n + 1 >= VALUE_MAX_LEN) {
			snprintf(err, cap, "%s: unterminated value", pr->key);
			return -1;
		}
		if (s[n] == '\\' && s[n + 1] != '\0')
			n++; /* an escaped character, "\"" included */
	}
	memcpy(pr->value, s, n);
	*p = s + n + 1;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (!strcmp(keys[k].name, pr->key))
			break;
	if (k == sizeof(keys) / sizeof(keys[0])) {
		snprintf(err, cap, "unknown key %s", pr->key);
		return -1;
	}
	if ((keys[k].attr == ATTR_YES && !pr->attr[0]) || (keys[k].attr == ATTR_NO && pr->attr[0])) {
		snprintf(err, cap, "%s: {attribute} %s", pr->key,
			 pr->attr[0] ? "not allowed" : "required");
		return -1;
	}
	if (!(keys[k].ops & pr->op)) {
		snprintf(err, cap, "%s: operator not allowed for this key", pr->key);
		return -1;
	}
	return 0;
}

/* The values this file's rules must get right. */
static int check_values(const struct pair *pr, char *err, size_t cap)
{
	if (!strcmp(pr->key, "ATTR") &&
	    (!strcmp(pr->attr, "idVendor") || !strcmp(pr->attr, "idProduct")) &&
	    !is_hex4_lower(pr->value)) {
		snprintf(err, cap, "ATTR{%s}: \"%s\" is not 4 lowercase hex digits", pr->attr,
			 pr->value);
		return -1;
	}
	if (!strcmp(pr->key, "ENV") && !strcmp(pr->attr, "ID_USB_INTERFACES") &&
	    !is_interfaces_glob(pr->value)) {
		snprintf(err, cap, "ENV{ID_USB_INTERFACES}: \"%s\" is not \"*:ccsspp:*\"",
			 pr->value);
		return -1;
	}
	if (!strcmp(pr->key, "MODE") && strcmp(pr->value, "0660") != 0) {
		snprintf(err, cap, "MODE \"%s\": the station's devices are 0660", pr->value);
		return -1;
	}
	if (!strcmp(pr->key, "GROUP") && strcmp(pr->value, "qcstation") != 0) {
		snprintf(err, cap, "GROUP \"%s\": the group is qcstation", pr->value);
		return -1;
	}
	if (!strcmp(pr->key, "ENV") && !strcmp(pr->attr, "QCSTATION_DEVICE") &&
	    pr->op == OP_ASSIGN && driver_index(pr->value) < 0) {
		snprintf(err, cap, "QCSTATION_DEVICE \"%s\" is not a driver", pr->value);
		return -1;
	}
	if (!strcmp(pr->key, "RUN")) {
		snprintf(err, cap, "RUN: the station's rules run nothing");
		return -1;
	}
	return 0;
}

static bool has(const struct pair *pr, size_t n, const char *key, const char *attr, unsigned op,
		const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(pr[i].key, key) && !strcmp(pr[i].attr, attr) && pr[i].op == op &&
		    !strcmp(pr[i].value, value))
			return true;
	return false;
}

/* Remember a LABEL or GOTO name. */
static int add_name(char names[MAX_LABELS][NAME_MAX_LEN], unsigned *n, const char *name,
		    char *err, size_t cap)
{
	size_t len = strlen(name);

	if (*n == MAX_LABELS || len == 0 || len >= NAME_MAX_LEN) {
		snprintf(err, cap, "label \"%.20s\": empty, too long or too many", name);
		return -1;
	}
	memcpy(names[(*n)++], name, len + 1);
	return 0;
}

/* Check one line (without its newline) and note what it adds to *fs.
 * 0 or -1 with a reason in err. */
static int check_line(const char *line, struct file_state *fs, char *err, size_t cap)
{
	struct pair pr[MAX_PAIRS];
	const char *p = line;
	size_t n = 0, len = strlen(line);
	bool match = false, set = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	if (len && line[len - 1] == '\\') {
		snprintf(err, cap, "line continuation: keep one rule per line");
		return -1;
	}
	if (len && isspace((unsigned char)line[len - 1])) {
		snprintf(err, cap, "trailing white space");
		return -1;
	}
	for (;;) {
		if (n == MAX_PAIRS) {
			snprintf(err, cap, "more than %d pairs", MAX_PAIRS);
			return -1;
		}
		if (parse_pair(&p, &pr[n], err, cap) < 0 || check_values(&pr[n], err, cap) < 0)
			return -1;
		if (pr[n].op & OPS_MATCH)
			match = true;
		else
			set = true;
		n++;
		if (*p == '\0')
			break;
		if (*p != ',') {
			snprintf(err, cap, "expected \",\" after %s", pr[n - 1].key);
			return -1;
		}
		p++;
		while (*p == ' ')
			p++;
		if (*p == '\0') {
			snprintf(err, cap, "trailing comma");
			return -1;
		}
	}

	if (n == 1 && !strcmp(pr[0].key, "LABEL"))
		return add_name(fs->labels, &fs->n_labels, pr[0].value, err, cap);
	if (!match || !set) {
		snprintf(err, cap, "a rule needs a match and an assignment");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(pr[i].key, "GOTO") &&
		    add_name(fs->gotos, &fs->n_gotos, pr[i].value, err, cap) < 0)
			return -1;
		if (!strcmp(pr[i].key, "ENV") && !strcmp(pr[i].attr, "QCSTATION_DEVICE") &&
		    pr[i].op == OP_ASSIGN)
			fs->tagged[driver_index(pr[i].value)]++;
	}
	if (has(pr, n, "SUBSYSTEM", "", OP_NOMATCH, "usb") && n == 2 &&
	    !strcmp(pr[1].key, "GOTO"))
		fs->usb_guard = true;
	if (has(pr, n, "ENV", "DEVTYPE", OP_NOMATCH, "usb_device") && n == 2 &&
	    !strcmp(pr[1].key, "GOTO"))
		fs->type_guard = true;
	if (has(pr, n, "ENV", "QCSTATION_DEVICE", OP_MATCH, "?*") &&
	    has(pr, n, "MODE", "", OP_ASSIGN, "0660") &&
	    has(pr, n, "GROUP", "", OP_ASSIGN, "qcstation") &&
	    has(pr, n, "TAG", "", OP_ADD, "uaccess"))
		fs->perm_rule = true;
	return 0;
}

/* ---- the checker itself ------------------------------------------------- */

static void checker__accepts_good_lines(void **state)
{
	static const char *const good[] = {
		"",
		"   ",
		"# a comment",
		"\t# an indented comment",
		"ACTION==\"remove\", GOTO=\"qcstation_end\"",
		"ATTR{idVendor}==\"0c2e\", ENV{ID_USB_INTERFACES}==\"*:03????:*\", "
		"ENV{QCSTATION_DEVICE}=\"hid-pos-scanner\"",
		"ENV{QCSTATION_DEVICE}==\"?*\", MODE=\"0660\", GROUP=\"qcstation\", "
		"TAG+=\"uaccess\"",
		"KERNEL==\"x\",ENV{A}=\"a \\\" quote\"",
		"LABEL=\"qcstation_end\"",
	};
	(void)state;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct file_state fs = { 0 };
		char err[160] = "";

		if (check_line(good[i], &fs, err, sizeof(err)) != 0)
			fail_msg("rejected good line %zu \"%s\": %s", i, good[i], err);
	}
}

static void checker__rejects_broken_lines(void **state)
{
	static const char *const bad[] = {
		"SUBSYSTEM=\"usb\", MODE=\"0660\"",                  /* match key assigned */
		"SUBSYSTEM==usb, MODE=\"0660\"",                     /* no quotes */
		"SUBSYSTEM==\"usb\" MODE=\"0660\"",                  /* no comma */
		"SUBSYSTEM==\"usb\", MODE=\"0660\",",                /* trailing comma */
		"SUBSYSTEM==\"usb\", MODE=\"0660",                   /* unterminated */
		"SUBSYSTEM==\"usb\", MODE=\"0660\" ",                /* trailing blank */
		"SUBSYSTEM==\"usb\", \\",                            /* continuation */
		"SUBSYSTEMZ==\"usb\", MODE=\"0660\"",                /* unknown key */
		"ATTR==\"0c2e\", MODE=\"0660\"",                     /* ATTR without {..} */
		"SUBSYSTEM{x}==\"usb\", MODE=\"0660\"",              /* {..} not allowed */
		"ATTR{idVendor}==\"0C2E\", MODE=\"0660\"",           /* uppercase never matches */
		"ATTR{idVendor}==\"c2e\", MODE=\"0660\"",            /* 3 digits */
		"ATTR{idProduct}==\"0x0b61\", MODE=\"0660\"",        /* 0x prefix */
		"ENV{ID_USB_INTERFACES}==\"*:0301:*\", MODE=\"0660\"", /* 4 digits */
		"ENV{ID_USB_INTERFACES}==\":030101:\", MODE=\"0660\"", /* no globs */
		"SUBSYSTEM==\"usb\", MODE=\"0666\"",                 /* world writable */
		"SUBSYSTEM==\"usb\", MODE=\"660\"",
		"SUBSYSTEM==\"usb\", GROUP=\"plugdev\"",             /* not our group */
		"SUBSYSTEM==\"usb\", MODE==\"0660\"",                /* MODE matched */
		"SUBSYSTEM==\"usb\", GOTO+=\"x\"",
		"SUBSYSTEM==\"usb\", ENV{QCSTATION_DEVICE}=\"hid-scales\"", /* no such driver */
		"SUBSYSTEM==\"usb\", RUN+=\"/bin/sh\"",              /* we run nothing */
		"SUBSYSTEM==\"usb\"",                                /* no assignment */
		"MODE=\"0660\"",                                     /* no match */
		"subsystem==\"usb\", MODE=\"0660\"",                 /* keys are upper case */
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct file_state fs = { 0 };
		char err[160] = "";

		if (check_line(bad[i], &fs, err, sizeof(err)) == 0)
			fail_msg("accepted broken line %zu \"%s\"", i, bad[i]);
		assert_true(err[0] != '\0');
	}
}

/* ---- the installed file ------------------------------------------------- */

static void rules__file_is_valid(void **state)
{
	const char *src = getenv("QC_SRC");
	struct file_state fs = { 0 };
	char path[1024], line[1024], err[200];
	unsigned lineno = 0, rules = 0;
	FILE *f;
	(void)state;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", RULES_PATH);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		lineno++;
		if (len == 0 || line[len - 1] != '\n') {
			fclose(f);
			fail_msg("%s:%u: line too long or no final newline", path, lineno);
		}
		line[--len] = '\0';
		err[0] = '\0';
		if (check_line(line, &fs, err, sizeof(err)) != 0) {
			fclose(f);
			fail_msg("%s:%u: %s", path, lineno, err);
		}
		if (line[0] != '\0' && line[0] != '#')
			rules++;
	}
	fclose(f);

	assert_true(rules > 10);
	assert_true(fs.usb_guard);
	assert_true(fs.type_guard);
	assert_true(fs.perm_rule);
	for (unsigned g = 0; g < fs.n_gotos; g++) {
		bool found = false;

		for (unsigned l = 0; l < fs.n_labels; l++)
			found |= !strcmp(fs.gotos[g], fs.labels[l]);
		if (!found)
			fail_msg("GOTO=\"%s\" has no LABEL", fs.gotos[g]);
	}
	/* Each class the issue names has its rules (buttons are per site). */
	assert_true(fs.tagged[driver_index("hid-pos-scanner")] >= 3);
	assert_true(fs.tagged[driver_index("hid-kbd-scanner")] >= 1);
	assert_true(fs.tagged[driver_index("hid-scale")] >= 3);
	assert_true(fs.tagged[driver_index("usb-printer")] >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checker__accepts_good_lines),
		cmocka_unit_test(checker__rejects_broken_lines),
		cmocka_unit_test(rules__file_is_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
