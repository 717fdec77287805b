// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_slub as a user sees it. The twin's per-cache sysfs files are
 * compared with the kernel's /sys/kernel/slab/ for every kmalloc class
 * and for odd sizes, alignments and flags (kernel caches made by
 * mmtwin_slub_kcaches); one parser reads /proc/slabinfo and the twin's
 * slabinfo; counts follow requests made through the control file; bad
 * writes fail with the documented errno and change nothing.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define TWIN_SYS	"/sys/kernel/mmtwin/slub/"
#define KERN_SYS	"/sys/kernel/slab/"
#define TWIN_DBG	"/sys/kernel/debug/mmtwin/slub/"
#define CONTROL		TWIN_DBG "control"
#define KCACHES		"/sys/module/mmtwin_slub_kcaches/parameters/"

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

/* The first number of a sysfs file ("%u\n", or "%lu N0=.."), or -1. */
static long read_num(const char *dir, const char *cache, const char *file)
{
	char path[256], buf[4096];

	snprintf(path, sizeof(path), "%s%s/%s", dir, cache, file);
	if (read_str(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static bool kasan_on(void)
{
	char buf[8] = "";

	read_str(KCACHES "kasan", buf, sizeof(buf));
	return buf[0] == 'Y';
}

static const char *const geometry_files[] = {
	"order", "objs_per_slab", "slab_size", "object_size", "align",
};

/* Twin and kernel agree on every geometry file of @twin / @kern. */
static void compare_geometry(struct __test_metadata *_metadata,
			     const char *twin, const char *kern)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(geometry_files); i++) {
		long t = read_num(TWIN_SYS, twin, geometry_files[i]);
		long k = read_num(KERN_SYS, kern, geometry_files[i]);

		EXPECT_NE(-1, t) TH_LOG("%s/%s", twin, geometry_files[i]);
		EXPECT_EQ(k, t) TH_LOG("%s: %s twin %ld, kernel %ld", twin,
				       geometry_files[i], t, k);
	}
}

TEST(kmalloc_geometry_matches_kernel)
{
	static const char *const sizes[] = {
		"8", "16", "32", "64", "96", "128", "192", "256", "512",
		"1k", "2k", "4k", "8k",
	};
	char twin[64], kern[64], path[128];
	unsigned int i, compared = 0;
	struct stat st;
	int rcl;

	ASSERT_EQ(0, load_module("mmtwin_slub"));
	ASSERT_EQ(0, load_module("mmtwin_slub_kcaches"));
	if (kasan_on())
		SKIP(return, "CONFIG_KASAN adds metadata to the kernel's caches");
	for (rcl = 0; rcl < 2; rcl++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			snprintf(twin, sizeof(twin), "kmalloc-%s%s",
				 rcl ? "rcl-" : "", sizes[i]);
			snprintf(kern, sizeof(kern), "%s", twin);
			snprintf(path, sizeof(path), KERN_SYS "%s", kern);
			if (stat(path, &st))	/* kmalloc-rcl-* may not exist */
				continue;
			compare_geometry(_metadata, twin, kern);
			compared++;
		}
	}
	EXPECT_GE(compared, ARRAY_SIZE(sizes));
}

/* Each kernel cache of mmtwin_slub_kcaches against a twin cache made alike. */
TEST(odd_geometry_matches_kernel)
{
	char list[4096], cmd[160], *line, *save;
	unsigned int compared = 0;

	ASSERT_EQ(0, load_module("mmtwin_slub"));
	ASSERT_EQ(0, load_module("mmtwin_slub_kcaches"));
	if (kasan_on())
		SKIP(return, "CONFIG_KASAN adds metadata to the kernel's caches");
	ASSERT_EQ(0, read_str(KCACHES "caches", list, sizeof(list)));
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64], opts[64] = "";
		unsigned int size, align;
		int fields = sscanf(line, "%63s %u %u %63[^\n]", name, &size,
				    &align, opts);

		ASSERT_LE(3, fields);
		snprintf(cmd, sizeof(cmd), "create %s %u align=%u %s", name,
			 size, align, opts);
		ASSERT_EQ(0, write_file(CONTROL, cmd)) TH_LOG("%s", cmd);
		compare_geometry(_metadata, name, name);
		snprintf(cmd, sizeof(cmd), "destroy %s", name);
		EXPECT_EQ(0, write_file(CONTROL, cmd));
		compared++;
	}
	EXPECT_GE(compared, 10);
}

