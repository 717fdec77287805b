/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the SLUB twin's pure files (geometry.c) need, from the kernel or,
 * when tools/testing/slub/ builds them, from its userspace stand-ins.
 */
#ifndef _MMTWIN_SLUB_SHIM_H
#define _MMTWIN_SLUB_SHIM_H

#ifdef __KERNEL__

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <mmtwin/compat.h>

#define SLUB_MAX_PAGE_ORDER	MAX_PAGE_ORDER

#else /* !__KERNEL__ */

#include "slub_user_shim.h"	/* tools/testing/slub/ */

#endif /* __KERNEL__ */

#endif /* _MMTWIN_SLUB_SHIM_H */
