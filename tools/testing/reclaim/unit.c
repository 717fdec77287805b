// SPDX-License-Identifier: GPL-2.0
/*
 * The reclaimer's arithmetic in userspace: each check feeds calc.c the
 * kernel's inputs and compares with values worked out by hand from the
 * 6.12 formulas (the derivations are in the comments). Prints TAP.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../../modules/reclaim/calc.h"

static int nr_checks, nr_failed;

#define CHECK_EQ(what, got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	nr_checks++;							\
	if (g_ != w_) {							\
		nr_failed++;						\
		printf("not ok %d %s: got %lld, want %lld\n",		\
		       nr_checks, what, g_, w_);			\
	} else {							\
		printf("ok %d %s\n", nr_checks, what);			\
	}								\
} while (0)

/*
 * min_free_kbytes 22528 = 5632 pages over 2003840 lowmem pages: DMA gets
 * 5632 * 3840 / 2003840 = 10, its gap max(10 / 4, 3840 / 1000) = 3; DMA32
 * 1405 with gap 500; Normal 4215 with gap 1500.
 */
static void test_wmarks(void)
{
	const struct twin_wmark_zone z[] = {
		{ 3840, false }, { 500000, false }, { 1500000, false },
	};
	const struct twin_wmark want[] = {
		{ 10, 13, 16, 19 }, { 1405, 1905, 2405, 2905 },
		{ 4215, 5715, 7215, 8715 },
	};
	struct twin_wmark out[3];
	int i;

	twin_setup_wmarks(z, 3, 22528, 10, out);
	for (i = 0; i < 3; i++) {
		CHECK_EQ("wmarks min", out[i].min, want[i].min);
		CHECK_EQ("wmarks low", out[i].low, want[i].low);
		CHECK_EQ("wmarks high", out[i].high, want[i].high);
		CHECK_EQ("wmarks promo", out[i].promo, want[i].promo);
	}
}

/*
 * A ZONE_MOVABLE zone of 200000 pages does not share min_free_kbytes:
 * its min is clamp(200000 / 1024, 32, 128) = 128, its gap still from its
 * would-be share 5632 * 200000 / 500000 = 2252: max(563, 200) = 563.
 */
static void test_wmarks_movable(void)
{
	const struct twin_wmark_zone z[] = { { 500000, false }, { 200000, true } };
	struct twin_wmark out[2];

	twin_setup_wmarks(z, 2, 22528, 10, out);
	CHECK_EQ("movable dma32 min", out[0].min, 5632);
	CHECK_EQ("movable dma32 high", out[0].high, 8448);
	CHECK_EQ("movable min capped", out[1].min, 128);
	CHECK_EQ("movable low", out[1].low, 691);
	CHECK_EQ("movable high", out[1].high, 1254);
	/* watermark_scale_factor 1000 (10%): the gap is the scale's */
	twin_setup_wmarks(z, 1, 22528, 1000, out);
	CHECK_EQ("scale 1000 low", out[0].low, 5632 + 50000);
}

/* high 2405, factor 15000: max boost 3607; a pageblock (512) per fallback. */
static void test_boost(void)
{
	unsigned long b = 0;
	int i;

	b = twin_boost_watermark(b, 2405, 500000, 15000, 512);
	CHECK_EQ("boost one pageblock", b, 512);
	for (i = 0; i < 10; i++)
		b = twin_boost_watermark(b, 2405, 500000, 15000, 512);
	CHECK_EQ("boost capped at high * 1.5", b, 3607);
	CHECK_EQ("no boost factor", twin_boost_watermark(7, 2405, 500000, 0, 512), 7);
	CHECK_EQ("zone under 4 pageblocks", twin_boost_watermark(0, 20, 2047, 15000, 512), 0);
	/* max(pageblock, 10% of a tiny high) */
	CHECK_EQ("boost at least a pageblock",
		 twin_boost_watermark(0, 100, 500000, 1000, 512), 512);
}

/* Below 1 GB the ratio is 1; at 1 GB (262144 pages) int_sqrt(10) = 3. */
static void test_inactive_is_low(void)
{
	CHECK_EQ("small: equal is fine", twin_inactive_is_low(100, 100), 0);
	CHECK_EQ("small: one more active", twin_inactive_is_low(100, 101), 1);
	CHECK_EQ("1GB: 1:3 is fine", twin_inactive_is_low(65536, 196608), 0);
	CHECK_EQ("1GB: past 1:3", twin_inactive_is_low(65536, 196609), 1);
	/* 10 GB (2621440 pages and up): int_sqrt(100) = 10 */
	CHECK_EQ("10GB: 1:10 is fine", twin_inactive_is_low(238313, 2383130), 0);
	CHECK_EQ("10GB: past 1:10", twin_inactive_is_low(238313, 2383131), 1);
}

/*
 * Swappiness 60, no cost yet: ap = 60 * 1 / 1, fp = 140 * 1 / 1, so at
 * priority 2 inactive anon gets (4096 >> 2) * 60 / 200 = 307 and inactive
 * file (8192 >> 2) * 140 / 200 = 1433.
 */
