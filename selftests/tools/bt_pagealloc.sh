#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/pagealloc.bt counts the twin's allocations exactly (4 blocks
# of order 9 Movable, 200 of order 0 Unmovable) and the kernel's (a tmpfs
# file of 8 MiB allocates order-0 Movable pages).
. "$(dirname "$0")/bt_lib.sh"
bt_require 5
bt_load mmtwin_buddy
cat >"$work" <<EOS
echo alloc bt_a 4 9 movable >$CTL
echo alloc bt_b 200 0 unmovable >$CTL
dd if=/dev/zero of=/tmp/bt-file bs=1M count=8 2>/dev/null
rm -f /tmp/bt-file
echo free_all >$CTL
EOS
bt_run pagealloc.bt
check '^Tracing page allocations' "prints its banner"
check '^@allocs\[twin, 9, 1\]: 4$' "twin: 4 order-9 Movable allocations"
check '^@allocs\[twin, 0, 0\]: 200$' "twin: 200 order-0 Unmovable allocations"
check '^@allocs\[kernel, 0, 1\]: [0-9]{4,}$' "kernel: thousands of order-0 Movable allocations"
check '^@pages\[twin\]: 2248$' "twin: 2248 pages in all"
bt_done
