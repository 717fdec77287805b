// SPDX-License-Identifier: GPL-2.0
/*
 * slab_debug= F Z P U T for one cache, fixed at its creation: poison
 * (0x6b, last byte 0xa5), red zones (0xbb free, 0xcc in use), padding
 * (0x5a), consistency checks, user tracking through the stack depot and
 * tracing. Debug caches allocate and free one object at a time under
 * their node's list lock (alloc_single_from_partial(),
 * free_to_partial_list()), so validation sees a still picture.
 */
#include <linux/bitmap.h>
#include <linux/sched.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>

#include "internal.h"
#include "report.h"

#define SLUB_TRACK_DEPTH	16	/* TRACK_ADDRS_COUNT */

static bool debug_flags(struct mmtwin_kmem_cache *s, slab_flags_t flags)
{
	return s->geo.flags & flags;
}

/* check_valid_pointer(): NULL, or the start of an object of @slab. */
bool slub_valid_pointer(struct mmtwin_kmem_cache *s,
			struct mmtwin_frame *slab, void *object)
{
	void *base = slub_slab_address(slab);

	if (!object)
		return true;
	object -= s->geo.red_left_pad;
	return object >= base &&
	       object < base + slub_counters_read(slab).objects * s->geo.size &&
	       !((object - base) % s->geo.size);
}

static bool orig_size_kept(struct mmtwin_kmem_cache *s)
{
	return debug_flags(s, SLAB_STORE_USER) && debug_flags(s, SLAB_KMALLOC);
}

static unsigned int *orig_size_slot(struct mmtwin_kmem_cache *s, void *object)
{
	return object + slub_info_end(&s->geo) + 2 * sizeof(struct slub_track);
}

/* get_orig_size(): what kmalloc was asked for, or the object size. */
unsigned int slub_orig_size(struct mmtwin_kmem_cache *s, void *object)
{
	return orig_size_kept(s) ? *orig_size_slot(s, object) :
				   s->geo.object_size;
}

static void set_orig_size(struct mmtwin_kmem_cache *s, void *object,
			  unsigned int orig_size)
{
	if (orig_size_kept(s))
		*orig_size_slot(s, object) = orig_size;
}

/* init_object(): red zones of state @val, poison when free. */
static void init_object(struct mmtwin_kmem_cache *s, u8 *p, u8 val)
{
	unsigned int poison_size = s->geo.object_size;

	if (debug_flags(s, SLAB_RED_ZONE)) {
		memset(p - s->geo.red_left_pad, val, s->geo.red_left_pad);
		if (orig_size_kept(s) && val == SLUB_RED_ACTIVE)
			poison_size = slub_orig_size(s, p);
	}
	if (s->geo.object_poison) {
		memset(p, SLUB_POISON_FREE, poison_size - 1);
		p[poison_size - 1] = SLUB_POISON_END;
	}
	if (debug_flags(s, SLAB_RED_ZONE))
		memset(p + poison_size, val, s->geo.inuse - poison_size);
}

/* set_track_prepare(): this stack in the depot, before any lock. */
static u32 save_stack(gfp_t gfp)
{
	unsigned long entries[SLUB_TRACK_DEPTH];
	unsigned int nr;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 3);
	return stack_depot_save(entries, nr, gfp & ~__GFP_ZERO);
}

static void set_track(struct mmtwin_kmem_cache *s, void *object,
		      enum slub_track_item item, unsigned long addr, u32 handle)
{
	struct slub_track *t = slub_get_track(s, object, item);

	t->handle = handle;
	t->addr = addr;
	t->cpu = raw_smp_processor_id();
	t->pid = current->pid;
	t->when = jiffies;
}

/* setup_slab_debug(): a poisoned cache's fresh slab is all padding. */
void slub_setup_slab_debug(struct mmtwin_kmem_cache *s,
			   struct mmtwin_frame *slab, void *addr)
{
	if (debug_flags(s, SLAB_POISON))
		memset(addr, SLUB_POISON_INUSE, PAGE_SIZE << slub_slab_order(slab));
}

