// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_pgwalk under churn: walks of processes that map, unmap, mprotect,
 * fork, collapse THPs (anon and shmem, whose collapse retracts PTE tables
 * without the mmap lock), page out and exit while the twin reads their
 * page tables. Passes if every walk either succeeds or fails with ESRCH
 * (the target died), and the kernel did not WARN, oops or find a bad page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define DIR		"/sys/kernel/debug/mmtwin/pgwalk"
#define HPAGE		(2UL << 20)
/*
 * How long the churn runs: 4 s in make check (3500 to 5000 pagemap reads
 * and a dozen text walks on the TCG test VM); PGWALK_STRESS_SECONDS (up to
 * MAX_SECONDS) for a longer run.
 */
#define DEFAULT_SECONDS	4
#define MAX_SECONDS	120
#define NR_TARGETS	4

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

/* Taint bits that mean the kernel complained: BAD_PAGE, DIE, WARN. */
#define BAD_TAINTS	((1UL << 5) | (1UL << 7) | (1UL << 9))

static int stop;		/* read and set with __atomic builtins */
static pid_t targets[NR_TARGETS];

static unsigned long taint_flags(void)
{
	unsigned long t = 0;
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");

	if (f) {
		if (fscanf(f, "%lu", &t) != 1)
			t = 0;
		fclose(f);
	}
	return t;
}

static unsigned int churn_seconds(void)
{
	const char *env = getenv("PGWALK_STRESS_SECONDS");
	long s = env ? strtol(env, NULL, 10) : 0;

	return s > 0 && s <= MAX_SECONDS ? s : DEFAULT_SECONDS;
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return rand_r(seed) % n;
}

