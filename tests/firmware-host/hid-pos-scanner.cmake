# HID POS scanner protocol (firmware-host/drivers/hid-pos-scanner/protocol.c).
qc_unit_test(test_pos_scanner test_pos_scanner.c LIBS fh)
target_include_directories(test_pos_scanner PRIVATE ${PROJECT_SOURCE_DIR}/firmware-host)
