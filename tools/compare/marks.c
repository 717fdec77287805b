// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin-compare --watch: kswapd's wakes and sleeps, the kernel's
 * (vmscan:mm_vmscan_kswapd_wake/sleep) and the twin's (the same names in
 * mmtwin:), printed between the samples as marks.
 *
 * Each side's two events go to a tracefs instance of its own: the two
 * systems print the same event names, so the instance says which side an
 * event came from. The instances use the "mono" trace clock, which is
 * CLOCK_MONOTONIC, the clock the samples are timed by, so a mark's time
 * is on the samples' axis to the microsecond; counters read at each
 * sample could only say that something happened in between, and a wake
 * counter alone never shows the sleep. The instances are removed when the
 * watch ends (also on SIGINT, SIGTERM or SIGHUP); one left behind by a
 * SIGKILL is "mmtwin-compare-PID-SIDE" under instances/, to rmdir.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"

static const char * const side_names[NR_SIDES] = { "kernel", "twin" };
static const char * const systems[NR_SIDES] = { "vmscan", "mmtwin" };
static const char * const events[] = { "mm_vmscan_kswapd_wake", "mm_vmscan_kswapd_sleep" };

#define EVENT_PREFIX	": mm_vmscan_kswapd_"

static int write_string(const char *dir, const char *file, const char *s)
{
	char path[PATH_LEN];
	ssize_t n;
	int fd;

	path_join(path, sizeof(path), dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	n = write(fd, s, strlen(s));
	if (n != (ssize_t)strlen(s)) {
		int err = n < 0 ? errno : EIO;

		close(fd);
		errno = err;
		goto fail;
	}
	close(fd);
	return 0;
fail:
	report_missing("kswapd marks", path, errno);
	return -1;
}

/* The instance of side @s: trace clock, a small buffer, both events on. */
static int setup_instance(struct kswapd_marks *m, enum side s)
{
	char file[128];
	size_t i;

	if (write_string(m->dir[s], "trace_clock", "mono"))
		return -1;
	/* 16 KiB a CPU holds hundreds of events between two samples. */
	if (write_string(m->dir[s], "buffer_size_kb", "16"))
		return -1;
	for (i = 0; i < ARRAY_SIZE(events); i++) {
		snprintf(file, sizeof(file), "events/%s/%s/enable", systems[s],
			 events[i]);
		if (write_string(m->dir[s], file, "1"))
			return -1;
	}
	return 0;
}

static void start_side(struct kswapd_marks *m, const char *tracefs, enum side s)
{
	char name[64], path[PATH_LEN];

	snprintf(name, sizeof(name), "instances/mmtwin-compare-%d-%s",
		 (int)getpid(), side_names[s]);
	path_join(m->dir[s], sizeof(m->dir[s]), tracefs, name);
	if (mkdir(m->dir[s], 0755)) {
		report_missing("kswapd marks", m->dir[s], errno);
		m->dir[s][0] = '\0';
		return;
	}
	if (setup_instance(m, s))
		return;
	path_join(path, sizeof(path), m->dir[s], "trace_pipe");
	m->fd[s] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (m->fd[s] < 0)
		report_missing("kswapd marks", path, errno);
}

void kswapd_marks_start(struct kswapd_marks *m, const char *tracefs)
{
	int s;

	memset(m, 0, sizeof(*m));
	for (s = 0; s < NR_SIDES; s++) {
		m->fd[s] = -1;
		start_side(m, tracefs, s);
	}
}

/*
 * "  kswapd0-51  [001] d..1.  812.004511: mm_vmscan_kswapd_wake: nid=0 ...":
 * the timestamp is the word before the event name. False for any other
 * line (a lost-events notice, say).
 */
static bool parse_kswapd_event(const char *line, double *ts, int *nid, bool *wake)
{
	const char *ev = strstr(line, EVENT_PREFIX), *p;
	char *end;
	long v;

	if (!ev)
		return false;
	for (p = ev; p > line && p[-1] != ' '; p--)
		;
	*ts = strtod(p, &end);
	if (p == ev || end != ev)
		return false;
	ev += strlen(EVENT_PREFIX);
	if (!strncmp(ev, "wake: ", 6))
		*wake = true;
	else if (!strncmp(ev, "sleep: ", 7))
		*wake = false;
	else
		return false;
	p = strstr(ev, "nid=");
	if (!p)
		return false;
	v = strtol(p + 4, &end, 10);
	if (end == p + 4 || v < 0 || v > 1 << 16)
		return false;
	*nid = v;
	return true;
}

static void print_mark(enum side s, const char *line, double t0, enum format fmt)
{
	double ts;
	bool wake;
	int nid;

	if (!parse_kswapd_event(line, &ts, &nid, &wake))
		return;
	if (fmt == JSON)
		printf("{\"time\": %.3f, \"mark\": \"kswapd_%s\", \"side\": \"%s\", \"node\": %d}\n",
		       ts - t0, wake ? "wake" : "sleep", side_names[s], nid);
	else
		printf("# mark %.3f %s %d kswapd_%s\n", ts - t0, side_names[s],
		       nid, wake ? "wake" : "sleep");
}

/* Every whole line read so far; a partial one waits in the carry buffer. */
static void print_lines(struct kswapd_marks *m, enum side s, double t0,
			enum format fmt)
{
	char *line = m->carry[s], *nl;
	size_t rest;

	while ((nl = memchr(line, '\n', m->ncarry[s] - (line - m->carry[s])))) {
		*nl = '\0';
		print_mark(s, line, t0, fmt);
		line = nl + 1;
	}
	rest = m->ncarry[s] - (line - m->carry[s]);
	/* A line longer than the buffer is no event of ours: dropped. */
	if (rest == sizeof(m->carry[s]))
		rest = 0;
	memmove(m->carry[s], line, rest);
	m->ncarry[s] = rest;
}

void kswapd_marks_print(struct kswapd_marks *m, double t0, enum format fmt)
{
	ssize_t n;
	int s;

	for (s = 0; s < NR_SIDES; s++) {
		while (m->fd[s] >= 0) {
			n = read(m->fd[s], m->carry[s] + m->ncarry[s],
				 sizeof(m->carry[s]) - m->ncarry[s]);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)	/* EAGAIN: nothing more for now */
				break;
			m->ncarry[s] += n;
			print_lines(m, s, t0, fmt);
		}
	}
}

void kswapd_marks_stop(struct kswapd_marks *m)
{
	int s;

	for (s = 0; s < NR_SIDES; s++) {
		if (m->fd[s] >= 0)
			close(m->fd[s]);
		m->fd[s] = -1;
		/* Removing the instance turns its events off. */
		if (m->dir[s][0] && rmdir(m->dir[s]))
			fprintf(stderr, "mmtwin-compare: rmdir %s: %s\n",
				m->dir[s], strerror(errno));
		m->dir[s][0] = '\0';
	}
}
