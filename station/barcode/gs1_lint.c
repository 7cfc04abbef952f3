/* station/barcode: checking one GS1 AI value against its table entry.
 *
 * Splits the value into the entry's components (fixed lengths first, the last
 * one may be variable, trailing optional ones may be absent), checks each
 * component's character set and runs its content rules ("linters" in the GS1
 * Barcode Syntax Dictionary: check digits, dates, country and currency codes,
 * ...).  The rules are written from the GS1 General Specifications and the
 * dictionary's descriptions of its linters; the code is our own.
 *
 * Not for: finding where a value ends (gs1.c, gs1_dl.c) or the rules between
 * AIs (gs1.c).  Pure: no allocation, no I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gs1-int.h"

/* Everything a rule needs to name the problem: "AI (17) value '231345': ...". */
struct vctx {
	struct st_bc *bc; /* NULL: check silently */
	const char *ai;
	size_t ai_len;
	const char *val;  /* the whole value, for the message */
	size_t n;
};

static bool fail(const struct vctx *c, const char *fmt, ...) ST_PRINTF(2, 3);

static bool fail(const struct vctx *c, const char *fmt, ...)
{
	char what[ST_BC_ERR_LEN], shown[64];
	va_list ap;

	if (!c->bc)
		return false;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	st_gs1_show(shown, sizeof(shown), c->val, c->n);
	st_bc_err_add(c->bc, "AI (%.*s) value '%s': %s", (int)c->ai_len, c->ai, shown, what);
	return false;
}

