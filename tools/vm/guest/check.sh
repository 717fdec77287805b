# SPDX-License-Identifier: GPL-2.0
# Job "check": load every module, run every KUnit suite and kselftest,
# unload everything. One @@ section per result.
. /mmtwin/guest/lib.sh

setup_swap

# 1. Every twin loads. mmtwin_core first; modprobe resolves the rest.
for m in $(modules_of twin); do
	begin load "$m"
	modprobe "$m" 2>&1
	end load "$m" $?
done

# 2. KUnit: each test module runs its suites when loaded.
for m in $(modules_of kunit); do
	selected "$m" || continue
	before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
	modprobe "$m" 2>&1 || echo "# modprobe $m failed"
	for s in $(ls /sys/kernel/debug/kunit 2>/dev/null); do
		echo "$before" | grep -qx "$s" && continue
		begin kunit "$s"
		cat "/sys/kernel/debug/kunit/$s/results"
		end kunit "$s" 0
	done
	# Unloaded at once, so twins they hold can be reloaded by kselftests.
	rmmod "$m" 2>&1 || echo "# rmmod $m failed"
done

# 3. kselftests, each from its own directory.
for t in "$SELFTESTS"/*/*; do
	[ -x "$t" ] || continue
	case "$(basename "$t")" in bench_*) continue ;; esac
	name=$(basename "$(dirname "$t")")/$(basename "$t")
	selected "$name" || continue
	begin kselftest "$name"
	(cd "$(dirname "$t")" && timeout 600 "$t" 2>&1)
	end kselftest "$name" $?
done

# 4. Every twin unloads, in reverse load order.
for m in $(modules_of twin | sed '1!G;h;$!d'); do
	begin unload "$m"
	rmmod "$m" 2>&1
	end unload "$m" $?
done
exit 0
