// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin-compare's sections: each reads one kind of kernel file and the
 * twin's file of the same format, and fills a table keyed the same way
 * ("Node 0, zone DMA32", a vmstat name, ...). Every parser accepts any
 * text: lines it does not recognise are ignored, so a truncated or
 * unexpected file gives fewer rows, never a crash.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"

void path_join(char *buf, size_t len, const char *root, const char *rel)
{
	snprintf(buf, len, "%s/%s", root, rel);
}

char *read_file(const char *section, const char *path)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap), *p;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		goto fail;
	for (;;) {
		if (len + 1 == cap) {
			p = realloc(buf, cap * 2);
			if (!p) {
				errno = ENOMEM;
				goto fail_fd;
			}
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_fd;
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;

fail_fd:
	n = errno;
	close(fd);
	errno = n;
fail:
	report_missing(section, path, errno);
	free(buf);
	return NULL;
}

/* The next line of @*text, NUL-terminated in place; NULL at the end. */
static char *next_line(char **text)
{
	char *line = *text, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*text = nl + 1;
	} else {
		*text = line + strlen(line);
	}
	return line;
}

/* Up to @max numbers from @p, returned in @v; how many there were. */
static int numbers(const char *p, long long *v, int max)
{
	int n = 0;
	char *end;

	while (n < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		v[n] = strtoll(p, &end, 10);
		if (end == p)
			break;
		n++;
		p = end;
	}
	return n;
}

/*
 * "Node N, zone NAME" at the start of @line: the key in @key and where the
 * rest starts, or NULL. NAME ends at a blank or a comma (pagetypeinfo).
 */
static const char *zone_key(const char *line, char *key, size_t len)
{
	char zone[16];
	int node, n = 0;

	if (sscanf(line, "Node %d, zone %15[^, \t\n]%n", &node, zone, &n) != 2 || !n)
		return NULL;
	snprintf(key, len, "Node %d, zone %s", node, zone);
	return line + n;
}

void order_columns(struct table *t)
{
	char name[8];
	int o;

	for (o = 0; o < MAX_ORDERS; o++) {
		snprintf(name, sizeof(name), "%d", o);
		table_col(t, name);
	}
}

void zone_columns(struct table *t)
{
	table_col(t, "free");
	table_col(t, "min");
	table_col(t, "low");
	table_col(t, "high");
	table_col(t, "managed");
}

/* /proc/buddyinfo: "Node 0, zone    DMA32      1      3 ...". */
void parse_buddyinfo(const char *text, enum side s, struct table *t)
{
	char *copy = strdup(text), *p = copy, *line;
	long long v[MAX_ORDERS];
	char key[KEY_LEN];
	const char *rest;
	int n, o;

	while (copy && (line = next_line(&p))) {
		rest = zone_key(line, key, sizeof(key));
		if (!rest)
			continue;
		n = numbers(rest, v, MAX_ORDERS);
		for (o = 0; o < n; o++)
			table_set(t, key, s, o, v[o]);
	}
	free(copy);
}

/*
 * /proc/zoneinfo: a "Node N, zone NAME" line opens a zone; of its
 * "key value" lines, "pages free", min, low, high and managed are kept.
 */
void parse_zoneinfo(const char *text, enum side s, struct table *t)
{
	static const char * const keys[ZC_NR] = {
		"pages free", "min", "low", "high", "managed",
	};
	char *copy = strdup(text), *p = copy, *line;
	char key[KEY_LEN] = "";
	long long v;
	int k;

	while (copy && (line = next_line(&p))) {
		if (zone_key(line, key, sizeof(key)))
			continue;
		if (!key[0])
			continue;
		while (isspace((unsigned char)*line))
			line++;
		for (k = 0; k < ZC_NR; k++) {
			size_t len = strlen(keys[k]);

			if (!strncmp(line, keys[k], len) && isspace((unsigned char)line[len]) &&
			    numbers(line + len, &v, 1) == 1)
				table_set(t, key, s, k, v);
		}
	}
	free(copy);
}

