#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/walkthrough-check.sh on small inputs: numbers and marks may change,
# words may not, command blocks are not looked for. Prints TAP.
check=$(dirname "$0")/../../walkthrough-check.sh
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0 fails=0
expect()
{
	n=$((n + 1))
	"$check" "$t/w.rst" "$t/out" >"$t/log" 2>&1
	if [ $? = "$1" ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		sed 's/^/# /' "$t/log"
		fails=$((fails + 1))
	fi
}

cat >"$t/w.rst" <<'EOR'
Run this::

  $ make demo

It prints::

  === buddyinfo: free blocks per zone and order (/proc/buddyinfo)
  Node 0, zone DMA32  kernel   12    3
                      twin      0*   8*
  ...

And a value at 0x1f00::

  pfn 0x1f00 [P RW]
  pte[244] = 0x8000000002b6f867 present
  7ffdb14d4000-7ffdb14f5000 rw-p [stack]
EOR
cat >"$t/out" <<'EOR'
make: nothing here
=== buddyinfo: free blocks per zone and order (/proc/buddyinfo)
Node 0, zone DMA32  kernel  120  31
                    twin     12  8
pfn 0x2a00 [P RW]
pte[ 20] = 0x800000005a4ed867 present
7ff2a14d4000-7ff2a14f5000 rw-p [stack]
EOR
echo "TAP version 13"
expect 0 "other numbers (hex too), marks and spacing: the same lines"
sed -i 's/\[P RW\]/[P]/' "$t/out"
expect 1 "a word changed: a line is missing"
grep -q 'not in the output (.*w.rst:14): pfn 0x1f00 \[P RW\]' "$t/log"
n=$((n + 1)); if [ $? = 0 ]; then echo "ok $n the missing line is named with its place"; else echo "not ok $n the missing line is named"; fails=$((fails + 1)); fi
printf 'Nothing quoted::\n\n  $ make demo\n' >"$t/w.rst"
expect 1 "a walkthrough that quotes nothing fails"
echo "1..$n"
[ $fails = 0 ]
