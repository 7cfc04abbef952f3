# USB printer class (07/01/02): device ID, port status, the bulk OUT job
# writer.  api.c joins once the fh core (src/fh-int.h) is there.
target_sources(fh PRIVATE ${CMAKE_CURRENT_LIST_DIR}/protocol.c)
