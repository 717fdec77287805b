#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The checker of the checker, host half: tools/check.sh's tally must count a
# reporter that crashed, exited non-zero or printed no counts as a failure,
# and must add the counts of one that worked. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/vm/lib.sh"
. "$top/tools/vm/tally.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0

# case NAME REPORT-TEXT WANT-FAILED WANT-PASSED
case_()
{
	local name=$1 text=$2 want_f=$3 want_p=$4
	n=$((n + 1))
	passed=0 failed=0 skipped=0
	mkdir -p "$tmp/$n"
	[ "$text" = none ] || printf '%s' "$text" >"$tmp/$n/report.txt"
	vm_collect fixture "$tmp/$n" >"$tmp/$n/out" 2>&1
	if [ "$failed" = "$want_f" ] && [ "$passed" = "$want_p" ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name (passed=$passed failed=$failed)"
		sed 's/^/# /' "$tmp/$n/out"
		bad=$((bad + 1))
	fi
}

echo "TAP version 13"
echo "1..5"
case_ "a good report adds its counts" \
	$'  PASS x\nCOUNTS 7 0 1\nREPORT-STATUS 0\n' 0 7
case_ "a report with failures adds them" \
	$'COUNTS 7 2 0\nREPORT-STATUS 0\n' 2 7
case_ "a reporter that crashed (non-zero status) fails" \
	$'Traceback (most recent call last):\nCOUNTS 0 1 0\nREPORT-STATUS 1\n' 2 0
case_ "a reporter that printed no counts fails" \
	$'Traceback (most recent call last):\nREPORT-STATUS 1\n' 1 0
case_ "no report at all fails" none 1 0
[ $bad -eq 0 ]
