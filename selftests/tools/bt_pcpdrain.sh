#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/pcpdrain.bt sees the twin's pcp lists drained (2000 order-0
# pages freed overflow them; "drain" empties them) and the kernel's (a
# 128 MiB tmpfs file freed at once overflows the lists of 6.12's largest
# pcp high, and their decay drains them within seconds).
. "$(dirname "$0")/bt_lib.sh"
bt_require 5
bt_load mmtwin_buddy
cat >"$work" <<EOS
echo alloc bt_pcp 2000 0 movable >$CTL
echo free bt_pcp >$CTL
echo drain >$CTL
dd if=/dev/zero of=/tmp/bt-file bs=1M count=128 2>/dev/null
rm -f /tmp/bt-file
sleep 3
EOS
bt_run pcpdrain.bt
check '^Tracing pcp drains' "prints its banner"
check '^@drained\[twin, 0, 1\]: [1-9]' "twin: order-0 Movable pages drained"
check '^@drained\[kernel, 0, [0-9]\]: [1-9]' "kernel: order-0 pages drained"
check '^@drained_pages\[twin\]: [1-9]' "twin: pages drained in all"
check '^[0-9:]{8} blocks drained/s: kernel [0-9]+ twin [0-9]+$' "a per-second line"
bt_done
