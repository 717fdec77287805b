#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bpftrace attaches to an mmtwin tracepoint and sees it fire: reloading a twin
# module fires mmtwin:mmtwin_twin_unregister and mmtwin:mmtwin_twin_register.
# Prints TAP. Skips (exit 4) only on a kernel without CONFIG_DEBUG_INFO_BTF,
# which bpftrace needs for tracepoint arguments; a missing bpftrace or a twin
# that will not load is a failure.

echo "TAP version 13"

# No BTF: one named case, skipped, so the lane's skip list can name it.
skip_all()
{
	echo "1..1"
	echo "ok 1 $1 # SKIP needs CONFIG_DEBUG_INFO_BTF"
	exit 4
}

all()
{
	echo "$1 1 $2"
	echo "$1 2 $2"
	exit "$3"
}

[ -e /sys/kernel/btf/vmlinux ] || skip_all tracepoint_smoke
echo "1..2"
command -v bpftrace >/dev/null || all "not ok" "bpftrace is not installed" 1

# mmtwin_pgwalk: a twin nothing else depends on, so it can be reloaded.
twin_module=mmtwin_pgwalk
modprobe "$twin_module" || all "not ok" "modprobe $twin_module failed" 1

out=/tmp/bpftrace-smoke.$$
cat >/tmp/reload.$$ <<EOS
rmmod $twin_module && modprobe $twin_module
EOS
timeout 120 bpftrace -e '
tracepoint:mmtwin:mmtwin_twin_register { printf("register %s %s\n", str(args->name), str(args->module)); }
tracepoint:mmtwin:mmtwin_twin_unregister { printf("unregister %s %s\n", str(args->name), str(args->module)); }
' -c "/bin/sh /tmp/reload.$$" >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"

fails=0
for event in unregister register; do
	n=$([ "$event" = unregister ] && echo 1 || echo 2)
	if [ $rc -eq 0 ] && grep -q "^$event pgwalk $twin_module\$" "$out"; then
		echo "ok $n $event tracepoint fired for $twin_module"
	else
		echo "not ok $n $event tracepoint fired for $twin_module (rc=$rc)"
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ]
