// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mmtwin/buddy/: the twin's tunables, one value per file.
 *
 *   arena_mb                MB borrowed from the host; write to grow/shrink
 *   min_free_kbytes         0 = computed as the kernel does; reads the value in use
 *   watermark_scale_factor  1..3000, as vm.watermark_scale_factor
 *   pcp_high, pcp_batch     -1 = computed as the kernel does
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "glue.h"

static ssize_t arena_mb_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", mmtwin_buddy_arena_mb());
}

static ssize_t arena_mb_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t len)
{
	unsigned int mb;
	int ret;

	ret = kstrtouint(buf, 10, &mb);
	if (ret)
		return ret;
	ret = mmtwin_buddy_resize(mb);
	return ret ? ret : len;
}

/* A tunable change takes effect at once, under the arena lock. */
static void set_tunable(int *field, int val)
{
	mutex_lock(&mmtwin_buddy_arena_lock);
	*field = val;
	mmtwin_buddy_retune();
	mutex_unlock(&mmtwin_buddy_arena_lock);
}

static int store_int(const char *buf, int lo, int hi, int *out)
{
	int ret = kstrtoint(buf, 10, out);

	if (ret)
		return ret;
	return *out < lo || *out > hi ? -ERANGE : 0;
}

/* Parse, range-check and apply one tunable; the store methods' one job. */
static ssize_t store_tunable(const char *buf, size_t len, int *field,
			     int lo, int hi)
{
	int val, ret = store_int(buf, lo, hi, &val);

	if (ret)
		return ret;
	set_tunable(field, val);
	return len;
}

static ssize_t min_free_kbytes_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(mmtwin_buddy->min_free_kbytes));
}

static ssize_t min_free_kbytes_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t len)
{
	return store_tunable(buf, len, (int *)&mmtwin_buddy->tun.min_free_kbytes,
			     0, 262144);
}

static ssize_t watermark_scale_factor_show(struct kobject *kobj,
					   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(mmtwin_buddy->tun.watermark_scale_factor));
}

static ssize_t watermark_scale_factor_store(struct kobject *kobj,
					    struct kobj_attribute *attr,
					    const char *buf, size_t len)
{
	return store_tunable(buf, len,
			     (int *)&mmtwin_buddy->tun.watermark_scale_factor,
			     1, 3000);
}

static ssize_t watermark_boost_factor_show(struct kobject *kobj,
					   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(mmtwin_buddy->tun.watermark_boost_factor));
}

static ssize_t watermark_boost_factor_store(struct kobject *kobj,
					    struct kobj_attribute *attr,
					    const char *buf, size_t len)
{
	return store_tunable(buf, len,
			     (int *)&mmtwin_buddy->tun.watermark_boost_factor,
			     0, INT_MAX);
}

static ssize_t pcp_high_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(mmtwin_buddy->tun.pcp_high));
}

static ssize_t pcp_high_store(struct kobject *kobj, struct kobj_attribute *attr,
			      const char *buf, size_t len)
{
	return store_tunable(buf, len, &mmtwin_buddy->tun.pcp_high, -1, 1 << 20);
}

static ssize_t pcp_batch_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(mmtwin_buddy->tun.pcp_batch));
}

/* batch 0 would make refills empty: at least one page per refill. */
static ssize_t pcp_batch_store(struct kobject *kobj, struct kobj_attribute *attr,
			       const char *buf, size_t len)
{
	int val, ret = store_int(buf, -1, 1 << 16, &val);

	if (ret)
		return ret;
	if (!val)
		return -ERANGE;
	set_tunable(&mmtwin_buddy->tun.pcp_batch, val);
	return len;
}

static struct kobj_attribute arena_mb_attr = __ATTR_RW_MODE(arena_mb, 0644);
static struct kobj_attribute min_free_kbytes_attr =
	__ATTR_RW_MODE(min_free_kbytes, 0644);
static struct kobj_attribute watermark_scale_factor_attr =
	__ATTR_RW_MODE(watermark_scale_factor, 0644);
static struct kobj_attribute watermark_boost_factor_attr =
	__ATTR_RW_MODE(watermark_boost_factor, 0644);
static struct kobj_attribute pcp_high_attr = __ATTR_RW_MODE(pcp_high, 0644);
static struct kobj_attribute pcp_batch_attr = __ATTR_RW_MODE(pcp_batch, 0644);

static struct attribute *buddy_attrs[] = {
	&arena_mb_attr.attr,
	&min_free_kbytes_attr.attr,
	&watermark_scale_factor_attr.attr,
	&watermark_boost_factor_attr.attr,
	&pcp_high_attr.attr,
	&pcp_batch_attr.attr,
	NULL,
};

static const struct attribute_group buddy_group = {
	.attrs = buddy_attrs,
};

int mmtwin_buddy_sysfs_init(struct kobject *kobj)
{
	return sysfs_create_group(kobj, &buddy_group);
}

void mmtwin_buddy_sysfs_exit(struct kobject *kobj)
{
	sysfs_remove_group(kobj, &buddy_group);
}