/* setup_object_debug(): a new object is free: inactive, no tracks. */
void slub_setup_object_debug(struct mmtwin_kmem_cache *s, void *object)
{
	if (!debug_flags(s, SLAB_STORE_USER | SLAB_RED_ZONE) &&
	    !s->geo.object_poison)
		return;
	init_object(s, object, SLUB_RED_INACTIVE);
	if (debug_flags(s, SLAB_STORE_USER))
		memset(slub_get_track(s, object, SLUB_TRACK_ALLOC), 0,
		       2 * sizeof(struct slub_track));
}

/* restore_bytes() */
static void restore_bytes(struct mmtwin_kmem_cache *s, const char *what,
			  u8 data, u8 *from, u8 *to)
{
	slub_fix(s, "Restoring %s 0x%p-0x%p=0x%x", what, from, to - 1, data);
	memset(from, data, to - from);
}

/*
 * check_bytes_and_report(): @bytes at @start should all be @value; the
 * first wrong run is reported and repaired.
 */
static bool check_bytes(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
			u8 *object, const char *what, u8 *start, u8 value,
			unsigned int bytes, bool print_object)
{
	u8 *addr = slub_slab_address(slab);
	u8 *fault = memchr_inv(start, value, bytes);
	u8 *end = start + bytes;

	if (!fault)
		return true;
	while (end > fault && end[-1] == value)
		end--;
	if (!slub_add_kunit_errors()) {
		pr_err("[%s overwritten] 0x%p-0x%p @offset=%tu. First byte 0x%x instead of 0x%x\n",
		       what, fault, end - 1, fault - addr, fault[0], value);
		if (print_object)
			slub_object_err(s, slab, object, "Object corrupt");
	}
	restore_bytes(s, what, value, fault, end);
	return false;
}

/* check_pad_bytes(): between the metadata and the next object. */
static bool check_pad_bytes(struct mmtwin_kmem_cache *s,
			    struct mmtwin_frame *slab, u8 *p)
{
	unsigned int off = slub_pad_offset(s);

	if (slub_size_from_object(s) == off)
		return true;
	return check_bytes(s, slab, p, "Object padding", p + off,
			   SLUB_POISON_INUSE, slub_size_from_object(s) - off,
			   true);
}

/* slab_pad_check(): the slab's tail no object uses. */
static void slab_pad_check(struct mmtwin_kmem_cache *s,
			   struct mmtwin_frame *slab)
{
	u8 *start = slub_slab_address(slab);
	unsigned int length = PAGE_SIZE << slub_slab_order(slab);
	unsigned int remainder = length % s->geo.size;
	u8 *end = start + length, *pad = end - remainder, *fault;

	if (!debug_flags(s, SLAB_POISON) || !remainder)
		return;
	fault = memchr_inv(pad, SLUB_POISON_INUSE, remainder);
	if (!fault)
		return;
	while (end > fault && end[-1] == SLUB_POISON_INUSE)
		end--;
	if (!slub_add_kunit_errors()) {
		slub_bug(s, "Padding overwritten. 0x%p-0x%p @offset=%tu",
			 fault, end - 1, fault - start);
		slub_print_section("Padding ", pad, remainder);
		slub_print_slab_info(slab);
	}
	restore_bytes(s, "slab padding", SLUB_POISON_INUSE, fault, end);
}

static bool check_red_zones(struct mmtwin_kmem_cache *s,
			    struct mmtwin_frame *slab, u8 *p, u8 val)
{
	unsigned int orig_size;
	bool ok = true;

	if (!check_bytes(s, slab, p, "Left Redzone", p - s->geo.red_left_pad,
			 val, s->geo.red_left_pad, ok))
		ok = false;
	if (!check_bytes(s, slab, p, "Right Redzone", p + s->geo.object_size,
			 val, s->geo.inuse - s->geo.object_size, ok))
		ok = false;
	if (orig_size_kept(s) && val == SLUB_RED_ACTIVE) {
		orig_size = slub_orig_size(s, p);
		if (s->geo.object_size > orig_size &&
		    !check_bytes(s, slab, p, "kmalloc Redzone", p + orig_size,
				 val, s->geo.object_size - orig_size, ok))
			ok = false;
	}
	return ok;
}

