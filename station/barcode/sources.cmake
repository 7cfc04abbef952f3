target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/barcode.c
	${CMAKE_CURRENT_LIST_DIR}/result.c
	${CMAKE_CURRENT_LIST_DIR}/aim.c
	${CMAKE_CURRENT_LIST_DIR}/pattern.c
	${CMAKE_CURRENT_LIST_DIR}/selftest.c)
# GS1 and GTIN parsers (gs1.cmake) and carrier tracking numbers
# (tracking.cmake) list their own files.
include(${CMAKE_CURRENT_LIST_DIR}/gs1.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/tracking.cmake OPTIONAL)
