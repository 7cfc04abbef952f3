/* firmware-host: label printers on USB.
 *
 * The printer driver sends a job the caller already rendered (ZPL, EPL,
 * ...: the labels library makes them) and reads status where the printer
 * answers.
 */
#ifndef QC_FIRMWARE_HOST_PRINTER_H
#define QC_FIRMWARE_HOST_PRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "fh/dev.h"

/* Send job[0..len) to the printer; job is borrowed.  Returns 0 when every
 * byte was accepted, FH_ERR_NA when dev is not a printer, FH_ERR_ARG for
 * an empty job, or a transport error (FH_ERR_TIMEOUT, FH_ERR_NODEV,
 * FH_ERR_IO). */
int fh_printer_print(struct fh_dev *dev, const uint8_t *job, size_t len);

#endif
