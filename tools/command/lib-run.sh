# shellcheck shell=bash
# One suite run, as `afterclose run` (tools/command/afterclose.in) and ci/run-suite do it: sourced
# by both, installed beside the programs (libexec/afterclose/lib-run.sh).
#   ac_run_stdout PREFIX KTAP JUNIT KSELFTEST   before anything prints: with '-' or --kselftest,
#                                               fd 3 is stdout (KTAP/JUnit only), fd 1 stderr
#   ac_run --suite P --report P --ktap-tool P --junit-tool P --results FILE --work PREFIX
#          [--filter F] [--ktap FILE|-] [--junit FILE|-] [--kselftest] [--view --verbose|...]
#          [--deviations FILE]
#     checks the selection (and the deviations file against the suite's list), runs the suite
#     (-j2) with progress, then KTAP/JUnit and the report (each with the deviations);
#     exits with the run's status. PREFIX.log, .selected, .list, .report are its side files.
#     The caller sets AC_EXIT_OK, AC_EXIT_FAILED, AC_EXIT_BROKEN, AC_EXIT_SKIPPED
#     (runner/exitstatus.h). What the machine refuses the run (a TMPDIR or results directory
#     that cannot take a file, a stdout that cannot be written) is one line and AC_EXIT_BROKEN:
#     never 1, which says a claim did not hold.
#
# Progress, read from the results file while the runner appends to it: on a terminal one line is
# redrawn (done/total, the suite of the last finished test, failures so far); otherwise one line
# per suite once all its selected tests are done. Colour only on a terminal, never with NO_COLOR.
#   ac_progress_start SELECTED RESULTS   SELECTED: the run's test names, one per line
#   ac_progress_poll                     call often; cheap when nothing changed
#   ac_progress_end                      final line (clears the terminal line)

# ac_print FORMAT ARGS...: printf to stdout, checked: a stdout that cannot be written (a full
# disk, /dev/full) ends the run with one line saying why (the runner, if running, is stopped and
# marks the results interrupted).
ac_print() {
  # shellcheck disable=SC2059 # the callers' formats
  printf "$@" 2>"${AC_RUN_PRINT_ERR:-/dev/null}" && return 0
  local why="the write failed"
  [ -z "${AC_RUN_PRINT_ERR:-}" ] || why=$(sed -n '1s/.*: //p' "$AC_RUN_PRINT_ERR")
  echo "afterclose: cannot write to stdout: ${why:-the write failed}" >&2
  if [ -n "${AC_RUN_RUNNER:-}" ] && kill -TERM "$AC_RUN_RUNNER" 2>/dev/null; then
    wait "$AC_RUN_RUNNER" 2>/dev/null || true
  fi
  exit "$AC_EXIT_BROKEN"
}

# ac_need_dir WHAT DIR: DIR must take a new file, or the run stops with one line: a missing,
# read-only or forbidden directory is the machine's, not a claim's.
ac_need_dir() {
  local probe
  if probe=$(mktemp "$2/.afterclose-probe.XXXXXX" 2>&1); then
    rm -f "$probe"
    return 0
  fi
  echo "afterclose: $1 $2 cannot take a file: ${probe##*: }" >&2
  exit "$AC_EXIT_BROKEN"
}

