# GTIN and GS1 parser tests (station/barcode/gtin.c, gs1*.c).  They call the
# folder-private st_gs1_*() functions, hence the include of station/barcode.
qc_unit_test(test_gtin test_gtin.c LIBS st)
target_include_directories(test_gtin PRIVATE ${PROJECT_SOURCE_DIR}/station/barcode)
qc_unit_test(test_gs1 test_gs1.c LIBS st)
target_include_directories(test_gs1 PRIVATE ${PROJECT_SOURCE_DIR}/station/barcode)
