target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/cli.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_run.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_barcode.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_db.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_import.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_audit.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_report.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_devices.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_sync.c
	${CMAKE_BINARY_DIR}/demo_data.c)
target_compile_definitions(st PRIVATE QC_VERSION="${PROJECT_VERSION}")

# The demo data set is embedded, so "qcstation run --demo" works from any
# folder without the source tree.
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/demo_data.c
	COMMAND ${CMAKE_COMMAND} -DIN=${PROJECT_SOURCE_DIR}/data/demo/orders.json
		-DOUT=${CMAKE_BINARY_DIR}/demo_data.c -P ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
	DEPENDS ${PROJECT_SOURCE_DIR}/data/demo/orders.json ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
	COMMENT "Embedding the demo data set")
