// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_pgwalk against the kernel's own answer: for each kind of mapping
 * the twin's pagemap records must equal /proc/PID/pagemap's bit for bit,
 * and its totals must equal what status and smaps_rollup say.
 *
 * A comparison reads pagemap, then the twin, then pagemap again; only if
 * the two kernel reads agree (nothing moved underneath, e.g. NUMA
 * balancing or khugepaged) is the twin held to them, else it retries.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmtwin_selftest.h"

#define DIR		"/sys/kernel/debug/mmtwin/pgwalk"
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_FILE		(1ULL << 61)
#define PM_UFFD_WP	(1ULL << 57)
#define PM_EXCLUSIVE	(1ULL << 56)
#define PM_SOFT_DIRTY	(1ULL << 55)
#define PM_PFN		((1ULL << 55) - 1)
#define HPAGE		(2UL << 20)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static long psize;

static bool have_twin(void)
{
	return access(DIR "/pagemap", F_OK) == 0;
}

static void __attribute__((constructor)) init_psize(void)
{
	psize = sysconf(_SC_PAGESIZE);
}

/* Reads that the compiler must keep: their sum is stored globally. */
static long read_sum;

static void read_page(const char *p)
{
	read_sum += *p;
}

/* The twin's pagemap file aimed at @pid, or -errno. */
static int twin_open(pid_t pid)
{
	char buf[32];
	int fd = open(DIR "/pagemap", O_RDWR);
	int n;

	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "pid %d\n", pid);
	if (write(fd, buf, n) != n) {
		n = -errno;
		close(fd);
		return n;
	}
	return fd;
}

static int proc_open(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	return open(path, O_RDONLY);
}

static ssize_t read_records(int fd, unsigned long start, size_t n, uint64_t *buf)
{
	return pread(fd, buf, n * 8, start / psize * 8);
}

/*
 * Compare @n records from @start of @pid. Returns the index of the first
 * difference or -1 if equal; *kv and *tv get the two values there.
 */
static long compare_once(pid_t pid, unsigned long start, size_t n,
			 uint64_t *kv, uint64_t *tv, int *unstable)
{
	uint64_t *a = calloc(n, 8), *b = calloc(n, 8), *c = calloc(n, 8);
	int pfd = proc_open(pid), tfd = twin_open(pid);
	long diff = -1;
	size_t i;

	*unstable = 0;
	if (!a || !b || !c || pfd < 0 || tfd < 0) {
		diff = -2;
		goto out;
	}
	if (read_records(pfd, start, n, a) != (ssize_t)(n * 8) ||
	    read_records(tfd, start, n, b) != (ssize_t)(n * 8) ||
	    read_records(pfd, start, n, c) != (ssize_t)(n * 8)) {
		diff = -2;
		goto out;
	}
	if (memcmp(a, c, n * 8)) {
		*unstable = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (a[i] != b[i]) {
			diff = i;
			*kv = a[i];
			*tv = b[i];
			break;
		}
	}
out:
	if (pfd >= 0)
		close(pfd);
	if (tfd >= 0)
		close(tfd);
	free(a);
	free(b);
	free(c);
	return diff;
}

/* 0 if the twin agrees with pagemap on [start, start + n pages). */
static int compare(struct __test_metadata *_metadata, pid_t pid,
		   unsigned long start, size_t n, const char *what)
{
	uint64_t kv = 0, tv = 0;
	int tries, unstable;
	long d = -1;

	for (tries = 0; tries < 5; tries++) {
		d = compare_once(pid, start, n, &kv, &tv, &unstable);
		if (!unstable)
			break;
	}
	if (d == -2) {
		TH_LOG("%s: reading the records failed: %s", what, strerror(errno));
		return -1;
	}
	if (unstable) {
		TH_LOG("%s: pagemap kept changing, not compared", what);
		return 0;
	}
	if (d >= 0) {
		TH_LOG("%s: page %ld (0x%lx): pagemap 0x%016" PRIx64
		       " twin 0x%016" PRIx64, what, d, start + d * psize, kv, tv);
		return -1;
	}
	return 0;
}

