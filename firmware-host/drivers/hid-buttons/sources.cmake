# hid-buttons: buttons and foot pedals (bit reports or keyboard usages).
# The pure decoder is always built (the fuzz harnesses replay it in every
# build); the option decides whether the driver is registered.
target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/protocol.c)
if(FH_DRIVER_HID_BUTTONS)
	target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/api.c)
	target_compile_definitions(fh PRIVATE FH_HAVE_HID_BUTTONS)
endif()
