// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy core under real concurrency: threads, each playing one CPU,
 * race allocations, frees, drains and chunk adds/removals on one
 * allocator; buddy_check() runs whenever they are all parked.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "harness.h"

#define THREAD_SHADOW	(1UL << 22)
#define THREAD_HELD	512

static _Atomic unsigned char *own;	/* 1: handed out */
static struct buddy *tb;
static pthread_barrier_t bar;
static _Atomic int stop;
static _Atomic unsigned long next_pfn;

int harness_race_window_us;

void harness_race_window(void)
{
	if (harness_race_window_us)
		usleep(harness_race_window_us);
}

static void own_block(struct mmtwin_frame *f, unsigned int order)
{
	unsigned long pfn = frame_pfn(f), i;

	for (i = 0; i < (1UL << order); i++)
		if (atomic_exchange(&own[pfn + i], 1))
			harness_die("pfn %lu handed out twice", pfn + i);
}

static void disown_block(struct mmtwin_frame *f, unsigned int order)
{
	unsigned long pfn = frame_pfn(f), i;

	for (i = 0; i < (1UL << order); i++)
		atomic_store(&own[pfn + i], 0);
}

static void check_quiet(const char *after)
{
	char why[256];

	if (buddy_check(tb, why, sizeof(why)))
		harness_die("threads: invariant broken after %s: %s", after, why);
}

static void add_chunk(int node)
{
	struct buddy_chunk *c = buddy_chunk_new();
	unsigned long pfn = atomic_fetch_add(&next_pfn, BUDDY_CHUNK_PAGES);

	if (!c || pfn + BUDDY_CHUNK_PAGES > THREAD_SHADOW ||
	    buddy_add_chunk(tb, c, pfn, node, BUDDY_ZONE_NORMAL, "Normal"))
		harness_die("threads: cannot add a chunk at %lu", pfn);
}

static void setup(int chunks)
{
	if (!own)
		own = calloc(THREAD_SHADOW, 1);
	memset((void *)own, 0, THREAD_SHADOW);
	tb = buddy_vzalloc(sizeof(*tb));
	if (!tb || buddy_init(tb, THREAD_SHADOW))
		harness_die("threads: init");
	atomic_store(&next_pfn, BUDDY_CHUNK_PAGES);
	while (chunks--)
		add_chunk(0);
	buddy_setup_wmarks(tb);
	buddy_update_pcp(tb);
	atomic_store(&stop, 0);
}

static void teardown(void)
{
	struct buddy_chunk *c;
	int i;

	buddy_drain_all(tb);
	check_quiet("teardown");
	while ((c = buddy_take_free_chunk(tb)))
		buddy_vfree(c);
	for (i = 0; i < tb->nr_zones; i++)
		if (tb->zones[i].managed_pages)
			harness_die("threads: zone %d keeps %lu pages", i,
				    tb->zones[i].managed_pages);
	buddy_destroy(tb);
	buddy_vfree(tb);
	tb = NULL;
}

/*
 * Two CPUs free one block at once, over and over, with the window between
 * a free's check and its state change widened: exactly one free may
 * succeed each time, the other is a counted bad free.
 */
#define RACE_ROUNDS	2000

static struct mmtwin_frame *race_block;
static unsigned int race_order;
static _Atomic int race_wins;

static void *double_free_thread(void *arg)
{
	long id = (long)arg;
	int r;

	harness_cpu = id;
	for (r = 0; r < RACE_ROUNDS; r++) {
		pthread_barrier_wait(&bar);	/* block ready */
		if (!buddy_free(tb, race_block, race_order))
			atomic_fetch_add(&race_wins, 1);
		pthread_barrier_wait(&bar);	/* both done */
		pthread_barrier_wait(&bar);	/* checked */
	}
	return NULL;
}

static int test_double_free_race(void)
{
	pthread_t t[2];
	int r, bad = 0;
	long i;

	setup(4);
	harness_race_window_us = 20;
	pthread_barrier_init(&bar, NULL, 3);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, double_free_thread, (void *)i);
	for (r = 0; r < RACE_ROUNDS; r++) {
		race_order = r % 5;	/* orders 0-3 free to pcp, 4 to the zone */
		harness_cpu = 0;
		race_block = buddy_alloc(tb, GFP_KERNEL, race_order);
		if (!race_block)
			harness_die("double free: alloc");
		atomic_store(&race_wins, 0);
		pthread_barrier_wait(&bar);
		pthread_barrier_wait(&bar);
		if (atomic_load(&race_wins) != 1 && bad++ < 5)
			fprintf(stderr, "double free: round %d, %d frees succeeded\n",
				r, atomic_load(&race_wins));
		if (r % 1000 == 0 || atomic_load(&race_wins) != 1)
			check_quiet("a double free");
		pthread_barrier_wait(&bar);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	harness_race_window_us = 0;
	if (harness_bad_frees < RACE_ROUNDS - bad)
		harness_die("double free: %lu bad frees counted for %d rounds",
			    (unsigned long)harness_bad_frees, RACE_ROUNDS);
	harness_bad_frees = 0;
	teardown();
	return bad;
}

