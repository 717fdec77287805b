#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/kswapd.bt and directreclaim.bt, both tracing one workload
# (the kernel's side of it is the costly part under TCG, so it runs once):
# kswapd.bt runs "bpftrace directreclaim.bt -c WORKLOAD" as its command,
# so each has all its probes attached before the workload starts.
#
# kswapd.bt times each kswapd from wake to sleep: the twin's, woken by a
# file group of 1.5 times its pages, and the kernel's, woken by huge page
# allocations that exhaust a node and asleep once the pages are given back.
# directreclaim.bt times direct reclaim on both sides: the twin with its
# kswapd off fills a file group of 1.5 times its pages (its allocations
# reclaim for themselves, order 0), the kernel is asked for more huge
# pages than one of its nodes has above a raised min watermark (order-9
# allocations reclaim directly).
. "$(dirname "$0")/bt_lib.sh"
bt_require 16
bt_load mmtwin_reclaim
D=/sys/kernel/debug/mmtwin/reclaim
R=$D/control
pages=$(( $(twin_managed) * 3 / 2 ))
{
	echo "echo 'kswapd 1' >$R"
	echo "echo 'create bt_fill file $pages' >$R"
	echo "echo 'touch bt_fill 0 $pages' >$R"
	# The twin's kswapds back to sleep (at most 30 s).
	echo ". '$BT_LIB_DIR/wait_lib.sh'; wait_twin_kswapds_asleep"
	echo "echo 'destroy bt_fill' >$R"
	echo "echo 'kswapd 0' >$R"
	echo "echo 'create bt_fill file $pages' >$R"
	echo "echo 'touch bt_fill 0 $pages' >$R"
	echo "echo 'destroy bt_fill' >$R"
	echo "echo 'kswapd 1' >$R"
	kernel_pressure
} >"$work"
bt_run_nested kswapd.bt directreclaim.bt

bt_use kswapd.bt
check '^Tracing kswapd wake to sleep' "kswapd.bt: prints its banner"
check '^[0-9:]{8} twin   node [0-9]+ slept after [0-9]+ ms awake \([1-9][0-9]* wakes\)$' "kswapd.bt: twin: a line when a kswapd sleeps"
check '^[0-9:]{8} kernel node [0-9]+ slept after [0-9]+ ms awake \([1-9][0-9]* wakes\)$' "kswapd.bt: kernel: a line when a kswapd sleeps"
check '^@ms\[twin, [0-9]+\]:' "kswapd.bt: twin: a histogram of time awake"
check '^@ms\[kernel, [0-9]+\]:' "kswapd.bt: kernel: a histogram of time awake"
check '^@runs\[twin, [0-9]+\]: [1-9][0-9]*$' "kswapd.bt: twin: wake-to-sleep runs"
check '^@wakeups\[twin, [0-9]+, 0\]: [1-9][0-9]*$' "kswapd.bt: twin: order-0 wake-up requests"
check '^@wakeups\[kernel, [0-9]+, 9\]: [1-9][0-9]*$' "kswapd.bt: kernel: order-9 wake-up requests"

bt_use directreclaim.bt
check '^Tracing direct reclaim latency' "directreclaim.bt: prints its banner"
check '^@us\[twin\]:' "directreclaim.bt: a histogram for the twin"
check '^@us\[kernel\]:' "directreclaim.bt: a histogram for the kernel"
check '^@reclaims\[twin\]: [1-9][0-9]*$' "directreclaim.bt: twin: direct reclaims counted"
check '^@reclaimed\[twin\]: [1-9][0-9]*$' "directreclaim.bt: twin: pages reclaimed"
check '^@reclaims\[kernel\]: [1-9][0-9]*$' "directreclaim.bt: kernel: direct reclaims counted"
check '^@order\[twin, 0\]: [1-9][0-9]*$' "directreclaim.bt: twin: order-0 allocations reclaimed"
check '^@order\[kernel, 9\]: [1-9][0-9]*$' "directreclaim.bt: kernel: order-9 (huge page) allocations reclaimed"
echo "destroy bt_fill" >$R 2>/dev/null
echo "kswapd 1" >$R
bt_done
