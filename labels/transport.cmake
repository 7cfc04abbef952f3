# labels: printing (lb/transport.h, lb/status.h, lb/zplcheck.h): the ~HS /
# ~HQES parser, the ZPL resolution check and the four transports (tcp, usb
# through firmware-host, cups through libcups, dir).  Listed apart from the
# label model's sources so each part's owner edits one file.
target_sources(lb PRIVATE
	${CMAKE_CURRENT_LIST_DIR}/src/status.c
	${CMAKE_CURRENT_LIST_DIR}/src/zplcheck.c
	${CMAKE_CURRENT_LIST_DIR}/src/transport.c
	${CMAKE_CURRENT_LIST_DIR}/src/transport_tcp.c
	${CMAKE_CURRENT_LIST_DIR}/src/transport_dir.c
	${CMAKE_CURRENT_LIST_DIR}/src/transport_usb.c
	${CMAKE_CURRENT_LIST_DIR}/src/transport_cups.c)
# USB printing goes through firmware-host (docs/architecture.md: lb -> fh).
target_link_libraries(lb PUBLIC fh PRIVATE CUPS::cups)
