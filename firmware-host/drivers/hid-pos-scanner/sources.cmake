# hid-pos-scanner: HID POS barcode scanners (usage page 0x8C).  Needs the
# shared report-descriptor parser (drivers/hid-report).
if(FH_DRIVER_HID_POS_SCANNER)
	target_sources(fh PRIVATE
		${CMAKE_CURRENT_LIST_DIR}/api.c
		${CMAKE_CURRENT_LIST_DIR}/protocol.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_HID_POS_SCANNER)
endif()
