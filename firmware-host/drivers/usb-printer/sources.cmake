# usb-printer: USB printer class (07/01/02) label printers.
# The pure protocol is always built (the fuzz harnesses replay it in every
# build); the option decides whether the driver is registered.
target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/protocol.c)
if(FH_DRIVER_USB_PRINTER)
	target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/api.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_USB_PRINTER)
endif()
