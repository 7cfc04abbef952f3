qc_unit_test(test_store test_store.c LIBS st PkgConfig::SQLITE3)
