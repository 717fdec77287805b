#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tlb_side_by_side.bt next to a small workload, the twin armed: the
# kernel's tlb:tlb_flush events and the twin's decisions both appear, and
# every decision the twin counted agrees. Prints TAP. Skips (exit 4) only
# on a kernel without CONFIG_DEBUG_INFO_BTF, which bpftrace needs for
# tracepoint arguments.
#
# bpftrace gets SIGKILL after 120 s: a bpftrace that does not exit on
# SIGTERM cannot hold the run until the VM's own timeout.
D=/sys/kernel/debug/mmtwin/tlb
out=/tmp/tlb-side.$$
work=/tmp/tlb-work.$$

echo "TAP version 13"
if [ ! -e /sys/kernel/btf/vmlinux ]; then
	echo "1..1"
	echo "ok 1 bpftrace_side_by_side # SKIP needs CONFIG_DEBUG_INFO_BTF"
	exit 4
fi
echo "1..3"

all_fail()
{
	for n in 1 2 3; do
		echo "not ok $n $1"
	done
	exit 1
}

command -v bpftrace >/dev/null || all_fail "bpftrace is not installed"
modprobe mmtwin_tlb || all_fail "modprobe mmtwin_tlb failed"

cat >"$work" <<'EOS'
for i in 1 2 3 4 5; do ls / >/dev/null; done
EOS
echo 1 >$D/enable || all_fail "cannot arm the twin"
timeout -s KILL 120 bpftrace "$(dirname "$0")/tlb_side_by_side.bt" \
	-c "/bin/sh $work" >"$out" 2>&1
rc=$?
echo 0 >$D/enable
sed 's/^/# /' "$out" | tail -40

fails=0
check()
{
	if [ $rc -eq 0 ] && eval "$2"; then
		echo "ok $1 $3"
	else
		echo "not ok $1 $3 (rc=$rc)"
		fails=$((fails + 1))
	fi
}
# Columns: ms cpu who reason pages predicted agree.
check 1 'grep -q " kernel " "$out"' "kernel tlb:tlb_flush events shown"
check 2 'awk "\$3 == \"twin\" && \$7 == 1" "$out" | grep -q .' "twin decisions shown"
check 3 '! awk "\$3 == \"twin\" && \$7 == 0" "$out" | grep -q .' "no twin decision disagrees"
rm -f "$out" "$work"
[ $fails -eq 0 ]
