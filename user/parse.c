// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

unsigned int cpuset_count(const struct cpuset *s)
{
	unsigned int n = 0;

	for (size_t i = 0; i < CPUSET_MAX / 64; i++)
		n += (unsigned int)__builtin_popcountll(s->bits[i]);
	return n;
}

bool cpuset_subset(const struct cpuset *a, const struct cpuset *b)
{
	return cpuset_first_missing(a, b) < 0;
}

int cpuset_first_missing(const struct cpuset *a, const struct cpuset *b)
{
	for (unsigned int c = 0; c < CPUSET_MAX; c++)
		if (cpuset_has(a, c) && !cpuset_has(b, c))
			return (int)c;
	return -1;
}

int cpuset_format(const struct cpuset *s, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int c = 0;

	if (!len)
		return -ERANGE;
	buf[0] = '\0';
	while (c < CPUSET_MAX) {
		unsigned int end;
		int n;

		if (!cpuset_has(s, c)) {
			c++;
			continue;
		}
		end = c;
		while (end + 1 < CPUSET_MAX && cpuset_has(s, end + 1))
			end++;
		if (end == c)
			n = snprintf(buf + off, len - off, "%s%u",
				     off ? "," : "", c);
		else
			n = snprintf(buf + off, len - off, "%s%u-%u",
				     off ? "," : "", c, end);
		if (n < 0 || (size_t)n >= len - off)
			return -ERANGE;
		off += (size_t)n;
		c = end + 1;
	}
	return (int)off;
}

/* Reads a decimal number below limit; *p advanced past it. */
static int read_num(const char **p, unsigned long limit, unsigned long *out)
{
	unsigned long v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v >= limit)
			return -ERANGE;
		s++;
	}
	*p = s;
	*out = v;
	return 0;
}

int parse_cpulist(const char *str, struct cpuset *out, char *err, size_t errlen)
{
	const char *p = str;
	struct cpuset set;

	cpuset_zero(&set);
	if (!str || !*str) {
		snprintf(err, errlen, "empty CPU list");
		return -EINVAL;
	}
	for (;;) {
		const char *item = p;
		unsigned long lo, hi, stride = 1;
		int ret;

		ret = read_num(&p, CPUSET_MAX, &lo);
		if (ret)
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			ret = read_num(&p, CPUSET_MAX, &hi);
			if (ret)
				goto bad;
			if (*p == ':') {
				p++;
				ret = read_num(&p, CPUSET_MAX, &stride);
				if (ret || !stride) {
					ret = ret ? ret : -EINVAL;
					goto bad;
				}
			}
			if (hi < lo) {
				snprintf(
					err, errlen,
					"CPU range '%.*s' is reversed (%lu > %lu)",
					(int)(p - item), item, lo, hi);
				return -EINVAL;
			}
		}
		for (unsigned long c = lo; c <= hi; c += stride)
			cpuset_add(&set, (unsigned int)c);
		if (*p == '\0')
			break;
		if (*p != ',') {
			ret = -EINVAL;
			goto bad;
		}
		p++;
		continue;
bad:
		if (ret == -ERANGE)
			snprintf(err, errlen,
				 "CPU number in '%s' is too large (max %d)",
				 str, CPUSET_MAX - 1);
		else
			snprintf(
				err, errlen,
				"bad CPU list '%s' at '%s' (expected e.g. 0,2-3)",
				str, p);
		return ret;
	}
	*out = set;
	return 0;
}

int parse_u64(const char *str, uint64_t min, uint64_t max, uint64_t *out,
	      char *err, size_t errlen)
{
	uint64_t v = 0;
	const char *s = str;

	if (!s || !isdigit((unsigned char)*s)) {
		snprintf(err, errlen, "'%s' is not a number", s ? s : "");
		return -EINVAL;
	}
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10) {
			snprintf(err, errlen, "'%s' is too large", str);
			return -ERANGE;
		}
		v = v * 10 + d;
	}
	if (*s) {
		snprintf(err, errlen, "'%s' is not a number", str);
		return -EINVAL;
	}
	if (v < min || v > max) {
		snprintf(err, errlen, "%s is out of range [%llu, %llu]", str,
			 (unsigned long long)min, (unsigned long long)max);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

static const struct {
	const char *suffix;
	uint64_t ns;
} units[] = {
	{ "ns", 1ULL },
	{ "us", 1000ULL },
	{ "ms", 1000000ULL },
	{ "s", 1000000000ULL },
	{ "", 1000000000ULL },
	{ "m", 60000000000ULL },
	{ "h", 3600000000000ULL },
	{ "d", 86400000000000ULL },
};

/*
 * "1.5s", "0.25ms", "10": a whole part, an optional fraction (at least one
 * digit each side of the point) and a unit. Exact: the value in ns is an
 * integer computed in 128 bits, so "0.1s" is 100000000 and never rounds;
 * a value that is no whole number of ns ("1.5ns") is refused, as is one
 * past UINT64_MAX ns (about 584 years).
 */
int parse_duration(const char *str, uint64_t *ns, char *err, size_t errlen)
{
	/* A fraction with more than 16 significant places is never a
	 * whole number of ns (the largest unit, 86400e9 ns, holds only 2^16
	 * and 5^11); scanning stops being exact past 10^20. */
	const unsigned __int128 frac_limit =
		(unsigned __int128)100000000000ULL * 1000000000ULL;
	unsigned __int128 whole = 0, frac = 0, scale = 1, total;
	size_t zeros = 0;
	bool inexact = false;
	const char *s = str;

	if (!s || !isdigit((unsigned char)*s))
		goto bad;
	for (; isdigit((unsigned char)*s); s++) {
		whole = whole * 10 + (unsigned)(*s - '0');
		if (whole > UINT64_MAX)
			goto range;
	}
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			goto bad;
		/* trailing zeros change nothing: counted, applied before
		 * the next non-zero digit */
		for (; isdigit((unsigned char)*s); s++) {
			if (*s == '0') {
				zeros++;
				continue;
			}
			for (size_t z = 0; z <= zeros && !inexact; z++) {
				inexact = scale >= frac_limit;
				frac *= 10;
				scale *= 10;
			}
			zeros = 0;
			frac += (unsigned)(*s - '0');
		}
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s, units[i].suffix))
			continue;
		if (inexact || (frac * units[i].ns) % scale) {
			snprintf(err, errlen,
				 "duration '%s' is not a whole number of "
				 "nanoseconds",
				 str);
			return -EINVAL;
		}
		total = whole * units[i].ns + frac * units[i].ns / scale;
		if (total > UINT64_MAX)
			goto range;
		*ns = (uint64_t)total;
		return 0;
	}
bad:
	snprintf(err, errlen,
		 "bad duration '%s' (expected a number, e.g. 10, 1.5 or 250, "
		 "with ns, us, ms, s, m, h or d)",
		 str ? str : "");
	return -EINVAL;
range:
	snprintf(err, errlen,
		 "duration '%s' is too large (the limit is "
		 "18446744073.709551615s, about 584 years)",
		 str);
	return -ERANGE;
}
