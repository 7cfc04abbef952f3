target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/report.c
	${CMAKE_CURRENT_LIST_DIR}/report_out.c)
