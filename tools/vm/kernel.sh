#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (or find) the cached test-VM kernel of a variant.
#
#   tools/vm/kernel.sh [--variant default|debug] [--print-dir]
#
# Prints the kernel tree's path on stdout when it is ready.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	echo "usage: $0 [--variant default|debug] [--print-dir]" >&2
	exit 2
}

variant=default
print_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--variant) [ $# -ge 2 ] || usage; variant=$2; shift 2 ;;
	--variant=*) variant=${1#*=}; shift ;;
	--print-dir) print_only=1; shift ;;
	-h|--help) usage ;;
	*) echo "$0: unknown argument '$1'" >&2; usage ;;
	esac
done
variant_fragments "$variant" >/dev/null

dir=$(kernel_dir "$variant")
if [ "$print_only" = 1 ]; then
	echo "$dir"
	exit 0
fi
if [ -f "$dir/.mmtwin-complete" ]; then
	log "kernel ($variant): cached at $dir"
	echo "$dir"
	exit 0
fi

# Two checkouts never build into one directory: the second waits, then
# finds the kernel ready.
lock_cache "$dir"
if [ -f "$dir/.mmtwin-complete" ]; then
	log "kernel ($variant): cached at $dir (built by another run)"
	echo "$dir"
	exit 0
fi

# Measured: a default tree takes 4.1 GB; ask for twice that.
need_gb=8
mkdir -p "$dir"
free_gb=$(df -P -BG "$dir" | awk 'NR == 2 { sub(/G$/, "", $4); print $4 }')
if [ "$free_gb" -lt "$need_gb" ]; then
	die "building the $variant kernel needs about $need_gb GB in $MMTWIN_CACHE; $free_gb GB free"
fi
buildlog="$dir/build.log"
: >>"$buildlog"
start=$(date +%s)

stage() { log "kernel ($variant) [$(( $(date +%s) - start ))s] $*"; }
fail()
{
	log "kernel build FAILED in stage: $1"
	log "full log: $buildlog"
	tail -n 30 "$buildlog" >&2
	exit 1
}

# Runs make in the background and prints a running count of compiled
# objects every 30 s, so a 20-minute build never looks hung.
make_with_progress()
{
	local what=$1 pid n i=0
	shift
	make -C "$dir" -j"$(nproc)" "$@" >>"$buildlog" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		i=$((i + 1))
		[ $((i % 15)) = 0 ] || continue
		n=$(grep -c -E '^  (CC|AS|LD|AR|BTF)' "$buildlog" || true)
		stage "$what: $n objects so far"
	done
	wait "$pid"
}

# The marker is written only after a whole extraction: an interrupted one
# is thrown away and redone, never configured.
if [ ! -f "$dir/.mmtwin-extracted" ]; then
	stage "extracting /usr/src/$MMTWIN_SRC_PKG.tar.xz"
	find "$dir" -mindepth 1 -maxdepth 1 ! -name build.log -exec rm -rf {} +
	tar -xf "/usr/src/$MMTWIN_SRC_PKG.tar.xz" -C "$dir" --strip-components=1 \
		>>"$buildlog" 2>&1 || fail extract
	touch "$dir/.mmtwin-extracted"
fi

if [ ! -f "$dir/.mmtwin-configured" ]; then
	stage "configuring (defconfig + kvm_guest.config + $(variant_fragments "$variant" | xargs -n1 basename | xargs))"
	# shellcheck disable=SC2046
	(cd "$dir" && make defconfig &&
		scripts/kconfig/merge_config.sh -m .config \
			kernel/configs/kvm_guest.config $(variant_fragments "$variant") &&
		make olddefconfig) >>"$buildlog" 2>&1 || fail configure
	# Report options the fragments asked for that Kconfig refused; a later
	# fragment's line for an option overrides an earlier one's.
	# shellcheck disable=SC2046
	cat $(variant_fragments "$variant") | grep -E '^(# )?CONFIG_' |
		sed -E 's/^# (CONFIG_[A-Za-z0-9_]+) is not set$/\1=n/' |
		awk -F= '{ want[$1] = $0 } END { for (o in want) print want[o] }' |
		while IFS= read -r want; do
			opt=${want%%=*}
			have=$(grep -E "^$opt=" "$dir/.config" || echo "$opt=n")
			[ "$want" = "$have" ] || log "note: wanted '$want', got '$have'"
		done
	touch "$dir/.mmtwin-configured"
fi

stage "building bzImage and modules (log: $buildlog)"
make_with_progress build bzImage modules || fail build
stage "installing modules into the tree"
make -C "$dir" INSTALL_MOD_PATH="$dir/_modinst" modules_install \
	>>"$buildlog" 2>&1 || fail modules_install
touch "$dir/.mmtwin-complete"
stage "done: $dir"
echo "$dir"
