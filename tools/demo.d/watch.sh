#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Twin and kernel under a workload, sampled by mmtwin-compare --watch: the
# twin's arena is filled in steps until an allocation fails at the min
# watermark, then emptied; the kernel gets a tmpfs file that grows and is
# removed. The samples go to the host between "@@ BEGIN samples watch" and
# "@@ END samples watch", where make demo plots them.
T=/sys/kernel/debug/mmtwin/buddy
[ -w $T/control ] || { echo "watch: mmtwin_buddy is not loaded"; exit 0; }

INTERVAL=0.5
mmtwin-compare --watch $INTERVAL >/tmp/watch.txt &
watcher=$!
sleep 1

echo "=== watch: the twin filled 4 MB at a time, the kernel given 32 MB of tmpfs at a time"
i=0 failed=""
while [ $i -lt 24 ]; do
	if ! echo "alloc w$i 512 1 movable" >$T/control 2>/dev/null; then
		failed=$i
		break
	fi
	dd if=/dev/zero of=/tmp/watch.fill bs=1M count=32 seek=$((i * 32)) \
		conv=notrunc 2>/dev/null
	i=$((i + 1))
	sleep 0.5
done
echo "twin: ${i} steps of 512 order-1 blocks; step $failed failed (below the min watermark)"
sleep 1
j=0
while [ $j -lt $i ]; do
	echo "free w$j" >$T/control
	j=$((j + 1))
	[ $((j % 2)) -eq 0 ] && sleep 0.5
done
echo drain >$T/control
rm -f /tmp/watch.fill
sleep 2
kill $watcher
wait $watcher 2>/dev/null
echo "watch: $(grep -c ' twin ' /tmp/watch.txt) twin and $(grep -c ' kernel ' /tmp/watch.txt) kernel samples"
echo "@@ BEGIN samples watch"
cat /tmp/watch.txt
echo "@@ END samples watch 0"
