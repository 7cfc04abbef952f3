# usb-printer: device id, port status and the job writer with byte vectors,
# and the driver over the fake transport (white-box: src/fh-int.h,
# drivers/<name>/protocol.h).
if(FH_DRIVER_USB_PRINTER)
	qc_unit_test(test_usb_printer test_usb_printer.c
		${PROJECT_SOURCE_DIR}/tests/fakes/fake_transport.c LIBS fh)
	target_include_directories(test_usb_printer PRIVATE
		${PROJECT_SOURCE_DIR}/firmware-host ${PROJECT_SOURCE_DIR}/firmware-host/src)
endif()
