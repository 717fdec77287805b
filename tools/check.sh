#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every mmtwin test, each reported as its own result.
#
#   tools/check.sh [--variant default|debug] [--only NAMES]
#
#   --variant  which test-VM kernel to build (or reuse) and boot
#   --only     run only the VM tests whose names contain one of NAMES
#              (comma-separated, e.g. --only buddy,core); host checks
#              always run
#
# 1. host: checkpatch, make W=1, sparse, builds for Debian's 6.1 and 6.12
#    headers, selftest builds, userspace harnesses (tools/testing/*);
# 2. test-VM kernel: load/unload, KUnit, kselftests, bpftrace, console scan;
# 3. Debian's stock 6.12 kernel: load/unload, kselftests, bpftrace.
# Independent steps run side by side; results print in a fixed order.
# Ends with "N passed, N failed, N skipped"; exits 1 on any failure.
#
# MMTWIN_CHECK_LANES (default "test stock") and MMTWIN_CHECK_HOST=0 narrow a
# run for the checker's own end-to-end test (tools/testing/check/).
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"
. "$(dirname "$0")/vm/tally.sh"
. "$(dirname "$0")/vm/checkpatch.sh"
. "$(dirname "$0")/vm/verdict.sh"

usage()
{
	sed -n 's/^#   \{0,1\}//p' "$0" | sed -n '2,9p' >&2
	exit 2
}

variant=default only=""
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) [ $# -ge 2 ] || usage; variant=$2; shift 2 ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	-h|--help) usage ;;
	*) echo "$0: unknown argument '$1'" >&2; usage ;;
	esac
done
case "$variant" in default|debug) ;; *) die "VARIANT must be default or debug, not '$variant'" ;; esac
case "$only" in *[!a-z0-9_,]*) die "--only: use names of [a-z0-9_], comma-separated" ;; esac
lanes=${MMTWIN_CHECK_LANES:-test stock}
host=${MMTWIN_CHECK_HOST:-1}

logs="$MMTWIN_OUT/logs/$variant"
jobs="$logs/jobs"
t0=$(date +%s)
timings=()

# Stages are timed; the summary lists each one.
stage_t=$t0
stage_done()
{
	local now
	now=$(date +%s)
	timings+=("$1 $((now - stage_t))s")
	stage_t=$now
}

# Background jobs: "start NAME CMD..." runs CMD with its output in a log;
# "finish NAME [--no-warnings]" waits for it and reports it. A job passes on
# exit 0 and, with --no-warnings, only if its log has no compiler or sparse
# warning either.
declare -A job_pid job_t0
logname() { echo "$logs/host-$(echo "$1" | tr -c 'a-zA-Z0-9.\n' '-').log"; }
start()
{
	local name=$1
	shift
	job_t0[$name]=$(date +%s)
	"$@" >"$(logname "$name")" 2>&1 &
	job_pid[$name]=$!
}
finish()
{
	local name=$1 strict=${2:-} logf rc=0 took
	logf=$(logname "$name")
	wait "${job_pid[$name]}" || rc=$?
	# The log's last write is when the job ended, even if waited for later.
	took="$(( $(stat -c %Y "$logf") - job_t0[$name] ))s"
	head -n1 "$logf" | grep -q '^# .*: kept verdict: ' && took="$took, kept verdict"
	if [ $rc -eq 0 ] && { [ -z "$strict" ] || ! grep -qE '(warning|error):' "$logf"; }; then
		result PASS "host: $name [$took]"
	else
		result FAIL "host: $name [$took] (log: $logf)"
		grep -E '(warning|error):' "$logf" | head -n 20 | sed 's/^/         | /'
		[ $rc -eq 0 ] || tail -n 15 "$logf" | sed 's/^/         | /'
	fi
	return $rc
}

