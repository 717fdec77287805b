// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_tlb: registers the "tlb" twin, which predicts each x86 TLB flush
 * decision of the running kernel and checks it against tlb:tlb_flush, and
 * its TLB simulator, which translates through the walker twin.
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/utsname.h>

#include <mmtwin/core.h>
#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static struct mmtwin_twin tlb_twin = {
	.name	= "tlb",
	.owner	= THIS_MODULE,
};

static int __init mmtwin_tlb_init(void)
{
	int ret;

	if (!MMTWIN_TLB_LAYOUT_KNOWN) {
		pr_err("mmtwin_tlb: twins 6.12's arch/x86/mm/tlb.c and reads its flush_tlb_info; refusing kernel %s\n",
		       init_utsname()->release);
		return -ENODEV;
	}
	/* The feed keeps flush targets in one unsigned long per initiator. */
	if (nr_cpu_ids > BITS_PER_LONG) {
		pr_err("mmtwin_tlb: %u CPUs, at most %d supported\n",
		       nr_cpu_ids, BITS_PER_LONG);
		return -ENODEV;
	}
	ret = tlbs_sim_init();
	if (ret)
		return ret;
	ret = mmtwin_twin_register(&tlb_twin);
	if (ret)
		goto sim_exit;
	ret = tlbs_sysfs_init(tlb_twin.kobj);
	if (ret)
		goto unregister;
	tlbt_feed_init();
	tlbt_debugfs_init(tlb_twin.debugfs_dir);
	return 0;

unregister:
	mmtwin_twin_unregister(&tlb_twin);
sim_exit:
	tlbs_sim_exit();
	return ret;
}

static void __exit mmtwin_tlb_exit(void)
{
	tlbs_sysfs_exit(tlb_twin.kobj);
	/* Removes the files first: nobody can arm the probes again. */
	mmtwin_twin_unregister(&tlb_twin);
	tlbt_feed_disarm();
	tlbs_sim_exit();
}

module_init(mmtwin_tlb_init);
module_exit(mmtwin_tlb_exit);

MODULE_DESCRIPTION("mmtwin: TLB twin, predicts x86 TLB flushes and checks them against tlb:tlb_flush");
MODULE_AUTHOR("mmtwin developers");
MODULE_LICENSE("GPL");
