# The sync client (docs/sync.md): the libcurl transport and the push/pull
# logic, added to the `sy` library.  Included from sync/CMakeLists.txt.
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
target_sources(sy PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/buf.c
	${CMAKE_CURRENT_LIST_DIR}/client.c
	${CMAKE_CURRENT_LIST_DIR}/http_curl.c)
target_link_libraries(sy PRIVATE PkgConfig::LIBCURL PkgConfig::ZLIB)
install(FILES
	${CMAKE_CURRENT_LIST_DIR}/../systemd/qcstation-sync.service
	${CMAKE_CURRENT_LIST_DIR}/../systemd/qcstation-sync-nightly.service
	${CMAKE_CURRENT_LIST_DIR}/../systemd/qcstation-sync-nightly.timer
	DESTINATION lib/systemd/system)
