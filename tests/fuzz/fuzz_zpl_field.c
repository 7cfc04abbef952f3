/* Fuzz target: field data in ZPL output.  The input, split at NUL bytes,
 * fills the fields of a template that has every kind of field (text, text
 * block, Code 128, GS1-128, QR, Data Matrix).  Whatever the bytes, either
 * the build refuses them (LB_ERR_RANGE: a field too long, data a symbology
 * cannot carry) or the ZPL has exactly the command sequence the same
 * template has with harmless data: no field data ever yields a command
 * outside its field.  Deterministic, no I/O, everything freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lb/data.h"
#include "lb/err.h"
#include "lb/template.h"
#include "lb/zpl.h"
#include "labtest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CMD_MAX 512

static const char tpl[] =
	"{\"template\":\"fuzz\",\"description\":\"every kind of field\","
	"\"width\":\"4in\",\"height\":\"6in\",\"fields\":["
	"{\"name\":\"name\",\"label\":\"N\",\"max\":200},"
	"{\"name\":\"notes\",\"label\":\"B\",\"max\":1000},"
	"{\"name\":\"code\",\"label\":\"C\",\"max\":20,\"required\":true},"
	"{\"name\":\"qr\",\"label\":\"Q\",\"max\":200,\"required\":true},"
	"{\"name\":\"dm\",\"label\":\"D\",\"max\":40,\"required\":true},"
	"{\"name\":\"lot\",\"label\":\"L\",\"max\":20,\"required\":true}],"
	"\"elements\":["
	"{\"type\":\"text\",\"x\":\"2mm\",\"y\":\"2mm\",\"w\":\"90mm\",\"size\":\"4mm\",\"text\":\"Name: {name}\"},"
	"{\"type\":\"block\",\"x\":\"2mm\",\"y\":\"8mm\",\"w\":\"90mm\",\"size\":\"3mm\",\"lines\":5,\"text\":\"{notes} {name}\"},"
	"{\"type\":\"barcode\",\"symbology\":\"code128\",\"x\":\"5mm\",\"y\":\"30mm\",\"w\":\"90mm\",\"h\":\"10mm\",\"module\":\"0.25mm\",\"data\":\"{code}\"},"
	"{\"type\":\"barcode\",\"symbology\":\"gs1-128\",\"x\":\"5mm\",\"y\":\"45mm\",\"w\":\"90mm\",\"h\":\"10mm\",\"module\":\"0.25mm\",\"data\":\"(10){lot}\"},"
	"{\"type\":\"barcode\",\"symbology\":\"qr\",\"x\":\"5mm\",\"y\":\"60mm\",\"w\":\"60mm\",\"h\":\"60mm\",\"module\":\"0.5mm\",\"data\":\"{qr}\"},"
	"{\"type\":\"barcode\",\"symbology\":\"datamatrix\",\"x\":\"70mm\",\"y\":\"60mm\",\"w\":\"28mm\",\"h\":\"28mm\",\"module\":\"0.5mm\",\"data\":\"{dm}\"},"
	"{\"type\":\"box\",\"x\":\"1mm\",\"y\":\"1mm\",\"w\":\"99mm\",\"h\":\"150mm\",\"thickness\":\"0.5mm\"},"
	"{\"type\":\"text\",\"x\":\"2mm\",\"y\":\"130mm\",\"w\":\"90mm\",\"size\":\"3mm\",\"text\":\"{code} {lot} {dm}\"}]}";

static const char *const fields[] = { "name", "notes", "code", "qr", "dm", "lot" };

/* The commands of t built with d; -1 when the build is refused. */
static int commands(const struct lb_template *t, const struct lb_data *d,
		    char (*cmd)[LABTEST_CMD_LEN], int *n)
{
	struct lb_label *l = NULL;
	struct lb_buf b = LB_BUF_INIT;
	int rc = lb_template_build(t, d, 203, &l, NULL, 0);

	if (rc != LB_OK) {
		if (rc != LB_ERR_RANGE)
			abort(); /* data is refused as "does not fit", nothing else */
		return -1;
	}
	if (lb_zpl_render(l, &b) != LB_OK)
		abort();
	*n = labtest_zpl_commands(b.data, b.len, cmd, CMD_MAX);
	if (*n < 0 || *n >= CMD_MAX)
		abort(); /* a '~' or a control byte reached the stream */
	lb_buf_fini(&b);
	lb_label_free(l);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char(*want)[LABTEST_CMD_LEN] = malloc(CMD_MAX * LABTEST_CMD_LEN);
	char(*got)[LABTEST_CMD_LEN] = malloc(CMD_MAX * LABTEST_CMD_LEN);
	struct lb_template *t = NULL;
	struct lb_data *calm = NULL, *d = NULL;
	int nw = 0, ng = 0;
	size_t off = 0;

	if (!want || !got || lb_template_parse(tpl, sizeof(tpl) - 1, "fuzz", &t, NULL, 0) != LB_OK ||
	    lb_data_new(&calm) != LB_OK || lb_data_new(&d) != LB_OK)
		abort();
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const uint8_t *end = off < size ? memchr(data + off, 0, size - off) : NULL;
		size_t n = off < size ? (end ? (size_t)(end - data) : size) - off : 0;

		if (lb_data_set(calm, fields[i], "x", 1) != LB_OK)
			abort();
		if (n > LB_BLOCK_MAX)
			n = LB_BLOCK_MAX;
		if (lb_data_set(d, fields[i], off < size ? (const char *)data + off : "", n) != LB_OK)
			abort();
		off += n + 1;
	}
	if (commands(t, calm, want, &nw) != 0)
		abort();
	if (commands(t, d, got, &ng) == 0) {
		if (ng != nw)
			abort();
		for (int i = 0; i < nw; i++)
			if (strcmp(want[i], got[i]))
				abort();
	}
	lb_data_free(d);
	lb_data_free(calm);
	lb_template_free(t);
	free(want);
	free(got);
	return 0;
}
