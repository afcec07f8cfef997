# shellcheck shell=bash
# Shared by the ci/ commands (sourced, not run): help, errors, packages, and the build, which is
# locked so that two commands in one checkout cannot break each other's build or results.

ac_die() { echo "$(basename "$0"): $*" >&2; exit 2; }

# ac_help: prints the running command's help, which is its leading comment block (line 2 up to
# the first line that is not a comment) without the "# ": the help cannot fall behind the header,
# and a line added to it is never cut off. Read from ci/, not "$0", since the commands cd first.
ac_help() {
  sed -n '2,${/^#/!q;s/^# \{0,1\}//p;}' "$AC_REPO/ci/$(basename "$0")"
}

# ac_missing_packages PACKAGE...: prints those of the Debian PACKAGEs that are not installed (a
# held package, "hold ok installed", is installed too), on one line; nothing when all are.
ac_missing_packages() {
  local p absent=()
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || absent+=("$p")
  done
  [ ${#absent[@]} -eq 0 ] || echo "${absent[*]}"
}

# ac_install WHAT PACKAGE...: as root installs the Debian PACKAGEs quietly (apt-get update only
# when the lists are too old or empty for them: a fresh machine's are); otherwise says that WHAT
# is missing, names the apt-get line for root, and fails. Exit 2 either way when it cannot: a
# command that cannot run must not look like one whose check failed (exit 1).
ac_install() {
  local what=$1
  shift
  if [ "$(id -u)" -ne 0 ]; then
    echo "$(basename "$0"): missing $what; as root run:  apt-get update && apt-get install -y $*" >&2
    exit 2
  fi
  echo "$(basename "$0"): installing $*" >&2
  local -x DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } ||
    ac_die "apt-get install $* failed"
}

# ac_need COMMAND PACKAGE...: when COMMAND is missing, ac_install its PACKAGE (and whatever else
# the command needs to be useful).
ac_need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  ac_install "$@"
}

# ac_need_node: node and npm for the npm packages the checks use. The machine's own Node.js and
# its npm where they exist; Debian's nodejs and npm only as a pair, on a machine with neither:
# Debian's npm next to another Node.js makes apt give up ("held broken packages").
ac_need_node() {
  if command -v node >/dev/null 2>&1; then
    command -v npm >/dev/null 2>&1 && return 0
    ac_die "node ($(command -v node)) has no npm beside it; install the npm of that Node.js" \
      "(Debian's npm package conflicts with a Node.js that did not come from Debian)"
  fi
  ac_install "node and npm" nodejs npm
}

# ac_npm_install NAME VERSION: installs NAME@VERSION into ac_npm_dir unless it is there.
ac_npm_install() {
  local dir
  dir=$(ac_npm_dir "$1" "$2")
  [ -f "$dir/node_modules/$1/package.json" ] && return 0
  ac_need_node
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --silent "$1@$2" >&2 ||
    ac_die "cannot install $1@$2 from npm"
}

