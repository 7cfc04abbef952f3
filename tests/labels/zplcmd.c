/* tests/labels: the ZPL command tokenizer of labtest.h, apart so that the
 * fuzz harness can use it without cmocka.  A printer splits a format into
 * commands at every '^' and '~', wherever they are: so does this. */
#include <string.h>

#include "labtest.h"

int labtest_zpl_commands(const char *zpl, size_t n, char (*out)[LABTEST_CMD_LEN], size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)zpl[i];

		if (c == '~' || (c < 0x20 && c != '\n') || c == 0x7F)
			return -1;
		if (c != '^')
			continue;
		if (k < cap) {
			out[k][0] = '^';
			out[k][1] = i + 1 < n ? zpl[i + 1] : '\0';
			out[k][2] = i + 2 < n ? zpl[i + 2] : '\0';
			out[k][3] = '\0';
		}
		k++;
	}
	return (int)(k < cap ? k : cap);
}
