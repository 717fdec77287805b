#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/alloclat.bt times every twin allocation (300 calls: 300
# timed) and kernel allocations, and prints a histogram for each side.
. "$(dirname "$0")/bt_lib.sh"
bt_require 5
bt_load mmtwin_buddy
cat >"$work" <<EOS
echo alloc bt_lat 300 0 movable >$CTL
dd if=/dev/zero of=/tmp/bt-file bs=1M count=4 2>/dev/null
rm -f /tmp/bt-file
echo free_all >$CTL
EOS
bt_run alloclat.bt
check '^Tracing page allocation latency' "prints its banner"
check '^@ns\[twin\]:' "a histogram for the twin"
check '^@ns\[kernel\]:' "a histogram for the kernel"
check '^@calls\[twin\]: 300$' "300 twin allocations timed"
check '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|@+ *\|$' "histogram buckets"
bt_done
