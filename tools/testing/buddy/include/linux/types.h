/* SPDX-License-Identifier: GPL-2.0 */
/* The harness's stand-in for <linux/types.h>: only what the core uses. */
#ifndef _BUDDY_USER_TYPES_H
#define _BUDDY_USER_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define u8	uint8_t
#define u16	uint16_t
#define u32	uint32_t
#define u64	uint64_t
#define gfp_t	unsigned int

#endif
