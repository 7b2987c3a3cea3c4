/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every monitor renderer shares: the cells of a task and a time, and
 * the tables' columns laid out in the output's width. No allocation.
 */
#ifndef RTBPF_MONITOR_RENDER_UTIL_H
#define RTBPF_MONITOR_RENDER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct coll_out;
struct task_entry;

/*
 * "comm/pid" (with_ns: and its time) in at most width columns: the pid and
 * time whole, the name made safe for a terminal and, when it does not fit,
 * shortened and marked (TEXT_SHORT_MARK); "-" for no task. Only a width
 * below the pid and time's own widens the cell past it.
 */
void fmt_task(char *buf, size_t len, const struct task_entry *p, int width,
	      bool with_ns);
/* ns in microseconds (seconds from 0.1 s on, in 7 columns); "-" without
 * a figure. */
void fmt_us(char *buf, size_t len, uint64_t ns, bool have);
/* A count into a table cell (COL_CELL bytes). */
void fmt_count(char *cell, uint64_t n);
/* A table row's CPU label: the number, "*" when isolated. */
void fmt_cpu(char *buf, size_t len, const struct coll_out *o, unsigned int cpu);

/* The width a table's lines keep to: one column less than the output's
 * (a full line makes some terminals wrap). */
unsigned int render_cols(const struct coll_out *o);

/*
 * A column of a monitor table. Its head is printed as is, and named in
 * the legend (rtbpf monitor --help, docs/monitor.md) with what it shows.
 * A cell wider than width widens its row: a number is never cut.
 */
struct col {
	const char *head;
	int width; /* 0: the last column, a name: the rest of the line */
	int drop; /* 0: always shown; else dropped, highest first, when
		   * the line does not fit the width */
	int gap; /* spaces before it (0: one; the first column: none) */
	int name_min; /* the name column: its least width */
	const char *legend;
};

#define COL_MAX 12
#define COL_CELL 160

/* A table's columns as laid out in a width. */
struct col_fit {
	const struct col *col;
	unsigned int n;
	bool shown[COL_MAX];
	int name_width; /* the name column's, when it has one */
};

/* Lays out col[0..n) (n <= COL_MAX) in cols columns: every column while
 * they fit, the name column the rest (at least its name_min), dropping
 * columns by their drop rank until it fits. */
void col_fit(struct col_fit *f, const struct col *col, unsigned int n,
	     unsigned int cols);
/* The header line; a row of cells[i] for each column (those not shown
 * are skipped). The first column is left-aligned, the name column too. */
void col_head(FILE *out, const struct col_fit *f);
void col_row(FILE *out, const struct col_fit *f, char cells[][COL_CELL]);

/* The tables of rtbpf monitor's text output (render_cols.c): their
 * columns, in the order cells are given, and the legend. */
struct col_table {
	const char *title; /* in the legend */
	const struct col *col;
	unsigned int n;
};

enum { TBL_WAIT, TBL_NOISE, TBL_WAKE, TBL_TIMER, TBL_N };
extern const struct col_table render_tables[TBL_N];

enum {
	WAIT_CPU,
	WAIT_WAKEUPS,
	WAIT_P50,
	WAIT_P99,
	WAIT_P999,
	WAIT_MAX,
	WAIT_DLV99,
	WAIT_INVOL,
	WAIT_TOP,
	WAIT_N
};
enum {
	NOISE_CPU,
	NOISE_IRQS,
	NOISE_IRQ_US,
	NOISE_SIRQ_US,
	NOISE_FLT,
	NOISE_STOL_US,
	NOISE_US,
	NOISE_TOP,
	NOISE_N
};
enum {
	WAKE_CPU,
	WAKE_WAITS,
	WAKE_REMOTE,
	WAKE_IDLE,
	WAKE_RM_IDLE,
	WAKE_NO_IPI,
	WAKE_DLV50,
	WAKE_DLV99,
	WAKE_DLVMX,
	WAKE_QUE99,
	WAKE_N
};
enum { TIMER_CPU, TIMER_WAKEUPS, TIMER_P50, TIMER_P99, TIMER_MAX, TIMER_N };

/* text in lines of at most cols columns, broken only where sep is (sep
 * " ": between words; "; ": between clauses), lines after the first
 * starting with indent, then a newline; a piece longer than a line is
 * never cut. */
void render_wrap(FILE *out, const char *text, unsigned int cols,
		 const char *indent, const char *sep);

/* Lays out table t in o's width (col_fit). */
void render_fit(struct col_fit *f, const struct coll_out *o, unsigned int t);
/* Every table's columns and what each shows, for rtbpf monitor --help. */
void render_legend(FILE *f);

#endif
