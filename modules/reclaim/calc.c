// SPDX-License-Identifier: GPL-2.0
/*
 * The reclaimer twin's arithmetic (see calc.h). Each function names the
 * kernel function whose numbers it reproduces; none keeps state, so the
 * KUnit suite and tools/testing/reclaim/ check them on the kernel's own
 * inputs.
 */
#include "calc.h"

/*
 * __setup_per_zone_wmarks(): min_free_kbytes is shared among the lowmem
 * zones by managed pages; a highmem or movable zone gets a small capped
 * min instead. low and high sit a quarter of that share or
 * watermark_scale_factor/10000 of the zone above the mark below,
 * whichever is more, so kswapd has room to work on small and big zones.
 */
void twin_setup_wmarks(const struct twin_wmark_zone *zones, int nr,
		       unsigned long min_free_kbytes,
		       unsigned int watermark_scale_factor,
		       struct twin_wmark *out)
{
	unsigned long pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	int i;

	for (i = 0; i < nr; i++)
		if (!zones[i].capped)
			lowmem_pages += zones[i].managed;

	for (i = 0; i < nr; i++) {
		unsigned long managed = zones[i].managed;
		u64 share = 0, gap;

		if (lowmem_pages)
			share = div64_u64((u64)pages_min * managed, lowmem_pages);
		if (zones[i].capped)
			out[i].min = clamp(managed / 1024, TWIN_SWAP_CLUSTER_MAX,
					   128UL);
		else
			out[i].min = share;
		gap = max_t(u64, share >> 2,
			    mult_frac(managed, (u64)watermark_scale_factor, 10000));
		out[i].low = out[i].min + gap;
		out[i].high = out[i].low + gap;
		out[i].promo = out[i].high + gap;
	}
}
EXPORT_SYMBOL_IF_KUNIT(twin_setup_wmarks);

/*
 * boost_watermark(): after a fallback steals from another migrate type,
 * raise the marks by a pageblock, up to watermark_boost_factor/10000 of
 * high; zones smaller than four pageblocks are never boosted. Returns the
 * new boost (unchanged when no boost applies).
 */
unsigned long twin_boost_watermark(unsigned long boost, unsigned long high,
				   unsigned long managed, unsigned int factor,
				   unsigned long pageblock_pages)
{
	unsigned long max_boost;

	if (!factor || pageblock_pages * 4 > managed)
		return boost;
	max_boost = mult_frac(high, (unsigned long)factor, 10000UL);
	if (!max_boost)
		return boost;
	max_boost = max(pageblock_pages, max_boost);
	return min(boost + pageblock_pages, max_boost);
}
EXPORT_SYMBOL_IF_KUNIT(twin_boost_watermark);

/*
 * inactive_is_low(): the inactive list should be at least 1/ratio of the
 * active one, ratio growing with the square root of the lists' size in
 * GB (1 below 1 GB, 3 at 1 GB, 10 at 10 GB).
 */
bool twin_inactive_is_low(unsigned long inactive, unsigned long active)
{
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}
EXPORT_SYMBOL_IF_KUNIT(twin_inactive_is_low);

/*
 * get_scan_count() without memcg protection: decide the anon/file
 * balance, then ask each list for size >> priority pages, split by the
 * cost-weighted swappiness fractions in SCAN_FRACT. The root cgroup is
 * online, so the kernel rounds the fractions down and never forces a
 * minimum scan; neither does this.
 */
static enum twin_scan_balance scan_balance(const struct twin_scan_input *in,
					   u64 fraction[2], u64 *denominator)
{
	unsigned long anon_cost, file_cost, total_cost, ap, fp;

	if (!in->can_swap)
		return TWIN_SCAN_FILE;
	if (!in->priority && in->swappiness)
		return TWIN_SCAN_EQUAL;
	if (in->file_is_tiny)
		return TWIN_SCAN_ANON;
	if (in->cache_trim_mode)
		return TWIN_SCAN_FILE;

	/* Reclaim cost counts double for the side that paid it. */
	total_cost = in->anon_cost + in->file_cost;
	anon_cost = total_cost + in->anon_cost;
	file_cost = total_cost + in->file_cost;
	total_cost = anon_cost + file_cost;

	ap = in->swappiness * (total_cost + 1);
	ap /= anon_cost + 1;
	fp = (TWIN_MAX_SWAPPINESS - in->swappiness) * (total_cost + 1);
	fp /= file_cost + 1;

	fraction[0] = ap;
	fraction[1] = fp;
	*denominator = ap + fp;
	return TWIN_SCAN_FRACT;
}

