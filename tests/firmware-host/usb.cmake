# The USB layer (firmware-host/src/usb.c) against devices emulated
# in-process with libumockdev (tests/fakes/umockdev_devices.c;
# ../shared/notes/usb-peripherals.md, section 5.3).  The preload library is
# linked in (--no-as-needed, as libusb's own tests do) so the binary runs
# without umockdev-wrapper.
pkg_check_modules(UMOCKDEV REQUIRED IMPORTED_TARGET umockdev-1.0)
pkg_check_modules(GLIB REQUIRED IMPORTED_TARGET glib-2.0 gobject-2.0)
qc_unit_test(test_usb test_usb.c ${PROJECT_SOURCE_DIR}/tests/fakes/umockdev_devices.c
	LIBS fh PkgConfig::UMOCKDEV PkgConfig::GLIB)
target_link_options(test_usb PRIVATE
	"LINKER:--push-state,--no-as-needed" -lumockdev-preload "LINKER:--pop-state")
# libusb busy-polls the emulated device nodes: give the run some slack.
# ASan must not insist on coming first: the preload library does.
set_tests_properties(test_usb PROPERTIES TIMEOUT 30
	ENVIRONMENT "ASAN_OPTIONS=verify_asan_link_order=0")
