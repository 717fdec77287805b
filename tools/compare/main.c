// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin-compare: the twins next to the kernel they copy, read from files
 * only (plus the pgwalk request it writes for --pid).
 *
 *   mmtwin-compare [--section NAMES] [--pid PID] [--all] [--json]
 *   mmtwin-compare --watch SECONDS [--section NAME] [--count N] [--json]
 *
 * Text (default): one table per section, the kernel's line above the
 * twin's, a '*' after each twin value that differs from the kernel's.
 * --json: the same tables as one JSON document. --watch: every SECONDS,
 * one line per zone and side (free pages, min/low/high watermarks and
 * free blocks per order) and a "# mark TIME SIDE NODE kswapd_wake|sleep"
 * line for each time a kswapd of either side woke or went to sleep
 * (marks.c), or with --section NAME one line per row and side of that
 * section ("time side key values"); one JSON object per sample (and per
 * mark) with --json.
 * A file that cannot be read is reported ("skipped ...") and its section
 * left out; the exit status is 1 only when nothing at all could be read.
 *
 * --proc DIR, --debugfs DIR and --tracefs DIR replace /proc,
 * /sys/kernel/debug and /sys/kernel/tracing.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compare.h"

struct options {
	const char *only;	/* comma-separated section names */
	enum format fmt;
	double watch;		/* seconds between samples; 0 = once */
	long count;		/* samples; 0 = until killed */
};

static void usage(FILE *f, int status)
{
	int i;

	fputs("Usage: mmtwin-compare [--section NAMES] [--pid PID] [--all] [--json]\n"
	      "       mmtwin-compare --watch SECONDS [--section NAME] [--count N] [--json]\n"
	      "options: --proc DIR, --debugfs DIR, --tracefs DIR\n"
	      "         (default /proc, /sys/kernel/debug, /sys/kernel/tracing)\n"
	      "sections:\n", f);
	for (i = 0; i < nr_sections; i++)
		fprintf(f, "  %-13s %-7s %s\n", sections[i].name, sections[i].twin,
			sections[i].help);
	exit(status);
}

