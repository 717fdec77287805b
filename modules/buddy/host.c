// SPDX-License-Identifier: GPL-2.0
/*
 * The twin's dealings with the host's page allocator: borrowing max-order
 * blocks, holding a reference of its own on every page so a stray
 * put_page() cannot hand one back behind the twin's back, giving chunks
 * back only after an RCU grace period, and a host shrinker that returns
 * wholly free chunks when the host is short.
 */
#include <linux/mm.h>
#include <linux/page_ref.h>
#include <linux/shrinker.h>
#include <linux/workqueue.h>

#include "glue.h"

#define HOST_REFS	MMTWIN_HOST_REFS

static struct shrinker *host_shrinker;

/*
 * Spread the arena over the nodes with memory, taking turns, so the twin
 * has a zone per node as the host does; any node will do when one is full.
 */
static struct page *borrow_block(void)
{
	static int last_nid = NUMA_NO_NODE;
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	struct page *page;
	int nid;

	nid = next_node_in(last_nid, node_states[N_MEMORY]);
	if (nid < MAX_NUMNODES) {
		last_nid = nid;
		page = alloc_pages_node(nid, gfp | __GFP_THISNODE, MAX_PAGE_ORDER);
		if (page)
			return page;
	}
	return alloc_pages(gfp, MAX_PAGE_ORDER);
}

/**
 * mmtwin_host_borrow - a max-order block from the host, every page held
 *
 * split_page() gives each page a count of its own; the twin adds one, so
 * a consumer's put_page() leaves the page with the twin, and shows.
 * Return: the first page, or NULL.
 */
struct page *mmtwin_host_borrow(void)
{
	struct page *page = borrow_block();
	unsigned long i;

	if (!page)
		return NULL;
	split_page(page, MAX_PAGE_ORDER);
	for (i = 0; i < BUDDY_CHUNK_PAGES; i++)
		page_ref_inc(page + i);
	return page;
}

static void report_ref(struct page *page, const char *when)
{
	struct mmtwin_frame *f = mmtwin_page_frame(page);

	if (f)
		frame_chunk(f)->zone->events[BUDDY_HOST_REF]++;
	pr_err_ratelimited("mmtwin_buddy: pfn %#lx: page count %d, not %d, %s: a put_page()/get_page() on a twin page\n",
			   page_to_pfn(page), page_ref_count(page), HOST_REFS, when);
}

/**
 * mmtwin_host_check_block - report pages of a block whose count changed
 * @page: first page of a block being freed to the twin
 * @order: its order
 *
 * The count is put right, so the page can go back to the host later.
 * Return: how many pages were wrong.
 */
unsigned long mmtwin_host_check_block(struct page *page, unsigned int order)
{
	unsigned long i, bad = 0;

	for (i = 0; i < (1UL << order); i++) {
		if (page_ref_count(page + i) == HOST_REFS)
			continue;
		report_ref(page + i, "on free");
		set_page_count(page + i, HOST_REFS);
		bad++;
	}
	return bad;
}

/*
 * Drop both references of each page. A page whose count changed is still
 * used by someone: it is reported and left to them (leaked), never freed
 * under their feet.
 */
static void host_give_back(struct page *page)
{
	unsigned long i;

	for (i = 0; i < BUDDY_CHUNK_PAGES; i++) {
		if (page_ref_count(page + i) != HOST_REFS) {
			report_ref(page + i, "on return to the host");
			continue;
		}
		page_ref_dec(page + i);
		__free_page(page + i);
	}
}

/* Borrowed but never added: straight back. */
void mmtwin_host_unborrow(struct page *page)
{
	host_give_back(page);
}

/*
 * Chunks taken back wait here for a grace period: a buddy_lookup() that
 * raced with the removal may still read the chunk. The worker waits, so
 * neither resize (under the arena mutex) nor the shrinker blocks on it.
 */
static LIST_HEAD(retired);
static DEFINE_SPINLOCK(retired_lock);

static void retire_work_fn(struct work_struct *work)
{
	struct buddy_chunk *c, *next;
	LIST_HEAD(batch);

	spin_lock(&retired_lock);
	list_splice_init(&retired, &batch);
	spin_unlock(&retired_lock);
	if (list_empty(&batch))
		return;
	/* Every chunk in @batch left the map before this grace period. */
	synchronize_rcu();
	list_for_each_entry_safe(c, next, &batch, node) {
		host_give_back(c->host);
		buddy_vfree(c);
		/* 1024 frees a chunk: slow with DEBUG_PAGEALLOC's TLB flushes. */
		cond_resched();
	}
}

static DECLARE_WORK(retire_work, retire_work_fn);

/* Give @c (from buddy_take_free_chunk()) and its pages back, later. */
void mmtwin_host_retire(struct buddy_chunk *c)
{
	spin_lock(&retired_lock);
	list_add_tail(&c->node, &retired);
	spin_unlock(&retired_lock);
	queue_work(system_unbound_wq, &retire_work);
}

/* Wait until every retired chunk is back with the host. */
void mmtwin_host_flush(void)
{
	flush_work(&retire_work);
	retire_work_fn(&retire_work);	/* anything queued while it ran */
}
EXPORT_SYMBOL_IF_KUNIT(mmtwin_host_flush);

/* Pages in wholly free chunks: free max-order blocks (one chunk each). */
static unsigned long free_chunk_pages(void)
{
	unsigned long pages = 0;
	int i;

	for (i = 0; i < READ_ONCE(mmtwin_buddy->nr_zones); i++)
		pages += READ_ONCE(mmtwin_buddy->zones[i].free_area[MAX_PAGE_ORDER].nr_free)
			 << MAX_PAGE_ORDER;
	return pages;
}

/* One chunk always stays, so the twin keeps working under pressure. */
static unsigned long host_count(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long pages = free_chunk_pages();

	if (READ_ONCE(mmtwin_buddy->nr_chunks) <= 1)
		return 0;
	return pages ? pages : SHRINK_EMPTY;
}

/**
 * mmtwin_host_shrink - give up to @nr pages of wholly free chunks back
 * @nr: pages wanted by the host
 *
 * Never blocks: SHRINK_STOP when a resize holds the arena.
 * Return: pages given back (after a grace period), or SHRINK_STOP.
 */
VISIBLE_IF_KUNIT unsigned long mmtwin_host_shrink(unsigned long nr)
{
	struct buddy_chunk *c;
	unsigned long freed = 0;

	if (!mutex_trylock(&mmtwin_buddy_arena_lock))
		return SHRINK_STOP;
	while (freed < nr && mmtwin_buddy->nr_chunks > 1 &&
	       (c = buddy_take_free_chunk(mmtwin_buddy))) {
		mmtwin_host_retire(c);
		freed += BUDDY_CHUNK_PAGES;
	}
	if (freed)
		mmtwin_buddy_retune();
	mutex_unlock(&mmtwin_buddy_arena_lock);
	return freed;
}
EXPORT_SYMBOL_IF_KUNIT(mmtwin_host_shrink);

static unsigned long host_scan(struct shrinker *s, struct shrink_control *sc)
{
	return mmtwin_host_shrink(sc->nr_to_scan);
}

int mmtwin_host_init(void)
{
	host_shrinker = mmtwin_shrinker_create("mmtwin-buddy", host_count,
					       host_scan);
	return host_shrinker ? 0 : -ENOMEM;
}

void mmtwin_host_exit(void)
{
	if (host_shrinker)
		mmtwin_shrinker_destroy(host_shrinker);
	host_shrinker = NULL;
}
