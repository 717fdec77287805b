// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_tlb against the kernel: each test runs a workload whose TLB
 * flushes 6.12 decides in a known way, reads the kernel's tlb:tlb_flush
 * events from a tracefs instance, checks they are what arch/x86/mm/tlb.c
 * says, and fails on any disagreement the twin counted meanwhile.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define TWIN		"/sys/kernel/debug/mmtwin/tlb"
#define CEILING		"/sys/kernel/debug/x86/tlb_single_page_flush_ceiling"
#define INSTANCE	"/sys/kernel/tracing/instances/mmtwin_tlb_test"
#define NUMA_BALANCING	"/proc/sys/kernel/numa_balancing"
#define PG		4096UL
#define ALL		(-1L)

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

#define R_SWITCH	"flush on task switch"
#define R_REMOTE	"remote shootdown"
#define R_LOCAL		"local shootdown"
#define R_LOCAL_MM	"local mm shootdown"
#define R_IPI		"remote ipi send"

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The sum of one column of the twin's stats file over every row. */
static long long twin_column(const char *column)
{
	static const char *const cols[] = { "predicted", "observed", "agree",
					    "mismatch" };
	unsigned long long v[4];
	long long sum = 0;
	char line[256], name[64];
	int c;
	FILE *f = fopen(TWIN "/stats", "r");

	if (!f)
		return -1;
	for (c = 0; c < 4 && strcmp(cols[c], column); c++)
		;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu %llu %llu %llu", name, &v[0], &v[1],
			   &v[2], &v[3]) == 5)
			sum += v[c];
	fclose(f);
	return sum;
}

/* One cell of the stats file: @row's @col (0 predicted .. 3 mismatch). */
static long long twin_cell(const char *row, int col)
{
	unsigned long long v[4];
	char line[256], name[64];
	long long ret = -1;
	FILE *f = fopen(TWIN "/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu %llu %llu %llu", name, &v[0], &v[1],
			   &v[2], &v[3]) == 5 && !strcmp(name, row))
			ret = v[col];
	fclose(f);
	return ret;
}

/* A "name value" line of the stats file. */
static long long twin_misc(const char *key)
{
	char line[256], name[64];
	long long v, ret = -1;
	FILE *f = fopen(TWIN "/stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", name, &v) == 2 &&
		    !strchr(line + strlen(name) + 1, ' ') && !strcmp(name, key))
			ret = v;
	fclose(f);
	return ret;
}

/* Prints a debugfs file into the test's log, as TAP comments. */
static void dump(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		printf("# %s", line);
	if (f)
		fclose(f);
}

static int trace_start(void)
{
	mkdir(INSTANCE, 0700);
	if (write_file(INSTANCE "/events/tlb/tlb_flush/enable", "1"))
		return -1;
	close(open(INSTANCE "/trace", O_WRONLY | O_TRUNC));
	return write_file(INSTANCE "/tracing_on", "1");
}

/* Stops tracing; returns the instance's trace (malloc'd). */
static char *trace_take(void)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	write_file(INSTANCE "/tracing_on", "0");
	fd = open(INSTANCE "/trace", O_RDONLY);
	if (fd < 0 || !buf)
		return NULL;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/*
 * Counts tlb_flush events of @reason on @cpu (-1: any) from @pid (-1: any)
 * with @pages, or with any pages but @pages when @other.
 */
static int count(const char *trace, int pid, int cpu, const char *reason,
		 long pages, bool other)
{
	const char *line = trace;
	int n = 0;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *ev = strstr(line, "tlb_flush: pages:");
		const char *br = strstr(line, "[");
		const char *eol = strchr(line, '\n');
		const char *dash;
		char why[64];
		long p;
		int c;

		if (!ev || (eol && ev > eol) || !br || line[0] == '#')
			continue;
		if (sscanf(ev, "tlb_flush: pages:%ld reason:%63[^(]", &p, why) != 2)
			continue;
		why[strlen(why) - 1] = '\0';	/* the space before "(" */
		if (strcmp(why, reason) || sscanf(br, "[%d]", &c) != 1)
			continue;
		if (cpu >= 0 && c != cpu)
			continue;
		for (dash = br; dash > line && *dash != '-'; dash--)
			;
		if (pid >= 0 && atoi(dash + 1) != pid)
			continue;
		if ((p == pages) != other)
			n++;
	}
	return n;
}

