#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/directreclaim.bt times direct reclaim on both sides: the
# twin with its kswapd off fills a file group of 1.5 times its pages (its
# allocations reclaim for themselves, order 0), the kernel is asked for
# more huge pages than one of its nodes has above a raised min watermark
# (order-9 allocations reclaim directly).
. "$(dirname "$0")/bt_lib.sh"
bt_require 8
bt_load mmtwin_reclaim
R=/sys/kernel/debug/mmtwin/reclaim/control
pages=$(( $(twin_managed) * 3 / 2 ))
{
	echo "echo 'kswapd 0' >$R"
	echo "echo 'create bt_fill file $pages' >$R"
	echo "echo 'touch bt_fill 0 $pages' >$R"
	echo "echo 'destroy bt_fill' >$R"
	echo "echo 'kswapd 1' >$R"
	kernel_pressure
} >"$work"
bt_run directreclaim.bt
check '^Tracing direct reclaim latency' "prints its banner"
check '^@us\[twin\]:' "a histogram for the twin"
check '^@us\[kernel\]:' "a histogram for the kernel"
check '^@reclaims\[twin\]: [1-9][0-9]*$' "twin: direct reclaims counted"
check '^@reclaimed\[twin\]: [1-9][0-9]*$' "twin: pages reclaimed"
check '^@reclaims\[kernel\]: [1-9][0-9]*$' "kernel: direct reclaims counted"
check '^@order\[twin, 0\]: [1-9][0-9]*$' "twin: order-0 allocations reclaimed"
check '^@order\[kernel, 9\]: [1-9][0-9]*$' "kernel: order-9 (huge page) allocations reclaimed"
echo "destroy bt_fill" >$R 2>/dev/null
echo "kswapd 1" >$R
bt_done
