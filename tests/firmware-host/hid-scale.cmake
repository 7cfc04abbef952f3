# HID scale protocol (firmware-host/drivers/hid-scale/protocol.c).
qc_unit_test(test_scale test_scale.c LIBS fh)
target_include_directories(test_scale PRIVATE ${PROJECT_SOURCE_DIR}/firmware-host)
