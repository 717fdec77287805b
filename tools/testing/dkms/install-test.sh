#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms build, modinfo, make modules_install and make install, each checked
# in scratch directories under out/dkms (no dkms install, no module
# loaded). Prints TAP; exits 1 on any failure.
#
#   ./install-test.sh [HEADERS_DIR]   (default: Debian's stock 6.12 headers)
set -uo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/tools/vm/lib.sh"
rel=${MMTWIN_DKMS_RELEASE:-$(stock_release)}
hdr=${1:-/usr/src/linux-headers-$rel}
[ -d "$hdr" ] || { echo "Bail out! no headers at $hdr (run tools/vm/deps.sh)"; exit 1; }
rel=$(cat "$hdr/include/config/kernel.release")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
# Scratch trees at a fixed place, so a rerun's compiles are ccache hits.
scratch=$MMTWIN_OUT/dkms
rm -rf "$scratch"
mkdir -p "$scratch"
use_ccache
n=0 fails=0

ok()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

echo "TAP version 13"

# The source as dkms wants it: /usr/src/mmtwin-VERSION, here in scratch.
src=$scratch/src/mmtwin-$version
mkdir -p "$src" "$scratch/tree"
(cd "$top" && git ls-files -z --cached --others --exclude-standard \
	Kbuild dkms.conf include modules kunit | xargs -0 cp --parents -t "$src")
dk=(--sourcetree "$scratch/src" --dkmstree "$scratch/tree")
dkms add -m mmtwin -v "$version" "${dk[@]}" >"$scratch/add.log" 2>&1
ok $? "dkms add -m mmtwin -v $version"
dkms build -m mmtwin -v "$version" -k "$rel" --kernelsourcedir "$hdr" "${dk[@]}" \
	>"$scratch/build.log" 2>&1
rc=$?
[ $rc = 0 ] || { sed 's/^/# /' "$scratch/build.log"; cat "$scratch/tree/mmtwin/$version/build/make.log" 2>/dev/null | sed 's/^/# /'; }
ok $rc "dkms build -k $rel"

built=$scratch/tree/mmtwin/$version/$rel/$(uname -m)/module
# Every module modules/*/Kbuild makes (kunit/ is built only with
# CONFIG_KUNIT, which Debian's kernel lacks) is one dkms.conf installs.
listed=$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$top/dkms.conf" | sort)
made=$(sed -n 's/^obj-m *+= *\(.*\)$/\1/p' "$top"/modules/*/Kbuild |
	tr ' ' '\n' | sed -n 's/\.o$//p' | sort)
[ "$listed" = "$made" ]
ok $? "dkms.conf lists every module the build makes (listed: $(echo $listed); made: $(echo $made))"
for m in $(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"/\1/p' "$top/dkms.conf"); do
	ko=$(ls "$built/$m".ko* 2>/dev/null | head -n1)
	[ -n "$ko" ] && [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ]
	ok $? "dkms built $m for $rel"
	[ -n "$ko" ] || continue
	# Every module says what it is; every parameter says what it does and
	# its default, which must be the initializer in the source.
	desc=$(modinfo -F description "$ko")
	bad=$(modinfo -F parm "$ko" | grep -v ':.* ([a-z]*)$')
	[ -n "$desc" ] && [ -z "$bad" ]
	ok $? "modinfo $m: a description and every parameter described${bad:+ (not: $bad)}"
	while IFS=: read -r name text; do
		# A 0444 parameter that reports what the module found has no
		# default to state; it says so instead.
		case "$text" in *"(read-only report) ("*)
			ok 0 "modinfo $m: parameter $name is a read-only report"
			continue ;;
		esac
		said=$(echo "$text" | sed -n 's/.*(default \([^)]*\)) ([a-z]*)$/\1/p')
		# The module's own directory: mmtwin_<twin>[_suffix] lives in
		# modules/<twin>/, where another twin may use the same name.
		twin=${m#mmtwin_}
		twin=${twin%%_*}
		init=$(grep -rhE "^static .*[ *]$name = [^;]+;" "$top/modules/$twin" |
			sed 's/.* = \(.*\);.*/\1/' | head -n1)
		[ -n "$said" ] && [ "$said" = "$init" ]
		ok $? "modinfo $m: parameter $name states its default ($said; source: $init)"
	done < <(modinfo -F parm "$ko")
done

# make modules_install into a staging root: modprobe finds core first.
# make check has built a copy of the tree against these headers already
# (MMTWIN_DKMS_BUILT, for the stock-kernel VM): modules_install installs
# what a tree has built, so that copy's modules are installed, once each
# is shown built for this release, instead of building them a third time.
build=$scratch/build
mkdir -p "$build"
(cd "$top" && git ls-files -z --cached --others --exclude-standard \
	Kbuild Makefile include modules kunit tools/vm/kernel.sh tools/vm/lib.sh \
	tools/compare tools/bpftrace tools/plot.sh |
	xargs -0 cp --parents -t "$build")
if [ -n "${MMTWIN_DKMS_BUILT:-}" ]; then
	built_tree=$MMTWIN_DKMS_BUILT
	echo "# modules_install from $built_tree (built by make check)"
	rc=0
	for ko in $(sed 's/\.o$/.ko/' "$built_tree/modules.order" 2>/dev/null); do
		case "$ko" in /*) ;; *) ko=$built_tree/$ko ;; esac
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ] ||
			{ echo "# $ko: not built for $rel"; rc=1; }
	done
	[ -s "$built_tree/modules.order" ] || rc=1
else
	built_tree=$build
	make -C "$build" KDIR="$hdr" modules >"$scratch/make.log" 2>&1
	rc=$?
fi
if [ $rc = 0 ]; then
	make -C "$built_tree" KDIR="$hdr" INSTALL_MOD_PATH="$scratch/root" \
		modules_install >>"$scratch/make.log" 2>&1
	rc=$?
fi
[ $rc = 0 ] || tail -n 20 "$scratch/make.log" | sed 's/^/# /'
ok $rc "make modules_install INSTALL_MOD_PATH=..."
deps=$(modprobe -d "$scratch/root" -S "$rel" --show-depends mmtwin_buddy 2>&1)
echo "$deps" | sed 's/^/# /'
echo "$deps" | awk '{ print $2 }' | xargs -n1 basename 2>/dev/null | sed 's/\.ko.*//' |
	tr '\n' ' ' | grep -qx 'mmtwin_core mmtwin_buddy '
ok $? "modprobe mmtwin_buddy resolves to extra/: mmtwin_core, then mmtwin_buddy"

# make install under a prefix.
make -C "$build" install PREFIX=/usr DESTDIR="$scratch/dest" >"$scratch/install.log" 2>&1
rc=$?
for f in bin/mmtwin-compare bin/mmtwin-plot share/mmtwin/bpftrace/pagealloc.bt \
	 share/mmtwin/bpftrace/pgwalklat.bt; do
	[ -x "$scratch/dest/usr/$f" ] || rc=1
done
"$scratch/dest/usr/bin/mmtwin-compare" --help | grep -q '^Usage: mmtwin-compare' || rc=1
[ $rc = 0 ] || sed 's/^/# /' "$scratch/install.log"
ok $rc "make install PREFIX=/usr DESTDIR=...: the tools and the bpftrace scripts"

echo "1..$n"
[ $fails = 0 ]
