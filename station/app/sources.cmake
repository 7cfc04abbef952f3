target_sources(st PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/app.c
	${CMAKE_CURRENT_LIST_DIR}/app_qc.c
	${CMAKE_CURRENT_LIST_DIR}/app_evidence.c
	${CMAKE_CURRENT_LIST_DIR}/app_devices.c
	${CMAKE_CURRENT_LIST_DIR}/app_print.c
	${CMAKE_BINARY_DIR}/checklists_data.c)

# The default checklist templates are built in, so the station works without
# a checklist folder; [qc] checklists = DIR replaces them.
set(QC_CHECKLIST_FILES
	${PROJECT_SOURCE_DIR}/data/checklists/bracelet.json
	${PROJECT_SOURCE_DIR}/data/checklists/custom.json
	${PROJECT_SOURCE_DIR}/data/checklists/earrings.json
	${PROJECT_SOURCE_DIR}/data/checklists/necklace.json
	${PROJECT_SOURCE_DIR}/data/checklists/pendant.json
	${PROJECT_SOURCE_DIR}/data/checklists/ring.json)
string(REPLACE ";" "|" qc_checklist_files_arg "${QC_CHECKLIST_FILES}")
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/checklists_data.c
	COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_BINARY_DIR}/checklists_data.c
		-DSYMBOL=qc_checklist_files "-DFILES=${qc_checklist_files_arg}"
		-P ${PROJECT_SOURCE_DIR}/cmake/embed_set.cmake
	DEPENDS ${QC_CHECKLIST_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_set.cmake
	COMMENT "Embedding the checklist templates" VERBATIM)
set_source_files_properties(${CMAKE_BINARY_DIR}/checklists_data.c PROPERTIES
	INCLUDE_DIRECTORIES ${CMAKE_CURRENT_LIST_DIR})
