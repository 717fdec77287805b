// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_buddy as a user sees it. One parser reads buddyinfo, pagetypeinfo
 * and zoneinfo, the kernel's (/proc) and the twin's (debugfs) alike; the
 * twin's numbers are checked against each other and against requests made
 * through its control file. Bad writes must fail with the documented errno
 * and change nothing; injected faults must fail cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define TWIN	"/sys/kernel/debug/mmtwin/buddy/"
#define TUNE	"/sys/kernel/mmtwin/buddy/"
#define MAX_ZONES	16
#define MAX_ORDERS	16
#define MAX_TYPES	8

struct zone_row {
	int node;
	char name[16];
	int norders;
	unsigned long nr_free[MAX_ORDERS];
	/* pagetypeinfo */
	unsigned long type_free[MAX_TYPES][MAX_ORDERS];
	unsigned long blocks[MAX_TYPES];
	/* zoneinfo */
	unsigned long free, min, low, high, managed, boost;
	int nprot;		/* entries of "protection: (...)" */
	int has_zoneinfo;
};

struct mm_view {
	int nzones, ntypes, pb_order;
	char types[MAX_TYPES][16];
	struct zone_row z[MAX_ZONES];
};

static struct zone_row *zone_of(struct mm_view *v, int node, const char *name)
{
	int i;

	for (i = 0; i < v->nzones; i++)
		if (v->z[i].node == node && !strcmp(v->z[i].name, name))
			return &v->z[i];
	if (v->nzones == MAX_ZONES)
		return NULL;
	v->z[v->nzones].node = node;
	snprintf(v->z[v->nzones].name, sizeof(v->z[0].name), "%s", name);
	return &v->z[v->nzones++];
}

/* Reads numbers after the "Node N, zone NAME" prefix at @p. */
static int read_columns(const char *p, unsigned long *out, int max)
{
	int n = 0, used;

	while (n < max && sscanf(p, "%lu%n", &out[n], &used) == 1) {
		p += used;
		n++;
	}
	return n;
}

/* "Node 0, zone   Normal   1   2 ..." (buddyinfo) */
static int parse_buddyinfo(const char *path, struct mm_view *v)
{
	char line[1024], name[16];
	int node, used;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct zone_row *z;

		if (sscanf(line, "Node %d, zone %15s%n", &node, name, &used) != 2)
			continue;
		z = zone_of(v, node, name);
		if (z)
			z->norders = read_columns(line + used, z->nr_free, MAX_ORDERS);
	}
	fclose(f);
	return 0;
}

/* The free counts per type, the type names and the block counts. */
static int parse_pagetypeinfo(const char *path, struct mm_view *v)
{
	char line[1024], name[16], type[16], *p;
	int node, used, t;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct zone_row *z;

		if (sscanf(line, "Page block order: %d", &v->pb_order) == 1)
			continue;
		if (sscanf(line, "Node %d, zone %15[^,], type %15s%n", &node, name,
			   type, &used) == 3) {
			for (t = 0; t < v->ntypes && strcmp(v->types[t], type); t++)
				;
			if (t == v->ntypes && v->ntypes < MAX_TYPES)
				snprintf(v->types[v->ntypes++], 16, "%s", type);
			z = zone_of(v, node, name + strspn(name, " "));
			if (z && t < MAX_TYPES)
				read_columns(line + used, z->type_free[t], MAX_ORDERS);
			continue;
		}
		p = strstr(line, "Number of blocks type");
		if (p)
			continue;
		if (sscanf(line, "Node %d, zone %15s%n", &node, name, &used) == 2) {
			z = zone_of(v, node, name);
			if (z)
				read_columns(line + used, z->blocks, MAX_TYPES);
		}
	}
	fclose(f);
	return 0;
}

/* zoneinfo: the keys both files share. */
static int parse_zoneinfo(const char *path, struct mm_view *v)
{
	char line[512], name[16];
	struct zone_row *z = NULL;
	unsigned long val;
	int node;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %15s", &node, name) == 2) {
			z = zone_of(v, node, name);
			continue;
		}
		if (!z)
			continue;
		if (sscanf(line, "  pages free %lu", &val) == 1) {
			z->free = val;
			z->has_zoneinfo = 1;
		} else if (sscanf(line, " min %lu", &val) == 1) {
			z->min = val;
		} else if (sscanf(line, " low %lu", &val) == 1) {
			z->low = val;
		} else if (sscanf(line, " high %lu", &val) == 1) {
			z->high = val;
		} else if (sscanf(line, " managed %lu", &val) == 1) {
			z->managed = val;
		} else if (sscanf(line, " boost %lu", &val) == 1) {
			z->boost = val;
		} else if (strstr(line, "protection: (")) {
			char *p;

			z->nprot = 1;
			for (p = strchr(line, ','); p; p = strchr(p + 1, ','))
				z->nprot++;
		}
	}
	fclose(f);
	return 0;
}

