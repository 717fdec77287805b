#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mmtwin-compare against fixtures/: the tables, the JSON, --watch, and
# files that are missing, unreadable or full of garbage. Prints TAP; exits
# 1 on any failure.
#
#   ./test.sh MMTWIN_COMPARE
set -u
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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

# A fresh copy of a fixture (pgwalk writes its request file), as cwd.
fixture()
{
	rm -rf "$work/fx"
	cp -a "$here/fixtures/$1" "$work/fx"
	cd "$work/fx" || exit 1
}

run() { "$bin" --proc proc --debugfs debugfs --tracefs tracing "$@"; }

echo "TAP version 13"

# 1. Text: the whole table, byte for byte.
fixture vm
run --pid 321 >"$work/out.txt" 2>"$work/err.txt"
rc=$?
diff -u "$here/expected/vm.txt" "$work/out.txt"
ok $(( rc + $(cmp -s "$here/expected/vm.txt" "$work/out.txt"; echo $?) )) "text output matches expected/vm.txt"
[ ! -s "$work/err.txt" ]
ok $? "nothing on stderr"
[ "$(cat debugfs/mmtwin/pgwalk/request)" = "pid 321" ]
ok $? "--pid writes 'pid 321' to pgwalk/request"
grep -q '^Rss kB  *1244  *1240\*$' "$work/out.txt" &&
	grep -q '^VmPTE kB  *48  *48 $' "$work/out.txt"
ok $? "a differing value is marked, an equal one is not"
! grep -q 'zone DMA ' "$work/out.txt"
ok $? "zones the twin lacks are left out without --all"
fixture vm
run --all >"$work/all.txt"
grep -q '^Node 0, zone DMA  *kernel' "$work/all.txt"
ok $? "--all shows them"

# 2. JSON: parses, and holds the same values.
fixture vm
run --pid 321 --json >"$work/out.json"
ok $? "--json exits 0"
python3 - "$work/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["section"]: x for x in d["sections"]}
assert d["twins"] == ["buddy", "pgwalk", "reclaim", "slub"], d["twins"]
assert d["skipped"] == [], d["skipped"]
rows = {r["key"]: r for r in s["buddyinfo"]["rows"]}
n = rows["Node 1, zone Normal"]
assert n["kernel"][10] == 650 and n["twin"][10] == 6 and n["differs"][10]
z = {r["key"]: r for r in s["zones"]["rows"]}["Node 0, zone DMA32"]
assert s["zones"]["columns"] == ["free", "min", "low", "high", "managed"]
assert z["kernel"] == [431700, 3995, 4993, 5991, 503112], z
assert z["twin"] == [8192, 64, 80, 96, 8192], z
b = {r["key"]: r for r in s["pageblocks"]["rows"]}["Node 1, zone Normal"]
assert s["pageblocks"]["columns"][:4] == ["Unmovable", "Movable", "Reclaimable", "HighAtomic"]
assert b["twin"][:4] == [1, 15, 0, 0] and b["kernel"][1] == 1480
v = {r["key"]: r for r in s["vmstat"]["rows"]}
assert "pgpgin" not in v and v["pgfree"]["kernel"] == [230011]
p = {r["key"]: r for r in s["pgwalk"]["rows"]}
assert p["Rss kB"]["differs"] == [True] and p["VmPTE kB"]["differs"] == [False]
PY
ok $? "JSON holds the tables' values"
python3 - "$work/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["section"]: x for x in d["sections"]}
sl = s["slabinfo"]
assert sl["columns"] == ["active_objs", "num_objs", "objsize", "objperslab",
                         "pagesperslab", "active_slabs", "num_slabs"], sl["columns"]