# This file's folder, without a process: every command sources this file, and a unit test
# runs several commands.
_ac_lib=${BASH_SOURCE[0]%/*}
[ "$_ac_lib" != "${BASH_SOURCE[0]}" ] || _ac_lib=.

# ac_validator_missing WHAT (skip, or fail in CI), ac_npm_dir and the checks' npm pins.
# shellcheck source=tools/lib-validator.sh
. "$_ac_lib/../../tools/lib-validator.sh"

# ac_lock_build DIR: holds DIR for this command and everything it starts, until it exits. A
# second command on the same DIR stops at once and says who holds it; a command started by the
# holder (AFTERCLOSE_BUILD_LOCK names DIR) goes on. The lock is an flock on DIR/.afterclose.lock:
# the kernel drops it when the holder and its children are gone, so it never goes stale.
ac_lock_build() {
  local dir lock holder
  mkdir -p "$1" || ac_die "cannot create the build directory $1"
  dir=$(cd "$1" && pwd -P)
  [ "${AFTERCLOSE_BUILD_LOCK:-}" = "$dir" ] && return 0
  lock=$dir/.afterclose.lock
  exec {AC_LOCK_FD}>>"$lock" || ac_die "cannot write $lock"
  if ! flock -n "$AC_LOCK_FD"; then
    holder=$(cat "$dir/.afterclose.owner" 2>/dev/null || echo "unknown")
    # A holder that died a moment ago (a killed ctest): its lock's watcher lets go within a second.
    [[ $holder =~ ^pid\ ([0-9]+): ]] && ! kill -0 "${BASH_REMATCH[1]}" 2>/dev/null &&
      flock -w 2 "$AC_LOCK_FD" && holder=""
  fi
  if [ -n "${holder:-}" ]; then
    ac_die "another afterclose command is using $dir ($holder); wait for it to finish, or give" \
           "this one its own build directory (--build-dir DIR where the command has it)"
  fi
  echo "pid $$: $(basename "$0"), since $(date +%H:%M:%S)" >"$dir/.afterclose.owner"
  export AFTERCLOSE_BUILD_LOCK=$dir
}

# ac_unlock_build: lets go of the build directory (a command that starts other commands which
# must each take it for themselves, e.g. to test the lock).
ac_unlock_build() {
  [ -n "${AC_LOCK_FD:-}" ] && exec {AC_LOCK_FD}>&-
  unset AFTERCLOSE_BUILD_LOCK AC_LOCK_FD
}

# The project's top folder (this file is in ci/lib/): builds work from any current directory.
AC_REPO=$(cd "$_ac_lib/../.." && pwd)

# ac_configure PRESET: locks the preset's binary directory (build, or build-PRESET, in the
# project's top folder), then configures it quietly.
ac_configure() {
  local dir=$AC_REPO/build
  [ "$1" = default ] || dir=$AC_REPO/build-$1
  ac_lock_build "$dir"
  (cd "$AC_REPO" && cmake --preset "$1" >/dev/null)
}

# ac_build PRESET [TARGET...]: ac_configure, then builds the TARGETs (all when none) quietly;
# errors go to stderr.
ac_build() {
  local preset=$1
  shift
  ac_configure "$preset" &&
    (cd "$AC_REPO" && cmake --build --preset "$preset" ${1+--target "$@"} >/dev/null)
}

# ac_build_dir DIR [TARGET...]: the same for a build directory of the user's choice (a read-only
# checkout builds elsewhere): the default preset's settings, binary directory DIR.
ac_build_dir() {
  local dir=$1
  shift
  ac_lock_build "$dir"
  cmake -S "$AC_REPO" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAFTERCLOSE_WERROR=ON >/dev/null &&
    cmake --build "$dir" --parallel "$(nproc)" ${1+--target "$@"} >/dev/null
}

# The runner's exit statuses, AC_EXIT_OK, _FAILED, _UNUSABLE, _BROKEN and _SKIPPED, from their one
# definition (runner/exitstatus.h; cmake/AfterCloseExitStatus.cmake reads the same lines).
while read -r _d name value _; do
  [[ $_d == '#define' && $name =~ ^AC_EXIT_[A-Z]+$ && $value =~ ^[0-9]+$ ]] || continue
  printf -v "$name" %s "$value"
done <"$_ac_lib/../../runner/exitstatus.h"
for _s in AC_EXIT_SKIPPED AC_EXIT_BROKEN; do
  [ -n "${!_s:-}" ] || ac_die "cannot read the runner's exit statuses (runner/exitstatus.h)"
done

# ac_exit_ran STATUS: the run went to the end and its verdict is in the records (every test
# passed, one failed, one was broken by the environment, or every test skipped).
ac_exit_ran() {
  [ "$1" = "$AC_EXIT_OK" ] || [ "$1" = "$AC_EXIT_FAILED" ] || [ "$1" = "$AC_EXIT_BROKEN" ] ||
    [ "$1" = "$AC_EXIT_SKIPPED" ]
}

# ac_exit_interrupted STATUS: the runner died of SIGHUP, SIGINT or SIGTERM, which it passes on to
# every test before it marks the results file interrupted.
ac_exit_interrupted() {
  [ "$1" -gt 128 ] 2>/dev/null || return 1
  case $(kill -l "$(($1 - 128))" 2>/dev/null) in HUP|INT|TERM) return 0 ;; esac
  return 1
}

# ac_exit_meaning STATUS: what a runner's exit status says, for messages.
ac_exit_meaning() {
  case $1 in
    "$AC_EXIT_OK") echo "every test passed" ;;
    "$AC_EXIT_FAILED") echo "a test failed, crashed or timed out" ;;
    "$AC_EXIT_UNUSABLE") echo "usage error, or records were lost" ;;
    "$AC_EXIT_BROKEN") echo "a test was broken: the environment could not set it up" ;;
    "$AC_EXIT_SKIPPED") echo "every test was skipped" ;;
    *) if ac_exit_interrupted "$1"; then echo "interrupted by SIG$(kill -l "$(($1 - 128))")"
       else echo "unexpected exit status $1"; fi ;;
  esac
}
