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
#include <dirent.h>
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

/* Every node's kswapd asleep (not napping, not running), or none. */
static int kswapds_asleep(void)
{
	char *line;
	int running = 0;

	if (read_into(TWIN "stats", buf, sizeof(buf)))
		return 0;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "node ", 5) && !strstr(line, "kswapd sleep") &&
		    !strstr(line, "kswapd none"))
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

/* The whole trace buffer, malloc'ed (TRACE_MAX at most); NULL on error. */
#define TRACE_MAX	(32 << 20)

static char *trace_read(void)
{
	char path[256], *big = malloc(TRACE_MAX);

	snprintf(path, sizeof(path), "%strace", tracefs_dir());
	if (big && read_into(path, big, TRACE_MAX)) {
		free(big);
		return NULL;
	}
	return big;
}

/* Room for every event of a workload: per-CPU buffer size, in kB. */
static int trace_buffer_kb(const char *kb)
{
	char path[256];

	snprintf(path, sizeof(path), "%sbuffer_size_kb", tracefs_dir());
	return write_file(path, kb);
}

/* Events lost to a full buffer since the last reset, over all CPUs. */
static long trace_overruns(void)
{
	char path[256], stats[1024], *p;
	long sum = 0;
	int cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		snprintf(path, sizeof(path), "%sper_cpu/cpu%d/stats",
			 tracefs_dir(), cpu);
		if (read_into(path, stats, sizeof(stats)))
			break;
		p = strstr(stats, "overrun: ");
		if (p)
			sum += strtol(p + 9, NULL, 10);
	}
	return sum;
}

/* The next line at @pos (cut out) of event @event (NULL: any), or NULL. */
static char *trace_next(char **pos, const char *event)
{
	char needle[64], *line, *nl;

	snprintf(needle, sizeof(needle), " %s: ", event ? event : "");
	while (*pos && **pos) {
		line = *pos;
		nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
			*pos = nl + 1;
		} else {
			*pos = NULL;
		}
		if (line[0] && line[0] != '#' && (!event || strstr(line, needle)))
			return line;
	}
	return NULL;
}

/* "key=N" of a trace line; -1 if absent. */
static long tfield(const char *line, const char *key)
{
	char needle[64];
	const char *p;

	snprintf(needle, sizeof(needle), " %s=", key);
	p = strstr(line, needle);
	return p ? strtol(p + strlen(needle), NULL, 10) : -1;
}