void st_gs1_show(char *out, size_t outsz, const char *s, size_t n)
{
	size_t max = outsz > 44 ? 40 : outsz - 1, i;

	if (n <= outsz - 1 && n <= 43)
		max = n;
	for (i = 0; i < n && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[i] = (ch >= 0x20 && ch < 0x7F) ? (char)ch : '?';
	}
	if (i < n && i + 3 < outsz) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/* "'A'" or "0x1D" for a message about one byte. */
static const char *show_char(char buf[8], char ch)
{
	unsigned char u = (unsigned char)ch;

	if (u >= 0x20 && u < 0x7F)
		snprintf(buf, 8, "'%c'", ch);
	else
		snprintf(buf, 8, "0x%02X", u);
	return buf;
}

/* ---- character sets ------------------------------------------------------ */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_hex(char ch)
{
	return is_digit(ch) || (ch >= 'A' && ch <= 'F') || (ch >= 'a' && ch <= 'f');
}

/* CSET 82: the printable ASCII range '!' to 'z' without # $ @ [ \ ] ^ `. */
static bool in_cset82(unsigned char ch)
{
	if (ch < '!' || ch > 'z')
		return false;
	return !(ch == '#' || ch == '$' || ch == '@' || (ch >= '[' && ch <= '^') || ch == '`');
}

/* CSET 39: digits, upper-case letters, # - /. */
static bool in_cset39(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || ch == '#' || ch == '-' ||
	       ch == '/';
}

/* CSET 64: the file-safe / URI-safe base64 alphabet. */
static bool in_cset64(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	       ch == '-' || ch == '_';
}

static bool check_cset(const struct vctx *c, unsigned cset, const char *d, size_t n)
{
	size_t i;
	char b[8];

	switch (cset) {
	case GS1_CSET_N:
		for (i = 0; i < n; i++)
			if (!is_digit(d[i]))
				return fail(c, "character %zu %s is not a digit",
					    (size_t)(d - c->val) + i + 1, show_char(b, d[i]));
		return true;
	case GS1_CSET_X:
		for (i = 0; i < n; i++)
			if (!in_cset82((unsigned char)d[i]))
				return fail(c, "character %zu %s is not in GS1 CSET 82",
					    (size_t)(d - c->val) + i + 1, show_char(b, d[i]));
		return true;
	case GS1_CSET_Y:
		for (i = 0; i < n; i++)
			if (!in_cset39((unsigned char)d[i]))
				return fail(c, "character %zu %s is not in GS1 CSET 39",
					    (size_t)(d - c->val) + i + 1, show_char(b, d[i]));
		return true;
	case GS1_CSET_Z: {
		/* Up to two '=' of padding, only to make the length a multiple
		 * of 3 (the dictionary's cset64 rule). */
		size_t pads = 0;

		while (pads < n && d[n - 1 - pads] == '=')
			pads++;
		if (pads > 2 || (pads > 0 && n % 3 != 0))
			return fail(c, "bad base64 '=' padding");
		for (i = 0; i < n - pads; i++)
			if (!in_cset64((unsigned char)d[i]))
				return fail(c, "character %zu %s is not in GS1 CSET 64",
					    (size_t)(d - c->val) + i + 1, show_char(b, d[i]));
		return true;
	}
	}
	return false;
}

/* ---- code lists ---------------------------------------------------------- */

/* ISO 3166-1 numeric country codes, as in the GS1 syntax tests. */
static const uint16_t iso3166_num[] = {
	4,   8,   10,  12,  16,  20,  24,  28,  31,  32,  36,  40,  44,  48,  50,  51,  52,  56,
	60,  64,  68,  70,  72,  74,  76,  84,  86,  90,  92,  96,  100, 104, 108, 112, 116, 120,
	124, 132, 136, 140, 144, 148, 152, 156, 158, 162, 166, 170, 174, 175, 178, 180, 184, 188,
	191, 192, 196, 203, 204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 234, 238, 239, 242,
	246, 248, 250, 254, 258, 260, 262, 266, 268, 270, 275, 276, 288, 292, 296, 300, 304, 308,
	312, 316, 320, 324, 328, 332, 334, 336, 340, 344, 348, 352, 356, 360, 364, 368, 372, 376,
	380, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418, 422, 426, 428, 430, 434, 438,
	440, 442, 446, 450, 454, 458, 462, 466, 470, 474, 478, 480, 484, 492, 496, 498, 499, 500,
	504, 508, 512, 516, 520, 524, 528, 531, 533, 534, 535, 540, 548, 554, 558, 562, 566, 570,
	574, 578, 580, 581, 583, 584, 585, 586, 591, 598, 600, 604, 608, 612, 616, 620, 624, 626,
	630, 634, 638, 642, 643, 646, 652, 654, 659, 660, 662, 663, 666, 670, 674, 678, 682, 686,
	688, 690, 694, 702, 703, 704, 705, 706, 710, 716, 724, 728, 729, 732, 740, 744, 748, 752,
	756, 760, 762, 764, 768, 772, 776, 780, 784, 788, 792, 795, 796, 798, 800, 804, 807, 818,
	826, 831, 832, 833, 834, 840, 850, 854, 858, 860, 862, 876, 882, 887, 894,
};

/* ISO 4217 numeric currency codes (incl. 924 ZWG), as in the GS1 syntax tests. */
static const uint16_t iso4217_num[] = {
	8,   12,  32,  36,  44,  48,  50,  51,  52,  60,  64,  68,  72,  84,  90,  96,  104, 108,
	116, 124, 132, 136, 144, 152, 156, 170, 174, 188, 191, 192, 203, 208, 214, 222, 230, 232,
	238, 242, 262, 270, 292, 320, 324, 328, 332, 340, 344, 348, 352, 356, 360, 364, 368, 376,
	388, 392, 398, 400, 404, 408, 410, 414, 417, 418, 422, 426, 430, 434, 446, 454, 458, 462,
	480, 484, 496, 498, 504, 512, 516, 524, 532, 533, 548, 554, 558, 566, 578, 586, 590, 598,
	600, 604, 608, 634, 643, 646, 654, 682, 690, 694, 702, 704, 706, 710, 728, 748, 752, 756,
	760, 764, 776, 780, 784, 788, 800, 807, 818, 826, 834, 840, 858, 860, 882, 886, 901, 924,
	925, 927, 928, 929, 930, 931, 932, 933, 934, 936, 938, 940, 941, 943, 944, 946, 947, 948,
	949, 950, 951, 952, 953, 955, 956, 957, 958, 959, 960, 961, 962, 963, 964, 965, 967, 968,
	969, 970, 971, 972, 973, 975, 976, 977, 978, 979, 980, 981, 984, 985, 986, 990, 994, 997,
	999,
};

/* ISO 3166-1 alpha-2 country codes, sorted, two letters each. */
static const char iso3166_alpha2[] =
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ"
	"CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFO"
	"FRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJE"
	"JMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMO"
	"MPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPW"
	"PYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTM"
	"TNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

/* UN/ECE Recommendation 21 package type codes plus GS1's additions (the GS1
 * PackageTypeCode list), sorted as NUL-padded 4-byte strings. */
static const char package_types[][4] = {
	"1A",  "1B",  "1D",  "1F",  "1G",  "1W",  "200", "201", "202", "203", "204", "205", "206",
	"210", "211", "212", "2C",  "3A",  "3H",  "43",  "44",  "4A",  "4B",  "4C",  "4D",  "4F",
	"4G",  "4H",  "5H",  "5L",  "5M",  "6H",  "6P",  "7A",  "7B",  "8",   "8A",  "8B",  "8C",
	"9",   "AA",  "AB",  "AC",  "AD",  "AF",  "AG",  "AH",  "AI",  "AJ",  "AL",  "AM",  "AP",
	"APE", "AT",  "AV",  "B4",  "BB",  "BC",  "BD",  "BE",  "BF",  "BG",  "BGE", "BH",  "BI",
	"BJ",  "BK",  "BL",  "BM",  "BME", "BN",  "BO",  "BP",  "BQ",  "BR",  "BRI", "BS",  "BT",
	"BU",  "BV",  "BW",  "BX",  "BY",  "BZ",  "CA",  "CB",  "CBL", "CC",  "CCE", "CD",  "CE",
	"CF",  "CG",  "CH",  "CI",  "CJ",  "CK",  "CL",  "CM",  "CN",  "CO",  "CP",  "CQ",  "CR",
	"CS",  "CT",  "CU",  "CV",  "CW",  "CX",  "CY",  "CZ",  "DA",  "DB",  "DC",  "DG",  "DH",
	"DI",  "DJ",  "DK",  "DL",  "DM",  "DN",  "DP",  "DPE", "DR",  "DS",  "DT",  "DU",  "DV",
	"DW",  "DX",  "DY",  "E1",  "E2",  "E3",  "EC",  "ED",  "EE",  "EF",  "EG",  "EH",  "EI",
	"EN",  "FB",  "FC",  "FD",  "FE",  "FI",  "FL",  "FO",  "FOB", "FP",  "FPE", "FR",  "FT",
	"FW",  "FX",  "GB",  "GI",  "GL",  "GR",  "GU",  "GY",  "GZ",  "HA",  "HB",  "HC",  "HG",
	"HN",  "HR",  "IA",  "IB",  "IC",  "ID",  "IE",  "IF",  "IG",  "IH",  "IK",  "IL",  "IN",
	"IZ",  "JB",  "JC",  "JG",  "JR",  "JT",  "JY",  "KG",  "KI",  "LAB", "LE",  "LG",  "LT",
	"LU",  "LV",  "LZ",  "MA",  "MB",  "MC",  "ME",  "MPE", "MR",  "MS",  "MT",  "MW",  "MX",
	"NA",  "NE",  "NF",  "NG",  "NS",  "NT",  "NU",  "NV",  "OA",  "OB",  "OC",  "OD",  "OE",
	"OF",  "OK",  "OPE", "OT",  "OU",  "P2",  "PA",  "PAE", "PB",  "PC",  "PD",  "PE",  "PF",
	"PG",  "PH",  "PI",  "PJ",  "PK",  "PL",  "PLP", "PN",  "PO",  "POP", "PP",  "PPE", "PR",
	"PT",  "PU",  "PUE", "PV",  "PX",  "PY",  "PZ",  "QA",  "QB",  "QC",  "QD",  "QF",  "QG",
	"QH",  "QJ",  "QK",  "QL",  "QM",  "QN",  "QP",  "QQ",  "QR",  "QS",  "RB1", "RB2", "RB3",
	"RCB", "RD",  "RG",  "RJ",  "RK",  "RL",  "RO",  "RT",  "RZ",  "S1",  "SA",  "SB",  "SC",
	"SD",  "SE",  "SEC", "SH",  "SI",  "SK",  "SL",  "SM",  "SO",  "SP",  "SS",  "ST",  "STL",
	"SU",  "SV",  "SW",  "SX",  "SY",  "SZ",  "T1",  "TB",  "TC",  "TD",  "TE",  "TEV", "TG",
	"THE", "TI",  "TK",  "TL",  "TN",  "TO",  "TR",  "TRE", "TS",  "TT",  "TTE", "TU",  "TV",
	"TW",  "TWE", "TY",  "TZ",  "UC",  "UN",  "UUE", "VA",  "VG",  "VI",  "VK",  "VL",  "VN",
	"VO",  "VP",  "VQ",  "VR",  "VS",  "VY",  "WA",  "WB",  "WC",  "WD",  "WF",  "WG",  "WH",
	"WJ",  "WK",  "WL",  "WM",  "WN",  "WP",  "WQ",  "WR",  "WRP", "WS",  "WT",  "WU",  "WV",
	"WW",  "WX",  "WY",  "WZ",  "X11", "X12", "X15", "X16", "X17", "X18", "X19", "X20", "X3",
	"XA",  "XB",  "XC",  "XD",  "XF",  "XG",  "XH",  "XJ",  "XK",  "YA",  "YB",  "YC",  "YD",
	"YF",  "YG",  "YH",  "YJ",  "YK",  "YL",  "YM",  "YN",  "YP",  "YQ",  "YR",  "YS",  "YT",
	"YV",  "YW",  "YX",  "YY",  "YZ",  "ZA",  "ZB",  "ZC",  "ZD",  "ZF",  "ZG",  "ZH",  "ZJ",
	"ZK",  "ZL",  "ZM",  "ZN",  "ZP",  "ZQ",  "ZR",  "ZS",  "ZT",  "ZU",  "ZV",  "ZW",  "ZX",
	"ZY",  "ZZ",
};

static bool in_alpha2(const char *d)
{
	for (const char *p = iso3166_alpha2; *p; p += 2)
		if (p[0] == d[0] && p[1] == d[1])
			return true;
	return false;
}

static bool in_u16_list(const uint16_t *list, size_t len, unsigned v)
{
	size_t lo = 0, hi = len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (list[mid] == v)
			return true;
		if (list[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static unsigned num(const char *d, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(d[i] - '0');
	return v;
}

/* ---- content rules ------------------------------------------------------- */

static bool leap(unsigned year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* d = MMDD of year (full year number).  day0: DD = 00 means "day unknown". */
static bool check_mmdd(const struct vctx *c, const char *d, unsigned year, bool day0)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned mm = num(d, 2), dd = num(d + 2, 2);

	if (mm < 1 || mm > 12)
		return fail(c, "month %02u is not valid", mm);
	if (dd == 0 && day0)
		return true;
	if (dd < 1 || dd > mdays[mm - 1] || (mm == 2 && dd == 29 && !leap(year)))
		return fail(c, "day %02u is not valid in month %02u", dd, mm);
	return true;
}

/* Two-digit years: no clock here, so the century is not resolved; every YY
 * divisible by 4 is a leap year, which is right for 2000 to 2099 and agrees
 * with the GS1 sliding window for all years it yields until 2050. */
static bool lint_date6(const struct vctx *c, const char *d, bool day0)
{
	return check_mmdd(c, d + 2, 2000 + num(d, 2), day0);
}

static bool lint_hhmi(const struct vctx *c, const char *d)
{
	unsigned hh = num(d, 2), mi = num(d + 2, 2);

	if (hh > 23)
		return fail(c, "hour %02u is not valid", hh);
	if (mi > 59)
		return fail(c, "minute %02u is not valid", mi);
	return true;
}

static bool lint_key(const struct vctx *c, const char *d, size_t n, size_t off)
{
	/* The shortest GS1 Company Prefix has 4 digits; without a prefix
	 * directory that is all that can be checked. */
	if (n < off + 4)
		return fail(c, "too short to hold a GS1 Company Prefix");
	for (size_t i = off; i < off + 4; i++)
		if (!is_digit(d[i]))
			return fail(c, "does not start with a GS1 Company Prefix (digits)");
	return true;
}

static bool lint_csum(const struct vctx *c, const char *d, size_t n)
{
	int want = st_gs1_check_digit(d, n - 1);
	char shown[64];

	if (d[n - 1] - '0' == want)
		return true;
	if (c->bc) {
		st_gs1_show(shown, sizeof(shown), c->val, c->n);
		st_bc_err_add(c->bc, "AI (%.*s) '%s': check digit should be %d", (int)c->ai_len,
			      c->ai, shown, want);
	}
	return false;
}

/* Position (0 to 81) of ch in CSET 82, -1 when not in it. */
static int cset82_pos(unsigned char ch)
{
	static const char order[] = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
				    "abcdefghijklmnopqrstuvwxyz";
	const char *p;

	if (ch == 0)
		return -1;
	p = strchr(order, ch);
	return p ? (int)(p - order) : -1;
}

/* GS1 alphanumeric check character pair (GenSpecs "check character calculation
 * for alphanumeric keys"): the data characters' CSET 82 positions weighted by
 * the primes 2, 3, 5, ... from the right, sum mod 1021, written as two CSET 32
 * characters (high and low 5 bits). */
static bool lint_csumalpha(const struct vctx *c, const char *d, size_t n)
{
	static const unsigned short primes[] = {
		2,   3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,  47,  53,  59,
		61,  67,  71,  73,  79,  83,  89,  97,  101, 103, 107, 109, 113, 127, 131, 137, 139,
		149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211, 223, 227, 229, 233,
		239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307, 311, 313, 317, 331, 337,
		347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401, 409, 419, 421, 431, 433, 439,
		443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509,
	};
	static const char cset32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	unsigned sum = 0;
	size_t i;

	if (n < 2)
		return fail(c, "too short for a check character pair");
	if (n - 2 > sizeof(primes) / sizeof(primes[0]))
		return fail(c, "too long for a check character pair");
	for (i = 0; i < n - 2; i++) {
		int v = cset82_pos((unsigned char)d[i]);

		if (v < 0)
			return fail(c, "character %zu is not in GS1 CSET 82", i + 1);
		sum += (unsigned)v * primes[n - 3 - i];
	}
	sum %= 1021;
	if (d[n - 2] != cset32[sum >> 5] || d[n - 1] != cset32[sum & 31])
		return fail(c, "check characters should be '%c%c'", cset32[sum >> 5],
			    cset32[sum & 31]);
	return true;
}

static bool lint_iban(const struct vctx *c, const char *d, size_t n)
{
	unsigned sum = 0;
	size_t i;

	if (n <= 10)
		return fail(c, "too short for an IBAN");
	if (!in_alpha2(d))
		return fail(c, "IBAN country '%.2s' is not an ISO 3166 code", d);
	/* ISO 13616: move the first four characters to the end, letters as
	 * 10 to 35, the whole number mod 97 must be 1. */
	for (i = 0; i < n; i++) {
		char ch = d[(i + 4) % n];
		unsigned v;

		if (is_digit(ch))
			v = (unsigned)(ch - '0');
		else if (ch >= 'A' && ch <= 'Z')
			v = (unsigned)(ch - 'A') + 10;
		else
			return fail(c, "character %zu is not allowed in an IBAN", (i + 4) % n + 1);
		sum = (v < 10 ? sum * 10 + v : sum * 100 + v) % 97;
	}
	if (sum != 1)
		return fail(c, "IBAN check digits are wrong");
	return true;
}

static bool lint_posinseq(const struct vctx *c, const char *d, size_t n)
{
	size_t slash = 0;

	while (slash < n && is_digit(d[slash]))
		slash++;
	if (slash == 0 || slash + 1 >= n || d[slash] != '/')
		return fail(c, "not of the form <position>/<count>");
	for (size_t i = slash + 1; i < n; i++)
		if (!is_digit(d[i]))
			return fail(c, "not of the form <position>/<count>");
	if (d[0] == '0' || d[slash + 1] == '0')
		return fail(c, "position and count must not start with 0");
	if (num(d, slash) > num(d + slash + 1, n - slash - 1))
		return fail(c, "position is greater than the count");
	return true;
}

static bool lint_packagetype(const struct vctx *c, const char *d, size_t n)
{
	char key[4] = { 0 };
	size_t lo = 0, hi = sizeof(package_types) / sizeof(package_types[0]);

	if (n > 3)
		return fail(c, "'%.*s' is not a package type code", (int)n, d);
	memcpy(key, d, n);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = memcmp(package_types[mid], key, 4);

		if (r == 0)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return fail(c, "'%.*s' is not a package type code", (int)n, d);
}

/* A variable-length indicator digit and the digits it announces. */
static bool take_vli(const struct vctx *c, const char **p, const char *end, char lo, char hi,
		     int extra, const char *what)
{
	int len;

	if (*p >= end)
		return fail(c, "coupon: %s is missing", what);
	if (**p < lo || **p > hi)
		return fail(c, "coupon: bad length indicator '%c' for %s", **p, what);
	len = **p - '0' + extra;
	(*p)++;
	if (end - *p < len)
		return fail(c, "coupon: %s is truncated", what);
	*p += len;
	return true;
}

static bool take_fixed(const struct vctx *c, const char **p, const char *end, int len,
		       const char *what)
{
	if (end - *p < len)
		return fail(c, "coupon: %s is truncated", what);
	*p += len;
	return true;
}

/* d = requirement code, then a 3-digit family code. */
static bool take_req_code(const struct vctx *c, const char **p, const char *end, const char *what)
{
	if (*p >= end)
		return fail(c, "coupon: %s requirement code is missing", what);
	if (**p > '4' && **p != '9')
		return fail(c, "coupon: bad %s requirement code '%c'", what, **p);
	(*p)++;
	return take_fixed(c, p, end, 3, "family code");
}

static bool take_gcp9(const struct vctx *c, const char **p, const char *end, const char *what)
{
	/* '9' means "no company prefix"; '0' to '6' announce 6 to 12 digits. */
	if (*p < end && **p == '9') {
		(*p)++;
		return true;
	}
	return take_vli(c, p, end, '0', '6', 6, what);
}

static bool coupon_date(const struct vctx *c, const char **p, const char *end, const char *what,
			char out[6])
{
	struct vctx quiet = *c;

	if (end - *p < 6)
		return fail(c, "coupon: %s is truncated", what);
	quiet.bc = NULL;
	if (!lint_date6(&quiet, *p, false))
		return fail(c, "coupon: %s '%.6s' is not a valid date", what, *p);
	memcpy(out, *p, 6);
	*p += 6;
	return true;
}

/* AI (8110): North American coupon code (all digits). */
static bool lint_couponcode(const struct vctx *c, const char *d, size_t n)
{
	const char *p = d, *end = d + n;
	char expiry[6], start[6];
	bool have_expiry = false;

	for (size_t i = 0; i < n; i++)
		if (!is_digit(d[i]))
			return fail(c, "coupon: character %zu is not a digit", i + 1);
	if (!take_vli(c, &p, end, '0', '6', 6, "company prefix") ||
	    !take_fixed(c, &p, end, 6, "offer code") ||
	    !take_vli(c, &p, end, '1', '5', 0, "save value") ||
	    !take_vli(c, &p, end, '1', '5', 0, "first purchase requirement") ||
	    !take_req_code(c, &p, end, "first purchase"))
		return false;
	if (p < end && *p == '1') { /* additional purchase rules, second purchase */
		p++;
		if (p >= end || *p > '3')
			return fail(c, "coupon: bad or missing additional purchase rules code");
		p++;
		if (!take_vli(c, &p, end, '1', '5', 0, "second purchase requirement") ||
		    !take_req_code(c, &p, end, "second purchase") ||
		    !take_gcp9(c, &p, end, "second purchase company prefix"))
			return false;
	}
	if (p < end && *p == '2') { /* third purchase */
		p++;
		if (!take_vli(c, &p, end, '1', '5', 0, "third purchase requirement") ||
		    !take_req_code(c, &p, end, "third purchase") ||
		    !take_gcp9(c, &p, end, "third purchase company prefix"))
			return false;
	}
	if (p < end && *p == '3') {
		p++;
		if (!coupon_date(c, &p, end, "expiration date", expiry))
			return false;
		have_expiry = true;
	}
	if (p < end && *p == '4') {
		p++;
		if (!coupon_date(c, &p, end, "start date", start))
			return false;
		if (have_expiry && memcmp(start, expiry, 6) > 0)
			return fail(c, "coupon: expires before it starts");
	}
	if (p < end && *p == '5') {
		p++;
		if (!take_vli(c, &p, end, '0', '9', 6, "serial number"))
			return false;
	}
	if (p < end && *p == '6') {
		p++;
		if (!take_vli(c, &p, end, '1', '7', 6, "retailer company prefix or GLN"))
			return false;
	}
	if (p < end && *p == '9') { /* miscellaneous */
		p++;
		if (p >= end || !(*p <= '2' || *p == '5' || *p == '6'))
			return fail(c, "coupon: bad or missing save value code");
		p++;
		if (p >= end || *p > '2')
			return fail(c, "coupon: bad or missing 'save value applies to item'");
		p++;
		if (p >= end)
			return fail(c, "coupon: store coupon flag is missing");
		p++;
		if (p >= end || *p > '1')
			return fail(c, "coupon: bad or missing 'don't multiply' flag");
		p++;
	}
	if (p != end)
		return fail(c, "coupon: unexpected data at character %zu", (size_t)(p - d) + 1);
	return true;
}

/* AI (8112): positive offer file coupon code (all digits). */
static bool lint_couponposoffer(const struct vctx *c, const char *d, size_t n)
{
	const char *p = d, *end = d + n;

	for (size_t i = 0; i < n; i++)
		if (!is_digit(d[i]))
			return fail(c, "coupon: character %zu is not a digit", i + 1);
	if (p >= end || (*p != '0' && *p != '1'))
		return fail(c, "coupon: format code must be 0 or 1");
	p++;
	if (!take_vli(c, &p, end, '0', '6', 6, "funder ID") ||
	    !take_fixed(c, &p, end, 6, "offer code") ||
	    !take_vli(c, &p, end, '0', '9', 6, "serial number"))
		return false;
	if (p != end)
		return fail(c, "coupon: unexpected data at character %zu", (size_t)(p - d) + 1);
	return true;
}

/* Run one content rule on component d[0..n), whose character set is already
 * known to be right. */
static bool run_lint(const struct vctx *c, unsigned lint, const char *d, size_t n)
{
	switch (lint) {
	case GS1_LINT_CSUM:
		return lint_csum(c, d, n);
	case GS1_LINT_CSUMALPHA:
		return lint_csumalpha(c, d, n);
	case GS1_LINT_KEY:
		return lint_key(c, d, n, 0);
	case GS1_LINT_KEYOFF1:
		return lint_key(c, d, n, 1);
	case GS1_LINT_YYMMD0:
		return lint_date6(c, d, true);
	case GS1_LINT_YYMMDD:
		return lint_date6(c, d, false);
	case GS1_LINT_YYYYMMDD:
		return check_mmdd(c, d + 4, num(d, 4), false);
	case GS1_LINT_HHMI:
		return lint_hhmi(c, d);
	case GS1_LINT_HH:
		return num(d, 2) <= 23 || fail(c, "hour %.2s is not valid", d);
	case GS1_LINT_MI:
		return num(d, 2) <= 59 || fail(c, "minute %.2s is not valid", d);
	case GS1_LINT_SS:
		return num(d, 2) <= 59 || fail(c, "second %.2s is not valid", d);
	case GS1_LINT_ISO3166999:
		if (num(d, 3) == 999)
			return true;
		/* fall through */
	case GS1_LINT_ISO3166:
		return in_u16_list(iso3166_num, sizeof(iso3166_num) / sizeof(iso3166_num[0]),
				   num(d, 3)) ||
		       fail(c, "%.3s is not an ISO 3166 country code", d);
	case GS1_LINT_ISO3166ALPHA2:
		return in_alpha2(d) || fail(c, "'%.2s' is not an ISO 3166 alpha-2 country code", d);
	case GS1_LINT_ISO4217:
		return in_u16_list(iso4217_num, sizeof(iso4217_num) / sizeof(iso4217_num[0]),
				   num(d, 3)) ||
		       fail(c, "%.3s is not an ISO 4217 currency code", d);
	case GS1_LINT_LATITUDE:
		/* Latitude + 90 degrees, in 10^-7 degrees. */
		return (num(d, 1) < 1 || (num(d, 1) == 1 && num(d + 1, 9) <= 800000000)) ||
		       fail(c, "latitude is out of range");
	case GS1_LINT_LONGITUDE:
		/* Longitude + 180 degrees, in 10^-7 degrees. */
		return (num(d, 1) < 3 || (num(d, 1) == 3 && num(d + 1, 9) <= 600000000)) ||
		       fail(c, "longitude is out of range");
	case GS1_LINT_PCENC:
		for (size_t i = 0; i < n; i++) {
			if (d[i] != '%')
				continue;
			if (i + 2 >= n || !is_hex(d[i + 1]) || !is_hex(d[i + 2]))
				return fail(c, "'%%' at character %zu is not followed by "
					       "two hex digits",
					    (size_t)(d - c->val) + i + 1);
			i += 2;
		}
		return true;
	case GS1_LINT_YESNO:
		return d[0] == '0' || d[0] == '1' || fail(c, "must be 0 or 1");
	case GS1_LINT_HYPHEN:
		return d[0] == '-' || fail(c, "the sign must be '-'");
	case GS1_LINT_IMPORTERIDX:
		return in_cset64((unsigned char)d[0]) ||
		       fail(c, "importer index '%c' is not valid", d[0]);
	case GS1_LINT_PACKAGETYPE:
		return lint_packagetype(c, d, n);
	case GS1_LINT_MEDIATYPE: {
		unsigned v = num(d, 2);

		return (v >= 1 && v <= 10) || v >= 80 ||
		       fail(c, "%.2s is not an AIDC media type", d);
	}
	case GS1_LINT_ISO5218:
		return d[0] == '0' || d[0] == '1' || d[0] == '2' || d[0] == '9' ||
		       fail(c, "%c is not an ISO 5218 sex code", d[0]);
	case GS1_LINT_POSINSEQSLASH:
		return lint_posinseq(c, d, n);
	case GS1_LINT_NONZERO:
		for (size_t i = 0; i < n; i++)
			if (d[i] != '0')
				return true;
		return fail(c, "characters %zu-%zu must not all be zero", (size_t)(d - c->val) + 1,
			    (size_t)(d - c->val) + n);
	case GS1_LINT_ZERO:
		return d[0] == '0' || fail(c, "character %zu must be 0", (size_t)(d - c->val) + 1);
	case GS1_LINT_WINDING:
		return d[0] == '0' || d[0] == '1' || d[0] == '9' ||
		       fail(c, "winding direction must be 0, 1 or 9");
	case GS1_LINT_PIECEOFTOTAL: {
		unsigned piece = num(d, 2), total = num(d + 2, 2);

		if (piece == 0 || total == 0)
			return fail(c, "piece and total must not be zero");
		return piece <= total ||
		       fail(c, "piece %u is more than the total %u", piece, total);
	}
	case GS1_LINT_IBAN:
		return lint_iban(c, d, n);
	case GS1_LINT_NOZEROPREFIX:
		return n < 2 || d[0] != '0' || fail(c, "must not start with 0");
	case GS1_LINT_HASNONDIGIT:
		for (size_t i = 0; i < n; i++)
			if (!is_digit(d[i]))
				return true;
		return fail(c, "must contain a character other than a digit");
	case GS1_LINT_COUPONCODE:
		return lint_couponcode(c, d, n);
	case GS1_LINT_COUPONPOSOFFER:
		return lint_couponposoffer(c, d, n);
	}
	return true;
}

bool st_gs1_value_ok(struct st_bc *bc, const struct gs1_ai_def *def, const char *ai,
		     size_t ai_len, const char *val, size_t n)
{
	struct vctx c = { bc, ai, ai_len, val, n };
	size_t pos = 0;
	bool ok = true;

	if (n == 0)
		return fail(&c, "empty; the AI needs a value");
	if (n < def->min_len) {
		if (def->min_len == def->max_len)
			return fail(&c, "%zu characters, needs %u", n, def->min_len);
		return fail(&c, "%zu characters, needs at least %u", n, def->min_len);
	}
	if (n > def->max_len) {
		if (def->min_len == def->max_len)
			return fail(&c, "%zu characters, needs %u", n, def->min_len);
		return fail(&c, "%zu characters, at most %u", n, def->max_len);
	}
	for (unsigned i = 0; i < def->ncomp; i++) {
		const struct gs1_comp *k = &def->comp[i];
		size_t take = n - pos;

		if (take == 0 && k->opt)
			break;
		if (take > k->max)
			take = k->max;
		if (take < k->min)
			return fail(&c, "%zu characters is not a valid length (part %u needs %u)",
				    n, i + 1, k->min);
		if (!check_cset(&c, k->cset, val + pos, take)) {
			ok = false;
		} else {
			for (unsigned j = 0; j < sizeof(k->lint) && k->lint[j]; j++) {
				if (!run_lint(&c, k->lint[j], val + pos, take)) {
					ok = false;
					break;
				}
			}
		}
		if (!ok && !bc)
			return false;
		pos += take;
	}
	if (pos != n)
		return fail(&c, "%zu characters is not a valid length", n);
	return ok;
}