static int parse_all(const char *dir, struct mm_view *v)
{
	char path[256];
	int ret;

	memset(v, 0, sizeof(*v));
	snprintf(path, sizeof(path), "%sbuddyinfo", dir);
	ret = parse_buddyinfo(path, v);
	snprintf(path, sizeof(path), "%spagetypeinfo", dir);
	ret = ret ?: parse_pagetypeinfo(path, v);
	snprintf(path, sizeof(path), "%szoneinfo", dir);
	return ret ?: parse_zoneinfo(path, v);
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return strtol(buf, NULL, 10);
}

static int control(const char *cmd)
{
	return write_file(TWIN "control", cmd);
}

/* Free pages on the twin's buddy lists, pcp lists drained first. */
static unsigned long twin_free(struct mm_view *v)
{
	unsigned long sum = 0;
	int i;

	control("drain");
	parse_all(TWIN, v);
	for (i = 0; i < v->nzones; i++)
		sum += v->z[i].free;
	return sum;
}

static int has_twin(void)
{
	return access(TWIN "buddyinfo", R_OK) == 0;
}

/* Every test loads the twin it tests; one that will not load is a failure. */
#define NEED_TWIN() do {						\
	ASSERT_EQ(0, load_module("mmtwin_buddy"));			\
	ASSERT_TRUE(has_twin());					\
} while (0)

/* The same parser reads the kernel's files and the twin's. */
TEST(one_parser_for_both)
{
	struct mm_view kv, tv;
	int i;

	NEED_TWIN();
	ASSERT_EQ(0, parse_all("/proc/", &kv));
	ASSERT_EQ(0, parse_all(TWIN, &tv));
	ASSERT_GT(kv.nzones, 0);
	ASSERT_GT(tv.nzones, 0);
	EXPECT_EQ(kv.pb_order, tv.pb_order);
	for (i = 0; i < tv.nzones; i++) {
		EXPECT_EQ(kv.z[0].norders, tv.z[i].norders);
		EXPECT_TRUE(tv.z[i].has_zoneinfo);
		/* One lowmem_reserve entry per zone type, as the kernel's. */
		EXPECT_EQ(kv.z[0].nprot, tv.z[i].nprot);
	}
	for (i = 0; i < kv.nzones; i++)
		if (kv.z[i].norders)	/* populated zones */
			EXPECT_TRUE(kv.z[i].has_zoneinfo);
	EXPECT_STREQ("Unmovable", tv.types[0]);
	EXPECT_STREQ(kv.types[0], tv.types[0]);
	EXPECT_STREQ(kv.types[1], tv.types[1]);
}

/* Within the twin, the three files agree with each other. */
TEST(twin_numbers_agree)
{
	struct mm_view v;
	unsigned long pages, blocks, sum;
	int i, o, t;

	NEED_TWIN();
	twin_free(&v);
	/* No zone parsed would make every check below vacuous. */
	ASSERT_GT(v.nzones, 0);
	for (i = 0; i < v.nzones; i++) {
		struct zone_row *z = &v.z[i];

		pages = 0;
		for (o = 0; o < z->norders; o++) {
			pages += z->nr_free[o] << o;
			sum = 0;
			for (t = 0; t < v.ntypes; t++)
				sum += z->type_free[t][o];
			EXPECT_EQ(z->nr_free[o], sum);
		}
		EXPECT_EQ(z->free, pages);
		blocks = 0;
		for (t = 0; t < v.ntypes; t++)
			blocks += z->blocks[t];
		EXPECT_EQ(z->managed, blocks << v.pb_order);
		EXPECT_LT(z->min, z->low);
		EXPECT_LT(z->low, z->high);
	}
}

