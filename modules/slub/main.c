// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_slub: module glue. Registers the twin as "slub", creates the
 * kmalloc caches, and on unload destroys every cache left so that every
 * page goes back to the twin buddy.
 */
#include <linux/module.h>

#include <mmtwin/core.h>

#include "internal.h"

/* The kernel's defaults: SLAB_FREELIST_HARDENED/RANDOM follow its config. */
struct slub_options slub_default_opts = {
	.hardened = IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED),
	.random = IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM),
};

unsigned int slub_max_order = SLUB_DEFAULT_MAX_ORDER;

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
	ret = mmtwin_twin_register(&slub_twin);
	if (ret)
		return ret;
	slub_sysfs_set_root(slub_twin.kobj);
	ret = slub_kmalloc_init();
	if (ret) {
		pr_err("mmtwin_slub: kmalloc caches: %d\n", ret);
		slub_release_all();
		mmtwin_twin_unregister(&slub_twin);
		return ret;
	}
	slub_debugfs_init(slub_twin.debugfs_dir);
	return 0;
}

static void __exit mmtwin_slub_exit(void)
{
	slub_control_free_all();
	slub_kmalloc_exit();
	slub_release_all();
	mmtwin_twin_unregister(&slub_twin);
}

module_init(mmtwin_slub_init);
module_exit(mmtwin_slub_exit);

MODULE_DESCRIPTION("mmtwin: the SLUB allocator twin");
MODULE_AUTHOR("mmtwin developers");
MODULE_LICENSE("GPL");
