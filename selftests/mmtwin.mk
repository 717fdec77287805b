# SPDX-License-Identifier: GPL-2.0
# Included by each twin's selftest Makefile instead of the kernel's
# "../lib.mk": our directories live outside the kernel tree, so lib.mk is
# found through KSFT (set by ../Makefile, or on the command line).
MMTWIN_SELFTESTS := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ifeq ($(KSFT),)
KSFT := $(shell $(MMTWIN_SELFTESTS)/../tools/vm/kernel.sh --print-dir 2>/dev/null)/tools/testing/selftests
endif

CFLAGS += -Wall -O2 -g -static -pthread -I$(KSFT) -I$(MMTWIN_SELFTESTS)/lib
LOCAL_HDRS += $(wildcard $(MMTWIN_SELFTESTS)/lib/*.h)

include $(KSFT)/lib.mk