/* One round of churn in a target process. */
static void churn(unsigned int *seed, int fd)
{
	size_t len = (1 + rnd(seed, 3)) * HPAGE;
	char *p = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *f;

	if (p == MAP_FAILED)
		return;
	p = (char *)(((unsigned long)p + HPAGE - 1) & ~(HPAGE - 1));
	madvise(p, len, MADV_HUGEPAGE);
	memset(p, 1, len / 2);
	if (rnd(seed, 4) == 0)
		madvise(p, len, MADV_COLLAPSE);
	if (rnd(seed, 4) == 0)
		madvise(p, len / 2, MADV_PAGEOUT);
	mprotect(p + rnd(seed, 256) * 4096, 4096 * (1 + rnd(seed, 16)),
		 rnd(seed, 2) ? PROT_NONE : PROT_READ);
	if (rnd(seed, 3) == 0) {
		pid_t c = fork();

		if (c == 0) {
			p[0] = 2;	/* COW in the child, then exit */
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	f = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (f != MAP_FAILED) {
		f[rnd(seed, 64) * 4096] = 3;
		munmap(f, 64 * 4096);
	}
	madvise(p, len, MADV_DONTNEED);
	munmap(p, len);
}

/*
 * Collapse a shmem range into a THP, here or in a child that maps the same
 * memfd: khugepaged's collapse then retracts this process's PTE table
 * without its mmap lock (retract_page_tables(), pte_free_defer()), the
 * race the walker's RCU and PMD re-check are there for.
 */
static void shmem_collapse(unsigned int *seed, int mfd)
{
	char *raw = mmap(NULL, 2 * HPAGE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		return;
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	/* Small pages again, so that there is something to collapse. */
	fallocate(mfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HPAGE);
	if (mmap(p, HPAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 mfd, 0) == MAP_FAILED)
		goto out;
	madvise(p, HPAGE, MADV_HUGEPAGE);
	memset(p, 4, HPAGE);
	if (rnd(seed, 2)) {
		madvise(p, HPAGE, MADV_COLLAPSE);
	} else {
		pid_t c = fork();

		if (c == 0) {
			madvise(p, HPAGE, MADV_COLLAPSE);
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	p[rnd(seed, HPAGE)] = 5;
out:
	munmap(raw, 2 * HPAGE);
}

static void target_main(int id)
{
	unsigned int seed = getpid();
	char path[] = "/tmp/pgwalk-stress-XXXXXX";
	int fd = mkstemp(path);

	int mfd = memfd_create("pgwalk-stress", 0);

	unlink(path);
	if (fd < 0 || ftruncate(fd, 64 * 4096))
		_exit(1);
	if (mfd >= 0 && ftruncate(mfd, HPAGE))
		mfd = -1;
	/* Odd targets live briefly and are replaced: walks meet exits. */
	for (int i = 0; id % 2 == 0 || i < 6; i++) {
		churn(&seed, fd);
		if (mfd >= 0)
			shmem_collapse(&seed, mfd);
	}
	_exit(0);
}

static pid_t spawn(int id)
{
	pid_t pid = fork();

	if (pid == 0)
		target_main(id);
	return pid;
}

/* Keeps NR_TARGETS targets alive, replacing those that exit. */
static void *reaper(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (int i = 0; i < NR_TARGETS; i++) {
			if (waitpid(targets[i], NULL, WNOHANG) == targets[i])
				targets[i] = spawn(i);
		}
		usleep(10000);
	}
	return NULL;
}

struct stats {
	unsigned long walks, esrch, bad, retries;
	int bad_errno;
	const char *bad_what;
};

static void account(struct stats *s, long ret, const char *what)
{
	s->walks++;
	if (ret >= 0)
		return;
	if (errno == ESRCH) {
		s->esrch++;
		return;
	}
	s->bad++;
	s->bad_errno = errno;
	s->bad_what = what;
}

/* pagemap reads over a target's first 64 MiB of mappings. */
static void *pagemap_reader(void *arg)
{
	static uint64_t buf[8192];
	struct stats *s = arg;
	unsigned int seed = 1;
	char line[64];

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		pid_t pid = targets[rnd(&seed, NR_TARGETS)];
		int fd = open(DIR "/pagemap", O_RDWR);
		int n = snprintf(line, sizeof(line), "pid %d\n", pid);
		FILE *maps;
		unsigned long start, end;

		if (fd < 0)
			break;
		if (write(fd, line, n) != n) {
			account(s, -1, "pagemap target");
			close(fd);
			continue;
		}
		snprintf(line, sizeof(line), "/proc/%d/maps", pid);
		maps = fopen(line, "r");
		while (maps && fgets(line, sizeof(line), maps)) {
			if (sscanf(line, "%lx-%lx", &start, &end) != 2 ||
			    start >= 0x800000000000UL)
				continue;
			account(s, pread(fd, buf, sizeof(buf), start / 4096 * 8),
				"pagemap read");
		}
		if (maps)
			fclose(maps);
		close(fd);
	}
	return NULL;
}

static long read_file(const char *path)
{
	static char buf[1 << 16];
	long total = 0, n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

/* Reads the totals file; adds up its "retries" (PMD re-checks that failed). */
static long read_totals(struct stats *s)
{
	char line[128];
	long ret = 0;
	FILE *f = fopen(DIR "/totals", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "retries ", 8))
			s->retries += strtoul(line + 8, NULL, 10);
	if (ferror(f))
		ret = -1;
	fclose(f);
	return ret;
}

/* Text walks, totals and translations through the shared request file. */
static void *text_reader(void *arg)
{
	struct stats *s = arg;
	unsigned int seed = 2;
	char req[96];

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		pid_t pid = targets[rnd(&seed, NR_TARGETS)];
		int fd = open(DIR "/request", O_WRONLY);
		int n;

		if (fd < 0)
			break;
		switch (rnd(&seed, 3)) {
		case 0:
			n = snprintf(req, sizeof(req), "pid %d\n", pid);
			break;
		case 1:
			n = snprintf(req, sizeof(req), "pid %d 0x%lx 0x%lx\n", pid,
				     0x7f0000000000UL, 0x7ffffffff000UL);
			break;
		default:
			n = snprintf(req, sizeof(req), "pid %d addr 0x%lx\n", pid,
				     0x7f0000000000UL + rnd(&seed, 1 << 20) * 4096UL);
			break;
		}
		if (write(fd, req, n) != n) {
			account(s, -1, "request");
			close(fd);
			continue;
		}
		close(fd);
		account(s, read_totals(s), "totals");
		account(s, read_file(DIR "/walk"), "walk");
		if (rnd(&seed, 20) == 0)
			account(s, read_file(DIR "/kernel"), "kernel");
	}
	return NULL;
}

/*
 * The readers stop after churn_seconds(), but one may be in a kernel dump
 * then, which takes seconds on a KASAN kernel: the timeout leaves a
 * minute beyond MAX_SECONDS.
 */
FIXTURE(churn) {};
FIXTURE_SETUP(churn) {}
FIXTURE_TEARDOWN(churn) {}

TEST_F_TIMEOUT(churn, walks_under_churn, 180)
{
	unsigned long taint0 = taint_flags();
	struct stats pm = {}, text = {};
	pthread_t r, a, b;

	ASSERT_EQ(0, load_module("mmtwin_pgwalk"))
		TH_LOG("mmtwin_pgwalk will not load");
	for (int i = 0; i < NR_TARGETS; i++)
		targets[i] = spawn(i);
	ASSERT_EQ(0, pthread_create(&r, NULL, reaper, NULL));
	ASSERT_EQ(0, pthread_create(&a, NULL, pagemap_reader, &pm));
	ASSERT_EQ(0, pthread_create(&b, NULL, text_reader, &text));
	sleep(churn_seconds());
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_join(r, NULL);
	for (int i = 0; i < NR_TARGETS; i++) {
		kill(targets[i], SIGKILL);
		waitpid(targets[i], NULL, 0);
	}
	TH_LOG("pagemap reads %lu (ESRCH %lu), text walks %lu (ESRCH %lu), PMD re-checks that failed in totals walks: %lu",
	       pm.walks, pm.esrch, text.walks, text.esrch, text.retries);
	EXPECT_EQ(0UL, pm.bad) TH_LOG("%s: %s", pm.bad_what, strerror(pm.bad_errno));
	EXPECT_EQ(0UL, text.bad) TH_LOG("%s: %s", text.bad_what,
					strerror(text.bad_errno));
	EXPECT_LT(0UL, pm.walks);
	EXPECT_LT(0UL, text.walks);
	EXPECT_EQ(0UL, (taint_flags() & ~taint0) & BAD_TAINTS)
		TH_LOG("kernel tainted 0x%lx during the test", taint_flags());
}

/*
 * A target that maps 2 MiB of a memfd (aligned, MAP_SHARED), fills it
 * with small pages and collapses it into a THP, over and over: each
 * collapse retracts the PTE table (retract_page_tables()) without the mmap
 * lock. Tells the parent the address through @fd.
 */
static void collapser(int fd)
{
	int mfd = memfd_create("pgwalk-retry", 0);
	char *raw, *p;

	if (mfd < 0 || ftruncate(mfd, HPAGE))
		_exit(1);
	raw = mmap(NULL, 2 * HPAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		_exit(1);
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (mmap(p, HPAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 mfd, 0) == MAP_FAILED)
		_exit(1);
	madvise(p, HPAGE, MADV_HUGEPAGE);
	if (write(fd, &p, sizeof(p)) != sizeof(p))
		_exit(1);
	for (;;) {
		fallocate(mfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HPAGE);
		memset(p, 4, HPAGE);
		madvise(p, HPAGE, MADV_COLLAPSE);
	}
}

static long totals_retries(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen(DIR "/totals", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "retries ", 8))
			v = strtol(line + 8, NULL, 10);
	fclose(f);
	return v;
}

static int write_str(const char *path, const char *s)
{
	return write_file(path, s);
}

TEST(retry_path_runs)
{
	const char *knob = DIR "/test_widen_us";
	long retries = 0, walks = 0, r;
	char req[96];
	int pipefd[2];
	time_t end;
	pid_t child;
	char *p;

	ASSERT_EQ(0, load_module("mmtwin_pgwalk"))
		TH_LOG("mmtwin_pgwalk will not load");
	write_file("/dev/kmsg", "pgwalk_stress: retry_path_runs\n");
	if (access(knob, F_OK))
		SKIP(return, "no %s: the test knob is built with CONFIG_KUNIT", knob);
	ASSERT_EQ(-EINVAL, write_str(knob, "10001\n"));
	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		collapser(pipefd[1]);
	}
	ASSERT_EQ(sizeof(p), read(pipefd[0], &p, sizeof(p)));
	snprintf(req, sizeof(req), "pid %d %p %p\n", child, p, p + HPAGE);
	ASSERT_EQ(0, write_str(DIR "/request", req));
	ASSERT_EQ(0, write_str(knob, "2000\n"));
	for (end = time(NULL) + 60; time(NULL) < end && !retries; walks++) {
		r = totals_retries();
		if (r < 0)
			break;
		retries += r;
	}
	write_str(knob, "0\n");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	TH_LOG("%ld totals walks, %ld PMD re-reads", walks, retries);
	EXPECT_LT(0, retries);
}

TEST_HARNESS_MAIN