static bool check_poison(struct mmtwin_kmem_cache *s,
			 struct mmtwin_frame *slab, u8 *p, u8 val, bool ok)
{
	unsigned int size = s->geo.object_size;

	if (val != SLUB_RED_ACTIVE && s->geo.object_poison) {
		if (!check_bytes(s, slab, p, "Poison", p, SLUB_POISON_FREE,
				 size - 1, ok))
			ok = false;
		if (!check_bytes(s, slab, p, "End Poison", p + size - 1,
				 SLUB_POISON_END, 1, ok))
			ok = false;
	}
	return check_pad_bytes(s, slab, p) && ok;
}

/* check_object(): one object against what state @val says it is in. */
static bool check_object(struct mmtwin_kmem_cache *s,
			 struct mmtwin_frame *slab, u8 *p, u8 val)
{
	bool ok = true;

	if (debug_flags(s, SLAB_RED_ZONE))
		ok = check_red_zones(s, slab, p, val);
	else if (debug_flags(s, SLAB_POISON) &&
		 s->geo.object_size < s->geo.inuse &&
		 !check_bytes(s, slab, p, "Alignment padding",
			      p + s->geo.object_size, SLUB_POISON_INUSE,
			      s->geo.inuse - s->geo.object_size, ok))
		ok = false;

	if (debug_flags(s, SLAB_POISON))
		ok = check_poison(s, slab, p, val, ok);

	/* An allocated object may use the word the free pointer shares. */
	if ((slub_freeptr_outside(&s->geo) || val != SLUB_RED_ACTIVE) &&
	    !slub_valid_pointer(s, slab, slub_get_freepointer(s, p))) {
		slub_object_err(s, slab, p, "Freepointer corrupt");
		slub_set_freepointer(s, p, NULL);
		ok = false;
	}
	return ok;
}

/* check_slab() */
static bool check_slab(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab)
{
	union slub_counters c = slub_counters_read(slab);
	unsigned int maxobj = slub_order_objects(slub_slab_order(slab),
						 s->geo.size);

	if (!(slab->owner_flags & SLUB_FRAME_SLAB)) {
		slub_slab_err(s, slab, "Not a valid slab page");
		return false;
	}
	if (c.objects > maxobj) {
		slub_slab_err(s, slab, "objects %u > max %u", c.objects, maxobj);
		return false;
	}
	if (c.inuse > c.objects) {
		slub_slab_err(s, slab, "inuse %u > max %u", c.inuse, c.objects);
		return false;
	}
	if (c.frozen) {
		slub_slab_err(s, slab, "Slab disabled since SLUB metadata consistency check failed");
		return false;
	}
	slab_pad_check(s, slab);
	return true;
}

static void set_inuse(struct mmtwin_frame *slab, unsigned int inuse)
{
	union slub_counters c = slub_counters_read(slab);

	c.inuse = inuse;
	slub_slab_set(slab, slub_slab_freelist(slab), c);
}

/*
 * on_freelist(): walk the slab's freelist looking for @search, cutting
 * it at a corrupt pointer, then fix the object counts from what it saw.
 */
static bool on_freelist(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
			void *search)
{
	union slub_counters c = slub_counters_read(slab);
	void *fp = slub_slab_freelist(slab), *object = NULL;
	unsigned int nr = 0, max_objects;

	while (fp && nr <= c.objects) {
		if (fp == search)
			return true;
		if (!slub_valid_pointer(s, slab, fp)) {
			if (object) {
				slub_object_err(s, slab, object, "Freechain corrupt");
				slub_set_freepointer(s, object, NULL);
			} else {
				slub_slab_err(s, slab, "Freepointer corrupt");
				c.inuse = c.objects;
				slub_slab_set(slab, NULL, c);
				slub_fix(s, "Freelist cleared");
				return false;
			}
			break;
		}
		object = fp;
		fp = slub_get_freepointer(s, object);
		nr++;
	}

	max_objects = min(slub_order_objects(slub_slab_order(slab), s->geo.size),
			  (unsigned int)SLUB_MAX_OBJS_PER_SLAB);
	if (c.objects != max_objects) {
		slub_slab_err(s, slab, "Wrong number of objects. Found %d but should be %d",
			      c.objects, max_objects);
		c.objects = max_objects;
		slub_slab_set(slab, slub_slab_freelist(slab), c);
		slub_fix(s, "Number of objects adjusted");
	}
	if (c.inuse != c.objects - nr) {
		slub_slab_err(s, slab, "Wrong object count. Counter is %d but counted were %d",
			      c.inuse, c.objects - nr);
		set_inuse(slab, c.objects - nr);
		slub_fix(s, "Object count adjusted");
	}
	return !search;
}

