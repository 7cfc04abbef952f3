# usb-printer: USB printer class (07/01/02) label printers.
if(FH_DRIVER_USB_PRINTER)
	target_sources(fh PRIVATE
		${CMAKE_CURRENT_LIST_DIR}/api.c
		${CMAKE_CURRENT_LIST_DIR}/protocol.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_USB_PRINTER)
endif()
