// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_pgwalk: registers the "pgwalk" twin and its debugfs files.
 */
#include <linux/module.h>

#include <mmtwin/core.h>
#include "pgwalk.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static struct mmtwin_twin pgwalk_twin = {
	.name	= "pgwalk",
	.owner	= THIS_MODULE,
};

static int __init mmtwin_pgwalk_init(void)
{
	int ret = mmtwin_twin_register(&pgwalk_twin);

	if (ret)
		return ret;
	pgw_debugfs_init(pgwalk_twin.debugfs_dir);
	return 0;
}

static void __exit mmtwin_pgwalk_exit(void)
{
	/* Removes the files first: no reader can start after this. */
	mmtwin_twin_unregister(&pgwalk_twin);
	pgw_debugfs_exit();
}

module_init(mmtwin_pgwalk_init);
module_exit(mmtwin_pgwalk_exit);

MODULE_DESCRIPTION("mmtwin: page-table walker twin, agrees with /proc/PID/pagemap");
MODULE_AUTHOR("mmtwin developers");
MODULE_LICENSE("GPL");
