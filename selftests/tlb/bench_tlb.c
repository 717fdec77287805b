// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of watching: flush-heavy loops (munmap of a prefaulted range,
 * mprotect of a touched range) and a context-switch loop (two processes
 * ping-ponging on one CPU), each timed with mmtwin_tlb disarmed and armed.
 * Prints ns per operation and the ratio on "mmtwin-bench:" lines; then the
 * TLB simulator's throughput (accesses per second, each translated by the
 * walker twin). Asserts nothing about times.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest.h"
#include "mmtwin_selftest.h"
#include "tlb_sim.h"

#define ENABLE	"/sys/kernel/debug/mmtwin/tlb/enable"
#define PG	4096UL
#define SIM_LEN	(64UL << 20)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Map 8 pages, touch them, unmap: one ranged local flush each time. */
static double munmap_loop(int n)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < n; i++) {
		char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			exit(1);
		for (size_t o = 0; o < 8 * PG; o += PG)
			p[o] = 1;
		munmap(p, 8 * PG);
	}
	return (now_ns() - t0) / n;
}

/* Write-protect and unprotect 8 touched pages: two flushes per round. */
static double mprotect_loop(int n)
{
	char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0;
	int i;

	if (p == MAP_FAILED)
		exit(1);
	memset(p, 1, 8 * PG);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		mprotect(p, 8 * PG, PROT_READ);
		mprotect(p, 8 * PG, PROT_READ | PROT_WRITE);
	}
	munmap(p, 8 * PG);
	return (now_ns() - t0) / n;
}

/* Two processes on the calling CPU, a byte back and forth: 2 switches. */
static double switch_loop(int n)
{
	int ab[2], ba[2], i;
	double t0;
	char c = 0;
	pid_t child;

	if (pipe(ab) || pipe(ba))
		exit(1);
	child = fork();
	if (child == 0) {
		for (i = 0; i < n; i++)
			if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			exit(1);
	waitpid(child, NULL, 0);
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	return (now_ns() - t0) / (2.0 * n);
}

/* Accesses per second of one simulator command, from its own clock. */
static void sim_rate(const char *name, const char *fmt, char *p)
{
	char cmd[160];
	double rate;

	snprintf(cmd, sizeof(cmd), fmt, p, p + SIM_LEN);
	if (write_file(SIM, "reset") || write_file(SIM, cmd) ||
	    write_file(SIM, cmd)) {
		printf("mmtwin-bench: tlb: %-18s failed\n", name);
		return;
	}
	rate = sim_stat("accesses") * 1e9 / sim_stat("ns");
	printf("mmtwin-bench: tlb: %-18s %12.0f accesses/s\n", name, rate);
}

static void sim_rates(void)
{
	char *p = mmap(NULL, SIM_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || load_module("mmtwin_pgwalk"))
		exit(1);
	madvise(p, SIM_LEN, MADV_NOHUGEPAGE);
	memset(p, 1, SIM_LEN);
	sim_rate("sim_seq_64m", "seq %p %p", p);
	sim_rate("sim_random_64m", "random %p %p 16384 1", p);
	write_file(SIM, "reset");
	munmap(p, SIM_LEN);
}

struct loop {
	const char *name;
	double (*fn)(int n);
	int n;
};

int main(void)
{
	static const struct loop loops[] = {
		{ "munmap_8_pages", munmap_loop, 20000 },
		{ "mprotect_8_pages", mprotect_loop, 20000 },
		{ "context_switch", switch_loop, 5000 },
	};
	cpu_set_t set;
	size_t i;

	if (load_module("mmtwin_tlb")) {
		printf("mmtwin-bench: tlb: mmtwin_tlb will not load\n");
		return 1;
	}
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	printf("mmtwin-bench: tlb: %-18s %12s %12s %8s\n", "loop",
	       "ns/op off", "ns/op armed", "ratio");
	for (i = 0; i < ARRAY_SIZE(loops); i++) {
		const struct loop *l = &loops[i];
		double off, on;

		write_file(ENABLE, "0");
		l->fn(l->n / 10);	/* warm up */
		off = l->fn(l->n);
		write_file(ENABLE, "1");
		on = l->fn(l->n);
		write_file(ENABLE, "0");
		printf("mmtwin-bench: tlb: %-18s %12.0f %12.0f %8.2f\n",
		       l->name, off, on, on / off);
	}
	sim_rates();
	return 0;
}
