# SPDX-License-Identifier: GPL-2.0
# Shared definitions for the mmtwin VM scripts. Sourced, never run.

MMTWIN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MMTWIN_VM_DIR="$MMTWIN_TOP/tools/vm"
MMTWIN_CACHE="${MMTWIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mmtwin}"
MMTWIN_OUT="${MMTWIN_OUT:-$MMTWIN_TOP/out}"

# The Debian source package the test-VM kernel is built from, and the stock
# Debian kernel the same tests also run on.
MMTWIN_SRC_PKG=linux-source-6.12
MMTWIN_STOCK_HDR_META=linux-headers-6.12-amd64
MMTWIN_OLD_HDR_META=linux-headers-amd64

log() { printf '[mmtwin] %s\n' "$*" >&2; }
die() { printf '[mmtwin] error: %s\n' "$*" >&2; exit 2; }

# Upstream version of the kernel source the package ships (6.12.117).
src_version()
{
	dpkg-query -W -f='${Version}' "$MMTWIN_SRC_PKG" 2>/dev/null | sed 's/-.*//'
}

# Config fragments that make up a variant, in merge order.
variant_fragments()
{
	case "$1" in
	default) echo "$MMTWIN_VM_DIR/mmtwin.config" ;;
	debug) echo "$MMTWIN_VM_DIR/mmtwin.config $MMTWIN_VM_DIR/debug.config" ;;
	*) die "unknown VARIANT '$1' (expected: default, debug)" ;;
	esac
}

# Extra kernel command line of a variant. The debug kernel boots with 4-level
# paging: with LA57 (QEMU's -cpu max under TCG) its KASAN reported a
# wild-memory-access in identify_cpu at boot, before any module of ours,
# which turns lock debugging off for the whole run. The default kernel keeps
# 5-level paging, so both layouts are tested.
variant_append()
{
	case "$1" in
	debug) echo "no5lvl" ;;
	*) echo "" ;;
	esac
}

# Cache directory of a variant's kernel tree: version plus a hash of the
# fragments' option lines (comments do not count), so changing an option
# builds a new kernel beside the old one.
kernel_dir()
{
	local variant=$1 ver hash name

	ver=$(src_version)
	[ -n "$ver" ] || die "$MMTWIN_SRC_PKG is not installed (run tools/vm/deps.sh)"
	# shellcheck disable=SC2046
	hash=$(cat $(variant_fragments "$variant") |
		grep -E '^(CONFIG_|# CONFIG_)' | sha256sum | cut -c1-10)
	name="kernel-$ver-$hash"
	[ "$variant" = default ] || name="kernel-$ver-$variant-$hash"
	echo "$MMTWIN_CACHE/$name"
}

kernel_ready() { [ -f "$(kernel_dir "$1")/.mmtwin-complete" ]; }

# Stock Debian kernel: the release of the newest installed 6.12 headers, so
# the image booted is the one the modules were built against.
stock_release()
{
	local hdr
	hdr=$(headers_for 6.12.)
	[ -n "$hdr" ] || return 1
	basename "$hdr" | sed 's/^linux-headers-//'
}

# Holds an exclusive lock on a cache entry until the calling script exits,
# so two checkouts never build into one directory: "lock_cache PATH".
lock_cache()
{
	mkdir -p "$MMTWIN_CACHE"
	exec 9>"$1.lock"
	if ! flock -n 9; then
		log "waiting for another build of $(basename "$1")"
		flock 9
	fi
}

stock_dir() { echo "$MMTWIN_CACHE/stock-$1"; }

# A private copy of the sources per kernel, so builds never share objects.
sync_tree()
{
	mkdir -p "$1"
	(cd "$MMTWIN_TOP" && git ls-files -z --cached --others --exclude-standard |
		rsync -a --from0 --files-from=- ./ "$1/")
}

# Compilers through ccache, its store in the cache: a module build repeats
# only what changed since the last run of the same checkout, and a hit
# replays the compiler's warnings, so the clean W=1 builds below still show
# every one. Paths are part of ccache's key: a new clone starts cold.
use_ccache()
{
	[ -d /usr/lib/ccache ] || return 0
	export PATH="/usr/lib/ccache:$PATH"
	export CCACHE_DIR="$MMTWIN_CACHE/ccache"
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-2G}
}

# A full W=1 build of a copy of the tree against kernel tree $1: cleaned
# first, so every warning shows on every run.
kbuild()
{
	make -C "$1" M="$2" clean >/dev/null &&
		make -C "$1" M="$2" W=1 "${@:3}" modules
}

# Sparse over every file of an already built copy.
ksparse() { make -C "$1" M="$2" W=1 C=2 modules; }

# Newest Debian amd64 headers whose release starts with $1 ("6.1.").
headers_for()
{
	ls -d /usr/src/linux-headers-"$1"*-amd64 2>/dev/null | sort -V | tail -n1
}
