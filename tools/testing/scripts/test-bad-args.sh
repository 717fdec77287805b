#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Every mmtwin script rejects bad arguments with exit status 2 and a message
# that names the problem, before doing any work.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
fails=0

# expect_usage "<what the message must contain>" command args...
expect_usage()
{
	local want=$1 out rc
	shift
	out=$("$@" 2>&1 </dev/null)
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$want" <<<"$out"; then
		echo "ok: $* -> $want"
	else
		echo "FAIL: $* exited $rc, said: $out"
		fails=$((fails + 1))
	fi
}

cd "$top"
file=$(mktemp)
trap 'rm -f "$file"' EXIT
expect_usage "VARIANT must be default or debug" tools/check.sh --variant bogus
expect_usage "unknown argument '--frobnicate'" tools/check.sh --frobnicate
expect_usage "--only: use names" tools/check.sh --only 'a;b'
expect_usage "VARIANT must be default or debug" tools/demo.sh --variant x
expect_usage "--job must be demo or bench" tools/demo.sh --job check
expect_usage "unknown VARIANT 'nope'" tools/vm/kernel.sh --variant nope
expect_usage "unknown argument '--bogus'" tools/vm/kernel.sh --bogus
expect_usage "--kernel: no file" tools/vm/run.sh --kernel /nonexistent \
	--initrd /dev/null --job check --out /tmp
expect_usage "--job: expected check, demo or bench" tools/vm/run.sh \
	--kernel "$file" --initrd "$file" --job nope --out /tmp
expect_usage "--timeout: expected seconds" tools/vm/run.sh --kernel "$file" \
	--initrd "$file" --job check --out /tmp --timeout soon
expect_usage "--only: use names" tools/vm/run.sh --kernel "$file" \
	--initrd "$file" --job check --out /tmp --only 'x y'
expect_usage "--modules: no directory" tools/vm/initramfs.sh --release 1 \
	--modules /nonexistent --kmods-root / --out /tmp/x
expect_usage "usage:" tools/vm/stock.sh 6.12.1-amd64 extra
expect_usage "RELEASE: not a kernel release" tools/vm/stock.sh 'x;y'
expect_usage "--run-id: use [a-z0-9]" tools/vm/run.sh --kernel "$file" \
	--initrd "$file" --job check --out /tmp --run-id 'A B'
expect_usage "usage:" tools/vm/run.sh --kernel

[ $fails -eq 0 ] || { echo "$fails script argument checks failed"; exit 1; }
echo "all script argument checks passed"
