/* firmware-host: scales.
 *
 * Scales produce FH_EV_WEIGHT events (dev.h): the weight in milligrams,
 * whether it is stable, and the unit the scale displays.
 */
#ifndef QC_FIRMWARE_HOST_SCALE_H
#define QC_FIRMWARE_HOST_SCALE_H

#include "fh/dev.h"

/* Zero the scale with what lies on it.  Returns 0, FH_ERR_NA when the
 * device (or this model: many HID scales ignore it) cannot tare, or a
 * transport error. */
int fh_scale_tare(struct fh_dev *dev);

/* A static short name for unit ("g", "kg", "oz", "lb", ...; "?" when out
 * of range). */
const char *fh_unit_name(enum fh_unit unit);

#endif
