/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Background: a writer of the Prometheus text exposition format (0.0.4)
 * and of OpenMetrics 1.0 text, onto a stdio stream (open_memstream for a
 * scrape, a temp file for --textfile). One family is announced once (HELP,
 * TYPE, and in OpenMetrics UNIT), then its samples follow; label values
 * are escaped (backslash, double quote, newline) and names another user
 * controls (thread names) never break a line. Values are in base units
 * (seconds, bytes); counters never go back.
 *
 * Pure: no syscalls beyond the stream's writes, no allocation. Not thread
 * safe: one writer per stream.
 */
#ifndef RTBPF_PROM_H
#define RTBPF_PROM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum prom_type {
	PROM_COUNTER,
	PROM_GAUGE,
	PROM_HISTOGRAM,
	PROM_INFO, /* a gauge of value 1 in the text format */
};

struct prom {
	FILE *f;
	bool openmetrics; /* OpenMetrics 1.0 (ends with "# EOF") */
	int err; /* first -errno of a write, sticky */
};

/* A label set: names and values, n pairs. Values are escaped here. */
struct prom_label {
	const char *name;
	const char *value;
};

void prom_init(struct prom *p, FILE *f, bool openmetrics);

/* Announces family name (without _total/_bucket suffixes) with its type,
 * unit ("seconds", "" for none) and help text. */
void prom_family(struct prom *p, const char *name, enum prom_type type,
		 const char *unit, const char *help);

/* One sample of the family announced last: suffix "" or "_total",
 * "_bucket", "_sum", "_count", "_info"; labels may be NULL when n is 0. */
void prom_sample(struct prom *p, const char *name, const char *suffix,
		 const struct prom_label *labels, unsigned int n, double value);
void prom_sample_u64(struct prom *p, const char *name, const char *suffix,
		     const struct prom_label *labels, unsigned int n,
		     uint64_t value);

/* Ends the exposition ("# EOF" in OpenMetrics). Returns p->err. */
int prom_finish(struct prom *p);

#endif
