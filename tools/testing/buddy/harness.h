/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BUDDY_HARNESS_H
#define _BUDDY_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "../../../modules/buddy/internal.h"

struct harness_alloc {
	struct mmtwin_frame *f;
	unsigned int order;
	int mt;
};

#define HARNESS_MAX_LIVE	70000
#define HARNESS_PFNS		(1UL << 20)	/* chunks live below this pfn */
#define HARNESS_MAX_CHUNKS	(HARNESS_PFNS / BUDDY_CHUNK_PAGES)

struct harness {
	struct buddy *b;
	struct harness_alloc live[HARNESS_MAX_LIVE];
	int nr_live;
	unsigned long next_pfn;
	unsigned long spare_pfns[HARNESS_MAX_CHUNKS];	/* taken back, reusable */
	int nr_spare_pfns;
	unsigned long nr_ops;
	int highatomic_seen;
};

extern int harness_fail_every;		/* fail every Nth allocation; 0 never */
extern _Atomic unsigned long harness_warnings;	/* WARN_ON_ONCE hits */
extern _Atomic unsigned long harness_reports;	/* failure reports (no NOWARN) */
extern _Atomic unsigned long harness_bad_frees;	/* refused frees */

void harness_setup(struct harness *h, int dma32_chunks, int normal_chunks,
		   int node1_chunks);
void harness_teardown(struct harness *h);
void harness_verify(struct harness *h, const char *after);
struct mmtwin_frame *harness_alloc(struct harness *h, gfp_t gfp,
				   unsigned int order);
void harness_free(struct harness *h, int i);
void harness_free_all(struct harness *h);
void harness_verify_all_merged(struct harness *h);
int harness_thread_tests(void);
void harness_run_ops(struct harness *h, const uint8_t *data, size_t len);
__noreturn __printf(1, 2) void harness_die(const char *fmt, ...);

#endif
