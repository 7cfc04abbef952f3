# qcstation-central against a SQLite file (test_sy_central) and against a
# throwaway PostgreSQL server (test_sy_central_pg).  The PostgreSQL server is
# the CTest fixture "sy_pg": started once by pg-fixture.sh, stopped even when
# a test fails.  Other sync tests may use it too: add
#   FIXTURES_REQUIRED sy_pg  and read the URL from ${QC_SY_PG_URL_FILE}.
set(QC_SY_PG_STATE ${CMAKE_CURRENT_BINARY_DIR}/pg)
set(QC_SY_PG_URL_FILE ${QC_SY_PG_STATE}/url)
add_test(NAME sy_pg_start COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/pg-fixture.sh start ${QC_SY_PG_STATE})
set_tests_properties(sy_pg_start PROPERTIES FIXTURES_SETUP sy_pg TIMEOUT 120)
add_test(NAME sy_pg_stop COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/pg-fixture.sh stop ${QC_SY_PG_STATE})
set_tests_properties(sy_pg_stop PROPERTIES FIXTURES_CLEANUP sy_pg TIMEOUT 60)

find_package(ZLIB REQUIRED)
qc_unit_test(test_sy_central test_central.c LIBS sy_central PkgConfig::LIBCURL PkgConfig::LIBPQ
	PkgConfig::SQLITE3 ZLIB::ZLIB PkgConfig::JANSSON Threads::Threads)
set_tests_properties(test_sy_central PROPERTIES TIMEOUT 120)
add_test(NAME test_sy_central_pg COMMAND test_sy_central pg)
set_tests_properties(test_sy_central_pg PROPERTIES TIMEOUT 180 FIXTURES_REQUIRED sy_pg
	ENVIRONMENT "QC_PG_URL_FILE=${QC_SY_PG_URL_FILE};QC_SRC=${PROJECT_SOURCE_DIR}")

# The program itself (tests/e2e/proc.c runs it): options, exit codes,
# station add/list, import/export, serving until SIGTERM.
add_executable(test_sy_central_cli test_central_cli.c ${PROJECT_SOURCE_DIR}/tests/e2e/proc.c)
target_include_directories(test_sy_central_cli PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_sy_central_cli PRIVATE sy PkgConfig::CMOCKA PkgConfig::JANSSON
	PkgConfig::LIBCURL PkgConfig::LIBCRYPTO)
add_dependencies(test_sy_central_cli qcstation-central)
add_test(NAME test_sy_central_cli COMMAND test_sy_central_cli)
set_tests_properties(test_sy_central_cli PROPERTIES TIMEOUT 60
	ENVIRONMENT "QC_BIN=$<TARGET_FILE:qcstation-central>;QC_SRC=${PROJECT_SOURCE_DIR}")
