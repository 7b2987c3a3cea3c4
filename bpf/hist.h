/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Log-linear histogram bucket math, shared by BPF programs, userspace and
 * unit tests. Values below 8 have a bucket each; above, every power of two
 * [2^e, 2^(e+1)) is split into 8 linear sub-buckets of width 2^(e-3), so a
 * bucket is at most 1/8 of its lower bound wide: a percentile reported at a
 * bucket's midpoint is within 6.25 % of the true value, at its upper edge
 * within 12.5 %. Covers the whole __u64 range in HIST_BUCKETS buckets.
 * Loop-free so the verifier accepts it anywhere; no libc needed.
 */
#ifndef RTBPF_HIST_MATH_H
#define RTBPF_HIST_MATH_H

#define HIST_SUB_BITS 3
#define HIST_SUB 8 /* 1 << HIST_SUB_BITS */
/* e = 63 is the top power: (63 - 2) * 8 + 7 = 495 is the last index. */
#define HIST_BUCKETS 496

/* floor(log2(v)) for v > 0; 0 for v == 0. */
static inline __u32 hist_log2(__u64 v)
{
	__u32 r = 0, s;

	s = (v > 0xFFFFFFFFULL) << 5;
	v >>= s;
	r |= s;
	s = (v > 0xFFFF) << 4;
	v >>= s;
	r |= s;
	s = (v > 0xFF) << 3;
	v >>= s;
	r |= s;
	s = (v > 0xF) << 2;
	v >>= s;
	r |= s;
	s = (v > 0x3) << 1;
	v >>= s;
	r |= s;
	r |= (__u32)(v >> 1);
	return r;
}

static inline __u32 hist_bucket(__u64 v)
{
	__u32 e;

	if (v < HIST_SUB)
		return (__u32)v;
	e = hist_log2(v);
	return (e - HIST_SUB_BITS + 1) * HIST_SUB +
	       (__u32)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

/* Smallest value that falls in bucket b. */
static inline __u64 hist_bucket_lo(__u32 b)
{
	__u32 e;

	if (b < HIST_SUB)
		return b;
	e = b / HIST_SUB + HIST_SUB_BITS - 1;
	return (1ULL << e) +
	       (__u64)(b % HIST_SUB) * (1ULL << (e - HIST_SUB_BITS));
}

/* Largest value that falls in bucket b. */
static inline __u64 hist_bucket_hi(__u32 b)
{
	if (b + 1 >= HIST_BUCKETS)
		return ~0ULL;
	return hist_bucket_lo(b + 1) - 1;
}

/*
 * Adds v to a histogram with fields count, sum, min, max and
 * b[HIST_BUCKETS] (struct hist, struct rtbpf_hist, a BPF program's copy of
 * that layout), owned by one thread or one CPU. The bucket index is
 * checked, which is what the verifier needs. The dispatcher's, read by
 * another thread while written, does the same with relaxed atomics.
 */
#define HIST_ADD(h, v)                            \
	do {                                      \
		__typeof__(v) v_ = (v);           \
		__u32 b_ = hist_bucket(v_);       \
		if (b_ < HIST_BUCKETS)            \
			(h)->b[b_]++;             \
		if (!(h)->count || v_ < (h)->min) \
			(h)->min = v_;            \
		if (v_ > (h)->max)                \
			(h)->max = v_;            \
		(h)->sum += v_;                   \
		(h)->count++;                     \
	} while (0)

#endif
