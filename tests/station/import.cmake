qc_unit_test(test_import test_import.c LIBS st PkgConfig::SQLITE3)
