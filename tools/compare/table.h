/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmtwin-compare: a table of rows, each holding the kernel's values and
 * the twin's for one key, printed as aligned text or as JSON.
 */
#ifndef MMTWIN_COMPARE_TABLE_H
#define MMTWIN_COMPARE_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_COLS	16
#define KEY_LEN		64
#define PATH_LEN	320

enum side { KERNEL, TWIN, NR_SIDES };

struct row {
	char key[KEY_LEN];
	bool has[NR_SIDES];
	long long v[NR_SIDES][MAX_COLS];
};

struct table {
	const char *section;		/* name used by --section and JSON */
	char title[128];
	char src[NR_SIDES][PATH_LEN];	/* the files the values came from */
	int ncols;
	char cols[MAX_COLS][24];
	int decimals[MAX_COLS];		/* values are fixed point: 2 = hundredths */
	struct row *rows;
	int nrows, cap;
};

enum format { TEXT, JSON };

/* Files that could not be read: reported, never fatal. */
void report_missing(const char *section, const char *path, int err);
void skipped_json(FILE *f);
int nr_skipped(void);
void skipped_clear(void);
void skipped_text(FILE *f, const char *prefix);

/* --all: also the rows only the kernel has (zones the twin lacks). */
extern bool compare_all;

void table_init(struct table *t, const char *section, const char *title);
void table_col(struct table *t, const char *name);
void table_col_fixed(struct table *t, const char *name, int decimals);
struct row *table_row(struct table *t, const char *key);
void table_set(struct table *t, const char *key, enum side s, int col,
	       long long val);
bool row_differs(const struct row *r, int col);
bool row_shown(const struct table *t, const struct row *r);
void table_print(const struct table *t, enum format fmt, FILE *f,
		 bool *first);
void table_free(struct table *t);

void json_string(FILE *f, const char *s);
void print_value(FILE *f, const struct table *t, int col, long long v,
		 int width);

#endif /* MMTWIN_COMPARE_TABLE_H */