/* The string value of "key=VALUE" of a trace line into @out. */
static int tstring(const char *line, const char *key, char *out, size_t size)
{
	char needle[64];
	const char *p;
	size_t n;

	snprintf(needle, sizeof(needle), " %s=", key);
	p = strstr(line, needle);
	if (!p)
		return -1;
	p += strlen(needle);
	n = strcspn(p, " ");
	if (n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* The "task-pid" column of a trace line: its command starts it. */
static int task_is(const char *line, const char *comm)
{
	while (*line == ' ')
		line++;
	return !strncmp(line, comm, strlen(comm));
}

/* @flag is one of the |-separated names of @flags. */
static int has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);
	const char *p = flags;

	while ((p = strstr(p, flag))) {
		if ((p == flags || p[-1] == '|') && (p[n] == '|' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static void trace_events(const char *const *events, int n, const char *on)
{
	int i;

	for (i = 0; i < n; i++)
		trace_event(events[i], on);
}

/* Which nodes the twin has, from its zones. */
static void nodes_present(int present[MAX_ZONES])
{
	struct twin_zone z[MAX_ZONES];
	int i, n = twin_zones(z);

	memset(present, 0, MAX_ZONES * sizeof(*present));
	for (i = 0; i < n; i++)
		if (z[i].node >= 0 && z[i].node < MAX_ZONES)
			present[z[i].node] = 1;
}

static int wait_kswapds_asleep(void)
{
	int tries;

	for (tries = 0; tries < 300 && !kswapds_asleep(); tries++)
		usleep(100000);
	return kswapds_asleep();
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
		"grown",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		ctl("destroy %s", names[i]);
	ctl("kswapd 1");
	ctl("swap_max 65536");
	write_file("/sys/kernel/debug/mmtwin/slub/control", "free ksft_rtag");
	write_file("/sys/kernel/debug/mmtwin/slub/control", "destroy ksft_rshrink");
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

/* Free pages of the buddy after its check drained the per-CPU lists. */
static long buddy_free(void)
{
	if (read_into(BUDDY "check", buf, sizeof(buf)) || strncmp(buf, "ok", 2))
		return -1;
	return stat_of(BUDDY "vmstat", "nr_free_pages");
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

/* The total stall time of the "some" or "full" line, in us; -1 if none. */
static long long psi_total(const char *which)
{
	long long total;
	char *p;

	if (read_into(TWIN "pressure", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, which);
	if (!p || (p != buf && p[-1] != '\n'))
		return -1;
	p = strstr(p, " total=");
	if (!p || sscanf(p, " total=%lld", &total) != 1)
		return -1;
	return total;
}

static long long psi_some_total(void)
{
	return psi_total("some ");
}

/*
 * Without kswapd, allocations past min reclaim for themselves: counted
 * as direct scans and steals, as the buddy's allocstall, and as memory
 * pressure: a task stalled in reclaim (some), and the only twin task
 * running stalled (full). The events carry the counters' values: every
 * mm_vmscan_direct_reclaim_begin is an allocstall, is paired with an
 * _end of the same task, asks for order 0 with the workload's gfp, and
 * the _end's nr_reclaimed add up to pgsteal_direct; the LRU events'
 * nr_scanned/nr_reclaimed/nr_deactivated add up to pgscan_direct,
 * pgsteal_direct, pgrefill and pgdeactivate, on the twin's nodes, with
 * the file flags of a file group's pages.
 */
TEST_F_TIMEOUT(reclaim, direct_reclaim_past_min, 300)
{
	static const char *const events[] = {
		"mm_vmscan_direct_reclaim_begin", "mm_vmscan_direct_reclaim_end",
		"mm_vmscan_lru_isolate", "mm_vmscan_lru_shrink_inactive",
		"mm_vmscan_lru_shrink_active",
	};
	long begins = 0, ends = 0, reclaimed = 0, scanned = 0, stolen = 0;
	long iso_inactive = 0, iso_active = 0, deactivated = 0, stalls;
	char *trace, *pos, *line, gfp[256], flags[128], open_task[64] = "";
	unsigned long nr = self->managed * 5 / 4;
	int bad_pairs = 0, bad_gfp = 0, bad_nid = 0, bad_flags = 0, bad_prio = 0;
	int bad_order = 0, bad_iso = 0, present[MAX_ZONES];

	long long some = psi_some_total(), full = psi_total("full ");
	long freepages = stat_of(TWIN "stats", "memstall_freepages_us");

	ASSERT_GE(some, 0);
	ASSERT_GE(full, 0);
	ASSERT_GE(freepages, 0);
	nodes_present(present);
	ASSERT_EQ(0, ctl("kswapd 0"));
	ASSERT_TRUE(wait_kswapds_asleep());
	ASSERT_EQ(0, trace_buffer_kb("16384"));
	ASSERT_EQ(0, trace_reset());
	ASSERT_EQ(0, ctl("reset"));
	stalls = allocstalls();
	trace_events(events, ARRAY_SIZE(events), "1");
	ASSERT_EQ(0, ctl("create fill file %lu", nr));
	/* half touched twice is active, more than inactive can be: aged */
	ASSERT_EQ(0, ctl("touch fill 0 %lu", nr / 2));
	ASSERT_EQ(0, ctl("touch fill 0 %lu", nr / 2));
	ASSERT_EQ(0, ctl("touch fill 0 %lu", nr));
	trace_events(events, ARRAY_SIZE(events), "0");
	stalls = allocstalls() - stalls;
	ASSERT_EQ(0, trace_overruns());
	trace = trace_read();
	ASSERT_NE(NULL, trace);

	for (pos = trace; (line = trace_next(&pos, NULL));) {
		char task[64] = "", lru[32];

		if (sscanf(line, " %63s", task) != 1)
			continue;
		if (strstr(line, " mm_vmscan_direct_reclaim_begin: ")) {
			begins++;
			/* begin and end alternate within each task */
			bad_pairs += !!open_task[0];
			snprintf(open_task, sizeof(open_task), "%s", task);
			bad_order += tfield(line, "order") != 0;
			if (tstring(line, "gfp_flags", gfp, sizeof(gfp)) ||
			    !has_flag(gfp, "GFP_KERNEL") ||
			    !has_flag(gfp, "__GFP_MOVABLE") ||
			    !has_flag(gfp, "__GFP_NOWARN")) {
				if (!bad_gfp++)
					TH_LOG("%s", line);
			}
		} else if (strstr(line, " mm_vmscan_direct_reclaim_end: ")) {
			ends++;
			bad_pairs += strcmp(task, open_task) != 0;
			open_task[0] = '\0';
			reclaimed += tfield(line, "nr_reclaimed");
		} else if (strstr(line, " mm_vmscan_lru_shrink_inactive: ")) {
			long nid = tfield(line, "nid"), prio = tfield(line, "priority");

			scanned += tfield(line, "nr_scanned");
			stolen += tfield(line, "nr_reclaimed");
			bad_nid += nid < 0 || nid >= MAX_ZONES || !present[nid];
			bad_prio += prio < 0 || prio > 12;
			if (tstring(line, "flags", flags, sizeof(flags)) ||
			    strcmp(flags, "RECLAIM_WB_FILE|RECLAIM_WB_ASYNC"))
				bad_flags++;
		} else if (strstr(line, " mm_vmscan_lru_isolate: ")) {
			if (tstring(line, "lru", lru, sizeof(lru))) {
				bad_iso++;
				continue;
			}
			if (strstr(lru, "inactive_"))
				iso_inactive += tfield(line, "nr_scanned");
			else
				iso_active += tfield(line, "nr_scanned");
			bad_iso += tfield(line, "nr_taken") + tfield(line, "nr_skipped") !=
				   tfield(line, "nr_scanned");
		} else if (strstr(line, " mm_vmscan_lru_shrink_active: ")) {
			deactivated += tfield(line, "nr_deactivated");
		}
	}
	free(trace);

	TH_LOG("begin %ld end %ld allocstall %ld reclaimed %ld pgsteal_direct %ld",
	       begins, ends, stalls, reclaimed, vmstat("pgsteal_direct"));
	TH_LOG("scanned %ld pgscan_direct %ld refill %ld/%ld deactivated %ld/%ld",
	       scanned, vmstat("pgscan_direct"), iso_active, vmstat("pgrefill"),
	       deactivated, vmstat("pgdeactivate"));
	EXPECT_EQ(0, vmstat("pgscan_kswapd"));
	EXPECT_EQ(0, vmstat("pgsteal_kswapd"));
	EXPECT_GT(vmstat("pgsteal_direct"), 0);
	EXPECT_GT(psi_some_total(), some);
	EXPECT_GT(psi_total("full "), full);
	EXPECT_GT(stat_of(TWIN "stats", "memstall_freepages_us"), freepages);
	EXPECT_GT(begins, 0);
	EXPECT_EQ(begins, ends);
	EXPECT_EQ(begins, stalls);
	EXPECT_EQ(0, bad_pairs);
	EXPECT_EQ(0, bad_order);
	EXPECT_EQ(0, bad_gfp);
	EXPECT_EQ(reclaimed, vmstat("pgsteal_direct"));
	EXPECT_EQ(scanned, vmstat("pgscan_direct"));
	EXPECT_EQ(stolen, vmstat("pgsteal_direct"));
	EXPECT_EQ(iso_inactive, vmstat("pgscan_direct"));
	EXPECT_GT(vmstat("pgrefill"), 0);
	EXPECT_EQ(iso_active, vmstat("pgrefill"));
	EXPECT_EQ(deactivated, vmstat("pgdeactivate"));
	EXPECT_EQ(0, bad_nid);
	EXPECT_EQ(0, bad_prio);
	EXPECT_EQ(0, bad_flags);
	EXPECT_EQ(0, bad_iso);
	trace_buffer_kb("1408");
}

/*
 * kswapd sleeps only once its node is balanced (some zone above high) or
 * hopeless; with no failures, every mm_vmscan_kswapd_sleep was a
 * restored high mark. Allocations after that may take a node back down,
 * but not below low without waking its kswapd again.
 */
static void __kswapd_slept_balanced(struct __test_metadata *_metadata)
{
	int nodes_ok[MAX_ZONES] = {}, nodes[MAX_ZONES] = {};
	struct twin_zone z[MAX_ZONES];
	int i, n;

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
#define kswapd_slept_balanced() __kswapd_slept_balanced(_metadata)

struct tl_row {
	unsigned long ms;
	int node, zone;
	unsigned long free, min, low, high, boost;
	char state[8];
	unsigned long scan, steal;
};

#define TL_ROWS	4096

/* The timeline's rows after @after_ms; the count, -1 on a bad line. */
static int timeline_rows(struct tl_row *r, unsigned long after_ms)
{
	char *big = malloc(1 << 20), *line, *save;
	int n = 0;

	if (!big || read_into(TWIN "timeline", big, 1 << 20)) {
		free(big);
		return -1;
	}
	for (line = strtok_r(big, "\n", &save); line && n < TL_ROWS;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%lu %d %d %lu %lu %lu %lu %lu %7s %lu %lu",
			   &r[n].ms, &r[n].node, &r[n].zone, &r[n].free,
			   &r[n].min, &r[n].low, &r[n].high, &r[n].boost,
			   r[n].state, &r[n].scan, &r[n].steal) != 11) {
			n = -1;
			break;
		}
		if (r[n].ms > after_ms)
			n++;
	}
	free(big);
	return n;
}

/*
 * Fill past low: kswapd is woken (mm_vmscan_wakeup_kswapd, then
 * mm_vmscan_kswapd_wake), reclaims until a zone of its node is above
 * high, and goes to sleep (mm_vmscan_kswapd_sleep). The events carry the
 * counters' values: every mm_vmscan_kswapd_wake is a pageoutrun, run by
 * that node's kswapd for order 0 after a mm_vmscan_wakeup_kswapd of its
 * node; per node the events go wake ... sleep; the kswapds'
 * mm_vmscan_lru_shrink_inactive add up to pgscan_kswapd and
 * pgsteal_kswapd. The timeline shows each woken node's kswapd awake and
 * then asleep, in time order, with scan and steal counts that never go
 * back and end at the counters' values, and the marks the stats file
 * shows.
 */
TEST_F_TIMEOUT(reclaim, kswapd_wakes_restores_high_sleeps, 300)
{
	static const char *const events[] = {
		"mm_vmscan_wakeup_kswapd", "mm_vmscan_kswapd_wake",
		"mm_vmscan_kswapd_sleep", "mm_vmscan_lru_shrink_inactive",
	};
	long wakes = 0, sleeps = 0, kscan = 0, ksteal = 0, scan = 0, steal = 0;
	int woken[MAX_ZONES] = {}, awake[MAX_ZONES] = {}, wakeups[MAX_ZONES] = {};
	int seen_awake[MAX_ZONES] = {}, slept_after[MAX_ZONES] = {};
	int bad_task = 0, bad_order = 0, bad_seq = 0, bad_gfp = 0, i, n;
	unsigned long nr = self->managed * 3 / 2, t0;
	struct twin_zone z[MAX_ZONES];
	char *trace, *pos, *line, gfp[256];
	struct tl_row *r;

	r = calloc(TL_ROWS, sizeof(*r));
	ASSERT_NE(NULL, r);
	ASSERT_TRUE(wait_kswapds_asleep());
	n = timeline_rows(r, 0);
	ASSERT_GT(n, 0);
	t0 = r[n - 1].ms;
	ASSERT_EQ(0, trace_buffer_kb("16384"));
	ASSERT_EQ(0, trace_reset());
	ASSERT_EQ(0, ctl("reset"));
	trace_events(events, ARRAY_SIZE(events), "1");
	ASSERT_EQ(0, ctl("create fill file %lu", nr));
	ASSERT_EQ(0, ctl("touch fill 0 %lu", nr));
	ASSERT_TRUE(wait_kswapds_asleep());
	trace_events(events, ARRAY_SIZE(events), "0");
	/* two samples after the last change */
	usleep(300000);
	ASSERT_EQ(0, trace_overruns());
	trace = trace_read();
	ASSERT_NE(NULL, trace);
	for (pos = trace; (line = trace_next(&pos, NULL));) {
		char comm[32];
		long nid = tfield(line, "nid");

		if (nid < 0 || nid >= MAX_ZONES)
			continue;
		snprintf(comm, sizeof(comm), "mmtwin_kswapd%ld-", nid);
		if (strstr(line, " mm_vmscan_wakeup_kswapd: ")) {
			wakeups[nid]++;
			bad_order += tfield(line, "order") != 0;
			if (tstring(line, "gfp_flags", gfp, sizeof(gfp)) ||
			    !has_flag(gfp, "__GFP_MOVABLE"))
				bad_gfp++;
		} else if (strstr(line, " mm_vmscan_kswapd_wake: ")) {
			wakes++;
			/*
			 * The first wake was asked for. A nap cut short runs
			 * again with no sleep (nor a new request) between.
			 */
			bad_seq += !wakeups[nid];
			awake[nid] = 1;
			woken[nid] = 1;
			bad_order += tfield(line, "order") != 0;
			bad_task += !task_is(line, comm);
		} else if (strstr(line, " mm_vmscan_kswapd_sleep: ")) {
			sleeps++;
			bad_seq += !awake[nid];
			awake[nid] = 0;
			bad_task += !task_is(line, comm);
		} else if (strstr(line, " mm_vmscan_lru_shrink_inactive: ")) {
			scan += tfield(line, "nr_scanned");
			steal += tfield(line, "nr_reclaimed");
			if (task_is(line, "mmtwin_kswapd")) {
				kscan += tfield(line, "nr_scanned");
				ksteal += tfield(line, "nr_reclaimed");
			}
		}
	}
	free(trace);
	TH_LOG("kswapd_wake %ld pageoutrun %ld; kswapd scanned %ld/%ld stole %ld/%ld",
	       wakes, vmstat("pageoutrun"), kscan, vmstat("pgscan_kswapd"),
	       ksteal, vmstat("pgsteal_kswapd"));
	EXPECT_GT(wakes, 0);
	EXPECT_GT(sleeps, 0);
	EXPECT_GT(vmstat("pgsteal_kswapd"), 0);
	EXPECT_EQ(wakes, vmstat("pageoutrun"));
	EXPECT_EQ(0, bad_task);
	EXPECT_EQ(0, bad_order);
	EXPECT_EQ(0, bad_gfp);
	EXPECT_EQ(0, bad_seq);
	for (i = 0; i < MAX_ZONES; i++)
		EXPECT_EQ(0, awake[i]);
	EXPECT_EQ(kscan, vmstat("pgscan_kswapd"));
	EXPECT_EQ(ksteal, vmstat("pgsteal_kswapd"));
	EXPECT_EQ(scan, vmstat("pgscan_kswapd") + vmstat("pgscan_direct"));
	EXPECT_EQ(steal, vmstat("pgsteal_kswapd") + vmstat("pgsteal_direct"));

	n = timeline_rows(r, t0);
	ASSERT_GT(n, 0);
	for (i = 0; i < n; i++) {
		int nid = r[i].node;

		if (i) {
			EXPECT_GE(r[i].ms, r[i - 1].ms);
			EXPECT_GE(r[i].scan, r[i - 1].scan);
			EXPECT_GE(r[i].steal, r[i - 1].steal);
		}
		EXPECT_LE(r[i].steal, r[i].scan);
		EXPECT_LE(r[i].min, r[i].low);
		EXPECT_LE(r[i].low, r[i].high);
		if (nid < 0 || nid >= MAX_ZONES)
			continue;
		if (strcmp(r[i].state, "sleep"))
			seen_awake[nid] = 1;
		else if (seen_awake[nid])
			slept_after[nid] = 1;
	}
	for (i = 0; i < MAX_ZONES; i++) {
		if (!woken[i])
			continue;
		TH_LOG("node %d: awake in the timeline %d, asleep after %d",
		       i, seen_awake[i], slept_after[i]);
		EXPECT_TRUE(seen_awake[i]);
		EXPECT_TRUE(slept_after[i]);
	}
	EXPECT_EQ((long)r[n - 1].scan, vmstat("pgscan_kswapd") + vmstat("pgscan_direct"));
	EXPECT_EQ((long)r[n - 1].steal, vmstat("pgsteal_kswapd") + vmstat("pgsteal_direct"));
	/* the marks of each zone's last row are the stats file's (boost apart) */
	n = twin_zones(z);
	for (i = timeline_rows(r, t0) - 1; i >= 0 && n > 0; i--) {
		int zi = r[i].zone;

		if (zi < 0 || zi >= n || z[zi].node < 0)
			continue;
		EXPECT_EQ(z[zi].min, r[i].min + r[i].boost);
		EXPECT_EQ(z[zi].low, r[i].low + r[i].boost);
		EXPECT_EQ(z[zi].high, r[i].high + r[i].boost);
		EXPECT_EQ(z[zi].node, r[i].node);
		z[zi].node = -1;
	}
	free(r);
	trace_buffer_kb("1408");
	kswapd_slept_balanced();
}

/*
 * Anon pages half again the twin's size, written twice then read in
 * passes until 100000 pages came back from swap: every one must match
 * the pattern of its last write.
 */
TEST_F_TIMEOUT(reclaim, swap_round_trip_100k, 600)
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

#define SLUB_CTL	"/sys/kernel/debug/mmtwin/slub/control"
#define SLUB_SYS	"/sys/kernel/mmtwin/slub/"

static long slub_num(const char *cache, const char *file)
{
	char path[256], v[256];

	snprintf(path, sizeof(path), SLUB_SYS "%s/%s", cache, file);
	if (read_into(path, v, sizeof(v)))
		return -1;
	return strtol(v, NULL, 10);
}

static int slub_set(const char *cache, const char *file, const char *v)
{
	char path[256];

	snprintf(path, sizeof(path), SLUB_SYS "%s/%s", cache, file);
	return write_file(path, v);
}

/*
 * Anon with no swap room left cannot be reclaimed: one group is killed.
 * On the way, the slab twin's shrinker gives back what a cache keeps: the
 * empty slabs of 16384 freed objects (min_partial out of reach, no CPU
 * partial list; each CPU still keeps its own slab and one partial one).
 * Direct reclaim goes down to the priorities at which do_shrink_slab()
 * scans them: mm_shrink_slab_end's return values add up to the pages the
 * cache gave back, slabs_scanned counts at least as many, and the buddy
 * has those pages back.
 */
TEST_F_TIMEOUT(reclaim, unreclaimable_fill_one_oom_kill, 300)
{
	static const char *const events[] = {
		"mm_shrink_slab_start", "mm_shrink_slab_end",
	};
	long free0, free1, free2, before, after, order, freed = 0, starts = 0;
	unsigned long nr = self->managed + 4096;
	char *trace, *pos, *line;
	int bad_start = 0, killed;
	long rss, swapents;

	ASSERT_EQ(0, load_module("mmtwin_slub"));
	ASSERT_EQ(0, write_file(SLUB_CTL, "create ksft_rshrink 256"));
	ASSERT_EQ(0, slub_set("ksft_rshrink", "cpu_partial", "0"));
	ASSERT_EQ(0, slub_set("ksft_rshrink", "min_partial", "100000"));
	order = slub_num("ksft_rshrink", "order");
	ASSERT_GE(order, 0);
	free0 = buddy_free();
	ASSERT_GT(free0, 0);
	ASSERT_EQ(0, write_file(SLUB_CTL, "alloc ksft_rtag ksft_rshrink 16384"));
	ASSERT_EQ(0, write_file(SLUB_CTL, "free ksft_rtag"));
	before = slub_num("ksft_rshrink", "slabs");
	free1 = buddy_free();
	TH_LOG("order %ld: %ld empty slabs kept, buddy free %ld -> %ld",
	       order, before, free0, free1);
	ASSERT_GE(before, 16384 / slub_num("ksft_rshrink", "objs_per_slab"));
	EXPECT_EQ(free0 - free1, before << order);

	ASSERT_EQ(0, ctl("kswapd 0"));
	ASSERT_EQ(0, ctl("swap_max 1024"));
	ASSERT_EQ(0, trace_reset());
	ASSERT_EQ(0, ctl("reset"));
	trace_events(events, ARRAY_SIZE(events), "1");
	ASSERT_EQ(0, ctl("create big anon %lu", nr));
	EXPECT_EQ(-ENOMEM, ctl("touch big 0 %lu write", nr));
	trace_events(events, ARRAY_SIZE(events), "0");
	EXPECT_EQ(1, vmstat("oom_kill"));
	ASSERT_EQ(0, group_row("big", &rss, &swapents, &killed));
	EXPECT_EQ(1, killed);
	EXPECT_EQ(0, rss);
	EXPECT_EQ(0, swapents);
	ASSERT_EQ(0, ctl("destroy big"));
	after = slub_num("ksft_rshrink", "slabs");
	free2 = buddy_free();

	trace = trace_read();
	ASSERT_NE(NULL, trace);
	for (pos = trace; (line = trace_next(&pos, NULL));) {
		const char *p;

		if (!strstr(line, "slub_shrink_scan"))
			continue;
		if (strstr(line, " mm_shrink_slab_start: ")) {
			long prio = -1, items = -1;

			starts++;
			p = strstr(line, "cache items ");
			if (p)
				items = strtol(p + 12, NULL, 10);
			p = strstr(line, "priority ");
			if (p)
				prio = strtol(p + 9, NULL, 10);
			bad_start += items <= 0 || prio < 0 || prio > 12 ||
				     !strstr(line, "nid: ");
		} else if (strstr(line, " mm_shrink_slab_end: ")) {
			p = strstr(line, "last shrinker return val ");
			if (p)
				freed += strtol(p + 25, NULL, 10);
		}
	}
	free(trace);
	TH_LOG("slabs %ld -> %ld; shrinker returned %ld pages in %ld calls; slabs_scanned %ld; buddy free %ld",
	       before, after, freed, starts, vmstat("slabs_scanned"), free2);
	EXPECT_GT(starts, 0);
	EXPECT_EQ(0, bad_start);
	EXPECT_LE(after, 2 * sysconf(_SC_NPROCESSORS_CONF));
	EXPECT_EQ((before - after) << order, freed);
	EXPECT_GE(vmstat("slabs_scanned"), freed);
	/* what the cache gave back is free in the buddy again */
	EXPECT_EQ(free0 - (after << order), free2);
	EXPECT_EQ(0, write_file(SLUB_CTL, "destroy ksft_rshrink"));
	EXPECT_EQ(free0, buddy_free());
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

#define ARENA_MB	"/sys/kernel/mmtwin/buddy/arena_mb"

/* A task named @comm runs. */
static int thread_runs(const char *comm)
{
	char path[300], c[64];
	struct dirent *d;
	int found = 0;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		return -1;
	while (!found && (d = readdir(proc))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		if (!read_into(path, c, sizeof(c)))
			found = !strcmp(strtok(c, "\n") ?: "", comm);
	}
	closedir(proc);
	return found;
}

static int wait_thread(const char *comm, int runs)
{
	int tries;

	for (tries = 0; tries < 50 && thread_runs(comm) != runs; tries++)
		usleep(100000);
	return thread_runs(comm) == runs;
}

/* Pages the twin manages on @nid. */
static unsigned long node_managed(int nid)
{
	struct twin_zone z[MAX_ZONES];
	unsigned long sum = 0;
	int i, n = twin_zones(z);

	for (i = 0; i < n; i++)
		if (z[i].node == nid)
			sum += z[i].managed;
	return sum;
}

/*
 * The buddy reloaded with @params: what sat on it (the reclaimer, the
 * slab twin) is unloaded first and loaded again after.
 */
static int reload_buddy(const char *params)
{
	char holders[16][64], cmd[256];
	struct dirent *d;
	int n = 0, i, ret = 0;
	DIR *dir;

	dir = opendir("/sys/module/mmtwin_buddy/holders");
	if (!dir)
		return -1;
	while ((d = readdir(dir)) && n < 16)
		if (d->d_name[0] != '.')
			snprintf(holders[n++], sizeof(holders[0]), "%.63s", d->d_name);
	closedir(dir);
	for (i = 0; i < n && !ret; i++) {
		snprintf(cmd, sizeof(cmd), "rmmod %s", holders[i]);
		ret = system(cmd);
	}
	if (ret || system("rmmod mmtwin_buddy"))
		return -1;
	snprintf(cmd, sizeof(cmd), "modprobe mmtwin_buddy %s", params);
	if (system(cmd))
		return -1;
	for (i = 0; i < n; i++)
		if (load_module(holders[i]))
			return -1;
	return load_module("mmtwin_reclaim");
}

/*
 * Memory hotplug's kswapd_run()/kswapd_stop(): with the buddy's arena on
 * one node, the reclaimer runs one kswapd; when the arena grows onto the
 * other node, that node gets its kswapd, which is woken and reclaims for
 * it; when the arena gives the node's memory back, its kswapd stops.
 */
TEST_F_TIMEOUT(reclaim, kswapd_follows_arena_nodes, 180)
{
	char comm[32], key[32], want[64];
	int first = -1, other = -1, n, mb;
	unsigned long nr;

	ASSERT_EQ(0, reload_buddy("arena_mb=4"));
	for (n = 0; n < MAX_ZONES; n++)
		if (node_managed(n))
			first = first < 0 ? n : MAX_ZONES;
	ASSERT_GE(first, 0);
	ASSERT_LT(first, MAX_ZONES);
	snprintf(comm, sizeof(comm), "mmtwin_kswapd%d", first);
	EXPECT_TRUE(thread_runs(comm));
	/* grow until a chunk lands on another node */
	for (mb = 8; mb <= 32 && other < 0; mb += 4) {
		snprintf(want, sizeof(want), "%d", mb);
		ASSERT_EQ(0, write_file(ARENA_MB, want));
		for (n = 0; n < MAX_ZONES; n++)
			if (n != first && node_managed(n))
				other = n;
	}
	ASSERT_GE(other, 0);
	snprintf(comm, sizeof(comm), "mmtwin_kswapd%d", other);
	EXPECT_TRUE(wait_thread(comm, 1));
	snprintf(key, sizeof(key), "node %d kswapd", other);
	ASSERT_EQ(0, read_into(TWIN "stats", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, key));

	/* it works for its node: a fill there wakes it (and the other) */
	nr = twin_managed() * 3 / 2;
	ASSERT_EQ(0, trace_reset());
	ASSERT_EQ(0, trace_event("mm_vmscan_kswapd_wake", "1"));
	ASSERT_EQ(0, ctl("create grown file %lu node=%d", nr, other));
	ASSERT_EQ(0, ctl("touch grown 0 %lu", nr));
	EXPECT_TRUE(wait_kswapds_asleep());
	trace_event("mm_vmscan_kswapd_wake", "0");
	snprintf(want, sizeof(want), "mm_vmscan_kswapd_wake: nid=%d ", other);
	{
		char *trace = trace_read();

		ASSERT_NE(NULL, trace);
		EXPECT_NE(NULL, strstr(trace, want));
		free(trace);
	}
	ASSERT_EQ(0, ctl("destroy grown"));

	/* the arena gives back its newest chunks first: the other node's */
	ASSERT_EQ(0, write_file(ARENA_MB, "4"));
	EXPECT_EQ(0, node_managed(other));
	EXPECT_TRUE(wait_thread(comm, 0));
	snprintf(key, sizeof(key), "node %d kswapd none", other);
	ASSERT_EQ(0, read_into(TWIN "stats", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, key));
	snprintf(comm, sizeof(comm), "mmtwin_kswapd%d", first);
	EXPECT_TRUE(thread_runs(comm));

	ASSERT_EQ(0, reload_buddy(""));
}

TEST_HARNESS_MAIN
