#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The twin's page allocator tracepoints fire, and one bpftrace action reads
# kmem:mm_page_alloc and mmtwin:mm_page_alloc alike (same field names).
# Prints TAP; exits 4 (skip) where bpftrace, BTF or the twin is missing.

CTL=/sys/kernel/debug/mmtwin/buddy/control
EVENTS="mm_page_alloc mm_page_free mm_page_alloc_zone_locked mm_page_pcpu_drain mm_page_alloc_extfrag"
N=6

echo "TAP version 13"
echo "1..$N"

skip_all()
{
	i=1
	while [ $i -le $N ]; do
		echo "ok $i # SKIP $1"
		i=$((i + 1))
	done
	exit 4
}

command -v bpftrace >/dev/null || skip_all "bpftrace not installed"
[ -e /sys/kernel/btf/vmlinux ] || skip_all "kernel has no BTF"
[ -w "$CTL" ] || skip_all "mmtwin_buddy not loaded"

out=/tmp/buddy-trace.$$
cat >/tmp/buddy-work.$$ <<EOS
echo alloc tp_u 4 10 unmovable > $CTL
echo alloc tp_r 4 10 reclaimable > $CTL
echo alloc tp_m 64 0 movable > $CTL
echo free_all > $CTL
echo drain > $CTL
EOS
timeout 180 bpftrace -e '
tracepoint:kmem:mm_page_alloc,
tracepoint:mmtwin:mm_page_alloc
{ @alloc[probe] = count(); @mt[probe, args->migratetype] = count(); @pfn[probe] = max(args->pfn); }
tracepoint:mmtwin:mm_page_free { @n["mm_page_free"] = count(); }
tracepoint:mmtwin:mm_page_alloc_zone_locked { @n["mm_page_alloc_zone_locked"] = count(); }
tracepoint:mmtwin:mm_page_pcpu_drain { @n["mm_page_pcpu_drain"] = count(); }
tracepoint:mmtwin:mm_page_alloc_extfrag { @n["mm_page_alloc_extfrag"] = count(); }
END { clear(@mt); clear(@pfn); }
' -c "/bin/sh /tmp/buddy-work.$$" >"$out" 2>&1
rc=$?
sed 's/^/# /' "$out"

i=1
for e in $EVENTS; do
	pattern="\[$e\]: [1-9]"
	[ "$e" = mm_page_alloc ] && pattern="tracepoint:mmtwin:mm_page_alloc\]: [1-9]"
	if [ $rc -eq 0 ] && grep -q "$pattern" "$out"; then
		echo "ok $i mmtwin:$e fired"
	else
		echo "not ok $i mmtwin:$e fired"
	fi
	i=$((i + 1))
done
if [ $rc -eq 0 ] && grep -q "tracepoint:kmem:mm_page_alloc\]: [1-9]" "$out" &&
   grep -q "tracepoint:mmtwin:mm_page_alloc\]: [1-9]" "$out"; then
	echo "ok $i one action traces kmem: and mmtwin: alike"
else
	echo "not ok $i one action traces kmem: and mmtwin: alike"
fi
rm -f "$out" /tmp/buddy-work.$$
