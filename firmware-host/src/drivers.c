/* firmware-host: the driver registration table (STYLE.md section 6).
 *
 * One explicit list, in match order; each entry is compiled in when its
 * CMake option FH_DRIVER_<NAME> is ON (the driver's sources.cmake then
 * defines FH_HAVE_<NAME>).  A new driver adds its two lines here.
 */
#include "fh-int.h"

#ifdef FH_HAVE_HID_POS_SCANNER
extern const struct fh_driver fh_drv_hid_pos_scanner;
#endif
#ifdef FH_HAVE_HID_SCALE
extern const struct fh_driver fh_drv_hid_scale;
#endif
#ifdef FH_HAVE_USB_PRINTER
extern const struct fh_driver fh_drv_usb_printer;
#endif
#ifdef FH_HAVE_HID_BUTTONS
extern const struct fh_driver fh_drv_hid_buttons;
#endif
#ifdef FH_HAVE_HID_KBD_SCANNER
extern const struct fh_driver fh_drv_hid_kbd_scanner;
#endif

/* Order matters only among class matches: the specific HID pages (POS
 * scanner, scale) before the boot keyboard, which any keyboard-like device
 * also offers; a VID:PID match beats every class match (the USB layer). */
const struct fh_driver *const fh_drivers[] = {
#ifdef FH_HAVE_HID_POS_SCANNER
	&fh_drv_hid_pos_scanner,
#endif
#ifdef FH_HAVE_HID_SCALE
	&fh_drv_hid_scale,
#endif
#ifdef FH_HAVE_USB_PRINTER
	&fh_drv_usb_printer,
#endif
#ifdef FH_HAVE_HID_BUTTONS
	&fh_drv_hid_buttons,
#endif
#ifdef FH_HAVE_HID_KBD_SCANNER
	&fh_drv_hid_kbd_scanner,
#endif
	NULL,
};

const struct fh_driver *fh_driver_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; fh_drivers[i]; i++)
		if (strcmp(fh_drivers[i]->name, name) == 0)
			return fh_drivers[i];
	return NULL;
}
