/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The map timerlat.bpf.c writes and sched.bpf.c reads (one map when both
 * are loaded: userspace shares it with bpf_map__reuse_fd). */
#ifndef RTBPF_TIMER_WAKES_BPF_H
#define RTBPF_TIMER_WAKES_BPF_H

#include "timerlat.h"

/* By the CPU of the thread whose hrtimer expired (struct timer_wake). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RTBPF_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct timer_wake);
} timer_wakes SEC(".maps");

#endif
