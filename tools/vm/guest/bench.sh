# SPDX-License-Identifier: GPL-2.0
# Job "bench": each benchmark module runs its loops in init and prints lines
# starting "mmtwin-bench:"; each bench_* selftest program does the same.
. /mmtwin/guest/lib.sh

load_twins
for m in $(modules_of bench); do
	selected "$m" || continue
	dmesg -c >/dev/null
	begin bench "$m"
	insmod "$MODDIR/$m.ko" 2>&1
	dmesg | sed -n 's/.*mmtwin-bench: //p'
	rmmod "$m"
	end bench "$m" 0
done
for t in "$SELFTESTS"/*/bench_*; do
	[ -x "$t" ] || continue
	selected "$t" || continue
	begin bench "$(basename "$t")"
	(cd "$(dirname "$t")" && timeout 600 "$t" 2>&1) | sed -n 's/.*mmtwin-bench: //p'
	end bench "$(basename "$t")" 0
done
