/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SLUB twin's kernel-side core: caches, their per-CPU and per-node
 * state and the slab view of a twin buddy frame. Glue (sysfs.c,
 * debugfs.c, main.c) reaches the core only through the functions here.
 */
#ifndef _MMTWIN_SLUB_INTERNAL_H
#define _MMTWIN_SLUB_INTERNAL_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/local_lock.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <mmtwin/buddy.h>
#include <mmtwin/compat.h>
#include <mmtwin/slub.h>

#include "geometry.h"

#define SLUB_NAME_MAX		32
#define SLUB_POISON_INUSE	0x5a	/* padding, and fresh slabs */
#define SLUB_POISON_FREE	0x6b	/* a free object's bytes */
#define SLUB_POISON_END		0xa5	/* its last byte */
#define SLUB_RED_INACTIVE	0xbb	/* red zones of free objects */
#define SLUB_RED_ACTIVE		0xcc	/* ... and of allocated ones */

/*
 * The transaction id of a CPU's freelist: the CPU number plus a count in
 * steps of TID_STEP, so a cmpxchg that started on another CPU, or before
 * a preemption, fails. Without CONFIG_PREEMPTION a task cannot move
 * between reading the CPU's freelist and the cmpxchg: the step is 1.
 */
#ifdef CONFIG_PREEMPTION
#define SLUB_TID_STEP		roundup_pow_of_two(CONFIG_NR_CPUS)
#else
#define SLUB_TID_STEP		1
#endif

/**
 * struct slub_cpu - one CPU's slabs of a cache (struct kmem_cache_cpu)
 * @freelist: next free object of @slab, for this CPU alone
 * @tid: transaction id, changed with @freelist by one 128-bit cmpxchg
 * @pair: @freelist and @tid as the cmpxchg sees them
 * @slab: the active slab, frozen: only this CPU allocates from it
 * @slab_start: @slab's first byte, and
 * @slab_bytes: its size (0 without a slab): a free finds @slab from the
 *	object's address alone, changed with @slab under @lock, tid bumped
 * @partial: slabs with free objects kept for this CPU, linked by slab_next
 * @partial_slabs: how many (6.12 keeps it in the first slab's ->slabs;
 *	here the CPU's own counter, read without the first slab)
 * @lock: the slow paths' lock (local_lock, as the kernel's)
 */
struct slub_cpu {
	union {
		struct {
			void *freelist;
			unsigned long tid;
		};
		union mmtwin_pair pair;
	};
	struct mmtwin_frame *slab;
	unsigned long slab_start;
	unsigned long slab_bytes;
	struct mmtwin_frame *partial;
	unsigned int partial_slabs;
	local_lock_t lock;
};

/* struct kmem_cache_node: the node's partial (and, debugging, full) slabs. */
struct slub_node {
	spinlock_t list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	struct list_head full;		/* SLAB_STORE_USER caches only */
	atomic_long_t nr_slabs;
	atomic_long_t total_objects;
};

/* Per-cache choices that have no SLAB_* flag. */
struct slub_options {
	bool hardened;			/* CONFIG_SLAB_FREELIST_HARDENED */
	bool random;			/* CONFIG_SLAB_FREELIST_RANDOM */
};

/**
 * struct mmtwin_kmem_cache - a cache (struct kmem_cache)
 * @cpu_slab: per-CPU state, first: the fast paths read nothing else first
 * @geo: object layout, order, objects per slab, min_partial, cpu_partial
 * @allocflags: gfp flags every slab allocation adds
 * @random: free pointer hardening key
 * @random_seq: object offsets in shuffled order, for random freelists
 * @ctor: constructor, run once when a slab is made, for each object
 * @opts: hardening and randomisation switches
 * @name: the cache's name, and its sysfs directory's
 * @list: on the twin's list of caches
 * @kobj: /sys/kernel/mmtwin/slub/<name>/
 * @slabs: every slab of the cache by pfn, to give all back on unload
 * @node: per-node state, nr_node_ids entries
 */
