/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels mmtwin builds for (Debian's 6.1 and 6.12,
 * and the self-built 6.12 test-VM kernel), kept in one place so the twins
 * read like code for a single kernel.
 */
#ifndef _MMTWIN_COMPAT_H
#define _MMTWIN_COMPAT_H

#include <linux/version.h>
#include <linux/mmzone.h>

/*
 * 6.8 renamed MAX_ORDER to MAX_PAGE_ORDER; 6.4 had already made it the
 * largest valid order rather than one past it.
 */
#ifndef MAX_PAGE_ORDER
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#define MAX_PAGE_ORDER	(MAX_ORDER - 1)
#else
#define MAX_PAGE_ORDER	MAX_ORDER
#endif
#endif

#define MMTWIN_NR_ORDERS	(MAX_PAGE_ORDER + 1)

/*
 * VISIBLE_IF_KUNIT and EXPORT_SYMBOL_IF_KUNIT(): static functions become
 * exported to KUnit suites on kernels with KUnit (both 6.1 and 6.12 have it).
 */
#include <kunit/visibility.h>

/* 6.10 dropped __assign_str()'s source argument (it is taken from __string). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define mmtwin_assign_str(dst, src)	__assign_str(dst)
#else
#define mmtwin_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* _MMTWIN_COMPAT_H */
