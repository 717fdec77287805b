#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The checker of the checker, checkpatch half: tools/vm/checkpatch.sh keeps
# each file's verdict in the cache. A file that changed is checked again, a
# kept complaint still fails, and a report it cannot split or a checkpatch
# that crashed fails the run and keeps nothing. Runs a fake checkpatch.pl
# over a made-up tree. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/vm/lib.sh"
. "$top/tools/vm/tally.sh"
. "$top/tools/vm/checkpatch.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log() { :; }

# The fake: one paragraph for each file holding "BAD", the way checkpatch
# words it; MODE=nofile prints a paragraph naming no file, MODE=crash dies.
kdir=$tmp/kdir
mkdir -p "$kdir/scripts"
touch "$kdir/scripts/spelling.txt" "$kdir/scripts/const_structs.checkpatch"
cat >"$kdir/scripts/checkpatch.pl" <<'EOS'
#!/bin/sh
echo "$*" >>"$CALLS"
case "$MODE" in
nofile) echo "ERROR: something"; exit 1 ;;
crash) echo "Can't locate something.pm"; exit 2 ;;
esac
rc=0
for f; do
	case "$f" in -*) continue ;; esac
	[ -f "$f" ] && grep -q BAD "$f" || continue
	printf 'ERROR:FAKE: bad word\n#1: FILE: %s:1:\n+BAD\n\n' "$f"
	rc=1
done
exit $rc
EOS
chmod +x "$kdir/scripts/checkpatch.pl"

MMTWIN_TOP=$tmp/tree
MMTWIN_CACHE=$tmp/cache
mkdir -p "$MMTWIN_TOP/include/mmtwin"
echo good >"$MMTWIN_TOP/a.c"
echo good >"$MMTWIN_TOP/b.c"
echo good >"$MMTWIN_TOP/include/mmtwin/compat.h"
git -C "$MMTWIN_TOP" init -q
export CALLS=$tmp/calls MODE=""
n=0 bad=0 ran=0

# case NAME WANT-FAILED WANT-CALLS [GREP]: one checkpatch_all; the run must
# fail WANT-FAILED results, call checkpatch WANT-CALLS times, and print a
# line matching GREP.
case_()
{
	local name=$1 want_f=$2 want_calls=$3 want_line=${4:-} calls
	n=$((n + 1))
	passed=0 failed=0 skipped=0
	: >"$CALLS"
	checkpatch_all "$kdir" "$tmp/out" >"$tmp/res" 2>&1
	calls=$(wc -l <"$CALLS")
	if [ "$failed" = "$want_f" ] && [ "$calls" = "$want_calls" ] &&
		{ [ -z "$want_line" ] || grep -q "$want_line" "$tmp/res"; }; then
		echo "ok $n $name"
	else
		echo "not ok $n $name (failed=$failed, calls=$calls)"
		sed 's/^/# /' "$tmp/res"
		bad=$((bad + 1))
	fi
	ran=$((ran + 1))
}

echo "TAP version 13"
echo "1..7"
case_ "a clean tree passes, checked in one call (and one for compat.h)" 0 2 \
	'PASS host: checkpatch a.c'
case_ "a second run needs no call" 0 0 'PASS host: checkpatch b.c'
echo BAD >>"$MMTWIN_TOP/b.c"
case_ "a changed file is checked again, alone, and fails" 1 1 \
	'FAIL host: checkpatch b.c'
case_ "a kept complaint still fails, with its text" 1 0 '| ERROR:FAKE'
echo BAD >>"$MMTWIN_TOP/a.c"
MODE=nofile case_ "a report naming no file fails the run" 1 1 'checkpatch ran'
MODE=crash case_ "a checkpatch that crashed fails the run" 1 1 'checkpatch ran (status 2'
case_ "a failed run kept nothing: the file is checked again" 2 1 \
	'FAIL host: checkpatch a.c'
# A case that died half-way (set -u) printed nothing: count the ones that
# ended.
[ $bad -eq 0 ] && [ $ran -eq 7 ]
