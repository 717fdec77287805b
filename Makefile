# SPDX-License-Identifier: GPL-2.0
#
# mmtwin top-level Makefile.
#
#   make                 build every module against KDIR (in place), and the tools
#   make KDIR=/path      ... against any kernel build tree or headers
#   make modules_install install the modules into /lib/modules/<release>/extra
#                        (INSTALL_MOD_PATH=DIR for a staging root), then depmod
#   make install         mmtwin-compare, mmtwin-plot and the bpftrace tools
#                        under PREFIX (default /usr/local; DESTDIR for staging)
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

PREFIX ?= /usr/local
KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

.PHONY: all modules modules_install tools install clean deps kernel check demo bench help

all: modules tools

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# As a distribution's out-of-tree modules: extra/, found by modprobe.
modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	/sbin/depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KRELEASE)

tools:
	$(MAKE) -C tools/compare

install: tools
	$(MAKE) -C tools/compare install PREFIX=$(PREFIX)
	install -D -m 0755 tools/plot.sh $(DESTDIR)$(PREFIX)/bin/mmtwin-plot
	install -d $(DESTDIR)$(PREFIX)/share/mmtwin/bpftrace
	install -m 0755 tools/bpftrace/*.bt $(DESTDIR)$(PREFIX)/share/mmtwin/bpftrace/

clean:
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C tools/compare clean
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
