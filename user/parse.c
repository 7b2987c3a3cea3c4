// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
	for (size_t i = 0; i < CPUSET_MAX / 64; i++) {
		uint64_t m = a->bits[i] & ~b->bits[i];

		if (m)
			return (int)(i * 64 + (size_t)__builtin_ctzll(m));
	}
	return -1;
}

int cpuset_last(const struct cpuset *s)
{
	for (size_t i = CPUSET_MAX / 64; i-- > 0;)
		if (s->bits[i])
			return (int)(i * 64 + 63 -
				     (size_t)__builtin_clzll(s->bits[i]));
	return -1;
}

/* The next CPU of s at or after c, or CPUSET_MAX. */
static unsigned int next_set(const struct cpuset *s, unsigned int c)
{
	while (c < CPUSET_MAX) {
		uint64_t w = s->bits[c / 64] >> (c % 64);

		if (w)
			return c + (unsigned int)__builtin_ctzll(w);
		c = (c / 64 + 1) * 64;
	}
	return CPUSET_MAX;
}

/* The next CPU not in s at or after c, or CPUSET_MAX. */
static unsigned int next_clear(const struct cpuset *s, unsigned int c)
{
	while (c < CPUSET_MAX) {
		uint64_t w = ~s->bits[c / 64] >> (c % 64);

		if (w)
			return c + (unsigned int)__builtin_ctzll(w);
		c = (c / 64 + 1) * 64;
	}
	return CPUSET_MAX;
}

/* Calls fn for each run lo-hi of s, in order; stops at a non-zero return. */
static int for_each_run(const struct cpuset *s,
			int (*fn)(unsigned int lo, unsigned int hi, void *arg),
			void *arg)
{
	unsigned int c = next_set(s, 0);

	while (c < CPUSET_MAX) {
		unsigned int end = next_clear(s, c);
		int ret = fn(c, end - 1, arg);

		if (ret)
			return ret;
		c = next_set(s, end);
	}
	return 0;
}

struct fmt_ctx {
	char *buf;
	size_t len, off;
};

/* Decimal digits of v into out (no NUL); their count. snprintf per CPU
 * made check on a 1024-CPU host spend most of its time formatting. */
static size_t put_u(char *out, unsigned int v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n && out; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static int fmt_run(unsigned int lo, unsigned int hi, void *arg)
{
	struct fmt_ctx *f = arg;
	char item[24];
	size_t n = 0;

	if (f->off)
		item[n++] = ',';
	n += put_u(item + n, lo);
	if (hi != lo) {
		item[n++] = '-';
		n += put_u(item + n, hi);
	}
	if (f->buf) {
		if (n >= f->len - f->off)
			return -ERANGE;
		memcpy(f->buf + f->off, item, n);
		f->buf[f->off + n] = '\0';
	}
	f->off += n;
	return 0;
}

int cpuset_format(const struct cpuset *s, char *buf, size_t len)
{
	struct fmt_ctx f = { .buf = buf, .len = len };
	int ret;

	if (!len)
		return -ERANGE;
	buf[0] = '\0';
	ret = for_each_run(s, fmt_run, &f);
	if (ret) {
		buf[0] = '\0'; /* never a list cut short */
		return ret;
	}
	return (int)f.off;
}

size_t cpuset_format_len(const struct cpuset *s)
{
	struct fmt_ctx f = { 0 };

	for_each_run(s, fmt_run, &f);
	return f.off + 1;
}

char *cpuset_str(const struct cpuset *s)
{
	size_t len = cpuset_format_len(s);
	char *buf = malloc(len);

	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	if (cpuset_format(s, buf, len) < 0) {
		free(buf);
		errno = ERANGE;
		return NULL;
	}
	return buf;
}

size_t num_run(const long *v, size_t n, size_t i, long *step)
{
	size_t j = i;
	long d;

	*step = 0;
	if (i + 1 >= n)
		return i;
	d = v[i + 1] - v[i];
	if (d == 1) {
		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		*step = 1;
		return j;
	}
	/* a number that starts a consecutive run is left to it */
	while (j + 1 < n && v[j + 1] == v[j] + d &&
	       !(j + 2 < n && v[j + 2] == v[j + 1] + 1))
		j++;
	if (j - i < 2)
		return i;
	*step = d;
	return j;
}

int num_run_format(const long *v, size_t i, size_t j, long step, char *buf,
		   size_t len)
{
	if (step > 1)
		return snprintf(buf, len, "%ld-%ld:%ld", v[i], v[j], step);
	if (step == 1)
		return snprintf(buf, len, "%ld-%ld", v[i], v[j]);
	return snprintf(buf, len, "%ld", v[i]);
}

/* Never longer than cpuset_format's list: a stride's middle CPU is at
 * least as long as the stride. */
char *cpuset_str_compact(const struct cpuset *s)
{
	size_t len = cpuset_format_len(s), off = 0, n = 0;
	unsigned int count = cpuset_count(s);
	long *v = malloc((count ? count : 1) * sizeof(*v));
	char *buf = malloc(len);

	if (!buf || !v) {
		free(buf);
		free(v);
		errno = ENOMEM;
		return NULL;
	}
	for (unsigned int c = next_set(s, 0); c < CPUSET_MAX;
	     c = next_set(s, c + 1))
		v[n++] = c;
	buf[0] = '\0';
	for (size_t i = 0, j; i < n; i = j + 1) {
		long step;

		j = num_run(v, n, i, &step);
		if (off)
			buf[off++] = ',';
		off += (size_t)num_run_format(v, i, j, step, buf + off,
					      len - off);
	}
	free(v);
	return buf;
}

struct fit_ctx {
	char *buf;
	size_t len, off;
	unsigned int shown, total;
	bool full;
};

static int fit_run(unsigned int lo, unsigned int hi, void *arg)
{
	struct fit_ctx *f = arg;
	char tail[16], item[32];
	unsigned int left = f->total - f->shown - (hi - lo + 1);
	int n, t = 0;

	n = lo == hi ? snprintf(item, sizeof(item), "%s%u", f->off ? "," : "",
				lo) :
		       snprintf(item, sizeof(item), "%s%u-%u",
				f->off ? "," : "", lo, hi);
	/* room for this run, and for the "+N" of what would still follow */
	if (left)
		t = snprintf(tail, sizeof(tail), " +%u", left);
	if (f->off + (size_t)n + (size_t)t >= f->len) {
		f->full = true;
		return 1;
	}
	memcpy(f->buf + f->off, item, (size_t)n + 1);
	f->off += (size_t)n;
	f->shown += hi - lo + 1;
	return 0;
}

int cpuset_format_fit(const struct cpuset *s, char *buf, size_t len)
{
	struct fit_ctx f = { .buf = buf, .len = len, .total = cpuset_count(s) };

	if (!len)
		return -ERANGE;
	buf[0] = '\0';
	if (len < 8)
		return 0;
	for_each_run(s, fit_run, &f);
	if (f.full)
		f.off += (size_t)snprintf(buf + f.off, len - f.off,
					  f.off ? " +%u" : "+%u",
					  f.total - f.shown);
	return (int)f.off;
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
				if (ret == -ERANGE) {
					snprintf(err, errlen,
						 "stride in '%s' is too large "
						 "(max %d)",
						 str, CPUSET_MAX - 1);
					return ret;
				}
				if (!ret && !stride) {
					snprintf(err, errlen,
						 "stride 0 in '%.*s': a stride "
						 "is at least 1 (1-7:2 is "
						 "1,3,5,7)",
						 (int)(p - item), item);
					return -EINVAL;
				}
				if (ret)
					goto bad;
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
		else if (*p)
			snprintf(err, errlen,
				 "bad CPU list '%s' at '%s' (expected e.g. "
				 "0,2-3 or 1-7:2)",
				 str, p);
		else
			snprintf(err, errlen,
				 "bad CPU list '%s': it ends early (expected "
				 "e.g. 0,2-3 or 1-7:2)",
				 str);
		return ret;
	}
	*out = set;
	return 0;
}

