// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mmtwin/tlb/: the simulator's geometry, one value per file.
 *
 *   l1_4k_entries, l1_4k_ways   the L1 array of 4 KiB translations
 *   l1_2m_entries, l1_2m_ways   the L1 array of 2 MiB translations
 *   stlb_entries, stlb_ways     the shared second level
 *
 * Entries must be a multiple of ways (else -EINVAL), at most 4096 (else
 * -ERANGE); a change empties that array.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "internal.h"

struct tlbs_geom_attr {
	struct kobj_attribute attr;
	enum tlbs_array array;
	bool ways;
};

static const struct tlbs_geom_attr *to_geom_attr(struct kobj_attribute *attr)
{
	return container_of(attr, struct tlbs_geom_attr, attr);
}

static ssize_t geom_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	const struct tlbs_geom_attr *ga = to_geom_attr(attr);

	return sysfs_emit(buf, "%u\n", tlbs_sim_geom(ga->array, ga->ways));
}

static ssize_t geom_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t len)
{
	const struct tlbs_geom_attr *ga = to_geom_attr(attr);
	unsigned int val;
	int ret;

	ret = kstrtouint(buf, 0, &val);
	if (ret)
		return ret;
	ret = tlbs_sim_set_geom(ga->array, ga->ways, val);
	return ret ? ret : len;
}

static struct tlbs_geom_attr geom_attrs[] = {
	{ __ATTR(l1_4k_entries, 0644, geom_show, geom_store), TLBS_L1_4K, false },
	{ __ATTR(l1_4k_ways, 0644, geom_show, geom_store), TLBS_L1_4K, true },
	{ __ATTR(l1_2m_entries, 0644, geom_show, geom_store), TLBS_L1_2M, false },
	{ __ATTR(l1_2m_ways, 0644, geom_show, geom_store), TLBS_L1_2M, true },
	{ __ATTR(stlb_entries, 0644, geom_show, geom_store), TLBS_STLB, false },
	{ __ATTR(stlb_ways, 0644, geom_show, geom_store), TLBS_STLB, true },
};

static struct attribute *tlb_attrs[ARRAY_SIZE(geom_attrs) + 1];

static const struct attribute_group tlb_group = {
	.attrs = tlb_attrs,
};

int tlbs_sysfs_init(struct kobject *kobj)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(geom_attrs); i++)
		tlb_attrs[i] = &geom_attrs[i].attr.attr;
	return sysfs_create_group(kobj, &tlb_group);
}

void tlbs_sysfs_exit(struct kobject *kobj)
{
	sysfs_remove_group(kobj, &tlb_group);
}
