#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The buddy twin next to the kernel's page allocator, side by side through
# mmtwin-compare, then the twin alone under a few allocations.
T=/sys/kernel/debug/mmtwin/buddy
[ -r $T/buddyinfo ] || { echo "mmtwin_buddy is not loaded"; exit 0; }

show()
{
	echo "--- $1"
	cat "$2"
}

echo "=== mmtwin_buddy: $(cat /sys/kernel/mmtwin/buddy/arena_mb) MB borrowed from the kernel"
echo "\$ mmtwin-compare --section buddyinfo,zones,vmstat"
mmtwin-compare --section buddyinfo,zones,vmstat

echo "=== echo 'alloc demo 200 0 unmovable' and 'alloc demo9 4 9 movable' > $T/control"
echo "alloc demo 200 0 unmovable" > $T/control
echo "alloc demo9 4 9 movable" > $T/control
echo drain > $T/control
echo "\$ mmtwin-compare --section pagetypeinfo,pageblocks"
mmtwin-compare --section pagetypeinfo,pageblocks
show "twin unusable_index" $T/unusable_index
show "twin extfrag_index" $T/extfrag_index
echo free_all > $T/control
echo drain > $T/control
show "twin buddyinfo after free_all: merged back" $T/buddyinfo
