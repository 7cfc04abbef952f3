/* station: the scanner self-test diagnosis.
 *
 * The self-test barcode (FH_SCANNER_SELFTEST, fh/scanner.h, printed on the
 * command sheet) holds mixed case, letters and symbols that keyboard
 * layouts move, digits and a GS.  What arrives when it is scanned says how
 * the scanner (and the computer) are set up: st_selftest_diagnose() takes
 * the bytes as they arrived, with how they came, and returns findings that
 * name each misconfiguration and its fix, or one "all good" finding.
 *
 * It recognises the self-test under every combination of the layouts
 * firmware-host knows (US, UK, German, French: the scanner's keyboard
 * country versus the layout the keys are read with), Caps Lock on or off,
 * GS kept, lost or replaced by one character, with or without the AIM
 * identifier and a trailing Enter or Tab.  Anything else is not the
 * self-test (.recognised false): an ordinary scan.
 *
 * Pure: no I/O, no clock, no allocation.
 */
#ifndef QC_STATION_SELFTEST_H
#define QC_STATION_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* How the scan reached the station. */
enum st_selftest_source {
	ST_SELFTEST_USB_KBD = 0, /* a keyboard-mode scanner read raw over USB (hid-kbd-scanner) */
	ST_SELFTEST_USB_POS = 1, /* a HID POS scanner (hid-pos-scanner) */
	ST_SELFTEST_WEDGE = 2,   /* typed into the terminal (stdin, keyboard wedge) */
};

/* What ended the scan. */
enum st_selftest_term {
	ST_SELFTEST_TERM_ENTER = 0, /* Enter (CR or LF) */
	ST_SELFTEST_TERM_TAB = 1,   /* Tab */
	ST_SELFTEST_TERM_NONE = 2,  /* nothing: a pause ended it */
	ST_SELFTEST_TERM_NA = 3,    /* HID POS: reports, no suffix key */
};

struct st_selftest_input {
	const uint8_t *data;  /* as it arrived; an AIM id in front is seen */
	size_t len;
	const char *aim;      /* the AIM id the transport separated ("]C0"), or NULL/"" */
	enum st_selftest_source source;
	enum st_selftest_term term;      /* what ended it (a Tab or CR ending data counts too) */
	enum st_selftest_term want_term; /* keyboard mode: ENTER or TAB, as the station expects */
	bool want_hid_pos;    /* [devices] expect_hid_pos: keyboard mode is a finding */
	bool want_aim;        /* [devices] expect_aim: a missing AIM id is a finding */
	char gs_substitute;   /* [barcodes] gs_substitute (0 = none): counts as GS */
};

enum st_selftest_code {
	ST_SELFTEST_OK = 0,         /* all good */
	ST_SELFTEST_LAYOUT = 1,     /* the scanner's keyboard country is not the reading layout */
	ST_SELFTEST_CASE = 2,       /* case inverted: Caps Lock, or case conversion */
	ST_SELFTEST_GS_LOST = 3,    /* GS never arrived */
	ST_SELFTEST_GS_REPLACED = 4, /* GS arrived as another character */
	ST_SELFTEST_SUFFIX = 5,     /* Tab where Enter is wanted, the reverse, or none */
	ST_SELFTEST_KEYBOARD_MODE = 6, /* keyboard mode where HID POS is wanted */
	ST_SELFTEST_AIM_MISSING = 7, /* no AIM symbology identifier */
};

#define ST_SELFTEST_FINDINGS_MAX 8

struct st_selftest_finding {
	enum st_selftest_code code;
	char what[240]; /* what is wrong (or "all good"), for the operator */
	char fix[320];  /* what to do ("" for all good) */
};

struct st_selftest_result {
	bool recognised;  /* the self-test barcode, perhaps skewed */
	bool ok;          /* recognised, and nothing to fix */
	int typed, read;  /* enum fh_kbd_layout: the scanner's country, the reading layout */
	bool caps;        /* case inverted */
	int gs;           /* 0x1D kept (or its substitute), -1 lost, else the byte instead */
	bool aim;         /* an AIM id came */
	enum st_selftest_term term; /* the suffix seen */
	unsigned n;
	struct st_selftest_finding f[ST_SELFTEST_FINDINGS_MAX];
};

/* Diagnose in (borrowed) into *out (OUT, always written).  Returns 1 when
 * it is the self-test (out->n >= 1 findings), 0 when it is not (an
 * ordinary scan: out->recognised false, no findings), ST_ERR_ARG for NULL
 * arguments. */
int st_selftest_diagnose(const struct st_selftest_input *in, struct st_selftest_result *out);

/* Stable names for JSON ("ok", "layout", "case", "gs_lost", "gs_replaced",
 * "suffix", "keyboard_mode", "aim_missing"); "?" when out of range. */
const char *st_selftest_code_name(enum st_selftest_code code);

/* The source's name ("usb-keyboard", "usb-hid-pos", "wedge"). */
const char *st_selftest_source_name(enum st_selftest_source source);

/* The result as JSON, for the "selftest" event and "devices test --json":
 * {"ok", "via", "layout": {"scanner", "read"} (when they differ),
 * "findings": [{"code", "message", "fix"}]}.  New reference (NULL when out
 * of memory).  The one function here that allocates. */
json_t *st_selftest_json(const struct st_selftest_result *r, enum st_selftest_source via);

#endif