static bool wanted(const char *only, const char *name)
{
	size_t len = strlen(name);
	const char *p = only;

	if (!only)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == only || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

#define MAX_TWINS	16

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The core's list of twins, sorted by name: the core lists them in the order
 * they registered, which changes whenever a module is reloaded.
 */
static int read_twins(const char *text, char names[][32])
{
	const char *p = text;
	int n = 0;

	while (p && n < MAX_TWINS && sscanf(p, "%31s", names[n]) == 1) {
		n++;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}

/* "twins loaded: buddy pgwalk" from the core's list, or why there is none. */
static void print_twins(const struct ctx *c, const struct options *o)
{
	char path[PATH_LEN], *text;
	char names[MAX_TWINS][32];
	int i, n;

	path_join(path, sizeof(path), c->roots.debugfs, "mmtwin/twins");
	text = read_file("twins", path);
	n = read_twins(text, names);
	if (o->fmt == JSON) {
		fputs("\"twins\": [", stdout);
		for (i = 0; i < n; i++) {
			fputs(i ? ", " : "", stdout);
			json_string(stdout, names[i]);
		}
		fputs("],\n", stdout);
	} else {
		fputs("twins loaded:", stdout);
		for (i = 0; i < n; i++)
			printf(" %s", names[i]);
		fputs(text ? "\n\n" : " none (no mmtwin_core)\n\n", stdout);
	}
	free(text);
}

static int compare_once(const struct ctx *c, const struct options *o)
{
	bool first = true;
	struct table t;
	int i, shown = 0;

	if (o->fmt == JSON)
		fputs("{", stdout);
	print_twins(c, o);
	if (o->fmt == JSON)
		fputs("\"sections\": [\n", stdout);
	for (i = 0; i < nr_sections; i++) {
		if (!wanted(o->only, sections[i].name) ||
		    (!o->only && sections[i].needs_pid && !c->pid))
			continue;
		table_init(&t, sections[i].name, sections[i].name);
		snprintf(t.title, sizeof(t.title), "%s: %s", sections[i].name,
			 sections[i].help);
		if (!sections[i].fill(c, &t)) {
			table_print(&t, o->fmt, stdout, &first);
			shown++;
		}
		table_free(&t);
	}
	if (o->fmt == JSON) {
		fputs("],\n", stdout);
		skipped_json(stdout);
		fputs("}\n", stdout);
	} else {
		fputs("* = the twin's value differs from the kernel's\n", stdout);
		skipped_text(stdout, "");
		putchar('\n');
	}
	return shown ? 0 : 1;
}

/* One sample: every zone's watermarks and free blocks, kernel and twin. */
static int sample(const struct ctx *c, const struct options *o, double now)
{
	static const char * const side_name[] = { "kernel", "twin" };
	struct table zones, orders;
	char path[PATH_LEN], *text;
	int i, s, k, n = 0;
	bool any_twin = false;
	char zone[16];
	int node;

	table_init(&zones, "watch", "");
	table_init(&orders, "watch", "");
	zone_columns(&zones);
	order_columns(&orders);
	for (s = 0; s < NR_SIDES; s++) {
		const char *root = s == KERNEL ? c->roots.proc : c->roots.debugfs;

		path_join(path, sizeof(path), root,
			  s == KERNEL ? "zoneinfo" : "mmtwin/buddy/zoneinfo");
		text = read_file("watch", path);
		if (text)
			parse_zoneinfo(text, s, &zones);
		free(text);
		path_join(path, sizeof(path), root,
			  s == KERNEL ? "buddyinfo" : "mmtwin/buddy/buddyinfo");
		text = read_file("watch", path);
		if (text)
			parse_buddyinfo(text, s, &orders);
		free(text);
	}
	if (o->fmt == JSON)
		printf("{\"time\": %.2f, \"zones\": [", now);
	for (i = 0; i < zones.nrows; i++)
		any_twin |= zones.rows[i].has[TWIN];
	for (i = 0; i < zones.nrows; i++) {
		struct row *z = &zones.rows[i], *b = table_row(&orders, z->key);

		if (sscanf(z->key, "Node %d, zone %15s", &node, zone) != 2)
			continue;
		/* The twin's zones; without a twin, the kernel's populated ones. */
		if (!compare_all && (any_twin ? !z->has[TWIN] : !z->v[KERNEL][ZC_MANAGED]))
			continue;
		for (s = 0; s < NR_SIDES; s++) {
			if (!z->has[s])
				continue;
			if (o->fmt == JSON) {
				printf("%s{\"side\": \"%s\", \"node\": %d, \"zone\": \"%s\"",
				       n++ ? ", " : "", side_name[s], node, zone);
				printf(", \"free\": %lld, \"min\": %lld, \"low\": %lld, \"high\": %lld, \"nr_free\": [",
				       z->v[s][ZC_FREE], z->v[s][ZC_MIN],
				       z->v[s][ZC_LOW], z->v[s][ZC_HIGH]);
				for (k = 0; k < MAX_ORDERS; k++)
					printf("%s%lld", k ? ", " : "", b->has[s] ? b->v[s][k] : 0);
				fputs("]}", stdout);
				continue;
			}
			printf("%.2f %s %d %s %lld %lld %lld %lld", now, side_name[s],
			       node, zone, z->v[s][ZC_FREE], z->v[s][ZC_MIN],
			       z->v[s][ZC_LOW], z->v[s][ZC_HIGH]);
			for (k = 0; k < MAX_ORDERS; k++)
				printf(" %lld", b->has[s] ? b->v[s][k] : 0);
			putchar('\n');
			n++;
		}
	}
	if (o->fmt == JSON)
		fputs("]}\n", stdout);
	table_free(&zones);
	table_free(&orders);
	return n;
}

/* The section --watch --section NAME samples, or NULL (usage error). */
static const struct section *watched_section(const char *only)
{
	int i;

	for (i = 0; i < nr_sections; i++)
		if (!strcmp(only, sections[i].name) && sections[i].watchable)
			return &sections[i];
	return NULL;
}

/* One sample of @sec: a line per row and side, "time side key values". */
static void sample_section(const struct ctx *c, const struct options *o,
			   const struct section *sec, double now, bool header)
{
	static const char * const side_name[] = { "kernel", "twin" };
	struct table t;
	int i, s, k, n = 0;

	table_init(&t, sec->name, sec->name);
	if (sec->fill(c, &t)) {
		if (o->fmt == JSON)
			printf("{\"time\": %.2f, \"section\": \"%s\", \"rows\": []}\n",
			       now, sec->name);
		table_free(&t);
		return;
	}
	if (header && o->fmt == TEXT) {
		fputs("# time side key", stdout);
		for (k = 0; k < t.ncols; k++)
			printf(" %s", t.cols[k]);
		putchar('\n');
	}
	if (o->fmt == JSON)
		printf("{\"time\": %.2f, \"section\": \"%s\", \"rows\": [", now,
		       sec->name);
	for (i = 0; i < t.nrows; i++) {
		const struct row *r = &t.rows[i];

		for (s = 0; s < NR_SIDES; s++) {
			if (!r->has[s] || !row_shown(&t, r))
				continue;
			if (o->fmt == JSON) {
				printf("%s{\"side\": \"%s\", \"key\": ", n++ ? ", " : "",
				       side_name[s]);
				json_string(stdout, r->key);
				fputs(", \"values\": [", stdout);
			} else {
				printf("%.2f %s %s", now, side_name[s], r->key);
			}
			for (k = 0; k < t.ncols; k++) {
				fputs(o->fmt == JSON ? (k ? ", " : "") : " ", stdout);
				print_value(stdout, &t, k, r->v[s][k], 0);
			}
			fputs(o->fmt == JSON ? "]}" : "\n", stdout);
		}
	}
	if (o->fmt == JSON)
		fputs("]}\n", stdout);
	table_free(&t);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Set by a stop signal; a lock-free atomic is safe to touch in a handler. */
static atomic_bool stop_watch;

static void on_stop(int sig)
{
	(void)sig;
	atomic_store(&stop_watch, true);
}

/* Killed or interrupted, the watch still removes its trace instances. */
static void catch_stop_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_stop, .sa_flags = SA_RESTART };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Until @until (CLOCK_MONOTONIC) or a stop signal: nanosleep is never restarted. */
static void sleep_until(double until)
{
	double wait = until - now_s();
	struct timespec ts;

	if (wait <= 0)
		return;
	ts.tv_sec = (time_t)wait;
	ts.tv_nsec = (long)((wait - ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR && !atomic_load(&stop_watch))
		;
}

static int watch_usage(void)
{
	int k;

	fputs("mmtwin-compare: samples are of the zones, or of one section of:", stderr);
	for (k = 0; k < nr_sections; k++)
		if (sections[k].watchable)
			fprintf(stderr, " %s", sections[k].name);
	fputc('\n', stderr);
	return 2;
}

static int watch(const struct ctx *c, const struct options *o)
{
	const struct section *sec = NULL;
	double t0, next;
	struct kswapd_marks marks;
	long i;
	int k;

	if (o->only) {
		sec = watched_section(o->only);
		if (!sec)
			return watch_usage();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (o->fmt == TEXT && !sec) {
		fputs("# time side node zone free min low high", stdout);
		for (k = 0; k < MAX_ORDERS; k++)
			printf(" o%d", k);
		putchar('\n');
	}
	catch_stop_signals();
	if (!sec)
		kswapd_marks_start(&marks, c->roots.tracefs);
	/*
	 * Time 0 is the first sample, after the tracefs instances are set up
	 * (slow on a busy machine); a mark from that setup reads just below 0.
	 */
	t0 = now_s();
	next = t0;
	for (i = 0; !o->count || i < o->count; i++) {
		if (sec)
			sample_section(c, o, sec, now_s() - t0, i == 0);
		else
			sample(c, o, now_s() - t0);
		/* Report unreadable files once, as comments. */
		if (i == 0 && nr_skipped() && o->fmt == TEXT)
			skipped_text(stdout, "# ");
		skipped_clear();
		if (!sec)
			kswapd_marks_print(&marks, t0, o->fmt);
		if (atomic_load(&stop_watch) || (o->count && i + 1 == o->count))
			break;
		next += o->watch;
		sleep_until(next);
		if (atomic_load(&stop_watch))
			break;
	}
	if (!sec) {
		kswapd_marks_print(&marks, t0, o->fmt);
		kswapd_marks_stop(&marks);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "section", required_argument, NULL, 's' },
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "proc", required_argument, NULL, 'P' },
		{ "debugfs", required_argument, NULL, 'D' },
		{ "tracefs", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct ctx c = {
		.roots = { "/proc", "/sys/kernel/debug", "/sys/kernel/tracing" },
	};
	struct options o = { .fmt = TEXT };
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "s:p:ajw:n:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			o.only = optarg;
			break;
		case 'p':
			c.pid = strtol(optarg, &end, 10);
			if (*end || c.pid <= 0)
				usage(stderr, 2);
			break;
		case 'a':
			compare_all = true;
			break;
		case 'j':
			o.fmt = JSON;
			break;
		case 'w':
			o.watch = strtod(optarg, &end);
			if (*end || !(o.watch > 0))
				usage(stderr, 2);
			break;
		case 'n':
			o.count = strtol(optarg, &end, 10);
			if (*end || o.count <= 0)
				usage(stderr, 2);
			break;
		case 'P':
			snprintf(c.roots.proc, sizeof(c.roots.proc), "%s", optarg);
			break;
		case 'D':
			snprintf(c.roots.debugfs, sizeof(c.roots.debugfs), "%s", optarg);
			break;
		case 'T':
			snprintf(c.roots.tracefs, sizeof(c.roots.tracefs), "%s", optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc || (o.count && !o.watch))
		usage(stderr, 2);
	return o.watch ? watch(&c, &o) : compare_once(&c, &o);
}
