/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Parsing of the values users type: CPU lists in cyclictest/taskset syntax
 * ("0,2-3", "1-7:2"), durations ("250us", "10s", "1.5s", "5m", "1h"; a bare
 * number is seconds, microseconds for a latency; exact in ns, at most
 * UINT64_MAX ns) and bounded integers. All return 0 or -EINVAL/-ERANGE and,
 * on error, a one-line reason in err (naming the bad part); no allocation.
 */
#ifndef RTBPF_PARSE_H
#define RTBPF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's largest NR_CPUS (CONFIG_MAXSMP on x86_64). */
#define CPUSET_MAX 8192

struct cpuset {
	uint64_t bits[CPUSET_MAX / 64];
};

static inline void cpuset_zero(struct cpuset *s)
{
	for (size_t i = 0; i < CPUSET_MAX / 64; i++)
		s->bits[i] = 0;
}

static inline void cpuset_add(struct cpuset *s, unsigned int cpu)
{
	if (cpu < CPUSET_MAX)
		s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline bool cpuset_has(const struct cpuset *s, unsigned int cpu)
{
	return cpu < CPUSET_MAX && (s->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/* Every CPU below ncpus is in s. */
static inline bool cpuset_covers(const struct cpuset *s, int ncpus)
{
	for (int i = 0; i < ncpus; i++)
		if (!cpuset_has(s, (unsigned int)i))
			return false;
	return ncpus > 0;
}

unsigned int cpuset_count(const struct cpuset *s);
bool cpuset_subset(const struct cpuset *a, const struct cpuset *b);
/* First CPU of a not in b, or -1. */
int cpuset_first_missing(const struct cpuset *a, const struct cpuset *b);
/* Canonical list form ("0-3,6"); "" for an empty set. Returns len or -ERANGE. */
int cpuset_format(const struct cpuset *s, char *buf, size_t len);
/* Bytes cpuset_format needs for s, the terminating NUL included. */
size_t cpuset_format_len(const struct cpuset *s);
/* The list form in a new string the caller frees; NULL + errno (ENOMEM). */
char *cpuset_str(const struct cpuset *s);
/* For people: as cpuset_str, with strides where three or more CPUs are
 * evenly spaced ("0-3,5-63:2"), as parse_cpulist reads them. */
char *cpuset_str_compact(const struct cpuset *s);
/*
 * Runs of sorted distinct numbers, the one rule of compact lists (CPUs,
 * IRQs, thread IDs): the run that starts at v[i] ends at the index
 * returned, with *step 1 for consecutive numbers ("4-7"), the stride for
 * three or more evenly spaced ones ("9-15:2"; one that starts a
 * consecutive run is left to it), 0 for v[i] alone. num_run_format
 * writes one run (snprintf's return).
 */
size_t num_run(const long *v, size_t n, size_t i, long *step);
int num_run_format(const long *v, size_t i, size_t j, long step, char *buf,
		   size_t len);
/* For a display field of len - 1 columns: the whole list when it fits,
 * else its first runs and " +N" for the N CPUs left out ("1,3,5,7 +508"),
 * never a number cut. Returns the length; buf "" when len < 8. */
int cpuset_format_fit(const struct cpuset *s, char *buf, size_t len);
/* Highest CPU in s, or -1 when empty. */
int cpuset_last(const struct cpuset *s);

int parse_cpulist(const char *str, struct cpuset *out, char *err,
		  size_t errlen);
/* parse_cpulist of a file's text: leading and trailing whitespace (the
 * newline) ignored, any length; -ENOMEM too. */
int parse_cpulist_text(const char *text, struct cpuset *out, char *err,
		       size_t errlen);
/* Duration to nanoseconds. */
int parse_duration(const char *str, uint64_t *ns, char *err, size_t errlen);
/* A latency or threshold to nanoseconds: as parse_duration, but a bare
 * number is microseconds ("20" is 20us). */
int parse_latency(const char *str, uint64_t *ns, char *err, size_t errlen);
/* a + b, or UINT64_MAX when that does not fit: a deadline "now + a
 * duration" never wraps into the past. */
static inline uint64_t ns_add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}
int parse_u64(const char *str, uint64_t min, uint64_t max, uint64_t *out,
	      char *err, size_t errlen);

#endif
