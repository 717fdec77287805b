// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_tlb's TLB simulator: access lists of the test's own memory,
 * translated by the walker twin, give the hits, misses and evictions the
 * model must show; real flushes on the CPU empty it; bad commands and bad
 * geometry are refused.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"
#include "tlb_sim.h"

#define GEOM		"/sys/kernel/mmtwin/tlb/"
#define THP		"/sys/kernel/mm/transparent_hugepage/enabled"
#define PG		4096UL
#define HUGE		(2UL << 20)
/* Runs that a context switch or a migration disturbed are run again. */
#define TRIES		5

static const char *const geom_files[] = {
	"l1_4k_entries", "l1_4k_ways", "l1_2m_entries", "l1_2m_ways",
	"stlb_entries", "stlb_ways",
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Flushes the model saw from the CPU, or a move to another CPU. */
static long long disturbed(void)
{
	return sim_stat("live_full_flushes") + sim_stat("live_ranged_flushes") +
	       sim_stat("migrations");
}

static int sim(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return write_file(SIM, cmd);
}

static long geom(const char *file)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), GEOM "%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf[0] ? strtol(buf, NULL, 0) : -1;
}

static int set_geom(const char *file, long v)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), GEOM "%s", file);
	snprintf(val, sizeof(val), "%ld", v);
	return write_file(path, val);
}

/* One way first: any entry count is a multiple of it. */
static int set_array(const char *array, long entries, long ways)
{
	char e[32], w[32];

	snprintf(e, sizeof(e), "%s_entries", array);
	snprintf(w, sizeof(w), "%s_ways", array);
	return set_geom(w, 1) ?: set_geom(e, entries) ?: set_geom(w, ways);
}

/* @n huge pages, THP-backed; NULL if THP did not back them. */
static char *map_thp(size_t n)
{
	char *raw = mmap(NULL, (n + 1) * HUGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)(((unsigned long)raw + HUGE - 1) & ~(HUGE - 1));

	if (raw == MAP_FAILED || madvise(p, n * HUGE, MADV_HUGEPAGE))
		return NULL;
	memset(p, 1, n * HUGE);
	return p;
}

FIXTURE(sim) {
	long geom[6];
};

FIXTURE_SETUP(sim)
{
	int i;

	ASSERT_EQ(0, load_module("mmtwin_tlb"));
	/* The simulator translates through it. */
	ASSERT_EQ(0, load_module("mmtwin_pgwalk"));
	for (i = 0; i < 6; i++) {
		self->geom[i] = geom(geom_files[i]);
		ASSERT_LT(0, self->geom[i]);
	}
	pin(0);
	ASSERT_EQ(0, sim("reset"));
}

FIXTURE_TEARDOWN(sim)
{
	EXPECT_EQ(0, set_array("l1_4k", self->geom[0], self->geom[1]));
	EXPECT_EQ(0, set_array("l1_2m", self->geom[2], self->geom[3]));
	EXPECT_EQ(0, set_array("stlb", self->geom[4], self->geom[5]));
	sim("reset");
}

/*
 * A one-set 4-way L1: pages 0-4 miss and 4 evicts 0; 0 and 1 come back
 * from the STLB, each refill evicting L1's oldest; 4 hits in L1.
 */
TEST_F(sim, known_list)
{
	static const int order[] = { 0, 1, 2, 3, 4, 0, 4, 1 };
	char list[512] = "list";
	char *p = map_prefaulted(8);
	long long levels;
	int i, try;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, set_array("l1_4k", 4, 4));
	for (i = 0; i < 8; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 " %p", p + order[i] * PG);
	for (try = 0; try < TRIES; try++) {
		ASSERT_EQ(0, sim("reset"));
		ASSERT_EQ(0, sim("%s", list));
		if (!disturbed())
			break;
	}
	ASSERT_GT(TRIES, try) TH_LOG("every run saw a flush or a migration");
	EXPECT_EQ(8, sim_stat("accesses"));
	EXPECT_EQ(5, sim_stat("misses"));
	EXPECT_EQ(2, sim_stat("stlb_hits"));
	EXPECT_EQ(1, sim_stat("l1_hits"));
	EXPECT_EQ(3, sim_stat("evictions_l1_4k"));
	EXPECT_EQ(0, sim_stat("evictions_stlb"));
	EXPECT_EQ(8, sim_stat("pages_4k"));
	/* Four levels, five with LA57, read on each miss. */
	levels = sim_stat("walk_levels");
	EXPECT_TRUE(levels == 5 * 4 || levels == 5 * 5) TH_LOG("%lld", levels);
}

/* Misses of a second "seq" pass over [p, p + len), undisturbed. */
static long long second_pass(char *p, size_t len)
{
	long long before;
	int try;

	for (try = 0; try < TRIES; try++) {
		if (sim("reset") || sim("seq %p %p", p, p + len))
			return -1;
		before = sim_stat("misses");
		if (sim("seq %p %p", p, p + len))
			return -1;
		if (!disturbed())
			return sim_stat("misses") - before;
	}
	return -2;
}

/*
 * 16 MiB in 4 KiB pages overflows the 1536-entry STLB: every page of a
 * second pass misses. In 8 THPs the same memory fits: none does, and
 * each walk stops a level higher. (64 MiB, as make demo shows it, took
 * over 30 s on the KASAN kernel.)
 */
