#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The TLB twin's predictions next to the kernel's tlb:tlb_flush events.
D=/sys/kernel/debug/mmtwin/tlb
T=/sys/kernel/tracing/instances/mmtwin_tlb_demo
[ -w $D/enable ] || { echo "mmtwin_tlb is not loaded"; exit 0; }

echo "=== mmtwin_tlb: arm, run a small workload (fork, exec, munmap), disarm"
grep -qw pcid /proc/cpuinfo && echo "CPU has PCID" || echo "CPU has no PCID: every switch to another mm flushes"
echo "kernel ceiling: $(cat /sys/kernel/debug/x86/tlb_single_page_flush_ceiling) pages"
mkdir -p $T
echo 1 >$T/events/tlb/tlb_flush/enable
echo 1 >$T/events/mmtwin/mmtwin_tlb_decision/enable
echo 1 >$D/enable
echo 1 >$T/tracing_on
for i in 1 2 3; do ls / >/dev/null; done
echo 0 >$T/tracing_on
echo "--- kernel tlb:tlb_flush and the twin's mmtwin_tlb_decision, in order (first 24)"
grep -E 'tlb_flush:|mmtwin_tlb_decision:' $T/trace | head -24 | sed 's/^ *//'
echo 0 >$D/enable
echo "--- $D/stats"
cat $D/stats
echo "--- $D/state (CPU 0)"
sed -n '1,7p' $D/state
echo "--- $D/mismatches"
cat $D/mismatches
rmdir $T 2>/dev/null
