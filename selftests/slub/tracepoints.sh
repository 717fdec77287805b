#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016 # the awk conditions are expanded by awk
#
# The twin's object tracepoints fire with the values the kernel's kmem:
# events would carry (bytes requested and given, cache name), and one
# bpftrace action reads kmem:kmalloc and mmtwin:kmalloc alike (same field
# names). Prints TAP. Skips (exit 4) only without CONFIG_DEBUG_INFO_BTF,
# which bpftrace needs for tracepoint arguments.

CTL=/sys/kernel/debug/mmtwin/slub/control
N=6

echo "TAP version 13"
echo "1..$N"

all()
{
	i=1
	while [ $i -le $N ]; do
		echo "$1 $i $2"
		i=$((i + 1))
	done
	exit "$3"
}

# Skipped cases are named, so that a lane's skip list can name them.
if [ ! -e /sys/kernel/btf/vmlinux ]; then
	i=1
	while [ $i -le $N ]; do
		echo "ok $i tracepoint check $i # SKIP needs CONFIG_DEBUG_INFO_BTF"
		i=$((i + 1))
	done
	exit 4
fi
command -v bpftrace >/dev/null || all "not ok" "bpftrace is not installed" 1
modprobe mmtwin_slub || all "not ok" "modprobe mmtwin_slub failed" 1
[ -w "$CTL" ] || all "not ok" "no $CTL" 1

out=/tmp/slub-trace.$$
cat >/tmp/slub-work.$$ <<EOS
echo create tp_cache 200 > $CTL
echo alloc tp_a tp_cache 10 > $CTL
echo kmalloc tp_k 100 20 > $CTL
echo kmalloc tp_l 20000 2 > $CTL
echo free tp_a > $CTL
echo free tp_k > $CTL
echo free tp_l > $CTL
echo destroy tp_cache > $CTL
EOS
timeout 180 bpftrace -e '
tracepoint:kmem:kmalloc,
tracepoint:mmtwin:kmalloc
{ @seen[probe] = count(); @req[probe] = max(args->bytes_req); }
tracepoint:mmtwin:kmalloc
{ printf("kmalloc %lu %lu %d\n", args->bytes_req, args->bytes_alloc, (uint64)args->ptr != 0); }
tracepoint:mmtwin:kmem_cache_alloc
{ printf("kca %lu %lu %d\n", args->bytes_req, args->bytes_alloc, (uint64)args->ptr != 0); }
tracepoint:mmtwin:kfree
{ printf("kfree %d\n", (uint64)args->ptr != 0); }
tracepoint:mmtwin:kmem_cache_free
{ printf("kcf %s %d\n", str(args->name), (uint64)args->ptr != 0); }
' -c "/bin/sh /tmp/slub-work.$$" >"$out" 2>&1
rc=$?
grep -v '^\(kmalloc\|kca\|kfree\|kcf\) ' "$out" | sed 's/^/# /'

# count EVENT AWK-CONDITION: lines of EVENT whose fields meet the condition
count()
{
	awk -v ev="$1" "\$1 == ev && ($2) { n++ } END { print n + 0 }" "$out"
}

fails=0
check()
{
	if [ $rc -eq 0 ] && [ "$2" -eq "$3" ]; then
		echo "ok $1 $4"
	else
		echo "not ok $1 $4: $2 events, want $3 (bpftrace rc $rc)"
		fails=$((fails + 1))
	fi
}

check 1 "$(count kmalloc '$2 == 100 && $3 == 128 && $4')" 20 \
	"kmalloc: 20 of 100 bytes from kmalloc-128"
check 2 "$(count kmalloc '$2 == 20000 && $3 == 32768 && $4')" 2 \
	"kmalloc: 2 of 20000 bytes as order-3 blocks"
check 3 "$(count kca '$2 == 200 && $3 == 200 && $4')" 10 \
	"kmem_cache_alloc: 10 of tp_cache's 200 bytes"
check 4 "$(count kcf '$2 == "tp_cache" && $3')" 10 \
	"kmem_cache_free: 10, named tp_cache"
check 5 "$(count kfree '$2')" 22 "kfree: the 22 kmalloc objects"
check 6 "$(grep -c '^@seen\[tracepoint:mmtwin:kmalloc\]: [1-9]' "$out")" 1 \
	"one action reads kmem:kmalloc and mmtwin:kmalloc fields alike"
rm -f "$out" /tmp/slub-work.$$
[ $fails -eq 0 ]
