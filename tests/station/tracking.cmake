# Carrier tracking numbers (station/barcode/tracking.c).
qc_unit_test(test_tracking test_tracking.c LIBS st)
target_include_directories(test_tracking PRIVATE ${PROJECT_SOURCE_DIR}/station/barcode)
