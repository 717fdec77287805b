# SPDX-License-Identifier: GPL-2.0
#
# mmtwin top-level Makefile.
#
#   make                 build every module against KDIR (in place)
#   make KDIR=/path      ... against any kernel build tree or headers
#   make demo            build, boot the test VM, show twin vs kernel
#   make check           every test: host checks, test VM, stock kernel VM
#   make check VARIANT=debug   the same on the KASAN + lockdep kernel
#   make check ONLY=buddy      VM tests of one twin only (host checks run)
#   make bench           run the twin-vs-kernel benchmarks in the VM
#   make kernel          build (or reuse) the cached test-VM kernel
#   make deps            install the Debian packages mmtwin needs

VARIANT ?= default
CACHE_KDIR := $(shell tools/vm/kernel.sh --variant $(VARIANT) --print-dir 2>/dev/null)
ifneq ($(wildcard $(CACHE_KDIR)/.mmtwin-complete),)
KDIR ?= $(CACHE_KDIR)
else
KDIR ?= /lib/modules/$(shell uname -r)/build
endif

.PHONY: all modules clean deps kernel check demo bench help

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf out

deps:
	tools/vm/deps.sh

kernel: deps
	tools/vm/kernel.sh --variant $(VARIANT)

check:
	tools/check.sh --variant $(VARIANT) $(if $(ONLY),--only $(ONLY))

demo:
	tools/demo.sh --variant $(VARIANT) --job demo

bench:
	tools/demo.sh --variant $(VARIANT) --job bench

help:
	@sed -n 's/^#   //p' Makefile
