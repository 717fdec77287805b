#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mmtwin-compare on the running system: its tables hold what the twin's
# files and the kernel's say (read back here with awk), --json and --watch
# work, and a twin that is not loaded is reported, not a crash. Prints TAP.

. "$(dirname "$0")/wait_lib.sh"
C=$(dirname "$0")/mmtwin-compare
B=/sys/kernel/debug/mmtwin/buddy
out=/tmp/compare.$$

echo "TAP version 13"
echo "1..17"
n=0 fails=0
ok()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

S=/sys/kernel/debug/mmtwin/slub
R=/sys/kernel/debug/mmtwin/reclaim
for m in mmtwin_buddy mmtwin_pgwalk mmtwin_slub mmtwin_reclaim; do
	modprobe $m || { echo "not ok 1 modprobe $m failed"; exit 1; }
done
echo "alloc cmp_a 4 9 movable" >$B/control &&
	echo "alloc cmp_b 100 0 unmovable" >$B/control &&
	echo drain >$B/control &&
	echo "create cmp_slab 200" >$S/control &&
	echo "alloc cmp cmp_slab 50" >$S/control &&
	echo "kmalloc cmpk 64 300" >$S/control || { echo "not ok 1 twin allocations failed"; exit 1; }

sleep 300 &
pid=$!
wait_in_nanosleep $pid
pgfree() { awk '/^pgfree / { print $2 }' /proc/vmstat; }
pgscan() { awk '/^pgscan_kswapd / { print $2 }' /proc/vmstat; }
psi_total() { awk '/^some / { sub("total=", "", $5); print $5 }' /proc/pressure/memory; }
before=$(pgfree) scan_before=$(pgscan) psi_before=$(psi_total)
"$C" --pid $pid >$out
rc=$?
after=$(pgfree) scan_after=$(pgscan) psi_after=$(psi_total)
sed 's/^/# /' $out
[ $rc = 0 ] && grep -q '^twins loaded:.* buddy' $out && grep -q '^twins loaded:.* pgwalk' $out
ok $? "exits 0 and lists the loaded twins"

# "KEY v v v" of a section's twin (or kernel) lines, '*' marks dropped.
section_rows()
{
	awk -v sec="=== $1:" -v side="$2" '
		index($0, sec) == 1 { on = 1; next }
		/^=== / || /^$/ { if (on && seen) on = 0 }
		!on { next }
		/ kernel / { key = $0; sub(/ +kernel .*/, "", key); seen = 1 }
		$0 ~ " " side " " {
			line = $0; sub(".* " side " +", "", line); gsub(/\*/, "", line)
			gsub(/ +/, " ", line); sub(/ $/, "", line)
			print key " " line
		}' $out
}

# 2. The twin's free blocks per order, exactly as its buddyinfo says.
section_rows buddyinfo twin >/tmp/cmp.got
sed 's/zone  */zone /; s/  */ /g; s/ $//' $B/buddyinfo >/tmp/cmp.want
cmp -s /tmp/cmp.got /tmp/cmp.want && [ -s /tmp/cmp.want ]
ok $? "buddyinfo: the twin's rows are its buddyinfo"
diff /tmp/cmp.want /tmp/cmp.got | sed 's/^/# /'

# 3. Watermarks and managed pages (steady) of both sides, from zoneinfo.
wmarks()
{
	awk '/^Node/ { key = $1 " " $2 " " $3 " " $4 }
	     /^  pages free/ { free = $3 }
	     /^        min / { min = $2 } /^        low / { low = $2 }
	     /^        high / { high = $2 }
	     /^        managed / { print key, min, low, high, $2 }' "$1"
}
section_rows zones twin | awk '{ print $1, $2, $3, $4, $6, $7, $8, $9 }' >/tmp/cmp.got
wmarks $B/zoneinfo >/tmp/cmp.want
cmp -s /tmp/cmp.got /tmp/cmp.want && [ -s /tmp/cmp.want ]
ok $? "zones: the twin's watermarks and managed pages"
section_rows zones kernel | awk '{ print $1, $2, $3, $4, $6, $7, $8, $9 }' >/tmp/cmp.got
wmarks /proc/zoneinfo | grep -F -f /tmp/cmp.got >/tmp/cmp.want
[ -s /tmp/cmp.got ] && [ "$(wc -l </tmp/cmp.got)" = "$(wc -l </tmp/cmp.want)" ]
ok $? "zones: the kernel's watermarks and managed pages, for the twin's zones"

# 4. vmstat: the twin's counters, each with the kernel's of the same name.
awk '/^=== vmstat:/ { on = 1; next } on && /^$/ { on = 0 }
	on && NF == 3 && $1 ~ /^[a-z_0-9]+$/ { v = $3; sub(/\*$/, "", v); print $1, v }' $out >/tmp/cmp.got
