// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy core in userspace: fake chunks of PFNs, a shadow of who owns
 * each frame, and an interpreter that turns bytes into operations and
 * checks every invariant after each one.
 */
#include <stdarg.h>

#include "harness.h"

__thread int harness_cpu;
__thread unsigned int harness_memalloc;
__thread int harness_node;
int harness_fail_every;
_Atomic unsigned long harness_warnings;
_Atomic unsigned long harness_reports;
_Atomic unsigned long harness_bad_frees;
static unsigned long fail_counter;

#define SHADOW_PFNS	(1UL << 22)
static unsigned char *owned;	/* 1: handed out by the twin */
static unsigned char *dirty;	/* 1: "written" since it was last zeroed */

void buddy_user_lock_init(struct buddy_user_lock *l)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	if (pthread_mutex_init(&l->m, &a))
		harness_die("mutex init");
	pthread_mutexattr_destroy(&a);
	l->held = 0;
}

void buddy_user_lock(struct buddy_user_lock *l)
{
	if (pthread_mutex_lock(&l->m))
		harness_die("lock taken recursively");
	WRITE_ONCE(l->held, 1);
}

void buddy_user_unlock(struct buddy_user_lock *l)
{
	WRITE_ONCE(l->held, 0);
	if (pthread_mutex_unlock(&l->m))
		harness_die("unlock of a lock not held");
}

/* 1 when taken; 0 when someone (or this thread) holds it. */
int buddy_user_trylock(struct buddy_user_lock *l)
{
	if (pthread_mutex_trylock(&l->m))
		return 0;
	WRITE_ONCE(l->held, 1);
	return 1;
}

void harness_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int harness_warn(int cond, const char *file, int line)
{
	if (cond) {
		harness_warnings++;
		fprintf(stderr, "WARNING at %s:%d\n", file, line);
	}
	return cond;
}

void buddy_zero_pfns(unsigned long pfn, unsigned long nr)
{
	memset(dirty + pfn, 0, nr);
}

bool harness_should_fail(gfp_t gfp, unsigned int order)
{
	(void)gfp;
	(void)order;
	return harness_fail_every && ++fail_counter % harness_fail_every == 0;
}

void harness_report_fail(gfp_t gfp, unsigned int order)
{
	(void)gfp;
	(void)order;
	harness_reports++;
}

/* Only a __GFP_NOFAIL loop reschedules; here nobody else can free. */
void harness_bad_free(unsigned long pfn, unsigned int order, int state,
		      unsigned int frame_order)
{
	harness_bad_frees++;
}

void harness_cond_resched(void)
{
	static unsigned long loops;

	if (++loops > 1000000)
		harness_die("__GFP_NOFAIL looping with nothing to free");
}

/* A reclaimer that frees the oldest live allocations. */
static unsigned long harness_reclaim(void *data, int nid, gfp_t gfp,
				     unsigned int order, int highest_zoneidx)
{
	struct harness *h = data;
	unsigned long freed = 0;

	(void)gfp;
	while (h->nr_live && freed < (2UL << order)) {
		freed += 1UL << h->live[0].order;
		harness_free(h, 0);
	}
	return freed;
}

static void harness_wake(void *data, int nid, int zone, unsigned int order,
			 gfp_t gfp, int highest_zoneidx)
{
}

static struct mmtwin_reclaim_ops harness_reclaim_ops = {
	.wake = harness_wake,
	.reclaim = harness_reclaim,
};

static void add_chunks(struct harness *h, int n, int node, int idx,
		       const char *name)
{
	while (n--) {
		struct buddy_chunk *c = buddy_chunk_new();
		unsigned long pfn;

		/* Reuse the pfns of chunks taken back before new ones. */
		if (h->nr_spare_pfns) {
			pfn = h->spare_pfns[--h->nr_spare_pfns];
		} else {
			pfn = h->next_pfn;
			/* Leave holes so zones span more than they manage. */
			h->next_pfn += 3 * BUDDY_CHUNK_PAGES;
		}
		if (!c || pfn + BUDDY_CHUNK_PAGES > HARNESS_PFNS ||
		    buddy_add_chunk(h->b, c, pfn, node, idx, name))
			harness_die("add_chunk failed at pfn %lu", pfn);
	}
}

