// SPDX-License-Identifier: GPL-2.0
/*
 * The TLB simulator's core (see sim.h). A lookup probes the L1 array of
 * the translation's size, then the STLB; a miss costs a page walk and
 * fills both, evicting the least recently used way of the set.
 */
#include "sim.h"

#define TLBS_SHIFT_4K	12
#define TLBS_SHIFT_2M	21

/* Within the arrays' size; entries a multiple of ways, both non-zero. */
int tlbs_check_geom(const struct tlbs_geom *g)
{
	if (g->entries > TLBS_MAX_ENTRIES)
		return -ERANGE;
	if (!g->entries || !g->ways || g->entries % g->ways)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_check_geom);

static void tlbs_clear(struct tlbs_level *lv)
{
	memset(lv->e, 0, sizeof(lv->e));
}

void tlbs_init(struct tlbs *t)
{
	static const struct tlbs_geom defaults[TLBS_NR_ARRAYS] = {
		[TLBS_L1_4K] = { TLBS_L1_4K_ENTRIES, TLBS_L1_4K_WAYS },
		[TLBS_L1_2M] = { TLBS_L1_2M_ENTRIES, TLBS_L1_2M_WAYS },
		[TLBS_STLB] = { TLBS_STLB_ENTRIES, TLBS_STLB_WAYS },
	};
	int a;

	memset(t, 0, sizeof(*t));
	for (a = 0; a < TLBS_NR_ARRAYS; a++)
		t->lv[a].geom = defaults[a];
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_init);

/* Every entry invalid and the counts zero; the geometry stays. */
void tlbs_reset(struct tlbs *t)
{
	int a;

	for (a = 0; a < TLBS_NR_ARRAYS; a++)
		tlbs_clear(&t->lv[a]);
	t->clock = 0;
	memset(&t->st, 0, sizeof(t->st));
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_reset);

int tlbs_set_geom(struct tlbs *t, enum tlbs_array a, const struct tlbs_geom *g)
{
	int ret = tlbs_check_geom(g);

	if (ret)
		return ret;
	t->lv[a].geom = *g;
	tlbs_clear(&t->lv[a]);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_set_geom);

static struct tlbs_entry *tlbs_set(struct tlbs_level *lv, unsigned long vpn)
{
	unsigned int sets = lv->geom.entries / lv->geom.ways;

	return &lv->e[(vpn % sets) * lv->geom.ways];
}

static struct tlbs_entry *tlbs_lookup(struct tlbs_level *lv, u16 pcid,
				      unsigned long vpn, bool huge)
{
	struct tlbs_entry *set = tlbs_set(lv, vpn);
	unsigned int w;

	for (w = 0; w < lv->geom.ways; w++)
		if (set[w].lru && set[w].vpn == vpn && set[w].pcid == pcid &&
		    set[w].huge == huge)
			return &set[w];
	return NULL;
}

/*
 * Fills the invalid or least recently used way of vpn's set.
 * Return: true if a valid entry was evicted.
 */
static bool tlbs_fill(struct tlbs_level *lv, u16 pcid, unsigned long vpn,
		      bool huge, u64 now)
{
	struct tlbs_entry *set = tlbs_set(lv, vpn), *victim = set;
	unsigned int w;
	bool evicted;

	for (w = 1; w < lv->geom.ways && victim->lru; w++)
		if (!set[w].lru || set[w].lru < victim->lru)
			victim = &set[w];
	evicted = victim->lru;
	victim->vpn = vpn;
	victim->pcid = pcid;
	victim->huge = huge;
	victim->lru = now;
	return evicted;
}

static void tlbs_fill_count(struct tlbs *t, enum tlbs_array a, u16 pcid,
			    unsigned long vpn, bool huge, u64 now)
{
	if (tlbs_fill(&t->lv[a], pcid, vpn, huge, now))
		t->st.evictions[a]++;
}

enum tlbs_hit tlbs_access(struct tlbs *t, u16 pcid, unsigned long va,
			  const struct tlbs_xlate *x)
{
	enum tlbs_array a1 = x->huge ? TLBS_L1_2M : TLBS_L1_4K;
	struct tlbs_level *l1 = &t->lv[a1];
	struct tlbs_level *l2 = &t->lv[TLBS_STLB];
	unsigned long vpn = va >> (x->huge ? TLBS_SHIFT_2M : TLBS_SHIFT_4K);
	u64 now = ++t->clock;
	struct tlbs_entry *e;

	t->st.accesses++;
	e = tlbs_lookup(l1, pcid, vpn, x->huge);
	if (e) {
		e->lru = now;
		t->st.l1_hits++;
		return TLBS_HIT_L1;
	}
	e = tlbs_lookup(l2, pcid, vpn, x->huge);
	if (e) {
		e->lru = now;
		tlbs_fill_count(t, a1, pcid, vpn, x->huge, now);
		t->st.stlb_hits++;
		return TLBS_HIT_STLB;
	}
	t->st.misses++;
	t->st.walk_levels += x->levels;
	tlbs_fill_count(t, TLBS_STLB, pcid, vpn, x->huge, now);
	tlbs_fill_count(t, a1, pcid, vpn, x->huge, now);
	return TLBS_MISS;
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_access);

static void tlbs_drop(struct tlbs *t, bool (*match)(const struct tlbs_entry *,
						     const void *),
		      const void *arg)
{
	int a;
	unsigned int i;

	t->st.flushes++;
	for (a = 0; a < TLBS_NR_ARRAYS; a++)
		for (i = 0; i < t->lv[a].geom.entries; i++)
			if (t->lv[a].e[i].lru && match(&t->lv[a].e[i], arg))
				t->lv[a].e[i].lru = 0;
}

static bool tlbs_match_all(const struct tlbs_entry *e, const void *arg)
{
	return true;
}

static bool tlbs_match_pcid(const struct tlbs_entry *e, const void *arg)
{
	return e->pcid == *(const u16 *)arg;
}

struct tlbs_range {
	u16 pcid;
	unsigned long start, end;
};

static bool tlbs_match_range(const struct tlbs_entry *e, const void *arg)
{
	const struct tlbs_range *r = arg;
	unsigned int shift = e->huge ? TLBS_SHIFT_2M : TLBS_SHIFT_4K;
	unsigned long va = e->vpn << shift, va_end = va + (1UL << shift);

	return e->pcid == r->pcid && va < r->end && va_end > r->start;
}

/* A CR3 write without PCID, or INVPCID of all contexts. */
void tlbs_flush_all(struct tlbs *t)
{
	tlbs_drop(t, tlbs_match_all, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_flush_all);

/* A CR3 write to @pcid without the no-flush bit: that context only. */
void tlbs_flush_pcid(struct tlbs *t, u16 pcid)
{
	tlbs_drop(t, tlbs_match_pcid, &pcid);
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_flush_pcid);

/* INVLPG over a range: every translation overlapping it, 4 KiB or 2 MiB. */
void tlbs_flush_range(struct tlbs *t, u16 pcid, unsigned long start,
		      unsigned long end)
{
	struct tlbs_range r = { pcid, start, end };

	tlbs_drop(t, tlbs_match_range, &r);
}
EXPORT_SYMBOL_IF_KUNIT(tlbs_flush_range);
