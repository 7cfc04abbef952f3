qc_unit_test(test_sy_proto test_proto.c LIBS sy)
# The allocation-failure tests fail the Nth malloc, calloc or realloc of
# the decoders (test_proto.c, alloc_fail_in).
target_link_options(test_sy_proto PRIVATE "LINKER:--wrap=malloc,--wrap=calloc,--wrap=realloc")
