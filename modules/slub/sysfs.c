// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mmtwin/slub/<cache>/: one directory per cache, with the
 * files, modes and formats of 6.12's /sys/kernel/slab/<cache>/, so the
 * kernel's tools/mm/slabinfo reads it as it reads the kernel's.
 * Counts are "<total> N<node>=<count> ..." (nodes with a non-zero count).
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "internal.h"

struct slub_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mmtwin_kmem_cache *s, char *buf);
	ssize_t (*store)(struct mmtwin_kmem_cache *s, const char *buf,
			 size_t len);
};

#define SLUB_ATTR_RO(_name) \
	static struct slub_attribute _name##_attr = __ATTR_RO_MODE(_name, 0400)
#define SLUB_ATTR(_name) \
	static struct slub_attribute _name##_attr = __ATTR_RW_MODE(_name, 0600)

static struct mmtwin_kmem_cache *to_cache(struct kobject *kobj)
{
	return container_of(kobj, struct mmtwin_kmem_cache, kobj);
}

/* show_slab_objects() */
static ssize_t show_count(struct mmtwin_kmem_cache *s, char *buf,
			  enum slub_count what)
{
	unsigned long *nodes, total;
	int nid, len;

	nodes = kcalloc(nr_node_ids, sizeof(*nodes), GFP_KERNEL);
	if (!nodes)
		return -ENOMEM;
	total = slub_count(s, what, nodes);
	len = sysfs_emit(buf, "%lu", total);
	if (IS_ENABLED(CONFIG_NUMA))
		for (nid = 0; nid < nr_node_ids; nid++)
			if (nodes[nid])
				len += sysfs_emit_at(buf, len, " N%d=%lu", nid,
						     nodes[nid]);
	len += sysfs_emit_at(buf, len, "\n");
	kfree(nodes);
	return len;
}

static ssize_t show_flag(struct mmtwin_kmem_cache *s, char *buf,
			 slab_flags_t flag)
{
	return sysfs_emit(buf, "%d\n", !!(s->geo.flags & flag));
}

#define SLUB_GEO_ATTR(_name, _field)					\
static ssize_t _name##_show(struct mmtwin_kmem_cache *s, char *buf)	\
{									\
	return sysfs_emit(buf, "%u\n", s->geo._field);			\
}									\
SLUB_ATTR_RO(_name)

SLUB_GEO_ATTR(slab_size, size);
SLUB_GEO_ATTR(object_size, object_size);
SLUB_GEO_ATTR(objs_per_slab, objects);
SLUB_GEO_ATTR(order, order);
SLUB_GEO_ATTR(align, align);

#define SLUB_COUNT_ATTR(_name, _what)					\
static ssize_t _name##_show(struct mmtwin_kmem_cache *s, char *buf)	\
{									\
	return show_count(s, buf, _what);				\
}									\
SLUB_ATTR_RO(_name)

SLUB_COUNT_ATTR(slabs, SLUB_COUNT_SLABS);
SLUB_COUNT_ATTR(partial, SLUB_COUNT_PARTIAL);
SLUB_COUNT_ATTR(cpu_slabs, SLUB_COUNT_CPU);
SLUB_COUNT_ATTR(objects, SLUB_COUNT_OBJECTS);
SLUB_COUNT_ATTR(objects_partial, SLUB_COUNT_OBJECTS_PARTIAL);
SLUB_COUNT_ATTR(total_objects, SLUB_COUNT_TOTAL_OBJECTS);

#define SLUB_FLAG_ATTR(_name, _flag)					\
static ssize_t _name##_show(struct mmtwin_kmem_cache *s, char *buf)	\
{									\
	return show_flag(s, buf, _flag);				\
}									\
SLUB_ATTR_RO(_name)

SLUB_FLAG_ATTR(hwcache_align, SLAB_HWCACHE_ALIGN);
SLUB_FLAG_ATTR(reclaim_account, SLAB_RECLAIM_ACCOUNT);
SLUB_FLAG_ATTR(destroy_by_rcu, SLAB_TYPESAFE_BY_RCU);
SLUB_FLAG_ATTR(cache_dma, SLAB_CACHE_DMA);
SLUB_FLAG_ATTR(sanity_checks, SLAB_CONSISTENCY_CHECKS);
SLUB_FLAG_ATTR(trace, SLAB_TRACE);
SLUB_FLAG_ATTR(red_zone, SLAB_RED_ZONE);
SLUB_FLAG_ATTR(poison, SLAB_POISON);
SLUB_FLAG_ATTR(store_user, SLAB_STORE_USER);

static ssize_t min_partial_show(struct mmtwin_kmem_cache *s, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(s->geo.min_partial));
}

static ssize_t min_partial_store(struct mmtwin_kmem_cache *s, const char *buf,
				 size_t len)
{
	unsigned int min;
	int err = kstrtouint(buf, 10, &min);

	if (err)
		return err;
	WRITE_ONCE(s->geo.min_partial, min);
	return len;
}
SLUB_ATTR(min_partial);

static ssize_t cpu_partial_show(struct mmtwin_kmem_cache *s, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(s->geo.cpu_partial));
}

/* Debug caches keep no CPU partial slabs: only 0 is accepted there. */
static ssize_t cpu_partial_store(struct mmtwin_kmem_cache *s, const char *buf,
				 size_t len)
{
	unsigned int objects;
	int err = kstrtouint(buf, 10, &objects);

	if (err)
		return err;
	if (objects && slub_cache_debug(s))
		return -EINVAL;
	slub_set_cpu_partial(&s->geo, objects);
	slub_flush_all(s);
	return len;
}
SLUB_ATTR(cpu_partial);

