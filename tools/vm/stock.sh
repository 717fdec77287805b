#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch (or find) Debian's stock 6.12 kernel image and its modules, unpacked
# into the cache, for booting in the test VM. Prints the directory.
#
#   stock.sh [RELEASE]
#
# RELEASE defaults to the newest installed 6.12 headers' release, so the
# image is the one the modules were built against.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -le 1 ] || { echo "usage: $0 [RELEASE]" >&2; exit 2; }
rel=${1:-$(stock_release || true)}
[ -n "$rel" ] || die "no Debian 6.12 headers installed (run tools/vm/deps.sh)"
case "$rel" in *[!a-z0-9.+_-]*) die "RELEASE: not a kernel release: '$rel'" ;; esac
dir=$(stock_dir "$rel")
[ -f "$dir/.mmtwin-complete" ] && { echo "$dir"; exit 0; }
lock_cache "$dir"
[ -f "$dir/.mmtwin-complete" ] && { echo "$dir"; exit 0; }

log "fetching Debian's linux-image-$rel"
tmp=$(mktemp -d)
chmod 0755 "$tmp"	# apt downloads as user _apt
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "linux-image-$rel" >&2) ||
	die "apt-get download linux-image-$rel failed"
rm -rf "$dir"
mkdir -p "$dir"
dpkg-deb -x "$tmp"/linux-image-*.deb "$dir"
# Merged-/usr packages put modules under usr/lib; present one path.
[ -d "$dir/lib/modules" ] || ln -s usr/lib "$dir/lib"
depmod -b "$dir" "$rel"
touch "$dir/.mmtwin-complete"
echo "$dir"