# A VM run's fresh directory and initramfs (before anything else may touch
# the module build).
vm_prepare()
{
	local label=$1 release=$2 mods=$3 kmods_root=$4 dir="$MMTWIN_OUT/vm/$1"

	rm -rf "$dir"
	mkdir -p "$dir"
	"$MMTWIN_VM_DIR/initramfs.sh" --release "$release" --modules "$mods" \
		--kmods-root "$kmods_root" --selftests "$selftests/install" \
		--out "$dir/initrd.cpio" >"$dir/initramfs.log" 2>&1 && return 0
	result FAIL "$label: initramfs (log: $dir/initramfs.log)"
	return 1
}

# One VM run: boot, then judge its results with report.py, which knows what
# the run must show. Anything report.py cannot judge fails the run.
vm_run()
{
	local label=$1 lane=$2 bzimage=$3 release=$4 mods=$5 kmods_root=$6
	local kunit_py=$7 append=${8:-}
	local dir="$MMTWIN_OUT/vm/$label" status=0 runid rc=0 timeout=900

	# KASAN, lockdep and DEBUG_VM make the same tests many times slower.
	[ "$lane" = debug ] && timeout=2700
	runid=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
	"$MMTWIN_VM_DIR/run.sh" --kernel "$bzimage" --initrd "$dir/initrd.cpio" \
		--job check --out "$dir" --only "$only" --run-id "$runid" \
		--timeout "$timeout" --append "$append" >"$dir/run.log" 2>&1 ||
		status=$?
	python3 "$MMTWIN_VM_DIR/report.py" --label "$label" \
		--results "$dir/results.txt" --console "$dir/console.log" \
		--vm-status "$status" --run-id "$runid" --modules "$mods" \
		--kunit-src "$MMTWIN_TOP/kunit" --only "$only" \
		--selftest-list "$selftests/install/kselftest-list.txt" \
		--skips "$MMTWIN_VM_DIR/skips/$lane.txt" --logdir "$dir" \
		${kunit_py:+--kunit-py "$kunit_py"} >"$dir/report.txt" 2>&1 || rc=$?
	echo "REPORT-STATUS $rc" >>"$dir/report.txt"
}

"$MMTWIN_VM_DIR/deps.sh" || exit 2
rm -rf "$logs"
mkdir -p "$logs"
kdir=$("$MMTWIN_VM_DIR/kernel.sh" --variant "$variant") || die "test-VM kernel build failed"
use_ccache
release=$(cat "$kdir/include/config/kernel.release")
stock_rel=$(stock_release) || die "no Debian 6.12 headers installed (run tools/vm/deps.sh)"
stock_hdr=/usr/src/linux-headers-$stock_rel
old_hdr=$(headers_for 6.1.)
build="$MMTWIN_OUT/build"
selftests="$MMTWIN_OUT/selftests-$variant"
stage_done "deps+kernel"

# The VMs are the long pole: the test VM's run is most of make check's
# time, and much of it the guest waiting (for kswapd, for a watch's next
# sample). So each VM boots as soon as its own modules and the selftests
# are built, and every other host check runs at the lowest priority (nice 19):
# it takes what the VMs leave idle instead of slowing them down.
# (start runs each job in a subshell of its own, which low renices: the
# jobs are shell functions as often as programs.)
low() { renice -n 19 -p "$BASHPID" >/dev/null; "$@"; }

# Stage 1: the builds the VMs need, and the other host checks behind them.
log "building modules for $release, $stock_rel, $(basename "$old_hdr"), and the selftests"
want_stock=0
[ "$host" = 0 ] && [[ " $lanes " != *" stock "* ]] || want_stock=1
sync_tree "$build/$variant"
start "make W=1 ($release)" kbuild "$kdir" "$build/$variant"
if [ $want_stock = 1 ]; then
	sync_tree "$build/$stock_rel"
	start "make W=1 (Debian $stock_rel)" kbuild "$stock_hdr" "$build/$stock_rel"
fi
start "selftests build" make -C "$MMTWIN_TOP/selftests" install \
	KSFT="$kdir/tools/testing/selftests" OUT="$selftests"
