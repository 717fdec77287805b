#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The checker of the checker, end to end: plant a failing kselftest (its last
# line without a newline, as the glued-marker hole needed) in a scratch copy
# of the tree, run "make check ONLY=planted" there on the test-VM kernel, and
# expect a non-zero exit that names the planted failure. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/vm/lib.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

sync_tree "$scratch"
# A repository of its own: the tree's scripts list files with git.
git -C "$scratch" init -q
mkdir -p "$scratch/selftests/planted"
cat >"$scratch/selftests/planted/planted_fail.sh" <<'EOS'
#!/bin/sh
echo "TAP version 13"
echo "1..2"
echo "ok 1 planted passes"
printf "not ok 2 planted fails"
EOS
chmod +x "$scratch/selftests/planted/planted_fail.sh"
printf 'TEST_PROGS := planted_fail.sh\n\ninclude ../mmtwin.mk\n' \
	>"$scratch/selftests/planted/Makefile"
sed -i 's/^TARGETS ?= /TARGETS ?= planted /' "$scratch/selftests/Makefile"

echo "TAP version 13"
echo "1..2"
MMTWIN_CHECK_LANES=test MMTWIN_CHECK_HOST=0 MMTWIN_OUT="$scratch/out" \
	make -C "$scratch" check ONLY=planted >"$scratch/check.log" 2>&1
rc=$?
sed 's/^/# /' "$scratch/check.log" | tail -n 40
if [ $rc -ne 0 ]; then
	echo "ok 1 make check exits non-zero ($rc)"
else
	echo "not ok 1 make check exits non-zero (it exited 0)"
fi
if grep -q "FAIL .*kselftest planted:planted_fail.sh: planted fails" "$scratch/check.log"; then
	echo "ok 2 the planted failure is named"
else
	echo "not ok 2 the planted failure is named"
	rc=0
fi
[ $rc -ne 0 ]
