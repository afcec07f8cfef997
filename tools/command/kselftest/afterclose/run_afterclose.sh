#!/bin/sh
# kselftest entry point: the whole afterclose suite on this kernel, KTAP v1 on stdout, exit
# 0 pass, 1 fail, 3 a test broken (the machine could not set it up: "not ok" for the runner),
# 4 every test skipped (KSFT_SKIP). Installed as
# <prefix>/share/afterclose/kselftest/afterclose/, next to kselftest-list.txt, so that the
# kselftest runner (run_kselftest.sh / runner.sh) can call it like any selftest collection.
# A runner passes no arguments: AFTERCLOSE_FILTER=PATTERN runs a part ('timewait/*');
# AFTERCLOSE_DEVIATIONS=FILE marks known deviations '# XFAIL' (docs/known-deviations.md).
here=$(dirname "$(readlink -f "$0")")
cmd=$here/../../../../bin/afterclose
[ -x "$cmd" ] || cmd=afterclose
exec "$cmd" run --kselftest ${AFTERCLOSE_FILTER:+--filter "$AFTERCLOSE_FILTER"} \
  ${AFTERCLOSE_DEVIATIONS:+--deviations "$AFTERCLOSE_DEVIATIONS"} "$@"
