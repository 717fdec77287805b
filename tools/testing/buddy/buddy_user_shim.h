/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for the kernel primitives modules/buddy/shim.h maps.
 * Each thread plays one CPU at a time: its harness_cpu says which. Locks
 * are error-checking mutexes, so recursion and unbalanced unlocks abort.
 */
#ifndef _BUDDY_USER_SHIM_H
#define _BUDDY_USER_SHIM_H

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include <linux/list.h>

/*
 * Attribute and annotation macros (__printf, __noreturn, __acquires,
 * __releases, __acquire, EXPORT_SYMBOL_IF_KUNIT, noinline, likely,
 * unlikely, BUDDY_HOT) come from the Makefile's -D flags; __always_inline
 * from glibc's <sys/cdefs.h>.
 */

#define BUDDY_MAX_ORDER		10
#define BUDDY_PB_ORDER		9
#define BUDDY_PCP_THP_ORDER	9	/* as x86-64 with THP */
#define BUDDY_NR_PCP_THP	2
#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define BITS_PER_LONG		64
#define SZ_1M			0x100000UL
#define EUCLEAN			117

/* GFP bits: the kernel's names, the harness's values. */
#define __GFP_DMA		0x01u
#define __GFP_HIGHMEM		0x02u
#define __GFP_DMA32		0x04u
#define __GFP_MOVABLE		0x08u
#define __GFP_RECLAIMABLE	0x10u
#define __GFP_HIGH		0x20u
#define __GFP_IO		0x40u
#define __GFP_FS		0x80u
#define __GFP_ZERO		0x100u
#define __GFP_DIRECT_RECLAIM	0x400u
#define __GFP_KSWAPD_RECLAIM	0x800u
#define __GFP_NOWARN		0x2000u
#define __GFP_RETRY_MAYFAIL	0x4000u
#define __GFP_NOFAIL		0x8000u
#define __GFP_NORETRY		0x10000u
#define __GFP_NOMEMALLOC	0x80000u
#define __GFP_MEMALLOC		0x20000u
#define __GFP_COMP		0x40000u
#define __GFP_THISNODE		0x200000u
#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC		(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT		(__GFP_KSWAPD_RECLAIM)

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/* The kernel's barriers, as C11 atomics: each pairs as in the kernel. */
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)
/* Pairs with smp_store_release(), as in the kernel. */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define buddy_cmpxchg(p, old, new) ({					\
	__typeof__(*(p)) __old = (old);					\
	__atomic_compare_exchange_n(p, &__old, new, false,		\
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE); \
	__old;								\
})

/* init_on_alloc is off here: only __GFP_ZERO zeroes. */
#define buddy_want_init(gfp)	((gfp) & __GFP_ZERO)

/* Host zone indexes: DMA, DMA32, Normal, Movable. */
#define BUDDY_ZONE_DMA		0
#define BUDDY_ZONE_DMA32	1
#define BUDDY_ZONE_NORMAL	2
#define BUDDY_ZONE_MOVABLE	3

/* gfp_zone() */
static inline int buddy_gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return BUDDY_ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return BUDDY_ZONE_DMA32;
	if ((gfp & (__GFP_MOVABLE | __GFP_HIGHMEM)) ==
	    (__GFP_MOVABLE | __GFP_HIGHMEM))
		return BUDDY_ZONE_MOVABLE;
	return BUDDY_ZONE_NORMAL;
}

/* Threaded tests widen race windows with this (a short sleep when set). */
extern int harness_race_window_us;
void harness_race_window(void);
#define buddy_race_window()	harness_race_window()

/* PF_MEMALLOC, per thread. */
extern __thread unsigned int harness_memalloc;
static inline unsigned int buddy_reclaim_enter(void)
{
	unsigned int old = harness_memalloc;

	harness_memalloc = 1;
	return old;
}
#define buddy_reclaim_exit(t)	(harness_memalloc = (t))
#define buddy_in_reclaim()	(harness_memalloc != 0)
#define buddy_oom_victim()	false
#define WARN_ON_ONCE(c)		harness_warn(!!(c), __FILE__, __LINE__)
#define ALIGN(x, a)		(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define min_t(t, a, b)		min((t)(a), (t)(b))
#define max_t(t, a, b)		max((t)(a), (t)(b))

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (63 - __builtin_clzl(n));
}

