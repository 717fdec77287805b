/* SPDX-License-Identifier: GPL-2.0 */
/* The SLUB twin's debug checks (debug.c) and their reports (report.c). */
#ifndef _MMTWIN_SLUB_REPORT_H
#define _MMTWIN_SLUB_REPORT_H

#include "internal.h"

enum slub_track_item { SLUB_TRACK_ALLOC, SLUB_TRACK_FREE };

bool slub_add_kunit_errors(void);
bool slub_in_kunit_test(void);
__printf(2, 3) void slub_bug(struct mmtwin_kmem_cache *s, const char *fmt, ...);
__printf(2, 3) void slub_fix(struct mmtwin_kmem_cache *s, const char *fmt, ...);
__printf(3, 4) void slub_slab_err(struct mmtwin_kmem_cache *s,
				  struct mmtwin_frame *slab,
				  const char *fmt, ...);
void slub_object_err(struct mmtwin_kmem_cache *s, struct mmtwin_frame *slab,
		     u8 *object, const char *reason);
void slub_print_section(const char *text, u8 *addr, unsigned int length);
void slub_print_slab_info(struct mmtwin_frame *slab);
void slub_print_tracking(struct mmtwin_kmem_cache *s, void *object);
unsigned int slub_pad_offset(struct mmtwin_kmem_cache *s);
unsigned int slub_size_from_object(struct mmtwin_kmem_cache *s);
bool slub_valid_pointer(struct mmtwin_kmem_cache *s,
			struct mmtwin_frame *slab, void *object);

static inline struct slub_track *slub_get_track(struct mmtwin_kmem_cache *s,
						void *object,
						enum slub_track_item item)
{
	struct slub_track *t = object + slub_info_end(&s->geo);

	return t + item;
}

#endif /* _MMTWIN_SLUB_REPORT_H */
