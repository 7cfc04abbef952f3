# Photo evidence: fixtures are rendered at test time with libzint (ZINT::zint,
# found in the top-level CMakeLists.txt) and written with cairo and libjpeg.
qc_unit_test(test_evidence test_evidence.c
	LIBS st ZINT::zint PkgConfig::CAIRO PkgConfig::JPEG)
