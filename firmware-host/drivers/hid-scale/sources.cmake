# hid-scale: HID POS scales (usage page 0x8D).  Needs the shared
# report-descriptor parser (drivers/hid-report).
if(FH_DRIVER_HID_SCALE)
	target_sources(fh PRIVATE
		${CMAKE_CURRENT_LIST_DIR}/api.c
		${CMAKE_CURRENT_LIST_DIR}/protocol.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_HID_SCALE)
endif()
