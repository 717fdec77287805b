# SPDX-License-Identifier: GPL-2.0
# Sourced by the bt_*.sh tests: run one of tools/bpftrace/ against a
# workload and check the lines it promises. Prints TAP.

BT_DIR=$(dirname "$0")/bpftrace
# Absolute: the workload scripts run from wherever bpftrace does.
BT_LIB_DIR=$(cd "$(dirname "$0")" && pwd)
CTL=/sys/kernel/debug/mmtwin/buddy/control
. "$BT_LIB_DIR/wait_lib.sh"
out=/tmp/bt-out.$$
work=/tmp/bt-work.$$

echo "TAP version 13"

# Where bpftrace cannot read tracepoint arguments, every case skips.
bt_require()
{
	local cases=$1 i=1

	if [ -e /sys/kernel/btf/vmlinux ] && command -v bpftrace >/dev/null; then
		echo "1..$cases"
		return 0
	fi
	echo "1..1"
	if [ -e /sys/kernel/btf/vmlinux ]; then
		echo "not ok 1 bpftrace is not installed"
		exit 1
	fi
	echo "ok 1 $(basename "$0" .sh) # SKIP needs CONFIG_DEBUG_INFO_BTF"
	exit 4
}

bt_load()
{
	for m in "$@"; do
		modprobe "$m" || { echo "not ok 1 modprobe $m failed"; exit 1; }
	done
}

# bt_run TOOL: the tool, with the script in $work as its -c command.
bt_run()
{
	timeout 240 bpftrace "$BT_DIR/$1" -c "/bin/sh $work" >"$out" 2>&1
	bt_rc=$?
	sed 's/^/# /' "$out"
}

# bt_run_nested OUTER INNER: OUTER runs "bpftrace INNER -c WORKLOAD" (the
# script in $work) as its command, so both trace all of one workload, each
# with all its probes attached first. Each keeps its own output and status:
# bt_use picks the one the checks that follow read.
bt_run_nested()
{
	echo "timeout 240 bpftrace $BT_DIR/$2 -c '/bin/sh $work' >$out.$2 2>&1; echo \$? >$out.$2.rc" >"$work.outer"
	timeout 300 bpftrace "$BT_DIR/$1" -c "/bin/sh $work.outer" >"$out.$1" 2>&1
	echo $? >"$out.$1.rc"
	for t in "$1" "$2"; do
		echo "# $t:"
		sed 's/^/# /' "$out.$t" 2>/dev/null
	done
}

# bt_use TOOL: TOOL's output and status (of bt_run_nested) for check.
bt_use()
{
	cp "$out.$1" "$out" 2>/dev/null || : >"$out"
	bt_rc=$(cat "$out.$1.rc" 2>/dev/null)
	[ -n "$bt_rc" ] || bt_rc="none, $1 did not run"
}

# kernel_pressure: shell lines (for $work) that make the kernel's own
# reclaim run on one node, touching little memory (each page the guest
# touches is the host's too, and Debian's kernel zeroes each page it hands
# out, init_on_alloc). min_free_kbytes is raised until the node with the
# smallest share of free pages has 32 MiB above its min watermark (every
# other node has more, so the rest of the system still allocates without
# reclaiming for itself); then 2 MiB huge pages are asked of that node one
# write each (a write allocating 16 still gave a soft lockup report on a
# busy host): they take the headroom (waking its kswapd below low), then
# reclaim directly, order 9, after compaction fails. The pages stop once
# /proc/vmstat's allocstall_* moved (checked every 4 pages), or when the
# node has no more: asking until then took 257 pages and 4 s of the
# guest's time on Debian's kernel, for no line the tools print that the
# first direct reclaim does not. The old value and the pages are given
# back, and kswapd sleeps.
# A 16 MiB tmpfs file of zeros gives reclaim something to swap out (to
# zram: same-filled pages cost no memory); __GFP_RETRY_MAYFAIL never calls
# the OOM killer. (Asking for all of memory instead touched gigabytes,
# and one write zeroing them gave a soft lockup report on Debian's kernel;
# raising min_free_kbytes by the total free left the fuller node below
# min, and the OOM killer took bpftrace. 128 MiB of headroom and a 64 MiB
# file did what 32 MiB and 16 MiB do, in more guest CPU time: on Debian's
# kernel both woke the node's kswapd, put it to sleep and reclaimed
# directly at order 9.)
kernel_pressure()
{
	cat <<'EOS'
M=/proc/sys/vm/min_free_kbytes
mkdir -p /tmp/bt-tmpfs && mount -t tmpfs -o size=128m bt /tmp/bt-tmpfs
dd if=/dev/zero of=/tmp/bt-tmpfs/cushion bs=1M count=16 2>/dev/null
old=$(cat $M)
EOS
	echo "set -- \$(awk -v head=\$((32 * 256)) -f '$BT_LIB_DIR/pressure_node.awk' /proc/zoneinfo)"
	cat <<'EOS'
node=$1 raise=$2
N=/sys/devices/system/node/node$node/hugepages/hugepages-2048kB/nr_hugepages
[ "$raise" -gt "$old" ] && echo $raise >$M
stalls() { awk '/^allocstall_/ { s += $2 } END { print s + 0 }' /proc/vmstat; }
stalls0=$(stalls)
got=0 why="the allocator gave up"
while :; do
	echo $((got + 1)) >$N
	read -r now <$N
	[ "$now" -gt $got ] || break
	got=$now
	if [ $((got % 4)) = 0 ] && [ "$(stalls)" != "$stalls0" ]; then
		why="it first reclaimed directly"
		break
	fi
done
echo $old >$M
echo "# kernel: $now huge pages on node $node when $why"
echo 0 >$N
rm -f /tmp/bt-tmpfs/cushion
umount /tmp/bt-tmpfs
sleep 2
EOS
}

# twin_managed: the pages of the reclaimer twin's zones.
twin_managed()
{
	awk '$1 == "zone" { s += $7 } END { print s + 0 }' /sys/kernel/debug/mmtwin/reclaim/stats
}

n=0 fails=0
check()
{
	n=$((n + 1))
	if [ "$bt_rc" = 0 ] && grep -qE "$1" "$out"; then
		echo "ok $n $2"
	else
		echo "not ok $n $2 (rc=$bt_rc, no line matching '$1')"
		fails=$((fails + 1))
	fi
}

bt_done()
{
	rm -f "$out" "$out".* "$work" "$work".*
	[ $fails -eq 0 ]
}
