// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim under pressure, twin and kernel, the same shape: anon memory
 * half again the size of the memory it may use, written in 64-page chunks
 * for three passes. The twin's is a group in mmtwin_reclaim; the kernel's
 * is an mmap in a memory cgroup with memory.max at the twin's size, with
 * swap on zram (a reference only: a memcg is reclaimed directly, without
 * watermarks or kswapd). Prints steal/scan, pages reclaimed per CPU
 * second and chunk latency p50/p99 on "mmtwin-bench:" lines, as ratios;
 * it never asserts a time. Not run by make check.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "mmtwin_selftest.h"

#define TWIN	"/sys/kernel/debug/mmtwin/reclaim/"
#define CG	"/sys/fs/cgroup/mmtwin_bench"
#define CHUNK	64
#define PASSES	3

static char buf[1 << 16];

static int read_into(const char *path)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return 0;
}

static long key_of(const char *path, const char *key)
{
	size_t n = strlen(key);
	char *l;

	if (read_into(path))
		return -1;
	for (l = buf; l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (!strncmp(l, key, n) && l[n] == ' ')
			return strtol(l + n + 1, NULL, 10);
	}
	return -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double sys_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds of every task whose name starts with @prefix. */
static double cpu_of(const char *prefix)
{
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long ut, st;
	double sum = 0;
	char path[300];
	struct dirent *d;
	DIR *dir = opendir("/proc");

	while (dir && (d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		if (read_into(path) || !strstr(buf, prefix))
			continue;
		if (sscanf(strrchr(buf, ')') + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			   &ut, &st) == 2)
			sum += (double)(ut + st) / hz;
	}
	if (dir)
		closedir(dir);
	return sum;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double p50, p99, cpu, scan, steal;
};

static void percentiles(double *lat, int n, struct result *r)
{
	qsort(lat, n, sizeof(*lat), cmp);
	r->p50 = lat[n / 2];
	r->p99 = lat[n * 99 / 100];
}

static int ctl(const char *fmt, ...)
{
	char cmd[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return write_file(TWIN "control", cmd);
}

static int run_twin(unsigned long pages, double *lat, struct result *r)
{
	double cpu = cpu_of("(mmtwin_kswapd") + sys_seconds(), t;
	long scan = key_of(TWIN "vmstat", "pgscan_kswapd") + key_of(TWIN "vmstat", "pgscan_direct");
	long steal = key_of(TWIN "vmstat", "pgsteal_kswapd") + key_of(TWIN "vmstat", "pgsteal_direct");
	unsigned long i;
	int p, n = 0;

	if (ctl("create bench anon %lu", pages))
		return -1;
	for (p = 0; p < PASSES; p++)
		for (i = 0; i + CHUNK <= pages; i += CHUNK) {
			t = now();
			if (ctl("touch bench %lu %d write", i, CHUNK))
				return -1;
			lat[n++] = now() - t;
		}
	r->cpu = cpu_of("(mmtwin_kswapd") + sys_seconds() - cpu;
	r->scan = key_of(TWIN "vmstat", "pgscan_kswapd") + key_of(TWIN "vmstat", "pgscan_direct") - scan;
	r->steal = key_of(TWIN "vmstat", "pgsteal_kswapd") + key_of(TWIN "vmstat", "pgsteal_direct") - steal;
	ctl("destroy bench");
	percentiles(lat, n, r);
	return 0;
}

static int run_kernel(unsigned long pages, unsigned long limit, double *lat,
		      struct result *r)
{
	char val[64];
	unsigned long i;
	double cpu, t;
	char *mem;
	int p, n = 0;

	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK))
		mount("none", "/sys/fs/cgroup", "cgroup2", 0, NULL);
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	mkdir(CG, 0755);
	snprintf(val, sizeof(val), "%lu", limit * 4096);
	if (write_file(CG "/memory.max", val))
		return -1;
	snprintf(val, sizeof(val), "%d", getpid());
	if (write_file(CG "/cgroup.procs", val))
		return -1;
	mem = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -1;
	cpu = sys_seconds();
	for (p = 0; p < PASSES; p++)
		for (i = 0; i + CHUNK <= pages; i += CHUNK) {
			t = now();
			memset(mem + i * 4096, p + 1, CHUNK * 4096);
			lat[n++] = now() - t;
		}
	r->cpu = sys_seconds() - cpu;
	r->scan = key_of(CG "/memory.stat", "pgscan");
	r->steal = key_of(CG "/memory.stat", "pgsteal");
	munmap(mem, pages * 4096);
	write_file("/sys/fs/cgroup/cgroup.procs", val);
	rmdir(CG);
	percentiles(lat, n, r);
	return 0;
}

static void print(const char *who, const struct result *r)
{
	printf("mmtwin-bench: %-6s steal/scan %.3f  reclaimed/cpu-s %.0f  chunk p50 %.1f us  p99 %.1f us\n",
	       who, r->scan ? r->steal / r->scan : 0, r->cpu ? r->steal / r->cpu : 0,
	       r->p50 * 1e6, r->p99 * 1e6);
}

/* The kernel's side needs swap: zram, as the check job sets it up. */
static int ensure_swap(void)
{
	if (!read_into("/proc/swaps") && strchr(strchr(buf, '\n') + 1, '/'))
		return 0;
	static const char setup[] =
		"[ -e /sys/block/zram0 ] || modprobe zram; echo 512M > /sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null && swapon /dev/zram0";

	return system(setup);
}

int main(void)
{
	unsigned long managed, pages;
	struct result twin = {}, kern = {};
	double *lat;
	char *l;

	if (ensure_swap()) {
		printf("mmtwin-bench: no swap on zram: the memcg side cannot reclaim anon\n");
		return 1;
	}
	if (load_module("mmtwin_reclaim") || read_into(TWIN "stats"))
		return 1;
	managed = 0;
	for (l = strstr(buf, "\nzone "); l; l = strstr(l + 1, "\nzone "))
		managed += strtoul(strstr(l, "managed ") + 8, NULL, 10);
	pages = managed * 3 / 2;
	lat = calloc(PASSES * (pages / CHUNK + 1), sizeof(*lat));
	if (!lat || run_twin(pages, lat, &twin) || run_kernel(pages, managed, lat, &kern))
		return 1;
	printf("mmtwin-bench: %lu pages written %d times into %lu pages (twin: mmtwin_reclaim; kernel: memcg memory.max, zram swap)\n",
	       pages, PASSES, managed);
	print("twin", &twin);
	print("kernel", &kern);
	printf("mmtwin-bench: twin/kernel steal/scan %.2f  p50 %.2f  p99 %.2f (the kernel side is a memcg: direct reclaim only)\n",
	       kern.scan && twin.scan ? (twin.steal / twin.scan) / (kern.steal / kern.scan) : 0,
	       kern.p50 ? twin.p50 / kern.p50 : 0, kern.p99 ? twin.p99 / kern.p99 : 0);
	return 0;
}
