# SPDX-License-Identifier: GPL-2.0
# Helpers for the job scripts that run inside the test VM. Sourced.

MODDIR=/lib/modules/$(uname -r)/extra
SELFTESTS=/mmtwin/selftests

# One section per test result; the host parses these lines:
#   @@ BEGIN <kind> <name>
#   ...output...
#   @@ END <kind> <name> <exit status>
begin() { echo "@@ BEGIN $1 $2"; }
end() { echo "@@ END $1 $2 $3"; }

# Our modules in dependency order: modules.dep lists every transitive
# dependency of a module, so fewer dependencies means earlier.
modules_by_deps()
{
	awk -F: '$1 ~ /^extra\// {
		n = split($2, deps, " ")
		m = $1; sub(/^extra\//, "", m); sub(/\.ko$/, "", m)
		print n, m
	}' "/lib/modules/$(uname -r)/modules.dep" | sort -n -k1,1 -k2 | cut -d' ' -f2
}

# The mmtwin modules of one kind: twin (mmtwin_<twin>), kunit, bench.
modules_of()
{
	for m in $(modules_by_deps); do
		case "$1:$m" in
		kunit:*_kunit|bench:*_bench) echo "$m" ;;
		twin:*_kunit|twin:*_bench) ;;
		twin:*) echo "$m" ;;
		esac
	done
}

# Does a test named by $1 (twin name or module) pass the mmtwin.only filter?
selected()
{
	[ -z "$MMTWIN_ONLY" ] && return 0
	for w in $(echo "$MMTWIN_ONLY" | tr ',' ' '); do
		case "$1" in *"$w"*) return 0 ;; esac
	done
	return 1
}

# Swap on zram, for tests that page out (walker, reclaimer).
setup_swap()
{
	[ -e /sys/block/zram0 ] || modprobe zram 2>/dev/null
	[ -e /sys/block/zram0 ] || return 0
	echo 512M >/sys/block/zram0/disksize 2>/dev/null || return 0
	mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
}

load_twins()
{
	for m in $(modules_of twin); do
		modprobe "$m" || echo "# modprobe $m failed"
	done
}
