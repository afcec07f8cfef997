# shellcheck shell=bash
# Progress of a suite run, read from its results file while the runner appends to it (sourced by
# ci/run-suite). On a terminal one line is redrawn: done/total, the suite of the last finished
# test, failures so far; otherwise one line per suite once all its selected tests are done.
# Colour only on a terminal and only without NO_COLOR (https://no-color.org).
#   ac_progress_start SELECTED RESULTS   SELECTED: the run's test names, one per line
#   ac_progress_poll                     call often; cheap when nothing changed
#   ac_progress_end                      final line (clears the terminal line)

ac_progress_start() {
  AC_P_RESULTS=$2 AC_P_SEEN=0 AC_P_FAILED=0 AC_P_SKIPPED=0 AC_P_LAST=""
  AC_P_TOTAL=$(wc -l <"$1")
  declare -gA AC_P_WANT=() AC_P_DONE=() AC_P_BAD=() AC_P_SKIP=()
  local t s
  while IFS= read -r t; do
    s=${t%%/*}
    AC_P_WANT[$s]=$(( ${AC_P_WANT[$s]:-0} + 1 ))
    AC_P_DONE[$s]=0 AC_P_BAD[$s]=0 AC_P_SKIP[$s]=0
  done <"$1"
  AC_P_TTY="" AC_P_RED="" AC_P_GREEN="" AC_P_OFF=""
  if [ -t 1 ]; then
    AC_P_TTY=1
    if [ -z "${NO_COLOR:-}" ] && [ "${TERM:-dumb}" != dumb ]; then
      AC_P_RED=$'\e[31m' AC_P_GREEN=$'\e[32m' AC_P_OFF=$'\e[0m'
    fi
  fi
}

# The records appended since the last poll: "suite verdict" per line.
# Exactly the lines counted ($1 of them): the runner may append more while this reads.
ac_progress_new() {
  tail -n "+$((AC_P_SEEN + 1))" "$AC_P_RESULTS" 2>/dev/null | head -n "$1" |
    sed -n 's/^{"schema":[0-9]*,"test":"\([^"/]*\)\/[^"]*".*,"verdict":"\([a-z]*\)".*/\1 \2/p'
}

# "  suite: 3 tests: 2 held, 1 skipped" (what did not hold, in red on a terminal)
ac_progress_suite_line() {
  local s=$1 n=${AC_P_DONE[$1]} bad=${AC_P_BAD[$1]} skip=${AC_P_SKIP[$1]} line
  line="  $s: $n test$([ "$n" -eq 1 ] || echo s): $((n - bad - skip)) held"
  [ "$bad" -eq 0 ] || line+=", $AC_P_RED$bad did not hold$AC_P_OFF"
  [ "$skip" -eq 0 ] || line+=", $skip skipped"
  echo "$line"
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
      *) AC_P_FAILED=$((AC_P_FAILED + 1)) AC_P_BAD[$suite]=$(( AC_P_BAD[$suite] + 1 )) ;;
    esac
    AC_P_LAST=$suite
    if [ "${AC_P_DONE[$suite]}" -eq "${AC_P_WANT[$suite]}" ]; then
      [ -z "$AC_P_TTY" ] || printf '\r\e[K'
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
  printf '\r\e[K  [%d/%d] %s %d/%d  %s%d did not hold%s, %d skipped' "$done" "$AC_P_TOTAL" \
    "$current" "${AC_P_DONE[$current]}" "${AC_P_WANT[$current]}" "$colour" "$AC_P_FAILED" \
    "$AC_P_OFF" "$AC_P_SKIPPED"
}

ac_progress_end() {
  ac_progress_poll
  [ -z "$AC_P_TTY" ] || printf '\r\e[K'
}
