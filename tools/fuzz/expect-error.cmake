# ctest helper for bad-input tests: runs CMD; passes only when it exits with CODE and, for a
# non-zero CODE, says something on stderr (the first line is shown in the test's output).
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
  TIMEOUT 60)
string(REGEX REPLACE "\n.*" "" first "${err}")
if(NOT rc STREQUAL "${CODE}")
  message(FATAL_ERROR "expected exit ${CODE}, got ${rc}\nstderr: ${err}")
endif()
if(NOT CODE STREQUAL "0" AND first STREQUAL "")
  message(FATAL_ERROR "exit ${rc} but nothing on stderr: the user is not told what was wrong")
endif()
message(STATUS "exit ${rc} as expected: ${first}")
