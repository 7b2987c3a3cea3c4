// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Prometheus text (0.0.4) and OpenMetrics 1.0 text writer: see prom.h. */
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
			check(p, fputs("\\\\", p->f));
		else if (*s == '\n')
			check(p, fputs("\\n", p->f));
		else if (*s == '"' && p->openmetrics)
			check(p, fputs("\\\"", p->f));
		else
			check(p, fputc((unsigned char)*s, p->f));
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
	check(p, fputc('{', p->f));
	for (unsigned int i = 0; i < n; i++) {
		check(p, fprintf(p->f, "%s%s=\"", i ? "," : "", l[i].name));
		for (const char *s = l[i].value; *s; s++) {
			if (*s == '\\')
				check(p, fputs("\\\\", p->f));
			else if (*s == '"')
				check(p, fputs("\\\"", p->f));
			else if (*s == '\n')
				check(p, fputs("\\n", p->f));
			else
				check(p, fputc((unsigned char)*s, p->f));
		}
		check(p, fputc('"', p->f));
	}
	check(p, fputc('}', p->f));
}

void prom_sample(struct prom *p, const char *name, const char *suffix,
		 const struct prom_label *labels, unsigned int n, double value)
{
	check(p, fprintf(p->f, "%s%s", name, suffix));
	put_labels(p, labels, n);
	if (isnan(value))
		check(p, fputs(" NaN\n", p->f));
	else if (isinf(value))
		check(p, fputs(value > 0 ? " +Inf\n" : " -Inf\n", p->f));
	else
		check(p, fprintf(p->f, " %.17g\n", value));
}

void prom_sample_u64(struct prom *p, const char *name, const char *suffix,
		     const struct prom_label *labels, unsigned int n,
		     uint64_t value)
{
	check(p, fprintf(p->f, "%s%s", name, suffix));
	put_labels(p, labels, n);
	check(p, fprintf(p->f, " %" PRIu64 "\n", value));
}

int prom_finish(struct prom *p)
{
	if (p->openmetrics)
		check(p, fputs("# EOF\n", p->f));
	check(p, fflush(p->f) == EOF ? -1 : 0);
	return p->err;
}
