// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin_pgwalk against the kernel's own answer: for each kind of mapping
 * the twin's pagemap records must equal /proc/PID/pagemap's bit for bit,
 * and its totals must equal what status and smaps_rollup say.
 *
 * A comparison stops the target (SIGSTOP; not when it is this process),
 * reads pagemap, then the twin, then pagemap again. The two kernel reads
 * must agree (the kernel may still move pages of a stopped process:
 * khugepaged, NUMA balancing, KSM); if they never do in five tries, the
 * comparison fails: a test that cannot get a stable reading proves nothing.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/capability.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
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
/* Debian 12's userspace headers are 6.1's: newer uapi values, by hand. */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE	(1 << 1)
#endif

static long psize;

/*
 * A test loads what it tests, and fails if it will not load: 0 or -1.
 * It also names itself in the kernel log, so that a console shows which
 * test was running when something went wrong in the kernel.
 */
static int load_twin(const char *test)
{
	FILE *kmsg = fopen("/dev/kmsg", "w");

	if (kmsg) {
		fprintf(kmsg, "pgwalk_test: %s\n", test);
		fclose(kmsg);
	}
	if (load_module("mmtwin_pgwalk")) {
		fprintf(stderr, "# mmtwin_pgwalk will not load\n");
		return -1;
	}
	return 0;
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

/*
 * fork() for helpers of a test: the child dies with the test (a test
 * that stops on a failed assertion must not leave a child behind, holding
 * the runner's output pipe open and the runner waiting for its end).
 */
static pid_t fork_child(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent))
		_exit(1);
	return pid;
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

/* Stops @pid (not this process) until resume(): 0, or -1. */
static int stop(pid_t pid)
{
	char path[64], state = 0;
	int i;

	if (pid == getpid())
		return 0;
	if (kill(pid, SIGSTOP))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");

		if (!f)
			return -1;
		if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
			state = 0;
		fclose(f);
		if (state == 'T' || state == 't')
			return 0;
		usleep(1000);
	}
	return -1;
}

static void resume(pid_t pid)
{
	if (pid != getpid())
		kill(pid, SIGCONT);
}

