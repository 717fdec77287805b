// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_core: the roots every twin hangs from.
 *
 *   /sys/kernel/debug/mmtwin/          (root only, like all of debugfs)
 *   /sys/kernel/debug/mmtwin/twins     loaded twins, "<name> <module>"
 *   /sys/kernel/mmtwin/                one directory per twin
 */
#include <linux/debugfs.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <mmtwin/core.h>

#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static struct dentry *debugfs_root;
static struct kobject *sysfs_root;

struct dentry *mmtwin_debugfs_root(void)
{
	return debugfs_root;
}
EXPORT_SYMBOL_GPL(mmtwin_debugfs_root);

struct kobject *mmtwin_sysfs_root(void)
{
	return sysfs_root;
}
EXPORT_SYMBOL_GPL(mmtwin_sysfs_root);

char *mmtwin_copy_command(const char __user *ubuf, size_t len, size_t max)
{
	if (!len || len > max)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, len);
}
EXPORT_SYMBOL_GPL(mmtwin_copy_command);

static int twins_show(struct seq_file *m, void *unused)
{
	mmtwin_registry_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(twins);

static int __init mmtwin_core_init(void)
{
	int ret;

	sysfs_root = kobject_create_and_add("mmtwin", kernel_kobj);
	if (!sysfs_root)
		return -ENOMEM;

	debugfs_root = debugfs_create_dir("mmtwin", NULL);
	debugfs_create_file("twins", 0400, debugfs_root, NULL, &twins_fops);

	ret = mmtwin_registry_init(debugfs_root, sysfs_root);
	if (ret)
		goto remove_dirs;
	return 0;

remove_dirs:
	debugfs_remove_recursive(debugfs_root);
	kobject_put(sysfs_root);
	return ret;
}

static void __exit mmtwin_core_exit(void)
{
	mmtwin_registry_exit();
	debugfs_remove_recursive(debugfs_root);
	kobject_put(sysfs_root);
}

module_init(mmtwin_core_init);
module_exit(mmtwin_core_exit);

MODULE_DESCRIPTION("mmtwin: shared roots and registry of the memory-management twins");
MODULE_AUTHOR("mmtwin developers");
MODULE_LICENSE("GPL");