struct sysfs_file {
	const char *name;
	mode_t mode;
	char kind;	/* u: "%u", c: counts "%lu N0=..", f: flag, e: empty */
};

static const struct sysfs_file files[] = {
	{ "slab_size", 0400, 'u' }, { "object_size", 0400, 'u' },
	{ "objs_per_slab", 0400, 'u' }, { "order", 0400, 'u' },
	{ "min_partial", 0600, 'u' }, { "cpu_partial", 0600, 'u' },
	{ "objects_partial", 0400, 'c' }, { "partial", 0400, 'c' },
	{ "cpu_slabs", 0400, 'c' }, { "ctor", 0400, 'e' },
	{ "aliases", 0400, 'u' }, { "align", 0400, 'u' },
	{ "hwcache_align", 0400, 'f' }, { "reclaim_account", 0400, 'f' },
	{ "destroy_by_rcu", 0400, 'f' }, { "shrink", 0600, 'e' },
	{ "slabs_cpu_partial", 0400, 'p' }, { "total_objects", 0400, 'c' },
	{ "objects", 0400, 'c' }, { "slabs", 0400, 'c' },
	{ "sanity_checks", 0400, 'f' }, { "trace", 0400, 'f' },
	{ "red_zone", 0400, 'f' }, { "poison", 0400, 'f' },
	{ "store_user", 0400, 'f' }, { "validate", 0600, 'e' },
	{ "cache_dma", 0400, 'f' }, { "usersize", 0400, 'u' },
};

/* "<n>" then " N<node>=<n>" any number of times, then a newline. */
static bool counts_format(const char *s)
{
	char *end;

	strtoul(s, &end, 10);
	if (end == s)
		return false;
	while (*end == ' ') {
		s = end + 1;
		if (*s++ != 'N')
			return false;
		strtoul(s, &end, 10);
		if (end == s || *end != '=')
			return false;
		s = end + 1;
		strtoul(s, &end, 10);
		if (end == s)
			return false;
	}
	return !strcmp(end, "\n");
}

static bool file_format(const char *s, char kind)
{
	char tail[8] = "";
	unsigned int a, b;

	switch (kind) {
	case 'u':
		return sscanf(s, "%u%7s", &a, tail) == 1 && strchr(s, '\n');
	case 'f':
		return !strcmp(s, "0\n") || !strcmp(s, "1\n");
	case 'c':
		return counts_format(s);
	case 'p':	/* "<objects>(<slabs>)" [" C<cpu>=<o>(<s>)"...] */
		return sscanf(s, "%u(%u)", &a, &b) == 2 && strchr(s, '\n');
	default:
		return s[0] == '\0';
	}
}

/* 6.12's files, modes and formats, and nothing slabinfo cannot read. */
TEST(sysfs_files_modes_formats)
{
	char path[256], buf[4096];
	unsigned int i, seen = 0;
	struct dirent *de;
	struct stat st;
	DIR *dir;

	ASSERT_EQ(0, load_module("mmtwin_slub"));
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), TWIN_SYS "kmalloc-64/%s",
			 files[i].name);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(files[i].mode, st.st_mode & 0777) TH_LOG("%s", path);
		ASSERT_EQ(0, read_str(path, buf, sizeof(buf)));
		EXPECT_TRUE(file_format(buf, files[i].kind))
			TH_LOG("%s: '%s'", files[i].name, buf);
	}
	dir = opendir(TWIN_SYS "kmalloc-64");
	ASSERT_NE(NULL, dir);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < ARRAY_SIZE(files); i++)
			if (!strcmp(de->d_name, files[i].name))
				break;
		EXPECT_LT(i, ARRAY_SIZE(files)) TH_LOG("extra file %s", de->d_name);
		seen++;
	}
	closedir(dir);
	EXPECT_EQ(ARRAY_SIZE(files), seen);
	/* The twin's directory holds cache directories only. */
	dir = opendir(TWIN_SYS);
	ASSERT_NE(NULL, dir);
	while ((de = readdir(dir)))
		EXPECT_EQ(DT_DIR, de->d_type) TH_LOG("%s", de->d_name);
	closedir(dir);
}