cmp -s /tmp/cmp.got $B/vmstat
ok $? "vmstat: the twin's counters"
shown=$(awk '/^pgfree / { print $2 }' $out)
[ -n "$shown" ] && [ "$shown" -ge "$before" ] && [ "$shown" -le "$after" ]
ok $? "vmstat: the kernel's pgfree, read between $before and $after"

# 5. pgwalk: for a sleeping process the walker agrees with status and
# smaps_rollup (no '*' in the section).
awk '/^=== pgwalk/ { on = 1 } on && /^(Rss|VmPTE|Swap|AnonHugePages) kB/' $out >/tmp/cmp.got
[ "$(wc -l </tmp/cmp.got)" = 4 ] && ! grep -q '\*' /tmp/cmp.got &&
	grep -q "^VmPTE kB *$(awk '/^VmPTE:/ { print $2 }' /proc/$pid/status) " /tmp/cmp.got
ok $? "pgwalk: totals of pid $pid equal status and smaps_rollup"

# 6. slabinfo: the twin's caches as its slabinfo says (name and the seven
# numbers), and the kernel's geometry of kmalloc-64 as /proc/slabinfo's.
slab_numbers() { awk 'NR > 2 { print $1, $2, $3, $4, $5, $6, $14, $15 }' "$1"; }
section_rows slabinfo twin >/tmp/cmp.got
slab_numbers $S/slabinfo >/tmp/cmp.want
cmp -s /tmp/cmp.got /tmp/cmp.want && [ -n "$(awk '$1 == "cmp_slab" && $2 >= 50' /tmp/cmp.got)" ] &&
	[ -n "$(awk '$1 == "kmalloc-64" && $2 >= 300' /tmp/cmp.got)" ]
ok $? "slabinfo: the twin's rows are its slabinfo (cmp_slab, kmalloc-64 in use)"
diff /tmp/cmp.want /tmp/cmp.got | sed 's/^/# /'
section_rows slabinfo kernel | awk '$1 == "kmalloc-64" { print $4, $5, $6 }' >/tmp/cmp.got
awk '$1 == "kmalloc-64" { print $4, $5, $6 }' /proc/slabinfo >/tmp/cmp.want
cmp -s /tmp/cmp.got /tmp/cmp.want && [ -s /tmp/cmp.want ] &&
	section_rows slabinfo kernel | grep -q '^cmp_slab - - - '
ok $? "slabinfo: the kernel's kmalloc-64 geometry; no kernel cmp_slab"

# 7. reclaim: the twin's counters (its vmstat and the buddy's allocstall),
# the kernel's pgscan_kswapd read between two reads of /proc/vmstat.
awk '/^=== reclaim:/ { on = 1; next } on && /^$/ { on = 0 }
	on && NF == 3 && $1 ~ /^[a-z_0-9]+$/ { v = $3; sub(/\*$/, "", v); print $1, v }' $out >/tmp/cmp.got
{ cat $R/vmstat; grep '^allocstall_' $B/vmstat; } >/tmp/cmp.want
cmp -s /tmp/cmp.got /tmp/cmp.want && grep -q '^pageoutrun ' /tmp/cmp.got
ok $? "reclaim: the twin's counters"
diff /tmp/cmp.want /tmp/cmp.got | sed 's/^/# /'
shown=$(awk '/^pgscan_kswapd / { print $2 }' $out)
[ -n "$shown" ] && [ "$shown" -ge "$scan_before" ] && [ "$shown" -le "$scan_after" ]
ok $? "reclaim: the kernel's pgscan_kswapd, read between $scan_before and $scan_after"

# 8. pressure: both lines of both sides; the kernel's "some" total read
# between two reads of /proc/pressure/memory (CONFIG_PSI is on in both
# kernels: a missing file here is a failure).
awk '/^=== pressure:/ { on = 1; next } on && /^$/ { on = 0 } on' $out >/tmp/cmp.got
shown=$(awk '/^some kernel/ { print $6 }' /tmp/cmp.got)
[ -n "$shown" ] && [ "$shown" -ge "$psi_before" ] && [ "$shown" -le "$psi_after" ] &&
	grep -q '^full kernel ' /tmp/cmp.got &&
	[ "$(grep -Ec '^ +twin +[0-9]+\.[0-9][0-9]\*? ' /tmp/cmp.got)" = 2 ]
ok $? "pressure: kernel (some total between $psi_before and $psi_after) and twin"

