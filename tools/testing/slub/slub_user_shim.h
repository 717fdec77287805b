/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for what modules/slub/shim.h takes from the kernel:
 * x86-64 with 4 KiB pages, 64-byte cache lines, SLAB_* flags with the
 * kernel's names (values of the harness's own).
 */
#ifndef _SLUB_USER_SHIM_H
#define _SLUB_USER_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
#define slab_flags_t		unsigned int

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define SLUB_MAX_PAGE_ORDER	10

#define SLAB_CONSISTENCY_CHECKS	0x00000100U
#define SLAB_RED_ZONE		0x00000400U
#define SLAB_POISON		0x00000800U
#define SLAB_KMALLOC		0x00001000U
#define SLAB_HWCACHE_ALIGN	0x00002000U
#define SLAB_CACHE_DMA		0x00004000U
#define SLAB_CACHE_DMA32	0x00008000U
#define SLAB_STORE_USER		0x00010000U
#define SLAB_RECLAIM_ACCOUNT	0x00020000U
#define SLAB_TYPESAFE_BY_RCU	0x00080000U
#define SLAB_TRACE		0x00200000U
#define SLAB_NO_MERGE		0x01000000U

#define ALIGN(x, a)		(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define max_t(t, a, b)		max((t)(a), (t)(b))
#define clamp_t(t, v, lo, hi)	min((t)max((t)(v), (t)(lo)), (t)(hi))

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* ffs() comes from <strings.h> (through <string.h>), 1-based as here. */

static inline int ilog2(unsigned long x)
{
	return 63 - __builtin_clzl(x);
}

/* get_order(): the order of the smallest block holding size bytes. */
static inline int get_order(unsigned long size)
{
	size = (size - 1) >> PAGE_SHIFT;
	return size ? 64 - __builtin_clzl(size) : 0;
}

#endif /* _SLUB_USER_SHIM_H */
