# hid-kbd-scanner: keyboard-mode barcode scanners (boot protocol).
if(FH_DRIVER_HID_KBD_SCANNER)
	target_sources(fh PRIVATE
		${CMAKE_CURRENT_LIST_DIR}/api.c
		${CMAKE_CURRENT_LIST_DIR}/protocol.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_HID_KBD_SCANNER)
endif()
