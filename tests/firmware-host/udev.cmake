# udev rules (firmware-host/udev/70-qcstation.rules): the rules' syntax and
# values, read by a strict checker (Debian 12's udevadm has no `verify`),
# and the install script's shell syntax.
qc_unit_test(test_udev_rules test_udev_rules.c)
add_test(NAME install_udev_syntax COMMAND sh -n ${PROJECT_SOURCE_DIR}/scripts/install-udev)
set_tests_properties(install_udev_syntax PROPERTIES TIMEOUT 10)
