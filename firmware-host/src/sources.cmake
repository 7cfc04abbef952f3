# firmware-host core (STYLE.md section 6) and the USB layer (usb.c, the only
# file that sees <libusb.h>).
target_sources(fh PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/buttons.c
	${CMAKE_CURRENT_LIST_DIR}/ctx.c
	${CMAKE_CURRENT_LIST_DIR}/dev.c
	${CMAKE_CURRENT_LIST_DIR}/drivers.c
	${CMAKE_CURRENT_LIST_DIR}/log.c
	${CMAKE_CURRENT_LIST_DIR}/names.c
	${CMAKE_CURRENT_LIST_DIR}/std.c
	${CMAKE_CURRENT_LIST_DIR}/usb.c)

# One option per driver (STYLE.md section 12).  A driver's own
# drivers/<name>/sources.cmake adds its files and FH_HAVE_<NAME> when its
# option is ON; drivers.c registers it under that #ifdef.
option(FH_DRIVER_HID_KBD_SCANNER "Build the HID keyboard-mode scanner driver" ON)
option(FH_DRIVER_HID_POS_SCANNER "Build the HID POS scanner driver" ON)
option(FH_DRIVER_HID_SCALE "Build the HID scale driver" ON)
option(FH_DRIVER_USB_PRINTER "Build the USB printer-class driver" ON)
option(FH_DRIVER_HID_BUTTONS "Build the HID buttons and foot pedal driver" ON)
