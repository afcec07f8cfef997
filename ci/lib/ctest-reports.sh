# shellcheck shell=bash
# Sourced by ci/test: the ctest run and the files it leaves for CI (sourced, not run).

# ac_ctest_reports BUILD CTEST_ARGS...: runs ctest (the default preset) with ctest's own JUnit in
# BUILD/ctest-junit.xml; then, whatever ctest's status, merges it with the run's records into
# BUILD/afterclose-junit.xml (every ctest test, ctest's verdict, the records' claims and skip
# reasons) and says where that and the KTAP (BUILD/afterclose.ktap, written by the records
# fixture) are, and which tests were broken (ctest says Failed; the records say the environment
# could not set them up) with their causes. The files of an earlier run go first, so a run that
# selects no test leaves none.
# Returns ctest's status; 1 if ctest passed but the JUnit could not be written, holds a failure
# (a record that disagrees with ctest), or had to do without the records (not a sealed run).
ac_ctest_reports() {
  local build=$1 rc=0 jrc=0 f labels records=()
  shift
  rm -f "$build/ctest-junit.xml" "$build/afterclose-junit.xml" "$build/afterclose.ktap"
  ctest --preset default --output-junit ctest-junit.xml "$@" || rc=$?
  if [ -n "${AFTERCLOSE_RESULTS:-}" ]; then
    records=("$AFTERCLOSE_RESULTS")
  else
    records=("$build"/ctest-records/ctest-*.jsonl)
  fi
  local present=()
  for f in "${records[@]}"; do [ -s "$f" ] && present+=("$f"); done
  if [ -s "$build/ctest-junit.xml" ] && grep -q '<testcase' "$build/ctest-junit.xml"; then
    labels=$build/afterclose-tests.list
    cat "$build"/*.ctest.cmake.list >"$labels" 2>/dev/null || : >"$labels"
    local junit=("$build/tools/export/afterclose-junit" --ctest "$build/ctest-junit.xml"
      --labels "$labels" --out "$build/afterclose-junit.xml")
    "${junit[@]}" "${present[@]}" 2>"$build/afterclose-junit.err" || jrc=$?
    if [ "$jrc" -ge 2 ] && [ "$jrc" -ne "$AC_EXIT_BROKEN" ] && [ ${#present[@]} -gt 0 ]; then
      # Records that are not one whole sealed run (a test without its record, an interrupted
      # run) enrich nothing: the JUnit then holds ctest's own verdicts, and the run fails.
      echo "afterclose: the run's records cannot be read: $(head -1 "$build/afterclose-junit.err")" >&2
      jrc=0
      "${junit[@]}" || jrc=$?
      [ "$jrc" -ge 2 ] && [ "$jrc" -ne "$AC_EXIT_BROKEN" ] || {
        echo "afterclose: the JUnit holds ctest's own verdicts only, without the records' claims" >&2
        jrc=1
      }
    else
      cat "$build/afterclose-junit.err" >&2
    fi
    rm -f "$build/afterclose-junit.err"
    if [ "$jrc" -le 1 ] || [ "$jrc" -eq "$AC_EXIT_BROKEN" ]; then
      echo "afterclose: JUnit (every ctest test): $build/afterclose-junit.xml"
    else
      rm -f "$build/afterclose-junit.xml"
      echo "afterclose: no JUnit written (afterclose-junit exited $jrc)" >&2
    fi
  else
    rm -f "$build/ctest-junit.xml"
    echo "afterclose: no JUnit: ctest ran no test"
  fi
  [ ! -s "$build/afterclose-junit.xml" ] || ac_junit_outcomes "$build/afterclose-junit.xml"
  if [ -s "$build/afterclose.ktap" ]; then
    echo "afterclose: KTAP (scenarios): $build/afterclose.ktap"
  else
    echo "afterclose: no KTAP: no scenario ran to the end in this run"
  fi
  [ "$rc" -eq 0 ] && [ "$jrc" -ne 0 ] && [ "$jrc" -ne "$AC_EXIT_BROKEN" ] && rc=1
  return "$rc"
}

# ac_junit_outcomes JUNIT: what ctest's summary cannot say: the broken tests (ctest lists them as
# Failed; the environment could not set them up) grouped by their cause, and the skipped tests
# grouped by their reason (a check that could not find its tool says which, and how to install
# it).
ac_junit_outcomes() {
  "$AC_PYTHON3" - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET

groups = {"broken": {}, "skipped": {}}
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    name = f"{case.get('classname')}/{case.get('name')}"
    skip, error = case.find("skipped"), case.find("error")
    if skip is not None:
        groups["skipped"].setdefault((skip.text or "").strip() or "no reason given", []).append(name)
    elif error is not None and error.get("type") == "broken":
        cause = (error.get("message") or "").removeprefix("broken: ") or "no cause given"
        groups["broken"].setdefault(cause, []).append(name)
for outcome, by_reason in groups.items():
    for reason, names in sorted(by_reason.items(), key=lambda r: -len(r[1])):
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        print(f"afterclose: {outcome} {len(names)}: {reason}: {shown}")
PY
}
