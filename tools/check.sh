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
# Ends with "N passed, N failed, N skipped"; exits 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/vm/lib.sh"

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

passed=0 failed=0 skipped=0
logs="$MMTWIN_OUT/logs/$variant"
t0=$(date +%s)

result()
{
	local status=$1 name=$2
	case "$status" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	esac
	printf '  %-4s %s\n' "$status" "$name"
}

# Runs a host check; a check passes on exit 0 and, with --no-warnings,
# only if its output has no compiler or sparse warning either.
host_check()
{
	local name=$1 strict=0 logf rc
	shift
	if [ "$1" = --no-warnings ]; then
		strict=1
		shift
	fi
	logf="$logs/host-$(echo "$name" | tr -c 'a-zA-Z0-9.\n' '-').log"
	"$@" >"$logf" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && { [ $strict = 0 ] || ! grep -qE '(warning|error):' "$logf"; }; then
		result PASS "host: $name"
	else
		result FAIL "host: $name (log: $logf)"
		grep -E '(warning|error):' "$logf" | head -n 20 | sed 's/^/         | /'
		[ $rc -eq 0 ] || tail -n 15 "$logf" | sed 's/^/         | /'
	fi
}

vm_run()
{
	local label=$1 bzimage=$2 release=$3 mods=$4 kmods_root=$5 kunit_py=$6
	local append=${7:-}
	local dir="$MMTWIN_OUT/vm/$label" status=0 line

	mkdir -p "$dir"
	if ! "$MMTWIN_VM_DIR/initramfs.sh" --release "$release" --modules "$mods" \
		--kmods-root "$kmods_root" --selftests "$MMTWIN_OUT/selftests-$variant" \
		--out "$dir/initrd.cpio" 2>"$dir/initramfs.log"; then
		result FAIL "$label: initramfs (log: $dir/initramfs.log)"
		return
	fi
	log "booting $label ($release)..."
	"$MMTWIN_VM_DIR/run.sh" --kernel "$bzimage" --initrd "$dir/initrd.cpio" \
		--job check --out "$dir" --only "$only" \
		--append "$append" || status=$?
	while IFS= read -r line; do
		case "$line" in
		"COUNTS "*)
			set -- $line
			passed=$((passed + $2)) failed=$((failed + $3)) skipped=$((skipped + $4)) ;;
		*) echo "$line" ;;
		esac
	done < <(python3 "$MMTWIN_VM_DIR/report.py" --label "$label" \
		--results "$dir/results.txt" --console "$dir/console.log" \
		--vm-status "$status" --logdir "$dir" ${kunit_py:+--kunit-py "$kunit_py"})
	log "$label: console $dir/console.log, results $dir/results.txt"
}

"$MMTWIN_VM_DIR/deps.sh" || die "installing packages failed"
mkdir -p "$logs"
kdir=$("$MMTWIN_VM_DIR/kernel.sh" --variant "$variant") || die "test-VM kernel build failed"
release=$(cat "$kdir/include/config/kernel.release")
stock_rel=$(stock_release)
stock_hdr=/usr/src/linux-headers-$stock_rel
old_hdr=$(headers_for 6.1.)
build="$MMTWIN_OUT/build"

# compat.h exists to test kernel versions, with macros whose arguments one
# version ignores: the only file exempt from those checkpatch rules.
checkpatch_ignore()
{
	case "$1" in
	include/mmtwin/compat.h) echo "--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON,MACRO_ARG_UNUSED" ;;
	esac
}

log "host checks"
for f in $(cd "$MMTWIN_TOP" && git ls-files --cached --others --exclude-standard \
		'*.c' '*.h'); do
	# shellcheck disable=SC2046
	host_check "checkpatch $f" "$kdir/scripts/checkpatch.pl" --no-tree --quiet \
		--show-types $(checkpatch_ignore "$f") -f "$MMTWIN_TOP/$f"
done

sync_tree "$build/$variant"
host_check "make W=1 ($release)" --no-warnings kbuild "$kdir" "$build/$variant"
host_check "make C=2 sparse ($release)" --no-warnings ksparse "$kdir" "$build/$variant"
for hdr in "$stock_hdr" "$old_hdr"; do
	name=$(basename "$hdr" | sed 's/^linux-headers-//')
	if [ ! -d "$hdr" ]; then
		result FAIL "host: Debian headers missing: '$hdr'"
		continue
	fi
	sync_tree "$build/$name"
	host_check "make W=1 (Debian $name)" --no-warnings kbuild "$hdr" "$build/$name"
done
host_check "selftests build" --no-warnings make -C "$MMTWIN_TOP/selftests" \
	KSFT="$kdir/tools/testing/selftests" OUT="$MMTWIN_OUT/selftests-$variant"
for h in "$MMTWIN_TOP"/tools/testing/*/Makefile; do
	[ -e "$h" ] || continue
	host_check "harness $(basename "$(dirname "$h")")" make -C "$(dirname "$h")" run
done

vm_run "vm-$variant" "$kdir/arch/x86/boot/bzImage" "$release" "$build/$variant" \
	"$kdir/_modinst" "$kdir/tools/testing/kunit/kunit.py" "$(variant_append "$variant")"

if ! stock=$("$MMTWIN_VM_DIR/stock.sh"); then
	result FAIL "stock kernel: could not fetch linux-image-$stock_rel"
elif [ ! -d "$build/$stock_rel" ]; then
	result FAIL "stock kernel: no modules built for $stock_rel"
else
	vm_run "stock-$stock_rel" "$stock/boot/vmlinuz-$stock_rel" "$stock_rel" \
		"$build/$stock_rel" "$stock" ""
fi

log "logs: $logs and $MMTWIN_OUT/vm/; took $(( $(date +%s) - t0 ))s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