/* Read the kernel's file and the twin's, remembering where they were. */
static int read_pair(const struct ctx *c, struct table *t, const char *kernel,
		     const char *twin, char **text)
{
	path_join(t->src[KERNEL], sizeof(t->src[KERNEL]), c->roots.proc, kernel);
	path_join(t->src[TWIN], sizeof(t->src[TWIN]), c->roots.debugfs, twin);
	text[KERNEL] = read_file(t->section, t->src[KERNEL]);
	text[TWIN] = read_file(t->section, t->src[TWIN]);
	if (!text[KERNEL] && !text[TWIN])
		return -1;
	return 0;
}

typedef void (*parser_t)(const char *text, enum side s, struct table *t);

static int fill_pair(const struct ctx *c, struct table *t, const char *kernel,
		     const char *twin, parser_t parse)
{
	char *text[NR_SIDES];
	int s;

	if (read_pair(c, t, kernel, twin, text))
		return -1;
	for (s = 0; s < NR_SIDES; s++) {
		if (text[s])
			parse(text[s], s, t);
		free(text[s]);
	}
	return 0;
}

static int buddyinfo_fill(const struct ctx *c, struct table *t)
{
	order_columns(t);
	return fill_pair(c, t, "buddyinfo", "mmtwin/buddy/buddyinfo",
			 parse_buddyinfo);
}

static int zones_fill(const struct ctx *c, struct table *t)
{
	zone_columns(t);
	return fill_pair(c, t, "zoneinfo", "mmtwin/buddy/zoneinfo",
			 parse_zoneinfo);
}

/* The index of column @name, added when new. */
static int col_index(struct table *t, const char *name)
{
	int c;

	for (c = 0; c < t->ncols; c++)
		if (!strcmp(t->cols[c], name))
			return c;
	table_col(t, name);
	return c < t->ncols ? c : -1;
}

/* The "Number of blocks type" header: column names in @types. */
static int block_types(const char *line, char types[][24], int max)
{
	const char *p = line + strlen("Number of blocks type");
	int n = 0, len;

	while (n < max && sscanf(p, " %23s%n", types[n], &len) == 1) {
		p += len;
		n++;
	}
	return n;
}

/*
 * /proc/pagetypeinfo: free blocks per type and order, and pageblocks per
 * type. Only the first table is kept here; pageblocks_fill() reads the
 * second from the same text.
 */
static void parse_pagetypes(const char *text, enum side s, struct table *t)
{
	char *copy = strdup(text), *p = copy, *line;
	long long v[MAX_ORDERS];
	char key[KEY_LEN], type[24], full[KEY_LEN + 32];
	const char *rest;
	int n, o, len;

	while (copy && (line = next_line(&p))) {
		rest = zone_key(line, key, sizeof(key));
		if (!rest || sscanf(rest, ", type %23s%n", type, &len) != 1)
			continue;
		snprintf(full, sizeof(full), "%s, %s", key, type);
		full[KEY_LEN - 1] = '\0';
		n = numbers(rest + len, v, MAX_ORDERS);
		for (o = 0; o < n; o++)
			table_set(t, full, s, o, v[o]);
	}
	free(copy);
}

static void parse_pageblocks(const char *text, enum side s, struct table *t)
{
	char *copy = strdup(text), *p = copy, *line;
	char types[MAX_COLS][24], key[KEY_LEN];
	long long v[MAX_COLS];
	int ntypes = 0, n, i;
	const char *rest;

	while (copy && (line = next_line(&p))) {
		if (!strncmp(line, "Number of blocks type", 21)) {
			ntypes = block_types(line, types, MAX_COLS);
			continue;
		}
		rest = zone_key(line, key, sizeof(key));
		if (!rest || !ntypes || *rest == ',')
			continue;
		n = numbers(rest, v, ntypes);
		for (i = 0; i < n; i++)
			table_set(t, key, s, col_index(t, types[i]), v[i]);
	}
	free(copy);
}

