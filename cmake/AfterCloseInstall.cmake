# What `cmake --install` installs and CPack packs (a .deb):
#   bin/afterclose                      the one command (tools/command/afterclose.in)
#   libexec/afterclose/                 the suite and the tools behind its subcommands, and the
#                                       run's orchestration (lib-run.sh, shared with ci/run-suite)
#   share/man/man1/afterclose.1         its manual page
#   share/doc/afterclose/               README and docs/ (the generated pages in generated/)
#   share/afterclose/kselftest/         a kselftest collection (AfterCloseKselftest.cmake)
#   share/afterclose/known-deviations.json  the project's known deviations (--deviations)
include(GNUInstallDirs)
set(AC_LIBEXECDIR ${CMAKE_INSTALL_LIBEXECDIR}/afterclose)
# The command finds its programs relative to itself, so a DESTDIR or a relocated prefix works.
file(RELATIVE_PATH AC_BIN_TO_LIBEXEC /p/${CMAKE_INSTALL_BINDIR} /p/${AC_LIBEXECDIR})
configure_file(tools/command/afterclose.in ${CMAKE_BINARY_DIR}/afterclose @ONLY)
configure_file(tools/command/afterclose.1 ${CMAKE_BINARY_DIR}/afterclose.1 @ONLY)
# In the build tree the command finds its programs through this map (never installed): there is
# no libexec/ next to build/afterclose.
set(AC_PROGRAMS afterclose-suite afterclose-report afterclose-ktap afterclose-junit afterclose-matrix
  afterclose-diff)
set(map "")
foreach(p ${AC_PROGRAMS})
  string(APPEND map "${p}=$<TARGET_FILE:${p}>\n")
endforeach()
string(APPEND map "lib-run.sh=${CMAKE_CURRENT_SOURCE_DIR}/tools/command/lib-run.sh\n")
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/afterclose-programs CONTENT "${map}")

