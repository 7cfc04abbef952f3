# HID report-descriptor parser, shared by the HID drivers (pure, no core).
target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/hidrd.c)
