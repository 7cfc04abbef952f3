# hid-scale: the pure report parser and tracker with byte vectors, and the
# driver over the fake transport (white-box: src/fh-int.h,
# drivers/<name>/protocol.h).
if(FH_DRIVER_HID_SCALE)
	qc_unit_test(test_scale test_scale.c
		${PROJECT_SOURCE_DIR}/tests/fakes/fake_transport.c LIBS fh)
	target_include_directories(test_scale PRIVATE
		${PROJECT_SOURCE_DIR}/firmware-host ${PROJECT_SOURCE_DIR}/firmware-host/src)
endif()
