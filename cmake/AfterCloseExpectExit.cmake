# ctest helper: runs CMD and passes only when it exits with CODE.
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "${CODE}")
  message(FATAL_ERROR "expected exit ${CODE}, got ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
message(STATUS "exit ${rc} as expected; stderr: ${err}")