/* 0 if the twin agrees with pagemap on [start, start + n pages). */
static int compare(struct __test_metadata *_metadata, pid_t pid,
		   unsigned long start, size_t n, const char *what)
{
	uint64_t kv = 0, tv = 0;
	int tries, unstable = 1;
	long d = -1;

	if (stop(pid)) {
		TH_LOG("%s: cannot stop pid %d", what, pid);
		return -1;
	}
	for (tries = 0; tries < 5 && unstable; tries++) {
		if (tries)
			usleep(100000);
		d = compare_once(pid, start, n, &kv, &tv, &unstable);
	}
	resume(pid);
	if (d == -2) {
		TH_LOG("%s: reading the records failed: %s", what, strerror(errno));
		return -1;
	}
	if (unstable) {
		TH_LOG("%s: pagemap changed between two reads, 5 times: no stable reading",
		       what);
		return -1;
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

/* The pagemap record of one address of @pid. */
static uint64_t proc_record(pid_t pid, void *addr)
{
	uint64_t v = 0;
	int fd = proc_open(pid);

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

	ASSERT_EQ(0, load_twin(_metadata->name));
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
	ASSERT_EQ(0, load_twin(_metadata->name));
	file_case(_metadata, MAP_PRIVATE, "private");
	file_case(_metadata, MAP_SHARED, "shared");
}

TEST(shared_anon)
{
	size_t n = 16, i;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
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

/*
 * The kernel's word that the 2 MiB at @p (aligned) is one PMD mapping:
 * /proc/self/smaps says AnonHugePages (or FilePmdMapped, ShmemPmdMapped)
 * of at least 2 MiB for the VMA that holds it, and pagemap gives 512
 * consecutive PFNs, the first 2 MiB aligned.
 */
static long smaps_field_of(void *p, const char *key)
{
	unsigned long a = (unsigned long)p, start, end;
	char line[256], perms[8];
	size_t klen = strlen(key);
	bool in = false;
	long v = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* "start-end perms ...": a VMA; "Key: value kB": a field. */
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) == 3) {
			in = a >= start && a < end;
			continue;
		}
		if (in && !strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * smaps's hugetlb of the VMA at @p, in KiB: Private_Hugetlb plus
 * Shared_Hugetlb, as the walker's hugetlb_kb counts it. Which of the two a
 * private page lands in is not stable: smaps calls it shared while its
 * page-table page has a second reference (hugetlb_pmd_shared()), and a
 * compaction scan takes such references in passing. Seen on Debian's
 * kernel after the test's own 1 GiB allocation: Private_Hugetlb 0.
 */
static long smaps_hugetlb_kb(void *p)
{
	long priv = smaps_field_of(p, "Private_Hugetlb");
	long shared = smaps_field_of(p, "Shared_Hugetlb");

	return priv < 0 || shared < 0 ? -1 : priv + shared;
}

static bool pmd_mapped(char *p)
{
	uint64_t a = record_of(p), b = record_of(p + HPAGE - psize);
	long kb = smaps_field_of(p, "AnonHugePages");

	if (kb < 2048)
		kb = smaps_field_of(p, "ShmemPmdMapped");
	if (kb < 2048)
		kb = smaps_field_of(p, "FilePmdMapped");
	return kb >= 2048 && (a & PM_PRESENT) && !((a & PM_PFN) % (HPAGE / psize)) &&
	       (b & PM_PFN) == (a & PM_PFN) + HPAGE / psize - 1;
}

TEST(thp)
{
	size_t len = 2 * HPAGE;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (!thp_enabled())
		SKIP(return, "THP disabled");
	p = map_aligned(len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, len, MADV_HUGEPAGE));
	memset(p, 1, len);
	ASSERT_TRUE(pmd_mapped(p)) TH_LOG("first 2 MiB not PMD-mapped");
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	memset(p, 3, n * psize);
	ASSERT_EQ(0, pipe(pipefd));
	child = fork_child();
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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
	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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
	child = fork_child();
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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
	child = fork_child();
	if (child == 0) {
		char *a = map_anon(4 << 20, PROT_READ | PROT_WRITE);
		char *t = map_aligned(4 * HPAGE);
		char *f = fd >= 0 ? mmap(NULL, 16 * psize, PROT_READ,
					 MAP_PRIVATE, fd, 0) : MAP_FAILED;
		char *s = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

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
		if (s != MAP_FAILED) {
			/* shmem swap: smaps' Swap counts it under the holes */
			memset(s, 2, 1 << 20);
			madvise(s, 1 << 20, MADV_PAGEOUT);
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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

	ASSERT_EQ(0, load_twin(_metadata->name));
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	api.features = UFFD_FEATURE_WP_UNPOPULATED;
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

	ASSERT_EQ(0, load_twin(_metadata->name));
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
	ASSERT_EQ((int)n, moved);
	EXPECT_TRUE(!!(record_of(p) & PM_SWAP));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n,
			     "device private"));
	moved = hmm_cmd(fd, HMM_DMIRROR_EXCLUSIVE, q, mirror, n);
	TH_LOG("%d of %zu pages made device-exclusive", moved, n);
	ASSERT_EQ((int)n, moved);
	EXPECT_TRUE(!!(record_of(q) & PM_SWAP));
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
	size_t len;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (!thp_enabled())
		SKIP(return, "THP disabled");
	p = map_aligned(HPAGE + 4 * psize);
	ASSERT_NE(NULL, p);
	madvise(p, HPAGE, MADV_HUGEPAGE);
	memset(p, 1, HPAGE + 2 * psize);
	ASSERT_TRUE(pmd_mapped(p)) TH_LOG("THP not PMD-mapped");
	snprintf(req, sizeof(req), "pid %d %p %p\n", getpid(), p,
		 p + HPAGE + 4 * psize);
	ASSERT_EQ(0, send_request(req));
	text = slurp(DIR "/walk", &len);
	ASSERT_NE(NULL, text);
	TH_LOG("%s", text);
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

/* The twin's totals for [start, end) of @pid: the value of @key, or -1. */
static long twin_total(pid_t pid, void *start, void *end, const char *key)
{
	char req[128];

	snprintf(req, sizeof(req), "pid %d %p %p\n", pid, start, end);
	if (send_request(req))
		return -1;
	return field(DIR "/totals", key);
}

/* The text of the walk of "pid N addr VA". */
static char *translation_of(pid_t pid, void *addr)
{
	char req[96];
	size_t len;

	snprintf(req, sizeof(req), "pid %d addr %p\n", pid, addr);
	if (send_request(req))
		return NULL;
	return slurp(DIR "/walk", &len);
}

/* A read-touched anonymous THP range maps the huge zero page by one PMD. */
TEST(huge_zero_pmd)
{
	uint64_t a, b;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (!thp_enabled())
		SKIP(return, "THP disabled (CONFIG_TRANSPARENT_HUGEPAGE)");
	if (read_long("/sys/kernel/mm/transparent_hugepage/use_zero_page") != 1)
		SKIP(return, "transparent_hugepage/use_zero_page is off");
	p = map_aligned(HPAGE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, HPAGE, MADV_HUGEPAGE));
	read_page(p);
	a = record_of(p);
	b = record_of(p + HPAGE - psize);
	ASSERT_TRUE(a & PM_PRESENT);
	ASSERT_EQ(0, (a & PM_PFN) % (HPAGE / psize)) TH_LOG("not the huge zero page");
	ASSERT_EQ((a & PM_PFN) + HPAGE / psize - 1, b & PM_PFN);
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, HPAGE / psize,
			     "huge zero PMD"));
	/* Not in Rss (vm_normal_page_pmd() gives no page): special. */
	EXPECT_EQ(0, smaps_field_of(p, "Rss"));
	EXPECT_EQ(0, twin_total(getpid(), p, p + HPAGE, "rss_kb"));
	EXPECT_EQ(2048, twin_total(getpid(), p, p + HPAGE, "special_kb"));
	munmap(p, HPAGE);
}