static void trace_object(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
			 void *object, bool alloc)
{
	if (!debug_flags(s, SLAB_TRACE))
		return;
	pr_info("TRACE %s %s 0x%p inuse=%d fp=0x%p\n", s->name,
		alloc ? "alloc" : "free", object,
		slub_counters_read(slab).inuse, slub_slab_freelist(slab));
	if (!alloc)
		print_hex_dump(KERN_INFO, "Object ", DUMP_PREFIX_ADDRESS, 16, 1,
			       object, s->geo.object_size, 1);
	dump_stack();
}

/* alloc_consistency_checks() */
static bool alloc_checks(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
			 void *object)
{
	if (!check_slab(s, slab))
		return false;
	if (!slub_valid_pointer(s, slab, object)) {
		slub_object_err(s, slab, object, "Freelist Pointer check fails");
		return false;
	}
	return check_object(s, slab, object, SLUB_RED_INACTIVE);
}

/* alloc_debug_processing(): a bad slab is sealed off, all in use. */
static bool alloc_debug_processing(struct mmtwin_kmem_cache *s,
				   struct mmtwin_frame *slab, void *object,
				   unsigned int orig_size)
{
	union slub_counters c;

	if (debug_flags(s, SLAB_CONSISTENCY_CHECKS) &&
	    !alloc_checks(s, slab, object)) {
		slub_fix(s, "Marking all objects used");
		c = slub_counters_read(slab);
		c.inuse = c.objects;
		c.frozen = 1;	/* the consistency-failed mark */
		slub_slab_set(slab, NULL, c);
		return false;
	}
	trace_object(s, slab, object, true);
	set_orig_size(s, object, orig_size);
	init_object(s, object, SLUB_RED_ACTIVE);
	return true;
}

/* Take the first free object of a slab under the list lock. */
static void *take_one(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		      unsigned int orig_size)
{
	union slub_counters c = slub_counters_read(slab);
	void *object = slub_slab_freelist(slab);

	c.inuse++;
	slub_slab_set(slab, slub_get_freepointer(s, object), c);
	return alloc_debug_processing(s, slab, object, orig_size) ? object : NULL;
}

/* alloc_single_from_partial() from the first node that has a slab. */
static void *alloc_from_partial(struct mmtwin_kmem_cache *s, int node,
				unsigned int orig_size)
{
	int nid, first = node == NUMA_NO_NODE ? numa_mem_id() : node;
	struct mmtwin_frame *slab;
	struct slub_node *n;
	unsigned long flags;
	void *object;

	for (nid = first; ; nid = (nid + 1) % nr_node_ids) {
		n = slub_get_node(s, nid);
		if (n && n->nr_partial) {
			spin_lock_irqsave(&n->list_lock, flags);
			slab = list_first_entry_or_null(&n->partial,
							 struct mmtwin_frame, lru);
			object = slab ? take_one(s, slab, orig_size) : NULL;
			if (slab && (!object ||
				     slub_counters_read(slab).inuse ==
				     slub_counters_read(slab).objects)) {
				slub_remove_partial(n, slab);
				if (object)
					slub_add_full(s, n, slab);
			}
			spin_unlock_irqrestore(&n->list_lock, flags);
			if (object)
				return object;
		}
		if (node != NUMA_NO_NODE ||
		    (nid + 1) % nr_node_ids == first)
			return NULL;
	}
}