void harness_setup(struct harness *h, int dma32_chunks, int normal_chunks,
		   int node1_chunks)
{
	memset(h, 0, sizeof(*h));
	if (!owned) {
		owned = calloc(SHADOW_PFNS, 1);
		dirty = calloc(SHADOW_PFNS, 1);
	}
	/* The chunks sit below HARNESS_PFNS (see add_chunks()). */
	memset(owned, 0, HARNESS_PFNS);
	memset(dirty, 1, HARNESS_PFNS);
	h->b = buddy_vzalloc(sizeof(*h->b));
	if (buddy_init(h->b, SHADOW_PFNS))
		harness_die("buddy_init");
	h->next_pfn = BUDDY_CHUNK_PAGES;
	add_chunks(h, dma32_chunks, 0, 1, "DMA32");
	add_chunks(h, normal_chunks, 0, 2, "Normal");
	add_chunks(h, node1_chunks, 1, 2, "Normal");
	buddy_setup_wmarks(h->b);
	buddy_update_pcp(h->b);
	harness_reclaim_ops.data = h;
	harness_cpu = 0;
	harness_node = 0;
	harness_fail_every = 0;
	harness_verify(h, "setup");
}

void harness_teardown(struct harness *h)
{
	struct buddy_chunk *c;

	harness_free_all(h);
	while ((c = buddy_take_free_chunk(h->b)))
		buddy_vfree(c);
	for (int i = 0; i < h->b->nr_zones; i++)
		if (h->b->zones[i].managed_pages)
			harness_die("zone %d keeps %lu pages after teardown",
				    i, h->b->zones[i].managed_pages);
	buddy_destroy(h->b);
	buddy_vfree(h->b);
	h->b = NULL;
}

void harness_verify(struct harness *h, const char *after)
{
	char why[256];
	unsigned long live = 0, pcp = 0, free = 0, managed = 0;

	if (buddy_check(h->b, why, sizeof(why)))
		harness_die("invariant broken after %s (op %lu): %s", after,
			    h->nr_ops, why);
	for (int i = 0; i < h->nr_live; i++)
		live += 1UL << h->live[i].order;
	for (int i = 0; i < h->b->nr_zones; i++) {
		struct buddy_zone_stats st;

		buddy_zone_stats(&h->b->zones[i], &st);
		pcp += st.pcp_pages;
		free += st.free_pages;
		managed += h->b->zones[i].managed_pages;
	}
	if (live + pcp + free != managed)
		harness_die("after %s: live %lu + pcp %lu + free %lu != managed %lu",
			    after, live, pcp, free, managed);
	if (harness_warnings || harness_bad_frees)
		harness_die("after %s: %lu warnings, %lu bad frees", after,
			    harness_warnings, harness_bad_frees);
}

static void claim_frames(struct mmtwin_frame *f, unsigned int order)
{
	unsigned long pfn = frame_pfn(f);

	for (unsigned long i = 0; i < (1UL << order); i++) {
		if (owned[pfn + i])
			harness_die("pfn %lu handed out twice", pfn + i);
		owned[pfn + i] = 1;
	}
}

static void track(struct harness *h, struct mmtwin_frame *f, gfp_t gfp,
		  unsigned int order)
{
	unsigned long pfn = frame_pfn(f);

	if (f->state != MMTWIN_FRAME_ALLOC || f->order != order)
		harness_die("pfn %lu: state %d order %d after alloc", pfn,
			    f->state, f->order);
	if (pfn & ((1UL << order) - 1))
		harness_die("pfn %lu misaligned for order %u", pfn, order);
	if (f->mt != buddy_gfp_migratetype(gfp))
		harness_die("pfn %lu: type %d for gfp %#x", pfn, f->mt, gfp);
	if (frame_chunk(f)->zone->host_idx > buddy_gfp_zone(gfp))
		harness_die("pfn %lu: zone %s for gfp %#x", pfn,
			    frame_chunk(f)->zone->name, gfp);
	for (unsigned long i = 1; (gfp & __GFP_COMP) && i < (1UL << order); i++)
		if (mmtwin_frame_head(f + i) != f)
			harness_die("pfn %lu: tail %lu lost its head", pfn, i);
	claim_frames(f, order);
	if (gfp & __GFP_ZERO)
		for (unsigned long i = 0; i < (1UL << order); i++)
			if (dirty[pfn + i])
				harness_die("pfn %lu not zeroed", pfn + i);
	memset(dirty + pfn, 1, 1UL << order);
	if (h->nr_live == HARNESS_MAX_LIVE)
		harness_die("too many live allocations");
	h->live[h->nr_live++] = (struct harness_alloc){ f, order, f->mt };
}

