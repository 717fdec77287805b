// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_slub_kcaches: kernel caches of the geometries the slub
 * kselftest compares with the twin's (SLAB_NO_MERGE, so each has its own
 * /sys/kernel/slab/<name>/). The same list, with the control words that
 * make the twin's counterpart, is in parameters/caches:
 *   "<name> <size> <align> <control options>" one a line.
 * parameters/kasan says whether KASAN changes the kernel's sizes.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <mmtwin/compat.h>

struct geo_case {
	const char *name;
	unsigned int size, align;
	slab_flags_t flags;
	bool ctor;
	const char *twin_options;
};

static const struct geo_case cases[] = {
	{ "mmtwin_geo_700", 700, 0, 0, false, "" },
	{ "mmtwin_geo_24_hw", 24, 0, SLAB_HWCACHE_ALIGN, false, "hwcache" },
	{ "mmtwin_geo_100_a64", 100, 64, 0, false, "align=64" },
	{ "mmtwin_geo_3000", 3000, 0, 0, false, "" },
	{ "mmtwin_geo_40000", 40000, 0, 0, false, "" },
	{ "mmtwin_geo_200_rcu", 200, 0, SLAB_TYPESAFE_BY_RCU, false, "rcu" },
	{ "mmtwin_geo_48_ctor", 48, 0, 0, true, "ctor" },
	{ "mmtwin_geo_64_fzpu", 64, 0, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
	  SLAB_POISON | SLAB_STORE_USER, false, "debug=FZPU" },
	{ "mmtwin_geo_1000_z", 1000, 0, SLAB_RED_ZONE, false, "debug=Z" },
	{ "mmtwin_geo_8_z", 8, 0, SLAB_RED_ZONE, false, "debug=Z" },
	{ "mmtwin_geo_5_zp", 5, 0, SLAB_RED_ZONE | SLAB_POISON, false,
	  "debug=ZP" },
	{ "mmtwin_geo_96_hw_u", 96, 0, SLAB_HWCACHE_ALIGN | SLAB_STORE_USER,
	  false, "hwcache debug=U" },
	{ "mmtwin_geo_2048_rcl", 2048, 0, SLAB_RECLAIM_ACCOUNT, false,
	  "reclaim" },
};

static struct kmem_cache *caches[ARRAY_SIZE(cases)];

static bool kasan = IS_ENABLED(CONFIG_KASAN);
module_param(kasan, bool, 0444);
MODULE_PARM_DESC(kasan, "KASAN is on: the kernel's caches carry its metadata (read-only report)");

static int caches_get(char *buf, const struct kernel_param *kp)
{
	int i, len = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		len += sysfs_emit_at(buf, len, "%s %u %u %s\n", cases[i].name,
				     cases[i].size, cases[i].align,
				     cases[i].twin_options);
	return len;
}

static const struct kernel_param_ops caches_ops = {
	.get = caches_get,
};
module_param_cb(caches, &caches_ops, NULL, 0444);
__MODULE_PARM_TYPE(caches, "charp");
MODULE_PARM_DESC(caches, "the caches: name size align twin-options (read-only report)");

static void zero_ctor(void *object)
{
	memset(object, 0, 48);
}

static void destroy_all(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		kmem_cache_destroy(caches[i]);
}

static int __init kcaches_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		void (*ctor)(void *object) = NULL;

		if (cases[i].ctor)
			ctor = zero_ctor;
		caches[i] = kmem_cache_create(cases[i].name, cases[i].size,
					      cases[i].align,
					      cases[i].flags | SLAB_NO_MERGE, ctor);
		if (!caches[i]) {
			destroy_all();
			return -ENOMEM;
		}
	}
	return 0;
}

static void __exit kcaches_exit(void)
{
	destroy_all();
}

module_init(kcaches_init);
module_exit(kcaches_exit);

MODULE_DESCRIPTION("mmtwin: kernel caches for the slub twin's geometry test");
MODULE_LICENSE("GPL");
