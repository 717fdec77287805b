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
echo "--- events traced: $(grep -c ' tlb_flush:' $T/trace) kernel tlb:tlb_flush," \
	"$(grep -c ' mmtwin_tlb_decision:' $T/trace) twin mmtwin_tlb_decision"
# Arming patches kernel text, whose flushes (poking_mm) the twin filters
# and does not judge: each twin decision that saw an event (observed=1) is
# shown after that kernel event; one predicting no event (a switch to a
# kernel thread, which keeps the TLB) stands alone.
echo "--- the first 10 twin decisions, each after the kernel event it judged"
awk '/ tlb_flush: / { k = $0; next }
	/ mmtwin_tlb_decision: / { if (/ observed=1 / && k != "") print k
		print; k = ""
		if (++n == 10) exit }' $T/trace | sed 's/^ *//'
echo 0 >$D/enable
echo "--- $D/stats"
cat $D/stats
echo "--- $D/state (CPU 0)"
sed -n '1,7p' $D/state
echo "--- $D/mismatches"
cat $D/mismatches
rmdir $T 2>/dev/null
echo "=== mmtwin_tlb: the TLB simulator (/sys/kernel/debug/mmtwin/tlb/sim), 4 KiB pages against THP"
echo "geometry (/sys/kernel/mmtwin/tlb/): L1 4 KiB $(cat /sys/kernel/mmtwin/tlb/l1_4k_entries)x$(cat /sys/kernel/mmtwin/tlb/l1_4k_ways)," \
	"L1 2 MiB $(cat /sys/kernel/mmtwin/tlb/l1_2m_entries)x$(cat /sys/kernel/mmtwin/tlb/l1_2m_ways)," \
	"STLB $(cat /sys/kernel/mmtwin/tlb/stlb_entries)x$(cat /sys/kernel/mmtwin/tlb/stlb_ways)"
/mmtwin/selftests/tlb/sim_demo