# 9. --json: one document with the sections and nothing skipped.
"$C" --pid $pid --json >$out.json
rc=$?
[ $rc = 0 ] && grep -q '^{"twins": \[' $out.json && grep -q '"section": "zones"' $out.json &&
	grep -q '"section": "pgwalk"' $out.json && grep -q '"section": "slabinfo"' $out.json &&
	grep -q '"section": "reclaim"' $out.json && grep -q '"section": "pressure"' $out.json &&
	grep -q '"skipped": \[\]}$' $out.json
ok $? "--json: every section, nothing skipped"

# 10. --watch: one line per twin zone and side per sample.
"$C" --watch 0.2 --count 3 >$out.watch
zones=$(grep -c '^Node' $B/buddyinfo)
[ "$(grep -c ' twin ' $out.watch)" = $((3 * zones)) ] &&
	[ "$(grep -c ' kernel ' $out.watch)" = $((3 * zones)) ]
ok $? "--watch 0.2 --count 3: 3 samples of $zones zones, both sides"
sed 's/^/# /' $out.watch
"$C" --watch 0.2 --count 2 --section reclaim >$out.watch
rows=$(wc -l <$R/vmstat)
[ "$(grep -c ' twin pgscan_kswapd ' $out.watch)" = 2 ] &&
	[ "$(grep -c ' kernel pgscan_kswapd ' $out.watch)" = 2 ] &&
	[ "$(grep -c ' twin ' $out.watch)" -ge $((2 * rows)) ]
ok $? "--watch 0.2 --count 2 --section reclaim: 2 samples of the counters, both sides"

# 11. Without mmtwin_pgwalk: reported and skipped, exit 0.
kill $pid
rmmod mmtwin_pgwalk
"$C" --section pgwalk,zones --pid 1 >$out
rc=$?
modprobe mmtwin_pgwalk
sed 's/^/# /' $out
[ $rc = 0 ] && grep -q '^skipped pgwalk: /sys/kernel/debug/mmtwin/pgwalk/request: No such file or directory$' $out &&
	grep -q '^=== zones' $out
ok $? "a twin not loaded is reported and its section skipped"

# 12. --watch marks kswapd: while it runs, each side has a tracefs instance
# on the mono clock with its two kswapd events on; the twin's kswapd,
# woken by a file group of 1.5 times its pages, is marked waking and
# going to sleep at times within the watch; SIGTERM ends it with the
# instances gone.
I=/sys/kernel/tracing/instances
pages=$(awk '$1 == "zone" { s += $7 } END { print int(s * 3 / 2) }' $R/stats)
"$C" --watch 0.2 >$out.watch 2>$out.err &
w=$!
sleep 1
setup=0
for side in kernel twin; do
	[ $side = kernel ] && sys=vmscan || sys=mmtwin
	d=$I/mmtwin-compare-$w-$side
	grep -q '\[mono\]' $d/trace_clock &&
		[ "$(cat $d/events/$sys/mm_vmscan_kswapd_wake/enable)" = 1 ] &&
		[ "$(cat $d/events/$sys/mm_vmscan_kswapd_sleep/enable)" = 1 ] || setup=1
done
echo "kswapd 1" >$R/control
echo "create cmp_fill file $pages" >$R/control
echo "touch cmp_fill 0 $pages" >$R/control
wait_twin_kswapds_asleep
echo "destroy cmp_fill" >$R/control
sleep 0.5
kill -TERM $w
wait $w
rc=$?
grep '^# mark ' $out.watch | head -n 20 | sed 's/^/# /'
sed 's/^/# stderr: /' $out.err
wakes=$(grep -Ec '^# mark [0-9]+\.[0-9]{3} twin [0-9]+ kswapd_wake$' $out.watch)
sleeps=$(grep -Ec '^# mark [0-9]+\.[0-9]{3} twin [0-9]+ kswapd_sleep$' $out.watch)
last=$(awk '!/^#/ { t = $1 } END { print t }' $out.watch)
[ $rc = 0 ] && [ $setup = 0 ] && [ "$wakes" -gt 0 ] && [ "$sleeps" -gt 0 ] &&
	! grep -q '^# skipped' $out.watch && [ ! -s $out.err ] &&
	[ -z "$(ls $I | grep "^mmtwin-compare-$w-")" ] &&
	awk -v last="$last" '$2 == "mark" && ($3 < 0.5 || $3 > last + 0.5) { bad = 1 } END { exit bad }' $out.watch
ok $? "--watch: kswapd instances set up (setup=$setup); twin kswapd $wakes wakes, $sleeps sleeps marked within the watch; gone after SIGTERM (rc=$rc)"

echo "free cmp" >$S/control && echo "free cmpk" >$S/control && echo "destroy cmp_slab" >$S/control
echo free_all >$B/control
rm -f $out $out.json $out.watch $out.err /tmp/cmp.got /tmp/cmp.want
[ $fails -eq 0 ]
