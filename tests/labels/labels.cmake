# The label tests (docs/labels.md, "Tests").
add_library(lb_labtest STATIC ${CMAKE_CURRENT_LIST_DIR}/labtest.c ${CMAKE_CURRENT_LIST_DIR}/zplcmd.c)
target_link_libraries(lb_labtest PUBLIC lb PkgConfig::CMOCKA)

qc_unit_test(test_lb_roundtrip test_roundtrip.c LIBS lb lb_labtest)
set_tests_properties(test_lb_roundtrip PROPERTIES TIMEOUT 120)
qc_unit_test(test_lb_zpl test_zpl.c LIBS lb lb_labtest)

# The independent ZPL renderer (npm zpl-renderer-js, run with node): the
# fixture installs it into QC_ZPL_ORACLE_DIR unless it is there already.
set(QC_ZPL_ORACLE_DIR ${CMAKE_BINARY_DIR}/zpl-oracle CACHE PATH
	"Where npm installs zpl-renderer-js for the ZPL oracle test")
add_test(NAME lb_zpl_oracle_setup
	COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_CURRENT_LIST_DIR}/zpl-oracle
		-DDIR=${QC_ZPL_ORACLE_DIR} -P ${CMAKE_CURRENT_LIST_DIR}/zpl-oracle/setup.cmake)
set_tests_properties(lb_zpl_oracle_setup PROPERTIES TIMEOUT 300 FIXTURES_SETUP zpl_oracle)
# Not named test_*: scripts/valgrind-check would run node under valgrind.
add_executable(lb_zpl_oracle oracle.c)
target_link_libraries(lb_zpl_oracle PRIVATE lb lb_labtest qc_testutil PkgConfig::CMOCKA)
target_include_directories(lb_zpl_oracle PRIVATE ${PROJECT_SOURCE_DIR}/tests)
add_test(NAME lb_zpl_oracle COMMAND lb_zpl_oracle)
set_tests_properties(lb_zpl_oracle PROPERTIES TIMEOUT 300 FIXTURES_REQUIRED zpl_oracle
	SKIP_RETURN_CODE 77
	ENVIRONMENT "QC_SRC=${PROJECT_SOURCE_DIR};QC_ZPL_ORACLE_DIR=${QC_ZPL_ORACLE_DIR}")
qc_unit_test(test_lb_template test_template.c LIBS lb lb_labtest)

# qcstation label, end to end (not named test_*: it needs QC_BIN).
add_executable(lb_cli_label cli_label.c ${PROJECT_SOURCE_DIR}/tests/e2e/proc.c)
target_include_directories(lb_cli_label PRIVATE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/tests/e2e)
target_link_libraries(lb_cli_label PRIVATE PkgConfig::CMOCKA PkgConfig::JANSSON)
add_dependencies(lb_cli_label qcstation)
add_test(NAME lb_cli_label COMMAND lb_cli_label)
set_tests_properties(lb_cli_label PROPERTIES TIMEOUT 60
	ENVIRONMENT "QC_BIN=$<TARGET_FILE:qcstation>;QC_SRC=${PROJECT_SOURCE_DIR};QCSTATION_CONFIG=/dev/null")
