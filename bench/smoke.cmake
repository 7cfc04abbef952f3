# bench_smoke: run each benchmark with --quick, as text and as JSON, and
# check that it exits 0 and prints its figures.  No figure is compared with
# a target here: how fast the test machine is says nothing about the code.
#   cmake -DBENCH_INGEST=<exe> -DBENCH_PARSE=<exe> -DBENCH_INSPECT=<exe>
#         -DBENCH_FH_PARSE=<exe> -DBENCH_USB_LATENCY=<exe> -DBENCH_LABELS=<exe>
#         -DBENCH_PROTO=<exe>
#         -P smoke.cmake
function(run_quick exe text_re json_obj json_key)
	execute_process(COMMAND ${exe} --quick
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	message("${out}${err}")
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "${exe} --quick exited with ${rc}")
	endif()
	if(NOT out MATCHES "${text_re}")
		message(FATAL_ERROR "${exe} --quick printed no line matching '${text_re}'")
	endif()

	execute_process(COMMAND ${exe} --quick --json
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	message("${out}${err}")
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "${exe} --quick --json exited with ${rc}")
	endif()
	string(JSON v ERROR_VARIABLE jerr GET "${out}" ${json_obj} ${json_key})
	if(jerr OR NOT v GREATER 0)
		message(FATAL_ERROR "${exe} --quick --json: no ${json_obj}.${json_key} (${jerr})")
	endif()
endfunction()

run_quick(${BENCH_INGEST} "headless ingest +: +[0-9.]+ scans/s" ingest scans_per_s)
run_quick(${BENCH_PARSE} "overall mix +[0-9]+ +[0-9.]+" overall parses_per_s)
run_quick(${BENCH_INSPECT} "scan to prompt, all steps +: +[0-9]+ +p50 +[0-9.]+ ms" step p99_ms)
run_quick(${BENCH_FH_PARSE} "hid-pos +[0-9]+ +[0-9.]+" hid_pos reports_per_s)
if(BENCH_USB_LATENCY) # built only with cmocka and umockdev
	run_quick(${BENCH_USB_LATENCY} "usb scan to station event +: +[0-9]+ +p50 +[0-9.]+ ms" usb p99_ms)
endif()
run_quick(${BENCH_LABELS} "zpl 4x6 \\(lb_zpl_render\\) +[0-9]+" zpl labels_per_s)
run_quick(${BENCH_PROTO} "batch decode +[0-9.]+ +[0-9.]+ +[0-9.]+" decode mb_per_s)
