#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The checker of the checker, kept verdicts: tools/vm/verdict.sh keeps a
# host check's pass for the same tree and inputs. A pass is kept and shown
# again without running; a changed file, a new file, other headers or
# another command run it again; a failure and a pass with a warning are
# never kept. Runs a counting command over a made-up tree. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/vm/lib.sh"
. "$top/tools/vm/verdict.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
MMTWIN_TOP=$tmp/tree
MMTWIN_CACHE=$tmp/cache
mkdir -p "$MMTWIN_TOP"
git -C "$MMTWIN_TOP" init -q
echo "int x;" >"$MMTWIN_TOP/a.c"
git -C "$MMTWIN_TOP" add a.c

# The check: counts its runs in $tmp/runs, prints $SAY, exits $RC.
check_cmd()
{
	echo run >>"$tmp/runs"
	echo "${SAY:-built}"
	return "${RC:-0}"
}
runs() { if [ -f "$tmp/runs" ]; then wc -l <"$tmp/runs"; else echo 0; fi; }

n=0 bad=0
# case NAME WANT-STATUS WANT-RUNS-ADDED [IDENTITY]: one call, then checks.
case_()
{
	local name=$1 want_rc=$2 want_runs=$3 identity=${4:-headers 1} before rc
	n=$((n + 1))
	before=$(runs)
	verdict_cached "fake" "$identity" check_cmd >"$tmp/out" 2>&1
	rc=$?
	if [ $rc = "$want_rc" ] && [ $(( $(runs) - before )) = "$want_runs" ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name (status $rc, ran $(( $(runs) - before )) times)"
		sed 's/^/# /' "$tmp/out"
		bad=$((bad + 1))
	fi
}

echo "TAP version 13"
echo "1..10"
case_ "a first pass runs" 0 1
case_ "the same inputs: the pass is kept, not run again" 0 0
grep -q '^built$' "$tmp/out" && grep -q 'kept verdict' "$tmp/out"
[ $? = 0 ] && echo "ok 3 a kept pass shows that run's log and says it is kept" ||
	{ echo "not ok 3 a kept pass shows that run's log and says it is kept"; bad=$((bad + 1)); }
n=3
echo "int y;" >"$MMTWIN_TOP/a.c"
case_ "a changed file runs it again" 0 1
echo "int z;" >"$MMTWIN_TOP/b.c"
case_ "a new file git would track runs it again" 0 1
case_ "other headers or tools run it again" 0 1 "headers 2"
echo "int w;" >"$MMTWIN_TOP/a.c"
RC=1 case_ "a failure is not kept" 1 1
RC=1 case_ "a failure runs again, and fails again" 1 1
SAY="a.c:1: warning: unused" case_ "a pass with a warning runs" 0 1
SAY="a.c:1: warning: unused" case_ "a pass with a warning is not kept" 0 1
[ $bad = 0 ]
