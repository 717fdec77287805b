/* SPDX-License-Identifier: GPL-2.0 */
/* The harness's stand-ins for what modules/reclaim/calc.c takes from the kernel. */
#ifndef _RECLAIM_USER_SHIM_H
#define _RECLAIM_USER_SHIM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t u32;
typedef uint64_t u64;

#define PAGE_SHIFT	12

#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi) min(max(v, lo), hi)
/* The kernel's mult_frac(): x * n / d without overflowing x * n. */
#define mult_frac(x, n, d) ({					\
	typeof(x) q_ = (x) / (d), r_ = (x) % (d);		\
	q_ * (n) + r_ * (n) / (d);				\
})

static inline u64 div64_u64(u64 a, u64 b)
{
	return a / b;
}

/* int_sqrt(): the floor of the square root. */
static inline unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

#endif /* _RECLAIM_USER_SHIM_H */