/* The TLB shootdown interrupts @cpu has taken (/proc/interrupts "TLB:"). */
static long tlb_irqs(int cpu)
{
	char line[512], *p;
	long v = -1;
	int i;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && fgets(line, sizeof(line), f)) {
		p = strstr(line, "TLB:");
		if (!p)
			continue;
		p += 4;
		for (i = 0; i <= cpu; i++)
			v = strtol(p, &p, 10);
	}
	if (f)
		fclose(f);
	return v;
}

/* A second thread on CPU 1: spinning in user space, or blocked in read(). */
struct helper {
	pthread_t thread;
	int running, stop;	/* shared with the thread: atomics */
	bool block;
	int pipe[2];
	char *touch;
};

static void *helper_fn(void *arg)
{
	struct helper *h = arg;
	char c;

	pin(1);
	if (h->touch)
		(void)LOAD(*h->touch);
	STORE(h->running, 1);
	if (h->block) {
		while (read(h->pipe[0], &c, 1) == 1 && c != 'q')
			STORE(h->running, LOAD(h->running) + 1);
	} else {
		while (!LOAD(h->stop))
			;
	}
	return NULL;
}

static int helper_start(struct helper *h, bool block, void *touch)
{
	memset(h, 0, sizeof(*h));
	h->block = block;
	h->touch = touch;
	if (pipe(h->pipe) || pthread_create(&h->thread, NULL, helper_fn, h))
		return -1;
	while (!LOAD(h->running))
		sched_yield();
	if (block)
		usleep(200000);	/* until it sleeps and CPU 1 goes lazy */
	return 0;
}

static void helper_wake(struct helper *h)
{
	int before = LOAD(h->running);

	write(h->pipe[1], "w", 1);
	while (LOAD(h->running) == before)
		usleep(1000);
	usleep(100000);
}

static void helper_stop(struct helper *h)
{
	STORE(h->stop, 1);
	write(h->pipe[1], "q", 1);
	pthread_join(h->thread, NULL);
	close(h->pipe[0]);
	close(h->pipe[1]);
}

/*
 * The twin counts a CPU's decisions once it has seen that CPU switch to
 * another mm: a short-lived child on CPU 0 makes two such switches.
 */
static void sync_cpu0(void)
{
	pid_t child = fork();

	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
}

FIXTURE(tlb) {
	long long mismatch0;
	char numa_balancing[16];
};

FIXTURE_SETUP(tlb)
{
	int fd = open(NUMA_BALANCING, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, self->numa_balancing, 15);

	/*
	 * NUMA balancing's hinting faults change protections, and so flush,
	 * from the test's own task: off, so every flush here is the test's.
	 */
	self->numa_balancing[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	write_file(NUMA_BALANCING, "0");
	ASSERT_EQ(0, load_module("mmtwin_tlb"));
	ASSERT_EQ(0, write_file(TWIN "/enable", "1"));
	self->mismatch0 = twin_column("mismatch");
	ASSERT_EQ(0, self->mismatch0);
	pin(0);
	sync_cpu0();
}

/* Any disagreement while the test ran fails it; the log shows which. */
FIXTURE_TEARDOWN(tlb)
{
	long long mismatch = twin_column("mismatch");

	write_file(CEILING, "33");
	write_file(NUMA_BALANCING, self->numa_balancing);
	dump(TWIN "/stats");
	dump(TWIN "/mismatches");
	EXPECT_EQ(0, mismatch);
	EXPECT_EQ(0, twin_misc("layout_errors"));
	write_file(TWIN "/enable", "0");
}

/* Bad input to enable is refused, the twin stays armed. */
TEST_F(tlb, enable_validates)
{
	ASSERT_EQ(-ERANGE, write_file(TWIN "/enable", "2"));
	ASSERT_EQ(-EINVAL, write_file(TWIN "/enable", "on"));
	ASSERT_EQ(-EINVAL, write_file(TWIN "/enable", ""));
	ASSERT_EQ(0, write_file(TWIN "/enable", "1"));
	(void)map_prefaulted(1);
}

/* Unmaps @n pages from the middle of 64; returns the trace. */
static char *unmap_middle(size_t n)
{
	char *p = map_prefaulted(64);

	if (!p || trace_start())
		return NULL;
	munmap(p + 8 * PG, n * PG);
	return trace_take();
}

static void expect_local_flush(struct __test_metadata *_metadata, size_t n,
			       long ceiling)
{
	long want = (long)n > ceiling ? ALL : (long)n;
	char *t = unmap_middle(n);

	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, count(t, getpid(), 0, R_LOCAL_MM, want, false))
		TH_LOG("%zu pages, ceiling %ld: no local flush of %ld\n%s",
		       n, ceiling, want, t);
	/*
	 * Text patching (poking_mm, one or two pages) can run in this task
	 * too, e.g. when a tracepoint gains a probe: not the munmap's.
	 */
	EXPECT_EQ(0, count(t, getpid(), 0, R_LOCAL_MM, want, true) -
		     count(t, getpid(), 0, R_LOCAL_MM, 1, false) -
		     count(t, getpid(), 0, R_LOCAL_MM, 2, false))
		TH_LOG("%zu pages: other local flushes\n%s", n, t);
	free(t);
}