TEST(sysfs_bad_writes)
{
	ASSERT_EQ(0, load_module("mmtwin_slub"));
	EXPECT_EQ(-EINVAL, write_file(TWIN_SYS "kmalloc-64/shrink", "0"));
	EXPECT_EQ(-EINVAL, write_file(TWIN_SYS "kmalloc-64/shrink", "11"));
	EXPECT_EQ(0, write_file(TWIN_SYS "kmalloc-64/shrink", "1"));
	/* Only debug caches validate, as in 6.12. */
	EXPECT_EQ(-EINVAL, write_file(TWIN_SYS "kmalloc-64/validate", "1"));
	EXPECT_EQ(-EINVAL, write_file(TWIN_SYS "kmalloc-64/min_partial", "x"));
	EXPECT_EQ(-ERANGE, write_file(TWIN_SYS "kmalloc-64/cpu_partial",
				      "99999999999"));
	EXPECT_EQ(-EACCES, write_file(TWIN_SYS "kmalloc-64/order", "1"));
	EXPECT_EQ(64, read_num(TWIN_SYS, "kmalloc-64", "objs_per_slab"));

	ASSERT_EQ(0, write_file(CONTROL, "create ksft_dbg 100 debug=FZ"));
	EXPECT_EQ(-EINVAL, write_file(TWIN_SYS "ksft_dbg/validate", "2"));
	EXPECT_EQ(0, write_file(TWIN_SYS "ksft_dbg/validate", "1"));
	EXPECT_EQ(-EINVAL, write_file(TWIN_SYS "ksft_dbg/cpu_partial", "5"));
	EXPECT_EQ(0, write_file(TWIN_SYS "ksft_dbg/cpu_partial", "0"));
	EXPECT_EQ(0, write_file(TWIN_SYS "ksft_dbg/min_partial", "7"));
	EXPECT_EQ(7, read_num(TWIN_SYS, "ksft_dbg", "min_partial"));
	EXPECT_EQ(0, write_file(CONTROL, "destroy ksft_dbg"));
}

struct slabinfo_row {
	char name[64];
	unsigned long active, num, size, per_slab, pages, slabs;
};

/* One parser for /proc/slabinfo and the twin's: the 2.1 format. */
static int parse_slabinfo(const char *path, struct slabinfo_row *rows,
			  int max)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) ||
	    strcmp(line, "slabinfo - version: 2.1\n") ||
	    !fgets(line, sizeof(line), f) || line[0] != '#') {
		fclose(f);
		return -EBADMSG;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		struct slabinfo_row *r = &rows[n];
		unsigned long t[3], sd[3];

		if (sscanf(line, "%63s %lu %lu %lu %lu %lu : tunables %lu %lu %lu : slabdata %lu %lu %lu",
			   r->name, &r->active, &r->num, &r->size,
			   &r->per_slab, &r->pages, &t[0], &t[1], &t[2],
			   &sd[0], &sd[1], &sd[2]) != 12) {
			fclose(f);
			return -EBADMSG;
		}
		r->slabs = sd[1];
		n++;
	}
	fclose(f);
	return n;
}

static struct slabinfo_row *find_row(struct slabinfo_row *rows, int n,
				     const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

static struct slabinfo_row rows[1024];

/*
 * Counts follow a tag of a debug cache (no CPU slabs: exact). Pinned to
 * CPU 0, so every slab comes from one node and fills in turn.
 */
TEST(slabinfo_counts)
{
	struct slabinfo_row *r;
	cpu_set_t cpus;
	int n;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	ASSERT_EQ(0, load_module("mmtwin_slub"));
	ASSERT_LT(0, parse_slabinfo("/proc/slabinfo", rows, 1024));
	ASSERT_EQ(0, write_file(CONTROL, "create ksft_cnt 256 debug=F"));
	ASSERT_EQ(0, write_file(CONTROL, "alloc ksft_t ksft_cnt 100"));
	n = parse_slabinfo(TWIN_DBG "slabinfo", rows, 1024);
	ASSERT_LT(0, n);
	r = find_row(rows, n, "ksft_cnt");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(100, r->active);
	EXPECT_EQ(256, r->size);
	EXPECT_EQ(16, r->per_slab);
	EXPECT_EQ(1, r->pages);
	EXPECT_EQ(7, r->slabs);		/* 100 objects, 16 a slab */
	EXPECT_EQ(r->slabs * r->per_slab, r->num);
	EXPECT_EQ(100, read_num(TWIN_SYS, "ksft_cnt", "objects"));
	EXPECT_EQ(7, read_num(TWIN_SYS, "ksft_cnt", "slabs"));
	EXPECT_EQ(112, read_num(TWIN_SYS, "ksft_cnt", "total_objects"));
	EXPECT_EQ(1, read_num(TWIN_SYS, "ksft_cnt", "partial"));
	EXPECT_EQ(4, read_num(TWIN_SYS, "ksft_cnt", "objects_partial"));
	ASSERT_EQ(0, write_file(CONTROL, "free ksft_t"));
	EXPECT_EQ(0, read_num(TWIN_SYS, "ksft_cnt", "objects"));
	ASSERT_EQ(0, write_file(TWIN_SYS "ksft_cnt/shrink", "1"));
	EXPECT_EQ(0, read_num(TWIN_SYS, "ksft_cnt", "slabs"));
	EXPECT_EQ(0, write_file(CONTROL, "destroy ksft_cnt"));
	n = parse_slabinfo(TWIN_DBG "slabinfo", rows, 1024);
	EXPECT_EQ(NULL, find_row(rows, n, "ksft_cnt"));
}

/* Pin the caller to @cpu. */
static int run_on(int cpu)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	return sched_setaffinity(0, sizeof(cpus), &cpus);
}