ac_progress_start() {
  AC_P_RESULTS=$2 AC_P_SEEN=0 AC_P_FAILED=0 AC_P_SKIPPED=0 AC_P_BROKEN=0 AC_P_LAST=""
  AC_P_TOTAL=$(wc -l <"$1")
  declare -gA AC_P_WANT=() AC_P_DONE=() AC_P_BAD=() AC_P_SKIP=() AC_P_ENV=()
  local t s
  while IFS= read -r t; do
    s=${t%%/*}
    AC_P_WANT[$s]=$(( ${AC_P_WANT[$s]:-0} + 1 ))
    AC_P_DONE[$s]=0 AC_P_BAD[$s]=0 AC_P_SKIP[$s]=0 AC_P_ENV[$s]=0
  done <"$1"
  AC_P_TTY="" AC_P_RED="" AC_P_GREEN="" AC_P_OFF=""
  if [ -t 1 ]; then
    AC_P_TTY=1
    if [ -z "${NO_COLOR:-}" ] && [ "${TERM:-dumb}" != dumb ]; then
      AC_P_RED=$'\e[31m' AC_P_GREEN=$'\e[32m' AC_P_OFF=$'\e[0m'
    fi
  fi
}

# The records appended since the last poll: "suite verdict" per line (the header and the seal
# are no records). Exactly the lines counted ($1 of them): the runner may append more meanwhile.
ac_progress_new() {
  tail -n "+$((AC_P_SEEN + 1))" "$AC_P_RESULTS" 2>/dev/null | head -n "$1" |
    sed -n 's/^{"schema":[0-9]*,"run":"[^"]*","test":"\([^"/]*\)\/[^"]*".*,"verdict":"\([a-z]*\)".*/\1 \2/p'
}

# "  suite: 3 tests: 2 held, 1 skipped" (what did not hold, in red on a terminal; broken: the
# environment could not set the test up, never counted as not holding)
ac_progress_suite_line() {
  local s=$1 n=${AC_P_DONE[$1]} bad=${AC_P_BAD[$1]} skip=${AC_P_SKIP[$1]} env=${AC_P_ENV[$1]} line
  line="  $s: $n test$([ "$n" -eq 1 ] || echo s): $((n - bad - skip - env)) held"
  [ "$bad" -eq 0 ] || line+=", $AC_P_RED$bad did not hold$AC_P_OFF"
  [ "$env" -eq 0 ] || line+=", $env broken"
  [ "$skip" -eq 0 ] || line+=", $skip skipped"
  ac_print '%s\n' "$line"
}

ac_progress_poll() {
  local lines suite verdict changed=""
  lines=$(wc -l <"$AC_P_RESULTS" 2>/dev/null || echo 0)
  [ "$lines" -gt "$AC_P_SEEN" ] || return 0
  while read -r suite verdict; do
    [ -n "${AC_P_WANT[$suite]:-}" ] || continue
    AC_P_DONE[$suite]=$(( AC_P_DONE[$suite] + 1 ))
    case $verdict in
      pass) ;;
      skip) AC_P_SKIPPED=$((AC_P_SKIPPED + 1)) AC_P_SKIP[$suite]=$(( AC_P_SKIP[$suite] + 1 )) ;;
      broken) AC_P_BROKEN=$((AC_P_BROKEN + 1)) AC_P_ENV[$suite]=$(( AC_P_ENV[$suite] + 1 )) ;;
      *) AC_P_FAILED=$((AC_P_FAILED + 1)) AC_P_BAD[$suite]=$(( AC_P_BAD[$suite] + 1 )) ;;
    esac
    AC_P_LAST=$suite
    if [ "${AC_P_DONE[$suite]}" -eq "${AC_P_WANT[$suite]}" ]; then
      [ -z "$AC_P_TTY" ] || ac_print '\r\e[K'
      ac_progress_suite_line "$suite"
    fi
    changed=1
  done < <(ac_progress_new "$((lines - AC_P_SEEN))")
  AC_P_SEEN=$lines
  [ -n "$AC_P_TTY" ] && [ -n "$changed" ] || return 0
  # the current suite: the last one a record came from, unless it is complete and another one
  # that started is not (slow tests finish last)
  local done=0 s colour=$AC_P_GREEN current=$AC_P_LAST
  for s in "${!AC_P_DONE[@]}"; do
    done=$((done + AC_P_DONE[$s]))
    if [ "${AC_P_DONE[$current]}" -ge "${AC_P_WANT[$current]}" ] && [ "${AC_P_DONE[$s]}" -gt 0 ] &&
      [ "${AC_P_DONE[$s]}" -lt "${AC_P_WANT[$s]}" ]; then
      current=$s
    fi
  done
  [ "$AC_P_FAILED" -eq 0 ] || colour=$AC_P_RED
  local broken=""
  [ "$AC_P_BROKEN" -eq 0 ] || broken=", $AC_P_BROKEN broken"
  ac_print '\r\e[K  [%d/%d] %s %d/%d  %s%d did not hold%s%s, %d skipped' "$done" "$AC_P_TOTAL" \
    "$current" "${AC_P_DONE[$current]}" "${AC_P_WANT[$current]}" "$colour" "$AC_P_FAILED" \
    "$AC_P_OFF" "$broken" "$AC_P_SKIPPED"
}

