#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Twin and kernel under a workload, sampled by mmtwin-compare --watch, with
# both sides' kswapd wakes and sleeps marked (from the vmscan: and mmtwin:
# tracepoints, on the samples' clock).
#
# The twin: a file group of half its pages (mmtwin_reclaim's stand-in for
# the page cache) is read in, then the arena is filled 4 MB at a time:
# below low its kswapd wakes and evicts file pages back up to high, then
# sleeps, until nothing is left to evict and a step fails at the min
# watermark. Everything is freed.
#
# The kernel, as selftests/tools/bt_lib.sh's kernel_pressure does, touching
# little memory: min_free_kbytes is raised until the node with the
# smallest share of free pages has 128 MiB above its min watermark, then
# that node gives 2 MiB huge pages, 16 a step (one write each), until it
# has no more: below low its kswapd wakes, and sleeps once the node is
# balanced or hopeless. min_free_kbytes and the pages are given back. A
# 64 MiB tmpfs file gives reclaim something to swap out. The kernel's reclaim may take the twin's wholly
# free chunks back (the buddy's host shrinker); the arena is grown back
# after.
#
# The samples go to the host between "@@ BEGIN samples watch" and
# "@@ END samples watch", where make demo plots them.
T=/sys/kernel/debug/mmtwin/buddy
R=/sys/kernel/debug/mmtwin/reclaim
[ -w $T/control ] || { echo "watch: mmtwin_buddy is not loaded"; exit 0; }

# The pace: one sample per INTERVAL seconds, and the workload's pauses in
# intervals (STEP one, PAUSE two), so a faster watch keeps its samples per
# step. make demo samples every 0.5 s; the walkthrough's test
# (selftests/tools/walkthrough.sh) every 0.2 s.
INTERVAL=${MMTWIN_WATCH_INTERVAL:-0.5}
case "$INTERVAL" in
0.[1-9]|0.[1-9]5|[1-5]|[1-4].[05]) ;;
*) echo "watch: MMTWIN_WATCH_INTERVAL must be 0.1 to 5 seconds, not '$INTERVAL'"; exit 1 ;;
esac
set -- $(awk -v i="$INTERVAL" 'BEGIN { print i, 2 * i }')
STEP=$1 PAUSE=$2
mmtwin-compare --watch $INTERVAL >/tmp/watch.txt &
watcher=$!
# Its tracefs instances for the kswapd marks are set up within a second.
sleep 1

group=0
if [ -w $R/control ]; then
	echo "kswapd 1" >$R/control
	group=$(awk '$1 == "zone" { s += $7 } END { print int(s / 2) }' $R/stats)
	echo "create watch file $group adj=-1000" >$R/control &&
		echo "touch watch 0 $group" >$R/control || group=0
fi
echo "=== watch: the twin filled 4 MB at a time (its kswapd evicting a file group of $group pages),"
echo "    then the kernel given 32 MB of huge pages at a time (min_free_kbytes raised)"
sleep $PAUSE
i=0 failed=""
while [ $i -lt 24 ]; do
	if ! echo "alloc w$i 512 1 movable" >$T/control 2>/dev/null; then
		failed=$i
		break
	fi
	i=$((i + 1))
	sleep $STEP
done
echo "twin: ${i} steps of 512 order-1 blocks; step $failed failed (below the min watermark)"
sleep $PAUSE
j=0
while [ $j -lt $i ]; do
	echo "free w$j" >$T/control
	j=$((j + 1))
	[ $((j % 2)) -eq 0 ] && sleep $STEP
done
echo drain >$T/control
[ $group -gt 0 ] && echo "destroy watch" >$R/control
sleep $PAUSE

arena=$(cat /sys/kernel/mmtwin/buddy/arena_mb)
dd if=/dev/zero of=/tmp/watch.fill bs=1M count=64 2>/dev/null
M=/proc/sys/vm/min_free_kbytes
old=$(cat $M)
# The node and the value, as kernel_pressure picks them (its awk file is
# installed with the selftests, like mmtwin-compare).
set -- $(awk -v head=$((128 * 256)) -f /mmtwin/selftests/tools/pressure_node.awk /proc/zoneinfo)
node=$1 raise=$2
N=/sys/devices/system/node/node$node/hugepages/hugepages-2048kB/nr_hugepages
[ "$raise" -gt "$old" ] && echo $raise >$M
got=0 k=0 more=1
while [ $more = 1 ] && [ $k -lt 24 ]; do
	k=$((k + 1))
	n=0
	while [ $n -lt 16 ]; do
		echo $((got + 1)) >$N
		read -r now <$N
		[ "$now" -gt $got ] || { more=0; break; }
		got=$now n=$((n + 1))
	done
	sleep $STEP
done
[ $more = 0 ] && why="step $k got $n (the node had no more)" || why="stopped after $k"
echo "kernel: min_free_kbytes $old -> $(cat $M) (node $node: 128 MiB above min);" \
	"$got huge pages of node $node in $k steps of 16; $why"
sleep $PAUSE
echo $old >$M
echo 0 >$N
rm -f /tmp/watch.fill
# Until every node whose kswapd the watch marked has it asleep again (its
# last mark a sleep), for at most 10 s: under TCG it may be mid-way through
# a reclaim pass of a second or two. The watcher writes a line at a time.
w=0
while [ $w -lt 50 ] && ! awk '$1 == "#" && $2 == "mark" && $4 == "kernel" { last[$5] = $6 }
	END { n = 0; for (k in last) { n++; if (last[k] != "kswapd_sleep") exit 1 }; exit (n == 0) }' /tmp/watch.txt; do
	sleep 0.2
	w=$((w + 1))
done
sleep $STEP
echo "$arena" >/sys/kernel/mmtwin/buddy/arena_mb 2>/dev/null ||
	echo "watch: the twin's arena could not grow back to $arena MB"
sleep $PAUSE
kill $watcher
wait $watcher 2>/dev/null
echo "watch: $(grep -c '^[0-9.]* twin ' /tmp/watch.txt) twin and $(grep -c '^[0-9.]* kernel ' /tmp/watch.txt) kernel samples"
awk '$1 == "#" && $2 == "mark" { n[$4 " " $6]++ }
	END { printf "kswapd marks: twin %d wakes and %d sleeps, kernel %d wakes and %d sleeps\n",
		n["twin kswapd_wake"], n["twin kswapd_sleep"], n["kernel kswapd_wake"], n["kernel kswapd_sleep"] }' /tmp/watch.txt
echo "@@ BEGIN samples watch"
cat /tmp/watch.txt
echo "@@ END samples watch 0"
