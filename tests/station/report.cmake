qc_unit_test(test_report test_report.c LIBS st)
