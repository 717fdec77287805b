# SPDX-License-Identifier: GPL-2.0
# Job "bench": each benchmark module runs its loops in init, prints lines
# starting "mmtwin-bench:" and fails its init on purpose to unload itself.
. /mmtwin/guest/lib.sh

load_twins
for m in $(modules_of bench); do
	selected "$m" || continue
	dmesg -c >/dev/null
	begin bench "$m"
	# insmod, not modprobe: busybox modprobe retries a failed init once.
	insmod "$MODDIR/$m.ko" 2>/dev/null
	dmesg | sed -n 's/.*mmtwin-bench: //p'
	end bench "$m" 0
done
for t in "$SELFTESTS"/*/bench_*; do
	[ -x "$t" ] || continue
	selected "$t" || continue
	begin bench "$(basename "$t")"
	(cd "$(dirname "$t")" && timeout 600 "$t" 2>&1) | sed -n 's/.*mmtwin-bench: //p'
	end bench "$(basename "$t")" 0
done
