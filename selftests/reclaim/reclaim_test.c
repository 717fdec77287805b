// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_reclaim as a user sees it: its watermark arithmetic fed this
 * kernel's zones gives /proc/zoneinfo's marks; filling the twin wakes
 * kswapd, which restores the high mark and sleeps; without kswapd the
 * allocations reclaim directly; anon pages survive swap round trips; a
 * hot set survives a cold scan; an unreclaimable fill ends in one OOM
 * kill; bad control writes fail with their errno; unloading while the
 * workload and kswapd run gives every page back.
 *
 * kselftest_harness's 30 s default is too short for a loaded TCG guest:
 * the tests that fill the twin say how long they may take.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define TWIN	"/sys/kernel/debug/mmtwin/reclaim/"
#define CTL	TWIN "control"
#define BUDDY	"/sys/kernel/debug/mmtwin/buddy/"
#define MAX_ZONES	16
#define BUF_SIZE	(1 << 16)

static char buf[BUF_SIZE];

static int read_into(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((n = read(fd, out + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	out[total] = '\0';
	return n < 0 ? -errno : 0;
}

/* "key value" lines: the value of @key, or -1. */
static long stat_of(const char *path, const char *key)
{
	size_t n = strlen(key);
	char *line;

	if (read_into(path, buf, sizeof(buf)))
		return -1;
	for (line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, n) && line[n] == ' ')
			return strtol(line + n + 1, NULL, 10);
	}
	return -1;
}

static long vmstat(const char *key)
{
	return stat_of(TWIN "vmstat", key);
}

static int ctl(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return write_file(CTL, cmd);
}

struct twin_zone {
	int node;
	unsigned long managed, free, min, low, high, boost;
};

/* The twin's zones from its stats file. */
static int twin_zones(struct twin_zone *z)
{
	char *line;
	int n = 0;

	if (read_into(TWIN "stats", buf, sizeof(buf)))
		return -1;
	for (line = strtok(buf, "\n"); line && n < MAX_ZONES;
	     line = strtok(NULL, "\n")) {
		if (sscanf(line, "zone %*d node %d %*s managed %lu free %lu min %lu low %lu high %lu boost %lu",
			   &z[n].node, &z[n].managed, &z[n].free, &z[n].min,
			   &z[n].low, &z[n].high, &z[n].boost) == 7)
			n++;
	}
	return n;
}

static unsigned long twin_managed(void)
{
	struct twin_zone z[MAX_ZONES];
	unsigned long sum = 0;
	int i, n = twin_zones(z);

	for (i = 0; i < n; i++)
		sum += z[i].managed;
	return sum;
}

/* Every node's kswapd asleep (not napping, not running). */
static int kswapds_asleep(void)
{
	char *line;
	int running = 0;

	if (read_into(TWIN "stats", buf, sizeof(buf)))
		return 0;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "node ", 5) && !strstr(line, "kswapd sleep"))
			running++;
	return !running;
}

/* A group's "rss swapents killed" from the groups file; -1 if absent. */
static int group_row(const char *name, long *rss, long *swapents, int *killed)
{
	char gname[32], type[8];
	char *line;
	long pages;
	int adj;

	if (read_into(TWIN "groups", buf, sizeof(buf)))
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (sscanf(line, "%31s %7s %ld %ld %ld %d %d", gname, type, &pages,
			   rss, swapents, &adj, killed) == 7 &&
		    !strcmp(gname, name))
			return 0;
	return -1;
}

static const char *tracefs_dir(void)
{
	if (!access("/sys/kernel/tracing/trace", F_OK))
		return "/sys/kernel/tracing/";
	return "/sys/kernel/debug/tracing/";
}

static int trace_event(const char *event, const char *on)
{
	char path[256];

	snprintf(path, sizeof(path), "%sevents/mmtwin/%s/enable", tracefs_dir(), event);
	return write_file(path, on);
}

/*
 * Start from an empty buffer with tracing on: earlier tests leave events
 * behind (more than trace_count() reads) and may have turned tracing off.
 */
