// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Prometheus text (0.0.4) and OpenMetrics 1.0 text writer: see prom.h. */
#define _GNU_SOURCE
#include "prom.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>

void prom_init(struct prom *p, FILE *f, bool openmetrics)
{
	p->f = f;
	p->openmetrics = openmetrics;
	p->err = 0;
}

static void check(struct prom *p, int ret)
{
	if (ret < 0 && !p->err)
		p->err = errno ? -errno : -EIO;
}

/* HELP text: backslash and newline escaped (and " in OpenMetrics). */
static void put_help(struct prom *p, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			check(p, fputs_unlocked("\\\\", p->f));
		else if (*s == '\n')
			check(p, fputs_unlocked("\\n", p->f));
		else if (*s == '"' && p->openmetrics)
			check(p, fputs_unlocked("\\\"", p->f));
		else
			check(p, putc_unlocked((unsigned char)*s, p->f));
	}
}

static const char *type_name(const struct prom *p, enum prom_type t)
{
	switch (t) {
	case PROM_COUNTER:
		return "counter";
	case PROM_HISTOGRAM:
		return "histogram";
	case PROM_INFO:
		return p->openmetrics ? "info" : "gauge";
	default:
		return "gauge";
	}
}

void prom_family(struct prom *p, const char *name, enum prom_type type,
		 const char *unit, const char *help)
{
	/* the text format names a counter's family as its samples */
	const char *suffix = "";

	if (!p->openmetrics && type == PROM_COUNTER)
		suffix = "_total";
	else if (!p->openmetrics && type == PROM_INFO)
		suffix = "_info";
	check(p, fprintf(p->f, "# HELP %s%s ", name, suffix));
	put_help(p, help);
	check(p, fprintf(p->f, "\n# TYPE %s%s %s\n", name, suffix,
			 type_name(p, type)));
	if (p->openmetrics && unit && *unit)
		check(p, fprintf(p->f, "# UNIT %s %s\n", name, unit));
}

static void put_labels(struct prom *p, const struct prom_label *l,
		       unsigned int n)
{
	if (!n)
		return;
	check(p, putc_unlocked('{', p->f));
	for (unsigned int i = 0; i < n; i++) {
		if (i)
			check(p, putc_unlocked(',', p->f));
		check(p, fputs_unlocked(l[i].name, p->f));
		check(p, fputs_unlocked("=\"", p->f));
		for (const char *s = l[i].value; *s; s++) {
			if (*s == '\\')
				check(p, fputs_unlocked("\\\\", p->f));
			else if (*s == '"')
				check(p, fputs_unlocked("\\\"", p->f));
			else if (*s == '\n')
				check(p, fputs_unlocked("\\n", p->f));
			else
				check(p,
				      putc_unlocked((unsigned char)*s, p->f));
		}
		check(p, putc_unlocked('"', p->f));
	}
	check(p, putc_unlocked('}', p->f));
}

void prom_sample(struct prom *p, const char *name, const char *suffix,
		 const struct prom_label *labels, unsigned int n, double value)
{
	check(p, fputs_unlocked(name, p->f));
	check(p, fputs_unlocked(suffix, p->f));
	put_labels(p, labels, n);
	if (isnan(value))
		check(p, fputs_unlocked(" NaN\n", p->f));
	else if (isinf(value))
		check(p,
		      fputs_unlocked(value > 0 ? " +Inf\n" : " -Inf\n", p->f));
	else
		check(p, fprintf(p->f, " %.17g\n", value));
}

/* Digits by hand: a page is mostly integer samples (histogram buckets),
 * and printf's conversions cost most of a page's build. */
static void put_u64(struct prom *p, uint64_t v)
{
	char buf[24], *e = buf + sizeof(buf), *d = e;

	*--d = '\n';
	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	*--d = ' ';
	if (fwrite_unlocked(d, 1, (size_t)(e - d), p->f) != (size_t)(e - d))
		check(p, -1);
}

void prom_sample_u64(struct prom *p, const char *name, const char *suffix,
		     const struct prom_label *labels, unsigned int n,
		     uint64_t value)
{
	check(p, fputs_unlocked(name, p->f));
	check(p, fputs_unlocked(suffix, p->f));
	put_labels(p, labels, n);
	put_u64(p, value);
}

int prom_finish(struct prom *p)
{
	if (p->openmetrics)
		check(p, fputs_unlocked("# EOF\n", p->f));
	check(p, fflush(p->f) == EOF ? -1 : 0);
	return p->err;
}