TEST(control_alloc_free)
{
	struct mm_view v;
	unsigned long before;

	NEED_TWIN();
	before = twin_free(&v);
	ASSERT_EQ(0, control("alloc kst 8 3 movable"));
	EXPECT_EQ(before - 64, twin_free(&v));
	ASSERT_EQ(0, control("alloc kst_big 2 9 unmovable\n"));
	EXPECT_EQ(before - 64 - 1024, twin_free(&v));
	ASSERT_EQ(0, control("free kst"));
	EXPECT_EQ(before - 1024, twin_free(&v));
	ASSERT_EQ(0, control("free_all"));
	EXPECT_EQ(before, twin_free(&v));
}

TEST(control_rejects_bad_requests)
{
	struct mm_view v;
	unsigned long before;
	char big[128];

	NEED_TWIN();
	before = twin_free(&v);
	EXPECT_EQ(-EINVAL, control("bogus"));
	EXPECT_EQ(-EINVAL, control("alloc"));
	EXPECT_EQ(-EINVAL, control("alloc a 1 0"));
	EXPECT_EQ(-EINVAL, control("alloc a 1 0 sticky"));
	EXPECT_EQ(-EINVAL, control("alloc A 1 0 movable"));
	EXPECT_EQ(-EINVAL, control("alloc a -1 0 movable"));
	EXPECT_EQ(-EINVAL, control("alloc a 0 0 movable"));
	EXPECT_EQ(-EINVAL, control("alloc a 1 0 movable x"));
	EXPECT_EQ(-ERANGE, control("alloc a 1 11 movable"));
	EXPECT_EQ(-ERANGE, control("alloc a 100000000 0 movable"));
	EXPECT_EQ(-ENOENT, control("free a"));
	EXPECT_EQ(-EINVAL, control("free_all now"));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	EXPECT_EQ(-EINVAL, control(big));
	ASSERT_EQ(0, control("alloc dup 1 0 reclaimable"));
	EXPECT_EQ(-EEXIST, control("alloc dup 1 0 reclaimable"));
	EXPECT_EQ(0, control("free dup"));
	EXPECT_EQ(before, twin_free(&v));
}

TEST(tunables)
{
	struct mm_view v;
	struct stat st;
	unsigned long low;

	NEED_TWIN();
	ASSERT_EQ(0, stat(TUNE "watermark_scale_factor", &st));
	EXPECT_EQ(0644U, st.st_mode & 07777);
	EXPECT_EQ(-ERANGE, write_file(TUNE "watermark_scale_factor", "0"));
	EXPECT_EQ(-ERANGE, write_file(TUNE "watermark_scale_factor", "3001"));
	EXPECT_EQ(-EINVAL, write_file(TUNE "watermark_scale_factor", "ten"));
	EXPECT_EQ(-EINVAL, write_file(TUNE "arena_mb", "3"));
	EXPECT_EQ(-EINVAL, write_file(TUNE "arena_mb", "0"));
	EXPECT_EQ(-ERANGE, write_file(TUNE "pcp_batch", "0"));
	EXPECT_EQ(-ERANGE, write_file(TUNE "pcp_high", "-2"));
	EXPECT_EQ(-ERANGE, write_file(TUNE "min_free_kbytes", "262145"));
	EXPECT_EQ(10, read_long(TUNE "watermark_scale_factor"));
	EXPECT_EQ(15000, read_long(TUNE "watermark_boost_factor"));
	EXPECT_EQ(-ERANGE, write_file(TUNE "watermark_boost_factor", "-1"));
	EXPECT_EQ(-EINVAL, write_file(TUNE "watermark_boost_factor", "lots"));
	ASSERT_EQ(0, write_file(TUNE "watermark_boost_factor", "0"));
	EXPECT_EQ(0, read_long(TUNE "watermark_boost_factor"));
	ASSERT_EQ(0, write_file(TUNE "watermark_boost_factor", "15000"));

	parse_all(TWIN, &v);
	low = v.z[0].low;
	ASSERT_EQ(0, write_file(TUNE "watermark_scale_factor", "1000"));
	parse_all(TWIN, &v);
	EXPECT_GT(v.z[0].low, low);
	ASSERT_EQ(0, write_file(TUNE "watermark_scale_factor", "10"));
	parse_all(TWIN, &v);
	EXPECT_EQ(low, v.z[0].low);
	ASSERT_EQ(0, write_file(TUNE "min_free_kbytes", "8192"));
	EXPECT_EQ(8192, read_long(TUNE "min_free_kbytes"));
	ASSERT_EQ(0, write_file(TUNE "min_free_kbytes", "0"));
}

