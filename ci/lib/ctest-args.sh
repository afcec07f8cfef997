# shellcheck shell=bash
# Checking ctest arguments against `ctest --help` (sourced by ci/test): ctest itself ignores an
# option it does not know, and one missing its value, and then runs every test.
# ctest_options: the options of `ctest --help` (stdin), one per line: "NAME<TAB>1" when it takes
# a value, "NAME<TAB>0" when not. The aliases of one help line share the value ("-I [...],
# --tests-information" shows it once).
ctest_options() {
  local line left re tok toks value
  re='^(-{1,2}[A-Za-z][-A-Za-z0-9]*)(( (<[^>]*>|\[[^]]*\]|[a-z-]+:<[^>]*>))|=<[^>]*>)?(, )?(.*)$'
  while IFS= read -r line; do
    [[ $line =~ ^\ +- ]] || continue
    left=${line#"${line%%[! ]*}"}
    left=${left%% = *}
    left=${left%%  *}
    toks=() value=0
    while [[ $left =~ $re ]]; do
      toks+=("${BASH_REMATCH[1]}")
      [ -z "${BASH_REMATCH[2]}" ] || value=1
      left=${BASH_REMATCH[6]}
    done
    for tok in "${toks[@]}"; do printf '%s\t%s\n' "$tok" "$value"; done
  done
}
# ctest_check_args ARGS...: 0 when every argument is a ctest option with its value; else prints
# one line saying which is not and returns 2.
ctest_check_args() {
  local table a opt want="" v k best
  table=$(ctest --help | ctest_options | sort -u)
  declare -A takes=()
  while IFS=$'\t' read -r k v; do [ "${takes[$k]:-0}" = 1 ] || takes[$k]=$v; done <<<"$table"
  for a in "$@"; do
    if [ -n "$want" ]; then want=""; continue; fi
    case $a in
      --*=*)
        opt=${a%%=*}
        [ "${takes[$opt]:-}" = 1 ] || { echo "unknown ctest option or one without a value: $a"; return 2; } ;;
      -*)
        if [ -n "${takes[$a]:-}" ]; then
          [ "${takes[$a]}" = 0 ] || want=$a
        else
          # a short option with its value attached: -j4
          best=""
          for k in "${!takes[@]}"; do
            [[ $k == -[!-]* && ${takes[$k]} == 1 && $a == "$k"?* && ${#k} -gt ${#best} ]] && best=$k
          done
          [ -n "$best" ] || { echo "unknown ctest option: $a"; return 2; }
        fi ;;
      *) echo "unexpected argument: $a"; return 2 ;;
    esac
  done
  [ -z "$want" ] || { echo "$want needs a value"; return 2; }
}