enum twin_scan_balance twin_get_scan_count(const struct twin_scan_input *in,
					   unsigned long nr[TWIN_NR_LRU])
{
	u64 fraction[2] = { 0, 0 }, denominator = 1;
	enum twin_scan_balance balance;
	int lru;

	balance = scan_balance(in, fraction, &denominator);
	for (lru = 0; lru < TWIN_NR_LRU; lru++) {
		bool file = twin_lru_is_file(lru);
		u64 scan = in->size[lru] >> in->priority;

		switch (balance) {
		case TWIN_SCAN_EQUAL:
			break;
		case TWIN_SCAN_FRACT:
			scan = denominator ?
			       div64_u64(scan * fraction[file], denominator) : 0;
			break;
		case TWIN_SCAN_FILE:
		case TWIN_SCAN_ANON:
			if ((balance == TWIN_SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
	return balance;
}
EXPORT_SYMBOL_IF_KUNIT(twin_get_scan_count);

/*
 * do_shrink_slab(): how many objects to scan this round. A cache whose
 * objects cost @seeks to recreate gives up (freeable >> priority) * 4 /
 * seeks; seeks 0 means half of it at any priority. Never more than twice
 * what is freeable (no deferred work here, so that cap only matters for
 * seeks 1).
 */
unsigned long twin_shrink_delta(unsigned long freeable, int priority, int seeks)
{
	unsigned long delta;

	if (seeks) {
		delta = (freeable >> priority) * 4;
		delta /= seeks;
	} else {
		delta = freeable / 2;
	}
	return min(delta, 2 * freeable);
}
EXPORT_SYMBOL_IF_KUNIT(twin_shrink_delta);

/*
 * calc_load(): an exponentially decaying average in fixed point, rounded
 * up while the sample is above the average so a steady load converges.
 */
unsigned long twin_calc_load(unsigned long load, unsigned long exp,
			     unsigned long active)
{
	unsigned long newload;

	newload = load * exp + active * (TWIN_FIXED_1 - exp);
	if (active >= load)
		newload += TWIN_FIXED_1 - 1;
	return newload / TWIN_FIXED_1;
}
EXPORT_SYMBOL_IF_KUNIT(twin_calc_load);

/* @x to the @n-th power in fixed point, rounding each product. */
static unsigned long fixed_pow(unsigned long x, unsigned int n)
{
	unsigned long result = TWIN_FIXED_1, half = TWIN_FIXED_1 / 2;

	while (n) {
		if (n & 1)
			result = (result * x + half) >> TWIN_FSHIFT;
		n >>= 1;
		if (n)
			x = (x * x + half) >> TWIN_FSHIFT;
	}
	return result;
}

/* calc_load_n(): @n periods of @active at once. */
unsigned long twin_calc_load_n(unsigned long load, unsigned long exp,
			       unsigned long active, unsigned int n)
{
	return twin_calc_load(load, fixed_pow(exp, n), active);
}
EXPORT_SYMBOL_IF_KUNIT(twin_calc_load_n);

/*
 * psi.c's calc_avgs(): periods that went by unsampled count as idle, then
 * the share of @period spent stalled (@time) feeds the 10 s, 60 s and
 * 300 s averages, each a percentage in fixed point.
 */
void twin_calc_avgs(unsigned long avg[3], int missed_periods, u64 time,
		    u64 period)
{
	unsigned long pct;

	if (missed_periods) {
		avg[0] = twin_calc_load_n(avg[0], TWIN_EXP_10s, 0, missed_periods);
		avg[1] = twin_calc_load_n(avg[1], TWIN_EXP_60s, 0, missed_periods);
		avg[2] = twin_calc_load_n(avg[2], TWIN_EXP_300s, 0, missed_periods);
	}
	pct = period ? div64_u64(time * 100, period) : 0;
	pct *= TWIN_FIXED_1;
	avg[0] = twin_calc_load(avg[0], TWIN_EXP_10s, pct);
	avg[1] = twin_calc_load(avg[1], TWIN_EXP_60s, pct);
	avg[2] = twin_calc_load(avg[2], TWIN_EXP_300s, pct);
}
EXPORT_SYMBOL_IF_KUNIT(twin_calc_avgs);

/*
 * oom_badness(): pages the victim would free, plus oom_score_adj
 * thousandths of all memory; -1000 is never chosen (LONG_MIN).
 */
long twin_oom_badness(unsigned long pages, int adj, unsigned long totalpages)
{
	if (adj <= TWIN_OOM_SCORE_ADJ_MIN)
		return LONG_MIN;
	return (long)pages + (long)adj * (long)(totalpages / 1000);
}
EXPORT_SYMBOL_IF_KUNIT(twin_oom_badness);
