# The central store: library `sy_central` (usable without HTTP, e.g. by the
# benchmark through sy_central_ingest()) and the program `qcstation-central`.
# Only these files need libmicrohttpd, libpq, sqlite3, zlib and libcrypto;
# the station links `sy` alone.
if(NOT TARGET PkgConfig::ZLIB)  # the client may have found it already
	pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
endif()
add_library(sy_central STATIC
	${CMAKE_CURRENT_LIST_DIR}/central.c
	${CMAKE_CURRENT_LIST_DIR}/cursor.c
	${CMAKE_CURRENT_LIST_DIR}/db_pg.c
	${CMAKE_CURRENT_LIST_DIR}/db_sqlite.c
	${CMAKE_CURRENT_LIST_DIR}/http.c
	${CMAKE_CURRENT_LIST_DIR}/ratelimit.c
	${CMAKE_CURRENT_LIST_DIR}/token.c)
target_include_directories(sy_central PUBLIC ${CMAKE_CURRENT_LIST_DIR}/../include
	PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
target_compile_definitions(sy_central PRIVATE QC_VERSION="${PROJECT_VERSION}")
target_link_libraries(sy_central PUBLIC sy PRIVATE PkgConfig::MHD PkgConfig::LIBPQ
	PkgConfig::SQLITE3 PkgConfig::ZLIB PkgConfig::LIBCRYPTO PkgConfig::JANSSON)

add_executable(qcstation-central ${CMAKE_CURRENT_LIST_DIR}/main.c)
target_include_directories(qcstation-central PRIVATE ${CMAKE_CURRENT_LIST_DIR}/..)
target_compile_definitions(qcstation-central PRIVATE QC_VERSION="${PROJECT_VERSION}")
target_link_libraries(qcstation-central PRIVATE sy_central PkgConfig::INIH)
install(TARGETS qcstation-central RUNTIME DESTINATION bin)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/../systemd/qcstation-central.service
	DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/docs/qcstation-central.1 DESTINATION share/man/man1)
