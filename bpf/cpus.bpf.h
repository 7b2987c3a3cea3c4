/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The watched CPUs of a BPF object: rodata set by userspace before load. */
#ifndef RTBPF_CPUS_BPF_H
#define RTBPF_CPUS_BPF_H

#include "sched_abi.h"

const volatile __u64 cfg_cpu_mask[RTBPF_MAX_CPUS / 64] = {};
/* every possible CPU is in the mask: the hot paths skip the look */
const volatile bool cfg_all_cpus = false;

static __always_inline bool cpu_watched(__u64 cpu)
{
	if (cfg_all_cpus)
		return true;
	if (cpu >= RTBPF_MAX_CPUS)
		return false;
	/* hide the range from clang so the mask below stays and keeps the
	 * index provably in bounds for the verifier */
	barrier_var(cpu);
	return cfg_cpu_mask[(cpu / 64) & (RTBPF_MAX_CPUS / 64 - 1)] &
	       (1ULL << (cpu % 64));
}

#endif
