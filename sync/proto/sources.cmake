# The sync protocol (docs/sync-protocol.md): encode and decode the JSON
# documents both sides exchange.  jansson only; no I/O.
target_sources(sy PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/proto.c
	${CMAKE_CURRENT_LIST_DIR}/jbuf.c
	${CMAKE_CURRENT_LIST_DIR}/jscan.c)
