/* SPDX-License-Identifier: GPL-2.0 */
/* mmtwin_pgwalk glue: what main.c calls in debugfs.c. */
#ifndef _MMTWIN_PGWALK_GLUE_H
#define _MMTWIN_PGWALK_GLUE_H

struct dentry;

void pgw_debugfs_init(struct dentry *dir);
void pgw_debugfs_exit(void);

#endif /* _MMTWIN_PGWALK_GLUE_H */
