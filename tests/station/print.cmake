# The print queue against a fake Zebra on loopback and a real SQLite file.
qc_unit_test(test_printq test_printq.c ${PROJECT_SOURCE_DIR}/tests/fakes/fake_zebra.c
	LIBS st Threads::Threads)
set_tests_properties(test_printq PROPERTIES TIMEOUT 60)
