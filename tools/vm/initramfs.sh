#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs: a cached base (busybox, bpftrace and the
# libraries it links) plus an overlay with this run's modules and tests.
# The kernel unpacks concatenated cpio archives in order.
#
#   initramfs.sh --release REL --modules DIR --kmods-root DIR \
#                [--selftests DIR] --out FILE
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	echo "usage: $0 --release REL --modules DIR --kmods-root DIR [--selftests DIR] --out FILE" >&2
	exit 2
}

release="" modules="" kmods_root="" selftests="" out=""
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
	--release) release=$2 ;;
	--modules) modules=$2 ;;
	--kmods-root) kmods_root=$2 ;;
	--selftests) selftests=$2 ;;
	--out) out=$2 ;;
	*) echo "$0: unknown argument '$1'" >&2; usage ;;
	esac
	shift 2
done
[ -n "$release" ] && [ -n "$out" ] || usage
[ -d "$modules" ] || die "--modules: no directory '$modules'"
[ -d "$kmods_root/lib/modules/$release" ] ||
	die "--kmods-root: no lib/modules/$release under '$kmods_root'"

# Kernel modules the guest may need from the kernel itself (when not built in).
KERNEL_MODULES="zram test_hmm"

mkcpio() { (cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet); }

# Programs the base carries besides busybox, with every library they link:
# bpftrace for the tracing tests, coreutils' timeout for the kernel's
# kselftest runner (busybox's has no --foreground).
BASE_PROGS="/usr/bin/bpftrace /usr/bin/timeout"

# The base changes only when busybox or those programs do; it is built once
# per cache, under a lock, so checkouts share it.
build_base()
{
	local base=$1 stage prog lib

	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
	cp /bin/busybox "$stage/bin/busybox"
	for prog in $BASE_PROGS; do
		cp "$prog" "$stage$prog"
		for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
			cp -L --parents "$lib" "$stage"
		done
	done
	echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
	mkcpio "$stage" >"$base.tmp"
	mv "$base.tmp" "$base"
	rm -rf "$stage"
}

for prog in $BASE_PROGS; do
	[ -x "$prog" ] || die "$prog is missing (run tools/vm/deps.sh)"
done
# The key: the programs' and this script's contents (not their paths: every
# checkout shares one base) and each library's name, size and time (an
# upgrade of LLVM makes a new base without hashing 200 MB on every run).
base_key()
{
	local prog

	# shellcheck disable=SC2086
	cat /bin/busybox $BASE_PROGS "$0"
	for prog in $BASE_PROGS; do
		ldd "$prog" | grep -o '/[^ ]*' | xargs stat -L -c '%n %s %Y'
	done
}
base="$MMTWIN_CACHE/initramfs-base-$(base_key | sha256sum | cut -c1-10).cpio"
if [ ! -f "$base" ]; then
	lock_cache "$base"
	if [ ! -f "$base" ]; then
		log "building initramfs base (busybox, ${BASE_PROGS// /, } and their libraries)"
		build_base "$base"
	fi
fi
# Each base is about 200 MB: one unused for two days goes (with its lock).
touch "$base"
find "$MMTWIN_CACHE" -maxdepth 1 -name 'initramfs-base-*.cpio' -mtime +1 \
	-printf '%p\n%p.lock\n' | xargs -r rm -f

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mdir="$stage/lib/modules/$release"
mkdir -p "$mdir/extra" "$stage/mmtwin/guest" "$stage/mmtwin/selftests" \
	"$stage/mmtwin/demo.d"
install -m 0755 "$MMTWIN_VM_DIR/guest/init" "$stage/init"
install -m 0644 "$MMTWIN_VM_DIR"/guest/*.sh "$stage/mmtwin/guest/"
find "$modules" -name '*.ko' -exec cp {} "$mdir/extra/" \;
# Busybox cannot load compressed modules: store them decompressed.
copy_kernel_module()
{
	local ko=$1 rel_path

	rel_path=${ko#"$kmods_root"/lib/modules/"$release"/}
	mkdir -p "$mdir/$(dirname "$rel_path")"
	case "$ko" in
	*.xz) xz -dc "$ko" >"$mdir/${rel_path%.xz}" ;;
	*.zst) zstd -qdc "$ko" >"$mdir/${rel_path%.zst}" ;;
	*) cp "$ko" "$mdir/$rel_path" ;;
	esac
}

for m in $KERNEL_MODULES; do
	# Not every kernel has every module (or has it built in).
	for ko in $(modprobe -d "$kmods_root" -S "$release" --show-depends "$m" \
			2>/dev/null | awk '$1 == "insmod" { print $2 }'); do
		copy_kernel_module "$ko"
	done
done
# The kernel's lists of built-in modules, so modprobe of one succeeds.
cp "$kmods_root/lib/modules/$release"/modules.{order,builtin,builtin.modinfo} "$mdir/"
depmod -b "$stage" "$release"
[ -z "$selftests" ] || cp -a "$selftests"/. "$stage/mmtwin/selftests/"
cp "$MMTWIN_TOP"/tools/demo.d/*.sh "$stage/mmtwin/demo.d/" 2>/dev/null || true
# mmtwin's own tools, built with the selftests (selftests/tools), where a
# user would have them after make install.
if [ -x "$stage/mmtwin/selftests/tools/mmtwin-compare" ]; then
	mkdir -p "$stage/usr/bin" "$stage/usr/share/mmtwin"
	ln -s /mmtwin/selftests/tools/mmtwin-compare "$stage/usr/bin/mmtwin-compare"
	ln -s /mmtwin/selftests/tools/bpftrace "$stage/usr/share/mmtwin/bpftrace"
fi

mkdir -p "$(dirname "$out")"
{ cat "$base"; mkcpio "$stage"; } >"$out"
