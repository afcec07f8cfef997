# One ctest test per Criterion test, named suite/test, discovered after each build from the
# binary's own list (in the spirit of gtest_discover_tests), with labels and timeouts.
#
# Each test runs the binary with --filter=suite/test -j1. The runner (runner/runner.c) exits 2
# when the filter matches nothing and 77 when the test skipped (runner/exitstatus.h), so a
# misspelt or skipped test can never show as passed.

include(${CMAKE_CURRENT_LIST_DIR}/AfterCloseExitStatus.cmake)
set(AC_DISCOVER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/AfterCloseWriteTests.cmake)
# The tests of an exit status and an error line run through one shell helper (cmake/expect-exit).
set(AC_EXPECT_EXIT ${CMAKE_CURRENT_LIST_DIR}/expect-exit)

# Records of the ctest runs (unless the caller sets AFTERCLOSE_RESULTS): one file per binary
# (not build/results: that is the results library's build directory).
set(AC_CTEST_RESULTS_DIR ${CMAKE_BINARY_DIR}/ctest-records)

function(afterclose_discover_tests target)
  cmake_parse_arguments(ARG "" "" "LABELS" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}.ctest.cmake)
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -D BINARY=$<TARGET_FILE:${target}> -D OUT=${out}
            -D "LABELS=${ARG_LABELS}" -D RESULTS=${AC_CTEST_RESULTS_DIR}/ctest-${target}.jsonl
            -D SKIPPED=${AC_EXIT_SKIPPED}
            -P ${AC_DISCOVER_SCRIPT}
    BYPRODUCTS ${out}
    VERBATIM)
  # A configured but unbuilt tree gets one failing placeholder instead of silently no tests.
  set(loader ${CMAKE_CURRENT_BINARY_DIR}/${target}.ctest-loader.cmake)
  file(WRITE ${loader}
    "if(EXISTS [==[${out}]==])\n  include([==[${out}]==])\nelse()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${loader})
endfunction()

# A test that passes only if the command exits with `code` (0: the command alone, as ctest runs it).
function(afterclose_expect_exit name code target)
  if(code EQUAL 0)
    add_test(NAME ${name} COMMAND $<TARGET_FILE:${target}> ${ARGN})
  else()
    add_test(NAME ${name} COMMAND ${AC_EXPECT_EXIT} ${code} -- $<TARGET_FILE:${target}> ${ARGN})
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "unit;runner" TIMEOUT 30
    FIXTURES_REQUIRED "build_lock;host_isolation")
endfunction()

# One ctest run at a time in a build (cmake/ctest-lock, the ci/ commands' lock): every test that
# writes the build's shared files (records, KTAP, host snapshot) requires it, so a second run
# stops at lock/take naming the holder instead of mixing its records into the first run's.
function(afterclose_build_lock)
  set(lock ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ctest-lock)
  add_test(NAME lock/take COMMAND ${lock} take ${CMAKE_BINARY_DIR})
  add_test(NAME lock/release COMMAND ${lock} release ${CMAKE_BINARY_DIR})
  set_tests_properties(lock/take PROPERTIES FIXTURES_SETUP build_lock LABELS "records" TIMEOUT 30)
  set_tests_properties(lock/release PROPERTIES FIXTURES_CLEANUP build_lock LABELS "records"
    TIMEOUT 30)
  # Bad arguments: one line, exit 2.
  foreach(case "usage;bogus;${CMAKE_BINARY_DIR}" "no build directory;take;/nonexistent/build")
    list(POP_FRONT case says)
    string(REPLACE " " "_" name "${says}")
    add_test(NAME lock/refuses_${name}
      COMMAND ${AC_EXPECT_EXIT} 2 --one-line "ctest-lock: ${says}" -- ${lock} ${case})
    set_tests_properties(lock/refuses_${name} PROPERTIES LABELS "unit;records" TIMEOUT 30)
  endforeach()
endfunction()

# The host's network namespace is snapshotted before any test runs and compared after the last
# one (ctest orders fixture setup/cleanup around every test that requires the fixture, -j too).
function(afterclose_host_isolation_check)
  set(snap ${CMAKE_CURRENT_BINARY_DIR}/host-before.txt)
  set(script ${CMAKE_CURRENT_SOURCE_DIR}/ci/host-snapshot)
  add_test(NAME host/snapshot_before COMMAND sh -c "\"$1\" > \"$2\"" sh ${script} ${snap})
  add_test(NAME host/unchanged_after COMMAND ${script} --compare ${snap})
  set_tests_properties(host/snapshot_before PROPERTIES FIXTURES_SETUP host_isolation
    FIXTURES_REQUIRED build_lock LABELS "host")
  set_tests_properties(host/unchanged_after PROPERTIES FIXTURES_CLEANUP host_isolation
    FIXTURES_REQUIRED build_lock LABELS "host")
endfunction()


# The "records" fixture around every Criterion test: first a run is opened in each records file
# (cmake/ctest-records: a header naming this ctest run's tests of that file; an earlier run's
# file is replaced; AFTERCLOSE_RESULTS, when set, holds the whole run), every test joins it; last
# the run is sealed if every selected test left its record (else the cleanup fails naming the
# missing ones), the scenarios' records become build/afterclose.ktap, and a run in which every
# scenario skipped FAILS with the reason (cmake/ctest-summary): "100% tests passed" with nothing
# tested is not green. Allowed only on request: AFTERCLOSE_ALLOW_ALL_SKIPPED=1 in the
# environment, or this cache option.
option(AFTERCLOSE_ALLOW_ALL_SKIPPED "ctest passes when every scenario skipped" OFF)
function(afterclose_records_fixture)
  set(scen ${AC_CTEST_RESULTS_DIR}/ctest-afterclose-suite.jsonl)
  set(unit ${AC_CTEST_RESULTS_DIR}/ctest-harness-tests.jsonl)
  add_test(NAME records/start COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ctest-records
    ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_BINARY_DIR}
    $<TARGET_FILE:afterclose-suite> ${CMAKE_CURRENT_BINARY_DIR}/afterclose-suite.ctest.cmake.list
    ${scen}
    $<TARGET_FILE:harness-tests> ${CMAKE_CURRENT_BINARY_DIR}/harness-tests.ctest.cmake.list
    ${unit})
  set(summary records/summary_fails_if_all_skipped)
  add_test(NAME ${summary} COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ctest-summary
    --ktap $<TARGET_FILE:afterclose-ktap> --runner $<TARGET_FILE:afterclose-suite>
    --scenarios ${scen} --unit ${unit}
    --labels ${CMAKE_CURRENT_BINARY_DIR}/afterclose-suite.ctest.cmake.list
    --out ${CMAKE_BINARY_DIR} --allow-all-skipped ${AFTERCLOSE_ALLOW_ALL_SKIPPED})
  set_tests_properties(records/start PROPERTIES FIXTURES_SETUP records FIXTURES_REQUIRED build_lock
    LABELS "records" TIMEOUT 60)
  set_tests_properties(${summary} PROPERTIES FIXTURES_CLEANUP records FIXTURES_REQUIRED build_lock
    LABELS "records" TIMEOUT 60)
endfunction()
