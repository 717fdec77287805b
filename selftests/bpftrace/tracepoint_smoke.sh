#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bpftrace attaches to an mmtwin tracepoint and sees it fire: reloading a twin
# module fires mmtwin:mmtwin_twin_unregister and mmtwin:mmtwin_twin_register.
# Prints TAP; exits 4 (skip) where bpftrace or BTF is missing.

echo "TAP version 13"
echo "1..2"

skip_all()
{
	echo "ok 1 # SKIP $1"
	echo "ok 2 # SKIP $1"
	exit 4
}

command -v bpftrace >/dev/null || skip_all "bpftrace not installed"
[ -e /sys/kernel/btf/vmlinux ] || skip_all "kernel has no BTF"

# Pick a loaded twin module that nothing else holds, so it can be reloaded.
twin_module=""
for m in $(awk '{print $2}' /sys/kernel/debug/mmtwin/twins 2>/dev/null); do
	case "$m" in *_kunit|*_bench) continue ;; esac
	[ -z "$(ls "/sys/module/$m/holders" 2>/dev/null)" ] || continue
	twin_module=$m
	break
done
# Without one, the core's KUnit module registers a probe twin when loaded.
if [ -z "$twin_module" ] && [ -d /sys/module/mmtwin_core_kunit ]; then
	twin_module=mmtwin_core_kunit
fi
[ -n "$twin_module" ] || skip_all "no twin module loaded"

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

if [ $rc -eq 0 ] && grep -q "^unregister [a-z0-9_]* $twin_module\$" "$out"; then
	echo "ok 1 unregister tracepoint fired for $twin_module"
else
	echo "not ok 1 unregister tracepoint fired for $twin_module (rc=$rc)"
fi
if [ $rc -eq 0 ] && grep -q "^register [a-z0-9_]* $twin_module\$" "$out"; then
	echo "ok 2 register tracepoint fired for $twin_module"
else
	echo "not ok 2 register tracepoint fired for $twin_module (rc=$rc)"
fi
grep -q "^register [a-z0-9_]* $twin_module\$" "$out" && [ $rc -eq 0 ]
