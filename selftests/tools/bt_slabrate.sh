#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bpftrace/slabrate.bt counts the twin's allocations exactly (100
# objects of a 200-byte cache made for the test, 300 kmalloc(64)) and the
# kernel's (100 files made in tmpfs allocate dentries; kmalloc runs all
# the time), per second and in total.
. "$(dirname "$0")/bt_lib.sh"
bt_require 10
bt_load mmtwin_slub
S=/sys/kernel/debug/mmtwin/slub/control
cat >"$work" <<EOS
echo "create bt_slab 200" >$S
echo "alloc bt bt_slab 100" >$S
echo "kmalloc btk 64 300" >$S
mkdir -p /tmp/bt-files
for i in \$(seq 100); do : >/tmp/bt-files/f\$i; done
rm -rf /tmp/bt-files
sleep 1
echo "free bt" >$S
echo "free btk" >$S
echo "destroy bt_slab" >$S
EOS
bt_run slabrate.bt
check '^Tracing slab allocations per cache' "prints its banner"
check '^[0-9:]{8} allocations/s:$' "a time line every second"
check '^@rate\[twin\]: [1-9][0-9]*$' "twin: allocations in a second"
check '^@rate\[kernel\]: [1-9][0-9]*$' "kernel: allocations in a second"
check '^@allocs\[twin, bt_slab\]: 100$' "twin: 100 allocations from bt_slab"
check '^@bytes\[twin, bt_slab\]: 20000$' "twin: 100 x 200 bytes from bt_slab"
check '^@kmalloc\[twin, 64\]: 300$' "twin: 300 kmalloc(64)"
check '^@allocs\[kernel, dentry\]: [0-9]{2,}$' "kernel: dentries for the files"
check '^@bytes\[kernel, dentry\]: [0-9]{4,}$' "kernel: bytes of those dentries"
check '^@kmalloc\[kernel, [0-9]+\]: [0-9]+$' "kernel: kmalloc by class size"
bt_done