/* KSM: identical pages merged into one, mapped by both addresses. */
TEST(ksm_merged)
{
	long old_run = read_long("/sys/kernel/mm/ksm/run");
	long old_sleep = read_long("/sys/kernel/mm/ksm/sleep_millisecs");
	size_t n = 32, i;
	bool merged = false;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (old_run < 0)
		SKIP(return, "no /sys/kernel/mm/ksm (CONFIG_KSM)");
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	memset(p, 0x5a, n * psize);
	ASSERT_EQ(0, madvise(p, n * psize, MADV_MERGEABLE));
	ASSERT_EQ(0, write_long("/sys/kernel/mm/ksm/sleep_millisecs", 10));
	ASSERT_EQ(0, write_long("/sys/kernel/mm/ksm/run", 1));
	for (i = 0; i < 300 && !merged; i++) {
		usleep(100000);
		merged = (record_of(p) & PM_PFN) == (record_of(p + psize) & PM_PFN);
	}
	EXPECT_TRUE(merged) TH_LOG("KSM merged nothing in 30 s");
	if (merged) {
		EXPECT_FALSE(record_of(p) & PM_EXCLUSIVE);
		EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, n,
				     "KSM"));
	}
	write_long("/sys/kernel/mm/ksm/run", old_run);
	write_long("/sys/kernel/mm/ksm/sleep_millisecs", old_sleep);
	munmap(p, n * psize);
}

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#define GPAGE		(1UL << 30)
#define HP_1G "/sys/kernel/mm/hugepages/hugepages-1048576kB/"
#define FREE_1G HP_1G "free_hugepages"
#define NR_1G HP_1G "nr_hugepages"

/* A 1 GiB hugetlb page: one PUD leaf, in the records and the translation. */
/*
 * Faulting in a 1 GiB page zeroes it: under TCG, on Debian's kernel and a
 * busy host, that alone took longer than the harness's default 30 s.
 */
FIXTURE(gigantic) {};
FIXTURE_SETUP(gigantic) {}
FIXTURE_TEARDOWN(gigantic) {}