rows = {r["key"]: r for r in sl["rows"]}
# The twin's caches in its order; ext4_inode_cache (kernel only) left out.
assert [r["key"] for r in sl["rows"]][:2] == ["demo_slub", "kmalloc-rcl-8k"]
assert "ext4_inode_cache" not in rows
assert rows["demo_slub"]["kernel"] is None and rows["demo_slub"]["twin"] == [200, 204, 200, 20, 1, 10, 10]
k = rows["kmalloc-64"]
assert k["kernel"] == [9664, 9664, 64, 64, 1, 151, 151], k
assert k["differs"] == [True, True, False, False, False, True, True], k
r = {x["key"]: x for x in s["reclaim"]["rows"]}
assert r["pgscan_kswapd"]["kernel"] == [6400] and r["pgscan_kswapd"]["differs"] == [False]
assert r["pgsteal_direct"]["kernel"] == [310] and r["pgsteal_direct"]["twin"] == [96]
assert r["pageoutrun"]["twin"] == [9] and r["allocstall_dma32"]["twin"] == [2]
assert r["allocstall_normal"]["kernel"] == [4] and "pgalloc_normal" not in r
assert "kswapd_inodesteal" not in r and "buddy/vmstat" in s["reclaim"]["twin_source"]
p = s["pressure"]
assert p["columns"] == ["avg10", "avg60", "avg300", "total_us"]
some = {x["key"]: x for x in p["rows"]}["some"]
assert some["twin"] == [12.5, 3.07, 0.71, 1873402], some
assert some["kernel"] == [0.0, 0.05, 0.01, 4312], some
PY
ok $? "JSON: slabinfo (the twin's caches), reclaim counters, pressure"
grep -q '^kmalloc-64       kernel        9664 ' "$work/out.txt" &&
	grep -q '^ *twin           500\*      512\*      64 ' "$work/out.txt" &&
	grep -q '^some kernel  0.00   0.05    0.01      4312 $' "$work/out.txt" &&
	grep -q '^     twin   12.50\*  3.07\*   0.71\*  1873402\*$' "$work/out.txt"
ok $? "slabinfo and pressure: differences marked, decimals kept"
run --all --section slabinfo >"$work/slab-all.txt"
grep -q '^ext4_inode_cache kernel        1203 ' "$work/slab-all.txt" &&
	grep -A1 '^ext4_inode_cache' "$work/slab-all.txt" | grep -q '^ *twin  *- '
ok $? "--all adds the caches only the kernel has"

# 3. --section picks sections; an unknown option is a usage error.
fixture vm
run --section zones,vmstat >"$work/sec.txt"
[ "$(grep -c '^=== ' "$work/sec.txt")" = 2 ] && grep -q '^=== zones' "$work/sec.txt"
ok $? "--section zones,vmstat prints those two"
run --bogus >/dev/null 2>&1
[ $? = 2 ]
ok $? "an unknown option exits 2"

# 4. --watch: a header, then one line per zone and side per sample.
fixture vm
run --watch 0.05 --count 3 >"$work/watch.txt"
head -n 1 "$work/watch.txt" | grep -q '^# time side node zone free min low high o0 .* o10$' &&
	[ "$(grep -vc '^#' "$work/watch.txt")" = 12 ] &&
	grep -q '^0.00 twin 1 Normal 6702 64 80 96 1 1 1 3 2 2 1 1 0 1 6$' "$work/watch.txt" &&
	grep -q ' kernel 0 DMA32 431700 3995 4993 5991 102 51 ' "$work/watch.txt"
ok $? "--watch --count 3: 3 samples of 2 zones x 2 sides"
run --watch 0.05 --count 2 --json >"$work/watch.json"
python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2
for l in lines:
    d = json.loads(l)
    assert len(d["zones"]) == 4
    assert d["zones"][1]["side"] == "twin" and len(d["zones"][1]["nr_free"]) == 11
' "$work/watch.json"
ok $? "--watch --json: one object per sample"

run --watch 0.05 --count 2 --section pressure >"$work/watch-p.txt"
[ "$(head -n 1 "$work/watch-p.txt")" = "# time side key avg10 avg60 avg300 total_us" ] &&
	[ "$(grep -vc '^#' "$work/watch-p.txt")" = 8 ] &&
	grep -q '^0.00 twin some 12.50 3.07 0.71 1873402$' "$work/watch-p.txt"
