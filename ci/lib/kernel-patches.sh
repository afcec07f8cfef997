# shellcheck shell=bash
# The --patch files of ci/kernel-build in its kept kernel tree (sourced; `die` is the caller's).
# TOP/applied lists the applied ones in order, each kept as TOP/patches/NAME, so that the next
# build undoes an interrupted one. NAME is the position and the file name (2-fix.patch): two
# patches with one file name (a/fix.patch, b/fix.patch) must not overwrite each other's copy.

# kpatch_revert TOP SRC: reverts what TOP/applied lists from the tree SRC, last first.
kpatch_revert() {
	local top=$1 src=$2 p
	[[ -s $top/applied ]] || return 0
	while read -r p; do
		patch -d "$src" -p1 -R -s -f <"$top/patches/$p" >/dev/null ||
			die "cannot revert $p from $src: unpack it again (rm $src/.complete)"
	done < <(tac "$top/applied")
	: >"$top/applied"
}

# kpatch_apply TOP SRC WHAT PATCH...: applies each PATCH to SRC (WHAT names the tree in an
# error), recording it in TOP/applied first: a patch half applied is still reverted.
kpatch_apply() {
	local top=$1 src=$2 what=$3 p b i=0
	shift 3
	mkdir -p "$top/patches"
	for p in "$@"; do
		i=$((i + 1)) b=$(basename "$p")
		patch -d "$src" -p1 --dry-run -s -f <"$p" >"$top/patch.log" 2>&1 ||
			die "$b does not apply to $what: $(head -1 "$top/patch.log")"
		cp "$p" "$top/patches/$i-$b"
		echo "$i-$b" >>"$top/applied"
		patch -d "$src" -p1 -s -f <"$p" >/dev/null || die "applying $b failed"
	done
}