TEST_F_TIMEOUT(gigantic, hugetlb_1g, 300)
{
	char *p, *text, want[64];
	uint64_t rec;
	long old;

	ASSERT_EQ(0, load_twin(_metadata->name));
	old = read_long(NR_1G);
	if (old >= 0 && read_long(FREE_1G) < 1)
		write_long(NR_1G, old + 1);
	if (read_long(FREE_1G) < 1) {
		write_long(NR_1G, old);
		SKIP(return, "no free 1 GiB page (CONFIG_CONTIG_ALLOC; no aligned free GiB)");
	}
	p = mmap(NULL, GPAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << MAP_HUGE_SHIFT),
		 -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	p[GPAGE - 1] = 1;
	rec = record_of(p + 12345);
	ASSERT_TRUE(rec & PM_PRESENT);
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, GPAGE / psize,
			     "1 GiB hugetlb"));
	text = translation_of(getpid(), p + 12345);
	ASSERT_NE(NULL, text);
	snprintf(want, sizeof(want), "phys 0x%" PRIx64 " (1048576 KiB page)",
		 (uint64_t)((rec & PM_PFN) * psize + (12345 % psize)));
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("want '%s' in:\n%s", want, text);
	EXPECT_NE(NULL, strstr(text, "pud[")) TH_LOG("%s", text);
	free(text);
	EXPECT_EQ((long)(GPAGE >> 10), smaps_hugetlb_kb(p));
	EXPECT_EQ((long)(GPAGE >> 10),
		  twin_total(getpid(), p, p + GPAGE, "hugetlb_kb"));
	munmap(p, GPAGE);
	write_long(NR_1G, old);
}

/*
 * A shared hugetlb mapping that covers a whole aligned 1 GiB shares its PMD
 * table between processes: once the child has faulted, a page the parent
 * faults in appears in the child too. The records say "not exclusive"
 * for the shared table.
 */
TEST(hugetlb_shared_pmd_table)
{
	long old = read_long(NR_HUGEPAGES);
	char *raw, *p, c;
	int go[2], ready[2];
	pid_t child;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (old < 0 || write_long(NR_HUGEPAGES, old + 4) ||
	    read_long(NR_HUGEPAGES) < old + 4) {
		write_long(NR_HUGEPAGES, old);
		SKIP(return, "cannot reserve hugetlb pages (CONFIG_HUGETLBFS)");
	}
	raw = mmap(NULL, 2 * GPAGE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	p = (char *)(((unsigned long)raw + GPAGE - 1) & ~(GPAGE - 1));
	ASSERT_EQ(p, mmap(p, GPAGE, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED |
			  MAP_NORESERVE, -1, 0));
	p[0] = 1;
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	child = fork_child();
	ASSERT_LE(0, child);
	if (child == 0) {
		/*
		 * fork() copied no table of a shared mapping (vma_needs_copy()):
		 * the child's first fault finds the parent's PMD table and
		 * shares it (huge_pmd_share()).
		 */
		read_page(p);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	p[2 * HPAGE] = 2;		/* faulted in after the fork */
	ASSERT_TRUE(proc_record(child, p + 2 * HPAGE) & PM_PRESENT)
		TH_LOG("the PMD table is not shared (CONFIG_HUGETLB_PMD_PAGE_TABLE_SHARING)");
	EXPECT_FALSE(record_of(p) & PM_EXCLUSIVE);
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p,
			     4 * HPAGE / psize, "parent, shared PMD table"));
	EXPECT_EQ(0, compare(_metadata, child, (unsigned long)p,
			     4 * HPAGE / psize, "child, shared PMD table"));
	ASSERT_EQ(1, write(go[1], "g", 1));
	waitpid(child, NULL, 0);
	munmap(raw, 2 * GPAGE);
	write_long(NR_HUGEPAGES, old);
}

/*
 * [vvar] is a VM_PFNMAP mapping: pagemap reports holes there
 * (walk_page_test()), the MMU maps it. One walk gives the translation and
 * the record: both must show what they show for the same reading.
 */
