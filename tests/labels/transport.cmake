# Printing: the ~HS/~HQES parser and the ZPL resolution check (pure), the
# transports against a fake Zebra on loopback (tests/fakes/fake_zebra.c),
# a folder, and libcups without a server.
qc_unit_test(test_lb_status test_status.c LIBS lb)
qc_unit_test(test_lb_zplcheck test_zplcheck.c LIBS lb)
qc_unit_test(test_lb_transport test_transport.c ${PROJECT_SOURCE_DIR}/tests/fakes/fake_zebra.c
	LIBS lb Threads::Threads)