/* 1. Ranged up to the ceiling (33), full above; then with ceiling 10. */
TEST_F(tlb, munmap_ceiling)
{
	size_t n;

	for (n = 32; n <= 35; n++)
		expect_local_flush(_metadata, n, 33);
	ASSERT_EQ(0, write_file(CEILING, "10"));
	/* The twin saw the kernel's new ceiling as it was written. */
	ASSERT_EQ(10, twin_misc("ceiling"));
	for (n = 9; n <= 12; n++)
		expect_local_flush(_metadata, n, 10);
	ASSERT_EQ(0, write_file(CEILING, "33"));
	EXPECT_LE(8, twin_cell("local_mm_shootdown", 2));
	/* The ranged ones, counted as the kernel's nr_tlb_local_flush_one. */
	EXPECT_LE(32 + 33 + 9 + 10, twin_misc("nr_tlb_local_flush_one"));
}

/*
 * 2. CPU 1 runs the mm in user space: an IPI, a ranged remote flush.
 * Unless a kernel thread took CPU 1 just then (seen on Debian's kernel, a
 * kworker): the CPU is lazy, and the IPI only moves it to init_mm, with no
 * remote flush to trace. So without the ranged flush on CPU 1 the next 4
 * pages are unmapped, at most 5 tries; a kernel that never flushes there
 * still fails.
 */
TEST_F(tlb, ipi_to_running_cpu)
{
	char *p = map_prefaulted(64);
	struct helper h;
	int try;
	long irq0;
	char *t = NULL;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, helper_start(&h, false, p));
	for (try = 0; try < 5; try++) {
		free(t);
		irq0 = tlb_irqs(1);
		ASSERT_EQ(0, trace_start());
		munmap(p + (8 + 4 * try) * PG, 4 * PG);
		t = trace_take();
		if (!t || count(t, -1, 1, R_REMOTE, 4, false) == 1)
			break;
		TH_LOG("try %d: no ranged flush on CPU 1:\n%s", try, t);
	}
	helper_stop(&h);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, count(t, getpid(), 0, R_IPI, 4, false)) TH_LOG("%s", t);
	EXPECT_EQ(1, count(t, -1, 1, R_REMOTE, 4, false)) TH_LOG("%s", t);
	EXPECT_LE(irq0 + 1, tlb_irqs(1));
	EXPECT_LE(1, twin_cell("targets", 2));
	EXPECT_LE(1, twin_cell("remote_shootdown", 2));
	free(t);
}