/* Random alloc/free/drain/bulk on one CPU per thread; park, check, go on. */
static void stress_round(struct mmtwin_frame **held, unsigned int *orders,
			 unsigned long *seed)
{
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE,
		GFP_ATOMIC, GFP_KERNEL | __GFP_RECLAIMABLE, GFP_NOWAIT,
		GFP_KERNEL | __GFP_COMP };
	struct mmtwin_frame *bulk[16];
	int i, j, slot;

	for (i = 0; i < 3000; i++) {
		*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
		slot = (*seed >> 33) % THREAD_HELD;
		if ((*seed >> 20) % 64 == 0) {
			buddy_drain_cpu(tb, (*seed >> 40) % HARNESS_NR_CPUS);
		} else if ((*seed >> 20) % 64 == 1) {
			memset(bulk, 0, sizeof(bulk));
			buddy_alloc_bulk(tb, GFP_KERNEL | __GFP_NORETRY, 16, bulk);
			for (j = 0; j < 16; j++)
				if (bulk[j]) {
					own_block(bulk[j], 0);
					disown_block(bulk[j], 0);
					buddy_free(tb, bulk[j], 0);
				}
		} else if (held[slot]) {
			disown_block(held[slot], orders[slot]);
			if (buddy_free(tb, held[slot], orders[slot]))
				harness_die("stress: free refused");
			held[slot] = NULL;
		} else {
			orders[slot] = (*seed >> 40) % 8 ? (*seed >> 44) % 4 :
				       (*seed >> 44) % (BUDDY_MAX_ORDER + 1);
			held[slot] = buddy_alloc(tb, gfps[(*seed >> 50) % 6] |
						 __GFP_NOWARN | __GFP_NORETRY,
						 orders[slot]);
			if (held[slot])
				own_block(held[slot], orders[slot]);
		}
	}
}

#define STRESS_ROUNDS	20

static void *stress_thread(void *arg)
{
	long id = (long)arg;
	struct mmtwin_frame *held[THREAD_HELD] = { NULL };
	unsigned int orders[THREAD_HELD];
	unsigned long seed = 77 + id;
	int r, i;

	harness_cpu = id;
	for (r = 0; r < STRESS_ROUNDS; r++) {
		stress_round(held, orders, &seed);
		pthread_barrier_wait(&bar);	/* parked */
		pthread_barrier_wait(&bar);	/* checked */
	}
	for (i = 0; i < THREAD_HELD; i++)
		if (held[i]) {
			disown_block(held[i], orders[i]);
			buddy_free(tb, held[i], orders[i]);
		}
	return NULL;
}

/* A chunk taken back must hold nothing anyone was handed. */
static void drop_chunk(struct buddy_chunk *c)
{
	unsigned long i;

	for (i = 0; i < BUDDY_CHUNK_PAGES; i++)
		if (atomic_load(&own[c->base_pfn + i]))
			harness_die("resize: took owned pfn %lu", c->base_pfn + i);
	buddy_vfree(c);
}

/* Grows and shrinks the arena and retunes while the others allocate. */
static void *resize_thread(void *arg)
{
	struct buddy_chunk *c;
	int r, n;

	harness_cpu = 1;
	for (r = 0; r < STRESS_ROUNDS; r++) {
		for (n = 0; n < 20; n++) {
			if (n % 2 && tb->nr_chunks < 40) {
				add_chunk(n % 4 == 1);
			} else {
				c = buddy_take_free_chunk(tb);
				if (c)
					drop_chunk(c);
			}
			buddy_setup_wmarks(tb);
			buddy_update_pcp(tb);
		}
		pthread_barrier_wait(&bar);
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

static void test_threads_stress(void)
{
	pthread_t t[3];
	int r;
	long i;

	setup(16);
	pthread_barrier_init(&bar, NULL, 4);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, stress_thread, (void *)i);
	pthread_create(&t[2], NULL, resize_thread, NULL);
	for (r = 0; r < STRESS_ROUNDS; r++) {
		pthread_barrier_wait(&bar);
		check_quiet("a stress round");
		pthread_barrier_wait(&bar);
	}
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	if (harness_warnings || harness_bad_frees)
		harness_die("stress: %lu warnings, %lu bad frees",
			    (unsigned long)harness_warnings,
			    (unsigned long)harness_bad_frees);
	teardown();
}

int harness_thread_tests(void)
{
	int failures = 0;

	failures += test_double_free_race() != 0;
	test_threads_stress();
	return failures;
}