static int trace_reset(void)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%strace", tracefs_dir());
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	close(fd);
	snprintf(path, sizeof(path), "%stracing_on", tracefs_dir());
	return write_file(path, "1");
}

static int trace_count(const char *event)
{
	char path[256], needle[64];
	char *big = malloc(1 << 22), *p;
	int n = 0;

	if (!big)
		return -1;
	snprintf(path, sizeof(path), "%strace", tracefs_dir());
	snprintf(needle, sizeof(needle), " %s:", event);
	if (!read_into(path, big, 1 << 22))
		for (p = big; (p = strstr(p, needle)); p++)
			n++;
	free(big);
	return n;
}

FIXTURE(reclaim) {
	unsigned long managed;
};

FIXTURE_SETUP(reclaim)
{
	ASSERT_EQ(0, load_module("mmtwin_reclaim"));
	ASSERT_EQ(0, ctl("reset"));
	self->managed = twin_managed();
	ASSERT_GT(self->managed, 1024);
}

FIXTURE_TEARDOWN(reclaim)
{
	static const char *const names[] = {
		"fill", "swapped", "hot", "cold", "big", "dup", "wa", "wf",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		ctl("destroy %s", names[i]);
	ctl("kswapd 1");
	ctl("swap_max 65536");
}

/* "  key value" of a zoneinfo line into @v, if that is its key. */
static void zoneinfo_field(const char *line, const char *key, unsigned long *v)
{
	char k[32];
	unsigned long val;

	if (sscanf(line, " %31s %lu", k, &val) == 2 && !strcmp(k, key))
		*v = val;
}

/*
 * /proc/zoneinfo's min/low/high (less the boost) are what the twin's
 * __setup_per_zone_wmarks() makes of this kernel's managed pages and
 * sysctls. Writing min_free_kbytes back first makes the kernel compute
 * them again from today's managed pages (it did so at boot, before init
 * memory was freed).
 */
TEST_F(reclaim, wmarks_match_zoneinfo)
{
	unsigned long managed[MAX_ZONES], min[MAX_ZONES], low[MAX_ZONES];
	unsigned long high[MAX_ZONES], boost[MAX_ZONES], v[4];
	char cmd[512], kb[32], scale[32], name[32], *line;
	int capped[MAX_ZONES], n = -1, i, len, got;

	ASSERT_EQ(0, read_into("/proc/sys/vm/min_free_kbytes", kb, sizeof(kb)));
	ASSERT_EQ(0, read_into("/proc/sys/vm/watermark_scale_factor", scale,
			       sizeof(scale)));
	ASSERT_EQ(0, write_file("/proc/sys/vm/min_free_kbytes", kb));
	ASSERT_EQ(0, read_into("/proc/zoneinfo", buf, sizeof(buf)));
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "Node %*d, zone %31s", name) == 1) {
			ASSERT_LT(n + 1, MAX_ZONES);
			n++;
			managed[n] = 0;
			capped[n] = !strcmp(name, "HighMem") || !strcmp(name, "Movable");
		} else if (n >= 0) {
			zoneinfo_field(line, "boost", &boost[n]);
			zoneinfo_field(line, "min", &min[n]);
			zoneinfo_field(line, "low", &low[n]);
			zoneinfo_field(line, "high", &high[n]);
			zoneinfo_field(line, "managed", &managed[n]);
		}
	}
	n++;
	len = snprintf(cmd, sizeof(cmd), "%lu %lu", strtoul(kb, NULL, 10),
		       strtoul(scale, NULL, 10));
	for (i = 0; i < n; i++)
		len += snprintf(cmd + len, sizeof(cmd) - len, " %lu%s",
				managed[i], capped[i] ? "m" : "");
	ASSERT_EQ(0, write_file(TWIN "wmark_calc", cmd));
	ASSERT_EQ(0, read_into(TWIN "wmark_calc", buf, sizeof(buf)));
	line = strtok(buf, "\n");
	for (i = 0; i < n; i++, line = strtok(NULL, "\n")) {
		ASSERT_NE(NULL, line);
		got = sscanf(line, "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]);
		ASSERT_EQ(4, got);
		if (!managed[i])
			continue;
		TH_LOG("zone %d managed %lu: kernel %lu/%lu/%lu twin %lu/%lu/%lu",
		       i, managed[i], min[i] - boost[i], low[i] - boost[i],
		       high[i] - boost[i], v[0], v[1], v[2]);
		EXPECT_EQ(min[i] - boost[i], v[0]);
		EXPECT_EQ(low[i] - boost[i], v[1]);
		EXPECT_EQ(high[i] - boost[i], v[2]);
	}
}

