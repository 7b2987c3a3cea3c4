/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * check's output (report.c): the text table and the NDJSON records. On a
 * big host most items are many of one sort (every IRQ, every thread, every
 * CPU's governor) with the same result; the table shows such a group as
 * one line and the numbers it covers, after a summary line per stage. -v
 * and --json keep one item per knob.
 */
#ifndef RTBPF_TUNE_REPORT_H
#define RTBPF_TUNE_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "items.h"
#include "tune.h"

/* A group of fewer items than this is listed item by item. */
#define REPORT_GROUP_MIN 5

/* Groups l's items: items of one stage and group label (items.h) with the
 * same status, expected value, note and by_rtbpf form a group when there
 * are REPORT_GROUP_MIN or more of them. lead[i] is the first item of i's
 * group (i itself for an item shown on its own), next[i] the next member
 * after i, or SIZE_MAX (both arrays of l->n). 0 or -ENOMEM. */
int report_group(const struct item_list *l, size_t *lead, size_t *next);

/* The numbers in ids[0..n) (sorted and made distinct in place) as
 * "1-3 7 9-21:4" (num_run, parse.h), cut to fit len bytes (then ending in
 * "..."): the bytes written. */
size_t report_ids(long *ids, size_t n, char *buf, size_t len);

/* The text table: a summary line per stage, then the items (grouped unless
 * verbose), then the total line. count[] by status. 0 or -ENOMEM
 * (logged). */
int report_table(const struct tune_cfg *c, const struct item_list *l,
		 const unsigned int *count, bool verbose);

/* check --json: the header record, one item record per knob, the
 * summary. */
void report_json(const struct tune_cfg *c, const struct item_list *l,
		 const unsigned int *count);

/* "OK", "WARN", "FAIL", "SKIP", "INFO" */
const char *report_status_name(enum item_status st);

#endif
