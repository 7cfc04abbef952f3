# hid-buttons: the pure decoder, names and map, and the driver over the
# fake transport (white-box: src/fh-int.h, drivers/<name>/protocol.h).
if(FH_DRIVER_HID_BUTTONS)
	qc_unit_test(test_buttons test_buttons.c
		${PROJECT_SOURCE_DIR}/tests/fakes/fake_transport.c LIBS fh)
	target_include_directories(test_buttons PRIVATE
		${PROJECT_SOURCE_DIR}/firmware-host ${PROJECT_SOURCE_DIR}/firmware-host/src)
endif()
