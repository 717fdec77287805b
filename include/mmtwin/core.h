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

#include <linux/compiler_types.h>
#include <linux/list.h>
#include <linux/types.h>

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

/*
 * A command written to a debugfs control file, copied and NUL-terminated:
 * the buffer (kfree() it), or ERR_PTR(-EINVAL) for an empty write or one
 * longer than @max bytes.
 */
char *mmtwin_copy_command(const char __user *ubuf, size_t len, size_t max);

#endif /* _MMTWIN_CORE_H */
