// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: read the records of a mapping from the twin and from
 * /proc/self/pagemap, like with like. Both take the mmap lock per 2 MiB
 * (the twin steps as pagemap_read() does), both are read with the same
 * pread()s of CHUNK bytes of records, and which side reads first
 * alternates from one pair of reads to the next. Mappings: dense
 * anonymous 4 KiB pages, dense THPs (asserted PMD-mapped), sparse
 * anonymous (one page in 64 touched) and a shared file (tmpfs, read in).
 * Prints one "mmtwin-bench:" line per mapping: ns per page of each side's
 * best and median read, the ratio twin / pagemap of the best reads and the
 * median and quartiles of the PAIRS paired ratios (the host's load shows
 * in their spread), after one line with the conditions of the run
 * (kernel, CPUs, the CPU flags that make copy_to_user() "rep movsb", the
 * clocksource).
 * Exits 1 if a record differs or a setup step fails.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "mmtwin_selftest.h"

#define DIR	"/sys/kernel/debug/mmtwin/pgwalk"
#define SIZE	(1UL << 30)
#define HPAGE	(2UL << 20)
#define CHUNK	(32UL << 20)
#define ROUNDS	41
#define PAIRS	(ROUNDS * (int)(SIZE / CHUNK))

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#endif
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

struct result {
	double ratios[PAIRS], ns_k[PAIRS], ns_t[PAIRS];
	/* the ratios again, by the side that read first */
	double twin_first[PAIRS / 2], pagemap_first[PAIRS / 2];
	size_t mismatches;
	bool short_read;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * ROUNDS rounds over the whole mapping, each read CHUNK by CHUNK from
 * both sides in turn: a read short enough that most pairs are not cut by
 * the host's scheduler (its time slices are milliseconds; a 1 GiB read
 * took 10 to 50 ms), so the median pair is one neither side lost time
 * in. The side that reads first alternates from pair to pair, so a cache
 * warmed by the first read favours each side equally often. Each round's
 * records are compared in full.
 */
static void measure(int pfd, int tfd, unsigned long addr, uint64_t *a,
		    uint64_t *b, struct result *r)
{
	const size_t n = CHUNK / 4096;
	int pair = 0, nt = 0, nk = 0;

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < ROUNDS; i++) {
		for (unsigned long c = 0; c < SIZE / CHUNK; c++, pair++) {
			unsigned long at = addr + c * CHUNK;
			uint64_t *ka = a + c * n, *tb = b + c * n, k, t;

			if ((i + c) % 2) {
				t = timed_read(tfd, at, n, tb);
				k = timed_read(pfd, at, n, ka);
			} else {
				k = timed_read(pfd, at, n, ka);
				t = timed_read(tfd, at, n, tb);
			}
			if (!k || !t) {
				r->short_read = true;
				return;
			}
			r->ratios[pair] = (double)t / k;
			if ((i + c) % 2)
				r->twin_first[nt++] = r->ratios[pair];
			else
				r->pagemap_first[nk++] = r->ratios[pair];
			r->ns_k[pair] = (double)k / n;
			r->ns_t[pair] = (double)t / n;
		}
		for (size_t j = 0; j < SIZE / 4096; j++)
			r->mismatches += a[j] != b[j];
	}
	qsort(r->ratios, PAIRS, sizeof(r->ratios[0]), cmp_double);
	qsort(r->ns_k, PAIRS, sizeof(r->ns_k[0]), cmp_double);
	qsort(r->ns_t, PAIRS, sizeof(r->ns_t[0]), cmp_double);
	qsort(r->twin_first, PAIRS / 2, sizeof(double), cmp_double);
	qsort(r->pagemap_first, PAIRS / 2, sizeof(double), cmp_double);
}

/* AnonHugePages of the VMA holding @p, in kB; -1 if not found. */
static long anon_huge_kb(void *p)
{
	unsigned long a = (unsigned long)p, s, e;
	char line[256], perms[8];
	bool in = false;
	long v = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3)
			in = a >= s && a < e;
		else if (in && !strncmp(line, "AnonHugePages:", 14))
			v = strtol(line + 14, NULL, 10);
	}
	fclose(f);
	return v;
}

enum kind { DENSE_4K, DENSE_THP, SPARSE, FILE_SHARED };
static const char * const kind_names[] = { "4k", "thp", "sparse", "file" };