struct mmtwin_frame *harness_alloc(struct harness *h, gfp_t gfp,
				   unsigned int order)
{
	struct mmtwin_frame *f;

	if (h->nr_live == HARNESS_MAX_LIVE)
		return NULL;
	f = buddy_alloc(h->b, gfp, order);
	if (f)
		track(h, f, gfp, order);
	return f;
}

void harness_free(struct harness *h, int i)
{
	struct harness_alloc a = h->live[i];
	unsigned long pfn = frame_pfn(a.f);

	memset(owned + pfn, 0, 1UL << a.order);
	h->live[i] = h->live[--h->nr_live];
	if (buddy_free(h->b, a.f, a.order))
		harness_die("free of pfn %lu order %u refused", pfn, a.order);
}

void harness_free_all(struct harness *h)
{
	while (h->nr_live)
		harness_free(h, h->nr_live - 1);
	buddy_drain_all(h->b);
}

/* With nothing handed out, every chunk is one block again (see check.c). */
void harness_verify_all_merged(struct harness *h)
{
	for (int i = 0; i < h->b->nr_zones; i++) {
		struct buddy_zone *z = &h->b->zones[i];
		struct buddy_zone_stats st;

		buddy_zone_stats(z, &st);
		if (st.free_pages != z->managed_pages)
			harness_die("%s: %lu of %lu free with nothing out",
				    z->name, st.free_pages, z->managed_pages);
		for (unsigned int o = 0; o < BUDDY_PB_ORDER; o++)
			if (st.nr_free[o])
				harness_die("%s: %lu free blocks of order %u left",
					    z->name, st.nr_free[o], o);
		if (!h->highatomic_seen &&
		    st.nr_free[BUDDY_MAX_ORDER] << BUDDY_MAX_ORDER != z->managed_pages)
			harness_die("%s: not all merged to order %d", z->name,
				    BUDDY_MAX_ORDER);
	}
}

static const gfp_t gfp_choices[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_ATOMIC, GFP_NOWAIT, GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
	GFP_ATOMIC | __GFP_MOVABLE | __GFP_NOWARN,
	GFP_NOWAIT | __GFP_RECLAIMABLE | __GFP_NOWARN,
	GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_MOVABLE,
	GFP_ATOMIC | __GFP_NOMEMALLOC | __GFP_NOWARN,
	GFP_NOWAIT | __GFP_MEMALLOC | __GFP_NOWARN,
	GFP_KERNEL | __GFP_NOFAIL,
	GFP_KERNEL | __GFP_COMP | __GFP_DMA32 | __GFP_NOWARN,
};

#define NR_GFP_CHOICES	ARRAY_SIZE(gfp_choices)

/*
 * __GFP_NOFAIL only where it can succeed: with nothing free anywhere it
 * would loop for good (the kernel's would wait for the OOM killer).
 */
static gfp_t pick_gfp(struct harness *h, uint8_t a, unsigned int order)
{
	gfp_t gfp = gfp_choices[a % NR_GFP_CHOICES];
	unsigned long free = 0;

	if (!(gfp & __GFP_NOFAIL))
		return gfp;
	for (int i = 0; i < h->b->nr_zones; i++)
		free += h->b->zones[i].nr_free_pages;
	if (order > 1 || free < 64)
		return GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;
	return gfp;
}

static void op_tunables(struct harness *h, uint8_t a, uint8_t c)
{
	switch (a % 4) {
	case 0:
		/* 0 turns the lists off: what they held must come back. */
		h->b->tun.pcp_high = c % 4 == 0 ? -1 : c % 4 == 1 ? 0 : c;
		break;
	case 1:
		h->b->tun.pcp_batch = c % 4 ? c % 64 + 1 : -1;
		break;
	case 2:
		h->b->tun.min_free_kbytes = c % 3 ? 128 + c * 64 : 0;
		break;
	default:
		h->b->tun.watermark_scale_factor = 1 + c * 12;
		break;
	}
	buddy_setup_wmarks(h->b);
	buddy_update_pcp(h->b);
}

