# station/print: the print queue engine (st/printq.h) and the operator's
# print actions (st/print.h); labels made from a built-in template
# (st/labelmake.h), for the CLI and the QC tag.
target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/queue.c
	${CMAKE_CURRENT_LIST_DIR}/make.c)
