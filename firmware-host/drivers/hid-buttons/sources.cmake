# hid-buttons: buttons and foot pedals (bit reports or keyboard usages).
if(FH_DRIVER_HID_BUTTONS)
	target_sources(fh PRIVATE
		${CMAKE_CURRENT_LIST_DIR}/api.c
		${CMAKE_CURRENT_LIST_DIR}/protocol.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_HID_BUTTONS)
endif()
