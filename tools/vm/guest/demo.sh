# SPDX-License-Identifier: GPL-2.0
# Job "demo": load the twins and let each show itself next to the kernel.
. /mmtwin/guest/lib.sh

setup_swap
load_twins
echo "Loaded twins (/sys/kernel/debug/mmtwin/twins):"
cat /sys/kernel/debug/mmtwin/twins
for d in /mmtwin/demo.d/*.sh; do
	[ -e "$d" ] || continue
	echo
	/bin/sh "$d"
done
