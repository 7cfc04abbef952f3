# hid-pos-scanner: HID POS barcode scanners (usage page 0x8C).  Needs the
# shared report-descriptor parser (drivers/hid-report).
# The pure protocol is always built (the fuzz harnesses replay it in every
# build); the option decides whether the driver is registered.
target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/protocol.c)
if(FH_DRIVER_HID_POS_SCANNER)
	target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/api.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_HID_POS_SCANNER)
endif()
