# shellcheck shell=bash
# Helpers shared by ci/matrix and the scripts in ci/matrix.d/. Sourced, never run.

MATRIX_D=${BASH_SOURCE[0]%/*}
[[ $MATRIX_D != "${BASH_SOURCE[0]}" ]] || MATRIX_D=.
MATRIX_D=$(cd "$MATRIX_D" && pwd)
export MATRIX_D
export CACHE_ROOT=${AFTERCLOSE_CACHE:-/var/cache/afterclose}
# the series table; AFTERCLOSE_MATRIX_KERNELS lets a test or a trial of a new kernel use another
export KERNELS_CONF=${AFTERCLOSE_MATRIX_KERNELS:-$MATRIX_D/kernels.conf}

# One line on stderr, then a non-zero exit: the contract for every user-facing error.
die() { printf 'matrix: error: %s\n' "$*" >&2; exit 1; }
log() { printf 'matrix: %s\n' "$*" >&2; }

now_ms() { # bash's own clock: the guest's watch loop asks several times a second
	local us=${EPOCHREALTIME/[.,]/}
	echo $((us / 1000))
}

# The archive URIs come from the machine's own apt sources, so the runner works behind
# whatever mirror or snapshot the machine is set up with. Prints "main URI" and
# "security URI" lines (either may be missing).
apt_uris() {
	local f line uris suites
	# deb822 files: URIs and Suites are separate fields of one stanza.
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		uris='' suites=''
		while IFS= read -r line || [[ -n $line ]]; do
			case $line in
			URIs:*) uris=${line#URIs:} ;;
			Suites:*) suites=${line#Suites:} ;;
			'')
				[[ -n $uris ]] && _emit_uri "$uris" "$suites"
				uris='' suites=''
				;;
			esac
		done <"$f"
		[[ -n $uris ]] && _emit_uri "$uris" "$suites"
	done
	# one-line format: deb [opts] URI suite components...
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\)[[:space:]]\+\([^[:space:]]\+\).*/\2 \3/p' "$f" |
			while read -r uris suites; do _emit_uri "$uris" "$suites"; done
	done
	return 0
}

_emit_uri() {
	local uri suite
	read -r uri _ <<<"$1"
	read -r suite _ <<<"$2"
	case $suite in
	*-security) echo "security $uri" ;;
	*) echo "main $uri" ;;
	esac
}

# First URI of a kind ("main" or "security"), empty if the machine names none.
apt_uri() { apt_uris | awk -v k="$1" '$1 == k { print $2; exit }'; }

# apt-get / apt-cache against a private configuration under $1: the machine's own
# sources, lists and caches are never read for kernels nor touched. The private binary
# package cache saves re-parsing the suites' indexes on every call (seconds each for sid).
papt() {
	local dir=$1 tool=$2
	shift 2
	"$tool" -q -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache::Archives="$dir/archives" \
		-o Dir::Cache="$dir" -o Dir::Cache::pkgcache="$dir/pkgcache.bin" -o Dir::Cache::srcpkgcache="" \
		-o APT::Get::List-Cleanup=false "$@"
}

# Writes a private sources list naming the given suites ("-security" suites go to the
# security URI) and prepares its state dirs.
papt_init() {
	local dir=$1 suite uri main sec keyopt=''
	shift
	main=$(apt_uri main) sec=$(apt_uri security)
	[[ -n $main ]] || die "no Debian archive URI found in /etc/apt/sources.list{,.d}"
	[[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]] &&
		keyopt='[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] '
	mkdir -p "$dir/lists/partial" "$dir/archives/partial"
	: >"$dir/sources.list.new"
	for suite in "$@"; do
		uri=$main
		if [[ $suite == *-security ]]; then
			[[ -n $sec ]] || { log "no security URI in the apt sources: skipping $suite"; continue; }
			uri=$sec
		fi
		echo "deb ${keyopt}$uri $suite main" >>"$dir/sources.list.new"
	done
	mv "$dir/sources.list.new" "$dir/sources.list"
}

# series_field SERIES N: field N (1..3) of the series' line in kernels.conf, trimmed.
# Unknown series: the one-line error names the known ones.
series_field() {
	local line
	line=$(awk -F'|' -v s="$1" '!/^#/ && NF >= 3 { k = $1; gsub(/[[:space:]]/, "", k); if (k == s) { print; exit } }' "$KERNELS_CONF")
	[[ -n $line ]] || die "unknown kernel series '$1' (known: $(known_series | tr '\n' ' ')host host-userns)"
	awk -F'|' -v n="$2" '{ v = $n; gsub(/^[[:space:]]+|[[:space:]]+$/, "", v); print v }' <<<"$line"
}

known_series() { awk -F'|' '!/^#/ && NF >= 3 { k = $1; gsub(/[[:space:]]/, "", k); print k }' "$KERNELS_CONF"; }

# secs_since T0_MS: seconds elapsed since a now_ms stamp, one decimal
secs_since() {
	local d=$(($(now_ms) - $1))
	printf '%d.%d\n' $((d / 1000)) $(((d % 1000) / 100))
}

