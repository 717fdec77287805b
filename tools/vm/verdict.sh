# SPDX-License-Identifier: GPL-2.0
# Kept verdicts for tools/check.sh, apart so that the checker's own tests
# (tools/testing/check/) can run them over a made-up tree. Sourced, after
# lib.sh.
#
# Two host checks give the same result whenever their inputs are the same:
# the compile-only build against Debian's 6.1 headers, and the dkms install
# test against 6.12's. ccache already keeps each compile; what is left is
# kbuild's own work (fixdep, genksyms, modpost, links), 11 and 15
# core-seconds of a make check that has 2 cores and is CPU-bound. So a pass
# is kept under a hash of everything it depends on, and a later make check
# with the same hash shows the kept log instead of running the check again,
# as checkpatch's verdicts are kept per file. A failure or a warning is
# never kept, and any change to the tree, the headers or the tools runs the
# check again.

# tree_hash: every file of the tree that git tracks or would track, by name
# and content, as the build copies (sync_tree) see it.
tree_hash()
{
	(cd "$MMTWIN_TOP" && git ls-files -z --cached --others --exclude-standard |
		sort -z | xargs -0 sha256sum 2>&1) | sha256sum | cut -c1-40
}

# headers_identity DIR: what a build against kernel headers DIR depends on
# besides the tree: their release, .config and Module.symvers, the Debian
# packages of every installed header tree, dkms and kmod, the compiler and
# make.
headers_identity()
{
	cat "$1/include/config/kernel.release" 2>&1
	cat "$1/.config" "$1/Module.symvers" 2>&1 | sha256sum
	dpkg-query -W -f='${Package} ${Version}\n' 'linux-headers-*' 'linux-kbuild-*' \
		dkms kmod 2>/dev/null
	gcc --version 2>&1 | head -n1
	make --version 2>&1 | head -n1
}

# verdict_cached NAME IDENTITY CMD...: CMD's output and status, or a kept
# pass of the same NAME, IDENTITY (text), CMD words and tree. A pass is
# status 0 with no compiler or sparse warning in the output (what
# tools/check.sh's finish --no-warnings asks). Kept passes unused for two
# days are removed.
verdict_cached()
{
	local name=$1 identity=$2 key kept out rc
	shift 2
	key=$({ echo "$name"; echo "$identity"; echo "$*"; tree_hash; } |
		sha256sum | cut -c1-40)
	kept=$MMTWIN_CACHE/verdicts/$key
	if [ -f "$kept" ]; then
		touch "$kept"
		echo "# $name: kept verdict: passed before on the same tree, headers and tools (key $key); that run's log:"
		cat "$kept"
		return 0
	fi
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc = 0 ] && ! grep -qE '(warning|error):' "$out"; then
		mkdir -p "${kept%/*}"
		find "${kept%/*}" -type f -mtime +2 -delete 2>/dev/null
		cp "$out" "$kept.tmp.$$" && mv "$kept.tmp.$$" "$kept"
	fi
	rm -f "$out"
	return $rc
}