ok $? "--watch --section pressure: a line per row and side per sample"
run --watch 0.05 --count 2 --section reclaim --json >"$work/watch-r.json"
python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2
d = json.loads(lines[1])
assert d["section"] == "reclaim"
v = {(r["side"], r["key"]): r["values"] for r in d["rows"]}
assert v[("kernel", "pageoutrun")] == [9] and v[("twin", "pgsteal_kswapd")] == [5000]
assert ("kernel", "kswapd_inodesteal") not in v
' "$work/watch-r.json"
ok $? "--watch --section reclaim --json: one object per sample"
# kswapd marks: this tracefs is a plain directory, so each side's instance
# is made (mkdir) but cannot be set up; that is reported once, as a
# comment, and the instances are removed when the watch ends.
fixture vm
mkdir -p tracing/instances
run --watch 0.05 --count 2 >"$work/watch-m.txt" 2>"$work/watch-m.err"
rc=$?
[ $rc = 0 ] && [ ! -s "$work/watch-m.err" ] &&
	[ "$(grep -c '^# skipped kswapd marks: tracing/instances/mmtwin-compare-[0-9]*-kernel/trace_clock: No such file' "$work/watch-m.txt")" = 1 ] &&
	[ "$(grep -c '^# skipped kswapd marks: tracing/instances/mmtwin-compare-[0-9]*-twin/trace_clock: No such file' "$work/watch-m.txt")" = 1 ] &&
	[ "$(grep -vc '^#' "$work/watch-m.txt")" = 8 ] && [ -z "$(ls tracing/instances)" ]
ok $? "--watch: kswapd marks that cannot be set up are reported once; instances removed"
rmdir tracing/instances
run --watch 0.05 --count 1 >"$work/watch-m.txt"
grep -q '^# skipped kswapd marks: tracing/instances/mmtwin-compare-[0-9]*-kernel: No such file' "$work/watch-m.txt"
ok $? "--watch: no tracefs at all is reported"
mkdir tracing/instances
"$bin" --proc proc --debugfs debugfs --tracefs tracing --watch 0.05 >"$work/watch-t.txt" 2>&1 &
pid=$!
sleep 0.5
kill -TERM $pid
wait $pid
rc=$?
[ $rc = 0 ] && [ -z "$(ls tracing/instances)" ] && [ "$(grep -vc '^#' "$work/watch-t.txt")" -ge 4 ]
ok $? "--watch ended by SIGTERM: exit 0, instances removed (rc=$rc)"

run --watch 0.05 --count 1 --section zones >/dev/null 2>"$work/watch-bad.err"
[ $? = 2 ] && grep -q 'or of one section of: vmstat slabinfo reclaim pressure$' "$work/watch-bad.err"
ok $? "--watch of a section keyed by zones is a usage error"

# 5. No twin loaded: the kernel's side alone, each missing file reported.
fixture vm
rm -rf debugfs/mmtwin
run --pid 321 >"$work/notwin.txt"
rc=$?
[ $rc = 0 ] && grep -q '^skipped buddyinfo: debugfs/mmtwin/buddy/buddyinfo: No such file or directory$' "$work/notwin.txt" &&
	grep -q '^Node 1, zone Normal kernel' "$work/notwin.txt" &&
	grep -q '^twins loaded: none' "$work/notwin.txt" &&
	grep -q '^skipped pgwalk: debugfs/mmtwin/pgwalk/request: No such file' "$work/notwin.txt" &&
	! grep -q '^=== vmstat' "$work/notwin.txt" &&
	grep -q '^skipped slabinfo: debugfs/mmtwin/slub/slabinfo: No such file' "$work/notwin.txt" &&
	grep -q '^skipped reclaim: debugfs/mmtwin/reclaim/vmstat: No such file' "$work/notwin.txt" &&
	! grep -q '^=== slabinfo' "$work/notwin.txt" && ! grep -q '^=== reclaim' "$work/notwin.txt" &&
	grep -q '^=== pressure' "$work/notwin.txt" && grep -q '^full kernel' "$work/notwin.txt"
ok $? "without the twins: kernel values, missing files reported"
run --watch 0.01 --count 2 >"$work/notwin-watch.txt"
[ "$(grep -c ' kernel ' "$work/notwin-watch.txt")" = 6 ] &&
	grep -q '^# skipped watch: debugfs/mmtwin/buddy/zoneinfo' "$work/notwin-watch.txt"
