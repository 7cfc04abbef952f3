target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/cli.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_run.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_barcode.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_db.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_import.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_audit.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_report.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_devices.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_label.c
	${CMAKE_BINARY_DIR}/labels_data.c
	${CMAKE_CURRENT_LIST_DIR}/cmd_print.c
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

# The label templates (data/labels/*.json) are built in too: "qcstation
# label" works from any folder (docs/labels.md).
set(QC_LABEL_FILES
	${PROJECT_SOURCE_DIR}/data/labels/bin-label.json
	${PROJECT_SOURCE_DIR}/data/labels/command-sheet.json
	${PROJECT_SOURCE_DIR}/data/labels/item-qc-tag.json
	${PROJECT_SOURCE_DIR}/data/labels/packing-slip.json
	${PROJECT_SOURCE_DIR}/data/labels/return-receiving.json
	${PROJECT_SOURCE_DIR}/data/labels/shipment-4x6.json
	${PROJECT_SOURCE_DIR}/data/labels/warranty-ticket.json)
string(REPLACE ";" "|" qc_label_files_arg "${QC_LABEL_FILES}")
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/labels_data.c
	COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_BINARY_DIR}/labels_data.c
		-DSYMBOL=qc_label_files "-DFILES=${qc_label_files_arg}"
		-P ${PROJECT_SOURCE_DIR}/cmake/embed_set.cmake
	DEPENDS ${QC_LABEL_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_set.cmake
	COMMENT "Embedding the label templates" VERBATIM)
set_source_files_properties(${CMAKE_BINARY_DIR}/labels_data.c PROPERTIES
	INCLUDE_DIRECTORIES ${PROJECT_SOURCE_DIR}/station/app)
