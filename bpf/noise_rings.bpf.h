/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The per-CPU noise ring: written by noise.bpf.c, read by sched.bpf.c to
 * say what ran on a CPU before a spike. One map when both are loaded
 * (userspace hands noise's to sched with bpf_map__reuse_fd). */
#ifndef RTBPF_NOISE_RINGS_BPF_H
#define RTBPF_NOISE_RINGS_BPF_H

#include "noise.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct noise_ring);
} noise_rings SEC(".maps");

#endif
