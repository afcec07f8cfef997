# shellcheck shell=bash disable=SC2034
# Sourced by the checks that read afterclose's KTAP with the kernel's own tools (kunit.py, the
# kselftest runner): where to find a kernel tree, and what to do when there is none. The AC_*
# variables the functions set are read by those scripts (hence no SC2034 here).

# shellcheck source=SCRIPTDIR/../../tools/lib-validator.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib-validator.sh"

# ac_kernel_tree CACHE FILE: sets AC_KERNEL_TREE to the root of a kernel tree that has FILE (a
# path inside it, e.g. tools/testing/kunit/kunit.py): a tree ci/kernel-build keeps, an unpacked
# /usr/src/linux-source-*, or the newest /usr/src/linux-source-*.tar.xz, of which only
# tools/testing/{kunit,selftests/kselftest,selftests/run_kselftest.sh} is unpacked into CACHE
# once per tarball (under a lock: ctest runs the checks in parallel). Empty if there is none;
# returns 1 (with a line on stderr) if the tarball cannot be unpacked.
ac_kernel_tree() {
  local cache=$1 file=$2 d tarball key dest tmp top
  AC_KERNEL_TREE=
  for d in "${AFTERCLOSE_CACHE:-/var/cache/afterclose}"/kbuild/*/src /usr/src/linux-source-*/; do
    [ -f "$d/$file" ] && { AC_KERNEL_TREE=${d%/}; return 0; }
  done
  tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-*.tar.xz' 2>/dev/null | sort -V | tail -n 1)
  [ -n "$tarball" ] || return 0
  key=$(basename "$tarball" .tar.xz)-$(stat -c %s-%Y "$tarball")
  mkdir -p "$cache"
  cache=$(cd "$cache" && pwd)
  dest=$cache/$key
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
  if [ -n "$top" ] && [ -f "$top/$file" ]; then AC_KERNEL_TREE=$top; fi
}

# ac_kselftest_setup BUILD_DIR OUTDIR: the kernel's kselftest runner (run_kselftest.sh and
# kselftest/) into AC_KSELFTEST_RUNNER (from $AFTERCLOSE_KSELFTEST, a selftests directory, or
# ac_kernel_tree; missing: ac_validator_missing), and BUILD_DIR installed with DESTDIR=OUTDIR/root
# as /usr: AC_COLLECTION is the installed collection (share/afterclose/kselftest).
ac_kselftest_setup() {
  local build=$1 out=$2 st=${AFTERCLOSE_KSELFTEST:-}
  if [ -n "$st" ] && [ ! -f "$st/kselftest/runner.sh" ]; then # given: used or refused, not skipped
    echo "$(basename "$0"): AFTERCLOSE_KSELFTEST=$st: not a selftests directory (no kselftest/runner.sh)" >&2
    exit 2
  fi
  if [ -z "$st" ]; then
    ac_kernel_tree "$build/kernel-tools" tools/testing/selftests/kselftest/runner.sh
    [ -z "$AC_KERNEL_TREE" ] || st=$AC_KERNEL_TREE/tools/testing/selftests
  fi
  if [ -z "$st" ] || [ ! -f "$st/kselftest/runner.sh" ]; then
    ac_validator_missing "the kernel's kselftest runner is not here (Debian package linux-source, or set AFTERCLOSE_KSELFTEST)"
  fi
  echo "kselftest runner: $st"
  AC_KSELFTEST_RUNNER=$out/runner
  rm -rf "$AC_KSELFTEST_RUNNER" "$out/root"
  mkdir -p "$AC_KSELFTEST_RUNNER/kselftest"
  cp "$st/run_kselftest.sh" "$AC_KSELFTEST_RUNNER/"
  cp "$st"/kselftest/* "$AC_KSELFTEST_RUNNER/kselftest/"
  DESTDIR=$out/root cmake --install "$build" --prefix /usr >/dev/null
  AC_COLLECTION=$out/root/usr/share/afterclose/kselftest
}
