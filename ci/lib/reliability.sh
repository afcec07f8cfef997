# shellcheck shell=bash
# Shared by ci/soak, ci/valgrind, ci/run-unprivileged, ci/fuzz, ci/bad-input and ci/package-test
# (sourced, not run). Everything here is derived from the binaries' own test lists, never from a
# fixed list.

# shellcheck source=ci/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The test binaries of a build directory (every Criterion binary that answers --afterclose-list).
ac_binaries() { for b in "$1"/afterclose-suite "$1"/harness-tests; do [ -x "$b" ] && echo "$b"; done; }

# ac_tests BINARY [all|nonslow]: the test names, one per line, from the binary's own list.
ac_tests() {
  "$1" --afterclose-list | awk -F'\t' -v want="${2:-all}" \
    'want == "all" || $2 !~ /(^|,)slow(,|$)/ { print $1 }'
}

# ac_filter BINARY [all|nonslow]: one Criterion --filter matching exactly those tests: `*/*`, or
# `!(a|b|...)` naming the tests left out (Criterion's extglob matcher aborts on a long
# `@(...)` list, so the few slow tests are named, not the many others); nothing when no test
# is selected.
ac_filter() {
  local selected excluded
  selected=$(ac_tests "$@" | wc -l)
  excluded=$("$1" --afterclose-list | cut -f1 | grep -vxF -f <(ac_tests "$@") | paste -sd'|' || true)
  [ "$selected" -gt 0 ] || return 0
  if [ -z "$excluded" ]; then echo '*/*'; return 0; fi
  [ "${#excluded}" -le 2000 ] || ac_die "too many tests to leave out with one --filter (${#excluded} characters)"
  echo "!($excluded)"
}

# ac_verdicts RESULTS...: "test<TAB>verdict<TAB>reason" per record (a result set's header, seal
# and interrupted mark are no records); a line that is not JSON becomes "(corrupt line)<TAB>corrupt".
ac_verdicts() {
  cat "$@" 2>/dev/null | jq -Rr '(fromjson? // "corrupt") |
    if type == "object" then select(has("test")) | [.test, .verdict, .reason] | @tsv
    else "(corrupt line)\tcorrupt\t" end'
}
