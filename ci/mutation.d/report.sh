# shellcheck shell=bash
# The fault campaign's report (sourced by ci/mutation): OUTDIR/mutation.md from the results of
# one or more campaign dirs (a campaign and its CI shards), made from the faults those campaigns
# were given and ran, and nothing else. Uses kv, $arguments and $docs of ci/mutation.
# shellcheck disable=SC2154 # arguments, docs: ci/mutation's

# argument NAME: the written argument that mutant NAME is equivalent ($arguments: "NAME: text")
argument() {
	[[ -f $arguments ]] || return 0
	awk -v n="$1" 'index($0, n ": ") == 1 { print substr($0, length(n) + 3); exit }' "$arguments"
}

# final_outcome RESULT.ENV: the outcome, with a survivor that has a written argument (its
# header's Equivalent: line, or $arguments) and that no selftest caught counted as equivalent;
# prints "OUTCOME<TAB>ARGUMENT"
final_outcome() {
	local r=$1 oc why
	oc=$(kv "$r" outcome)
	why=$(kv "$r" equivalent)
	[[ -n $why ]] || why=$(argument "$(kv "$r" name)")
	# results of earlier versions: the argument was the message
	if [[ $oc == equivalent && -z $why ]]; then why=$(kv "$r" message); why=${why#equivalent: }; fi
	if [[ $oc == survived && -n $why && -z $(kv "$r" selftests_failed) ]]; then
		oc=equivalent
	fi
	[[ $oc == equivalent ]] || why=''
	printf '%s\t%s\n' "$oc" "$why"
}

# md_escape TEXT: TEXT with | escaped for a table cell, in bash (a report has a row per fault)
md_escape() { local t=$1; printf '%s\n' "${t//|/\\|}"; }

# count_list "a b c": "3: a, b, c" (shortened past 6 names); "(...)" notes pass unchanged
count_list() {
	local -a w
	read -r -a w <<<"$1"
	((${#w[@]})) || { echo "—"; return; }
	if [[ $1 == \(* ]]; then echo "$1"; return; fi
	local shown=("${w[@]:0:6}") joined
	joined=$(printf '%s, ' "${shown[@]}")
	joined=${joined%, }
	((${#w[@]} > 6)) && joined+=", …"
	echo "${#w[@]}: $joined"
}

# digits TEXT: the digits of TEXT, 0 when none (a result's seconds, whatever an old run wrote)
digits() { local d=${1//[!0-9]/}; echo "${d:-0}"; }

# pct A B: A of B as a whole percentage ("—" for B = 0)
pct() { (($2)) && echo "$((100 * $1 / $2)) %" || echo "—"; }

# report MD OUTDIR...
report() {
	local md=$1 d r s
	shift
	local -A have=() origin_of=() n=() nk=() ns=() nstill=() neq=() nst=() neither=() rows=() secs=() given=()
	local survivors='' equivalents='' notrun='' sessions='' wall=0 nsess=0 fail_fast='' generated='' st_note=''
	for d in "$@"; do
		for r in "$d"/faults/*/result.env; do
			[[ -f $r ]] || continue
			local name og oc why k sk msg stop line
			name=$(kv "$r" name)
			og=$(kv "$r" origin)
			og=${og:-hand-written}
			IFS=$'\t' read -r oc why < <(final_outcome "$r")
			k=$(kv "$r" killers) sk=$(kv "$r" selftests_failed) msg=$(kv "$r" message) stop=$(kv "$r" stop)
			have[$name]=1
			n[$og]=$((${n[$og]:-0} + 1))
			case $oc in
			killed) nk[$og]=$((${nk[$og]:-0} + 1)) ;;
			survived)
				ns[$og]=$((${ns[$og]:-0} + 1))
				survivors+="- [$name](#f-$name) ($og): $(md_escape "$(kv "$r" breaks)")"$'\n'
				;;
			stillborn) nstill[$og]=$((${nstill[$og]:-0} + 1)) ;;
			equivalent)
				neq[$og]=$((${neq[$og]:-0} + 1))
				equivalents+="- [$name](#f-$name) ($og): $(md_escape "$why")"$'\n'
				;;
			esac
			if [[ -n $sk && $oc != stillborn ]]; then
				nst[$og]=$((${nst[$og]:-0} + 1))
				[[ $oc == killed ]] || neither[$og]=$((${neither[$og]:-0} + 1))
			fi
			secs[$og]=$((${secs[$og]:-0} + $(digits "$(kv "$r" build_s)") + $(digits "$(kv "$r" boot_s)")))
			line="| <a id=\"f-$name\"></a>$name | $(md_escape "$(kv "$r" breaks)") | $oc | $(md_escape "$(count_list "$k")")"
			[[ -z $msg || $oc != killed ]] || line+="<br>first: $(md_escape "$msg")"
			[[ -z $msg || $oc != stillborn ]] || line+="<br>$(md_escape "$msg")"
			[[ -z $stop ]] || line+="<br>$(md_escape "$stop")"
			[[ -z $(kv "$r" stopped) ]] || line+="<br>(stopped by --fail-fast)"
			line+=" | $(md_escape "$(count_list "$sk")") | $(kv "$r" build_s) | $(kv "$r" boot_s) |"
			rows[$og]+="$line"$'\n'
		done
		for s in "$d"/faults/_campaign/faults-*.tsv; do
			[[ -f $s ]] || continue
			while IFS=$'\t' read -r name og _; do origin_of[$name]=$og; done <"$s"
		done
		for s in "$d"/faults/_campaign/session-*.env; do
			[[ -f $s ]] || continue
			local w
			w=$(($(kv "$s" ended) - $(kv "$s" started)))
			wall=$((wall + w)) nsess=$((nsess + 1))
			sessions+="- $(date -u -d "@$(kv "$s" started)" '+%Y-%m-%d %H:%M') UTC on $(kv "$s" host) ($(kv "$s" nproc) CPUs):"
			sessions+=" $(kv "$s" faults_run) of $(kv "$s" faults_given) faults run in $w s"
			sessions+=" from $(kv "$s" sources | sed 's/ /, /g');"
			sessions+=" load average (1, 5, 15 min) $(kv "$s" load_start | tr ' ' '/') at the start,"
			sessions+=" $(kv "$s" load_end | tr ' ' '/') at the end; per boot timeout $(kv "$s" timeout) s"
			[[ -z $(kv "$s" fail_fast) ]] || { sessions+=", --fail-fast $(kv "$s" fail_fast)"; fail_fast=$(kv "$s" fail_fast); }
			[[ -z $(kv "$s" base_build) ]] || sessions+="; base kernel built $(kv "$s" base_build | sed 's/ / in /') s"
			sessions+=$'\n'
			for og in $(kv "$s" sources); do given[$og]=1; done
		done
		for s in "$d"/faults/_campaign/generate-*.env; do
			[[ -f $s ]] || continue
			generated="Generated set: $(kv "$s" candidates) candidate mutants of the $(kv "$s" functions) functions in"
			generated+=" $(kv "$s" inventory) ($(kv "$s" relational) relational operators, $(kv "$s" condition)"
			generated+=" conditions, $(kv "$s" operand) operands of && and ||, $(kv "$s" constant) constants), $(kv "$s" source)"
			[[ -z $(kv "$s" outside_cases) ]] || generated+=", leaving out $(kv "$s" outside_cases) in the blocks of options outside the inventory (its \"cases\")"
			generated+=";"
			generated+=" a sample of $(kv "$s" sample) drawn with seed $(kv "$s" seed)"
			if [[ $(kv "$s" compile) == 1 ]]; then
				generated+=": $(kv "$s" compiled_tried) compiled to get $(kv "$s" patches), $(kv "$s" dropped_not_compiling)"
				generated+=" dropped as not compiling and $(kv "$s" dropped_same_object) as compiling to the unpatched object"
			fi
			generated+="."
		done
	done
	for name in "${!origin_of[@]}"; do
		[[ -n ${have[$name]:-} ]] || notrun+="$name"$'\n'
	done
	notrun=$(sort <<<"$notrun" | sed '/^$/d' | paste -sd, | sed 's/,/, /g')
	{
		echo "# Fault campaign: does the suite catch kernel changes?"
		echo
		echo "Generated by \`ci/mutation\` (do not edit; how it works: [kernels.md](../kernels.md)). Each"
		echo "fault is a patch to Debian's linux-source: hand-written faults, and mutants that"
		echo "\`ci/mutation generate\` made mechanically from the functions the inventory lists. Per fault"
		echo "the kernel is rebuilt incrementally and booted under QEMU (\`ci/matrix --kernel\`), where the"
		echo "afterclose suites the fault declares run, then the kernel's own selftests. A test catches a"
		echo "fault when it fails, crashes or times out there but not on the unpatched kernel; the guest"
		echo "streams each test's record as it ends, so a guest that then panics or runs out of time is"
		echo "still caught by the tests that had failed (or, if none had, by the hang: the tests running"
		echo "then are named)."
		[[ -z $fail_fast ]] || echo "A session run with \`--fail-fast N\` (below) stops a fault's suite once N tests did not hold: the tests named are those that ran."
		echo
		echo "## What was measured"
		echo
		echo "Fault sets given: $(printf '%s\n' "${!given[@]}" | sort | sed '/^$/d' | paste -sd, | sed 's/,/, /g')."
		[[ -z $generated ]] || echo "$generated"
		for d in "$@"; do
			[[ -f $d/base/result.env ]] || continue
			echo "Base kernel: $(kv "$d/base/result.env" source) (tinyconfig + ci/kernel.d/afterclose.config);"
			if [[ $(kv "$d/base/result.env" with_selftests) == no || $(kv "$d/base/result.env" selftests) == 0\ * ]]; then
				echo "the whole suite there: $(kv "$d/base/result.env" suite), in $(kv "$d/base/result.env" seconds) s."
				echo "The kernel's selftests were not run."
				st_note="(not run)"
			else
				echo "the whole suite there: $(kv "$d/base/result.env" suite), in $(kv "$d/base/result.env" seconds) s with the selftests."
				echo "Selftests: $(kv "$d/base/result.env" selftests | sed 's/ bind_wildcard:.*//') (not counted as catches)."
			fi
			break
		done
		echo
		echo "Sessions ($nsess, $wall s of wall time in all; the machine's other work shows in its load):"
		echo
		printf '%s' "$sessions"
		echo
		echo "## Scores"
		echo
		echo "Score: the faults the suite caught, of those run that built and booted and are not"
		[[ -n $st_note ]] && echo "equivalent. The kernel's selftests were not run." ||
			echo "equivalent. The kernel's selftests ran on the same kernels."
		echo
		echo "| fault set | run | afterclose caught | survived | equivalent | stillborn | score | selftests caught | caught by the selftests only |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		local og
		for og in hand-written generated; do
			[[ -n ${n[$og]:-} ]] || continue
			local judged=$((${n[$og]} - ${neq[$og]:-0} - ${nstill[$og]:-0}))
			echo "| $og | ${n[$og]} | ${nk[$og]:-0} | ${ns[$og]:-0} | ${neq[$og]:-0} | ${nstill[$og]:-0} | $(pct "${nk[$og]:-0}" "$judged") | ${nst[$og]:-0} ($(pct "${nst[$og]:-0}" "$judged")) | ${neither[$og]:-0} |"
		done
		echo
		echo "### Survivors"
		echo
		[[ -n $survivors ]] && printf '%s' "$survivors" || echo "None."
		echo
		echo "### Equivalent mutants, with the argument"
		echo
		[[ -n $equivalents ]] && printf '%s' "$equivalents" || echo "None."
		echo
		for og in hand-written generated; do
			[[ -n ${rows[$og]:-} ]] || continue
			echo "## Faults: $og"
			echo
			echo "| fault | breaks | outcome | afterclose tests that caught it | selftests that caught it | rebuild s | boot+run s |"
			echo "| --- | --- | --- | --- | --- | --- | --- |"
			sort <<<"${rows[$og]}" | sed '/^$/d'
			echo
			echo "Time: ${secs[$og]} s of rebuild + boot + run for these ${n[$og]} faults, $((${secs[$og]} / ${n[$og]})) s per fault (rebuilds overlap the previous fault's guest)."
			echo
		done
		[[ -z $notrun ]] || { echo "Not run yet (given to these campaigns, no result): $notrun."; echo; }
		echo "Per-fault logs and results: \`OUTDIR/faults/<name>/\` (result.env, run/<name>/results.jsonl"
		echo "or streamed.jsonl, console.log, selftests.txt); sessions: \`OUTDIR/faults/_campaign/\`."
	} >"$md"
	catches "$(dirname "$md")/mutation-catches.json" "$@"
}

# publish OUTDIR: the report to --docs, the catches beside it
publish() {
	cp "$1/mutation.md" "$docs"
	cp "$1/mutation-catches.json" "$(dirname "$docs")/mutation-catches.json"
}

# catches FILE OUTDIR...: {"tests": {test: [faults it caught]}} for the docs generator, which
# links each row of docs/generated/expected-results.md to the faults its test caught
catches() {
	local file=$1 d r t
	shift
	for d in "$@"; do
		for r in "$d"/faults/*/result.env; do
			[[ -f $r && $(kv "$r" outcome) == killed ]] || continue
			# "(guest timeout while ... was running)" names no test that failed
			[[ $(kv "$r" killers) != \(* ]] || continue
			for t in $(kv "$r" killers); do printf '%s\t%s\n' "$t" "$(kv "$r" name)"; done
		done
	done | sort -u | jq -Rn '{tests: (reduce (inputs | split("\t")) as [$t, $f] ({}; .[$t] += [$f]))}' >"$file"
}
