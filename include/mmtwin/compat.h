/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels mmtwin builds for (Debian's 6.1 and 6.12,
 * and the self-built 6.12 test-VM kernel), kept in one place so the twins
 * read like code for a single kernel.
 */
#ifndef _MMTWIN_COMPAT_H
#define _MMTWIN_COMPAT_H

#include <linux/version.h>
#include <linux/mmzone.h>

/*
 * 6.8 renamed MAX_ORDER to MAX_PAGE_ORDER; 6.4 had already made it the
 * largest valid order rather than one past it.
 */
#ifndef MAX_PAGE_ORDER
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define MAX_PAGE_ORDER	(MAX_ORDER - 1)
#else
#define MAX_PAGE_ORDER	MAX_ORDER
#endif
#endif

#define MMTWIN_NR_ORDERS	(MAX_PAGE_ORDER + 1)

/*
 * VISIBLE_IF_KUNIT and EXPORT_SYMBOL_IF_KUNIT(): static functions become
 * exported to KUnit suites on kernels with KUnit (both 6.1 and 6.12 have it).
 */
#include <kunit/visibility.h>

/* 6.10 dropped __assign_str()'s source argument (it is taken from __string). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define mmtwin_assign_str(dst, src)	__assign_str(dst)
#else
#define mmtwin_assign_str(dst, src)	__assign_str(dst, src)
#endif

/*
 * Fault injection: 6.1's <linux/fault-inject.h> declares nothing at all
 * without CONFIG_FAULT_INJECTION (6.12 has stubs), and neither has
 * fault_create_debugfs_attr() without CONFIG_FAULT_INJECTION_DEBUG_FS.
 */
#include <linux/err.h>
#include <linux/fault-inject.h>

#ifdef CONFIG_FAULT_INJECTION
#define MMTWIN_DECLARE_FAULT_ATTR(name)	DECLARE_FAULT_ATTR(name)
#define mmtwin_should_fail(attr, size)	should_fail(attr, size)
/*
 * False only where should_fail() is sure to be: no probability set and
 * no fail-nth count on this task. A hot path can skip the call then.
 */
#define mmtwin_fault_armed(attr) \
	(READ_ONCE((attr)->probability) || \
	 (in_task() && READ_ONCE(current->fail_nth)))
#else
struct mmtwin_no_fault_attr { int unused; };
#define MMTWIN_DECLARE_FAULT_ATTR(name) \
	struct mmtwin_no_fault_attr name __maybe_unused
static inline bool mmtwin_should_fail(void *attr, ssize_t size)
{
	return false;
}
#define mmtwin_fault_armed(attr)	false
#endif

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
#define mmtwin_fault_debugfs(name, parent, attr) \
	fault_create_debugfs_attr(name, parent, attr)
#else
static inline struct dentry *mmtwin_fault_debugfs(const char *name,
						 struct dentry *parent,
						 void *attr)
{
	return ERR_PTR(-ENODEV);
}
#endif

/* 6.13 turned MODULE_IMPORT_NS()'s argument into a string. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MMTWIN_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MMTWIN_IMPORT_KUNIT_NS()	MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/*
 * Page-table walking (pgwalk).
 *
 * pmdp_get_lockless() arrived in 6.5 (with the RCU-freed PTE tables); on
 * x86-64 a PMD is one word and READ_ONCE() is what it does there.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define mmtwin_pmdp_get_lockless(pmdp)	pmdp_get_lockless(pmdp)
#else
#define mmtwin_pmdp_get_lockless(pmdp)	READ_ONCE(*(pmdp))
#endif

/*
 * How many page-table entries map this page of the folio, as
 * folio_precise_page_mapcount() in fs/proc/internal.h (6.10+) counts it
 * for pagemap's "exclusive" bit; 6.1 used page_mapcount().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
static inline int mmtwin_precise_page_mapcount(struct folio *folio,
					       struct page *page)
{
	int mapcount = atomic_read(&page->_mapcount) + 1;

	/* A page type (e.g. a slab or page-table page) is not a mapcount. */
	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	if (folio_test_large(folio))
		mapcount += folio_entire_mapcount(folio);
	return mapcount;
}

/*
 * The same count for each page of a folio mapped whole by a PMD: the
 * folio's entire mapcount (mmtwin_folio_entire_mapcount()) is read once
 * for all its pages and passed as @entire.
 */
static inline int mmtwin_folio_entire_mapcount(struct folio *folio)
{
	return folio_test_large(folio) ? folio_entire_mapcount(folio) : 0;
}

static inline int mmtwin_page_mapcount_plus(struct page *page, int entire)
{
	int mapcount = atomic_read(&page->_mapcount) + 1;

	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	return mapcount + entire;
}

#define mmtwin_folio_mapped_shared(folio)	folio_likely_mapped_shared(folio)
#else
static inline int mmtwin_precise_page_mapcount(struct folio *folio,
					       struct page *page)
{
	return page_mapcount(page);
}

