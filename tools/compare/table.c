// SPDX-License-Identifier: GPL-2.0
/*
 * mmtwin-compare: rows of kernel and twin values, rendered as aligned text
 * (a '*' after every twin value that differs from the kernel's) or JSON.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct skip {
	char section[32];
	char path[PATH_LEN];
	int err;
};

static struct skip skips[64];
static int nskips;

void report_missing(const char *section, const char *path, int err)
{
	struct skip *s;

	if (nskips == (int)ARRAY_SIZE(skips))
		return;
	s = &skips[nskips++];
	snprintf(s->section, sizeof(s->section), "%s", section);
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->err = err;
}

int nr_skipped(void)
{
	return nskips;
}

void skipped_clear(void)
{
	nskips = 0;
}

void skipped_text(FILE *f, const char *prefix)
{
	int i;

	for (i = 0; i < nskips; i++)
		fprintf(f, "%sskipped %s: %s: %s\n", prefix, skips[i].section,
			skips[i].path, strerror(skips[i].err));
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void skipped_json(FILE *f)
{
	int i;

	fputs("\"skipped\": [", f);
	for (i = 0; i < nskips; i++) {
		fprintf(f, "%s{\"section\": ", i ? ", " : "");
		json_string(f, skips[i].section);
		fputs(", \"path\": ", f);
		json_string(f, skips[i].path);
		fputs(", \"error\": ", f);
		json_string(f, strerror(skips[i].err));
		fputc('}', f);
	}
	fputc(']', f);
}

void table_init(struct table *t, const char *section, const char *title)
{
	memset(t, 0, sizeof(*t));
	t->section = section;
	snprintf(t->title, sizeof(t->title), "%s", title);
}

void table_col(struct table *t, const char *name)
{
	table_col_fixed(t, name, 0);
}

/* A column of fixed-point values: @decimals digits after the point. */
void table_col_fixed(struct table *t, const char *name, int decimals)
{
	if (t->ncols == MAX_COLS)
		return;
	t->decimals[t->ncols] = decimals;
	snprintf(t->cols[t->ncols++], sizeof(t->cols[0]), "%s", name);
}

/* @v as column @col shows it: "12.34" in a column of 2 decimals. */
static int format_value(char *buf, size_t len, const struct table *t, int col,
			long long v)
{
	long long scale = 1;
	int d;

	for (d = 0; d < t->decimals[col]; d++)
		scale *= 10;
	if (scale == 1 || v == LLONG_MIN)
		return snprintf(buf, len, "%lld", v);
	return snprintf(buf, len, "%s%lld.%0*lld", v < 0 ? "-" : "",
			llabs(v) / scale, t->decimals[col], llabs(v) % scale);
}

/* @v right-aligned in @width (0: no padding). */
void print_value(FILE *f, const struct table *t, int col, long long v,
		 int width)
{
	char buf[48];

	format_value(buf, sizeof(buf), t, col, v);
	fprintf(f, "%*s", width, buf);
}

/* The row for @key, appended (in first-seen order) when new. */
struct row *table_row(struct table *t, const char *key)
{
	struct row *r;
	int i;

	for (i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].key, key))
			return &t->rows[i];
	if (t->nrows == t->cap) {
		int cap = t->cap ? 2 * t->cap : 16;

		r = realloc(t->rows, cap * sizeof(*r));
		if (!r) {
			perror("mmtwin-compare");
			exit(1);
		}
		t->rows = r;
		t->cap = cap;
	}
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->key, sizeof(r->key), "%s", key);
	return r;
}

void table_set(struct table *t, const char *key, enum side s, int col,
	       long long val)
{
	struct row *r = table_row(t, key);

	if (col < 0 || col >= MAX_COLS)
		return;
	r->has[s] = true;
	r->v[s][col] = val;
}

bool row_differs(const struct row *r, int col)
{
	return r->has[KERNEL] && r->has[TWIN] &&
	       r->v[KERNEL][col] != r->v[TWIN][col];
}

static int digits(const struct table *t, int col, long long v)
{
	char buf[48];

	return format_value(buf, sizeof(buf), t, col, v);
}

/* Widths: the key column, then one per value column. */
static void widths(const struct table *t, int *kw, int *w)
{
	int i, c, s;

	*kw = t->ncols == 1 ? 3 : 0;
	for (c = 0; c < t->ncols; c++)
		w[c] = t->ncols == 1 ? 6 : (int)strlen(t->cols[c]);
	for (i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if ((int)strlen(r->key) > *kw)
			*kw = strlen(r->key);
		for (s = 0; s < NR_SIDES; s++)
			for (c = 0; c < t->ncols && r->has[s]; c++)
				if (digits(t, c, r->v[s][c]) > w[c])
					w[c] = digits(t, c, r->v[s][c]);
	}
}

