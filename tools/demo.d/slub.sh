#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The SLUB twin next to the kernel's SLUB: mmtwin-compare's slabinfo (each
# twin cache next to the kernel's of the same name), and the kernel's own
# slabinfo tool reading the twin.
T=/sys/kernel/debug/mmtwin/slub
[ -r $T/slabinfo ] || { echo "mmtwin_slub is not loaded"; exit 0; }

echo "=== echo 'create demo_slub 200 debug=F', 'alloc demo 200 objects', 'kmalloc k 100 500' > $T/control"
echo "create demo_slub 200 debug=F" > $T/control
echo "alloc demo demo_slub 200" > $T/control
echo "kmalloc k 100 500" > $T/control
echo "\$ mmtwin-compare --section slabinfo"
mmtwin-compare --section slabinfo

slabinfo=/mmtwin/selftests/slub/slabinfo
if [ -x $slabinfo ]; then
	echo "--- the kernel's tools/mm/slabinfo, over /sys/kernel/slab (kernel)"
	# One run: each reads every cache's files in /sys/kernel/slab.
	$slabinfo >/tmp/slabinfo.kernel
	head -n 1 /tmp/slabinfo.kernel
	grep -E "^kmalloc-(64|256|1k) " /tmp/slabinfo.kernel
	rm -f /tmp/slabinfo.kernel
	echo "--- the same tool, over /sys/kernel/mmtwin/slub bound on /sys/kernel/slab"
	unshare -m sh -c "mount --bind /sys/kernel/mmtwin/slub /sys/kernel/slab && $slabinfo"
fi
echo free k > $T/control
echo free demo > $T/control
echo destroy demo_slub > $T/control
