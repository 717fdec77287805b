// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: read the records of 1 GiB of populated anonymous memory from
 * the twin and from /proc/self/pagemap, 4 KiB pages and then THPs, in one
 * run. Prints "mmtwin-bench:" lines: ns per page of each and the ratio
 * (twin / pagemap; below 1 means the twin is faster): of the best of 21
 * reads of each, interleaved, and the median of the 21 paired ratios.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define DIR	"/sys/kernel/debug/mmtwin/pgwalk"
#define SIZE	(1UL << 30)
#define HPAGE	(2UL << 20)
#define REPS	21

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One read of @n records at @addr, in ns; 0 if it came up short. */
static uint64_t timed_read(int fd, unsigned long addr, size_t n, uint64_t *buf)
{
	uint64_t t0 = now_ns();
	ssize_t got = pread(fd, buf, n * 8, addr / 4096 * 8);
	uint64_t t = now_ns() - t0;

	return got == (ssize_t)(n * 8) ? t : 0;
}

/*
 * Best of REPS reads each, the two interleaved so that a change of load
 * on a shared host hits both alike.
 */
static double ratios[REPS];

static void best_reads(int pfd, int tfd, unsigned long addr, size_t n,
		       uint64_t *a, uint64_t *b, uint64_t *tk, uint64_t *tt)
{
	*tk = *tt = UINT64_MAX;
	for (int i = 0; i < REPS; i++) {
		uint64_t k = timed_read(pfd, addr, n, a);
		uint64_t t = timed_read(tfd, addr, n, b);

		if (k < *tk)
			*tk = k;
		if (t < *tt)
			*tt = t;
		ratios[i] = k ? (double)t / k : 0.0;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int run(const char *name, int advice)
{
	size_t n = SIZE / 4096, mismatches = 0;
	uint64_t *a = malloc(n * 8), *b = malloc(n * 8);
	char *raw = mmap(NULL, SIZE + HPAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p, req[32];
	uint64_t tk, tt;
	int pfd, tfd;

	if (!a || !b || raw == MAP_FAILED)
		return -1;
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	madvise(p, SIZE, advice);
	if (madvise(p, SIZE, MADV_POPULATE_WRITE))
		memset(p, 1, SIZE);
	pfd = open("/proc/self/pagemap", O_RDONLY);
	tfd = open(DIR "/pagemap", O_RDWR);
	snprintf(req, sizeof(req), "pid %d\n", getpid());
	if (pfd < 0 || tfd < 0 || write(tfd, req, strlen(req)) < 0) {
		printf("mmtwin-bench: pgwalk %s: cannot open the pagemaps\n", name);
		return -1;
	}
	sleep(1);	/* let the work the population queued settle */
	best_reads(pfd, tfd, (unsigned long)p, n, a, b, &tk, &tt);
	qsort(ratios, REPS, sizeof(ratios[0]), cmp_double);
	for (size_t i = 0; i < n; i++)
		mismatches += a[i] != b[i];
	printf("mmtwin-bench: pgwalk %-3s 1GiB pages=%zu pagemap_ns_per_page=%.2f twin_ns_per_page=%.2f ratio_best=%.3f ratio_median=%.3f mismatches=%zu\n",
	       name, n, (double)tk / n, (double)tt / n,
	       tk ? (double)tt / tk : 0.0, ratios[REPS / 2], mismatches);
	close(pfd);
	close(tfd);
	munmap(raw, SIZE + HPAGE);
	free(a);
	free(b);
	return 0;
}

int main(void)
{
	if (access(DIR "/pagemap", F_OK)) {
		printf("mmtwin-bench: pgwalk skipped: mmtwin_pgwalk not loaded\n");
		return 4;
	}
	run("4k", MADV_NOHUGEPAGE);
	run("thp", MADV_HUGEPAGE);
	return 0;
}
