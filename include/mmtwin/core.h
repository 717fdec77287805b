/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin_core: what every twin module shares.
 *
 * A twin registers itself once at load and gets its own directories:
 *   /sys/kernel/debug/mmtwin/<name>/   statistics and controls (root only)
 *   /sys/kernel/mmtwin/<name>/         tunables, one value per file
 * and unregisters on unload, which removes both recursively.
 */
#ifndef _MMTWIN_CORE_H
#define _MMTWIN_CORE_H

#include <linux/list.h>

struct dentry;
struct kobject;
struct module;

#define MMTWIN_NAME_MAX	32

struct mmtwin_twin {
	/* Set by the twin before registering. */
	const char *name;		/* [a-z0-9_]+, unique */
	struct module *owner;

	/* Set by mmtwin_twin_register(). */
	struct dentry *debugfs_dir;
	struct kobject *kobj;
	struct list_head node;
};

int mmtwin_twin_register(struct mmtwin_twin *twin);
void mmtwin_twin_unregister(struct mmtwin_twin *twin);

struct dentry *mmtwin_debugfs_root(void);
struct kobject *mmtwin_sysfs_root(void);

#endif /* _MMTWIN_CORE_H */