TEST(pfnmap_vvar)
{
	unsigned long start = 0, end = 0, s, e;
	char line[256], *text, want[64];
	struct timespec ts;
	FILE *maps;

	ASSERT_EQ(0, load_twin(_metadata->name));
	maps = fopen("/proc/self/maps", "r");
	ASSERT_NE(NULL, maps);
	while (fgets(line, sizeof(line), maps))
		if (strstr(line, "[vvar]") && sscanf(line, "%lx-%lx", &s, &e) == 2)
			start = s, end = e;
	fclose(maps);
	if (!start)
		SKIP(return, "no [vvar] mapping");
	clock_gettime(CLOCK_MONOTONIC, &ts);	/* the vDSO reads vvar */
	EXPECT_EQ(0, compare(_metadata, getpid(), start, (end - start) / psize,
			     "[vvar]"));
	text = translation_of(getpid(), (void *)start);
	ASSERT_NE(NULL, text);
	TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, " pfnmap\n"));
	snprintf(want, sizeof(want), "pagemap 0x%016" PRIx64 " ",
		 record_of((void *)start));
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("want '%s'", want);
	EXPECT_NE(NULL, strstr(text, "(pfnmap: a hole to pagemap)"));
	free(text);
}

/* One read of 40 MiB of records (the twin walks it in 2 MiB steps). */
TEST(reads_beyond_32mib)
{
	size_t len = (40UL << 20) + 3 * psize, i;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	p = map_anon(len, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	for (i = 0; i < len; i += 7 * psize)
		p[i] = 1;
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p + psize,
			     len / psize - 1, "40 MiB in one read"));
	munmap(p, len);
}

/* Writes @s to an open file: 0 or -errno. */
static int write_fd(int fd, const char *s)
{
	return write(fd, s, strlen(s)) < 0 ? -errno : 0;
}

TEST(pagemap_write_errors)
{
	char ok[32];
	uint64_t v;
	int fd;

	ASSERT_EQ(0, load_twin(_metadata->name));
	fd = twin_open(getpid());
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, write_fd(fd, "pid\n"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "abc\n"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "pid 12x\n"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "-5\n"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "0\n"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "pid 1 2\n"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "99999999999999999999\n"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "1234567890123456789012345678901234567890"));
	EXPECT_EQ(-EINVAL, write_fd(fd, "2\n"));	/* kthreadd: no mm */
	EXPECT_EQ(-ESRCH, write_fd(fd, "4194303\n"));
	/* A refused write leaves the target as it was. */
	EXPECT_EQ(8, pread(fd, &v, 8, (unsigned long)&v / psize * 8));
	EXPECT_TRUE(v & PM_PRESENT);
	snprintf(ok, sizeof(ok), "pid  %d\n", getpid());
	EXPECT_EQ(0, write_fd(fd, ok));
	close(fd);
}

/* Read-touched anonymous pages map the zero page: special, not Rss. */
TEST(totals_special)
{
	size_t n = 32, i;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, n * psize, MADV_NOHUGEPAGE));
	for (i = 0; i < n; i++)
		read_page(p + i * psize);
	p[0] = 1;
	EXPECT_EQ(4, smaps_field_of(p, "Rss"));
	EXPECT_EQ(4, twin_total(getpid(), p, p + n * psize, "rss_kb"));
	EXPECT_EQ((long)(n - 1) * 4, twin_total(getpid(), p, p + n * psize,
						"special_kb"));
	munmap(p, n * psize);
}

/* A shmem THP collapsed and PMD-mapped: file_huge_kb is ShmemPmdMapped. */
TEST(totals_file_huge)
{
	int mfd = memfd_create("pgwalk-file-huge", 0);
	int tries, ret = -1;
	char *raw, *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (!thp_enabled())
		SKIP(return, "THP disabled (CONFIG_TRANSPARENT_HUGEPAGE)");
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, HPAGE));
	raw = map_anon(2 * HPAGE, PROT_NONE);
	ASSERT_NE(NULL, raw);
	p = (char *)(((unsigned long)raw + HPAGE - 1) & ~(HPAGE - 1));
	ASSERT_EQ(p, mmap(p, HPAGE, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_FIXED, mfd, 0));
	ASSERT_EQ(0, madvise(p, HPAGE, MADV_HUGEPAGE));
	memset(p, 1, HPAGE);
	for (tries = 0; tries < 5; tries++) {
		ret = madvise(p, HPAGE, MADV_COLLAPSE);
		if (!ret || errno != EAGAIN)
			break;
	}
	ASSERT_EQ(0, ret) TH_LOG("MADV_COLLAPSE: %s", strerror(errno));
	read_page(p);
	ASSERT_EQ(2048, smaps_field_of(p, "ShmemPmdMapped"));
	EXPECT_EQ(2048, twin_total(getpid(), p, p + HPAGE, "file_huge_kb"));
	EXPECT_EQ(0, compare(_metadata, getpid(), (unsigned long)p, HPAGE / psize,
			     "shmem THP"));
	munmap(raw, 2 * HPAGE);
	close(mfd);
}