static int pagetypeinfo_fill(const struct ctx *c, struct table *t)
{
	order_columns(t);
	return fill_pair(c, t, "pagetypeinfo", "mmtwin/buddy/pagetypeinfo",
			 parse_pagetypes);
}

static int pageblocks_fill(const struct ctx *c, struct table *t)
{
	return fill_pair(c, t, "pagetypeinfo", "mmtwin/buddy/pagetypeinfo",
			 parse_pageblocks);
}

/* "name value" lines (vmstat); only names of @filter when given. */
static void parse_pairs(const char *text, enum side s, struct table *t,
			const struct table *filter)
{
	char *copy = strdup(text), *p = copy, *line;
	char name[KEY_LEN];
	long long v;
	int i;

	while (copy && (line = next_line(&p))) {
		if (sscanf(line, "%63s %lld", name, &v) != 2)
			continue;
		if (filter) {
			for (i = 0; i < filter->nrows; i++)
				if (!strcmp(filter->rows[i].key, name))
					break;
			if (i == filter->nrows)
				continue;
		}
		table_set(t, name, s, 0, v);
	}
	free(copy);
}

/* The counters both have: the twin's names, in its order. */
static int vmstat_fill(const struct ctx *c, struct table *t)
{
	char *text[NR_SIDES];

	table_col(t, "value");
	if (read_pair(c, t, "vmstat", "mmtwin/buddy/vmstat", text))
		return -1;
	if (!text[TWIN]) {
		free(text[KERNEL]);
		return -1;
	}
	parse_pairs(text[TWIN], TWIN, t, NULL);
	if (text[KERNEL])
		parse_pairs(text[KERNEL], KERNEL, t, t);
	free(text[KERNEL]);
	free(text[TWIN]);
	return 0;
}

/* "Key:   123 kB" from status or smaps_rollup; -1 when absent. */
static long long proc_kb(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p = text;
	long long v;

	while (p && *p) {
		if (!strncmp(p, key, len) && p[len] == ':' &&
		    numbers(p + len + 1, &v, 1) == 1)
			return v;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* Aim the walker at the pid: its totals then cover the whole space. */
static int pgwalk_request(const struct ctx *c, struct table *t)
{
	char path[PATH_LEN], req[32];
	int fd, len, ok;

	path_join(path, sizeof(path), c->roots.debugfs, "mmtwin/pgwalk/request");
	len = snprintf(req, sizeof(req), "pid %d\n", c->pid);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0) {
		report_missing(t->section, path, errno);
		return -1;
	}
	ok = write(fd, req, len) == len;
	if (!ok)
		report_missing(t->section, path, errno);
	close(fd);
	return ok ? 0 : -1;
}

/* The walker's totals of a pid next to status and smaps_rollup. */
static int pgwalk_fill(const struct ctx *c, struct table *t)
{
	static const struct {
		const char *row, *file, *kernel, *twin;
	} map[] = {
		{ "Rss kB", "smaps_rollup", "Rss", "rss_kb" },
		{ "AnonHugePages kB", "smaps_rollup", "AnonHugePages", "anon_huge_kb" },
		{ "Swap kB", "smaps_rollup", "Swap", "swap_kb" },
		{ "VmPTE kB", "status", "VmPTE", "pgtables_kb" },
	};
	char rel[32], *status, *rollup, *totals, name[KEY_LEN];
	struct table tw;
	unsigned int i;
	long long v;
	int r;

	table_col(t, "kB");
	if (c->pid <= 0) {
		report_missing(t->section, "--pid PID", EINVAL);
		return -1;
	}
	snprintf(rel, sizeof(rel), "%d/status", c->pid);
	path_join(t->src[KERNEL], sizeof(t->src[KERNEL]), c->roots.proc, rel);
	status = read_file(t->section, t->src[KERNEL]);
	snprintf(rel, sizeof(rel), "%d/smaps_rollup", c->pid);
	path_join(t->src[KERNEL], sizeof(t->src[KERNEL]), c->roots.proc, rel);
	rollup = read_file(t->section, t->src[KERNEL]);
	snprintf(t->src[KERNEL], sizeof(t->src[KERNEL]), "%s/%d/{status,smaps_rollup}",
		 c->roots.proc, c->pid);
	path_join(t->src[TWIN], sizeof(t->src[TWIN]), c->roots.debugfs,
		  "mmtwin/pgwalk/totals");
	totals = NULL;
	if (!pgwalk_request(c, t))
		totals = read_file(t->section, t->src[TWIN]);

	table_init(&tw, "pgwalk", "");
	if (totals)
		parse_pairs(totals, TWIN, &tw, NULL);
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		const char *text = !strcmp(map[i].file, "status") ? status : rollup;

		table_row(t, map[i].row);
		v = text ? proc_kb(text, map[i].kernel) : -1;
		if (v >= 0)
			table_set(t, map[i].row, KERNEL, 0, v);
		snprintf(name, sizeof(name), "%s", map[i].twin);
		for (r = 0; r < tw.nrows; r++)
			if (!strcmp(tw.rows[r].key, name))
				table_set(t, map[i].row, TWIN, 0, tw.rows[r].v[TWIN][0]);
	}
	table_free(&tw);
	free(status);
	free(rollup);
	free(totals);
	return 0;
}

