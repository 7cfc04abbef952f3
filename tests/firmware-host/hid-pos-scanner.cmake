# hid-pos-scanner: the pure layout and reassembly code with byte vectors,
# and the driver over the fake transport (white-box: src/fh-int.h,
# drivers/<name>/protocol.h).
if(FH_DRIVER_HID_POS_SCANNER)
	qc_unit_test(test_pos_scanner test_pos_scanner.c
		${PROJECT_SOURCE_DIR}/tests/fakes/fake_transport.c LIBS fh)
	target_include_directories(test_pos_scanner PRIVATE
		${PROJECT_SOURCE_DIR}/firmware-host ${PROJECT_SOURCE_DIR}/firmware-host/src)
endif()
