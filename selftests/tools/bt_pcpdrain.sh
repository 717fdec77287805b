#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/pcpdrain.bt sees the twin's pcp lists drained (2000 order-0
# pages freed overflow them; "drain" empties them) and the kernel's (a
# 128 MiB tmpfs file freed at once overflows the lists of 6.12's largest
# pcp high at once; 1.5 s after, the per-second line has shown them, since
# @second is printed only by the interval probe). The twin's totals
# are exact: its pages drained, and its blocks by order and type times
# their size, each equal to what the twin's own pcp_drain counters moved by
# while the script ran (nothing else uses the twin meanwhile); an order
# read after the drained block merged made them differ. Its blocks per second
# add up to at most that: bpftrace clears a map after printing it, from
# user space, and a drain in between is in neither second.
. "$(dirname "$0")/bt_lib.sh"
bt_require 8
bt_load mmtwin_buddy
STATS=/sys/kernel/debug/mmtwin/buddy/stats
pcp_drained="awk '\$1 == \"pcp_drain\" { s += \$2 } END { print s + 0 }' $STATS"
cat >"$work" <<EOS
$pcp_drained >$work.before
echo alloc bt_pcp 2000 0 movable >$CTL
echo free bt_pcp >$CTL
echo drain >$CTL
$pcp_drained >$work.after
sleep 1
dd if=/dev/zero of=/tmp/bt-file bs=1M count=128 2>/dev/null
rm -f /tmp/bt-file
sleep 1.5
EOS
bt_run pcpdrain.bt
check '^Tracing pcp drains' "prints its banner"
check '^@drained\[twin, 0, 1\]: [1-9]' "twin: order-0 Movable pages drained"
check '^@drained\[kernel, 0, [0-9]\]: [1-9]' "kernel: order-0 pages drained"
check '^[0-9:]{8} blocks drained/s:$' "a line every second with a drain"
check '^@second\[kernel\]: [1-9][0-9]*$' "kernel: blocks drained in a second"

# "=N" is the twin's own count of pages drained while the script ran.
before=$(cat $work.before 2>/dev/null) after=$(cat $work.after 2>/dev/null)
want=$(( ${after:-0} - ${before:-0} ))
exact()
{
	n=$((n + 1))
	if [ "$bt_rc" = 0 ] && [ "$want" -gt 0 ] && [ "$1" = "$want" ]; then
		echo "ok $n $2 (=$want)"
	else
		echo "not ok $n $2 (rc=$bt_rc, got '$1', the twin's pcp_drain moved by $want)"
		fails=$((fails + 1))
	fi
}
exact "$(awk '/^@drained_pages\[twin\]: / { print $2 }' "$out")" "twin: pages drained, as its pcp_drain counters"
exact "$(awk '/^@drained\[twin, [0-9]+, [0-9]+\]: / {
	o = $2; sub(",", "", o); for (b = $NF; o > 0; o--) b *= 2; s += b }
	END { print s + 0 }' "$out")" "twin: blocks by order and type, times their size, add up to it"
per_s=$(awk '/^@second\[twin\]: / { s += $2 } END { print s + 0 }' "$out")
n=$((n + 1))
if [ "$per_s" -gt 0 ] && [ "$per_s" -le "$want" ]; then
	echo "ok $n twin: blocks per second add up to $per_s of $want"
else
	echo "not ok $n twin: blocks per second add up to $per_s, not 1..$want"
	fails=$((fails + 1))
fi
rm -f $work.before $work.after
bt_done