/*
 * Objects allocated on one CPU and freed on the other, for each freelist
 * option: after a shrink no slab may stay behind. A random freelist
 * that misses objects (a sequence with repeated offsets) leaves every
 * slab with objects nobody allocated: "objects" and "slabs" stay up and
 * the destroy reports them (as kmalloc-* did on unload on kernels with
 * CONFIG_SLAB_FREELIST_RANDOM, whose default the twin follows).
 */
TEST(cross_cpu_frees_leave_no_slab)
{
	static const char *const opts[] = { "", "hardened", "random",
					    "hardened random" };
	char cmd[128], name[32];
	unsigned int i;

	ASSERT_EQ(0, load_module("mmtwin_slub"));
	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		snprintf(name, sizeof(name), "ksft_xcpu%u", i);
		snprintf(cmd, sizeof(cmd), "create %s 64 %s", name, opts[i]);
		ASSERT_EQ(0, write_file(CONTROL, cmd));
		ASSERT_EQ(0, run_on(0));
		snprintf(cmd, sizeof(cmd), "alloc ksft_xa %s 300", name);
		ASSERT_EQ(0, write_file(CONTROL, cmd));
		ASSERT_EQ(0, run_on(1));
		snprintf(cmd, sizeof(cmd), "alloc ksft_xb %s 300", name);
		ASSERT_EQ(0, write_file(CONTROL, cmd));
		ASSERT_EQ(0, write_file(CONTROL, "free ksft_xa"));
		ASSERT_EQ(0, run_on(0));
		ASSERT_EQ(0, write_file(CONTROL, "free ksft_xb"));
		snprintf(cmd, sizeof(cmd), TWIN_SYS "%s/shrink", name);
		ASSERT_EQ(0, write_file(cmd, "1"));
		EXPECT_EQ(0, read_num(TWIN_SYS, name, "objects"))
			TH_LOG("%s (%s)", name, opts[i]);
		EXPECT_EQ(0, read_num(TWIN_SYS, name, "slabs"))
			TH_LOG("%s (%s)", name, opts[i]);
		snprintf(cmd, sizeof(cmd), "destroy %s", name);
		EXPECT_EQ(0, write_file(CONTROL, cmd));
	}
}
/* Bad control requests: the errno, and the twin's caches unchanged. */
TEST(control_bad_requests)
{
	static const struct { const char *cmd; int err; } bad[] = {
		{ "create", -EINVAL }, { "create x", -EINVAL },
		{ "create x 0", -EINVAL }, { "create x 64 align=5", -EINVAL },
		{ "create x 64 debug=Q", -EINVAL }, { "create X 64", -EINVAL },
		{ "create x 64 bogus", -EINVAL },
		{ "create kmalloc-64 64", -EEXIST },
		{ "alloc t nosuch 1", -ENOENT },
		{ "alloc t kmalloc-64 0", -EINVAL },
		{ "alloc t kmalloc-64 999999", -ERANGE },
		{ "kmalloc t 0 1", -EINVAL }, { "free nosuch", -ENOENT },
		{ "destroy kmalloc-64", -EBUSY }, { "destroy nosuch", -ENOENT },
		{ "frobnicate", -EINVAL },
	};
	int before, after;
	unsigned int i;

	ASSERT_EQ(0, load_module("mmtwin_slub"));
	before = parse_slabinfo(TWIN_DBG "slabinfo", rows, 1024);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(bad[i].err, write_file(CONTROL, bad[i].cmd))
			TH_LOG("request %u", i);
	after = parse_slabinfo(TWIN_DBG "slabinfo", rows, 1024);
	EXPECT_EQ(before, after);
	EXPECT_EQ(NULL, find_row(rows, after, "x"));
}

TEST_HARNESS_MAIN
