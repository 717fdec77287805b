#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo / make bench: build everything, boot the test VM, load the twins
# and print what they show next to the kernel's own files (demo), or run
# every benchmark module and print its table (bench).
#
#   tools/demo.sh [--variant default|debug] [--job demo|bench] [--only NAMES]
set -euo pipefail
. "$(dirname "$0")/vm/lib.sh"

usage()
{
	echo "usage: $0 [--variant default|debug] [--job demo|bench] [--only NAMES]" >&2
	exit 2
}

variant=default job=demo only=""
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
	--variant) variant=$2 ;;
	--job) job=$2 ;;
	--only) only=$2 ;;
	*) echo "$0: unknown argument '$1'" >&2; usage ;;
	esac
	shift 2
done
case "$variant" in default|debug) ;; *) die "VARIANT must be default or debug, not '$variant'" ;; esac
case "$job" in demo|bench) ;; *) die "--job must be demo or bench, not '$job'" ;; esac

"$MMTWIN_VM_DIR/deps.sh"
kdir=$("$MMTWIN_VM_DIR/kernel.sh" --variant "$variant")
use_ccache
release=$(cat "$kdir/include/config/kernel.release")
build="$MMTWIN_OUT/build/$variant"
dir="$MMTWIN_OUT/vm/$job-$variant"
mkdir -p "$dir"

log "building modules for $release"
sync_tree "$build"
kbuild "$kdir" "$build" >"$dir/build.log" 2>&1 ||
	{ tail -n 30 "$dir/build.log" >&2; die "module build failed (log: $dir/build.log)"; }
make -C "$MMTWIN_TOP/selftests" install KSFT="$kdir/tools/testing/selftests" \
	OUT="$MMTWIN_OUT/selftests-$variant" >>"$dir/build.log" 2>&1 ||
	die "selftest build failed (log: $dir/build.log)"
"$MMTWIN_VM_DIR/initramfs.sh" --release "$release" --modules "$build" \
	--kmods-root "$kdir/_modinst" --selftests "$MMTWIN_OUT/selftests-$variant/install" \
	--out "$dir/initrd.cpio"

log "booting the test VM ($release, TCG) for '$job'..."
status=0
"$MMTWIN_VM_DIR/run.sh" --kernel "$kdir/arch/x86/boot/bzImage" \
	--initrd "$dir/initrd.cpio" --job "$job" --out "$dir" --only "$only" \
		--append "$(variant_append "$variant")" ||
	status=$?
# Samples (between "@@ BEGIN samples NAME" and "@@ END samples NAME") go to
# NAME.samples and plots in out/<job>-<variant>/; everything else is printed
# (and kept in output.txt).
plots="$MMTWIN_OUT/$job-$variant"
rm -rf "$plots"
mkdir -p "$plots"
awk -v dir="$plots" '
	/^@@ BEGIN samples / { file = dir "/" $4 ".samples"; next }
	/^@@ END samples / { close(file); file = ""; next }
	file != "" { print > file; next }
	!/^@@ / { print }' "$dir/results.txt" | tee "$plots/output.txt"
for samples in "$plots"/*.samples; do
	[ -e "$samples" ] || continue
	if "$MMTWIN_TOP/tools/plot.sh" "$samples" "$plots" >"$plots/plot.log" 2>&1; then
		log "plots of $(basename "$samples"):"
		sed 's/^/    /' "$plots/plot.log"
	else
		log "plotting $samples failed (log: $plots/plot.log)"
		status=1
	fi
done
# The walkthrough quotes the demo: is what it quotes still what it prints?
if [ "$job" = demo ] && [ -z "$only" ] && [ "$variant" = default ]; then
	"$MMTWIN_TOP/tools/walkthrough-check.sh" "$MMTWIN_TOP/Documentation/walkthrough.rst" \
		"$plots/output.txt" || status=1
fi
log "console: $dir/console.log, results: $dir/results.txt"
exit "$status"