struct mmtwin_kmem_cache {
	struct slub_cpu __percpu *cpu_slab;
	struct slub_geometry geo;
	gfp_t allocflags;
	unsigned long random;
	unsigned int *random_seq;
	void (*ctor)(void *object);
	struct slub_options opts;
	char name[SLUB_NAME_MAX];
	struct list_head list;
	struct kobject kobj;
	bool kobj_added;
	struct xarray slabs;
	struct slub_node *node[];
};

/*
 * A slab's counters word (the buddy frame's, as struct slab's): inuse:16,
 * objects:15, frozen:1; the slab state changes through
 * slub_update_freelist() only.
 */
union slub_counters {
	unsigned long counters;
	struct {
		unsigned inuse:16;
		unsigned objects:15;
		unsigned frozen:1;
	};
};

/* owner_flags of a slab's head frame (the buddy names the first ones). */
#define SLUB_FRAME_SLAB		MMTWIN_OF_SLAB
#define SLUB_FRAME_PARTIAL	MMTWIN_OF_NODE_PARTIAL
#define SLUB_FRAME_LARGE	MMTWIN_OF_OWNER0	/* large kmalloc block */
#define SLUB_FRAME_FULL		(MMTWIN_OF_OWNER0 << 1)	/* on n->full */

struct seq_file;

/*
 * The entry points of the hot paths each start a section of their own
 * (SLUB_HOT), aligned to SLUB_HOT_ALIGN, so none of them (each under
 * 1 KiB) straddles a page. The benchmarks run under QEMU's TCG, which chains a jump to its target
 * only within a page: a fast path crossing a page boundary paid a lookup
 * on every call (the kernel's kmem_cache_alloc() and kin each lie within
 * one page). Sections of their own, because the assembler's padding
 * inside one section starts with a jump that 6.1's objtool reports.
 */
#define SLUB_HOT(fn)		__section(".text.mmtwin_slub_hot." #fn)
#define SLUB_HOT_ALIGN		1024

/* Twin-wide state (main.c, cache.c). */
extern struct mutex slub_caches_lock;
extern struct list_head slub_caches;
extern struct slub_options slub_default_opts;
extern unsigned int slub_max_order;

/* slab.c: the slab view, slabs from and back to the buddy */
void *slub_slab_address(const struct mmtwin_frame *slab);
int slub_slab_nid(const struct mmtwin_frame *slab);
unsigned int slub_slab_order(const struct mmtwin_frame *slab);
union slub_counters slub_counters_read(const struct mmtwin_frame *slab);
void *slub_slab_freelist(const struct mmtwin_frame *slab);
void slub_slab_set(struct mmtwin_frame *slab, void *freelist,
		   union slub_counters c);
bool slub_update_freelist(struct mmtwin_frame *slab, void *old_fl,
			  unsigned long old_c, void *new_fl,
			  unsigned long new_c);
struct mmtwin_frame *slub_slab_next(const struct mmtwin_frame *slab);
void slub_slab_set_next(struct mmtwin_frame *slab, struct mmtwin_frame *next);
struct mmtwin_frame *slub_new_slab(struct mmtwin_kmem_cache *s, gfp_t gfp,
				   int node);
void slub_discard_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab);
void slub_free_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab);
void slub_forget_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab);
int slub_slab_map_init(void);
void slub_slab_map_exit(void);
int slub_init_random_seq(struct mmtwin_kmem_cache *s);
#if IS_ENABLED(CONFIG_KUNIT)
void *slub_build_freelist(struct mmtwin_kmem_cache *s, void *base,
			  unsigned int nr);
#endif
void *slub_object_start(struct mmtwin_kmem_cache *s,
			struct mmtwin_frame *slab, const void *addr);

/*
 * The slab map: for each page frame of memory, the head frame of the slab
 * on it, as the kernel reads a page's slab from struct page. One page of
 * pointers per 2 MiB of memory, allocated when a slab first lands there
 * (slab.c); slub_slab_map[] covers memory up to high_memory at load.
 */
#define SLUB_MAP_LEAF_SHIFT	(PAGE_SHIFT - 3)
#define SLUB_MAP_LEAF_ENTRIES	(1UL << SLUB_MAP_LEAF_SHIFT)

extern struct mmtwin_frame ***slub_slab_map;
extern unsigned long slub_slab_map_leaves;

struct mmtwin_frame *slub_lookup_block(unsigned long pfn);

