# SPDX-License-Identifier: GPL-2.0
# checkpatch for tools/check.sh, apart so that the checker's own tests
# (tools/testing/check/) can run it over a made-up tree. Sourced, after
# tally.sh (for result()).

# checkpatch over every C file (compat.h apart: it exists to test kernel
# versions, with macros whose arguments one version ignores); a result per
# file. What checkpatch says of a file depends only on its text, its name and
# the script, so a verdict is kept in the cache under a hash of the three and
# only new or changed files are checked, all in one call.
cp_opts=(--no-tree --quiet --show-types --no-summary)
cp_compat=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON,MACRO_ARG_UNUSED)

# Where a file's verdict is kept: under a hash of the script, the options
# the file is checked with, its name and its text.
cp_verdict_path()
{
	local f=$1 opts=""

	[ "$f" != include/mmtwin/compat.h ] || opts="${cp_compat[*]}"
	echo "$cp_cache/$({ echo "$cp_tool $opts $f"; cat "$MMTWIN_TOP/$f"; } |
		sha256sum | cut -c1-40)"
}

# checkpatch_run OUT OPTS FILES...: one call; each file's paragraphs of the
# report go to its verdict in the cache. A paragraph naming no file means
# the report cannot be split, and nothing is kept.
checkpatch_run()
{
	local out=$1 opts=$2 rc f
	shift 2
	[ $# -gt 0 ] || return 0
	# shellcheck disable=SC2086
	(cd "$MMTWIN_TOP" && "$cp_kdir/scripts/checkpatch.pl" "${cp_opts[@]}" $opts -f "$@") >"$out" 2>&1
	rc=$?
	[ $rc -le 1 ] || return $rc
	awk -v RS= '{ if (!match($0, /FILE: [^:]+:/)) exit 1 }' "$out" || return 2
	for f in "$@"; do
		awk -v RS= -v ORS='\n\n' -v f="FILE: $f:" 'index($0, f)' "$out" \
			>"${cp_verdict[$f]}.tmp" && mv "${cp_verdict[$f]}.tmp" "${cp_verdict[$f]}"
	done
}

# checkpatch_all KDIR OUT: KDIR's checkpatch.pl over the tree at
# $MMTWIN_TOP, verdicts kept in $MMTWIN_CACHE/checkpatch, this run's report
# in OUT.
checkpatch_all()
{
	local out=$2 f n=0 rc=0
	local -a files=() todo=() todo_compat=()
	declare -gA cp_verdict=()
	cp_kdir=$1
	cp_cache=$MMTWIN_CACHE/checkpatch
	mkdir -p "$cp_cache"
	cp_tool=$(cat "$cp_kdir"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} |
		sha256sum | cut -c1-40)
	mapfile -t files < <(cd "$MMTWIN_TOP" && git ls-files --cached --others \
		--exclude-standard '*.c' '*.h' | grep -vx include/mmtwin/compat.h)
	for f in "${files[@]}" include/mmtwin/compat.h; do
		cp_verdict[$f]=$(cp_verdict_path "$f")
	done
	for f in "${files[@]}"; do
		[ -e "${cp_verdict[$f]}" ] || todo+=("$f")
	done
	[ -e "${cp_verdict[include/mmtwin/compat.h]}" ] ||
		todo_compat+=(include/mmtwin/compat.h)
	checkpatch_run "$out" "" "${todo[@]}" || rc=$?
	[ $rc -ne 0 ] || checkpatch_run "$out.compat" "${cp_compat[*]}" "${todo_compat[@]}" || rc=$?
	if [ $rc -ne 0 ]; then
		result FAIL "host: checkpatch ran (status $rc, log: $out)"
		tail -n 10 "$out" "$out.compat" 2>/dev/null | sed 's/^/         | /'
		return
	fi
	for f in "${files[@]}" include/mmtwin/compat.h; do
		n=$((n + 1))
		if [ -s "${cp_verdict[$f]}" ]; then
			result FAIL "host: checkpatch $f"
			head -n 20 "${cp_verdict[$f]}" | sed 's/^/         | /'
		else
			result PASS "host: checkpatch $f"
		fi
	done
	log "checkpatch: ${#todo[@]} new or changed files of $n checked, the rest known"
}
