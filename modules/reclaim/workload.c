// SPDX-License-Identifier: GPL-2.0
/*
 * What reclaim works on: named groups of twin pages standing in for the
 * kernel's page cache (file groups: clean pages recreated from (group,
 * index) on the next access) and anonymous memory (anon groups: written
 * to the swap store and read back, checked against their pattern).
 * Touching an index is an access: a resident page is marked accessed, a
 * missing one is faulted in (a refault when it was evicted). Writes to
 * anon pages give them a new generation, so a stale swap copy shows.
 *
 * Pages are allocated before twin_lock is taken: the allocation may enter
 * the twin's direct reclaim, which takes it.
 */
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <kunit/visibility.h>

#include "internal.h"

LIST_HEAD(twin_groups);
static unsigned int next_group_id = 1;

/* A page's content: a xorshift stream seeded by group, index, generation. */
static u64 pattern_seed(const struct twin_group *g, unsigned long index, u32 gen)
{
	return ((u64)g->id << 44 | (u64)index << 12 | (gen & 0xfff)) *
	       0x9E3779B97F4A7C15ULL | 1;
}

static u64 xorshift(u64 v)
{
	v ^= v << 13;
	v ^= v >> 7;
	v ^= v << 17;
	return v;
}

void twin_fill_pattern(void *data, const struct twin_group *g,
		       unsigned long index, u32 gen)
{
	u64 *w = data, v = pattern_seed(g, index, gen);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++) {
		v = xorshift(v);
		w[i] = v;
	}
}
EXPORT_SYMBOL_IF_KUNIT(twin_fill_pattern);

static bool pattern_ok(const void *data, const struct twin_group *g,
		       unsigned long index, u32 gen)
{
	const u64 *w = data;
	u64 v = pattern_seed(g, index, gen);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++) {
		v = xorshift(v);
		if (w[i] != v)
			return false;
	}
	return true;
}

static void group_free(struct twin_group *g)
{
	vfree(g->pages);
	vfree(g->shadow);
	vfree(g->swap);
	vfree(g->gen);
	kfree(g);
}

void twin_group_put(struct twin_group *g)
{
	if (refcount_dec_and_test(&g->ref))
		group_free(g);
}
EXPORT_SYMBOL_IF_KUNIT(twin_group_put);

struct twin_group *twin_group_create(const char *name, bool anon,
				     unsigned long nr, int adj, int nid)
{
	struct twin_group *g;

	if (!nr || nr > TWIN_GROUP_MAX_PAGES)
		return ERR_PTR(-ERANGE);
	if (adj < TWIN_OOM_SCORE_ADJ_MIN || adj > TWIN_OOM_SCORE_ADJ_MAX)
		return ERR_PTR(-ERANGE);
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return ERR_PTR(-ENOMEM);
	strscpy(g->name, name, sizeof(g->name));
	g->anon = anon;
	g->adj = adj;
	g->nid = nid;
	g->nr = nr;
	refcount_set(&g->ref, 1);
	g->pages = vzalloc(array_size(nr, sizeof(*g->pages)));
	g->shadow = vzalloc(array_size(nr, sizeof(*g->shadow)));
	g->swap = vzalloc(array_size(nr, sizeof(*g->swap)));
	g->gen = vzalloc(array_size(nr, sizeof(*g->gen)));
	if (!g->pages || !g->shadow || !g->swap || !g->gen) {
		group_free(g);
		return ERR_PTR(-ENOMEM);
	}
	mutex_lock(&twin_lock);
	if (twin_group_find(name)) {
		mutex_unlock(&twin_lock);
		group_free(g);
		return ERR_PTR(-EEXIST);
	}
	g->id = next_group_id++;
	list_add_tail(&g->list, &twin_groups);
	mutex_unlock(&twin_lock);
	return g;
}
EXPORT_SYMBOL_IF_KUNIT(twin_group_create);

/* Under twin_lock; no reference taken. */
struct twin_group *twin_group_find(const char *name)
{
	struct twin_group *g;

