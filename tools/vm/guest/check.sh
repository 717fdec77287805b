# SPDX-License-Identifier: GPL-2.0
# Job "check": load every module, run every KUnit module and kselftest,
# unload everything. One @@ section per result; the host knows which results
# to expect and fails any that are missing.
. /mmtwin/guest/lib.sh

taint start
run_section setup swap setup_swap

# Every twin unloaded, quietly: what a KUnit module pulled in.
unload_twins()
{
	local m
	for m in $(modules_of twin | sed '1!G;h;$!d'); do
		rmmod "$m" 2>/dev/null
	done
}

# 1. KUnit: a test module runs its suites while it loads, with only the
# twins it depends on loaded (a loaded reclaimer, say, holds the buddy's
# one reclaim slot that the buddy's own suite registers in). The section
# holds the KTAP of the whole load (plan line included) from the kernel
# log, and modprobe's status: a module that fails to load fails its section.
kunit_load()
{
	local rc

	dmesg -c >/dev/null
	modprobe "$1" >/tmp/modprobe.out 2>&1
	rc=$?
	dmesg
	sed 's/^/# modprobe: /' /tmp/modprobe.out
	return $rc
}

for m in $(modules_of kunit); do
	selected "$m" || continue
	run_section kunit "$m" kunit_load "$m"
	run_section unload "$m" rmmod "$m"
	unload_twins
done

# 2. Every twin loads. mmtwin_core first; modprobe resolves the rest.
for m in $(modules_of twin); do
	run_section load "$m" modprobe "$m"
done

# 3. kselftests, through the kernel's own runner: one KTAP line a program.
# A program named lockdown* locks the kernel down, which cannot be undone
# (no unsigned module loads, no debugfs writes after it): those run in a
# second runner call after all others, and only unloads follow them.
kselftests()
{
	local t args="" last="" rc=0

	for t in $(cat "$SELFTESTS/kselftest-list.txt"); do
		selected "$t" || continue
		case "${t#*:}" in
		lockdown*) last="$last -t $t" ;;
		*) args="$args -t $t" ;;
		esac
	done
	# shellcheck disable=SC2086
	if [ -n "$args" ]; then
		"$SELFTESTS/run_kselftest.sh" $args || rc=$?
	fi
	# shellcheck disable=SC2086
	if [ -n "$last" ]; then
		"$SELFTESTS/run_kselftest.sh" $last || rc=$?
	fi
	return $rc
}
run_section kselftest all kselftests

# 4. Every twin unloads, in reverse load order.
for m in $(modules_of twin | sed '1!G;h;$!d'); do
	run_section unload "$m" rmmod "$m"
done
taint end
exit 0
