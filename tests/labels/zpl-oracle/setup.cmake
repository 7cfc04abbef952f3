# ctest fixture of lb_zpl_oracle: install the independent ZPL renderer
# (npm zpl-renderer-js, pinned by package-lock.json) into DIR unless it is
# already there at the locked version.  scripts/test runs the same
# "npm ci" before the suite; this makes a bare "ctest" work too.
#   cmake -DSRC=<tests/labels/zpl-oracle> -DDIR=<install dir> -P setup.cmake
set(pkg ${DIR}/node_modules/zpl-renderer-js/package.json)
if(EXISTS ${pkg})
	file(READ ${pkg} json)
	string(JSON version ERROR_VARIABLE jerr GET "${json}" version)
	if(version STREQUAL "3.4.0")
		message(STATUS "zpl-renderer-js ${version} already in ${DIR}")
		return()
	endif()
endif()
find_program(NPM npm)
if(NOT NPM)
	message(FATAL_ERROR "npm not found: the ZPL oracle needs Node.js and npm (scripts/deps.sh)")
endif()
file(MAKE_DIRECTORY ${DIR})
file(COPY ${SRC}/package.json ${SRC}/package-lock.json DESTINATION ${DIR})
execute_process(COMMAND ${NPM} ci --prefix ${DIR} --no-audit --no-fund
	RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "npm ci --prefix ${DIR} failed (${rc})")
endif()