# running_tests CONSOLE: what a guest was running when it stopped, from its console: the tests
# whose "[RUN ]" line (the suite's --verbose output; the slow runner's and the main runner's
# interleave) no verdict line followed, as "suite/test, suite/test", or, once the suite has
# ended, "selftest NAME" for the kernel selftest being run. Nothing when nothing was running.
running_tests() {
	sed 's/\x1b\[[0-9;]*m//g; s/\r$//' "$1" 2>/dev/null |
		awk 'function id(s) { sub(/:$/, "", s); sub(/::/, "/", s); return s }
			/^\[RUN \] / { run[id($3)] = ++n; next }
			/^\[(PASS|FAIL|SKIP)\] / { delete run[id($2)]; next }
			/^afterclose-init: suite exit status / { for (t in run) delete run[t] }
			/^afterclose-selftest: / { for (t in run) delete run[t]; st = "selftest " $2 }
			END {
				m = 0
				for (t in run) order[++m] = run[t] "\t" t
				# in the order they started
				for (i = 2; i <= m; i++) for (j = i; j > 1 && order[j - 1] + 0 > order[j] + 0; j--) {
					x = order[j]; order[j] = order[j - 1]; order[j - 1] = x
				}
				for (i = 1; i <= m; i++) { sub(/^[0-9]+\t/, "", order[i]); out = out (i > 1 ? ", " : "") order[i] }
				print m ? out : st
			}'
}

# kv FILE KEY: the value of KEY in a key=value file (column.env, info), its first line; empty
# (status 0) when the file or the key is not there. In bash, no process: reports read hundreds
kv() {
	local line
	[[ -f $1 ]] || return 0
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line == "$2="* ]] && { printf '%s\n' "${line#"$2"=}"; return 0; }
	done <"$1"
	return 0
}

# kv_all FILE ARRAY: every key of a key=value file into the caller's associative ARRAY, each
# key's first line as kv reads it; one read for a step that wants many keys
kv_all() {
	local -n kv_into=$2
	local line
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line == *=* && -z ${kv_into[${line%%=*}]+set} ]] && kv_into[${line%%=*}]=${line#*=}
	done <"$1"
}

# collect_modules MROOT OUTDIR LABEL NAME...: copies the named modules (uncompressed) from the
# tree MROOT (lib/modules/<release>, or any dir holding .ko files) into OUTDIR, dependencies
# first, and writes their load order to OUTDIR/order. Distribution packages ship no
# modules.dep (depmod makes it at install time), so the dependencies are read from each
# module's own .modinfo section ("depends=a,b"). A module that is neither there nor listed
# in MROOT/modules.builtin is logged (the fixtures needing it will skip).
collect_modules() {
	local mroot=$1 out=$2 label=$3
	shift 3
	local -A seen=()
	: >"$out/order"
	_add_module() {
		local name=$1 path ko d
		[[ -n ${seen[$name]:-} ]] && return 0
		seen[$name]=1
		# module names treat - and _ alike
		path=$(find "$mroot" \( -name "$name.ko*" -o -name "${name//_/-}.ko*" -o -name "${name//-/_}.ko*" \) | head -1 || true)
		if [[ -z $path ]]; then
			if grep -qE "/(${name}|${name//_/-})\.ko$" "$mroot/modules.builtin" 2>/dev/null; then
				return 0 # built in: nothing to load
			fi
			log "$label: module $name not found (fixtures needing it will skip)"
			return 0
		fi
		ko=$out/$name.ko
		case $path in
		*.ko.xz) xz -dc "$path" >"$ko" ;;
		*.ko.zst) zstd -qdc "$path" >"$ko" ;;
		*.ko.gz) gzip -dc "$path" >"$ko" ;;
		*.ko) cp "$path" "$ko" ;;
		*) die "unknown module format: $path" ;;
		esac
		for d in $(tr '\0' '\n' <"$ko" | sed -n 's/^depends=//p' | head -1 | tr ',' ' '); do
			_add_module "$d"
		done
		echo "$name.ko" >>"$out/order"
	}
	local m
	for m in "$@"; do _add_module "$m"; done
}

# kernel_image_kind FILE: "bzimage" for an x86 boot image (vmlinuz), "pvh" for an ELF vmlinux
# with a PVH entry note (QEMU boots it directly), else nothing and status 1.
kernel_image_kind() {
	local magic
	magic=$(dd if="$1" bs=1 skip=514 count=4 status=none 2>/dev/null | tr -d '\0')
	[[ $magic == HdrS ]] && { echo bzimage; return 0; }
	magic=$(head -c 4 "$1" 2>/dev/null | tr -d '\0' | od -An -c | tr -d ' ')
	if [[ $magic == '177ELF' ]] && readelf -n "$1" 2>/dev/null | grep -qiE 'Xen.*(0x00000012|PHYS32_ENTRY)'; then
		echo pvh
		return 0
	fi
	return 1
}

# unstream CHANNEL NONCE: the results file as a guest streamed it on CHANNEL: the lines "R <line>"
# after the begin marker and before the end marker. A last line without its newline was cut off:
# dropped. awk reads to the end (no early exit): under pipefail the reader's SIGPIPE would fail
# the caller once the channel outgrew a pipe's buffer (the selftests' output after the end).
unstream() {
	[[ -s $1 ]] || return 0
	if [[ $(tail -c1 "$1" | wc -l) == 1 ]]; then cat "$1"; else sed '$d' "$1"; fi |
		awk -v b="AFTERCLOSE-BEGIN $2" -v e="AFTERCLOSE-END $2 " '
			off { next }
			index($0, e) == 1 { off = 1; next }
			$0 == b { on = 1; next }
			on && /^R / { print substr($0, 3) }'
}
