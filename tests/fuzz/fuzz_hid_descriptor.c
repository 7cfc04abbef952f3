/* Fuzz target: the HID report-descriptor parser (firmware-host
 * drivers/hid-report/hidrd.c) on any bytes a device could send as its
 * report descriptor.  Checks the invariants the drivers rely on. */
#include <stdint.h>
#include <stdlib.h>

#include "../../firmware-host/drivers/hid-report/hidrd.h"
#include "fh/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fh_hidrd d;
	static const uint8_t report[64];
	int rc, app;

	rc = fh_hidrd_parse(data, size, &d);
	if (rc != FH_OK && rc != FH_ERR_PROTO)
		abort();
	if (rc != FH_OK)
		return 0;
	if (d.n_fields > FH_HIDRD_MAX_FIELDS || d.n_collections > FH_HIDRD_MAX_COLLECTIONS)
		abort();
	for (unsigned i = 0; i < d.n_collections; i++)
		if (d.collections[i].parent != FH_HIDRD_NONE && d.collections[i].parent >= i)
			abort();
	for (unsigned i = 0; i < d.n_fields; i++) {
		const struct fh_hidrd_field *f = &d.fields[i];
		uint64_t end = f->bit_offset + (uint64_t)f->bit_size * f->count;
		uint32_t v;

		if (f->count == 0 || f->bit_size == 0 || end > FH_HIDRD_MAX_REPORT_BYTES * 8u)
			abort();
		if (f->usage_max < f->usage || f->kind > FH_HIDRD_FEATURE)
			abort();
		if (f->app != FH_HIDRD_NONE &&
		    (f->app >= d.n_collections ||
		     d.collections[f->app].type != FH_HIDRD_COLL_APPLICATION))
			abort();
		if (f->collection != FH_HIDRD_NONE && f->collection >= d.n_collections)
			abort();
		if (fh_hidrd_report_len(&d, f->kind, f->report_id) > FH_HIDRD_MAX_REPORT_BYTES + 1)
			abort();
		(void)fh_hidrd_bits(report, sizeof(report), f->bit_offset,
				    f->bit_size > 32 ? 32 : f->bit_size, &v);
	}
	app = fh_hidrd_find_app(&d, 0x8C, 0x02);
	(void)fh_hidrd_find_field(&d, 0, app < 0 ? FH_HIDRD_NONE : (unsigned)app, FH_HIDRD_INPUT,
				  0x8C, 0xFE);
	return 0;
}