/* Without --all, rows the twin has no values for are left out. */
bool compare_all;

bool row_shown(const struct table *t, const struct row *r)
{
	int i;

	if (compare_all || r->has[TWIN])
		return true;
	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].has[TWIN])
			return false;
	return true;
}

static void print_cell(FILE *f, const struct table *t, const struct row *r,
		       enum side s, int c, int w)
{
	if (!r->has[s]) {
		fprintf(f, " %*s ", w, "-");
		return;
	}
	fputc(' ', f);
	print_value(f, t, c, r->v[s][c], w);
	fputc(s == TWIN && row_differs(r, c) ? '*' : ' ', f);
}

/* One value per row: "key  kernel  twin". */
static void print_single(const struct table *t, FILE *f, int kw, int w)
{
	int i, s;

	fprintf(f, "%-*s  %*s  %*s\n", kw, "", w, "kernel", w, "twin");
	for (i = 0; i < t->nrows; i++) {
		if (!row_shown(t, &t->rows[i]))
			continue;
		fprintf(f, "%-*s ", kw, t->rows[i].key);
		for (s = 0; s < NR_SIDES; s++)
			print_cell(f, t, &t->rows[i], s, 0, w);
		fputc('\n', f);
	}
}

/* Several values per row: a kernel line and a twin line under the key. */
static void print_multi(const struct table *t, FILE *f, int kw, const int *w)
{
	static const char * const side_name[] = { "kernel", "twin" };
	int i, c, s;

	fprintf(f, "%-*s %-6s", kw, "", "");
	for (c = 0; c < t->ncols; c++)
		fprintf(f, " %*s ", w[c], t->cols[c]);
	fputc('\n', f);
	for (i = 0; i < t->nrows; i++) {
		if (!row_shown(t, &t->rows[i]))
			continue;
		for (s = 0; s < NR_SIDES; s++) {
			fprintf(f, "%-*s %-6s", kw, s ? "" : t->rows[i].key,
				side_name[s]);
			for (c = 0; c < t->ncols; c++)
				print_cell(f, t, &t->rows[i], s, c, w[c]);
			fputc('\n', f);
		}
	}
}

static void print_text(const struct table *t, FILE *f)
{
	int kw, w[MAX_COLS];

	fprintf(f, "=== %s\n", t->title);
	fprintf(f, "    kernel: %s\n", t->src[KERNEL][0] ? t->src[KERNEL] : "-");
	fprintf(f, "    twin:   %s\n", t->src[TWIN][0] ? t->src[TWIN] : "-");
	widths(t, &kw, w);
	if (t->ncols == 1)
		print_single(t, f, kw, w[0]);
	else
		print_multi(t, f, kw, w);
	fputc('\n', f);
}

static void values_json(FILE *f, const struct table *t, const struct row *r,
			enum side s)
{
	int c;

	if (!r->has[s]) {
		fputs("null", f);
		return;
	}
	fputc('[', f);
	for (c = 0; c < t->ncols; c++) {
		fputs(c ? ", " : "", f);
		print_value(f, t, c, r->v[s][c], 0);
	}
	fputc(']', f);
}

static void print_json(const struct table *t, FILE *f)
{
	int i, c, n;

	fputs("{\"section\": ", f);
	json_string(f, t->section);
	fputs(", \"title\": ", f);
	json_string(f, t->title);
	fputs(", \"kernel_source\": ", f);
	json_string(f, t->src[KERNEL]);
	fputs(", \"twin_source\": ", f);
	json_string(f, t->src[TWIN]);
	fputs(", \"columns\": [", f);
	for (c = 0; c < t->ncols; c++) {
		fputs(c ? ", " : "", f);
		json_string(f, t->cols[c]);
	}
	fputs("], \"rows\": [", f);
	for (i = 0, n = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];

		if (!row_shown(t, r))
			continue;
		fprintf(f, "%s\n  {\"key\": ", n++ ? "," : "");
		json_string(f, r->key);
		fputs(", \"kernel\": ", f);
		values_json(f, t, r, KERNEL);
		fputs(", \"twin\": ", f);
		values_json(f, t, r, TWIN);
		fputs(", \"differs\": [", f);
		for (c = 0; c < t->ncols; c++)
			fprintf(f, "%s%s", c ? ", " : "",
				row_differs(r, c) ? "true" : "false");
		fputs("]}", f);
	}
	fputs("]}", f);
}

/* @first: no JSON separator before the first table of a document. */
void table_print(const struct table *t, enum format fmt, FILE *f, bool *first)
{
	if (fmt == TEXT) {
		print_text(t, f);
		return;
	}
	if (!*first)
		fputs(",\n", f);
	*first = false;
	print_json(t, f);
}

void table_free(struct table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
	t->cap = 0;
}
