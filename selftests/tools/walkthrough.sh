#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/walkthrough.rst against a real demo: the demo job's script
# runs here (it loads the twins and runs /mmtwin/demo.d/*.sh, as make demo
# does), and every line the walkthrough quotes must be in its output, up
# to numbers (tools/walkthrough-check.sh). Prints TAP.
here=$(dirname "$0")
echo "TAP version 13"
echo "1..1"
# The walkthrough quotes the twin's kernel tables next to ptdump's.
if [ ! -e /sys/kernel/debug/page_tables/kernel ]; then
	echo "ok 1 walkthrough # SKIP needs CONFIG_PTDUMP_DEBUGFS (the walkthrough quotes page_tables/kernel)"
	exit 4
fi
# It translates an address through five levels; a kernel booted no5lvl
# (the debug lane: KASAN) folds the p4d level away.
if ! grep -qw la57 /proc/cpuinfo; then
	echo "ok 1 walkthrough # SKIP needs 5-level paging (CONFIG_X86_5LEVEL, not booted no5lvl): the walkthrough quotes a p4d entry"
	exit 4
fi
/bin/sh /mmtwin/guest/demo.sh 2>&1 |
	awk '/^@@ BEGIN samples /, /^@@ END samples / { next } { print }' >/tmp/demo.out
sed 's/^/# /' /tmp/demo.out
"$here/walkthrough-check.sh" "$here/walkthrough.rst" /tmp/demo.out >/tmp/walk.out
rc=$?
sed 's/^/# /' /tmp/walk.out
if [ $rc = 0 ]; then
	echo "ok 1 walkthrough: every quoted line is in the demo's output"
else
	echo "not ok 1 walkthrough: quoted lines missing from the demo's output"
fi
rm -f /tmp/demo.out /tmp/walk.out
exit $rc
