#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, from Debian's archive, every package mmtwin builds and tests with.
# Does nothing (and needs no network) when all of them are present.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(
	build-essential flex bison bc cpio kmod dwarves libelf-dev libssl-dev
	xz-utils rsync python3 sparse perl ccache
	"$MMTWIN_SRC_PKG" "$MMTWIN_OLD_HDR_META" "$MMTWIN_STOCK_HDR_META"
	qemu-system-x86 busybox-static bpftrace
	clang llvm lld libclang-rt-14-dev
	gnuplot-nox dkms python3-docutils
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

[ "$(id -u)" = 0 ] ||
	die "missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}"
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
