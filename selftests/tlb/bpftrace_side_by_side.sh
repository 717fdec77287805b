#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tlb_side_by_side.bt shows the kernel's tlb:tlb_flush events and the twin's
# decisions for a small workload: both appear, and every decision the twin
# counted agrees. Prints TAP. Skips (exit 4) only on a kernel without
# CONFIG_DEBUG_INFO_BTF, which bpftrace needs for tracepoint arguments.
D=/sys/kernel/debug/mmtwin/tlb
out=/tmp/tlb-side.$$

echo "TAP version 13"
echo "1..3"

all()
{
	for n in 1 2 3; do
		echo "$1 $n $2"
	done
	exit "$3"
}

[ -e /sys/kernel/btf/vmlinux ] || all ok "# SKIP needs CONFIG_DEBUG_INFO_BTF" 4
command -v bpftrace >/dev/null || all "not ok" "bpftrace is not installed" 1
modprobe mmtwin_tlb || all "not ok" "modprobe mmtwin_tlb failed" 1
echo 1 >$D/enable || all "not ok" "cannot arm the twin" 1

cat >/tmp/tlb-work.$$ <<'EOS'
for i in 1 2 3 4 5; do ls / >/dev/null; done
EOS
timeout 120 bpftrace "$(dirname "$0")/tlb_side_by_side.bt" \
	-c "/bin/sh /tmp/tlb-work.$$" >"$out" 2>&1
rc=$?
echo 0 >$D/enable
sed 's/^/# /' "$out" | tail -40

check()
{
	if [ $rc -eq 0 ] && eval "$2"; then
		echo "ok $1 $3"
	else
		echo "not ok $1 $3 (rc=$rc)"
		fails=$((fails + 1))
	fi
}
fails=0
check 1 'grep -q " kernel " "$out"' "kernel tlb:tlb_flush events shown"
check 2 'awk "\$3 == \"twin\" && \$7 == 1" "$out" | grep -q .' "twin decisions shown"
check 3 '! awk "\$3 == \"twin\" && \$7 == 0" "$out" | grep -q .' "no twin decision disagrees"
rm -f "$out" /tmp/tlb-work.$$
[ $fails -eq 0 ]
