#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/pgwalklat.bt keys walks by the pid walked: one twin walk
# for a read of "totals", and kernel walks for a read of /proc/PID/pagemap.
. "$(dirname "$0")/bt_lib.sh"
bt_require 5
bt_load mmtwin_pgwalk
D=/sys/kernel/debug/mmtwin/pgwalk
sleep 300 &
pid=$!
wait_in_nanosleep $pid
cat >"$work" <<EOS
echo pid $pid >$D/request
cat $D/totals >/dev/null
dd if=/proc/$pid/pagemap of=/dev/null bs=8 count=1 skip=$((0x400000 / 4096)) 2>/dev/null
EOS
bt_run pgwalklat.bt
kill $pid
check '^Tracing page-table walks' "prints its banner"
check "^@walks\\[twin, $pid\\]: 1\$" "twin: one walk of pid $pid"
check "^@walks\\[kernel, $pid\\]: [1-9]" "kernel: walks of pid $pid"
check "^@us\\[twin, $pid\\]:" "twin: a histogram for pid $pid"
check "^@us\\[kernel, $pid\\]:" "kernel: a histogram for pid $pid"
bt_done
