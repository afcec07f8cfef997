# The runner's exit statuses for ctest, read from their one definition, runner/exitstatus.h:
# AC_EXIT_OK, AC_EXIT_FAILED, AC_EXIT_UNUSABLE, AC_EXIT_BROKEN, AC_EXIT_SKIPPED (a change there
# reconfigures).
set(AC_EXIT_STATUS_HEADER ${CMAKE_CURRENT_LIST_DIR}/../runner/exitstatus.h)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${AC_EXIT_STATUS_HEADER})
file(STRINGS ${AC_EXIT_STATUS_HEADER} ac_exit_lines REGEX "^#define AC_EXIT_[A-Z]+ +[0-9]+")
foreach(line IN LISTS ac_exit_lines)
  string(REGEX REPLACE "^#define (AC_EXIT_[A-Z]+) +([0-9]+).*" "\\1" name "${line}")
  string(REGEX REPLACE "^#define (AC_EXIT_[A-Z]+) +([0-9]+).*" "\\2" value "${line}")
  set(${name} ${value})
endforeach()
foreach(name AC_EXIT_OK AC_EXIT_FAILED AC_EXIT_UNUSABLE AC_EXIT_BROKEN AC_EXIT_SKIPPED)
  if(NOT DEFINED ${name})
    message(FATAL_ERROR "${AC_EXIT_STATUS_HEADER} does not define ${name}")
  endif()
endforeach()
