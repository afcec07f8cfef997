# Run at build time: turns `BINARY --afterclose-list` ("suite/test<TAB>labels<TAB>timeout" lines)
# into add_test() calls in OUT. RESULTS: where the tests' records go unless the caller sets
# AFTERCLOSE_RESULTS; each test joins the run the "records" fixture opens there first and seals
# last (AFTERCLOSE_RESULTS_JOIN=1). SKIPPED: the runner's exit status when its test skipped
# (AC_EXIT_SKIPPED).
if(NOT SKIPPED MATCHES "^[0-9]+$")
  message(FATAL_ERROR "SKIPPED (the runner's exit status for a skipped test) is not set")
endif()
execute_process(COMMAND ${BINARY} --afterclose-list
  OUTPUT_VARIABLE listing RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BINARY} --afterclose-list failed (${rc}): ${err}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(content "")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  string(REPLACE "\t" ";" fields "${line}")
  list(GET fields 0 name)
  list(GET fields 1 extra)
  list(GET fields 2 timeout)
  string(REGEX REPLACE "/.*" "" suite "${name}")
  set(labels ${LABELS} ${suite})
  if(NOT extra STREQUAL "" AND NOT extra STREQUAL "-")
    string(REPLACE "," ";" extra "${extra}")
    list(APPEND labels ${extra})
  endif()
  # The runner enforces the test's own .timeout; ctest's bound only catches a hung runner.
  if(timeout GREATER 0)
    math(EXPR ctest_timeout "${timeout} + 30")
  else()
    set(ctest_timeout 60)
  endif()
  string(APPEND content
    "add_test([==[${name}]==] [==[${BINARY}]==] [==[--filter=${name}]==] -j1 --short-filename)\n"
    "set_tests_properties([==[${name}]==] PROPERTIES LABELS [==[${labels}]==]"
    " SKIP_RETURN_CODE ${SKIPPED} TIMEOUT ${ctest_timeout}"
    " FIXTURES_REQUIRED [==[build_lock;host_isolation;records]==]"
    " ENVIRONMENT [==[AFTERCLOSE_RESULTS_DEFAULT=${RESULTS};AFTERCLOSE_RESULTS_JOIN=1]==])\n")

  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${BINARY} lists no tests")
endif()
file(WRITE ${OUT} "${content}")
# The list itself: the summary reads the labels from it (JUnit properties).
file(WRITE ${OUT}.list "${listing}")
