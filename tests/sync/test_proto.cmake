qc_unit_test(test_sy_proto test_proto.c LIBS sy)
