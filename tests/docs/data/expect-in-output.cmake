# ctest helper: runs the generator (CMD), then requires each of the strings WANT (a list) in the
# output file FILE: the docs must say what the records observed.
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc STREQUAL "0")
  message(FATAL_ERROR "afterclose-docs exited ${rc}: ${err}")
endif()
file(READ ${FILE} text)
foreach(want IN LISTS WANT)
  string(FIND "${text}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${FILE} lacks: ${want}")
  endif()
endforeach()
