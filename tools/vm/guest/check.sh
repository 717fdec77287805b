# SPDX-License-Identifier: GPL-2.0
# Job "check": load every module, run every KUnit module and kselftest,
# unload everything. One @@ section per result; the host knows which results
# to expect and fails any that are missing.
. /mmtwin/guest/lib.sh

taint start
run_section setup swap setup_swap

# 1. Every twin loads. mmtwin_core first; modprobe resolves the rest.
for m in $(modules_of twin); do
	run_section load "$m" modprobe "$m"
done

# 2. KUnit: a test module runs its suites while it loads. The section holds
# the KTAP of the whole load (plan line included) from the kernel log, and
# modprobe's status: a module that fails to load fails its section.
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
	# Unloaded at once, so twins they hold can be reloaded by kselftests.
	run_section unload "$m" rmmod "$m"
done

# 3. kselftests, through the kernel's own runner: one KTAP line a program.
kselftests()
{
	local t args=""

	for t in $(cat "$SELFTESTS/kselftest-list.txt"); do
		selected "$t" && args="$args -t $t"
	done
	[ -n "$args" ] || return 0
	# shellcheck disable=SC2086
	"$SELFTESTS/run_kselftest.sh" $args
}
run_section kselftest all kselftests

# 4. Every twin unloads, in reverse load order.
for m in $(modules_of twin | sed '1!G;h;$!d'); do
	run_section unload "$m" rmmod "$m"
done
taint end
exit 0
