// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_slub: module glue. Registers the twin as "slub", creates the
 * kmalloc caches, and on unload destroys every cache left so that every
 * page goes back to the twin buddy.
 */
#include <linux/module.h>
#include <linux/shrinker.h>

#include <mmtwin/core.h>

#include "internal.h"

/* The kernel's defaults: SLAB_FREELIST_HARDENED/RANDOM follow its config. */
struct slub_options slub_default_opts = {
	.hardened = IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED),
	.random = IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM),
};

unsigned int slub_max_order = SLUB_DEFAULT_MAX_ORDER;

/*
 * The reclaimer's way in: empty partial slabs, counted and freed in
 * pages, through the buddy's shrinker registry (neither module calls the
 * other directly). A reclaim running while a cache is being created or
 * destroyed skips this round.
 */
static unsigned long slub_shrink_count(struct mmtwin_shrinker *sh,
				       struct mmtwin_shrink_control *sc)
{
	struct mmtwin_kmem_cache *s;
	unsigned long pages = 0;

	if (!mutex_trylock(&slub_caches_lock))
		return 0;
	list_for_each_entry(s, &slub_caches, list)
		pages += slub_count_empty(s, sc->nid);
	mutex_unlock(&slub_caches_lock);
	return pages ? pages : SHRINK_EMPTY;
}

static unsigned long slub_shrink_scan(struct mmtwin_shrinker *sh,
				      struct mmtwin_shrink_control *sc)
{
	struct mmtwin_kmem_cache *s;
	unsigned long freed = 0;

	if (!mutex_trylock(&slub_caches_lock))
		return SHRINK_STOP;
	list_for_each_entry(s, &slub_caches, list) {
		if (freed >= sc->nr_to_scan)
			break;
		freed += slub_discard_empty(s, sc->nid, sc->nr_to_scan - freed);
	}
	mutex_unlock(&slub_caches_lock);
	return freed;
}

static struct mmtwin_shrinker slub_shrinker = {
	.count_objects = slub_shrink_count,
	.scan_objects = slub_shrink_scan,
	.seeks = DEFAULT_SEEKS,
};

static struct mmtwin_twin slub_twin = {
	.name = "slub",
	.owner = THIS_MODULE,
};

static int __init mmtwin_slub_init(void)
{
	int ret;

	if (!system_has_cmpxchg128()) {
		pr_err("mmtwin_slub: the per-CPU fast path needs cmpxchg16b\n");
		return -ENODEV;
	}
	ret = slub_slab_map_init();
	if (ret)
		return ret;
	ret = mmtwin_twin_register(&slub_twin);
	if (ret) {
		slub_slab_map_exit();
		return ret;
	}
	slub_sysfs_set_root(slub_twin.kobj);
	ret = slub_kmalloc_init();
	if (ret) {
		pr_err("mmtwin_slub: kmalloc caches: %d\n", ret);
		slub_release_all();
		mmtwin_twin_unregister(&slub_twin);
		slub_slab_map_exit();
		return ret;
	}
	slub_debugfs_init(slub_twin.debugfs_dir);
	ret = mmtwin_buddy_register_shrinker(&slub_shrinker);
	if (ret)
		pr_warn("mmtwin_slub: no shrinker: %d\n", ret);
	return 0;
}

static void __exit mmtwin_slub_exit(void)
{
	mmtwin_buddy_unregister_shrinker(&slub_shrinker);
	slub_control_free_all();
	slub_kmalloc_exit();
	slub_release_all();
	mmtwin_twin_unregister(&slub_twin);
	slub_slab_map_exit();
}

module_init(mmtwin_slub_init);
module_exit(mmtwin_slub_exit);

MODULE_DESCRIPTION("mmtwin: the SLUB allocator twin");
MODULE_AUTHOR("mmtwin developers");
MODULE_LICENSE("GPL");