/*
 * /proc/slabinfo 2.1: "name active num objsize perslab pages : tunables
 * l b s : slabdata active_slabs num_slabs sharedavail", one a cache.
 */
static void parse_slabinfo(const char *text, enum side s, struct table *t)
{
	char *copy = strdup(text), *p = copy, *line;
	char name[KEY_LEN];
	long long v[7];
	int c;

	while (copy && (line = next_line(&p))) {
		if (sscanf(line, "%63s %lld %lld %lld %lld %lld : tunables %*d %*d %*d : slabdata %lld %lld",
			   name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) != 8)
			continue;
		for (c = 0; c < 7; c++)
			table_set(t, name, s, c, v[c]);
	}
	free(copy);
}

/*
 * The twin's caches, in its order, each next to the kernel's cache of the
 * same name (kmalloc-64 and kmalloc-64, or a test cache made on both
 * sides); --all adds the caches only the kernel has.
 */
static int slabinfo_fill(const struct ctx *c, struct table *t)
{
	static const char * const cols[] = {
		"active_objs", "num_objs", "objsize", "objperslab",
		"pagesperslab", "active_slabs", "num_slabs",
	};
	char *text[NR_SIDES];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cols); i++)
		table_col(t, cols[i]);
	if (read_pair(c, t, "slabinfo", "mmtwin/slub/slabinfo", text))
		return -1;
	if (!text[TWIN]) {
		free(text[KERNEL]);
		return -1;
	}
	parse_slabinfo(text[TWIN], TWIN, t);
	if (text[KERNEL])
		parse_slabinfo(text[KERNEL], KERNEL, t);
	free(text[KERNEL]);
	free(text[TWIN]);
	return 0;
}

/*
 * The reclaim events the reclaimer twin counts, with the kernel's
 * /proc/vmstat names, and the direct reclaim entries (allocstall_<zone>)
 * the buddy twin counts for it.
 */
static int reclaim_fill(const struct ctx *c, struct table *t)
{
	char path[PATH_LEN], *text[NR_SIDES], *buddy, *copy, *p, *line;
	char name[KEY_LEN];
	long long v;

	table_col(t, "value");
	if (read_pair(c, t, "vmstat", "mmtwin/reclaim/vmstat", text))
		return -1;
	if (!text[TWIN]) {
		free(text[KERNEL]);
		return -1;
	}
	parse_pairs(text[TWIN], TWIN, t, NULL);
	path_join(path, sizeof(path), c->roots.debugfs, "mmtwin/buddy/vmstat");
	buddy = read_file(t->section, path);
	copy = p = buddy;
	while (copy && (line = next_line(&p)))
		if (sscanf(line, "%63s %lld", name, &v) == 2 &&
		    !strncmp(name, "allocstall_", 11))
			table_set(t, name, TWIN, 0, v);
	if (buddy)
		snprintf(t->src[TWIN] + strlen(t->src[TWIN]),
			 sizeof(t->src[TWIN]) - strlen(t->src[TWIN]),
			 ", allocstall_*: %s", path);
	if (text[KERNEL])
		parse_pairs(text[KERNEL], KERNEL, t, t);
	free(buddy);
	free(text[KERNEL]);
	free(text[TWIN]);
	return 0;
}

