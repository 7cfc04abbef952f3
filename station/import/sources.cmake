target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/import.c)
