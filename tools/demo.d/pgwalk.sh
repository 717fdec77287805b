#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mmtwin_pgwalk demo: the translation of one address of a live process,
# level by level, then the twin's pagemap records next to the kernel's for
# every VMA of that process, its totals next to status and smaps_rollup,
# and the kernel's own tables next to page_tables/kernel.
D=/sys/kernel/debug/mmtwin/pgwalk
[ -d "$D" ] || { echo "pgwalk: mmtwin_pgwalk not loaded"; exit 0; }

sleep 600 &
pid=$!
# (The selftests' wait_lib.sh, installed beside the demo.)
. /mmtwin/selftests/tools/wait_lib.sh
wait_in_nanosleep $pid

echo "=== pgwalk: translation of the top of the stack of pid $pid (sleep)"
stack=$(grep '\[stack\]' /proc/$pid/maps | cut -d' ' -f1)
top=$(printf '0x%x' $((0x${stack#*-} - 0x100)))
echo "pid $pid addr $top" >$D/request
cat $D/walk

echo
echo "=== pgwalk: twin vs /proc/$pid/pagemap, VMA by VMA (cmp of the records)"
same=0 differ=0
while read -r range perms off dev inode name; do
	case "$range" in ffff*) continue ;; esac
	s=$((0x${range%-*} / 4096)) e=$((0x${range#*-} / 4096))
	n=$((e - s))
	[ $n -gt 4096 ] && n=4096
	echo "pid $pid" >$D/request
	dd if=/proc/$pid/pagemap of=/tmp/pm.kernel bs=8 skip=$s count=$n 2>/dev/null
	dd if=$D/pagemap of=/tmp/pm.twin bs=8 skip=$s count=$n 2>/dev/null
	if cmp -s /tmp/pm.kernel /tmp/pm.twin; then
		verdict=same same=$((same + 1))
	else
		verdict=DIFFERENT differ=$((differ + 1))
	fi
	printf '%-34s %s %5d pages  %-9s %s\n' "$range" "$perms" $n $verdict "$name"
done </proc/$pid/maps
echo "VMAs with identical records: $same, different: $differ"

echo
echo "=== pgwalk: the last 4 records of the stack VMA"
echo " /proc/$pid/pagemap   twin pagemap"
e=$((0x${stack#*-} / 4096))
records() { dd if="$1" bs=8 skip=$((e - 4)) count=4 2>/dev/null | od -A n -t x8 | tr -s ' ' '\n' | grep .; }
records /proc/$pid/pagemap >/tmp/pm.kernel
records $D/pagemap >/tmp/pm.twin
paste -d ' ' /tmp/pm.kernel /tmp/pm.twin | sed 's/^/ /; s/ /   /2'

echo
echo "\$ mmtwin-compare --section pgwalk --pid $pid"
mmtwin-compare --section pgwalk --pid $pid
echo "--- twin totals of pid $pid ($D/totals)"
cat $D/totals

echo
echo "=== pgwalk: runs of entries of pid $pid (text walk, first lines)"
head -n 12 $D/walk

K=/sys/kernel/debug/page_tables/kernel
echo
if [ -r $K ]; then
	# Read both in one process: every reader process has its own
	# vmalloc'ed kernel stack, which would show up as a difference.
	# One awk does it in less CPU time than a shell "read" loop did.
	awk -v k=$K '{ print >(FILENAME == k ? "/tmp/kernel.ptdump" : "/tmp/kernel.twin") }' \
		$K $D/kernel
	echo "=== pgwalk: kernel tables, twin vs $K: $(wc -l </tmp/kernel.twin) vs $(wc -l </tmp/kernel.ptdump) lines"
	if cmp -s /tmp/kernel.ptdump /tmp/kernel.twin; then
		echo "identical"
	else
		diff /tmp/kernel.ptdump /tmp/kernel.twin | head -n 20
	fi
	head -n 12 /tmp/kernel.twin
else
	echo "=== pgwalk: kernel tables (no $K on this kernel to compare with)"
	head -n 12 $D/kernel
fi
kill $pid
