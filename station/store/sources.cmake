target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/store.c
	${CMAKE_CURRENT_LIST_DIR}/store_schema.c
	${CMAKE_CURRENT_LIST_DIR}/store_qc.c
	${CMAKE_CURRENT_LIST_DIR}/store_audit.c
	${CMAKE_CURRENT_LIST_DIR}/store_print.c
	${CMAKE_CURRENT_LIST_DIR}/store_sync.c
	${CMAKE_CURRENT_LIST_DIR}/sha256.c)