TEST(arena_grows_and_shrinks)
{
	struct mm_view v;
	char buf[32];
	unsigned long before;
	long mb;

	NEED_TWIN();
	mb = read_long(TUNE "arena_mb");
	ASSERT_GT(mb, 0);
	before = twin_free(&v);
	snprintf(buf, sizeof(buf), "%ld", mb + 8);
	ASSERT_EQ(0, write_file(TUNE "arena_mb", buf));
	EXPECT_EQ(mb + 8, read_long(TUNE "arena_mb"));
	EXPECT_EQ(before + 2048, twin_free(&v));
	/*
	 * Two max-order blocks held pin two chunks: shrinking to one stops
	 * with EBUSY, keeping those two and any chunk another twin (the slab
	 * twin's slabs) allocates from, but giving back the wholly free ones.
	 */
	ASSERT_EQ(0, control("alloc pin 2 10 unmovable"));
	EXPECT_EQ(-EBUSY, write_file(TUNE "arena_mb", "4"));
	EXPECT_LE(8, read_long(TUNE "arena_mb"));
	EXPECT_GT(mb + 8, read_long(TUNE "arena_mb"));
	ASSERT_EQ(0, control("free pin"));
	snprintf(buf, sizeof(buf), "%ld", mb);
	ASSERT_EQ(0, write_file(TUNE "arena_mb", buf));
	EXPECT_EQ(before, twin_free(&v));
}

static int set_fault(const char *point, const char *knob, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), TWIN "%s/%s", point, knob);
	return write_file(path, val);
}

static int arm_fault(const char *point, int times)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", times);
	return set_fault(point, "probability", "100") ?:
	       set_fault(point, "interval", "1") ?:
	       set_fault(point, "verbose", "0") ?:
	       set_fault(point, "times", buf);
}

TEST(fault_twin_alloc)
{
	struct mm_view v;
	unsigned long before;

	NEED_TWIN();
	if (access(TWIN "fail_alloc", F_OK))
		SKIP(return, "CONFIG_FAULT_INJECTION_DEBUG_FS not set");
	before = twin_free(&v);
	ASSERT_EQ(0, arm_fault("fail_alloc", 1));
	EXPECT_EQ(-ENOMEM, control("alloc flt 4 2 movable"));
	EXPECT_EQ(-ENOENT, control("free flt"));
	EXPECT_EQ(before, twin_free(&v));
	/* The one failure is spent: the same request now succeeds. */
	EXPECT_EQ(0, control("alloc flt 4 2 movable"));
	EXPECT_EQ(0, control("free flt"));
	EXPECT_EQ(before, twin_free(&v));
	set_fault("fail_alloc", "probability", "0");
}

TEST(fault_borrow)
{
	struct mm_view v;
	unsigned long before;
	char buf[32];
	long mb;

	NEED_TWIN();
	mb = read_long(TUNE "arena_mb");
	if (access(TWIN "fail_borrow", F_OK))
		SKIP(return, "CONFIG_FAULT_INJECTION_DEBUG_FS not set");
	before = twin_free(&v);
	/* The third chunk fails: the first two must go back too. */
	ASSERT_EQ(0, set_fault("fail_borrow", "space", "0"));
	ASSERT_EQ(0, arm_fault("fail_borrow", 1));
	ASSERT_EQ(0, set_fault("fail_borrow", "interval", "3"));
	snprintf(buf, sizeof(buf), "%ld", mb + 16);
	EXPECT_EQ(-ENOMEM, write_file(TUNE "arena_mb", buf));
	EXPECT_EQ(mb, read_long(TUNE "arena_mb"));
	EXPECT_EQ(before, twin_free(&v));
	set_fault("fail_borrow", "probability", "0");
}

/* Every twin-only counter has a name (a missing one prints "(null)"). */
TEST(stats_all_named)
{
	char line[256];
	int lines = 0;
	FILE *f;

	NEED_TWIN();
	f = fopen(TWIN "stats", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		EXPECT_EQ(NULL, strstr(line, "(null)"));
		lines++;
	}
	fclose(f);
	EXPECT_GT(lines, 10);
}

TEST(invariants_hold)
{
	char buf[256] = "";
	int fd;

	NEED_TWIN();
	fd = open(TWIN "check", O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	EXPECT_STREQ("ok\n", buf);
}

TEST_HARNESS_MAIN
