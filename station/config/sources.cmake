target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/config.c)
target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/jdoc.c)
target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/config_write.c)
