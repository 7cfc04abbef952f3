# HID POS scanner (usage page 0x8C): the pure layout and reassembly code.
# api.c joins once the fh core (src/fh-int.h) is there.
target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/protocol.c)