/* The pagemap record of one address of this process. */
static uint64_t record_of(void *addr)
{
	uint64_t v = 0;
	int fd = proc_open(getpid());

	if (fd >= 0) {
		read_records(fd, (unsigned long)addr, 1, &v);
		close(fd);
	}
	return v;
}

static char *map_anon(size_t len, int prot)
{
	char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

TEST(anon_touched_and_untouched)
{
	size_t n = 64, i;
	char *p;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "untouched"));
	for (i = 0; i < n; i += 2)
		p[i * psize] = 1;		/* written: its own page */
	for (i = 1; i < n; i += 4)
		read_page(p + i * psize);	/* read: the shared zero page */
	EXPECT_TRUE(!!(record_of(p) & PM_PRESENT));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "touched"));
	munmap(p, n * psize);
}

static int temp_file(size_t len)
{
	char path[] = "/tmp/pgwalk-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (ftruncate(fd, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void file_case(struct __test_metadata *_metadata, int flags,
		      const char *name)
{
	size_t n = 32, i;
	char what[64];
	int fd = temp_file(n * psize);
	char *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, n * psize, PROT_READ | PROT_WRITE, flags, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i += 2)
		read_page(p + i * psize);
	snprintf(what, sizeof(what), "%s before write", name);
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, what));
	EXPECT_TRUE(!!(record_of(p) & PM_FILE));
	for (i = 0; i < n; i += 4)
		p[i * psize] = 1;
	snprintf(what, sizeof(what), "%s after write", name);
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, what));
	munmap(p, n * psize);
	close(fd);
}

TEST(file_private_and_shared)
{
	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	file_case(_metadata, MAP_PRIVATE, "private");
	file_case(_metadata, MAP_SHARED, "shared");
}

TEST(shared_anon)
{
	size_t n = 16, i;
	char *p;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	p = mmap(NULL, n * psize, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i += 3)
		p[i * psize] = 1;
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "shmem"));
	munmap(p, n * psize);
}

/* A 2 MiB-aligned anonymous region of @len bytes. */
static char *map_aligned(size_t len)
{
	char *raw = map_anon(len + HPAGE, PROT_READ | PROT_WRITE);
	char *p;

	if (!raw)
		return NULL;
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + len, raw + HPAGE - p);
	return p;
}

static bool thp_enabled(void)
{
	char buf[128] = "";
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);

	if (fd < 0)
		return false;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return !strstr(buf, "[never]");
}

TEST(thp)
{
	size_t len = 2 * HPAGE;
	uint64_t a, b;
	char *p;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	if (!thp_enabled())
		SKIP(return, "THP disabled");
	p = map_aligned(len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, len, MADV_HUGEPAGE));
	memset(p, 1, len);
	a = record_of(p);
	b = record_of(p + HPAGE - psize);
	/* A PMD mapping gives 512 consecutive PFNs. */
	if (!(a & PM_PRESENT) || (b & PM_PFN) != (a & PM_PFN) + HPAGE / psize - 1)
		TH_LOG("first 2 MiB not PMD-mapped (no THP available?)");
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p,
			     len / psize, "THP"));
	/* Split the second one's mapping: PTE-mapped THP. */
	ASSERT_EQ(0, mprotect(p + HPAGE + 4 * psize, psize, PROT_READ));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p,
			     len / psize, "PTE-mapped THP"));
	munmap(p, len);
}

TEST(mprotect_and_prot_none)
{
	size_t n = 32;
	char *p;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	memset(p, 2, n * psize);
	ASSERT_EQ(0, mprotect(p, 8 * psize, PROT_READ));
	ASSERT_EQ(0, mprotect(p + 8 * psize, 8 * psize, PROT_NONE));
	ASSERT_EQ(0, mprotect(p + 16 * psize, 8 * psize, PROT_READ | PROT_EXEC));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "mprotect"));
	/* PROT_NONE pages stay present in pagemap. */
	EXPECT_TRUE(!!(record_of(p + 8 * psize) & PM_PRESENT));
	munmap(p, n * psize);
}

