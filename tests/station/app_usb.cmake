# st_app with USB devices emulated in-process with libumockdev
# (tests/fakes/umockdev_devices.c): the preload library is linked in, as for
# tests/firmware-host/test_usb.c.
pkg_check_modules(UMOCKDEV REQUIRED IMPORTED_TARGET umockdev-1.0)
pkg_check_modules(GLIB REQUIRED IMPORTED_TARGET glib-2.0 gobject-2.0)
qc_unit_test(test_app_usb test_app_usb.c ${PROJECT_SOURCE_DIR}/tests/fakes/umockdev_devices.c
	LIBS st qc_testdb PkgConfig::SQLITE3 PkgConfig::UMOCKDEV PkgConfig::GLIB)
target_link_options(test_app_usb PRIVATE
	"LINKER:--push-state,--no-as-needed" -lumockdev-preload "LINKER:--pop-state")
set_tests_properties(test_app_usb PROPERTIES TIMEOUT 30
	ENVIRONMENT "ASAN_OPTIONS=verify_asan_link_order=0;QC_SRC=${PROJECT_SOURCE_DIR}")

# "qcstation devices bind" / "devices test" run in-process (st_cli_main)
# against the same emulated devices.
qc_unit_test(test_devices_cli test_devices_cli.c
	${PROJECT_SOURCE_DIR}/tests/fakes/umockdev_devices.c
	LIBS st PkgConfig::UMOCKDEV PkgConfig::GLIB)
target_link_options(test_devices_cli PRIVATE
	"LINKER:--push-state,--no-as-needed" -lumockdev-preload "LINKER:--pop-state")
set_tests_properties(test_devices_cli PROPERTIES TIMEOUT 60
	ENVIRONMENT "ASAN_OPTIONS=verify_asan_link_order=0")