/* The mapping to measure, populated; NULL (and a message) if a step failed. */
static char *setup(enum kind kind, char **raw, int *fd)
{
	char *p;

	*fd = -1;
	if (kind == FILE_SHARED) {
		char path[] = "/tmp/bench-pgwalk-XXXXXX";

		*fd = mkstemp(path);
		if (*fd < 0 || unlink(path) || ftruncate(*fd, SIZE))
			return NULL;
		p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
		if (p == MAP_FAILED || madvise(p, SIZE, MADV_POPULATE_WRITE))
			return NULL;
		*raw = p;
		return p;
	}
	*raw = mmap(NULL, SIZE + HPAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*raw == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)*raw + HPAGE - 1) & ~(HPAGE - 1));
	if (madvise(p, SIZE, kind == DENSE_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		return NULL;
	if (kind == SPARSE) {
		for (unsigned long off = 0; off < SIZE; off += 64 * 4096)
			p[off] = 1;
		return p;
	}
	if (madvise(p, SIZE, MADV_POPULATE_WRITE))
		return NULL;
	if (kind == DENSE_THP && anon_huge_kb(p) != (long)(SIZE >> 10)) {
		printf("mmtwin-bench: pgwalk thp: only %ld of %lu kB PMD-mapped\n",
		       anon_huge_kb(p), SIZE >> 10);
		return NULL;
	}
	return p;
}

static int run(enum kind kind, uint64_t *a, uint64_t *b)
{
	const char *name = kind_names[kind];
	size_t n = SIZE / 4096;
	static struct result r;
	char *raw = NULL, *p, req[32];
	int pfd, tfd, fd, ret = 1;

	p = setup(kind, &raw, &fd);
	if (!p) {
		printf("mmtwin-bench: pgwalk %s: setup failed: %s\n", name,
		       strerror(errno));
		goto out;
	}
	pfd = open("/proc/self/pagemap", O_RDONLY);
	tfd = open(DIR "/pagemap", O_RDWR);
	snprintf(req, sizeof(req), "pid %d\n", getpid());
	if (pfd < 0 || tfd < 0 || write(tfd, req, strlen(req)) < 0) {
		printf("mmtwin-bench: pgwalk %s: cannot open the pagemaps\n", name);
		goto out;
	}
	sleep(1);	/* let the work the population queued settle */
	measure(pfd, tfd, (unsigned long)p, a, b, &r);
	close(pfd);
	close(tfd);
	if (r.short_read) {
		printf("mmtwin-bench: pgwalk %s: a read came up short\n", name);
		goto out;
	}
	printf("mmtwin-bench: pgwalk %-6s 1GiB pages=%zu pagemap_ns_per_page=%.2f twin_ns_per_page=%.2f median_pagemap_ns=%.2f median_twin_ns=%.2f ratio_best=%.3f ratio_median=%.3f ratio_quartiles=%.3f-%.3f ratio_median_twin_first=%.3f ratio_median_pagemap_first=%.3f mismatches=%zu\n",
	       name, n, r.ns_k[0], r.ns_t[0], r.ns_k[PAIRS / 2], r.ns_t[PAIRS / 2],
	       r.ns_t[0] / r.ns_k[0], r.ratios[PAIRS / 2],
	       r.ratios[PAIRS / 4], r.ratios[3 * PAIRS / 4],
	       r.twin_first[PAIRS / 4], r.pagemap_first[PAIRS / 4], r.mismatches);
	ret = r.mismatches ? 1 : 0;
out:
	if (raw)
		munmap(raw, kind == FILE_SHARED ? SIZE : SIZE + HPAGE);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Whether the CPU flags line of /proc/cpuinfo names @flag. */
static bool cpu_has(const char *flag)
{
	char line[4096], word[64];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	snprintf(word, sizeof(word), " %s ", flag);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		line[strcspn(line, "\n")] = ' ';
		found = strstr(line, word) != NULL;
		break;
	}
	fclose(f);
	return found;
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, size, f))
		snprintf(buf, size, "?");
	buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

/*
 * What the numbers below were measured under, so they can be compared:
 * also the CPU flags that choose how copy_to_user() copies (ERMS, FSRM:
 * "rep movsb") and the clock the kernel reads.
 */
static void print_conditions(void)
{
	char clock[64], load[64];
	struct utsname u;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  clock, sizeof(clock));
	read_line("/proc/loadavg", load, sizeof(load));
	printf("mmtwin-bench: pgwalk conditions: kernel=%s cpus=%ld erms=%d fsrm=%d clocksource=%s guest_loadavg=\"%s\" size=%luMiB chunk=%luMiB rounds=%d pairs=%d lock=per-2MiB(both) first=alternating records=compared-every-pair thp=asserted-pmd-mapped\n",
	       u.release, sysconf(_SC_NPROCESSORS_ONLN), cpu_has("erms"),
	       cpu_has("fsrm"), clock, load, SIZE >> 20, CHUNK >> 20, ROUNDS,
	       PAIRS);
}

int main(void)
{
	uint64_t *a = malloc(SIZE / 4096 * 8), *b = malloc(SIZE / 4096 * 8);
	int fail = 0;

	if (load_module("mmtwin_pgwalk")) {
		printf("mmtwin-bench: pgwalk: mmtwin_pgwalk will not load\n");
		return 1;
	}
	if (!a || !b)
		return 1;
	print_conditions();
	for (int k = DENSE_4K; k <= FILE_SHARED; k++)
		fail |= run(k, a, b);
	return fail;
}
