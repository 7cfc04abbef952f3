/* station/barcode: AIM symbology identifiers (ISO/IEC 15424).
 *
 * A scanner configured to transmit them prefixes each code with "]" plus a
 * symbology letter plus a modifier character, e.g. "]C1" for GS1-128 or "]E0"
 * for EAN-13.  The modifier tells whether the data is a GS1 element string
 * (FNC1 in first position), which is all the classifier needs to know.
 */
#include <string.h>
#include "barcode-int.h"


size_t st_aim_prefix_len(const char *s, size_t n)
{
	if (n < 3 || s[0] != ']')
		return 0;
	/* Symbology code characters are letters (A-Z, a-z); ']Y' is the
	 * variable-length system expansion, which nothing here emits. */
	if (!((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z')) || s[1] == 'Y')
		return 0;
	/* The modifier is a digit or an upper-case letter. */
	if (!((s[2] >= '0' && s[2] <= '9') || (s[2] >= 'A' && s[2] <= 'Z')))
		return 0;
	return 3;
}

bool st_aim_is_gs1(const char *sym)
{
	/* Symbology identifiers whose data is a GS1 element string (GS1 General
	 * Specifications fig. 5.1.2-2 / 5.4.2-1): GS1-128, GS1 DataMatrix,
	 * GS1 QR Code, GS1 DataBar, GS1 DotCode, GS1 Composite. */
	static const char *const gs1[] = { "]C1", "]d2", "]Q3", "]e0", "]J1", "]e1", "]e2", "]Q5" };

	for (size_t i = 0; i < sizeof(gs1) / sizeof(gs1[0]); i++)
		if (strcmp(sym, gs1[i]) == 0)
			return true;
	return false;
}
