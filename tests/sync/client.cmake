# The sync client (sync/client/): decisions with a scripted transport and a
# fake clock (test_client), the station's sync state (test_client_store).
qc_unit_test(test_sy_client test_client.c LIBS sy)
qc_unit_test(test_sy_client_store test_client_store.c LIBS st)
