qc_unit_test(test_audit test_audit.c LIBS st PkgConfig::SQLITE3)
