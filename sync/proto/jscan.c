/* sync: the strict JSON scanner of jscan.h. */
#include "proto/jscan.h"

#include <string.h>

/* Inlined into every step of a container: compact JSON has no spaces, so
 * this is mostly one test of one byte, cheaper than a call. */
static inline void ws(struct sy_jscan *j)
{
	while (j->pos < j->n) {
		char c = j->s[j->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		j->pos++;
	}
}

void sy_jscan_ws(struct sy_jscan *j)
{
	ws(j);
}

static int bad(struct sy_jscan *j, const char *why)
{
	j->why = why;
	return -1;
}

static int hex4(const char *p, uint32_t *v)
{
	uint32_t x = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 sequence at p (of at most avail bytes), 0 if
 * invalid (overlong, surrogate, above U+10FFFF, cut short). */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	size_t k;
	uint32_t cp;

	if (c >= 0xc2 && c <= 0xdf) {
		k = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 3;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail <= k)
		return 0;
	for (size_t i = 1; i <= k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k + 1;
}

/* Scan a string at pos ('"'); decode into out when out is not NULL. */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
/* A byte of x is 0 (exact for "any"; the classic bit trick). */
#define HAS_ZERO(x) ((((x) - ONES) & ~(x) & HIGHS) != 0)

static int scan_string(struct sy_jscan *j, char *out, size_t *len)
{
	const unsigned char *s = (const unsigned char *)j->s;
	size_t o = 0, i = j->pos + 1;

	if (j->pos >= j->n || s[j->pos] != '"')
		return bad(j, "expected a string");
	for (;;) {
		size_t start = i;
		unsigned char c;

		/* Eight plain bytes at a time (no control, no '"', no '\\', no
		 * UTF-8): a batch is mostly such text, and this loop was the
		 * server's busiest (docs/performance.md). */
		while (j->n - i >= 8) {
			uint64_t v;

			memcpy(&v, s + i, 8);
			if ((v & HIGHS) != 0 || ((v - ONES * 0x20) & ~v & HIGHS) != 0 ||
			    HAS_ZERO(v ^ (ONES * '"')) || HAS_ZERO(v ^ (ONES * '\\')))
				break;
			i += 8;
		}
		while (i < j->n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
			i++;
		if (out) {
			memcpy(out + o, s + start, i - start);
			o += i - start;
		}
		if (i >= j->n) {
			j->pos = i;
			return bad(j, "string not terminated");
		}
		c = s[i];
		if (c == '"') {
			i++;
			break;
		}
		if (c < 0x20) {
			j->pos = i;
			return bad(j, "control character in a string");
		}
		if (c >= 0x80) {
			size_t k = utf8_seq(s + i, j->n - i);

			if (k == 0) {
				j->pos = i;
				return bad(j, "invalid UTF-8 in a string");
			}
			if (out) {
				memcpy(out + o, s + i, k);
				o += k;
			}
			i += k;
			continue;
		}
		/* A backslash escape. */
		if (i + 1 >= j->n) {
			j->pos = i;
			return bad(j, "string not terminated");
		}
		c = s[i + 1];
		if (c == 'u') {
			uint32_t cp, lo;

			if (i + 6 > j->n || hex4((const char *)s + i + 2, &cp) < 0) {
				j->pos = i;
				return bad(j, "bad \\u escape");
			}
			i += 6;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				j->pos = i - 6;
				return bad(j, "lone low surrogate");
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (i + 6 > j->n || s[i] != '\\' || s[i + 1] != 'u' ||
				    hex4((const char *)s + i + 2, &lo) < 0 || lo < 0xdc00 ||
				    lo > 0xdfff) {
					j->pos = i - 6;
					return bad(j, "high surrogate without its low half");
				}
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0) {
				j->pos = i - 6;
				return bad(j, "\\u0000 is not allowed");
			}
			if (out)
				o += put_utf8(out + o, cp);
			continue;
		}
		switch (c) {
		case '"':
		case '\\':
		case '/':
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		default:
			j->pos = i;
			return bad(j, "bad escape");
		}
		if (out)
			out[o++] = (char)c;
		i += 2;
	}
	if (out)
		out[o] = '\0';
	if (len)
		*len = o;
	j->pos = i;
	return 0;
}

int sy_jscan_string(struct sy_jscan *j, char *out, size_t *len)
{
	return scan_string(j, out, len);
}

/* Scan a number; *is_int when it has no fraction or exponent. */
static int scan_number(struct sy_jscan *j, int *is_int)
{
	const char *s = j->s;
	size_t i = j->pos;

	*is_int = 1;
	if (i < j->n && s[i] == '-')
		i++;
	if (i >= j->n || s[i] < '0' || s[i] > '9')
		return bad(j, "bad number");
	if (s[i] == '0')
		i++;
	else
		while (i < j->n && s[i] >= '0' && s[i] <= '9')
			i++;
	if (i < j->n && s[i] == '.') {
		*is_int = 0;
		i++;
		if (i >= j->n || s[i] < '0' || s[i] > '9')
			return bad(j, "bad number");
		while (i < j->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < j->n && (s[i] == 'e' || s[i] == 'E')) {
		*is_int = 0;
		i++;
		if (i < j->n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= j->n || s[i] < '0' || s[i] > '9')
			return bad(j, "bad number");
		while (i < j->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	j->pos = i;
	return 0;
}

int sy_jscan_int(struct sy_jscan *j, int64_t *v)
{
	size_t start = j->pos;
	int is_int = 0, neg;
	int64_t x = 0;

	if (scan_number(j, &is_int) < 0) {
		j->pos = start;
		return -1;
	}
	if (!is_int)
		return 0;
	neg = j->s[start] == '-';
	for (size_t i = start + (size_t)neg; i < j->pos; i++) {
		int d = j->s[i] - '0';

		if (x > (INT64_MAX - d) / 10)
			return 0; /* too large: a number, not an int64 */
		x = x * 10 + d;
	}
	*v = neg ? -x : x;
	return 1;
}

static int literal(struct sy_jscan *j, const char *word, size_t n)
{
	if (j->n - j->pos < n || memcmp(j->s + j->pos, word, n) != 0)
		return bad(j, "unexpected character");
	j->pos += n;
	return 0;
}

/* The steps of a container, shared by sy_jscan_value() and the walks of
 * jscan.h, so both stop at the same byte with the same why. */
static int peek(struct sy_jscan *j)
{
	ws(j);
	if (j->pos >= j->n)
		return bad(j, "unexpected end of text");
	return (unsigned char)j->s[j->pos];
}

static int enter(struct sy_jscan *j, int depth)
{
	char close = j->s[j->pos] == '{' ? '}' : ']';

	if (depth >= SY_JSCAN_MAX_DEPTH)
		return bad(j, "nested too deeply");
	j->pos++;
	ws(j);
	if (j->pos < j->n && j->s[j->pos] == close) {
		j->pos++;
		return 1;
	}
	return 0;
}

/* The key that ends at j->pos (a validated string from start) into key
 * when its quoted text is at most cap bytes, else ""; its length. */
static size_t key_copy(const struct sy_jscan *j, size_t start, char *key, size_t cap)
{
	size_t raw = j->pos - start, i = 0, n = 0;

	key[0] = '\0';
	if (raw > cap)
		return 0; /* not a key the caller knows */
	/* Most keys have no escape: then the text is the key. */
	while (i < raw - 2 && j->s[start + 1 + i] != '\\')
		i++;
	if (i == raw - 2) {
		memcpy(key, j->s + start + 1, i);
		key[i] = '\0';
		return i;
	}
	{
		struct sy_jscan k = { j->s, j->pos, start, NULL };

		scan_string(&k, key, &n); /* at most raw - 2 bytes and a NUL */
	}
	return n;
}

/* A member's key (pos on it) and its ':'.  With key, the key as
 * key_copy() gives it, and its length in *klen. */
static int colon(struct sy_jscan *j, char *key, size_t cap, size_t *klen)
{
	size_t start = j->pos;

	if (scan_string(j, NULL, NULL) < 0)
		return -1;
	if (key)
		*klen = key_copy(j, start, key, cap);
	ws(j);
	if (j->pos >= j->n || j->s[j->pos] != ':')
		return bad(j, "expected ':'");
	j->pos++;
	return 0;
}

static int next(struct sy_jscan *j, char close)
{
	ws(j);
	if (j->pos >= j->n)
		return bad(j, "unexpected end of text");
	if (j->s[j->pos] == close) {
		j->pos++;
		return 0;
	}
	if (j->s[j->pos] != ',')
		return bad(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	j->pos++;
	ws(j);
	return 1;
}

int sy_jscan_value(struct sy_jscan *j, int depth)
{
	int is_int, r, c = peek(j);

	switch (c) {
	case -1:
		return -1;
	case '{':
	case '[': {
		char close = c == '{' ? '}' : ']';

		r = enter(j, depth);
		if (r != 0)
			return r < 0 ? -1 : 0;
		do {
			if (close == '}' && colon(j, NULL, 0, NULL) < 0)
				return -1;
			if (sy_jscan_value(j, depth + 1) < 0)
				return -1;
			r = next(j, close);
		} while (r == 1);
		return r;
	}
	case '"':
		return scan_string(j, NULL, NULL);
	case 't':
		return literal(j, "true", 4);
	case 'f':
		return literal(j, "false", 5);
	case 'n':
		return literal(j, "null", 4);
	default:
		return scan_number(j, &is_int);
	}
}

int sy_jscan_enter(struct sy_jscan *j, int depth)
{
	return enter(j, depth);
}

int sy_jscan_key(struct sy_jscan *j, char *key, size_t cap)
{
	size_t n = 0;

	if (colon(j, key, cap, &n) < 0)
		return -1;
	return (int)n;
}

int sy_jscan_peek(struct sy_jscan *j)
{
	return peek(j);
}

int sy_jscan_next(struct sy_jscan *j, char close)
{
	return next(j, close);
}
