# firmware-host core: driver table, device object, dispatch, fake transport.
# White-box: sees src/fh-int.h (the transport vtable the fake implements).
qc_unit_test(test_fh_core test_core.c ${PROJECT_SOURCE_DIR}/tests/fakes/fake_transport.c
	LIBS fh)
target_include_directories(test_fh_core PRIVATE ${PROJECT_SOURCE_DIR}/firmware-host/src)
# The test checks the registered drivers the build enabled.
foreach(d HID_KBD_SCANNER HID_BUTTONS)
	if(FH_DRIVER_${d})
		target_compile_definitions(test_fh_core PRIVATE FH_HAVE_${d})
	endif()
endforeach()

# Every fh header compiles alone (STYLE.md section 5), like the list in
# tests/CMakeLists.txt; the driver protocol headers too.
set(fh_alone_headers fh/ctx.h fh/dev.h fh/io.h fh/printer.h fh/scale.h fh/scanner.h fh-int.h)
foreach(d hid-kbd-scanner hid-buttons)
	if(EXISTS ${PROJECT_SOURCE_DIR}/firmware-host/drivers/${d}/protocol.h)
		list(APPEND fh_alone_headers drivers/${d}/protocol.h)
	endif()
endforeach()
set(fh_alone_sources "")
foreach(h ${fh_alone_headers})
	string(MAKE_C_IDENTIFIER ${h} id)
	set(f ${CMAKE_CURRENT_BINARY_DIR}/headers/${id}.c)
	file(WRITE ${f}.in "#include \"${h}\"\nint fh_header_${id}(void);\nint fh_header_${id}(void) { return 0; }\n")
	configure_file(${f}.in ${f} COPYONLY)
	list(APPEND fh_alone_sources ${f})
endforeach()
add_library(fh_headers_alone OBJECT ${fh_alone_sources})
target_link_libraries(fh_headers_alone PRIVATE fh)
target_include_directories(fh_headers_alone PRIVATE ${PROJECT_SOURCE_DIR}/firmware-host
	${PROJECT_SOURCE_DIR}/firmware-host/src)
# Built with the tests.
add_dependencies(test_fh_core fh_headers_alone)
