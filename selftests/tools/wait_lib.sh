# SPDX-License-Identifier: GPL-2.0
# Waits for a state, not for a time: sourced by the tools tests and, from
# the installed selftests, by the demo (as pressure_node.awk is). Under TCG
# a fixed sleep is either too short on a loaded host or idle time on a
# quiet one.

# wait_in_nanosleep PID: until PID sleeps in nanosleep (its wchan), at most
# 5 s: a "sleep N &" just started is then past its exec, so the address
# space a walker reads is the one it keeps.
wait_in_nanosleep()
{
	local i=0

	while [ $i -lt 100 ] && ! grep -q nanosleep "/proc/$1/wchan" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
}

# wait_twin_kswapds_asleep: until no node of the reclaimer twin has its
# kswapd napping or running (nor none started), at most 30 s.
wait_twin_kswapds_asleep()
{
	local i=0

	while [ $i -lt 300 ] &&
		grep -q 'kswapd [nr]' /sys/kernel/debug/mmtwin/reclaim/stats; do
		sleep 0.1
		i=$((i + 1))
	done
}
