# Bad input for what a user runs: one clear error line, a usage hint, a non-zero exit. Each case
# is a ctest test named bad-input/<program>/<case> (labels unit;bad-input). ci/bad-input runs
# the same kinds of cases outside ctest, including those that build or run the suite, and
# prints the table of messages (docs/reliability.md).
set(AC_BAD_DATA ${PROJECT_SOURCE_DIR}/tests/report/data)

# afterclose_bad_input(NAME CODE COMMAND...): COMMAND is a target name or a path.
function(afterclose_bad_input name code first)
  if(TARGET ${first})
    set(first $<TARGET_FILE:${first}>)
  endif()
  # exit 0 (--help): the command alone; else the exact status and a first line on stderr
  set(expect ${AC_EXPECT_EXIT} ${code} --says --)
  if(code EQUAL 0)
    set(expect "")
  endif()
  add_test(NAME bad-input/${name} COMMAND ${expect} ${first} ${ARGN}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(bad-input/${name} PROPERTIES LABELS "unit;bad-input" TIMEOUT 90)
endfunction()

# The suite binary (runner/* in the top-level CMakeLists covers --bogus, stray arguments,
# --always-succeed, --output=json=, a filter matching nothing).
afterclose_bad_input(suite/filter_without_value 2 afterclose-suite --filter)
afterclose_bad_input(suite/filter_empty 2 afterclose-suite --filter=)
afterclose_bad_input(suite/jobs_without_value 2 afterclose-suite -j)
# The runner is shared: harness-tests' errname/* (pure unit tests) stand in for a real run.
afterclose_bad_input(suite/scratch_dir_missing 2 env TMPDIR=/nonexistent/afterclose
  $<TARGET_FILE:harness-tests> --filter=errname/*)

# The report tool (report/* in tools/CMakeLists.txt covers a missing file, no argument, an
# unknown flag, not JSON, truncated, empty, wrong schema).
afterclose_bad_input(report/two_files 2 afterclose-report ${AC_BAD_DATA}/all-held.jsonl
  ${AC_BAD_DATA}/all-held.jsonl)
afterclose_bad_input(report/stdin_dash 2 afterclose-report -)
afterclose_bad_input(report/directory_not_file 2 afterclose-report ${AC_BAD_DATA})

# afterclose-junit --ctest: ctest's own JUnit file that is missing, not a file, not XML, cut
# short, not ctest's, a test case without its status, a count that does not match its cases.
set(AC_JUNIT_DATA ${PROJECT_SOURCE_DIR}/tests/export/data)
afterclose_bad_input(junit/ctest_without_value 2 $<TARGET_FILE:afterclose-junit> --ctest)
afterclose_bad_input(junit/ctest_missing 2 $<TARGET_FILE:afterclose-junit>
  --ctest /nonexistent/ctest-junit.xml)
afterclose_bad_input(junit/ctest_directory 2 $<TARGET_FILE:afterclose-junit>
  --ctest ${AC_JUNIT_DATA})
afterclose_bad_input(junit/ctest_not_xml 2 $<TARGET_FILE:afterclose-junit>
  --ctest ${AC_JUNIT_DATA}/mixed.jsonl)
afterclose_bad_input(junit/ctest_truncated 2 $<TARGET_FILE:afterclose-junit>
  --ctest ${AC_JUNIT_DATA}/ctest-truncated.xml)
afterclose_bad_input(junit/ctest_wrong_root 2 $<TARGET_FILE:afterclose-junit>
  --ctest ${AC_JUNIT_DATA}/ctest-wrong-root.xml)
afterclose_bad_input(junit/ctest_case_without_status 2 $<TARGET_FILE:afterclose-junit>
  --ctest ${AC_JUNIT_DATA}/ctest-no-status.xml)
afterclose_bad_input(junit/ctest_count_mismatch 2 $<TARGET_FILE:afterclose-junit>
  --ctest ${AC_JUNIT_DATA}/ctest-count-mismatch.xml)
afterclose_bad_input(junit/ctest_with_corrupt_records 2 $<TARGET_FILE:afterclose-junit>
  --ctest ${AC_JUNIT_DATA}/ctest-run.xml ${AC_BAD_DATA}/not-json.jsonl)
afterclose_bad_input(check-junit-file/one_argument 2
  ${PROJECT_SOURCE_DIR}/tools/export/check-junit-file ${AC_JUNIT_DATA}/ctest-run.xml)
afterclose_bad_input(check-junit-file/missing_file 2
  ${PROJECT_SOURCE_DIR}/tools/export/check-junit-file /nonexistent.xml
  ${AC_JUNIT_DATA}/ctest-run.xml)

# Scripts: only cases that stop while reading their arguments (no build, no install, no run).
set(ci ${PROJECT_SOURCE_DIR}/ci)
afterclose_bad_input(run-suite/unknown_flag 2 ${ci}/run-suite --bogus)
afterclose_bad_input(run-suite/results_without_value 2 ${ci}/run-suite --results)
afterclose_bad_input(run-suite/filter_without_value 2 ${ci}/run-suite --filter)
afterclose_bad_input(run-suite/stray_argument 2 ${ci}/run-suite timewait)
afterclose_bad_input(host-snapshot/unknown_flag 2 ${ci}/host-snapshot --bogus)
afterclose_bad_input(host-snapshot/compare_without_file 2 ${ci}/host-snapshot --compare)
afterclose_bad_input(host-snapshot/compare_missing_file 2 ${ci}/host-snapshot --compare
  /nonexistent/before.txt)
afterclose_bad_input(host-snapshot/compare_two_files 2 ${ci}/host-snapshot --compare a b)
foreach(script soak valgrind run-unprivileged fuzz bad-input)
  afterclose_bad_input(${script}/unknown_flag 2 ${ci}/${script} --bogus)
  afterclose_bad_input(${script}/help_exits_0 0 ${ci}/${script} --help)
endforeach()
afterclose_bad_input(soak/runs_not_a_number 2 ${ci}/soak --runs many)
afterclose_bad_input(soak/runs_zero 2 ${ci}/soak --runs 0)
afterclose_bad_input(soak/runs_without_value 2 ${ci}/soak --runs)
afterclose_bad_input(soak/unknown_mode 2 ${ci}/soak --mode parallel)
afterclose_bad_input(fuzz/seconds_not_a_number 2 ${ci}/fuzz --seconds soon)
afterclose_bad_input(fuzz/unknown_target 2 ${ci}/fuzz --target nosuch)

# Gaps found by ci/bad-input, fixed in runner/runner.c and ci/host-snapshot:
afterclose_bad_input(suite/results_file_unwritable 2 env AFTERCLOSE_RESULTS=/nonexistent/r.jsonl
  $<TARGET_FILE:harness-tests> --filter=errname/*)
afterclose_bad_input(suite/unknown_iface_kind 2 env AFTERCLOSE_IFACE=tun
  $<TARGET_FILE:harness-tests> --filter=errname/*)
afterclose_bad_input(suite/jobs_not_a_number 2 harness-tests --jobs=many --filter=errname/*)
afterclose_bad_input(host-snapshot/help_exits_0 0 ${ci}/host-snapshot --help)

# Issue 9: the kernel list of ci/matrix is checked by exact name; the host snapshot refuses to
# run without nft (it would compare "command not found" with itself); FIFOs are refused by the
# tools that read files (tools/matrix and tools/docs test their own).
afterclose_bad_input(matrix/kernels_empty_entry 2 ${ci}/matrix --kernels ,)
afterclose_bad_input(matrix/kernels_escaped_series 2 ${ci}/matrix --kernels 6\\0561)
set(no_nft ${CMAKE_BINARY_DIR}/path-without-nft)
file(MAKE_DIRECTORY ${no_nft})
foreach(tool bash ip tc ss sysctl sed awk sort grep diff id cat)
  find_program(AC_TOOL_${tool} ${tool} PATHS /usr/sbin /sbin NO_CACHE)
  if(AC_TOOL_${tool} AND NOT EXISTS ${no_nft}/${tool})
    file(CREATE_LINK ${AC_TOOL_${tool}} ${no_nft}/${tool} SYMBOLIC)
  endif()
endforeach()
afterclose_bad_input(host-snapshot/nft_missing 2 env PATH=${no_nft} ${ci}/host-snapshot)
afterclose_bad_input(host-snapshot/nft_missing_compare 2 env PATH=${no_nft} ${ci}/host-snapshot
  --compare ${ci}/host-snapshot)
set(fifo ${CMAKE_CURRENT_BINARY_DIR}/fifo.jsonl)
if(NOT EXISTS ${fifo})
  execute_process(COMMAND mkfifo ${fifo})
endif()
afterclose_bad_input(report/fifo_is_refused 2 afterclose-report ${fifo})
