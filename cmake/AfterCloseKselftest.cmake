# The kselftest collection in share/afterclose/kselftest/ (tools/command/kselftest/), its config
# fragment, and the checks that run it the way kernel CI does.

# The `config` fragment kernel CI reads for the options a collection needs: the lines of
# ci/kernel.d/afterclose.config marked "# required", generated so that the two cannot drift.
set(AC_KCONFIG ${CMAKE_CURRENT_SOURCE_DIR}/ci/kernel.d/afterclose.config)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${AC_KCONFIG})
file(STRINGS ${AC_KCONFIG} ac_required REGEX "^CONFIG_[A-Za-z0-9_]+=[^ ]+ *# required$")
list(TRANSFORM ac_required REPLACE " *# required$" "")
if(NOT ac_required)
  message(FATAL_ERROR "${AC_KCONFIG}: no line marked \"# required\"")
endif()
list(JOIN ac_required "\n" ac_required)
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/kselftest/afterclose/config CONTENT "${ac_required}\n")

install(DIRECTORY tools/command/kselftest/ DESTINATION ${CMAKE_INSTALL_DATADIR}/afterclose/kselftest
  USE_SOURCE_PERMISSIONS)
install(FILES ${CMAKE_BINARY_DIR}/kselftest/afterclose/config
  DESTINATION ${CMAKE_INSTALL_DATADIR}/afterclose/kselftest/afterclose)
# the example kernel-CI test definition next to docs/kernel-ci.md, which links it
install(FILES docs/kernel-ci/afterclose.yaml DESTINATION ${CMAKE_INSTALL_DOCDIR}/kernel-ci)

# (Not in the sanitizer build: the installed command and the kernel's runner start the
# ASan-built binary in a way its runtime refuses; this checks packaging, not memory.)
if(NOT AFTERCLOSE_SANITIZE)
  # The installed collection run by the kernel's kselftest runner (linux-source-*); skips
  # without it (fails under AFTERCLOSE_REQUIRE_VALIDATORS=1).
  add_test(NAME ktap/kselftest_runner_runs_the_collection
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/command/check-kselftest-runner ${CMAKE_BINARY_DIR}
            ${CMAKE_BINARY_DIR}/kselftest-check)
  set_tests_properties(ktap/kselftest_runner_runs_the_collection PROPERTIES
    LABELS "ktap;kselftest;validator" SKIP_RETURN_CODE 77 TIMEOUT 300 FIXTURES_REQUIRED host_isolation)
  # The example kernel-CI test definition's run steps, as a LAVA lab runs them, on the same.
  add_test(NAME ktap/kernel_ci_definition_runs
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/command/check-kernel-ci-definition
            ${CMAKE_CURRENT_SOURCE_DIR}/docs/kernel-ci/afterclose.yaml ${CMAKE_BINARY_DIR}
            ${CMAKE_BINARY_DIR}/kernel-ci-check)
  set_tests_properties(ktap/kernel_ci_definition_runs PROPERTIES
    LABELS "unit;ktap;validator" SKIP_RETURN_CODE 77 TIMEOUT 300 FIXTURES_REQUIRED host_isolation)
endif()
