# SPDX-License-Identifier: GPL-2.0
#
# Where to press the kernel's own reclaim, from /proc/zoneinfo:
#
#   awk -v head=PAGES -f pressure_node.awk /proc/zoneinfo
#
# prints "NODE KBYTES": the node with the smallest share of free pages, and
# the min_free_kbytes that leaves it HEAD pages above its min watermark.
# min_free_kbytes is spread over the nodes by their managed pages, so the
# node's share of it is scaled up to the whole; every other node keeps more
# headroom. Used by bt_lib.sh's kernel_pressure and by the demo's watch.
/^Node/ { n = $2 + 0 }
$1 == "pages" && $2 == "free" { f[n] += $3 }
$1 == "managed" { m[n] += $2; all += $2 }
END {
	for (i in m)
		if (m[i] && (t == "" || f[i] / m[i] < f[t] / m[t]))
			t = i
	printf "%d %d\n", t, (f[t] - head) * all / m[t] * 4
}