TEST_F_TIMEOUT(sim, thp_reach, 120)
{
	size_t len = 16UL << 20, pages = len / PG;
	long long small_levels, huge_levels;
	char *small = map_prefaulted(pages), *huge;

	if (access(THP, F_OK))
		SKIP(return, "no THP: CONFIG_TRANSPARENT_HUGEPAGE is off");
	ASSERT_NE(NULL, small);
	EXPECT_EQ(pages, second_pass(small, len));
	small_levels = sim_stat("walk_levels") / sim_stat("misses");
	munmap(small, len);
	huge = map_thp(len / HUGE);
	ASSERT_NE(NULL, huge);
	EXPECT_EQ(0, second_pass(huge, len));
	EXPECT_EQ(2 * pages, sim_stat("pages_2m")) TH_LOG("not all THP");
	EXPECT_EQ(len / HUGE, sim_stat("misses"));
	huge_levels = sim_stat("walk_levels") / sim_stat("misses");
	EXPECT_EQ(small_levels - 1, huge_levels);
}

/*
 * A real flush on the CPU empties the model: unmapping a page of the
 * test's mm flushes this CPU's TLB (tlb:tlb_flush, a ranged local flush).
 * "flush" does it by hand.
 */
TEST_F(sim, live_flush)
{
	char *p = map_prefaulted(9);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, second_pass(p, 8 * PG));
	ASSERT_EQ(8, sim_stat("misses"));
	ASSERT_EQ(0, munmap(p + 8 * PG, PG));
	ASSERT_EQ(0, sim("seq %p %p", p, p + 8 * PG));
	EXPECT_EQ(16, sim_stat("misses"));
	EXPECT_LE(1, sim_stat("live_ranged_flushes") +
		     sim_stat("live_full_flushes"));
	ASSERT_EQ(0, sim("flush"));
	ASSERT_EQ(0, sim("seq %p %p", p, p + 8 * PG));
	EXPECT_EQ(24, sim_stat("misses"));
}

/* An address with nothing mapped is a fault, not an access. */
TEST_F(sim, unmapped_faults)
{
	char *p = map_prefaulted(2);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, munmap(p + PG, PG));
	ASSERT_EQ(0, sim("list %p %p", p, p + PG));
	EXPECT_EQ(1, sim_stat("faults"));
	EXPECT_EQ(1, sim_stat("accesses"));
}

/* "random" and "stride" patterns over 8 pages touch exactly those. */
TEST_F(sim, patterns)
{
	char *p = map_prefaulted(64);
	int try;

	ASSERT_NE(NULL, p);
	for (try = 0; try < TRIES; try++) {
		ASSERT_EQ(0, sim("reset"));
		ASSERT_EQ(0, sim("random %p %p 1000 7", p, p + 8 * PG));
		if (!disturbed())
			break;
	}
	ASSERT_GT(TRIES, try);
	EXPECT_EQ(1000, sim_stat("accesses"));
	EXPECT_EQ(8, sim_stat("misses"));
	ASSERT_EQ(0, sim("reset"));
	ASSERT_EQ(0, sim("stride %p %p %lu", p, p + 64 * PG, 8 * PG));
	EXPECT_EQ(8, sim_stat("accesses"));
	EXPECT_EQ(8, sim_stat("pages_4k"));
}

/* Bad commands and bad geometry are refused and change nothing. */
TEST_F(sim, rejects_bad_input)
{
	char *p = map_prefaulted(1);

	ASSERT_NE(NULL, p);
	EXPECT_EQ(-EINVAL, sim("bogus"));
	EXPECT_EQ(-EINVAL, sim("list"));
	EXPECT_EQ(-EINVAL, sim("list %p zz", p));
	EXPECT_EQ(-ERANGE, sim("list 0xffffffffffffff00"));
	EXPECT_EQ(-EINVAL, sim("seq %p %p", p + PG, p));
	EXPECT_EQ(-EINVAL, sim("seq %p", p));
	EXPECT_EQ(-EINVAL, sim("stride %p %p 0", p, p + PG));
	EXPECT_EQ(-ERANGE, sim("seq 0 0x7fffffffe000"));
	EXPECT_EQ(-ERANGE, sim("random %p %p 99999999999 1", p, p + PG));
	EXPECT_EQ(-ERANGE, sim("pcid 4096"));
	EXPECT_EQ(-EINVAL, sim("reset now"));
	EXPECT_EQ(0, sim_stat("accesses"));

	EXPECT_EQ(-EINVAL, set_geom("l1_4k_ways", 3));
	EXPECT_EQ(-EINVAL, set_geom("l1_4k_entries", 0));
	EXPECT_EQ(-EINVAL, set_geom("stlb_ways", 0));
	EXPECT_EQ(-EINVAL, set_geom("l1_2m_entries", -1));
	EXPECT_EQ(-ERANGE, set_geom("stlb_entries", 8192));
	EXPECT_EQ(self->geom[1], geom("l1_4k_ways"));
	EXPECT_EQ(self->geom[4], geom("stlb_entries"));
	EXPECT_EQ(0, set_geom("stlb_entries", 1536 / 12 * 12 * 2));
	EXPECT_EQ(1536 * 2, geom("stlb_entries"));
}

TEST_HARNESS_MAIN