/* alloc_single_from_new_slab() */
static void *alloc_from_new_slab(struct mmtwin_kmem_cache *s, gfp_t gfp,
				 int node, unsigned int orig_size)
{
	struct mmtwin_frame *slab = slub_new_slab(s, gfp, node);
	struct slub_node *n;
	unsigned long flags;
	void *object;

	if (!slab)
		return NULL;
	n = slub_get_node(s, slub_slab_nid(slab));
	spin_lock_irqsave(&n->list_lock, flags);
	object = take_one(s, slab, orig_size);
	if (object && slub_counters_read(slab).inuse ==
		      slub_counters_read(slab).objects)
		slub_add_full(s, n, slab);
	else if (object)
		slub_add_partial(n, slab, false);
	spin_unlock_irqrestore(&n->list_lock, flags);
	return object;
}

void *slub_alloc_debug(struct mmtwin_kmem_cache *s, gfp_t gfp, int node,
		       unsigned int orig_size, unsigned long addr)
{
	void *object = alloc_from_partial(s, node, orig_size);

	if (!object)
		object = alloc_from_new_slab(s, gfp, node, orig_size);
	if (object && debug_flags(s, SLAB_STORE_USER))
		set_track(s, object, SLUB_TRACK_ALLOC, addr, save_stack(gfp));
	return object;
}

/* free_consistency_checks() */
static bool free_checks(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
			void *object)
{
	if (!slub_valid_pointer(s, slab, object)) {
		slub_slab_err(s, slab, "Invalid object pointer 0x%p", object);
		return false;
	}
	if (on_freelist(s, slab, object)) {
		slub_object_err(s, slab, object, "Object already free");
		return false;
	}
	if (!check_object(s, slab, object, SLUB_RED_ACTIVE))
		return false;
	if (slab->slab_cache != s) {
		slub_object_err(s, slab, object, "page slab pointer corrupt.");
		return false;
	}
	return true;
}

/* free_debug_processing(): checks, tracks, then the object is inactive. */
static bool free_debug_processing(struct mmtwin_kmem_cache *s,
				  struct mmtwin_frame *slab, void *object,
				  unsigned long addr, u32 handle)
{
	if (debug_flags(s, SLAB_CONSISTENCY_CHECKS) &&
	    !free_checks(s, slab, object)) {
		slub_fix(s, "Object at 0x%p not freed", object);
		return false;
	}
	if (debug_flags(s, SLAB_STORE_USER))
		set_track(s, object, SLUB_TRACK_FREE, addr, handle);
	trace_object(s, slab, object, false);
	init_object(s, object, SLUB_RED_INACTIVE);
	return true;
}

