# HID scale (usage page 0x8D): the pure report parser and tracker.
# api.c joins once the fh core (src/fh-int.h) is there.
target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/protocol.c)