install(TARGETS ${AC_PROGRAMS} RUNTIME DESTINATION ${AC_LIBEXECDIR})
install(PROGRAMS ${CMAKE_BINARY_DIR}/afterclose DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS tools/command/lib-run.sh DESTINATION ${AC_LIBEXECDIR})
install(FILES ${CMAKE_BINARY_DIR}/afterclose.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
file(GLOB AC_DOCS docs/*.md)
file(GLOB AC_GENERATED_DOCS docs/generated/*.md docs/generated/*.svg docs/generated/*.html)
install(FILES README.md ${AC_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${AC_GENERATED_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR}/generated)
# the project's known deviations (docs/known-deviations.md), for --deviations
install(FILES docs/known-deviations.json DESTINATION ${CMAKE_INSTALL_DATADIR}/afterclose)
include(cmake/AfterCloseKselftest.cmake)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME afterclose)
set(CPACK_PACKAGE_VENDOR afterclose)
set(CPACK_PACKAGE_CONTACT "afterclose developers <dev@afterclose.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "test suite: what Linux does when TCP connections close and ports are bound again")
set(CPACK_PACKAGE_DESCRIPTION
  "afterclose runs scenarios in private network namespaces and reports, per kernel, what
TIME_WAIT, CLOSE_WAIT, SO_REUSEADDR/SO_REUSEPORT and wildcard versus specific addresses do
to bind(), listen() and connect(), with KTAP and JUnit output for CI.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# The shared libraries come from dpkg-shlibdeps on the installed binaries; bash runs the command;
# libnftables1 the suite opens when a test first filters packets (fixtures/nft.c), which
# dpkg-shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "bash, libnftables1")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://afterclose.invalid/")
include(CPack)

# The .deb installed into a clean bookworm root and run from there (ci/package-test). Needs
# root, debootstrap and the Debian archive, so it is a test only on request.
option(AFTERCLOSE_PACKAGE_TEST "Add the ctest test package/deb_installs_and_runs_in_clean_root"
  OFF)
if(AFTERCLOSE_PACKAGE_TEST)
  add_test(NAME package/deb_installs_and_runs_in_clean_root
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/ci/package-test)
  set_tests_properties(package/deb_installs_and_runs_in_clean_root PROPERTIES
    LABELS "package;slow" TIMEOUT 1200 RUN_SERIAL TRUE)
endif()

# The command's bad usage: one line, exit 2, before anything runs.
foreach(bad "bogus" "run;--bogus" "run;--results" "run;stray" "run;--ktap;-;--junit;-"
    "run;--verbose;--failures-only" "run;--deviations" "diff" "diff;--bogus")
  string(REPLACE ";" "_" name "${bad}")
  string(REPLACE "-" "" name "${name}")
  add_test(NAME command/${name}_exits_2
    COMMAND ${AC_EXPECT_EXIT} 2 -- ${CMAKE_BINARY_DIR}/afterclose ${bad})
  set_tests_properties(command/${name}_exits_2 PROPERTIES LABELS "unit;command" TIMEOUT 30)
endforeach()

# A program that is not there is one line and exit 2 (not a shell's 127).
add_test(NAME command/missing_program_exits_2
  COMMAND ${AC_EXPECT_EXIT} 2 --one-line "afterclose: /nonexistent/afterclose-suite is missing" --
    ${CMAKE_BINARY_DIR}/afterclose list)
set_tests_properties(command/missing_program_exits_2 PROPERTIES LABELS "unit;command" TIMEOUT 30
  ENVIRONMENT AFTERCLOSE_LIBEXEC=/nonexistent)

# (Not in the sanitizer build: the installed command and the kernel's runner start the
# ASan-built binary in a way its runtime refuses; this checks packaging, not memory.)
if(NOT AFTERCLOSE_SANITIZE)
# From the build tree: `afterclose list` runs the build's suite, `run --ktap -` / `--junit -`
# keep stdout pure.
add_test(NAME command/works_from_the_build_tree_with_pure_stdout
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/command/check-command-stdout ${CMAKE_BINARY_DIR})
set_tests_properties(command/works_from_the_build_tree_with_pure_stdout PROPERTIES
  LABELS "unit;command" TIMEOUT 60 FIXTURES_REQUIRED host_isolation)
# What the machine refuses `afterclose run` (a missing TMPDIR, a results directory that takes no
# file, a full stdout) is one line and exit 3, never 1 (issue 22, item 6).
add_test(NAME command/run_refused_by_the_machine_exits_3
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/command/check-command-environment ${CMAKE_BINARY_DIR})
set_tests_properties(command/run_refused_by_the_machine_exits_3 PROPERTIES
  LABELS "unit;command" TIMEOUT 60)
# A deviations file with a bad entry stops `run` before it starts: one line, exit 2.
set(bad_dev ${CMAKE_CURRENT_SOURCE_DIR}/tests/export/data/deviations/bad-unknown-test.json)
afterclose_expect_error(command/run_with_bad_deviations_exits_2_before_the_run "unit;command"
  "afterclose-ktap: ${bad_dev}: entry 1 names segments/no_such_test" ${CMAKE_BINARY_DIR}/afterclose
  run --results ${CMAKE_BINARY_DIR}/bad-deviations-run.jsonl --filter "timewait/*" --deviations
  ${bad_dev})
# `afterclose diff` is the tool's: its statuses pass through the command
add_test(NAME command/diff_passes_its_status_through
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/diff/expect-diff 1 "1 claim changed" --
    ${CMAKE_BINARY_DIR}/afterclose diff --bisect ${CMAKE_CURRENT_SOURCE_DIR}/tests/diff/data/old.jsonl
    ${CMAKE_CURRENT_SOURCE_DIR}/tests/diff/data/claim.jsonl)
set_tests_properties(command/diff_passes_its_status_through PROPERTIES LABELS "unit;command"
  TIMEOUT 30)
endif()