static void op_bulk(struct harness *h, uint8_t a, uint8_t c)
{
	struct mmtwin_frame *frames[64] = { NULL };
	gfp_t gfp = pick_gfp(h, a, 0);
	unsigned long nr = c % 64 + 1, got;

	if (h->nr_live + nr > HARNESS_MAX_LIVE)
		return;
	got = buddy_alloc_bulk(h->b, gfp, nr, frames);
	for (unsigned long i = 0; i < nr; i++) {
		if ((i < got) != !!frames[i])
			harness_die("bulk: %lu filled but slot %lu is %p", got, i,
				    (void *)frames[i]);
		if (frames[i])
			track(h, frames[i], gfp, 0);
	}
}

static void op_chunk(struct harness *h, uint8_t a)
{
	struct buddy_chunk *c;

	if (a & 1) {
		if (h->b->nr_chunks < 64)
			add_chunks(h, 1, a & 2 ? 1 : 0, 2, "Normal");
	} else {
		buddy_drain_all(h->b);
		c = buddy_take_free_chunk(h->b);
		if (c) {
			for (unsigned long i = 0; i < BUDDY_CHUNK_PAGES; i++)
				if (owned[c->base_pfn + i])
					harness_die("took back owned pfn %lu",
						    c->base_pfn + i);
			h->spare_pfns[h->nr_spare_pfns++] = c->base_pfn;
			buddy_vfree(c);
		}
	}
	buddy_setup_wmarks(h->b);
	buddy_update_pcp(h->b);
}

/* Each op: 3 bytes (op, a, c). */
static void run_op(struct harness *h, uint8_t op, uint8_t a, uint8_t c)
{
	unsigned int order;

	switch (op % 12) {
	case 0: case 1: case 2: case 3:
		order = c % 16 < 10 ? c % 4 : c % (BUDDY_MAX_ORDER + 1);
		harness_alloc(h, pick_gfp(h, a, order), order);
		if (h->b->zones[0].nr_reserved_highatomic ||
		    (h->b->nr_zones > 1 && h->b->zones[1].nr_reserved_highatomic))
			h->highatomic_seen = 1;
		break;
	case 4: case 5: case 6:
		if (h->nr_live)
			harness_free(h, (a << 8 | c) % h->nr_live);
		break;
	case 7:
		harness_cpu = a % HARNESS_NR_CPUS;
		harness_node = c % 2;
		break;
	case 8:
		if (a % 2)
			buddy_drain_all(h->b);
		else
			buddy_drain_cpu(h->b, c % HARNESS_NR_CPUS);
		break;
	case 9:
		op_bulk(h, a, c);
		break;
	case 10:
		if (a % 8 == 0)
			op_chunk(h, c);
		else if (a % 8 == 1)
			op_tunables(h, a >> 3, c);
		else if (a % 8 == 2)
			buddy_set_reclaim(h->b, c & 1 ? &harness_reclaim_ops : NULL);
		else
			harness_fail_every = a % 8 == 3 ? c % 5 : 0;
		break;
	default:
		/* A burst, to reach the watermarks and fallbacks quickly. */
		for (int i = 0; i < c % 64; i++)
			if (!harness_alloc(h, pick_gfp(h, a, a % 4) | __GFP_NOWARN,
					   a % 4))
				break;
		break;
	}
}

void harness_run_ops(struct harness *h, const uint8_t *data, size_t len)
{
	static const char * const names[] = { "alloc", "alloc", "alloc", "alloc",
		"free", "free", "free", "cpu", "drain", "bulk", "misc", "burst" };

	for (size_t i = 0; i + 3 <= len; i += 3) {
		h->nr_ops++;
		run_op(h, data[i], data[i + 1], data[i + 2]);
		harness_verify(h, names[data[i] % 12]);
	}
	harness_fail_every = 0;
	buddy_set_reclaim(h->b, NULL);
	harness_free_all(h);
	harness_verify(h, "free_all");
	harness_verify_all_merged(h);
}
