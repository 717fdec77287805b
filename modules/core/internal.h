/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MMTWIN_CORE_INTERNAL_H
#define _MMTWIN_CORE_INTERNAL_H

#include <mmtwin/core.h>

struct seq_file;

/* registry.c */
int mmtwin_registry_init(struct dentry *debugfs_root, struct kobject *sysfs_root);
void mmtwin_registry_exit(void);
void mmtwin_registry_show(struct seq_file *m);

/* Exported to the KUnit suite only; static in builds without KUnit. */
#if IS_ENABLED(CONFIG_KUNIT)
bool mmtwin_twin_name_valid(const char *name);
#endif

#endif /* _MMTWIN_CORE_INTERNAL_H */
