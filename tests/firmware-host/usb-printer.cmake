# USB printer class protocol (firmware-host/drivers/usb-printer/protocol.c).
qc_unit_test(test_usb_printer test_usb_printer.c LIBS fh)
target_include_directories(test_usb_printer PRIVATE ${PROJECT_SOURCE_DIR}/firmware-host)