/* A child that touches nothing and waits; its pages are shared COW. */
TEST(fork_cow)
{
	size_t n = 32;
	int pipefd[2];
	pid_t child;
	char *p, c;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	memset(p, 3, n * psize);
	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) == 1)	/* step 1: write some */
			memset(p, 4, 4 * psize);
		if (read(pipefd[0], &c, 1) < 0)		/* step 2: exit */
			_exit(1);
		_exit(0);
	}
	close(pipefd[0]);
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "parent, shared"));
	EXPECT_EQ(0, compare(_metadata, child, (unsigned long)p, n, "child, shared"));
	EXPECT_FALSE(!!(record_of(p) & PM_EXCLUSIVE));
	ASSERT_EQ(1, write(pipefd[1], "w", 1));
	usleep(100000);
	EXPECT_EQ(0, compare(_metadata, child, (unsigned long)p, n, "child, after COW"));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "parent, after COW"));
	ASSERT_EQ(1, write(pipefd[1], "x", 1));
	close(pipefd[1]);
	waitpid(child, NULL, 0);
	munmap(p, n * psize);
}

TEST(swapped_out)
{
	size_t n = 64, i, swapped = 0;
	char *p;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		p[i * psize] = i + 1;
	if (madvise(p, n * psize, MADV_PAGEOUT))
		SKIP(goto out, "MADV_PAGEOUT: %s", strerror(errno));
	for (i = 0; i < n; i++)
		swapped += !!(record_of(p + i * psize) & PM_SWAP);
	if (!swapped)
		SKIP(goto out, "nothing swapped out (no swap?)");
	TH_LOG("%zu of %zu pages swapped out", swapped, n);
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "swapped"));
	/* Bring half back: swap cache pages, swap entries, fresh pages. */
	for (i = 0; i < n; i += 2)
		p[i * psize] += 1;
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "half swapped in"));
out:
	munmap(p, n * psize);
}

static int write_clear_refs(pid_t pid, const char *val)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/clear_refs", pid);
	return write_file(path, val);
}

TEST(soft_dirty)
{
	size_t n = 32, i;
	char *p;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	memset(p, 5, n * psize);
	if (write_clear_refs(getpid(), "4"))
		SKIP(goto out, "clear_refs 4 (soft-dirty) not supported");
	if (record_of(p) & PM_SOFT_DIRTY)
		SKIP(goto out, "soft-dirty not cleared (no CONFIG_MEM_SOFT_DIRTY?)");
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "clean"));
	for (i = 0; i < n; i += 3)
		p[i * psize] = 6;
	EXPECT_TRUE(!!(record_of(p) & PM_SOFT_DIRTY));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "re-dirtied"));
out:
	munmap(p, n * psize);
}

/* Reads past the task size and in the unmapped low space are like pagemap. */
TEST(unmapped_and_edges)
{
	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	EXPECT_EQ(0, compare(_metadata, getpid(), 0, 512, "page 0"));
	EXPECT_EQ(0, compare(_metadata, getpid(), 0x10000000000UL, 1024, "hole"));
}

/* Writes a request; returns 0 or -errno. */
static int send_request(const char *s)
{
	return write_file(DIR "/request", s);
}