static ssize_t ctor_show(struct mmtwin_kmem_cache *s, char *buf)
{
	return s->ctor ? sysfs_emit(buf, "%pS\n", s->ctor) : 0;
}
SLUB_ATTR_RO(ctor);

/* The twin never merges caches. */
static ssize_t aliases_show(struct mmtwin_kmem_cache *s, char *buf)
{
	return sysfs_emit(buf, "0\n");
}
SLUB_ATTR_RO(aliases);

/* No usercopy region: the twin's objects never reach copy_to_user. */
static ssize_t usersize_show(struct mmtwin_kmem_cache *s, char *buf)
{
	return sysfs_emit(buf, "0\n");
}
SLUB_ATTR_RO(usersize);

/* "<objects>(<slabs>)" then " C<cpu>=..." per CPU, half-full assumed. */
static ssize_t slabs_cpu_partial_show(struct mmtwin_kmem_cache *s, char *buf)
{
	unsigned int cpu, slabs = 0, n;
	int len;

	for_each_online_cpu(cpu)
		slabs += READ_ONCE(per_cpu_ptr(s->cpu_slab, cpu)->partial_slabs);
	len = sysfs_emit(buf, "%u(%u)", slabs * s->geo.objects / 2, slabs);
	for_each_online_cpu(cpu) {
		n = READ_ONCE(per_cpu_ptr(s->cpu_slab, cpu)->partial_slabs);
		if (n)
			len += sysfs_emit_at(buf, len, " C%u=%u(%u)", cpu,
					     n * s->geo.objects / 2, n);
	}
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}
SLUB_ATTR_RO(slabs_cpu_partial);

/* Both write-mostly files read as empty and take exactly "1". */
static bool is_one(const char *buf)
{
	return sysfs_streq(buf, "1");
}

static ssize_t shrink_show(struct mmtwin_kmem_cache *s, char *buf)
{
	return 0;
}

static ssize_t shrink_store(struct mmtwin_kmem_cache *s, const char *buf,
			    size_t len)
{
	if (!is_one(buf))
		return -EINVAL;
	slub_shrink(s);
	return len;
}
SLUB_ATTR(shrink);

static ssize_t validate_show(struct mmtwin_kmem_cache *s, char *buf)
{
	return 0;
}

/* Only debug caches can be validated, as in 6.12. */
static ssize_t validate_store(struct mmtwin_kmem_cache *s, const char *buf,
			      size_t len)
{
	long ret;

	if (!is_one(buf) || !slub_cache_debug(s))
		return -EINVAL;
	ret = slub_validate(s);
	return ret < 0 ? ret : len;
}
SLUB_ATTR(validate);

static struct attribute *slub_attrs[] = {
	&slab_size_attr.attr, &object_size_attr.attr, &objs_per_slab_attr.attr,
	&order_attr.attr, &min_partial_attr.attr, &cpu_partial_attr.attr,
	&objects_partial_attr.attr, &partial_attr.attr, &cpu_slabs_attr.attr,
	&ctor_attr.attr, &aliases_attr.attr, &align_attr.attr,
	&hwcache_align_attr.attr, &reclaim_account_attr.attr,
	&destroy_by_rcu_attr.attr, &shrink_attr.attr,
	&slabs_cpu_partial_attr.attr, &total_objects_attr.attr,
	&objects_attr.attr, &slabs_attr.attr, &sanity_checks_attr.attr,
	&trace_attr.attr, &red_zone_attr.attr, &poison_attr.attr,
	&store_user_attr.attr, &validate_attr.attr, &cache_dma_attr.attr,
	&usersize_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(slub);

static ssize_t slub_attr_show(struct kobject *kobj, struct attribute *attr,
			      char *buf)
{
	struct slub_attribute *a = container_of(attr, struct slub_attribute,
						attr);

	return a->show ? a->show(to_cache(kobj), buf) : -EIO;
}

static ssize_t slub_attr_store(struct kobject *kobj, struct attribute *attr,
			       const char *buf, size_t len)
{
	struct slub_attribute *a = container_of(attr, struct slub_attribute,
						attr);

	return a->store ? a->store(to_cache(kobj), buf, len) : -EIO;
}

static const struct sysfs_ops slub_sysfs_ops = {
	.show = slub_attr_show,
	.store = slub_attr_store,
};

static void slub_kobj_release(struct kobject *kobj)
{
	slub_cache_free(to_cache(kobj));
}

static const struct kobj_type slub_ktype = {
	.sysfs_ops = &slub_sysfs_ops,
	.release = slub_kobj_release,
	.default_groups = slub_groups,
};

static struct kobject *slub_root;

void slub_sysfs_set_root(struct kobject *root)
{
	slub_root = root;
}

/* Called under slub_caches_lock with a name known to be unique. */
int slub_sysfs_add(struct mmtwin_kmem_cache *s)
{
	int err;

	if (!slub_root)
		return 0;
	err = kobject_init_and_add(&s->kobj, &slub_ktype, slub_root, "%s",
				   s->name);
	s->kobj_added = true;	/* even on failure: kobject_put() frees */
	return err;
}

void slub_sysfs_remove(struct mmtwin_kmem_cache *s)
{
	if (s->kobj_added)
		kobject_del(&s->kobj);
}

void slub_sysfs_release(struct mmtwin_kmem_cache *s)
{
	kobject_put(&s->kobj);
}