	lockdep_assert_held(&twin_lock);
	list_for_each_entry(g, &twin_groups, list)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(twin_group_find);

/* Give every page and swap slot back: on destroy and on an OOM kill. */
void twin_group_release_pages(struct twin_group *g)
{
	unsigned long i;

	lockdep_assert_held(&twin_lock);
	for (i = 0; i < g->nr; i++) {
		struct mmtwin_frame *f = g->pages[i];

		if (f) {
			twin_lru_del(f);
			g->pages[i] = NULL;
			mmtwin_free_pages(mmtwin_frame_page(f), 0);
		}
		if (g->swap[i]) {
			twin_swap_free(g->swap[i] - 1);
			g->swap[i] = 0;
		}
		g->shadow[i] = 0;
		if (!(i % 1024))
			cond_resched();
	}
	g->rss = 0;
	g->swapents = 0;
}

static void stop_worker(struct twin_group *g)
{
	if (!g->worker)
		return;
	kthread_stop(g->worker);
	put_task_struct(g->worker);
	g->worker = NULL;
}

int twin_group_destroy(const char *name)
{
	struct twin_group *g;

	mutex_lock(&twin_lock);
	g = twin_group_find(name);
	if (!g) {
		mutex_unlock(&twin_lock);
		return -ENOENT;
	}
	list_del(&g->list);
	/* Dead to new accesses; a running one fails at its next page. */
	g->killed = true;
	mutex_unlock(&twin_lock);
	stop_worker(g);
	mutex_lock(&twin_lock);
	twin_group_release_pages(g);
	mutex_unlock(&twin_lock);
	twin_group_put(g);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(twin_group_destroy);

void twin_groups_destroy_all(void)
{
	struct twin_group *g;

	for (;;) {
		char name[TWIN_GROUP_NAME];

		mutex_lock(&twin_lock);
		g = list_first_entry_or_null(&twin_groups, struct twin_group, list);
		if (g)
			strscpy(name, g->name, sizeof(name));
		mutex_unlock(&twin_lock);
		if (!g)
			return;
		twin_group_destroy(name);
	}
}

/* A write gives an anon page a new generation of its pattern. */
static void write_page(struct twin_group *g, struct mmtwin_frame *f,
		       unsigned long i)
{
	g->gen[i]++;
	twin_fill_pattern(mmtwin_frame_address(f), g, i, g->gen[i]);
	twin_set_flag(f, TPG_DIRTY);
}

/* Bring in what index @i holds: from swap, recreated, or fresh. */
static void fill_new_page(struct twin_group *g, struct mmtwin_frame *f,
			  unsigned long i)
{
	void *addr = mmtwin_frame_address(f);

	if (g->anon && g->swap[i]) {
		u32 slot = g->swap[i] - 1;

		if (twin_swap_read(slot, addr) ||
		    !pattern_ok(addr, g, i, g->gen[i]))
			atomic_long_inc(&twin_swap_mismatch);
		twin_swap_free(slot);
		g->swap[i] = 0;
		g->swapents--;
		count_twin_event(TW_PSWPIN, 1);
		count_twin_event(TW_PGMAJFAULT, 1);
		return;
	}
	if (!g->anon && g->shadow[i])
		count_twin_event(TW_PGMAJFAULT, 1);
	twin_fill_pattern(addr, g, i, g->gen[i]);
}

/*
 * Reading back a page that was active before its eviction is thrashing:
 * swap_read_folio() and filemap_read_folio() stall on memory meanwhile.
 */
static void read_page(struct twin_group *g, struct mmtwin_frame *f,
		      unsigned long i, bool workingset)
{
	struct twin_memstall ms;

	if (workingset)
		twin_psi_memstall_enter(&ms, TWIN_STALL_THRASHING);
	fill_new_page(g, f, i);
	if (workingset)
		twin_psi_memstall_leave(&ms);
}

static void install_page(struct twin_group *g, struct page *page,
			 unsigned long i)
{
	struct mmtwin_frame *f = mmtwin_page_frame(page);
	int zone = twin_zone_of(page);
	unsigned int refault;

	/* Every twin page is in a twin zone; if not, account it to zone 0. */
	if (WARN_ON_ONCE(zone < 0))
		zone = 0;

	twin_frame_set_owner(f, g, i, zone);
	if (g->anon)
		twin_set_flag(f, TPG_SWAPBACKED);
	/* As the kernel: workingset_refault() before the read. */
	refault = twin_workingset_refault(g, i, twin_zone_node(zone));
	if (refault & TWIN_REFAULT_WORKINGSET)
		twin_set_flag(f, TPG_WORKINGSET);
	read_page(g, f, i, refault & TWIN_REFAULT_WORKINGSET);
	g->pages[i] = f;
	g->rss++;
	twin_lru_add(f, refault & TWIN_REFAULT_ACTIVE);
}

/* One access to index @i; -ENOMEM when no page could be had. */
static int touch_one(struct twin_group *g, unsigned long i, bool write)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_MOVABLE | __GFP_NOWARN;
	struct page *page = NULL;
	struct mmtwin_frame *f;

	for (;;) {
		mutex_lock(&twin_lock);
		if (g->killed)
			goto fail;
		f = g->pages[i];
		if (f)
			break;
		if (page) {
			install_page(g, page, i);
			f = g->pages[i];
			page = NULL;
			break;
		}
		mutex_unlock(&twin_lock);
		page = mmtwin_alloc_pages_node(g->nid, gfp, 0);
		if (!page)
			return -ENOMEM;
	}
	twin_mark_accessed(f);
	if (write && g->anon)
		write_page(g, f, i);
	mutex_unlock(&twin_lock);
	/* Someone else faulted it in while we allocated. */
	if (page)
		mmtwin_free_pages(page, 0);
	return 0;
fail:
	mutex_unlock(&twin_lock);
	if (page)
		mmtwin_free_pages(page, 0);
	return -ENOMEM;
}

/* Access @count pages from @start; counted as a twin task for PSI. */
int twin_group_touch(struct twin_group *g, unsigned long start,
		     unsigned long count, bool write)
{
	unsigned long i;
	int ret = 0;

	if (start >= g->nr || count > g->nr - start)
		return -ERANGE;
	twin_psi_task_enter();
	for (i = start; i < start + count && !ret; i++) {
		ret = touch_one(g, i, write);
		if (fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	twin_psi_task_leave();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(twin_group_touch);

struct worker_args {
	struct twin_group *g;
	unsigned long start, count;
	bool write;
	unsigned int passes;
};

/* A kernel thread touching its range @passes times, then idle until stopped. */
static int worker(void *p)
{
	struct worker_args a = *(struct worker_args *)p;

	kfree(p);
	while (!kthread_should_stop()) {
		if (a.passes && !twin_group_touch(a.g, a.start, a.count, a.write)) {
			a.passes--;
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

int twin_group_spawn(struct twin_group *g, unsigned long start,
		     unsigned long count, bool write, unsigned int passes)
{
	struct worker_args *a;
	struct task_struct *t;

	if (start >= g->nr || count > g->nr - start)
		return -ERANGE;
	if (g->worker)
		return -EBUSY;
	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	*a = (struct worker_args){ g, start, count, write, passes };
	t = kthread_create(worker, a, "mmtwin_wl/%s", g->name);
	if (IS_ERR(t)) {
		kfree(a);
		return PTR_ERR(t);
	}
	g->worker = get_task_struct(t);
	wake_up_process(t);
	return 0;
}
