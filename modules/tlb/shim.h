/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few types the TLB policy core needs, from the kernel or, when the
 * core is built by tools/testing/tlb/, from the C library.
 */
#ifndef _MMTWIN_TLB_SHIM_H
#define _MMTWIN_TLB_SHIM_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#include <linux/string.h>
#include <mmtwin/compat.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
typedef uint16_t u16;
typedef uint64_t u64;
#define PAGE_SHIFT	12
#endif

#endif /* _MMTWIN_TLB_SHIM_H */
