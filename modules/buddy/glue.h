/* SPDX-License-Identifier: GPL-2.0 */
/* What the buddy twin's glue files (main, debugfs, sysfs) share. */
#ifndef _MMTWIN_BUDDY_GLUE_H
#define _MMTWIN_BUDDY_GLUE_H

#include <linux/mutex.h>
#include <mmtwin/buddy.h>
#include <mmtwin/core.h>

#include "internal.h"

extern struct buddy *mmtwin_buddy;
extern struct mmtwin_twin mmtwin_buddy_twin;
extern struct mutex mmtwin_buddy_arena_lock;	/* resizing and tunables */

/* main.c (and mmtwin_buddy_resize(), mmtwin_buddy_arena_mb() in <mmtwin/buddy.h>) */
void mmtwin_buddy_retune(void);

/* debugfs.c */
void mmtwin_buddy_debugfs_init(struct dentry *dir);
void mmtwin_buddy_debugfs_exit(void);
int mmtwin_buddy_control(const char *cmd);
void mmtwin_buddy_control_init(struct dentry *dir);
void mmtwin_buddy_control_free_all(void);

/* host.c; each page: the host's reference from the allocation plus the twin's */
#define MMTWIN_HOST_REFS	2
struct page *mmtwin_host_borrow(void);
void mmtwin_host_unborrow(struct page *page);
void mmtwin_host_retire(struct buddy_chunk *c);
void mmtwin_host_flush(void);
unsigned long mmtwin_host_check_block(struct page *page, unsigned int order);
int mmtwin_host_init(void);
void mmtwin_host_exit(void);
#if IS_ENABLED(CONFIG_KUNIT)
unsigned long mmtwin_host_shrink(unsigned long nr);
#endif

/* shrink.c */
unsigned long mmtwin_buddy_shrink_node(gfp_t gfp, int nid);

/* sysfs.c */
int mmtwin_buddy_sysfs_init(struct kobject *kobj);
void mmtwin_buddy_sysfs_exit(struct kobject *kobj);

#if IS_ENABLED(CONFIG_KUNIT)
struct buddy *mmtwin_buddy_instance(void);
#endif

#endif /* _MMTWIN_BUDDY_GLUE_H */