/*
 * Fill past low: kswapd is woken (mm_vmscan_wakeup_kswapd, then
 * mm_vmscan_kswapd_wake), reclaims until a zone of its node is above
 * high, and goes to sleep (mm_vmscan_kswapd_sleep).
 */
TEST_F_TIMEOUT(reclaim, kswapd_wakes_restores_high_sleeps, 90)
{
	struct twin_zone z[MAX_ZONES];
	int nodes_ok[MAX_ZONES] = {}, nodes[MAX_ZONES] = {};
	int i, n, tries;

	ASSERT_EQ(0, trace_reset());
	ASSERT_EQ(0, trace_event("mm_vmscan_kswapd_wake", "1"));
	ASSERT_EQ(0, trace_event("mm_vmscan_kswapd_sleep", "1"));
	ASSERT_EQ(0, trace_event("mm_vmscan_wakeup_kswapd", "1"));
	ASSERT_EQ(0, ctl("create fill file %lu", self->managed * 3 / 2));
	ASSERT_EQ(0, ctl("touch fill 0 %lu", self->managed * 3 / 2));
	for (tries = 0; tries < 300 && !kswapds_asleep(); tries++)
		usleep(100000);
	ASSERT_TRUE(kswapds_asleep());
	trace_event("mm_vmscan_kswapd_wake", "0");
	trace_event("mm_vmscan_kswapd_sleep", "0");
	trace_event("mm_vmscan_wakeup_kswapd", "0");

	EXPECT_GT(vmstat("pageoutrun"), 0);
	EXPECT_GT(vmstat("pgscan_kswapd"), 0);
	EXPECT_GT(vmstat("pgsteal_kswapd"), 0);
	EXPECT_GT(trace_count("mm_vmscan_wakeup_kswapd"), 0);
	EXPECT_GT(trace_count("mm_vmscan_kswapd_wake"), 0);
	EXPECT_GT(trace_count("mm_vmscan_kswapd_sleep"), 0);
	/*
	 * kswapd sleeps only once its node is balanced (some zone above high)
	 * or hopeless; with no failures, every mm_vmscan_kswapd_sleep above
	 * was a restored high mark. Allocations after that may take a node
	 * back down, but not below low without waking its kswapd again.
	 */
	for (i = 0; i < MAX_ZONES; i++) {
		char key[64];
		long failures;

		snprintf(key, sizeof(key), "node %d kswapd sleep failures", i);
		failures = stat_of(TWIN "stats", key);
		if (failures >= 0)
			EXPECT_EQ(0, failures);
	}
	n = twin_zones(z);
	for (i = 0; i < n; i++) {
		nodes[z[i].node] = 1;
		if (z[i].free >= z[i].low)
			nodes_ok[z[i].node] = 1;
	}
	for (i = 0; i < MAX_ZONES; i++)
		EXPECT_EQ(nodes[i], nodes_ok[i]);
}

static long allocstalls(void)
{
	char *line;
	long sum = 0;

	if (read_into(BUDDY "vmstat", buf, sizeof(buf)))
		return -1;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "allocstall_", 11))
			sum += strtol(strchr(line, ' ') + 1, NULL, 10);
	return sum;
}

/* The "some" line's total stall time, in microseconds; -1 if unreadable. */
static long long psi_some_total(void)
{
	long long total;
	char *p;

	if (read_into(TWIN "pressure", buf, sizeof(buf)) || strncmp(buf, "some ", 5))
		return -1;
	p = strstr(buf, " total=");
	if (!p || sscanf(p, " total=%lld", &total) != 1)
		return -1;
	return total;
}

