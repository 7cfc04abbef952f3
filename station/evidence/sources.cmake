# Photo and video evidence (st/evidence.h): inspection, image loading, the
# watched drop folder.  zbar, cairo and libjpeg are linked in
# station/CMakeLists.txt; docs/dependencies.md says why each.
target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/evidence.c
	${CMAKE_CURRENT_LIST_DIR}/image.c
	${CMAKE_CURRENT_LIST_DIR}/watch.c)
