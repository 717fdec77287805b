/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin-compare: where the files are, and the sections that read them.
 */
#ifndef MMTWIN_COMPARE_H
#define MMTWIN_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "table.h"

#define MAX_ORDERS	11	/* MAX_PAGE_ORDER + 1 on x86-64 */

/* Roots of the files read; tests point them at fixture directories. */
struct roots {
	char proc[256];		/* /proc */
	char debugfs[256];	/* /sys/kernel/debug */
	char tracefs[256];	/* /sys/kernel/tracing */
};

struct ctx {
	struct roots roots;
	int pid;		/* pgwalk section: the process, 0 = none */
};

/*
 * One section of the comparison: a twin's files next to the kernel's.
 * fill() returns 0 when @t holds something to print, -1 when the section
 * was skipped (its reason is in the skipped list).
 */
struct section {
	const char *name;
	const char *twin;	/* the debugfs directory it reads */
	const char *help;
	bool needs_pid;		/* shown by default only with --pid */
	int (*fill)(const struct ctx *c, struct table *t);
	bool watchable;		/* one-word keys: --watch --section NAME */
};

extern const struct section sections[];
extern const int nr_sections;

/* The whole of a file, NUL-terminated, or NULL (reported for @section). */
char *read_file(const char *section, const char *path);
void path_join(char *buf, size_t len, const char *root, const char *rel);

/* Parsers shared by the sections and --watch. */
void parse_buddyinfo(const char *text, enum side s, struct table *t);
void parse_zoneinfo(const char *text, enum side s, struct table *t);
void zone_columns(struct table *t);
void order_columns(struct table *t);

/* Indexes of zone_columns(). */
enum { ZC_FREE, ZC_MIN, ZC_LOW, ZC_HIGH, ZC_MANAGED, ZC_NR };

/* --watch: kswapd's wakes and sleeps of both sides, from tracefs (marks.c). */
struct kswapd_marks {
	char dir[NR_SIDES][PATH_LEN];	/* the side's instance, "" = none */
	int fd[NR_SIDES];		/* its trace_pipe, -1 = none */
	char carry[NR_SIDES][512];	/* a line read in part */
	size_t ncarry[NR_SIDES];
};

void kswapd_marks_start(struct kswapd_marks *m, const char *tracefs);
void kswapd_marks_print(struct kswapd_marks *m, double t0, enum format fmt);
void kswapd_marks_stop(struct kswapd_marks *m);

#endif /* MMTWIN_COMPARE_H */
