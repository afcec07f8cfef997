# shellcheck shell=bash
# Shared by ci/soak, ci/valgrind, ci/run-unprivileged, ci/fuzz and ci/bad-input (sourced, not
# run). Everything here is derived from the binaries' own test lists, never from a fixed list.

ac_die() { echo "$(basename "$0"): $*" >&2; exit 2; }

# ac_need COMMAND PACKAGE: as root installs the Debian package when the command is missing;
# otherwise names the apt-get line for root and fails.
ac_need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "$(basename "$0"): $1 is missing; as root run:  apt-get install -y $2" >&2
    exit 1
  fi
  echo "$(basename "$0"): installing $2" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
}

# ac_build PRESET: configures and builds quietly; the binary directory is build (default) or
# build-<preset>.
ac_build() {
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" >/dev/null
}

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

# ac_verdicts RESULTS...: "test<TAB>verdict<TAB>reason" per record; a line that is not JSON
# becomes "(corrupt line)<TAB>corrupt".
ac_verdicts() {
  cat "$@" 2>/dev/null | jq -Rr '(fromjson? | [.test, .verdict, .reason] | @tsv)
                                  // "(corrupt line)\tcorrupt\t"'
}
