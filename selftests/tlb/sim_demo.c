// SPDX-License-Identifier: GPL-2.0
/*
 * For make demo: mmtwin_tlb's TLB simulator reads 64 MiB of this
 * process's memory twice, page by page, once in 4 KiB pages and once in
 * THPs, and prints what the second pass did: THP multiplies TLB reach.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "mmtwin_selftest.h"

#define SIM	"/sys/kernel/debug/mmtwin/tlb/sim"
#define PG	4096UL
#define HUGE	(2UL << 20)
#define LEN	(64UL << 20)

static const char *const keys[] = {
	"accesses", "l1_hits", "stlb_hits", "misses", "walk_levels",
	"evictions_stlb", "pages_2m",
};
#define NR_KEYS	ARRAY_SIZE(keys)

static void read_stats(long long *v)
{
	char line[256], name[64], extra[8];
	long long x;
	size_t k;
	FILE *f = fopen(SIM, "r");

	for (k = 0; k < NR_KEYS; k++)
		v[k] = -1;
	while (f && fgets(line, sizeof(line), f))
		for (k = 0; k < NR_KEYS; k++)
			if (sscanf(line, "%63s %lld %7s", name, &x, extra) == 2 &&
			    !strcmp(name, keys[k]))
				v[k] = x;
	if (f)
		fclose(f);
}

static int read_pass(char *p)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "seq %p %p", p, p + LEN);
	return write_file(SIM, cmd);
}

/* Two passes; prints the second's counts. */
static int show(const char *what, char *p)
{
	long long a[NR_KEYS], b[NR_KEYS];
	size_t k;

	if (write_file(SIM, "reset") || read_pass(p))
		return -1;
	read_stats(a);
	if (read_pass(p))
		return -1;
	read_stats(b);
	printf("%-10s", what);
	for (k = 0; k < NR_KEYS; k++)
		printf(" %10lld", b[k] - a[k]);
	printf("\n");
	return 0;
}

int main(void)
{
	char *small, *raw, *huge;
	cpu_set_t set;
	size_t k;

	if (load_module("mmtwin_tlb") || load_module("mmtwin_pgwalk")) {
		printf("mmtwin_tlb or mmtwin_pgwalk will not load\n");
		return 1;
	}
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	small = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	raw = mmap(NULL, LEN + HUGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (small == MAP_FAILED || raw == MAP_FAILED)
		return 1;
	huge = (char *)(((unsigned long)raw + HUGE - 1) & ~(HUGE - 1));
	madvise(small, LEN, MADV_NOHUGEPAGE);
	madvise(huge, LEN, MADV_HUGEPAGE);
	memset(small, 1, LEN);
	memset(huge, 1, LEN);

	printf("64 MiB read twice, page by page; the second pass:\n");
	printf("%-10s", "pages");
	for (k = 0; k < NR_KEYS; k++)
		printf(" %10s", keys[k]);
	printf("\n");
	if (show("4KiB", small) || show("THP", huge))
		return 1;
	write_file(SIM, "reset");
	return 0;
}