TEST(totals_hugetlb)
{
	long old = read_long(NR_HUGEPAGES);
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (old < 0 || write_long(NR_HUGEPAGES, old + 2) ||
	    read_long(NR_HUGEPAGES) < old + 2) {
		write_long(NR_HUGEPAGES, old);
		SKIP(return, "cannot reserve hugetlb pages (CONFIG_HUGETLBFS)");
	}
	p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	ASSERT_EQ(2048, smaps_hugetlb_kb(p));
	EXPECT_EQ(2048, twin_total(getpid(), p, p + 2 * HPAGE, "hugetlb_kb"));
	munmap(p, 2 * HPAGE);
	write_long(NR_HUGEPAGES, old);
}

/* uffd-wp markers on empty PTEs are non-swap entries, one per page. */
TEST(totals_nonswap)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {};
	struct uffdio_writeprotect wp = {};
	size_t n = 16, i, swp = 0;
	char *p;
	int uffd;

	ASSERT_EQ(0, load_twin(_metadata->name));
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s (CONFIG_USERFAULTFD)", strerror(errno));
	api.features = UFFD_FEATURE_WP_UNPOPULATED;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	p = map_anon(n * psize, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, p);
	p[0] = 1;		/* one present page, n - 1 markers */
	reg.range.start = (unsigned long)p;
	reg.range.len = n * psize;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		SKIP(goto out, "UFFDIO_REGISTER_MODE_WP: %s (CONFIG_PTE_MARKER_UFFD_WP)",
		     strerror(errno));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	for (i = 0; i < n; i++)
		swp += !!(record_of(p + i * psize) & PM_SWAP);
	EXPECT_EQ(n - 1, swp);
	EXPECT_EQ((long)swp, twin_total(getpid(), p, p + n * psize,
					"nonswap_entries"));
out:
	close(uffd);
	munmap(p, n * psize);
}

/*
 * A hole inside a VMA is not "unmapped", even when the VMA's soft-dirty
 * state is clear and the record is 0; only addresses outside every VMA are.
 */
TEST(text_holes_inside_vma)
{
	char req[128], *text;
	size_t len;
	char *p;

	ASSERT_EQ(0, load_twin(_metadata->name));
	p = map_aligned(2 * HPAGE);
	ASSERT_NE(NULL, p);
	p[0] = 1;		/* the second 2 MiB: an empty PMD */
	if (write_clear_refs(getpid(), "4"))
		SKIP(goto out, "clear_refs 4 (CONFIG_MEM_SOFT_DIRTY)");
	snprintf(req, sizeof(req), "pid %d %p %p\n", getpid(), p, p + 2 * HPAGE);
	ASSERT_EQ(0, send_request(req));
	text = slurp(DIR "/walk", &len);
	ASSERT_NE(NULL, text);
	TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "unmapped"));
	EXPECT_NE(NULL, strstr(text, " pmd none "));
	free(text);
out:
	munmap(p, 2 * HPAGE);
}

/* Capabilities: none at all (root), or only what passes the file modes. */
static int set_caps(uint64_t caps)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ .effective = caps, .permitted = caps },
		{ .effective = caps >> 32, .permitted = caps >> 32 },
	};

	return syscall(SYS_capset, &h, d);
}

#define DAC_CAPS	((1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_DAC_READ_SEARCH))