/*
 * virt_to_slab(): the head frame of the twin block holding @addr, in
 * O(1), or NULL. Objects live in the direct map, so an address outside
 * it is no twin object's (virt_addr_valid() without its call); inside,
 * the slab map answers with a few loads, and the buddy (one call) for
 * what the map does not hold: large kmalloc blocks, or no twin block.
 */
static inline struct mmtwin_frame *slub_virt_to_frame(const void *addr)
{
	unsigned long a = (unsigned long)addr, pfn, leaf_nr;
	struct mmtwin_frame **leaf, *f;

	if (a < PAGE_OFFSET || a >= VMALLOC_START)
		return NULL;
	pfn = PHYS_PFN(a - PAGE_OFFSET);
	leaf_nr = pfn >> SLUB_MAP_LEAF_SHIFT;
	if (likely(leaf_nr < slub_slab_map_leaves)) {
		leaf = READ_ONCE(slub_slab_map[leaf_nr]);
		f = leaf ? READ_ONCE(leaf[pfn & (SLUB_MAP_LEAF_ENTRIES - 1)]) :
			   NULL;
		if (likely(f))
			return f;
	}
	return slub_lookup_block(pfn);
}

/* Free pointers, hardened as freelist_ptr_encode() when asked. */
static inline void *slub_get_freepointer(struct mmtwin_kmem_cache *s,
					 void *object)
{
	unsigned long addr = (unsigned long)object + s->geo.offset;
	unsigned long val = READ_ONCE(*(unsigned long *)addr);

	if (s->opts.hardened)
		val ^= s->random ^ swab(addr);
	return (void *)val;
}

/*
 * get_freepointer_safe(): the lockless fast path may read the free
 * pointer of an object another CPU took meanwhile, whose slab may since
 * have gone back to the buddy and its chunk to the host. The cmpxchg
 * fails then, whatever was read; but the read must not fault (freed
 * pages are unmapped with DEBUG_PAGEALLOC) nor be reported by KASAN.
 */
static inline void *slub_get_freepointer_safe(struct mmtwin_kmem_cache *s,
					      void *object)
{
	unsigned long addr = (unsigned long)object + s->geo.offset;
	unsigned long val = 0;

	if (!debug_pagealloc_enabled_static())
		val = READ_ONCE_NOCHECK(*(unsigned long *)addr);
	else if (copy_from_kernel_nofault(&val, (void *)addr, sizeof(val)))
		return NULL;
	if (s->opts.hardened)
		val ^= s->random ^ swab(addr);
	return (void *)val;
}

static inline void slub_set_freepointer(struct mmtwin_kmem_cache *s,
					void *object, void *fp)
{
	unsigned long addr = (unsigned long)object + s->geo.offset;
	unsigned long val = (unsigned long)fp;

	if (s->opts.hardened)
		val ^= s->random ^ swab(addr);
	*(unsigned long *)addr = val;
}

static inline struct slub_node *slub_get_node(struct mmtwin_kmem_cache *s,
					      int nid)
{
	return s->node[nid];
}

/* The next node from @nid on that has state (a possible node). */
static inline int slub_next_node(struct mmtwin_kmem_cache *s, int nid)
{
	while (nid < nr_node_ids && !s->node[nid])
		nid++;
	return nid;
}

#define for_each_slub_node(s, nid, n)					\
	for ((nid) = slub_next_node(s, 0);				\
	     (nid) < nr_node_ids && ((n) = (s)->node[nid]);		\
	     (nid) = slub_next_node(s, (nid) + 1))

static inline bool slub_cache_debug(const struct mmtwin_kmem_cache *s)
{
	return slub_geometry_debug(&s->geo);
}

/* core.c: caches, allocation and free */
struct mmtwin_kmem_cache *slub_cache_create(const char *name,
					    unsigned int size,
					    unsigned int align,
					    slab_flags_t flags,
					    void (*ctor)(void *),
					    const struct slub_options *opts);
void *slub_alloc(struct mmtwin_kmem_cache *s, gfp_t gfp, int node,
		 unsigned int orig_size, unsigned long addr);
