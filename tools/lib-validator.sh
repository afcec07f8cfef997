# shellcheck shell=bash
# Sourced by every check that reads afterclose's output with a real consumer (the kernel's
# kunit.py and kselftest runner, JUnit readers, the browser), from ci/ and tools/ alike.

# ac_validator_missing WHAT: the check cannot run here. It skips (77) naming WHAT; under
# AFTERCLOSE_REQUIRE_VALIDATORS=1 (.ci/run: nothing that validates the output may skip) it fails.
ac_validator_missing() {
  local hint="as root: ci/install-deps --validators"
  if [ "${AFTERCLOSE_REQUIRE_VALIDATORS:-0}" = 1 ]; then
    echo "$(basename "$0"): FAILED: $1 (AFTERCLOSE_REQUIRE_VALIDATORS=1: this check may not skip; $hint)" >&2
    exit 1
  fi
  echo "$(basename "$0"): SKIP: $1 ($hint)" >&2
  exit 77
}
