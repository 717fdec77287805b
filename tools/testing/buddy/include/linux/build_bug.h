/* SPDX-License-Identifier: GPL-2.0 */
/* The harness's stand-in for <linux/build_bug.h>. */
#ifndef _BUDDY_USER_BUILD_BUG_H
#define _BUDDY_USER_BUILD_BUG_H

#include <stddef.h>

#undef static_assert
#define static_assert(expr, ...)	_Static_assert(expr, #expr)

#endif