static inline size_t strscpy(char *d, const char *s, size_t n)
{
	snprintf(d, n, "%s", s);
	return strlen(d);
}

int harness_warn(int cond, const char *file, int line);


/* Locks: error-checking mutexes; interrupts do not exist here. */
struct buddy_user_lock {
	pthread_mutex_t m;
	int held;
};

void buddy_user_lock_init(struct buddy_user_lock *l);
void buddy_user_lock(struct buddy_user_lock *l);
void buddy_user_unlock(struct buddy_user_lock *l);
int buddy_user_trylock(struct buddy_user_lock *l);

#define buddy_lock_t		struct buddy_user_lock
#define buddy_lock_init(l)	buddy_user_lock_init(l)
#define buddy_lock(l, f)	do { (void)(f); buddy_user_lock(l); } while (0)
#define buddy_unlock(l, f)	do { (void)(f); buddy_user_unlock(l); } while (0)
#define buddy_spin_trylock(l)	buddy_user_trylock(l)
#define buddy_spin_unlock(l)	buddy_user_unlock(l)
#define buddy_assert_held(l)	assert(READ_ONCE((l)->held))
#define buddy_pin_cpu()		((void)0)
#define buddy_unpin_cpu()	((void)0)

/* Per-CPU data: an array; harness_cpu is the CPU running the core. */
#define HARNESS_NR_CPUS		2
extern __thread int harness_cpu;
extern __thread int harness_node;
#define __percpu
#define buddy_percpu_alloc(t)	((t *)buddy_vzalloc(HARNESS_NR_CPUS * sizeof(t)))
#define buddy_percpu_free(p)	free(p)
#define buddy_per_cpu(p, cpu)	(&(p)[cpu])
#define buddy_this_cpu(p)	(&(p)[harness_cpu])
#define buddy_raw_cpu(p)	(&(p)[harness_cpu])
#define buddy_for_each_cpu(c)	for ((c) = 0; (c) < HARNESS_NR_CPUS; (c)++)
#define buddy_node_id()		harness_node
/* Every harness CPU sits on node 0; other nodes have none (like memory-only nodes). */
#define buddy_node_cpus(nid)	((nid) == 0 ? HARNESS_NR_CPUS : 0)
#define buddy_online_cpus()	HARNESS_NR_CPUS

#define buddy_rcu_read_lock()	((void)0)
#define buddy_rcu_read_unlock()	((void)0)
#define buddy_cond_resched()	harness_cond_resched()
#define buddy_might_sleep()	((void)0)

/* Frames are 64-byte aligned: so are the chunks holding them. */
static inline void *buddy_vzalloc(size_t n)
{
	void *p = aligned_alloc(64, (n + 63) & ~63UL);

	if (p)
		memset(p, 0, n);
	return p;
}

static inline void buddy_vfree(void *p)
{
	free(p);
}

/* Provided by the harness: shadow memory, fault points, reports. */
void buddy_zero_pfns(unsigned long pfn, unsigned long nr);
bool harness_should_fail(gfp_t gfp, unsigned int order);
void harness_report_fail(gfp_t gfp, unsigned int order);
void harness_bad_free(unsigned long pfn, unsigned int order, int state,
		      unsigned int frame_order);
void harness_cond_resched(void);
#define buddy_should_fail(gfp, order)	harness_should_fail(gfp, order)
#define buddy_report_fail(gfp, order)	harness_report_fail(gfp, order)
#define buddy_report_bad_free(pfn, order, state, forder) \
	harness_bad_free(pfn, order, state, forder)

/* No tracepoints in userspace. */
static inline void buddy_trace_alloc(unsigned long pfn, unsigned int order,
				     gfp_t gfp, int mt)
{
}

static inline void buddy_trace_free(unsigned long pfn, unsigned int order)
{
}

static inline void buddy_trace_zone_locked(unsigned long pfn,
					   unsigned int order, int mt,
					   int refill)
{
}

static inline void buddy_trace_pcpu_drain(unsigned long pfn,
					  unsigned int order, int mt)
{
}

static inline void buddy_trace_extfrag(unsigned long pfn, int ao, int fo,
				       int amt, int fmt, int owned)
{
}

#endif