/* Drops to root without capabilities, or to uid 65534 with DAC_CAPS. */
static int become(bool nonroot)
{
	if (!nonroot)
		return set_caps(0);
	if (prctl(PR_SET_KEEPCAPS, 1) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	return set_caps(DAC_CAPS);
}

/* In a child that became someone else: errno of open(), 0 if it opened. */
static int open_errno_as(bool nonroot, const char *path)
{
	pid_t c = fork_child();
	int status;

	if (c == 0) {
		if (become(nonroot))
			_exit(255);
		_exit(open(path, O_RDONLY) < 0 ? errno : 0);
	}
	if (c < 0 || waitpid(c, &status, 0) != c || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST(opener_needs_capabilities)
{
	static const char * const files[] = {
		"request", "walk", "totals", "pagemap", "kernel"
	};
	char path[128];
	size_t i;

	ASSERT_EQ(0, load_twin(_metadata->name));
	ASSERT_EQ(0, send_request("pid 1\n"));
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), DIR "/%s", files[i]);
		EXPECT_EQ(EPERM, open_errno_as(false, path))
			TH_LOG("root without capabilities opens %s", files[i]);
		EXPECT_EQ(EPERM, open_errno_as(true, path))
			TH_LOG("uid 65534 with CAP_DAC_OVERRIDE opens %s", files[i]);
	}
}

