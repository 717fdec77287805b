#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/walkthrough.rst against a real demo: the demo job's script
# runs here (it loads the twins and runs /mmtwin/demo.d/*.sh, as make demo
# does), and every line the walkthrough quotes must be in its output, up
# to numbers (tools/walkthrough-check.sh). The samples its watch leaves
# for the plots must mark kswapd waking and going to sleep, the twin's and
# the kernel's, at times within the watch. Prints TAP.
here=$(dirname "$0")
echo "TAP version 13"
# The walkthrough quotes the twin's kernel tables next to ptdump's.
if [ ! -e /sys/kernel/debug/page_tables/kernel ]; then
	echo "1..1"
	echo "ok 1 walkthrough # SKIP needs CONFIG_PTDUMP_DEBUGFS (the walkthrough quotes page_tables/kernel)"
	exit 4
fi
# It translates an address through five levels; a kernel booted no5lvl
# (the debug lane: KASAN) folds the p4d level away.
if ! grep -qw la57 /proc/cpuinfo; then
	echo "1..1"
	echo "ok 1 walkthrough # SKIP needs 5-level paging (CONFIG_X86_5LEVEL, not booted no5lvl): the walkthrough quotes a p4d entry"
	exit 4
fi
echo "1..2"
# The watch at 0.2 s a sample, not make demo's 0.5: the same steps in
# less than half the time (tools/demo.d/watch.sh keeps its pauses in
# samples).
MMTWIN_WATCH_INTERVAL=0.2 /bin/sh /mmtwin/guest/demo.sh >/tmp/demo.all 2>&1
awk '/^@@ BEGIN samples /, /^@@ END samples / { next } { print }' /tmp/demo.all >/tmp/demo.out
awk '/^@@ END samples watch/ { on = 0 } on { print } /^@@ BEGIN samples watch$/ { on = 1 }' \
	/tmp/demo.all >/tmp/demo.samples
sed 's/^/# /' /tmp/demo.out
"$here/walkthrough-check.sh" "$here/walkthrough.rst" /tmp/demo.out >/tmp/walk.out
rc=$?
sed 's/^/# /' /tmp/walk.out
if [ $rc = 0 ]; then
	echo "ok 1 walkthrough: every quoted line is in the demo's output"
else
	echo "not ok 1 walkthrough: quoted lines missing from the demo's output"
fi

# Each side's kswapd woke and slept during the watch; every mark lies
# between the first sample and one interval after the last.
marks_ok=0
for side in twin kernel; do
	for ev in wake sleep; do
		got=$(grep -Ec "^# mark [0-9]+\.[0-9]{3} $side [0-9]+ kswapd_$ev\$" /tmp/demo.samples)
		echo "# $side kswapd_$ev marks: $got"
		[ "$got" -gt 0 ] || marks_ok=1
	done
done
grep '^# skipped' /tmp/demo.samples && marks_ok=1
awk '!/^#/ && NF > 4 { last = $1 } $2 == "mark" { t[n++] = $3 }
	END { for (i = 0; i < n; i++) if (t[i] < 0 || t[i] > last + 1) { print "# mark at " t[i] " s, last sample " last " s"; bad = 1 }
	      exit bad || !n }' /tmp/demo.samples || marks_ok=1
if [ $marks_ok = 0 ]; then
	echo "ok 2 watch: kswapd wake and sleep marked for twin and kernel"
else
	echo "not ok 2 watch: kswapd wake and sleep marked for twin and kernel"
	rc=1
fi
rm -f /tmp/demo.all /tmp/demo.out /tmp/demo.samples /tmp/walk.out
exit $rc
