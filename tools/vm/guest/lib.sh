# SPDX-License-Identifier: GPL-2.0
# Helpers for the job scripts that run inside the test VM. Sourced.

MODDIR=/lib/modules/$(uname -r)/extra
# The kselftest install tree: run_kselftest.sh, kselftest-list.txt, <twin>/.
SELFTESTS=/mmtwin/selftests

# One section per test result; the host parses these lines:
#   @@ BEGIN <kind> <name>
#   ...output...
#   @@ END <kind> <name> <exit status>
# A section's output always ends in a newline (see run_section), so an END
# marker is never glued to a test's last line.
begin() { echo "@@ BEGIN $1 $2"; }
end() { echo "@@ END $1 $2 $3"; }

# run_section KIND NAME CMD...: CMD's output in a section, with its status.
# awk ends every line, the last one too, with a newline.
run_section()
{
	local kind=$1 name=$2 rc

	shift 2
	begin "$kind" "$name"
	{ "$@" 2>&1; echo $? >/tmp/section.rc; } | awk 1
	rc=$(cat /tmp/section.rc)
	end "$kind" "$name" "$rc"
}

# Taint bits, printed at the start and the end of every job: the host fails
# the run on any bit that appeared in between, except O and E (our modules
# are out of tree and unsigned) and N (KUnit ran).
taint() { echo "@@ TAINT $1 $(cat /proc/sys/kernel/tainted)"; }

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

# Swap on zram, for tests that page out (walker, reclaimer). Every step must
# work: a test that needs swap must not find it silently missing.
setup_swap()
{
	if [ ! -e /sys/block/zram0 ]; then
		modprobe zram || return 1
	fi
	echo 512M >/sys/block/zram0/disksize || return 1
	mkswap /dev/zram0 >/dev/null || return 1
	swapon /dev/zram0 || return 1
	grep -q '^/dev/zram0 ' /proc/swaps
}

load_twins()
{
	for m in $(modules_of twin); do
		modprobe "$m" || echo "# modprobe $m failed"
	done
}