/*
 * Without kswapd, allocations past min reclaim for themselves: counted
 * as direct scans and steals, as the buddy's allocstall, and as memory
 * pressure (a task stalled in reclaim).
 */
TEST_F_TIMEOUT(reclaim, direct_reclaim_past_min, 90)
{
	long long stalled = psi_some_total();
	long stalls = allocstalls();

	ASSERT_GE(stalls, 0);
	ASSERT_EQ(0, ctl("kswapd 0"));
	ASSERT_EQ(0, ctl("create fill file %lu", self->managed * 3 / 2));
	ASSERT_EQ(0, ctl("touch fill 0 %lu", self->managed * 3 / 2));
	EXPECT_GT(vmstat("pgscan_direct"), 0);
	EXPECT_GT(vmstat("pgsteal_direct"), 0);
	EXPECT_EQ(0, vmstat("pgsteal_kswapd"));
	EXPECT_GT(allocstalls(), stalls);
	ASSERT_GE(stalled, 0);
	EXPECT_GT(psi_some_total(), stalled);
}

/*
 * Anon pages half again the twin's size, written twice then read in
 * passes until 100000 pages came back from swap: every one must match
 * the pattern of its last write.
 */
TEST_F_TIMEOUT(reclaim, swap_round_trip_100k, 300)
{
	unsigned long nr = self->managed * 3 / 2;
	int pass;

	ASSERT_EQ(0, ctl("create swapped anon %lu", nr));
	ASSERT_EQ(0, ctl("touch swapped 0 %lu write", nr));
	ASSERT_EQ(0, ctl("touch swapped 0 %lu write", nr));
	for (pass = 0; pass < 40 && vmstat("pswpin") < 100000; pass++)
		ASSERT_EQ(0, ctl("touch swapped 0 %lu", nr));
	TH_LOG("%d read passes: pswpout %ld pswpin %ld", pass,
	       vmstat("pswpout"), vmstat("pswpin"));
	EXPECT_GE(vmstat("pswpin"), 100000);
	EXPECT_EQ(0, stat_of(TWIN "stats", "swap_mismatch"));
}

/*
 * A hot set used during a cold scan twice the twin's size stays resident.
 * A tenth of the twin: the LRU is per node, and on a node holding most
 * of the hot set an active list larger than its inactive one would be
 * aged (inactive_is_low()), as the kernel would age it.
 */
TEST_F_TIMEOUT(reclaim, hot_set_survives_cold_scan, 90)
{
	unsigned long hot = self->managed / 10, cold = self->managed * 2, i;
	long rss, swapents;
	int killed;

	ASSERT_EQ(0, ctl("create hot file %lu", hot));
	ASSERT_EQ(0, ctl("create cold file %lu", cold));
	ASSERT_EQ(0, ctl("touch hot 0 %lu", hot));
	ASSERT_EQ(0, ctl("touch hot 0 %lu", hot));
	for (i = 0; i < cold; i += 1024) {
		ASSERT_EQ(0, ctl("touch cold %lu %lu", i,
				 cold - i < 1024 ? cold - i : 1024));
		if (!(i % 4096))
			ASSERT_EQ(0, ctl("touch hot 0 %lu", hot));
	}
	ASSERT_EQ(0, group_row("hot", &rss, &swapents, &killed));
	TH_LOG("hot %lu resident %ld", hot, rss);
	EXPECT_GE(rss, (long)(hot * 90 / 100));
	ASSERT_EQ(0, group_row("cold", &rss, &swapents, &killed));
	EXPECT_LT(rss, (long)(cold / 2));
	EXPECT_GT(vmstat("pgsteal_file"), 0);
}