old_name=$(basename "$old_hdr" | sed 's/^linux-headers-//')
if [ "$host" != 0 ]; then
	sync_tree "$build/$old_name"
	# Compile only: a pass is kept for the same tree, headers and tools.
	start "make W=1 (Debian $old_name)" low verdict_cached "make W=1" \
		"$(headers_identity "$old_hdr")" kbuild "$old_hdr" "$build/$old_name"
	checkpatch_all "$kdir" "$logs/checkpatch.out"
fi
test_ok=1 stock_ok=1
finish "make W=1 ($release)" --no-warnings || test_ok=0
finish "selftests build" --no-warnings || test_ok=0 stock_ok=0
stage_done "builds for the test VM"

# Stage 2: the two VMs side by side (one TCG thread each), with the
# remaining host checks.
log "booting the test VMs ($release, $stock_rel)..."
declare -A vm_pid
if [[ " $lanes " == *" test "* ]] && [ $test_ok = 1 ] &&
	vm_prepare "vm-$variant" "$release" "$build/$variant" "$kdir/_modinst"; then
	vm_run "vm-$variant" "$variant" "$kdir/arch/x86/boot/bzImage" "$release" \
		"$build/$variant" "$kdir/_modinst" "$kdir/tools/testing/kunit/kunit.py" \
		"$(variant_append "$variant")" &
	vm_pid[test]=$!
fi
if [ $want_stock = 1 ]; then
	finish "make W=1 (Debian $stock_rel)" --no-warnings || stock_ok=0
fi
if [[ " $lanes " == *" stock "* ]] && [ $stock_ok = 1 ]; then
	if ! stock=$("$MMTWIN_VM_DIR/stock.sh" "$stock_rel" 2>"$logs/stock-fetch.log"); then
		result FAIL "stock kernel: could not fetch linux-image-$stock_rel (log: $logs/stock-fetch.log)"
	elif vm_prepare "stock-$stock_rel" "$stock_rel" "$build/$stock_rel" "$stock"; then
		vm_run "stock-$stock_rel" stock "$stock/boot/vmlinuz-$stock_rel" \
			"$stock_rel" "$build/$stock_rel" "$stock" "" &
		vm_pid[stock]=$!
	fi
fi
if [ "$host" != 0 ]; then
	start "make C=2 sparse ($release)" low ksparse "$kdir" "$build/$variant"
	for h in "$MMTWIN_TOP"/tools/testing/*/Makefile; do
		[ -e "$h" ] || continue
		name="harness $(basename "$(dirname "$h")")"
		if [ "$name" = "harness dkms" ]; then
			# It installs the stock build's modules; a pass is kept
			# for the same tree, headers and tools.
			start "$name" low verdict_cached "dkms install test" \
				"$(headers_identity "$stock_hdr")" \
				env MMTWIN_DKMS_BUILT="$build/$stock_rel" make -C "$(dirname "$h")" run
		else
			start "$name" low make -C "$(dirname "$h")" run
		fi
	done
	finish "make W=1 (Debian $old_name)" --no-warnings
	finish "make C=2 sparse ($release)" --no-warnings
	for h in "$MMTWIN_TOP"/tools/testing/*/Makefile; do
		[ -e "$h" ] || continue
		finish "harness $(basename "$(dirname "$h")")"
	done
fi
stage_done "host checks beside the VMs"
[ $test_ok = 1 ] || result FAIL "vm-$variant: not booted, its build failed"
[ $stock_ok = 1 ] || result FAIL "stock-$stock_rel: not booted, its build failed"
for lane in test stock; do
	[ -n "${vm_pid[$lane]:-}" ] || continue
	wait "${vm_pid[$lane]}"
	if [ $lane = test ]; then
		vm_collect "vm-$variant" "$MMTWIN_OUT/vm/vm-$variant"
	else
		vm_collect "stock-$stock_rel" "$MMTWIN_OUT/vm/stock-$stock_rel"
	fi
done
stage_done "the VMs after them"

log "logs: $logs and $MMTWIN_OUT/vm/"
log "time: ${timings[*]}; total $(( $(date +%s) - t0 ))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
