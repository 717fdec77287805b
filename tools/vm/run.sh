#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test VM once and run one job in it.
#
#   run.sh --kernel BZIMAGE --initrd FILE --job check|demo|bench --out DIR
#          [--only NAMES] [--timeout SECONDS] [--append "KERNEL ARGS"]
#          [--run-id ID]
#
# Always TCG with one thread (see shared/notes/test-vm-facts.md: the host's
# KVM does not work, multi-threaded TCG crashes guests). Two NUMA nodes of
# 3 GiB each, one CPU socket each (a shared LLC across nodes would WARN),
# give the guest DMA and DMA32 on node 0 and Normal on node 1. Node 1 starts
# at 4 GiB and memblock allocates from its top, so a whole aligned GiB stays
# free for the 1 GiB hugetlb page booked at boot (hugepagesz=1G hugepages=1):
# with 2 GiB nodes no aligned GiB was left on either kernel.
# DIR/console.log gets every kernel message, DIR/results.txt the job's
# output; the guest writes "@@ RUNID <ID>" first, so a reader can tell this
# run's results from an older file's. Exit status: the job's, 124 on timeout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	echo "usage: $0 --kernel BZIMAGE --initrd FILE --job check|demo|bench --out DIR [--only NAMES] [--timeout SECONDS] [--append \"KERNEL ARGS\"] [--run-id ID]" >&2
	exit 2
}

kernel="" initrd="" job="" out="" only="" timeout=900 extra="" runid=""
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--job) job=$2 ;;
	--out) out=$2 ;;
	--only) only=$2 ;;
	--timeout) timeout=$2 ;;
	--append) extra=$2 ;;
	--run-id) runid=$2 ;;
	*) echo "$0: unknown argument '$1'" >&2; usage ;;
	esac
	shift 2
done
[ -f "$kernel" ] || die "--kernel: no file '$kernel'"
[ -f "$initrd" ] || die "--initrd: no file '$initrd'"
case "$job" in check|demo|bench) ;; *) die "--job: expected check, demo or bench, got '$job'" ;; esac
[ -n "$out" ] || usage
case "$only" in *[!a-z0-9_,]*) die "--only: use names of [a-z0-9_], comma-separated" ;; esac
case "$timeout" in ''|*[!0-9]*) die "--timeout: expected seconds, got '$timeout'" ;; esac
case "$runid" in *[!a-z0-9]*) die "--run-id: use [a-z0-9], got '$runid'" ;; esac
[ -n "$runid" ] || runid=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

mkdir -p "$out"
rm -f "$out/results.txt" "$out/console.log" "$out/qemu.log"

# log_buf_len: a KUnit module's whole KTAP must fit in the kernel log.
# no_timer_check: under a loaded host, TCG can miss the IO-APIC timer check
# at boot and the kernel panics ("IO-APIC + timer doesn't work").
append="console=ttyS0 panic=-1 oops=panic loglevel=7 log_buf_len=8M no_timer_check"
append="$append hugepagesz=1G hugepages=1"
# norandmaps: QEMU 7.2's TCG finds translated code by virtual address, so
# with user-space ASLR every new process (each bpftrace, clang and awk run)
# translates its shared libraries again. Without it the check job cost QEMU
# 111 s of CPU instead of 132 (measured side by side). Kernel ASLR stays.
append="$append norandmaps"
# clearcpuid=rep_good, with "-erms" on QEMU's side: TCG runs a REP string
# instruction one element per pass through its translated code, so the
# kernel's clear_page_erms() (rep stosb) took 4096 passes a page and
# copy_to_user() one a byte. Without ERMS and REP_GOOD the kernel zeroes
# and copies pages with unrolled 8-byte moves (clear_page_orig(),
# copy_page_regs()), and glibc's memset/memcpy use vector loops. Debian's
# kernel zeroes every page it hands out (init_on_alloc): the check job
# cost QEMU 82 s of CPU on it instead of 124, and 93 s instead of 118 on
# the test kernel (measured one at a time, quiet host). The kernel marks
# itself S (CPU out of spec) at boot for the cleared bit; the job's taint
# check compares the end with the start, so S is not counted.
append="$append clearcpuid=rep_good"
# mitigations=off: an emulated CPU has no side channels worth closing, and
# under TCG each retpoline and RSB fill is extra blocks of translated code
# on every indirect call and context switch. The check job, both kernels
# at once on the quiet host: QEMU CPU 93 s -> 71 s (test kernel) and
# 82 s -> 71 s (Debian's).
append="$append mitigations=off"
append="$append mmtwin.job=$job mmtwin.runid=$runid"
[ -z "$only" ] || append="$append mmtwin.only=$only"
[ -z "$extra" ] || append="$append $extra"

# QEMU's CPU time, next to its wall time, goes to DIR/qemu.time: under
# TCG the run's cost is CPU, and make check prints each VM's.
status=0
TIMEFORMAT="%R s wall, %U s user, %S s sys"
{ time timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel tcg,thread=single -cpu max,-erms -m 6G \
	-smp 2,sockets=2,cores=1,threads=1 \
	-object memory-backend-ram,size=3G,id=m0 \
	-object memory-backend-ram,size=3G,id=m1 \
	-numa node,memdev=m0,cpus=0 -numa node,memdev=m1,cpus=1 \
	-display none -monitor none -no-reboot \
	-serial "file:$out/console.log" \
	-device virtio-serial-pci \
	-chardev "file,id=results,path=$out/results.txt" \
	-device virtserialport,chardev=results,name=org.mmtwin.results \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	</dev/null >"$out/qemu.log" 2>&1 || status=$?; } 2>"$out/qemu.time"

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	log "VM timed out after ${timeout}s (console: $out/console.log)"
	exit 124
fi
guest=$(sed -n 's/^@@ EXIT \([0-9]*\)$/\1/p' "$out/results.txt" | tail -n1)
if [ -z "$guest" ]; then
	log "VM stopped without reporting an exit status (console: $out/console.log)"
	tail -n 20 "$out/console.log" >&2
	exit 1
fi
exit "$guest"
