// SPDX-License-Identifier: GPL-2.0
/*
 * The twin registry: which twin modules are loaded, and the debugfs and
 * sysfs directories each one owns under the mmtwin roots.
 */
#include <linux/debugfs.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <mmtwin/compat.h>
#include "internal.h"
#include "trace.h"

static DEFINE_MUTEX(registry_lock);
static LIST_HEAD(registry);
static struct dentry *registry_debugfs_root;
static struct kobject *registry_sysfs_root;

/* Names become directory names in debugfs and sysfs: keep them plain. */
VISIBLE_IF_KUNIT bool mmtwin_twin_name_valid(const char *name)
{
	size_t len;

	if (!name)
		return false;
	len = strnlen(name, MMTWIN_NAME_MAX + 1);
	if (len == 0 || len > MMTWIN_NAME_MAX)
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}
EXPORT_SYMBOL_IF_KUNIT(mmtwin_twin_name_valid);

static struct mmtwin_twin *find_twin(const char *name)
{
	struct mmtwin_twin *twin;

	lockdep_assert_held(&registry_lock);
	list_for_each_entry(twin, &registry, node)
		if (!strcmp(twin->name, name))
			return twin;
	return NULL;
}

/**
 * mmtwin_twin_register - announce a twin and create its directories
 * @twin: name and owner filled in; the rest is set here
 *
 * Return: 0, -EINVAL for a bad name, -EEXIST if the name is taken, or
 * -ENOMEM when a directory cannot be created.
 */
int mmtwin_twin_register(struct mmtwin_twin *twin)
{
	int ret = 0;

	if (!mmtwin_twin_name_valid(twin->name))
		return -EINVAL;

	mutex_lock(&registry_lock);
	if (find_twin(twin->name)) {
		ret = -EEXIST;
		goto unlock;
	}

	twin->kobj = kobject_create_and_add(twin->name, registry_sysfs_root);
	if (!twin->kobj) {
		ret = -ENOMEM;
		goto unlock;
	}
	/* debugfs failures are not fatal by design; users get ERR_PTRs. */
	twin->debugfs_dir = debugfs_create_dir(twin->name, registry_debugfs_root);
	list_add_tail(&twin->node, &registry);
	trace_mmtwin_twin_register(twin->name, module_name(twin->owner));
unlock:
	mutex_unlock(&registry_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(mmtwin_twin_register);

/**
 * mmtwin_twin_unregister - remove a twin's directories and forget it
 * @twin: a twin mmtwin_twin_register() accepted
 */
void mmtwin_twin_unregister(struct mmtwin_twin *twin)
{
	mutex_lock(&registry_lock);
	list_del(&twin->node);
	trace_mmtwin_twin_unregister(twin->name, module_name(twin->owner));
	mutex_unlock(&registry_lock);

	debugfs_remove_recursive(twin->debugfs_dir);
	twin->debugfs_dir = NULL;
	kobject_put(twin->kobj);
	twin->kobj = NULL;
}
EXPORT_SYMBOL_GPL(mmtwin_twin_unregister);

/* One line per twin: its name and the module that provides it. */
void mmtwin_registry_show(struct seq_file *m)
{
	struct mmtwin_twin *twin;

	mutex_lock(&registry_lock);
	list_for_each_entry(twin, &registry, node)
		seq_printf(m, "%s %s\n", twin->name, module_name(twin->owner));
	mutex_unlock(&registry_lock);
}

int mmtwin_registry_init(struct dentry *debugfs_root, struct kobject *sysfs_root)
{
	registry_debugfs_root = debugfs_root;
	registry_sysfs_root = sysfs_root;
	return 0;
}

void mmtwin_registry_exit(void)
{
	/* Twins hold a module reference on us, so none can be left. */
	WARN_ON_ONCE(!list_empty(&registry));
}
