# qcstation sync against qcstation-central on loopback, with the fault proxy
# (tests/fakes/fault_proxy.c) between them.  e2e_test_sync uses a SQLite
# file per scenario; e2e_test_sync_pg the same scenarios on the throwaway
# PostgreSQL server of the "pg" fixture (tests/sync/pg-fixture.sh).
add_executable(test_e2e_sync test_sync.c proc.c ${PROJECT_SOURCE_DIR}/tests/fakes/fault_proxy.c)
target_link_libraries(test_e2e_sync PRIVATE st PkgConfig::CMOCKA PkgConfig::JANSSON
	PkgConfig::SQLITE3 PkgConfig::LIBCRYPTO Threads::Threads)
target_include_directories(test_e2e_sync PRIVATE ${PROJECT_SOURCE_DIR}/tests)
add_dependencies(test_e2e_sync qcstation qcstation-central)
add_test(NAME e2e_test_sync COMMAND test_e2e_sync)
set_tests_properties(e2e_test_sync PROPERTIES TIMEOUT 120
	ENVIRONMENT "QC_BIN=$<TARGET_FILE:qcstation>;QC_CENTRAL=$<TARGET_FILE:qcstation-central>;QC_SRC=${PROJECT_SOURCE_DIR}")
# The same against PostgreSQL: fixture sy_pg of tests/sync/test_central.cmake.
add_test(NAME e2e_test_sync_pg COMMAND test_e2e_sync)
set_tests_properties(e2e_test_sync_pg PROPERTIES TIMEOUT 180 FIXTURES_REQUIRED sy_pg
	ENVIRONMENT "QC_BIN=$<TARGET_FILE:qcstation>;QC_CENTRAL=$<TARGET_FILE:qcstation-central>;QC_SRC=${PROJECT_SOURCE_DIR};QC_PG_URL_FILE=${CMAKE_BINARY_DIR}/tests/sync/pg/url")
