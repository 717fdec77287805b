#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mmtwin:mmtwin_pgwalk_start and _end fire once per walk, the end event with
# the walk's counts. Uses tracefs directly (no bpftrace, no BTF needed), then
# bpftrace reading the counts where it can. Prints TAP; exits 4 if skipped
# (no tracefs), 1 if the module will not load or loads without its events.
D=/sys/kernel/debug/mmtwin/pgwalk
T=/sys/kernel/tracing
[ -d $T/events ] || T=/sys/kernel/debug/tracing

echo "TAP version 13"
echo "1..3"

skip_rest()
{
	n=$1
	shift
	while [ "$n" -le 3 ]; do
		echo "ok $n pgwalk_tracepoints # SKIP $*"
		n=$((n + 1))
	done
}

fail_rest()
{
	n=$1
	shift
	while [ "$n" -le 3 ]; do
		echo "not ok $n $*"
		n=$((n + 1))
	done
	exit 1
}

# A test loads what it tests; a module that will not load is a failure.
modprobe mmtwin_pgwalk || fail_rest 1 mmtwin_pgwalk will not load
[ -d $D ] || fail_rest 1 mmtwin_pgwalk loaded but $D missing
if [ ! -d $T/events ]; then
	skip_rest 1 no tracefs "(CONFIG_FTRACE)"
	exit 4
fi
# The module is loaded and tracefs is there: its events must be too.
for e in mmtwin_pgwalk_start mmtwin_pgwalk_end; do
	[ -d $T/events/mmtwin/$e ] ||
		fail_rest 1 mmtwin_pgwalk loaded but $T/events/mmtwin/$e is missing
done

sleep 30 &
pid=$!
echo "pid $pid" >$D/request

echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/mmtwin/mmtwin_pgwalk_start/enable
echo 1 >$T/events/mmtwin/mmtwin_pgwalk_end/enable
echo 1 >$T/tracing_on
cat $D/totals >/tmp/pgwalk-totals.$$
echo 0 >$T/tracing_on
echo 0 >$T/events/mmtwin/mmtwin_pgwalk_start/enable
echo 0 >$T/events/mmtwin/mmtwin_pgwalk_end/enable
grep mmtwin_pgwalk $T/trace >/tmp/pgwalk-trace.$$
sed 's/^/# /' /tmp/pgwalk-trace.$$
fail=0

starts=$(grep -c "mmtwin_pgwalk_start: pid=$pid " /tmp/pgwalk-trace.$$)
ends=$(grep -c "mmtwin_pgwalk_end: pid=$pid " /tmp/pgwalk-trace.$$)
if [ "$starts" = 1 ] && [ "$ends" = 1 ]; then
	echo "ok 1 one start and one end event for one walk"
else
	echo "not ok 1 one start and one end event for one walk ($starts, $ends)"
	fail=1
fi

# The end event carries the same counts as the totals file.
present=$(sed -n 's/^rss_kb //p' /tmp/pgwalk-totals.$$)
present=$((present / 4))
if grep -q "mmtwin_pgwalk_end: pid=$pid .* present=$present .*err=0" /tmp/pgwalk-trace.$$; then
	echo "ok 2 end event counts match the totals ($present pages present)"
else
	echo "not ok 2 end event counts match the totals ($present pages present)"
	fail=1
fi

if [ ! -e /sys/kernel/btf/vmlinux ]; then
	echo "ok 3 bpftrace sees the end event # SKIP needs CONFIG_DEBUG_INFO_BTF"
elif ! command -v bpftrace >/dev/null; then
	echo "not ok 3 bpftrace sees the end event: bpftrace is not installed"
	fail=1
else
	timeout 120 bpftrace -e '
tracepoint:mmtwin:mmtwin_pgwalk_end { printf("end %d %lu\n", args->pid, args->present); }
' -c "/bin/cat $D/totals" >/tmp/pgwalk-bpf.$$ 2>&1
	sed 's/^/# /' /tmp/pgwalk-bpf.$$
	if grep -q "^end $pid $present\$" /tmp/pgwalk-bpf.$$; then
		echo "ok 3 bpftrace sees the end event with its counts"
	else
		echo "not ok 3 bpftrace sees the end event with its counts"
		fail=1
	fi
fi
kill $pid
rm -f /tmp/pgwalk-*.$$
exit $fail
