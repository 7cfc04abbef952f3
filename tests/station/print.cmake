# The print queue against a fake Zebra on loopback and a real SQLite file.
qc_unit_test(test_printq test_printq.c ${PROJECT_SOURCE_DIR}/tests/fakes/fake_zebra.c
	LIBS st Threads::Threads)
set_tests_properties(test_printq PROPERTIES TIMEOUT 60)
# USB printing (usb: transport and the queue by role) against a printer
# emulated with libumockdev, as tests/station/app_usb.cmake does.
pkg_check_modules(UMOCKDEV REQUIRED IMPORTED_TARGET umockdev-1.0)
pkg_check_modules(GLIB REQUIRED IMPORTED_TARGET glib-2.0 gobject-2.0)
qc_unit_test(test_print_usb test_print_usb.c ${PROJECT_SOURCE_DIR}/tests/fakes/umockdev_devices.c
	LIBS st PkgConfig::UMOCKDEV PkgConfig::GLIB)
target_link_options(test_print_usb PRIVATE
	"LINKER:--push-state,--no-as-needed" -lumockdev-preload "LINKER:--pop-state")
set_tests_properties(test_print_usb PROPERTIES TIMEOUT 30
	ENVIRONMENT "ASAN_OPTIONS=verify_asan_link_order=0")
qc_unit_test(test_config_printer test_config_printer.c LIBS st)
# The item QC tag the station queues with an inspection ([printer] qc_tag).
qc_unit_test(test_app_qctag test_app_qctag.c LIBS st qc_testdb PkgConfig::SQLITE3)
