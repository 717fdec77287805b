// SPDX-License-Identifier: GPL-2.0
/*
 * The OOM killer over the twin's groups, called through the buddy's OOM
 * hook where 6.12 calls __alloc_pages_may_oom(). It kills only when one
 * more reclaim at every priority frees nothing; it then picks the group
 * with the highest oom_badness() (resident plus swapped pages, shifted by
 * oom_score_adj thousandths of the twin's memory; -1000 never), frees
 * all it holds and prints a report shaped like the kernel's.
 */
#include <linux/mutex.h>
#include <linux/printk.h>

#include <kunit/visibility.h>

#include "internal.h"

static DEFINE_MUTEX(oom_lock);

/* select_bad_process(): under twin_lock. */
struct twin_group *twin_select_bad_group(unsigned long totalpages)
{
	struct twin_group *g, *chosen = NULL;
	long points, chosen_points = LONG_MIN;

	lockdep_assert_held(&twin_lock);
	list_for_each_entry(g, &twin_groups, list) {
		if (g->killed)
			continue;
		points = twin_oom_badness(g->rss + g->swapents, g->adj,
					  totalpages);
		if (points == LONG_MIN || points < chosen_points)
			continue;
		/* Ties go to the later group, as the task scan does. */
		chosen = g;
		chosen_points = points;
	}
	return chosen;
}
EXPORT_SYMBOL_IF_KUNIT(twin_select_bad_group);

/* dump_tasks(): one line a group, in the kernel's columns. */
static void dump_groups(void)
{
	struct twin_group *g;

	pr_info("Tasks state (memory values in pages):\n");
	pr_info("[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name\n");
	list_for_each_entry(g, &twin_groups, list)
		pr_info("[%7u] %5d %5u %8lu %8lu %8lu %8lu %9d %8d %8lu         %5d %s\n",
			g->id, 0, g->id, g->nr, g->rss, g->anon ? g->rss : 0,
			g->anon ? 0 : g->rss, 0, 0, g->swapents, g->adj, g->name);
}

static void oom_report(struct twin_group *victim, gfp_t gfp, unsigned int order)
{
	unsigned long kb = PAGE_SIZE / 1024;

	pr_warn("mmtwin_reclaim invoked oom-killer: gfp_mask=%#x(%pGg), order=%u, oom_score_adj=0\n",
		gfp, &gfp, order);
	dump_groups();
	pr_err("Out of memory: Killed process %u (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:%d\n",
	       victim->id, victim->name, victim->nr * kb,
	       (victim->anon ? victim->rss : 0) * kb,
	       (victim->anon ? 0 : victim->rss) * kb, victim->adj);
}

bool twin_out_of_memory(gfp_t gfp, unsigned int order)
{
	struct twin_group *victim;
	bool killed = false;

	mutex_lock(&oom_lock);
	/* Only when reclaim at every priority down to 0 made no progress. */
	if (twin_try_to_free_pages(numa_node_id(), gfp, order, MAX_NR_ZONES - 1)) {
		killed = true;	/* progress after all: the allocation retries */
		goto out;
	}
	mutex_lock(&twin_lock);
	victim = twin_select_bad_group(twin_total_managed());
	if (victim) {
		oom_report(victim, gfp, order);
		victim->killed = true;
		twin_group_release_pages(victim);
		count_twin_event(TW_OOM_KILL, 1);
		killed = true;
	} else {
		pr_warn("mmtwin_reclaim: out of memory and no killable group\n");
	}
	mutex_unlock(&twin_lock);
out:
	mutex_unlock(&oom_lock);
	return killed;
}
