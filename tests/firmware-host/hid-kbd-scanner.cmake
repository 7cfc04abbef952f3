# hid-kbd-scanner: the pure decoder with byte vectors, and the driver over
# the fake transport (white-box: src/fh-int.h, drivers/<name>/protocol.h).
if(FH_DRIVER_HID_KBD_SCANNER)
	qc_unit_test(test_kbd_scanner test_kbd_scanner.c
		${PROJECT_SOURCE_DIR}/tests/fakes/fake_transport.c LIBS fh)
	target_include_directories(test_kbd_scanner PRIVATE
		${PROJECT_SOURCE_DIR}/firmware-host ${PROJECT_SOURCE_DIR}/firmware-host/src)
endif()
