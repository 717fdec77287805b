# SPDX-License-Identifier: GPL-2.0
# The result tally of tools/check.sh, apart so that the checker's own tests
# (tools/testing/check/) can feed it made-up reports. Sourced.

passed=0 failed=0 skipped=0

result()
{
	local status=$1 name=$2
	case "$status" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	esac
	printf '  %-4s %s\n' "$status" "$name"
}

# vm_collect LABEL DIR: prints DIR/report.txt and adds its counts; a reporter
# that failed or printed no counts is a failure of its own.
vm_collect()
{
	local label=$1 dir=$2 line counts="" rc=""

	if [ ! -f "$dir/report.txt" ]; then
		result FAIL "$label: no report (log: $dir)"
		return
	fi
	while IFS= read -r line; do
		case "$line" in
		"COUNTS "*) counts=$line ;;
		"REPORT-STATUS "*) rc=${line#REPORT-STATUS } ;;
		*) echo "$line" ;;
		esac
	done <"$dir/report.txt"
	if [ -n "$counts" ]; then
		set -- $counts
		passed=$((passed + $2)) failed=$((failed + $3)) skipped=$((skipped + $4))
	fi
	if [ "$rc" != 0 ] || [ -z "$counts" ]; then
		result FAIL "$label: reporter exits 0 with counts (status ${rc:-none})"
	fi
	log "$label: console $dir/console.log, results $dir/results.txt"
	[ ! -s "$dir/qemu.time" ] || log "$label: QEMU $(cat "$dir/qemu.time")"
}