/* 3. CPU 1 lazy in the mm: no IPI; it flushes when it switches back. */
TEST_F(tlb, lazy_cpu_skipped)
{
	char *p = map_prefaulted(64);
	struct helper h;
	long irq0;
	char *t;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, helper_start(&h, true, p));
	irq0 = tlb_irqs(1);
	ASSERT_EQ(0, trace_start());
	munmap(p + 8 * PG, 4 * PG);
	EXPECT_EQ(irq0, tlb_irqs(1));
	helper_wake(&h);
	t = trace_take();
	helper_stop(&h);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, count(t, -1, 1, R_REMOTE, 0, true)) TH_LOG("%s", t);
	EXPECT_LE(1, count(t, -1, 1, R_SWITCH, ALL, false)) TH_LOG("%s", t);
	free(t);
}

/* 3b. Freed page tables reach the lazy CPU, which leaves for init_mm. */
TEST_F(tlb, lazy_cpu_freed_tables)
{
	size_t huge = 2UL << 20;
	char *raw = mmap(NULL, 3 * huge, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
	struct helper h;
	size_t i;
	long irq0;
	char *t;

	ASSERT_NE(MAP_FAILED, raw);
	/* Alone in its 2 MiB: unmapping it frees its page table. */
	munmap(raw, p - raw);
	munmap(p + huge, raw + 3 * huge - (p + huge));
	madvise(p, huge, MADV_NOHUGEPAGE);
	for (i = 0; i < huge; i += PG)
		p[i] = 1;
	ASSERT_EQ(0, helper_start(&h, true, p));
	irq0 = tlb_irqs(1);
	ASSERT_EQ(0, trace_start());
	munmap(p, huge);
	t = trace_take();
	EXPECT_LE(irq0 + 1, tlb_irqs(1));
	helper_stop(&h);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, count(t, -1, 1, R_REMOTE, 0, true)) TH_LOG("%s", t);
	EXPECT_LE(1, count(t, -1, 1, R_SWITCH, ALL, false)) TH_LOG("%s", t);
	free(t);
}

/* 4. MADV_PAGEOUT with another CPU in the mask: a batched flush, mm NULL. */
TEST_F(tlb, pageout_batched)
{
	char *p = map_prefaulted(64);
	struct helper h;
	char *t;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, helper_start(&h, false, p));
	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, madvise(p, 64 * PG, MADV_PAGEOUT));
	t = trace_take();
	helper_stop(&h);
	ASSERT_NE(NULL, t);
	EXPECT_LE(1, count(t, getpid(), 0, R_LOCAL, ALL, false))
		TH_LOG("no batched local flush (is swap on?)\n%s", t);
	EXPECT_LE(1, count(t, getpid(), 0, R_IPI, ALL, false)) TH_LOG("%s", t);
	free(t);
}

/* 5. A THP: 1 (2 MiB stride) in the shootdowns, 512 in the IPI event. */
TEST_F(tlb, thp_strides)
{
	size_t huge = 2UL << 20;
	char *raw = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)(((unsigned long)raw + huge - 1) & ~(huge - 1));
	struct helper h;
	char *t;

	ASSERT_NE(MAP_FAILED, raw);
	ASSERT_EQ(0, madvise(p, huge, MADV_HUGEPAGE));
	memset(p, 1, huge);
	ASSERT_EQ(0, helper_start(&h, false, p));
	ASSERT_EQ(0, trace_start());
	ASSERT_EQ(0, madvise(p, huge, MADV_DONTNEED));
	t = trace_take();
	helper_stop(&h);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, count(t, getpid(), 0, R_IPI, 512, false)) TH_LOG("%s", t);
	EXPECT_EQ(1, count(t, getpid(), 0, R_LOCAL_MM, 1, false))
		TH_LOG("no THP? %s", t);
	EXPECT_EQ(1, count(t, -1, 1, R_REMOTE, 1, false)) TH_LOG("%s", t);
	free(t);
}