static void test_get_scan_count(void)
{
	struct twin_scan_input in = {
		.size = { 4096, 4096, 8192, 8192 },
		.priority = 2, .swappiness = 60, .can_swap = true,
	};
	unsigned long nr[TWIN_NR_LRU];

	CHECK_EQ("fract", twin_get_scan_count(&in, nr), TWIN_SCAN_FRACT);
	CHECK_EQ("fract inactive anon", nr[TWIN_INACTIVE_ANON], 307);
	CHECK_EQ("fract inactive file", nr[TWIN_INACTIVE_FILE], 1433);
	/*
	 * Anon cost 100, file 0: total 100, anon_cost 200, file_cost 100,
	 * total 300; ap = 60 * 301 / 201 = 89, fp = 140 * 301 / 101 = 417;
	 * anon (4096 >> 2) * 89 / 506 = 180.
	 */
	in.anon_cost = 100;
	twin_get_scan_count(&in, nr);
	CHECK_EQ("cost shifts to file: anon", nr[TWIN_INACTIVE_ANON], 180);
	CHECK_EQ("cost shifts to file: file", nr[TWIN_INACTIVE_FILE], 1687);
	in.anon_cost = 0;
	in.priority = 0;
	CHECK_EQ("priority 0 equal", twin_get_scan_count(&in, nr), TWIN_SCAN_EQUAL);
	CHECK_EQ("equal takes all", nr[TWIN_ACTIVE_ANON], 4096);
	in.priority = 12;
	in.can_swap = false;
	CHECK_EQ("no swap: file only", twin_get_scan_count(&in, nr), TWIN_SCAN_FILE);
	CHECK_EQ("no swap: anon 0", nr[TWIN_INACTIVE_ANON], 0);
	CHECK_EQ("no swap: file 8192 >> 12", nr[TWIN_INACTIVE_FILE], 2);
	in.can_swap = true;
	in.file_is_tiny = true;
	CHECK_EQ("tiny file: anon", twin_get_scan_count(&in, nr), TWIN_SCAN_ANON);
	CHECK_EQ("tiny file: file 0", nr[TWIN_INACTIVE_FILE], 0);
}

/* (freeable >> priority) * 4 / seeks, capped at 2 * freeable. */
static void test_shrink_delta(void)
{
	CHECK_EQ("prio 12", twin_shrink_delta(10000, 12, 2), 4);
	CHECK_EQ("prio 0", twin_shrink_delta(10000, 0, 2), 20000);
	CHECK_EQ("seeks 1 capped", twin_shrink_delta(10000, 0, 1), 20000);
	CHECK_EQ("seeks 0 half", twin_shrink_delta(10000, 12, 0), 5000);
	CHECK_EQ("nothing", twin_shrink_delta(0, 0, 2), 0);
}

/*
 * 100% stalled from idle: avg10 = (100 * 2048 * (2048 - 1677) + 2047) /
 * 2048 = 37100 = 18.11%; after five periods 129406 = 63.18% (1 - e^-1).
 */
static void test_psi(void)
{
	unsigned long avg[3] = { 0, 0, 0 };
	int i;

	twin_calc_avgs(avg, 0, 2000000000ULL, 2000000000ULL);
	CHECK_EQ("psi avg10 after 2s", avg[0], 37100);
	CHECK_EQ("psi avg60 after 2s", avg[1], 6700);
	CHECK_EQ("psi avg300 after 2s", avg[2], 1400);
	CHECK_EQ("psi 18.11 int", TWIN_LOAD_INT(avg[0]), 18);
	CHECK_EQ("psi 18.11 frac", TWIN_LOAD_FRAC(avg[0]), 11);
	for (i = 0; i < 4; i++)
		twin_calc_avgs(avg, 0, 2000000000ULL, 2000000000ULL);
	CHECK_EQ("psi avg10 after 10s", avg[0], 129406);
	CHECK_EQ("psi avg300 after 10s", avg[2], 6907);
	/* three idle periods at once: 1677^3 in fixed point is 1124 */
	CHECK_EQ("psi missed periods", twin_calc_load_n(129406, TWIN_EXP_10s, 0, 3),
		 71021);
	avg[0] = 0;
	twin_calc_avgs(avg, 0, 1000000000ULL, 2000000000ULL);
	CHECK_EQ("psi half stalled", avg[0], 18550);
}

/* pages + adj * (total / 1000); -1000 never. */
static void test_oom_badness(void)
{
	CHECK_EQ("badness", twin_oom_badness(1000, 500, 100000), 51000);
	CHECK_EQ("badness negative adj", twin_oom_badness(100, -500, 100000), -49900);
	CHECK_EQ("badness -1000", twin_oom_badness(1000000, -1000, 100000), LONG_MIN);
}

int main(void)
{
	printf("TAP version 13\n");
	test_wmarks();
	test_wmarks_movable();
	test_boost();
	test_inactive_is_low();
	test_get_scan_count();
	test_shrink_delta();
	test_psi();
	test_oom_badness();
	printf("1..%d\n", nr_checks);
	return nr_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