/*
 * "avg10=1.25" in @line: 125 in @v (psi prints two decimals); "total=N"
 * (no decimals, @fixed false): N.
 */
static bool pressure_value(const char *line, const char *key, bool fixed,
			   long long *v)
{
	const char *p = strstr(line, key);
	long long whole;
	char *end;

	if (!p || p == line || p[-1] != ' ')
		return false;
	p += strlen(key);
	errno = 0;
	whole = strtoll(p, &end, 10);
	if (end == p || whole < 0 || errno)
		return false;
	if (!fixed) {
		*v = whole;
		return true;
	}
	if (whole > 100 || end[0] != '.' || !isdigit((unsigned char)end[1]) ||
	    !isdigit((unsigned char)end[2]))
		return false;
	*v = whole * 100 + (end[1] - '0') * 10 + (end[2] - '0');
	return true;
}

/* /proc/pressure/memory: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0". */
static void parse_pressure(const char *text, enum side s, struct table *t)
{
	static const char * const keys[] = {
		"avg10=", "avg60=", "avg300=", "total=",
	};
	char *copy = strdup(text), *p = copy, *line;
	unsigned int k;
	char kind[8];
	long long v;

	while (copy && (line = next_line(&p))) {
		if (sscanf(line, "%7s", kind) != 1 ||
		    (strcmp(kind, "some") && strcmp(kind, "full")))
			continue;
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (pressure_value(line, keys[k], k < 3, &v))
				table_set(t, kind, s, k, v);
	}
	free(copy);
}

static int pressure_fill(const struct ctx *c, struct table *t)
{
	table_col_fixed(t, "avg10", 2);
	table_col_fixed(t, "avg60", 2);
	table_col_fixed(t, "avg300", 2);
	table_col(t, "total_us");
	return fill_pair(c, t, "pressure/memory", "mmtwin/reclaim/pressure",
			 parse_pressure);
}

/*
 * The sections, in the order they print. A twin adds its own here,
 * reading its debugfs directory next to the kernel's file of the same
 * format; one whose keys are single words can be sampled by --watch.
 */
const struct section sections[] = {
	{ "buddyinfo", "buddy", "free blocks per zone and order (/proc/buddyinfo)",
	  false, buddyinfo_fill, false },
	{ "pagetypeinfo", "buddy", "free blocks per zone, migrate type and order (/proc/pagetypeinfo)",
	  false, pagetypeinfo_fill, false },
	{ "pageblocks", "buddy", "pageblocks per zone and migrate type (/proc/pagetypeinfo)",
	  false, pageblocks_fill, false },
	{ "zones", "buddy", "free pages, watermarks and managed pages per zone (/proc/zoneinfo)",
	  false, zones_fill, false },
	{ "vmstat", "buddy", "the /proc/vmstat counters the twin keeps too",
	  false, vmstat_fill, true },
	{ "slabinfo", "slub", "the twin's slab caches next to the kernel's of the same name (/proc/slabinfo)",
	  false, slabinfo_fill, true },
	{ "reclaim", "reclaim", "the /proc/vmstat reclaim counters the twin keeps (scans, steals, kswapd, allocstall)",
	  false, reclaim_fill, true },
	{ "pressure", "reclaim", "/proc/pressure/memory next to the twin's, over its own tasks (avg %, total us)",
	  false, pressure_fill, true },
	{ "pgwalk", "pgwalk", "a process's walker totals vs status and smaps_rollup (needs --pid)",
	  true, pgwalk_fill, false },
};

const int nr_sections = ARRAY_SIZE(sections);
