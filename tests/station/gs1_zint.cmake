# The GS1 parser's verdicts checked against libzint's GS1 validation
# (test_gs1_zint.c).  It calls the folder-private st_gs1_*() functions.
qc_unit_test(test_gs1_zint test_gs1_zint.c LIBS st ZINT::zint)
target_include_directories(test_gs1_zint PRIVATE ${PROJECT_SOURCE_DIR}/station/barcode)
