/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Stress tests of the ring and the fan-in: each message carries its
 * producer in key and its sequence number in ptr. seq_check() fails the
 * test unless every message is the next one expected from its producer:
 * nothing lost, duplicated or reordered. Include after <cmocka.h>.
 */
#ifndef RTBPF_TEST_SEQ_CHECK_H
#define RTBPF_TEST_SEQ_CHECK_H

#include <stdint.h>

#include <rtbpf/ring.h>

static inline void seq_check(const struct rtbpf_msg *out, unsigned int n,
			     uint64_t *next, unsigned int nprod)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t k = out[i].key;

		assert_true(k < nprod);
		if ((uintptr_t)out[i].ptr != next[k])
			fail_msg("producer %lu: got %lu, want %lu",
				 (unsigned long)k,
				 (unsigned long)(uintptr_t)out[i].ptr,
				 (unsigned long)next[k]);
		next[k]++;
	}
}

#endif