TEST(request_errors)
{
	char buf[64];
	pid_t child;
	int fd;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	EXPECT_EQ(-EINVAL, send_request("bogus\n"));
	EXPECT_EQ(-EINVAL, send_request("pid\n"));
	EXPECT_EQ(-EINVAL, send_request("pid -1\n"));
	EXPECT_EQ(-EINVAL, send_request("pid 1 2 3 4\n"));
	EXPECT_EQ(-EINVAL, send_request("pid 1 addr\n"));
	EXPECT_EQ(-EINVAL, send_request("pid 1 0x2000 0x1000\n"));	/* reversed */
	EXPECT_EQ(-EINVAL, send_request("pid 1 0x1000 0x1000\n"));	/* empty */
	EXPECT_EQ(-EINVAL, send_request("pid 1 0 0xffffffffffffffff\n"));
	EXPECT_EQ(-EINVAL, send_request("pid 2\n"));	/* kthreadd: no mm */
	EXPECT_EQ(-ESRCH, send_request("pid 4194303\n"));
	EXPECT_EQ(0, send_request("pid 1 0x0 0x1000\n"));

	/* A process that died after it was chosen. */
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		pause();
		_exit(0);
	}
	fd = twin_open(child);
	ASSERT_LE(0, fd);
	snprintf(buf, sizeof(buf), "pid %d\n", child);
	EXPECT_EQ(0, send_request(buf));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	EXPECT_EQ(-1, pread(fd, buf, 8, 0));
	EXPECT_EQ(ESRCH, errno);
	close(fd);
	fd = open(DIR "/walk", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ESRCH, errno);
	close(fd);

	/* pagemap's own rules: unaligned position or size. */
	fd = twin_open(getpid());
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, pread(fd, buf, 7, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(fd, buf, 8, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, pread(fd, buf, 8, 1UL << 60));	/* past the task size */
	close(fd);
}

TEST(files_are_root_only)
{
	static const char * const files[] = {
		"request", "walk", "totals", "pagemap", "kernel"
	};
	struct stat st;
	size_t i;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char path[128];

		snprintf(path, sizeof(path), DIR "/%s", files[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(0U, st.st_mode & 0077) TH_LOG("%s mode %o", path,
						       st.st_mode & 07777);
		EXPECT_EQ(0U, st.st_uid);
	}
}

/* "key value" lines of @path: the value of @key, in its own units. */
static long field(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) &&
		    (line[klen] == ':' || line[klen] == ' ')) {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static long proc_field(pid_t pid, const char *file, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return field(path, key);
}

/* A child with a bit of everything, stopped while we look at it. */
static pid_t busy_child(int fd)
{
	int pipefd[2];
	pid_t child;
	char c;

	if (pipe(pipefd))
		return -1;
	child = fork();
	if (child == 0) {
		char *a = map_anon(4 << 20, PROT_READ | PROT_WRITE);
		char *t = map_aligned(4 * HPAGE);
		char *f = fd >= 0 ? mmap(NULL, 16 * psize, PROT_READ,
					 MAP_PRIVATE, fd, 0) : MAP_FAILED;

		if (a) {
			memset(a, 1, 3 << 20);
			/* Some swap, when there is swap. */
			madvise(a + (2 << 20), 1 << 20, MADV_PAGEOUT);
		}
		if (t) {
			madvise(t, 4 * HPAGE, MADV_HUGEPAGE);
			memset(t, 1, 3 * HPAGE);
		}
		if (f != MAP_FAILED) {
			read_page(f);
			read_page(f + 5 * psize);
		}
			close(pipefd[0]);
		c = 'r';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	if (child > 0 && read(pipefd[0], &c, 1) != 1) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	close(pipefd[0]);
	return child;
}

TEST(whole_address_space_of_a_child)
{
	unsigned long start, end;
	char path[64], line[512];
	int fd, vmas = 0;
	pid_t child;
	FILE *maps;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	fd = temp_file(16 * psize);
	child = busy_child(fd);
	ASSERT_LT(0, child);
	snprintf(path, sizeof(path), "/proc/%d/maps", child);
	maps = fopen(path, "r");
	ASSERT_NE(NULL, maps);
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		if (start >= 0x800000000000UL)	/* [vsyscall]: beyond task size */
			continue;
		vmas++;
		/* The VMA and one page of the gap before it. */
		if (start >= (unsigned long)psize)
			start -= psize;
		EXPECT_EQ(0, compare(_metadata, child, start, (end - start) / psize,
				     line));
	}
	fclose(maps);
	TH_LOG("%d VMAs compared", vmas);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(fd);
}

struct totals {
	long rss, anon_huge, swap, pte;
};

static int read_totals(pid_t pid, struct totals *tw, struct totals *k)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "pid %d\n", pid);
	if (send_request(buf))
		return -1;
	k->rss = proc_field(pid, "smaps_rollup", "Rss");
	k->anon_huge = proc_field(pid, "smaps_rollup", "AnonHugePages");
	k->swap = proc_field(pid, "smaps_rollup", "Swap");
	k->pte = proc_field(pid, "status", "VmPTE");
	tw->rss = field(DIR "/totals", "rss_kb");
	tw->anon_huge = field(DIR "/totals", "anon_huge_kb");
	tw->swap = field(DIR "/totals", "swap_kb");
	tw->pte = field(DIR "/totals", "pgtables_kb");
	return 0;
}