/* Anon with no swap room left cannot be reclaimed: one group is killed. */
TEST_F_TIMEOUT(reclaim, unreclaimable_fill_one_oom_kill, 90)
{
	unsigned long nr = self->managed + 4096;
	long rss, swapents;
	int killed;

	ASSERT_EQ(0, ctl("swap_max 1024"));
	ASSERT_EQ(0, ctl("create big anon %lu", nr));
	EXPECT_EQ(-ENOMEM, ctl("touch big 0 %lu write", nr));
	EXPECT_EQ(1, vmstat("oom_kill"));
	ASSERT_EQ(0, group_row("big", &rss, &swapents, &killed));
	EXPECT_EQ(1, killed);
	EXPECT_EQ(0, rss);
	EXPECT_EQ(0, swapents);
}

/* Bad writes fail with the documented errno and change nothing. */
TEST_F(reclaim, bad_writes)
{
	char longcmd[400];

	memset(longcmd, 'a', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = '\0';
	EXPECT_EQ(-EINVAL, ctl("bogus"));
	EXPECT_EQ(-EINVAL, ctl("%s", longcmd));
	EXPECT_EQ(-EINVAL, ctl("create x sideways 10"));
	EXPECT_EQ(-EINVAL, ctl("create x anon ten"));
	EXPECT_EQ(-ERANGE, ctl("create x anon 0"));
	EXPECT_EQ(-ERANGE, ctl("create x anon 10 adj=1001"));
	EXPECT_EQ(-EINVAL, ctl("create x anon 10 colour=red"));
	EXPECT_EQ(-ERANGE, ctl("swappiness 201"));
	EXPECT_EQ(-ERANGE, ctl("kswapd 2"));
	EXPECT_EQ(-ERANGE, ctl("swap_max 99999999"));
	EXPECT_EQ(-ENOENT, ctl("touch nosuch 0 1"));
	EXPECT_EQ(-ENOENT, ctl("destroy nosuch"));
	ASSERT_EQ(0, ctl("create dup file 10"));
	EXPECT_EQ(-EEXIST, ctl("create dup file 10"));
	EXPECT_EQ(-ERANGE, ctl("touch dup 5 6"));
	EXPECT_EQ(-ERANGE, ctl("touch dup 10 1"));
	EXPECT_EQ(-EINVAL, write_file(TWIN "wmark_calc", "abc"));
	EXPECT_EQ(-EINVAL, write_file(TWIN "wmark_calc", "1024 10"));
	EXPECT_EQ(-ERANGE, write_file(TWIN "wmark_calc", "1024 0 1000"));
	EXPECT_EQ(-ERANGE, write_file(TWIN "wmark_calc", "1024 3001 1000"));
	EXPECT_EQ(-EINVAL, write_file(TWIN "wmark_calc", "1024 10 12q"));
	/* nothing changed */
	EXPECT_EQ(60, stat_of(TWIN "stats", "swappiness"));
	EXPECT_EQ(1, stat_of(TWIN "stats", "kswapd_enabled"));
	EXPECT_EQ(65536, stat_of(TWIN "stats", "swap_max"));
}

/* Free pages of the buddy after its check drained the per-CPU lists. */
static long buddy_free(void)
{
	if (read_into(BUDDY "check", buf, sizeof(buf)) || strncmp(buf, "ok", 2))
		return -1;
	return stat_of(BUDDY "vmstat", "nr_free_pages");
}

/* Unloading while workers fault and kswapd reclaims returns every page. */
TEST_F_TIMEOUT(reclaim, unload_during_kswapd_activity, 90)
{
	long before = buddy_free();
	int tries;

	ASSERT_GT(before, 0);
	ASSERT_EQ(0, ctl("create wa anon %lu", self->managed));
	ASSERT_EQ(0, ctl("create wf file %lu", self->managed));
	ASSERT_EQ(0, ctl("spawn wa 0 %lu 1000 write", self->managed));
	ASSERT_EQ(0, ctl("spawn wf 0 %lu 1000", self->managed));
	for (tries = 0; tries < 300 && vmstat("pgscan_kswapd") <= 0; tries++)
		usleep(100000);
	EXPECT_GT(vmstat("pgscan_kswapd"), 0);
	ASSERT_EQ(0, system("rmmod mmtwin_reclaim"));
	EXPECT_EQ(before, buddy_free());
	ASSERT_EQ(0, load_module("mmtwin_reclaim"));
}

TEST_HARNESS_MAIN
