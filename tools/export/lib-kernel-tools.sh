# shellcheck shell=bash
# Sourced by the checks that read afterclose's KTAP with the kernel's own tools (kunit.py, the
# kselftest runner): where to find a kernel tree, and what to do when there is none.

# ac_validator_missing REASON: the check cannot run. SKIP (exit 77) naming what is missing, or,
# under AFTERCLOSE_REQUIRE_VALIDATORS=1 (CI: nothing that validates the output may skip), FAIL.
ac_validator_missing() {
  if [ "${AFTERCLOSE_REQUIRE_VALIDATORS:-0}" = 1 ]; then
    echo "FAILED: $1 (AFTERCLOSE_REQUIRE_VALIDATORS=1)" >&2
    exit 1
  fi
  echo "SKIP: $1" >&2
  exit 77
}

# ac_kernel_tree CACHE FILE: prints the root of a kernel tree that has FILE (a path inside it,
# e.g. tools/testing/kunit/kunit.py): a tree ci/kernel-build keeps, an unpacked
# /usr/src/linux-source-*, or the newest /usr/src/linux-source-*.tar.xz, of which only
# tools/testing/{kunit,selftests/kselftest,selftests/run_kselftest.sh} is unpacked into CACHE
# once per tarball (under a lock: ctest runs the checks in parallel). Prints nothing if none;
# returns 1 (with a line on stderr) if the tarball cannot be unpacked.
ac_kernel_tree() {
  local cache=$1 file=$2 d tarball key dest tmp top
  for d in "${AFTERCLOSE_CACHE:-/var/cache/afterclose}"/kbuild/*/src /usr/src/linux-source-*/; do
    [ -f "$d/$file" ] && { echo "${d%/}"; return 0; }
  done
  tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-*.tar.xz' 2>/dev/null | sort -V | tail -n 1)
  [ -n "$tarball" ] || return 0
  key=$(basename "$tarball" .tar.xz)-$(stat -c %s-%Y "$tarball")
  dest=$cache/$key
  mkdir -p "$cache"
  cache=$(cd "$cache" && pwd)
  (
    flock 9
    [ -d "$dest" ] && exit 0
    tmp=$(mktemp -d "$cache/unpack.XXXXXX")
    # --wildcards, not a listing piped to head: tar would die of SIGPIPE under pipefail
    tar -xJf "$tarball" -C "$tmp" --wildcards '*/tools/testing/kunit/*' \
      '*/tools/testing/selftests/run_kselftest.sh' '*/tools/testing/selftests/kselftest/*' &&
      mv -T "$tmp" "$dest" || { rm -rf "$tmp"; exit 1; }
  ) 9>"$cache/.lock" || { echo "cannot unpack the kernel's test tools from $tarball" >&2; return 1; }
  top=$(find "$dest" -mindepth 1 -maxdepth 1 -type d -print -quit)
  [ -n "$top" ] && [ -f "$top/$file" ] && echo "$top"
  return 0
}