TEST(totals_match_status_and_smaps)
{
	struct totals tw, k;
	int tries, fd;
	pid_t child;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	fd = temp_file(16 * psize);
	child = busy_child(fd);
	ASSERT_LT(0, child);
	for (tries = 0; tries < 3; tries++) {
		ASSERT_EQ(0, read_totals(child, &tw, &k));
		if (!memcmp(&tw, &k, sizeof(tw)))
			break;
		usleep(200000);
	}
	TH_LOG("Rss %ld/%ld kB, AnonHugePages %ld/%ld kB, Swap %ld/%ld kB, VmPTE %ld/%ld kB (kernel/twin)",
	       k.rss, tw.rss, k.anon_huge, tw.anon_huge, k.swap, tw.swap,
	       k.pte, tw.pte);
	EXPECT_EQ(k.rss, tw.rss);
	EXPECT_EQ(k.anon_huge, tw.anon_huge);
	EXPECT_EQ(k.swap, tw.swap);
	EXPECT_EQ(k.pte, tw.pte);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(fd);
}

/* The translation of an address names the page pagemap names. */
TEST(translation_trace)
{
	char buf[4096], req[96], want[64];
	uint64_t rec;
	ssize_t len;
	char *p;
	int fd;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	p = map_anon(psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	p[0] = 1;
	rec = record_of(p);
	snprintf(req, sizeof(req), "pid %d addr %p\n", getpid(), p + 123);
	ASSERT_EQ(0, send_request(req));
	fd = open(DIR "/walk", O_RDONLY);
	ASSERT_LE(0, fd);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, len);
	buf[len] = '\0';
	snprintf(want, sizeof(want), "phys 0x%" PRIx64 " ",
		 (uint64_t)((rec & PM_PFN) * psize + 123));
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("want '%s' in:\n%s", want, buf);
	EXPECT_NE(NULL, strstr(buf, "pte[")) TH_LOG("%s", buf);
	TH_LOG("%s", buf);
	munmap(p, psize);
}

static char *slurp(const char *path, size_t *lenp)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			char *bigger = realloc(buf, 2 * cap + 1);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* The next "---[ name ]---" section of a dump: [*sp, return value). */
static const char *next_section(const char *sp)
{
	const char *e = strstr(sp + 1, "---[ ");

	return e ? e : sp + strlen(sp);
}

static bool same_span(const char *a, const char *ae, const char *b, const char *be)
{
	return ae - a == be - b && !memcmp(a, b, ae - a);
}

/*
 * Compare the twin's dump @tw with ptdump's @k1 section by section. A
 * section that differs counts only if ptdump's own second read @k2 agrees
 * with its first there: with DEBUG_PAGEALLOC the direct map changes with
 * every allocation, and a read takes seconds. Returns the number of
 * sections that differ; *compared and *unstable count the others.
 */
static int compare_dumps(struct __test_metadata *_metadata, const char *k1,
			 const char *k2, const char *tw, int *compared,
			 int *unstable)
{
	int bad = 0;

	*compared = *unstable = 0;
	while (*k1 && *k2 && *tw) {
		const char *e1 = next_section(k1), *e2 = next_section(k2);
		const char *et = next_section(tw);

		if (same_span(k1, e1, tw, et)) {
			(*compared)++;
		} else if (!same_span(k1, e1, k2, e2)) {
			(*unstable)++;
		} else {
			bad++;
			TH_LOG("section differs:\nptdump:\n%.*s\ntwin:\n%.*s",
			       (int)(e1 - k1 < 2000 ? e1 - k1 : 2000), k1,
			       (int)(et - tw < 2000 ? et - tw : 2000), tw);
		}
		k1 = e1;
		k2 = e2;
		tw = et;
	}
	if (*k1 || *tw) {
		bad++;
		TH_LOG("the dumps have different sections");
	}
	return bad;
}

