#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The buddy twin next to the kernel's page allocator, in the same formats.
T=/sys/kernel/debug/mmtwin/buddy
[ -r $T/buddyinfo ] || { echo "mmtwin_buddy is not loaded"; exit 0; }

show()
{
	echo "--- $1"
	cat "$2"
}

zone_summary()
{
	# The watermark and size keys of every zone, in the same shape.
	awk '/^Node/ { print } /^  pages free|^        (min|low|high|managed) / { print }' "$1"
}

echo "=== mmtwin_buddy: $(cat /sys/kernel/mmtwin/buddy/arena_mb) MB borrowed from the kernel"
show "kernel /proc/buddyinfo" /proc/buddyinfo
show "twin   $T/buddyinfo" $T/buddyinfo
echo "--- kernel /proc/zoneinfo (excerpt)"
zone_summary /proc/zoneinfo
echo "--- twin   $T/zoneinfo (excerpt)"
zone_summary $T/zoneinfo

echo
echo "=== echo 'alloc demo 200 0 unmovable' and 'alloc demo9 4 9 movable' > $T/control"
echo "alloc demo 200 0 unmovable" > $T/control
echo "alloc demo9 4 9 movable" > $T/control
echo drain > $T/control
show "twin buddyinfo" $T/buddyinfo
show "twin pagetypeinfo" $T/pagetypeinfo
show "twin unusable_index" $T/unusable_index
show "twin extfrag_index" $T/extfrag_index
echo free_all > $T/control
echo drain > $T/control
show "twin buddyinfo after free_all: merged back" $T/buddyinfo
show "twin vmstat" $T/vmstat
