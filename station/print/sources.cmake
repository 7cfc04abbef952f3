# station/print: the print queue engine (st/printq.h) and the operator's
# print actions (st/print.h).
target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/queue.c)