FIXTURE(kdump) {};
FIXTURE_SETUP(kdump) {}
FIXTURE_TEARDOWN(kdump) {}

/*
 * The kernel's tables, as the twin lays them out, equal ptdump's. Read
 * from this one process: every reader has its own vmalloc'ed stack. On
 * debug kernels (KASAN, DEBUG_PAGEALLOC) a ptdump read takes tens of
 * seconds, hence the timeout.
 */
TEST_F_TIMEOUT(kdump, kernel_tables_like_ptdump, 600)
{
	const char *ptdump = "/sys/kernel/debug/page_tables/kernel";
	int tries, bad = -1, compared = 0, unstable = 0;
	size_t len;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	if (access(ptdump, R_OK))
		SKIP(return, "no %s (CONFIG_PTDUMP_DEBUGFS)", ptdump);
	for (tries = 0; tries < 3 && bad; tries++) {
		char *k1 = slurp(ptdump, &len);
		char *tw = slurp(DIR "/kernel", &len);
		char *k2 = slurp(ptdump, &len);

		ASSERT_NE(NULL, k1);
		ASSERT_NE(NULL, tw);
		ASSERT_NE(NULL, k2);
		bad = compare_dumps(_metadata, k1, k2, tw, &compared, &unstable);
		free(k1);
		free(tw);
		free(k2);
	}
	TH_LOG("%d sections identical, %d changing under ptdump itself (not compared)",
	       compared, unstable);
	EXPECT_EQ(0, bad);
	EXPECT_LT(0, compared);
}

static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || ret ? -1 : 0;
}

#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"

/* hugetlb pages, private and shared: one entry per 2 MiB at the PMD. */
TEST(hugetlb)
{
	long old = read_long(NR_HUGEPAGES);
	size_t len = 2 * HPAGE;
	char *priv, *shared;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	if (old < 0 || write_long(NR_HUGEPAGES, old + 4) ||
	    read_long(NR_HUGEPAGES) < old + 4) {
		write_long(NR_HUGEPAGES, old);
		SKIP(return, "cannot reserve hugetlb pages");
	}
	priv = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	shared = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (priv == MAP_FAILED || shared == MAP_FAILED) {
		write_long(NR_HUGEPAGES, old);
		SKIP(return, "MAP_HUGETLB failed");
	}
	memset(priv, 1, HPAGE);		/* the second stays empty */
	memset(shared, 1, len);
	EXPECT_TRUE(!!(record_of(priv) & PM_PRESENT));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)priv,
			     len / psize, "hugetlb private"));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)shared,
			     len / psize, "hugetlb shared"));
	munmap(priv, len);
	munmap(shared, len);
	write_long(NR_HUGEPAGES, old);
}

/*
 * userfaultfd write-protect: present pages get the uffd-wp bit; with
 * UFFD_FEATURE_WP_UNPOPULATED empty ones get a PTE marker, which pagemap
 * reports as a swap-type entry with the uffd-wp bit.
 */
TEST(uffd_wp)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {};
	struct uffdio_writeprotect wp = {};
	size_t n = 32, i;
	char *p;
	int uffd;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
#ifdef UFFD_FEATURE_WP_UNPOPULATED
	api.features = UFFD_FEATURE_WP_UNPOPULATED;
#endif
	if (ioctl(uffd, UFFDIO_API, &api)) {
		api.features = 0;
		close(uffd);
		uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
		if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
			SKIP(return, "UFFDIO_API failed");
	}
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i += 2)
		p[i * psize] = 1;
	reg.range.start = (unsigned long)p;
	reg.range.len = n * psize;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		close(uffd);
		SKIP(goto out, "UFFDIO_REGISTER_MODE_WP: %s", strerror(errno));
	}
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	EXPECT_TRUE(!!(record_of(p) & PM_UFFD_WP));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n, "uffd-wp"));
	close(uffd);