/* 6.1's page_mapcount() adds the compound mapcount itself. */
static inline int mmtwin_folio_entire_mapcount(struct folio *folio)
{
	return 0;
}

static inline int mmtwin_page_mapcount_plus(struct page *page, int entire)
{
	return page_mapcount(page);
}

#define mmtwin_folio_mapped_shared(folio)	(page_mapcount(&(folio)->page) > 1)
#endif

/*
 * Shrinkers: 6.7 made them allocated objects (shrinker_alloc() and
 * shrinker_register()); 6.1 registers a struct the caller owns.
 */
#include <linux/shrinker.h>
#include <linux/slab.h>

typedef unsigned long (*mmtwin_shrink_fn)(struct shrinker *, struct shrink_control *);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct shrinker *mmtwin_shrinker_create(const char *name,
						      mmtwin_shrink_fn count,
						      mmtwin_shrink_fn scan)
{
	struct shrinker *s = shrinker_alloc(0, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	shrinker_register(s);
	return s;
}

static inline void mmtwin_shrinker_destroy(struct shrinker *s)
{
	shrinker_free(s);
}
#else
static inline struct shrinker *mmtwin_shrinker_create(const char *name,
						      mmtwin_shrink_fn count,
						      mmtwin_shrink_fn scan)
{
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
	return s;
}

static inline void mmtwin_shrinker_destroy(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(s);
}
#endif

/* KUnit tests may give their kthread a user address space (6.10+). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define MMTWIN_HAVE_KUNIT_VM_MMAP	1
#else
#define MMTWIN_HAVE_KUNIT_VM_MMAP	0
#endif

/*
 * The TLB twin mirrors 6.12's private struct flush_tlb_info
 * (modules/tlb/kernel.h) and twins 6.12's decisions: it loads on 6.12 only.
 */
#define MMTWIN_TLB_LAYOUT_KNOWN \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0))

/*
 * SLUB twin: a pointer and a word changed together by one cmpxchg16b
 * (a slab's freelist and counters). 6.6 replaced cmpxchg_double() by
 * try_cmpxchg128().
 */
union mmtwin_pair {
	struct {
		void *ptr;
		unsigned long word;
	};
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	u128 full;
#endif
} __aligned(2 * sizeof(void *));

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define mmtwin_cmpxchg_pair(pair, optr, oword, nptr, nword)		\
({									\
	union mmtwin_pair __old = { .ptr = (optr), .word = (oword) };	\
	union mmtwin_pair __new = { .ptr = (nptr), .word = (nword) };	\
	try_cmpxchg128(&(pair)->full, &__old.full, __new.full);		\
})
#else
#define mmtwin_cmpxchg_pair(pair, optr, oword, nptr, nword)		\
	cmpxchg_double(&(pair)->ptr, &(pair)->word, optr, oword, nptr, nword)
#define system_has_cmpxchg128()	system_has_cmpxchg_double()
#endif

/*
 * The same on this CPU's copy of a per-CPU pair, addressed through %gs as
 * this_cpu_try_cmpxchg128() does, so the caller need not pin the CPU: a
 * task that moved meanwhile changes its new CPU's pair (which a tid tells
 * apart). Written out because the kernel's macro has a fallback call to
 * this_cpu_cmpxchg16b_emu, which is not exported; callers check
 * system_has_cmpxchg128() once, before any use (x86-64 only).
 */
#include <asm/asm.h>

static __always_inline bool
mmtwin_this_cpu_cmpxchg_pair(union mmtwin_pair __percpu *pcp, void *optr,
			     unsigned long oword, void *nptr,
			     unsigned long nword)
{
	union mmtwin_pair *pair = (union mmtwin_pair __force *)pcp;
	bool ok;

	asm volatile("cmpxchg16b %%gs:%[pair]"
		     CC_SET(z)
		     : CC_OUT(z) (ok), [pair] "+m" (*pair),
		       "+a" (optr), "+d" (oword)
		     : "b" (nptr), "c" (nword)
		     : "memory");
	return ok;
}

/* SLAB_NO_MERGE arrived in 6.5; the twin never merges caches anyway. */
#include <linux/slab.h>
#ifndef SLAB_NO_MERGE
#define SLAB_NO_MERGE	0
#endif

/*
 * The per-CPU list sizes the kernel gave a zone: 6.7 tunes high between
 * high_min and high_max; before, high was one number.
 */
#include <linux/mmzone.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define mmtwin_zone_pcp_high_min(zone)	READ_ONCE((zone)->pageset_high_min)
#define mmtwin_zone_pcp_high_max(zone)	READ_ONCE((zone)->pageset_high_max)
#else
#define mmtwin_zone_pcp_high_min(zone)	READ_ONCE((zone)->pageset_high)
#define mmtwin_zone_pcp_high_max(zone)	READ_ONCE((zone)->pageset_high)
#endif

#endif /* _MMTWIN_COMPAT_H */
