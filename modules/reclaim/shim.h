/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What calc.c needs, from the kernel or, built by tools/testing/reclaim/,
 * from the harness's stand-ins.
 */
#ifndef _MMTWIN_RECLAIM_SHIM_H
#define _MMTWIN_RECLAIM_SHIM_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/types.h>
#include <asm/page.h>
#include <kunit/visibility.h>
#else
#include "reclaim_user_shim.h"
#endif

#endif /* _MMTWIN_RECLAIM_SHIM_H */
