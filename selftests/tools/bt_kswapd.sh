#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/kswapd.bt times each kswapd from wake to sleep: the
# twin's, woken by a file group of 1.5 times its pages, and the kernel's,
# woken by huge page allocations that exhaust a node and asleep once the
# pages are given back.
. "$(dirname "$0")/bt_lib.sh"
bt_require 8
bt_load mmtwin_reclaim
D=/sys/kernel/debug/mmtwin/reclaim
pages=$(( $(twin_managed) * 3 / 2 ))
{
	echo "echo 'kswapd 1' >$D/control"
	echo "echo 'create bt_fill file $pages' >$D/control"
	echo "echo 'touch bt_fill 0 $pages' >$D/control"
	# The twin's kswapds back to sleep (at most 30 s).
	echo "i=0; while [ \$i -lt 60 ] && grep -q 'kswapd [nr]' $D/stats; do sleep 0.5; i=\$((i + 1)); done"
	echo "echo 'destroy bt_fill' >$D/control"
	kernel_pressure
} >"$work"
bt_run kswapd.bt
check '^Tracing kswapd wake to sleep' "prints its banner"
check '^[0-9:]{8} twin   node [0-9]+ slept after [0-9]+ ms awake \([1-9][0-9]* wakes\)$' "twin: a line when a kswapd sleeps"
check '^[0-9:]{8} kernel node [0-9]+ slept after [0-9]+ ms awake \([1-9][0-9]* wakes\)$' "kernel: a line when a kswapd sleeps"
check '^@ms\[twin, [0-9]+\]:' "twin: a histogram of time awake"
check '^@ms\[kernel, [0-9]+\]:' "kernel: a histogram of time awake"
check '^@runs\[twin, [0-9]+\]: [1-9][0-9]*$' "twin: wake-to-sleep runs"
check '^@wakeups\[twin, [0-9]+, 0\]: [1-9][0-9]*$' "twin: order-0 wake-up requests"
check '^@wakeups\[kernel, [0-9]+, 9\]: [1-9][0-9]*$' "kernel: order-9 wake-up requests"
echo "destroy bt_fill" >$D/control 2>/dev/null
bt_done