void *slub_alloc_slow(struct mmtwin_kmem_cache *s, gfp_t gfp, int node);
void slub_free_slow(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		    void *head, void *tail, unsigned int cnt);
void slub_free(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
	       void *object, unsigned long addr);
void slub_flush_all(struct mmtwin_kmem_cache *s);
int slub_shrink(struct mmtwin_kmem_cache *s);
void slub_add_partial(struct slub_node *n, struct mmtwin_frame *slab,
		      bool tail);
void slub_remove_partial(struct slub_node *n, struct mmtwin_frame *slab);
void slub_add_full(struct mmtwin_kmem_cache *s, struct slub_node *n,
		   struct mmtwin_frame *slab);
void slub_remove_full(struct slub_node *n, struct mmtwin_frame *slab);
int slub_alloc_bulk(struct mmtwin_kmem_cache *s, gfp_t gfp, size_t nr,
		    void **p, unsigned long addr);
void slub_free_bulk(struct mmtwin_kmem_cache *s, size_t nr, void **p,
		    unsigned long addr);
void slub_release_all(void);

/* debug.c: slab_debug= checks and the reports */
void slub_setup_slab_debug(struct mmtwin_kmem_cache *s,
			   struct mmtwin_frame *slab, void *addr);
void slub_setup_object_debug(struct mmtwin_kmem_cache *s, void *object);
void *slub_alloc_debug(struct mmtwin_kmem_cache *s, gfp_t gfp, int node,
		       unsigned int orig_size, unsigned long addr);
void slub_free_debug(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		     void *object, unsigned long addr);
void slub_check_freed_slab(struct mmtwin_kmem_cache *s,
			   struct mmtwin_frame *slab);
long slub_validate(struct mmtwin_kmem_cache *s);
bool slub_list_leaks(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab);
unsigned int slub_orig_size(struct mmtwin_kmem_cache *s, void *object);
void slub_print_leak_summary(struct mmtwin_kmem_cache *s, unsigned long caller);

/* Counts for sysfs and slabinfo (core.c). */
enum slub_count {
	SLUB_COUNT_SLABS,		/* slabs */
	SLUB_COUNT_PARTIAL,		/* node partial slabs */
	SLUB_COUNT_CPU,			/* cpu (active + partial) slabs */
	SLUB_COUNT_OBJECTS,		/* objects in use */
	SLUB_COUNT_OBJECTS_PARTIAL,	/* in use in node partial slabs */
	SLUB_COUNT_TOTAL_OBJECTS,	/* object slots in all slabs */
};

unsigned long slub_count(struct mmtwin_kmem_cache *s, enum slub_count what,
			 unsigned long *per_node);
unsigned long slub_count_free_partial(struct mmtwin_kmem_cache *s);
unsigned long slub_count_empty(struct mmtwin_kmem_cache *s, int nid);
unsigned long slub_discard_empty(struct mmtwin_kmem_cache *s, int nid,
				 unsigned long max_pages);

/* kmalloc.c */
int slub_kmalloc_init(void);
void slub_kmalloc_exit(void);
extern struct mmtwin_kmem_cache *slub_kmalloc_caches[2][SLUB_KMALLOC_CLASSES];

/* The cache of kmalloc class @index (slub_kmalloc_index()), or NULL. */
static inline struct mmtwin_kmem_cache *slub_kmalloc_cache(unsigned int index,
							   bool reclaimable)
{
	if (!index || index >= SLUB_KMALLOC_CLASSES)
		return NULL;
	return slub_kmalloc_caches[reclaimable][index];
}
void *slub_alloc_orig(struct mmtwin_kmem_cache *s, gfp_t gfp,
		      unsigned int orig_size);

/* Glue. */
void slub_cache_free(struct mmtwin_kmem_cache *s);
void slub_sysfs_set_root(struct kobject *root);
int slub_sysfs_add(struct mmtwin_kmem_cache *s);
void slub_sysfs_remove(struct mmtwin_kmem_cache *s);
void slub_sysfs_release(struct mmtwin_kmem_cache *s);
void slub_debugfs_init(struct dentry *dir);
int slub_control(const char *cmd);
int slub_control_show(struct seq_file *m, void *v);
void slub_control_free_all(void);

#endif /* _MMTWIN_SLUB_INTERNAL_H */
