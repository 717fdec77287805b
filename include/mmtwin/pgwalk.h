/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin_pgwalk: what other twins may ask the walker twin.
 *
 * mmtwin_pgwalk_translate() resolves one user address through the
 * walker's descent, as the MMU would on a TLB miss: how many page-table
 * levels it read and the size of the leaf it ended at.
 */
#ifndef _MMTWIN_PGWALK_H
#define _MMTWIN_PGWALK_H

#include <linux/types.h>

struct mm_struct;

struct mmtwin_pgwalk_xlate {
	bool mapped;			/* a present (or PROT_NONE) leaf */
	unsigned int levels;		/* entries read, top level to leaf */
	unsigned long page_size;	/* the leaf's: 4 KiB, 2 MiB or 1 GiB */
};

/* @mm's mmap read lock held; -EINVAL above the task size. */
int mmtwin_pgwalk_translate(struct mm_struct *mm, unsigned long addr,
			    struct mmtwin_pgwalk_xlate *out);

#endif /* _MMTWIN_PGWALK_H */