out:
	munmap(p, n * psize);
}

/* lib/test_hmm_uapi.h (CONFIG_TEST_HMM): a fake device with private memory. */
struct hmm_dmirror_cmd {
	uint64_t addr, ptr, npages, cpages, faults;
};

#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_EXCLUSIVE		_IOWR('H', 0x05, struct hmm_dmirror_cmd)

static int hmm_cmd(int fd, unsigned long req, char *p, void *mirror, size_t n)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (unsigned long)p, .ptr = (unsigned long)mirror, .npages = n,
	};
	int ret;

	do {
		ret = ioctl(fd, req, &cmd);
	} while (ret && errno == EINTR);
	return ret ? -errno : (int)cmd.cpages;
}

/*
 * Pages moved into (fake) device memory become device-private swap-type
 * entries; pages a device holds exclusively, device-exclusive entries.
 */
TEST(device_private_and_exclusive)
{
	size_t n = 16;
	char *p, *q, *mirror;
	int fd, moved;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	fd = open("/dev/hmm_dmirror0", O_RDWR);
	if (fd < 0 && system("modprobe test_hmm 2>/dev/null") == 0)
		fd = open("/dev/hmm_dmirror0", O_RDWR);
	if (fd < 0)
		SKIP(return, "no /dev/hmm_dmirror0 (CONFIG_TEST_HMM)");
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	q = map_anon(n * psize, PROT_READ | PROT_WRITE);
	mirror = malloc(n * psize);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	ASSERT_NE(NULL, mirror);
	memset(p, 1, n * psize);
	memset(q, 1, n * psize);

	moved = hmm_cmd(fd, HMM_DMIRROR_MIGRATE_TO_DEV, p, mirror, n);
	TH_LOG("%d of %zu pages moved to device memory", moved, n);
	if (moved > 0) {
		EXPECT_TRUE(!!(record_of(p) & PM_SWAP));
		EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n,
				     "device private"));
	}
	moved = hmm_cmd(fd, HMM_DMIRROR_EXCLUSIVE, q, mirror, n);
	TH_LOG("%d of %zu pages made device-exclusive", moved, n);
	if (moved > 0)
		EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)q, n,
				     "device exclusive"));
	munmap(p, n * psize);
	munmap(q, n * psize);
	free(mirror);
	close(fd);
}

/* The text walk of a THP shows one PMD line; of page 0, "unmapped". */
TEST(text_walk)
{
	char req[128], *text;
	uint64_t a, b;
	size_t len;
	char *p;

	if (!have_twin())
		SKIP(return, "mmtwin_pgwalk not loaded");
	if (!thp_enabled())
		SKIP(return, "THP disabled");
	p = map_aligned(HPAGE + 4 * psize);
	ASSERT_NE(NULL, p);
	madvise(p, HPAGE, MADV_HUGEPAGE);
	memset(p, 1, HPAGE + 2 * psize);
	a = record_of(p);
	b = record_of(p + HPAGE - psize);
	snprintf(req, sizeof(req), "pid %d %p %p\n", getpid(), p,
		 p + HPAGE + 4 * psize);
	ASSERT_EQ(0, send_request(req));
	text = slurp(DIR "/walk", &len);
	ASSERT_NE(NULL, text);
	TH_LOG("%s", text);
	if ((b & PM_PFN) == (a & PM_PFN) + HPAGE / psize - 1)
		EXPECT_NE(NULL, strstr(text, "      512 pmd present          pfn "));
	EXPECT_NE(NULL, strstr(text, " pte present "));
	EXPECT_NE(NULL, strstr(text, " pte none "));
	free(text);
	munmap(p, HPAGE + 4 * psize);

	/* Below mmap_min_addr nothing is ever mapped. */
	snprintf(req, sizeof(req), "pid %d 0x0 0x4000\n", getpid());
	ASSERT_EQ(0, send_request(req));
	text = slurp(DIR "/walk", &len);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "        4 pgd unmapped ")) TH_LOG("%s", text);
	free(text);
}

TEST_HARNESS_MAIN