ok $? "--watch without the twin: the kernel's populated zones"
fixture vm
rm -f proc/slabinfo proc/pressure/memory debugfs/mmtwin/buddy/vmstat
run --section slabinfo,reclaim,pressure >"$work/nokern.txt"
[ $? = 0 ] && grep -q '^skipped slabinfo: proc/slabinfo: No such file' "$work/nokern.txt" &&
	grep -q '^skipped pressure: proc/pressure/memory: No such file' "$work/nokern.txt" &&
	grep -q '^skipped reclaim: debugfs/mmtwin/buddy/vmstat: No such file' "$work/nokern.txt" &&
	grep -q '^kmalloc-64  *kernel  *- ' "$work/nokern.txt" &&
	grep -q '^     twin   12.50 ' "$work/nokern.txt" &&
	grep -q '^pageoutrun  *9  *9 $' "$work/nokern.txt" && ! grep -q '^allocstall' "$work/nokern.txt"
ok $? "no /proc/slabinfo, no PSI, no buddy twin: the twin's side alone, each reported"

# 6. Nothing readable at all: exit 1, no crash, valid JSON.
"$bin" --proc "$work/none" --debugfs "$work/none" >"$work/none.txt"
rc=$?
[ $rc = 1 ] && grep -q "^skipped zones: $work/none/zoneinfo: No such file" "$work/none.txt"
ok $? "nothing to read: exit 1, every file reported"
"$bin" --proc "$work/none" --debugfs "$work/none" --json | python3 -m json.tool >/dev/null
ok $? "nothing to read: the JSON still parses"

# 7. Unreadable and garbage files never crash it (the sanitizers watch).
fixture vm
rm proc/zoneinfo && mkdir proc/zoneinfo
run >"$work/dir.txt"
grep -q '^skipped zones: proc/zoneinfo: Is a directory$' "$work/dir.txt"
ok $? "a directory where a file should be is reported"
fixture vm
for f in proc/buddyinfo proc/pagetypeinfo proc/zoneinfo proc/vmstat \
	 proc/slabinfo proc/pressure/memory \
	 debugfs/mmtwin/buddy/buddyinfo debugfs/mmtwin/buddy/pagetypeinfo \
	 debugfs/mmtwin/buddy/zoneinfo debugfs/mmtwin/buddy/vmstat \
	 debugfs/mmtwin/slub/slabinfo debugfs/mmtwin/reclaim/vmstat \
	 debugfs/mmtwin/reclaim/pressure \
	 debugfs/mmtwin/pgwalk/totals proc/321/status proc/321/smaps_rollup; do
	head -c 300000 /dev/urandom >"$f"
done
run --pid 321 >/dev/null 2>"$work/garbage.err"
rc1=$?
run --pid 321 --json | python3 -m json.tool >/dev/null
rc2=$?
[ $rc1 -le 1 ] && [ $rc2 = 0 ] && ! grep -q 'Sanitizer\|runtime error' "$work/garbage.err"
ok $? "random bytes in every file: no crash, JSON still parses"
fixture vm
{
	i=0
	while [ $i -lt 40 ]; do
		printf 'Node %d, zone Zone%d 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n' $i $i
		printf 'Node 99999999999999999999, zone %0300d 1\n' 0
		printf 'Number of blocks type %s\n' "$(seq -s ' ' 1 40)"
		printf 'Node 1, zone Normal 99999999999999999999999 -5 x\n'
		i=$((i + 1))
	done
	printf 'Node 1, zone Normal, type'
	printf 'some avg10=99999999999999999999.99 avg60=1. avg300=.5 total=-3\n'
	printf 'full avg10=1.5 avg60=100.00avg300=2.00 total=99999999999999999999\n'
	printf '%0100d 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 2 0\n' 7
} | tee proc/buddyinfo proc/pagetypeinfo proc/zoneinfo proc/slabinfo \
	proc/pressure/memory debugfs/mmtwin/reclaim/pressure >/dev/null
run --all >/dev/null 2>"$work/long.err"
rc=$?
[ $rc = 0 ] && ! grep -q 'Sanitizer\|runtime error' "$work/long.err"
ok $? "overlong lines, too many columns, huge numbers: no crash"

echo "1..$n"
[ $fails = 0 ]
