# HID report-descriptor parser (firmware-host/drivers/hid-report/hidrd.c).
# The header sits beside the source, hence the include of firmware-host.
qc_unit_test(test_hidrd test_hidrd.c LIBS fh)
target_include_directories(test_hidrd PRIVATE ${PROJECT_SOURCE_DIR}/firmware-host)