/* A descriptor passed on keeps its opener's right to read, not to aim. */
TEST(passed_descriptor_cannot_retarget)
{
	char buf[32];
	int fd, rfd, status;
	pid_t c;

	ASSERT_EQ(0, load_twin(_metadata->name));
	fd = twin_open(getpid());
	ASSERT_LE(0, fd);
	rfd = open(DIR "/request", O_RDWR);
	ASSERT_LE(0, rfd);
	c = fork_child();
	ASSERT_LE(0, c);
	if (c == 0) {
		uint64_t v;

		if (become(true))
			_exit(10);
		snprintf(buf, sizeof(buf), "pid %d\n", getppid());
		if (write(fd, buf, strlen(buf)) >= 0 || errno != EPERM)
			_exit(11);
		if (write(rfd, buf, strlen(buf)) >= 0 || errno != EPERM)
			_exit(12);
		/* Reading what the opener aimed it at is the opener's right. */
		if (pread(fd, &v, 8, 0) != 8)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(c, waitpid(c, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: cannot drop privileges, 11: pagemap retargeted, 12: request written, 13: read refused");
	close(fd);
	close(rfd);
}

/* The target's mm is pinned at open: after an exec the file says ESRCH. */
TEST(pinned_mm_across_exec)
{
	int go[2], fd;
	char c = 'x', comm[64] = "";
	pid_t child;
	uint64_t v;
	int i;

	ASSERT_EQ(0, load_twin(_metadata->name));
	ASSERT_EQ(0, pipe(go));
	child = fork_child();
	ASSERT_LE(0, child);
	if (child == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execlp("sleep", "sleep", "10", (char *)NULL);
		_exit(2);
	}
	fd = twin_open(child);
	ASSERT_LE(0, fd);
	EXPECT_EQ(8, pread(fd, &v, 8, 0));
	ASSERT_EQ(1, write(go[1], &c, 1));
	for (i = 0; i < 500 && strncmp(comm, "sleep", 5); i++) {
		char path[64];
		FILE *f;

		usleep(10000);
		snprintf(path, sizeof(path), "/proc/%d/comm", child);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
	}
	ASSERT_EQ(0, strncmp(comm, "sleep", 5));
	EXPECT_EQ(-1, pread(fd, &v, 8, 0));
	EXPECT_EQ(ESRCH, errno);
	close(fd);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* move_pages(2) of one address to @node: the page's node after, or -errno. */
static int move_to(void *addr, int node)
{
	int status = -1;

	if (syscall(SYS_move_pages, 0, 1UL, &addr, &node, &status,
		    MPOL_MF_MOVE))
		return -errno;
	return status;
}

static int migrating;		/* read and set with __atomic builtins */

static void *migrator(void *arg)
{
	int node = 1;

	while (__atomic_load_n(&migrating, __ATOMIC_RELAXED)) {
		move_to(arg, node);
		node = !node;
	}
	return NULL;
}

/*
 * A THP moved between the VM's two nodes, over and over: while it moves,
 * its PMD holds a migration entry. The twin reads it as pagemap does: a
 * swap-type record naming the THP's frames, never a hole; when pagemap
 * reads the same entry on both sides of the twin's read, they agree.
 */
TEST(thp_migration_entries)
{
	unsigned long seen_swap = 0, agreed = 0, reads = 0;
	pthread_t t;
	time_t end;
	char *p;
	int fd, pfd;

	ASSERT_EQ(0, load_twin(_metadata->name));
	if (access("/sys/devices/system/node/node1", F_OK))
		SKIP(return, "one NUMA node (CONFIG_NUMA and a 2-node VM)");
	if (!thp_enabled())
		SKIP(return, "THP disabled (CONFIG_TRANSPARENT_HUGEPAGE)");
	p = map_aligned(HPAGE);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, madvise(p, HPAGE, MADV_HUGEPAGE));
	memset(p, 1, HPAGE);
	ASSERT_TRUE(pmd_mapped(p)) TH_LOG("THP not PMD-mapped");
	ASSERT_LE(0, move_to(p, 1)) TH_LOG("move_pages (CONFIG_MIGRATION)");
	fd = twin_open(getpid());
	pfd = proc_open(getpid());
	ASSERT_LE(0, fd);
	ASSERT_LE(0, pfd);
	__atomic_store_n(&migrating, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_create(&t, NULL, migrator, p));
	for (end = time(NULL) + 20; time(NULL) < end && agreed < 3; reads++) {
		uint64_t k1, tw, k2;
		unsigned long off = (unsigned long)(p + 5 * psize) / psize * 8;

		if (pread(pfd, &k1, 8, off) != 8 || pread(fd, &tw, 8, off) != 8 ||
		    pread(pfd, &k2, 8, off) != 8)
			break;
		EXPECT_TRUE(tw & (PM_PRESENT | PM_SWAP))
			TH_LOG("a THP under migration read as a hole: 0x%" PRIx64, tw);
		if (tw & PM_SWAP)
			seen_swap++;
		if ((k1 & PM_SWAP) && k1 == k2) {
			EXPECT_EQ(k1, tw);
			agreed++;
		}
	}
	__atomic_store_n(&migrating, 0, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	TH_LOG("%lu reads, %lu migration entries seen, %lu agreed with pagemap",
	       reads, seen_swap, agreed);
	EXPECT_LT(0UL, seen_swap);
	EXPECT_LT(0UL, agreed);
	close(fd);
	close(pfd);
	munmap(p, HPAGE);
}

/* request shows the pid as the reader's pid namespace numbers it. */
TEST(request_pid_in_readers_namespace)
{
	int ready[2], go[2], status;
	char buf[64], c;
	pid_t mid, inner = 0;

	ASSERT_EQ(0, load_twin(_metadata->name));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	mid = fork_child();
	ASSERT_LE(0, mid);
	if (mid == 0) {
		pid_t in;

		if (unshare(CLONE_NEWPID))
			_exit(10);
		/* Its parent is outside its namespace: getppid() says 0. */
		in = fork();
		if (in == 0) {
			char line[64] = "";
			FILE *f;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			/* pid 1 of the new namespace: tell the parent who we are. */
			if (read(go[0], &c, 1) != 1)
				_exit(11);
			f = fopen(DIR "/request", "r");
			if (!f || !fgets(line, sizeof(line), f))
				_exit(12);
			_exit(strcmp(line, "pid 1\n") ? 13 : 0);
		}
		if (in < 0 || write(ready[1], &in, sizeof(in)) != sizeof(in))
			_exit(14);
		waitpid(in, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 15);
	}
	ASSERT_EQ(sizeof(inner), read(ready[0], &inner, sizeof(inner)));
	snprintf(buf, sizeof(buf), "pid %d\n", inner);
	ASSERT_EQ(0, send_request(buf));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(mid, waitpid(mid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: unshare, 11-12: reading request, 13: pid not 1 inside, 14-15: setup");
}

TEST_HARNESS_MAIN