/* free_to_partial_list(): put the object back under the list lock. */
void slub_free_debug(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		     void *object, unsigned long addr)
{
	struct slub_node *n = slub_get_node(s, slub_slab_nid(slab));
	union slub_counters c;
	bool discard = false;
	unsigned long flags;
	u32 handle = 0;
	void *prior;

	/* Not GFP_NOWAIT: waking kswapd from a free could deadlock. */
	if (debug_flags(s, SLAB_STORE_USER))
		handle = save_stack(__GFP_NOWARN);
	spin_lock_irqsave(&n->list_lock, flags);
	if (free_debug_processing(s, slab, object, addr, handle)) {
		prior = slub_slab_freelist(slab);
		c = slub_counters_read(slab);
		c.inuse--;
		slub_set_freepointer(s, object, prior);
		slub_slab_set(slab, object, c);
		discard = !c.inuse && n->nr_partial >= s->geo.min_partial;
		if (!prior) {
			slub_remove_full(n, slab);
			if (!discard)
				slub_add_partial(n, slab, true);
		} else if (discard) {
			slub_remove_partial(n, slab);
		}
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (discard)
		slub_discard_slab(s, slab);
}

/* __free_slab() with consistency checks: every object must be free. */
void slub_check_freed_slab(struct mmtwin_kmem_cache *s,
			   struct mmtwin_frame *slab)
{
	void *base = slub_slab_address(slab);
	unsigned int i, nr = slub_counters_read(slab).objects;

	if (!debug_flags(s, SLAB_CONSISTENCY_CHECKS))
		return;
	slab_pad_check(s, slab);
	for (i = 0; i < nr; i++)
		check_object(s, slab, base + i * s->geo.size + s->geo.red_left_pad,
			     SLUB_RED_INACTIVE);
}

/* Which objects of @slab are free: bit i for object i (__fill_map()). */
static void fill_map(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		     unsigned long *map)
{
	void *base = slub_slab_address(slab), *p;

	bitmap_zero(map, slub_counters_read(slab).objects);
	for (p = slub_slab_freelist(slab); p; p = slub_get_freepointer(s, p))
		__set_bit((p - s->geo.red_left_pad - base) / s->geo.size, map);
}

/* validate_slab() */
static void validate_slab(struct mmtwin_kmem_cache *s,
			  struct mmtwin_frame *slab, unsigned long *map)
{
	void *base = slub_slab_address(slab);
	unsigned int i, nr;

	if (!check_slab(s, slab) || !on_freelist(s, slab, NULL))
		return;
	fill_map(s, slab, map);
	nr = slub_counters_read(slab).objects;
	for (i = 0; i < nr; i++) {
		u8 val = test_bit(i, map) ? SLUB_RED_INACTIVE : SLUB_RED_ACTIVE;

		if (!check_object(s, slab, base + i * s->geo.size +
				  s->geo.red_left_pad, val))
			break;
	}
}

static unsigned long validate_node(struct mmtwin_kmem_cache *s,
				   struct slub_node *n, unsigned long *map)
{
	struct mmtwin_frame *slab;
	unsigned long count = 0, flags;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->partial, lru) {
		validate_slab(s, slab, map);
		count++;
	}
	if (count != n->nr_partial) {
		pr_err("SLUB %s: %ld partial slabs counted but counter=%ld\n",
		       s->name, count, n->nr_partial);
		slub_add_kunit_errors();
	}
	if (debug_flags(s, SLAB_STORE_USER)) {
		list_for_each_entry(slab, &n->full, lru) {
			validate_slab(s, slab, map);
			count++;
		}
		if (count != atomic_long_read(&n->nr_slabs)) {
			pr_err("SLUB: %s %ld slabs counted but counter=%ld\n",
			       s->name, count, atomic_long_read(&n->nr_slabs));
			slub_add_kunit_errors();
		}
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return count;
}

/**
 * slub_validate - validate_slab_cache(): check every listed slab
 * @s: cache
 *
 * Return: slabs checked, or -ENOMEM.
 */
long slub_validate(struct mmtwin_kmem_cache *s)
{
	unsigned long *map = bitmap_alloc(s->geo.objects, GFP_KERNEL);
	unsigned long count = 0;
	struct slub_node *n;
	int nid;

	if (!map)
		return -ENOMEM;
	slub_flush_all(s);
	for_each_slub_node(s, nid, n)
		count += validate_node(s, n, map);
	bitmap_free(map);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(slub_validate);

/* list_slab_objects(): the objects still in use at destroy. */
bool slub_list_leaks(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab)
{
	unsigned int i, nr = slub_counters_read(slab).objects;
	void *base = slub_slab_address(slab);
	unsigned long *map = bitmap_alloc(nr, GFP_ATOMIC);

	if (!slub_add_kunit_errors())
		slub_bug(s, "Objects remaining on __kmem_cache_shutdown()");
	if (!map)
		return false;
	fill_map(s, slab, map);
	for (i = 0; i < nr; i++) {
		void *p = base + i * s->geo.size + s->geo.red_left_pad;

		if (test_bit(i, map) || slub_add_kunit_errors())
			continue;
		pr_err("Object 0x%p @offset=%tu\n", p, p - base);
		slub_print_tracking(s, p);
	}
	bitmap_free(map);
	if (!slub_in_kunit_test())
		slub_print_slab_info(slab);
	return true;
}

/* kmem_cache_destroy()'s complaint, without its WARN. */
void slub_print_leak_summary(struct mmtwin_kmem_cache *s, unsigned long caller)
{
	if (!slub_in_kunit_test())
		pr_err("kmem_cache_destroy %s: Slab cache still has objects when called from %pS\n",
		       s->name, (void *)caller);
}