int parse_cpulist_text(const char *text, struct cpuset *out, char *err,
		       size_t errlen)
{
	size_t n;
	char *s;
	int ret;

	while (isspace((unsigned char)*text))
		text++;
	n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	s = strndup(text, n);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = parse_cpulist(s, out, err, errlen);
	free(s);
	return ret;
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
	{ "", 0 }, /* a bare number: the caller's unit */
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
static int parse_dur_unit(const char *str, uint64_t bare_ns, uint64_t *ns,
			  char *err, size_t errlen)
{
	const char *what = bare_ns == 1000 ? "latency" : "duration";
	/* A fraction with more than 16 significant places is never a
	 * whole number of ns (the largest unit, 86400e9 ns, holds only 2^16
	 * and 5^11); scanning stops being exact past 10^20. */
	const unsigned __int128 frac_limit =
		(unsigned __int128)100000000000ULL * 1000000000ULL;
	unsigned __int128 whole = 0, frac = 0, scale = 1, total;
	size_t zeros = 0;
	bool inexact = false;
	const char *s = str;

	if (s && *s == '-') {
		snprintf(err, errlen,
			 "'%s' is negative: a %s must be positive (e.g. %s)",
			 str, what, bare_ns == 1000 ? "100us" : "10s");
		return -EINVAL;
	}
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
		uint64_t unit = units[i].ns ? units[i].ns : bare_ns;

		if (strcmp(s, units[i].suffix))
			continue;
		if (inexact || (frac * unit) % scale) {
			snprintf(err, errlen,
				 "%s '%s' is not a whole number of "
				 "nanoseconds",
				 what, str);
			return -EINVAL;
		}
		total = whole * unit + frac * unit / scale;
		if (total > UINT64_MAX)
			goto range;
		*ns = (uint64_t)total;
		return 0;
	}
bad:
	snprintf(err, errlen,
		 "bad %s '%s' (expected a number, e.g. 10, 1.5 or 250, "
		 "with ns, us, ms, s, m, h or d)",
		 what, str ? str : "");
	return -EINVAL;
range:
	snprintf(err, errlen,
		 "%s '%s' is too large (the limit is "
		 "18446744073.709551615s, about 584 years)",
		 what, str);
	return -ERANGE;
}

int parse_duration(const char *str, uint64_t *ns, char *err, size_t errlen)
{
	return parse_dur_unit(str, 1000000000ULL, ns, err, errlen);
}

int parse_latency(const char *str, uint64_t *ns, char *err, size_t errlen)
{
	return parse_dur_unit(str, 1000ULL, ns, err, errlen);
}