/* 6. Two processes ping-pong on CPU 0: without PCID every switch flushes. */
TEST_F(tlb, pingpong_switches)
{
	int ab[2], ba[2], i, rounds = 50, zero;
	long long agree0 = twin_cell("task_switch", 2);
	char c = 0, *t;
	pid_t child;

	ASSERT_EQ(0, pipe(ab));
	ASSERT_EQ(0, pipe(ba));
	ASSERT_EQ(0, trace_start());
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		for (i = 0; i < rounds; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < rounds; i++) {
		ASSERT_EQ(1, write(ab[1], &c, 1));
		ASSERT_EQ(1, read(ba[0], &c, 1));
	}
	waitpid(child, NULL, 0);
	t = trace_take();
	ASSERT_NE(NULL, t);
	zero = count(t, -1, 0, R_SWITCH, 0, false);
	EXPECT_EQ(0, zero) TH_LOG("a switch that kept the TLB without PCID");
	EXPECT_LE(2 * rounds, count(t, -1, 0, R_SWITCH, ALL, false));
	EXPECT_LE(agree0 + 2 * rounds, twin_cell("task_switch", 2));
	free(t);
}

/* A /proc/vmstat counter, or -1 when the kernel has none of that name. */
static long long read_vmstat(const char *key)
{
	char line[256], name[64];
	long long v, ret = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", name, &v) == 2 &&
		    !strcmp(name, key))
			ret = v;
	if (f)
		fclose(f);
	return ret;
}

static const char *const tlb_vmstat[] = {
	"nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
	"nr_tlb_local_flush_all",
};

/*
 * The nr_tlb_* counters move exactly as the twin predicts: remote flushes
 * sent and received, and full local flushes. (nr_tlb_local_flush_one also
 * counts flush_tlb_one_kernel() callers the twin does not watch.)
 */
TEST_F(tlb, vmstat_counters)
{
	long long kern0[3], twin0[3], kone0, tone0, kone, tone;
	struct helper h;
	char *p, *t;
	int i;

	if (read_vmstat("nr_tlb_remote_flush") < 0)
		SKIP(return, "no nr_tlb_* in /proc/vmstat: CONFIG_DEBUG_TLBFLUSH is off");
	p = map_prefaulted(128);
	ASSERT_NE(NULL, p);
	/*
	 * The snapshots once before the helper runs: each test is a fork of
	 * the harness, and the first writes of these reads to a stack or heap
	 * page break COW. A COW fault flushes, with an IPI once the helper
	 * runs on CPU 1: between the kernel's snapshot and the twin's it
	 * counts on one side only.
	 */
	for (i = 0; i < 3; i++) {
		kern0[i] = read_vmstat(tlb_vmstat[i]);
		twin0[i] = twin_misc(tlb_vmstat[i]);
	}
	ASSERT_EQ(0, helper_start(&h, false, p));
	for (i = 0; i < 3; i++) {
		kern0[i] = read_vmstat(tlb_vmstat[i]);
		twin0[i] = twin_misc(tlb_vmstat[i]);
	}
	kone0 = read_vmstat("nr_tlb_local_flush_one");
	tone0 = twin_misc("nr_tlb_local_flush_one");
	ASSERT_EQ(0, trace_start());
	munmap(p + 8 * PG, 4 * PG);
	munmap(p + 16 * PG, 40 * PG);
	helper_stop(&h);
	munmap(p + 64 * PG, 40 * PG);
	t = trace_take();
	ASSERT_NE(NULL, t);
	for (i = 0; i < 3; i++) {
		long long kd = read_vmstat(tlb_vmstat[i]) - kern0[i];
		long long td = twin_misc(tlb_vmstat[i]) - twin0[i];

		EXPECT_EQ(kd, td) TH_LOG("%s: kernel +%lld, twin +%lld; %d ipi sends traced: %s",
					 tlb_vmstat[i], kd, td,
					 count(t, -1, -1, R_IPI, 0, true) +
					 count(t, -1, -1, R_IPI, 0, false), t);
		EXPECT_LT(0, kd) TH_LOG("%s did not move", tlb_vmstat[i]);
	}
	free(t);
	/* The 4-page flush at least; the kernel's also counts others. */
	tone = twin_misc("nr_tlb_local_flush_one") - tone0;
	kone = read_vmstat("nr_tlb_local_flush_one") - kone0;
	EXPECT_LE(4, tone);
	EXPECT_LE(tone, kone) TH_LOG("twin +%lld, kernel +%lld", tone, kone);
}

TEST_HARNESS_MAIN
