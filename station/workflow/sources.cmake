target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/route.c)
target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/checklist.c)
target_sources(st PRIVATE ${CMAKE_CURRENT_LIST_DIR}/qc.c)
