#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A pressure episode on the reclaimer twin: the kernel's watermarks from
# /proc/zoneinfo and the twin's arithmetic on the same zones, then a fill
# past low, kswapd waking and sleeping (timeline), and mmtwin-compare's
# reclaim counters and pressure, twin next to kernel.
T=/sys/kernel/debug/mmtwin/reclaim
[ -w $T/control ] || { echo "mmtwin_reclaim is not loaded"; exit 0; }

echo "=== kernel /proc/zoneinfo watermarks (boost left out) and the twin's"
echo "    __setup_per_zone_wmarks() fed the same managed pages"
echo "    (min_free_kbytes written back first: the kernel set its marks at boot,"
echo "    before init memory was freed, and recomputes them from today's pages)"
cat /proc/sys/vm/min_free_kbytes >/proc/sys/vm/min_free_kbytes
cmd="$(cat /proc/sys/vm/min_free_kbytes) $(cat /proc/sys/vm/watermark_scale_factor)"
awk '/^Node/ { z = $4 } $1 == "boost" { b = $2 } $1 == "min" { mi = $2 }
     $1 == "low" { lo = $2 } $1 == "high" { hi = $2 }
     $1 == "managed" { printf "kernel %-8s managed %8d min %6d low %6d high %6d\n", z, $2, mi - b, lo - b, hi - b }' /proc/zoneinfo
zones=$(awk '/^Node/ { z = $4 } $1 == "managed" { printf " %d%s", $2, (z == "Movable" || z == "HighMem") ? "m" : "" }' /proc/zoneinfo)
echo "$cmd$zones" > $T/wmark_calc
awk '{ printf "twin   zone %-3d           min %6d low %6d high %6d\n", NR - 1, $1, $2, $3 }' $T/wmark_calc

managed=$(awk '$1 == "zone" { s += $7 } END { print s }' $T/stats)
echo
echo "=== a file group of 1.5x the twin's $managed pages, read once"
echo reset > $T/control
echo "create demo file $((managed * 3 / 2))" > $T/control
echo "touch demo 0 $((managed * 3 / 2))" > $T/control
# Until its kswapds are asleep again (the selftests' wait_lib.sh, installed
# beside the demo).
. /mmtwin/selftests/tools/wait_lib.sh
wait_twin_kswapds_asleep
echo "--- $T/stats"
cat $T/stats
echo "--- $T/timeline (kswapd not asleep, and 3 rows either side)"
awk 'NR == 1 { print; next } { row[NR] = $0; run[NR] = ($9 != "sleep") }
     END { for (i = 2; i <= NR; i++) { show = 0
		for (j = i - 3; j <= i + 3; j++) if (run[j]) show = 1
		if (show) print row[i] } }' $T/timeline | head -n 60
echo
echo "\$ mmtwin-compare --section reclaim,pressure"
mmtwin-compare --section reclaim,pressure
echo "destroy demo" > $T/control
