#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The twin's page allocator tracepoints fire where the kernel's do, with the
# values the kernel would give, and one bpftrace action reads
# kmem:mm_page_alloc and mmtwin:mm_page_alloc alike (same field names).
# Prints TAP. Skips (exit 4) only without CONFIG_DEBUG_INFO_BTF, which
# bpftrace needs for tracepoint arguments; a missing bpftrace or a twin that
# will not load is a failure.

CTL=/sys/kernel/debug/mmtwin/buddy/control
ARENA=/sys/kernel/mmtwin/buddy/arena_mb
N=7

echo "TAP version 13"
echo "1..$N"

# The cases' names, so a skip or an early failure names each of them.
name()
{
	case $1 in
	1) echo "mm_page_alloc: order 10 unmovable, aligned pfn" ;;
	2) echo "mm_page_alloc fires on failure with pfn -1" ;;
	3) echo "mm_page_free: the order-10 blocks" ;;
	4) echo "mm_page_alloc_zone_locked: pcp refill of movable order 0 (percpu_refill=1)" ;;
	5) echo "mm_page_pcpu_drain: order 0 with the pageblock's type (movable)" ;;
	6) echo "mm_page_alloc_extfrag: unmovable claims a whole movable/reclaimable block" ;;
	7) echo "one action reads kmem: and mmtwin: alike" ;;
	esac
}

all()
{
	i=1
	while [ $i -le $N ]; do
		echo "$1 $i $(name $i)$2"
		i=$((i + 1))
	done
	exit "$3"
}

[ -e /sys/kernel/btf/vmlinux ] || all ok " # SKIP needs CONFIG_DEBUG_INFO_BTF" 4
command -v bpftrace >/dev/null || all "not ok" ": bpftrace is not installed" 1
modprobe mmtwin_buddy || all "not ok" ": modprobe mmtwin_buddy failed" 1
[ -w "$CTL" ] || all "not ok" ": no $CTL" 1

# Half the arena as unmovable max-order blocks outruns any unmovable block
# earlier tests left, so at least one comes from a movable block (extfrag).
chunks=$(($(cat "$ARENA") / 4))
half=$((chunks / 2))
out=/tmp/buddy-trace.$$
cat >/tmp/buddy-work.$$ <<EOS
echo alloc tp_u $half 10 unmovable > $CTL
echo alloc tp_m 64 0 movable > $CTL
echo free_all > $CTL
echo drain > $CTL
echo alloc tp_x $chunks 10 unmovable > $CTL
echo free_all > $CTL
echo drain > $CTL
EOS
echo free_all >"$CTL"
echo drain >"$CTL"
timeout 180 bpftrace -e '
tracepoint:kmem:mm_page_alloc,
tracepoint:mmtwin:mm_page_alloc
{ @seen[probe] = count(); @order[probe] = max(args->order); }
tracepoint:mmtwin:mm_page_alloc
{ printf("alloc %lu %u %d\n", args->pfn, args->order, args->migratetype); }
tracepoint:mmtwin:mm_page_free
{ printf("free %lu %u\n", args->pfn, args->order); }
tracepoint:mmtwin:mm_page_alloc_zone_locked
{ printf("locked %lu %u %d %d\n", args->pfn, args->order, args->migratetype, args->percpu_refill); }
tracepoint:mmtwin:mm_page_pcpu_drain
{ printf("drain %lu %u %d\n", args->pfn, args->order, args->migratetype); }
tracepoint:mmtwin:mm_page_alloc_extfrag
{ printf("extfrag %lu %d %d %d %d %d\n", args->pfn, args->alloc_order, args->fallback_order, args->alloc_migratetype, args->fallback_migratetype, args->change_ownership); }
' -c "/bin/sh /tmp/buddy-work.$$" >"$out" 2>&1
rc=$?
grep -v '^\(alloc\|free\|locked\|drain\) ' "$out" | sed 's/^/# /'

# count EVENT AWK-CONDITION: lines of EVENT whose fields ($2 = pfn, ...)
# meet the condition; pfns must be aligned to their order.
count()
{
	awk -v ev="$1" "\$1 == ev && ($2) { n++ } END { print n + 0 }" "$out"
}

fails=0
check()
{
	if [ $rc -eq 0 ] && [ "$2" -ge "$3" ]; then
		echo "ok $1 $4"
	else
		echo "not ok $1 $4: $2 events, want at least $3 (bpftrace rc $rc)"
		fails=$((fails + 1))
	fi
}

FAILED=18446744073709551615	# pfn -1: the kernel's page_to_pfn(NULL)
check 1 "$(count alloc "\$2 != \"$FAILED\" && \$3 == 10 && \$4 == 0 && \$2 % 1024 == 0")" "$half" \
	"$(name 1)"
check 2 "$(count alloc "\$2 == \"$FAILED\" && \$3 == 10")" 1 \
	"$(name 2)"
check 3 "$(count free "\$3 == 10 && \$2 % 1024 == 0")" "$half" \
	"$(name 3)"
check 4 "$(count locked "\$3 == 0 && \$4 == 1 && \$5 == 1")" 1 \
	"$(name 4)"
check 5 "$(count drain "\$3 == 0 && \$4 == 1")" 1 \
	"$(name 5)"
check 6 "$(count extfrag "\$3 == 10 && \$4 == 10 && \$5 == 0 && (\$6 == 1 || \$6 == 2) && \$7 == 1")" 1 \
	"$(name 6)"
if [ $rc -eq 0 ] && grep -q "@seen\[tracepoint:kmem:mm_page_alloc\]: [1-9]" "$out" &&
   grep -q "@order\[tracepoint:mmtwin:mm_page_alloc\]: 10" "$out"; then
	echo "ok 7 $(name 7)"
else
	echo "not ok 7 $(name 7)"
	fails=$((fails + 1))
fi
rm -f "$out" /tmp/buddy-work.$$
[ $fails -eq 0 ]
