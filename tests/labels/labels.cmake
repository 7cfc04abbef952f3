# The label tests (docs/labels.md, "Tests").
add_library(lb_labtest STATIC ${CMAKE_CURRENT_LIST_DIR}/labtest.c ${CMAKE_CURRENT_LIST_DIR}/zplcmd.c)
target_link_libraries(lb_labtest PUBLIC lb PkgConfig::CMOCKA)

qc_unit_test(test_lb_roundtrip test_roundtrip.c LIBS lb lb_labtest)
set_tests_properties(test_lb_roundtrip PROPERTIES TIMEOUT 120)
qc_unit_test(test_lb_zpl test_zpl.c LIBS lb lb_labtest)
