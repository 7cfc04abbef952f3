/* tests: write a PNG of one Code 128 barcode, for the end-to-end tests that
 * need a photo "showing" an item's label (tests/e2e/test_tui.sh drops it
 * in the watched folder).  Rendered by libzint, an encoder independent of
 * the decoder under test (zbar, station/evidence/).
 *
 *   qc_test_mkbarcode DATA OUT.png
 *
 * Exit status 0 when the file was written, 1 otherwise (zint's message on
 * stderr), 2 on a usage error.  Not for production: a test helper only.
 */
#include <stdio.h>
#include <string.h>

#include <zint.h>

int main(int argc, char **argv)
{
	struct zint_symbol *z;
	int rc;

	if (argc != 3 || !argv[1][0] || !argv[2][0]) {
		fprintf(stderr, "usage: qc_test_mkbarcode DATA OUT.png\n");
		return 2;
	}
	if (strlen(argv[2]) >= sizeof(z->outfile)) {
		fprintf(stderr, "qc_test_mkbarcode: %s: path too long\n", argv[2]);
		return 2;
	}
	z = ZBarcode_Create();
	if (!z) {
		fprintf(stderr, "qc_test_mkbarcode: out of memory\n");
		return 1;
	}
	z->symbology = BARCODE_CODE128;
	z->scale = 2.0f;                          /* 4 pixels a module: easy for zbar */
	z->output_options = BARCODE_QUIET_ZONES;  /* the margins a reader needs */
	snprintf(z->outfile, sizeof(z->outfile), "%s", argv[2]);
	rc = ZBarcode_Encode_and_Print(z, (const unsigned char *)argv[1], (int)strlen(argv[1]), 0);
	if (rc >= ZINT_ERROR)
		fprintf(stderr, "qc_test_mkbarcode: %s: %s\n", argv[2], z->errtxt);
	ZBarcode_Delete(z);
	return rc >= ZINT_ERROR ? 1 : 0;
}