ac_progress_end() {
  ac_progress_poll
  [ -z "$AC_P_TTY" ] || ac_print '\r\e[K'
}

ac_run_stdout() {
  if [ "$2" = - ] && [ "$3" = - ]; then
    echo "$1: --ktap - and --junit - cannot both have stdout" >&2
    exit 2
  fi
  exec 3>&1
  [ -z "$4" ] && [ "$2" != - ] && [ "$3" != - ] || exec 1>&2
}

ac_run() {
  local suite report ktap_tool junit_tool results work filter="" ktap="" junit="" kselftest="" view=""
  local deviations=""
  while [ $# -gt 0 ]; do
    case $1 in
      --suite) suite=$2 ;; --report) report=$2 ;; --ktap-tool) ktap_tool=$2 ;;
      --junit-tool) junit_tool=$2 ;; --results) results=$2 ;; --work) work=$2 ;;
      --filter) filter=$2 ;; --ktap) ktap=$2 ;; --junit) junit=$2 ;; --view) view=$2 ;;
      --deviations) deviations=$2 ;;
      --kselftest) kselftest=1; shift; continue ;;
    esac
    shift 2
  done
  if [ -e "$results" ] && [ ! -f "$results" ]; then
    echo "afterclose: --results $results is not a regular file: the records need a file of their own" >&2
    exit 2
  fi
  # What the machine must give the run before it starts: the tests' scratch directory, one for
  # the records and their side files, a stdout (checked with the first line).
  ac_need_dir "TMPDIR" "${TMPDIR:-/tmp}"
  ac_need_dir "the results directory" "$(dirname "$results")"
  local log=$work.log selected=$work.selected tests=$work.list shown=$work.report
  AC_RUN_RUNNER="" AC_RUN_PRINT_ERR=$(mktemp "${TMPDIR:-/tmp}/afterclose-stdout.XXXXXX")
  trap 'rm -f "$AC_RUN_PRINT_ERR"' EXIT
  # What this run must report: the tests the filter selects, checked before the previous results
  # are overwritten (a mistyped filter must not cost them).
  "$suite" --afterclose-list >"$tests"
  if ! "$suite" ${filter:+"--filter=$filter"} --afterclose-selected >"$selected" 2>"$log"; then
    echo "afterclose: --filter '$filter' selects no test:" >&2
    { grep -v '^\[' "$log" || true; } | head -3 >&2
    exit 2
  fi
  # a deviations file with a typo must not cost a whole run: checked against the suite's list
  # before the previous results are overwritten
  if [ -n "$deviations" ]; then
    "$ktap_tool" --tests "$tests" --deviations "$deviations" || exit 2
  fi
  local dev=()
  [ -z "$deviations" ] || dev=(--deviations "$deviations")
  # two runs appending to one file would mix their records
  { exec {AC_RUN_LOCK}>>"$results"; } 2>/dev/null || {
    echo "afterclose: cannot write the results file $results" >&2
    exit "$AC_EXIT_BROKEN"
  }
  flock -n "$AC_RUN_LOCK" || {
    echo "afterclose: another run is writing $results; give this one another --results FILE" >&2
    exit 2
  }
  # the first line also checks stdout, before the previous results are emptied
  ac_print 'afterclose: running %s tests on kernel %s (log: %s)\n' "$(wc -l <"$selected")" \
    "$(uname -r)" "$log"
  : >"$results"
  # In the background, so that an interrupt reaches this shell at once; it is passed on to the
  # runner, which stops every test, marks the results file interrupted and exits 128 + signal.
  # The runner writes the run's header first and its seal last, once every test has a record;
  # a results file deleted or replaced meanwhile is its exit 2 (one line in the log).
  AFTERCLOSE_RESULTS=$results AFTERCLOSE_RESULTS_JOIN="" "$suite" -j2 --short-filename \
    ${filter:+"--filter=$filter"} >"$log" 2>&1 &
  local runner=$! status=0
  AC_RUN_RUNNER=$runner # global: a trap runs outside this function
  trap 'kill -INT "$AC_RUN_RUNNER" 2>/dev/null || true' INT
  trap 'kill -TERM "$AC_RUN_RUNNER" 2>/dev/null || true' TERM
  trap 'kill -HUP "$AC_RUN_RUNNER" 2>/dev/null || true' HUP
  ac_progress_start "$selected" "$results"
  while kill -0 "$runner" 2>/dev/null; do
    ac_progress_poll
    sleep 0.25
  done
  ac_progress_end
  while :; do
    wait "$runner" && status=0 || status=$?
    kill -0 "$runner" 2>/dev/null || break # a trapped signal cut the wait short: wait again
  done
  trap - INT TERM HUP
  AC_RUN_RUNNER=""
  case $status in
    "$AC_EXIT_OK" | "$AC_EXIT_FAILED" | "$AC_EXIT_BROKEN" | "$AC_EXIT_SKIPPED") ;;
    129 | 130 | 143)
      grep -h '^afterclose: interrupted' "$log" >&2 || true
      echo "afterclose: the run was interrupted by SIG$(kill -l $((status - 128))); $results is marked incomplete (no seal)" >&2
      exit "$status" ;;
    *)
      echo "afterclose: the suite did not run to the end (exit $status):" >&2
      { grep -v '^\[' "$log" || true; } | tail -5 >&2
      exit 2 ;;
  esac

  # The report checks the records against the selection: every selected test exactly once, no
  # test the suite does not have (a record from another run sharing the file). Shown last, so
  # that the run ends with its totals (colour decided here, as for a terminal).
  local colour=never rc=0
  [ ! -t 1 ] || [ -n "${NO_COLOR:-}" ] || [ "${TERM:-dumb}" = dumb ] || colour=always
  "$report" --tests "$tests" --expect "$selected" ${view:+"$view"} --color=$colour \
    "${dev[@]}" "$results" >"$shown" || rc=$?
  # KTAP and JUnit from the same records; '-' is the tool's own stdout (fd 3). Their exit 1, 3
  # or 77 only repeats the report's verdict; with --kselftest, KTAP's status is the run's.
  [ -z "$kselftest" ] || ktap=${ktap:--}
  local out file x ktap_status=0 to
  for out in ktap junit; do
    file=$ktap
    [ "$out" = ktap ] || file=$junit
    [ -n "$file" ] || continue
    x=0 to=(--out "$file")
    [ "$file" != - ] || to=()
    if [ "$out" = ktap ]; then
      "$ktap_tool" ${kselftest:+--kselftest} "${to[@]}" ${deviations:+--tests "$tests"} \
        "${dev[@]}" "$results" >&3 || x=$?
      ktap_status=$x
    else
      "$junit_tool" --labels "$tests" "${to[@]}" "${dev[@]}" "$results" >&3 || x=$?
    fi
    case $x in
      0 | 1 | "$AC_EXIT_BROKEN" | "$AC_EXIT_SKIPPED") ;;
      4) [ -n "$kselftest" ] || { echo "afterclose: no $out written" >&2; exit 2; } ;;
      *) echo "afterclose: no $out written" >&2; exit 2 ;;
    esac
    ac_print '%s: %s\n' "$out" "${file/#-/(stdout)}"
  done
  ac_print 'results (one JSON record per case): %s\n\n' "$results"
  ac_print '%s\n' "$(cat "$shown")"
  [ "$rc" -le 1 ] || [ "$rc" -eq "$AC_EXIT_BROKEN" ] || exit 2
  [ -z "$kselftest" ] || exit "$ktap_status"
  [ "$rc" -eq 0 ] || exit "$rc"
  exit "$status"
}
