#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own tools/mm/slabinfo reads the twin: it only knows
# /sys/kernel/slab, so it runs in a private mount namespace with the
# twin's directory bound there. Its report must show the twin's caches
# with their sizes, geometry and counts.
cd "$(dirname "$0")" || exit 1
CONTROL=/sys/kernel/debug/mmtwin/slub/control
n=0
fails=0

ok()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

control()
{
	echo "$1" >$CONTROL
}

echo "TAP version 13"
echo "1..5"
modprobe mmtwin_slub || { echo "Bail out! modprobe mmtwin_slub"; exit 1; }
control "create ksft_tool 192 debug=F" &&
	control "alloc ksft_tool_t ksft_tool 50" &&
	control "kmalloc ksft_tool_k 64 10"
ok $? "control: a debug cache with 50 objects, 10 kmalloc-64 objects"

out=$(unshare -m sh -c \
	'mount --bind /sys/kernel/mmtwin/slub /sys/kernel/slab && ./slabinfo' 2>&1)
ok $? "slabinfo runs over the twin's directory"
printf '%s\n' "$out" | sed 's/^/# /'

# Name Objects Objsize Space Slabs/Part/Cpu O/S O %Fr %Ef Flg
line=$(printf '%s\n' "$out" | awk '$1 == "ksft_tool"')
# shellcheck disable=SC2086 # split the report line into its columns
set -- $line
[ "$2" = 50 ] && [ "$3" = 192 ] && [ "$6" = 21 ] && [ "$7" = 0 ] &&
	[ "${10}" = F ]
ok $? "ksft_tool: 50 objects of 192 bytes, 21 a slab, order 0, flag F"

line=$(printf '%s\n' "$out" | awk '$1 == "kmalloc-64"')
# shellcheck disable=SC2086
set -- $line
[ "$3" = 64 ] && [ "$6" = 64 ] && [ "$7" = 0 ] && [ "$2" -ge 10 ]
ok $? "kmalloc-64: objsize 64, 64 a slab, order 0, at least 10 objects"

control "free ksft_tool_t" && control "free ksft_tool_k" &&
	control "destroy ksft_tool"
ok $? "control: everything freed and destroyed"
[ "$fails" = 0 ]
