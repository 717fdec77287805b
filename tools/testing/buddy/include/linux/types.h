/* SPDX-License-Identifier: GPL-2.0 */
/* The harness's stand-in for <linux/types.h>: only what the core uses. */
#ifndef _BUDDY_USER_TYPES_H
#define _BUDDY_USER_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef unsigned int gfp_t;

#endif
