#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch (or find) Debian's stock 6.12 kernel image and its modules, unpacked
# into the cache, for booting in the test VM. Prints the directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }

rel=$(stock_release)
[ -n "$rel" ] || die "cannot resolve $MMTWIN_STOCK_META (run apt-get update)"
dir=$(stock_dir "$rel")
if [ -f "$dir/.mmtwin-complete" ]; then
	echo "$dir"
	exit 0
fi

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
